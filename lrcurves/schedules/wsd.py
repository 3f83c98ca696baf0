"""Warmup-stable-decay (trapezoidal) schedules."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, piecewise, register
from lrcurves._shapes import interp
from lrcurves._xp import Namespace, to_float
from lrcurves.validate import Value, as_choice, as_int, as_value

__all__ = ["warmup_stable_decay"]

DECAY_SHAPES = ("linear", "cosine", "1-sqrt", "1-square", "exponential")
WSD_WARMUP_SHAPES = ("linear", "cosine", "exponential")


_DECAY = {"linear": "linear", "cosine": "cosine", "1-sqrt": "1-sqrt", "1-square": "1-square", "exponential": "exponential"}


def _wsd_pieces(p: Params, momentum: bool) -> list[tuple[int, Any]]:
    """Warmup on ``[0, W)``, the peak on ``[W, W + S)``, then the decay (and the end value)."""
    w, s, d = p.warmup_steps, p.stable_steps, p.decay_steps
    peak, end = p.peak_value, p.end_value

    def decay(xp: Namespace, t: Any) -> Any:
        # D = 0 drops straight to the end value
        return interp(xp, t, peak, end, max(d, 1), _DECAY[p.decay_shape], begin=w + s - (d == 0))

    def stable(xp: Namespace, t: Any) -> Any:
        return xp.zeros_like(to_float(xp, t)) + peak

    def warm(xp: Namespace, t: Any) -> Any:
        return interp(xp, t, p.init_value, peak, w, p.warmup_shape, ramp=True)

    out: list[tuple[int, Any]] = [(0, warm)] if w > 0 else []
    if s > 0:
        out.append((w, stable))
    out.append((w + s, decay))
    return out


def _wsd_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return piecewise(xp, t, _wsd_pieces(p, False))


def _flat(p: Params, a: int, b: int) -> list[tuple[int, int]]:
    w, s, d = p.warmup_steps, p.stable_steps, p.decay_steps
    return [(w, w + s), (w + s + d, b)]


def _bounds(p: Params) -> tuple[Any, Any]:
    lo = np.minimum(np.minimum(p.init_value, p.peak_value), p.end_value)
    hi = np.maximum(np.maximum(p.init_value, p.peak_value), p.end_value)
    return lo, hi


def _phases(p: Params) -> tuple[int, ...]:
    w, s, d = p.warmup_steps, p.stable_steps, p.decay_steps
    return (w, w + s, w + s + d)


@register(
    "warmup_stable_decay", lr=_wsd_lr, bounds=_bounds, phases=_phases, flat=_flat, pieces=_wsd_pieces
)
def warmup_stable_decay(
    peak_value: Value,
    *,
    warmup_steps: int,
    stable_steps: int,
    decay_steps: int,
    decay_shape: str = "linear",
    init_value: Value = 0.0,
    end_value: Value = 0.0,
    warmup_shape: str = "linear",
) -> Schedule:
    r"""Warmup, a long stable phase at the peak, then a short decay (WSD).

    .. math::
        \eta(t) = \begin{cases}
            \eta_0 + (\hat\eta - \eta_0)\, g(t / W) & t < W \\
            \hat\eta & W \le t < W + S \\
            \hat\eta - (\hat\eta - \eta_e)\, h(u),\;
              u = \tfrac{t - W - S}{D} & W + S \le t < W + S + D \\
            \eta_e & t \ge W + S + D
        \end{cases}

    Decay shapes :math:`h`: ``"linear"`` :math:`u`, ``"cosine"``
    :math:`(1 - \cos \pi u)/2`, ``"1-sqrt"`` :math:`\sqrt u`, ``"1-square"``
    :math:`u^2`; ``"exponential"`` is :math:`\hat\eta (\eta_e/\hat\eta)^u`.
    Warmup shapes :math:`g` as in :func:`warmup` (``"linear"``,
    ``"cosine"``, ``"exponential"``).

    Symbols: :math:`\hat\eta` = ``peak_value``, :math:`W` = ``warmup_steps``,
    :math:`S` = ``stable_steps``, :math:`D` = ``decay_steps``,
    :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``.

    Conventions: step 0 uses :math:`\eta_0`; the peak is first used at
    ``t = W``; the decay ends exactly at :math:`\eta_e` at ``t = W + S + D``
    and holds it.  pytorch_optimizer's ``get_wsd_schedule`` is this curve as
    a multiplier with ``end_value = 0`` for its ``"1-sqrt"``/``"1-square"``/
    ``"linear"`` cooldowns (it then jumps to ``min_lr_ratio`` after the
    decay; here every shape ends at ``end_value`` continuously) and with
    ``end_value = min_lr_ratio`` for ``"cosine"``.

    Args:
      peak_value: the stable value, ``>= 0`` (``> 0`` for exponential shapes).
      warmup_steps: ``W >= 0``.
      stable_steps: ``S >= 0``.
      decay_steps: ``D >= 0`` (0: drop straight to ``end_value``).
      decay_shape: ``"linear"``, ``"cosine"``, ``"1-sqrt"``, ``"1-square"``
        or ``"exponential"`` (needs ``end_value > 0``).
      init_value: value at step 0, ``>= 0`` (``> 0`` for exponential warmup).
      end_value: final value, ``>= 0``.
      warmup_shape: ``"linear"``, ``"cosine"`` or ``"exponential"``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.warmup_stable_decay(
      ...     1.0, warmup_steps=2, stable_steps=2, decay_steps=3, decay_shape="1-sqrt"
      ... )
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 9)]
      [0.0, 0.5, 1.0, 1.0, 1.0, 0.4226, 0.1835, 0.0, 0.0]
    """
    name = "warmup_stable_decay"
    w = as_int(name, "warmup_steps", warmup_steps, min=0)
    s = as_int(name, "stable_steps", stable_steps, min=0)
    d = as_int(name, "decay_steps", decay_steps, min=0)
    dshape = as_choice(name, "decay_shape", decay_shape, DECAY_SHAPES)
    wshape = as_choice(name, "warmup_shape", warmup_shape, WSD_WARMUP_SHAPES)
    dexp, wexp = dshape == "exponential", wshape == "exponential"
    peak = as_value(name, "peak_value", peak_value, min=0.0, min_open=dexp or wexp)
    init = as_value(name, "init_value", init_value, min=0.0, min_open=wexp)
    end = as_value(name, "end_value", end_value, min=0.0, min_open=dexp)
    return Schedule._make(
        name,
        peak_value=peak,
        warmup_steps=w,
        stable_steps=s,
        decay_steps=d,
        decay_shape=dshape,
        init_value=init,
        end_value=end,
        warmup_shape=wshape,
    )
