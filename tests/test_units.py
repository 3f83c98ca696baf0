"""Time units (``lrcurves.units``): exact conversions, schedules and configs in units, epochs."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, strategies as st

import lrcurves
from lrcurves import units as U
from lrcurves.units import Units, at_epoch, step_at, step_params, to_step_params, unit_name

ROUNDINGS = ("floor", "ceil", "nearest")


def ref_round(x: Fraction, rule: str) -> int:
    """The reference rules, written independently of the module."""
    if rule == "floor":
        return x.numerator // x.denominator
    if rule == "ceil":
        return -((-x.numerator) // x.denominator)
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)  # halves up


def dec(v: Any) -> Fraction:
    """A float as the decimal it prints as (its own type's shortest repr)."""
    return Fraction(str(v))


# -- the step-parameter table ---------------------------------------------------


def _int_params(name: str) -> set[str]:
    sig = lrcurves.spec(name).signature.parameters
    return {k for k, p in sig.items() if re.search(r"\bint\b", str(p.annotation))}


@pytest.mark.parametrize("name", lrcurves.names(presets=True))
def test_step_param_table_covers_every_integer_parameter(name: str) -> None:
    """A new family (or a new integer parameter) must be classed as steps or not."""
    assert name in U.STEP_PARAMS, f"{name} missing from lrcurves.units.STEP_PARAMS"
    steps = set(U.STEP_PARAMS[name])
    others = set(U.NOT_STEPS.get(name, ()))
    assert not steps & others
    assert steps | others == _int_params(name), name
    params = lrcurves.spec(name).parameters
    assert list(step_params(name)) == [p for p in params if p in steps]  # signature order
    spelled = [unit_name(p, u) for p in steps for u in U.PARAM_UNITS]
    assert len(set(spelled)) == len(spelled) and not set(spelled) & set(params)


def test_table_has_no_stale_names() -> None:
    assert set(U.STEP_PARAMS) == set(lrcurves.names(presets=True))


def test_unit_name() -> None:
    assert unit_name("warmup_steps", "epochs") == "warmup_epochs"
    assert unit_name("decay_steps", "tokens") == "decay_tokens"
    assert unit_name("first_cycle_steps", "samples") == "first_cycle_samples"
    assert unit_name("boundaries", "epochs") == "boundaries_epochs"
    assert unit_name("by", "tokens") == "by_tokens"
    with pytest.raises(ValueError, match=r"unit_name: unit must be one of .*got 'steps'"):
        unit_name("warmup_steps", "steps")


# -- Units ------------------------------------------------------------------------


def test_units_normalise_and_compare() -> None:
    assert Units(steps_per_epoch=500.0) == Units(steps_per_epoch=500)
    assert type(Units(steps_per_epoch=500.0).steps_per_epoch) is int
    assert Units(steps_per_epoch="1000/3").steps_per_epoch == Fraction(1000, 3)
    assert Units(steps_per_epoch=Decimal("2.5")).steps_per_epoch == Fraction(5, 2)
    assert Units(steps_per_epoch=np.int32(7)).steps_per_epoch == 7
    assert Units(samples_per_step=1e3).samples_per_step == 1000
    u = Units(steps_per_epoch=Fraction(1000, 3), tokens_per_step=4096, rounding="floor")
    assert repr(u) == "Units(steps_per_epoch=Fraction(1000, 3), tokens_per_step=4096, rounding='floor')"
    assert u.to_dict() == {"steps_per_epoch": "1000/3", "tokens_per_step": 4096, "rounding": "floor"}
    assert Units.from_dict(json.loads(json.dumps(u.to_dict()))) == u
    assert hash(u) == hash(Units.from_dict(u.to_dict()))
    assert Units.from_dict(u) is u


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({}, ValueError, r"Units: give at least one of steps_per_epoch"),
        ({"steps_per_epoch": 0}, ValueError, r"Units: steps_per_epoch must be > 0, got 0"),
        ({"steps_per_epoch": -5}, ValueError, r"Units: steps_per_epoch must be >= 0, got -5"),
        ({"steps_per_epoch": math.nan}, ValueError, r"Units: steps_per_epoch must be finite, got nan"),
        ({"steps_per_epoch": math.inf}, ValueError, r"Units: steps_per_epoch must be finite, got inf"),
        ({"steps_per_epoch": "abc"}, ValueError, r"Units: steps_per_epoch must be a finite number, got 'abc'"),
        ({"steps_per_epoch": "1e999999999"}, ValueError, r"Units: steps_per_epoch is out of range"),
        ({"steps_per_epoch": Decimal("1e-999999999")}, ValueError, r"Units: steps_per_epoch is out of range"),
        ({"steps_per_epoch": "1/0"}, ValueError, r"Units: steps_per_epoch must be a finite number, got '1/0'"),
        ({"steps_per_epoch": True}, TypeError, r"Units: steps_per_epoch must be a number, got True"),
        ({"steps_per_epoch": 2**63}, ValueError, r"Units: steps_per_epoch must be at most 2\*\*62"),
        ({"steps_per_epoch": [1]}, TypeError, r"Units: steps_per_epoch must be a number"),
        ({"samples_per_step": 0}, ValueError, r"Units: samples_per_step must be a positive integer, got 0"),
        ({"samples_per_step": 2.5}, ValueError, r"Units: samples_per_step must be an integer, got 2.5"),
        ({"tokens_per_step": False}, TypeError, r"Units: tokens_per_step must be an integer, got False"),
        ({"tokens_per_step": math.nan}, ValueError, r"Units: tokens_per_step must be an integer, got nan"),
        ({"steps_per_epoch": 1, "rounding": "up"}, ValueError, r"Units: rounding must be one of"),
    ],
)
def test_units_errors(kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        Units(**kwargs)


def test_from_batch() -> None:
    u = Units.from_batch(8, grad_accum=4, world_size=8, seq_len=2048, dataset_size=1_280_000)
    assert u == Units(steps_per_epoch=5000, samples_per_step=256, tokens_per_step=256 * 2048)
    odd = Units.from_batch(32, dataset_size=1000)
    assert odd.steps_per_epoch == Fraction(1000, 32) and odd.tokens_per_step is None
    assert Units.from_batch(4, steps_per_epoch=10).samples_per_step == 4
    with pytest.raises(ValueError, match=r"Units.from_batch: give steps_per_epoch or dataset_size, not both"):
        Units.from_batch(4, steps_per_epoch=10, dataset_size=40)
    with pytest.raises(ValueError, match=r"Units.from_batch: grad_accum must be a positive integer, got 0"):
        Units.from_batch(4, grad_accum=0)
    assert Units.from_dict({"micro_batch_size": 4, "world_size": 2, "seq_len": 8}) == Units(
        samples_per_step=8, tokens_per_step=64
    )
    with pytest.raises(ValueError, match=r"units: unknown key\(s\) \['bogus'\]"):
        Units.from_dict({"steps_per_epoch": 1, "bogus": 2})
    with pytest.raises(ValueError, match=r"units: unknown key\(s\) \['samples_per_step'\]"):
        Units.from_dict({"micro_batch_size": 4, "samples_per_step": 4})
    with pytest.raises(ValueError, match=r"units: a batch layout needs micro_batch_size"):
        Units.from_dict({"world_size": 4})
    with pytest.raises(TypeError, match=r"units must be a Units or a dict"):
        Units.from_dict(500)  # type: ignore[arg-type]


def test_combine() -> None:
    a, b = Units(steps_per_epoch=500), Units(samples_per_step=64, rounding="ceil")
    assert a.combine(b) == Units(steps_per_epoch=500, samples_per_step=64, rounding="ceil")
    assert a.combine(None) is a and a.combine(Units(steps_per_epoch=500.0)) is a
    with pytest.raises(ValueError, match=r"x: steps_per_epoch is given twice with different values, 500 and 7"):
        a.combine(Units(steps_per_epoch=7), where="x")


# -- to_steps: exactness -----------------------------------------------------------

pos = st.integers(min_value=1, max_value=10**6)


@given(k=st.integers(min_value=0, max_value=10**9), spe=pos, sps=pos, seq=pos)
def test_whole_numbers_convert_exactly(k: int, spe: int, sps: int, seq: int) -> None:
    u = Units(steps_per_epoch=spe, samples_per_step=sps, tokens_per_step=sps * seq)
    assert u.to_steps(k, "epochs") == k * spe
    assert u.to_steps(k * sps, "samples") == k
    assert u.to_steps(k * sps * seq, "tokens") == k
    assert u.to_steps(k, "steps") == k
    assert u.from_steps(k * spe) == k


@given(m=st.integers(min_value=0, max_value=10**12), d=st.integers(0, 6), c=st.integers(1, 10**4))
def test_decimal_floats_convert_as_written(m: int, d: int, c: int) -> None:
    """``m * 10**-d`` epochs (a float) of ``c * 10**d`` steps is exactly ``m * c`` steps."""
    e = float(f"{m}e-{d}")
    u = Units(steps_per_epoch=c * 10**d)
    assert u.to_steps(e) == m * c
    assert u.to_steps(np.float64(e)) == m * c
    assert u.to_steps(Decimal(f"{m}e-{d}")) == m * c
    assert u.to_steps(Fraction(m, 10**d)) == m * c


@given(p=st.integers(1, 10**6), q=st.integers(1, 10**3), k=st.integers(0, 10**6))
def test_rational_steps_per_epoch(p: int, q: int, k: int) -> None:
    """``k * q`` epochs of ``p / q`` steps is ``k * p`` steps; anything else follows the rules."""
    u = Units(steps_per_epoch=Fraction(p, q))
    assert u.to_steps(k * q) == k * p
    x = Fraction(k, 1) * Fraction(p, q)
    for rule in ROUNDINGS:
        assert u.to_steps(k, rounding=rule) == ref_round(x, rule)


def test_classic_float_traps() -> None:
    u = Units(steps_per_epoch=1000)
    assert 0.1 * 3 * 1000 != 300  # the float product is off ...
    assert u.to_steps(0.1) == 100 and u.to_steps(0.3) == 300  # ... the conversion is not
    assert Units(steps_per_epoch=100).to_steps(0.29) == 29  # 0.29 * 100 == 28.999999999999996
    assert Units(steps_per_epoch=100).to_steps(0.07) == 7  # 0.07 * 100 == 7.000000000000001
    assert Units(steps_per_epoch=10).to_steps(np.float32(0.1)) == 1  # float32's own shortest repr
    assert Units(steps_per_epoch="1000/3").to_steps(0.3) == 100


def test_not_whole_message() -> None:
    u = Units(steps_per_epoch=1001)
    msg = (
        "Units.to_steps: epochs=0.3 * steps_per_epoch=1001 is 3003/10 = 300.3 steps, not a whole "
        "number; pass rounding='floor' (300), 'ceil' (301) or 'nearest' (300)"
    )
    with pytest.raises(ValueError) as err:
        u.to_steps(0.3)
    assert str(err.value) == msg
    with pytest.raises(ValueError, match=r"f: warmup_samples=100 / samples_per_step=64 is 25/16 = 1.5625 steps"):
        Units(samples_per_step=64).to_steps(100, "samples", name="warmup_samples", where="f")
    with pytest.raises(ValueError, match=r"tokens=5 / tokens_per_step=2 is 5/2 = 2.5 steps.*'nearest' \(3\)"):
        Units(tokens_per_step=2).to_steps(5, "tokens")
    with pytest.raises(ValueError, match=r"looks like a rounded float: give a rational one exactly"):
        Units(steps_per_epoch=1000 / 3).to_steps(0.3)


@pytest.mark.parametrize(
    ("steps", "floor", "ceil", "nearest"),
    [("2.5", 2, 3, 3), ("2.4", 2, 3, 2), ("2.6", 2, 3, 3), ("0.5", 0, 1, 1), ("0.25", 0, 1, 0), ("7", 7, 7, 7)],
)
def test_rounding_rules(steps: str, floor: int, ceil: int, nearest: int) -> None:
    u = Units(steps_per_epoch=10)
    epochs = Fraction(steps) / 10
    assert [u.to_steps(epochs, rounding=r) for r in ROUNDINGS] == [floor, ceil, nearest]
    for r, want in zip(ROUNDINGS, (floor, ceil, nearest), strict=True):
        assert Units(steps_per_epoch=10, rounding=r).to_steps(epochs) == want  # the default rule
        assert Units(steps_per_epoch=10, rounding="floor").to_steps(epochs, rounding=r) == want


@pytest.mark.parametrize(
    ("value", "unit", "exc", "match"),
    [
        (-1, "epochs", ValueError, r"Units.to_steps: epochs must be >= 0, got -1"),
        (-0.5, "epochs", ValueError, r"epochs must be >= 0, got -0.5"),
        (math.nan, "epochs", ValueError, r"epochs must be finite, got nan"),
        (np.float32("nan"), "epochs", ValueError, r"epochs must be finite, got nan"),
        (Decimal("NaN"), "epochs", ValueError, r"epochs must be finite"),
        (-math.inf, "epochs", ValueError, r"epochs must be finite, got -inf"),
        (True, "epochs", TypeError, r"Units.to_steps: epochs must be a number, got True"),
        (np.bool_(False), "epochs", TypeError, r"epochs must be a number, got False"),
        ("1", "epochs", TypeError, r"epochs must be a number, got '1'"),
        (None, "epochs", TypeError, r"epochs must be a number, got None"),
        (1, "days", ValueError, r"Units.to_steps: unit must be one of \['steps', 'epochs', 'samples', 'tokens'\], got 'days'"),
        (1, "samples", ValueError, r"Units.to_steps: samples needs samples_per_step to convert samples to steps, but Units\(steps_per_epoch=3\) has none"),
        (2**62, "epochs", ValueError, r"epochs=4611686018427387904 \* steps_per_epoch=3 is 13835058055282163712 steps, over 2\*\*62"),
    ],
)
def test_to_steps_errors(value: Any, unit: str, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        Units(steps_per_epoch=3).to_steps(value, unit)


# -- schedules written in units ------------------------------------------------------


def test_get_in_units() -> None:
    u = Units(steps_per_epoch=500, samples_per_step=64, tokens_per_step=64 * 1024)
    want = lrcurves.warmup_cosine(peak_value=3e-4, warmup_steps=500, total_steps=45000)
    assert U.get("warmup_cosine", units=u, peak_value=3e-4, warmup_epochs=1, total_epochs=90) == want
    assert U.get("warmup_cosine", units=u, peak_value=3e-4, warmup_samples=32000, total_steps=45000) == want
    assert U.get("warmup_cosine", units={"steps_per_epoch": 500}, peak_value=3e-4, warmup_steps=500,
                 total_epochs=90) == want  # fmt: skip
    toks = U.get("rex", units=u, init_value=1.0, decay_tokens=64 * 1024 * 300)
    assert toks == lrcurves.rex(1.0, decay_steps=300)
    ms = U.get("multistep", units=u, init_value=0.1, milestones_epochs=[30, 60.5], decay_rate=0.5)
    assert ms == lrcurves.multistep(0.1, milestones=[15000, 30250], decay_rate=0.5)
    cyc = U.get("cyclic", units=u, base_value=0.1, peak_value=1.0, step_size_up_epochs=0.5,
                step_size_down_epochs=None)  # fmt: skip
    assert cyc == lrcurves.cyclic(0.1, 1.0, step_size_up=250)
    # aliases still work next to units
    assert U.get("step_decay", units=u, init_value=1.0, step_size_epochs=2, gamma=0.5) == lrcurves.step_decay(
        1.0, step_size=1000, decay_rate=0.5
    )
    # no units needed when everything is in steps
    assert U.get("linear", init_value=1.0, end_value=0.0, transition_steps=3) == lrcurves.linear(1.0, 0.0, transition_steps=3)
    # rounding: per call, or the units' default
    r = U.get("linear", units=Units(steps_per_epoch=3), rounding="ceil", init_value=1.0, end_value=0.0,
              transition_epochs=0.5)  # fmt: skip
    assert r.params["transition_steps"] == 2
    r = U.get("linear", units=Units(steps_per_epoch=3, rounding="floor"), init_value=1.0, end_value=0.0,
              transition_epochs=0.5)  # fmt: skip
    assert r.params["transition_steps"] == 1


def test_to_step_params_passes_other_params_through() -> None:
    arr = np.array([0.1, 0.2])
    out = to_step_params("cosine_decay", {"init_value": arr, "decay_epochs": 2, "transition_begin_epochs": 0.5},
                         Units(steps_per_epoch=10))  # fmt: skip
    assert out["init_value"] is arr and out == {"init_value": arr, "decay_steps": 20, "transition_begin": 5}
    assert to_step_params("constant", {"value": 1}, None) == {"value": 1}


@pytest.mark.parametrize(
    ("params", "units", "match"),
    [
        ({"warmup_epochs": 1, "warmup_steps": 5}, {"steps_per_epoch": 5},
         r"warmup_cosine: give warmup_steps in one unit only, got both warmup_epochs and warmup_steps"),
        ({"warmup_epochs": 1, "warmup_tokens": 5}, {"steps_per_epoch": 5, "tokens_per_step": 5},
         r"warmup_cosine: give warmup_steps in one unit only, got both warmup_epochs and warmup_tokens"),
        ({"warmup_epochs": 1}, None,
         r"warmup_cosine: warmup_epochs=1 is in epochs, but no units were given; pass units=Units\(steps_per_epoch=...\)"),
        ({"warmup_samples": 1}, None, r"warmup_samples=1 is in samples, .*units=Units\(samples_per_step=...\)"),
        ({"warmup_tokens": 8}, {"steps_per_epoch": 5},
         r"warmup_cosine: warmup_tokens needs tokens_per_step to convert tokens to steps, but Units\(steps_per_epoch=5\) has none"),
        ({"warmup_epochs": 0.3}, {"steps_per_epoch": 3},
         r"warmup_cosine: warmup_epochs=0.3 \* steps_per_epoch=3 is 9/10 = 0.9 steps, not a whole number"),
        ({"warmup_epochs": -1}, {"steps_per_epoch": 3}, r"warmup_cosine: warmup_epochs must be >= 0, got -1"),
        ({"warmup_epochs": math.nan}, {"steps_per_epoch": 3}, r"warmup_cosine: warmup_epochs must be finite, got nan"),
        ({"decay_epochs": 1}, {"steps_per_epoch": 3},
         r"warmup_cosine: 'decay_epochs' is not a step parameter written in units; the step parameters of "
         r"warmup_cosine are warmup_steps, total_steps \(in epochs: warmup_epochs, total_epochs"),
    ],
)
def test_get_errors(params: dict[str, Any], units: Any, match: str) -> None:
    base = {"peak_value": 1.0, "total_steps": 100}
    with pytest.raises(ValueError, match=match):
        U.get("warmup_cosine", units=units, **{**base, **params})


def test_long_tables_convert_fast_and_exactly() -> None:
    """A 10**6-entry table in epochs takes one vectorised pass (hostile configs stay cheap)."""
    import time

    n = 10**6
    u = Units(steps_per_epoch=100)
    t0 = time.perf_counter()
    out = to_step_params("multistep", {"init_value": 1.0, "milestones_epochs": [i / 100 for i in range(1, n)]}, u)
    assert time.perf_counter() - t0 < 10
    assert out["milestones"][:3] == [1, 2, 3] and out["milestones"][-1] == n - 1
    assert all(type(x) is int for x in out["milestones"][:10])
    arr = to_step_params("join", {"schedules": [], "boundaries_epochs": np.array([1, 2.5])}, u)
    assert arr["boundaries"] == [100, 250]
    with pytest.raises(TypeError, match=r"multistep: milestones_epochs\[1\] must be a number, got True"):
        to_step_params("multistep", {"milestones_epochs": [1, True]}, u)
    with pytest.raises(ValueError, match=r"multistep: milestones_epochs must be >= 0, got -2 at index 1"):
        to_step_params("multistep", {"milestones_epochs": [1, -2]}, u)
    with pytest.raises(ValueError, match=r"multistep: milestones_epochs must be finite, got nan at index 0"):
        to_step_params("multistep", {"milestones_epochs": [math.nan]}, u)
    with pytest.raises(ValueError, match=r"milestones_epochs\[2\]=0.001 \* steps_per_epoch=100 is 1/10 = 0.1 steps"):
        to_step_params("multistep", {"milestones_epochs": [1, 2, 0.001]}, u)
    assert to_step_params("multistep", {"milestones_epochs": [1, 2, 0.001]}, u, rounding="ceil")["milestones"] == [
        100, 200, 1
    ]
    mixed = to_step_params("multistep", {"milestones_epochs": [0.5, 2**60 + 1]}, Units(steps_per_epoch=2))
    assert mixed["milestones"] == [1, 2**61 + 2]  # never through float64
    with pytest.raises(ValueError, match=r"over 2\*\*62"):
        to_step_params("multistep", {"milestones_epochs": [1, 2**70]}, u)


def test_get_errors_more() -> None:
    u = Units(steps_per_epoch=4)
    with pytest.raises(TypeError, match=r"warmup_cosine: warmup_epochs must be a number, got True"):
        U.get("warmup_cosine", units=u, peak_value=1.0, warmup_epochs=True, total_steps=10)
    with pytest.raises(ValueError, match=r"constant: 'value_epochs' is written in units, but constant has no step"):
        U.get("constant", units=u, value_epochs=1)
    with pytest.raises(ValueError, match=r"multistep: milestones_epochs\[1\]=0.1 \* steps_per_epoch=4 is 2/5"):
        U.get("multistep", units=u, init_value=1.0, milestones_epochs=[1, 0.1])
    with pytest.raises(TypeError, match=r"milestones_epochs must be a number or a 1-d sequence"):
        U.get("multistep", units=u, init_value=1.0, milestones_epochs=np.ones((2, 2)))
    with pytest.raises(ValueError, match="unknown schedule 'nope'"):
        U.get("nope", units=u, a_epochs=1)
    with pytest.raises(TypeError, match="schedule name must be a string"):
        U.get(3, units=u)  # type: ignore[arg-type]
    # the factory still validates the converted steps
    with pytest.raises(ValueError, match=r"warmup_cosine: total_steps must be a positive integer, got 0"):
        U.get("warmup_cosine", units=u, peak_value=1.0, warmup_steps=0, total_epochs=0)


# -- configs ----------------------------------------------------------------------------

WARMUP_COSINE = {
    "name": "warmup_cosine",
    "units": {"steps_per_epoch": 500},
    "params": {"peak_value": 3e-4, "warmup_epochs": 1, "total_epochs": 90},
}


def _join_in_epochs(units: Any = None) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "name": "join",
        "params": {
            "schedules": [
                {"name": "linear", "params": {"init_value": 0.0, "end_value": 1e-3, "transition_epochs": 0.5}},
                {"name": "cosine_decay", "params": {"init_value": 1e-3, "decay_epochs": 9.5, "end_value": 1e-5}},
            ],
            "boundaries_epochs": [0.5],
        },
    }
    if units is not None:
        cfg["units"] = units
    return cfg


JOIN_STEPS = lrcurves.join(
    [lrcurves.linear(0.0, 1e-3, transition_steps=50), lrcurves.cosine_decay(1e-3, 950, end_value=1e-5)],
    boundaries=[50],
)


def test_from_config_units_block_and_keyword(tmp_path: Any) -> None:
    want = lrcurves.warmup_cosine(peak_value=3e-4, warmup_steps=500, total_steps=45000)
    assert lrcurves.from_config(WARMUP_COSINE) == want
    no_block = {k: v for k, v in WARMUP_COSINE.items() if k != "units"}
    assert lrcurves.from_config(no_block, units=Units(steps_per_epoch=500)) == want
    assert lrcurves.from_config(no_block, units={"steps_per_epoch": 500}) == want
    assert lrcurves.from_config(json.dumps(WARMUP_COSINE)) == want
    f = tmp_path / "c.json"
    f.write_text(json.dumps(no_block))
    assert lrcurves.from_config(f, units=Units(steps_per_epoch=500)) == want
    # the result is a plain step config: no units block, steps only, and it round-trips without units
    out = want.to_config()
    assert "units" not in json.dumps(out) and "epochs" not in json.dumps(out)
    assert lrcurves.from_config(WARMUP_COSINE).to_config() == out
    assert lrcurves.from_config(out) == want
    # the keyword and the block combine field by field
    both = lrcurves.from_config(
        {**WARMUP_COSINE, "params": {"peak_value": 3e-4, "warmup_samples": 32000, "total_epochs": 90}},
        units=Units(samples_per_step=64),
    )
    assert both == want


def test_nested_configs_in_epochs() -> None:
    assert lrcurves.from_config(_join_in_epochs({"steps_per_epoch": 100})) == JOIN_STEPS
    assert lrcurves.from_config(_join_in_epochs(), units=Units(steps_per_epoch=100)) == JOIN_STEPS
    assert lrcurves.from_config(_join_in_epochs({"micro_batch_size": 10, "dataset_size": 1000})) == JOIN_STEPS
    # a nested block may restate (or add) fields, not change them
    cfg = _join_in_epochs({"steps_per_epoch": 100})
    cfg["params"]["schedules"][0]["units"] = {"steps_per_epoch": 100, "samples_per_step": 4}
    assert lrcurves.from_config(cfg) == JOIN_STEPS
    cfg["params"]["schedules"][1]["units"] = {"steps_per_epoch": 200}
    with pytest.raises(ValueError, match=r"steps_per_epoch is given twice with different values, 100 and 200"):
        lrcurves.from_config(cfg)
    # a units block only inside: the outer boundaries_epochs has no base
    inner = _join_in_epochs()
    for child in inner["params"]["schedules"]:
        child["units"] = {"steps_per_epoch": 100}
    with pytest.raises(ValueError, match=r"join: boundaries_epochs=\[0.5\] is in epochs, but no units were given"):
        lrcurves.from_config(inner)
    # deeper nesting: warmup(cosine) under a scale, all in epochs
    deep = {
        "name": "scale",
        "units": {"steps_per_epoch": 20},
        "params": {
            "schedule": {
                "name": "warmup",
                "params": {
                    "schedule": {"name": "cosine_decay", "params": {"init_value": 1.0, "decay_epochs": 4.5}},
                    "warmup_epochs": 0.5,
                },
            },
            "factor": 0.1,
        },
    }
    assert lrcurves.from_config(deep) == lrcurves.scale(
        lrcurves.warmup(lrcurves.cosine_decay(1.0, 90), 10), 0.1
    )


def test_units_do_not_leak_between_calls() -> None:
    with pytest.raises(ValueError, match="not a whole number"):
        lrcurves.from_config(_join_in_epochs({"steps_per_epoch": 3}))
    assert lrcurves.from_config(_join_in_epochs({"steps_per_epoch": 100})) == JOIN_STEPS
    with pytest.raises(ValueError, match="no units were given"):
        lrcurves.from_config(_join_in_epochs())


def test_from_config_units_errors() -> None:
    with pytest.raises(ValueError, match=r"config: units: steps_per_epoch is given twice with different values"):
        lrcurves.from_config(WARMUP_COSINE, units=Units(steps_per_epoch=7))
    with pytest.raises(ValueError, match=r"units: unknown key\(s\) \['epochs'\]"):
        lrcurves.from_config({**WARMUP_COSINE, "units": {"epochs": 3}})
    with pytest.raises(TypeError, match=r"units must be a Units or a dict"):
        lrcurves.from_config({**WARMUP_COSINE, "units": 500})
    with pytest.raises(ValueError, match=r"Units: steps_per_epoch must be > 0, got 0"):
        lrcurves.from_config({**WARMUP_COSINE, "units": {"steps_per_epoch": 0}})
    with pytest.raises(TypeError, match=r"Units: steps_per_epoch must be a number, got True"):
        lrcurves.from_config(WARMUP_COSINE, units={"steps_per_epoch": True})
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['extra'\]; expected 'name' and 'params' \(and optionally 'units'\)"):
        lrcurves.from_config({**WARMUP_COSINE, "extra": 1})
    # foreign formats are in their own steps
    ds = {"type": "WarmupLR", "params": {"warmup_min_lr": 0.0, "warmup_max_lr": 0.1, "warmup_num_steps": 10}}
    assert lrcurves.from_config(ds)(10) == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"config: units= applies to lrcurves configs .*deepspeed config"):
        lrcurves.from_config(ds, units=Units(steps_per_epoch=5))


