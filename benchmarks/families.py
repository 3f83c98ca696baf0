"""Per-family benchmarks: ``python benchmarks/families.py [--quick] [--steps N]``.

Every registered schedule and combinator against the same formula written
directly, one markdown table per section, all measured in this one process.
Each time is the median of several interleaved repeats (ours and theirs
alternate, and swap order every repeat, so machine noise hits both alike);
each ratio is the median of the per-repeat ratios.

A. NumPy, float64: ``lrcurves.curve(s, N)`` against the family's formula
   written directly in vectorised NumPy over ``np.arange(N)`` (checked to
   agree to ``rtol=1e-9``).  Target ratio <= 1.5.  Step-like families are
   also compared with the memory floor ``np.empty(N).fill(v)``, target <= 3.
B. JAX under ``jax.jit``, float32 (x64 off): ``jit(lambda t: s(t))`` against
   the jitted optax equivalent, both on ``jnp.arange(N)``, compile excluded.
   Target ratio <= 1.2.
C. The scalar path ``s.value(k)`` (what the torch shim calls per step)
   against the formula in plain Python with ``math``, over 20000 varied
   ``k``.  Target: ours < 2 us per call.

``N`` is 1e7 (1e6 with ``--quick``, or ``--steps N``).  Every name in
``lrcurves.names()`` must have a case in :func:`cases` and a direct formula
in ``NUMPY``/``PYTHON``: a new family without one makes this script fail.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import statistics
import sys
import timeit
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------
# The parameter table: every benchmark case, in one place.
#
# Schedules are built with ``lrcurves.get(name, **params)``, keywords only.
# A parameter rename in the core is a one-line change here: the direct
# formulas below read renamed parameters through ``arg(p, new, old)``, which
# accepts either spelling.


class Sub:
    """A child schedule of a combinator: the table's own entry for ``name``,
    with ``overrides`` on top (so a rename is still one line)."""

    def __init__(self, name: str, **overrides: Any) -> None:
        self.name = name
        self.overrides = overrides


def cases(n: int) -> dict[str, dict[str, Any]]:
    """Representative parameters for every registered name, for an ``n``-step run."""
    w = n // 10  # warmup / boundary used by the composite cases
    return {
        # -- schedules ------------------------------------------------------
        "chebyshev": {"base_value": 0.1, "num_nodes": 256},
        "constant": {"value": 0.1},
        "cosine_decay": {"init_value": 0.1, "decay_steps": n, "end_value": 1e-4},
        "cosine_restarts": {"peak_value": 0.1, "first_cycle_steps": n // 4, "min_value": 1e-4},
        "cyclic": {"base_value": 1e-3, "peak_value": 0.1, "step_size_up": 2000},
        "exponential_decay": {"init_value": 0.1, "decay_rate": 0.5, "transition_steps": n // 10},
        "exponential_range_test": {"init_value": 1e-7, "end_value": 10.0, "num_steps": n},
        "inverse_sqrt": {"init_value": 0.1, "timescale": 10_000},
        "inverse_time": {"init_value": 0.1, "decay_rate": 0.5, "decay_steps": 1000},
        "linear": {"init_value": 0.1, "end_value": 1e-4, "transition_steps": n},
        "linear_range_test": {"init_value": 1e-7, "step_size": 1000, "step_rate": 1.0},
        "multistep": {
            "init_value": 0.1,
            "milestones": [3 * n // 10, 6 * n // 10, 8 * n // 10],
            "decay_rate": 0.1,
        },
        "one_cycle": {"peak_value": 0.1, "total_steps": n},
        "piecewise_constant": {
            "values": [0.1, 0.05, 0.01, 0.001],
            "boundaries": [n // 4, n // 2, 3 * n // 4],
        },
        "polynomial": {"init_value": 0.1, "end_value": 1e-4, "transition_steps": n, "power": 2.0},
        "polynomial_growth": {
            "init_value": 0.0,
            "step_value": 1e-5,
            "power": 0.5,
            "transition_steps": n,
        },
        "rex": {"init_value": 0.1, "decay_steps": n, "end_value": 1e-4},
        "step_decay": {"init_value": 0.1, "step_size": n // 10, "decay_rate": 0.5},
        "tabulated": {"values": [0.1 * 0.995**k for k in range(1000)]},
        "tanh_decay": {"init_value": 0.1, "decay_steps": n, "end_value": 1e-4},
        "warmup_stable_decay": {
            "peak_value": 0.1,
            "warmup_steps": n // 20,
            "stable_steps": 3 * n // 4,
            "decay_steps": n - n // 20 - 3 * n // 4,
            "decay_shape": "1-sqrt",
        },
        # -- combinators, each around a simple child --------------------------
        "clip": {"schedule": Sub("cosine_decay"), "min_value": 1e-3},
        "join": {
            "schedules": [
                Sub("linear", init_value=0.0, end_value=0.1, transition_steps=w),
                Sub("cosine_decay", decay_steps=n - w),
            ],
            "boundaries": [w],
        },
        "product": {"schedules": [Sub("cosine_decay"), Sub("linear", init_value=1.0, end_value=0.1)]},
        "remap": {
            "schedule": Sub("cosine_decay"),
            "in_min": 0.0,
            "in_max": 0.1,
            "out_min": 0.01,
            "out_max": 0.05,
        },
        "repeat": {"schedule": Sub("cosine_decay", decay_steps=n // 8), "period": n // 8},
        "scale": {"schedule": Sub("cosine_decay"), "factor": 0.5, "offset": 1e-3},
        "shift": {"schedule": Sub("cosine_decay"), "by": w},
        "warmup": {"schedule": Sub("cosine_decay", decay_steps=n - w), "warmup_steps": w},
        "with_momentum": {
            "schedule": Sub("cosine_decay"),
            "momentum": Sub("linear", init_value=0.95, end_value=0.85),
        },
    }


# families also compared with the memory floor np.empty(N).fill(v)
STEP_LIKE = ("chebyshev", "constant", "multistep", "piecewise_constant", "step_decay", "tabulated")

# section B: label -> (case name, optax equivalent)
JAX_CASES = {
    "constant": ("constant", "constant_schedule"),
    "linear": ("linear", "linear_schedule"),
    "polynomial": ("polynomial", "polynomial_schedule"),
    "cosine_decay": ("cosine_decay", "cosine_decay_schedule"),
    "exponential_decay": ("exponential_decay", "exponential_decay"),
    "piecewise_constant": ("piecewise_constant", "piecewise_constant_schedule"),
    "one_cycle": ("one_cycle", "cosine_onecycle_schedule (vmap)"),
    "cosine_restarts": ("cosine_restarts", "sgdr_schedule (equal cycles)"),
    "warmup_cosine": ("warmup", "warmup_cosine_decay_schedule"),
    "join": ("join", "join_schedules"),
}

TARGET_NUMPY = 1.5
TARGET_FLOOR = 3.0
TARGET_JAX = 1.2
TARGET_SCALAR_US = 2.0


def arg(p: dict[str, Any], *spellings: str) -> Any:
    """``p[name]`` under the first spelling present (new name first, then old)."""
    for k in spellings:
        if k in p:
            return p[k]
    raise KeyError(f"none of {spellings} in {sorted(p)}")


def need(p: dict[str, Any], **expected: Any) -> None:
    """The direct formula below is written for these parameter values only."""
    for k, v in expected.items():
        if p.get(k, v) != v:
            raise NotImplementedError(f"direct formula assumes {k}={v!r}, case has {p[k]!r}")


# ---------------------------------------------------------------------------
# building


def build(name: str, table: dict[str, dict[str, Any]]) -> Any:
    """``lrcurves.get(name, **params)`` with ``Sub`` children resolved against ``table``."""
    import lrcurves

    def resolve(v: Any) -> Any:
        if isinstance(v, Sub):
            return lrcurves.get(v.name, **{**resolve_all(table[v.name]), **resolve_all(v.overrides)})
        if isinstance(v, list) and any(isinstance(x, Sub) for x in v):
            return [resolve(x) for x in v]
        return v

    def resolve_all(d: dict[str, Any]) -> dict[str, Any]:
        return {k: resolve(v) for k, v in d.items()}

    return lrcurves.get(name, **resolve_all(table[name]))


def check_coverage(table: dict[str, dict[str, Any]]) -> None:
    """Fail loudly when a registered name has no case or no direct formula."""
    import lrcurves

    registered = set(lrcurves.names())
    problems = []
    for what, have in (("case in cases()", table), ("NUMPY formula", NUMPY), ("PYTHON formula", PYTHON)):
        if missing := sorted(registered - set(have)):
            problems.append(f"no {what} for registered {', '.join(missing)}")
        if stale := sorted(set(have) - registered):
            problems.append(f"{what} for unregistered {', '.join(stale)}")
    if problems:
        raise SystemExit("benchmarks/families.py: " + "; ".join(problems))


# ---------------------------------------------------------------------------
# A. direct NumPy formulas: ``builder(params) -> f(t)`` over float64 steps t


Arr = np.ndarray
NpFn = Callable[[Arr], Arr]


def np_direct(s: Any) -> NpFn:
    """The direct NumPy formula of schedule ``s`` (its validated params)."""
    return NUMPY[s.name](s.params)


def split(t: Arr, edges: Sequence[float], side: str = "left") -> list[Arr]:
    """``t`` (sorted) cut before each edge (``side="right"``: after)."""
    return np.split(t, np.searchsorted(t, edges, side=side))


def chebyshev_table(p: dict[str, Any]) -> Arr:
    """The per-entry values ``base / (c - r cos(pi (o + 1/2) / N))`` of the order table."""
    lo, hi, N = p["min_curvature"], p["max_curvature"], p["num_nodes"]
    c, r = (hi + lo) / 2.0, (hi - lo) / 2.0
    o = np.asarray(p["order"], dtype=np.float64)
    return p["base_value"] * (1.0 / (c - r * np.cos((o + 0.5) * np.pi / N)))


def np_chebyshev(p: dict[str, Any]) -> NpFn:
    v = chebyshev_table(p)
    return lambda t: np.take(v, t.astype(np.intp), mode="clip")


def np_constant(p: dict[str, Any]) -> NpFn:
    v = p["value"]
    return lambda t: np.full(t.shape, v)


def np_cosine_decay(p: dict[str, Any]) -> NpFn:
    need(p, exponent=1.0, transition_begin=0)
    i, e, T = p["init_value"], p["end_value"], p["decay_steps"]
    return lambda t: e + (i - e) * 0.5 * (1.0 + np.cos(np.pi * np.clip(t / T, 0.0, 1.0)))


def np_cosine_restarts(p: dict[str, Any]) -> NpFn:
    need(p, cycle_mult=1.0, peak_decay=1.0, warmup_steps=0)
    hi, lo, L = p["peak_value"], p["min_value"], p["first_cycle_steps"]
    return lambda t: lo + (hi - lo) * 0.5 * (1.0 + np.cos(np.pi * (t % L) / L))


def np_cyclic(p: dict[str, Any]) -> NpFn:
    need(p, mode="triangular", stairs_up=0, step_size_down=p["step_size_up"])
    lo, hi, S = p["base_value"], arg(p, "peak_value", "max_value"), p["step_size_up"]

    def f(t: Arr) -> Arr:  # Smith's CLR formula
        cycle = np.floor(1.0 + t / (2 * S))
        x = np.abs(t / S - 2.0 * cycle + 1.0)
        return lo + (hi - lo) * np.maximum(0.0, 1.0 - x)

    return f


def np_exponential_decay(p: dict[str, Any]) -> NpFn:
    need(p, transition_begin=0, staircase=False, end_value=None)
    i, r, T = p["init_value"], p["decay_rate"], p["transition_steps"]
    return lambda t: i * r ** (t / T)


def np_exponential_range_test(p: dict[str, Any]) -> NpFn:
    i, e, N = p["init_value"], p["end_value"], p["num_steps"]
    return lambda t: i * (e / i) ** np.clip(t / N, 0.0, 1.0)


def np_inverse_sqrt(p: dict[str, Any]) -> NpFn:
    i, tau = p["init_value"], p["timescale"]
    return lambda t: i / np.sqrt(1.0 + t / tau)


def np_inverse_time(p: dict[str, Any]) -> NpFn:
    need(p, staircase=False)
    i, r, T = p["init_value"], p["decay_rate"], p["decay_steps"]
    return lambda t: i / (1.0 + r * t / T)


def np_linear(p: dict[str, Any]) -> NpFn:
    need(p, transition_begin=0)
    i, e, T = p["init_value"], p["end_value"], p["transition_steps"]
    return lambda t: i + (e - i) * np.clip(t / T, 0.0, 1.0)


def np_linear_range_test(p: dict[str, Any]) -> NpFn:
    need(p, staircase=False)
    i, r, S = p["init_value"], p["step_rate"], p["step_size"]
    return lambda t: i * (1.0 + r * t / S)


def np_multistep(p: dict[str, Any]) -> NpFn:
    i, g, ms = p["init_value"], arg(p, "decay_rate", "gamma"), np.asarray(p["milestones"])
    return lambda t: i * g ** np.searchsorted(ms, t, side="right")


def np_one_cycle(p: dict[str, Any]) -> NpFn:
    need(p, anneal="cos", three_phase=False)
    peak, T = arg(p, "peak_value", "max_value"), p["total_steps"]
    init = peak / p["div_factor"]
    final = init / p["final_div_factor"]
    e1, e2 = float(p["pct_start"] * T) - 1, float(T - 1)

    def f(t: Arr) -> Arr:
        up, down = split(t, [e1], side="right")
        return np.concatenate([
            peak + (init - peak) / 2.0 * (np.cos(np.pi * (up / e1)) + 1.0),
            final + (peak - final) / 2.0 * (np.cos(np.pi * ((down - e1) / (e2 - e1))) + 1.0),
        ])

    return f


def np_piecewise_constant(p: dict[str, Any]) -> NpFn:
    v, b = np.asarray(p["values"]), np.asarray(p["boundaries"])
    return lambda t: v[np.searchsorted(b, t, side="right")]


def np_polynomial(p: dict[str, Any]) -> NpFn:
    need(p, transition_begin=0)
    i, e, T, k = p["init_value"], p["end_value"], p["transition_steps"], p["power"]
    return lambda t: e + (i - e) * (1.0 - np.clip(t / T, 0.0, 1.0)) ** k


def np_polynomial_growth(p: dict[str, Any]) -> NpFn:
    need(p, transition_begin=0)
    i, s, k, T = p["init_value"], p["step_value"], p["power"], p["transition_steps"]
    return lambda t: i + (s - i) * np.clip(t, 0, T) ** k


def np_rex(p: dict[str, Any]) -> NpFn:
    i, e, T = p["init_value"], p["end_value"], p["decay_steps"]

    def f(t: Arr) -> Arr:
        z = np.clip(t / T, 0.0, 1.0)
        return e + (i - e) * ((1.0 - z) / (1.0 - 0.5 * z))

    return f


def np_step_decay(p: dict[str, Any]) -> NpFn:
    i, g, S = p["init_value"], arg(p, "decay_rate", "gamma"), p["step_size"]
    return lambda t: i * g ** (t // S)


def np_tabulated(p: dict[str, Any]) -> NpFn:
    v = np.asarray(p["values"])
    return lambda t: np.take(v, t.astype(np.intp), mode="clip")


def np_tanh_decay(p: dict[str, Any]) -> NpFn:
    i, e, T, lo, hi = p["init_value"], p["end_value"], p["decay_steps"], p["lower"], p["upper"]

    def f(t: Arr) -> Arr:
        u = np.clip(t / T, 0.0, 1.0)
        return e + (i - e) / 2.0 * (1.0 - np.tanh(lo * (1.0 - u) + hi * u))

    return f


def np_warmup_stable_decay(p: dict[str, Any]) -> NpFn:
    need(p, decay_shape="1-sqrt", warmup_shape="linear")
    W, S, D = p["warmup_steps"], p["stable_steps"], p["decay_steps"]
    i, peak, e = p["init_value"], p["peak_value"], p["end_value"]

    def f(t: Arr) -> Arr:
        a, b, c, d = split(t, [W, W + S, W + S + D])
        return np.concatenate([
            i + (peak - i) * (a / W),
            np.full(b.shape, peak),
            peak - (peak - e) * np.sqrt((c - (W + S)) / D),
            np.full(d.shape, e),
        ])

    return f


def np_clip(p: dict[str, Any]) -> NpFn:
    f, lo, hi = np_direct(p["schedule"]), p["min_value"], p["max_value"]
    if hi is None:
        return lambda t: np.maximum(f(t), lo)
    if lo is None:
        return lambda t: np.minimum(f(t), hi)
    return lambda t: np.clip(f(t), lo, hi)


def np_join(p: dict[str, Any]) -> NpFn:
    fs, b = [np_direct(s) for s in p["schedules"]], p["boundaries"]

    def f(t: Arr) -> Arr:
        parts = split(t, b)
        return np.concatenate(
            [fs[0](parts[0])] + [fi(ti - bi) for fi, ti, bi in zip(fs[1:], parts[1:], b, strict=True)]
        )

    return f


def np_product(p: dict[str, Any]) -> NpFn:
    fs = [np_direct(x) for x in p["schedules"]]

    def f(t: Arr) -> Arr:
        out = fs[0](t)
        for g in fs[1:]:
            out = out * g(t)
        return out

    return f


def np_remap(p: dict[str, Any]) -> NpFn:
    need(p, clamp=False)
    f = np_direct(p["schedule"])
    i0, o0 = p["in_min"], p["out_min"]
    slope = (p["out_max"] - o0) / (p["in_max"] - i0)
    return lambda t: o0 + (f(t) - i0) * slope


def np_repeat(p: dict[str, Any]) -> NpFn:
    f, P = np_direct(p["schedule"]), p["period"]
    return lambda t: f(t % P)


def np_scale(p: dict[str, Any]) -> NpFn:
    f, a, b = np_direct(p["schedule"]), p["factor"], p["offset"]
    return lambda t: f(t) * a + b


def np_shift(p: dict[str, Any]) -> NpFn:
    f, k = np_direct(p["schedule"]), p["by"]
    return lambda t: f(t + k)


def np_warmup(p: dict[str, Any]) -> NpFn:
    need(p, shape="linear")
    f, W, i = np_direct(p["schedule"]), p["warmup_steps"], p["init_value"]
    peak = p["peak_value"]
    if peak is None:
        peak = float(f(np.zeros(1))[0])

    def g(t: Arr) -> Arr:
        a, b = split(t, [W])
        return np.concatenate([i + (peak - i) * (a / W), f(b - W)])

    return g


def np_with_momentum(p: dict[str, Any]) -> NpFn:
    return np_direct(p["schedule"])  # curve() is the LR curve


NUMPY: dict[str, Callable[[dict[str, Any]], NpFn]] = {
    name[3:]: fn for name, fn in globals().items() if name.startswith("np_") and name != "np_direct"
}

# whole-curve overrides where the direct version needs no float step array


def whole_constant(p: dict[str, Any]) -> Callable[[int], Arr]:
    v = p["value"]
    return lambda n: np.full(n, v)


def whole_table(v: Arr) -> Callable[[int], Arr]:
    return lambda n: np.take(v, np.arange(n), mode="clip")


NUMPY_WHOLE: dict[str, Callable[[dict[str, Any]], Callable[[int], Arr]]] = {
    "constant": whole_constant,
    "tabulated": lambda p: whole_table(np.asarray(p["values"])),
    "chebyshev": lambda p: whole_table(chebyshev_table(p)),
}


def numpy_direct_curve(s: Any) -> Callable[[int], Arr]:
    if s.name in NUMPY_WHOLE:
        return NUMPY_WHOLE[s.name](s.params)
    f = np_direct(s)
    return lambda n: f(np.arange(n, dtype=np.float64))


# ---------------------------------------------------------------------------
# C. plain-Python formulas: ``builder(params) -> f(k)`` for an int step k >= 0


PyFn = Callable[[int], float]


def py_direct(s: Any) -> PyFn:
    return PYTHON[s.name](s.params)


def py_chebyshev(p: dict[str, Any]) -> PyFn:
    v = tuple(chebyshev_table(p).tolist())
    last = len(v) - 1
    return lambda k: v[min(k, last)]


def py_constant(p: dict[str, Any]) -> PyFn:
    v = p["value"]
    return lambda k: v


def py_cosine_decay(p: dict[str, Any]) -> PyFn:
    i, e, T = p["init_value"], p["end_value"], p["decay_steps"]
    return lambda k: e + (i - e) * 0.5 * (1.0 + math.cos(math.pi * min(k / T, 1.0)))


def py_cosine_restarts(p: dict[str, Any]) -> PyFn:
    hi, lo, L = p["peak_value"], p["min_value"], p["first_cycle_steps"]
    return lambda k: lo + (hi - lo) * 0.5 * (1.0 + math.cos(math.pi * (k % L) / L))


def py_cyclic(p: dict[str, Any]) -> PyFn:
    lo, hi, S = p["base_value"], arg(p, "peak_value", "max_value"), p["step_size_up"]

    def f(k: int) -> float:
        x = abs(k / S - 2.0 * math.floor(1.0 + k / (2 * S)) + 1.0)
        return lo + (hi - lo) * max(0.0, 1.0 - x)

    return f


def py_exponential_decay(p: dict[str, Any]) -> PyFn:
    i, r, T = p["init_value"], p["decay_rate"], p["transition_steps"]
    return lambda k: i * r ** (k / T)


def py_exponential_range_test(p: dict[str, Any]) -> PyFn:
    i, e, N = p["init_value"], p["end_value"], p["num_steps"]
    return lambda k: i * (e / i) ** min(k / N, 1.0)


def py_inverse_sqrt(p: dict[str, Any]) -> PyFn:
    i, tau = p["init_value"], p["timescale"]
    return lambda k: i / math.sqrt(1.0 + k / tau)


def py_inverse_time(p: dict[str, Any]) -> PyFn:
    i, r, T = p["init_value"], p["decay_rate"], p["decay_steps"]
    return lambda k: i / (1.0 + r * k / T)


def py_linear(p: dict[str, Any]) -> PyFn:
    i, e, T = p["init_value"], p["end_value"], p["transition_steps"]
    return lambda k: i + (e - i) * min(k / T, 1.0)


def py_linear_range_test(p: dict[str, Any]) -> PyFn:
    i, r, S = p["init_value"], p["step_rate"], p["step_size"]
    return lambda k: i * (1.0 + r * k / S)


def py_multistep(p: dict[str, Any]) -> PyFn:
    i, g, ms = p["init_value"], arg(p, "decay_rate", "gamma"), tuple(p["milestones"])
    return lambda k: i * g ** bisect.bisect_right(ms, k)


def py_one_cycle(p: dict[str, Any]) -> PyFn:
    peak, T = arg(p, "peak_value", "max_value"), p["total_steps"]
    init = peak / p["div_factor"]
    final = init / p["final_div_factor"]
    e1, e2 = float(p["pct_start"] * T) - 1, float(T - 1)

    def f(k: int) -> float:
        if k <= e1:
            return peak + (init - peak) / 2.0 * (math.cos(math.pi * (k / e1)) + 1.0)
        return final + (peak - final) / 2.0 * (math.cos(math.pi * ((k - e1) / (e2 - e1))) + 1.0)

    return f


def py_piecewise_constant(p: dict[str, Any]) -> PyFn:
    v, b = tuple(p["values"]), tuple(p["boundaries"])
    return lambda k: v[bisect.bisect_right(b, k)]


def py_polynomial(p: dict[str, Any]) -> PyFn:
    i, e, T, pw = p["init_value"], p["end_value"], p["transition_steps"], p["power"]
    return lambda k: e + (i - e) * (1.0 - min(k / T, 1.0)) ** pw


def py_polynomial_growth(p: dict[str, Any]) -> PyFn:
    i, s, k, T = p["init_value"], p["step_value"], p["power"], p["transition_steps"]
    return lambda t: i + (s - i) * min(t, T) ** k


def py_rex(p: dict[str, Any]) -> PyFn:
    i, e, T = p["init_value"], p["end_value"], p["decay_steps"]

    def f(k: int) -> float:
        z = min(k / T, 1.0)
        return e + (i - e) * ((1.0 - z) / (1.0 - 0.5 * z))

    return f


def py_step_decay(p: dict[str, Any]) -> PyFn:
    i, g, S = p["init_value"], arg(p, "decay_rate", "gamma"), p["step_size"]
    return lambda k: i * g ** (k // S)


def py_tabulated(p: dict[str, Any]) -> PyFn:
    v = tuple(p["values"])
    last = len(v) - 1
    return lambda k: v[min(k, last)]


def py_tanh_decay(p: dict[str, Any]) -> PyFn:
    i, e, T, lo, hi = p["init_value"], p["end_value"], p["decay_steps"], p["lower"], p["upper"]

    def f(k: int) -> float:
        u = min(k / T, 1.0)
        return e + (i - e) / 2.0 * (1.0 - math.tanh(lo * (1.0 - u) + hi * u))

    return f


def py_warmup_stable_decay(p: dict[str, Any]) -> PyFn:
    W, S, D = p["warmup_steps"], p["stable_steps"], p["decay_steps"]
    i, peak, e = p["init_value"], p["peak_value"], p["end_value"]

    def f(k: int) -> float:
        if k < W:
            return i + (peak - i) * (k / W)
        if k < W + S:
            return peak
        if k < W + S + D:
            return peak - (peak - e) * math.sqrt((k - W - S) / D)
        return e

    return f


def py_clip(p: dict[str, Any]) -> PyFn:
    f, lo, hi = py_direct(p["schedule"]), p["min_value"], p["max_value"]
    lo = -math.inf if lo is None else lo
    hi = math.inf if hi is None else hi
    return lambda k: min(max(f(k), lo), hi)


def py_join(p: dict[str, Any]) -> PyFn:
    pieces = list(zip((0, *p["boundaries"]), map(py_direct, p["schedules"]), strict=True))[::-1]

    def f(k: int) -> float:
        for b, g in pieces:
            if k >= b:
                return g(k - b)
        raise AssertionError  # pragma: no cover - b = 0 always matches

    return f


def py_product(p: dict[str, Any]) -> PyFn:
    fs = [py_direct(x) for x in p["schedules"]]
    return lambda k: math.prod(g(k) for g in fs)


def py_remap(p: dict[str, Any]) -> PyFn:
    f = py_direct(p["schedule"])
    i0, o0 = p["in_min"], p["out_min"]
    slope = (p["out_max"] - o0) / (p["in_max"] - i0)
    return lambda k: o0 + (f(k) - i0) * slope


def py_repeat(p: dict[str, Any]) -> PyFn:
    f, P = py_direct(p["schedule"]), p["period"]
    return lambda k: f(k % P)


def py_scale(p: dict[str, Any]) -> PyFn:
    f, a, b = py_direct(p["schedule"]), p["factor"], p["offset"]
    return lambda k: f(k) * a + b


def py_shift(p: dict[str, Any]) -> PyFn:
    f, by = py_direct(p["schedule"]), p["by"]
    return lambda k: f(k + by)


def py_warmup(p: dict[str, Any]) -> PyFn:
    f, W, i = py_direct(p["schedule"]), p["warmup_steps"], p["init_value"]
    peak = f(0) if p["peak_value"] is None else p["peak_value"]

    def g(k: int) -> float:
        return i + (peak - i) * (k / W) if k < W else f(k - W)

    return g


def py_with_momentum(p: dict[str, Any]) -> PyFn:
    return py_direct(p["schedule"])


PYTHON: dict[str, Callable[[dict[str, Any]], PyFn]] = {
    name[3:]: fn for name, fn in globals().items() if name.startswith("py_") and name != "py_direct"
}


# ---------------------------------------------------------------------------
# B. optax equivalents: ``builder(schedule) -> optax schedule``


def optax_equivalent(s: Any, n: int) -> Callable[[Any], Any]:
    import jax
    import jax.numpy as jnp
    import optax

    p = s.params
    name = s.name
    if name == "constant":
        o = optax.constant_schedule(p["value"])
        # optax returns the bare scalar; broadcast so both sides write N values
        return lambda t: jnp.full(t.shape, o(t), dtype=jnp.float32)
    if name == "linear":
        return optax.linear_schedule(
            p["init_value"], p["end_value"], p["transition_steps"], p["transition_begin"]
        )
    if name == "polynomial":
        return optax.polynomial_schedule(
            p["init_value"], p["end_value"], p["power"], p["transition_steps"], p["transition_begin"]
        )
    if name == "cosine_decay":
        need(p, transition_begin=0)
        i = p["init_value"]
        return optax.cosine_decay_schedule(i, p["decay_steps"], p["end_value"] / i, p["exponent"])
    if name == "exponential_decay":
        return optax.exponential_decay(
            p["init_value"], p["transition_steps"], p["decay_rate"], p["transition_begin"],
            p["staircase"], p["end_value"],
        )
    if name == "piecewise_constant":
        v = p["values"]
        scales = {b: v[j + 1] / v[j] for j, b in enumerate(p["boundaries"])}
        return optax.piecewise_constant_schedule(v[0], scales)
    if name == "one_cycle":
        need(p, anneal="cos", three_phase=False)
        o = optax.cosine_onecycle_schedule(
            p["total_steps"], arg(p, "peak_value", "max_value"), p["pct_start"],
            p["div_factor"], p["final_div_factor"],
        )
        # optax's piecewise_interpolate_schedule takes a scalar count only
        return jax.vmap(o)
    if name == "cosine_restarts":
        need(p, cycle_mult=1.0, peak_decay=1.0, warmup_steps=0)
        peak, L = p["peak_value"], p["first_cycle_steps"]
        cycle = {"init_value": peak, "peak_value": peak, "warmup_steps": 0, "decay_steps": L,
                 "end_value": p["min_value"]}
        return optax.sgdr_schedule([cycle] * math.ceil(n / L))  # cycles cover the run
    if name == "warmup":
        need(p, shape="linear", peak_value=None)
        c = p["schedule"].params
        if p["schedule"].name != "cosine_decay" or c["transition_begin"] != 0:
            raise NotImplementedError("warmup case must wrap a plain cosine_decay")
        w = p["warmup_steps"]
        return optax.warmup_cosine_decay_schedule(
            p["init_value"], c["init_value"], w, w + c["decay_steps"], c["end_value"], c["exponent"]
        )
    if name == "join":
        return optax.join_schedules([optax_equivalent(x, n) for x in p["schedules"]], p["boundaries"])
    raise NotImplementedError(f"no optax equivalent for {name}")


# ---------------------------------------------------------------------------
# timing


def interleaved(fns: Sequence[Callable[[], Any]], repeats: int, inner: int = 1) -> list[list[float]]:
    """Seconds per call of each ``fn``, one list per fn; the order rotates every repeat."""
    times: list[list[float]] = [[] for _ in fns]
    idx = list(range(len(fns)))
    for r in range(repeats):
        order = idx[r % len(idx):] + idx[: r % len(idx)]
        for i in order:
            # timeit switches the garbage collector off while it runs
            times[i].append(timeit.Timer(fns[i]).timeit(inner) / inner)
    return times


def ratio(ours: list[float], theirs: list[float]) -> float:
    """Median of the per-repeat ratios: each pair ran back to back, so a burst
    of load on the shared machine hits both sides of a pair."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


