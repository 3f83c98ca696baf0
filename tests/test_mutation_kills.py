"""Tests that kill surviving mutants of the schedule and combinator core.

Written from ``mutmut`` runs over ``lrcurves/_shapes.py``, ``lrcurves/_xp.py``,
``lrcurves/combinators.py`` and ``lrcurves/schedules/*.py`` (config in
``[tool.mutmut]`` of pyproject.toml), and from bugs planted by hand: each
test pins a behaviour that a surviving mutant (or planted bug) changed and
that no other test of the fast subset checked.

The latest run measures a uniform sample: ``mutmut run "lrcurves.zzz*"``
generates the mutants (it fails on the filter after generating), the names
``def x...__mutmut_N`` in ``mutants/lrcurves/**.py`` are shuffled with
``random.Random(20261202)``, and ``mutmut run`` gets the first 400 names
(``CI=true``, ``--max-children 2``, about 20 minutes on two cores).  Two
runs on 2026-12-02: 51 of 400 survived (4,549 mutants), then, after the
fixes and tests they led to, 34 of 400 (4,477 mutants); the tests at the
end of this file kill 7 of those 34, and the other 27 change no value on a
CPU machine (a dropped ``device=``, a choice between two paths with equal
values, a clip that cannot bind, a branch ``where`` discards).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import lrcurves as lr
from lrcurves import _xp
from lrcurves.combinators import _intersect

# ---------------------------------------------------------------------------
# planted bugs


@pytest.mark.parametrize(
    "s",
    [
        lr.constant(0.1),
        lr.linear(0.1, 0.01, transition_steps=10),
        lr.one_cycle(0.1, total_steps=100),
        lr.warmup_linear_decay(peak_value=1.0, warmup_steps=2, total_steps=6, init_value=0.5),
        lr.polynomial_growth(0.1, 0.2, power=2.0, transition_steps=10),
        # kernels that do not clamp by themselves: periodic and shifted
        lr.cyclic(0.01, 0.1, step_size_up=4),
        lr.repeat(lr.linear(1.0, 0.0, transition_steps=4), 4),
        lr.shift(lr.linear(1.0, 0.0, transition_steps=4), 2),
    ],
    ids=repr,
)
def test_negative_steps_clamp_to_step_zero(s: lr.Schedule) -> None:
    """value()/lr() of a negative step is the step-0 value (the clamp in ``prepare``)."""
    v0 = s.value(0)
    assert s.value(-3) == v0 and s.value(-0.5) == v0 and s.value(-(10**9)) == v0
    assert np.all(s.lr(np.array([-7, -1, 0])) == s.lr(np.array([0, 0, 0])))
    assert np.all(s.lr(np.array([-2.5, 0.0])) == s.lr(np.array([0.0, 0.0])))


def test_equality_sees_array_shapes() -> None:
    """Same bytes, different shapes: different schedules (``_freeze`` keys the shape)."""
    a = lr.constant(np.array([0.1, 0.2]))
    b = lr.constant(np.array([[0.1, 0.2]]))
    c = lr.constant(np.array([[0.1], [0.2]]))
    assert a != b and b != c and a != c
    assert len({a, b, c}) == 3
    assert a == lr.constant(np.array([0.1, 0.2]))


def test_join_has_momentum_only_when_every_piece_has() -> None:
    mom = lr.one_cycle(0.1, total_steps=20)
    plain = lr.linear(0.1, 0.0, transition_steps=10)
    assert mom.has_momentum and not plain.has_momentum
    assert lr.join([mom, mom], [20]).has_momentum
    assert not lr.join([mom, plain], [20]).has_momentum
    assert not lr.join([plain, mom], [10]).has_momentum


def test_join_momentum_bounds() -> None:
    a = lr.one_cycle(0.1, total_steps=20, base_momentum=0.8, max_momentum=0.9)
    b = lr.one_cycle(0.1, total_steps=20, base_momentum=0.7, max_momentum=0.95)
    lo, hi = lr.join([a, b], [20]).momentum_bounds()
    assert float(lo) == 0.7 and float(hi) == 0.95


def test_one_cycle_float32_end_value() -> None:
    s = lr.one_cycle(0.6387607908543583, total_steps=2374, pct_start=0.09, final_div_factor=126.7)
    steps = np.arange(2360, 2380)
    want = s.lr(steps)
    for t in (steps.astype(np.float32), steps.astype(np.int32)):
        got = np.asarray(s.lr(t), dtype=np.float64)
        np.testing.assert_allclose(got, want, rtol=2e-6)
    assert float(want[-1]) == s.value(10**6)


def test_inject_casts_prewrapped_schedule() -> None:
    """A schedule already wrapped by to_optax without dtype is cast to hyperparam_dtype."""
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    import jax.numpy as jnp
    from lrcurves.adapters.optax import inject, to_optax, to_optax_momentum

    s = lr.one_cycle(0.1, total_steps=20)
    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        assert to_optax(s)(3).dtype == jnp.float64
        opt = inject(optax.sgd, learning_rate=to_optax(s), momentum=to_optax_momentum(s))
        state = opt.init(jnp.ones(2, dtype=jnp.bfloat16))
        assert state.hyperparams["learning_rate"].dtype == jnp.float32
        assert state.hyperparams["momentum"].dtype == jnp.float32
        _, state = jax.jit(opt.update)(jnp.ones(2, dtype=jnp.bfloat16), state)
        assert state.hyperparams["learning_rate"].dtype == jnp.float32
        opt16 = inject(optax.sgd, hyperparam_dtype=jnp.bfloat16, learning_rate=to_optax(s))
        assert opt16.init(jnp.ones(2)).hyperparams["learning_rate"].dtype == jnp.bfloat16
    finally:
        jax.config.update("jax_enable_x64", old)


# ---------------------------------------------------------------------------
# flat ranges: exact claims (curve() fills them instead of evaluating)


def _check_flat(s: lr.Schedule, start: int, stop: int) -> list[tuple[int, int]]:
    out = s.flat_ranges(start, stop)
    prev = start
    for a, b in out:
        assert prev <= a < b <= stop
        prev = b
        v = s.lr(np.arange(a, b))
        assert np.all(v == v[0]), (s, a, b)
    return out


def test_tabulated_and_chebyshev_flat_ranges() -> None:
    t = lr.tabulated([3.0, 2.0, 1.0])
    assert _check_flat(t, 0, 10) == [(0, 1), (1, 2), (2, 10)]
    assert _check_flat(t, 1, 10) == [(1, 2), (2, 10)]
    assert _check_flat(t, 0, 2) == [(0, 1), (1, 2)]
    assert _check_flat(t, 5, 9) == [(5, 9)]
    big = lr.tabulated(np.linspace(1.0, 0.1, 5000).tolist())
    assert _check_flat(big, 0, 6000) == [(4999, 6000)]
    assert _check_flat(big, 4990, 5010) == [(k, k + 1) for k in range(4990, 4999)] + [(4999, 5010)]
    assert _check_flat(big, 4000, 4100) == [(k, k + 1) for k in range(4000, 4100)]
    c = lr.chebyshev(0.1, num_nodes=8)
    n = 8
    assert _check_flat(c, 0, 12) == [(k, k + 1) for k in range(n - 1)] + [(n - 1, 12)]
    assert _check_flat(c, 3, 12) == [(k, k + 1) for k in range(3, n - 1)] + [(n - 1, 12)]


def test_repeat_flat_ranges() -> None:
    s = lr.repeat(lr.tabulated([3.0, 2.0, 1.0, 1.0]), 4)
    # inner flats on [0, 4): (0,1), (1,2), (2,3), (3,4)
    assert _check_flat(s, 0, 8) == [(k, k + 1) for k in range(8)]
    assert _check_flat(s, 4, 8) == [(k, k + 1) for k in range(4, 8)]
    assert _check_flat(s, 5, 7) == [(5, 6), (6, 7)]
    assert _check_flat(s, 3, 9) == [(k, k + 1) for k in range(3, 9)]
    r = lr.repeat(lr.piecewise_constant([1.0, 0.5], [3]), 6)
    assert _check_flat(r, 0, 12) == [(0, 3), (3, 6), (6, 9), (9, 12)]
    assert _check_flat(r, 7, 11) == [(7, 9), (9, 11)]


def test_intersect_flat_ranges() -> None:
    assert _intersect([(0, 2), (4, 6)], [(2, 4)]) == []
    assert _intersect([(0, 3), (5, 9)], [(2, 6)]) == [(2, 3), (5, 6)]
    assert _intersect([(0, 4), (4, 8)], [(0, 4), (4, 8)]) == [(0, 4), (4, 8)]
    p = lr.product([lr.tabulated([1.0, 2.0, 3.0]), lr.piecewise_constant([1.0, 0.5], [2])])
    assert _check_flat(p, 0, 6) == [(0, 1), (1, 2), (2, 6)]


# ---------------------------------------------------------------------------
# bounds


def test_bounds_exact() -> None:
    lo, hi = lr.inverse_sqrt(0.5, timescale=10).bounds()
    assert (float(lo), float(hi)) == (0.0, 0.5)
    lo, hi = lr.step_decay(0.5, step_size=10, decay_rate=0.1).bounds()
    assert (float(lo), float(hi)) == (0.0, 0.5)
    e = lr.exponential_decay(1.0, transition_steps=10, decay_rate=0.5, end_value=0.1)
    lo, hi = e.bounds()
    assert (float(lo), float(hi)) == (0.1, 1.0)
    lo, hi = lr.exponential_decay(1.0, transition_steps=10, decay_rate=0.5).bounds()
    assert (float(lo), float(hi)) == (0.0, 1.0)


# ---------------------------------------------------------------------------
# polynomial_growth: held value


def test_polynomial_growth_held_value_exact_and_finite() -> None:
    s = lr.polynomial_growth(0.1, 0.2, power=30.0, transition_steps=10)
    held = s.value(10)
    v = s.lr(np.array([10, 11, 10**12, 10**15]))
    assert np.all(np.isfinite(v)) and np.all(v == held)
    assert s.value(10**15) == held
    for power in (0.37, 1.7, 2.9):
        g = lr.polynomial_growth(0.011, 0.3, power=power, transition_steps=7, transition_begin=3)
        for dt in (np.float32, np.float64, np.int32, np.int64):
            got = g.lr(np.array([10, 11, 500], dtype=dt))
            assert np.all(got == got[0]) and np.all(np.isfinite(got))


# ---------------------------------------------------------------------------
# error messages name the family and the parameter


def test_warmup_linear_decay_errors_name_family_and_parameter() -> None:
    f = lr.warmup_linear_decay
    with pytest.raises(ValueError, match=r"^warmup_linear_decay: .*total_steps"):
        f(peak_value=1.0, warmup_steps=5, total_steps=5)
    with pytest.raises(ValueError, match=r"^warmup_linear_decay: peak_value"):
        f(peak_value=-1.0, warmup_steps=2, total_steps=6)
    with pytest.raises(ValueError, match=r"^warmup_linear_decay: end_value"):
        f(peak_value=1.0, warmup_steps=2, total_steps=6, end_value=-1.0)
    with pytest.raises(ValueError, match=r"^warmup_linear_decay: init_value"):
        f(peak_value=1.0, warmup_steps=2, total_steps=6, init_value=-1.0)


def test_array_values_shown_as_lists_in_errors() -> None:
    base = lr.linear(1.0, 0.0, transition_steps=4)
    with pytest.raises(ValueError, match=r"offset=\[-0\.5, 0\.0\]"):
        lr.scale(base, factor=0.1, offset=np.array([-0.5, 0.0]))
    with pytest.raises(ValueError, match=r"in_min=\[0\.5, 0\.1\] and in_max=\[0\.1, 0\.2\]"):
        lr.remap(
            base, in_min=np.array([0.5, 0.1]), in_max=np.array([0.1, 0.2]), out_min=0.0, out_max=1.0
        )


def test_flat_ranges_listing_limit_4096() -> None:
    """More than 4096 single-step stairs are not listed (only the held tail)."""
    big = lr.tabulated(np.linspace(1.0, 0.1, 5000).tolist())
    assert big.flat_ranges(0, 4096) == [(k, k + 1) for k in range(4096)]
    assert big.flat_ranges(10, 4107) == []  # 4097 stairs: none listed, tail not reached
    assert big.flat_ranges(904, 5000) == [(k, k + 1) for k in range(904, 4999)] + [(4999, 5000)]
    assert big.flat_ranges(903, 6000) == [(4999, 6000)]


def test_product_bounds_with_unbounded_child() -> None:
    r = lr.linear_range_test(1e-3, step_size=10)  # bounds (1e-3, inf)
    # a factor that is always 0 keeps the product at 0, in either order (0 * inf was NaN)
    assert lr.product([r, lr.constant(0.0)]).bounds() == (0.0, 0.0)
    assert lr.product([lr.constant(0.0), r]).bounds() == (0.0, 0.0)
    assert lr.product([r, lr.linear(1.0, 0.0, transition_steps=3)]).bounds() == (0.0, math.inf)
    assert lr.product([lr.constant(2.0), r]).bounds() == (0.002, math.inf)


# ---------------------------------------------------------------------------
# phases (the CLI summary's phase boundaries)


def test_phases_exact() -> None:
    assert lr.cosine_restarts(1.0, first_cycle_steps=10).phases() == tuple(range(10, 90, 10))
    doubling = lr.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=2.0)
    assert doubling.phases() == tuple(10 * (2**k - 1) for k in range(1, 9))
    floor = lr.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=1.5, cycle_rounding="floor")
    assert floor.phases() == (10, 25, 47, 80, 129, 202, 311, 474)
    assert lr.one_cycle(0.1, total_steps=100).phases() == (30, 100)
    assert lr.one_cycle(0.1, total_steps=100, three_phase=True).phases() == (30, 59, 100)
    assert lr.one_cycle(0.1, total_steps=3, pct_start=0.1).phases() == (0, 3)
    two = lr.join([lr.constant(1.0), lr.constant(0.5)], [1])
    assert lr.repeat(two, 5).phases() == (1, 5, 6, 10, 11, 15, 16, 20)
    assert lr.repeat(lr.constant(1.0), 5).phases() == (5, 10, 15, 20)
    assert lr.join([lr.one_cycle(0.1, total_steps=10), lr.constant(0.5)], [10]).phases() == (3, 10)


# ---------------------------------------------------------------------------
# float32 (non-reference operation order) paths, via JAX with x64 off


def _jax32() -> object:
    jax = pytest.importorskip("jax")
    if bool(jax.config.read("jax_enable_x64")):
        pytest.skip("needs jax_enable_x64 off")
    return pytest.importorskip("jax.numpy")


@pytest.mark.parametrize("three_phase", [False, True])
def test_jax_float32_integer_steps_fractional_phase_ends(three_phase: bool) -> None:
    """one_cycle phase ends ``pct * T - 1`` are fractional: the split subtraction in interp."""
    jnp = _jax32()
    s = lr.one_cycle(0.1, total_steps=1003, pct_start=0.2537, three_phase=three_phase)
    t = np.arange(0, 1010)
    want = s.lr(t)
    got = np.asarray(s.lr(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
    np.testing.assert_allclose(got, want, rtol=3e-6, atol=0)
    gotm = np.asarray(s.momentum(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
    np.testing.assert_allclose(gotm, s.momentum(t), rtol=3e-6, atol=0)


def test_jax_float32_chebyshev_nodes() -> None:
    jnp = _jax32()
    for s in (
        lr.chebyshev(0.1, num_nodes=16),
        lr.chebyshev(0.1, num_nodes=7, min_curvature=0.2, max_curvature=3.0),
    ):
        t = np.arange(0, 20)
        want = s.lr(t)
        got = np.asarray(s.lr(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=0)
        lo, hi = s.bounds()
        assert lo == pytest.approx(float(want.min()), rel=1e-12)
        assert hi == pytest.approx(float(want.max()), rel=1e-12)


# ---------------------------------------------------------------------------
# flat claims of wrappers and staircase options; tanh's clipped argument


def test_flat_claims_follow_staircase_and_warmup() -> None:
    assert lr.inverse_time(1.0, decay_rate=0.5, decay_steps=10).flat_ranges(0, 50) == []
    stairs = lr.inverse_time(1.0, decay_rate=0.5, decay_steps=2000, staircase=True)
    assert _check_flat(stairs, 500, 6500) == [(500, 2000), (2000, 4000), (4000, 6000), (6000, 6500)]
    # stairs narrower than MIN_FLAT are not listed: curve() evaluates them anyway
    assert lr.inverse_time(1.0, decay_rate=0.5, decay_steps=10, staircase=True).flat_ranges(0, 50) == []
    w = lr.warmup(lr.tabulated([3.0, 2.0, 1.0]), 2)
    assert _check_flat(w, 0, 8) == [(2, 3), (3, 4), (4, 8)]
    assert _check_flat(w, 3, 4) == [(3, 4)]
    assert _check_flat(w, 1, 3) == [(2, 3)]
    assert w.flat_ranges(0, 2) == [] and w.flat_ranges(1, 2) == []
    assert lr.warmup(lr.constant(1.0), 0).phases() == ()
    assert lr.warmup(lr.tabulated([3.0, 2.0, 1.0]), 0).phases() == (3,)
    assert lr.warmup(lr.tabulated([3.0, 2.0, 1.0]), 2).phases() == (2, 5)


def test_warmup_linear_decay_init_value_used() -> None:
    s = lr.warmup_linear_decay(peak_value=1.0, warmup_steps=2, total_steps=6, init_value=0.5)
    assert [s.value(t) for t in range(8)] == [0.5, 0.75, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]


def test_tanh_decay_extreme_arguments_are_clipped() -> None:
    """|lower|, |upper| beyond the clip: no exp overflow, the logistic floor 1/(1 + e^80)."""
    floor = 1.0 / (1.0 + math.exp(80.0))
    s = lr.tanh_decay(1.0, decay_steps=10, lower=-100.0, upper=100.0, end_value=0.0)
    v = s.lr(np.array([-5, 0, 9, 10, 20]))
    assert v[0] == v[1] == 1.0 and v[2] == v[3] == v[4] == floor
    r = lr.tanh_decay(0.0, decay_steps=10, lower=-100.0, upper=100.0, end_value=1.0)
    v = r.lr(np.array([0, 1, 10, 20]))
    assert v[0] == v[1] == floor and v[2] == v[3] == 1.0


# ---------------------------------------------------------------------------
# warmup momentum hold: array-valued and traced wrapped schedules


def _oc(peak: object) -> lr.Schedule:
    return lr.one_cycle(peak, total_steps=10, base_momentum=0.8, max_momentum=0.9)


def test_warmup_momentum_hold_array_parameters() -> None:
    s = lr.warmup(_oc(np.array([0.1, 0.2])), 3)
    m = s.momentum(np.arange(6))
    assert m.shape == (6, 2)
    np.testing.assert_array_equal(m[:4], np.full((4, 2), 0.9))
    np.testing.assert_allclose(m[4:], [[0.85, 0.85], [0.8, 0.8]], rtol=1e-15)
    assert s.momentum(np.arange(6)[:, None]).shape == (6, 1, 2)


def test_warmup_momentum_hold_traced_parameter() -> None:
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    f = jax.jit(lambda pk: lr.warmup(_oc(pk), 3).momentum(jnp.arange(6)))
    np.testing.assert_allclose(np.asarray(f(0.1)), [0.9, 0.9, 0.9, 0.9, 0.85, 0.8], rtol=1e-6)
    g = jax.jit(lambda pk: lr.warmup(_oc(pk), 3).lr(jnp.arange(6)))
    np.testing.assert_allclose(
        np.asarray(g(0.1)), lr.warmup(_oc(0.1), 3).lr(np.arange(6)), rtol=1e-6
    )


@pytest.mark.parametrize(
    "kw",
    [
        {"mode": "triangular"},
        {"mode": "triangular2"},
        {"mode": "exp_range", "gamma": 0.99},
        {"mode": "triangular", "step_size_down": 7, "stairs_up": 2, "stairs_down": 3},
        {"mode": "triangular2", "step_size_down": 3, "stairs_up": 4},
    ],
    ids=str,
)
def test_jax_float32_cyclic_momentum(kw: dict) -> None:
    """The float32 momentum path (complements from triangle_complement) against float64."""
    jnp = _jax32()
    s = lr.cyclic(0.01, 0.1, step_size_up=4, base_momentum=0.01, max_momentum=0.9, **kw)
    t = np.arange(0, 60)
    want = s.momentum(t)
    got = np.asarray(s.momentum(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
    np.testing.assert_allclose(got, want, rtol=3e-6, atol=0)


def test_jax_float32_step_decay_many_stairs() -> None:
    jnp = _jax32()
    s = lr.step_decay(0.5, step_size=2, decay_rate=0.9)
    t = np.arange(0, 400, 7)
    got = np.asarray(s.lr(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
    np.testing.assert_allclose(got, s.lr(t), rtol=2e-6, atol=0)


def test_more_bounds_exact() -> None:
    lo, hi = lr.one_cycle(0.1, total_steps=100).bounds()
    assert (float(lo), float(hi)) == (0.1 / 25.0 / 1e4, 0.1)
    lo, hi = lr.cosine_restarts(1.0, first_cycle_steps=10, min_value=0.1).bounds()
    assert (float(lo), float(hi)) == (0.1, 1.0)
    lo, hi = lr.cosine_restarts(1.0, first_cycle_steps=10, min_value=0.1, peak_decay=0.5).bounds()
    assert (float(lo), float(hi)) == (0.0, 1.0)


def test_wsd_short_and_shaped_warmup() -> None:
    one = lr.warmup_stable_decay(1.0, warmup_steps=1, stable_steps=2, decay_steps=2, init_value=0.5)
    assert [one.value(t) for t in range(6)] == [0.5, 1.0, 1.0, 1.0, 0.5, 0.0]
    lin = lr.warmup_stable_decay(1.0, warmup_steps=4, stable_steps=1, decay_steps=2)
    cos = lr.warmup_stable_decay(
        1.0, warmup_steps=4, stable_steps=1, decay_steps=2, warmup_shape="cosine"
    )
    assert lin.value(1) == 0.25 and cos.value(1) == pytest.approx(0.5 - 0.5 * math.cos(math.pi / 4))


def test_scale_bounds_of_unbounded_child() -> None:
    r = lr.linear_range_test(1e-3, step_size=10)  # bounds (1e-3, inf)
    assert lr.scale(r, factor=0.0, offset=0.1).bounds() == (0.1, 0.1)
    lo, hi = lr.scale(r, factor=2.0, offset=0.1).bounds()
    assert lo == pytest.approx(0.102) and hi == math.inf


@pytest.mark.parametrize("factory", [lr.warmup_linear_decay, lr.warmup_cosine])
def test_warmup_presets_errors_and_zero_warmup(factory: object) -> None:
    name = factory.__name__
    ok = {"peak_value": 1.0, "warmup_steps": 2, "total_steps": 6}
    for key, bad in [
        ("warmup_steps", -1),
        ("total_steps", 0),
        ("peak_value", -1.0),
        ("init_value", -1.0),
    ]:
        with pytest.raises(ValueError, match=rf"^{name}: {key}"):
            factory(**{**ok, key: bad})
    with pytest.raises(ValueError, match=rf"^{name}: total_steps must be > warmup_steps"):
        factory(**{**ok, "warmup_steps": 6})
    s = factory(peak_value=1.0, warmup_steps=0, total_steps=2)
    assert s.value(0) == 1.0 and s.value(2) == 0.0


def test_warmup_cosine_exponent_and_init_value() -> None:
    s = lr.warmup_cosine(
        peak_value=1.0, warmup_steps=2, total_steps=6, exponent=2.0, init_value=0.5
    )
    want = [0.5, 0.75, 1.0, 0.7285533905932737, 0.25, 0.02144660940672625, 0.0]
    assert [s.value(t) for t in range(7)] == pytest.approx(want, rel=1e-14, abs=0)


def test_jax_float32_precise_weights() -> None:
    """float32 poly/cosine weights with exponent != 1 (``1 - xc**k`` taken as ``-expm1``)."""
    jnp = _jax32()
    for s in (
        lr.polynomial(0.1, 0.0, power=0.5, transition_steps=1000),
        lr.polynomial(0.1, 1e-4, power=2.5, transition_steps=997),
        lr.cosine_decay(0.1, 1000, exponent=2.0),
        lr.cosine_decay(0.1, 999, exponent=0.7, end_value=1e-5),
        # rising segments and mixed (per-element) directions take the other weight
        lr.polynomial(1e-4, 0.1, power=0.5, transition_steps=1000),
        lr.polynomial(0.0, 0.1, power=2.5, transition_steps=997),
        lr.polynomial(np.array([0.1, 0.0]), np.array([0.0, 0.1]), power=0.5, transition_steps=1000),
        lr.cosine_decay(np.array([0.1, 0.0]), 999, exponent=0.7, end_value=np.array([0.0, 0.1])),
    ):
        t = np.concatenate([np.arange(0, 20), np.arange(480, 520), np.arange(975, 1003)])
        got = np.asarray(s.lr(jnp.asarray(t, dtype=jnp.int32)), dtype=np.float64)
        want = s.lr(t)
        np.testing.assert_allclose(got, want, rtol=3e-6, atol=1e-6 * float(np.max(want)) * 1e-6)


# ---------------------------------------------------------------------------
# _xp: the integer-exact step helpers (mutmut over lrcurves/_xp.py)

_I32MAX = 2**31 - 1


def test_minus_exact_offsets() -> None:
    """``minus``: an offset of 1 is subtracted (not only 0 is the identity); up to
    ``max // 2`` it stays integer in the step's own dtype, exact."""
    xp = _xp.numpy_namespace()
    np.testing.assert_array_equal(_xp.minus(xp, np.array([0, 5]), 1), [-1, 4])
    got = _xp.minus(xp, np.array([0, 5, _I32MAX], dtype=np.int32), 2**30 - 1)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [-(2**30) + 1, -(2**30) + 6, 2**30])
    # a transition that begins at step 1 (minus(t, 1) in the kernel)
    e = lr.exponential_decay(1.0, transition_steps=1, decay_rate=0.5, transition_begin=1)
    np.testing.assert_array_equal(e.lr(np.arange(4)), [1.0, 1.0, 0.5, 0.25])


