"""Exactness across backends and dtypes: boundaries, float32 accuracy, giant counts.

* Every family with boundaries (stairs, milestones, cycles, phases) lands
  each boundary on the same step under ``jax.jit`` with x64 off (float32,
  int32 steps), under ``jax.jit`` with x64 on, in torch float32 and in NumPy
  float64.  XLA rewrites ``x / c`` as ``x * (1 / c)``; a ``floor`` of a
  float quotient then drops a stair, which these tests catch.
* float32 values are within 2e-6 of float64 *relative to each value*
  (wherever the value is at least 1e-6 of the peak), not relative to the
  curve's maximum.
* Step counts and steps beyond int32 work under JAX with x64 off.

Random configurations come from a seeded generator (``LRCURVES_EXACT_SETS``
raises the number per family; the default keeps CI fast).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import numpy as np
import pytest
from backend_eval import REL32, assert_rel32, jit_values as _jit, torch32_values as _torch32

import lrcurves as L
from lrcurves import Schedule

SETS = int(os.environ.get("LRCURVES_EXACT_SETS", "12"))


# -- random configurations with boundaries -------------------------------------

Gen = Callable[[np.random.Generator], tuple[Schedule, int]]


def _ints(rng: np.random.Generator, k: int, lo: int, hi: int) -> list[int]:
    return sorted({int(x) for x in rng.integers(lo, hi, size=k)})


def g_step_decay(rng: np.random.Generator) -> tuple[Schedule, int]:
    size = int(rng.integers(1, 300))
    return L.step_decay(float(rng.uniform(0.1, 1)), step_size=size, decay_rate=float(rng.uniform(0.1, 0.9))), 12 * size


def g_multistep(rng: np.random.Generator) -> tuple[Schedule, int]:
    ms = _ints(rng, int(rng.integers(1, 7)), 1, 3000)
    return L.multistep(float(rng.uniform(0.1, 1)), milestones=ms, decay_rate=float(rng.uniform(0.1, 0.9))), 3200


def g_piecewise(rng: np.random.Generator) -> tuple[Schedule, int]:
    b = _ints(rng, int(rng.integers(1, 7)), 1, 3000)
    return L.piecewise_constant(rng.uniform(0.01, 1, size=len(b) + 1).tolist(), b), 3200


def g_exp_stair(rng: np.random.Generator) -> tuple[Schedule, int]:
    n, b = int(rng.integers(1, 300)), int(rng.integers(0, 300))
    s = L.exponential_decay(
        1.0, decay_rate=float(rng.uniform(0.3, 0.95)), transition_steps=n, transition_begin=b, staircase=True
    )
    return s, b + 15 * n


def g_inverse_time_stair(rng: np.random.Generator) -> tuple[Schedule, int]:
    n = int(rng.integers(1, 300))
    return L.inverse_time(1.0, decay_rate=float(rng.uniform(0.1, 3)), decay_steps=n, staircase=True), 15 * n


def g_range_stair(rng: np.random.Generator) -> tuple[Schedule, int]:
    n = int(rng.integers(1, 300))
    return L.linear_range_test(1e-3, step_size=n, step_rate=float(rng.uniform(0.1, 5)), staircase=True), 15 * n


def g_cyclic_stairs(rng: np.random.Generator) -> tuple[Schedule, int]:
    up, down = int(rng.integers(1, 500)), int(rng.integers(1, 500))
    s = L.cyclic(
        float(rng.uniform(1e-4, 1e-3)), float(rng.uniform(2e-3, 1e-2)), step_size_up=up, step_size_down=down,
        stairs_up=int(rng.integers(1, 25)), stairs_down=int(rng.integers(1, 25)),
        mode=str(rng.choice(["triangular", "triangular2"])),
    )
    return s, 4 * (up + down)


def g_cyclic_lopsided(rng: np.random.Generator) -> tuple[Schedule, int]:
    up = int(rng.integers(1, 3000))
    down = int(rng.integers(1, 8))
    if rng.random() < 0.5:
        up, down = down, up
    s = L.cyclic(0.0, 1.0, step_size_up=up, step_size_down=down, mode=str(rng.choice(["triangular", "exp_range"])),
                 gamma=float(rng.uniform(0.999, 1.0)))
    return s, 3 * (up + down)


def g_restarts(rng: np.random.Generator) -> tuple[Schedule, int]:
    first = int(rng.integers(2, 300))
    rounding = str(rng.choice(["exact", "floor"]))
    mult = float(rng.choice([1.0, 2.0, 3.0] if rounding == "exact" else [1.0, 1.5, 2.0]))
    w = int(rng.integers(0, first)) if rng.random() < 0.5 else 0
    s = L.cosine_restarts(
        1.0, first_cycle_steps=first, cycle_mult=mult, min_value=float(rng.uniform(0, 0.1)),
        peak_decay=float(rng.uniform(0.5, 1.0)), warmup_steps=w, cycle_rounding=rounding,
    )
    return s, 8 * first


def g_one_cycle(rng: np.random.Generator) -> tuple[Schedule, int]:
    n = int(rng.integers(10, 3000))
    s = L.one_cycle(
        float(rng.uniform(1e-3, 1)), total_steps=n, pct_start=float(rng.uniform(0.05, 0.45)),
        anneal=str(rng.choice(["cos", "linear"])), three_phase=bool(rng.random() < 0.5),
        final_div_factor=float(10 ** rng.uniform(1, 4)),
    )
    return s, n + 5


def g_wsd(rng: np.random.Generator) -> tuple[Schedule, int]:
    w, st, d = (int(x) for x in rng.integers(0, 600, size=3))
    s = L.warmup_stable_decay(
        1.0, warmup_steps=w, stable_steps=st, decay_steps=d,
        decay_shape=str(rng.choice(["linear", "cosine", "1-sqrt", "1-square"])),
        end_value=float(rng.uniform(0.01, 0.1)), warmup_shape=str(rng.choice(["linear", "cosine"])),
        init_value=float(rng.uniform(0.01, 0.1)),
    )
    return s, w + st + d + 5


def g_join(rng: np.random.Generator) -> tuple[Schedule, int]:
    b = _ints(rng, int(rng.integers(1, 5)), 1, 2000)
    pieces = [L.constant(float(v)) for v in rng.uniform(0.01, 1, size=len(b) + 1)]
    return L.join(pieces, b), 2100


def g_deepspeed_onecycle(rng: np.random.Generator) -> tuple[Schedule, int]:
    first = int(rng.integers(2, 300))
    params = {
        "cycle_min_lr": float(rng.uniform(1e-5, 1e-4)),
        "cycle_max_lr": float(rng.uniform(2e-4, 1e-3)),
        "cycle_first_step_size": first,
        "cycle_first_stair_count": int(rng.integers(0, 20)),
        "decay_step_size": int(rng.integers(0, 200)),
        "decay_lr_rate": float(rng.uniform(0, 0.01)),
    }
    s = L.from_config({"type": "OneCycle", "params": params})
    return s, 3 * first + 400


def g_deepspeed_range(rng: np.random.Generator) -> tuple[Schedule, int]:
    n = int(rng.integers(1, 300))
    params = {"lr_range_test_min_lr": 1e-4, "lr_range_test_step_size": n,
              "lr_range_test_step_rate": float(rng.uniform(0.1, 5)), "lr_range_test_staircase": True}
    return L.from_config({"type": "LRRangeTest", "params": params}), 12 * n


GENERATORS: dict[str, Gen] = {
    "step_decay": g_step_decay,
    "multistep": g_multistep,
    "piecewise_constant": g_piecewise,
    "exponential_decay_staircase": g_exp_stair,
    "inverse_time_staircase": g_inverse_time_stair,
    "linear_range_test_staircase": g_range_stair,
    "cyclic_stairs": g_cyclic_stairs,
    "cyclic_lopsided": g_cyclic_lopsided,
    "cosine_restarts": g_restarts,
    "one_cycle": g_one_cycle,
    "warmup_stable_decay": g_wsd,
    "join": g_join,
    "deepspeed_onecycle": g_deepspeed_onecycle,
    "deepspeed_lrrangetest": g_deepspeed_range,
}


@pytest.mark.parametrize("family", sorted(GENERATORS))
def test_boundaries_and_float32_agree_everywhere(family: str) -> None:
    rng = np.random.default_rng(sum(map(ord, family)))
    for _ in range(SETS):
        s, n = GENERATORS[family](rng)
        t = np.arange(n)
        ref = s(t)
        got64 = _jit(s, t, enable_x64=True)
        # XLA's pow/exp/cos are not correctly rounded: a few ulp, never a stair
        np.testing.assert_allclose(got64, ref, rtol=1e-11, atol=0, err_msg=f"jit x64 {s!r}")
        assert_rel32(_jit(s, t, enable_x64=False), ref, f"jit x32 {s!r}")
        assert_rel32(_torch32(s, t), ref, f"torch float32 {s!r}")
        np.testing.assert_array_equal(L.curve(s, n), ref, err_msg=f"curve {s!r}")


def test_issue_reproducers() -> None:
    """The exact cases reported against the old core."""
    import torch

    ds = L.from_config({"type": "OneCycle", "params": {
        "cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 100, "cycle_first_stair_count": 10}})
    t = np.arange(600)
    assert_rel32(_jit(ds, t, enable_x64=False), ds(t), "DeepSpeed OneCycle stairs")
    lop = L.cyclic(0.0, 1.0, step_size_up=1_000_000, step_size_down=4)
    v = float(lop(torch.tensor([1_000_002], dtype=torch.float32))[0])
    assert abs(v - 0.5) <= 0.5 * REL32
    assert abs(float(lop(np.array([1_000_002]))[0]) - 0.5) < 1e-15
    assert _jit(L.step_decay(1.0, step_size=474, decay_rate=0.5), np.array([473, 474]), enable_x64=True).tolist() == [1.0, 0.5]


def test_giant_counts_under_jax_x64_off() -> None:
    """optax's regression: counts and parameters beyond int32, x64 off."""
    big = 2**33
    got = _jit(L.cosine_decay(1000.0, int(1e10)), np.array([int(1e9)]), enable_x64=False)
    np.testing.assert_allclose(got, [975.52826], rtol=1e-6)
    cases = [
        L.linear(1.0, 0.0, transition_steps=big),
        L.polynomial(1.0, 0.0, transition_steps=big, power=2.0),
        L.exponential_decay(1.0, decay_rate=0.5, transition_steps=big, transition_begin=big),
        L.exponential_decay(1.0, decay_rate=0.5, transition_steps=3, transition_begin=big, staircase=True),
        L.step_decay(1.0, step_size=big),
        L.inverse_sqrt(1.0, timescale=big),
        L.warmup_cosine(peak_value=1.0, warmup_steps=big, total_steps=2 * big),
        L.join([L.constant(1.0), L.constant(0.5)], [big]),
        L.warmup_stable_decay(1.0, warmup_steps=big, stable_steps=big, decay_steps=big),
        L.multistep(1.0, milestones=[5, big], decay_rate=0.5),
        L.piecewise_constant([1.0, 0.5], [2**31 + 5]),
        L.shift(L.linear(1.0, 0.0, transition_steps=2 * big), by=big),
        L.repeat(L.linear(1.0, 0.0, transition_steps=big), period=2 * big),
        L.cosine_restarts(1.0, first_cycle_steps=big),
        L.one_cycle(1.0, total_steps=big),
    ]
    t = np.array([0, 1, 7, 2**31 - 20, 2**31 - 1])
    for s in cases:
        assert_rel32(_jit(s, t, enable_x64=False), s(t), f"x32 {s!r}")
    cyc = L.cyclic(0.0, 1.0, step_size_up=7)
    np.testing.assert_allclose(_jit(cyc, np.array([2**31 - 20]), enable_x64=False), cyc(np.array([2**31 - 20])), rtol=REL32)


