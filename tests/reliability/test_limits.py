"""Hostile Python-API input: limits with clear errors, and the issue's crash reproducers.

* Schedules nest at most ``MAX_DEPTH`` (64) deep: at the limit everything
  works (``repr``, ``==``, ``hash``, pickling, ``torch.save``, configs,
  ``bounds``/``phases``, NumPy/torch/JAX evaluation, ``curve``); one more
  level is a ``ValueError`` at construction, never a ``RecursionError``
  later.  Nested warmups evaluate in linear, not exponential, time.
* Values past ``2**62`` or past float64, empty or 0-d arrays, too many
  dimensions: ``ValueError``/``TypeError`` naming the parameter.
* Unpickling validates; scheduler states are checked on load.
"""

from __future__ import annotations

import io
import math
import pickle
import time
from collections.abc import Callable

import numpy as np
import pytest

import lrcurves as L
from lrcurves import Schedule
from lrcurves.validate import MAX_DEPTH

LEAF = L.linear(1.0, 0.1, transition_steps=10)
WRAPPERS: dict[str, Callable[[Schedule, int], Schedule]] = {
    "scale": lambda s, i: L.scale(s, 1.0),
    "clip": lambda s, i: L.clip(s, min_value=0.0),
    "join": lambda s, i: L.join([s, L.constant(0.5)], [3]),
    "repeat": lambda s, i: L.repeat(s, 7 + i),
    "shift": lambda s, i: L.shift(s, 1),
    "warmup": lambda s, i: L.warmup(s, 3),
    "product": lambda s, i: L.product([s, L.constant(1.0)]),
    "remap": lambda s, i: L.remap(s, in_min=0.0, in_max=2.0, out_min=0.0, out_max=2.0),
    "with_momentum": lambda s, i: L.with_momentum(s, L.constant(0.9)),
}


def nest(kind: str, levels: int) -> Schedule:
    s = LEAF
    for i in range(levels):
        s = WRAPPERS[kind](s, i)
    return s


@pytest.mark.parametrize("kind", sorted(WRAPPERS))
def test_nesting_at_the_limit_works_and_past_it_is_refused(kind: str) -> None:
    import torch

    s = nest(kind, MAX_DEPTH - 1)  # the leaf plus 63 levels: 64 deep
    t0 = time.perf_counter()
    assert repr(s).startswith(kind) and s == nest(kind, MAX_DEPTH - 1) and hash(s) == hash(nest(kind, MAX_DEPTH - 1))
    assert pickle.loads(pickle.dumps(s)) == s
    buf = io.BytesIO()
    torch.save(s, buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=False) == s
    assert L.from_config(s.to_config()) == s
    lo, hi = s.bounds()
    assert 0.0 <= lo <= hi
    assert len(s.phases()) <= 4096
    ref = s(np.arange(50))
    assert not np.isnan(ref).any() and (ref >= 0).all()
    np.testing.assert_allclose(s(torch.arange(50, dtype=torch.float64)).numpy(), ref, rtol=1e-12)
    np.testing.assert_array_equal(L.curve(s, 50), ref)
    assert s.value(7) == pytest.approx(float(ref[7]), rel=1e-12)
    L.curve(s, 100_000)
    assert time.perf_counter() - t0 < 30.0, "nesting made evaluation blow up"
    with pytest.raises(ValueError, match=f"at most {MAX_DEPTH} levels"):
        WRAPPERS[kind](s, 99)


def test_issue_deep_nests_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="nested"):
        nest("scale", 1000)  # was RecursionError from bounds()/phases()
    with pytest.raises(ValueError, match="nested"):
        nest("join", 200)  # was: evaluates, but no repr (110), == (166) or checkpoint (199)
    cfg = LEAF.to_config()
    for _ in range(1000):
        cfg = {"name": "scale", "params": {"schedule": cfg}}
    with pytest.raises(ValueError, match="nested"):
        L.from_config(cfg)


def test_nested_warmups_evaluate_in_linear_time() -> None:
    """Each warmup needs its child at step 0 too: computed once, not once per level (2**63)."""
    import jax
    import jax.numpy as jnp

    s = nest("warmup", MAX_DEPTH - 1)
    sweep = L.constant([0.5, 1.0])
    for _ in range(MAX_DEPTH - 1):
        sweep = L.warmup(sweep, 2)
    t0 = time.perf_counter()
    assert float(s(np.arange(10))[-1]) >= 0
    assert s.value(300) > 0
    assert s.momentum(5) if s.has_momentum else True
    jax.jit(s)(jnp.arange(10))
    assert sweep(np.arange(300)).shape == (300, 2)
    assert time.perf_counter() - t0 < 20.0


