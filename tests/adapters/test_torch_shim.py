"""The torch shim: CurveScheduler against real torch schedulers and torch's contract."""

from __future__ import annotations

import gc
import io
import json
import pickle
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from lrcurves.adapters.torch import CurveScheduler
from torch.optim import lr_scheduler as tls

import lrcurves

N_STEPS = 25


def _params(k: int = 2) -> list[torch.nn.Parameter]:
    return [torch.nn.Parameter(torch.zeros(3)) for _ in range(k)]


def two_group_sgd(**kw: Any) -> torch.optim.Optimizer:
    """torch's own fixture: two groups, the second with a *tensor* LR."""
    a, b = _params()
    return torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": torch.tensor(0.5)}], lr=0.05, **kw)


def _lrs(opt: torch.optim.Optimizer, key: str = "lr") -> list[float]:
    out = []
    for g in opt.param_groups:
        v = g[key][0] if key == "betas" else g[key]
        out.append(float(v))
    return out


def _run(opt: torch.optim.Optimizer, sched: Any, n: int, key: str = "lr") -> np.ndarray:
    """Values in force for updates 0..n-1 (optimizer.step() then scheduler.step())."""
    rows = []
    for _ in range(n):
        rows.append(_lrs(opt, key))
        opt.step()
        sched.step()
    return np.array(rows)


def _pair(
    make_opt: Callable[[], torch.optim.Optimizer],
    theirs: Callable[[torch.optim.Optimizer], Any],
    ours: Callable[[torch.optim.Optimizer], CurveScheduler],
    n: int = N_STEPS,
    key: str = "lr",
) -> tuple[np.ndarray, np.ndarray]:
    o1, o2 = make_opt(), make_opt()
    return _run(o1, theirs(o1), n, key), _run(o2, ours(o2), n, key)


def _close_fixture(got: np.ndarray, want: np.ndarray) -> None:
    """Group 0 (a Python float) tightly; group 1 (a float32 tensor LR) to float32 rounding."""
    np.testing.assert_allclose(got[:, 0], want[:, 0], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(got[:, 1], want[:, 1], rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------------
# parity with torch's schedulers (multiplier mode on the two-group fixture)

MULTIPLIER_CASES = {
    "LinearLR": (
        lambda o: tls.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=7),
        lambda: lrcurves.linear(0.25, 1.0, transition_steps=7),
    ),
    "PolynomialLR": (
        lambda o: tls.PolynomialLR(o, total_iters=9, power=2.0),
        lambda: lrcurves.polynomial(1.0, 0.0, transition_steps=9, power=2.0),
    ),
    "ConstantLR": (
        lambda o: tls.ConstantLR(o, factor=0.3, total_iters=4),
        lambda: lrcurves.join([lrcurves.constant(0.3), lrcurves.constant(1.0)], boundaries=[4]),
    ),
    "ExponentialLR": (
        lambda o: tls.ExponentialLR(o, gamma=0.9),
        lambda: lrcurves.exponential_decay(1.0, decay_rate=0.9, transition_steps=1),
    ),
    "StepLR": (
        lambda o: tls.StepLR(o, step_size=3, gamma=0.5),
        lambda: lrcurves.step_decay(1.0, step_size=3, decay_rate=0.5),
    ),
    "MultiStepLR": (
        lambda o: tls.MultiStepLR(o, milestones=[2, 5, 11], gamma=0.5),
        lambda: lrcurves.multistep(1.0, milestones=[2, 5, 11], decay_rate=0.5),
    ),
    "CosineAnnealingLR": (
        lambda o: tls.CosineAnnealingLR(o, T_max=N_STEPS - 1),
        lambda: lrcurves.cosine_decay(1.0, decay_steps=N_STEPS - 1),
    ),
}


@pytest.mark.parametrize("case", sorted(MULTIPLIER_CASES))
def test_multiplier_parity_with_torch(case: str) -> None:
    theirs, sched = MULTIPLIER_CASES[case]
    a, b = _pair(two_group_sgd, theirs, lambda o: CurveScheduler(o, sched(), mode="multiplier"))
    _close_fixture(b, a)


def test_absolute_cosine_with_eta_min() -> None:
    def opt() -> torch.optim.Optimizer:
        return torch.optim.SGD(_params(1), lr=0.1)

    a, b = _pair(
        opt,
        lambda o: tls.CosineAnnealingLR(o, T_max=20, eta_min=0.01),
        lambda o: CurveScheduler(o, lrcurves.cosine_decay(0.1, 20, end_value=0.01)),
        n=21,
    )
    np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("t_mult", [1, 2])
def test_absolute_cosine_restarts_vs_warm_restarts(t_mult: int) -> None:
    def opt() -> torch.optim.Optimizer:
        return torch.optim.SGD(_params(1), lr=0.1)

    a, b = _pair(
        opt,
        lambda o: tls.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=t_mult, eta_min=0.01),
        lambda o: CurveScheduler(
            o, lrcurves.cosine_restarts(0.1, first_cycle_steps=4, cycle_mult=float(t_mult), min_value=0.01)
        ),
        n=30,
    )
    np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-15)