def test_plus_exact_and_saturating() -> None:
    """``plus``: Python ints stay exact ints; integer arrays stay in their dtype up to
    ``max // 2`` and saturate at the dtype's maximum instead of wrapping."""
    xp = _xp.numpy_namespace()
    big = _xp.plus(_xp.SCALAR, 2**60 + 1, 1)
    assert type(big) is int and big == 2**60 + 2  # a float sum would round to 2**60
    assert _xp.plus(_xp.SCALAR, 2.5, 2) == 4.5
    got = _xp.plus(xp, np.array([0, _I32MAX - 10, _I32MAX], dtype=np.int32), 2**30 - 1)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [2**30 - 1, _I32MAX, _I32MAX])
    np.testing.assert_array_equal(
        _xp.plus(xp, np.array([_I32MAX - 100, _I32MAX - 10], dtype=np.int32), 50),
        [_I32MAX - 50, _I32MAX],
    )
    # shift at the last int64 step: saturates past the end (a wrap would restart the curve)
    s = lr.shift(lr.linear(1.0, 0.0, transition_steps=4), 3)
    np.testing.assert_array_equal(s.lr(np.array([0, 1, 2**63 - 1])), [0.25, 0.0, 0.0])


def test_boundaries_at_the_dtype_maximum() -> None:
    """``before``/``mod_steps``/``count_reached`` with a bound equal to the dtype's
    maximum: still an ordinary comparison / remainder (the step can equal it)."""
    xp = _xp.numpy_namespace()
    t = np.array([_I32MAX, 5, _I32MAX - 1], dtype=np.int32)
    np.testing.assert_array_equal(_xp.before(xp, t, _I32MAX), [False, True, True])
    np.testing.assert_array_equal(_xp.mod_steps(xp, t, _I32MAX), [0, 5, _I32MAX - 1])
    np.testing.assert_array_equal(_xp.count_reached(xp, t, (3, _I32MAX)), [2, 1, 1])


