"""Combinators: join, scale, clip, repeat, remap, product (and warmup as a wrapper)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves import Schedule

LIN = lrcurves.linear(1.0, 0.0, transition_steps=4)
CYC = lrcurves.cyclic(0.1, 1.0, step_size_up=3, base_momentum=0.8, max_momentum=0.9)


def _curve_scalar(s: Schedule, n: int) -> np.ndarray:
    vec = lrcurves.curve(s, n)
    np.testing.assert_allclose(vec, [s.value(t) for t in range(n)], rtol=1e-14, atol=0)
    np.testing.assert_array_equal(vec, s(np.arange(n)))  # curve() is bit-identical
    return vec


# ---------------------------------------------------------------------------
# join


def test_join_golden_and_local_steps() -> None:
    warm = lrcurves.linear(0.0, 1.0, transition_steps=2)
    s = lrcurves.join([warm, lrcurves.constant(0.5), LIN], boundaries=[2, 4])
    assert _curve_scalar(s, 10).tolist() == [0.0, 0.5, 0.5, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert s.phases() == (0, 2, 4, 8)
    assert s.bounds() == (0.0, 1.0)
    assert not s.has_momentum
    assert lrcurves.curve(s, 3, start=3).tolist() == [0.5, 1.0, 0.75]


def test_join_momentum() -> None:
    s = lrcurves.join([CYC, CYC], boundaries=[5])
    assert s.has_momentum
    m = lrcurves.curve(s, 10, momentum=True)
    np.testing.assert_array_equal(m[5:], lrcurves.curve(CYC, 5, momentum=True))


@pytest.mark.parametrize(
    ("kw", "exc", "match"),
    [
        ({"schedules": LIN, "boundaries": []}, TypeError, "schedules"),
        ({"schedules": [], "boundaries": []}, ValueError, "schedules"),
        ({"schedules": [LIN, 1.0], "boundaries": [2]}, TypeError, r"schedules\[1\]"),
        ({"schedules": [LIN, LIN], "boundaries": []}, ValueError, "boundaries"),
        ({"schedules": [LIN, LIN, LIN], "boundaries": [3, 3]}, ValueError, "boundaries"),
        ({"schedules": [LIN, LIN], "boundaries": [0]}, ValueError, "boundaries"),
    ],
)
def test_join_errors(kw: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        lrcurves.join(**kw)


# ---------------------------------------------------------------------------
# scale / clip / repeat / remap


def test_scale() -> None:
    s = lrcurves.scale(LIN, 0.1, offset=0.01)
    np.testing.assert_allclose(_curve_scalar(s, 6), [0.11, 0.085, 0.06, 0.035, 0.01, 0.01])
    assert s.bounds() == pytest.approx((0.01, 0.11))
    assert s.phases() == LIN.phases()
    neg = lrcurves.scale(lrcurves.linear(1.0, 0.5, transition_steps=2), 2.0, offset=-1.0)  # lower bound 2*0.5 - 1 = 0
    assert _curve_scalar(neg, 3).tolist() == [1.0, 0.5, 0.0]
    m = lrcurves.scale(CYC, 3.0)
    assert m.has_momentum
    np.testing.assert_array_equal(lrcurves.curve(m, 9, momentum=True), lrcurves.curve(CYC, 9, momentum=True))
    sweep = lrcurves.scale(LIN, np.array([1.0, 2.0]))
    assert sweep.param_shape == (2,)
    np.testing.assert_allclose(sweep(np.arange(3)), [[1, 2], [0.75, 1.5], [0.5, 1.0]])
    np.testing.assert_array_equal(lrcurves.curve(sweep, 3), sweep(np.arange(3)))


def test_clip() -> None:
    s = lrcurves.clip(LIN, min_value=0.3, max_value=0.8)
    assert _curve_scalar(s, 6).tolist() == [0.8, 0.75, 0.5, 0.3, 0.3, 0.3]
    assert s.bounds() == (0.3, 0.8)
    assert lrcurves.clip(LIN, min_value=0.3).bounds() == (0.3, 1.0)
    assert lrcurves.clip(LIN, max_value=0.6).bounds() == (0.0, 0.6)
    assert lrcurves.clip(CYC, max_value=0.5).has_momentum


def test_repeat() -> None:
    s = lrcurves.repeat(lrcurves.linear(1.0, 0.0, transition_steps=2), 3)
    assert _curve_scalar(s, 7).tolist() == [1.0, 0.5, 0.0, 1.0, 0.5, 0.0, 1.0]
    assert s.value(3 * 10**9 + 1) == 0.5
    assert s(np.array([2**31 - 1], dtype=np.int32)).tolist() == [s.value((2**31 - 1) % 3)]
    assert s.phases()[:3] == (2, 3, 5)
    r = lrcurves.repeat(CYC, 4)
    np.testing.assert_array_equal(
        lrcurves.curve(r, 8, momentum=True), np.tile(lrcurves.curve(CYC, 4, momentum=True), 2)
    )


def test_remap_proportion_scheduler_vector() -> None:
    # semantics.md §6 pytorch_optimizer 7: ProportionScheduler(max_lr=0.1, min_lr=1e-3,
    # max_value=2, min_value=1) reads lr 0.01 -> 1.0909..., lr 0.1 -> 2.0
    lr = lrcurves.join([lrcurves.constant(0.01), lrcurves.constant(0.1)], boundaries=[1])
    rho = lrcurves.remap(lr, in_min=1e-3, in_max=0.1, out_min=1.0, out_max=2.0)
    v = _curve_scalar(rho, 3)
    assert v[0] == pytest.approx(1.0909090909090908, rel=1e-15) and v[1] == 2.0
    assert not rho.has_momentum
    inv = lrcurves.remap(LIN, in_min=0.0, in_max=1.0, out_min=0.5, out_max=0.1)
    np.testing.assert_allclose(_curve_scalar(inv, 5), [0.1, 0.2, 0.3, 0.4, 0.5])
    assert inv.bounds() == pytest.approx((0.1, 0.5))


def test_remap_clamp() -> None:
    s = lrcurves.remap(LIN, in_min=0.25, in_max=0.75, out_min=0.0, out_max=1.0, clamp=True)
    assert _curve_scalar(s, 5).tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]
    assert s.bounds() == (0.0, 1.0)


# ---------------------------------------------------------------------------
# product


def test_product_golden() -> None:
    base = lrcurves.constant(0.1)
    steps = lrcurves.step_decay(1.0, step_size=3, decay_rate=0.5)
    warm = lrcurves.linear(0.25, 1.0, transition_steps=3)
    s = lrcurves.product([base, steps, warm])
    want = [0.1 * (0.5 ** (t // 3)) * (0.25 + 0.75 * min(t, 3) / 3) for t in range(10)]
    np.testing.assert_allclose(_curve_scalar(s, 10), want, rtol=1e-15)
    assert s.name == "product" and not s.has_momentum
    assert s.phases() == (0, 3)
    lo, hi = s.bounds()
    assert lo == 0.0 and hi == pytest.approx(0.1)
    assert lrcurves.product([LIN]).bounds() == LIN.bounds()
    # a single factor is that schedule
    np.testing.assert_array_equal(lrcurves.curve(lrcurves.product([LIN]), 8), lrcurves.curve(LIN, 8))
    with pytest.raises(ValueError, match="no momentum"):
        lrcurves.product([CYC, CYC]).momentum(0)


def test_product_flat_ranges_are_the_intersection() -> None:
    a = lrcurves.linear(1.0, 0.5, transition_steps=4, transition_begin=2)  # flat [0, 3) and [6, inf)
    b = lrcurves.multistep(1.0, milestones=[5], decay_rate=0.1)  # flat [0, 5), [5, inf)
    s = lrcurves.product([a, b])
    assert s.flat_ranges(0, 12) == [(0, 3), (6, 12)]
    for start, n in [(0, 12), (2, 5), (5, 3), (7, 40)]:
        np.testing.assert_array_equal(lrcurves.curve(s, n, start=start), s(np.arange(start, start + n)))
    assert lrcurves.product([a, lrcurves.cosine_restarts(1.0, first_cycle_steps=4)]).flat_ranges(0, 20) == []


def test_product_sweeps_broadcast_and_config() -> None:
    s = lrcurves.product([lrcurves.constant(np.array([0.1, 0.2])), LIN])
    assert s.param_shape == (2,)
    out = s(np.arange(5))
    assert out.shape == (5, 2)
    np.testing.assert_allclose(out[:, 1], 2 * out[:, 0])
    np.testing.assert_array_equal(lrcurves.curve(s, 5), out)
    assert lrcurves.from_config(s.to_config()) == s
    with pytest.raises(ValueError, match="do not broadcast"):
        lrcurves.product([lrcurves.constant(np.array([0.1, 0.2])), lrcurves.constant(np.array([1.0, 2.0, 3.0]))])


@pytest.mark.parametrize(
    ("schedules", "exc", "match"),
    [
        (LIN, TypeError, "schedules"),
        ([], ValueError, "must not be empty"),
        ([LIN, 0.5], TypeError, r"schedules\[1\]"),
        ("ab", TypeError, r"schedules\[0\]"),
    ],
)
def test_product_errors(schedules: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        lrcurves.product(schedules)


def test_combinator_sweeps_trail_the_steps() -> None:
    """A nested sweep gives (n, K) through every combinator; K columns equal K scalar runs."""
    peaks = np.array([1.0, 0.5, 0.25])
    kid = lrcurves.linear(peaks, 0.0, transition_steps=4)
    t = np.arange(12)
    for wrap in (
        lambda c: lrcurves.join([lrcurves.constant(0.1), c], boundaries=[3]),
        lambda c: lrcurves.scale(c, 2.0, offset=0.1),
        lambda c: lrcurves.clip(c, min_value=0.1),
        lambda c: lrcurves.repeat(c, 5),
        lambda c: lrcurves.shift(c, 2),
        lambda c: lrcurves.warmup(c, 3),
        lambda c: lrcurves.product([c, LIN]),
        lambda c: lrcurves.with_momentum(c, lrcurves.constant(0.9)),
    ):
        s = wrap(kid)
        assert s.param_shape == (3,)
        out = s(t)
        assert out.shape == (12, 3), s
        cols = [wrap(lrcurves.linear(float(p), 0.0, transition_steps=4))(t) for p in peaks]
        np.testing.assert_allclose(out, np.stack(cols, axis=-1), rtol=1e-15, err_msg=repr(s))
        np.testing.assert_array_equal(lrcurves.curve(s, 12), out)


def test_unbounded_children_bounds() -> None:
    inf_child = lrcurves.join([LIN], boundaries=[])
    assert math.isfinite(lrcurves.scale(inf_child, 0.0, offset=0.1).bounds()[1])


@pytest.mark.parametrize(
    ("factory", "kw", "exc", "match"),
    [
        (lrcurves.scale, {"schedule": 0.1}, TypeError, "schedule"),
        (lrcurves.scale, {"schedule": LIN, "factor": -1.0}, ValueError, "factor"),
        (lrcurves.scale, {"schedule": LIN, "offset": -0.1}, ValueError, "offset"),
        (lrcurves.scale, {"schedule": LIN, "offset": math.inf}, ValueError, "offset"),
        (lrcurves.clip, {"schedule": LIN}, ValueError, "min_value or max_value"),
        (lrcurves.clip, {"schedule": LIN, "min_value": -1.0}, ValueError, "min_value"),
        (lrcurves.clip, {"schedule": LIN, "max_value": "x"}, TypeError, "max_value"),
        (lrcurves.clip, {"schedule": LIN, "min_value": 0.5, "max_value": 0.4}, ValueError, "max_value"),
        (lrcurves.clip, {"schedule": [LIN], "min_value": 0.5}, TypeError, "schedule"),
        (lrcurves.repeat, {"schedule": LIN, "period": 0}, ValueError, "period"),
        (lrcurves.repeat, {"schedule": LIN, "period": 1.5}, ValueError, "period"),
        (lrcurves.repeat, {"schedule": None, "period": 2}, TypeError, "schedule"),
        (lrcurves.remap, {"schedule": LIN, "in_min": 1.0, "in_max": 1.0, "out_min": 0.0, "out_max": 1.0},
         ValueError, "in_max"),
        (lrcurves.remap, {"schedule": LIN, "in_min": "a", "in_max": 1.0, "out_min": 0.0, "out_max": 1.0},
         TypeError, "in_min"),
        (lrcurves.remap, {"schedule": LIN, "in_min": 0.0, "in_max": 1.0, "out_min": -1.0, "out_max": 1.0},
         ValueError, "out_min"),
        (lrcurves.remap, {"schedule": LIN, "in_min": 0.0, "in_max": 1.0, "out_min": 0.0, "out_max": -1.0},
         ValueError, "out_max"),
        (lrcurves.remap, {"schedule": LIN, "in_min": 0.5, "in_max": 1.0, "out_min": 0.0, "out_max": 1.0},
         ValueError, "negative"),
        (lrcurves.remap, {"schedule": LIN, "in_min": 0.0, "in_max": 1.0, "out_min": 0.0, "out_max": 1.0,
                          "clamp": 1}, TypeError, "clamp"),
        (lrcurves.remap, {"schedule": 3, "in_min": 0.0, "in_max": 1.0, "out_min": 0.0, "out_max": 1.0},
         TypeError, "schedule"),
    ],
)
def test_errors(factory: Any, kw: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        factory(**kw)


# ---------------------------------------------------------------------------
# nesting, configs, backends

NESTED = [
    lrcurves.scale(lrcurves.clip(lrcurves.repeat(lrcurves.warmup(lrcurves.one_cycle(1.0, total_steps=10), 3), 7), min_value=0.1), 2.0),
    lrcurves.join([lrcurves.warmup(LIN, 2, shape="cosine"), lrcurves.repeat(CYC, 5)], boundaries=[6]),
    lrcurves.remap(lrcurves.join([LIN, lrcurves.scale(LIN, 0.5)], boundaries=[4]), in_min=0.0, in_max=1.0, out_min=0.05, out_max=0.5, clamp=True),
    lrcurves.clip(lrcurves.scale(lrcurves.cosine_restarts(1.0, first_cycle_steps=4, cycle_mult=2.0), 1.0, offset=0.1), max_value=0.9),
]


@pytest.mark.parametrize("s", NESTED, ids=lambda s: s.name)
def test_nested_config_round_trip(s: Schedule) -> None:
    cfg = s.to_config()
    assert lrcurves.from_config(cfg) == s
    import json

    assert lrcurves.from_config(json.dumps(cfg)) == s
    assert hash(lrcurves.from_config(cfg)) == hash(s)
    _curve_scalar(s, 40)
    for big in (10**10, 2**31 - 1):
        assert math.isfinite(s.value(big))


@pytest.mark.parametrize("s", NESTED, ids=lambda s: s.name)
def test_nested_torch_matches_numpy(s: Schedule) -> None:
    torch = pytest.importorskip("torch")
    ref = lrcurves.curve(s, 30)
    got = s(torch.arange(30, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-13)
    np.testing.assert_allclose(lrcurves.curve(s, 30, xp=torch).numpy(), ref, rtol=1e-6)
