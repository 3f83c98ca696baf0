"""Schedule value semantics, config round trips, ``curve`` and validator errors."""

from __future__ import annotations

import copy
import json
import math
import pickle
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves import Schedule
from lrcurves.validate import as_bool, as_choice, as_int, as_ints, as_value, as_values, check_le


@pytest.fixture
def lin() -> Schedule:
    return lrcurves.linear(1.0, 0.0, transition_steps=4)


# -- Schedule value ---------------------------------------------------------


def test_no_direct_construction() -> None:
    with pytest.raises(TypeError, match="factory"):
        Schedule()


def test_immutable(lin: Schedule) -> None:
    with pytest.raises(AttributeError, match="immutable"):
        lin.foo = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        lin._name = "x"  # type: ignore[misc]
    p = lin.params
    p["init_value"] = 5.0
    assert lin.params["init_value"] == 1.0
    arr = lrcurves.constant(np.array([0.1, 0.2]))
    with pytest.raises(ValueError):
        arr.params["value"][0] = 9.0
    assert copy.copy(lin) is lin and copy.deepcopy(lin) is lin


def test_repr_eq_hash(lin: Schedule) -> None:
    assert repr(lin) == "linear(init_value=1.0, end_value=0.0, transition_steps=4, transition_begin=0)"
    same = lrcurves.linear(1, 0, transition_steps=4)
    assert same == lin and hash(same) == hash(lin) and len({lin, same}) == 1
    assert lin != lrcurves.linear(1.0, 0.0, transition_steps=5)
    assert lin != "linear" and (lin == 3) is False
    a = lrcurves.constant(np.array([0.1, 0.2]))
    assert a == lrcurves.constant([0.1, 0.2]) and hash(a) == hash(lrcurves.constant([0.1, 0.2]))
    assert repr(a) == "constant(value=array([0.1, 0.2]))"
    j = lrcurves.join([lin, lrcurves.constant(0.1)], boundaries=[4])
    assert repr(j).startswith("join(schedules=(linear(") and "boundaries=(4,)" in repr(j)


def test_evaluation_inputs(lin: Schedule) -> None:
    assert isinstance(lin(1), np.ndarray) and lin(1).shape == () and float(lin(1)) == 0.75
    assert lin.value(1) == 0.75 and lin.value(-5) == 1.0
    assert lin([0, 2]).tolist() == [1.0, 0.5]
    assert lin((0, 2)).tolist() == [1.0, 0.5]
    assert lin(np.int32(2)).tolist() == 0.5
    assert lin(2.5).tolist() == pytest.approx(0.375)
    assert lin(np.arange(6).reshape(2, 3)).shape == (2, 3)
    with pytest.raises(TypeError):
        lin(True)
    with pytest.raises(TypeError):
        lin(["a"])
    with pytest.raises(TypeError):
        lin(object())
    with pytest.raises(ValueError, match="no momentum"):
        lin.momentum(0)
    with pytest.raises(ValueError, match="no momentum"):
        lin.momentum_value(0)
    assert not lin.has_momentum
    sweep = lrcurves.constant(np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="array-valued"):
        sweep.value(0)
    with pytest.raises(ValueError, match="no momentum"):
        sweep.momentum_value(0)
    msweep = lrcurves.cyclic(0.1, 1.0, step_size_up=2, base_momentum=np.array([0.8, 0.85]), max_momentum=0.9)
    with pytest.raises(ValueError, match="array-valued"):
        msweep.momentum_value(0)
    assert msweep.momentum(np.arange(3)).shape == (3, 2)


def test_introspection(lin: Schedule) -> None:
    assert lin.bounds() == (0.0, 1.0)
    assert lin.phases() == (0, 4)
    assert lin.momentum_bounds() == (0.0, 1.0)
    assert lin.name == "linear" and lin.spec.name == "linear"


def test_pickle(lin: Schedule) -> None:
    j = lrcurves.join([lin, lrcurves.constant(np.array([0.1]))], boundaries=[3])
    assert pickle.loads(pickle.dumps(j)) == j


