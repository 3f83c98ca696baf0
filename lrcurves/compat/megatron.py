"""Megatron-Core's ``OptimizerParamScheduler`` curves as pure lrcurves schedules (no torch, no megatron).

megatron-core (targeted version 0.19.2) anneals the learning rate and the
weight decay of every param group in
``megatron.core.optimizer_param_scheduler.OptimizerParamScheduler``.  This
module translates its parameters into core :class:`~lrcurves.Schedule`
values built from core pieces (``warmup``, ``constant``, ``linear``,
``cosine_decay``, ``inverse_sqrt``, ``warmup_stable_decay``, ``join``,
``shift``, ``clip``, ``remap``, ``scale``); it holds no schedule math of its
own.

Step convention: Megatron counts ``num_steps`` in *increments*:
``scheduler.step(increment)`` adds ``increment`` (Megatron-LM passes the
global batch size, so ``num_steps`` counts samples) and every count
(``lr_warmup_steps``, ``lr_decay_steps``, ``wsd_decay_steps``,
``wd_incr_steps``) is in the same unit.  The schedules here are indexed by
that counter: ``lr_schedule(...).value(n)`` is Megatron's ``get_lr`` when
``num_steps == n``.  :func:`from_args` translates Megatron-LM's command-line
arguments and, for iteration-based runs, indexes the schedule by iteration
(the value at iteration ``i`` is Megatron's at ``num_steps = i *
global_batch_size``, with the same float ratios).

>>> from lrcurves.compat import megatron as mg
>>> s = mg.lr_schedule(1.0, 0.1, lr_warmup_steps=2, lr_decay_steps=6, lr_decay_style="linear")
>>> [round(s.value(n), 3) for n in range(8)]
[0.0, 0.5, 1.0, 0.775, 0.55, 0.325, 0.1, 0.1]

Decay styles (``lr_decay_style``): ``"constant"``, ``"linear"``,
``"cosine"``, ``"inverse-square-root"`` and ``"WSD"`` with
``lr_wsd_decay_style`` ``"linear"``, ``"cosine"``, ``"exponential"``
(Megatron's ``2 * 0.5**r - 1``, not a geometric decay) or ``"minus_sqrt"``.
Weight-decay increment styles (``wd_incr_style``): ``"constant"``,
``"linear"``, ``"cosine"``.

Formats for :func:`lrcurves.from_config` (registered through the
``lrcurves.config_formats`` entry point, imported on first use):

* ``{"megatron": {<OptimizerParamScheduler keyword arguments>}}``
  (``max_lr``, ``min_lr``, ``init_lr``, ``lr_warmup_steps``,
  ``lr_decay_steps``, ``lr_decay_style``, ``wsd_decay_steps``,
  ``lr_wsd_decay_style``, ``start_wd``, ``end_wd``, ``wd_incr_steps``,
  ``wd_incr_style``), indexed by ``num_steps``; an optional ``"increment"``
  indexes it by calls of ``step(increment)`` instead (every count must be a
  multiple of it);
* ``{"megatron": {<Megatron-LM arguments>}}`` (``lr``, ``min_lr``,
  ``lr_warmup_init``, ``lr_decay_style``, ``train_iters`` or
  ``train_samples``, ``lr_decay_iters``/``lr_decay_samples``,
  ``lr_warmup_iters``/``lr_warmup_samples``/``lr_warmup_fraction``,
  ``lr_wsd_decay_style``, ``lr_wsd_decay_iters``/``lr_wsd_decay_samples``,
  ``global_batch_size``, ``weight_decay``, ``start_weight_decay``,
  ``end_weight_decay``, ``weight_decay_incr_style``), see :func:`from_args`.

Either may carry ``"schedule": "lr"`` (the default) or ``"weight_decay"``
next to ``"megatron"`` to choose which curve is returned.

>>> import lrcurves
>>> s = lrcurves.from_config({"megatron": {"lr": 1e-3, "min_lr": 1e-5, "train_iters": 100,
...     "lr_warmup_iters": 10, "lr_decay_style": "cosine", "global_batch_size": 256}})
>>> round(s.value(10), 8), round(s.value(55), 8), s.value(100)
(0.001, 0.000505, 1e-05)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import lrcurves
from lrcurves import Schedule, register_config_format
from lrcurves.compat.torch import ZeroLengthError
from lrcurves.validate import as_int, brief

__all__ = [
    "DECAY_STYLES",
    "MegatronAssertionError",
    "WD_INCR_STYLES",
    "WSD_DECAY_STYLES",
    "check_lr_args",
    "check_wd_args",
    "from_args",
    "group_lr_schedule",
    "group_wd_schedule",
    "load_config",
    "lr_schedule",
    "wd_schedule",
]

#: ``lr_decay_style`` values megatron-core 0.19.2 implements.
DECAY_STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")
#: ``lr_wsd_decay_style`` values (the annealing phase of ``"WSD"``).
WSD_DECAY_STYLES = ("linear", "cosine", "exponential", "minus_sqrt")
#: ``wd_incr_style`` values.
WD_INCR_STYLES = ("constant", "linear", "cosine")

_NAME = "OptimizerParamScheduler"


class MegatronAssertionError(AssertionError, ValueError):
    """A violated precondition of Megatron's scheduler (``min_lr >= 0``, ``warmup < decay``...).

    Megatron checks these with ``assert`` (an :class:`AssertionError`, with
    no message); lrcurves raises this subclass, which is also a
    :class:`ValueError` (lrcurves' convention for a bad argument) and says
    which parameter has which value, so either ``except`` catches it.
    """


def _check(ok: bool, msg: str) -> None:
    if not ok:
        raise MegatronAssertionError(f"{_NAME}: {msg}")


def _num(where: str, name: str, v: Any) -> float:
    """A finite real number (Megatron computes with whatever it is given)."""
    item = getattr(v, "item", None)
    if callable(item) and not isinstance(v, numbers.Real):
        v = item()
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {brief(v)}")
    f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"{where}: {name} must be finite, got {brief(v)}")
    return f


def _steps(where: str, name: str, v: Any, *, min: int | None = 0) -> int:
    return as_int(where, name, v, min=min)


def _style(where: str, name: str, v: Any, choices: tuple[str, ...], exc: type[Exception] = ValueError) -> str:
    if not isinstance(v, str) or v not in choices:
        raise exc(f"{where}: {name} must be one of {list(choices)}, got {v!r}")
    return v


# ---------------------------------------------------------------------------
# the learning rate


def _wsd_local(mx: float, mn: float, w: int, d: int, wd: int, style: str) -> Schedule:
    """Megatron's WSD from ``num_steps = W`` on, at the local step ``k = n - W``.

    Coefficient 1 up to the anneal start ``A = D - wsd_decay_steps``, then
    ``coeff(r)``, ``r = (n - A) / wsd_decay_steps``, then ``min_lr`` past
    ``D``; ``n = W`` itself is the end of the warmup (``max_lr``) when ``W > 0``.
    """
    if wd == 0:  # no annealing phase: max_lr up to D, min_lr after it
        return lrcurves.join([lrcurves.constant(mx), lrcurves.constant(mn)], boundaries=[d - w + 1])
    a = d - wd  # may be negative, or inside the warmup

    def tail(stable: int) -> Schedule:
        if style == "exponential":
            # coeff = 2 * 0.5**r - 1: the geometric 2 -> 1, mapped [1, 2] -> [min, max]
            geo = lrcurves.warmup_stable_decay(
                2.0, warmup_steps=0, stable_steps=stable, decay_steps=wd,
                decay_shape="exponential", end_value=1.0, init_value=2.0,
            )
            return lrcurves.remap(geo, in_min=1.0, in_max=2.0, out_min=mn, out_max=mx)
        shape = {"linear": "linear", "cosine": "cosine", "minus_sqrt": "1-sqrt"}[style]
        return lrcurves.warmup_stable_decay(
            mx, warmup_steps=0, stable_steps=stable, decay_steps=wd, decay_shape=shape, end_value=mn
        )

    off = w - a  # how far the anneal is at n = W
    if off <= 0:
        return tail(-off)
    if w == 0:  # starts inside the anneal (wsd_decay_steps > lr_decay_steps)
        return lrcurves.shift(tail(0), by=off)
    # the anneal began during the warmup: n = W is the warmup's end (max_lr), then the anneal
    return lrcurves.join([lrcurves.constant(mx), lrcurves.shift(tail(0), by=off + 1)], boundaries=[1])


def group_lr_schedule(
    max_lr: Any,
    min_lr: Any,
    *,
    init_lr: Any,
    lr_warmup_steps: int,
    lr_decay_steps: int,
    lr_decay_style: str,
    wsd_decay_steps: int | None = None,
    lr_wsd_decay_style: str | None = None,
) -> Schedule:
    """Megatron's ``get_lr`` for one param group (its ``max_lr``/``min_lr``), unchecked by Megatron's asserts.

    The parameters are assumed to have passed :func:`lr_schedule`'s checks
    for the scheduler's own ``max_lr``/``min_lr`` (Megatron checks only
    those; a group may override them freely).  The core schedules still
    reject negative values.
    """
    where = "megatron lr_schedule"
    mx, mn = _num(where, "max_lr", max_lr), _num(where, "min_lr", min_lr)
    init = _num(where, "init_lr", init_lr)
    w = _steps(where, "lr_warmup_steps", lr_warmup_steps)
    d = _steps(where, "lr_decay_steps", lr_decay_steps, min=1)
    style = _style(where, "lr_decay_style", lr_decay_style, DECAY_STYLES)
    if w >= d:
        raise MegatronAssertionError(
            f"{where}: lr_warmup_steps must be < lr_decay_steps, got {lr_warmup_steps!r} and {lr_decay_steps!r}"
        )
    length = d - w
    if style == "constant":
        local = lrcurves.constant(mx)
    elif style == "linear":
        local = lrcurves.linear(mx, mn, transition_steps=length)
    elif style == "cosine":
        local = lrcurves.cosine_decay(mx, length, end_value=mn)
    elif style == "inverse-square-root":
        # max_lr * sqrt(max(W, 1)) / sqrt(max(n, 1)), floored at min_lr, for n <= D
        if w > 0:
            body = lrcurves.inverse_sqrt(mx, timescale=w)
        else:
            body = lrcurves.join([lrcurves.constant(mx), lrcurves.inverse_sqrt(mx, timescale=1)], boundaries=[1])
        local = lrcurves.join(
            [lrcurves.clip(body, min_value=mn), lrcurves.constant(mn)], boundaries=[length + 1]
        )
    else:  # WSD
        if wsd_decay_steps is None:
            raise MegatronAssertionError(f"{where}: lr_decay_style 'WSD' needs wsd_decay_steps, got None")
        wd = _steps(where, "wsd_decay_steps", wsd_decay_steps)
        if wd > 0:
            wstyle = _style(
                where, "lr_wsd_decay_style", lr_wsd_decay_style, WSD_DECAY_STYLES, MegatronAssertionError
            )
        else:
            wstyle = "linear"  # never reached: the anneal has no steps
        local = _wsd_local(mx, mn, w, d, wd, wstyle)
    if w == 0:
        return local
    return lrcurves.warmup(local, w, init_value=init, peak_value=mx)


def check_lr_args(
    max_lr: Any,
    min_lr: Any,
    *,
    init_lr: Any,
    lr_warmup_steps: Any,
    lr_decay_steps: Any,
    lr_decay_style: Any,
    wsd_decay_steps: Any,
) -> None:
    """Megatron's learning-rate preconditions, in its order (:class:`MegatronAssertionError`)."""
    where = "megatron lr_schedule"
    mx, mn = _num(where, "max_lr", max_lr), _num(where, "min_lr", min_lr)
    init = _num(where, "init_lr", init_lr)
    _check(mn >= 0.0, f"min_lr must be >= 0, got {min_lr!r}")
    _check(mx >= mn, f"max_lr must be >= min_lr, got max_lr={max_lr!r} and min_lr={min_lr!r}")
    _check(init <= mx, f"init_lr must be <= max_lr, got init_lr={init_lr!r} and max_lr={max_lr!r}")
    d = _steps(where, "lr_decay_steps", lr_decay_steps, min=None)
    _check(d > 0, f"lr_decay_steps must be > 0, got {lr_decay_steps!r}")
    w = _steps(where, "lr_warmup_steps", lr_warmup_steps, min=None)
    _check(w < d, f"lr_warmup_steps must be < lr_decay_steps, got {lr_warmup_steps!r} and {lr_decay_steps!r}")
    if lr_decay_style == "WSD":
        _check(wsd_decay_steps is not None, "lr_decay_style 'WSD' needs wsd_decay_steps, got None")