def test_count_reached_table_caches_per_dtype() -> None:
    """A Table's converted marks are cached per step dtype: marks an int32 step can
    never reach are dropped for int32 only, not for a later int64 call."""
    xp = _xp.numpy_namespace()
    small = _xp.Table((5, 2**40))
    np.testing.assert_array_equal(_xp.count_reached(xp, np.array([10], dtype=np.int32), small), [1])
    np.testing.assert_array_equal(_xp.count_reached(xp, np.array([10, 2**41]), small), [1, 2])
    many = _xp.Table((*range(1, 300), 2**40))  # > 256 marks: the cached NumPy copy
    np.testing.assert_array_equal(_xp.count_reached(xp, np.array([10], dtype=np.int32), many), [10])
    np.testing.assert_array_equal(_xp.count_reached(xp, np.array([10, 2**41]), many), [10, 300])


def test_count_reached_many_marks_exact() -> None:
    """The searchsorted path (> 8 marks): int64 marks beyond 2**53 stay exact,
    fractional float marks stay fractional, float32 steps compare in float32
    (as the few-marks path does)."""
    xp = _xp.numpy_namespace()
    huge = _xp.Table((*range(1, 300), 2**60 + 1))
    np.testing.assert_array_equal(
        _xp.count_reached(xp, np.array([2**60, 2**60 + 1]), huge), [299, 300]
    )
    halves = _xp.Table(tuple(k + 0.5 for k in range(300)))
    np.testing.assert_array_equal(
        _xp.count_reached(xp, np.array([0.0, 1.0, 299.6]), halves), [0, 1, 300]
    )
    np.testing.assert_array_equal(_xp.count_reached(xp, np.array([1, 300]), halves), [1, 300])
    # float32(1e8 + 1) == 1e8 == float32(100000001): the last mark is reached in float32
    t32 = np.array([1e8], dtype=np.float32)
    assert _xp.count_reached(xp, t32, (100000001,))[0] == 1
    assert _xp.count_reached(xp, t32, (*range(1, 9), 100000001))[0] == 9


