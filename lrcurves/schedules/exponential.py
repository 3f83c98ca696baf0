"""Exponential decay (or bounded growth) by a constant factor per period."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register, stair_ranges
from lrcurves._xp import Namespace, divmod_steps, minus, param, to_float
from lrcurves.validate import Value, as_bool, as_int, as_value, check_le

__all__ = ["exponential_decay"]


def _exp_lr(xp: Namespace, t: Any, p: Params) -> Any:
    local = minus(xp, t, p.transition_begin)
    if p.staircase:
        q, _ = divmod_steps(xp, local, p.transition_steps)  # exact stairs
    else:
        q = to_float(xp, local) / float(p.transition_steps)
    q = xp.maximum(q, 0.0)
    rate, i, e = p.decay_rate, p.init_value, p.end_value
    if rate <= 1.0:
        # exponent <= 0: exp underflows harmlessly to 0 for huge steps
        v = i * xp.exp(q * math.log(rate))
        if e is not None:
            v = xp.maximum(v, e) if rate < 1.0 else xp.minimum(v, e)
        return v
    # growth: cap the exponent at log(end / init) so nothing overflows,
    # whatever the step (end_value >= init_value is required)
    ia, ea = param(xp, i, q), param(xp, e, q)
    pos = ia > 0.0
    cap = xp.log(xp.where(pos, ea / xp.where(pos, ia, 1.0), 1.0))
    return xp.minimum(i * xp.exp(xp.minimum(q * math.log(rate), cap)), e)


def _flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    b, n = p.transition_begin, p.transition_steps
    if not p.staircase:
        return [(0, b + 1)]
    stairs = stair_ranges(n, max(start, b), stop, offset=b)
    if stairs and stairs[0][0] == b:  # the first stair continues the hold before it
        stairs[0] = (0, stairs[0][1])
    return stairs or [(0, b + 1)]


def _lohi(p: Params) -> tuple[Any, Any]:
    i, e, r = p.init_value, p.end_value, p.decay_rate
    if r < 1.0:  # end_value (a floor) <= init_value is validated
        return (np.zeros_like(i) if e is None else e), i
    if r == 1.0:  # constant (a ceiling end_value >= init_value never binds)
        return i, i
    return i, e


def _phases(p: Params) -> tuple[int, ...]:
    return (p.transition_begin,)


@register("exponential_decay", lr=_exp_lr, bounds=_lohi, phases=_phases, flat=_flat)
def exponential_decay(
    init_value: Value,
    *,
    decay_rate: float,
    transition_steps: int,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: Value | None = None,
) -> Schedule:
    r"""Exponential decay: multiply by ``decay_rate`` every ``transition_steps``.

    .. math::
        \eta(t) = \eta_0\, r^{p}, \qquad
        p = \max\Bigl(0, \frac{t - B}{T}\Bigr)
        \quad\text{(}\lfloor\cdot\rfloor\text{ inside if staircase)}

    then bounded by :math:`\eta_e`: :math:`\max(\eta, \eta_e)` when
    :math:`r < 1`, :math:`\min(\eta, \eta_e)` when :math:`r \ge 1`.

    Symbols: :math:`\eta_0` = ``init_value``, :math:`r` = ``decay_rate``,
    :math:`T` = ``transition_steps``, :math:`B` = ``transition_begin``,
    :math:`\eta_e` = ``end_value``.

    Conventions: arguments after ``init_value`` are keyword-only
    (``optax.exponential_decay`` takes ``transition_steps`` before
    ``decay_rate``; a positional optax call fails here instead of swapping
    them).  Step 0 is the first update; the value is :math:`\eta_0`
    up to ``t = B`` and decays forever after (to 0, or to the floor
    ``end_value``).  Same curve as ``optax.exponential_decay`` (including
    its ``end_value`` clipping, which also applies before ``B``) but with
    errors instead of optax's silent fallbacks: ``transition_steps <= 0``
    and ``decay_rate == 0`` raise here.  ``decay_rate > 1`` (growth)
    requires ``end_value`` as a ceiling, since unbounded growth would
    overflow.  torch's ``ExponentialLR(gamma)`` is ``decay_rate=gamma,
    transition_steps=1``.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      decay_rate: factor per period, ``> 0`` (a scalar).
      transition_steps: period length in steps, ``>= 1``.
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.
      staircase: decay in discrete jumps every period instead of continuously.
      end_value: floor (``decay_rate < 1``, must be ``<= init_value``) or
        ceiling (``decay_rate >= 1``, must be ``>= init_value``), ``>= 0``;
        required when ``decay_rate > 1``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.exponential_decay(1.0, decay_rate=0.5, transition_steps=2, staircase=True)
      >>> lrcurves.curve(s, 6).tolist()
      [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
      >>> g = lrcurves.exponential_decay(1.0, decay_rate=2.0, transition_steps=1, end_value=5.0)
      >>> [round(float(g(t)), 6) for t in range(5)]
      [1.0, 2.0, 4.0, 5.0, 5.0]
    """
    name = "exponential_decay"
    init = as_value(name, "init_value", init_value)
    rate = as_value(name, "decay_rate", decay_rate, min=0.0, min_open=True, allow_array=False)
    steps = as_int(name, "transition_steps", transition_steps, min=1)
    begin = as_int(name, "transition_begin", transition_begin, min=0)
    stair = as_bool(name, "staircase", staircase)
    end = None if end_value is None else as_value(name, "end_value", end_value)
    if end is None and rate > 1.0:
        raise ValueError(
            f"{name}: end_value is required when decay_rate > 1 (got decay_rate={rate!r}, "
            "end_value=None): unbounded growth would overflow"
        )
    if end is not None:
        if rate < 1.0:
            check_le(name, "end_value", end, "init_value", init)
        else:
            check_le(name, "init_value", init, "end_value", end)
    return Schedule._make(
        name,
        init_value=init,
        decay_rate=rate,
        transition_steps=steps,
        transition_begin=begin,
        staircase=stair,
        end_value=end,
    )