def check_wd_args(start_wd: Any, end_wd: Any) -> None:
    """Megatron's weight-decay preconditions (:class:`MegatronAssertionError`)."""
    where = "megatron wd_schedule"
    s, e = _num(where, "start_wd", start_wd), _num(where, "end_wd", end_wd)
    _check(s >= 0.0, f"start_wd must be >= 0, got {start_wd!r}")
    _check(e >= s, f"end_wd must be >= start_wd, got start_wd={start_wd!r} and end_wd={end_wd!r}")


def lr_schedule(
    max_lr: Any,
    min_lr: Any = 0.0,
    *,
    lr_warmup_steps: int,
    lr_decay_steps: int,
    lr_decay_style: str,
    init_lr: Any = 0.0,
    wsd_decay_steps: int | None = None,
    lr_wsd_decay_style: str | None = None,
) -> Schedule:
    """The learning rate of Megatron's ``OptimizerParamScheduler`` at ``num_steps = n``.

    Parameters as Megatron's constructor (``init_lr`` is Megatron-LM's
    ``--lr-warmup-init``).  Megatron's preconditions raise
    :class:`MegatronAssertionError` (an ``AssertionError``): ``min_lr >= 0``,
    ``max_lr >= min_lr``, ``init_lr <= max_lr``, ``lr_decay_steps > 0``,
    ``lr_warmup_steps < lr_decay_steps``, ``wsd_decay_steps`` given for
    ``"WSD"``.  Unknown styles raise :class:`ValueError` (Megatron: a plain
    ``Exception`` once the decay is reached).

    Piece by piece: a linear ramp ``init_lr -> max_lr`` for ``n <= W``; then
    the decay style from ``n - W`` over ``D - W`` steps down to ``min_lr``,
    and ``min_lr`` for ``n > D`` (``"constant"`` holds ``max_lr`` forever).

    >>> from lrcurves.compat import megatron as mg
    >>> s = mg.lr_schedule(1.0, 0.0, lr_warmup_steps=0, lr_decay_steps=4,
    ...                    lr_decay_style="WSD", wsd_decay_steps=2, lr_wsd_decay_style="linear")
    >>> [s.value(n) for n in range(6)]
    [1.0, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    check_lr_args(
        max_lr, min_lr, init_lr=init_lr, lr_warmup_steps=lr_warmup_steps, lr_decay_steps=lr_decay_steps,
        lr_decay_style=lr_decay_style, wsd_decay_steps=wsd_decay_steps,
    )
    return group_lr_schedule(
        max_lr, min_lr, init_lr=init_lr, lr_warmup_steps=lr_warmup_steps, lr_decay_steps=lr_decay_steps,
        lr_decay_style=lr_decay_style, wsd_decay_steps=wsd_decay_steps, lr_wsd_decay_style=lr_wsd_decay_style,
    )


# ---------------------------------------------------------------------------
# the weight decay


def group_wd_schedule(
    start_wd: Any, end_wd: Any, *, wd_incr_steps: int, wd_incr_style: str, wd_mult: Any = 1.0
) -> Schedule:
    """Megatron's ``get_wd(group) * group['wd_mult']`` for one param group (no class-level asserts)."""
    where = "megatron wd_schedule"
    s, e = _num(where, "start_wd", start_wd), _num(where, "end_wd", end_wd)
    steps = _steps(where, "wd_incr_steps", wd_incr_steps, min=None)
    mult = _num(where, "wd_mult", wd_mult)
    if steps < 0:  # num_steps > wd_incr_steps from the start: end_wd
        base = lrcurves.constant(e)
    else:
        style = _style(where, "wd_incr_style", wd_incr_style, WD_INCR_STYLES)
        if style == "constant":
            if s != e:
                raise MegatronAssertionError(
                    f"{where}: wd_incr_style 'constant' needs start_wd == end_wd, got {start_wd!r} and {end_wd!r}"
                )
            base = lrcurves.constant(e)
        elif steps == 0:
            raise ZeroLengthError(
                f"{where}: wd_incr_steps=0 with wd_incr_style {style!r} divides 0 by 0 at num_steps 0 "
                "(Megatron raises ZeroDivisionError when the scheduler is built)"
            )
        else:
            # start + coeff * (end - start), coeff = r or (1 - cos(pi r)) / 2, r = n / steps
            base = lrcurves.warmup(lrcurves.constant(e), steps, shape=style, init_value=s, peak_value=e)
    if mult == 1.0:
        return base
    if mult < 0.0:
        raise ValueError(f"{where}: wd_mult must be >= 0 (a negative weight decay), got {wd_mult!r}")
    return lrcurves.scale(base, mult)


