"""Per-step cost of the Megatron-Core drop-in against megatron-core's ``OptimizerParamScheduler``.

``python benchmarks/megatron.py`` prints the median time of one
``scheduler.step(increment)`` (``increment = 256``, a global batch size)
with 1 and 100 param groups, ours against megatron-core 0.19.2's, and the
ratio (ours / theirs; the target is <= 1.0).  Groups are Megatron-like:
alternating ``wd_mult`` 1 / 0 (no decay for biases and norms) and a few
distinct ``max_lr`` overrides (``"shared"``), or every group its own
``max_lr``/``min_lr`` (``"distinct"``, the worst case: one curve per group).
Timing starts after :data:`WARMUP` steps (the steady state of a run);
runs of both implementations are interleaved and the best of the medians
kept, so other load on the machine affects both alike.  No assertions; not
part of the test run.  ``--quick`` uses fewer repeats.

The real class is loaded from the installed megatron-core's
``optimizer_param_scheduler.py`` alone (its package ``__init__`` needs the
GPU stack), with its rank-aware logger replaced by a plain one.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import statistics
import sys
import time
import types
from pathlib import Path
from typing import Any

WARMUP = 3000
INCREMENT = 256
KW = {
    "init_lr": 0.0,
    "max_lr": 1e-3,
    "min_lr": 1e-5,
    "lr_warmup_steps": 2000 * INCREMENT,
    "lr_decay_steps": 10**6 * INCREMENT,
    "lr_decay_style": "cosine",
    "start_wd": 0.01,
    "end_wd": 0.1,
    "wd_incr_steps": 10**6 * INCREMENT,
    "wd_incr_style": "linear",
}


def load_reference() -> Any:
    """megatron-core's ``OptimizerParamScheduler`` class, from its file alone."""
    # not importlib.util.find_spec: run as a script, this file is "megatron" on sys.path[0]
    here = Path(__file__).resolve().parent
    search = [p for p in sys.path if Path(p or ".").resolve() != here]
    spec = importlib.machinery.PathFinder.find_spec("megatron", search)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("megatron-core is not installed: pip install --no-deps --ignore-requires-python megatron-core==0.19.2")
    path = next(
        Path(p) / "core" / "optimizer_param_scheduler.py"
        for p in spec.submodule_search_locations
        if (Path(p) / "core" / "optimizer_param_scheduler.py").is_file()
    )
    utils = types.ModuleType("megatron.core.utils")
    utils.log_single_rank = lambda logger, *a, rank=0, **k: logger.log(*a, **k)  # type: ignore[attr-defined]
    pkg, core = types.ModuleType("megatron"), types.ModuleType("megatron.core")
    pkg.__path__, core.__path__ = [], []  # type: ignore[attr-defined]
    stubs = {"megatron": pkg, "megatron.core": core, "megatron.core.utils": utils}
    saved = {k: sys.modules.get(k) for k in stubs}
    sys.modules.update(stubs)
    try:
        s = importlib.util.spec_from_file_location("_megatron_ref_ops", path)
        assert s is not None and s.loader is not None
        mod = importlib.util.module_from_spec(s)
        s.loader.exec_module(mod)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return mod.OptimizerParamScheduler


def _opt(n: int, distinct: bool) -> Any:
    import torch

    groups = []
    for i in range(n):
        g: dict[str, Any] = {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.0, "lr_mult": 1.0}
        g["wd_mult"] = 0.0 if i % 2 else 1.0
        if distinct:
            g["max_lr"], g["min_lr"] = 1e-3 * (1 + i / n), 1e-5 * (1 + i / n)
        else:
            g["max_lr"], g["min_lr"] = (2e-3 if i % 4 == 0 else 1e-3), 1e-5
        groups.append(g)
    return torch.optim.AdamW(groups, lr=0.0)


def _time(sched: Any, steps: int) -> float:
    t = time.perf_counter()
    for _ in range(steps):
        sched.step(INCREMENT)
    return (time.perf_counter() - t) / steps


def bench(cls: Any, ours: Any, n: int, distinct: bool, repeats: int, steps: int) -> tuple[float, float]:
    a, b = cls(_opt(n, distinct), **KW), ours(_opt(n, distinct), **KW)
    for s in (a, b):
        for _ in range(WARMUP):
            s.step(INCREMENT)
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(_time(a, steps))
        tb.append(_time(b, steps))
    return min(statistics.median(ta[i : i + 3]) for i in range(0, repeats - 2)), min(
        statistics.median(tb[i : i + 3]) for i in range(0, repeats - 2)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeats, steps = (5, 500) if args.quick else (15, 2000)
    ref = load_reference()
    from lrcurves.adapters.megatron import OptimizerParamScheduler

    print(f"{'case':<28}{'megatron-core':>15}{'lrcurves':>12}{'ratio':>8}")
    for n, distinct in ((1, False), (100, False), (100, True)):
        theirs, ours = bench(ref, OptimizerParamScheduler, n, distinct, repeats, steps)
        label = f"{n} group{'s' if n > 1 else ''}" + ("" if n == 1 else (" (distinct)" if distinct else " (shared)"))
        print(f"{label:<28}{theirs * 1e6:>12.2f} us{ours * 1e6:>9.2f} us{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
