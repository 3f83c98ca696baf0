"""Parameter validators (public: compat modules and adapters use them too).

Every factory checks its parameters here, in plain Python, before any array
exists.  A bad value raises :class:`ValueError` (bad value) or
:class:`TypeError` (wrong type) whose message names the schedule, the
parameter and the value, e.g. ``cosine_decay: decay_steps must be a positive
integer, got -5``.  Nothing ever degrades silently.

Value parameters (learning rates, factors) may be array-likes (a sweep of K
peak values): they are stored as read-only float64 NumPy arrays and checked
element-wise.  They may also be *live* values -- a JAX array or tracer, or a
torch tensor -- so that ``jax.vmap`` over ``peak_value`` and ``jax.grad``
with respect to a schedule parameter work: those keep their type and shape
checks (a real floating dtype) but skip the value checks, which would need
concrete numbers.  Step counts (every ``*_steps``, ``step_size``,
``milestones``, ``boundaries``), choices and flags are always concrete Python
scalars: they decide the structure of the curve.

Limits (hostile configs meet them with a clear :class:`ValueError`, never a
hang or a raw backend error):

* integers, step counts and integer-typed values are limited to
  ``|n| <= 2**62`` (:data:`MAX_INT`), so step arithmetic never overflows
  int64; a value that overflows float64 (``10**400``) is "not finite";
* tables, sequences and parameter sweeps hold at most :data:`MAX_TABLE`
  entries (checked before any element is converted), sweeps at most
  :data:`MAX_SWEEP_DIMS` dimensions;
* schedules nest at most :data:`MAX_DEPTH` deep (checked by
  :class:`~lrcurves.Schedule` construction, so ``bounds()``, ``repr``,
  ``==``, pickling and configs never meet Python's recursion limit).

Error messages show long values abbreviated (:func:`brief`).
"""

from __future__ import annotations

import builtins
import itertools
import math
import numbers
import reprlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "MAX_DEPTH",
    "MAX_SWEEP_DIMS",
    "MAX_TABLE",
    "Value",
    "as_bool",
    "as_choice",
    "as_int",
    "as_ints",
    "as_value",
    "as_values",
    "brief",
    "check_le",
    "fail",
    "MAX_INT",
    "state_dict_of",
    "state_floats",
    "state_int",
    "state_schedule",
    "state_schedules",
]

Value = float | np.ndarray  # what a value parameter becomes after validation
MAX_INT = 2**62  # the largest step count or step a schedule accepts
MAX_TABLE = 10**7  # the most entries a table, sequence or sweep may hold
MAX_DEPTH = 64  # the deepest nesting of schedules in schedules
MAX_SWEEP_DIMS = 16  # dimensions of an array-valued parameter (steps add theirs; NumPy stops at 32)

_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = 8
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlong = 40
_REPR.maxlevel = 3
_REPR.maxdict = 8


def brief(v: Any) -> str:
    """``repr(v)``, abbreviated: a 10**7-entry table or ``10**400`` stays one short line."""
    if isinstance(v, np.ndarray):
        return f"array(shape={v.shape}, dtype={v.dtype})" if v.size > 8 else repr(v.tolist())
    try:
        return _REPR.repr(v)
    except Exception:  # a hostile __repr__
        return f"<{type(v).__name__}>"


def fail(where: str, msg: str, exc: type[Exception] = ValueError) -> Exception:
    """Build the exception for ``where`` (``"schedule: param"``)."""
    return exc(f"{where} {msg}")


def _label(schedule: str, name: str) -> str:
    return f"{schedule}: {name}" if schedule else name


def as_int(
    schedule: str,
    name: str,
    v: Any,
    *,
    min: int | None = 0,
    max: int | None = None,
) -> int:
    """An integer (integral floats such as JSON's ``1e3`` are accepted)."""
    where = _label(schedule, name)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Integral, numbers.Real)):
        raise fail(where, f"must be an integer, got {brief(v)}", TypeError)
    if isinstance(v, numbers.Integral):
        iv = int(v)
    else:
        try:
            fv = float(v)
        except OverflowError:
            fv = math.inf
        if not math.isfinite(fv) or fv != math.floor(fv):
            raise fail(where, f"must be an integer, got {brief(v)}")
        iv = int(fv)
    if abs(iv) > MAX_INT:
        raise fail(where, f"must be at most 2**62 in magnitude, got {brief(v)}")
    if min is not None and iv < min:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(
            min, f"an integer >= {min}"
        )
        raise fail(where, f"must be {what}, got {brief(v)}")
    if max is not None and iv > max:
        raise fail(where, f"must be an integer <= {max}, got {brief(v)}")
    return iv