def wd_schedule(start_wd: Any, end_wd: Any, *, wd_incr_steps: int, wd_incr_style: str) -> Schedule:
    """The weight decay of Megatron's ``OptimizerParamScheduler`` (``get_wd()``) at ``num_steps = n``.

    ``start_wd -> end_wd`` over ``wd_incr_steps`` (``"linear"``: ``r``,
    ``"cosine"``: ``(1 - cos(pi r)) / 2`` of the way, ``r = n /
    wd_incr_steps``), then ``end_wd``.  ``start_wd >= 0`` and ``end_wd >=
    start_wd`` are Megatron's preconditions (:class:`MegatronAssertionError`).

    >>> from lrcurves.compat import megatron as mg
    >>> s = mg.wd_schedule(0.0, 0.1, wd_incr_steps=4, wd_incr_style="linear")
    >>> [round(s.value(n), 3) for n in range(6)]
    [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]
    """
    check_wd_args(start_wd, end_wd)
    return group_wd_schedule(start_wd, end_wd, wd_incr_steps=wd_incr_steps, wd_incr_style=wd_incr_style)


# ---------------------------------------------------------------------------
# Megatron-LM's arguments


def _get(args: Any, name: str, default: Any = None) -> Any:
    v = args.get(name, default) if isinstance(args, Mapping) else getattr(args, name, default)
    return default if v is None else v


