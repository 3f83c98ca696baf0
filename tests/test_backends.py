"""Every registered schedule evaluates identically on every array backend.

Backends: NumPy, array-api-strict, PyTorch CPU (float64 and float32), JAX
under ``jax.jit`` with x64 on and off, and the scalar fast path
(:meth:`Schedule.value`).  Each is compared with NumPy float64 on a step
vector mixing step 0, phase boundaries, a random range and huge steps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from strategies import STRATEGIES, key_steps, value_params

import lrcurves
from lrcurves import Schedule

NAMES = [n for n in lrcurves.names() if n in STRATEGIES]
INT32_MAX = 2**31 - 1
F32_EXACT = 2**24  # integers up to here are exact in float32


@contextlib.contextmanager
def jax_x64(on: bool) -> Iterator[None]:
    import jax

    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", on)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", old)


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
    # float32: steps beyond 2**24 are not exact in float32; there only bounds hold
    exact = t <= F32_EXACT
    np.testing.assert_allclose(
        got[exact], ref[exact], rtol=2e-5, atol=1e-6 * scale + 1e-30, err_msg=f"{b.name} {s!r}"
    )
    lo, hi = s.bounds() if which == "lr" else s.momentum_bounds()
    tol = 1e-5 * max(abs(lo), abs(hi), scale)
    assert np.all(got >= lo - tol) and np.all(got <= hi + tol), f"{b.name} {s!r} out of bounds"


@pytest.mark.parametrize("name", NAMES)
def test_backend_agrees_with_numpy(name: str, backend: Backend) -> None:
    n_examples = 2 if backend.name.startswith("jax") else 4

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
    """A (K, 1) array of value parameters over an (N,) step gives (K, N) rows."""
    s = data.draw(STRATEGIES[name])
    keys = value_params(s)
    if not keys:
        return
    factors = np.array([1.0, 0.5, 0.25])
    t = np.concatenate([np.asarray(key_steps(s), dtype=np.int64), np.arange(0, 40)])
    p = s.params
    for group in (keys, *([k] for k in keys)):
        try:
            swept = lrcurves.get(name, **{**p, **{k: factors[:, None] * p[k] for k in group}})
            rows = [lrcurves.get(name, **{**p, **{k: f * p[k] for k in group}}) for f in factors]
        except (ValueError, TypeError):
            continue
        out = swept(t)
        # a parameter the curve ignores (e.g. warmup's init_value when warmup_steps=0)
        # may leave the result unbroadcast; values must still match row by row
        assert out.shape in ((len(factors), len(t)), (len(t),))
        out = np.broadcast_to(out, (len(factors), len(t)))
        expect = np.stack([r(t) for r in rows])
        np.testing.assert_allclose(out, expect, rtol=1e-12, atol=1e-300)
        if swept.has_momentum:
            m = swept.momentum(t)
            np.testing.assert_allclose(
                np.broadcast_to(m, out.shape), np.stack([r.momentum(t) for r in rows]), rtol=1e-12
            )
        # the same sweep on torch keeps shape and dtype
        torch = pytest.importorskip("torch")
        tt = torch.asarray(t, dtype=torch.float64)
        got = swept(tt)
        assert got.dtype == torch.float64
        np.testing.assert_allclose(np.broadcast_to(got.numpy(), out.shape), expect, rtol=1e-12, atol=1e-300)
        return
    pytest.fail(f"{name}: no value parameter of {s!r} accepts a (K, 1) array")


def test_core_sweep_examples() -> None:
    s = lrcurves.linear(np.array([[1.0], [2.0]]), 0.0, transition_steps=4)
    out = s(np.arange(6))
    assert out.shape == (2, 6)
    np.testing.assert_allclose(out[1], 2 * out[0])
    c = lrcurves.constant(np.array([[0.1], [0.2], [0.3]]))
    assert c(np.arange(5)).shape == (3, 5)