def test_steps_up_to_2_62_everywhere() -> None:
    import torch

    t = np.array([0, 2**40, 2**62 - 1, 2**62])
    for s in [L.step_decay(1.0, step_size=2**61), L.cyclic(0.1, 1.0, step_size_up=2**60),
              L.multistep(1.0, milestones=[2**62], decay_rate=0.5), L.tabulated([1.0, 0.5])]:
        ref = s(t)
        assert np.all(np.isfinite(ref))
        np.testing.assert_allclose(s(torch.asarray(t)).numpy(), ref, rtol=1e-6)
        np.testing.assert_allclose(_jit(s, t, enable_x64=True), ref, rtol=1e-12)
    assert L.multistep(1.0, milestones=[2**62], decay_rate=0.5)(2**62 - 1) == 1.0


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "float16", "float32"])
def test_every_step_dtype(dtype: str) -> None:
    """Narrow and unsigned steps are widened before any subtraction: nothing wraps."""
    import torch

    s = L.warmup(L.repeat(L.linear(1.0, 0.0, transition_steps=100), period=120), 60)
    t = np.array([0, 5, 50, 59, 60, 100, 127])
    ref = s(t)
    got = s(t.astype(dtype))
    np.testing.assert_allclose(got, ref, rtol={"float16": 1e-3, "float32": 1e-6}.get(dtype, 1e-12))
    tt = getattr(torch, dtype, None)
    if tt is not None and dtype not in ("uint16", "uint32"):
        np.testing.assert_allclose(s(torch.asarray(t).to(tt)).double().numpy(), ref, rtol=1e-3 if dtype == "float16" else 1e-6)


