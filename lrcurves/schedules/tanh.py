"""Hyperbolic-tangent decay (timm's ``TanhLRScheduler`` curve)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import tanh_blend
from lrcurves._xp import Namespace, to_float
from lrcurves.validate import Value, as_int, as_value

__all__ = ["tanh_decay"]


def _tanh_lr(xp: Namespace, t: Any, p: Params) -> Any:
    u = xp.clip(to_float(xp, t) / float(p.decay_steps), 0.0, 1.0)
    # the one tanh shape (logistic weights, Python's exp at the start); 1 - u
    # is exact enough here: the argument is absolute, the weights relative
    return tanh_blend(xp, u, None, p.init_value, p.end_value, p.lower, p.upper)


def _lohi(p: Params) -> tuple[Any, Any]:
    return np.minimum(p.init_value, p.end_value), np.maximum(p.init_value, p.end_value)


@register(
    "tanh_decay",
    lr=_tanh_lr,
    bounds=_lohi,
    phases=lambda p: (p.decay_steps,),
    flat=lambda p, a, b: [(0, 1), (p.decay_steps, b)],
)
def tanh_decay(
    init_value: Value,
    *,
    decay_steps: int,
    end_value: Value = 0.0,
    lower: float = -7.0,
    upper: float = 3.0,
) -> Schedule:
    r"""Hyperbolic-tangent decay from about ``init_value`` to about ``end_value``.

    .. math::
        \eta(t) = \eta_e + \frac{\eta_0 - \eta_e}{2}
            \bigl(1 - \tanh(l\,(1 - u) + h\,u)\bigr),
        \qquad u = \operatorname{clip}(t / T, 0, 1)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`T` = ``decay_steps``, :math:`l` = ``lower``, :math:`h` = ``upper``.

    Conventions: step 0 is the first update.  The curve is timm's
    ``TanhLRScheduler`` within one cycle (``lb = lower``, ``ub = upper``,
    ``lr_min = end_value``, without warmup or restarts): it starts a hair
    below :math:`\eta_0` (:math:`1 - \tanh(-7) \approx 2 - 1.7\cdot 10^{-6}`)
    and ends a little above :math:`\eta_e` (:math:`1 - \tanh(3) \approx
    0.005`), then holds that last value from step ``T`` on (clamped).
    ``end_value > init_value`` gives a rise.

    Args:
      init_value: the value the curve starts near, ``>= 0``.
      decay_steps: length of the decay, ``>= 1``.
      end_value: the value the curve ends near, ``>= 0``.
      lower: tanh argument at the start (``lb`` in timm), finite.
      upper: tanh argument at the end (``ub`` in timm), ``> lower``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.tanh_decay(1.0, decay_steps=10)
      >>> [round(float(s(t)), 4) for t in (0, 5, 7, 10, 20)]
      [1.0, 0.982, 0.5, 0.0025, 0.0025]
    """
    name = "tanh_decay"
    lo = as_value(name, "lower", lower, min=None, allow_array=False)
    hi = as_value(name, "upper", upper, min=None, allow_array=False)
    if not lo < hi:
        raise ValueError(f"{name}: lower must be < upper, got lower={lo!r} and upper={hi!r}")
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        decay_steps=as_int(name, "decay_steps", decay_steps, min=1),
        end_value=as_value(name, "end_value", end_value),
        lower=float(lo),
        upper=float(hi),
    )
