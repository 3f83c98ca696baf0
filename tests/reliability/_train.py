"""A tiny, deterministic torch training loop with one scheduler of each family.

Run as a script by the kill -9 tests (``python _train.py --log L --ckpt C
--steps N --every E [--die-at K --die-phase P]``) and imported by them for
the uninterrupted reference run.  Every step logs, for each family, the
learning rate and momentum the optimizer is about to use and a checksum of
the model, as ``float.hex`` (bit-exact comparison); every ``E`` steps the
whole state (models, optimizers, schedulers, step) is written with
``torch.save`` to a temporary file and renamed over the checkpoint.  A
restarted run resumes from the checkpoint (``torch.load(weights_only=True)``:
scheduler states must be plain data) and logs the steps it repeats again.

``--die-at K`` sends SIGKILL to the process itself at step ``K``, in one of
the phases ``before_step`` (before the optimizer step), ``after_opt``
(between ``optimizer.step()`` and ``scheduler.step()``), ``after_sched``
(after both) or ``mid_save`` (the temporary checkpoint written, not yet
renamed; only on a checkpoint step).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

FAMILIES = ("curve", "deepspeed", "colossalai", "pytorch_optimizer")
PHASES = ("before_step", "after_opt", "after_sched", "mid_save")


def build(family: str, steps: int) -> tuple[Any, Any, Any]:
    """``(model, optimizer, scheduler)`` of one family, identical on every call."""
    import torch

    import lrcurves

    torch.manual_seed(sum(map(ord, family)))
    model = torch.nn.Linear(4, 1, dtype=torch.float64)
    if family == "curve":
        from lrcurves.adapters.torch import CurveScheduler

        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = CurveScheduler(opt, lrcurves.one_cycle(0.05, total_steps=steps + 10, pct_start=0.25))
    elif family == "deepspeed":
        from lrcurves.adapters.deepspeed import OneCycle

        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        sched = OneCycle(opt, 1e-3, 1e-2, cycle_first_step_size=max(steps // 4, 2), cycle_first_stair_count=3,
                         decay_step_size=3, decay_lr_rate=0.1)
    elif family == "colossalai":
        from lrcurves.adapters.colossalai import OneCycleLR

        opt = torch.optim.AdamW(model.parameters(), lr=0.02)
        sched = OneCycleLR(opt, total_steps=steps + 10, pct_start=0.3)
    elif family == "pytorch_optimizer":
        from lrcurves.adapters.pytorch_optimizer import CosineAnnealingWarmupRestarts

        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.8)
        sched = CosineAnnealingWarmupRestarts(opt, first_cycle_steps=max(steps // 5, 3), cycle_mult=1.5,
                                              max_lr=0.05, min_lr=1e-4, warmup_steps=2, gamma=0.7)
    else:
        raise ValueError(family)
    return model, opt, sched


def momentum_of(opt: Any) -> float:
    g = opt.param_groups[0]
    return float(g["betas"][0]) if "betas" in g else float(g.get("momentum", 0.0))


def checksum(model: Any) -> float:
    return float(sum(float(p.detach().double().sum()) for p in model.parameters()))


def batch(step: int) -> Any:
    import torch

    gen = torch.Generator().manual_seed(1000 + step)
    return torch.randn(8, 4, generator=gen, dtype=torch.float64)


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def run(log: str, ckpt: str, steps: int, every: int, die_at: int = -1, die_phase: str = "", families: tuple[str, ...] = FAMILIES) -> None:
    import torch

    torch.set_num_threads(1)
    parts = {f: build(f, steps) for f in families}
    start = 0
    if os.path.exists(ckpt):
        state = torch.load(ckpt, weights_only=True)
        start = int(state["step"])
        for f, (model, opt, sched) in parts.items():
            model.load_state_dict(state[f]["model"])
            opt.load_state_dict(state[f]["opt"])
            sched.load_state_dict(state[f]["sched"])
    with open(log, "a", encoding="utf-8") as out:
        for k in range(start, steps):
            for f, (model, opt, _) in parts.items():
                out.write(f"{f} {k} {float(opt.param_groups[0]['lr']).hex()} {momentum_of(opt).hex()} "
                          f"{checksum(model).hex()}\n")
            out.flush()
            if k == die_at and die_phase == "before_step":
                _die()
            x = batch(k)
            for _, (model, opt, _) in parts.items():
                opt.zero_grad()
                model(x).pow(2).mean().backward()
                opt.step()
            if k == die_at and die_phase == "after_opt":
                _die()
            for _, (_, _, sched) in parts.items():
                sched.step()
            if k == die_at and die_phase == "after_sched":
                _die()
            if (k + 1) % every == 0:
                state = {"step": k + 1}
                for f, (model, opt, sched) in parts.items():
                    state[f] = {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}
                tmp = ckpt + ".tmp"
                torch.save(state, tmp)
                if k == die_at and die_phase == "mid_save":
                    _die()
                os.replace(tmp, ckpt)


def read_log(path: str) -> dict[tuple[str, int], tuple[str, str, str]]:
    """``{(family, step): (lr, momentum, checksum)}``, the last line of each step winning."""
    out: dict[tuple[str, int], tuple[str, str, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 5:  # a line cut by the kill has fewer fields
                out[(parts[0], int(parts[1]))] = (parts[2], parts[3], parts[4])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--every", type=int, required=True)
    ap.add_argument("--die-at", type=int, default=-1)
    ap.add_argument("--die-phase", default="", choices=("", *PHASES))
    ap.add_argument("--families", default=",".join(FAMILIES))
    a = ap.parse_args(argv)
    run(a.log, a.ckpt, a.steps, a.every, a.die_at, a.die_phase, tuple(a.families.split(",")))


if __name__ == "__main__":
    main()
