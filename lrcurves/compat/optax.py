"""optax's schedule factories as pure lrcurves schedules.

Framework-free translations (no jax or optax import) of every schedule
factory in optax 0.2's public ``optax.schedules`` namespace, with optax's
names, argument names, positional order and defaults: ``constant_schedule``,
``linear_schedule``, ``polynomial_schedule``, ``cosine_decay_schedule``,
``exponential_decay``, ``piecewise_constant_schedule``,
``piecewise_interpolate_schedule``, ``linear_onecycle_schedule``,
``cosine_onecycle_schedule``, ``warmup_constant_schedule``,
``warmup_cosine_decay_schedule``, ``warmup_exponential_decay_schedule``,
``sgdr_schedule`` and ``join_schedules``.  Each returns a
:class:`~lrcurves.Schedule` whose value at count ``t`` is optax's; a
``Schedule`` is itself a ``count -> value`` callable that works under
``jax.jit`` (and on a vector of counts), so it is a valid optax schedule.
This module only translates parameters and counts (optax's conventions:
``decay_steps`` including the warmup, ``alpha`` as a ratio of the initial
value, ``boundaries_and_scales`` as cumulative multipliers, one-cycle peaks
at ``int(pct * transition_steps)``, local counts after each join boundary);
the math is the core's (``constant``, ``linear``, ``polynomial``,
``cosine_decay``, ``exponential_decay``, ``piecewise_constant``, ``join``,
``shift``).

>>> from lrcurves.compat import optax as ox
>>> s = ox.warmup_cosine_decay_schedule(0.0, 1.0, 2, 6)
>>> [round(float(s(t)), 4) for t in range(8)]
[0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]

Differences
-----------
- Values must be ``>= 0`` and finite (learning rates): a negative
  ``init_value``/``end_value``/``peak_value`` (or a negative ``alpha``)
  raises :class:`ValueError`; optax computes the curve anyway.
- ``exponential_decay`` with ``decay_rate > 1`` (unbounded growth) requires
  ``end_value`` and raises :class:`ValueError` without one (optax overflows
  to ``inf``); ``decay_rate < 0`` raises (optax gives NaN between stairs).
- ``exponential_decay(staircase=True)`` counts its stairs with exact integer
  arithmetic.  optax's ``floor(count / transition_steps)`` under ``jax.jit``
  in float32 lets XLA turn the division into a multiplication by the
  reciprocal, so at some exact multiples of ``transition_steps`` optax is
  still on the previous stair; here the stair always changes at the multiple
  (as optax does without ``jit``).
- ``polynomial_schedule``/``linear_schedule`` hold exactly ``end_value``
  from ``transition_begin + transition_steps`` on, as optax documents.
  optax's jitted ``1 - count / transition_steps`` (XLA multiplies by the
  reciprocal) can land a few ulp from 0 there, so its value is
  ``init + (end - init) * (1 - tiny ** power)`` instead -- off by up to a
  few percent of the range for small ``power`` in float32 -- or NaN when
  the rounded difference is negative and ``power`` is fractional.
- optax's silent fallbacks are *reproduced*: ``transition_steps <= 0`` in
  ``polynomial_schedule``/``linear_schedule``/``exponential_decay`` and
  ``decay_rate == 0`` give the constant ``init_value``; a negative
  ``transition_begin`` counts as 0; an ``end_value`` that clips the whole
  exponential curve gives that constant; ``join_schedules`` accepts
  unsorted, zero or negative boundaries (the last boundary reached wins,
  as optax's chain of ``where``).  ``cosine_decay_schedule`` with
  ``decay_steps <= 0`` and the one-cycle schedules with
  ``transition_steps <= 0`` raise :class:`ValueError` as in optax.
- Counts are clamped below at 0 (a negative count is count 0); optax
  extrapolates some curves to negative counts (which its optimizers never
  pass).
- The one-cycle and ``piecewise_interpolate_schedule`` curves work on a
  vector of counts (optax's raise there).
- Parameters are concrete Python numbers (optax also takes JAX arrays).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import lrcurves
from lrcurves import Schedule

__all__ = [
    "FACTORIES",
    "constant_schedule",
    "cosine_decay_schedule",
    "cosine_onecycle_schedule",
    "exponential_decay",
    "join_schedules",
    "linear_onecycle_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "polynomial_schedule",
    "sgdr_schedule",
    "warmup_constant_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
]


def _int(where: str, name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != math.floor(v):
        raise TypeError(f"{where}: {name} must be an integer, got {v!r}")
    return int(v)


def _num(where: str, name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {v!r}")
    return float(v)


def _stitch(pieces: Sequence[tuple[int, Schedule]]) -> Schedule:
    """optax's chain of ``where(step < b, out, s(step - b))`` as a core ``join``.

    ``pieces`` are ``(b, s)`` in optax's order (the first with ``b = 0``,
    evaluated at the count itself).  Piece ``j`` is active where the count
    reached ``b_j`` and no later piece's boundary, i.e. on
    ``[max(b_j, 0), min_{k > j} b_k)``; it sees ``count - b_j`` (a ``shift``
    when ``b_j < 0``).
    """
    active: list[tuple[int, Schedule]] = []
    for j, (b, s) in enumerate(pieces):
        lo = max(b, 0)
        later = [c for c, _ in pieces[j + 1 :]]
        hi = min(later) if later else None
        if hi is not None and hi <= lo:
            continue
        active.append((lo, s if b >= 0 else lrcurves.shift(s, -b)))
    active.sort(key=lambda p: p[0])
    if len(active) == 1:
        return active[0][1]
    return lrcurves.join([s for _, s in active], boundaries=[lo for lo, _ in active[1:]])


def constant_schedule(value: float) -> Schedule:
    """``optax.constant_schedule``: ``value`` at every count.

    >>> constant_schedule(5).value(100)
    5.0
    """
    return lrcurves.constant(_num("constant_schedule", "value", value))


def polynomial_schedule(
    init_value: float,
    end_value: float,
    power: float,
    transition_steps: int,
    transition_begin: int = 0,
) -> Schedule:
    """``optax.polynomial_schedule`` (``transition_steps <= 0``: constant ``init_value``).

    >>> s = polynomial_schedule(1.0, 0.01, 2, 100, transition_begin=5)
    >>> [round(float(s(t)), 4) for t in (0, 5, 6, 104, 105, 110)]
    [1.0, 1.0, 0.9803, 0.0101, 0.01, 0.01]
    """
    where = "polynomial_schedule"
    init = _num(where, "init_value", init_value)
    n = _int(where, "transition_steps", transition_steps)
    if n <= 0:
        return lrcurves.constant(init)
    begin = max(_int(where, "transition_begin", transition_begin), 0)
    p = _num(where, "power", power)
    if p == 0.0:  # (1 - u) ** 0 == 1: optax holds init_value (0 ** 0 == 1 at the end too)
        return lrcurves.constant(init)
    if p == 1.0:
        return lrcurves.linear(init, _num(where, "end_value", end_value), transition_steps=n, transition_begin=begin)
    return lrcurves.polynomial(
        init, _num(where, "end_value", end_value), transition_steps=n, power=p, transition_begin=begin
    )


def linear_schedule(
    init_value: float,
    end_value: float,
    transition_steps: int,
    transition_begin: int = 0,
) -> Schedule:
    """``optax.linear_schedule``: ``polynomial_schedule`` with ``power=1``.

    >>> linear_schedule(1.0, 0.0, 4).value(1)
    0.75
    """
    return polynomial_schedule(init_value, end_value, 1, transition_steps, transition_begin)


def _scales(where: str, boundaries_and_scales: Mapping[int, float] | None) -> list[tuple[int, float]]:
    if boundaries_and_scales is None:
        return []
    items = sorted((_int(where, "boundary", b), _num(where, "scale", s)) for b, s in boundaries_and_scales.items())
    if not all(s >= 0.0 for _, s in items):
        raise ValueError(f"`{where}` expects non-negative scale factors")
    return items


def piecewise_constant_schedule(
    init_value: float,
    boundaries_and_scales: dict[int, float] | None = None,
) -> Schedule:
    """``optax.piecewise_constant_schedule``: ``init_value`` times every scale whose boundary was reached.

    >>> s = piecewise_constant_schedule(1.0, {100: 0.1, 200: 0.01})
    >>> [round(float(s(t)), 6) for t in (50, 150, 250)]
    [1.0, 0.1, 0.001]
    """
    where = "piecewise_constant_schedule"
    v = _num(where, "init_value", init_value)
    values, bounds = [v], []
    for b, s in _scales(where, boundaries_and_scales):
        v = v * s
        if b <= 0 or (bounds and bounds[-1] == b):  # reached at count 0
            values[-1] = v
        else:
            bounds.append(b)
            values.append(v)
    if not bounds:
        return lrcurves.constant(values[0])
    return lrcurves.piecewise_constant(values, boundaries=bounds)


def piecewise_interpolate_schedule(
    interpolate_type: str,
    init_value: float,
    boundaries_and_scales: dict[int, float] | None = None,
) -> Schedule:
    """``optax.piecewise_interpolate_schedule``: linear or cosine between cumulative values.

    >>> s = piecewise_interpolate_schedule("linear", 1.0, {4: 0.1, 8: 0.01})
    >>> [round(float(s(t)), 6) for t in range(0, 11, 2)]
    [1.0, 0.55, 0.1, 0.0505, 0.001, 0.001]
    """
    where = "piecewise_interpolate_schedule"
    if interpolate_type not in ("linear", "cosine"):
        raise ValueError("`interpolate_type` must be either 'cosine' or 'linear'")
    items = _scales(where, boundaries_and_scales)
    init = _num(where, "init_value", init_value)
    bounds = [0] + [b for b, _ in items]
    values = [init]
    for _, s in items:
        values.append(values[-1] * s)
    pieces: list[tuple[int, Schedule]] = []
    for i in range(len(items)):
        lo, hi = bounds[i], bounds[i + 1]
        if hi <= lo:
            continue
        if values[i] == values[i + 1]:
            seg = lrcurves.constant(values[i])
        elif interpolate_type == "linear":
            seg = lrcurves.linear(values[i], values[i + 1], transition_steps=hi - lo)
        else:
            seg = lrcurves.cosine_decay(values[i], hi - lo, end_value=values[i + 1])
        pieces.append((lo, seg))
    pieces.append((bounds[-1], lrcurves.constant(values[-1])))
    # sorted, disjoint segments covering [min(0, first boundary), inf)
    return _stitch(pieces)


def _onecycle(where: str, transition_steps: Any) -> int:
    n = _int(where, "transition_steps", transition_steps)
    if n <= 0:
        raise ValueError("A linear onecycle schedule was set with a non-positive `transition_steps`")
    return n


def linear_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    pct_final: float = 0.85,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Schedule:
    """``optax.linear_onecycle_schedule`` (peak at ``int(pct_start * transition_steps)``).

    >>> s = linear_onecycle_schedule(10, 1.0)
    >>> [round(float(s(t)), 4) for t in (0, 3, 8, 10)]
    [0.04, 1.0, 0.04, 0.0]
    """
    n = _onecycle("linear_onecycle_schedule", transition_steps)
    return piecewise_interpolate_schedule(
        "linear",
        peak_value / div_factor,
        {
            int(pct_start * n): div_factor,
            int(pct_final * n): 1.0 / div_factor,
            n: 1.0 / final_div_factor,
        },
    )


def cosine_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Schedule:
    """``optax.cosine_onecycle_schedule`` (peak at ``int(pct_start * transition_steps)``).

    >>> s = cosine_onecycle_schedule(10, 1.0)
    >>> [round(float(s(t)), 4) for t in (0, 3, 10)]
    [0.04, 1.0, 0.0]
    """
    n = _onecycle("cosine_onecycle_schedule", transition_steps)
    return piecewise_interpolate_schedule(
        "cosine",
        peak_value / div_factor,
        {int(pct_start * n): div_factor, n: 1.0 / (div_factor * final_div_factor)},
    )


def cosine_decay_schedule(
    init_value: float,
    decay_steps: int,
    alpha: float = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    """``optax.cosine_decay_schedule``: to ``alpha * init_value`` over ``decay_steps``.

    >>> [round(float(v), 4) for v in cosine_decay_schedule(1.0, 4, 0.1)(range(6))]
    [1.0, 0.8682, 0.55, 0.2318, 0.1, 0.1]
    """
    where = "cosine_decay_schedule"
    n = _int(where, "decay_steps", decay_steps)
    if not n > 0:
        raise ValueError(f"The cosine_decay_schedule requires positive decay_steps, got decay_steps={n}.")
    init = _num(where, "init_value", init_value)
    a = _num(where, "alpha", alpha)
    return lrcurves.cosine_decay(init, n, end_value=a * init, exponent=_num(where, "exponent", exponent))


def exponential_decay(
    init_value: float,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Schedule:
    """``optax.exponential_decay`` (``transition_steps <= 0`` or ``decay_rate == 0``: constant).

    >>> s = exponential_decay(1.0, 2, 0.5, staircase=True)
    >>> [float(s.value(t)) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    where = "exponential_decay"
    init = _num(where, "init_value", init_value)
    n = _int(where, "transition_steps", transition_steps)
    rate = _num(where, "decay_rate", decay_rate)
    if n <= 0 or rate == 0.0:
        return lrcurves.constant(init)
    begin = max(_int(where, "transition_begin", transition_begin), 0)
    end = None if end_value is None else _num(where, "end_value", end_value)
    # optax clips with max (rate < 1) or min (rate >= 1) at every count;
    # a bound on the wrong side of init_value clips the whole curve
    if end is not None and ((rate < 1.0 and end >= init) or (rate >= 1.0 and end <= init)):
        return lrcurves.constant(end)
    if rate == 1.0:
        return lrcurves.constant(init)
    return lrcurves.exponential_decay(
        init, decay_rate=rate, transition_steps=n, transition_begin=begin,
        staircase=bool(staircase), end_value=end,
    )


def warmup_constant_schedule(init_value: float, peak_value: float, warmup_steps: int) -> Schedule:
    """``optax.warmup_constant_schedule``: linear warmup, then ``peak_value``.

    >>> lrcurves.curve(warmup_constant_schedule(0.0, 1.0, 2), 4).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    return linear_schedule(init_value, peak_value, warmup_steps)


def warmup_cosine_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    decay_steps: int,
    end_value: float = 0.0,
    exponent: float = 1.0,
) -> Schedule:
    """``optax.warmup_cosine_decay_schedule``; ``decay_steps`` includes the warmup."""
    where = "warmup_cosine_decay_schedule"
    w = _int(where, "warmup_steps", warmup_steps)
    peak = _num(where, "peak_value", peak_value)
    alpha = 0.0 if peak == 0.0 else _num(where, "end_value", end_value) / peak
    return _stitch([
        (0, linear_schedule(init_value, peak, w)),
        (w, cosine_decay_schedule(peak, _int(where, "decay_steps", decay_steps) - w, alpha, exponent)),
    ])


def warmup_exponential_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Schedule:
    """``optax.warmup_exponential_decay_schedule``: linear warmup, then ``exponential_decay``."""
    w = _int("warmup_exponential_decay_schedule", "warmup_steps", warmup_steps)
    return _stitch([
        (0, linear_schedule(init_value, peak_value, w)),
        (w, exponential_decay(peak_value, transition_steps, decay_rate, transition_begin, staircase, end_value)),
    ])


def sgdr_schedule(cosine_kwargs: Iterable[dict[str, Any]]) -> Schedule:
    """``optax.sgdr_schedule``: ``warmup_cosine_decay_schedule`` cycles back to back.

    >>> s = sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=1, decay_steps=3)] * 2)
    >>> [round(float(v), 4) for v in lrcurves.curve(s, 6)]
    [0.0, 1.0, 0.5, 0.0, 1.0, 0.5]
    """
    pieces: list[tuple[int, Schedule]] = []
    step = 0
    for kwargs in cosine_kwargs:
        pieces.append((step, warmup_cosine_decay_schedule(**kwargs)))
        step += _int("sgdr_schedule", "decay_steps", kwargs["decay_steps"])
    if not pieces:
        raise ValueError("sgdr_schedule: cosine_kwargs must not be empty")
    # optax's boundaries are the cumulative ends; the first piece runs from count 0
    return _stitch([(0, pieces[0][1]), *pieces[1:]])


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """``optax.join_schedules``: each schedule sees the count minus its boundary.

    ``schedules`` are lrcurves schedules (or wrappers with a ``.schedule``,
    such as :func:`lrcurves.adapters.optax.to_optax`'s).

    >>> s = join_schedules([linear_schedule(0.0, 1.0, 2), constant_schedule(0.5)], [2])
    >>> lrcurves.curve(s, 4).tolist()
    [0.0, 0.5, 0.5, 0.5]
    """
    sch = [getattr(s, "schedule", s) for s in schedules]
    for i, s in enumerate(sch):
        if not isinstance(s, Schedule):
            raise TypeError(f"join_schedules: schedules[{i}] must be a lrcurves Schedule, got {type(s).__name__}")
    bnd = [_int("join_schedules", "boundaries", b) for b in boundaries]
    if not sch:
        raise ValueError("join_schedules: schedules must not be empty")
    # optax zips: extra schedules or boundaries are ignored
    pieces = [(0, sch[0]), *list(zip(bnd, sch[1:], strict=False))]
    return _stitch(pieces)


#: The factories, by optax name.
FACTORIES = {
    name: globals()[name]
    for name in __all__
    if name != "FACTORIES"
}
