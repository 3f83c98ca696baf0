"""Piecewise-constant schedules: step decay, milestones, explicit pieces."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register, stair_ranges
from lrcurves._shapes import geometric
from lrcurves._xp import Namespace, Table, count_reached, divmod_steps, param, take
from lrcurves.validate import Value, as_int, as_ints, as_value, as_values, brief, fail

__all__ = ["multistep", "piecewise_constant", "step_decay"]


# -- step_decay ---------------------------------------------------------------


def _step_lr(xp: Namespace, t: Any, p: Params) -> Any:
    k, _ = divmod_steps(xp, t, p.step_size)  # exact stairs on every backend
    k = xp.maximum(k, 0.0)
    r = p.decay_rate
    if isinstance(r, float) and r > 0.0:
        # float32(r) ** k would amplify the rounding of r k-fold (see geometric)
        return p.init_value * geometric(xp, r, k)
    return p.init_value * xp.pow(param(xp, r, k), k)


def _stairs(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    return stair_ranges(p.step_size, start, stop)


def _decay_bounds(p: Params) -> tuple[Any, Any]:
    return np.zeros_like(p.init_value), p.init_value


@register(
    "step_decay",
    lr=_step_lr,
    monotone="decreasing",
    bounds=_decay_bounds,
    phases=lambda p: (p.step_size,),
    flat=_stairs,
    aliases={"gamma": "decay_rate"},
)
def step_decay(init_value: Value, *, step_size: int, decay_rate: Value = 0.1) -> Schedule:
    r"""Multiply by ``decay_rate`` every ``step_size`` steps (torch ``StepLR``).

    .. math::
        \eta(t) = \eta_0\, \gamma^{\lfloor t / S \rfloor}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`S` = ``step_size``,
    :math:`\gamma` = ``decay_rate`` (``gamma`` in torch, still accepted
    by :func:`lrcurves.get` and configs).

    Conventions: arguments after ``init_value`` are keyword-only.  Stairs
    come from integer arithmetic on the step, so they land on the same step
    on every backend and dtype.  Step 0 is the first update; the first drop happens at
    step ``S`` and the decay never ends.  Equals torch's
    ``StepLR(step_size=S, gamma)`` after ``t`` calls of ``scheduler.step()``
    (values as ``base_lr * gamma ** (t // S)``; torch's chainable form
    multiplies repeatedly, so it agrees to rounding).  ``optax`` spells it
    ``exponential_decay(init, S, gamma, staircase=True)``.

    Args:
      init_value: initial value, ``>= 0``.
      step_size: period in steps, ``>= 1``.
      decay_rate: factor per period, in ``[0, 1]``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.step_decay(1.0, step_size=2, decay_rate=0.5)
      >>> lrcurves.curve(s, 6).tolist()
      [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    name = "step_decay"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        step_size=as_int(name, "step_size", step_size, min=1),
        decay_rate=as_value(name, "decay_rate", decay_rate, min=0.0, max=1.0),
    )


# -- multistep ----------------------------------------------------------------


def _levels(milestones: tuple[int, ...], decay_rate: float) -> tuple[Table, Table]:
    """Distinct milestones and the factor ``decay_rate ** (count reached)`` after each."""
    counts = sorted(Counter(milestones).items())  # repeats multiply (torch's Counter)
    marks, powers, k = [], [1.0], 0
    for m, c in counts:
        k += c
        marks.append(m)
        powers.append(decay_rate**k)
    return Table(marks), Table(powers)


def _multistep_lr(xp: Namespace, t: Any, p: Params) -> Any:
    ms = p.milestones
    # cached on the milestones Table: hashing a 10**6-entry tuple per call is O(n)
    marks, powers = ms.cached(("levels", p.decay_rate), lambda: _levels(ms, p.decay_rate))
    return p.init_value * take(xp, powers, count_reached(xp, t, marks), t)


def _pieces(edges: tuple[int, ...], start: int, stop: int) -> list[tuple[int, int]]:
    cuts = (0, *edges, stop)  # a last pair past stop is inverted, and dropped by flat_ranges
    return list(itertools.pairwise(cuts))


@register(
    "multistep",
    lr=_multistep_lr,
    monotone="decreasing",
    bounds=_decay_bounds,
    phases=lambda p: tuple(p.milestones),
    flat=lambda p, a, b: _pieces(tuple(sorted(set(p.milestones))), a, b),
    aliases={"gamma": "decay_rate"},
)
def multistep(init_value: Value, *, milestones: Sequence[int], decay_rate: float = 0.1) -> Schedule:
    r"""Multiply by ``decay_rate`` at each milestone step (torch ``MultiStepLR``).

    .. math::
        \eta(t) = \eta_0\, \gamma^{\#\{i \,:\, m_i \le t\}}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`m_i` = ``milestones``,
    :math:`\gamma` = ``decay_rate`` (``gamma`` in torch, still accepted by
    :func:`lrcurves.get` and configs).

    Conventions: arguments after ``init_value`` are keyword-only.  Step 0 is the first update; the drop for milestone ``m``
    applies from step ``m`` on.  A milestone listed twice multiplies twice,
    as in torch's ``MultiStepLR`` (which counts them with a ``Counter``);
    the values equal torch's after ``t`` calls of ``scheduler.step()``.
    ``optax.piecewise_constant_schedule(init, {m: gamma, ...})`` is the same
    curve for distinct milestones.

    Args:
      init_value: initial value, ``>= 0``.
      milestones: non-decreasing steps ``>= 1`` (may be empty: constant).
      decay_rate: factor per milestone, in ``[0, 1]`` (a scalar).

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.multistep(1.0, milestones=[2, 4, 4], decay_rate=0.5)
      >>> lrcurves.curve(s, 6).tolist()
      [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]
    """
    name = "multistep"
    ms = as_ints(name, "milestones", milestones, min=1)
    if any(b < a for a, b in itertools.pairwise(ms)):
        raise fail(f"{name}: milestones", f"must be non-decreasing, got {brief(list(ms))}")
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        milestones=Table(ms),
        decay_rate=float(as_value(name, "decay_rate", decay_rate, min=0.0, max=1.0, allow_array=False)),
    )


