"""Time units: write schedules in epochs, samples or tokens; run them in optimizer steps.

Every schedule counts *optimizer steps* (one ``optimizer.step()``, i.e. one
update after gradient accumulation).  This module converts the units people
plan in -- epochs, samples, tokens -- into those steps, exactly, once, when a
schedule is built:

* :class:`Units` describes one optimizer step: ``steps_per_epoch``,
  ``samples_per_step`` (micro-batch x gradient accumulation x data-parallel
  world size, see :meth:`Units.from_batch`) and ``tokens_per_step``
  (``samples_per_step`` x sequence length).
* :meth:`Units.to_steps` converts one number with rational arithmetic
  (:class:`fractions.Fraction`; a float counts as the decimal it prints as,
  so ``0.1`` epochs of 1000 steps is exactly 100 steps).  A result that is
  not a whole number of steps raises :class:`ValueError` unless a
  ``rounding`` rule (``"floor"``, ``"ceil"``, ``"nearest"``) is given.
* :func:`get` builds a registered schedule from parameters written in units:
  each step parameter (:data:`STEP_PARAMS`) may be given as
  ``<stem>_epochs``, ``<stem>_samples`` or ``<stem>_tokens`` instead
  (``warmup_epochs`` for ``warmup_steps``, ``boundaries_epochs`` for
  ``boundaries``; see :func:`unit_name`).  :func:`lrcurves.from_config`
  does the same for configs with a ``"units"`` block or a ``units=``
  keyword, nested schedules included.
* :func:`step_at` and :func:`at_epoch` go the other way: the step reached
  at a (fractional) epoch, and the schedule's value there, for scalars and
  NumPy arrays.

Units are resolved at build time: the schedule, its ``repr`` and its
:meth:`~lrcurves.Schedule.to_config` hold plain steps, so a saved config
never depends on the batch size it was planned with.

>>> import lrcurves
>>> from lrcurves.units import Units, get
>>> u = Units(steps_per_epoch=500)
>>> s = get("warmup_cosine", units=u, peak_value=3e-4, warmup_epochs=1, total_epochs=90)
>>> s == lrcurves.warmup_cosine(peak_value=3e-4, warmup_steps=500, total_steps=45000)
True
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from lrcurves._schedule import get as _get, spec
from lrcurves.validate import MAX_INT, as_choice, as_int, brief

if TYPE_CHECKING:
    from lrcurves._schedule import Schedule

__all__ = [
    "NOT_STEPS",
    "PARAM_UNITS",
    "ROUNDINGS",
    "STEP_PARAMS",
    "UNITS",
    "UNITS_KEY",
    "Rounding",
    "StepRounding",
    "Unit",
    "Units",
    "at_epoch",
    "get",
    "step_at",
    "step_params",
    "to_step_params",
    "unit_name",
]

Unit = Literal["steps", "epochs", "samples", "tokens"]
Rounding = Literal["floor", "ceil", "nearest"]
StepRounding = Literal["floor", "ceil", "nearest", "continuous"]

#: The units :meth:`Units.to_steps` understands.
UNITS: tuple[str, ...] = ("steps", "epochs", "samples", "tokens")
#: The units a step parameter may be written in (``<stem>_<unit>``).
PARAM_UNITS: tuple[str, ...] = ("epochs", "samples", "tokens")
#: Rounding rules for a conversion that does not land on a whole step
#: (``"nearest"`` rounds halves up: 2.5 steps is step 3).
ROUNDINGS: tuple[str, ...] = ("floor", "ceil", "nearest")
#: The key of the units block in a config (see :func:`lrcurves.from_config`).
UNITS_KEY = "units"

#: The parameters of each registered schedule that count optimizer steps
#: (lengths, offsets, boundaries, milestones), in signature order.  Explicit,
#: not guessed from annotations: ``chebyshev``'s ``num_nodes``,
#: ``cyclic``'s ``stairs_up`` and ``cosine_restarts``' ``max_cycles`` are
#: integers that count other things (:data:`NOT_STEPS`).  A test checks the table against every registered
#: signature.  Schedules registered elsewhere fall back to their ``*_steps``
#: parameters.
STEP_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "chebyshev": (),
        "clip": (),
        "constant": (),
        "cosine_decay": ("decay_steps", "transition_begin"),
        "cosine_restarts": ("first_cycle_steps", "warmup_steps"),
        "cyclic": ("step_size_up", "step_size_down"),
        "exponential_decay": ("transition_steps", "transition_begin"),
        "exponential_range_test": ("num_steps",),
        "inverse_sqrt": ("timescale",),
        "inverse_time": ("decay_steps",),
        "join": ("boundaries",),
        "linear": ("transition_steps", "transition_begin"),
        "linear_range_test": ("step_size",),
        "multistep": ("milestones",),
        "one_cycle": ("total_steps",),
        "piecewise_constant": ("boundaries",),
        "polynomial": ("transition_steps", "transition_begin"),
        "polynomial_growth": ("transition_steps", "transition_begin"),
        "product": (),
        "remap": (),
        "repeat": ("period",),
        "rex": ("decay_steps",),
        "scale": (),
        "shift": ("by",),
        "step_decay": ("step_size",),
        "tabulated": (),
        "tanh_decay": ("decay_steps",),
        "warmup": ("warmup_steps",),
        "warmup_cosine": ("warmup_steps", "total_steps"),
        "warmup_linear_decay": ("warmup_steps", "total_steps"),
        "warmup_stable_decay": ("warmup_steps", "stable_steps", "decay_steps"),
        "with_momentum": (),
    }
)

#: Integer parameters that are *not* step counts (never converted).
NOT_STEPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "chebyshev": ("num_nodes", "order"),
        "cosine_restarts": ("max_cycles",),
        "cyclic": ("stairs_up", "stairs_down"),
    }
)

_STEPS_SUFFIX = "_steps"


def unit_name(param: str, unit: str) -> str:
    """The spelling of step parameter ``param`` in ``unit``.

    ``<stem>_steps`` becomes ``<stem>_<unit>``; any other step parameter
    gets ``_<unit>`` appended.

    Args:
      param: a step parameter (see :data:`STEP_PARAMS`).
      unit: ``"epochs"``, ``"samples"`` or ``"tokens"``.

    Examples:
      >>> from lrcurves.units import unit_name
      >>> unit_name("warmup_steps", "epochs"), unit_name("decay_steps", "tokens")
      ('warmup_epochs', 'decay_tokens')
      >>> unit_name("milestones", "epochs"), unit_name("transition_begin", "samples")
      ('milestones_epochs', 'transition_begin_samples')
    """
    if unit not in PARAM_UNITS:
        raise ValueError(f"unit_name: unit must be one of {list(PARAM_UNITS)}, got {unit!r}")
    stem = param[: -len(_STEPS_SUFFIX)] if param.endswith(_STEPS_SUFFIX) else param
    return f"{stem}_{unit}"


def step_params(name: str) -> tuple[str, ...]:
    """The parameters of registered schedule ``name`` that count optimizer steps.

    Args:
      name: a registered schedule or preset name.

    Examples:
      >>> from lrcurves.units import step_params
      >>> step_params("warmup_cosine")
      ('warmup_steps', 'total_steps')
      >>> step_params("multistep")
      ('milestones',)
    """
    sp = spec(name)  # unknown names: the registry's own message
    if name in STEP_PARAMS:
        return STEP_PARAMS[name]
    return tuple(p for p in sp.parameters if p.endswith(_STEPS_SUFFIX))


# ---------------------------------------------------------------------------
# exact numbers


def _exact(where: str, name: str, v: Any, *, allow_str: bool = False) -> Fraction:
    """``v`` as an exact, finite, non-negative :class:`Fraction`.

    A float counts as the decimal it prints as (``0.1`` is 1/10, not the
    binary double nearest to it); NumPy floats use their own type's shortest
    repr (``np.float32(0.1)`` is 1/10 too).
    """
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be a number, got {bool(v)!r}")
    try:
        if isinstance(v, Fraction):
            x = v
        elif isinstance(v, numbers.Integral):
            x = Fraction(int(v))
        elif isinstance(v, np.floating):
            x = _from_decimal(where, name, v, str(v))
        elif isinstance(v, float):
            x = _from_decimal(where, name, v, repr(v))
        elif isinstance(v, Decimal):
            x = _from_decimal(where, name, v, str(v))
        elif isinstance(v, numbers.Rational):
            x = Fraction(int(v.numerator), int(v.denominator))
        elif isinstance(v, str) and allow_str:
            x = _from_decimal(where, name, v, v.strip())
        else:
            raise TypeError(f"{where}: {name} must be a number, got {brief(v)} ({type(v).__name__})")
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        if str(exc).startswith(f"{where}:"):
            raise
        raise ValueError(f"{where}: {name} must be a finite number, got {brief(v)}") from None
    if x < 0:
        raise ValueError(f"{where}: {name} must be >= 0, got {_num(v)}")
    return x


_EXPONENT = re.compile(r"[eE]([+-]?\d+)")


def _from_decimal(where: str, name: str, v: Any, text: str) -> Fraction:
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity", "snan"):
        raise ValueError(f"{where}: {name} must be finite, got {_num(v)}")
    # hostile text ("1e999999999") must not build a billion-digit integer
    exp = _EXPONENT.search(text)
    if len(text) > 400 or (exp is not None and abs(int(exp.group(1)[:6])) > 400):
        raise ValueError(f"{where}: {name} is out of range, got {brief(v)}")
    return Fraction(text)


def _num(v: Any) -> str:
    """A number as written in messages: ``0.1``, ``1000/3``, ``500``."""
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, (np.floating, np.integer)):
        return str(v)
    return brief(v)


def _approx(x: Fraction) -> str:
    return repr(float(x))


def _round(x: Fraction, rounding: str) -> int:
    if rounding == "floor":
        return math.floor(x)
    if rounding == "ceil":
        return math.ceil(x)
    return math.floor(x + Fraction(1, 2))  # "nearest": halves up


# ---------------------------------------------------------------------------
# Units


_BATCH_KEYS = ("micro_batch_size", "grad_accum", "world_size", "seq_len", "dataset_size")


@dataclass(frozen=True, kw_only=True, repr=False)
class Units:
    """How one optimizer step relates to epochs, samples and tokens.

    Give the fields you plan in; a conversion needing a missing one raises
    :class:`ValueError`.  Values are normalised on construction
    (``steps_per_epoch`` becomes an ``int`` when whole, else a
    :class:`~fractions.Fraction`), so equal time bases compare equal.

    Attributes:
      steps_per_epoch: optimizer steps in one epoch, ``> 0``: an ``int``, or
        a rational such as ``Fraction(1000, 3)`` or the string ``"1000/3"``
        (a float counts as the decimal it prints as).
      samples_per_step: samples consumed by one optimizer step (micro-batch x
        gradient accumulation x data-parallel world size), a positive int.
      tokens_per_step: tokens consumed by one optimizer step
        (``samples_per_step`` x sequence length), a positive int.
      rounding: the default rule for conversions that do not land on a whole
        step: ``None`` (raise), ``"floor"``, ``"ceil"`` or ``"nearest"``
        (halves up).

    Examples:
      >>> from fractions import Fraction
      >>> from lrcurves.units import Units
      >>> u = Units(steps_per_epoch=1000, samples_per_step=256)
      >>> u.to_steps(0.1, "epochs"), u.to_steps(2560, "samples")
      (100, 10)
      >>> Units(steps_per_epoch="1000/3").steps_per_epoch
      Fraction(1000, 3)
    """

    steps_per_epoch: int | Fraction | None = None
    samples_per_step: int | None = None
    tokens_per_step: int | None = None
    rounding: Rounding | None = None

    def __post_init__(self) -> None:
        where = "Units"
        spe = self.steps_per_epoch
        if spe is not None:
            x = _exact(where, "steps_per_epoch", spe, allow_str=True)
            if x == 0:
                raise ValueError(f"{where}: steps_per_epoch must be > 0, got {_num(spe)}")
            if x > MAX_INT:
                raise ValueError(f"{where}: steps_per_epoch must be at most 2**62, got {_num(spe)}")
            object.__setattr__(self, "steps_per_epoch", int(x) if x.denominator == 1 else x)
        for name in ("samples_per_step", "tokens_per_step"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, as_int(where, name, v, min=1))
        if self.rounding is not None:
            as_choice(where, "rounding", self.rounding, ROUNDINGS)
        if spe is None and self.samples_per_step is None and self.tokens_per_step is None:
            raise ValueError(
                f"{where}: give at least one of steps_per_epoch, samples_per_step, tokens_per_step"
            )

    def __repr__(self) -> str:
        """Only the fields that are set: ``Units(steps_per_epoch=500)``."""
        given = ((f.name, getattr(self, f.name)) for f in fields(self))
        return "Units(" + ", ".join(f"{k}={v!r}" for k, v in given if v is not None) + ")"

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_batch(
        cls,
        micro_batch_size: int,
        *,
        grad_accum: int = 1,
        world_size: int = 1,
        seq_len: int | None = None,
        steps_per_epoch: int | Fraction | str | None = None,
        dataset_size: int | None = None,
        rounding: Rounding | None = None,
    ) -> Units:
        """Units from the batch layout of a data-parallel training run.

        ``samples_per_step = micro_batch_size * grad_accum * world_size``
        and, with ``seq_len``, ``tokens_per_step = samples_per_step *
        seq_len``.  ``dataset_size`` gives the *ideal* ``steps_per_epoch =
        dataset_size / samples_per_step`` (a fraction when it does not
        divide); a loader that drops or pads the last batch has another
        count -- pass it as ``steps_per_epoch`` instead (for instance
        ``len(loader) // grad_accum``).

        Args:
          micro_batch_size: samples per device per forward/backward pass.
          grad_accum: micro-batches accumulated into one optimizer step.
          world_size: data-parallel replicas (devices) stepping together.
          seq_len: tokens per sample (packed sequences).
          steps_per_epoch: optimizer steps per epoch, if known.
          dataset_size: samples per epoch (instead of ``steps_per_epoch``).
          rounding: see :class:`Units`.

        Examples:
          >>> from lrcurves.units import Units
          >>> Units.from_batch(8, grad_accum=4, world_size=8, seq_len=2048, dataset_size=1_280_000)
          Units(steps_per_epoch=5000, samples_per_step=256, tokens_per_step=524288)
        """
        where = "Units.from_batch"
        b = as_int(where, "micro_batch_size", micro_batch_size, min=1)
        a = as_int(where, "grad_accum", grad_accum, min=1)
        w = as_int(where, "world_size", world_size, min=1)
        sps = b * a * w
        tps = None if seq_len is None else sps * as_int(where, "seq_len", seq_len, min=1)
        if dataset_size is not None:
            if steps_per_epoch is not None:
                raise ValueError(
                    f"{where}: give steps_per_epoch or dataset_size, not both (got "
                    f"steps_per_epoch={_num(steps_per_epoch)}, dataset_size={_num(dataset_size)})"
                )
            n = as_int(where, "dataset_size", dataset_size, min=1)
            steps_per_epoch = Fraction(n, sps)
        return cls(
            steps_per_epoch=steps_per_epoch,
            samples_per_step=sps,
            tokens_per_step=tps,
            rounding=rounding,
        )

    @classmethod
    def from_dict(cls, block: Mapping[str, Any] | Units) -> Units:
        """Units from a config's ``"units"`` block (or a :class:`Units`, returned as is).

        The block holds :class:`Units` fields (``steps_per_epoch``,
        ``samples_per_step``, ``tokens_per_step``, ``rounding``) or the
        arguments of :meth:`from_batch` (``micro_batch_size``,
        ``grad_accum``, ``world_size``, ``seq_len``, ``dataset_size``,
        ``steps_per_epoch``, ``rounding``).

        Examples:
          >>> from lrcurves.units import Units
          >>> Units.from_dict({"steps_per_epoch": "1000/3", "rounding": "floor"})
          Units(steps_per_epoch=Fraction(1000, 3), rounding='floor')
          >>> Units.from_dict({"micro_batch_size": 32, "world_size": 8}).samples_per_step
          256
        """
        if isinstance(block, Units):
            return block
        if not isinstance(block, Mapping):
            raise TypeError(f"units must be a Units or a dict of its fields, got {brief(block)}")
        own = tuple(f.name for f in fields(cls))
        batch = _BATCH_KEYS
        keys = set(block)
        if keys & set(batch):
            valid = (*batch, "steps_per_epoch", "rounding")
            make: Any = cls.from_batch
        else:
            valid, make = own, cls
        unknown = sorted(map(str, keys - set(valid)))
        if unknown:
            raise ValueError(
                f"units: unknown key(s) {unknown}; valid: {', '.join(own)} "
                f"(or the batch layout: {', '.join(batch)}, steps_per_epoch, rounding)"
            )
        if make is not cls and "micro_batch_size" not in block:
            raise ValueError(f"units: a batch layout needs micro_batch_size (got keys {sorted(keys)})")
        return make(**block)

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, JSON-ready (a fractional ``steps_per_epoch`` as ``"p/q"``).

        Examples:
          >>> from lrcurves.units import Units
          >>> Units(steps_per_epoch=0.5, tokens_per_step=4096).to_dict()
          {'steps_per_epoch': '1/2', 'tokens_per_step': 4096}
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                out[f.name] = str(v) if isinstance(v, Fraction) else v
        return out

    def combine(self, other: Units | None, *, where: str = "units") -> Units:
        """These units with the fields ``other`` sets too; a field set to two values raises.

        Examples:
          >>> from lrcurves.units import Units
          >>> Units(steps_per_epoch=500).combine(Units(samples_per_step=64))
          Units(steps_per_epoch=500, samples_per_step=64)
        """
        if other is None or other == self:
            return self
        merged: dict[str, Any] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if a is not None and b is not None and a != b:
                raise ValueError(
                    f"{where}: {f.name} is given twice with different values, {_num(a)} and {_num(b)} "
                    "(from units= and a config's 'units' block, or nested blocks); one schedule "
                    "runs on one step counter"
                )
            merged[f.name] = a if a is not None else b
        return Units(**merged)

    # -- conversions --------------------------------------------------------
    def steps_per(self, unit: str, *, where: str = "Units.steps_per", name: str | None = None) -> Fraction:
        """Optimizer steps in one ``unit``, exactly (``1 / samples_per_step`` for samples).

        Examples:
          >>> from lrcurves.units import Units
          >>> Units(steps_per_epoch=500, samples_per_step=64).steps_per("samples")
          Fraction(1, 64)
        """
        if unit == "steps":
            return Fraction(1)
        field_of = {"epochs": "steps_per_epoch", "samples": "samples_per_step", "tokens": "tokens_per_step"}
        if unit not in field_of:
            raise ValueError(f"{where}: unit must be one of {list(UNITS)}, got {brief(unit)}")
        base = getattr(self, field_of[unit])
        if base is None:
            what = f"{name} needs" if name else "needs"
            raise ValueError(
                f"{where}: {what} {field_of[unit]} to convert {unit} to steps, but {self!r} has none"
            )
        return Fraction(base) if unit == "epochs" else Fraction(1, base)

    def to_steps(
        self,
        value: Any,
        unit: str = "epochs",
        *,
        rounding: Rounding | None = None,
        name: str | None = None,
        where: str = "Units.to_steps",
    ) -> int:
        """``value`` in ``unit`` as a whole number of optimizer steps.

        Exact (rational arithmetic) for any input that lands on a whole step;
        otherwise ``rounding`` (or :attr:`rounding`) decides, and without
        either a :class:`ValueError` says what the value would give.

        Args:
          value: a non-negative int, float, :class:`~fractions.Fraction` or
            :class:`~decimal.Decimal` (a float is the decimal it prints as).
          unit: ``"epochs"``, ``"samples"``, ``"tokens"`` or ``"steps"``.
          rounding: ``"floor"``, ``"ceil"`` or ``"nearest"`` (halves up);
            ``None`` uses :attr:`rounding`, and raises if that is ``None`` too.
          name: the parameter name used in error messages (default ``unit``).
          where: the function named in error messages.

        Examples:
          >>> from lrcurves.units import Units
          >>> u = Units(steps_per_epoch=1001)
          >>> u.to_steps(0.3, "epochs", rounding="floor")
          300
          >>> u.to_steps(0.3, "epochs")
          Traceback (most recent call last):
          ...
          ValueError: Units.to_steps: epochs=0.3 * steps_per_epoch=1001 is 3003/10 = 300.3 steps, not a whole number; pass rounding='floor' (300), 'ceil' (301) or 'nearest' (300)
        """
        if unit not in UNITS:
            raise ValueError(f"{where}: unit must be one of {list(UNITS)}, got {brief(unit)}")
        rule = self.rounding if rounding is None else as_choice(where, "rounding", rounding, ROUNDINGS)
        return _steps_of(self, value, unit, rule, name or unit, where)

    def from_steps(self, steps: Any, unit: str = "epochs") -> Fraction:
        """``steps`` optimizer steps in ``unit``, exactly (the inverse of :meth:`to_steps`).

        Examples:
          >>> from lrcurves.units import Units
          >>> Units(steps_per_epoch=500).from_steps(45000)
          Fraction(90, 1)
        """
        where = "Units.from_steps"
        return _exact(where, "steps", steps) / self.steps_per(unit, where=where)

    def _op(self, unit: str) -> str:
        """How ``unit`` becomes steps, for messages: ``* steps_per_epoch=500``."""
        if unit == "epochs":
            return f"* steps_per_epoch={_num(self.steps_per_epoch)}"
        if unit == "samples":
            return f"/ samples_per_step={self.samples_per_step}"
        if unit == "tokens":
            return f"/ tokens_per_step={self.tokens_per_step}"
        return "steps"


def _float_hint(u: Units, unit: str) -> str:
    spe = u.steps_per_epoch
    if unit == "epochs" and isinstance(spe, Fraction) and spe.denominator >= 10**6:
        return (
            f" (steps_per_epoch={float(spe)!r} looks like a rounded float: give a rational "
            "one exactly, as Fraction(1000, 3) or the string '1000/3')"
        )
    return ""


def _steps_of(u: Units, value: Any, unit: str, rule: str | None, label: str, where: str) -> int:
    """``value`` in ``unit`` as steps; ``rule=None`` means "whole steps only"."""
    x = _exact(where, label, value) * u.steps_per(unit, where=where, name=label)
    if x.denominator == 1:
        n = int(x)
    elif rule is None:
        raise ValueError(
            f"{where}: {label}={_num(value)} {u._op(unit)} is {x} = {_approx(x)} steps, not a "
            f"whole number; pass rounding='floor' ({_round(x, 'floor')}), 'ceil' "
            f"({_round(x, 'ceil')}) or 'nearest' ({_round(x, 'nearest')})" + _float_hint(u, unit)
        )
    else:
        n = _round(x, rule)
    if n > MAX_INT:
        raise ValueError(f"{where}: {label}={_num(value)} {u._op(unit)} is {n} steps, over 2**62")
    return n


# ---------------------------------------------------------------------------
# schedules written in units


def _as_units(units: Any) -> Units | None:
    return None if units is None else Units.from_dict(units)


def to_step_params(
    name: str,
    params: Mapping[str, Any],
    units: Units | Mapping[str, Any] | None,
    *,
    rounding: Rounding | None = None,
) -> dict[str, Any]:
    """``params`` of schedule ``name`` with every ``<stem>_<unit>`` key converted to steps.

    A step parameter (:func:`step_params`) may be given as itself (in steps)
    or as one of its unit spellings (:func:`unit_name`), never two of them.
    Sequences (``boundaries_epochs``, ``milestones_epochs``) convert entry
    by entry; ``None`` stays ``None``.  Other parameters pass through
    unchanged.  Used by :func:`get` and :func:`lrcurves.from_config`.

    Args:
      name: a registered schedule or preset name.
      params: the keyword parameters, some written in units.
      units: the time base (``None``: only step parameters are allowed).
      rounding: overrides ``units.rounding`` for non-whole conversions.

    Examples:
      >>> from lrcurves.units import Units, to_step_params
      >>> to_step_params("multistep", {"init_value": 0.1, "milestones_epochs": [30, 60]},
      ...                Units(steps_per_epoch=100))
      {'init_value': 0.1, 'milestones': [3000, 6000]}
    """
    u = _as_units(units)
    suffixes = tuple(f"_{x}" for x in PARAM_UNITS)
    if u is None and not any(isinstance(k, str) and k.endswith(suffixes) for k in params):
        return dict(params)
    sp = spec(name)
    spelled = {unit_name(p, x): (p, x) for p in step_params(name) for x in PARAM_UNITS}
    out: dict[str, Any] = {}
    given: dict[str, str] = {}  # step parameter -> the spelling used
    for key, v in params.items():
        target = spelled.get(key) if key not in sp.parameters else None
        if target is None:
            if isinstance(key, str) and key.endswith(suffixes) and key not in sp.parameters:
                raise ValueError(_not_a_step_param(sp.name, key))
            target = (key, "steps")
        param, unit = target
        if param in given:
            raise ValueError(
                f"{sp.name}: give {param} in one unit only, got both {given[param]} and {key}"
            )
        given[param] = key
        if unit == "steps":
            out[param] = v
            continue
        if u is None:
            raise ValueError(
                f"{sp.name}: {key}={brief(v)} is in {unit}, but no units were given; pass "
                f"units=Units({'steps_per_epoch' if unit == 'epochs' else f'{unit}_per_step'}=...) "
                "or put a 'units' block in the config"
            )
        out[param] = _convert(sp.name, key, v, unit, u, rounding)
    return out


def _convert(where: str, key: str, v: Any, unit: str, u: Units, rounding: Rounding | None) -> Any:
    if v is None:
        return None
    if isinstance(v, (Sequence, np.ndarray)) and not isinstance(v, (str, bytes)):
        if isinstance(v, np.ndarray) and v.ndim != 1:
            raise TypeError(f"{where}: {key} must be a number or a 1-d sequence, got an array of shape {v.shape}")
        rule = u.rounding if rounding is None else as_choice(where, "rounding", rounding, ROUNDINGS)
        types = set(map(type, v)) if not isinstance(v, np.ndarray) else set()
        plain = (
            isinstance(v, np.ndarray)
            or types <= {float}
            or types <= {int}
            # ints mixed with floats become float64: only while that is exact
            or (types <= {int, float} and all(abs(x) <= 2**53 for x in v if type(x) is int))
        )
        if plain and len(v) and not (isinstance(v, np.ndarray) and v.dtype.kind == "b"):
            # a long table (milestones, boundaries) converts in one vectorised pass
            ratio = u.steps_per(unit, where=where, name=key)
            return _step_array(where, unit, v, ratio, u, rule, key).tolist()
        return [u.to_steps(x, unit, rounding=rounding, name=f"{key}[{i}]", where=where) for i, x in enumerate(v)]
    return u.to_steps(v, unit, rounding=rounding, name=key, where=where)


def _not_a_step_param(name: str, key: str) -> str:
    steps = step_params(name)
    if not steps:
        return f"{name}: {key!r} is written in units, but {name} has no step parameters"
    eg = ", ".join(unit_name(p, "epochs") for p in steps)
    return (
        f"{name}: {key!r} is not a step parameter written in units; the step parameters of "
        f"{name} are {', '.join(steps)} (in epochs: {eg}; likewise _samples, _tokens)"
    )


def get(
    name: str,
    /,
    *,
    units: Units | Mapping[str, Any] | None = None,
    rounding: Rounding | None = None,
    **params: Any,
) -> Schedule:
    """Build registered schedule ``name`` from parameters written in steps or units.

    Like :func:`lrcurves.get`, with every step parameter also accepted as
    ``<stem>_epochs``, ``<stem>_samples`` or ``<stem>_tokens`` (see
    :func:`to_step_params`).  The result is an ordinary step schedule:
    units are resolved here, once, and its config holds plain steps.

    Args:
      name: a registered schedule or preset name.
      units: the time base (a :class:`Units` or a dict of its fields).
      rounding: overrides ``units.rounding`` for non-whole conversions.
      **params: the schedule's parameters.

    Examples:
      >>> from lrcurves.units import Units, get
      >>> u = Units(steps_per_epoch=500, samples_per_step=64)
      >>> get("linear", units=u, init_value=1.0, end_value=0.0, transition_samples=3200)
      linear(init_value=1.0, end_value=0.0, transition_steps=50, transition_begin=0)
    """
    if not isinstance(name, str):
        raise TypeError(f"schedule name must be a string, got {name!r}")
    return _get(name, **to_step_params(name, params, units, rounding=rounding))


# ---------------------------------------------------------------------------
# evaluating at an epoch

def step_at(
    value: Any,
    units: Units | Mapping[str, Any],
    *,
    unit: str = "epochs",
    rounding: StepRounding | None = "floor",
) -> Any:
    """The optimizer step reached at ``value`` epochs (or samples, tokens).

    The default ``rounding="floor"`` is the number of whole steps taken when
    ``value`` epochs have passed: epoch ``e`` maps to step
    ``floor(e * steps_per_epoch)``, computed exactly (a float epoch counts
    as the decimal it prints as, so ``0.29`` epochs of 100 steps is step
    29, where float arithmetic gives 28.999...).  ``"ceil"`` and
    ``"nearest"`` (halves up) round the other ways, ``None`` requires a
    whole step (else :class:`ValueError`), and ``"continuous"`` returns the
    real-valued step ``e * steps_per_epoch`` as a float (every schedule
    accepts fractional steps: its formula evaluated between steps).

    Args:
      value: a non-negative number, or an array-like of them (NumPy, lists,
        CPU tensors); NaN, infinities and negatives raise.
      units: the time base.
      unit: ``"epochs"`` (default), ``"samples"``, ``"tokens"`` or ``"steps"``.
      rounding: see above.

    Returns:
      A Python ``int`` for a number (``float`` with ``"continuous"``), else
      an int64 (float64) NumPy array of the input's shape.

    Examples:
      >>> import numpy as np
      >>> from lrcurves.units import Units, step_at
      >>> u = Units(steps_per_epoch=100)
      >>> step_at(0.29, u), step_at(2.505, u, rounding="nearest")
      (29, 251)
      >>> step_at(np.array([0.0, 0.07, 0.29, 1.5]), u, rounding="ceil").tolist()
      [0, 7, 29, 150]
    """
    where = "step_at"
    u = Units.from_dict(units)
    if rounding is not None:
        as_choice(where, "rounding", rounding, (*ROUNDINGS, "continuous"))
    if unit not in UNITS:
        raise ValueError(f"{where}: unit must be one of {list(UNITS)}, got {brief(unit)}")
    ratio = u.steps_per(unit, where=where, name=unit)
    if isinstance(value, (numbers.Number, np.bool_)):  # Decimal and bool are Numbers
        if rounding == "continuous":
            return float(_exact(where, unit, value) * ratio)
        return _steps_of(u, value, unit, rounding, unit, where)  # None: whole steps only
    return _step_array(where, unit, value, ratio, u, rounding)


def _step_array(
    where: str, unit: str, value: Any, ratio: Fraction, u: Units, rounding: str | None, label: str | None = None
) -> np.ndarray:
    """:func:`step_at` on an array; ``label`` names the values in messages (default ``unit``)."""
    label = label or unit
    try:
        e = np.asarray(value)
    except Exception as exc:
        raise TypeError(f"{where}: {label} must be a number or an array of numbers, got {brief(value)}") from exc
    kind = e.dtype.kind
    if kind not in "iufO":
        raise TypeError(f"{where}: {label} must hold real numbers, got dtype {e.dtype}")
    if kind == "O":  # Fractions, Decimals, huge ints: one at a time
        if rounding == "continuous":
            flat = [float(_exact(where, f"{label}[{i}]", x) * ratio) for i, x in enumerate(e.ravel().tolist())]
            return np.array(flat, dtype=np.float64).reshape(e.shape)
        return _exact_each(where, unit, label, e, u, rounding, np.ones(e.shape, dtype=bool), None)
    if kind == "f":
        bad = ~np.isfinite(e)
        if bad.any():
            i = int(np.argmax(bad.ravel()))
            raise ValueError(f"{where}: {label} must be finite, got {e.ravel()[i].item()!r} at index {i}")
    if e.size and bool((e < 0).any()):
        i = int(np.argmax((e < 0).ravel()))
        raise ValueError(f"{where}: {label} must be >= 0, got {e.ravel()[i].item()!r} at index {i}")
    p, q = ratio.numerator, ratio.denominator
    if rounding == "continuous":
        return e.astype(np.float64) * (p / q)
    out = np.zeros(e.shape, dtype=np.int64)
    todo = np.ones(e.shape, dtype=bool)  # entries still to compute
    if kind in "iu":
        if e.size == 0 or 2 * int(e.max()) * p + q <= MAX_INT:
            _exact_ints(where, unit, label, e, u, rounding, e.astype(np.int64) * p, np.full(e.shape, q), todo, out)
            todo[...] = False
    elif e.dtype == np.float64:
        # decimals with up to 6 digits after the point (0.5, 2.25, 30.0): exact integer arithmetic
        num, scale, ok = _short_decimals(e)
        if ok.any() and 2 * int(num[ok].max()) * p + q * 10**6 <= MAX_INT:
            _exact_ints(where, unit, label, e, u, rounding, num * p, q * scale, ok, out)
            todo &= ~ok
    if todo.any() and kind == "f" and rounding is not None:
        # the rest: float arithmetic, exact rationals within a tolerance of a whole or half step
        x = np.where(todo, e.astype(np.float64), 0.0) * (p / q)
        two = 2.0 * x
        tol = max(1e-9, 64 * float(np.finfo(e.dtype).eps))
        risky = (np.abs(two - np.rint(two)) <= tol * np.maximum(1.0, two)) | (x >= 2.0**50)
        fast = todo & ~risky
        if rounding == "floor":
            out[fast] = np.floor(x[fast]).astype(np.int64)
        elif rounding == "ceil":
            out[fast] = np.ceil(x[fast]).astype(np.int64)
        else:
            out[fast] = np.floor(x[fast] + 0.5).astype(np.int64)
        todo &= risky
    return _exact_each(where, unit, label, e, u, rounding, todo, out)


def _short_decimals(e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(num, 10**k, ok)``: ``e == num / 10**k`` as the shortest decimal, where ``ok``.

    For float64 ``|e| < 1e8`` and ``k <= 6``: the decimal ``m / 10**k`` is
    the one ``repr`` prints when it is the first (smallest ``k``) to round
    to ``e`` (``m / 10.0**k`` is a correctly rounded division of exact
    floats), since two such decimals differ by at least ``1e-6``, more than
    the width of ``e``'s rounding interval.
    """
    num = np.zeros(e.shape, dtype=np.int64)
    scale = np.ones(e.shape, dtype=np.int64)
    ok = np.zeros(e.shape, dtype=bool)
    small = np.abs(e) < 1e8
    for k in range(7):
        todo = small & ~ok
        if not todo.any():
            break
        m = np.rint(np.where(todo, e, 0.0) * 10.0**k)
        hit = todo & (m / 10.0**k == e)
        num[hit] = m[hit].astype(np.int64)
        scale[hit] = 10**k
        ok |= hit
    return num, scale, ok


def _exact_ints(
    where: str,
    unit: str,
    label: str,
    e: np.ndarray,
    u: Units,
    rounding: str | None,
    num: np.ndarray,
    den: np.ndarray,
    mask: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[mask] = round(num / den)`` in int64 (the caller rules out overflow)."""
    n, d = num[mask], den[mask]
    if rounding is None:
        rem = n % d
        if rem.any():
            i = int(np.flatnonzero(mask.ravel())[int(np.argmax(rem != 0))])
            _steps_of(u, e.ravel()[i].item(), unit, None, f"{label}[{i}]", where)  # raises
        out[mask] = n // d
    elif rounding == "floor":
        out[mask] = n // d
    elif rounding == "ceil":
        out[mask] = -((-n) // d)
    else:
        out[mask] = (2 * n + d) // (2 * d)


def _exact_each(
    where: str,
    unit: str,
    label: str,
    e: np.ndarray,
    u: Units,
    rounding: str | None,
    mask: np.ndarray,
    out: np.ndarray | None,
) -> np.ndarray:
    """``out`` with the entries under ``mask`` computed exactly, one by one."""
    out = np.zeros(e.shape, dtype=np.int64) if out is None else out
    flat_e, flat_out = e.ravel(), out.reshape(-1)
    for i in np.flatnonzero(mask.ravel()).tolist():
        v = flat_e[i]
        flat_out[i] = _steps_of(u, v.item() if isinstance(v, np.integer) else v, unit, rounding, f"{label}[{i}]", where)
    return out


def at_epoch(
    schedule: Schedule,
    epoch: Any,
    units: Units | Mapping[str, Any],
    *,
    rounding: StepRounding | None = "floor",
    momentum: bool = False,
) -> Any:
    """A step schedule's value at a (fractional) epoch.

    ``schedule(step_at(epoch, units, rounding=rounding))``: by default the
    value at step ``floor(epoch * steps_per_epoch)``, the step reached when
    ``epoch`` epochs have passed -- what ``scheduler.step(epoch)`` and
    timm's ``t_in_epochs`` loops ask for.  See :func:`step_at` for the
    other rules (``"continuous"`` evaluates the formula between steps).

    Args:
      schedule: any schedule (defined in optimizer steps).
      epoch: a non-negative number or array-like of them.
      units: the time base (needs ``steps_per_epoch``).
      rounding: ``"floor"`` (default), ``"ceil"``, ``"nearest"``,
        ``"continuous"`` or ``None`` (whole steps only).
      momentum: give the momentum instead of the learning rate.

    Returns:
      What ``schedule(step)`` returns: a NumPy float64 array of the epochs'
      shape (0-d for a number; ``float(...)`` gives a Python float).

    Examples:
      >>> import lrcurves
      >>> from lrcurves.units import Units, at_epoch
      >>> s = lrcurves.linear(1.0, 0.0, transition_steps=1000)
      >>> u = Units(steps_per_epoch=100)
      >>> float(at_epoch(s, 2.5, u))
      0.75
      >>> at_epoch(s, [0, 0.005, 10], u).tolist()
      [1.0, 1.0, 0.0]
    """
    steps = step_at(epoch, units, unit="epochs", rounding=rounding)
    return schedule.momentum(steps) if momentum else schedule(steps)
