"""Properties every registered schedule must have (hypothesis over the registry)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from strategies import STRATEGIES, examples, key_steps

import lrcurves
from lrcurves import Schedule

NAMES = [n for n in lrcurves.names() if n in STRATEGIES]
HUGE = 10**10


def _tol(*vals: float) -> float:
    return 1e-12 * max([1.0, *(abs(v) for v in vals if np.isfinite(v))])


def _steps(s: Schedule, extra: list[int]) -> np.ndarray:
    t = set(key_steps(s, huge=HUGE)) | set(range(0, 64)) | {x for x in extra if 0 <= x <= HUGE}
    return np.asarray(sorted(t), dtype=np.int64)


def _check_values(s: Schedule, v: np.ndarray, which: str) -> None:
    assert np.all(np.isfinite(v)), f"{which} not finite for {s!r}"
    lo, hi = s.bounds() if which == "lr" else s.momentum_bounds()
    tol = _tol(lo, hi)
    assert np.all(v >= lo - tol), f"{which} below bounds {lo} for {s!r}: {v.min()}"
    assert np.all(v <= hi + tol), f"{which} above bounds {hi} for {s!r}: {v.max()}"


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_numeric_properties(name: str, data: st.DataObject) -> None:
    s = data.draw(STRATEGIES[name], label="schedule")
    extra = data.draw(st.lists(st.integers(0, HUGE), max_size=16), label="steps")
    t = _steps(s, extra)
    v = s(t)
    assert v.shape == t.shape and v.dtype == np.float64
    _check_values(s, v, "lr")

    # monotone where the spec says so (steps sorted)
    mono = s.spec.monotone
    if mono is not None:
        d = np.diff(v)
        tol = _tol(*v)
        if mono == "decreasing":
            assert np.all(d <= tol), f"{s!r} increases at step {t[1:][d > tol][:3]}"
        else:
            assert np.all(d >= -tol), f"{s!r} decreases at step {t[1:][d < -tol][:3]}"

    # negative steps: the public API clamps to step 0; kernels (which see
    # negative local steps inside combinators) stay finite
    xp = lrcurves._xp.numpy_namespace()
    neg = -np.asarray([1, 2, 7, 1000, 10**6, HUGE], dtype=np.int64)
    # (bit for bit within a path; the array and scalar paths agree to _tol, see
    # below: libm's pow and NumPy's differ by an ulp, which an ill-conditioned
    # float order -- optax's rising polynomial -- amplifies)
    np.testing.assert_array_equal(s(neg), s(np.zeros_like(neg)))
    assert [s.value(int(x)) for x in neg] == [s.value(0)] * len(neg)
    assert abs(float(s(neg)[0]) - s.value(0)) <= _tol(s.value(0))
    assert np.all(np.isfinite(s.evaluate(xp, neg)))
    assert np.all(np.isfinite(s.evaluate(xp, neg.astype(np.float64))))

    # NaN steps give NaN on both paths; integral float steps equal integer steps
    assert np.isnan(s.value(float("nan")))
    out = s(np.asarray([np.nan, 0.0, 5.0]))
    assert np.isnan(out[0]) and out[1] == v[0] and out[2] == v[t == 5][0]
    exact = t[t < 2**53]
    np.testing.assert_allclose(s(exact.astype(np.float64)), v[: len(exact)], rtol=1e-14, atol=1e-300)

    # scalar / vector agreement
    pick = t[:: max(1, len(t) // 12)]
    for x in pick:
        a, b, c = float(v[t == x][0]), float(s(int(x))), s.value(int(x))
        assert abs(a - b) <= _tol(a) and abs(a - c) <= _tol(a), (s, int(x), a, b, c)

    if s.has_momentum:
        m = s.momentum(t)
        assert m.shape == t.shape
        _check_values(s, m, "momentum")
        assert np.all(np.isfinite(s.evaluate_momentum(xp, neg)))
        np.testing.assert_array_equal(s.momentum(neg), s.momentum(np.zeros_like(neg)))
        assert [s.momentum_value(int(x)) for x in neg] == [s.momentum_value(0)] * len(neg)
        for x in pick:
            a, c = float(m[t == x][0]), s.momentum_value(int(x))
            assert abs(a - c) <= _tol(a), (s, int(x), a, c)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_curve_matches_pointwise(name: str, data: st.DataObject) -> None:
    """``curve(s, n, start=k)`` (filling ``flat_ranges``) equals ``s(arange)`` bit for bit."""
    s = data.draw(STRATEGIES[name], label="schedule")
    anchors = [0, *s.phases()]
    k = data.draw(
        st.one_of(
            st.sampled_from(anchors).map(lambda a: max(a - 3, 0)),
            st.integers(0, 10**6),
            st.just(0),
        ),
        label="start",
    )
    n = data.draw(st.integers(0, 300), label="n")
    got = lrcurves.curve(s, n, start=k)
    want = s(np.arange(k, k + n))
    assert got.shape == (n, *s.param_shape) and got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    if s.has_momentum:
        gm = lrcurves.curve(s, n, start=k, momentum=True)
        np.testing.assert_array_equal(gm, s.momentum(np.arange(k, k + n)))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_flat_ranges_are_exactly_constant(name: str, data: st.DataObject) -> None:
    """Every range ``flat_ranges`` claims holds one value, bit for bit, and the ranges are sorted."""
    s = data.draw(STRATEGIES[name], label="schedule")
    anchors = [0, *s.phases()]
    start = data.draw(
        st.one_of(st.just(0), st.sampled_from(anchors).map(lambda a: max(a - 5, 0)), st.integers(0, 10**9)),
        label="start",
    )
    stop = start + data.draw(st.integers(0, 400), label="length")
    ranges = s.flat_ranges(start, stop)
    prev = start
    for a, b in ranges:
        assert prev <= a < b <= stop, (s, start, stop, ranges)
        prev = b
        v = s(np.arange(a, b))
        assert (v == v[0]).all(), f"{s!r}: not constant on [{a}, {b}): {np.unique(v)[:4]}"
        # the scalar path agrees (libm's pow and NumPy's may differ in the last bit)
        np.testing.assert_allclose([s.value(a), s.value(b - 1)], v[0], rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_config_and_pickle_round_trip(name: str, data: st.DataObject) -> None:
    s = data.draw(STRATEGIES[name], label="schedule")
    cfg = s.to_config()
    assert cfg["name"] == name
    text = json.dumps(cfg)
    for back in (lrcurves.from_config(cfg), lrcurves.from_config(text), lrcurves.from_config(json.loads(text))):
        assert back == s and hash(back) == hash(s)
        assert back.to_config() == cfg
    p = pickle.loads(pickle.dumps(s))
    assert p == s and hash(p) == hash(s) and repr(p) == repr(s)
    t = np.asarray(key_steps(s))
    np.testing.assert_array_equal(p(t), s(t))
    assert lrcurves.get(name, **s.params) == s
