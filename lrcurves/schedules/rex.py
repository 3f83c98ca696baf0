"""REX: the reflected-exponential-like decay of Chen et al. (2021)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import interp
from lrcurves._xp import Namespace
from lrcurves.validate import Value, as_int, as_value

__all__ = ["rex"]


def _rex_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return interp(xp, t, p.init_value, p.end_value, p.decay_steps, "rex")


def _lohi(p: Params) -> tuple[Any, Any]:
    return np.minimum(p.init_value, p.end_value), np.maximum(p.init_value, p.end_value)


@register(
    "rex",
    lr=_rex_lr,
    bounds=_lohi,
    phases=lambda p: (p.decay_steps,),
    flat=lambda p, a, b: [(0, 1), (p.decay_steps, b)],
)
def rex(init_value: Value, *, decay_steps: int, end_value: Value = 0.0) -> Schedule:
    r"""REX decay: concave early, steep at the end (arXiv:2107.04197).

    .. math::
        \eta(t) = \eta_e + (\eta_0 - \eta_e)\,\frac{1 - z}{1 - z/2},
        \qquad z = \operatorname{clip}(t / T, 0, 1)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``decay_steps``.

    Conventions: step 0 is the first update and uses :math:`\eta_0`; the
    value reaches :math:`\eta_e` at ``t = T`` and stays there.  It is the
    curve of pytorch_optimizer's ``REXScheduler(total_steps=T, max_lr,
    min_lr)`` as a function of its step counter; note that scheduler's
    offset: its first optimizer update runs at ``min_lr`` (set by its
    constructor) and after ``k`` calls it holds :math:`\eta(k)`, so
    :math:`\eta(0)` is never used there.  Reference: Chen, Wolfe, Kyrillidis,
    *REX: Revisiting Budgeted Training with an Improved Schedule* (2021).

    Args:
      init_value: value at step 0, ``>= 0``.
      decay_steps: length of the decay, ``>= 1``.
      end_value: value from step ``decay_steps`` on, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.rex(1.0, decay_steps=4)
      >>> [round(float(s(t)), 4) for t in range(6)]
      [1.0, 0.8571, 0.6667, 0.4, 0.0, 0.0]
    """
    name = "rex"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        decay_steps=as_int(name, "decay_steps", decay_steps, min=1),
        end_value=as_value(name, "end_value", end_value),
    )