def test_torch_table_lookups_match_numpy() -> None:
    """torch steps on > 256 boundaries and on tabulated values: the same values
    as NumPy, and no read-only-array warning (errors here) from the shared copies."""
    torch = pytest.importorskip("torch")
    vals = [float(k % 7) for k in range(301)]
    pc = lr.piecewise_constant(vals, list(range(1, 301)))
    steps = [0, 1, 2, 150, 299, 300, 10**6]
    want = pc.lr(np.array(steps))
    np.testing.assert_array_equal(want, [vals[min(k, 300)] for k in steps])
    got = pc.lr(torch.tensor(steps, dtype=torch.int64))
    np.testing.assert_array_equal(got.numpy().astype(np.float64), want)
    # float64 steps: the values' dtype matches, so a shared read-only copy would be wrapped
    got = pc.lr(torch.tensor(steps, dtype=torch.float64))
    np.testing.assert_array_equal(got.numpy(), want)
    tab = lr.tabulated([3.0, 2.0, 1.0])
    got = tab.lr(torch.tensor([float("nan"), 1.0, 1.5, float("inf")], dtype=torch.float64))
    assert math.isnan(float(got[0]))
    np.testing.assert_array_equal(got[1:].numpy(), [2.0, 2.0, 1.0])


def test_index_steps_far_floats() -> None:
    """``index_steps`` clips floats before the integer cast: +-inf and 1e30 become the
    end indices (an unclipped cast warns, an error here, and gives garbage)."""
    xp = _xp.numpy_namespace()
    np.testing.assert_array_equal(
        _xp.index_steps(xp, np.array([-1e30, -2.5, 1.5, 1e30, np.inf]), 3), [0, 0, 1, 2, 2]
    )
    tab = lr.tabulated([3.0, 2.0, 1.0])
    np.testing.assert_array_equal(tab.lr(np.array([0.0, 1.5, 1e30, np.inf])), [3.0, 2.0, 1.0, 1.0])