def as_ints(
    schedule: str,
    name: str,
    v: Any,
    *,
    min: int | None = 0,
    increasing: bool = False,
    nonempty: bool = False,
) -> tuple[int, ...]:
    """A tuple of integers, optionally strictly increasing."""
    where = _label(schedule, name)
    _check_sequence(where, v, "integers")
    out = _fast_ints(v, min)
    if out is None:  # slow path: one clear message per bad entry
        out = tuple(as_int(schedule, f"{name}[{i}]", x, min=min) for i, x in enumerate(v))
    if nonempty and not out:
        raise fail(where, "must not be empty")
    if increasing:
        for i, (a, b) in enumerate(itertools.pairwise(out)):
            if b <= a:
                raise fail(
                    where, f"must be strictly increasing, got {brief(list(out))} ({name}[{i + 1}] = {b} <= {a})"
                )
    return out


def _fast_ints(v: Any, lowest: int | None) -> tuple[int, ...] | None:
    """``tuple(v)`` when every entry is a valid plain ``int`` (checked in one pass), else ``None``."""
    if isinstance(v, np.ndarray) or len(v) < 64 or not set(map(type, v)) <= {int}:
        return None
    lo, hi = builtins.min(v), builtins.max(v)
    if builtins.max(-lo, hi) > MAX_INT or (lowest is not None and lo < lowest):
        return None  # the slow path names the entry
    return tuple(v)


def _check_sequence(where: str, v: Any, what: str) -> None:
    """A list, tuple or 1-d array of at most :data:`MAX_TABLE` entries."""
    if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray)):
        raise fail(where, f"must be a sequence of {what}, got {brief(v)}", TypeError)
    if isinstance(v, np.ndarray) and v.ndim != 1:
        raise fail(where, f"must be a 1-d sequence of {what}, got an array of shape {v.shape}", TypeError)
    if len(v) > MAX_TABLE:
        raise fail(where, f"must have at most {MAX_TABLE} entries, got {len(v)}")


def as_value(
    schedule: str,
    name: str,
    v: Any,
    *,
    min: float | None = 0.0,
    max: float | None = None,
    min_open: bool = False,
    allow_array: bool = True,
) -> Value:
    """A finite real value (or array of them) within ``[min, max]``.

    ``min_open`` makes the lower bound strict.  Arrays are returned as
    read-only float64 NumPy arrays; scalars as Python floats.
    """
    where = _label(schedule, name)
    if isinstance(v, (bool, np.bool_)):
        raise fail(where, f"must be a real number, got {v!r}", TypeError)
    if _is_live(v):
        if not allow_array:
            raise fail(where, f"must be a concrete Python number (it shapes the curve), got {type(v).__name__}", TypeError)
        if "float" not in str(v.dtype):
            raise fail(where, f"must have a real floating dtype, got {v.dtype}", TypeError)
        return v  # a live hyperparameter: type and shape checked, values not
    if isinstance(v, numbers.Real):
        arr = None
        if isinstance(v, numbers.Integral) and abs(int(v)) > MAX_INT:
            raise fail(where, f"must be at most 2**62 in magnitude, got {brief(v)}")
        try:
            fv = float(v)
        except (OverflowError, TypeError, ValueError):
            raise fail(where, f"must be finite, got {brief(v)}") from None
        vals: Any = [fv]
    else:
        if not allow_array:
            raise fail(where, f"must be a real number, got {brief(v)}", TypeError)
        arr = _real_array(where, v)
        if arr.ndim == 0:
            fv = float(arr)
            arr = None
            vals = [fv]
        else:
            vals = arr.ravel()
    bad = _first_bad(vals, min=min, max=max, min_open=min_open)
    if bad is not None:
        i, x, msg = bad
        at = f" (entry {i}: {x!r})" if arr is not None else ""
        raise fail(where, f"must be {msg}, got {brief(v)}{at}")
    if arr is None:
        return fv
    arr.setflags(write=False)
    return arr


