"""Schedule value semantics, config round trips, ``curve`` and validator errors."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import lrcurves
from lrcurves import Schedule
from lrcurves._validate import as_bool, as_choice, as_int, as_ints, as_value, as_values, check_le


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
    same = lrcurves.linear(1, 0, 4)
    assert same == lin and hash(same) == hash(lin) and len({lin, same}) == 1
    assert lin != lrcurves.linear(1.0, 0.0, 5)
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
    with pytest.raises(ValueError, match="array-valued"):
        sweep.momentum_value(0)


def test_introspection(lin: Schedule) -> None:
    assert lin.bounds() == (0.0, 1.0)
    assert lin.phases() == (0, 4)
    assert lin.momentum_bounds() == (0.0, 1.0)
    assert lin.name == "linear" and lin.spec.name == "linear"


def test_pickle(lin: Schedule) -> None:
    j = lrcurves.join([lin, lrcurves.constant(np.array([0.1]))], boundaries=[3])
    assert pickle.loads(pickle.dumps(j)) == j


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

    s = lrcurves.linear(1.0, 0.0, 4)
    expected = np.array([1.0, 0.75, 0.5, 0.25, 0.0])
    for steps in (range(5), tuple(range(5)), list(range(5))):
        out = s(steps)
        assert isinstance(out, np.ndarray)
        np.testing.assert_array_equal(out, expected)