def test_unpickling_validates(lin: Schedule) -> None:
    rebuild, (name, params) = lin.__reduce__()
    assert rebuild(name, params) == lin
    with pytest.raises(ValueError, match="linear: init_value must be >= 0"):
        rebuild(name, {**params, "init_value": -1.0})
    one, minus_one = b"G" + struct.pack(">d", 1.0), b"G" + struct.pack(">d", -1.0)
    tampered = pickle.dumps(lin).replace(one, minus_one)
    assert tampered != pickle.dumps(lin)
    with pytest.raises(ValueError, match="init_value"):
        pickle.loads(tampered)


def test_nan_steps_give_nan(lin: Schedule) -> None:
    nan = float("nan")
    assert math.isnan(lin.value(nan)) and math.isnan(float(lin(nan)))
    out = lin(np.array([nan, 1.0, -3.0]))
    assert math.isnan(out[0]) and out[1:].tolist() == [0.75, 1.0]
    cyc = lrcurves.cyclic(0.1, 1.0, step_size_up=2, base_momentum=0.8, max_momentum=0.9)
    assert math.isnan(cyc.momentum_value(nan)) and math.isnan(float(cyc.momentum(np.array([nan]))[0]))
    # a NaN step is NaN even where every branch of a kernel is a constant
    for s in (lrcurves.constant(0.1), lrcurves.tabulated([1.0, 2.0]), lrcurves.multistep(1.0, milestones=[1])):
        assert math.isnan(s.value(nan)) and math.isnan(float(s(np.array([nan]))[0])), s
    sweep = lrcurves.constant(np.array([0.1, 0.2]))
    v = sweep(np.array([nan, 0.0]))
    assert v.shape == (2, 2) and np.isnan(v[0]).all() and v[1].tolist() == [0.1, 0.2]


@pytest.mark.parametrize(
    ("dtype", "want"),
    [
        (np.uint8, np.int64),
        (np.int8, np.int64),
        (np.int16, np.int64),
        (np.uint16, np.int64),
        (np.int32, np.int64),
        (np.uint32, np.int64),
        (np.int64, np.int64),
        (np.uint64, np.float64),  # wider than int64: floating
        (np.float16, np.float32),
        (np.float32, np.float32),
        (np.float64, np.float64),
    ],
)
def test_prepare_widens_and_clamps(dtype: Any, want: Any) -> None:
    from lrcurves._xp import numpy_namespace, prepare

    signed = np.issubdtype(dtype, np.signedinteger) or np.issubdtype(dtype, np.floating)
    raw = np.array([0, 3, -5 if signed else 100], dtype=dtype)
    ns, t = prepare(raw)
    assert ns is numpy_namespace() and t.dtype == want
    assert t.min() >= 0 and t[1] == 3
    lin = lrcurves.linear(1.0, 0.0, transition_steps=400)
    out = lin(raw)
    assert out.dtype == (np.float32 if want == np.float32 else np.float64)
    np.testing.assert_allclose(out, lin(np.maximum(raw.astype(np.float64), 0)), rtol=1e-6)


def test_prepare_scalars_and_uint_wraparound() -> None:
    from lrcurves._xp import SCALAR, prepare

    assert prepare(-3) == (SCALAR, 0) and prepare(2.5) == (SCALAR, 2.5)
    ns, t = prepare(float("nan"))
    assert ns is SCALAR and math.isnan(t)
    # uint8 local arithmetic cannot wrap: 250 - 251 would be 255 in uint8
    w = lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=10), 251)
    t8 = np.array([250, 251, 255], dtype=np.uint8)
    np.testing.assert_array_equal(w(t8), w(t8.astype(np.int64)))
    _, big = prepare(np.array([2**63 + 5], dtype=np.uint64))
    assert big.dtype == np.float64 and big[0] == float(2**63 + 5)