def _real_array(where: str, v: Any) -> np.ndarray:
    """A float64 copy of an array-like of reals (never of strings, bools or objects)."""
    if isinstance(v, (str, bytes, dict, set, frozenset)) or (
        isinstance(v, (list, tuple)) and any(isinstance(x, (bool, np.bool_)) for x in v)
    ):
        raise fail(where, f"must be a real number or array of them, got {brief(v)}", TypeError)
    n = v.size if isinstance(v, np.ndarray) else len(v) if isinstance(v, Sequence) else 1
    if n > MAX_TABLE:
        raise fail(where, f"must have at most {MAX_TABLE} entries, got {n}")
    try:
        raw = np.asarray(v)
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise fail(where, f"must be a real number or a rectangular array of them, got {brief(v)}", TypeError) from exc
    kind = raw.dtype.kind
    if kind == "O":  # Python ints beyond 64 bits, or mixed objects
        try:
            flat = [x for x in raw.ravel().tolist() if isinstance(x, numbers.Integral) and not isinstance(x, bool)]
        except Exception:  # pragma: no cover - exotic objects
            flat = []
        if flat and max(abs(int(x)) for x in flat) > MAX_INT:
            raise fail(where, f"must be at most 2**62 in magnitude, got {brief(v)}")
        raise fail(where, f"must be a real number or array of them, got {brief(v)}", TypeError)
    if kind not in "iuf":
        raise fail(where, f"must be a real number or array of real numbers, got {brief(v)} (dtype {raw.dtype})", TypeError)
    if raw.size > MAX_TABLE:
        raise fail(where, f"must have at most {MAX_TABLE} entries, got {raw.size}")
    if raw.size == 0:
        raise fail(where, f"must not be empty, got {brief(v)}")
    if raw.ndim > MAX_SWEEP_DIMS:
        raise fail(where, f"must have at most {MAX_SWEEP_DIMS} dimensions, got {raw.ndim}")
    if kind in "iu" and raw.size and int(np.max(np.abs(raw.astype(np.float64)))) > MAX_INT:
        raise fail(where, f"must be at most 2**62 in magnitude, got {brief(v)}")
    return np.array(raw, dtype=np.float64, copy=True)


def _first_bad(
    vals: Any, *, min: float | None, max: float | None, min_open: bool
) -> tuple[int, float, str] | None:
    """``(index, value, requirement)`` of the first value breaking a bound, else ``None``."""
    a = np.asarray(vals, dtype=np.float64)
    ok = np.isfinite(a)
    if min is not None:
        ok &= (a > min) if min_open else (a >= min)
    if max is not None:
        ok &= a <= max
    if bool(ok.all()):
        return None
    i = int(np.argmin(ok))
    x = float(a.flat[i])
    if not math.isfinite(x):
        return i, x, "finite"
    if min is not None and (x <= min if min_open else x < min):
        return i, x, f"{'>' if min_open else '>='} {min:g}"
    return i, x, f"<= {max:g}"


def _is_live(v: Any) -> bool:
    """A JAX array/tracer or torch tensor (see the module docstring)."""
    return type(v).__module__.startswith(("jax", "torch")) and hasattr(v, "dtype")


def as_values(
    schedule: str,
    name: str,
    v: Any,
    *,
    min: float | None = 0.0,
    nonempty: bool = True,
) -> tuple[float, ...]:
    """A tuple of finite floats (a table, or per-milestone factors)."""
    where = _label(schedule, name)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        raise fail(where, f"must be a 1-d sequence of numbers, got a 0-d array {brief(v)}", TypeError)
    _check_sequence(where, v, "numbers")
    arr = _fast_floats(v)
    if arr is None:  # slow path: one clear message per bad entry
        out = tuple(
            float(as_value(schedule, f"{name}[{i}]", x, min=min, allow_array=False))
            for i, x in enumerate(v)
        )
    else:
        bad = _first_bad(arr, min=min, max=None, min_open=False)
        if bad is not None:
            i, x, msg = bad
            raise fail(_label(schedule, f"{name}[{i}]"), f"must be {msg}, got {x!r}")
        out = tuple(arr.tolist())
    if nonempty and not out:
        raise fail(where, "must not be empty")
    return out


def _fast_floats(v: Any) -> np.ndarray | None:
    """A float64 array of ``v`` when every entry is a plain number (one C pass), else ``None``.

    A 10**7-entry table from a JSON config converts in a fraction of a
    second; anything unusual (bools, strings, nested lists, huge ints) takes
    the per-entry path and its precise message.
    """
    if isinstance(v, np.ndarray):
        if v.ndim == 1 and v.dtype.kind == "f":
            return np.asarray(v, dtype=np.float64)
        if v.ndim == 1 and v.dtype.kind in "iu" and (v.size == 0 or int(np.max(np.abs(v.astype(np.float64)))) <= MAX_INT):
            return v.astype(np.float64)
        return None
    if len(v) < 64:
        return None
    types = set(map(type, v))
    if not types <= {float, int}:
        return None
    try:
        arr = np.array(v, dtype=np.float64)
    except (OverflowError, ValueError, TypeError):
        return None
    if int in types and np.max(np.abs(arr)) > MAX_INT:
        return None  # the slow path names the entry
    return arr


def as_bool(schedule: str, name: str, v: Any) -> bool:
    """A real ``bool`` (``0``/``1`` and strings are rejected)."""
    if not isinstance(v, (bool, np.bool_)):
        raise fail(_label(schedule, name), f"must be True or False, got {v!r}", TypeError)
    return bool(v)


def as_choice(schedule: str, name: str, v: Any, choices: Sequence[str]) -> str:
    """One of ``choices`` (exact, case-sensitive)."""
    if not isinstance(v, str):
        raise fail(_label(schedule, name), f"must be one of {list(choices)}, got {v!r}", TypeError)
    if v not in choices:
        raise fail(_label(schedule, name), f"must be one of {list(choices)}, got {v!r}")
    return v