med = statistics.median


def load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - not on every platform
        return "load average n/a"


def fmt_n(n: int) -> str:
    e = round(math.log10(n))
    return f"1e{e}" if 10**e == n else f"{n:,}"


def mark(ok: bool) -> str:
    return "ok" if ok else "**MISS**"


def note(l0: str) -> str:
    return (f"_ratio: median of the per-repeat ours/theirs ratios; {l0} at start, "
            f"{load()} at end, {os.cpu_count()} CPUs_")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: int = 1) -> str:
    """A markdown table; columns from ``right`` on are right-aligned."""
    cols = list(zip(headers, *rows, strict=True))
    w = [max(len(c) for c in col) for col in cols]
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(
            c.rjust(w[j]) if j >= right else c.ljust(w[j]) for j, c in enumerate(cells)
        ) + " |"
    sep = "|" + "|".join(
        ("-" * (w[j] + 1) + ":") if j >= right else ("-" * (w[j] + 2)) for j in range(len(w))
    ) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


Misses = list[str]


# ---------------------------------------------------------------------------
# sections


def section_numpy(table: dict[str, dict[str, Any]], n: int, repeats: int, misses: Misses) -> str:
    import lrcurves

    l0 = load()
    rows = []
    for name in lrcurves.names():
        s = build(name, table)
        direct = numpy_direct_curve(s)
        ours_v, ref = lrcurves.curve(s, n), direct(n)
        assert ours_v.dtype == np.float64 and ref.dtype == np.float64, (ours_v.dtype, ref.dtype)
        np.testing.assert_allclose(
            ours_v, ref, rtol=1e-9, atol=1e-12 * float(np.max(np.abs(ref))), err_msg=name
        )
        del ours_v, ref
        fns: list[Callable[[], Any]] = [
            lambda s=s: lrcurves.curve(s, n),
            lambda direct=direct: direct(n),
        ]
        step_like = name in STEP_LIKE
        if step_like:
            v = float(s.value(0))
            fns.append(lambda v=v: np.empty(n).fill(v))
        times = interleaved(fns, repeats)
        a, b = med(times[0]), med(times[1])
        r = ratio(times[0], times[1])
        ok = r <= TARGET_NUMPY
        if not ok:
            misses.append(f"A numpy {name}: {r:.2f}x direct (target <= {TARGET_NUMPY})")
        row = [name, lrcurves.spec(name).kind, f"{a * 1e3:.2f}", f"{b * 1e3:.2f}", f"{r:.2f}x",
               f"<= {TARGET_NUMPY}", mark(ok)]
        if step_like:
            fl = med(times[2])
            fr = ratio(times[0], times[2])
            fok = fr <= TARGET_FLOOR
            if not fok:
                misses.append(f"A numpy {name}: {fr:.2f}x memory floor (target <= {TARGET_FLOOR})")
            row += [f"{fl * 1e3:.2f}", f"{fr:.2f}x", f"<= {TARGET_FLOOR:.0f}", mark(fok)]
        else:
            row += ["", "", "", ""]
        rows.append(row)
    head = ["family", "kind", "lrcurves ms", "direct ms", "ratio", "target", "",
            "floor ms", "vs floor", "target", ""]
    title = (f"### A. NumPy float64, curve(s, N={fmt_n(n)}) vs the formula written directly "
             f"(median of {repeats}, interleaved)")
    return title + "\n\n" + note(l0) + "\n\n" + md_table(head, rows, right=2)