def test_nan_and_negative_steps() -> None:
    s = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=100)
    assert math.isnan(s.value(float("nan")))
    assert np.isnan(s(np.array([np.nan, 5.0]))[0])
    assert s.value(-7) == s.value(0) and float(s(-7)) == s.value(0)
    pc = L.piecewise_constant([1.0, 0.5], [3])
    assert np.isnan(pc(np.array([np.nan]))[0]) and math.isnan(pc.value(float("nan")))
    assert float(L.constant(0.2)(float("inf"))) == 0.2


def test_float32_one_cycle_end_is_relative_accurate() -> None:
    """The end value of a one-cycle is tiny; a tolerance scaled to the max would hide 0.16% errors."""
    import torch

    s = L.one_cycle(1.0, total_steps=1000, anneal="linear", final_div_factor=1e4)
    t = np.arange(1000)
    assert_rel32(_torch32(s, t), s(t), "one_cycle float32")
    assert float(s(torch.tensor([999], dtype=torch.int32))[0]) == pytest.approx(4e-6, rel=REL32)


def test_live_hyperparameters_vmap_and_grad() -> None:
    import jax
    import jax.numpy as jnp
    import torch

    def at(peak: jax.Array) -> jax.Array:
        return L.warmup_cosine(peak_value=peak, warmup_steps=10, total_steps=100)(jnp.arange(50))

    peaks = jnp.asarray([1e-3, 3e-3])
    out = jax.vmap(at)(peaks)
    ref = np.stack([L.warmup_cosine(peak_value=float(p), warmup_steps=10, total_steps=100)(np.arange(50)) for p in peaks])
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-6)
    g = jax.grad(lambda p: L.cosine_decay(p, 100)(jnp.asarray(25)))(jnp.asarray(2.0))
    assert float(g) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)), rel=1e-6)
    p = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    v = L.warmup(L.cosine_decay(p, 100), 10)(torch.arange(30))
    v.sum().backward()
    assert p.grad is not None and float(p.grad) > 0
    with pytest.raises(TypeError, match="concrete"):
        L.one_cycle(1.0, total_steps=10, pct_start=jnp.asarray(0.3))


