"""A schedule given by an explicit table of per-step values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lrcurves._schedule import Params, Schedule, register
from lrcurves._xp import Namespace, Table, index_steps, take
from lrcurves.validate import as_values

__all__ = ["tabulated"]


def _tab_lr(xp: Namespace, t: Any, p: Params) -> Any:
    # entry floor(t), clamped to the table: O(1) per step, no per-call rebuild
    return take(xp, p.values, index_steps(xp, t, len(p.values)), t)


def _lohi(p: Params) -> tuple[float, float]:
    return min(p.values), max(p.values)


def _phases(p: Params) -> tuple[int, ...]:
    return (len(p.values),)


def _flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    n = len(p.values)
    if min(stop, n) - start > 4096:
        return [(n - 1, stop)]
    return [(k, k + 1) for k in range(start, min(stop, n - 1))] + [(n - 1, stop)]


@register("tabulated", lr=_tab_lr, bounds=_lohi, phases=_phases, flat=_flat)
def tabulated(values: Sequence[float]) -> Schedule:
    r"""Look the value up in a table, one entry per step, holding the last one.

    .. math::
        \eta(t) = v_{\min(\lfloor t \rfloor,\, n - 1)}

    Symbols: :math:`v` = ``values``, :math:`n` = ``len(values)``.

    Conventions: step 0 is the first update and uses ``values[0]``; from
    step ``n - 1`` on the last value is held.  Fractional steps use the entry
    of their integer part.  Use it to bake any curve (for instance one
    produced by :func:`lrcurves.curve`) into a jit-friendly lookup: the
    kernel is a clamped index plus ``take``, O(1) per step, so its cost does
    not grow with the table or with the curve that made it.  The config stores the
    table as a list.

    Args:
      values: non-empty sequence of finite values ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.tabulated([0.5, 1.0, 0.25])
      >>> lrcurves.curve(s, 5).tolist()
      [0.5, 1.0, 0.25, 0.25, 0.25]
    """
    return Schedule._make("tabulated", values=Table(as_values("tabulated", "values", values)))