def test_evaluate_protocol(lin: Schedule) -> None:
    from lrcurves._xp import SCALAR, numpy_namespace, prepare

    xp = numpy_namespace()
    ns, t = prepare(np.arange(-2, 7))
    np.testing.assert_array_equal(lin.evaluate(ns, t), lin(np.arange(-2, 7)))
    assert lin.evaluate(SCALAR, 1) == 0.75 and lin.evaluate(SCALAR, 2.5) == 0.375
    # combinators pass negative local steps straight through; kernels stay finite
    assert np.all(np.isfinite(lin.evaluate(xp, np.array([-10**12, -1]))))
    with pytest.raises(ValueError, match="no momentum"):
        lin.evaluate_momentum(xp, np.arange(3))
    cyc = lrcurves.cyclic(0.1, 1.0, step_size_up=2, base_momentum=0.8, max_momentum=0.9)
    np.testing.assert_array_equal(cyc.evaluate_momentum(xp, np.arange(5)), cyc.momentum(np.arange(5)))
    assert not hasattr(lin, "_lr") and not hasattr(lin, "_mom") and not hasattr(lin, "_eval_range")
    assert not hasattr(lrcurves.ScheduleSpec, "eval_range")


def test_flat_ranges(lin: Schedule) -> None:
    assert lin.flat_ranges(0, 10) == [(0, 1), (4, 10)]
    assert lin.flat_ranges(2, 3) == [] and lin.flat_ranges(5, 5) == [] and lin.flat_ranges(7, 3) == []
    assert lrcurves.constant(0.1).flat_ranges(3, 8) == [(3, 8)]
    # every claimed range is exactly constant, and curve() is bit-identical to pointwise
    for s in (lin, lrcurves.step_decay(1.0, step_size=3, decay_rate=0.3), lrcurves.tabulated([0.3, 0.1, 0.2])):
        for a, b in s.flat_ranges(0, 40):
            v = s(np.arange(a, b))
            assert (v == v[0]).all(), (s, a, b)
        for start in (0, 1, 5):
            np.testing.assert_array_equal(lrcurves.curve(s, 40, start=start), s(np.arange(start, start + 40)))


def test_curve_sweep_shape() -> None:
    s = lrcurves.cosine_decay(np.array([[1.0], [2.0]]), 4, end_value=np.array([0.0, 0.1, 0.2]))
    assert s.param_shape == (2, 3)
    c = lrcurves.curve(s, 6, start=1)
    assert c.shape == (6, 2, 3)
    np.testing.assert_array_equal(c, s(np.arange(1, 7)))
    np.testing.assert_allclose(c[:, 1, 2], lrcurves.curve(lrcurves.cosine_decay(2.0, 4, end_value=0.2), 6, start=1))
    assert s(2).shape == (2, 3) and s(np.zeros((4, 5), dtype=int)).shape == (4, 5, 2, 3)
    assert lrcurves.curve(s, 0).shape == (0, 2, 3)
    # a swept parameter the kernel never reads still gives the full sweep shape
    w = lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=3), 0, init_value=np.array([0.1, 0.2, 0.3]))
    assert w.param_shape == (3,)
    for start in (0, 5):
        c = lrcurves.curve(w, 4, start=start)
        assert c.shape == (4, 3) and c.flags.writeable
        np.testing.assert_array_equal(c, w(np.arange(start, start + 4)))
    assert w(np.arange(4)).shape == (4, 3) and w(2).shape == (3,)
    torch = pytest.importorskip("torch")
    assert tuple(w(torch.arange(4)).shape) == (4, 3)


def test_live_hyperparameters_jax() -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy

    def run(p: Any) -> Any:
        return lrcurves.linear(p, 0.0, transition_steps=4)(jnp.arange(5))

    out = jax.vmap(run)(jnp.array([1.0, 2.0]))
    np.testing.assert_allclose(np.asarray(out), [[1, 0.75, 0.5, 0.25, 0], [2, 1.5, 1, 0.5, 0]])
    g = jax.grad(lambda p: lrcurves.cosine_decay(p, decay_steps=10)(jnp.asarray(5)))(jnp.asarray(2.0))
    assert float(g) == pytest.approx(0.5, rel=1e-6)
    live = lrcurves.constant(jnp.asarray(0.1))  # value checks skipped, type checks kept
    assert live.bounds() == (0.0, math.inf)
    with pytest.raises(TypeError, match="no config"):
        live.to_config()
    with pytest.raises(TypeError, match="floating"):
        lrcurves.constant(jnp.asarray(1))
    with pytest.raises(TypeError, match="concrete"):
        lrcurves.cosine_decay(1.0, 4, exponent=jnp.asarray(2.0))


