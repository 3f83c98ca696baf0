"""Families B: warmup, cyclic, one_cycle, cosine_restarts, warmup_stable_decay.

Golden values, edges, scalar/vector agreement, every validator, and parity
with torch (CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts), optax and
pytorch_optimizer.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves import Schedule

torch = pytest.importorskip("torch")

N_SETS = 20


def _scalar(s: Schedule, n: int) -> np.ndarray:
    return np.array([s.value(t) for t in range(n)])


def _agree(s: Schedule, n: int = 60) -> np.ndarray:
    vec = lrcurves.curve(s, n)
    np.testing.assert_allclose(vec, _scalar(s, n), rtol=1e-13, atol=0)
    np.testing.assert_allclose(vec, s(np.arange(n)), rtol=1e-13, atol=0)
    return vec


EXAMPLES = [
    lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=4), 2),
    lrcurves.warmup(lrcurves.constant(1.0), 4, shape="cosine", init_value=0.1),
    lrcurves.warmup(lrcurves.constant(1.0), 4, shape="exponential", init_value=0.1),
    lrcurves.warmup(lrcurves.constant(1.0), 4, shape="log", init_value=0.1, peak_value=0.5),
    lrcurves.warmup(lrcurves.cyclic(0.1, 1.0, step_size_up=3, base_momentum=0.8, max_momentum=0.9), 5),
    lrcurves.cyclic(0.1, 1.0, step_size_up=3, step_size_down=5, mode="triangular2", stairs_up=2, stairs_down=3),
    lrcurves.cyclic(0.1, 1.0, step_size_up=3, mode="exp_range", gamma=0.97, base_momentum=0.8, max_momentum=0.9),
    lrcurves.one_cycle(1.0, total_steps=50),
    lrcurves.one_cycle(1.0, total_steps=50, pct_start=0.25, anneal="linear", three_phase=True),
    lrcurves.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=2.0, min_value=0.1, peak_decay=0.5, warmup_steps=2),
    lrcurves.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=1.5),
    lrcurves.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=1.3, min_value=0.0, peak_decay=1.0, warmup_steps=2, cycle_rounding="floor"),
    lrcurves.warmup_stable_decay(1.0, warmup_steps=3, stable_steps=4, decay_steps=5, decay_shape="1-sqrt"),
    lrcurves.warmup_stable_decay(1.0, warmup_steps=3, stable_steps=4, decay_steps=5, decay_shape="exponential", init_value=0.1, end_value=0.01, warmup_shape="exponential"),
    lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=0, decay_steps=0),
]


# ---------------------------------------------------------------------------
# generic


@pytest.mark.parametrize("s", EXAMPLES, ids=lambda s: s.name)
def test_scalar_vector_range_agree_and_finite(s: Schedule) -> None:
    _agree(s)
    for big in (10**10, 2**31 - 1):
        assert math.isfinite(s.value(big))
    assert np.all(np.isfinite(s(np.array([0, 2**31 - 1], dtype=np.int32))))
    assert np.all(np.isfinite(s(np.array([10**10, 10**12], dtype=np.int64))))
    assert lrcurves.from_config(s.to_config()) == s
    if s.has_momentum:
        m = lrcurves.curve(s, 40, momentum=True)
        np.testing.assert_allclose(m, [s.momentum_value(t) for t in range(40)], rtol=1e-13)


@pytest.mark.parametrize("s", EXAMPLES, ids=lambda s: s.name)
def test_other_namespaces(s: Schedule) -> None:
    ref = lrcurves.curve(s, 30)
    got = s(torch.arange(30, dtype=torch.float64))
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
    two_d = s(np.arange(12).reshape(3, 4))
    np.testing.assert_allclose(two_d.ravel(), ref[:12], rtol=1e-13)
    two_d_t = s(torch.arange(12, dtype=torch.float64).reshape(3, 4))
    np.testing.assert_allclose(two_d_t.numpy().ravel(), ref[:12], rtol=1e-12)


# ---------------------------------------------------------------------------
# warmup


def test_warmup_golden() -> None:
    s = lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=4), 2)
    assert _agree(s, 8).tolist() == [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    c = lrcurves.warmup(lrcurves.constant(1.0), 4, shape="cosine", init_value=0.0)
    np.testing.assert_allclose(_agree(c, 6), [0.0, (1 - math.sqrt(0.5)) / 2, 0.5, (1 + math.sqrt(0.5)) / 2, 1, 1])
    e = lrcurves.warmup(lrcurves.constant(1.0), 2, shape="exponential", init_value=0.01)
    np.testing.assert_allclose(_agree(e, 3), [0.01, 0.1, 1.0], rtol=1e-14)


def test_warmup_log_matches_deepspeed_vector() -> None:
    # semantics.md §6 DeepSpeed 1-2: WarmupLR(0, 1, W=4, log); value at t = k - 1
    s = lrcurves.warmup(lrcurves.constant(1.0), 4, shape="log")
    v = _agree(s, 6)
    assert v[0] == 0.0 and v[1] == 0.5 and v[2] == 0.7924812503605781 and v[3] == 1.0 and v[4] == 1.0
    s10 = lrcurves.warmup(lrcurves.constant(1.0), 10, shape="log")
    assert s10.value(9) == 0.9999999999999999 and s10.value(10) == 1.0


def test_warmup_zero_and_full_length() -> None:
    core = lrcurves.linear(1.0, 0.0, transition_steps=4, transition_begin=1)
    assert np.array_equal(lrcurves.curve(lrcurves.warmup(core, 0), 10), lrcurves.curve(core, 10))
    s = lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=1), 5)  # warmup as long as the schedule
    assert _agree(s, 8).tolist() == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.0, 0.0]
    assert s.phases() == (5, 6)


def test_warmup_momentum_passes_through() -> None:
    inner = lrcurves.cyclic(0.1, 1.0, step_size_up=3, base_momentum=0.8, max_momentum=0.9)
    s = lrcurves.warmup(inner, 5)
    assert s.has_momentum
    m = lrcurves.curve(s, 12, momentum=True)
    np.testing.assert_array_equal(m[:6], [inner.momentum_value(0)] * 6)
    np.testing.assert_array_equal(m[5:], lrcurves.curve(inner, 7, momentum=True))
    assert not lrcurves.warmup(lrcurves.constant(1.0), 3).has_momentum


def test_warmup_array_peak() -> None:
    s = lrcurves.warmup(lrcurves.constant(np.array([1.0, 2.0])), 2, shape="exponential", init_value=0.5)
    v = s(np.arange(4))
    assert v.shape == (4, 2) and s.param_shape == (2,)
    np.testing.assert_allclose(v[:, 0], [0.5, math.sqrt(0.5), 1, 1])
    np.testing.assert_allclose(v[:, 1], [0.5, 1.0, 2, 2])


def test_warmup_cosine_matches_optax_and_includes_warmup() -> None:
    optax = pytest.importorskip("optax")
    # optax's decay_steps INCLUDES the warmup, like our total_steps
    ref = optax.warmup_cosine_decay_schedule(0.1, 1.0, warmup_steps=10, decay_steps=50, end_value=0.01)
    s = lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=50, init_value=0.1, end_value=0.01)
    ours = lrcurves.curve(s, 70)
    np.testing.assert_allclose(ours, [float(ref(t)) for t in range(70)], rtol=2e-6, atol=1e-7)
    assert ours[50] == pytest.approx(0.01) and ours[49] > 0.01
    assert s == lrcurves.warmup(lrcurves.cosine_decay(1.0, 40, end_value=0.01), 10, shape="linear", init_value=0.1)


def test_warmup_linear_decay() -> None:
    s = lrcurves.warmup_linear_decay(peak_value=1.0, warmup_steps=2, total_steps=6, end_value=0.2)
    np.testing.assert_allclose(_agree(s, 8), [0, 0.5, 1, 0.8, 0.6, 0.4, 0.2, 0.2])


# ---------------------------------------------------------------------------
# cyclic


def test_cyclic_golden_and_stairs() -> None:
    s = lrcurves.cyclic(0.0, 1.0, step_size_up=2, mode="triangular2")
    assert _agree(s, 9).tolist() == [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0]
    # semantics.md §6 DeepSpeed 7 (0.19.8): OneCycle(0, 1, first=4, stairs=2), k = t
    st = lrcurves.cyclic(0.0, 1.0, step_size_up=4, stairs_up=2)
    assert _agree(st, 9)[1:].tolist() == [0, 0.5, 0.5, 1.0, 0.5, 0.5, 0.0, 0.0]
    assert s.phases() == (2, 4) and not s.has_momentum


def _torch_opt(adam: bool) -> Any:
    p = [torch.nn.Parameter(torch.zeros(1))]
    return torch.optim.Adam(p, lr=0.1) if adam else torch.optim.SGD(p, lr=0.1, momentum=0.9)


def _run_torch(opt: Any, sch: Any, n: int, adam: bool) -> tuple[list[float], list[float]]:
    lrs, moms = [], []
    for _ in range(n):
        g = opt.param_groups[0]
        lrs.append(float(g["lr"]))
        moms.append(float(g["betas"][0] if adam else g["momentum"]))
        opt.step()
        sch.step()
    return lrs, moms


def test_cyclic_parity_torch() -> None:
    rng = random.Random(1)
    for i in range(N_SETS):
        mode = ("triangular", "triangular2", "exp_range")[i % 3]
        up = rng.randint(1, 60)
        down = rng.choice([None, rng.randint(1, 60)])
        gamma = rng.uniform(0.9, 1.0)
        base, top = sorted((rng.uniform(0, 1), rng.uniform(0, 1)))
        bm, mm = sorted((rng.uniform(0.5, 0.99), rng.uniform(0.5, 0.99)))
        adam = bool(i % 2)
        opt = _torch_opt(adam)
        sch = torch.optim.lr_scheduler.CyclicLR(
            opt, base, top, up, down, mode=mode, gamma=gamma, base_momentum=bm, max_momentum=mm
        )
        lrs, moms = _run_torch(opt, sch, 500, adam)
        s = lrcurves.cyclic(base, top, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma if mode == "exp_range" else 1.0,
                            base_momentum=bm, max_momentum=mm)
        np.testing.assert_allclose(lrcurves.curve(s, 500), lrs, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(lrcurves.curve(s, 500, momentum=True), moms, rtol=1e-12)


# ---------------------------------------------------------------------------
# one_cycle


def test_one_cycle_golden() -> None:
    # semantics.md §6 ColossalAI 6: OneCycleLR(T=10), lr 1
    v = _agree(lrcurves.one_cycle(1.0, total_steps=10), 12)
    assert v[0] == pytest.approx(0.04) and v[1] == 0.52 and v[2] == 1.0
    assert v[3] == pytest.approx(0.9504846320134737, rel=1e-15)
    assert v[9] == pytest.approx(4e-6, rel=1e-12)


def test_one_cycle_clamps_past_end_where_torch_raises() -> None:
    s = lrcurves.one_cycle(1.0, total_steps=10)
    assert s.value(10) == s.value(9) == s.value(10**10) == pytest.approx(4e-6)
    assert s.momentum_value(10**10) == 0.95
    opt = _torch_opt(False)
    sch = torch.optim.lr_scheduler.OneCycleLR(opt, 1.0, 10)
    for _ in range(10):
        opt.step()
        sch.step()
    assert opt.param_groups[0]["lr"] != pytest.approx(4e-6)  # torch extrapolates at k = T
    opt.step()
    with pytest.raises(ValueError, match="Tried to step"):
        sch.step()


def test_one_cycle_no_momentum() -> None:
    s = lrcurves.one_cycle(1.0, total_steps=10, cycle_momentum=False)
    assert not s.has_momentum
    with pytest.raises(ValueError, match="momentum"):
        s.momentum(0)


def test_one_cycle_parity_torch() -> None:
    rng = random.Random(2)
    done = 0
    while done < N_SETS:
        T = rng.randint(2, 400)
        pct = rng.choice([0.3, 0.25, rng.uniform(0.05, 0.95)])
        three = bool(done % 2)
        if abs(pct * T - 1) < 1e-9 or (three and abs(2 * pct * T - 2 - (T - 1)) < 1e-9):
            continue
        anneal = ("cos", "linear")[(done // 2) % 2]
        adam = rng.random() < 0.5
        div, fdiv = rng.uniform(2, 50), rng.uniform(10, 1e4)
        bm, mm = sorted((rng.uniform(0.5, 0.99), rng.uniform(0.5, 0.99)))
        opt = _torch_opt(adam)
        sch = torch.optim.lr_scheduler.OneCycleLR(
            opt, 0.7, T, pct_start=pct, anneal_strategy=anneal, three_phase=three,
            div_factor=div, final_div_factor=fdiv, base_momentum=bm, max_momentum=mm,
        )
        lrs, moms = _run_torch(opt, sch, T, adam)
        s = lrcurves.one_cycle(0.7, total_steps=T, pct_start=pct, anneal=anneal, div_factor=div, final_div_factor=fdiv, three_phase=three, base_momentum=bm, max_momentum=mm)
        np.testing.assert_allclose(lrcurves.curve(s, T), lrs, rtol=1e-12)
        np.testing.assert_allclose(lrcurves.curve(s, T, momentum=True), moms, rtol=1e-12)
        done += 1


def test_one_cycle_vs_optax_int_boundaries() -> None:
    """optax puts the phase boundaries at int(pct*T); torch (and we) at pct*T - 1.

    The curves therefore agree only where the boundary conventions coincide;
    with pct*T = 30 optax peaks at step 30, we at step 29.
    """
    optax = pytest.importorskip("optax")
    T, peak = 100, 1.0
    ref = optax.cosine_onecycle_schedule(T, peak, pct_start=0.3)
    s = lrcurves.one_cycle(peak, total_steps=T, anneal="cos", cycle_momentum=False)
    ours = lrcurves.curve(s, T)
    theirs = np.array([float(ref(t)) for t in range(T)])
    assert int(np.argmax(ours)) == 29 and int(np.argmax(theirs)) == 30
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6)
    assert ours[-1] == pytest.approx(1.0 / 25 / 1e4) and theirs[-1] < 1e-3
    lin = optax.linear_onecycle_schedule(T, peak, pct_start=0.3)
    ol = lrcurves.curve(lrcurves.one_cycle(peak, total_steps=T, anneal="linear"), T)
    assert int(np.argmax(ol)) == 29 and float(lin(30)) == pytest.approx(peak)


# ---------------------------------------------------------------------------
# cosine_restarts


def test_restarts_golden_pytorch_optimizer_vectors() -> None:
    # semantics.md §6 pytorch_optimizer 4
    s = lrcurves.cosine_restarts(1e-3, first_cycle_steps=10, cycle_mult=1.0, min_value=1e-6, peak_decay=1.0, warmup_steps=5, cycle_rounding="floor")
    v = _agree(s, 16)
    assert v[1] == pytest.approx(2.008e-4) and v[5] == 1e-3
    assert v[6] == pytest.approx(0.0009046039886902864, rel=1e-14)
    assert v[9] == pytest.approx(9.639601130971382e-05, rel=1e-13)
    assert v[10] == 1e-6 and v[15] == 1e-3
    g = lrcurves.cosine_restarts(1.0, first_cycle_steps=5, cycle_mult=2.0, min_value=0.0, peak_decay=0.5, warmup_steps=0, cycle_rounding="floor")
    vg = _agree(g, 16)
    assert vg[0] == 1.0 and vg[1] == pytest.approx(0.9045084971874737)
    assert vg[5] == 0.5 and vg[15] == 0.25


def test_restarts_parity_torch() -> None:
    rng = random.Random(3)
    for _ in range(N_SETS):
        T0, mult, eta = rng.randint(1, 40), rng.choice([1, 1, 2, 3]), rng.choice([0.0, 0.01])
        opt = _torch_opt(False)
        opt.param_groups[0]["lr"] = 0.5
        sch = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T0, mult, eta)
        lrs, _ = _run_torch(opt, sch, 500, False)
        s = lrcurves.cosine_restarts(0.5, first_cycle_steps=T0, cycle_mult=mult, min_value=eta)
        # bit-exact in practice: same integer cycle bookkeeping, same float order
        np.testing.assert_allclose(lrcurves.curve(s, 500), lrs, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(_scalar(s, 500), lrs, rtol=1e-12, atol=1e-300)


def test_restarts_parity_pytorch_optimizer() -> None:
    mod = pytest.importorskip("pytorch_optimizer.lr_scheduler.cosine_anealing")
    rng = random.Random(4)
    for _ in range(N_SETS):
        F = rng.randint(2, 40)
        W = rng.randint(0, F - 1)
        mult = rng.choice([1.0, 1.5, 2.0, rng.uniform(1.0, 3.0)])
        gamma = rng.choice([1.0, 0.9, 0.5])
        opt = _torch_opt(False)
        sch = mod.CosineAnnealingWarmupRestarts(opt, F, mult, max_lr=0.3, min_lr=1e-3, warmup_steps=W, gamma=gamma)
        ref = []
        for _ in range(300):
            ref.append(sch.get_lr()[0])
            opt.step()
            sch.step()
        s = lrcurves.cosine_restarts(0.3, first_cycle_steps=F, cycle_mult=mult, min_value=1e-3, peak_decay=gamma, warmup_steps=W, cycle_rounding="floor")
        np.testing.assert_allclose(lrcurves.curve(s, 300), ref, rtol=1e-12)


def test_restarts_float_mult_exact_and_huge_steps() -> None:
    s = lrcurves.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=1.5)
    # cycle 1 starts at 10 (length 15), cycle 2 at 25 (length 22.5)
    assert s.value(10) == 1.0 and s.value(25) == 1.0
    assert s.value(24) < 0.02
    for t in (10**10, 10**15, 2**62):
        assert 0.0 <= s.value(t) <= 1.0
    stall = lrcurves.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=1.05, cycle_rounding="floor")  # int(10*1.05) = 10
    np.testing.assert_array_equal(lrcurves.curve(stall, 40), lrcurves.curve(lrcurves.cosine_restarts(1.0, first_cycle_steps=10), 40))


def test_restarts_optax_sgdr() -> None:
    optax = pytest.importorskip("optax")
    kw = [{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 3, "decay_steps": 10, "end_value": 0.0}] * 3
    ref = optax.sgdr_schedule(kw)
    s = lrcurves.cosine_restarts(1.0, first_cycle_steps=10, warmup_steps=3)
    # optax's per-cycle warmup_cosine reaches 0 at the cycle end (decay over 7
    # steps, value at s = 10 never used); ours restarts at step 10 too
    np.testing.assert_allclose(lrcurves.curve(s, 30), [float(ref(t)) for t in range(30)], rtol=2e-6, atol=1e-7)


# ---------------------------------------------------------------------------
# warmup_stable_decay


def test_wsd_golden_matches_pytorch_optimizer_vectors() -> None:
    # semantics.md §6 pytorch_optimizer 5 (min_lr_ratio 0.1 only matters for cosine)
    v = _agree(lrcurves.warmup_stable_decay(1.0, warmup_steps=2, stable_steps=2, decay_steps=3, decay_shape="1-sqrt"), 9)
    np.testing.assert_allclose(v[:7], [0, 0.5, 1, 1, 1, 0.42264973081037427, 0.18350341907227397], rtol=1e-15)
    c = _agree(lrcurves.warmup_stable_decay(1.0, warmup_steps=2, stable_steps=2, decay_steps=3, decay_shape="cosine", end_value=0.1), 9)
    assert c[5] == pytest.approx(0.775) and c[6] == pytest.approx(0.325) and c[7] == pytest.approx(0.1)
    lin = _agree(lrcurves.warmup_stable_decay(1.0, warmup_steps=2, stable_steps=2, decay_steps=3, decay_shape="linear"), 9)
    np.testing.assert_allclose(lin[4:], [1, 2 / 3, 1 / 3, 0, 0])
    sq = _agree(lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=0, decay_steps=2, decay_shape="1-square"), 4)
    np.testing.assert_allclose(sq, [1, 0.75, 0, 0])
    ex = _agree(lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=1, decay_steps=2, decay_shape="exponential", end_value=0.01), 5)
    np.testing.assert_allclose(ex, [1, 1, 0.1, 0.01, 0.01])
    assert lrcurves.warmup_stable_decay(1.0, warmup_steps=2, stable_steps=3, decay_steps=4).phases() == (2, 5, 9)


def test_wsd_parity_pytorch_optimizer() -> None:
    mod = pytest.importorskip("pytorch_optimizer.lr_scheduler.wsd")
    for shape in ("1-sqrt", "1-square", "linear", "cosine"):
        opt = _torch_opt(False)
        opt.param_groups[0]["lr"] = 1.0
        mr = 0.1 if shape == "cosine" else 0.0
        sch = mod.get_wsd_schedule(opt, 7, 11, 13, min_lr_ratio=mr, cooldown_type=shape)
        lrs, _ = _run_torch(opt, sch, 40, False)
        s = lrcurves.warmup_stable_decay(1.0, warmup_steps=7, stable_steps=11, decay_steps=13, decay_shape=shape, end_value=mr)
        np.testing.assert_allclose(lrcurves.curve(s, 40), lrs, rtol=1e-12, atol=1e-15)


def test_wsd_zero_phases() -> None:
    assert lrcurves.curve(lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=0, decay_steps=0, end_value=0.3), 3).tolist() == [0.3] * 3
    assert lrcurves.curve(lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=2, decay_steps=0), 3).tolist() == [1.0, 1.0, 0.0]


# ---------------------------------------------------------------------------
# errors: every validator, matched on the parameter name

C = lrcurves.constant(1.0)

ERRORS: list[tuple[Any, dict[str, Any], type[Exception], str]] = [
    (lrcurves.warmup, {"schedule": 1.0, "warmup_steps": 2}, TypeError, "schedule"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": -1}, ValueError, "warmup_steps"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2.5}, ValueError, "warmup_steps"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2, "shape": "quad"}, ValueError, "shape"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2, "init_value": -1.0}, ValueError, "init_value"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2, "peak_value": -1.0}, ValueError, "peak_value"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2, "shape": "exponential"}, ValueError, "init_value"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 2, "shape": "exponential", "init_value": 0.1, "peak_value": 0.0},
     ValueError, "peak_value"),
    (lrcurves.warmup, {"schedule": lrcurves.constant(0.0), "warmup_steps": 2, "shape": "exponential", "init_value": 0.1},
     ValueError, "peak"),
    (lrcurves.warmup, {"schedule": C, "warmup_steps": 1, "shape": "log"}, ValueError, "warmup_steps"),
    (lrcurves.warmup_cosine, {"peak_value": 1.0, "warmup_steps": 5, "total_steps": 5}, ValueError, "total_steps"),
    (lrcurves.warmup_cosine, {"peak_value": -1.0, "warmup_steps": 1, "total_steps": 5}, ValueError, "peak_value"),
    (lrcurves.warmup_linear_decay, {"peak_value": 1.0, "warmup_steps": 6, "total_steps": 5}, ValueError, "total_steps"),
    (lrcurves.warmup_linear_decay, {"peak_value": 1.0, "warmup_steps": -1, "total_steps": 5}, ValueError, "warmup_steps"),
    (lrcurves.warmup_linear_decay, {"peak_value": 1.0, "warmup_steps": 1, "total_steps": 5, "end_value": -1}, ValueError,
     "end_value"),
    (lrcurves.cyclic, {"base_value": -1.0, "peak_value": 1.0, "step_size_up": 2}, ValueError, "base_value"),
    (lrcurves.cyclic, {"base_value": 2.0, "peak_value": 1.0, "step_size_up": 2}, ValueError, "peak_value"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 0}, ValueError, "step_size_up"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "step_size_down": 0}, ValueError,
     "step_size_down"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "mode": "sine"}, ValueError, "mode"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "gamma": 0.0}, ValueError, "gamma"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "gamma": 1.5}, ValueError, "gamma"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "stairs_up": -1}, ValueError, "stairs_up"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "stairs_down": -1}, ValueError,
     "stairs_down"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "base_momentum": 0.8}, ValueError,
     "max_momentum"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "base_momentum": 1.5, "max_momentum": 0.9},
     ValueError, "base_momentum"),
    (lrcurves.cyclic, {"base_value": 0.0, "peak_value": 1.0, "step_size_up": 2, "base_momentum": 0.5, "max_momentum": "x"},
     TypeError, "max_momentum"),
    (lrcurves.one_cycle, {"peak_value": -1.0, "total_steps": 10}, ValueError, "peak_value"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 0}, ValueError, "total_steps"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "pct_start": 1.5}, ValueError, "pct_start"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "anneal": "exp"}, ValueError, "anneal"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "div_factor": 0.0}, ValueError, "div_factor"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "final_div_factor": -1.0}, ValueError,
     "final_div_factor"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "three_phase": 1}, TypeError, "three_phase"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "base_momentum": 2.0}, ValueError, "base_momentum"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "max_momentum": -0.1}, ValueError, "max_momentum"),
    (lrcurves.one_cycle, {"peak_value": 1.0, "total_steps": 10, "cycle_momentum": "yes"}, TypeError, "cycle_momentum"),
    (lrcurves.cosine_restarts, {"peak_value": -1.0, "first_cycle_steps": 10}, ValueError, "peak_value"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 0}, ValueError, "first_cycle_steps"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "cycle_mult": 0.5}, ValueError,
     "cycle_mult"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "cycle_mult": 1.0000001}, ValueError,
     "cycle_mult"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "min_value": 2.0}, ValueError,
     "min_value"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "peak_decay": 0.0}, ValueError,
     "peak_decay"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "warmup_steps": 10}, ValueError,
     "warmup_steps"),
    (lrcurves.cosine_restarts, {"peak_value": 1.0, "first_cycle_steps": 10, "cycle_rounding": "ceil"}, ValueError,
     "cycle_rounding"),
    (lrcurves.warmup_stable_decay, {"peak_value": -1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1},
     ValueError, "peak_value"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": -1, "stable_steps": 1, "decay_steps": 1},
     ValueError, "warmup_steps"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": -1, "decay_steps": 1},
     ValueError, "stable_steps"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": -1},
     ValueError, "decay_steps"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1,
                                        "decay_shape": "step"}, ValueError, "decay_shape"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1,
                                        "warmup_shape": "log"}, ValueError, "warmup_shape"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1,
                                        "decay_shape": "exponential"}, ValueError, "end_value"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1,
                                        "warmup_shape": "exponential"}, ValueError, "init_value"),
    (lrcurves.warmup_stable_decay, {"peak_value": 1.0, "warmup_steps": 1, "stable_steps": 1, "decay_steps": 1,
                                        "end_value": -0.5}, ValueError, "end_value"),
]


@pytest.mark.parametrize(("factory", "kw", "exc", "param"), ERRORS, ids=lambda x: getattr(x, "__name__", None))
def test_errors_name_parameter(factory: Any, kw: dict[str, Any], exc: type[Exception], param: str) -> None:
    with pytest.raises(exc, match=param):
        factory(**kw)


def test_old_spellings_and_keyword_only() -> None:
    """``max_value`` (before 0.2) still reads through get/from_config; configs write ``peak_value``."""
    new = lrcurves.cyclic(0.1, 1.0, step_size_up=3)
    assert lrcurves.get("cyclic", base_value=0.1, max_value=1.0, step_size_up=3) == new
    old_cfg = {"name": "cyclic", "params": {"base_value": 0.1, "max_value": 1.0, "step_size_up": 3}}
    assert lrcurves.from_config(old_cfg) == new
    assert "peak_value" in new.to_config()["params"] and "max_value" not in new.to_config()["params"]
    oc = lrcurves.one_cycle(1.0, total_steps=10)
    assert lrcurves.get("one_cycle", max_value=1.0, total_steps=10) == oc
    assert lrcurves.from_config({"name": "one_cycle", "params": {"max_value": 1.0, "total_steps": 10}}) == oc
    assert "peak_value" in oc.to_config()["params"]
    with pytest.raises(ValueError, match="not both"):
        lrcurves.get("one_cycle", max_value=1.0, peak_value=1.0, total_steps=10)
    with pytest.raises(ValueError, match="peak_value"):
        lrcurves.get("cyclic", base_value=2.0, max_value=1.0, step_size_up=3)
    # positional calls past the documented leading parameters fail loudly
    for call in (
        lambda: lrcurves.cyclic(0.1, 1.0, 3),
        lambda: lrcurves.one_cycle(1.0, 10),
        lambda: lrcurves.cosine_restarts(1.0, 10),
        lambda: lrcurves.warmup_stable_decay(1.0, 1, 2, 3),
        lambda: lrcurves.warmup(lrcurves.constant(1.0), 2, "cosine"),
        lambda: lrcurves.warmup_cosine(1.0, 2, 10),
        lambda: lrcurves.warmup_linear_decay(1.0, 2, 10),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()