def test_warmup_cosine_vs_sequential_lr() -> None:
    """The usual torch recipe, SequentialLR(LinearLR, CosineAnnealingLR), as one schedule."""

    def opt() -> torch.optim.Optimizer:
        return torch.optim.SGD(_params(1), lr=1.0)

    def theirs(o: torch.optim.Optimizer) -> Any:
        return tls.SequentialLR(
            o,
            [
                tls.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
                tls.CosineAnnealingLR(o, T_max=15),
            ],
            milestones=[5],
        )

    s = lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=5, total_steps=20, init_value=0.1)
    a, b = _pair(opt, theirs, lambda o: CurveScheduler(o, s, mode="multiplier"), n=21)
    np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("optim", ["sgd", "adam"])
def test_one_cycle_parity_lr_and_momentum(optim: str) -> None:
    n = 30
    key = "momentum" if optim == "sgd" else "betas"

    def opt() -> torch.optim.Optimizer:
        if optim == "sgd":
            return torch.optim.SGD(_params(), lr=0.1, momentum=0.9)
        return torch.optim.Adam(_params(), lr=0.1, betas=(0.9, 0.99))

    theirs = lambda o: tls.OneCycleLR(o, max_lr=0.4, total_steps=n)  # noqa: E731
    ours = lambda o: CurveScheduler(o, lrcurves.one_cycle(0.4, total_steps=n))  # noqa: E731
    a, b = _pair(opt, theirs, ours, n=n)
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)
    a, b = _pair(opt, theirs, ours, n=n, key=key)
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("mode", ["triangular", "triangular2"])
def test_cyclic_parity_lr_and_momentum(mode: str) -> None:
    def opt() -> torch.optim.Optimizer:
        return torch.optim.SGD(_params(), lr=0.1, momentum=0.9)

    a, b = _pair(
        opt,
        lambda o: tls.CyclicLR(o, 0.01, 0.1, step_size_up=4, step_size_down=3, mode=mode),
        lambda o: CurveScheduler(
            o,
            lrcurves.cyclic(
                0.01, 0.1, step_size_up=4, step_size_down=3, mode=mode, base_momentum=0.8, max_momentum=0.9
            ),
        ),
        key="momentum",
    )
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)


def test_inside_sequential_lr() -> None:
    """CurveScheduler as either child of SequentialLR matches join()."""
    warm = lrcurves.linear(0.1, 1.0, transition_steps=5)
    decay = lrcurves.polynomial(1.0, 0.0, transition_steps=12, power=2.0)
    ref = lrcurves.curve(lrcurves.join([warm, decay], boundaries=[5]), N_STEPS)

    for first_ours, second_ours in [(True, False), (False, True), (True, True)]:
        opt = two_group_sgd()
        s1 = (
            CurveScheduler(opt, warm, mode="multiplier")
            if first_ours
            else tls.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=5)
        )
        s2 = (
            CurveScheduler(opt, decay, mode="multiplier")
            if second_ours
            else tls.PolynomialLR(opt, total_iters=12, power=2.0)
        )
        seq = tls.SequentialLR(opt, [s1, s2], milestones=[5])
        got = _run(opt, seq, N_STEPS)
        _close_fixture(got, np.outer(ref, [0.05, 0.5]))


# ---------------------------------------------------------------------------
# modes, groups, tensor LRs


def test_absolute_mode_group_scale_and_tensor_lr() -> None:
    opt = two_group_sgd()
    tensor_lr = opt.param_groups[1]["lr"]
    s = lrcurves.linear(1.0, 0.0, transition_steps=10)
    sched = CurveScheduler(opt, s, group_scale=[1.0, 0.25])
    got = _run(opt, sched, 12)
    ref = lrcurves.curve(s, 12)
    np.testing.assert_allclose(got[:, 0], ref, rtol=1e-15)
    np.testing.assert_allclose(got[:, 1], 0.25 * ref, rtol=1e-7)  # float32 tensor LR
    assert opt.param_groups[1]["lr"] is tensor_lr  # updated in place
    last = sched.get_last_lr()
    assert isinstance(last[0], float)
    assert isinstance(last[1], torch.Tensor) and last[1] is not tensor_lr


