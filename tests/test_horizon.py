"""lrcurves.horizon: retarget / extend / branch_cooldown / hold over random configurations.

For every seeded random configuration of several decaying families the new
schedule must equal the old one bit for bit up to ``at_step`` (NumPy float64
on an array of steps, torch float32), continue from the old value, reach the
old end value at the new horizon, follow the exact time remap ``old(p + (t -
p) * rho)`` (exactly for self-similar shapes, to within one step of the new
curve for the others), have its slope scaled by ``rho``, round-trip through
its config and agree across float32 / JAX jit.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from backend_eval import assert_rel32 as _rel32, jit_values as _jit, torch32_values as _torch32

import lrcurves as L
from lrcurves import Schedule
from lrcurves.horizon import branch_cooldown, extend, hold, horizon, retarget

SETS = int(os.environ.get("LRCURVES_HORIZON_SETS", "12"))

# -- random old schedules ---------------------------------------------------------
# each generator returns (schedule, decay begin B, horizon T, self-similar?, old_total to pass)
Case = tuple[Schedule, int, int, bool, "int | None"]
Gen = Callable[[np.random.Generator], Case]


def _lr(rng: np.random.Generator) -> float:
    return float(10 ** rng.uniform(-5, 0))


def _linear(rng: np.random.Generator) -> Case:
    b, d = int(rng.integers(0, 50)), int(rng.integers(20, 3000))
    v = _lr(rng)
    s = L.linear(v, v * float(rng.choice([0.0, 0.01, 0.3])), transition_steps=d, transition_begin=b)
    return s, b, b + d, True, None


def _polynomial(rng: np.random.Generator) -> Case:
    d = int(rng.integers(20, 3000))
    s = L.polynomial(_lr(rng), 0.0, transition_steps=d, power=float(rng.uniform(0.5, 4.0)))
    return s, 0, d, True, None


def _cosine(rng: np.random.Generator) -> Case:
    b, d = int(rng.integers(0, 30)), int(rng.integers(20, 3000))
    v = _lr(rng)
    s = L.cosine_decay(
        v, d, end_value=v * float(rng.choice([0.0, 0.1])), exponent=float(rng.choice([1.0, 2.0])),
        transition_begin=b,
    )
    return s, b, b + d, False, None


def _warmup_cosine(rng: np.random.Generator) -> Case:
    w, n = int(rng.integers(0, 200)), int(rng.integers(300, 5000))
    v = _lr(rng)
    s = L.warmup_cosine(peak_value=v, warmup_steps=w, total_steps=w + n, end_value=v * 0.01)
    return s, w, w + n, False, None


def _warmup_linear(rng: np.random.Generator) -> Case:
    w, n = int(rng.integers(1, 200)), int(rng.integers(50, 5000))
    s = L.warmup_linear_decay(peak_value=_lr(rng), warmup_steps=w, total_steps=w + n)
    return s, w, w + n, True, None


def _wsd(rng: np.random.Generator) -> Case:
    w, st, d = int(rng.integers(0, 100)), int(rng.integers(0, 2000)), int(rng.integers(20, 2000))
    shape = str(rng.choice(["linear", "cosine", "1-sqrt", "1-square", "exponential"]))
    v = _lr(rng)
    end = v * (0.01 if shape == "exponential" else float(rng.choice([0.0, 0.05])))
    s = L.warmup_stable_decay(v, warmup_steps=w, stable_steps=st, decay_steps=d, decay_shape=shape, end_value=end)
    return s, w + st, w + st + d, shape in ("linear", "exponential"), None


def _rex(rng: np.random.Generator) -> Case:
    d = int(rng.integers(20, 3000))
    return L.rex(_lr(rng), decay_steps=d, end_value=0.0), 0, d, False, None


def _join(rng: np.random.Generator) -> Case:
    w, d = int(rng.integers(1, 100)), int(rng.integers(50, 3000))
    v = _lr(rng)
    s = L.join([L.linear(0.0, v, transition_steps=w), L.cosine_decay(v, d)], boundaries=[w])
    return s, w, w + d, False, None


def _scaled(rng: np.random.Generator) -> Case:
    d = int(rng.integers(50, 3000))
    s = L.scale(L.cosine_decay(1.0, d, end_value=0.1), factor=_lr(rng), offset=1e-7)
    return s, 0, d, False, None


def _exponential(rng: np.random.Generator) -> Case:
    b, per = int(rng.integers(0, 30)), int(rng.integers(1, 500))
    total = b + int(rng.integers(20, 3000))
    s = L.exponential_decay(_lr(rng), decay_rate=float(rng.uniform(0.3, 0.99)), transition_steps=per, transition_begin=b)
    return s, b, total, True, total


def _retargeted(rng: np.random.Generator) -> Case:
    """A schedule already retargeted once: its tail is a shifted segment."""
    s, b, t, sim, _ = _warmup_cosine(rng)
    at = int(rng.integers(b, t))
    t2 = at + int(rng.integers(10, 4000))
    new = retarget(s, at, t2)
    return new, at + 1, t2, sim, None


GENERATORS: dict[str, Gen] = {
    "linear": _linear,
    "polynomial": _polynomial,
    "cosine_decay": _cosine,
    "warmup_cosine": _warmup_cosine,
    "warmup_linear_decay": _warmup_linear,
    "warmup_stable_decay": _wsd,
    "rex": _rex,
    "join": _join,
    "scale": _scaled,
    "exponential_decay": _exponential,
    "retargeted": _retargeted,
}


def _cases(name: str) -> Iterator[tuple[Case, int, int]]:
    rng = np.random.default_rng(sum(map(ord, name)))
    for _ in range(SETS):
        case = GENERATORS[name](rng)
        _, b, t, _, _ = case
        at = int(rng.integers(0, t))
        p = max(at, b)
        if name == "retargeted":  # the anchor must lie in the tail (the last join piece)
            at = p = int(rng.integers(b, t))
        new_total = p + int(rng.integers(1, 3 * (t - p) + 50))
        yield case, at, new_total


def _anchor(new: Schedule) -> tuple[int, Schedule, int]:
    """(p, the tail segment, k): the structure retarget builds."""
    assert new.name == "join"
    (p1,) = new.params["boundaries"]
    sh = new.params["schedules"][1]
    assert sh.name == "shift"
    return p1 - 1, sh.params["schedule"], sh.params["by"] - 1


def _remap(old: Schedule, p: int, rho: float, t: np.ndarray) -> np.ndarray:
    """The exact time remap, on float steps (the kernels take fractional steps)."""
    return np.asarray(old(p + (t - p) * rho), dtype=np.float64)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_retarget_random_configs(name: str) -> None:
    for (old, b, t_old, similar, old_total), at, new_total in _cases(name):
        new = retarget(old, at, new_total, old_total=old_total)
        p, seg, k = _anchor(new)
        assert p == max(at, b), (p, at, b)
        n = max(t_old, new_total) + 20
        o, v = L.curve(old, n), L.curve(new, n)
        steps = np.arange(n)
        # bit for bit up to the anchor, on both NumPy paths
        assert np.array_equal(v[: p + 1], o[: p + 1]), name
        assert np.array_equal(np.asarray(new(steps[: p + 1])), np.asarray(old(steps[: p + 1])))
        # value continuity: the tail extrapolated to the anchor is the old value
        assert v[at] == o[at]
        assert seg.value(k) == pytest.approx(o[p], rel=1e-12, abs=1e-300)
        # the old end value is reached at the new horizon and held
        assert v[new_total] == pytest.approx(o[t_old], rel=1e-12, abs=1e-300)
        if old_total is None:  # (an exponential decays on past its horizon, remapped)
            assert np.all(v[new_total:] == v[new_total])
            assert horizon(new) == new_total
        # the time remap: exact for self-similar shapes, within one step otherwise
        rho = (t_old - p) / (new_total - p)
        tt = np.arange(p, new_total + 1, dtype=np.float64)
        ref = _remap(old, p, rho, tt)
        got = v[p : new_total + 1]
        peak = float(np.max(o))
        err = float(np.max(np.abs(got - ref)))
        if similar:
            assert err <= 1e-12 * peak, (name, err / peak)
        else:
            step = float(np.max(np.abs(np.diff(got)))) if got.size > 1 else 0.0
            assert err <= step + 1e-12 * peak, (name, err, step)
        # the slope is the old slope times rho (for a long enough decay on both sides)
        left, right = t_old - p, new_total - p
        exact = similar or p == b
        if min(left, right) >= 300 and (exact or k >= 1):
            want = float(_remap(old, p, rho, np.array([p + 1.0]))[0]) - o[p]
            have = v[p + 1] - v[p]
            if abs(want) > 1e-9 * peak:
                rel = abs(have / want - 1.0)
                # exact remap: rho times the old slope; other shapes: their phase is
                # rounded to a whole step k of the tail, a relative error of ~1/(2k)
                assert rel <= (1e-9 if exact else 0.6 / k + 1e-3), (name, k, have, want)
        # a normal schedule: config round trip (through JSON text, too)
        assert L.from_config(new.to_config()) == new
        assert L.from_config(json.loads(json.dumps(new.to_config()))) == new


def test_slope_ratio_measured() -> None:
    """The documented slope ratio, on the warmup + cosine of the docs page."""
    old = L.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=1000, end_value=1e-5)
    for new_total, rho in ((1400, 0.5), (700, 4.0)):
        new = retarget(old, 600, new_total)
        o, v = L.curve(old, 2000), L.curve(new, 2000)
        assert (1000 - 600) / (new_total - 600) == rho
        # exact remap here: (T - p) divides (p - B)(T' - p)
        got = v[601] - v[600]
        want = float(old(600 + rho)) - o[600]
        assert got == pytest.approx(want, rel=1e-12)
        # flatter when extending, steeper when shortening
        d_old = o[601] - o[600]
        assert (abs(got) < abs(d_old)) == (rho < 1.0)


def test_extend_is_retarget_to_horizon_plus_extra() -> None:
    old = L.warmup_stable_decay(1e-3, warmup_steps=10, stable_steps=100, decay_steps=90, decay_shape="1-sqrt")
    assert horizon(old) == 200
    assert extend(old, 50, at_step=150) == retarget(old, 150, 250)
    e = L.exponential_decay(1.0, decay_rate=0.5, transition_steps=10)
    assert extend(e, 30, at_step=5, old_total=100) == retarget(e, 5, 130, old_total=100)


def test_retarget_before_the_decay_keeps_warmup_and_stable_phase() -> None:
    old = L.warmup_stable_decay(1.0, warmup_steps=10, stable_steps=100, decay_steps=50, decay_shape="cosine")
    new = retarget(old, 40, 300)
    want = L.warmup_stable_decay(1.0, warmup_steps=10, stable_steps=100, decay_steps=190, decay_shape="cosine")
    np.testing.assert_allclose(L.curve(new, 320), L.curve(want, 320), rtol=1e-14, atol=0)
    assert np.array_equal(L.curve(new, 111), L.curve(old, 111))


# -- branch_cooldown and hold ---------------------------------------------------------

ANY_FAMILY: list[Callable[[np.random.Generator], Schedule]] = [
    lambda r: L.warmup(L.constant(_lr(r)), int(r.integers(0, 300))),
    lambda r: L.warmup_cosine(peak_value=_lr(r), warmup_steps=int(r.integers(0, 50)), total_steps=2000),
    lambda r: L.one_cycle(_lr(r), total_steps=int(r.integers(100, 3000))),  # with momentum
    lambda r: L.cyclic(1e-4, _lr(r) + 1e-4, step_size_up=int(r.integers(1, 300))),
    lambda r: L.multistep(_lr(r), milestones=[100, 500], decay_rate=0.3),
]


@pytest.mark.parametrize("fam", range(len(ANY_FAMILY)))
def test_branch_cooldown_random_configs(fam: int) -> None:
    rng = np.random.default_rng(100 + fam)
    for _ in range(SETS):
        old = ANY_FAMILY[fam](rng)
        at, d = int(rng.integers(0, 2000)), int(rng.integers(1, 1500))
        shape = str(rng.choice(["linear", "cosine", "1-sqrt", "1-square", "exponential"]))
        v_at = float(L.curve(old, 1, start=at)[0])
        if shape == "exponential" and v_at == 0.0:
            shape = "linear"
        end = v_at * float(rng.choice([0.0, 0.1])) if shape != "exponential" else v_at * 0.01
        new = branch_cooldown(old, at, d, shape=shape, end_value=end)
        n = at + d + 20
        o, v = L.curve(old, n), L.curve(new, n)
        assert np.array_equal(v[: at + 1], o[: at + 1])
        # the cooldown is warmup_stable_decay's decay from the value at at_step
        ref = L.curve(L.warmup_stable_decay(v_at, warmup_steps=0, stable_steps=0, decay_steps=d,
                                            decay_shape=shape, end_value=end), d + 20)
        assert np.array_equal(v[at + 1 :], ref[1 : n - at])
        assert ref[0] == pytest.approx(v_at, rel=1e-15, abs=0)  # continuous at at_step
        assert v[at + d] == pytest.approx(end, rel=1e-12, abs=0)
        assert np.all(v[at + d :] == v[at + d])
        assert np.all(np.diff(v[at:]) <= 0)  # a cooldown never rises
        if old.has_momentum:
            m = L.curve(new, n, momentum=True)
            assert np.array_equal(m[: at + 1], L.curve(old, at + 1, momentum=True))
            assert np.all(m[at:] == m[at])
        assert L.from_config(new.to_config()) == new


def test_branch_cooldown_is_wsd_when_branched_from_the_stable_phase() -> None:
    stable = L.warmup(L.constant(3e-4), 100)
    for shape in ("linear", "cosine", "1-sqrt", "1-square"):
        got = L.curve(branch_cooldown(stable, 900, 200, shape=shape), 1200)
        want = L.curve(L.warmup_stable_decay(3e-4, warmup_steps=100, stable_steps=800, decay_steps=200,
                                             decay_shape=shape), 1200)
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-20)


def test_hold() -> None:
    old = L.warmup_cosine(peak_value=1e-3, warmup_steps=10, total_steps=100)
    new = hold(old, 37)
    o, v = L.curve(old, 200), L.curve(new, 200)
    assert np.array_equal(v[:38], o[:38])
    assert np.all(v[37:] == o[37])
    assert L.from_config(new.to_config()) == new
    # held, then a cooldown from the held value
    b = branch_cooldown(new, 150, 20)
    assert L.curve(b, 151)[-1] == o[37] and L.curve(b, 171)[-1] == 0.0


# -- float32 / JAX jit ---------------------------------------------------------------




def _backend_cases() -> list[tuple[str, Schedule, Schedule, int]]:
    out = []
    for name in ("warmup_cosine", "warmup_stable_decay", "polynomial", "rex", "retargeted"):
        for (old, _, _, _, ot), at, new_total in list(_cases(name))[:3]:
            new = retarget(old, at, new_total, old_total=ot)
            out.append((name, old, new, _anchor(new)[0]))
    old = L.warmup(L.constant(1e-3), 50)
    out.append(("branch_cooldown", old, branch_cooldown(old, 700, 300, shape="1-sqrt"), 700))
    return out


def test_float32_and_jit_agree() -> None:
    for name, old, new, p in _backend_cases():
        n = max(p + 10, 2) * 2 + 100
        t = np.arange(n)
        ref = L.curve(new, n)
        t32 = _torch32(new, t)
        # the old schedule's own float32 values (on the same step array: torch's
        # vectorised pow differs by an ulp in a loop's remainder), bit for bit
        assert np.array_equal(t32[: p + 1], _torch32(old, t)[: p + 1]), name
        _rel32(t32, ref, f"{name} torch float32")
        _rel32(_jit(new, t, enable_x64=False), ref, f"{name} jit float32")
        np.testing.assert_allclose(_jit(new, t, enable_x64=True), ref, rtol=1e-11, atol=1e-300, err_msg=name)


# -- errors ---------------------------------------------------------------------------

COS = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=100)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: retarget(COS, -1, 50), r"retarget: at_step must be a non-negative integer, got -1"),
        (lambda: retarget(COS, 1.5, 50), r"retarget: at_step must be an integer, got 1.5"),
        (lambda: retarget(COS, 50, 50), r"retarget: new_total must be > at_step, got new_total=50 and at_step=50"),
        (lambda: retarget(COS, 100, 200), r"retarget: at_step=100 leaves nothing of the decay"),
        (lambda: retarget(COS, 3, 8), r"retarget: new_total must be > 10, the step where the decay starts"),
        (lambda: retarget(COS, 30, 200, old_total=90), r"retarget: old_total=90 contradicts the schedule's own horizon 100"),
        (lambda: retarget(L.cyclic(0.1, 1.0, step_size_up=5), 3, 50), r"retarget: cannot find the decay of cyclic"),
        (lambda: retarget(L.cosine_decay(1.0, 10, num_cycles=1.0), 3, 50), r"retarget: cannot find the decay"),
        (lambda: retarget(L.one_cycle(1.0, total_steps=100), 3, 50), r"retarget: cannot find the decay of one_cycle"),
        (lambda: retarget(L.linear(0.0, 1.0, transition_steps=10), 3, 50), r"retarget: linear rises"),
        (lambda: retarget(L.exponential_decay(1.0, decay_rate=0.5, transition_steps=3), 3, 50), r"retarget: exponential_decay has no horizon.*old_total="),
        (lambda: horizon(L.constant(1.0)), r"horizon: cannot find the decay of constant"),
        (lambda: extend(COS, 0, at_step=5), r"extend: extra_steps must be a positive integer, got 0"),
        (lambda: branch_cooldown(COS, 20, 0), r"branch_cooldown: decay_steps must be a positive integer, got 0"),
        (lambda: branch_cooldown(COS, -2, 5), r"branch_cooldown: at_step must be a non-negative integer, got -2"),
        (lambda: branch_cooldown(COS, 20, 5, shape="sqrt"), r"branch_cooldown: shape must be one of"),
        (lambda: branch_cooldown(COS, 20, 5, end_value=2.0), r"branch_cooldown: end_value must be <= the learning rate at at_step=20"),
        (lambda: branch_cooldown(COS, 20, 5, end_value=-1.0), r"branch_cooldown: end_value"),
        (lambda: branch_cooldown(COS, 0, 5, shape="exponential", end_value=0.1), r"branch_cooldown: end_value must be <="),
        (lambda: branch_cooldown(L.constant(0.0), 3, 5, shape="exponential", end_value=1e-9), r"end_value must be <="),
        (lambda: hold(COS, -1), r"hold: at_step must be a non-negative integer, got -1"),
    ],
)
def test_errors_name_function_parameter_and_value(call: Callable[[], Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="retarget: schedule must be a Schedule, got dict"):
        retarget({}, 1, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="branch_cooldown: schedule must be a Schedule"):
        branch_cooldown(math.cos, 1, 2)  # type: ignore[arg-type]
