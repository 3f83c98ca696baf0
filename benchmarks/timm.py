"""Per-step cost of ``lrcurves.adapters.timm.CosineLRScheduler.step_update`` against timm's.

``python benchmarks/timm.py`` prints the median time of one
``step_update(num_updates)`` (``t_in_epochs=False``, so every call sets the
LRs) with 1 and 100 param groups (each group its own LR), ours against
timm 1.0.31's, and the ratio (ours / timm's; the target is <= 1.0), for a
plain cosine and for growing cycles with k-decay.  timm's scheduler
sources are loaded as the tests load them (``tests/adapters/_timm_ref.py``:
timm installed with ``--no-deps``).  No assertions; not part of the test
run.  ``--quick`` uses fewer repeats.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

# this file is named timm.py: keep its folder off the path, or `import timm` finds it
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent / "tests" / "adapters"))
import _timm_ref  # noqa: E402
from lrcurves.adapters import timm as ours  # noqa: E402

CASES: dict[str, dict[str, Any]] = {
    "cosine": {"t_initial": 10**6, "lr_min": 1e-6, "warmup_t": 100, "warmup_lr_init": 1e-6},
    "cosine cycle_mul=1.5 k_decay=2": {
        "t_initial": 1000, "lr_min": 1e-6, "cycle_mul": 1.5, "cycle_decay": 0.8, "cycle_limit": 20, "k_decay": 2.0,
    },
}


def _optimizer(groups: int) -> torch.optim.Optimizer:
    params = [{"params": [torch.zeros(1, requires_grad=True)], "lr": 1e-3 * (1 + i)} for i in range(groups)]
    return torch.optim.SGD(params, lr=1e-3)


WARMUP = 1500  # updates before timing: the steady state of a training run (curves are read in chunks)


def _per_step(cls: Any, kw: dict[str, Any], groups: int, steps: int, repeats: int) -> float:
    best = []
    for r in range(repeats):
        s = cls(_optimizer(groups), t_in_epochs=False, **kw)
        start = 5000 * r
        for t in range(start - WARMUP, start):
            s.step_update(max(t, 0))
        t0 = time.perf_counter()
        for t in range(start, start + steps):
            s.step_update(t)
        best.append((time.perf_counter() - t0) / steps)
    return statistics.median(best)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    ref = _timm_ref.load()
    if ref is None:
        raise SystemExit(f"timm is not installed ({_timm_ref.PIP_COMMAND})")
    steps, repeats = (300, 3) if args.quick else (2000, 7)
    print(f"{'case':36s} {'groups':>6s} {'ours us':>9s} {'timm us':>9s} {'ratio':>6s}")
    for name, kw in CASES.items():
        for groups in (1, 100):
            a = _per_step(ours.CosineLRScheduler, kw, groups, steps, repeats)
            b = _per_step(ref.CosineLRScheduler, kw, groups, steps, repeats)
            print(f"{name:36s} {groups:6d} {a * 1e6:9.2f} {b * 1e6:9.2f} {a / b:6.2f}")


if __name__ == "__main__":
    main()
