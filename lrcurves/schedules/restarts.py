"""Warm restarts (SGDR): cosine, polynomial or tanh cycles that grow and decay."""

from __future__ import annotations

import math
import sys
from functools import lru_cache
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import _one_minus_pow, blend, geometric, tanh_blend
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

ROUNDINGS = ("exact", "floor", "log")
#: the curve inside each cycle (the shapes of :mod:`lrcurves._shapes`)
CYCLE_SHAPES = ("cosine", "poly", "tanh")

__all__ = ["cosine_restarts"]

_POW_LIMIT = 700.0  # log of the largest (L - W)^k computed directly (float64 overflows near 709.8)
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
            # the float order of the formula each rounding follows: torch's
            # T_0 (m^i - 1) / (m - 1) ("exact"), timm's (1 - m^i) / (1 - m) T
            # ("log"); they differ by an ulp, which a progress power k < 1
            # turns into a visible step off the peak at a cycle start
            if rounding == "log":
                starts.append((1 - mult**i) / (1 - mult) * first)
            else:
                starts.append(first * (mult**i - 1) / (mult - 1))
            lengths.append(first * mult**i)
    return Table(starts), Table(lengths)


_EXACT_MARKS_UP_TO = 2**63  # beyond, no step reaches a mark: ceil(S_i) stands in


def _log_index(t: int, first: int, mult: float) -> int:
    """The cycle of step ``t`` by the float64 formula ``floor(log_m(1 + t (m - 1) / L_0))``.

    Evaluated in exactly this order (``t / L_0`` divides two Python ints,
    correctly rounded), as timm's cosine/tanh/poly schedulers and torch's
    ``CosineAnnealingWarmRestarts`` (given an epoch) locate the cycle.
    Non-decreasing in ``t``: every operation is monotone.
    """
    return math.floor(math.log(1.0 + t / first * (mult - 1.0), mult))


def _first_step(i: int, guess: int, first: int, mult: float) -> int:
    """The least integer ``t >= 0`` with ``_log_index(t) >= i``, searched from ``guess``."""

    def reached(t: int) -> bool:
        return _log_index(t, first, mult) >= i

    d = 1
    if reached(guess):
        hi = guess
        while True:  # gallop down to a step not reached (-1 stands for "before 0")
            lo = guess - d
            if lo < 0:
                lo = -1
                break
            if not reached(lo):
                break
            hi, d = lo, 2 * d
    else:
        lo = guess
        while True:
            hi = guess + d
            if reached(hi):
                break
            lo, d = hi, 2 * d
    while hi - lo > 1:  # invariant: lo not reached, hi reached
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if reached(mid) else (mid, hi)
    return hi


@lru_cache(maxsize=256)
def _log_marks(first: int, mult: float) -> Table:
    """First integer step of cycles ``1, 2, ...`` for ``"log"`` rounding (an exact int table).

    The step where the float64 cycle formula (:func:`_log_index`) first
    gives ``i``: usually ``ceil(S_i)``, one step later where ``S_i`` is an
    integer and the log rounds below it, one earlier where it rounds above.
    """
    starts, _ = _cycles(first, mult, 0, "log")
    marks: list[int] = []
    for i, st in enumerate(starts[1:], start=1):
        c = math.ceil(st)
        marks.append(_first_step(i, c, first, mult) if st <= _EXACT_MARKS_UP_TO else max(c, marks[-1]))
    return Table(marks)