def test_per_group_schedules() -> None:
    opt = two_group_sgd()
    s0 = lrcurves.constant(0.2)
    s1 = lrcurves.linear(0.0, 1.0, transition_steps=4)
    got = _run(opt, CurveScheduler(opt, group_schedules=[s0, s1]), 8)
    np.testing.assert_allclose(got[:, 0], 0.2)
    np.testing.assert_allclose(got[:, 1], lrcurves.curve(s1, 8))
    # multiplier mode with per-group schedules scales by each initial lr
    opt = two_group_sgd()
    got = _run(opt, CurveScheduler(opt, group_schedules=[s0, s1], mode="multiplier"), 8)
    np.testing.assert_allclose(got[:, 0], 0.05 * 0.2)
    np.testing.assert_allclose(got[:, 1], 0.5 * lrcurves.curve(s1, 8))


def test_closed_form_not_recursive() -> None:
    """Each value comes from the step counter, not from the group's current LR."""
    opt = two_group_sgd()
    s = lrcurves.linear(1.0, 0.0, transition_steps=10)
    sched = CurveScheduler(opt, s, mode="absolute")
    opt.step()
    sched.step()
    opt.param_groups[0]["lr"] = 123.0  # user meddling is overwritten, not propagated
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.8)


def test_last_epoch_resume_and_epoch_argument() -> None:
    s = lrcurves.linear(1.0, 0.0, transition_steps=10)
    opt = two_group_sgd()
    for g in opt.param_groups:
        g["initial_lr"] = g["lr"]
    sched = CurveScheduler(opt, s, mode="absolute", last_epoch=3)
    assert sched.last_epoch == 4
    assert _lrs(opt) == pytest.approx([0.6, 0.6])
    opt.step()
    with pytest.warns(UserWarning, match="epoch"):
        sched.step(7)
    assert _lrs(opt) == pytest.approx([0.3, 0.3])


# ---------------------------------------------------------------------------
# momentum


def test_momentum_schedule_on_sgd_and_adam() -> None:
    s = lrcurves.constant(0.1)
    m = lrcurves.linear(0.95, 0.85, transition_steps=5)
    sgd = torch.optim.SGD(_params(), lr=0.1, momentum=0.9)
    got = _run(sgd, CurveScheduler(sgd, s, momentum=m), 7, key="momentum")
    np.testing.assert_allclose(got[:, 0], lrcurves.curve(m, 7))

    adam = torch.optim.Adam(_params(), lr=0.1, betas=(0.9, 0.987))
    got = _run(adam, CurveScheduler(adam, s, momentum=m), 7, key="betas")
    np.testing.assert_allclose(got[:, 0], lrcurves.curve(m, 7))
    assert all(g["betas"][1] == 0.987 for g in adam.param_groups)  # beta2 kept


def test_momentum_none_and_false() -> None:
    oc = lrcurves.one_cycle(0.4, total_steps=20)
    # None: cycles iff the schedule has momentum
    sgd = torch.optim.SGD(_params(), lr=0.1, momentum=0.5)
    CurveScheduler(sgd, lrcurves.constant(0.1), mode="absolute")
    assert sgd.param_groups[0]["momentum"] == 0.5
    CurveScheduler(sgd, oc, mode="absolute")
    assert sgd.param_groups[0]["momentum"] == pytest.approx(0.95)
    # False: never
    sgd = torch.optim.SGD(_params(), lr=0.1, momentum=0.5)
    CurveScheduler(sgd, oc, mode="absolute", momentum=False)
    assert sgd.param_groups[0]["momentum"] == 0.5
    # an optimizer without momentum is fine when none is requested
    CurveScheduler(torch.optim.Adagrad(_params(), lr=0.1), oc, mode="absolute", momentum=False)


def test_tensor_betas_updated_in_place() -> None:
    b1, b2 = torch.tensor(0.9), torch.tensor(0.999)
    adam = torch.optim.Adam(_params(1), lr=torch.tensor(0.01), betas=(b1, b2))
    m = lrcurves.linear(0.9, 0.8, transition_steps=4)
    sched = CurveScheduler(adam, lrcurves.constant(0.01), mode="absolute", momentum=m)
    for _ in range(3):
        adam.step()
        sched.step()
    betas = adam.param_groups[0]["betas"]
    assert betas[0] is b1 and betas[1] is b2
    assert float(b1) == pytest.approx(0.825) and float(b2) == pytest.approx(0.999)


