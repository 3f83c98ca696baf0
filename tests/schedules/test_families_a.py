"""Families A: golden values, edge cases, validation errors and parity with torch/optax."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves import Schedule

HUGE = 10**10
INT32_MAX = 2**31 - 1


def vals(s: Schedule, steps: Any) -> list[float]:
    return np.asarray(s(np.asarray(steps))).tolist()


# ---------------------------------------------------------------------------
# golden values (hand derived)

GOLDEN: list[tuple[Schedule, list[float], list[float]]] = [
    (
        lrcurves.cosine_decay(1.0, 4),
        [0, 1, 2, 3, 4, 5, 100],
        [1.0, 0.5 + 0.5 * math.cos(math.pi / 4), 0.5, 0.5 - 0.5 * math.cos(math.pi / 4), 0.0, 0.0, 0.0],
    ),
    (
        lrcurves.cosine_decay(1.0, 4, end_value=0.1, exponent=2.0, transition_begin=2),
        [0, 2, 4, 6, 7],
        [1.0, 1.0, 0.1 + 0.9 * 0.25, 0.1, 0.1],
    ),
    (lrcurves.cosine_decay(0.1, 2, end_value=1.0), [0, 1, 2, 3], [0.1, 0.55, 1.0, 1.0]),  # a rise
    (lrcurves.exponential_decay(1.0, decay_rate=0.5, transition_steps=2), [0, 1, 2, 4], [1.0, 0.5**0.5, 0.5, 0.25]),
    (
        lrcurves.exponential_decay(1.0, decay_rate=0.5, transition_steps=2, staircase=True, transition_begin=3),
        [0, 3, 4, 5, 6, 7, 9],
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.125],
    ),
    (lrcurves.exponential_decay(1.0, decay_rate=0.5, transition_steps=1, end_value=0.3), [0, 1, 2, 50], [1.0, 0.5, 0.3, 0.3]),
    (lrcurves.exponential_decay(0.5, decay_rate=1.0, transition_steps=1, end_value=2.0), [0, 9], [0.5, 0.5]),
    (lrcurves.exponential_decay(1.0, decay_rate=2.0, transition_steps=1, end_value=5.0), [0, 1, 2, 3, HUGE], [1.0, 2.0, 4.0, 5.0, 5.0]),
    (lrcurves.exponential_decay(0.0, decay_rate=2.0, transition_steps=1, end_value=0.0), [0, 5, HUGE], [0.0, 0.0, 0.0]),
    (lrcurves.step_decay(2.0, step_size=3, decay_rate=0.5), [0, 1, 2, 3, 5, 6, 9], [2.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.25]),
    (lrcurves.step_decay(2.0, step_size=1, decay_rate=0.0), [0, 1, 2], [2.0, 0.0, 0.0]),
    (lrcurves.multistep(1.0, milestones=[2, 4, 4], decay_rate=0.5), [0, 1, 2, 3, 4, 99], [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]),
    (lrcurves.multistep(1.0, milestones=[], decay_rate=0.5), [0, 99], [1.0, 1.0]),
    (lrcurves.piecewise_constant([3.0, 2.0, 1.0], [1, 3]), [0, 1, 2, 3, 4], [3.0, 2.0, 2.0, 1.0, 1.0]),
    (lrcurves.piecewise_constant([3.0], []), [0, 7], [3.0, 3.0]),
    (lrcurves.inverse_sqrt(1.0, timescale=2), [0, 2, 6, 16], [1.0, 0.5**0.5, 0.5, 1.0 / 3.0]),
    (lrcurves.inverse_time(1.0, decay_rate=0.5, decay_steps=2), [0, 1, 2, 4], [1.0, 1.0 / 1.25, 1.0 / 1.5, 0.5]),
    (lrcurves.inverse_time(1.0, decay_rate=0.5, decay_steps=2, staircase=True), [0, 1, 2, 3, 4], [1.0, 1.0, 1 / 1.5, 1 / 1.5, 0.5]),
    (lrcurves.inverse_time(0.3, decay_rate=0.0, decay_steps=5), [0, HUGE], [0.3, 0.3]),
    (lrcurves.tabulated([1.0, 2.0, 3.0]), [0, 1, 2, 3, 100], [1.0, 2.0, 3.0, 3.0, 3.0]),
    (
        lrcurves.tanh_decay(1.0, decay_steps=10),
        [0, 7, 10, 20],
        [0.5 * (1 - math.tanh(-7.0)), 0.5, 0.5 * (1 - math.tanh(3.0)), 0.5 * (1 - math.tanh(3.0))],
    ),
    (
        lrcurves.tanh_decay(2.0, decay_steps=4, end_value=1.0, lower=-1.0, upper=1.0),
        [0, 2, 4],
        [1.0 + 0.5 * (1 - math.tanh(-1.0)), 1.5, 1.0 + 0.5 * (1 - math.tanh(1.0))],
    ),
    (lrcurves.rex(1.0, decay_steps=4), [0, 1, 2, 3, 4, 5], [1.0, 0.75 / 0.875, 0.5 / 0.75, 0.25 / 0.625, 0.0, 0.0]),
    (lrcurves.rex(1.0, decay_steps=2, end_value=0.5), [0, 1, 2], [1.0, 0.5 + 0.5 * 0.5 / 0.75, 0.5]),
    (lrcurves.linear_range_test(0.1, step_size=2, step_rate=1.0), [0, 1, 2, 4], [0.1, 0.15, 0.2, 0.3]),
    (lrcurves.linear_range_test(0.1, step_size=2, step_rate=3.0, staircase=True), [0, 1, 2, 3, 4], [0.1, 0.1, 0.4, 0.4, 0.7]),
    (lrcurves.exponential_range_test(1e-3, 1.0, num_steps=3), [0, 1, 2, 3, 4, HUGE], [1e-3, 1e-2, 1e-1, 1.0, 1.0, 1.0]),
]


@pytest.mark.parametrize(("s", "steps", "want"), GOLDEN, ids=[f"{g[0].name}-{i}" for i, g in enumerate(GOLDEN)])
def test_golden(s: Schedule, steps: list[int], want: list[float]) -> None:
    np.testing.assert_allclose(vals(s, steps), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([s.value(t) for t in steps], want, rtol=1e-12, atol=1e-15)
    # the contiguous fast path agrees with pointwise evaluation
    n = max(steps) + 1
    if n <= 200:
        np.testing.assert_array_equal(lrcurves.curve(s, n), s(np.arange(n)))


def test_tabulated_fractional_steps_and_shapes() -> None:
    s = lrcurves.tabulated([1.0, 2.0, 3.0])
    assert vals(s, [0.5, 1.5, 1.999, 2.0, 7.5]) == [1.0, 2.0, 2.0, 3.0, 3.0]
    assert vals(s, [[0, 1], [2, 5]]) == [[1.0, 2.0], [3.0, 3.0]]
    assert float(s(np.int64(1))) == 2.0 and s(np.asarray(1)).shape == ()
    assert s.to_config() == {"name": "tabulated", "params": {"values": [1.0, 2.0, 3.0]}}
    assert lrcurves.from_config(s.to_config()) == s


def test_piecewise_constant_and_tabulated_on_torch_and_jax() -> None:
    torch = pytest.importorskip("torch")
    jnp = pytest.importorskip("jax.numpy")
    for s in (lrcurves.tabulated([1.0, 2.0, 3.0]), lrcurves.piecewise_constant([3.0, 2.0, 1.0], [1, 3])):
        want = vals(s, [[0, 1], [3, 9]])
        assert s(torch.tensor([[0, 1], [3, 9]])).tolist() == want
        assert np.asarray(s(jnp.asarray([[0, 1], [3, 9]]))).tolist() == want
        assert s(torch.tensor(2)).shape == ()


# ---------------------------------------------------------------------------
# edge cases: huge steps, int32, negative local steps, scalar/vector agreement

EDGE = [
    lrcurves.cosine_decay(0.1, 1000, end_value=0.001, transition_begin=10),
    lrcurves.cosine_decay(0.1, 10**9, exponent=0.5),
    lrcurves.exponential_decay(0.1, decay_rate=0.9, transition_steps=7),
    lrcurves.exponential_decay(0.1, decay_rate=0.5, transition_steps=1, staircase=True, end_value=1e-4),
    lrcurves.exponential_decay(1e-3, decay_rate=10.0, transition_steps=3, end_value=5.0, transition_begin=4),
    lrcurves.exponential_decay(0.1, decay_rate=1.0, transition_steps=3),
    lrcurves.step_decay(0.1, step_size=1, decay_rate=0.5),
    lrcurves.step_decay(0.1, step_size=30, decay_rate=0.0),
    lrcurves.multistep(0.1, milestones=[1, 10, 10, 10**9], decay_rate=0.1),
    lrcurves.piecewise_constant([0.1, 0.5, 0.0, 0.2], [1, 2, 10**9]),
    lrcurves.tabulated([0.1] * 3 + [0.05] * 5),
    lrcurves.inverse_sqrt(0.1, timescale=1),
    lrcurves.inverse_time(0.1, decay_rate=100.0, decay_steps=1, staircase=True),
    lrcurves.tanh_decay(0.1, decay_steps=1, end_value=0.01),
    lrcurves.rex(0.1, decay_steps=1),
    lrcurves.linear_range_test(1e-3, step_size=1, step_rate=100.0),
    lrcurves.linear_range_test(1e-3, step_size=7, staircase=True),
    lrcurves.exponential_range_test(1e-7, 10.0, num_steps=100),
]


@pytest.mark.parametrize("s", EDGE, ids=[f"{s.name}-{i}" for i, s in enumerate(EDGE)])
def test_edge_cases(s: Schedule) -> None:
    xp = lrcurves._xp.numpy_namespace()
    big = np.asarray([0, 1, 2, 10**6, INT32_MAX - 1, INT32_MAX, HUGE - 1, HUGE], dtype=np.int64)
    v = s(big)
    assert v.dtype == np.float64 and np.all(np.isfinite(v)) and np.all(v >= 0)
    lo, hi = s.bounds()
    assert np.all(v >= lo - 1e-12 * max(1.0, abs(lo))) and np.all(v <= hi + 1e-12 * max(1.0, abs(hi)))
    # int32 input near the wrap point
    t32 = np.asarray([0, 5, INT32_MAX - 1, INT32_MAX], dtype=np.int32)
    v32 = s(t32)
    assert v32.dtype == np.float64 and np.all(np.isfinite(v32))
    np.testing.assert_allclose(v32, s(t32.astype(np.int64)), rtol=1e-12)
    # float steps and Python ints agree with integer arrays
    np.testing.assert_allclose(s(big.astype(np.float64)), v, rtol=1e-12)
    for i, t in enumerate(big.tolist()):
        assert s.value(t) == pytest.approx(float(v[i]), rel=1e-12, abs=1e-300)
        assert float(s(t)) == pytest.approx(float(v[i]), rel=1e-12, abs=1e-300)
    # negative local steps (as combinators pass them to evaluate) stay finite
    neg = -np.asarray([1, 2, 1000, INT32_MAX, HUGE], dtype=np.int64)
    assert np.all(np.isfinite(s.evaluate(xp, neg)))
    assert np.all(np.isfinite(s.evaluate(xp, neg.astype(np.float64))))
    assert math.isfinite(s.evaluate(lrcurves._xp.SCALAR, -5))
    # the public API clamps them to step 0
    np.testing.assert_array_equal(s(neg), np.full(neg.shape, s.value(0)))
    assert all(s.value(int(x)) == s.value(0) for x in neg)


def test_int32_and_float32_on_torch() -> None:
    torch = pytest.importorskip("torch")
    for s in EDGE:
        t = torch.tensor([0, 3, INT32_MAX], dtype=torch.int32)
        out = s(t)
        assert out.dtype == torch.float32 and bool(torch.all(torch.isfinite(out)))


def test_sweep_parameters_broadcast() -> None:
    # sweeps trail the steps: (K,) parameters over (n,) steps give (n, K)
    init = np.array([0.1, 0.2])
    t = np.arange(6)
    for name, kw in [
        ("cosine_decay", {"decay_steps": 4}),
        ("exponential_decay", {"decay_rate": 0.5, "transition_steps": 2}),
        ("step_decay", {"step_size": 2}),
        ("inverse_sqrt", {}),
        ("rex", {"decay_steps": 4}),
        ("tanh_decay", {"decay_steps": 4}),
        ("linear_range_test", {"step_size": 2}),
    ]:
        s = lrcurves.get(name, init_value=init, **kw)
        assert s.param_shape == (2,)
        cols = [lrcurves.get(name, init_value=float(x), **kw)(t) for x in init]
        assert s(t).shape == (6, 2)
        np.testing.assert_allclose(s(t), np.stack(cols, axis=-1), rtol=1e-12)
        np.testing.assert_array_equal(lrcurves.curve(s, 6), s(t))
        assert s(3).shape == (2,) and s(t.reshape(2, 3)).shape == (2, 3, 2)
    s = lrcurves.exponential_decay(np.array([1.0, 0.0]), decay_rate=2.0, transition_steps=1, end_value=np.array([4.0, 3.0]))
    np.testing.assert_allclose(s(np.array([0, 1, 3])), [[1.0, 0.0], [2.0, 0.0], [4.0, 0.0]])
    s = lrcurves.exponential_range_test(np.array([1e-3, 1e-2]), 1.0, num_steps=3)
    np.testing.assert_allclose(s(np.array([3])), [[1.0, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(s(np.array([0, 1])), [[1e-3, 1e-2], [1e-2, 10 ** (-4 / 3)]], rtol=1e-12)


def test_spec_metadata() -> None:
    assert lrcurves.step_decay(1.0, step_size=2).spec.monotone == "decreasing"
    assert lrcurves.multistep(1.0, milestones=[2]).spec.monotone == "decreasing"
    assert lrcurves.inverse_sqrt(1.0).spec.monotone == "decreasing"
    assert lrcurves.inverse_time(1.0, decay_rate=1.0, decay_steps=1).spec.monotone == "decreasing"
    assert lrcurves.linear_range_test(1.0, step_size=1).spec.monotone == "increasing"
    assert lrcurves.exponential_range_test(1.0, 2.0, num_steps=1).spec.monotone == "increasing"
    assert lrcurves.cosine_decay(1.0, 10, transition_begin=5).phases() == (5, 15)
    assert lrcurves.multistep(1.0, milestones=[3, 3, 9]).phases() == (3, 9)
    assert lrcurves.cosine_decay(0.1, 10, end_value=0.5).bounds() == (0.1, 0.5)
    assert lrcurves.exponential_decay(1.0, decay_rate=0.5, transition_steps=1).bounds() == (0.0, 1.0)
    assert lrcurves.exponential_decay(1.0, decay_rate=2.0, transition_steps=1, end_value=3.0).bounds() == (1.0, 3.0)
    assert lrcurves.linear_range_test(0.1, step_size=1).bounds() == (0.1, math.inf)
    assert lrcurves.tabulated([0.3, 0.1, 0.2]).bounds() == (0.1, 0.3)
    for s in EDGE:
        assert lrcurves.from_config(s.to_config()) == s
        assert s.spec.summary


def test_cosine_curve_flat_ranges() -> None:
    s = lrcurves.cosine_decay(1.0, 5, end_value=0.2, transition_begin=3)
    for start, n in [(0, 12), (0, 2), (4, 3), (7, 5), (9, 0), (20, 4), (2, 1)]:
        got = lrcurves.curve(s, n, start=start)
        assert got.shape == (n,) and got.dtype == np.float64
        # curve() fills the flat stretches; it must be bit-identical to pointwise evaluation
        np.testing.assert_array_equal(got, s(np.arange(start, start + n)))
    assert s.flat_ranges(0, 20) == [(0, 4), (8, 20)]
    assert s.flat_ranges(5, 7) == [] and s.flat_ranges(2, 10) == [(2, 4), (8, 10)]
    s2 = lrcurves.cosine_decay(1.0, 5, exponent=3.0)
    np.testing.assert_array_equal(lrcurves.curve(s2, 9), s2(np.arange(9)))
    torch = pytest.importorskip("torch")
    out = lrcurves.curve(s, 12, xp=torch)
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.double().numpy(), s(np.arange(12)), rtol=1e-6)


# ---------------------------------------------------------------------------
# validation errors (every validator, matched on the parameter name)

BAD: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    # cosine_decay
    ("cosine_decay", {"init_value": -1.0, "decay_steps": 5}, ValueError, "init_value"),
    ("cosine_decay", {"init_value": "x", "decay_steps": 5}, TypeError, "init_value"),
    ("cosine_decay", {"init_value": math.nan, "decay_steps": 5}, ValueError, "init_value"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 0}, ValueError, "decay_steps"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 2.5}, ValueError, "decay_steps"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": "5"}, TypeError, "decay_steps"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 5, "end_value": -0.1}, ValueError, "end_value"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 5, "exponent": 0.0}, ValueError, "exponent"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 5, "exponent": [1.0, 2.0]}, TypeError, "exponent"),
    ("cosine_decay", {"init_value": 1.0, "decay_steps": 5, "transition_begin": -1}, ValueError, "transition_begin"),
    # exponential_decay
    ("exponential_decay", {"init_value": -1.0, "decay_rate": 0.5, "transition_steps": 1}, ValueError, "init_value"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.0, "transition_steps": 1}, ValueError, "decay_rate"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": -0.5, "transition_steps": 1}, ValueError, "decay_rate"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": [0.5], "transition_steps": 1}, TypeError, "decay_rate"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 2.0, "transition_steps": 1}, ValueError, "end_value"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.5, "transition_steps": 0}, ValueError, "transition_steps"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.5, "transition_steps": 1, "transition_begin": -2}, ValueError, "transition_begin"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.5, "transition_steps": 1, "staircase": 1}, TypeError, "staircase"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.5, "transition_steps": 1, "end_value": -1.0}, ValueError, "end_value"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 0.5, "transition_steps": 1, "end_value": 2.0}, ValueError, "end_value"),
    ("exponential_decay", {"init_value": 1.0, "decay_rate": 2.0, "transition_steps": 1, "end_value": 0.5}, ValueError, "init_value"),
    # step_decay / multistep / piecewise_constant
    ("step_decay", {"init_value": -1.0, "step_size": 1}, ValueError, "init_value"),
    ("step_decay", {"init_value": 1.0, "step_size": 0}, ValueError, "step_size"),
    ("step_decay", {"init_value": 1.0, "step_size": True}, TypeError, "step_size"),
    ("step_decay", {"init_value": 1.0, "step_size": 1, "decay_rate": 1.5}, ValueError, "decay_rate"),
    ("step_decay", {"init_value": 1.0, "step_size": 1, "gamma": -0.1}, ValueError, "decay_rate"),  # old spelling
    ("multistep", {"init_value": -1.0, "milestones": [1]}, ValueError, "init_value"),
    ("multistep", {"init_value": 1.0, "milestones": [0, 3]}, ValueError, "milestones"),
    ("multistep", {"init_value": 1.0, "milestones": [5, 3]}, ValueError, "milestones"),
    ("multistep", {"init_value": 1.0, "milestones": 5}, TypeError, "milestones"),
    ("multistep", {"init_value": 1.0, "milestones": [1.5]}, ValueError, "milestones"),
    ("multistep", {"init_value": 1.0, "milestones": [1], "decay_rate": 2.0}, ValueError, "decay_rate"),
    ("multistep", {"init_value": 1.0, "milestones": [1], "gamma": [0.1]}, TypeError, "decay_rate"),  # old spelling
    ("piecewise_constant", {"values": [1.0, 2.0], "boundaries": []}, ValueError, "values"),
    ("piecewise_constant", {"values": [1.0, -2.0], "boundaries": [3]}, ValueError, "values"),
    ("piecewise_constant", {"values": [], "boundaries": []}, ValueError, "values"),
    ("piecewise_constant", {"values": 1.0, "boundaries": []}, TypeError, "values"),
    ("piecewise_constant", {"values": [1.0, 2.0, 3.0], "boundaries": [3, 3]}, ValueError, "boundaries"),
    ("piecewise_constant", {"values": [1.0, 2.0], "boundaries": [0]}, ValueError, "boundaries"),
    ("piecewise_constant", {"values": [1.0, 2.0], "boundaries": "3"}, TypeError, "boundaries"),
    # inverse_sqrt / inverse_time
    ("inverse_sqrt", {"init_value": -1.0}, ValueError, "init_value"),
    ("inverse_sqrt", {"init_value": 1.0, "timescale": 0}, ValueError, "timescale"),
    ("inverse_sqrt", {"init_value": 1.0, "timescale": 1.5}, ValueError, "timescale"),
    ("inverse_time", {"init_value": -1.0, "decay_rate": 1.0, "decay_steps": 1}, ValueError, "init_value"),
    ("inverse_time", {"init_value": 1.0, "decay_rate": -1.0, "decay_steps": 1}, ValueError, "decay_rate"),
    ("inverse_time", {"init_value": 1.0, "decay_rate": 1.0, "decay_steps": 0}, ValueError, "decay_steps"),
    ("inverse_time", {"init_value": 1.0, "decay_rate": 1.0, "decay_steps": 1, "staircase": "no"}, TypeError, "staircase"),
    # tabulated
    ("tabulated", {"values": []}, ValueError, "values"),
    ("tabulated", {"values": [1.0, math.inf]}, ValueError, r"values\[1\]"),
    ("tabulated", {"values": [0.1, -0.1]}, ValueError, r"values\[1\]"),
    ("tabulated", {"values": "abc"}, TypeError, "values"),
    ("tabulated", {"values": [[1.0]]}, TypeError, r"values\[0\]"),
    # tanh_decay
    ("tanh_decay", {"init_value": -1.0, "decay_steps": 5}, ValueError, "init_value"),
    ("tanh_decay", {"init_value": 1.0, "decay_steps": 0}, ValueError, "decay_steps"),
    ("tanh_decay", {"init_value": 1.0, "decay_steps": 5, "end_value": -1.0}, ValueError, "end_value"),
    ("tanh_decay", {"init_value": 1.0, "decay_steps": 5, "lower": 3.0}, ValueError, "lower"),
    ("tanh_decay", {"init_value": 1.0, "decay_steps": 5, "upper": math.inf}, ValueError, "upper"),
    ("tanh_decay", {"init_value": 1.0, "decay_steps": 5, "lower": "a"}, TypeError, "lower"),
    # rex
    ("rex", {"init_value": -1.0, "decay_steps": 5}, ValueError, "init_value"),
    ("rex", {"init_value": 1.0, "decay_steps": 0}, ValueError, "decay_steps"),
    ("rex", {"init_value": 1.0, "decay_steps": 5, "end_value": -1.0}, ValueError, "end_value"),
    # range tests
    ("linear_range_test", {"init_value": -1.0, "step_size": 5}, ValueError, "init_value"),
    ("linear_range_test", {"init_value": 1.0, "step_size": 0}, ValueError, "step_size"),
    ("linear_range_test", {"init_value": 1.0, "step_size": 5, "step_rate": -1.0}, ValueError, "step_rate"),
    ("linear_range_test", {"init_value": 1.0, "step_size": 5, "staircase": None}, TypeError, "staircase"),
    ("exponential_range_test", {"init_value": 0.0, "end_value": 1.0, "num_steps": 5}, ValueError, "init_value"),
    ("exponential_range_test", {"init_value": 1.0, "end_value": 1.0, "num_steps": 5}, ValueError, "end_value"),
    ("exponential_range_test", {"init_value": 1.0, "end_value": 0.0, "num_steps": 5}, ValueError, "end_value"),
    ("exponential_range_test", {"init_value": 1e-3, "end_value": 1.0, "num_steps": 0}, ValueError, "num_steps"),
]


@pytest.mark.parametrize(("name", "kw", "exc", "param"), BAD, ids=[f"{b[0]}-{b[3]}-{i}" for i, b in enumerate(BAD)])
def test_validation_errors(name: str, kw: dict[str, Any], exc: type[Exception], param: str) -> None:
    with pytest.raises(exc, match=f"{name}: .*{param}|{param}.*{name}|{name}.*{param}"):
        lrcurves.get(name, **kw)


def test_every_family_a_name_has_a_strategy() -> None:
    from strat_a import STRATEGIES

    ours = {
        "cosine_decay", "exponential_decay", "step_decay", "multistep", "piecewise_constant",
        "inverse_sqrt", "inverse_time", "tabulated", "tanh_decay", "rex",
        "linear_range_test", "exponential_range_test", "polynomial_growth", "chebyshev",
    }
    assert set(STRATEGIES) == ours
    assert ours <= set(lrcurves.names())


# ---------------------------------------------------------------------------
# parity with optax


@pytest.fixture
def x64() -> Any:
    jax = pytest.importorskip("jax")
    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", old)


def test_cosine_matches_optax_float32() -> None:
    optax = pytest.importorskip("optax")
    jnp = pytest.importorskip("jax.numpy")
    t = np.arange(0, 140)
    for init, steps, alpha, expo in [(0.1, 100, 0.0, 1.0), (1.0, 37, 0.1, 2.0), (3e-4, 1, 0.5, 0.5), (0.0, 10, 0.0, 1.0)]:
        ref = np.asarray(optax.cosine_decay_schedule(init, steps, alpha=alpha, exponent=expo)(jnp.asarray(t)))
        ours = lrcurves.cosine_decay(init, steps, end_value=alpha * init, exponent=expo)
        np.testing.assert_allclose(ours(t), ref, rtol=2e-6, atol=1e-7 * max(init, 1e-30))
        np.testing.assert_allclose(np.asarray(ours(jnp.asarray(t))), ref, rtol=2e-6, atol=1e-7 * max(init, 1e-30))
        # optax's float32 form cancels next to an end value of 0; ours stays
        # accurate relative to each value (atol only below 1e-6 of the peak)
        np.testing.assert_allclose(
            np.asarray(ours(jnp.asarray(t)), dtype=np.float64), ours(t), rtol=2e-6, atol=2e-12 * init + 1e-38
        )


def test_exponential_matches_optax(x64: Any) -> None:
    optax = pytest.importorskip("optax")
    jnp = pytest.importorskip("jax.numpy")
    t = jnp.arange(0, 120, dtype=jnp.int64)
    cases = [
        {"init_value": 0.1, "decay_rate": 0.9, "transition_steps": 3},
        {"init_value": 0.1, "decay_rate": 0.5, "transition_steps": 4, "staircase": True},
        {"init_value": 0.1, "decay_rate": 0.5, "transition_steps": 4, "transition_begin": 7},
        {"init_value": 0.1, "decay_rate": 0.5, "transition_steps": 4, "transition_begin": 7, "staircase": True},
        {"init_value": 0.1, "decay_rate": 0.8, "transition_steps": 2, "end_value": 0.01},
        {"init_value": 0.1, "decay_rate": 0.8, "transition_steps": 5, "staircase": True, "end_value": 0.02, "transition_begin": 3},
        {"init_value": 1e-3, "decay_rate": 1.5, "transition_steps": 2, "end_value": 0.5, "transition_begin": 5},
        {"init_value": 1e-3, "decay_rate": 3.0, "transition_steps": 1, "staircase": True, "end_value": 1.0},
        {"init_value": 0.2, "decay_rate": 1.0, "transition_steps": 1, "end_value": 0.3},
    ]
    for kw in cases:
        ref = np.asarray(optax.exponential_decay(**kw)(t))
        ours = lrcurves.exponential_decay(**kw)
        np.testing.assert_allclose(ours(np.asarray(t)), ref, rtol=1e-12, err_msg=str(kw))
        np.testing.assert_allclose(np.asarray(ours(t)), ref, rtol=1e-12, err_msg=str(kw))


# ---------------------------------------------------------------------------
# parity with torch (a real SGD optimizer stepped by the real scheduler)


def _torch_run(make_sched: Any, base_lr: float, n: int) -> list[float]:
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_sched(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])  # the LR used by this update
        opt.step()
        sched.step()
    return out


def test_cosine_matches_torch_cosine_annealing() -> None:
    torch = pytest.importorskip("torch")
    for base, t_max, eta_min in [(0.1, 50, 0.0), (1.0, 7, 0.05), (0.3, 1, 0.1)]:
        got = _torch_run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), base, t_max + 1)  # noqa: B023
        ours = lrcurves.cosine_decay(base, t_max, end_value=eta_min)
        closed = [eta_min + (base - eta_min) * (1 + math.cos(math.pi * k / t_max)) / 2 for k in range(t_max + 1)]
        np.testing.assert_allclose(ours(np.arange(t_max + 1)), closed, rtol=1e-13, atol=1e-16)
        # torch's recursive form accumulates rounding; it is the same curve
        np.testing.assert_allclose(ours(np.arange(t_max + 1)), got, rtol=1e-9, atol=1e-12)


def test_step_decay_matches_torch_steplr() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for _ in range(20):
        base = float(rng.uniform(1e-4, 1.0))
        size = int(rng.integers(1, 40))
        gamma = float(rng.choice([rng.uniform(0.05, 1.0), 1.0, 0.5]))
        got = _torch_run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=size, gamma=gamma), base, 200)  # noqa: B023
        ours = lrcurves.step_decay(base, step_size=size, decay_rate=gamma)
        np.testing.assert_allclose(ours(np.arange(200)), got, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose([ours.value(k) for k in range(200)], got, rtol=1e-12, atol=1e-300)


def test_multistep_matches_torch_multisteplr() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for _ in range(20):
        base = float(rng.uniform(1e-4, 1.0))
        ms = sorted(rng.integers(1, 220, size=int(rng.integers(0, 6))).tolist())
        if ms and rng.random() < 0.5:
            ms.append(ms[-1])  # repeated milestone: torch multiplies twice
            ms.sort()
        gamma = float(rng.uniform(0.05, 1.0))
        got = _torch_run(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=ms, gamma=gamma), base, 200)  # noqa: B023
        ours = lrcurves.multistep(base, milestones=ms, decay_rate=gamma)
        np.testing.assert_allclose(ours(np.arange(200)), got, rtol=1e-12, atol=1e-300, err_msg=str(ms))


# ---------------------------------------------------------------------------
# golden numbers recorded from real runs (deepspeed 0.19.8, pytorch-optimizer 4.1.0):
# the optimizer's LR before update k+1, i.e. after k scheduler steps


def test_linear_range_test_matches_deepspeed_lrrangetest_golden() -> None:
    # LRRangeTest(min_lr=1e-3, step_size=7, step_rate=2.5, staircase=...)
    ks = [0, 1, 6, 7, 8, 13, 14, 29]
    cont = [0.001, 0.0013571428571428573, 0.003142857142857143, 0.0035, 0.0038571428571428567,
            0.005642857142857143, 0.006, 0.011357142857142857]
    stair = [0.001, 0.001, 0.001, 0.0035, 0.0035, 0.0035, 0.006, 0.011]
    np.testing.assert_allclose(vals(lrcurves.linear_range_test(1e-3, step_size=7, step_rate=2.5), ks), cont, rtol=1e-15)
    s = lrcurves.linear_range_test(1e-3, step_size=7, step_rate=2.5, staircase=True)
    np.testing.assert_allclose(vals(s, ks), stair, rtol=1e-15)


def test_rex_matches_pytorch_optimizer_golden() -> None:
    # REXScheduler(total_steps=10, max_lr=0.3, min_lr=0.01): after k >= 1 steps
    # it holds f(k); its first update runs at min_lr (constructor), never f(0)
    got = [0.01, 0.2847368421052632, 0.2677777777777778, 0.2488235294117647, 0.22749999999999995,
           0.2033333333333333, 0.17571428571428574, 0.14384615384615385, 0.10666666666666663,
           0.0627272727272727, 0.01, 0.01, 0.01]
    s = lrcurves.rex(0.3, decay_steps=10, end_value=0.01)
    np.testing.assert_allclose(vals(s, range(1, 13)), got[1:], rtol=1e-13)
    assert s.value(0) == pytest.approx(0.3)


def test_old_spellings_and_keyword_only() -> None:
    """``gamma`` (torch's name) still reads through get/from_config; configs write ``decay_rate``."""
    s = lrcurves.step_decay(1.0, step_size=2, decay_rate=0.5)
    assert lrcurves.get("step_decay", init_value=1.0, step_size=2, gamma=0.5) == s
    assert lrcurves.from_config({"name": "step_decay", "params": {"init_value": 1.0, "step_size": 2, "gamma": 0.5}}) == s
    assert s.to_config()["params"] == {"init_value": 1.0, "step_size": 2, "decay_rate": 0.5}
    m = lrcurves.multistep(1.0, milestones=[2], decay_rate=0.5)
    assert lrcurves.get("multistep", init_value=1.0, milestones=[2], gamma=0.5) == m
    assert "decay_rate" in m.to_config()["params"] and "gamma" not in m.to_config()["params"]
    with pytest.raises(ValueError, match="not both"):
        lrcurves.get("step_decay", init_value=1.0, step_size=2, gamma=0.5, decay_rate=0.5)
    # positional calls in another library's argument order fail instead of meaning something else
    for call in (
        lambda: lrcurves.exponential_decay(1.0, 10, 0.5),  # optax: transition_steps, decay_rate
        lambda: lrcurves.cosine_decay(1.0, 10, 0.1),  # optax: alpha is a ratio
        lambda: lrcurves.step_decay(1.0, 2, 0.5),
        lambda: lrcurves.multistep(1.0, [2], 0.5),
        lambda: lrcurves.inverse_time(1.0, 0.5, 2),
        lambda: lrcurves.polynomial(1.0, 0.0, 10, 2.0),
        lambda: lrcurves.linear(1.0, 0.0, 10),
        lambda: lrcurves.rex(1.0, 10),
        lambda: lrcurves.tanh_decay(1.0, 10),
        lambda: lrcurves.linear_range_test(1.0, 2),
        lambda: lrcurves.exponential_range_test(1e-3, 1.0, 3),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()
