"""Parameter validators.

Every factory checks its parameters here, in plain Python, before any array
exists.  A bad value raises :class:`ValueError` (bad value) or
:class:`TypeError` (wrong type) whose message names the schedule, the
parameter and the value, e.g. ``cosine_decay: decay_steps must be a positive
integer, got -5``.  Nothing ever degrades silently.

Value parameters (learning rates, factors) may be array-likes that broadcast
against the step (a sweep of K peak values over N steps): they are stored as
read-only float64 NumPy arrays and checked element-wise.  Step counts,
choices and flags are Python scalars.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "Value",
    "as_bool",
    "as_choice",
    "as_int",
    "as_ints",
    "as_value",
    "as_values",
    "check_le",
    "fail",
]

Value = float | np.ndarray  # what a value parameter becomes after validation


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
    if isinstance(v, bool) or not isinstance(v, (numbers.Integral, numbers.Real)):
        raise fail(where, f"must be an integer, got {v!r}", TypeError)
    if isinstance(v, numbers.Integral):
        iv = int(v)
    else:
        fv = float(v)
        if not math.isfinite(fv) or fv != math.floor(fv):
            raise fail(where, f"must be an integer, got {v!r}")
        iv = int(fv)
    if min is not None and iv < min:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(
            min, f"an integer >= {min}"
        )
        raise fail(where, f"must be {what}, got {v!r}")
    if max is not None and iv > max:
        raise fail(where, f"must be an integer <= {max}, got {v!r}")
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
    if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray)):
        raise fail(where, f"must be a sequence of integers, got {v!r}", TypeError)
    out = tuple(as_int(schedule, f"{name}[{i}]", x, min=min) for i, x in enumerate(v))
    if nonempty and not out:
        raise fail(where, "must not be empty")
    if increasing and any(b <= a for a, b in itertools.pairwise(out)):
        raise fail(where, f"must be strictly increasing, got {list(out)}")
    return out


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
    if isinstance(v, bool):
        raise fail(where, f"must be a real number, got {v!r}", TypeError)
    if isinstance(v, numbers.Real):
        arr = None
        fv = float(v)
        vals = [fv]
    else:
        if not allow_array:
            raise fail(where, f"must be a real number, got {v!r}", TypeError)
        try:
            arr = np.array(v, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise fail(where, f"must be a real number or array of them, got {v!r}", TypeError) from exc
        if arr.ndim == 0:
            fv = float(arr)
            arr = None
            vals = [fv]
        else:
            vals = arr.ravel()
    for x in vals:
        if not math.isfinite(x):
            raise fail(where, f"must be finite, got {v!r}")
        if min is not None and (x <= min if min_open else x < min):
            rel = ">" if min_open else ">="
            raise fail(where, f"must be {rel} {min:g}, got {v!r}")
        if max is not None and x > max:
            raise fail(where, f"must be <= {max:g}, got {v!r}")
    if arr is None:
        return fv
    arr.setflags(write=False)
    return arr


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
    if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray)):
        raise fail(where, f"must be a sequence of numbers, got {v!r}", TypeError)
    out = tuple(
        float(as_value(schedule, f"{name}[{i}]", x, min=min, allow_array=False))
        for i, x in enumerate(v)
    )
    if nonempty and not out:
        raise fail(where, "must not be empty")
    return out


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
    """Require ``a <= b`` element-wise (e.g. ``min_value <= max_value``)."""
    if np.any(np.asarray(a) > np.asarray(b)):
        raise ValueError(
            f"{schedule}: {a_name} must be <= {b_name}, got {a_name}={_show(a)} and {b_name}={_show(b)}"
        )


def _show(v: Value) -> str:
    return repr(v.tolist()) if isinstance(v, np.ndarray) else repr(v)