def _count_cycles(first: int, mult: float, warmup: int, rounding: str) -> int:
    """Number of table entries, without building the table (validation)."""
    if mult == 1.0:
        return 1
    if rounding == "floor":
        return len(_cycles(first, mult, warmup, rounding)[0])  # stops at _MAX_CYCLES + 1
    # a huge mult overflows the argument: the float maximum bounds it (2 or 3 entries)
    return int(math.log(min(_LIMIT / first * (mult - 1) + 1, sys.float_info.max), mult)) + 2


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
    w, k = p.warmup_steps, p.progress_power
    tf = to_float(xp, t)
    ref = reference_order(xp, tf)
    # the cycle: exact lookup of the start; the last cycle repeats forever
    last, last_len = int(starts[-1]), int(lengths[-1])
    q, r = divmod_steps(xp, minus(xp, t, last), last_len)
    if len(starts) == 1:
        cyc, s, big_l = q, r, float(last_len)
        left = big_l - s  # exact: integers
    else:
        marks = _log_marks(p.first_cycle_steps, p.cycle_mult) if p.cycle_rounding == "log" else starts[1:]
        idx = count_reached(xp, t, marks)
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
    if ref and k != 1.0:
        # (s - W)^k / (L - W)^k: the k-decay order of timm's cosine, in cycles where
        # (L - W)^k is finite (beyond, timm's own value is nan and u^k is the curve)
        cap = math.exp(min(_POW_LIMIT / k, _POW_LIMIT))
        su = xp.clip(s - float(w), 0.0, cap)
        span = span + su * 0.0  # an array also where the one cycle's length is a Python float
        short = span <= cap
        sd = xp.minimum(span, cap)
        u = xp.where(
            short,
            xp.pow(su, k) / xp.pow(sd, k),  # in [0, 1]: 0 <= su <= sd where selected
            xp.pow(xp.clip((s - float(w)) / span, 0.0, 1.0), k),
        )
    else:
        u = xp.clip((s - float(w)) / span, 0.0, 1.0)
    uc = None if ref else xp.clip(left / span, 0.0, 1.0)
    if uc is not None and k != 1.0:
        u, uc = xp.pow(u, k), _one_minus_pow(xp, uc, u, k)  # u^k and 1 - u^k, each accurate
    if p.shape == "tanh":
        out = tanh_blend(xp, u, uc, peak, lo, p.lower, p.upper)
    else:
        out = blend(xp, u, uc, peak, lo, p.shape, exponent=p.exponent)
    if p.max_cycles is not None:
        out = xp.where(cyc >= float(p.max_cycles), out * 0.0 + lo, out)
    if w == 0:
        return out
    uw = xp.clip(s / float(w), 0.0, 1.0)
    uwc = None if uc is None else xp.clip((float(w) - s) / float(w), 0.0, 1.0)
    return xp.where(s < float(w), blend(xp, uw, uwc, lo, peak, "linear", ramp=True), out)


def _bounds(p: Params) -> tuple[Any, Any]:
    # values lie between min_value and the cycle's peak; decayed peaks tend to 0
    low_peak = p.peak_value if p.peak_decay == 1.0 else np.zeros_like(p.peak_value)
    return np.minimum(p.min_value, low_peak), np.maximum(p.min_value, p.peak_value)


def restart_steps(schedule: Schedule, stop: int) -> tuple[int, ...]:
    """The steps ``< stop`` where a ``cosine_restarts`` schedule starts a new cycle (not 0).

    The first integer step of every cycle after the first, as the kernel
    finds it: ``ceil(S_i)`` (``"exact"``, ``"floor"``) or the tabulated
    first step of the float64 cycle formula (``"log"``).  For checks and
    plots; at most :data:`_MAX_CYCLES` entries.

    >>> import lrcurves
    >>> restart_steps(lrcurves.cosine_restarts(1.0, first_cycle_steps=4, cycle_mult=1.5), 20)
    (4, 10, 19)
    """
    if not isinstance(schedule, Schedule) or schedule.name != "cosine_restarts":
        raise TypeError(f"restart_steps needs a cosine_restarts schedule, got {schedule!r:.80}")
    p = schedule.params
    first, mult = p["first_cycle_steps"], p["cycle_mult"]
    if mult == 1.0:
        return tuple(range(first, stop, first))[:_MAX_CYCLES]
    if p["cycle_rounding"] == "log":
        marks = [int(m) for m in _log_marks(first, mult)]
    else:
        starts, lengths = _cycles(first, mult, p["warmup_steps"], p["cycle_rounding"])
        marks = [math.ceil(x) for x in starts[1:]]
        # the last table entry repeats forever with its length
        last, length = starts[-1], lengths[-1]
        k = 1
        while len(marks) < _MAX_CYCLES and math.ceil(last + k * length) < stop:
            marks.append(math.ceil(last + k * length))
            k += 1
    return tuple(m for m in marks if m < stop)


