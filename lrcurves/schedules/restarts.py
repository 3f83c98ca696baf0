"""Cosine annealing with warm restarts (SGDR)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import blend, geometric
from lrcurves._xp import (
    SCALAR,
    Namespace,
    Table,
    count_reached,
    divmod_steps,
    float_dtype,
    minus,
    reference_order,
    take,
    to_float,
)
from lrcurves.validate import Value, as_choice, as_int, as_value, check_le

__all__ = ["cosine_restarts"]

_LIMIT = 10**19  # cycle starts are tabulated until one exceeds this step
_MAX_CYCLES = 100_000


@lru_cache(maxsize=256)
def _cycles(first: int, mult: float, warmup: int, rounding: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Derived table ``(starts, lengths)`` of the cycles.

    The last entry's length repeats forever (it is either past
    :data:`_LIMIT` or the lengths stopped growing), so the kernel finds the
    cycle by ``searchsorted`` and a periodic remainder.
    """
    if mult == 1.0:
        return (0.0,), (float(first),)
    starts: list[float] = [0.0]
    lengths: list[float] = [float(first)]
    if rounding == "floor":
        length, start = first, 0
        while start + length <= _LIMIT and len(starts) <= _MAX_CYCLES:
            nxt = max(1, int((length - warmup) * mult)) + warmup
            if nxt == length:
                break
            start += length
            length = nxt
            starts.append(float(start))
            lengths.append(float(length))
    elif float(mult).is_integer():
        m = int(mult)
        length, start = first, 0
        while start + length <= _LIMIT:
            start += length
            length *= m
            starts.append(float(start))
            lengths.append(float(length))
    else:
        i = 0
        while starts[-1] + lengths[-1] <= _LIMIT:
            i += 1
            starts.append(first * (mult**i - 1) / (mult - 1))
            lengths.append(first * mult**i)
    return Table(starts), Table(lengths)


def _count_cycles(first: int, mult: float, warmup: int, rounding: str) -> int:
    """Number of table entries, without building the table (validation)."""
    if mult == 1.0:
        return 1
    if rounding == "floor":
        return len(_cycles(first, mult, warmup, rounding)[0])  # stops at _MAX_CYCLES + 1
    return int(math.log(_LIMIT / first * (mult - 1) + 1, mult)) + 2


@lru_cache(maxsize=256)
def _split_cycles(
    first: int, mult: float, warmup: int, rounding: str
) -> tuple[Table, Table, Table, Table]:
    """Cycle starts and ends split into integer and fractional parts.

    For lower precision: a non-integer start (``cycle_mult=1.5``) rounded to
    float32 is off by up to half a float32 ulp *of the start*, a sizeable
    fraction of a step a million steps in; ``(t - floor(S)) - frac(S)`` is
    exact up to the rounding of the fraction alone.
    """
    starts, lengths = _cycles(first, mult, warmup, rounding)
    ends = (*starts[1:], starts[-1] + lengths[-1])

    def split(xs: tuple[float, ...]) -> tuple[Table, Table]:
        hi = [float(math.floor(x)) for x in xs]
        return Table(hi), Table(x - h for x, h in zip(xs, hi, strict=True))

    return (*split(starts), *split(ends))


def _restarts_lr(xp: Namespace, t: Any, p: Params) -> Any:
    key = (p.first_cycle_steps, p.cycle_mult, p.warmup_steps, p.cycle_rounding)
    starts, lengths = _cycles(*key)
    w = p.warmup_steps
    tf = to_float(xp, t)
    ref = reference_order(xp, tf)
    # the cycle: exact lookup of the start; the last cycle repeats forever
    last, last_len = int(starts[-1]), int(lengths[-1])
    q, r = divmod_steps(xp, minus(xp, t, last), last_len)
    if len(starts) == 1:
        cyc, s, big_l = q, r, float(last_len)
        left = big_l - s  # exact: integers
    else:
        idx = count_reached(xp, t, starts[1:])
        in_last = idx >= len(starts) - 1
        # the cycle index in the step's floating dtype (to_float would give
        # NumPy's float64 for float32 steps: the result must stay float32)
        idx_f = float(idx) if xp is SCALAR else xp.astype(idx, float_dtype(xp, tf))
        cyc = xp.where(in_last, q + float(len(starts) - 1), idx_f)
        big_l = take(xp, lengths, idx, tf)
        if ref:
            s = xp.where(in_last, r, tf - take(xp, starts, idx, tf))
            left = big_l - s
        else:
            # steps into and steps left in the cycle, from split starts/ends
            s_hi, s_fr, e_hi, e_fr = _split_cycles(*key)
            s = xp.where(in_last, r, (tf - take(xp, s_hi, idx, tf)) - take(xp, s_fr, idx, tf))
            left = xp.where(
                in_last, float(last_len) - r, (take(xp, e_hi, idx, tf) - tf) + take(xp, e_fr, idx, tf)
            )
    peak, lo = p.peak_value, p.min_value
    if p.peak_decay != 1.0:
        peak = peak * geometric(xp, p.peak_decay, xp.maximum(cyc, 0.0))
    # L_i - W >= 1 always: L_i >= L_0 > W ("exact"), L_i >= W + 1 ("floor")
    span = big_l - float(w)
    u = xp.clip((s - float(w)) / span, 0.0, 1.0)
    uc = None if ref else xp.clip(left / span, 0.0, 1.0)
    out = blend(xp, u, uc, peak, lo, "cosine")
    if w == 0:
        return out
    uw = xp.clip(s / float(w), 0.0, 1.0)
    uwc = None if uc is None else xp.clip((float(w) - s) / float(w), 0.0, 1.0)
    return xp.where(s < float(w), blend(xp, uw, uwc, lo, peak, "linear", order="ramp"), out)