def section_jax(table: dict[str, dict[str, Any]], n: int, repeats: int, misses: Misses) -> str:
    import jax

    jax.config.update("jax_enable_x64", False)
    import jax.numpy as jnp

    l0 = load()
    t = jnp.arange(n)
    rows = []
    for label, (case, oname) in JAX_CASES.items():
        s = build(case, table)
        ours = jax.jit(lambda t, s=s: s(t))
        theirs = jax.jit(optax_equivalent(s, n))
        a_v, b_v = ours(t).block_until_ready(), theirs(t).block_until_ready()  # compile
        assert a_v.dtype == jnp.float32 and b_v.dtype == jnp.float32, (label, a_v.dtype, b_v.dtype)
        assert a_v.shape == b_v.shape == (n,), (label, a_v.shape, b_v.shape)
        a_np, b_np = np.asarray(a_v, dtype=np.float64), np.asarray(b_v, dtype=np.float64)
        diff = float(np.max(np.abs(a_np - b_np)) / np.max(np.abs(b_np)))
        if diff > 1e-4:  # float32; one_cycle's optax boundary sits one step later
            raise AssertionError(f"B {label}: lrcurves and optax differ by {diff:.2e} (relative)")
        del a_v, b_v, a_np, b_np
        ta, tb = interleaved(
            [
                lambda ours=ours: ours(t).block_until_ready(),
                lambda theirs=theirs: theirs(t).block_until_ready(),
            ],
            repeats,
        )
        a, b, r = med(ta), med(tb), ratio(ta, tb)
        ok = r <= TARGET_JAX
        if not ok:
            misses.append(f"B jax {label}: {r:.2f}x optax.{oname} (target <= {TARGET_JAX})")
        rows.append([label, f"optax.{oname}", f"{a * 1e3:.2f}", f"{b * 1e3:.2f}", f"{r:.2f}x",
                     f"<= {TARGET_JAX}", mark(ok), f"{diff:.1e}"])
    head = ["family", "optax equivalent", "lrcurves ms", "optax ms", "ratio", "target", "",
            "max rel diff"]
    title = (f"### B. JAX jit float32, s(jnp.arange(N={fmt_n(n)})) vs jitted optax "
             f"(compile excluded, median of {repeats}, interleaved)")
    return title + "\n\n" + note(l0) + "\n\n" + md_table(head, rows, right=2)


