"""Constant schedule."""

from __future__ import annotations

from typing import Any

from lrcurves._schedule import Params, Schedule, register
from lrcurves._xp import Namespace, to_float
from lrcurves.validate import Value, as_value

__all__ = ["constant"]


def _lr(xp: Namespace, t: Any, p: Params) -> Any:
    return xp.zeros_like(to_float(xp, t)) + p.value  # never t * 0: an infinite step is fine


@register(
    "constant",
    lr=_lr,
    monotone="decreasing",  # and increasing: it is flat
    bounds=lambda p: (p.value, p.value),
    flat=lambda p, a, b: [(a, b)],
)
def constant(value: Value) -> Schedule:
    r"""Constant value at every step.

    .. math::
        \eta(t) = v

    Symbols: :math:`v` = ``value``.

    Conventions: defined for every step ``t >= 0``; never changes.

    Args:
      value: the learning rate, ``>= 0`` (an array sweeps several values).

    Returns:
      A :class:`~lrcurves.Schedule`.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.constant(0.1)
      >>> float(s(0)), float(s(10**9))
      (0.1, 0.1)
    """
    return Schedule._make("constant", value=as_value("constant", "value", value))
