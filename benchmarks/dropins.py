"""Per-step cost of the torch and HF drop-ins against the originals.

``python benchmarks/dropins.py`` prints, for every drop-in, the median time
of one ``scheduler.step()`` with 1 and 100 param groups (each group its own
LR), ours against torch's / transformers', and the ratio (ours / theirs;
the target is <= 1.0).  Timing starts after :data:`WARMUP` steps, in the
steady state of a training run (the drop-ins read their curves a chunk of
up to 4096 steps at a time, :class:`lrcurves.CurveReader`).  No assertions; not part of the test run.
``--quick`` uses fewer repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

CASES: dict[str, Callable[[Any, Any], Any]] = {
    "StepLR": lambda M, o: M.StepLR(o, step_size=30),
    "MultiStepLR": lambda M, o: M.MultiStepLR(o, milestones=[30, 80]),
    "ConstantLR": lambda M, o: M.ConstantLR(o),
    "LinearLR": lambda M, o: M.LinearLR(o, total_iters=10**6),
    "ExponentialLR": lambda M, o: M.ExponentialLR(o, gamma=0.9999),
    "PolynomialLR": lambda M, o: M.PolynomialLR(o, total_iters=10**6),
    "CosineAnnealingLR": lambda M, o: M.CosineAnnealingLR(o, T_max=10**6),
    "CosineAnnealingLR(eta_min)": lambda M, o: M.CosineAnnealingLR(o, T_max=10**6, eta_min=1e-6),
    "CosineAnnealingWarmRestarts": lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=1000, T_mult=2),
    "CyclicLR": lambda M, o: M.CyclicLR(o, base_lr=0.001, max_lr=0.1),
    "OneCycleLR": lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=10**7),
    "LambdaLR": lambda M, o: M.LambdaLR(o, lambda e: 0.9999**e),
    "MultiplicativeLR": lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9999),
    "SequentialLR": lambda M, o: M.SequentialLR(
        o, [M.LinearLR(o, 0.1, total_iters=10), M.CosineAnnealingLR(o, T_max=10**6)], milestones=[10]
    ),
    "ChainedScheduler": lambda M, o: M.ChainedScheduler(
        [M.LinearLR(o, 0.1, total_iters=10**6), M.ExponentialLR(o, 0.9999)]
    ),
}

HF_CASES = {
    "hf linear": ("linear", 100, 10**7, None),
    "hf cosine": ("cosine", 100, 10**7, None),
    "hf cosine_with_min_lr": ("cosine_with_min_lr", 100, 10**7, {"min_lr_rate": 0.1}),
    "hf warmup_stable_decay": ("warmup_stable_decay", 100, 10**7, {"num_decay_steps": 10**6}),
    "hf inverse_sqrt": ("inverse_sqrt", 100, None, None),
}


def _opt(n: int) -> Any:
    import torch

    params = [torch.nn.Parameter(torch.zeros(1)) for _ in range(n)]
    groups = [{"params": [p], "lr": 1e-3 * (1 + i / n)} for i, p in enumerate(params)]
    return torch.optim.SGD(groups, lr=1e-3, momentum=0.9)


WARMUP = 1500  # steps before timing: the steady state of a training run


def _time_step(sched: Any, steps: int, repeats: int) -> float:
    sched.optimizer.step()
    for _ in range(WARMUP):
        sched.step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            sched.step()
        times.append((time.perf_counter() - t0) / steps)
    return statistics.median(times)


def bench_dropins(groups: tuple[int, ...] = (1, 100), repeats: int = 7) -> list[tuple[str, int, float, float]]:
    """``(name, groups, ours_s, theirs_s)`` per drop-in (seconds per step)."""
    import torch.optim.lr_scheduler as T
    import transformers.optimization as H
    from lrcurves.adapters import torch_schedulers as D, transformers as A

    rows = []
    for n in groups:
        steps = 2000 if n == 1 else 100
        for name, build in CASES.items():
            ours = _time_step(build(D, _opt(n)), steps, repeats)
            theirs = _time_step(build(T, _opt(n)), steps, repeats)
            rows.append((name, n, ours, theirs))
        for name, (kind, w, total, kw) in HF_CASES.items():
            ours = _time_step(A.get_scheduler(kind, _opt(n), w, total, kw), steps, repeats)
            theirs = _time_step(H.get_scheduler(kind, _opt(n), w, total, kw), steps, repeats)
            rows.append((name, n, ours, theirs))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    rows = bench_dropins(repeats=3 if args.quick else 7)
    print(f"{'scheduler.step()':32s} {'groups':>6s} {'ours us':>9s} {'theirs us':>10s} {'ratio':>6s}")
    for name, n, ours, theirs in rows:
        print(f"{name:32s} {n:6d} {ours * 1e6:9.2f} {theirs * 1e6:10.2f} {ours / theirs:6.2f}")


if __name__ == "__main__":
    main()