def section_scalar(
    table: dict[str, dict[str, Any]], n: int, repeats: int, calls: int, misses: Misses
) -> str:
    import lrcurves

    l0 = load()
    ks = [(i * 7919 + i * i * 104729) % n for i in range(calls)]  # spread over [0, n)
    rows = []
    for name in lrcurves.names():
        s = build(name, table)
        f, g = s.value, py_direct(s)
        for k in [*ks[:200:7], 0, n - 1]:
            a, b = f(k), g(k)
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15):
                raise AssertionError(f"C {name}: value({k}) = {a!r}, plain Python {b!r}")

        def loop(fn: Callable[[int], float]) -> Callable[[], None]:
            def run() -> None:
                for k in ks:
                    fn(k)
            return run

        ta, tb = interleaved([loop(f), loop(g)], repeats)
        a_us, b_us = med(ta) / calls * 1e6, med(tb) / calls * 1e6
        ok = a_us < TARGET_SCALAR_US
        if not ok:
            misses.append(f"C scalar {name}: {a_us:.2f} us per value() (target < {TARGET_SCALAR_US} us)")
        rows.append([name, f"{a_us:.3f}", f"{b_us:.3f}", f"{ratio(ta, tb):.1f}x",
                     f"< {TARGET_SCALAR_US} us", mark(ok)])
    head = ["family", "value() us", "plain Python us", "ratio", "target", ""]
    title = (f"### C. scalar path, s.value(k) vs the formula in plain Python "
             f"({calls} calls at varied k, median of {repeats}, interleaved)")
    return title + "\n\n" + note(l0) + "\n\n" + md_table(head, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, 1e6-step curves")
    ap.add_argument("--steps", type=int, default=None, help="curve length N (default 1e7, 1e6 quick)")
    ap.add_argument("--sections", default="ABC", help="which sections to run (default ABC)")
    args = ap.parse_args(argv)
    n = args.steps or (10**6 if args.quick else 10**7)
    if n < 1000:
        ap.error("--steps must be >= 1000")
    repeats = 3 if args.quick else 7

    table = cases(n)
    check_coverage(table)
    misses: Misses = []
    out = []
    sections = args.sections.upper()
    if "A" in sections:
        out.append(section_numpy(table, n, repeats, misses))
        print(out[-1] + "\n", flush=True)
    if "B" in sections:
        out.append(section_jax(table, n, repeats, misses))
        print(out[-1] + "\n", flush=True)
    if "C" in sections:
        out.append(section_scalar(table, n, 5 if args.quick else 9, 20000, misses))
        print(out[-1] + "\n", flush=True)
    print(f"### Misses ({len(misses)})\n")
    print("\n".join(f"- {m}" for m in misses) if misses else "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