def test_evaluation_leaves_no_garbage() -> None:
    import gc

    s = L.warmup(L.cosine_decay([1e-3, 2e-3], 100), 10)
    t = np.arange(20)
    s(t)
    gc.collect()
    gc.disable()
    try:
        before = gc.get_count()[0]
        for _ in range(50):
            s(t)
        assert gc.collect() == 0, "evaluation created reference cycles"
        del before
    finally:
        gc.enable()


def test_sweep_shape_convention() -> None:
    s = L.warmup(L.cosine_decay([1e-3, 2e-3, 3e-3], 100), 10)
    assert s.param_shape == (3,)
    assert s(np.arange(7)).shape == (7, 3)
    assert L.curve(s, 7).shape == (7, 3)
    np.testing.assert_array_equal(L.curve(s, 120, start=3), s(np.arange(3, 123)))
    col = L.constant([[0.1], [0.2]])
    assert col != L.constant([[0.1, 0.2]]) and hash(col) != hash(L.constant([[0.1, 0.2]]))


def test_optax_positional_calls_fail_loudly() -> None:
    with pytest.raises(TypeError):
        L.polynomial(1.0, 0.0, 2, 100)  # optax: (init, end, power, transition_steps)
    with pytest.raises(TypeError):
        L.cosine_decay(0.1, 1000, 0.1)  # optax: alpha is a ratio
    with pytest.raises(TypeError):
        L.exponential_decay(0.1, 1000, 0.5)  # optax: transition_steps before decay_rate
    # the old spellings still load from configs
    assert L.get("one_cycle", max_value=1.0, total_steps=10) == L.one_cycle(1.0, total_steps=10)
    assert L.from_config({"name": "step_decay", "params": {"init_value": 1.0, "step_size": 3, "gamma": 0.5}}) == (
        L.step_decay(1.0, step_size=3, decay_rate=0.5)
    )


