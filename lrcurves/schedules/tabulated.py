"""A schedule given by an explicit table of per-step values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import as_values
from lrcurves._xp import SCALAR, Namespace, float_dtype, to_float

__all__ = ["tabulated"]


def _device_kw(xp: Namespace, t: Any) -> dict[str, Any]:
    try:
        from array_api_compat import device

        return {"device": device(t)}
    except Exception:
        return {}


def lookup(
    xp: Namespace, t: Any, breakpoints: tuple[float, ...], table: tuple[float, ...]
) -> Any:
    """``table[k]`` where ``k`` = number of ``breakpoints`` that are ``<= t``.

    ``breakpoints`` is strictly increasing and ``len(table) ==
    len(breakpoints) + 1``.  Works for any step shape (0-d included) and for
    the scalar namespace.
    """
    tf = to_float(xp, t)
    if xp is SCALAR:
        return table[xp.searchsorted(breakpoints, tf, side="right")]
    if not breakpoints:
        return tf * 0.0 + table[0]
    dt = float_dtype(xp, t)
    kw = _device_kw(xp, tf)
    bp = xp.asarray(breakpoints, dtype=dt, **kw)
    tab = xp.asarray(table, dtype=dt, **kw)
    idx = xp.searchsorted(bp, tf, side="right")
    shape = tuple(tf.shape)
    flat = idx if len(shape) == 1 else xp.reshape(idx, (-1,))
    out = xp.take(tab, flat)
    return out if len(shape) == 1 else xp.reshape(out, shape)


def _tab_lr(xp: Namespace, t: Any, p: Params) -> Any:
    vals = p.values
    return lookup(xp, t, tuple(float(k) for k in range(1, len(vals))), vals)


def _lohi(p: Params) -> tuple[float, float]:
    return min(p.values), max(p.values)


def _phases(p: Params) -> tuple[int, ...]:
    return (len(p.values),)


@register("tabulated", lr=_tab_lr, bounds=_lohi, phases=_phases)
def tabulated(values: Sequence[float]) -> Schedule:
    r"""Look the value up in a table, one entry per step, holding the last one.

    .. math::
        \eta(t) = v_{\min(\lfloor t \rfloor,\, n - 1)}

    Symbols: :math:`v` = ``values``, :math:`n` = ``len(values)``.

    Conventions: step 0 is the first update and uses ``values[0]``; from
    step ``n - 1`` on the last value is held.  Fractional steps use the entry
    of their integer part.  Use it to bake any curve (for instance one
    produced by :func:`lrcurves.curve`) into a jit-friendly lookup: the
    kernel is a ``searchsorted`` plus ``take``, so its cost does not grow with
    the complexity of the curve that made the table.  The config stores the
    table as a list.

    Args:
      values: non-empty sequence of finite values ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.tabulated([0.5, 1.0, 0.25])
      >>> lrcurves.curve(s, 5).tolist()
      [0.5, 1.0, 0.25, 0.25, 0.25]
    """
    return Schedule._make("tabulated", values=as_values("tabulated", "values", values))
