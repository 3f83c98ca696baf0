"""Linear and polynomial interpolation between two values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import _one_minus_pow, _steps_from, blend, interp
from lrcurves._xp import Namespace, reference_order, to_float
from lrcurves.validate import Value, as_int, as_value

__all__ = ["linear", "polynomial", "polynomial_growth"]


_POW_LIMIT = 700.0  # log of the largest T^k computed directly (float64 overflows near 709.8)


def _poly_lr(xp: Namespace, t: Any, p: Params) -> Any:
    k = p.progress_power
    if k == 1.0:
        return interp(
            xp, t, p.init_value, p.end_value, p.transition_steps, "poly",
            begin=p.transition_begin, exponent=p.power,
        )
    tf = to_float(xp, t)
    b, n = p.transition_begin, p.transition_steps
    done = _steps_from(xp, t, tf, b)
    if reference_order(xp, tf) and k * math.log(n) < _POW_LIMIT:
        # (t - B)^k / T^k: the k-decay order of timm's poly scheduler (where T^k is finite;
        # beyond that timm's own value is nan and (t/T)^k is the curve)
        u = xp.clip(xp.pow(xp.clip(done, 0.0, float(n)), k) / math.pow(n, k), 0.0, 1.0)
        # exactly 1 from the end on: NumPy's pow(T, k) / Python's pow(T, k) can be
        # 1 - ulp, and (1 - u)^p with p < 1 makes that 1e-8 (found by the strategies)
        u = xp.where(done >= float(n), 1.0, u)
        uc = None
    elif reference_order(xp, tf):
        u, uc = xp.pow(xp.clip(done / float(n), 0.0, 1.0), k), None
    else:
        # u^k and 1 - u^k, each accurate (steps left counted exactly)
        u = xp.clip(done / float(n), 0.0, 1.0)
        uc = xp.clip(-_steps_from(xp, t, tf, b + n) / float(n), 0.0, 1.0)
        u, uc = xp.pow(u, k), _one_minus_pow(xp, uc, u, k)
    return blend(xp, u, uc, p.init_value, p.end_value, "poly", exponent=p.power)


def _linear_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return interp(xp, t, p.init_value, p.end_value, p.transition_steps, "linear", begin=p.transition_begin)


def _flat(p: Params, a: int, b: int) -> list[tuple[int, int]]:
    return [(0, p.transition_begin + 1), (p.transition_begin + p.transition_steps, b)]


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


@register("polynomial", lr=_poly_lr, bounds=_lohi, phases=_phases, flat=_flat)
def polynomial(
    init_value: Value,
    end_value: Value,
    *,
    transition_steps: int,
    power: float = 1.0,
    transition_begin: int = 0,
    progress_power: float = 1.0,
) -> Schedule:
    r"""Polynomial interpolation from ``init_value`` to ``end_value``.

    .. math::
        \eta(t) = \eta_e + (\eta_0 - \eta_e)\,
            \bigl(1 - u^{k}\bigr)^{p},
        \qquad u = \operatorname{clip}\bigl(\tfrac{t - B}{T}, 0, 1\bigr)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``transition_steps``, :math:`B` = ``transition_begin``,
    :math:`p` = ``power``, :math:`k` = ``progress_power``.

    Conventions: step 0 is the first update.  The value is
    :math:`\eta_0` for ``t <= B``, reaches :math:`\eta_e` exactly at
    ``t = B + T`` and stays there (clamped, never extrapolated).  Same curve
    as ``optax.polynomial_schedule`` -- whose third positional argument is
    ``power``: here everything after ``end_value`` is keyword-only, so an
    optax-style positional call fails instead of meaning something else; torch's ``PolynomialLR(total_iters=T,
    power=p)`` is the case ``end_value=0`` as a multiplier of the base LR.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      end_value: value from ``transition_begin + transition_steps`` on, ``>= 0``.
      transition_steps: length of the transition, ``>= 1``.
      power: exponent, ``> 0`` (1 is linear).
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.
      progress_power: :math:`k > 0`, the power of the progress (1: plain
        polynomial).

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.polynomial(1.0, 0.0, transition_steps=4, power=2.0)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    v = _validate("polynomial", init_value, end_value, transition_steps, transition_begin, power)
    k = as_value("polynomial", "progress_power", progress_power, min=0.0, min_open=True, allow_array=False)
    return Schedule._make("polynomial", **v, progress_power=float(k))


