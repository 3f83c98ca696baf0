"""Inverse square-root and inverse-time decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register, stair_ranges
from lrcurves._xp import Namespace, divmod_steps, to_float
from lrcurves.validate import Value, as_bool, as_int, as_value

__all__ = ["inverse_sqrt", "inverse_time"]


def _bounds(p: Params) -> tuple[Any, Any]:
    return np.zeros_like(p.init_value), p.init_value


def _isqrt_lr(xp: Namespace, t: Any, p: Params) -> Any:
    u = xp.clip(to_float(xp, t), min=0.0) / float(p.timescale)
    return p.init_value / xp.sqrt(1.0 + u)


@register(
    "inverse_sqrt",
    lr=_isqrt_lr,
    monotone="decreasing",
    bounds=_bounds,
    phases=lambda p: (p.timescale,),
)
def inverse_sqrt(init_value: Value, *, timescale: int = 1) -> Schedule:
    r"""Inverse square-root decay.

    .. math::
        \eta(t) = \frac{\eta_0}{\sqrt{1 + t / \tau}}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\tau` = ``timescale``.

    Conventions: step 0 is the first update and uses :math:`\eta_0`; the
    decay never ends (it approaches 0 like :math:`t^{-1/2}`).  The
    "inverse sqrt after warmup" of Transformers / fairseq, whose value after
    a linear warmup to ``peak`` over ``W`` steps is
    ``peak * sqrt(W / t)``, is ``inverse_sqrt(peak, timescale=W)`` started at
    the end of the warmup (``peak / sqrt(1 + (t - W) / W) = peak *
    sqrt(W / t)``), e.g. ``join([linear(0, peak, W), inverse_sqrt(peak,
    timescale=W)], boundaries=[W])``.  HF's ``timescale`` argument (default
    ``W``) plays the same role with its own offset convention.

    Args:
      init_value: value at step 0, ``>= 0``.
      timescale: steps over which the value falls to
        :math:`\eta_0/\sqrt{2}`, ``>= 1``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.inverse_sqrt(1.0, timescale=1)
      >>> [round(float(s(t)), 4) for t in (0, 1, 3, 8)]
      [1.0, 0.7071, 0.5, 0.3333]
    """
    name = "inverse_sqrt"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        timescale=as_int(name, "timescale", timescale, min=1),
    )


def _itime_lr(xp: Namespace, t: Any, p: Params) -> Any:
    if p.staircase:
        q, _ = divmod_steps(xp, t, p.decay_steps)  # exact stairs
    else:
        q = to_float(xp, t) / float(p.decay_steps)
    return p.init_value / (1.0 + p.decay_rate * xp.maximum(q, 0.0))


def _itime_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    return stair_ranges(p.decay_steps, start, stop) if p.staircase else []


@register(
    "inverse_time",
    lr=_itime_lr,
    monotone="decreasing",
    bounds=_bounds,
    phases=lambda p: (p.decay_steps,),
    flat=_itime_flat,
)
def inverse_time(
    init_value: Value, *, decay_rate: Value, decay_steps: int, staircase: bool = False
) -> Schedule:
    r"""Inverse-time decay (Keras ``InverseTimeDecay``).

    .. math::
        \eta(t) = \frac{\eta_0}{1 + r\, p}, \qquad p = t / T
        \quad\text{(}\lfloor t / T \rfloor\text{ if staircase)}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`r` = ``decay_rate``,
    :math:`T` = ``decay_steps``.

    Conventions: step 0 is the first update and uses :math:`\eta_0`; the
    decay never ends (like :math:`1/t`).  Same as Keras'
    ``InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate,
    staircase)``.  DeepSpeed ``OneCycle``'s post-cycle decay is exactly the
    continuous form with ``decay_rate = decay_lr_rate`` and
    ``decay_steps = decay_step_size`` (counted from the end of the cycle).
    ``decay_rate = 0`` gives a constant.

    Args:
      init_value: value at step 0, ``>= 0``.
      decay_rate: rate :math:`r`, in ``[0, 1e100]`` (so no step overflows).
      decay_steps: step scale :math:`T`, ``>= 1``.
      staircase: decay in discrete jumps every ``decay_steps`` steps.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.inverse_time(1.0, decay_rate=1.0, decay_steps=2)
      >>> lrcurves.curve(s, 5).tolist()
      [1.0, 0.6666666666666666, 0.5, 0.4, 0.3333333333333333]
    """
    name = "inverse_time"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        decay_rate=as_value(name, "decay_rate", decay_rate, max=1e100),
        decay_steps=as_int(name, "decay_steps", decay_steps, min=1),
        staircase=as_bool(name, "staircase", staircase),
    )
