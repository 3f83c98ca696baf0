"""kill -9 at random steps of a real training loop, then resume from ``torch.save``.

One process trains four tiny models, one per scheduler family:
``CurveScheduler`` (lrcurves' torch shim), DeepSpeed ``OneCycle``,
ColossalAI ``OneCycleLR`` and pytorch_optimizer
``CosineAnnealingWarmupRestarts`` (the drop-ins), checkpointing every few
steps.  The process SIGKILLs itself at random steps and phases (before the
optimizer step, between optimizer and scheduler step, after both, or with
a checkpoint written but not yet renamed) and is restarted from its last
checkpoint until it finishes.  Every learning rate, momentum and model
checksum of the stitched run must equal the uninterrupted run bit for bit.
"""

from __future__ import annotations

import random
import signal
from pathlib import Path
from typing import Any

import pytest
from reliability._util import python, read_train_log, train_module

pytest.importorskip("torch")


def reference(tmp: Path, steps: int, every: int) -> dict[Any, Any]:
    train = train_module()
    log = tmp / "ref.log"
    train.run(str(log), str(tmp / "ref.ckpt"), steps, every)
    return read_train_log(log)


def kill_trial(tmp: Path, steps: int, every: int, kills: int, seed: int) -> tuple[dict[Any, Any], list[Any]]:
    rng = random.Random(seed)
    log, ckpt = tmp / f"t{seed}.log", tmp / f"t{seed}.ckpt"
    plan = []
    at = 0
    for _ in range(kills):
        at = rng.randrange(at + 1, steps - 1) if at + 1 < steps - 1 else steps - 2
        phase = rng.choice(["before_step", "after_opt", "after_sched", "mid_save"])
        if phase == "mid_save":
            at = min(((at // every) + 1) * every - 1, steps - 2)  # a checkpoint step
            if (at + 1) % every:
                phase = "after_sched"
        plan.append((at, phase))
    for at, phase in plan:
        out = python("_train.py", "--log", str(log), "--ckpt", str(ckpt), "--steps", str(steps),
                     "--every", str(every), "--die-at", str(at), "--die-phase", phase, cwd=tmp)
        assert out.returncode == -signal.SIGKILL, (at, phase, out.returncode, out.stderr[-3000:])
    out = python("_train.py", "--log", str(log), "--ckpt", str(ckpt), "--steps", str(steps), "--every", str(every),
                 cwd=tmp)
    assert out.returncode == 0, out.stderr[-3000:]
    return read_train_log(log), plan


def check(ref: dict[Any, Any], got: dict[Any, Any], plan: list[Any]) -> None:
    assert set(got) == set(ref), f"missing steps after {plan}: {sorted(set(ref) - set(got))[:10]}"
    bad = [(k, ref[k], got[k]) for k in sorted(ref) if ref[k] != got[k]]
    assert not bad, f"after kills {plan}: {len(bad)} steps differ, first {bad[:3]}"


def test_kill_and_resume_is_bit_exact(tmp_path: Path) -> None:
    steps, every = 30, 4
    ref = reference(tmp_path, steps, every)
    got, plan = kill_trial(tmp_path, steps, every, kills=2, seed=12)
    check(ref, got, plan)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(8))
def test_kill_and_resume_many_trials(tmp_path: Path, seed: int) -> None:
    steps, every = 120, 7
    ref = reference(tmp_path, steps, every)
    got, plan = kill_trial(tmp_path, steps, every, kills=5, seed=100 + seed)
    check(ref, got, plan)
