"""Cosine decay (half-cosine annealing from an initial to a final value)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import Value, as_int, as_value
from lrcurves._xp import Namespace, numpy_namespace, to_float

__all__ = ["cosine_decay"]


def _cos_lr(xp: Namespace, t: Any, p: Params) -> Any:
    # progress u in [0, 1]; decay_steps is validated >= 1
    u = xp.clip((to_float(xp, t) - p.transition_begin) / p.decay_steps, 0.0, 1.0)
    c = 0.5 * (1.0 + xp.cos(math.pi * u))  # in [0, 1]: 1 + cos >= 0
    if p.exponent != 1.0:
        c = xp.pow(c, p.exponent)
    return p.end_value + (p.init_value - p.end_value) * c


def _cos_range(xp: Namespace, p: Params, start: int, stop: int) -> Any:
    """Contiguous steps: constant head, cosine on the decaying part only, constant tail."""
    if xp is not numpy_namespace():
        return _cos_lr(xp, xp.arange(start, stop), p)
    b, n = p.transition_begin, p.decay_steps
    i, e = float(p.init_value), float(p.end_value)
    lo = min(max(start, b), stop)  # decaying part is [lo, hi)
    hi = min(max(start, b + n), stop)
    parts = []
    if lo > start:
        parts.append(np.full(lo - start, i))
    if hi > lo:
        seg = np.arange(lo - b, hi - b, dtype=np.float64)
        seg *= math.pi / n
        np.cos(seg, out=seg)
        if p.exponent == 1.0:
            # e + (i - e) * (1 + cos) / 2  ==  a * cos + c
            seg *= 0.5 * (i - e)
            seg += 0.5 * (i + e)
        else:
            seg += 1.0
            seg *= 0.5
            np.power(seg, p.exponent, out=seg)
            seg *= i - e
            seg += e
        parts.append(seg)
    if stop > hi:
        parts.append(np.full(stop - hi, e))
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.zeros((0,), dtype=np.float64)
    return np.concatenate(parts)


def _lohi(p: Params) -> tuple[Any, Any]:
    return np.minimum(p.init_value, p.end_value), np.maximum(p.init_value, p.end_value)


def _phases(p: Params) -> tuple[int, ...]:
    return (p.transition_begin, p.transition_begin + p.decay_steps)


@register("cosine_decay", lr=_cos_lr, bounds=_lohi, phases=_phases, eval_range=_cos_range)
def cosine_decay(
    init_value: Value,
    decay_steps: int,
    end_value: Value = 0.0,
    exponent: float = 1.0,
    transition_begin: int = 0,
) -> Schedule:
    r"""Cosine decay from ``init_value`` to ``end_value``, then constant.

    .. math::
        \eta(t) = \eta_e + (\eta_0 - \eta_e)
            \left(\frac{1 + \cos(\pi u)}{2}\right)^{k},
        \qquad u = \operatorname{clip}\Bigl(\frac{t - B}{T}, 0, 1\Bigr)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``decay_steps``, :math:`B` = ``transition_begin``,
    :math:`k` = ``exponent``.

    Conventions: step 0 is the first update.  The value is :math:`\eta_0`
    up to ``t = B``, reaches :math:`\eta_e` exactly at ``t = B + T`` and stays
    there (clamped).  ``end_value > init_value`` is allowed (a cosine
    *rise*).  ``optax.cosine_decay_schedule(init_value, decay_steps, alpha,
    exponent)`` is this curve with ``end_value = alpha * init_value``.
    torch's ``CosineAnnealingLR(T_max=T, eta_min=e)`` agrees for
    ``t <= T_max`` but is *periodic* past ``T_max`` (it rises again);
    this schedule clamps at ``end_value`` instead.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      decay_steps: length of the decay, ``>= 1``.
      end_value: value from ``transition_begin + decay_steps`` on, ``>= 0``.
      exponent: power applied to the cosine factor, ``> 0`` (1 is plain cosine).
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.cosine_decay(1.0, decay_steps=4)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    name = "cosine_decay"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        decay_steps=as_int(name, "decay_steps", decay_steps, min=1),
        end_value=as_value(name, "end_value", end_value),
        exponent=as_value(name, "exponent", exponent, min=0.0, min_open=True, allow_array=False),
        transition_begin=as_int(name, "transition_begin", transition_begin, min=0),
    )