def test_zero_step_kind() -> None:
    """``zero_step``: 0 on SCALAR; a 0-d zero of the step's own dtype on arrays."""
    assert _xp.zero_step(_xp.SCALAR, 7) == 0
    z = _xp.zero_step(_xp.numpy_namespace(), np.array([3, 4], dtype=np.int32))
    assert z.shape == () and z.dtype == np.int32 and z == 0


# ---------------------------------------------------------------------------
# a uniform random sample of 400 of the 4,405 mutants (seed 20261202), stop 16


def _torch32() -> Any:
    return pytest.importorskip("torch")


@pytest.mark.parametrize(
    ("shape", "k", "length"),
    [
        ("linear", 1.0, 1.0),
        ("cosine", 1.0, 1.0),
        ("cosine", 2.0, 1.0),
        ("cosine", 0.7, 1.0),
        ("poly", 0.5, 1.0),
        ("poly", 2.5, 1.0),
        ("1-sqrt", 1.0, 1.0),
        ("1-square", 1.0, 1.0),
        ("rex", 1.0, 1.0),
        ("log", 1.0, 997.0),
        ("log", 1.0, 50.0),
    ],
)
def test_float32_weights_each_accurate_relative_to_itself(shape: str, k: float, length: float) -> None:
    """``_weights_precise`` (and ``_precise_one``): ``w`` and ``w̄`` in float32, each to a few ulp of itself.

    The float32 kernels take the done and the remaining fraction of a
    segment separately (both exact from integer steps) so that the small
    weight next to either end keeps its digits; compared here with the
    float64 reference weights of the same shape at every step of a segment.
    """
    torch = _torch32()
    from lrcurves._shapes import _precise_one, _weights_precise, _weights_ref

    n = int(length) if shape == "log" else 997  # the log shape's u is t / L
    t = np.arange(n + 1)
    xp32 = _xp.resolve(torch.zeros(1))[0]
    u32 = torch.asarray(t, dtype=torch.float32) / float(n)
    uc32 = (float(n) - torch.asarray(t, dtype=torch.float32)) / float(n)
    u64 = t / n
    # float64 closed forms (their own error, about 1e-16 / value, is far below float32's)
    c = 0.5 * (1.0 + np.cos(np.pi * u64))
    wc_ref, w_ref = {
        "linear": lambda: (1.0 - u64, u64),
        "cosine": lambda: (c**k, 1.0 - c**k),
        "poly": lambda: ((1.0 - u64) ** k, 1.0 - (1.0 - u64) ** k),
        "1-sqrt": lambda: (1.0 - np.sqrt(u64), np.sqrt(u64)),
        "1-square": lambda: (1.0 - u64 * u64, u64 * u64),
        "rex": lambda: ((1.0 - u64) / (1.0 - 0.5 * u64), 1.0 - (1.0 - u64) / (1.0 - 0.5 * u64)),
        "log": lambda: (
            np.maximum(-np.log((1.0 + u64 * length) / length) / math.log(length), 0.0),
            np.minimum(np.log1p(u64 * length) / math.log(length), 1.0),
        ),
    }[shape]()
    # the reference-order weights (float64 kernels) agree with them
    for done, ref in ((True, w_ref), (False, wc_ref)):
        got64 = _weights_ref(_xp.numpy_namespace(), u64, shape, k, length, done)
        np.testing.assert_allclose(got64, ref, rtol=1e-9, atol=1e-15)
    w, wc = _weights_precise(xp32, u32, uc32, shape, k, length)
    pairs = [("w", w, w_ref), ("w̄", wc, wc_ref)]
    if shape in ("cosine", "poly"):
        pairs += [
            ("w (one)", _precise_one(xp32, u32, uc32, shape, k, done=True), w_ref),
            ("w̄ (one)", _precise_one(xp32, u32, uc32, shape, k, done=False), wc_ref),
        ]
    for what, got, ref in pairs:
        got = got.double().numpy()
        ok = np.abs(ref) > 1e-30
        rel = np.abs(got[ok] - ref[ok]) / np.abs(ref[ok])
        assert rel.max() <= 2e-6, (shape, k, what, int(t[ok][rel.argmax()]), got[ok][rel.argmax()], ref[ok][rel.argmax()])


def test_float32_log_warmup_and_rex_curves() -> None:
    """The log warmup and REX in float32 (torch) against float64, relative to each value."""
    _torch32()
    from backend_eval import assert_rel32, torch32_values

    t = np.arange(0, 1200)
    for s in (
        lr.warmup(lr.constant(0.1), 1000, shape="log", init_value=1e-3),
        lr.rex(0.1, decay_steps=1000, end_value=1e-3),
        lr.warmup_stable_decay(0.1, warmup_steps=10, stable_steps=10, decay_steps=900, decay_shape="1-sqrt", end_value=1e-3),
        lr.warmup_stable_decay(0.1, warmup_steps=10, stable_steps=10, decay_steps=900, decay_shape="1-square", end_value=1e-3),
    ):
        assert_rel32(torch32_values(s, t), s(t), repr(s))


def test_cosine_cycles_with_exponent() -> None:
    """``num_cycles != 1/2`` with ``exponent``: ``η_e + (η_0 - η_e) ((1 + cos 2πcu) / 2)^k``."""
    s = lr.cosine_decay(0.1, 100, end_value=0.01, num_cycles=1.5, exponent=2.0)
    t = np.arange(0, 120)
    u = np.clip(t / 100, 0.0, 1.0)
    want = 0.01 + 0.09 * (0.5 * (1.0 + np.cos(2.0 * np.pi * 1.5 * u))) ** 2.0
    np.testing.assert_allclose(s(t), want, rtol=1e-13, atol=0)