def test_join_momentum_only_when_every_piece_has_it() -> None:
    cyc = L.cyclic(0.1, 1.0, step_size_up=5, base_momentum=0.85, max_momentum=0.95)
    assert L.join([cyc, cyc], [10]).has_momentum
    assert not L.join([cyc, L.constant(0.1)], [10]).has_momentum
    with pytest.raises(ValueError, match="no momentum"):
        L.join([cyc, L.constant(0.1)], [10]).momentum(3)


def test_unpickle_validates() -> None:
    import pickle

    s = L.constant(0.5)
    assert pickle.loads(pickle.dumps(s)) == s
    rebuild, (name, params) = s.__reduce__()
    with pytest.raises(ValueError, match="value"):
        rebuild(name, {**params, "value": -1.0})  # what a tampered pickle would carry


def test_tabulated_lookup_is_constant_time() -> None:
    """A lookup in a million-entry table rebuilds nothing per call (no O(n) copy).

    Checked by memory, not by a clock: a per-call conversion of the table
    would allocate megabytes; the lookups together allocate almost nothing.
    """
    import tracemalloc

    vals = np.linspace(1, 0, 1_000_000)
    big = L.tabulated(vals.tolist())
    big.value(5)
    big.lr(np.arange(3))
    tracemalloc.start()
    try:
        got = [big.value(k * 997) for k in range(1000)]
        arr = big.lr(np.arange(0, 997_000, 997))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000, peak
    assert got == vals[: 997_000: 997].tolist() and arr.tolist() == got


def test_presets_are_registered_for_get_configs_and_cli() -> None:
    import subprocess
    import sys

    assert "warmup_cosine" in L.names(presets=True) and "warmup_cosine" not in L.names()
    s = L.get("warmup_cosine", peak_value=1.0, warmup_steps=2, total_steps=6)
    assert s == L.warmup_cosine(peak_value=1.0, warmup_steps=2, total_steps=6)
    assert L.from_config({"name": "warmup_linear_decay", "params": {"peak_value": 1.0, "warmup_steps": 2, "total_steps": 6}}) == (
        L.warmup_linear_decay(peak_value=1.0, warmup_steps=2, total_steps=6)
    )
    assert L.spec("warmup_cosine").kind == "preset"
    out = subprocess.run(
        [sys.executable, "-m", "lrcurves", "summary", "--schedule", "warmup_cosine", "--param", "peak_value=1e-3",
         "--param", "warmup_steps=10", "--param", "total_steps=100"], capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0 and "cosine_decay" in out.stdout, out.stderr