def test_huge_and_malformed_parameters() -> None:
    cases = [
        (lambda: L.polynomial(1.0, 9223372036854775808, transition_steps=10), ValueError, "2\\*\\*62"),
        (lambda: L.constant(10**400), ValueError, "2\\*\\*62"),
        (lambda: L.constant(1e400), ValueError, "finite"),
        (lambda: L.cosine_decay(1.0, 10**400), ValueError, "2\\*\\*62"),
        (lambda: L.repeat(L.constant(1.0), 2**63), ValueError, "2\\*\\*62"),
        (lambda: L.remap(LEAF, in_min=[], in_max=1.0, out_min=0.0, out_max=1.0), ValueError, "empty"),
        (lambda: L.tabulated(np.array(0.5)), TypeError, "0-d"),
        (lambda: L.tabulated(np.ones((2, 2))), TypeError, "1-d"),
        (lambda: L.constant(np.ones((1,) * 20)), ValueError, "dimensions"),
        (lambda: L.constant(["0.1"]), TypeError, "real"),
        (lambda: L.constant([True]), TypeError, "real"),
        (lambda: L.cosine_decay(1.0, [10]), TypeError, "integer"),
        (lambda: L.tabulated([0.5] * 10_000_001), ValueError, "at most"),
        (lambda: L.multistep(1.0, milestones=list(range(1, 10_000_002))), ValueError, "at most"),
        (lambda: L.scale(L.constant(1e300), 1e10), ValueError, "overflow"),
        (lambda: L.product([L.constant(1e200), L.constant(1e200)]), ValueError, "overflow"),
        (lambda: L.polynomial_growth(0.0, 0.0, power=1000.0, transition_steps=10**6), ValueError, "finite"),
    ]
    for fn, exc, match in cases:
        with pytest.raises(exc, match=match) as info:
            fn()
        assert len(str(info.value)) < 1000, str(info.value)[:200]  # never a 10**7-entry dump


def test_issue_value_reproducers() -> None:
    assert L.warmup(L.constant(1.0), 10, shape="log")(9.5) == 1.0  # was 1.0212, above the peak
    assert float(L.warmup(L.constant(0.0), 2, shape="log", init_value=1.0)(1.5)) == 0.0  # was -0.32
    ert = L.exponential_range_test(1.0, 3.0, num_steps=3)
    assert float(L.remap(ert, in_min=1.0, in_max=3.0, out_min=1.0, out_max=0.0)(5)) == 0.0  # was -2.2e-16
    assert float(L.scale(L.tanh_decay(1.0, decay_steps=10, end_value=1.0), 1.0, offset=-1.0)(0)) == 0.0  # was -1.1e-16
    with np.errstate(over="ignore"):
        assert float(L.clip(L.linear_range_test(1e300, step_size=1, step_rate=1e10), max_value=1.0)(5)) == 1.0  # was NaN
    assert float(L.linear(1e-20, 1.0, transition_steps=10)(0)) == 1e-20  # was 0.0
    c = L.constant(1.0)
    assert math.isnan(c.value(math.nan)) and math.isnan(float(c(math.nan))) and np.isnan(c(np.array([np.nan]))[0])


def test_unpickling_validates() -> None:
    blob = pickle.dumps(L.constant(0.25))
    tampered = blob.replace(np.float64(0.25).tobytes()[::-1], np.float64(-1.0).tobytes()[::-1])
    assert tampered != blob
    with pytest.raises(ValueError, match="value must be >= 0"):
        pickle.loads(tampered)