def test_restarts_k_decay_long_cycles_and_limit() -> None:
    """k-decay over cycles so long that ``(L - W)^k`` overflows, with a warmup; max_cycles ends at the floor."""
    k, first, w = 100.0, 5000, 100
    s = lr.cosine_restarts(1.0, first_cycle_steps=first, min_value=0.01, warmup_steps=w, progress_power=k)
    t = np.arange(0, 2 * first, 7)
    s_in = t % first
    u = np.clip((s_in - w) / (first - w), 0.0, 1.0) ** k
    want = np.where(s_in < w, 0.01 + 0.99 * s_in / w, 0.01 + 0.99 * (1.0 + np.cos(np.pi * u)) / 2.0)
    np.testing.assert_allclose(s(t), want, rtol=1e-12, atol=0)
    # max_cycles: the floor from cycle N on, for good
    c = lr.cosine_restarts(1.0, first_cycle_steps=10, min_value=0.05, max_cycles=2)
    assert c.value(19) > 0.05 and c(np.array([20, 25, 10**9])).tolist() == [0.05] * 3
    assert [c.value(x) for x in (20, 25, 10**9)] == [0.05] * 3


def test_restarts_k_decay_float32() -> None:
    """float32 k-decay cycles (``u^k`` and ``1 - u^k`` each accurate) against float64."""
    _torch32()
    from backend_eval import assert_rel32, torch32_values

    t = np.arange(0, 3000)
    for s in (
        lr.cosine_restarts(0.1, first_cycle_steps=1000, min_value=1e-4, progress_power=2.0),
        lr.cosine_restarts(0.1, first_cycle_steps=700, cycle_mult=2.0, min_value=1e-4, progress_power=0.5, warmup_steps=50),
    ):
        assert_rel32(torch32_values(s, t), s(t), repr(s))


def test_restart_steps_after_the_table_ends() -> None:
    """``"floor"`` rounding can settle on one length; the listing goes on with it, as the kernel does."""
    from lrcurves.schedules.restarts import restart_steps

    s = lr.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=1.05, cycle_rounding="floor")
    got = restart_steps(s, 40)
    assert got == (5, 10, 15, 20, 25, 30, 35)
    v = s(np.arange(41))
    assert [x for x in range(1, 40) if v[x] > v[x - 1]] == list(got)


def test_cyclic_single_down_stair_momentum_float32() -> None:
    """One stair down (``stairs_down=1``): the float32 momentum complement uses the stair form."""
    _torch32()
    from backend_eval import assert_rel32, torch32_values

    s = lr.cyclic(0.01, 0.1, step_size_up=10, step_size_down=30, stairs_up=5, stairs_down=1, base_momentum=0.8, max_momentum=0.9)
    t = np.arange(0, 200)
    m64 = s.momentum(t)
    import torch

    m32 = s.momentum(torch.asarray(t, dtype=torch.int32)).double().numpy()
    assert_rel32(m32, m64, "cyclic momentum, stairs_down=1")
    assert_rel32(torch32_values(s, t), s(t), "cyclic lr, stairs_down=1")
    # the one down stair holds the peak's complement for the whole down phase
    assert len(set(m64[11:40].tolist())) == 1 and m64[10] != m64[11]


def test_remap_bounds_of_unbounded_child_onto_a_point() -> None:
    r = lr.linear_range_test(1e-3, step_size=10)  # bounds (1e-3, inf)
    assert lr.remap(r, in_min=0.0, in_max=1.0, out_min=0.2, out_max=0.2).bounds() == (0.2, 0.2)
    lo, hi = lr.remap(r, in_min=0.0, in_max=1.0, out_min=0.1, out_max=0.2).bounds()
    assert lo == pytest.approx(0.1001) and hi == math.inf


def test_overflow_error_names_the_children_bound() -> None:
    with pytest.raises(ValueError, match=r"overflow float64 .*children bounded by 1e\+300"):
        lr.product([lr.constant(1e300), lr.constant(1e300)])


def test_count_reached_without_marks_is_integer_zeros() -> None:
    xp = _xp.numpy_namespace()
    for t in (np.arange(4), np.arange(4.0)):
        c = _xp.count_reached(xp, t, ())
        assert c.dtype.kind == "i" and c.tolist() == [0, 0, 0, 0]


def test_staircase_range_test_claims_its_stairs_flat() -> None:
    s = lr.linear_range_test(1e-3, step_size=5000, staircase=True)
    assert s.flat_ranges(0, 12000) == [(0, 5000), (5000, 10000), (10000, 12000)]
    assert lr.linear_range_test(1e-3, step_size=5000).flat_ranges(0, 12000) == []


def test_live_exponential_segment_parameters() -> None:
    """An exponential segment whose end points are live torch tensors (``log(b / a)`` on the tensors)."""
    torch = _torch32()
    peak = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    s = lr.warmup_stable_decay(peak, warmup_steps=10, stable_steps=5, decay_steps=100, decay_shape="exponential", end_value=1e-3)
    ref = lr.warmup_stable_decay(0.1, warmup_steps=10, stable_steps=5, decay_steps=100, decay_shape="exponential", end_value=1e-3)
    t = np.arange(0, 130)
    got = s(torch.asarray(t, dtype=torch.float64))
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.detach().numpy(), ref(t), rtol=1e-13, atol=0)
    got[50].backward()
    assert peak.grad is not None and math.isfinite(float(peak.grad)) and float(peak.grad) > 0
    # float32 steps: log(b / a) taken on the live tensor, in the step's dtype
    got32 = s(torch.asarray(t, dtype=torch.int32))
    assert got32.dtype == torch.float32
    from backend_eval import assert_rel32

    assert_rel32(got32.detach().double().numpy(), ref(t), "live exponential segment, float32")


def test_polynomial_k_decay_values() -> None:
    """``progress_power`` k: ``η_e + (η_0 - η_e) (1 - ((t - B) / T)^k)^p``, float64 and float32, past the end too."""
    _torch32()
    from backend_eval import assert_rel32, torch32_values

    for init, end, n, b, p, k in (
        (0.1, 1e-3, 1000, 0, 2.0, 2.0),
        (0.1, 0.0, 997, 30, 0.5, 0.5),
        (1e-3, 0.1, 500, 7, 1.5, 3.0),
        (0.1, 1e-4, 1000, 0, 1.0, 150.0),  # T^k overflows: (t / T)^k
    ):
        s = lr.polynomial(init, end, transition_steps=n, transition_begin=b, power=p, progress_power=k)
        t = np.arange(0, b + n + 40)
        u = np.clip((t - b) / n, 0.0, 1.0) ** k
        want = end + (init - end) * (1.0 - u) ** p
        np.testing.assert_allclose(s(t), want, rtol=1e-12, atol=1e-300)
        assert s.value(0) == init and s.value(b + n) == end and s.value(10**12) == end
        assert_rel32(torch32_values(s, t), want, repr(s))


def test_polynomial_errors_name_the_parameter() -> None:
    for kw, name in (
        ({"init_value": -1.0}, "init_value"),
        ({"transition_steps": 0}, "transition_steps"),
        ({"transition_begin": -1}, "transition_begin"),
        ({"end_value": -1.0}, "end_value"),
    ):
        args = {"init_value": 0.1, "end_value": 0.0, "transition_steps": 10, **kw}
        with pytest.raises(ValueError, match=rf"^polynomial: {name}\b"):
            lr.polynomial(**args)