@register("linear", lr=_linear_lr, bounds=_lohi, phases=_phases, flat=_flat)
def linear(
    init_value: Value,
    end_value: Value,
    *,
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


# -- polynomial_growth -----------------------------------------------------------


def _growth_end(init: Any, step: Any, steps: int, power: float) -> Any:
    """The held value ``init + (step - init) * T ** power`` (float64, for bounds/validation)."""
    # np.float64 ** overflows to inf (rejected by the caller); Python's float ** raises
    return init + (np.asarray(step) - init) * np.float64(steps) ** power


def _growth_lr(xp: Namespace, t: Any, p: Params) -> Any:
    n = float(p.transition_steps)
    tf = to_float(xp, t)
    d = xp.clip(tf - float(p.transition_begin) if p.transition_begin else tf, 0.0, n)
    v = p.init_value + (p.step_value - p.init_value) * xp.pow(d, p.power)
    # the held value with Python's pow on every backend: the same bits as value()
    held = p.init_value + (p.step_value - p.init_value) * math.pow(n, p.power)
    return xp.where(d >= n, held, v)


def _growth_bounds(p: Params) -> tuple[Any, Any]:
    end = _growth_end(p.init_value, p.step_value, p.transition_steps, p.power)
    return np.minimum(p.init_value, end), np.maximum(p.init_value, end)


@register("polynomial_growth", lr=_growth_lr, bounds=_growth_bounds, phases=_phases, flat=_flat)
def polynomial_growth(
    init_value: Value,
    step_value: Value,
    *,
    power: float,
    transition_steps: int,
    transition_begin: int = 0,
) -> Schedule:
    r"""Unnormalised power curve in the step count, held after ``transition_steps``.

    .. math::
        \eta(t) = \eta_0 + (\eta_1 - \eta_0)\, d^{\,p},
        \qquad d = \operatorname{clip}(t - B,\, 0,\, T)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_1` =
    ``step_value``, :math:`p` = ``power``, :math:`T` = ``transition_steps``,
    :math:`B` = ``transition_begin``.

    Conventions: arguments after ``step_value`` are keyword-only.  The
    base of the power is the number of steps taken since ``B``, not a
    progress in ``[0, 1]``: :math:`\eta_0` up to ``t = B``,
    :math:`\eta_1` exactly one step later, then the curve keeps growing
    (or falling, for :math:`\eta_1 < \eta_0`) as :math:`d^{\,p}` until
    ``t = B + T`` and holds :math:`\eta_0 + (\eta_1 - \eta_0) T^p` from
    there on.  This is pytorch_optimizer's ``PolyScheduler`` curve
    ``min_lr + (max_lr - min_lr) * (s - W) ** poly_order`` (same float
    operations), which has no end of its own; the normalised curve from
    one value to another is :func:`polynomial`.  Every value, the held one
    included, must be ``>= 0``.

    Args:
      init_value: value at and before ``transition_begin``, ``>= 0``.
      step_value: value one step after ``transition_begin``, ``>= 0``.
      power: exponent :math:`p > 0` (1: linear in the step).
      transition_steps: steps of growth before the value is held, ``>= 1``.
      transition_begin: steps to hold ``init_value`` first, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.polynomial_growth(0.0, 1.0, power=0.5, transition_steps=4)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 7)]
      [0.0, 1.0, 1.4142, 1.7321, 2.0, 2.0, 2.0]
    """
    name = "polynomial_growth"
    init = as_value(name, "init_value", init_value)
    step = as_value(name, "step_value", step_value)
    pw = float(as_value(name, "power", power, min=0.0, min_open=True, allow_array=False))
    n = as_int(name, "transition_steps", transition_steps, min=1)
    b = as_int(name, "transition_begin", transition_begin, min=0)
    with np.errstate(over="ignore", invalid="ignore"):
        end = _growth_end(init, step, n, pw)
    if not np.all(np.isfinite(end)) or np.any(end < 0):
        bad = float(np.min(end)) if np.all(np.isfinite(end)) else float("inf")
        raise ValueError(
            f"{name}: the held value init_value + (step_value - init_value) * transition_steps ** power "
            f"must be finite and >= 0, got {bad!r} (init_value={init!r}, step_value={step!r}, "
            f"transition_steps={n}, power={pw!r})"
        )
    return Schedule._make(
        name, init_value=init, step_value=step, power=pw, transition_steps=n, transition_begin=b
    )
