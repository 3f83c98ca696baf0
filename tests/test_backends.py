"""Every registered schedule evaluates identically on every array backend.

Backends: NumPy, array-api-strict, PyTorch CPU (float64 and float32), JAX
under ``jax.jit`` with x64 on and off, and the scalar fast path
(:meth:`Schedule.value`).  Each is compared with NumPy float64 on a step
vector mixing step 0, phase boundaries, a random range and huge steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from backend_eval import x64 as jax_x64
from hypothesis import given, settings, strategies as st
from strategies import STRATEGIES, examples, key_steps, value_params

import lrcurves
from lrcurves import Schedule

NAMES = [n for n in lrcurves.names() if n in STRATEGIES]
INT32_MAX = 2**31 - 1
F32_EXACT = 2**24  # integers up to here are exact in float32
F32_RTOL = 2e-6  # float32 values relative to themselves
F32_REL_FLOOR = 1e-6  # ... where they are at least this fraction of the peak
F32_TINY = 1.2e-38  # float32's smallest normal: below it nothing is relative


@dataclass(frozen=True)
class Backend:
    name: str
    huge: int
    float32: bool
    # (schedule, int64 numpy steps, "lr"|"momentum") -> numpy float result; asserts type
    run: Callable[[Schedule, np.ndarray, str], np.ndarray]


def _call(s: Schedule, t: Any, which: str) -> Any:
    return s.lr(t) if which == "lr" else s.momentum(t)


def _run_numpy(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
    out = _call(s, t.astype(np.float64), which)
    assert type(out) is np.ndarray and out.dtype == np.float64 and out.shape == t.shape
    return out


def _run_strict(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
    import array_api_strict as xps

    tt = xps.asarray(t, dtype=xps.int64)
    out = _call(s, tt, which)
    assert type(out) is type(tt) and out.dtype == xps.float64 and out.shape == tt.shape
    assert out.device == tt.device
    return np.asarray(out)


def _run_torch(dtype: str) -> Callable[[Schedule, np.ndarray, str], np.ndarray]:
    def run(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
        import torch

        # float64: floating steps keep their dtype; float32: int64 steps take
        # torch's default float dtype (float32)
        tt = torch.asarray(t, dtype=torch.float64) if dtype == "float64" else torch.asarray(t)
        assert torch.get_default_dtype() == torch.float32
        out = _call(s, tt, which)
        assert isinstance(out, torch.Tensor) and out.shape == tt.shape
        assert out.dtype == getattr(torch, dtype) and out.device == tt.device
        return out.double().numpy()

    return run


def _run_jax(x64: bool) -> Callable[[Schedule, np.ndarray, str], np.ndarray]:
    def run(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
        import jax
        import jax.numpy as jnp

        with jax_x64(x64):
            tt = jnp.asarray(t, dtype=jnp.int64 if x64 else jnp.int32)
            assert tt.dtype == (jnp.int64 if x64 else jnp.int32)
            out = jax.jit(lambda u: _call(s, u, which))(tt)
            assert isinstance(out, jax.Array) and out.shape == tt.shape
            assert out.dtype == (jnp.float64 if x64 else jnp.float32)
            assert out.devices() == tt.devices()
            return np.asarray(out, dtype=np.float64)

    return run


def _run_scalar(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
    f = s.value if which == "lr" else s.momentum_value
    vals = [f(int(x)) for x in t]
    assert all(type(v) is float for v in vals)
    return np.asarray(vals)


BACKENDS = {
    b.name: b
    for b in [
        Backend("numpy", 10**10, False, _run_numpy),
        Backend("array_api_strict", 10**10, False, _run_strict),
        Backend("torch-float64", 10**10, False, _run_torch("float64")),
        Backend("torch-float32", 10**10, True, _run_torch("float32")),
        Backend("jax-x64", 10**10, False, _run_jax(True)),
        Backend("jax-x32", INT32_MAX, True, _run_jax(False)),
        Backend("scalar", 10**10, False, _run_scalar),
    ]
}


@pytest.fixture(params=list(BACKENDS), scope="module")
def backend(request: pytest.FixtureRequest) -> Backend:
    name = request.param
    if name.startswith("torch"):
        pytest.importorskip("torch")
    if name.startswith("jax"):
        pytest.importorskip("jax")
    if name == "array_api_strict":
        pytest.importorskip("array_api_strict")
    return BACKENDS[name]


def step_vector(s: Schedule, huge: int, rand_start: int, rand_len: int) -> np.ndarray:
    rng = np.arange(rand_start, rand_start + rand_len)
    t = np.concatenate([np.asarray(key_steps(s, huge=huge), dtype=np.int64), rng])
    return t[t <= huge]


def _lookahead(s: Schedule) -> int:
    """How far past ``t`` the steps a schedule evaluates reach (``shift`` moves them on)."""
    from lrcurves._schedule import iter_schedules

    return sum(x.params["by"] for x in iter_schedules(s) if x.name == "shift")


def _terms(s: Schedule, t: np.ndarray, which: str) -> np.ndarray:
    """Magnitude of the terms a top-level affine combinator adds up (0 elsewhere)."""
    if which != "lr" or s.name not in ("remap", "scale"):
        return np.zeros(t.shape)
    p = s.params
    v = np.abs(p["schedule"](t))
    if s.name == "scale":
        return abs(p["factor"]) * v + abs(p["offset"])
    span = p["in_max"] - p["in_min"]
    return abs(p["out_min"]) + abs(p["out_max"] - p["out_min"]) * (v + abs(p["in_min"])) / span


def compare(b: Backend, s: Schedule, t: np.ndarray, which: str) -> None:
    ref = _call(s, t, which)
    assert ref.dtype == np.float64
    got = b.run(s, t, which)
    assert got.shape == ref.shape
    assert np.all(np.isfinite(got)), f"{b.name}: non-finite values for {s!r}"
    hi_bound = (s.bounds() if which == "lr" else s.momentum_bounds())[1]
    scale = max(float(np.max(np.abs(ref))) if ref.size else 0.0, hi_bound if np.isfinite(hi_bound) else 0.0)
    if not b.float32:
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14 * scale, err_msg=f"{b.name} {s!r}")
        return
    # float32: steps beyond 2**24 are not exact in float32; there only bounds hold.
    # Below that every value is accurate relative to *itself* (not to the curve's
    # peak): the float32 forms in lrcurves._shapes are cancellation-free, so a
    # cosine ending at 0 keeps its digits down to its last steps.  Only values
    # below 1e-6 of the peak (deep in an exponential tail, where float32's
    # exponent rounding dominates) get an absolute bound of 2e-6 of that floor.
    # An affine map of another schedule's values (remap, scale with a negative
    # offset) cancels by its very formula: there the bound is relative to the
    # magnitude of the terms summed, not to the (small) sum.
    exact = t + _lookahead(s) <= F32_EXACT
    g, r = got[exact], ref[exact]
    floor = max(F32_REL_FLOOR * scale, F32_TINY)
    mag = np.maximum(np.abs(r), _terms(s, t[exact], which))
    bound = np.where(np.abs(r) >= floor, F32_RTOL * mag, F32_RTOL * np.maximum(mag, floor) + F32_TINY)
    err = np.abs(g - r)
    bad = np.flatnonzero(err > bound)
    assert not bad.size, (
        f"{b.name} {s!r}: float32 off by more than {F32_RTOL} relative at steps {t[exact][bad][:5]}: "
        f"got {g[bad][:5]}, want {r[bad][:5]} (relative error {(err / np.maximum(mag, 1e-300))[bad][:5]})"
    )
    lo, hi = s.bounds() if which == "lr" else s.momentum_bounds()
    tol = 1e-5 * max(abs(lo), abs(hi), scale) + F32_TINY  # values below float32 range flush to 0
    assert np.all(got >= lo - tol) and np.all(got <= hi + tol), f"{b.name} {s!r} out of bounds"


@pytest.mark.parametrize("name", NAMES)
def test_backend_agrees_with_numpy(name: str, backend: Backend) -> None:
    n_examples = examples(2 if backend.name.startswith("jax") else 4)

    @settings(max_examples=n_examples, deadline=None)
    @given(s=STRATEGIES[name], start=st.integers(0, 10**7), length=st.integers(1, 64))
    def check(s: Schedule, start: int, length: int) -> None:
        t = step_vector(s, backend.huge, start, length)
        compare(backend, s, t, "lr")
        if s.has_momentum:
            compare(backend, s, t, "momentum")

    check()


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_parameter_arrays_broadcast(name: str, data: st.DataObject) -> None:
    """A (K,) array of value parameters over (N,) steps gives (N, K): steps lead, the sweep trails."""
    s = data.draw(STRATEGIES[name])
    keys = value_params(s)
    if not keys:
        return
    factors = np.array([1.0, 0.5, 0.25])
    t = np.concatenate([np.asarray(key_steps(s), dtype=np.int64), np.arange(0, 40)])
    p = s.params
    for group in (keys, *([k] for k in keys)):
        try:
            swept = lrcurves.get(name, **{**p, **{k: factors * p[k] for k in group}})
            cols = [lrcurves.get(name, **{**p, **{k: f * p[k] for k in group}}) for f in factors]
        except (ValueError, TypeError):
            continue
        assert swept.param_shape == (len(factors),)
        out = swept(t)
        # always (N, K), also for a parameter the curve ignores (warmup's
        # init_value when warmup_steps=0)
        assert out.shape == (len(t), len(factors)), out.shape
        expect = np.stack([c(t) for c in cols], axis=-1)
        np.testing.assert_allclose(out, expect, rtol=1e-12, atol=1e-300)
        # curve() gives (n, *param_shape), bit-identical to pointwise
        np.testing.assert_array_equal(lrcurves.curve(swept, 12, start=3), swept(np.arange(3, 15)))
        # a scalar step gives param_shape; a 2-d step gives step.shape + param_shape
        assert swept(5).shape == (len(factors),)
        assert swept(t[:6].reshape(2, 3)).shape == (2, 3, len(factors))
        if swept.has_momentum:
            m = swept.momentum(t)
            assert m.shape == out.shape
            np.testing.assert_allclose(m, np.stack([c.momentum(t) for c in cols], axis=-1), rtol=1e-12)
        # the same sweep on torch keeps shape and dtype
        torch = pytest.importorskip("torch")
        tt = torch.asarray(t, dtype=torch.float64)
        got = swept(tt)
        assert got.dtype == torch.float64 and tuple(got.shape) == out.shape
        # as compare(): torch's and NumPy's cos/exp may differ by an ulp, which a
        # reference float order that cancels (HF's num_cycles cosine next to its
        # minimum, values ~1e-16 of the peak) turns into a large relative error
        atol = 1e-14 * float(np.max(np.abs(expect), initial=0.0))
        np.testing.assert_allclose(got.numpy(), expect, rtol=1e-12, atol=max(atol, 1e-300))
        return
    pytest.fail(f"{name}: no value parameter of {s!r} accepts a (K,) array")


def test_core_sweep_examples() -> None:
    s = lrcurves.linear(np.array([1.0, 2.0]), 0.0, transition_steps=4)
    out = s(np.arange(6))
    assert out.shape == (6, 2)
    np.testing.assert_allclose(out[:, 1], 2 * out[:, 0])
    assert lrcurves.curve(s, 6).shape == (6, 2)
    c = lrcurves.constant(np.array([0.1, 0.2, 0.3]))
    assert c(np.arange(5)).shape == (5, 3) and c(0).shape == (3,)
    torch = pytest.importorskip("torch")
    assert s(torch.arange(6)).shape == (6, 2)
    assert lrcurves.curve(s, 6, xp=torch).shape == (6, 2)


@pytest.mark.parametrize("ns", ["torch", "jax"])
@pytest.mark.parametrize("name", lrcurves.names())
def test_nan_and_narrow_steps(name: str, ns: str) -> None:
    """A NaN step is NaN on every backend; narrow integer and half-float steps are widened first."""
    pytest.importorskip(ns)
    s = _example(name)
    ref = s(np.arange(0, 300))
    if ns == "torch":
        import torch

        for dt in (torch.uint8, torch.int8, torch.int16, torch.int32):
            tt = torch.arange(0, 120, dtype=dt)
            out = s(tt)
            assert out.dtype == torch.float32
            np.testing.assert_allclose(out.double().numpy(), ref[:120], rtol=F32_RTOL, atol=F32_TINY)
        half = s(torch.tensor([0.0, 3.0, 100.0], dtype=torch.float16))
        assert half.dtype == torch.float32
        np.testing.assert_allclose(half.double().numpy(), ref[[0, 3, 100]], rtol=F32_RTOL, atol=F32_TINY)
        assert s(torch.tensor([0.0, 7.0], dtype=torch.bfloat16)).dtype == torch.float32
        nan = s(torch.tensor([float("nan"), 2.0]))
        assert torch.isnan(nan[0]) and not torch.isnan(nan[1])
    else:
        import jax.numpy as jnp

        with jax_x64(False):
            out = s(jnp.arange(0, 120, dtype=jnp.uint8))
            assert out.dtype == jnp.float32
            np.testing.assert_allclose(np.asarray(out, dtype=np.float64), ref[:120], rtol=F32_RTOL, atol=F32_TINY)
            nan = np.asarray(s(jnp.asarray([jnp.nan, 2.0], dtype=jnp.float16)))
            assert nan.dtype == np.float32 and np.isnan(nan[0]) and not np.isnan(nan[1])


def _example(name: str) -> Schedule:
    """A fixed, moderate example of ``name`` (narrow dtypes hold only small steps)."""
    lin = lrcurves.linear(1.0, 0.1, transition_steps=50, transition_begin=5)
    cyc = lrcurves.cyclic(0.1, 1.0, step_size_up=7, base_momentum=0.8, max_momentum=0.9)
    examples: dict[str, Schedule] = {  # one per registered name (checked by the test's parametrization)
        "constant": lrcurves.constant(0.3),
        "chebyshev": lrcurves.chebyshev(0.1, 16, min_curvature=0.1),
        "polynomial_growth": lrcurves.polynomial_growth(0.01, 0.02, power=0.5, transition_steps=60),
        "linear": lin,
        "polynomial": lrcurves.polynomial(1.0, 0.01, transition_steps=60, power=2.0),
        "cosine_decay": lrcurves.cosine_decay(1.0, 80, end_value=0.0, transition_begin=3),
        "exponential_decay": lrcurves.exponential_decay(1.0, decay_rate=0.9, transition_steps=7),
        "step_decay": lrcurves.step_decay(1.0, step_size=9, decay_rate=0.5),
        "multistep": lrcurves.multistep(1.0, milestones=[10, 30, 30, 90], decay_rate=0.5),
        "piecewise_constant": lrcurves.piecewise_constant([0.3, 0.2, 0.1], [11, 40]),
        "tabulated": lrcurves.tabulated([0.1 * k for k in range(1, 40)]),
        "inverse_sqrt": lrcurves.inverse_sqrt(1.0, timescale=10),
        "inverse_time": lrcurves.inverse_time(1.0, decay_rate=0.5, decay_steps=10, staircase=True),
        "tanh_decay": lrcurves.tanh_decay(1.0, decay_steps=70),
        "rex": lrcurves.rex(1.0, decay_steps=70),
        "linear_range_test": lrcurves.linear_range_test(1e-3, step_size=7, step_rate=2.5),
        "exponential_range_test": lrcurves.exponential_range_test(1e-5, 1.0, num_steps=90),
        "warmup": lrcurves.warmup(cyc, 10, shape="cosine", init_value=0.01),
        "cyclic": cyc,
        "one_cycle": lrcurves.one_cycle(1.0, total_steps=100),
        "cosine_restarts": lrcurves.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=2.0, warmup_steps=3),
        "warmup_stable_decay": lrcurves.warmup_stable_decay(
            1.0, warmup_steps=10, stable_steps=20, decay_steps=50, decay_shape="1-sqrt"
        ),
        "join": lrcurves.join([lin, cyc], boundaries=[40]),
        "scale": lrcurves.scale(cyc, 0.5, offset=0.01),
        "clip": lrcurves.clip(lin, min_value=0.2, max_value=0.9),
        "repeat": lrcurves.repeat(lin, 33),
        "remap": lrcurves.remap(lin, in_min=0.1, in_max=1.0, out_min=1.0, out_max=2.0),
        "shift": lrcurves.shift(cyc, 5),
        "with_momentum": lrcurves.with_momentum(lin, lrcurves.linear(0.95, 0.85, transition_steps=30)),
        "product": lrcurves.product([lin, lrcurves.step_decay(1.0, step_size=25, decay_rate=0.5)]),
    }
    return examples[name]