# ---------------------------------------------------------------------------
# errors


def test_error_paths() -> None:
    s = lrcurves.constant(0.1)
    with pytest.raises(TypeError, match="not an Optimizer"):
        CurveScheduler(object(), s)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Schedule"):
        CurveScheduler(two_group_sgd(), lambda t: 0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="group_schedules"):
        CurveScheduler(two_group_sgd())
    with pytest.raises(ValueError, match="group_schedules has 1 entries"):
        CurveScheduler(two_group_sgd(), group_schedules=[s])
    with pytest.raises(ValueError, match="group_scale has 3 entries"):
        CurveScheduler(two_group_sgd(), s, group_scale=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="group_scale"):
        CurveScheduler(two_group_sgd(), s, group_scale=[1.0, -1.0])
    with pytest.raises(ValueError, match="multiplier"):
        CurveScheduler(two_group_sgd(), s, mode="multiplier", group_scale=[1.0, 1.0])
    with pytest.raises(ValueError, match="mode"):
        CurveScheduler(two_group_sgd(), s, mode="relative")
    with pytest.raises(ValueError, match="array-valued"):
        CurveScheduler(two_group_sgd(), lrcurves.constant([0.1, 0.2]), mode="absolute")
    with pytest.raises(TypeError, match="momentum"):
        CurveScheduler(two_group_sgd(), s, mode="absolute", momentum=0.9)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="defines no momentum"):
        CurveScheduler(two_group_sgd(), s, mode="absolute", momentum=True)
    # momentum requested, optimizer has neither betas nor momentum
    for opt in (torch.optim.Adagrad(_params(), lr=0.1), torch.optim.Rprop(_params(), lr=0.1)):
        with pytest.raises(ValueError, match="neither 'betas' nor 'momentum'"):
            CurveScheduler(opt, s, mode="absolute", momentum=lrcurves.constant(0.9))
        with pytest.raises(ValueError, match="neither"):
            CurveScheduler(opt, lrcurves.one_cycle(0.1, total_steps=10), mode="absolute")


# ---------------------------------------------------------------------------
# torch contract: warnings, state, gc, compile


def test_no_warning_in_the_right_order_and_warning_in_the_wrong_one() -> None:
    opt = two_group_sgd()
    sched = CurveScheduler(opt, lrcurves.constant(0.1), mode="absolute")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.step()
            sched.step()
    opt = two_group_sgd()
    sched = CurveScheduler(opt, lrcurves.constant(0.1), mode="absolute")
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def _walk_plain(x: Any) -> None:
    if isinstance(x, dict):
        for k, v in x.items():
            assert isinstance(k, str)
            _walk_plain(v)
    elif isinstance(x, list):
        for v in x:
            _walk_plain(v)
    else:
        assert x is None or isinstance(x, (bool, int, float, str)), type(x)


@pytest.mark.parametrize("momentum", [None, False, "schedule"])
def test_state_dict_plain_data_and_exact_resume(momentum: Any) -> None:
    s = lrcurves.join(
        [lrcurves.linear(0.0, 1.0, transition_steps=3), lrcurves.cosine_decay(1.0, 12)], boundaries=[3]
    )
    mom = lrcurves.linear(0.95, 0.85, transition_steps=9) if momentum == "schedule" else momentum

    def make() -> tuple[torch.optim.Optimizer, CurveScheduler]:
        o = torch.optim.SGD(
            [{"params": _params(1)}, {"params": _params(1), "lr": torch.tensor(0.5)}],
            lr=0.05,
            momentum=0.9,
        )
        return o, CurveScheduler(o, s, mode="multiplier", momentum=mom)

    o_ref, s_ref = make()
    full = _run(o_ref, s_ref, 20)
    full_m = np.array([_lrs(o_ref, "momentum")])

    o1, s1 = make()
    _run(o1, s1, 8)
    sd = s1.state_dict()
    _walk_plain(sd)
    json.dumps(sd)
    buf = io.BytesIO()
    torch.save({"sched": sd, "opt": o1.state_dict()}, buf)
    buf.seek(0)
    loaded = torch.load(buf, weights_only=True)
    assert pickle.loads(pickle.dumps(sd)) == sd

    o2, s2 = make()
    o2.load_state_dict(loaded["opt"])
    s2.load_state_dict(loaded["sched"])
    assert s2.state_dict() == sd
    rest = _run(o2, s2, 12)
    np.testing.assert_allclose(rest, full[8:], rtol=1e-15)
    np.testing.assert_allclose([_lrs(o2, "momentum")], full_m, rtol=1e-15)


