"""Warmup in front of any schedule, and the usual warmup + decay presets."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcurves._schedule import (
    Params,
    Schedule,
    is_traced,
    iter_schedules,
    piecewise,
    register,
    register_preset,
)
from lrcurves._shapes import interp
from lrcurves._xp import Namespace, minus, param, zero_step
from lrcurves.validate import Value, as_choice, as_int, as_value

__all__ = ["warmup", "warmup_cosine", "warmup_linear_decay"]

WARMUP_SHAPES = ("linear", "cosine", "exponential", "log")


def _ramp(xp: Namespace, t: Any, w: int, shape: str, init: Any, peak: Any) -> Any:
    """``init -> peak`` over ``w >= 1`` steps (the warmup shapes of every family)."""
    return interp(xp, t, init, peak, w, shape, ramp=True)


def _at_zero(s: Schedule, momentum: bool) -> Any:
    """``s`` at step 0 (a float, or a float64 array for sweeps), computed once per schedule.

    The ramp's default peak and the momentum hold need the wrapped schedule
    at step 0 besides its value at ``t - W``; evaluating it again on every
    call would double the work at every level of nested warmups (2**63
    kernel calls at the nesting limit).  ``None`` when a parameter is live
    (traced or a tensor): that value cannot be cached.
    """
    key = ("at0", momentum)
    v = s._memo.get(key)
    if v is None:
        tree = list(iter_schedules(s))
        if any(is_traced(x._p[k]) for x in tree for k in x._arrays):
            return None
        if any(x._arrays for x in tree):
            v = np.asarray(s.momentum(0) if momentum else s.lr(0), dtype=np.float64)
            v.setflags(write=False)
        else:
            v = s.momentum_value(0) if momentum else s.value(0)
        s._memo[key] = v
    return v


def _peak(xp: Namespace, t: Any, p: Params) -> Any:
    if p.peak_value is not None:
        return p.peak_value
    v = _at_zero(p.schedule, False)
    if v is None:
        return p.schedule.evaluate(xp, zero_step(xp, t))
    return v if isinstance(v, float) else param(xp, v, t)


def _hold(xp: Namespace, t: Any, s: Schedule) -> Any:
    v = _at_zero(s, True)
    if v is None:
        return s.evaluate_momentum(xp, xp.zeros_like(t))
    return v if isinstance(v, float) else param(xp, v, t)


def _warmup_pieces(p: Params, momentum: bool) -> list[tuple[int, Any]]:
    """The ramp on ``[0, W)``, then the wrapped schedule at ``t - W``."""
    w, s = p.warmup_steps, p.schedule
    if momentum:  # held at the wrapped schedule's step-0 momentum during warmup
        hold = (0, lambda xp, t: _hold(xp, t, s))
        after = (w, lambda xp, t: s.evaluate_momentum(xp, minus(xp, t, w)))
        return [hold, after] if w else [after]
    after = (w, lambda xp, t: s.evaluate(xp, minus(xp, t, w)))
    if w == 0:
        return [after]
    ramp = (0, lambda xp, t: _ramp(xp, t, w, p.shape, p.init_value, _peak(xp, t, p)))
    return [ramp, after]


def _warmup_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    w = p.warmup_steps
    lo = max(start, w)
    return [(a + w, b + w) for a, b in p.schedule.flat_ranges(lo - w, stop - w)] if stop > lo else []


def _warmup_bounds(p: Params) -> tuple[Any, Any]:
    lo, hi = p.schedule.bounds()
    lo = np.minimum(lo, p.init_value)
    hi = np.maximum(hi, p.init_value)
    if p.peak_value is not None:
        lo = np.minimum(lo, p.peak_value)
        hi = np.maximum(hi, p.peak_value)
    return lo, hi


def _warmup_phases(p: Params) -> tuple[int, ...]:
    w = p.warmup_steps
    return (w, *(w + x for x in p.schedule.phases())) if w else p.schedule.phases()


def _scalar_or_array_min(v: Any) -> float:
    return float(np.min(np.asarray(v)))


@register(
    "warmup",
    kind="combinator",
    lr=lambda xp, t, p: piecewise(xp, t, _warmup_pieces(p, False)),
    momentum=lambda xp, t, p: piecewise(xp, t, _warmup_pieces(p, True)),
    pieces=_warmup_pieces,
    has_momentum=lambda p: p.schedule.has_momentum,
    bounds=_warmup_bounds,
    momentum_bounds=lambda p: p.schedule.momentum_bounds(),
    phases=_warmup_phases,
    flat=_warmup_flat,
)
def warmup(
    schedule: Schedule,
    warmup_steps: int,
    *,
    shape: str = "linear",
    init_value: Value = 0.0,
    peak_value: Value | None = None,
) -> Schedule:
    r"""Warm up from ``init_value`` to the peak, then run ``schedule``.

    .. math::
        \eta(t) = \begin{cases}
            \eta_0 + (\hat\eta - \eta_0)\, g(t / W) & t < W \\
            s(t - W) & t \ge W
        \end{cases}

    with :math:`g(u) = u` (``"linear"``), :math:`(1 - \cos \pi u)/2`
    (``"cosine"``), :math:`\min(1, \ln(t + 1) / \ln W)` (``"log"``, DeepSpeed's
    ``WarmupLR`` default) and, for ``"exponential"``,
    :math:`\eta(t) = \eta_0 (\hat\eta / \eta_0)^{t/W}`.

    Symbols: :math:`s` = ``schedule``, :math:`W` = ``warmup_steps``,
    :math:`\eta_0` = ``init_value``, :math:`\hat\eta` = ``peak_value``
    (default: :math:`s(0)`, the wrapped schedule's first value).

    Conventions: step 0 is the first update and uses :math:`\eta_0`.  The
    wrapped schedule starts at *its own* step 0 at ``t = W``, so the total
    length is ``W`` plus its length (optax's ``join_schedules`` convention;
    torch's ``SequentialLR`` counts the same way).  ``W = 0`` is the wrapped
    schedule unchanged.  Momentum (if the wrapped schedule has one) holds
    its step-0 value during warmup.  DeepSpeed clamps its warmup length to
    ``max(2, W)`` for the log shape; here ``W = 1`` with ``"log"`` is an
    error (the adapters do the clamping).

    Args:
      schedule: the schedule to run after warmup.
      warmup_steps: ``W >= 0``.
      shape: ``"linear"``, ``"cosine"``, ``"exponential"`` (needs
        ``init_value > 0`` and a positive peak) or ``"log"`` (needs ``W >= 2``
        or ``W = 0``).
      init_value: value at step 0, ``>= 0``.
      peak_value: value approached at ``t = W``; ``None`` uses ``s(0)``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.warmup(lrcurves.linear(1.0, 0.0, transition_steps=4), warmup_steps=2)
      >>> lrcurves.curve(s, 8).tolist()
      [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    name = "warmup"
    if not isinstance(schedule, Schedule):
        raise TypeError(f"{name}: schedule must be a Schedule, got {type(schedule).__name__}")
    w = as_int(name, "warmup_steps", warmup_steps, min=0)
    shp = as_choice(name, "shape", shape, WARMUP_SHAPES)
    expo = shp == "exponential"
    init = as_value(name, "init_value", init_value, min=0.0, min_open=expo)
    peak = None if peak_value is None else as_value(name, "peak_value", peak_value, min=0.0, min_open=expo)
    if shp == "log" and w == 1:
        raise ValueError(f"{name}: warmup_steps must be 0 or >= 2 for shape 'log', got {warmup_steps!r}")
    if expo and peak is None and w > 0:
        v0 = _scalar_or_array_min(schedule.lr(0))
        if not v0 > 0.0:
            raise ValueError(
                f"{name}: shape 'exponential' needs a positive peak; peak_value is None and "
                f"the wrapped schedule's value at step 0 is {v0!r}"
            )
    return Schedule._make(name, schedule=schedule, warmup_steps=w, shape=shp, init_value=init, peak_value=peak)


def _total(name: str, warmup_steps: Any, total_steps: Any) -> tuple[int, int]:
    w = as_int(name, "warmup_steps", warmup_steps, min=0)
    total = as_int(name, "total_steps", total_steps, min=1)
    if total <= w:
        raise ValueError(
            f"{name}: total_steps must be > warmup_steps (total_steps includes the warmup), "
            f"got total_steps={total_steps!r} and warmup_steps={warmup_steps!r}"
        )
    return w, total


@register_preset("warmup_cosine")
def warmup_cosine(
    *,
    peak_value: Value,
    warmup_steps: int,
    total_steps: int,
    init_value: Value = 0.0,
    end_value: Value = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    r"""Linear warmup to ``peak_value``, then cosine decay to ``end_value``.

    .. math::
        \eta(t) = \begin{cases}
            \eta_0 + (\hat\eta - \eta_0)\, t / W & t < W \\
            \eta_e + (\hat\eta - \eta_e)
              \Bigl(\tfrac{1 + \cos(\pi \min(1, \frac{t - W}{N - W}))}{2}\Bigr)^{k} & t \ge W
        \end{cases}

    Symbols: :math:`\hat\eta` = ``peak_value``, :math:`W` = ``warmup_steps``,
    :math:`N` = ``total_steps``, :math:`\eta_0` = ``init_value``,
    :math:`\eta_e` = ``end_value``, :math:`k` = ``exponent``.

    Conventions: a preset, ``warmup(cosine_decay(peak, N - W, end,
    exponent), W, "linear", init)``; the result is that :class:`Schedule`
    (its name is ``"warmup"``).  ``total_steps`` *includes* the warmup, like
    ``optax.warmup_cosine_decay_schedule``'s ``decay_steps``: the value
    reaches ``end_value`` at ``t = N`` and stays there.

    Args:
      peak_value: value at ``t = W``, ``>= 0``.
      warmup_steps: ``W >= 0``.
      total_steps: ``N > W``, warmup included.
      init_value: value at step 0, ``>= 0``.
      end_value: final value, ``>= 0``.
      exponent: cosine exponent, ``> 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=2, total_steps=6)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 8)]
      [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    from lrcurves.schedules.cosine import cosine_decay

    name = "warmup_cosine"
    w, total = _total(name, warmup_steps, total_steps)
    peak = as_value(name, "peak_value", peak_value)
    core = cosine_decay(peak, total - w, end_value=end_value, exponent=exponent)
    return warmup(core, w, shape="linear", init_value=as_value(name, "init_value", init_value))


@register_preset("warmup_linear_decay")
def warmup_linear_decay(
    *,
    peak_value: Value,
    warmup_steps: int,
    total_steps: int,
    init_value: Value = 0.0,
    end_value: Value = 0.0,
) -> Schedule:
    r"""Linear warmup to ``peak_value``, then linear decay to ``end_value``.

    .. math::
        \eta(t) = \begin{cases}
            \eta_0 + (\hat\eta - \eta_0)\, t / W & t < W \\
            \hat\eta + (\eta_e - \hat\eta) \min\bigl(1, \tfrac{t - W}{N - W}\bigr) & t \ge W
        \end{cases}

    Symbols: :math:`\hat\eta` = ``peak_value``, :math:`W` = ``warmup_steps``,
    :math:`N` = ``total_steps``, :math:`\eta_0` = ``init_value``,
    :math:`\eta_e` = ``end_value``.

    Conventions: a preset, ``warmup(linear(peak, end, N - W), W, "linear",
    init)`` (name ``"warmup"``).  ``total_steps`` includes the warmup; the
    value is ``end_value`` from ``t = N`` on.  HuggingFace's
    ``get_linear_schedule_with_warmup`` is the case ``init = end = 0``.

    Args:
      peak_value: value at ``t = W``, ``>= 0``.
      warmup_steps: ``W >= 0``.
      total_steps: ``N > W``, warmup included.
      init_value: value at step 0, ``>= 0``.
      end_value: final value, ``>= 0``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.warmup_linear_decay(peak_value=1.0, warmup_steps=2, total_steps=6)
      >>> lrcurves.curve(s, 8).tolist()
      [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    from lrcurves.schedules.polynomial import linear

    name = "warmup_linear_decay"
    w, total = _total(name, warmup_steps, total_steps)
    peak = as_value(name, "peak_value", peak_value)
    core = linear(peak, as_value(name, "end_value", end_value), transition_steps=total - w)
    return warmup(core, w, shape="linear", init_value=as_value(name, "init_value", init_value))

