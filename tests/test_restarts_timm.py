"""``cosine_restarts(cycle_rounding="log")``, ``progress_power``, ``max_cycles``, the
``"poly"`` and ``"tanh"`` cycle shapes and ``polynomial(progress_power=...)`` across
backends and dtypes.

``"log"`` cycle starts are an integer table built at construction, so
NumPy float64, ``jax.jit`` with x64 on and off (int32 steps, float32) and
torch float32 land every cycle start on the same step; float32 values stay
within 2e-6 of float64 relative to each value (where the value is at least
1e-6 of the peak), as ``tests/test_exactness.py`` checks for the other
roundings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from backend_eval import (
    REL32,
    assert_rel32 as _rel32,
    jit_values as _jit,
    torch32_values as _torch32,
)

import lrcurves as L
from lrcurves import Schedule


def _log_index(t: int, first: int, m: float) -> int:
    # the formula the "log" rounding tabulates (timm's, in its float order)
    return math.floor(math.log(1 - t / first * (1 - m), m))


def _random(rng: np.random.Generator, shape: str = "cosine", rounding: str = "log") -> tuple[Schedule, int]:
    first = int(rng.integers(1, 200))
    m = float(rng.choice([1.0, 2.0, 3.0, 1.5, rng.uniform(1.0, 3.0)]))
    k = float(rng.choice([1.0, rng.uniform(0.2, 3.0)]))
    w = int(rng.integers(0, first)) if rng.random() < 0.3 else 0
    kw: dict[str, Any] = {}
    if shape != "cosine":
        kw["shape"] = shape
    if shape == "poly":
        kw["exponent"] = float(rng.choice([1.0, 2.0, rng.uniform(0.2, 4.0)]))
    if shape == "tanh" and rng.random() < 0.7:
        kw["lower"], kw["upper"] = float(rng.uniform(-9, 0)), float(rng.uniform(0.5, 6))
    s = L.cosine_restarts(
        1.0, first_cycle_steps=first, cycle_mult=m, min_value=float(rng.choice([0.0, rng.uniform(0, 0.1)])),
        peak_decay=float(rng.uniform(0.5, 1.0)), warmup_steps=w, cycle_rounding=rounding, progress_power=k,
        max_cycles=None if rng.random() < 0.5 else int(rng.integers(1, 12)), **kw,
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


# -- the "poly" and "tanh" cycle shapes ------------------------------------------


@pytest.mark.parametrize("shape", ["poly", "tanh"])
def test_cycle_shapes_float32_and_jit_agree(shape: str) -> None:
    """Every rounding, growing cycles, k-decay, warmup, decay and ``max_cycles``:
    jit x64 to 1e-11, jit x32, torch and NumPy float32 within 2e-6 of each float64
    value.  tanh: the logistic weights keep both ends relative, but the curve's own
    condition number (relative change of the value per relative change of the
    progress ``u``) reaches ``2 (h - l) k``: a float32 ``u`` (half an ulp) alone
    moves a steep, k-decayed tanh cycle by more than 2e-6, so its bound is
    ``4 (h - l) max(k, 1)`` float32 ulps (2.4e-6 for timm's ``lb=-7, ub=3``)."""
    rng = np.random.default_rng(2000 + len(shape))
    for i in range(SETS):
        s, n = _random(rng, shape, ("log", "exact", "floor")[i % 3])
        t = np.arange(n)
        ref = s(t)
        assert np.all(np.isfinite(ref)) and np.all(ref >= 0) and np.all(ref <= 1.0)
        p = s.params
        rel = REL32
        if shape == "tanh":
            rel = max(REL32, 4 * (p["upper"] - p["lower"]) * max(p["progress_power"], 1.0) * 2.0**-24)
        np.testing.assert_allclose(_jit(s, t, enable_x64=True), ref, rtol=1e-11, atol=0, err_msg=f"jit x64 {s!r}")
        _rel32(_jit(s, t, enable_x64=False), ref, f"jit x32 {s!r}", rel)
        _rel32(_torch32(s, t), ref, f"torch float32 {s!r}", rel)
        _rel32(s(t.astype(np.float32)), ref, f"NumPy float32 {s!r}", rel)
        np.testing.assert_array_equal(L.curve(s, n), ref, err_msg=f"curve {s!r}")
        # the scalar path's math.exp / math.pow may differ from NumPy's vectorised ones by
        # an ulp, which 1 - u^k next to a poly cycle's end amplifies
        at = [0, 1, n // 3, n - 1]
        np.testing.assert_allclose([float(s.value(x)) for x in at], ref[at], rtol=1e-12, atol=0, err_msg=repr(s))
        assert L.from_config(s.to_config()) == s


def test_cycle_shapes_are_the_one_definitions() -> None:
    """Equal cycles (``cycle_mult=1``) in float64 are the repeated single-cycle
    families bit for bit (``k = 1``; with ``k != 1`` NumPy's and Python's ``pow``
    of the cycle length may differ by an ulp): the per-cycle value is
    ``tanh_decay``'s and ``polynomial``'s own shape code, and ``"cosine"`` is
    unchanged by the new parameters."""
    t = np.arange(-3, 700)
    for n, lo, k in ((1, 0.0, 1.0), (7, 1e-3, 1.0), (97, 0.0, 1.0), (50, 0.02, 2.5)):
        for lb, ub in ((-7.0, 3.0), (-2.5, 4.0)):
            r = L.cosine_restarts(0.5, first_cycle_steps=n, min_value=lo, shape="tanh", lower=lb, upper=ub)
            one = L.repeat(L.tanh_decay(0.5, decay_steps=n, end_value=lo, lower=lb, upper=ub), n)
            np.testing.assert_array_equal(r(t[3:]), one(t[3:]))
        for p in (0.5, 1.0, 3.0):
            r = L.cosine_restarts(0.5, first_cycle_steps=n, min_value=lo, shape="poly", exponent=p, progress_power=k)
            one = L.repeat(L.polynomial(0.5, lo, transition_steps=n, power=p, progress_power=k), n)
            if k == 1.0:
                np.testing.assert_array_equal(r(t[3:]), one(t[3:]))
            else:
                np.testing.assert_allclose(r(t[3:]), one(t[3:]), rtol=1e-14, atol=0)
        c = L.cosine_restarts(0.5, first_cycle_steps=n, min_value=lo, progress_power=k, cycle_mult=1.5)
        d = L.cosine_restarts(0.5, first_cycle_steps=n, min_value=lo, progress_power=k, cycle_mult=1.5,
                              shape="cosine", exponent=1.0, lower=-7.0, upper=3.0)
        assert c == d
        np.testing.assert_array_equal(c(t), d(t))
    # growing cycles: cycle i is the single-cycle curve over L_0 m^i steps, peak gamma^i
    s = L.cosine_restarts(1.0, first_cycle_steps=4, cycle_mult=2.0, peak_decay=0.5, shape="tanh", lower=-3.0, upper=2.0)
    one = L.tanh_decay(0.25, decay_steps=16, lower=-3.0, upper=2.0)
    np.testing.assert_allclose(s(np.arange(12, 28)), one(np.arange(16)), rtol=1e-15)


def test_cycle_shape_validation() -> None:
    def make(**kw: Any) -> Schedule:
        return L.cosine_restarts(1.0, first_cycle_steps=4, **kw)

    for bad in ("cos", "linear", "Tanh", ""):
        with pytest.raises(ValueError, match=rf"cosine_restarts.*shape.*{bad!r}"):
            make(shape=bad)
    with pytest.raises(TypeError, match="shape"):
        make(shape=None)
    for bad_p in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match=r"cosine_restarts.*exponent"):
            make(shape="poly", exponent=bad_p)
    for shape in ("cosine", "tanh"):
        with pytest.raises(ValueError, match=rf"cosine_restarts: exponent .*exponent=2.0 with shape={shape!r}"):
            make(shape=shape, exponent=2.0)
    for lb, ub in ((3.0, 3.0), (2.0, -1.0)):
        with pytest.raises(ValueError, match=rf"cosine_restarts: lower must be < upper, got lower={lb!r}"):
            make(shape="tanh", lower=lb, upper=ub)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match=r"cosine_restarts.*lower"):
            make(shape="tanh", lower=bad)
        with pytest.raises(ValueError, match=r"cosine_restarts.*upper"):
            make(shape="tanh", upper=bad)
    for shape in ("cosine", "poly"):
        with pytest.raises(ValueError, match=rf"lower and upper apply to shape='tanh' only, got lower=-5.0.*{shape!r}"):
            make(shape=shape, lower=-5.0)
        with pytest.raises(ValueError, match=r"upper=4.0"):
            make(shape=shape, upper=4.0)
    # the defaults of the other shapes' parameters are accepted (configs carry them)
    assert make(shape="poly", lower=-7.0, upper=3.0, exponent=3.0).params["exponent"] == 3.0
    assert make(shape="tanh", lower=-1, upper=1).params["lower"] == -1.0


def test_huge_cycle_mult_builds() -> None:
    # the cycle count's log argument overflowed to inf (an OverflowError, found by the config fuzz)
    for rounding in ("exact", "floor", "log"):
        for shape in ("cosine", "poly", "tanh"):
            s = L.cosine_restarts(1.0, first_cycle_steps=1, cycle_mult=1e300, cycle_rounding=rounding, shape=shape)
            v = s(np.array([0, 1, 2, 2**40]))
            assert np.all(np.isfinite(v)) and np.all(v > 0.99)
