"""The optax shim: to_optax / to_optax_momentum / inject against the NumPy core and optax."""

from __future__ import annotations

from collections.abc import Iterator

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from lrcurves.adapters.optax import OptaxSchedule, inject, to_optax, to_optax_momentum

import lrcurves

N = 40


def _schedules() -> dict[str, lrcurves.Schedule]:
    return {
        "linear": lrcurves.linear(0.0, 1e-3, transition_steps=7, transition_begin=2),
        "polynomial": lrcurves.polynomial(0.5, 0.01, transition_steps=30, power=2.5),
        "constant": lrcurves.constant(3e-4),
        "join": lrcurves.join(
            [lrcurves.linear(0.0, 1.0, transition_steps=5), lrcurves.cosine_decay(1.0, 30, end_value=0.1)],
            boundaries=[5],
        ),
        "exponential": lrcurves.exponential_decay(0.1, decay_rate=0.9, transition_steps=3, staircase=True),
        "one_cycle": lrcurves.one_cycle(0.4, total_steps=N),
        "cyclic": lrcurves.cyclic(0.01, 0.1, step_size_up=4, mode="triangular2"),
        "multistep": lrcurves.multistep(1.0, milestones=[3, 9, 20], decay_rate=0.3),
    }


SCHEDULES = _schedules()


@pytest.fixture
def x64() -> Iterator[None]:
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_matches_numpy_float32(name: str) -> None:
    s = SCHEDULES[name]
    ref = lrcurves.curve(s, N)
    f = jax.jit(to_optax(s))
    got = np.array([f(t) for t in range(0, N, 3)])
    assert got.dtype == np.float32
    # float32 rounding, relative to the curve's scale (cancellation near cos = -1)
    atol = 2e-6 * float(np.max(ref))
    np.testing.assert_allclose(got, ref[::3], rtol=2e-6, atol=atol)
    # a vector of steps without vmap
    vec = jax.jit(to_optax(s))(jnp.arange(N))
    assert vec.shape == (N,) and vec.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(vec), ref, rtol=2e-6, atol=atol)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_matches_numpy_x64(name: str, x64: None) -> None:
    s = SCHEDULES[name]
    got = jax.jit(to_optax(s))(jnp.arange(N))
    assert got.dtype == jnp.float64
    np.testing.assert_allclose(np.asarray(got), lrcurves.curve(s, N), rtol=1e-12, atol=1e-15)
    if s.has_momentum:
        mom = jax.jit(to_optax_momentum(s))(jnp.arange(N))
        np.testing.assert_allclose(
            np.asarray(mom), lrcurves.curve(s, N, momentum=True), rtol=1e-12, atol=1e-15
        )


def test_x64_fixture_restores() -> None:
    assert jnp.asarray(1.0).dtype == jnp.float32


def test_hashable_pure_repr() -> None:
    s = SCHEDULES["linear"]
    a, b = to_optax(s), to_optax(lrcurves.linear(0.0, 1e-3, transition_steps=7, transition_begin=2))
    assert a == b and hash(a) == hash(b) and a != to_optax(SCHEDULES["constant"])
    assert repr(to_optax(lrcurves.constant(0.5))) == "to_optax(constant(value=0.5))"
    assert isinstance(a, OptaxSchedule)
    # hashable, so usable as a static argument of jit
    g = jax.jit(lambda sched, t: sched(t), static_argnums=0)
    assert float(g(a, 9)) == pytest.approx(1e-3)
    assert float(a(4)) == pytest.approx(float(s.value(4)))  # plain Python int count
    with pytest.raises(AttributeError):
        a.schedule = s  # type: ignore[misc]


def test_negative_and_huge_int32_counts() -> None:
    s = SCHEDULES["join"]
    f = jax.jit(to_optax(s))
    assert float(f(jnp.int32(-5))) == pytest.approx(0.0)
    big = jnp.asarray([2**31 - 1, 2**31 - 2], dtype=jnp.int32)
    for sched in SCHEDULES.values():
        v = np.asarray(jax.jit(to_optax(sched))(big))
        assert np.all(np.isfinite(v)), sched
        np.testing.assert_allclose(v, lrcurves.curve(sched, 1, start=2**31 - 2)[0], rtol=2e-6, atol=1e-9)