def _phases(p: Params) -> tuple[int, ...]:
    if p.cycle_mult == 1.0:
        return tuple(p.first_cycle_steps * k for k in range(1, 9))
    if p.cycle_rounding == "log":
        return tuple(_log_marks(p.first_cycle_steps, p.cycle_mult)[:8])
    starts, _ = _cycles(p.first_cycle_steps, p.cycle_mult, p.warmup_steps, p.cycle_rounding)
    return tuple(math.ceil(s) for s in starts[1:9])


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
    progress_power: float = 1.0,
    max_cycles: int | None = None,
    shape: str = "cosine",
    exponent: float = 1.0,
    lower: float = -7.0,
    upper: float = 3.0,
) -> Schedule:
    r"""Warm restarts (SGDR): cosine, polynomial or tanh cycles, optionally warmed up.

    .. math::
        \eta(t) = \begin{cases}
            \eta_m + (\hat\eta_i - \eta_m)\, s / W & s < W \\
            \eta_m + (\hat\eta_i - \eta_m)\, f(u^k),\;
               u = \tfrac{s - W}{L_i - W} & s \ge W
        \end{cases}
        \qquad
        f(v) = \begin{cases}
            \tfrac{1 + \cos(\pi v)}{2} & \text{cosine} \\
            (1 - v)^p & \text{poly} \\
            \tfrac{1 - \tanh(l\,(1 - v) + h\,v)}{2} & \text{tanh}
        \end{cases}

    where cycle :math:`i` starts at :math:`S_i`, has length :math:`L_i` and
    peak :math:`\hat\eta_i = \hat\eta \gamma^i`, and :math:`s = t - S_i`;
    from cycle :math:`N` on (``max_cycles``) the value is :math:`\eta_m`.
    Lengths: :math:`L_i = L_0 m^i`, :math:`S_i = L_0 (m^i - 1) / (m - 1)`
    (``"exact"`` and ``"log"``) or
    :math:`L_{i+1} = \max(1, \lfloor (L_i - W) m \rfloor) + W` (``"floor"``).
    The cycle of an integer step: the last :math:`i` with :math:`S_i \le t`
    (``"exact"``, ``"floor"``), or :math:`\lfloor \log_m(1 + t (m - 1) / L_0)
    \rfloor` as float64 evaluates it (``"log"``: tabulated at construction as
    the integer step where that formula first gives :math:`i`, so every
    backend and dtype agrees; it differs from ``"exact"`` on about 2% of
    cycle starts, by a step).  Float64 order: with :math:`k \ne 1`
    :math:`(s - W)^k / (L_i - W)^k`; ``"cosine"`` and ``"poly"`` as
    :math:`\eta_m + (\hat\eta_i - \eta_m) f` (timm's order), ``"tanh"``
    as :math:`\hat\eta_i (1 - \tanh x)/2 + \eta_m (1 + \tanh x)/2` with
    logistic weights in every dtype (``tanh_decay``'s form).

    Symbols: :math:`\hat\eta` = ``peak_value``, :math:`L_0` =
    ``first_cycle_steps``, :math:`m` = ``cycle_mult``, :math:`\eta_m` =
    ``min_value``, :math:`\gamma` = ``peak_decay``, :math:`W` =
    ``warmup_steps``, :math:`k` = ``progress_power``, :math:`N` =
    ``max_cycles``, :math:`f` = ``shape``, :math:`p` = ``exponent``,
    :math:`l` = ``lower``, :math:`h` = ``upper``.

    Conventions: step 0 starts cycle 0 at its peak (``W = 0``) or at
    ``min_value`` (``W > 0``).  Inside a cycle the curve never quite
    reaches ``min_value``; the next cycle restarts.  A ``"tanh"`` cycle
    starts a hair below its peak (:math:`1 - \tanh(-7) \approx 2 - 1.7
    \cdot 10^{-6}`) and ends a little above ``min_value``, as
    ``tanh_decay``.  With ``"exact"`` and an
    integer ``m`` this is torch ``CosineAnnealingWarmRestarts(T_0=L_0,
    T_mult=m, eta_min)`` (LR after ``t`` steps; torch allows only integer
    ``m`` and no warmup or decay); a float ``m`` follows torch's closed-form
    epoch formula.  ``"floor"`` with ``W``, ``gamma`` is pytorch_optimizer's
    ``CosineAnnealingWarmupRestarts`` (its step ``k``; it writes
    ``min_lr`` at construction, the adapter's business).  ``"log"`` with
    ``max_cycles`` is timm's ``CosineLRScheduler(t_initial=L_0,
    cycle_mul=m, cycle_decay=gamma, cycle_limit=N, k_decay=k, lr_min)``,
    with ``shape="poly"`` its ``PolyLRScheduler(power=p, k_decay=k)`` and
    with ``shape="tanh"`` its ``TanhLRScheduler(lb=l, ub=h)`` (all without
    their warmup).

    Args:
      peak_value: first cycle's peak, ``>= 0``.
      first_cycle_steps: :math:`L_0 \ge 1`.
      cycle_mult: cycle growth factor, ``>= 1``.
      min_value: floor of every cycle, ``<= peak_value``.
      peak_decay: peak multiplier per cycle, in ``(0, 1]``.
      warmup_steps: linear warmup at the start of each cycle, ``< L_0``.
      cycle_rounding: ``"exact"``, ``"floor"`` or ``"log"`` (see above).
      progress_power: :math:`k > 0`, the power of the progress in the cycle
        curve (k-decay; 1: plain SGDR).
      max_cycles: :math:`N \ge 1` cycles, then ``min_value`` for good
        (``None``: cycles forever).
      shape: the curve inside each cycle, ``"cosine"``, ``"poly"`` or
        ``"tanh"`` (:math:`f` above).
      exponent: :math:`p > 0` of ``"poly"`` (1: linear); 1 for the other
        shapes.
      lower: tanh argument at the start of a ``"tanh"`` cycle (``lb`` in
        timm), finite; the default for the other shapes.
      upper: tanh argument at its end (``ub`` in timm), ``> lower``; the
        default for the other shapes.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.cosine_restarts(1.0, first_cycle_steps=4)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 6)]
      [1.0, 0.8536, 0.5, 0.1464, 1.0, 0.8536]
      >>> s = lrcurves.cosine_restarts(1.0, first_cycle_steps=2, cycle_mult=2.0, shape="poly", exponent=2.0)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 7)]
      [1.0, 0.25, 1.0, 0.5625, 0.25, 0.0625, 1.0]
      >>> s = lrcurves.cosine_restarts(1.0, first_cycle_steps=10, shape="tanh", peak_decay=0.5)
      >>> [round(float(s(t)), 4) for t in (0, 5, 9, 10, 15)]
      [1.0, 0.982, 0.018, 0.5, 0.491]
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
    rounding = as_choice(name, "cycle_rounding", cycle_rounding, ROUNDINGS)
    k = as_value(name, "progress_power", progress_power, min=0.0, min_open=True, allow_array=False)
    limit = None if max_cycles is None else as_int(name, "max_cycles", max_cycles, min=1)
    shp = as_choice(name, "shape", shape, CYCLE_SHAPES)
    p_exp = as_value(name, "exponent", exponent, min=0.0, min_open=True, allow_array=False)
    if shp != "poly" and p_exp != 1.0:
        raise ValueError(f"{name}: exponent applies to shape='poly' only, got exponent={exponent!r} with shape={shp!r}")
    lb = as_value(name, "lower", lower, min=None, allow_array=False)
    ub = as_value(name, "upper", upper, min=None, allow_array=False)
    if not lb < ub:
        raise ValueError(f"{name}: lower must be < upper, got lower={lower!r} and upper={upper!r}")
    if shp != "tanh" and (lb, ub) != (-7.0, 3.0):
        raise ValueError(
            f"{name}: lower and upper apply to shape='tanh' only, got lower={lower!r} and "
            f"upper={upper!r} with shape={shp!r}"
        )
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
        progress_power=float(k),
        max_cycles=limit,
        shape=shp,
        exponent=float(p_exp),
        lower=float(lb),
        upper=float(ub),
    )