# -- piecewise_constant --------------------------------------------------------


def _pc_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return take(xp, p.values, count_reached(xp, t, p.boundaries), t)


@register(
    "piecewise_constant",
    lr=_pc_lr,
    bounds=lambda p: (min(p.values), max(p.values)),
    phases=lambda p: tuple(p.boundaries),
    flat=lambda p, a, b: _pieces(p.boundaries, a, b),
)
def piecewise_constant(values: Sequence[float], boundaries: Sequence[int]) -> Schedule:
    r"""Constant pieces: ``values[i]`` between consecutive ``boundaries``.

    .. math::
        \eta(t) = v_i \quad\text{for } b_{i-1} \le t < b_i,
        \qquad b_{-1} = -\infty,\; b_{n} = \infty

    Symbols: :math:`v_i` = ``values[i]``, :math:`b_i` = ``boundaries[i]``.

    Conventions: step 0 is the first update and uses ``values[0]``; the
    last value holds forever.  Values are given directly (not as
    multipliers, unlike ``optax.piecewise_constant_schedule``'s
    ``boundaries_and_scales``); torch has no direct equivalent
    (``MultiStepLR`` is the multiplicative special case).

    Args:
      values: ``len(boundaries) + 1`` finite values ``>= 0``.
      boundaries: strictly increasing steps ``>= 1`` where the next value
        starts.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.piecewise_constant([1.0, 0.5, 0.1], boundaries=[2, 3])
      >>> lrcurves.curve(s, 5).tolist()
      [1.0, 1.0, 0.5, 0.1, 0.1]
    """
    name = "piecewise_constant"
    vals = as_values(name, "values", values)
    bnd = as_ints(name, "boundaries", boundaries, min=1, increasing=True)
    if len(vals) != len(bnd) + 1:
        raise ValueError(
            f"{name}: values must have len(boundaries) + 1 = {len(bnd) + 1} entries, "
            f"got {len(vals)}"
        )
    # Tables keep their lookup arrays: O(log n) per call, no per-call rebuild
    return Schedule._make(name, values=Table(vals), boundaries=Table(bnd))



