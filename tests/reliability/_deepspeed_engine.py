"""``deepspeed.initialize`` with lrcurves schedulers on CPU (gloo), checkpoint, resume.

``python _deepspeed_engine.py DIR STEPS CKPT_AT``.  For lrcurves'
``CurveScheduler`` and the DeepSpeed ``OneCycle`` drop-in: engine A trains
``STEPS`` steps and saves a checkpoint (``engine.save_checkpoint``) after
``CKPT_AT``; engine B is built from fresh objects, loads it
(``engine.load_checkpoint``) and trains the rest.  The LRs, momenta and
parameters B sees must equal A's bit for bit.  Prints a JSON summary.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def main(root: str, steps: int, ckpt_at: int) -> None:
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("RANK", "0")
    os.environ.setdefault("LOCAL_RANK", "0")
    os.environ.setdefault("WORLD_SIZE", "1")
    import deepspeed
    import torch
    from lrcurves.adapters.deepspeed import OneCycle
    from lrcurves.adapters.torch import CurveScheduler

    import lrcurves

    torch.set_num_threads(1)
    deepspeed.init_distributed(dist_backend="gloo")
    cfg = {"train_batch_size": 1, "zero_optimization": {"stage": 0}, "steps_per_print": 10**9}

    def engine(kind: str) -> Any:
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        if kind == "onecycle":
            sched = OneCycle(opt, 1e-3, 1e-2, cycle_first_step_size=5, cycle_first_stair_count=2,
                             decay_step_size=2, decay_lr_rate=0.2)
        else:
            sched = CurveScheduler(opt, lrcurves.warmup(lrcurves.one_cycle(1e-2, total_steps=steps), 4))
        eng, _, _, lr_s = deepspeed.initialize(model=model, optimizer=opt, lr_scheduler=sched, config=cfg)
        assert lr_s is sched
        return eng

    def train(eng: Any, start: int, stop: int, log: dict[int, list[str]], tag: str) -> None:
        for k in range(start, stop):
            g = eng.optimizer.param_groups[0]
            params = [float(p.detach().double().sum()).hex() for p in eng.module.parameters()]
            log[k] = [float(g["lr"]).hex(), float(g["betas"][0]).hex(), *params]
            gen = torch.Generator().manual_seed(k)
            loss = eng(torch.randn(1, 3, generator=gen)).pow(2).sum()
            eng.backward(loss)
            eng.step()
            if tag and k + 1 == ckpt_at:
                eng.save_checkpoint(root, tag=tag)
                saved[tag] = eng.lr_scheduler.state_dict()

    report: dict[str, Any] = {}
    saved: dict[str, Any] = {}
    for kind in ("curve", "onecycle"):
        a: dict[int, list[str]] = {}
        train(engine(kind), 0, steps, a, f"{kind}-{ckpt_at}")
        eng = engine(kind)
        path, _ = eng.load_checkpoint(root, tag=f"{kind}-{ckpt_at}")
        assert path is not None, "load_checkpoint found nothing"
        assert eng.lr_scheduler.state_dict() == saved[f"{kind}-{ckpt_at}"], "scheduler state not restored"
        b: dict[int, list[str]] = {}
        train(eng, ckpt_at, steps, b, "")
        want = {k: v for k, v in a.items() if k >= ckpt_at}
        if b != want:
            bad = [k for k in want if b.get(k) != want[k]][:3]
            raise SystemExit(f"{kind}: resumed run differs at steps {bad}: {[(b.get(k), want[k]) for k in bad]}")
        report[kind] = {"steps": steps, "resumed_at": ckpt_at, "compared": len(b)}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
