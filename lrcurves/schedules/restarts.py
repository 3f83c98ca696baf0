"""Cosine annealing with warm restarts (SGDR)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import Value, as_choice, as_int, as_value, check_le
from lrcurves._xp import SCALAR, Namespace, float_dtype, to_float

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
        while start + length <= _LIMIT:
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
    if len(starts) > _MAX_CYCLES:  # pragma: no cover - guarded by validation
        raise ValueError("cosine_restarts: too many cycles")
    return tuple(starts), tuple(lengths)


def _count_cycles(first: int, mult: float, warmup: int, rounding: str) -> int:
    """Number of table entries, without building the table (validation)."""
    if mult == 1.0 or rounding == "floor":
        return 0  # floor lengths grow by >= 1 per cycle or stop: bounded below
    return int(math.log(_LIMIT / first * (mult - 1) + 1, mult)) + 2


def _table(xp: Namespace, t: Any, values: tuple[float, ...]) -> Any:
    if xp is SCALAR:
        return values
    dt = float_dtype(xp, t)
    try:
        from array_api_compat import device

        return xp.asarray(values, dtype=dt, device=device(t))
    except Exception:
        return xp.asarray(values, dtype=dt)


def _take(xp: Namespace, table: Any, idx: Any) -> Any:
    """``table[idx]`` for an index array of any rank.

    The standard's ``take`` wants 1-d indices (torch enforces it), so other
    ranks go through a flat view (``reshape`` is used on the index shape
    only, never on step values).
    """
    ndim = getattr(idx, "ndim", 1)
    if ndim == 1:
        return xp.take(table, idx)
    shape = tuple(idx.shape)
    flat = xp.take(table, xp.reshape(idx, (-1,)))
    return xp.reshape(flat, shape)


def _restarts_lr(xp: Namespace, t: Any, p: Params) -> Any:
    tf = to_float(xp, t)
    starts, lengths = _cycles(p.first_cycle_steps, p.cycle_mult, p.warmup_steps, p.cycle_rounding)
    w = p.warmup_steps
    if len(starts) == 1:
        length = lengths[0]
        cyc = xp.floor(tf / length)
        s = tf % length
        big_l: Any = length
    else:
        st = _table(xp, t, starts)
        ln = _table(xp, t, lengths)
        idx = xp.clip(xp.searchsorted(st, tf, side="right") - 1, 0, len(starts) - 1)
        start = _take(xp, st, idx)
        big_l = _take(xp, ln, idx)
        q = xp.floor(xp.maximum(tf - start, 0.0) / big_l)
        s = tf - start - q * big_l
        cyc = to_float(xp, idx) + q
    peak = p.peak_value
    lo = p.min_value
    if p.peak_decay != 1.0:
        peak = peak * xp.pow(cyc * 0.0 + p.peak_decay, xp.maximum(cyc, 0.0))
    # L_i - W >= 1 always: L_i >= L_0 > W ("exact"), L_i >= W + 1 ("floor")
    cos_part = lo + (peak - lo) * (1.0 + xp.cos(math.pi * (s - w) / (big_l - w))) / 2.0
    if w == 0:
        return cos_part
    warm = (peak - lo) * s / w + lo
    return xp.where(s < w, warm, cos_part)


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
            f"{name}: cycle_mult too close to 1 for 'exact' rounding (more than {_MAX_CYCLES} "
            f"cycles before step 1e19), got {cycle_mult!r}"
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