def test_scale_by_schedule_matches_manual() -> None:
    s = SCHEDULES["polynomial"]
    tx = optax.scale_by_schedule(to_optax(s))
    params = jnp.ones(3)
    state = tx.init(params)
    update = jax.jit(tx.update)
    for t in range(5):
        upd, state = update(jnp.full(3, 2.0), state)
        np.testing.assert_allclose(np.asarray(upd), 2.0 * s.value(t), rtol=1e-6)


def test_adam_learning_rate_schedule_matches_manual() -> None:
    s = SCHEDULES["join"]
    opt = optax.adam(learning_rate=to_optax(s), b1=0.9, b2=0.999, eps=1e-8)
    params = jnp.array([1.0, -2.0])
    state = opt.init(params)
    update = jax.jit(opt.update)
    p = np.array([1.0, -2.0])
    m = np.zeros(2)
    v = np.zeros(2)
    rng = np.random.default_rng(0)
    for t in range(6):
        g = rng.normal(size=2)
        upd, state = update(jnp.asarray(g, dtype=jnp.float32), state, params)
        params = optax.apply_updates(params, upd)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mhat, vhat = m / (1 - 0.9 ** (t + 1)), v / (1 - 0.999 ** (t + 1))
        p = p - s.value(t) * mhat / (np.sqrt(vhat) + 1e-8)
        np.testing.assert_allclose(np.asarray(params), p, rtol=1e-4)  # float32 Adam


def test_inject_bf16_params_float32_lr_and_b1() -> None:
    s = SCHEDULES["one_cycle"]
    opt = inject(optax.adam, learning_rate=s, b1=to_optax_momentum(s), b2=0.99)
    params = jnp.ones(4, dtype=jnp.bfloat16)
    state = opt.init(params)
    hp = state.hyperparams
    assert hp["learning_rate"].dtype == jnp.float32 and hp["b1"].dtype == jnp.float32
    update = jax.jit(opt.update)
    for t in range(4):
        # after an update, state.hyperparams hold the values that update used
        _, state = update(jnp.ones(4, dtype=jnp.bfloat16), state, params)
        hp = state.hyperparams
        np.testing.assert_allclose(float(hp["learning_rate"]), s.value(t), rtol=1e-6)
        np.testing.assert_allclose(float(hp["b1"]), s.momentum_value(t), rtol=1e-6)
    # optax's own default follows the params' dtype (for float hyperparameters)
    plain = optax.inject_hyperparams(optax.adam)(learning_rate=1e-3)
    assert plain.init(params).hyperparams["learning_rate"].dtype == jnp.bfloat16


def test_inject_float32_under_x64(x64: None) -> None:
    opt = inject(optax.adam, learning_rate=SCHEDULES["join"])
    state = opt.init(jnp.ones(2, dtype=jnp.bfloat16))
    assert state.hyperparams["learning_rate"].dtype == jnp.float32
    assert to_optax(SCHEDULES["join"])(3).dtype == jnp.float64
    assert repr(to_optax(SCHEDULES["constant"], dtype=jnp.float32)) == (
        "to_optax(constant(value=0.0003), dtype=float32)"
    )


def test_inject_sgd_momentum_and_custom_dtype() -> None:
    s = SCHEDULES["cyclic"]
    mom = lrcurves.cyclic(0.01, 0.1, step_size_up=4, mode="triangular2", base_momentum=0.8, max_momentum=0.9)
    opt = inject(
        optax.sgd, hyperparam_dtype=jnp.bfloat16, learning_rate=s, momentum=to_optax_momentum(mom)
    )
    state = opt.init(jnp.ones(2))
    assert state.hyperparams["learning_rate"].dtype == jnp.bfloat16
    np.testing.assert_allclose(float(state.hyperparams["momentum"]), 0.9, rtol=1e-2)


def test_errors() -> None:
    with pytest.raises(TypeError, match="Schedule"):
        to_optax(lambda t: 0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Schedule"):
        to_optax_momentum(0.9)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="defines no momentum"):
        to_optax_momentum(SCHEDULES["linear"])
    with pytest.raises(TypeError, match="callable"):
        inject("adam", learning_rate=0.1)  # type: ignore[arg-type]