def _whole(where: str, name: str, v: Any) -> int:
    """A step count that may come out of a float product (``lr_warmup_fraction * decay``)."""
    f = _num(where, name, v)
    r = round(f)
    if abs(f - r) > 1e-9 * max(1.0, abs(f)):
        raise ValueError(
            f"{where}: {name} = {v!r} is not a whole number of steps; lrcurves' warmup takes an "
            "integer length (pick lr_warmup_iters/lr_warmup_samples, or a fraction giving whole steps)"
        )
    return int(r)


def _times(where: str, name: str, v: Any, k: int) -> int:
    return _steps(where, name, v, min=None) * k


def from_args(args: Any, *, unit: str | None = None, max_lr: Any = None) -> dict[str, Schedule]:
    """The LR and weight-decay schedules Megatron-LM's ``get_optimizer_param_scheduler`` builds.

    ``args`` is Megatron-LM's parsed arguments (a namespace or a dict with
    its names: ``lr``, ``min_lr``, ``lr_warmup_init``, ``lr_decay_style``,
    ``lr_wsd_decay_style``, ``train_iters``/``train_samples``,
    ``lr_decay_iters``/``lr_decay_samples``,
    ``lr_warmup_iters``/``lr_warmup_samples``/``lr_warmup_fraction``,
    ``lr_wsd_decay_iters``/``lr_wsd_decay_samples``, ``global_batch_size``,
    ``weight_decay``, ``start_weight_decay``, ``end_weight_decay``,
    ``weight_decay_incr_style``), with Megatron-LM's defaults for those
    missing (``min_lr=0``, ``lr_warmup_init=0``, ``lr_decay_style="linear"``,
    ``lr_wsd_decay_style="exponential"``, ``weight_decay=0.01``,
    ``weight_decay_incr_style="constant"``, no warmup).  Megatron-LM's
    conventions: the decay length defaults to the run; the weight decay
    increases over the whole run; ``lr_warmup_fraction`` is a fraction of
    the decay length; a constant weight decay is ``weight_decay``.

    ``unit``: ``"iterations"`` (the default for ``train_iters`` runs: the
    value at iteration ``i`` is Megatron's at ``num_steps = i *
    global_batch_size``) or ``"samples"`` (Megatron's ``num_steps``; the
    only unit of ``train_samples`` runs).  ``max_lr`` overrides ``lr`` (a
    param group's own ``max_lr``).  Returns ``{"lr": ..., "weight_decay": ...}``.
    """
    where = "megatron args"
    iters, samples = _get(args, "train_iters"), _get(args, "train_samples")
    if iters:
        unit = "iterations" if unit is None else unit
        if unit not in ("iterations", "samples"):
            raise ValueError(f"{where}: unit must be 'iterations' or 'samples', got {unit!r}")
        k = 1
        if unit == "samples":
            k = _steps(where, "global_batch_size", _get(args, "global_batch_size"), min=1)
        decay = _times(where, "lr_decay_iters", _get(args, "lr_decay_iters", iters), k)
        incr = _times(where, "train_iters", iters, k)
        wsd = _get(args, "lr_wsd_decay_iters")
        wsd = None if wsd is None else _times(where, "lr_wsd_decay_iters", wsd, k)
        frac = _get(args, "lr_warmup_fraction")
        if frac is not None:
            warm = _whole(where, "lr_warmup_fraction * lr_decay_steps", _num(where, "lr_warmup_fraction", frac) * decay)
        else:
            warm = _times(where, "lr_warmup_iters", _get(args, "lr_warmup_iters", 0), k)
    elif samples:
        if unit not in (None, "samples"):
            raise ValueError(
                f"{where}: a train_samples run counts samples (batch size ramp-up makes iterations "
                f"irregular); unit must be 'samples', got {unit!r}"
            )
        decay = _steps(where, "lr_decay_samples", _get(args, "lr_decay_samples", samples), min=None)
        incr = _steps(where, "train_samples", samples, min=None)
        wsd = _get(args, "lr_wsd_decay_samples")
        frac = _get(args, "lr_warmup_fraction")
        if frac is not None:
            warm = _whole(where, "lr_warmup_fraction * lr_decay_steps", _num(where, "lr_warmup_fraction", frac) * decay)
        else:
            warm = _steps(where, "lr_warmup_samples", _get(args, "lr_warmup_samples", 0), min=None)
    else:
        raise ValueError(f"{where}: either train_iters or train_samples should be provided")
    lr = _get(args, "lr")
    if lr is None and max_lr is None:
        raise ValueError(f"{where}: lr (the peak learning rate) is required")
    style = _get(args, "lr_decay_style", "linear")
    lr_s = lr_schedule(
        lr if max_lr is None else max_lr,
        _get(args, "min_lr", 0.0),
        lr_warmup_steps=warm,
        lr_decay_steps=decay,
        lr_decay_style=style,
        init_lr=_get(args, "lr_warmup_init", 0.0),
        wsd_decay_steps=wsd,
        lr_wsd_decay_style=_get(args, "lr_wsd_decay_style", "exponential"),
    )
    wd = _get(args, "weight_decay", 0.01)
    incr_style = _get(args, "weight_decay_incr_style", "constant")
    start, end = _get(args, "start_weight_decay"), _get(args, "end_weight_decay")
    if incr_style == "constant":
        if (start is not None and start != wd) or (end is not None and end != wd):
            raise ValueError(
                f"{where}: weight_decay_incr_style 'constant' uses weight_decay={wd!r}; "
                f"start_weight_decay={start!r} / end_weight_decay={end!r} must not differ from it"
            )
        start = end = wd
    elif start is None or end is None:
        raise ValueError(
            f"{where}: weight_decay_incr_style {incr_style!r} needs start_weight_decay and "
            f"end_weight_decay, got {start!r} and {end!r}"
        )
    wd_s = wd_schedule(start, end, wd_incr_steps=incr, wd_incr_style=incr_style)
    return {"lr": lr_s, "weight_decay": wd_s}