# -- evaluating at epochs --------------------------------------------------------------


def _ref_steps(epochs: np.ndarray, spe: Fraction, rule: str) -> list[int]:
    return [ref_round(dec(e) * spe, rule) for e in epochs.ravel()]


@pytest.mark.parametrize("spe", [100, 1000, 7, Fraction(1000, 3), Fraction(5, 2), 390])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_at_arrays_are_exact(spe: Any, dtype: Any) -> None:
    rng = np.random.default_rng(0)
    u = Units(steps_per_epoch=spe)
    s = Fraction(spe)
    # random epochs, and epochs that land on (or half-way to) whole steps when written as decimals
    grid = [str(round(float(Fraction(k, 2) / s), 6)) for k in range(0, 400)]
    epochs = np.concatenate([
        rng.uniform(0, 50, 500),
        np.array([float(g) for g in grid]),
        np.round(rng.uniform(0, 10, 300), 2),
        np.arange(0, 3, 0.01),
        [0.1 + 0.2, 2.675, 1e-7, 1.5e-6, 99999999.5, 123456789.25, 7e-324, 2.0**40 + 0.5],
    ]).astype(dtype)  # fmt: skip
    for rule in ROUNDINGS:
        got = step_at(epochs, u, rounding=rule)
        assert got.dtype == np.int64 and got.shape == epochs.shape
        assert got.tolist() == _ref_steps(epochs, s, rule), rule
        assert [step_at(e, u, rounding=rule) for e in epochs[:50]] == got[:50].tolist()
    grid2 = step_at(epochs.reshape(-1, 2), u)
    assert grid2.shape == (epochs.size // 2, 2) and grid2.ravel().tolist() == _ref_steps(epochs, s, "floor")


def test_step_at_beats_naive_floats() -> None:
    u = Units(steps_per_epoch=100)
    e = np.array([0.29, 0.57, 0.58, 1.13, 0.07])
    naive = np.floor(e * 100).astype(np.int64).tolist()
    assert naive != [29, 57, 58, 113, 7]  # the test has teeth
    assert step_at(e, u).tolist() == [29, 57, 58, 113, 7]
    assert step_at(e, u, rounding="ceil").tolist() == [29, 57, 58, 113, 7]
    assert step_at(0.29, u) == 29 and type(step_at(0.29, u)) is int


@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=20), st.integers(1, 10**4), st.integers(1, 10**3))
def test_step_at_integer_arrays(epochs: list[int], p: int, q: int) -> None:
    u = Units(steps_per_epoch=Fraction(p, q))
    arr = np.array(epochs, dtype=np.int64)
    for rule in ROUNDINGS:
        assert step_at(arr, u, rounding=rule).tolist() == [ref_round(e * Fraction(p, q), rule) for e in epochs]


