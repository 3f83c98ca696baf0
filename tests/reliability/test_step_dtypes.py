"""Every step dtype on every backend, for every registered schedule.

Steps may be any integer (8 to 64 bits, signed or unsigned) or floating
(16 to 64 bits) array of NumPy, torch, JAX or array-api-strict, or a Python
number.  For each registered schedule (two configurations: boundaries
inside the int8 range, and horizons past int16), each backend and each
dtype it has:

* values equal the int64 NumPy reference at the same steps (steps chosen
  exactly representable in the dtype): to 1e-12 in float64 results, to
  2e-6 relative (where the value is at least 1e-6 of the peak) in float32;
* half-precision steps (float16, bfloat16) are widened: the result is
  float32, never a backend error;
* integer steps are widened before any offset: nothing wraps (uint8 50
  under a 300-step warmup is 50/300);
* a NaN step gives NaN, on arrays and through ``value()`` and ``lr()`` of a
  Python float;
* no value is negative, in any dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from backend_eval import x64

import lrcurves as L
from lrcurves import Schedule

REL32 = 2e-6


def _samples() -> dict[str, list[Schedule]]:
    c = L.constant
    lin = L.linear(1.0, 0.1, transition_steps=40)
    mom = L.cyclic(0.1, 1.0, step_size_up=9, base_momentum=0.85, max_momentum=0.95)
    big = 70_000
    out = {
        "chebyshev": [L.chebyshev(1.0, 16), L.chebyshev(0.5, 8, order=[0, 7, 3] * 40, min_curvature=0.1)],
        "clip": [L.clip(lin, min_value=0.3, max_value=0.8), L.clip(L.linear_range_test(1e-3, step_size=1000), max_value=1.0)],
        "constant": [c(0.5), c(3e-4)],
        "cosine_decay": [L.cosine_decay(1.0, 100, end_value=0.01), L.cosine_decay(1e-3, big, exponent=2.0, transition_begin=500)],
        "cosine_restarts": [L.cosine_restarts(1.0, first_cycle_steps=13, cycle_mult=2.0, warmup_steps=3),
                            L.cosine_restarts(1.0, first_cycle_steps=3000, cycle_mult=1.5, cycle_rounding="floor", peak_decay=0.7)],
        "cyclic": [L.cyclic(0.1, 1.0, step_size_up=7, step_size_down=11, mode="triangular2"),
                   L.cyclic(1e-4, 1e-2, step_size_up=2000, mode="exp_range", gamma=0.9999, stairs_up=5)],
        "exponential_decay": [L.exponential_decay(1.0, decay_rate=0.5, transition_steps=10, transition_begin=5, staircase=True),
                              L.exponential_decay(1.0, decay_rate=0.9, transition_steps=1000, end_value=0.01)],
        "exponential_range_test": [L.exponential_range_test(1e-4, 1.0, num_steps=100),
                                   L.exponential_range_test(1e-6, 10.0, num_steps=big)],
        "inverse_sqrt": [L.inverse_sqrt(1.0, timescale=10), L.inverse_sqrt(1e-3, timescale=4000)],
        "inverse_time": [L.inverse_time(1.0, decay_rate=0.5, decay_steps=10, staircase=True),
                         L.inverse_time(1.0, decay_rate=2.0, decay_steps=5000)],
        "join": [L.join([lin, c(0.2), L.cosine_decay(0.2, 30)], [40, 70]),
                 L.join([L.linear(0.0, 1.0, transition_steps=1000), L.cosine_decay(1.0, big)], [1000])],
        "linear": [L.linear(0.0, 1.0, transition_steps=100, transition_begin=10), L.linear(1e-20, 1.0, transition_steps=big)],
        "linear_range_test": [L.linear_range_test(1e-3, step_size=10, step_rate=2.0, staircase=True),
                              L.linear_range_test(1e-4, step_size=5000)],
        "multistep": [L.multistep(1.0, milestones=[10, 30, 31, 100], decay_rate=0.5),
                      L.multistep(1.0, milestones=[1000, 40000, big], decay_rate=0.3)],
        "one_cycle": [L.one_cycle(1.0, total_steps=100, three_phase=True),
                      L.one_cycle(1e-3, total_steps=big, pct_start=0.1, anneal="linear", final_div_factor=1e7)],
        "piecewise_constant": [L.piecewise_constant([1.0, 0.5, 0.1], [20, 90]),
                               L.piecewise_constant([1.0, 0.5, 0.25], [40000, 2**31 + 5])],
        "polynomial": [L.polynomial(1.0, 0.0, transition_steps=100, power=2.0),
                       L.polynomial(0.0, 1.0, transition_steps=big, power=0.5, transition_begin=300)],
        "polynomial_growth": [L.polynomial_growth(0.0, 1e-3, power=0.5, transition_steps=100),
                              L.polynomial_growth(1e-4, 2e-4, power=0.3, transition_steps=big, transition_begin=1)],
        "product": [L.product([c(0.1), lin, L.cosine_decay(1.0, 120)]), L.product([c(0.5), L.cosine_decay(1.0, big)])],
        "remap": [L.remap(lin, in_min=0.1, in_max=1.0, out_min=0.05, out_max=0.01),
                  L.remap(L.cosine_decay(1.0, big), in_min=0.0, in_max=1.0, out_min=0.5, out_max=2.0, clamp=True)],
        "repeat": [L.repeat(lin, 32), L.repeat(L.cosine_decay(1.0, 30000), 32000)],
        "rex": [L.rex(1.0, decay_steps=100, end_value=0.1), L.rex(1e-3, decay_steps=big)],
        "scale": [L.scale(lin, 0.5, offset=0.01), L.scale(L.tanh_decay(1.0, decay_steps=big, end_value=1.0), 1.0, offset=-1.0)],
        "shift": [L.shift(L.linear(1.0, 0.0, transition_steps=300), by=250), L.shift(L.cosine_decay(1.0, 2 * big), by=big)],
        "step_decay": [L.step_decay(1.0, step_size=7, decay_rate=0.5), L.step_decay(1.0, step_size=474, decay_rate=0.5)],
        "tabulated": [L.tabulated([0.5, 1.0, 0.25, 0.125] * 10), L.tabulated(np.linspace(1.0, 0.0, 5000).tolist())],
        "tanh_decay": [L.tanh_decay(1.0, decay_steps=100, end_value=0.01), L.tanh_decay(1.0, decay_steps=big)],
        "warmup": [L.warmup(c(1.0), 300), L.warmup(L.cosine_decay(1.0, big), 1000, shape="log")],
        "warmup_stable_decay": [L.warmup_stable_decay(1.0, warmup_steps=10, stable_steps=20, decay_steps=30, decay_shape="1-sqrt"),
                                L.warmup_stable_decay(1.0, warmup_steps=1000, stable_steps=30000, decay_steps=big,
                                                      warmup_shape="cosine", end_value=1e-3)],
        "with_momentum": [L.with_momentum(lin, L.linear(0.95, 0.85, transition_steps=50)), L.with_momentum(c(0.1), mom)],
    }
    out["cyclic"].append(mom)
    return out


SAMPLES = _samples()
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
CANDIDATES = sorted({0, 1, 2, 3, 5, 7, 9, 10, 11, 13, 20, 29, 30, 31, 32, 39, 40, 41, 50, 63, 64, 69, 70, 89, 90, 99, 100,
                     101, 120, 127, 128, 200, 250, 255, 256, 299, 300, 301, 474, 948, 999, 1000, 1001, 2047, 2048, 3000,
                     4096, 5000, 30000, 32000, 32767, 40000, 65504, 65535, 70000, 70500, 140000, 2**24, 2**31 - 20,
                     2**31 - 1, 2**32 - 1, 2**40, 2**53})
FRACTIONS = [0.5, 2.5, 9.5, 39.75, 99.5]


def test_every_registered_name_is_covered() -> None:
    assert set(SAMPLES) == set(L.names())


def _range(dtype: str) -> tuple[float, float]:
    if dtype in INTS:
        info = np.iinfo(dtype)
        return float(info.min), float(info.max)
    return 0.0, {"float16": 65504.0, "bfloat16": 3e38, "float32": 3e38, "float64": 1e300}[dtype]


def _exact(x: int, dtype: str) -> bool:
    """``x`` is a step the dtype holds exactly."""
    lo, hi = _range(dtype)
    if not lo <= x <= hi:
        return False
    if dtype in INTS or dtype == "float64":
        return True
    if dtype == "bfloat16":
        return x == 0 or (x.bit_length() - (x & -x).bit_length()) < 8
    return int(np.asarray(x, dtype=dtype)) == x


def steps_for(dtype: str) -> tuple[list[float], list[float]]:
    """(integer-valued steps, fractional steps) representable in ``dtype``.

    Steps in float32 (and the half precisions, widened to float32) stop at
    2**24: past it a float32 step is exact only at multiples of its ulp and
    float32 arithmetic cannot place it inside a cycle of a few steps.
    """
    top = 2**24 if dtype in ("float16", "bfloat16", "float32") else 2**62
    ints = [x for x in CANDIDATES if _exact(x, dtype) and x <= top]
    fr = [f for f in FRACTIONS if dtype not in INTS]
    return ints, fr


def reference(s: Schedule, ints: list[float], fr: list[float]) -> np.ndarray:
    a = np.asarray(s(np.asarray(ints, dtype=np.int64)))
    b = np.asarray(s(np.asarray(fr, dtype=np.float64))) if fr else np.zeros((0, *a.shape[1:]))
    return np.concatenate([a, b])


def compare(got: np.ndarray, ref: np.ndarray, f32: bool, what: str) -> None:
    assert got.shape == ref.shape, (what, got.shape, ref.shape)
    assert not np.isnan(got).any(), f"{what}: NaN at a finite step"
    assert (got >= 0).all(), f"{what}: negative value {got.min()}"
    if not f32:
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(got, ref, rtol=1e-11, atol=0, err_msg=what)
        return
    fin = np.isfinite(ref)
    assert (got[~fin] == ref[~fin]).all(), f"{what}: an overflow to inf differs"
    peak = float(np.max(np.abs(ref[fin]), initial=0.0))
    floor = max(1e-6 * peak, 1e-13)  # below it: absolute (a curve that is 0 up to rounding)
    mask = fin & (np.abs(ref) >= floor)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(got - ref) / np.where(mask, np.abs(ref), 1.0)
    bad = np.flatnonzero(mask & (rel > REL32))
    assert bad.size == 0, f"{what}: off by more than {REL32} relative at {bad[:5].tolist()}: {got[bad[:3]]} vs {ref[bad[:3]]}"
    small = fin & ~mask
    assert (np.abs(got[small] - ref[small]) <= floor).all(), what


def evaluate(backend: str, s: Schedule, steps: list[float], dtype: str) -> tuple[np.ndarray, Any]:
    """``s`` at ``steps`` as ``dtype`` on ``backend``: (float64 NumPy values, result dtype name)."""
    if backend == "numpy":
        if dtype == "bfloat16":
            pytest.skip("NumPy has no bfloat16")
        out = s(np.asarray(steps, dtype=dtype))
        return np.asarray(out, dtype=np.float64), str(out.dtype)
    if backend == "torch":
        import torch

        t = torch.asarray(np.asarray(steps, dtype=np.float64 if dtype in FLOATS else dtype).tolist(),
                          dtype=getattr(torch, dtype))
        out = s(t)
        return out.double().numpy(), str(out.dtype).replace("torch.", "")
    if backend == "jax":
        import jax.numpy as jnp

        out = s(jnp.asarray(np.asarray(steps, dtype=np.float64 if dtype in FLOATS else dtype), dtype=getattr(jnp, dtype)))
        return np.asarray(out, dtype=np.float64), str(out.dtype)
    import array_api_strict as xps

    if dtype in ("float16", "bfloat16"):
        pytest.skip("array-api-strict has no half precision")
    out = s(xps.asarray(np.asarray(steps, dtype=dtype).tolist(), dtype=getattr(xps, dtype)))
    return np.asarray(xps.astype(out, xps.float64)), str(out.dtype).rsplit(".", 1)[-1]


def run_matrix(backend: str, dtype: str, per_name: int = 2, stride: int = 1) -> int:
    ints, fr = steps_for(dtype)
    if backend == "jax" and dtype == "uint32":
        ints = [x for x in ints if x < 2**31]  # x64 off: uint32 saturates at the int32 maximum
    n = 0
    offset = (INTS + FLOATS).index(dtype) % stride
    for i, (name, group) in enumerate(SAMPLES.items()):
        if i % stride != offset:
            continue
        for s in group[:per_name]:
            ref = reference(s, ints, fr)
            with np.errstate(over="ignore"):
                got, rdt = evaluate(backend, s, ints + fr, dtype)
            half = dtype in ("float16", "bfloat16")
            f32 = rdt == "float32"
            if half:
                assert rdt == "float32", f"{backend} {dtype} steps: {name} gave {rdt}, not float32"
            compare(got, ref, f32, f"{backend} {dtype} {s!r:.150}")
            if dtype in FLOATS:
                nan, _ = evaluate(backend, s, [math.nan, 1.0], dtype)
                assert np.isnan(nan[0]).all() and not np.isnan(nan[1]).any(), f"{backend} {dtype} NaN step: {name}"
            n += 1
    return n


BACKEND_DTYPES = [("numpy", d) for d in INTS + FLOATS if d != "bfloat16"]
BACKEND_DTYPES += [("torch", d) for d in INTS + FLOATS]
BACKEND_DTYPES += [("jax", d) for d in INTS + FLOATS]
BACKEND_DTYPES += [("array_api_strict", d) for d in [*INTS, "float32", "float64"]]


@pytest.mark.parametrize(("backend", "dtype"), BACKEND_DTYPES, ids=[f"{b}-{d}" for b, d in BACKEND_DTYPES])
def test_step_dtype(backend: str, dtype: str) -> None:
    pytest.importorskip({"numpy": "numpy", "torch": "torch", "jax": "jax", "array_api_strict": "array_api_strict"}[backend])
    if backend == "jax":
        # 64-bit dtypes exist only with x64 on; the others run with x64 off (float32
        # results).  Eager JAX dispatches op by op: in CI each dtype takes every
        # third name (each name meets four dtypes); the slow variant takes all.
        with x64(dtype in ("int64", "uint64", "float64")):
            run_matrix(backend, dtype, per_name=1, stride=3)
    else:
        run_matrix(backend, dtype)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_step_dtype_jax_every_configuration(dtype: str) -> None:
    pytest.importorskip("jax")
    with x64(dtype in ("int64", "uint64", "float64")):
        run_matrix("jax", dtype, per_name=2)


def test_python_numbers_and_nan_everywhere() -> None:
    for group in SAMPLES.values():
        for s in group:
            for t in (0, 7, 100, 2**40):
                ref = float(s(np.asarray([t]))[0])
                assert s.value(t) == pytest.approx(ref, rel=1e-12, abs=1e-300) and float(s(t)) == s.value(t)
                assert s.value(float(t)) == pytest.approx(ref, rel=1e-12, abs=1e-300)
            assert math.isnan(s.value(math.nan)) and math.isnan(float(s(math.nan)))
            assert s.value(-5) == s.value(0)
            if s.has_momentum:
                assert math.isnan(s.momentum_value(math.nan)) and math.isnan(float(s.momentum(np.asarray([math.nan]))[0]))


def test_issue_dtype_reproducers() -> None:
    import jax
    import jax.numpy as jnp
    import torch
    from lrcurves.adapters.optax import to_optax

    w = L.warmup(L.constant(1.0), 300)
    assert float(w(jnp.asarray([50], jnp.uint8))[0]) == pytest.approx(50 / 300, rel=1e-6)
    for dt in (torch.int8, torch.int16, torch.uint8):
        assert L.repeat(L.constant(1.0), 32000)(torch.tensor([5, 100], dtype=dt)).tolist() == [1.0, 1.0]
    with x64(True):
        assert float(jax.jit(to_optax(L.step_decay(1.0, step_size=474, decay_rate=0.5)))(474)) == 0.5
    with x64(False):
        v = float(jax.jit(to_optax(L.one_cycle(1e-3, total_steps=100, pct_start=0.1, anneal="linear",
                                                final_div_factor=1e7)))(99))
        assert v == pytest.approx(4e-12, rel=REL32)
        assert float(jax.jit(to_optax(L.cyclic(0.0, 1.0, step_size_up=7)))(2**31 - 20)) == pytest.approx(4 / 7, rel=REL32)
        assert float(jax.jit(to_optax(L.piecewise_constant([1.0, 0.5], [2**31 + 5])))(2**31 - 20)) == 1.0
    half = L.warmup(L.constant(1.0), 70000)(torch.tensor([1000.0, 60000.0], dtype=torch.float16))
    assert half.dtype == torch.float32 and half.tolist() == pytest.approx([1000 / 70000, 60000 / 70000], rel=REL32)
    bf = L.warmup(L.constant(1.0), 70000)(torch.tensor([1024.0], dtype=torch.bfloat16))
    assert bf.dtype == torch.float32 and float(bf[0]) == pytest.approx(1024 / 70000, rel=REL32)
    jbf = L.warmup(L.constant(1.0), 70000)(jnp.asarray([1024.0], jnp.bfloat16))
    assert jbf.dtype == jnp.float32
    s = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=100)
    assert math.isnan(s.value(math.nan)) and np.isnan(s(np.array([math.nan]))[0])