def test_scheduler_states_are_checked_on_load() -> None:
    import torch
    from lrcurves.adapters.deepspeed import OneCycle
    from lrcurves.adapters.torch import CurveScheduler

    def opt() -> torch.optim.Optimizer:
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)

    ds = OneCycle(torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1), 1e-3, 1e-2, cycle_first_step_size=3)
    for bad in ({"last_batch_iteration": "x"}, {"last_batch_iteration": 5.5}, {"last_epoch": 3}, "state"):
        with pytest.raises(ValueError, match=r"OneCycle\.load_state_dict"):
            ds.load_state_dict(bad)  # type: ignore[arg-type]
    ds.load_state_dict({"last_batch_iteration": 5})
    cs = CurveScheduler(opt(), L.cosine_decay(0.1, 10))
    good = cs.state_dict()
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt(), 10).state_dict()
    multi = CurveScheduler(opt(), L.constant(1.0), mode="multiplier").state_dict()
    for bad in ({**good, "_last_lr": "x"}, multi, cos, {**good, "last_epoch": 2.5},
                {**good, "schedule": {"name": "constant", "params": {"value": -1.0}}}, {**good, "base_lrs": [0.1, 0.2]}):
        with pytest.raises(ValueError, match=r"CurveScheduler\.load_state_dict"):
            cs.load_state_dict(bad)
    assert cs.state_dict() == good  # nothing changed by the refused loads
    cs.load_state_dict(good)
    with pytest.raises(ValueError, match="array-valued"):
        CurveScheduler(opt(), L.warmup(L.cosine_decay([1e-3, 2e-3], 100), 10))
    # a truncated checkpoint is torch's error, raised before any state reaches a scheduler
    buf = io.BytesIO()
    torch.save({"sched": good}, buf)
    with pytest.raises(Exception):  # noqa: B017 - torch's own error type varies by version
        torch.load(io.BytesIO(buf.getvalue()[: len(buf.getvalue()) // 2]), weights_only=True)


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before:UserWarning")
def test_drop_in_steps_cost_the_same_at_any_horizon() -> None:
    """The issue's PolyScheduler cost 126 ms per step at t_max=1e6 (a table rebuilt per call)."""
    import torch
    from lrcurves.adapters.deepspeed import WarmupDecayLR
    from lrcurves.adapters.pytorch_optimizer import CosineAnnealingWarmupRestarts, PolyScheduler
    from lrcurves.adapters.torch import CurveScheduler

    def opt() -> torch.optim.Optimizer:
        return torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1)

    for horizon in (10**3, 10**6, 10**10):
        scheds = [
            PolyScheduler(opt(), t_max=horizon, max_lr=1.0, poly_order=0.3),
            CosineAnnealingWarmupRestarts(opt(), first_cycle_steps=horizon, max_lr=0.1, min_lr=1e-4),
            WarmupDecayLR(opt(), total_num_steps=horizon, warmup_num_steps=horizon // 10),
            CurveScheduler(opt(), L.warmup(L.cosine_decay(0.1, horizon), 10)),
        ]
        for s in scheds:
            s.step()
            t0 = time.perf_counter()
            for _ in range(200):
                s.step()
            per = (time.perf_counter() - t0) / 200
            assert per < 5e-4, f"{type(s).__name__} at horizon {horizon}: {per * 1e6:.0f} us per step"
    big = L.tabulated(np.linspace(1.0, 0.0, 2_000_000).tolist())
    big.value(3)
    t0 = time.perf_counter()
    for k in range(2000):
        big.value(k * 997)
    assert (time.perf_counter() - t0) / 2000 < 1e-4


def test_drop_in_states_are_plain_data_and_checked() -> None:
    """Every family's state loads with ``torch.load(weights_only=True)`` (torch's default) and
    refuses a foreign or corrupted state with ValueError, changing nothing."""
    import torch
    from lrcurves.adapters import colossalai as C, deepspeed as D, pytorch_optimizer as P
    from lrcurves.adapters.torch import CurveScheduler

    def opt() -> torch.optim.Optimizer:
        return torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=0.1)

    foreign = torch.optim.lr_scheduler.StepLR(opt(), 3).state_dict()
    made = [
        CurveScheduler(opt(), L.one_cycle(0.1, total_steps=50)),
        D.OneCycle(opt(), 1e-3, 1e-2, cycle_first_step_size=5),
        D.WarmupCosineLR(opt(), total_num_steps=50, warmup_num_steps=5),
        C.OneCycleLR(opt(), total_steps=50),
        C.CosineAnnealingWarmupLR(opt(), total_steps=50, warmup_steps=5),
        P.CosineAnnealingWarmupRestarts(opt(), first_cycle_steps=10, max_lr=0.1, min_lr=1e-3),
        P.REXScheduler(opt(), total_steps=50),
        P.PolyScheduler(opt(), t_max=50, max_lr=0.1),
    ]
    for s in made:
        name = type(s).__name__
        for _ in range(3):
            s.optimizer.step() if hasattr(s.optimizer, "step") else None
            s.step()
        buf = io.BytesIO()
        torch.save(s.state_dict(), buf)
        buf.seek(0)
        sd = torch.load(buf, weights_only=True)
        before = repr(s.state_dict())
        for bad in (foreign, "state", {**sd, "last_epoch": "x"} if "last_epoch" in sd else {"step_t": "x"}):
            with pytest.raises(ValueError, match=rf"{name}\.load_state_dict"):
                s.load_state_dict(bad)  # type: ignore[arg-type]
        assert repr(s.state_dict()) == before, f"{name}: a refused load changed the scheduler"
        s.load_state_dict(sd)
        assert repr(s.state_dict()) == before


def test_big_boundary_tables_are_not_rebuilt_per_call() -> None:
    """piecewise_constant/multistep with 10**6 boundaries: each array call cost ~0.15 s (a Python
    loop over every boundary), value() 4 ms (hashing the milestones); now a cached lookup."""
    n = 10**6
    pc = L.piecewise_constant(np.linspace(1.0, 0.0, n + 1).tolist(), list(range(1, n + 1)))
    ms = L.multistep(1.0, milestones=list(range(1, n + 1)), decay_rate=0.999999)
    for s in (pc, ms):
        s(np.arange(3))
        t0 = time.perf_counter()
        for _ in range(20):
            s(np.arange(100))
        assert (time.perf_counter() - t0) / 20 < 0.02, s.name
        t0 = time.perf_counter()
        for k in range(200):
            s.value(k * 4999)
        assert (time.perf_counter() - t0) / 200 < 1e-3, s.name
    assert len(pickle.dumps(pc)) < 3 * len(pickle.dumps(pc.params["values"]))  # the caches are not pickled