def check_le(schedule: str, a_name: str, a: Value, b_name: str, b: Value) -> None:
    """Require ``a <= b`` element-wise (e.g. ``min_value <= max_value``); live values skip it."""
    if _is_live(a) or _is_live(b):
        return
    if np.any(np.asarray(a) > np.asarray(b)):
        raise ValueError(
            f"{schedule}: {a_name} must be <= {b_name}, got {a_name}={_show(a)} and {b_name}={_show(b)}"
        )


def _show(v: Value) -> str:
    return repr(v.tolist()) if isinstance(v, np.ndarray) else repr(v)


# ---------------------------------------------------------------------------
# scheduler state dicts (checkpoints are hostile input too)


def state_dict_of(where: str, sd: Any, required: Sequence[str]) -> dict[str, Any]:
    """A copy of ``sd``, which must be a dict holding every key of ``required``.

    A state saved by another scheduler, a truncated or hand-edited
    checkpoint, or no dict at all raise :class:`ValueError` naming the
    missing keys and the keys present.
    """
    if not isinstance(sd, Mapping):
        raise ValueError(f"{where}.load_state_dict: a state_dict must be a dict, got {type(sd).__name__}")
    missing = [k for k in required if k not in sd]
    if missing:
        have = sorted(str(k) for k in sd)
        raise ValueError(
            f"{where}.load_state_dict: not a {where} state (missing {missing}; it has "
            f"{brief(have)}): a state saved by another scheduler, or a corrupted checkpoint"
        )
    return dict(sd)


def state_int(where: str, sd: Mapping[str, Any], key: str, *, min: int | None = None) -> int:
    """``sd[key]`` as an int (a real integer, not ``5.5``, ``"5"`` or ``True``)."""
    v = sd[key]
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
        raise ValueError(f"{where}.load_state_dict: {key!r} must be an integer, got {brief(v)}")
    iv = int(v)
    if abs(iv) > MAX_INT or (min is not None and iv < min):
        raise ValueError(f"{where}.load_state_dict: {key!r} must be an integer >= {min}, got {brief(v)}")
    return iv


def state_floats(
    where: str, sd: Mapping[str, Any], key: str, n: int | None = None, *, min: float | None = None
) -> list[float]:
    """``sd[key]`` as a list of ``n`` finite floats (``>= min``)."""
    v = sd[key]
    if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray)):
        raise ValueError(f"{where}.load_state_dict: {key!r} must be a list of numbers, got {brief(v)}")
    out = []
    for x in v:
        if hasattr(x, "item") and getattr(x, "ndim", 0) == 0:
            x = x.item()  # a 0-d tensor (torch keeps tensor LRs)
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
            raise ValueError(f"{where}.load_state_dict: {key!r} must hold numbers, got {brief(list(v))}")
        fx = float(x)
        if not math.isfinite(fx) or (min is not None and fx < min):
            raise ValueError(f"{where}.load_state_dict: {key!r} must hold finite values >= {min}, got {brief(list(v))}")
        out.append(fx)
    if n is not None and len(out) != n:
        raise ValueError(f"{where}.load_state_dict: {key!r} has {len(out)} entries for {n} param groups")
    return out


def state_schedule(where: str, key: str, config: Any) -> Any:
    """A schedule rebuilt from a state dict's config; a bad config is a ``ValueError`` naming ``key``."""
    from lrcurves._config import from_config  # validate sits below the config loader

    try:
        return from_config(config)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}.load_state_dict: {key!r} is not a valid schedule config: {exc}") from None


def state_schedules(where: str, sd: Mapping[str, Any], n: int) -> tuple[Any, list[Any] | None, list[Any]]:
    """``(schedule, group_schedules, per_group)`` from a shim's ``"schedule"``/``"group_schedules"`` configs.

    ``per_group`` has one schedule per param group (``n``): the group
    schedules, else ``schedule`` repeated.  Anything else raises
    :class:`ValueError`, before the caller changes any state.
    """
    sched = None if sd.get("schedule") is None else state_schedule(where, "schedule", sd["schedule"])
    gs = sd.get("group_schedules")
    if gs is not None and (isinstance(gs, (str, bytes, dict)) or not isinstance(gs, (list, tuple))):
        raise ValueError(f"{where}.load_state_dict: 'group_schedules' must be a list of configs or None")
    groups = None if gs is None else [state_schedule(where, f"group_schedules[{i}]", c) for i, c in enumerate(gs)]
    per_group = [sched] * n if groups is None else groups
    if len(per_group) != n or any(s is None for s in per_group):
        raise ValueError(
            f"{where}.load_state_dict: the state has {len(per_group)} group schedules but the optimizer "
            f"has {n} param groups"
        )
    return sched, groups, per_group
