"""Side-by-side benchmarks: ``python benchmarks/run.py`` prints one table.

Every row is measured in this one process (import times in fresh
subprocesses), each number the median of several repeats, as
``ours / theirs = ratio``:

1. the torch shim's ``step()`` against torch's ``CosineAnnealingLR.step()``
   with 1 and 100 param groups;
2. a whole 1e7-step warmup-cosine curve: NumPy against a bare
   ``numpy.cos(numpy.arange(1e7))``; JAX (jitted, ``block_until_ready``)
   against optax's jitted ``warmup_cosine_decay_schedule`` over
   ``jnp.arange(1e7)``; and against stepping torch's
   ``SequentialLR(LinearLR, CosineAnnealingLR)`` (timed over 1e5 steps,
   extrapolated);
3. ``import lrcurves`` against ``import numpy``.

Not part of the test run.  ``--quick`` uses fewer repeats and a 1e6 curve.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

Row = tuple[str, float, float, str, float]  # label, ours, theirs, unit, target ratio


def median_time(fn: Callable[[], Any], repeats: int, inner: int = 1) -> float:
    """Median wall time of ``inner`` calls of ``fn`` over ``repeats`` runs, per call."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times)


def paired(
    ours: Callable[[], Any], theirs: Callable[[], Any], repeats: int, inner: int = 1
) -> tuple[float, float]:
    """Interleave the two measurements so machine noise hits both alike."""
    a, b = [], []
    for _ in range(repeats):
        a.append(median_time(ours, 1, inner))
        b.append(median_time(theirs, 1, inner))
    return statistics.median(a), statistics.median(b)


# ---------------------------------------------------------------------------
# 1. torch step


def bench_torch_step(repeats: int) -> list[Row]:
    import torch
    from lrcurves.adapters.torch import CurveScheduler
    from torch.optim.lr_scheduler import CosineAnnealingLR

    import lrcurves

    rows: list[Row] = []
    for groups in (1, 100):

        def make_opt(g: int = groups) -> torch.optim.Optimizer:
            ps = [torch.nn.Parameter(torch.zeros(1)) for _ in range(g)]
            return torch.optim.SGD([{"params": [p]} for p in ps], lr=0.1)

        o1, o2 = make_opt(), make_opt()
        ours = CurveScheduler(o1, lrcurves.cosine_decay(0.1, decay_steps=10**9))
        theirs = CosineAnnealingLR(o2, T_max=10**9)
        o1.step()
        o2.step()
        inner = 20000 if groups == 1 else 1000
        a, b = paired(ours.step, theirs.step, repeats, inner)
        rows.append((f"torch step(), {groups} group(s)", a * 1e6, b * 1e6, "us", 1.0))
    return rows


# ---------------------------------------------------------------------------
# 2. whole curves


def bench_curves(n: int, repeats: int) -> list[Row]:
    import numpy as np

    import lrcurves

    warm, peak = n // 10, 1.0
    sched = lrcurves.warmup_cosine(peak_value=peak, warmup_steps=warm, total_steps=n)
    rows: list[Row] = []

    a, b = paired(
        lambda: lrcurves.curve(sched, n), lambda: np.cos(np.arange(float(n))), repeats
    )
    rows.append((f"numpy curve, {n:.0e} steps vs bare np.cos(arange)", a * 1e3, b * 1e3, "ms", 1.3))
    numpy_curve = a

    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError:  # pragma: no cover
        jax = None
    if jax is not None:
        ours = jax.jit(lambda: lrcurves.curve(sched, n, xp=jnp))
        osched = optax.warmup_cosine_decay_schedule(0.0, peak, warm, n)
        theirs = jax.jit(lambda: osched(jnp.arange(n)))
        ours().block_until_ready()
        theirs().block_until_ready()
        np.testing.assert_allclose(
            np.asarray(ours()), np.asarray(theirs()), rtol=1e-5, atol=1e-6
        )
        a, b = paired(
            lambda: ours().block_until_ready(), lambda: theirs().block_until_ready(), repeats
        )
        rows.append((f"jax jit curve, {n:.0e} steps vs optax jit", a * 1e3, b * 1e3, "ms", 1.2))

        from lrcurves.adapters.optax import to_optax

        steps = jnp.arange(n)
        ours_v = jax.jit(to_optax(sched))
        theirs_v = jax.jit(osched)
        ours_v(steps).block_until_ready()
        theirs_v(steps).block_until_ready()
        a, b = paired(
            lambda: ours_v(steps).block_until_ready(),
            lambda: theirs_v(steps).block_until_ready(),
            repeats,
        )
        rows.append(("jax to_optax(step vector) vs optax(step vector)", a * 1e3, b * 1e3, "ms", 1.2))

    import torch
    from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

    k = 10**5

    def torch_walk() -> None:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=peak)
        s = SequentialLR(
            opt,
            [
                LinearLR(opt, start_factor=1e-3, end_factor=1.0, total_iters=warm),
                CosineAnnealingLR(opt, T_max=n - warm),
            ],
            milestones=[warm],
        )
        for _ in range(k):
            s.step()

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # call-order warning: no optimizer.step() here
        t = median_time(torch_walk, max(1, repeats // 2))
    rows.append(
        (f"numpy curve vs stepping torch SequentialLR ({k:.0e} steps x{n // k})",
         numpy_curve * 1e3, t * (n / k) * 1e3, "ms", 1.0)
    )
    return rows


# ---------------------------------------------------------------------------
# 3. import time


def bench_import(repeats: int) -> list[Row]:
    # as users run it: with bytecode caches (PYTHONDONTWRITEBYTECODE would recompile
    # lrcurves from source on every import of an editable install, never numpy)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def cmd(mod: str) -> Callable[[], Any]:
        return lambda: subprocess.run([sys.executable, "-c", f"import {mod}"], check=True, env=env)

    cmd("lrcurves")()  # writes the caches
    a, b = paired(cmd("lrcurves"), cmd("numpy"), repeats)
    return [("import lrcurves vs import numpy (fresh process)", a * 1e3, b * 1e3, "ms", 1.3)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, 1e6-step curves")
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else 7
    n = 10**6 if args.quick else 10**7

    rows = bench_torch_step(repeats) + bench_curves(n, repeats) + bench_import(repeats)
    w = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{w}}  {'ours':>10}  {'theirs':>10}  unit  {'ratio':>6}  target")
    for label, ours, theirs, unit, target in rows:
        ratio = ours / theirs
        tgt = "" if target != target else f"<= {target:.1f}x " + ("ok" if ratio <= target else "MISS")
        print(f"{label:<{w}}  {ours:>10.3f}  {theirs:>10.3f}  {unit:<4}  {ratio:>5.2f}x  {tgt}")


if __name__ == "__main__":
    main()