# -- config -----------------------------------------------------------------


def test_config_forms(lin: Schedule, tmp_path: Path) -> None:
    j = lrcurves.join([lin, lrcurves.constant(0.1)], boundaries=[4])
    cfg = j.to_config()
    assert cfg == {
        "name": "join",
        "params": {
            "schedules": [lin.to_config(), {"name": "constant", "params": {"value": 0.1}}],
            "boundaries": [4],
        },
    }
    text = json.dumps(cfg)
    f = tmp_path / "s.json"
    f.write_text(text)
    for src in (cfg, text, "  " + text, f, str(f)):
        assert lrcurves.from_config(src) == j
    assert lrcurves.from_config({"name": "constant", "params": {"value": [0.1, 0.2]}}) == lrcurves.constant(
        [0.1, 0.2]
    )
    assert lrcurves.from_config({"name": "constant", "params": None}.copy() | {"params": {"value": 1}})


def test_from_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no 'name' key"):
        lrcurves.from_config({"params": {}})
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['extra'\]"):
        lrcurves.from_config({"name": "constant", "params": {"value": 1}, "extra": 1})
    with pytest.raises(TypeError, match="'params' must be a dict"):
        lrcurves.from_config({"name": "constant", "params": [1]})
    with pytest.raises(ValueError, match="invalid JSON in <string>"):
        lrcurves.from_config('{"name": ')
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ValueError, match=r"invalid JSON in .*bad\.json"):
        lrcurves.from_config(bad)
    with pytest.raises(ValueError, match="cannot read config file"):
        lrcurves.from_config(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="cannot read config file"):
        lrcurves.from_config(str(tmp_path))
    with pytest.raises(TypeError, match="config must be a dict"):
        lrcurves.from_config(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown schedule"):
        lrcurves.from_config({"name": "nope", "params": {}})
    with pytest.raises(ValueError, match="missing required"):
        lrcurves.from_config({"name": "linear", "params": {"init_value": 1}})
    with pytest.raises(ValueError, match=r"constant: value must be >= 0, got -1"):
        lrcurves.from_config({"name": "constant", "params": {"value": -1}})


# -- curve --------------------------------------------------------------------


def test_curve_numpy(lin: Schedule) -> None:
    c = lrcurves.curve(lin, 6)
    assert c.dtype == np.float64 and c.tolist() == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert lrcurves.curve(lin, 3, start=2).tolist() == [0.5, 0.25, 0.0]
    assert lrcurves.curve(lin, 0).shape == (0,)
    assert lrcurves.curve(lin, 4, xp=np, dtype=np.float32).dtype == np.float32


def test_curve_torch(lin: Schedule) -> None:
    torch = pytest.importorskip("torch")
    c = lrcurves.curve(lin, 6, xp=torch)
    assert isinstance(c, torch.Tensor) and c.shape == (6,)
    assert c.tolist() == pytest.approx([1.0, 0.75, 0.5, 0.25, 0.0, 0.0])
    c64 = lrcurves.curve(lin, 6, xp=torch, dtype=torch.float64)
    assert c64.dtype == torch.float64


def test_curve_jax(lin: Schedule) -> None:
    jnp = pytest.importorskip("jax.numpy")
    c = lrcurves.curve(lin, 6, xp=jnp)
    assert type(c).__module__.startswith("jax") and c.shape == (6,)
    np.testing.assert_allclose(np.asarray(c), [1.0, 0.75, 0.5, 0.25, 0.0, 0.0])
    assert lrcurves.curve(lin, 3, xp=jnp, dtype=jnp.float32).dtype == jnp.float32


def test_curve_errors(lin: Schedule) -> None:
    with pytest.raises(TypeError, match="needs a Schedule"):
        lrcurves.curve(lambda t: t, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="curve: num_steps must be a non-negative integer, got -1"):
        lrcurves.curve(lin, -1)
    with pytest.raises(ValueError, match="curve: start must be a non-negative integer"):
        lrcurves.curve(lin, 3, start=-2)
    with pytest.raises(TypeError, match="curve: num_steps must be an integer"):
        lrcurves.curve(lin, "3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no momentum"):
        lrcurves.curve(lin, 3, momentum=True)


# -- validators ---------------------------------------------------------------


def test_validate_is_public() -> None:
    import importlib.util

    import lrcurves.validate as v

    assert importlib.util.find_spec("lrcurves._validate") is None
    assert v.MAX_INT == 2**62 and v.as_int is as_int


def test_as_int_range() -> None:
    assert as_int("s", "n", 2**62) == 2**62 and as_int("s", "n", -(2**62), min=None) == -(2**62)
    for bad in (2**62 + 1, 2**63, 10**30, 2.0**70):
        with pytest.raises(ValueError, match=r"s: n must be at most 2\*\*62"):
            as_int("s", "n", bad)
    with pytest.raises(ValueError, match="transition_steps"):
        lrcurves.linear(1.0, 0.0, transition_steps=2**62 + 1)
    with pytest.raises(ValueError, match="at most"):
        lrcurves.curve(lrcurves.constant(1.0), 3, start=2**63)


def test_as_int() -> None:
    assert as_int("s", "n", 3) == 3 and as_int("s", "n", 1e3) == 1000 and as_int("s", "n", np.int64(4)) == 4
    for bad, exc, msg in [
        (True, TypeError, r"s: n must be an integer, got True"),
        ("3", TypeError, "must be an integer"),
        (None, TypeError, "must be an integer"),
        (2.5, ValueError, r"must be an integer, got 2.5"),
        (float("nan"), ValueError, "must be an integer"),
        (float("inf"), ValueError, "must be an integer"),
        (-1, ValueError, r"s: n must be a non-negative integer, got -1"),
    ]:
        with pytest.raises(exc, match=msg):
            as_int("s", "n", bad)
    with pytest.raises(ValueError, match="must be a positive integer, got 0"):
        as_int("s", "n", 0, min=1)
    with pytest.raises(ValueError, match="must be an integer >= 5, got 4"):
        as_int("s", "n", 4, min=5)
    with pytest.raises(ValueError, match="must be an integer <= 2, got 3"):
        as_int("s", "n", 3, max=2)
    assert as_int("", "n", -3, min=None) == -3
    with pytest.raises(ValueError, match=r"^n must be"):
        as_int("", "n", -3)


def test_as_ints() -> None:
    assert as_ints("s", "b", [1, 2]) == (1, 2) and as_ints("s", "b", np.array([3])) == (3,)
    with pytest.raises(TypeError, match="must be a sequence of integers"):
        as_ints("s", "b", "12")
    with pytest.raises(TypeError, match="must be a sequence of integers"):
        as_ints("s", "b", 5)
    with pytest.raises(ValueError, match=r"s: b\[1\] must be a non-negative integer, got -1"):
        as_ints("s", "b", [1, -1])
    with pytest.raises(ValueError, match="must not be empty"):
        as_ints("s", "b", [], nonempty=True)
    with pytest.raises(ValueError, match=r"must be strictly increasing, got \[2, 2\]"):
        as_ints("s", "b", [2, 2], increasing=True)


def test_as_value() -> None:
    assert as_value("s", "v", 1) == 1.0 and type(as_value("s", "v", 1)) is float
    arr = as_value("s", "v", [[0.1], [0.2]])
    assert isinstance(arr, np.ndarray) and arr.shape == (2, 1) and not arr.flags.writeable
    assert as_value("s", "v", np.float32(0.5)) == 0.5 and as_value("s", "v", np.array(0.5)) == 0.5
    for bad, exc, msg in [
        (True, TypeError, "s: v must be a real number, got True"),
        ("x", TypeError, "must be a real number or array"),
        (None, (TypeError, ValueError), "got None"),
        (float("nan"), ValueError, "must be finite, got nan"),
        (float("inf"), ValueError, "must be finite"),
        ([0.1, float("nan")], ValueError, "must be finite"),
        (-0.5, ValueError, "must be >= 0, got -0.5"),
        ([0.1, -1.0], ValueError, "must be >= 0"),
    ]:
        with pytest.raises(exc, match=msg):
            as_value("s", "v", bad)
    with pytest.raises(ValueError, match="must be > 0, got 0"):
        as_value("s", "v", 0, min_open=True)
    with pytest.raises(ValueError, match="must be <= 1, got 2"):
        as_value("s", "v", 2, max=1.0)
    with pytest.raises(TypeError, match="must be a real number"):
        as_value("s", "v", [1.0], allow_array=False)
    assert as_value("s", "v", -3, min=None) == -3.0


def test_as_values() -> None:
    assert as_values("s", "t", [1, 2.5]) == (1.0, 2.5)
    with pytest.raises(TypeError, match="must be a sequence of numbers"):
        as_values("s", "t", 1.0)
    with pytest.raises(ValueError, match="must not be empty"):
        as_values("s", "t", [])
    assert as_values("s", "t", [], nonempty=False) == ()
    with pytest.raises(ValueError, match=r"s: t\[1\] must be >= 0"):
        as_values("s", "t", [1, -1])
    with pytest.raises(TypeError, match=r"t\[0\] must be a real number"):
        as_values("s", "t", [[1.0]])


def test_as_bool_choice_le() -> None:
    assert as_bool("s", "f", True) is True and as_bool("s", "f", np.bool_(False)) is False
    for bad in (1, 0, "true", None):
        with pytest.raises(TypeError, match="s: f must be True or False"):
            as_bool("s", "f", bad)
    assert as_choice("s", "c", "a", ["a", "b"]) == "a"
    with pytest.raises(ValueError, match=r"s: c must be one of \['a', 'b'\], got 'A'"):
        as_choice("s", "c", "A", ["a", "b"])
    with pytest.raises(TypeError, match="must be one of"):
        as_choice("s", "c", 1, ["a", "b"])
    check_le("s", "lo", 1.0, "hi", 1.0)
    with pytest.raises(ValueError, match=r"s: lo must be <= hi, got lo=2.0 and hi=1.0"):
        check_le("s", "lo", 2.0, "hi", 1.0)
    with pytest.raises(ValueError, match=r"got lo=\[0.5, 2.0\] and hi=1.0"):
        check_le("s", "lo", np.array([0.5, 2.0]), "hi", 1.0)


def test_factory_errors_name_schedule_param_value() -> None:
    with pytest.raises(ValueError, match=r"polynomial: transition_steps must be a positive integer, got 0"):
        lrcurves.polynomial(1.0, 0.0, transition_steps=0)
    with pytest.raises(ValueError, match=r"polynomial: power must be > 0, got -1"):
        lrcurves.polynomial(1.0, 0.0, transition_steps=3, power=-1)
    with pytest.raises(TypeError, match=r"join: schedules\[1\] must be a Schedule"):
        lrcurves.join([lrcurves.constant(1.0), 3], boundaries=[2])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="join: boundaries must have"):
        lrcurves.join([lrcurves.constant(1.0)], boundaries=[2])


def test_range_and_tuple_steps_resolve_to_numpy() -> None:
    import numpy as np

    s = lrcurves.linear(1.0, 0.0, transition_steps=4)
    expected = np.array([1.0, 0.75, 0.5, 0.25, 0.0])
    for steps in (range(5), tuple(range(5)), list(range(5))):
        out = s(steps)
        assert isinstance(out, np.ndarray)
        np.testing.assert_array_equal(out, expected)
