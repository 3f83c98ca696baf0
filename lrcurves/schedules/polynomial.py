"""Linear and polynomial interpolation between two values."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import Value, as_int, as_value
from lrcurves._xp import Namespace, to_float

__all__ = ["linear", "polynomial"]


def _interp(xp: Namespace, t: Any, p: Params, power: float) -> Any:
    # progress in [0, 1]; the denominator is validated > 0
    u = xp.clip((to_float(xp, t) - p.transition_begin) / p.transition_steps, 0.0, 1.0)
    frac = (1.0 - u) if power == 1.0 else xp.pow(1.0 - u, power)
    return p.end_value + (p.init_value - p.end_value) * frac


def _poly_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return _interp(xp, t, p, p.power)


def _linear_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return _interp(xp, t, p, 1.0)


def _lohi(p: Params) -> tuple[Any, Any]:
    return np.minimum(p.init_value, p.end_value), np.maximum(p.init_value, p.end_value)


def _phases(p: Params) -> tuple[int, ...]:
    return (p.transition_begin, p.transition_begin + p.transition_steps)


def _validate(name: str, init_value: Any, end_value: Any, transition_steps: Any, transition_begin: Any, power: Any) -> dict[str, Any]:
    return {
        "init_value": as_value(name, "init_value", init_value),
        "end_value": as_value(name, "end_value", end_value),
        "transition_steps": as_int(name, "transition_steps", transition_steps, min=1),
        "transition_begin": as_int(name, "transition_begin", transition_begin, min=0),
        "power": as_value(name, "power", power, min=0.0, min_open=True, allow_array=False),
    }


@register("polynomial", lr=_poly_lr, bounds=_lohi, phases=_phases)
def polynomial(
    init_value: Value,
    end_value: Value,
    transition_steps: int,
    power: float = 1.0,
    transition_begin: int = 0,
) -> Schedule:
    r"""Polynomial interpolation from ``init_value`` to ``end_value``.

    .. math::
        \eta(t) = \eta_e + (\eta_0 - \eta_e)\,
            \Bigl(1 - \operatorname{clip}\bigl(\tfrac{t - B}{T}, 0, 1\bigr)\Bigr)^{p}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``transition_steps``, :math:`B` = ``transition_begin``,
    :math:`p` = ``power``.

    Conventions: step 0 is the first update.  The value is
    :math:`\eta_0` for ``t <= B``, reaches :math:`\eta_e` exactly at
    ``t = B + T`` and stays there (clamped, never extrapolated).  Same curve
    as ``optax.polynomial_schedule``; torch's ``PolynomialLR(total_iters=T,
    power=p)`` is the case ``end_value=0`` as a multiplier of the base LR.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      end_value: value from ``transition_begin + transition_steps`` on, ``>= 0``.
      transition_steps: length of the transition, ``>= 1``.
      power: exponent, ``> 0`` (1 is linear).
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.polynomial(1.0, 0.0, transition_steps=4, power=2.0)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    return Schedule._make("polynomial", **_validate("polynomial", init_value, end_value, transition_steps, transition_begin, power))


@register(
    "linear",
    lr=_linear_lr,
    bounds=_lohi,
    phases=_phases,
)
def linear(
    init_value: Value,
    end_value: Value,
    transition_steps: int,
    transition_begin: int = 0,
) -> Schedule:
    r"""Linear interpolation from ``init_value`` to ``end_value``.

    .. math::
        \eta(t) = \eta_0 + (\eta_e - \eta_0)\,
            \operatorname{clip}\bigl(\tfrac{t - B}{T}, 0, 1\bigr)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``transition_steps``, :math:`B` = ``transition_begin``.

    Conventions: :math:`\eta_0` up to ``t = B``, :math:`\eta_e` from
    ``t = B + T`` on (clamped).  Same curve as ``optax.linear_schedule``;
    torch's ``LinearLR(start_factor, end_factor, total_iters)`` is this
    schedule on multipliers of the base LR.

    Args:
      init_value: start value, ``>= 0``.
      end_value: final value, ``>= 0``.
      transition_steps: length of the ramp, ``>= 1``.
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> lrcurves.curve(lrcurves.linear(0.0, 1.0, transition_steps=4), 6).tolist()
      [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    v = _validate("linear", init_value, end_value, transition_steps, transition_begin, 1.0)
    del v["power"]
    return Schedule._make("linear", **v)
