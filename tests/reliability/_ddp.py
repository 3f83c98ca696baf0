"""One rank of a 2-process torch DDP run on gloo (localhost), for test_ddp.py.

``python _ddp.py RANK WORLD PORT LOG CKPT STEPS CKPT_AT``.  The rank trains
steps ``0 .. STEPS-1`` (rank 0 checkpointing after step ``CKPT_AT - 1``),
then builds fresh models, optimizers and schedulers, loads the checkpoint
on every rank and trains ``CKPT_AT .. STEPS-1`` again.  Every step, each
rank all-gathers (LR, momentum) of its two schedulers (lrcurves'
``CurveScheduler`` and the DeepSpeed ``OneCycle`` drop-in) and exits with
an error unless every rank holds the same bits; it logs its own values
(``full`` and ``resume`` lines) for the parent to compare.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def build(steps: int) -> list[tuple[Any, Any, Any]]:
    import torch
    from lrcurves.adapters.deepspeed import OneCycle
    from lrcurves.adapters.torch import CurveScheduler
    from torch.nn.parallel import DistributedDataParallel as DDP

    import lrcurves

    torch.manual_seed(0)
    m1 = DDP(torch.nn.Linear(4, 1, dtype=torch.float64))
    m2 = DDP(torch.nn.Linear(4, 1, dtype=torch.float64))
    o1 = torch.optim.SGD(m1.parameters(), lr=0.1, momentum=0.9)
    o2 = torch.optim.Adam(m2.parameters(), lr=0.01)
    s1 = CurveScheduler(o1, lrcurves.warmup(lrcurves.one_cycle(0.05, total_steps=steps), 3))
    s2 = OneCycle(o2, 1e-3, 1e-2, cycle_first_step_size=max(steps // 4, 2), cycle_first_stair_count=2)
    return [(m1, o1, s1), (m2, o2, s2)]


def train(parts: list[tuple[Any, Any, Any]], rank: int, world: int, start: int, steps: int, ckpt_at: int,
          ckpt: str, out: Any, tag: str) -> None:
    import torch
    import torch.distributed as dist

    (_, o1, _), (_, o2, _) = parts
    for k in range(start, steps):
        g1, g2 = o1.param_groups[0], o2.param_groups[0]
        mine = torch.tensor([g1["lr"], g1["momentum"], g2["lr"], g2["betas"][0]], dtype=torch.float64)
        every = [torch.zeros_like(mine) for _ in range(world)]
        dist.all_gather(every, mine)
        for r, v in enumerate(every):
            if not torch.equal(v, mine):
                raise SystemExit(f"{tag} rank {rank} step {k}: rank {r} has {v.tolist()}, this rank {mine.tolist()}")
        out.write(f"{tag} {k} " + " ".join(float(x).hex() for x in mine.tolist()) + "\n")
        gen = torch.Generator().manual_seed(10 * k + rank)
        x = torch.randn(4, 4, generator=gen, dtype=torch.float64)
        for m, o, _ in parts:
            o.zero_grad()
            m(x).pow(2).mean().backward()
            o.step()
        for _, _, s in parts:
            s.step()
        if ckpt and k + 1 == ckpt_at:
            if rank == 0:
                st: dict[str, Any] = {"step": k + 1}
                for i, (m, o, s) in enumerate(parts):
                    st[str(i)] = {"model": m.module.state_dict(), "opt": o.state_dict(), "sched": s.state_dict()}
                torch.save(st, ckpt + ".tmp")
                os.replace(ckpt + ".tmp", ckpt)
            dist.barrier()


def main(argv: list[str]) -> None:
    import torch
    import torch.distributed as dist

    rank, world, port = int(argv[0]), int(argv[1]), int(argv[2])
    log, ckpt, steps, ckpt_at = argv[3], argv[4], int(argv[5]), int(argv[6])
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    with open(log, "w", encoding="utf-8") as out:
        train(build(steps), rank, world, 0, steps, ckpt_at, ckpt, out, "full")
        parts = build(steps)  # fresh objects, as a restarted job would have
        st = torch.load(ckpt, weights_only=True)
        for i, (m, o, s) in enumerate(parts):
            m.module.load_state_dict(st[str(i)]["model"])
            o.load_state_dict(st[str(i)]["opt"])
            s.load_state_dict(st[str(i)]["sched"])
        train(parts, rank, world, int(st["step"]), steps, ckpt_at, "", out, "resume")
    # both ranks done before either tears gloo down (a rank leaving early can
    # abort its peer's connection thread: "terminate called without an active exception")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