def test_step_at_other_inputs() -> None:
    u = Units(steps_per_epoch=Fraction(10, 3), samples_per_step=8)
    assert step_at([Fraction(3, 10), Fraction(3, 5)], u).tolist() == [1, 2]  # object arrays
    assert step_at([Decimal("0.9")], u).tolist() == [3]
    assert step_at(Fraction(3, 10), u, rounding=None) == 1
    assert step_at(np.array([0.3, 0.6]), u, rounding=None).tolist() == [1, 2]
    assert step_at([8, 16, 100], u, unit="samples").tolist() == [1, 2, 12]
    assert step_at(np.array([[0.15]]), u, rounding="continuous").tolist() == [[0.5]]
    assert step_at(0.15, u, rounding="continuous") == 0.5
    assert step_at(np.array([], dtype=np.float64), u).shape == (0,)
    assert step_at(np.uint64(2**40), Units(steps_per_epoch=2**21)) == 2**61
    big = np.array([2**40, 3], dtype=np.uint64)  # past int64 arithmetic: the exact path
    assert step_at(big, Units(steps_per_epoch=2**21)).tolist() == [2**61, 3 * 2**21]
    # the units' rounding default is for parameters, never for step_at (its own default is floor)
    assert step_at(0.15, Units(steps_per_epoch=10, rounding="ceil")) == 1