def test_restarts_log_rounding_cycle_starts() -> None:
    """``"log"``: a cycle starts where ``floor(log_m(1 + t (m - 1) / L_0))`` (float64) steps up."""
    from lrcurves.schedules.restarts import restart_steps

    for first, m in ((10, 1.5), (7, 2.0), (3, 1.1)):
        s = lr.cosine_restarts(1.0, first_cycle_steps=first, cycle_mult=m, cycle_rounding="log")
        idx = [math.floor(math.log(1.0 + t / first * (m - 1.0), m)) for t in range(400)]
        want = tuple(t for t in range(1, 400) if idx[t] > idx[t - 1])
        assert restart_steps(s, 400) == want
        v = s(np.arange(400))
        assert tuple(t for t in range(1, 400) if v[t] > v[t - 1]) == want


def test_restarts_tanh_warmup_hands_over_below_the_peak() -> None:
    """With warmup, step W starts the tanh cycle: a hair below the peak, as tanh_decay at its start."""
    s = lr.cosine_restarts(1.0, first_cycle_steps=20, warmup_steps=5, shape="tanh")
    start = lr.tanh_decay(1.0, decay_steps=15).value(0)
    assert s.value(5) == start < 1.0
    assert s(np.array([5]))[0] == start
    assert s.value(4) == pytest.approx(0.8)


def test_cyclic_triangular_ignores_gamma() -> None:
    """gamma scales only ``exp_range`` (torch's CyclicLR)."""
    t = np.arange(0, 100)
    a = lr.cyclic(0.01, 0.1, step_size_up=10, mode="triangular", gamma=0.9)
    b = lr.cyclic(0.01, 0.1, step_size_up=10, mode="triangular")
    assert a(t).tolist() == b(t).tolist() and a.value(55) == b.value(55)


def test_float32_cosine_cycles_and_restart_shapes() -> None:
    """float32 (torch) against float64: cosine with num_cycles, tanh cycles, and a "floor" table that settles."""
    _torch32()
    from backend_eval import assert_rel32, jit_values, torch32_values

    t = np.arange(0, 1500)
    # num_cycles != 1/2: the phase is reduced exactly (lrcurves._shapes.cosine_wave), so the
    # value stays accurate next to each cycle's minimum, also where it falls to end_value = 0
    for c in (
        lr.cosine_decay(0.1, 1000, end_value=1e-3, num_cycles=1.5),
        lr.cosine_decay(0.1, 997, end_value=0.0, num_cycles=2.0, transition_begin=7),
        lr.cosine_decay(0.1, 1000, end_value=0.0, num_cycles=0.3, exponent=2.0),
        lr.cosine_decay(0.1, 1000, end_value=0.0, num_cycles=0.123456789),
        lr.cosine_decay(1e-3, 1000, end_value=0.1, num_cycles=-3.7),
    ):
        assert_rel32(torch32_values(c, t), c(t), repr(c))
        assert_rel32(jit_values(c, t, enable_x64=False), c(t), f"jit {c!r}")
    # an integer T past float32's exact integers: integer steps keep the exact phase
    big = lr.cosine_decay(0.1, 10**6, end_value=0.0, num_cycles=7.77)
    tb = np.unique(np.random.default_rng(3).integers(0, 10**6, 4000))
    assert_rel32(torch32_values(big, tb), big(tb), repr(big))
    for s in (
        lr.cosine_restarts(0.1, first_cycle_steps=300, cycle_mult=1.5, min_value=1e-3, shape="tanh"),
        lr.cosine_restarts(0.1, first_cycle_steps=300, min_value=1e-3, shape="tanh", warmup_steps=20),
        # L_(i+1) = floor(L_i * 1.05) stays 5: the one table entry repeats from step 0 on
        lr.cosine_restarts(0.1, first_cycle_steps=5, cycle_mult=1.05, min_value=1e-3, cycle_rounding="floor"),
        lr.cosine_restarts(0.1, first_cycle_steps=40, cycle_mult=1.02, min_value=1e-3, cycle_rounding="floor", warmup_steps=3),
    ):
        assert_rel32(torch32_values(s, t), s(t), repr(s))


def test_polynomial_growth_held_sweep() -> None:
    """Array parameters: from transition_steps on, each column holds its own end value."""
    g = lr.polynomial_growth(np.array([0.1, 0.2]), np.array([0.3, 0.5]), power=2.0, transition_steps=10)
    out = g(np.array([5, 10, 20, 10**9]))
    np.testing.assert_allclose(out, [[5.1, 7.7], [20.1, 30.2], [20.1, 30.2], [20.1, 30.2]], rtol=1e-14)


def test_staircase_exponential_claims_the_hold_before_it_begins() -> None:
    s = lr.exponential_decay(1.0, transition_steps=10, decay_rate=0.5, transition_begin=5000, staircase=True)
    assert s.flat_ranges(0, 4000) == [(0, 4000)]


def test_torch_uint64_steps_past_int64_saturate() -> None:
    """torch uint64 steps (float32 default): the signed integer of that width, saturating past its maximum."""
    torch = _torch32()
    s = lr.linear(1.0, 0.0, transition_steps=10)
    big = torch.asarray(np.array([2**63 + 5, 2**64 - 1, 3, 0], dtype=np.uint64))
    assert big.dtype == torch.uint64
    out = s(big)
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.double().numpy(), [0.0, 0.0, 0.7, 1.0], rtol=1e-7)


# ---------------------------------------------------------------------------
# from the second sample of 2026-12-02 (400 of 4,549 mutants, the same seed)


def test_remap_of_an_unbounded_schedule_keeps_the_sign_of_infinity() -> None:
    """A decreasing map of an unbounded schedule goes to -inf: refused without clamp, bounded with it."""
    g = lr.linear_range_test(0.1, step_size=10)
    assert g.bounds() == (0.1, math.inf)
    with pytest.raises(ValueError, match="remap: without clamp the mapped value can go negative"):
        lr.remap(g, in_min=0.0, in_max=1.0, out_min=1.0, out_max=0.0)
    c = lr.remap(g, in_min=0.0, in_max=1.0, out_min=1.0, out_max=0.0, clamp=True)
    assert c.bounds() == pytest.approx((0.0, 0.9), rel=1e-15)
    np.testing.assert_allclose(c(np.array([0, 100, 1000])), [0.9, 0.0, 0.0], rtol=1e-15)
    # an increasing map with in_min < -in_max: the slope is (1 - 0) / (1 - (-3)) > 0
    up = lr.remap(g, in_min=-3.0, in_max=1.0, out_min=0.0, out_max=1.0)
    assert up.bounds() == pytest.approx((0.775, math.inf), rel=1e-15)


def test_join_flat_ranges_are_shifted_to_global_steps() -> None:
    """Each piece's flat ranges, moved by the piece's boundary (both ends)."""
    s = lr.join([lr.constant(1.0), lr.linear(1.0, 0.0, transition_steps=10), lr.constant(0.5)], boundaries=[5, 20])
    flats = s.flat_ranges(0, 40)
    assert flats == [(0, 5), (5, 6), (15, 20), (20, 40)]
    v = s(np.arange(40))
    for a, b in flats:
        assert np.all(v[a:b] == v[a])


def test_remap_range_errors_show_the_values() -> None:
    with pytest.raises(ValueError, match=r"in_min=1\.0 and in_max=0\.5"):
        lr.remap(lr.constant(0.1), in_min=1.0, in_max=0.5, out_min=0.0, out_max=1.0)
    with pytest.raises(ValueError, match=r"in_min=\[1\.0, 2\.0\] and in_max=\[0\.5, 3\.0\]"):
        lr.remap(lr.constant(0.1), in_min=np.array([1.0, 2.0]), in_max=np.array([0.5, 3.0]), out_min=0.0, out_max=1.0)


