"""Worker of test_horizon_resume: a tiny torch run that is killed, then resumed.

``python _horizon_worker.py first DIR K``: train under the old schedule,
checkpoint model + optimizer + CurveScheduler at step K, run on and die by
SIGKILL mid-run.  ``python _horizon_worker.py resume DIR K NEW_TOTAL``: load
the checkpoint, retarget the schedule at the restored step, swap it in and
train to NEW_TOTAL.  Each process appends ``step lr`` lines to
``DIR/<mode>.lr`` (flushed per step: a killed process leaves them).
Imported by the test (never run on import) for the uninterrupted reference.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import lrcurves

OLD_TOTAL = 60


def old_schedule() -> lrcurves.Schedule:
    return lrcurves.warmup_cosine(peak_value=0.05, warmup_steps=10, total_steps=OLD_TOTAL, end_value=1e-3)


def build() -> tuple[Any, Any, Any]:
    import torch
    from lrcurves.adapters.torch import CurveScheduler

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    return model, opt, CurveScheduler(opt, old_schedule())


def train_step(model: Any, opt: Any, sched: Any, step: int) -> float:
    """One update at ``step`` (data from the step: the same batch in every process)."""
    import torch

    g = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(16, 4, generator=g)
    y = x.sum(dim=1, keepdim=True).sin()
    lr = float(opt.param_groups[0]["lr"])
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()
    sched.step()
    return lr


def first(out: Path, k: int) -> None:
    import torch

    model, opt, sched = build()
    with open(out / "first.lr", "w") as log:
        for step in range(OLD_TOTAL):
            if step == k:
                state = {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}
                torch.save(state, out / "ckpt.pt")
            if step == k + 3:  # killed mid-run, after the checkpoint
                log.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            log.write(f"{step} {train_step(model, opt, sched, step)!r}\n")
            log.flush()


def resume(out: Path, k: int, new_total: int) -> None:
    import torch

    from lrcurves.horizon import retarget

    model, opt, sched = build()
    state = torch.load(out / "ckpt.pt", weights_only=True)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    assert sched.last_epoch == k, sched.last_epoch
    sched.replace_schedule(retarget(sched.schedule, at_step=sched.last_epoch, new_total=new_total))
    with open(out / "resume.lr", "w") as log:
        for step in range(k, new_total + 2):
            log.write(f"{step} {train_step(model, opt, sched, step)!r}\n")
            log.flush()
    torch.save({"model": model.state_dict(), "sched": sched.state_dict()}, out / "final.pt")


if __name__ == "__main__":
    mode, where, at = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if mode == "first":
        first(where, at)
    else:
        resume(where, at, int(sys.argv[4]))
