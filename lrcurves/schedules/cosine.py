"""Cosine decay (half-cosine annealing from an initial to a final value)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import _one_minus_pow, cosine_wave, interp
from lrcurves._xp import Namespace, reference_order, to_float
from lrcurves.validate import Value, as_int, as_value

__all__ = ["cosine_decay"]

_HALF = 0.5  # the default num_cycles: one half cosine, init -> end


def _cos_lr(xp: Namespace, t: Any, p: Params) -> Any:
    nc = p.get("num_cycles", _HALF)
    if nc == _HALF:
        return interp(
            xp, t, p.init_value, p.end_value, p.decay_steps, "cosine",
            begin=p.transition_begin, exponent=p.exponent,
        )
    # num_cycles cosine periods over the window: (1 + cos(2 pi c u)) / 2, in
    # float64 in the float order of transformers' / pytorch_optimizer's
    # num_cycles schedules; in lower precision from the exact phase
    tf = to_float(xp, t)
    if reference_order(xp, tf):
        u = xp.clip((tf - float(p.transition_begin)) / float(p.decay_steps), 0.0, 1.0)
        wc = 0.5 * (1.0 + xp.cos((math.pi * nc * 2.0) * u))
        if p.exponent != 1.0:
            wc = xp.pow(wc, p.exponent)
        return p.end_value + (p.init_value - p.end_value) * wc
    wc, w = cosine_wave(xp, t, tf, p.transition_begin, p.decay_steps, nc)
    if p.exponent != 1.0:
        wc, w = xp.pow(wc, p.exponent), _one_minus_pow(xp, w, wc, p.exponent)
    return p.init_value * wc + p.end_value * w


def _lohi(p: Params) -> tuple[Any, Any]:
    return np.minimum(p.init_value, p.end_value), np.maximum(p.init_value, p.end_value)


def _phases(p: Params) -> tuple[int, ...]:
    return (p.transition_begin, p.transition_begin + p.decay_steps)


def _flat(p: Params, a: int, b: int) -> list[tuple[int, int]]:
    return [(0, p.transition_begin + 1), (p.transition_begin + p.decay_steps, b)]


@register("cosine_decay", lr=_cos_lr, bounds=_lohi, phases=_phases, flat=_flat)
def cosine_decay(
    init_value: Value,
    decay_steps: int,
    *,
    end_value: Value = 0.0,
    exponent: float = 1.0,
    transition_begin: int = 0,
    num_cycles: float = 0.5,
) -> Schedule:
    r"""Cosine decay from ``init_value`` to ``end_value``, then constant.

    .. math::
        \eta(t) = \eta_e + (\eta_0 - \eta_e)
            \left(\frac{1 + \cos(2 \pi c\, u)}{2}\right)^{k},
        \qquad u = \operatorname{clip}\Bigl(\frac{t - B}{T}, 0, 1\Bigr)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``decay_steps``, :math:`B` = ``transition_begin``,
    :math:`k` = ``exponent``, :math:`c` = ``num_cycles`` (default
    :math:`1/2`: one half cosine, :math:`\cos(\pi u)`).

    Conventions: step 0 is the first update.  Arguments after
    ``decay_steps`` are keyword-only: ``optax.cosine_decay_schedule``'s
    third positional argument is the *ratio* ``alpha``, so an optax call
    fails loudly here instead of running another curve.  The value is :math:`\eta_0`
    up to ``t = B``, reaches :math:`\eta_e` exactly at ``t = B + T`` and stays
    there (clamped).  ``end_value > init_value`` is allowed (a cosine
    *rise*).  ``optax.cosine_decay_schedule(init_value, decay_steps, alpha,
    exponent)`` is this curve with ``end_value = alpha * init_value``.
    torch's ``CosineAnnealingLR(T_max=T, eta_min=e)`` agrees for
    ``t <= T_max`` but is *periodic* past ``T_max`` (it rises again);
    this schedule clamps at ``end_value`` instead; torch's periodic curve
    is ``repeat(cosine_decay(init, 2 * T, end_value=e, num_cycles=1.0),
    period=2 * T)``.  ``num_cycles`` is the number of cosine periods over
    the ``T`` steps, as in transformers' ``get_cosine_schedule_with_warmup``
    and pytorch_optimizer's ``get_wsd_schedule`` (their float order,
    ``cos(pi * c * 2 * u)``, in float64): with :math:`c \ne 1/2` the value
    at ``t = B + T`` is the cosine's there (:math:`\eta_0` again for
    :math:`c = 1`), held afterwards.  In float32 the cosine's phase is
    reduced exactly (:func:`lrcurves._shapes.cosine_wave`), so every value,
    also next to each cycle's minimum, keeps its relative accuracy.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      decay_steps: length of the decay, ``>= 1``.
      end_value: value from ``transition_begin + decay_steps`` on, ``>= 0``.
      exponent: power applied to the cosine factor, ``> 0`` (1 is plain cosine).
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.
      num_cycles: cosine periods over ``decay_steps``, any finite number
        (``0.5``: the half cosine from ``init_value`` to ``end_value``).

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.cosine_decay(1.0, decay_steps=4)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
      >>> s = lrcurves.cosine_decay(1.0, decay_steps=4, num_cycles=1.0)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.5, 0.0, 0.5, 1.0, 1.0]
    """
    name = "cosine_decay"
    params = {
        "init_value": as_value(name, "init_value", init_value),
        "decay_steps": as_int(name, "decay_steps", decay_steps, min=1),
        "end_value": as_value(name, "end_value", end_value),
        "exponent": as_value(name, "exponent", exponent, min=0.0, min_open=True, allow_array=False),
        "transition_begin": as_int(name, "transition_begin", transition_begin, min=0),
    }
    nc = float(as_value(name, "num_cycles", num_cycles, min=None, allow_array=False))
    if nc != _HALF:
        # stored only when set: configs of plain cosine decays stay as they were
        params["num_cycles"] = nc
    return Schedule._make(name, **params)