@pytest.mark.parametrize(
    ("value", "kwargs", "exc", "match"),
    [
        (0.15, {"rounding": None}, ValueError, r"step_at: epochs=0.15 \* steps_per_epoch=10 is 3/2 = 1.5 steps, not a whole"),
        ([0.1, 0.15], {"rounding": None}, ValueError, r"step_at: epochs\[1\]=0.15 \* steps_per_epoch=10 is 3/2"),
        ([1, 2], {"rounding": None, "units": Units(steps_per_epoch=Fraction(1, 2))}, ValueError, r"epochs\[0\]=1 \* steps_per_epoch=1/2"),
        ([0.0, math.nan], {}, ValueError, r"step_at: epochs must be finite, got nan at index 1"),
        ([0.0, math.inf], {}, ValueError, r"step_at: epochs must be finite, got inf at index 1"),
        ([0, -1], {}, ValueError, r"step_at: epochs must be >= 0, got -1 at index 1"),
        (-0.5, {}, ValueError, r"step_at: epochs must be >= 0, got -0.5"),
        (math.nan, {}, ValueError, r"step_at: epochs must be finite, got nan"),
        (True, {}, TypeError, r"step_at: epochs must be a number, got True"),
        ([True], {}, TypeError, r"step_at: epochs must hold real numbers, got dtype bool"),
        (["a"], {}, TypeError, r"must hold real numbers, got dtype <U1"),
        (1, {"rounding": "up"}, ValueError, r"step_at: rounding must be one of"),
        (1, {"unit": "days"}, ValueError, r"step_at: unit must be one of"),
        (1, {"unit": "tokens"}, ValueError, r"step_at: tokens needs tokens_per_step"),
        (2**62, {}, ValueError, r"over 2\*\*62"),
    ],
)
def test_step_at_errors(value: Any, kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    units = kwargs.pop("units", Units(steps_per_epoch=10))
    with pytest.raises(exc, match=match):
        step_at(value, units, **kwargs)


def test_at_epoch() -> None:
    s = lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=100, total_steps=1000)
    u = Units(steps_per_epoch=Fraction(1000, 3))  # 3 epochs of 333.33 steps
    epochs = np.array([0, 0.1, 0.29, 0.3, 1, 1.5, 2.999, 3, 4])
    steps = [ref_round(dec(e) * Fraction(1000, 3), "floor") for e in epochs]
    assert steps == [0, 33, 96, 100, 333, 500, 999, 1000, 1333]
    np.testing.assert_array_equal(at_epoch(s, epochs, u), s(np.array(steps)))
    assert float(at_epoch(s, 0.3, u)) == s.value(100) == 1.0
    assert at_epoch(s, 0.3, u).shape == ()
    assert float(at_epoch(s, 0.0015, u, rounding="continuous")) == pytest.approx(0.005)
    assert float(at_epoch(s, 0.0015, u, rounding="ceil")) == s.value(1)
    mom = lrcurves.one_cycle(1.0, total_steps=100)
    np.testing.assert_array_equal(at_epoch(mom, [0.5], {"steps_per_epoch": 100}, momentum=True), mom.momentum([50]))
    with pytest.raises(ValueError, match=r"step_at: epochs needs steps_per_epoch to convert epochs to steps"):
        at_epoch(s, 1, Units(samples_per_step=4))
