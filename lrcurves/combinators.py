"""Combinators: schedules built from other schedules, still in closed form.

The value of a composite at step ``t`` is computed directly from ``t`` (never
by stepping), so composites jit, vectorise and resume like any schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import as_ints
from lrcurves._xp import Namespace

__all__ = ["join"]


def _as_schedule(where: str, s: Any) -> Schedule:
    if not isinstance(s, Schedule):
        raise TypeError(f"{where} must be a Schedule, got {type(s).__name__}")
    return s


def _join_select(xp: Namespace, t: Any, p: Params, which: str) -> Any:
    pieces = p.schedules
    out = None
    # evaluate right to left so the earliest matching piece wins
    for i in range(len(pieces) - 1, -1, -1):
        b = 0 if i == 0 else p.boundaries[i - 1]
        s = pieces[i]
        v = s._lr(xp, t - b) if which == "lr" else s._mom(xp, t - b)
        out = v if out is None else xp.where(t < p.boundaries[i], v, out)
    return out


def _join_range(xp: Namespace, p: Params, start: int, stop: int) -> Any:
    edges = (0, *p.boundaries)
    parts = []
    for i, s in enumerate(p.schedules):
        lo = max(start, edges[i])
        hi = stop if i + 1 == len(edges) else min(stop, edges[i + 1])
        if hi > lo:
            parts.append(s._eval_range(xp, lo - edges[i], hi - edges[i]))
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return xp.zeros((0,), dtype=xp.float64)
    return xp.concat(parts)


def _join_bounds(p: Params) -> tuple[float, float]:
    b = [s.bounds() for s in p.schedules]
    return min(x[0] for x in b), max(x[1] for x in b)


def _join_mom_bounds(p: Params) -> tuple[float, float]:
    b = [s.momentum_bounds() for s in p.schedules]
    return min(x[0] for x in b), max(x[1] for x in b)


def _join_phases(p: Params) -> tuple[int, ...]:
    edges = (0, *p.boundaries)
    out: list[int] = list(p.boundaries)
    for e, s in zip(edges, p.schedules, strict=True):
        out.extend(e + x for x in s.phases())
    return tuple(out)


@register(
    "join",
    kind="combinator",
    lr=lambda xp, t, p: _join_select(xp, t, p, "lr"),
    momentum=lambda xp, t, p: _join_select(xp, t, p, "momentum"),
    has_momentum=lambda p: all(s.has_momentum for s in p.schedules),
    bounds=_join_bounds,
    momentum_bounds=_join_mom_bounds,
    phases=_join_phases,
    eval_range=_join_range,
)
def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    r"""Run schedules one after another, switching at step boundaries.

    .. math::
        \eta(t) = s_i(t - b_i) \quad\text{for } b_i \le t < b_{i+1},
        \qquad b_0 = 0,\; b_{n} = \infty

    Symbols: :math:`s_i` = ``schedules[i]``, :math:`b_i` = ``boundaries[i-1]``
    (the step where piece ``i`` starts).

    Conventions: each piece sees its *local* step, starting at 0 at its
    boundary (optax's ``join_schedules`` convention).  The last piece runs
    forever.  Momentum is defined when every piece defines it.

    Args:
      schedules: ``n >= 1`` schedules.
      boundaries: ``n - 1`` strictly increasing steps ``> 0``.

    Examples:
      >>> import lrcurves
      >>> warm = lrcurves.linear(0.0, 1.0, transition_steps=2)
      >>> s = lrcurves.join([warm, lrcurves.constant(0.5)], boundaries=[2])
      >>> lrcurves.curve(s, 4).tolist()
      [0.0, 0.5, 0.5, 0.5]
    """
    if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence):
        raise TypeError(f"join: schedules must be a sequence of Schedule, got {schedules!r}")
    sch = tuple(_as_schedule(f"join: schedules[{i}]", s) for i, s in enumerate(schedules))
    if not sch:
        raise ValueError("join: schedules must not be empty")
    bnd = as_ints("join", "boundaries", boundaries, min=1, increasing=True)
    if len(bnd) != len(sch) - 1:
        raise ValueError(
            f"join: boundaries must have len(schedules) - 1 = {len(sch) - 1} entries, got {len(bnd)}"
        )
    return Schedule._make("join", schedules=sch, boundaries=bnd)


_ = np  # numpy kept for combinators added below