# ---------------------------------------------------------------------------
# from_config

_CTOR_KEYS = frozenset(
    {
        "max_lr", "min_lr", "init_lr", "lr_warmup_steps", "lr_decay_steps", "lr_decay_style",
        "wsd_decay_steps", "lr_wsd_decay_style", "start_wd", "end_wd", "wd_incr_steps",
        "wd_incr_style", "use_checkpoint_opt_param_scheduler", "override_opt_param_scheduler",
        "increment",
    }
)


def _per_call(where: str, name: str, v: Any, inc: int) -> Any:
    if v is None or inc == 1:
        return v
    n = _steps(where, name, v, min=None)
    if n % inc:
        raise ValueError(
            f"{where}: {name}={v!r} is not a multiple of increment={inc}; per-call steps need "
            "whole calls (drop 'increment' to index the schedule by num_steps)"
        )
    return n // inc


def _from_ctor(p: Mapping[str, Any], what: str, max_lr: Any) -> Schedule:
    where = "megatron config"
    unknown = sorted(set(p) - _CTOR_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown OptimizerParamScheduler argument(s) {unknown}")
    inc = _steps(where, "increment", p.get("increment", 1), min=1)
    if what == "weight_decay":
        missing = [k for k in ("start_wd", "end_wd", "wd_incr_steps", "wd_incr_style") if k not in p]
        if missing:
            raise ValueError(f"{where}: the weight-decay schedule needs {missing}")
        return wd_schedule(
            p["start_wd"], p["end_wd"],
            wd_incr_steps=_per_call(where, "wd_incr_steps", p["wd_incr_steps"], inc),
            wd_incr_style=p["wd_incr_style"],
        )
    missing = [k for k in ("lr_warmup_steps", "lr_decay_steps", "lr_decay_style") if k not in p]
    if max_lr is None and "max_lr" not in p:
        missing.insert(0, "max_lr")
    if missing:
        raise ValueError(f"{where}: the learning-rate schedule needs {missing}")
    return lr_schedule(
        p["max_lr"] if max_lr is None else max_lr,
        p.get("min_lr", 0.0),
        lr_warmup_steps=_per_call(where, "lr_warmup_steps", p["lr_warmup_steps"], inc),
        lr_decay_steps=_per_call(where, "lr_decay_steps", p["lr_decay_steps"], inc),
        lr_decay_style=p["lr_decay_style"],
        init_lr=p.get("init_lr", 0.0),
        wsd_decay_steps=_per_call(where, "wsd_decay_steps", p.get("wsd_decay_steps"), inc),
        lr_wsd_decay_style=p.get("lr_wsd_decay_style"),
    )


def _detect(d: Mapping[str, Any]) -> bool:
    return "name" not in d and isinstance(d.get("megatron"), Mapping)


def load_config(d: Mapping[str, Any], base_lr: Any = None, group: int = 0) -> Schedule:
    """``from_config`` loader: ``{"megatron": {...}, "schedule": "lr" | "weight_decay"}``.

    ``base_lr`` (optional) is a param group's ``max_lr``, overriding the
    config's ``max_lr``/``lr``; ``group`` is accepted for the common loader
    signature and unused (Megatron's groups differ only by their overrides).
    """
    extra = sorted(set(d) - {"megatron", "schedule"})
    if extra:
        raise ValueError(f"megatron config: unknown key(s) {extra}; expected 'megatron' and 'schedule'")
    what = d.get("schedule", "lr")
    if what not in ("lr", "weight_decay"):
        raise ValueError(f"megatron config: 'schedule' must be 'lr' or 'weight_decay', got {brief(what)}")
    p = d["megatron"]
    if "max_lr" in p or "lr_decay_steps" in p or "start_wd" in p or "increment" in p:
        return _from_ctor(p, what, base_lr)
    return from_args(p, max_lr=base_lr)[what]


register_config_format(_detect, load_config)
