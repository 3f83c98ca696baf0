"""``cosine_restarts(cycle_rounding="log")``, ``progress_power``, ``max_cycles`` and
``polynomial(progress_power=...)`` across backends and dtypes.

``"log"`` cycle starts are an integer table built at construction, so
NumPy float64, ``jax.jit`` with x64 on and off (int32 steps, float32) and
torch float32 land every cycle start on the same step; float32 values stay
within 2e-6 of float64 relative to each value (where the value is at least
1e-6 of the peak), as ``tests/test_exactness.py`` checks for the other
roundings.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from backend_eval import assert_rel32 as _rel32, jit_values as _jit, torch32_values as _torch32

import lrcurves as L
from lrcurves import Schedule


def _log_index(t: int, first: int, m: float) -> int:
    # the formula the "log" rounding tabulates (timm's, in its float order)
    return math.floor(math.log(1 - t / first * (1 - m), m))


def _random(rng: np.random.Generator) -> tuple[Schedule, int]:
    first = int(rng.integers(1, 200))
    m = float(rng.choice([1.0, 2.0, 3.0, 1.5, rng.uniform(1.0, 3.0)]))
    k = float(rng.choice([1.0, rng.uniform(0.2, 3.0)]))
    w = int(rng.integers(0, first)) if rng.random() < 0.3 else 0
    s = L.cosine_restarts(
        1.0, first_cycle_steps=first, cycle_mult=m, min_value=float(rng.choice([0.0, rng.uniform(0, 0.1)])),
        peak_decay=float(rng.uniform(0.5, 1.0)), warmup_steps=w, cycle_rounding="log", progress_power=k,
        max_cycles=None if rng.random() < 0.5 else int(rng.integers(1, 12)),
    )
    return s, 4000


SETS = 24


@pytest.mark.parametrize("seed", range(2))
def test_log_rounding_boundaries_and_float32_agree_everywhere(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    for _ in range(SETS // 2):
        s, n = _random(rng)
        t = np.arange(n)
        ref = s(t)
        np.testing.assert_allclose(_jit(s, t, enable_x64=True), ref, rtol=1e-11, atol=0, err_msg=f"jit x64 {s!r}")
        _rel32(_jit(s, t, enable_x64=False), ref, f"jit x32 {s!r}")
        _rel32(_torch32(s, t), ref, f"torch float32 {s!r}")
        np.testing.assert_array_equal(L.curve(s, n), ref, err_msg=f"curve {s!r}")
        assert [float(s.value(int(x))) for x in (0, 1, n // 3, n - 1)] == ref[[0, 1, n // 3, n - 1]].tolist()


def test_log_rounding_starts_where_the_float_formula_does() -> None:
    rng = np.random.default_rng(3)
    differ = 0
    for _ in range(60):
        first, m = int(rng.integers(1, 100)), float(rng.choice([2.0, 3.0, 1.5, rng.uniform(1.0, 3.0)]))
        n = 12000
        t = np.arange(n)
        idx = np.array([_log_index(int(x), first, m) for x in t])
        starts = np.flatnonzero(np.diff(idx)) + 1
        s = L.cosine_restarts(1.0, first_cycle_steps=first, cycle_mult=m, cycle_rounding="log")
        v = s(t)
        # the cycle of every step is the formula's: the curve within it, from
        # the real start S_i = L_0 (m^i - 1) / (m - 1) and length L_0 m^i
        start = first * (m**idx - 1) / (m - 1)
        want = 0.5 * (1 + np.cos(np.pi * np.clip((t - start) / (first * m**idx), 0, 1)))
        np.testing.assert_allclose(v, want, rtol=1e-12, atol=4e-16)
        assert tuple(x for x in s.phases() if x < n) == tuple(int(x) for x in starts[:8])
        # int32 steps under jit (x64 off) pick the same cycle at every start
        near = np.unique(np.clip(np.concatenate([starts - 1, starts, starts + 1]), 0, n - 1))
        _rel32(_jit(s, near, enable_x64=False), v[near], f"jit x32 near starts {s!r}")
        exact = L.cosine_restarts(1.0, first_cycle_steps=first, cycle_mult=m)
        differ += int(np.any(np.abs(exact(t) - v) > 1e-3))  # "exact" starts ~2% of cycles a step off
    assert differ > 0


def test_log_rounding_far_steps_and_giant_tables() -> None:
    # steps near 2**62 (int64) and beyond int32 under jit x64 off
    s = L.cosine_restarts(1.0, first_cycle_steps=7, cycle_mult=1.3, cycle_rounding="log")
    t = np.array([0, 2**31 - 5, 2**40 + 3, 2**62 - 1])
    ref = s(t)
    assert np.all(np.isfinite(ref)) and np.all((ref >= 0) & (ref <= 1))
    np.testing.assert_allclose(_jit(s, t, enable_x64=True), ref, rtol=1e-9)
    # many cycles (cycle_mult close to 1): the table is built once, and stays exact
    s = L.cosine_restarts(1.0, first_cycle_steps=1, cycle_mult=1.001, cycle_rounding="log")
    t = np.arange(0, 200000, 7)
    idx = np.array([_log_index(int(x), 1, 1.001) for x in range(0, 200001)])
    starts = np.flatnonzero(np.diff(idx)) + 1
    i = idx[starts]
    want = 0.5 * (1 + np.cos(np.pi * np.clip((starts - (1.001**i - 1) / (1.001 - 1)) / 1.001**i, 0, 1)))
    np.testing.assert_allclose(s(starts), want, rtol=1e-9, atol=1e-12)
    _rel32(_torch32(s, t), s(t), "torch float32 m=1.001")


def test_progress_power_and_max_cycles() -> None:
    s = L.cosine_restarts(1.0, first_cycle_steps=4, progress_power=2.0, max_cycles=2, min_value=0.1)
    u = np.array([0, 1, 2, 3]) / 4
    want = 0.1 + 0.9 * (1 + np.cos(np.pi * u**2)) / 2
    np.testing.assert_allclose(L.curve(s, 8), np.concatenate([want, want]), rtol=1e-15)
    assert L.curve(s, 12)[8:].tolist() == [0.1] * 4
    p = L.polynomial(1.0, 0.0, transition_steps=4, power=2.0, progress_power=0.5)
    np.testing.assert_allclose(L.curve(p, 6), (1 - np.sqrt(np.minimum(np.arange(6) / 4, 1))) ** 2, rtol=1e-15, atol=1e-300)
    t = np.arange(60)
    for sch in (p, L.polynomial(2.0, 0.5, transition_steps=50, transition_begin=3, power=1.5, progress_power=2.5),
                L.cosine_restarts(1.0, first_cycle_steps=9, cycle_mult=1.7, progress_power=0.3, cycle_rounding="log")):
        _rel32(_torch32(sch, t), sch(t), repr(sch))
        _rel32(_jit(sch, t, enable_x64=False), sch(t), repr(sch))
        assert L.from_config(sch.to_config()) == sch
    for bad in (0.0, -1.0, math.nan):
        with pytest.raises(ValueError, match="progress_power"):
            L.cosine_restarts(1.0, first_cycle_steps=4, progress_power=bad)
        with pytest.raises(ValueError, match="progress_power"):
            L.polynomial(1.0, 0.0, transition_steps=4, progress_power=bad)
    with pytest.raises(ValueError, match="max_cycles"):
        L.cosine_restarts(1.0, first_cycle_steps=4, max_cycles=0)
    with pytest.raises(ValueError, match="cycle_rounding"):
        L.cosine_restarts(1.0, first_cycle_steps=4, cycle_rounding="round")