def test_state_dict_per_group_round_trip() -> None:
    opt = two_group_sgd()
    gs = [lrcurves.constant(0.2), lrcurves.linear(0.0, 1.0, transition_steps=4)]
    sched = CurveScheduler(opt, group_schedules=gs, group_scale=[2.0, 3.0])
    opt.step()
    sched.step()
    sd = sched.state_dict()
    opt2 = two_group_sgd()
    sched2 = CurveScheduler(opt2, lrcurves.constant(1.0), mode="absolute")
    sched2.load_state_dict(sd)
    assert sched2.group_schedules == gs and sched2.group_scale == [2.0, 3.0]
    opt2.step()
    sched2.step()
    assert _lrs(opt2) == pytest.approx([0.4, 3.0 * 0.5])
    with pytest.raises(ValueError, match="param groups"):
        CurveScheduler(torch.optim.SGD(_params(1), lr=0.1), lrcurves.constant(1.0)).load_state_dict(sd)


def test_scheduler_pickles_with_optimizer() -> None:
    opt = two_group_sgd()
    sched = CurveScheduler(opt, lrcurves.cosine_decay(0.1, 10), mode="absolute")
    opt.step()
    sched.step()
    sched2 = pickle.loads(pickle.dumps(sched))
    assert sched2.last_epoch == 1 and sched2.schedule == sched.schedule
    sched2.optimizer.step()
    sched2.step()
    assert sched2.get_last_lr()[0] == pytest.approx(lrcurves.cosine_decay(0.1, 10).value(2))


def test_no_reference_cycle_with_optimizer() -> None:
    opt = two_group_sgd()
    gc.collect()
    gc.disable()
    try:
        sched = CurveScheduler(opt, lrcurves.one_cycle(0.1, total_steps=10), momentum=False, mode="absolute")
        ref = weakref.ref(sched)
        opt.step()
        sched.step()
        del sched
        assert ref() is None
    finally:
        gc.enable()


# dynamo traces through torch internals that emit their own DeprecationWarnings
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_compiled_optimizer_step_does_not_recompile() -> None:
    torch._dynamo.reset()
    compiles = 0

    def counting_backend(gm: torch.fx.GraphModule, example_inputs: Any) -> Any:
        nonlocal compiles
        compiles += 1
        return gm.forward

    p = torch.nn.Parameter(torch.ones(4))
    opt = torch.optim.Adam(
        [p], lr=torch.tensor(0.01), betas=(torch.tensor(0.9), torch.tensor(0.999))
    )
    sched = CurveScheduler(
        opt,
        lrcurves.linear(0.01, 0.001, transition_steps=6),
        momentum=lrcurves.linear(0.9, 0.8, transition_steps=6),
    )

    @torch.compile(backend=counting_backend)
    def opt_step() -> None:
        opt.step()

    p.grad = torch.ones_like(p)
    opt_step()
    sched.step()
    first = compiles
    assert first >= 1
    for _ in range(4):
        opt_step()
        sched.step()
    assert compiles == first
    assert float(opt.param_groups[0]["lr"]) == pytest.approx(0.01 - 5 * 0.0015)
    torch._dynamo.reset()


def test_repr() -> None:
    sched = CurveScheduler(two_group_sgd(), lrcurves.constant(0.1), mode="absolute")
    assert repr(sched) == "CurveScheduler(constant(value=0.1), mode='absolute', last_epoch=0)"


def test_second_closed_form_scheduler_on_one_optimizer_is_refused() -> None:
    """Two closed-form schedulers on one optimizer would silently overwrite each other."""
    from lrcurves.adapters.torch import StepLR

    opt = torch.optim.SGD(_params(), lr=0.1)
    first = CurveScheduler(opt, lrcurves.constant(0.1))
    with pytest.raises(ValueError, match="already"):
        CurveScheduler(opt, lrcurves.constant(0.2))
    with pytest.raises(ValueError, match="already"):
        StepLR(opt, 3)
    del first
    gc.collect()
    CurveScheduler(opt, lrcurves.constant(0.2))  # the first one is gone: free again