def test_float32_phase_with_a_fractional_begin() -> None:
    """torch OneCycleLR's phase ends are fractional: a momentum rising from 0 right after one stays accurate."""
    torch = _torch32()
    from backend_eval import assert_rel32

    s = lr.one_cycle(0.1, total_steps=1_000_003, base_momentum=0.0, anneal="linear")
    t = np.arange(299_990, 300_050)  # the second phase begins at 0.3 * 1_000_003 - 1 = 299_999.9
    assert_rel32(s.momentum(torch.asarray(t, dtype=torch.int32)).double().numpy(), s.momentum(t), "one_cycle momentum")


def test_float32_cosine_cycles_on_floating_steps() -> None:
    """Floating (float32) steps take the exact phase reduction in floats."""
    from backend_eval import assert_rel32

    t = np.arange(0, 3000)
    for c in (1.5, 0.123456789, 4.0):
        s = lr.cosine_decay(0.1, 2500, end_value=0.0, num_cycles=c, transition_begin=3)
        got = s(t.astype(np.float32))
        assert got.dtype == np.float32
        assert_rel32(got.astype(np.float64), s(t), repr(s))


def test_cyclic_matches_torch_bit_for_bit_in_the_first_64_cycles() -> None:
    """torch's float order, including its branch at the top of the cycle (``x <= ratio``)."""
    torch = _torch32()
    for up, down, mode in [(10, 3, "triangular"), (3, 5, "triangular2"), (7, 7, "triangular"), (1, 4, "triangular")]:
        p = torch.nn.Parameter(torch.zeros(1))
        o = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        sch = torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.013, max_lr=0.17, step_size_up=up, step_size_down=down, mode=mode)
        ref = []
        for _ in range(64 * (up + down)):
            ref.append(o.param_groups[0]["lr"])
            o.step()
            sch.step()
        ours = lr.cyclic(0.013, 0.17, step_size_up=up, step_size_down=down, mode=mode)(np.arange(len(ref)))
        np.testing.assert_array_equal(ours, np.array(ref))


def test_staircase_exponential_first_stair_continues_the_hold() -> None:
    s = lr.exponential_decay(1.0, transition_steps=2000, decay_rate=0.5, transition_begin=500, staircase=True)
    assert s.flat_ranges(0, 7000) == [(0, 2500), (2500, 4500), (4500, 6500), (6500, 7000)]


def test_polynomial_power_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"polynomial.*power"):
        lr.polynomial(1.0, end_value=0.0, transition_steps=10, power=0.0)


@pytest.mark.parametrize("rounding", ["exact", "floor", "log"])
def test_restart_phases_are_the_restart_steps(rounding: str) -> None:
    s = lr.cosine_restarts(1.0, first_cycle_steps=7, cycle_mult=1.3, min_value=0.0, cycle_rounding=rounding)
    from lrcurves.schedules.restarts import restart_steps

    assert s.phases() == restart_steps(s, 10**9)[:8]


def test_restart_steps_rejects_other_schedules() -> None:
    from lrcurves.schedules.restarts import restart_steps

    with pytest.raises(TypeError, match=r"restart_steps needs a cosine_restarts schedule, got constant\("):
        restart_steps(lr.constant(0.1), 10)


def test_warmup_caches_the_wrapped_value_at_step_zero() -> None:
    from lrcurves.schedules.warmup import _at_zero

    inner = lr.cosine_decay(0.1, 100)
    v = _at_zero(inner, False)
    assert v == 0.1 and _at_zero(inner, False) is v
    sweep = lr.cosine_decay(np.array([0.1, 0.2]), 100)
    a = _at_zero(sweep, False)
    assert _at_zero(sweep, False) is a and a.tolist() == [0.1, 0.2]


def test_table_builds_each_cached_value_once() -> None:
    calls = []
    tab = _xp.Table([1, 2, 3])
    for _ in range(3):
        assert tab.cached("k", lambda: calls.append(1) or [9]) == [9]
    assert len(calls) == 1


def test_numpy_uint64_steps_take_float64() -> None:
    """NumPy (float64 default): uint64 steps past int64 become float64 steps, not a saturated int64."""
    s = lr.repeat(lr.linear(1.0, 0.0, transition_steps=5), 5)
    big = 2**63 + 2**40
    as_float = s(np.array([float(big)]))
    np.testing.assert_array_equal(s(np.array([big], dtype=np.uint64)), as_float)
    assert as_float[0] != s(np.array([2**63 - 1]))[0]  # saturating would be another phase


def test_float32_rising_cosine_holds_its_start_before_it_begins() -> None:
    """u is clipped at 0: before transition_begin a rise stays at init_value (float32 weighs the done fraction)."""
    torch = _torch32()
    s = lr.cosine_decay(1e-3, 100, end_value=0.1, transition_begin=10)
    got = s(torch.arange(0, 12, dtype=torch.int32))
    assert got.dtype == torch.float32
    assert np.all(got[:11].double().numpy() == np.float32(1e-3))


def test_float32_cosine_cycles_past_float32_exact_integers() -> None:
    """2 T > 2**24 on float32 steps: the rounded phase (no exact reduction), still close."""
    from backend_eval import assert_rel32

    s = lr.cosine_decay(0.1, 10**7, end_value=1e-2, num_cycles=1.5)
    t = np.arange(0, 10**7, 99_991)
    assert_rel32(s(t.astype(np.float32)).astype(np.float64), s(t), repr(s), rel=1e-4)


def test_restart_steps_after_a_settled_floor_table() -> None:
    """"floor" rounding that settles on one length: the table's last cycle repeats in restart_steps."""
    from lrcurves.schedules.restarts import restart_steps

    s = lr.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=1.05, cycle_rounding="floor")
    assert restart_steps(s, 23) == (5, 10, 15, 20)


def test_chebyshev_claims_each_step_of_its_table() -> None:
    s = lr.chebyshev(0.1, 8)
    assert s.flat_ranges(3, 12) == [(3, 4), (4, 5), (5, 6), (6, 7), (7, 12)]


def test_intersect_advances_the_range_that_ends_first() -> None:
    assert _intersect([(0, 3), (5, 9)], [(1, 10)]) == [(1, 3), (5, 9)]
    assert _intersect([(1, 10)], [(0, 3), (5, 9)]) == [(1, 3), (5, 9)]


def test_scale_refuses_overflow_on_one_side() -> None:
    with pytest.raises(ValueError, match="scale: its values overflow float64"):
        lr.scale(lr.linear(1e300, 1.0, transition_steps=10), 1e10)


def test_number_subclass_steps() -> None:
    """int and float subclasses (not bool, not NumPy scalars) are Python-number steps."""

    class F(float):
        pass

    class I(int):  # noqa: E742
        pass

    s = lr.linear(1.0, 0.0, transition_steps=10)
    assert float(s(F(2.5))) == float(s(2.5)) == 0.75
    assert float(s(I(3))) == float(s(3))


def test_float32_exponential_rise_from_below_float32_range() -> None:
    """A geometric rise from 2.9e-211 (0 in float32) to 1: b exp(-ū L) from the end, not 0 * inf = NaN."""
    torch = _torch32()
    from backend_eval import assert_rel32

    for s in (
        lr.exponential_range_test(2.9369373835087753e-211, end_value=1.0, num_steps=1),
        lr.exponential_range_test(1e-200, end_value=3.0, num_steps=500),
        lr.warmup(lr.constant(0.5), 100, init_value=1e-100, shape="exponential"),
    ):
        t = np.arange(0, 700)
        got = s(torch.asarray(t, dtype=torch.int32)).double().numpy()
        assert not np.isnan(got).any(), repr(s)
        assert_rel32(got, s(t), repr(s))
        assert_rel32(s(t.astype(np.float32)).astype(np.float64), s(t), repr(s))