def _bounds(p: Params) -> tuple[Any, Any]:
    # values lie between min_value and the cycle's peak; decayed peaks tend to 0
    low_peak = p.peak_value if p.peak_decay == 1.0 else np.zeros_like(p.peak_value)
    return np.minimum(p.min_value, low_peak), np.maximum(p.min_value, p.peak_value)


def _phases(p: Params) -> tuple[int, ...]:
    if p.cycle_mult == 1.0:
        return tuple(p.first_cycle_steps * k for k in range(1, 9))
    starts, _ = _cycles(p.first_cycle_steps, p.cycle_mult, p.warmup_steps, p.cycle_rounding)
    return tuple(int(s) for s in starts[1:9] if float(s).is_integer())


@register("cosine_restarts", lr=_restarts_lr, bounds=_bounds, phases=_phases)
def cosine_restarts(
    peak_value: Value,
    *,
    first_cycle_steps: int,
    cycle_mult: float = 1.0,
    min_value: Value = 0.0,
    peak_decay: float = 1.0,
    warmup_steps: int = 0,
    cycle_rounding: str = "exact",
) -> Schedule:
    r"""Cosine annealing with warm restarts (SGDR), optionally warmed up.

    .. math::
        \eta(t) = \begin{cases}
            \eta_m + (\hat\eta_i - \eta_m)\, s / W & s < W \\
            \eta_m + (\hat\eta_i - \eta_m)\,
               \tfrac{1 + \cos(\pi (s - W) / (L_i - W))}{2} & s \ge W
        \end{cases}

    where cycle :math:`i` starts at :math:`S_i`, has length :math:`L_i` and
    peak :math:`\hat\eta_i = \hat\eta \gamma^i`, and :math:`s = t - S_i`.
    Lengths: :math:`L_i = L_0 m^i` (``"exact"``) or
    :math:`L_{i+1} = \max(1, \lfloor (L_i - W) m \rfloor) + W` (``"floor"``).

    Symbols: :math:`\hat\eta` = ``peak_value``, :math:`L_0` =
    ``first_cycle_steps``, :math:`m` = ``cycle_mult``, :math:`\eta_m` =
    ``min_value``, :math:`\gamma` = ``peak_decay``, :math:`W` =
    ``warmup_steps``.

    Conventions: step 0 starts cycle 0 at its peak (``W = 0``) or at
    ``min_value`` (``W > 0``).  Inside a cycle the cosine never quite
    reaches ``min_value``; the next cycle restarts.  With ``"exact"`` and an
    integer ``m`` this is torch ``CosineAnnealingWarmRestarts(T_0=L_0,
    T_mult=m, eta_min)`` (LR after ``t`` steps; torch allows only integer
    ``m`` and no warmup or decay); a float ``m`` follows torch's closed-form
    epoch formula.  ``"floor"`` with ``W``, ``gamma`` is pytorch_optimizer's
    ``CosineAnnealingWarmupRestarts`` (its step ``k``; it writes
    ``min_lr`` at construction, the adapter's business).

    Args:
      peak_value: first cycle's peak, ``>= 0``.
      first_cycle_steps: :math:`L_0 \ge 1`.
      cycle_mult: cycle growth factor, ``>= 1``.
      min_value: floor of every cycle, ``<= peak_value``.
      peak_decay: peak multiplier per cycle, in ``(0, 1]``.
      warmup_steps: linear warmup at the start of each cycle, ``< L_0``.
      cycle_rounding: ``"exact"`` or ``"floor"`` (see above).

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.cosine_restarts(1.0, first_cycle_steps=4)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 6)]
      [1.0, 0.8536, 0.5, 0.1464, 1.0, 0.8536]
    """
    name = "cosine_restarts"
    peak = as_value(name, "peak_value", peak_value)
    first = as_int(name, "first_cycle_steps", first_cycle_steps, min=1)
    mult = as_value(name, "cycle_mult", cycle_mult, min=1.0, allow_array=False)
    lo = as_value(name, "min_value", min_value)
    check_le(name, "min_value", lo, "peak_value", peak)
    decay = as_value(name, "peak_decay", peak_decay, min=0.0, min_open=True, max=1.0, allow_array=False)
    w = as_int(name, "warmup_steps", warmup_steps, min=0)
    if w >= first:
        raise ValueError(
            f"{name}: warmup_steps must be < first_cycle_steps, got warmup_steps={warmup_steps!r} "
            f"and first_cycle_steps={first_cycle_steps!r}"
        )
    rounding = as_choice(name, "cycle_rounding", cycle_rounding, ("exact", "floor"))
    if _count_cycles(first, float(mult), w, rounding) > _MAX_CYCLES:
        raise ValueError(
            f"{name}: cycle_mult too close to 1 for {rounding!r} rounding (more than "
            f"{_MAX_CYCLES} distinct cycles before step 1e19), got {cycle_mult!r}"
        )
    return Schedule._make(
        name,
        peak_value=peak,
        first_cycle_steps=first,
        cycle_mult=float(mult),
        min_value=lo,
        peak_decay=float(decay),
        warmup_steps=w,
        cycle_rounding=rounding,
    )
