"""Combinators: schedules built from other schedules, still in closed form.

The value of a composite at step ``t`` is computed directly from ``t`` (never
by stepping), so composites jit, vectorise and resume like any schedule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrcurves._schedule import MAX_FLAT, Params, Schedule, piecewise, register
from lrcurves._xp import Namespace, minus, mod_steps, param, plus
from lrcurves.validate import Value, as_bool, as_int, as_ints, as_value, check_le

__all__ = ["clip", "join", "product", "remap", "repeat", "scale", "shift", "with_momentum"]



def _no_overflow(out: Schedule, children: Sequence[Schedule]) -> Schedule:
    """``out``, unless its values overflow float64 where its children's do not.

    A factor of 1e9 on a child bounded by 1e299 would give ``inf`` learning
    rates (and NaN further on, ``inf * 0``); like a parameter of ``10**400``,
    that is refused when the schedule is built.
    """
    if all(math.isfinite(c.bounds()[1]) for c in children):
        with np.errstate(over="ignore", invalid="ignore"):
            lo, hi = out.bounds()
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(
                f"{out.name}: its values overflow float64 (bounds ({lo!r}, {hi!r}) from children "
                f"bounded by {max(c.bounds()[1] for c in children)!r}); use smaller factors or values"
            )
    return out


def _as_schedule(where: str, s: Any) -> Schedule:
    if not isinstance(s, Schedule):
        raise TypeError(f"{where} must be a Schedule, got {type(s).__name__}")
    return s


def _join_pieces(p: Params, momentum: bool) -> list[tuple[int, Any]]:
    """Piece ``i`` from its boundary on: its schedule at the local step ``t - b_i``."""

    def piece(s: Schedule, b: int) -> Any:
        if momentum:
            return lambda xp, t: s.evaluate_momentum(xp, minus(xp, t, b))
        return lambda xp, t: s.evaluate(xp, minus(xp, t, b))

    edges = (0, *p.boundaries)
    return [(b, piece(s, b)) for b, s in zip(edges, p.schedules, strict=True)]


def _join_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    edges = (0, *p.boundaries, stop)
    out: list[tuple[int, int]] = []
    for i, s in enumerate(p.schedules):
        lo, hi = max(start, edges[i]), min(stop, edges[i + 1])
        if hi > lo:
            out.extend((a + edges[i], b + edges[i]) for a, b in s.flat_ranges(lo - edges[i], hi - edges[i]))
    return out


def _join_bounds(p: Params) -> tuple[float, float]:
    b = [s.bounds() for s in p.schedules]
    return min(x[0] for x in b), max(x[1] for x in b)


def _join_mom_bounds(p: Params) -> tuple[float, float]:
    b = [s.momentum_bounds() for s in p.schedules]
    return min(x[0] for x in b), max(x[1] for x in b)


def _join_phases(p: Params) -> tuple[int, ...]:
    edges = (0, *p.boundaries)
    out: list[int] = list(p.boundaries)
    for e, s in zip(edges, p.schedules, strict=True):
        out.extend(e + x for x in s.phases())
    return tuple(out)


@register(
    "join",
    kind="combinator",
    lr=lambda xp, t, p: piecewise(xp, t, _join_pieces(p, False)),
    momentum=lambda xp, t, p: piecewise(xp, t, _join_pieces(p, True)),
    pieces=_join_pieces,
    has_momentum=lambda p: all(s.has_momentum for s in p.schedules),
    bounds=_join_bounds,
    momentum_bounds=_join_mom_bounds,
    phases=_join_phases,
    flat=_join_flat,
)
def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    r"""Run schedules one after another, switching at step boundaries.

    .. math::
        \eta(t) = s_i(t - b_i) \quad\text{for } b_i \le t < b_{i+1},
        \qquad b_0 = 0,\; b_{n} = \infty

    Symbols: :math:`s_i` = ``schedules[i]``, :math:`b_i` = ``boundaries[i-1]``
    (the step where piece ``i`` starts).

    Conventions: each piece sees its *local* step, starting at 0 at its
    boundary (optax's ``join_schedules`` convention).  The last piece runs
    forever.  Momentum is defined only when every piece defines it (a
    piece without momentum would leave the optimizer's value undefined).

    Args:
      schedules: ``n >= 1`` schedules.
      boundaries: ``n - 1`` strictly increasing steps ``> 0``.

    Examples:
      >>> import lrcurves
      >>> warm = lrcurves.linear(0.0, 1.0, transition_steps=2)
      >>> s = lrcurves.join([warm, lrcurves.constant(0.5)], boundaries=[2])
      >>> lrcurves.curve(s, 4).tolist()
      [0.0, 0.5, 0.5, 0.5]
    """
    if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence):
        raise TypeError(f"join: schedules must be a sequence of Schedule, got {schedules!r}")
    sch = tuple(_as_schedule(f"join: schedules[{i}]", s) for i, s in enumerate(schedules))
    if not sch:
        raise ValueError("join: schedules must not be empty")
    bnd = as_ints("join", "boundaries", boundaries, min=1, increasing=True)
    if len(bnd) != len(sch) - 1:
        raise ValueError(
            f"join: boundaries must have len(schedules) - 1 = {len(sch) - 1} entries, got {len(bnd)}"
        )
    return Schedule._make("join", schedules=sch, boundaries=bnd)



# ---------------------------------------------------------------------------
# scale


def _child_mom(p: Params) -> bool:
    return p.schedule.has_momentum


def _child_phases(p: Params) -> tuple[int, ...]:
    return p.schedule.phases()


def _child_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    return p.schedule.flat_ranges(start, stop)


def _child_mom_kernel(xp: Namespace, t: Any, p: Params) -> Any:
    return p.schedule.evaluate_momentum(xp, t)


def _floor0(xp: Namespace, v: Any) -> Any:
    """``max(v, 0)``: a child one ulp past its bounds never makes an LR negative."""
    return xp.maximum(v, 0.0)


def _child_mom_bounds(p: Params) -> tuple[float, float]:
    return p.schedule.momentum_bounds()


def _affine(a: Any, x: float, b: Any) -> Any:
    """``a * x + b`` with ``0 * inf = 0`` (unbounded children); ``a < 0`` flips an infinite ``x``."""
    if math.isinf(x):
        a = np.asarray(a)
        return np.where(a == 0, b, np.where(a > 0, x, -x))
    return a * x + b


def _scale_bounds(p: Params) -> tuple[Any, Any]:
    lo, hi = p.schedule.bounds()
    return _affine(p.factor, lo, p.offset), _affine(p.factor, hi, p.offset)


def _scale_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return _floor0(xp, p.schedule.evaluate(xp, t) * p.factor + p.offset)


@register(
    "scale",
    kind="combinator",
    lr=_scale_lr,
    momentum=_child_mom_kernel,
    has_momentum=_child_mom,
    bounds=_scale_bounds,
    momentum_bounds=_child_mom_bounds,
    phases=_child_phases,
    flat=_child_flat,
)
def scale(schedule: Schedule, factor: Value = 1.0, *, offset: Value = 0.0) -> Schedule:
    r"""Multiply a schedule by ``factor`` and add ``offset``.

    .. math::
        \eta(t) = a\, s(t) + b

    Symbols: :math:`s` = ``schedule``, :math:`a` = ``factor``, :math:`b` =
    ``offset``.

    Conventions: same steps as ``schedule`` (step 0 is its step 0); only the
    learning rate is scaled, momentum passes through unchanged.  A negative
    ``offset`` is accepted only when the schedule's bounds prove the result
    stays ``>= 0``.  torch's ``LambdaLR``/``MultiplicativeLR`` style
    multipliers of a base LR are ``scale(multiplier_schedule, base_lr)``.

    Args:
      schedule: the schedule to transform.
      factor: :math:`a \ge 0` (an array sweeps several factors).
      offset: :math:`b`, any finite value keeping the result non-negative.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.scale(lrcurves.linear(1.0, 0.0, transition_steps=4), factor=0.1, offset=0.01)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 5)]
      [0.11, 0.085, 0.06, 0.035, 0.01]
    """
    name = "scale"
    sch = _as_schedule(f"{name}: schedule", schedule)
    a = as_value(name, "factor", factor, min=0.0)
    b = as_value(name, "offset", offset, min=None)
    if np.any(np.asarray(b) < 0):
        lo = float(np.min(a * sch.bounds()[0] + b))
        if lo < 0:
            raise ValueError(
                f"{name}: offset={_show(b)} can make the value negative (factor * "
                f"lower bound + offset = {lo!r}); use clip() or a smaller offset"
            )
    return _no_overflow(Schedule._make(name, schedule=sch, factor=a, offset=b), [sch])


def _show(v: Any) -> str:
    return repr(v.tolist()) if isinstance(v, np.ndarray) else repr(v)


# ---------------------------------------------------------------------------
# clip


def _clip_lr(xp: Namespace, t: Any, p: Params) -> Any:
    v = p.schedule.evaluate(xp, t)
    # bounds as arrays (never v * 0 + bound: an overflowed child would give NaN)
    if p.min_value is not None:
        v = xp.maximum(v, param(xp, p.min_value, v))
    if p.max_value is not None:
        v = xp.minimum(v, param(xp, p.max_value, v))
    return v


def _clip_bounds(p: Params) -> tuple[Any, Any]:
    lo, hi = p.schedule.bounds()
    if p.min_value is not None:
        lo, hi = np.maximum(lo, p.min_value), np.maximum(hi, p.min_value)
    if p.max_value is not None:
        lo, hi = np.minimum(lo, p.max_value), np.minimum(hi, p.max_value)
    return lo, hi


@register(
    "clip",
    kind="combinator",
    lr=_clip_lr,
    momentum=_child_mom_kernel,
    has_momentum=_child_mom,
    bounds=_clip_bounds,
    momentum_bounds=_child_mom_bounds,
    phases=_child_phases,
    flat=_child_flat,
)
def clip(schedule: Schedule, *, min_value: Value | None = None, max_value: Value | None = None) -> Schedule:
    r"""Clamp a schedule's values to ``[min_value, max_value]``.

    .. math::
        \eta(t) = \min\bigl(\max(s(t), \eta_{lo}), \eta_{hi}\bigr)

    Symbols: :math:`s` = ``schedule``, :math:`\eta_{lo}` = ``min_value``,
    :math:`\eta_{hi}` = ``max_value``.

    Conventions: same steps as ``schedule``; either bound may be omitted
    (not both).  Only the learning rate is clipped; momentum passes through.
    A floor on an LR (``clip(s, min_value=1e-6)``) is the usual use, like
    the ``min_lr`` arguments of timm and DeepSpeed schedulers.

    Args:
      schedule: the schedule to clamp.
      min_value: lower bound, ``>= 0``, or ``None``.
      max_value: upper bound, ``>= min_value``, or ``None``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.clip(lrcurves.linear(1.0, 0.0, transition_steps=4), min_value=0.3, max_value=0.8)
      >>> lrcurves.curve(s, 5).tolist()
      [0.8, 0.75, 0.5, 0.3, 0.3]
    """
    name = "clip"
    sch = _as_schedule(f"{name}: schedule", schedule)
    if min_value is None and max_value is None:
        raise ValueError(f"{name}: give min_value or max_value (or both), got neither")
    lo = None if min_value is None else as_value(name, "min_value", min_value)
    hi = None if max_value is None else as_value(name, "max_value", max_value)
    if lo is not None and hi is not None:
        check_le(name, "min_value", lo, "max_value", hi)
    return Schedule._make(name, schedule=sch, min_value=lo, max_value=hi)


# ---------------------------------------------------------------------------
# repeat


def _repeat_phases(p: Params) -> tuple[int, ...]:
    inner = [x for x in p.schedule.phases() if 0 < x < p.period]
    out: list[int] = []
    for k in range(4):
        out.extend(k * p.period + x for x in inner)
        out.append((k + 1) * p.period)
    return tuple(out)


def _repeat_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    per = p.period
    k0, k1 = start // per, (stop - 1) // per
    if k1 - k0 > MAX_FLAT:
        return []
    inner = p.schedule.flat_ranges(0, per)
    out: list[tuple[int, int]] = []
    for k in range(k0, k1 + 1):
        for a, b in inner:
            out.append((k * per + a, k * per + b))
            if len(out) >= MAX_FLAT:  # a prefix is still true; nested repeats stay linear
                return out
    return out


@register(
    "repeat",
    kind="combinator",
    lr=lambda xp, t, p: p.schedule.evaluate(xp, mod_steps(xp, t, p.period)),
    momentum=lambda xp, t, p: p.schedule.evaluate_momentum(xp, mod_steps(xp, t, p.period)),
    has_momentum=_child_mom,
    bounds=lambda p: p.schedule.bounds(),
    momentum_bounds=_child_mom_bounds,
    phases=_repeat_phases,
    flat=_repeat_flat,
)
def repeat(schedule: Schedule, period: int) -> Schedule:
    r"""Restart a schedule every ``period`` steps.

    .. math::
        \eta(t) = s(t \bmod P)

    Symbols: :math:`s` = ``schedule``, :math:`P` = ``period``.

    Conventions: steps ``0 .. P-1`` are the schedule's own steps ``0 ..
    P-1``; step ``P`` is its step 0 again.  Momentum repeats the same way.
    (For SGDR use :func:`cosine_restarts`, which also grows cycles.)

    Args:
      schedule: the schedule to repeat.
      period: :math:`P \ge 1`.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.repeat(lrcurves.linear(1.0, 0.0, transition_steps=2), period=3)
      >>> lrcurves.curve(s, 7).tolist()
      [1.0, 0.5, 0.0, 1.0, 0.5, 0.0, 1.0]
    """
    name = "repeat"
    sch = _as_schedule(f"{name}: schedule", schedule)
    return Schedule._make(name, schedule=sch, period=as_int(name, "period", period, min=1))


# ---------------------------------------------------------------------------
# remap


def _remap_raw(v: Any, p: Params) -> Any:
    return p.out_min + (p.out_max - p.out_min) * ((v - p.in_min) / (p.in_max - p.in_min))


def _remap_lr(xp: Namespace, t: Any, p: Params) -> Any:
    v = _remap_raw(p.schedule.evaluate(xp, t), p)
    if p.clamp:
        a, b = param(xp, p.out_min, v), param(xp, p.out_max, v)
        return xp.minimum(xp.maximum(v, xp.minimum(a, b)), xp.maximum(a, b))
    return _floor0(xp, v)


def _remap_bounds(p: Params) -> tuple[Any, Any]:
    lo, hi = p.schedule.bounds()
    slope = (np.asarray(p.out_max) - p.out_min) / (np.asarray(p.in_max) - p.in_min)
    a = _affine(slope, lo - p.in_min, p.out_min) if math.isinf(lo) else _remap_raw(lo, p)
    b = _affine(slope, hi - p.in_min, p.out_min) if math.isinf(hi) else _remap_raw(hi, p)
    mlo, mhi = np.minimum(a, b), np.maximum(a, b)
    if p.clamp:
        olo, ohi = np.minimum(p.out_min, p.out_max), np.maximum(p.out_min, p.out_max)
        mlo, mhi = np.clip(mlo, olo, ohi), np.clip(mhi, olo, ohi)
    return mlo, mhi


@register(
    "remap",
    kind="combinator",
    lr=_remap_lr,
    bounds=_remap_bounds,
    phases=_child_phases,
    flat=_child_flat,
)
def remap(
    schedule: Schedule,
    *,
    in_min: Value,
    in_max: Value,
    out_min: Value,
    out_max: Value,
    clamp: bool = False,
) -> Schedule:
    r"""Map a schedule's range ``[in_min, in_max]`` affinely onto ``[out_min, out_max]``.

    .. math::
        v(t) = o_0 + (o_1 - o_0)\,\frac{s(t) - i_0}{i_1 - i_0}

    Symbols: :math:`s` = ``schedule``, :math:`i_0` = ``in_min``, :math:`i_1`
    = ``in_max``, :math:`o_0` = ``out_min``, :math:`o_1` = ``out_max``.

    Conventions: same steps as ``schedule``.  Without ``clamp`` the map
    extrapolates (pytorch_optimizer's ``ProportionScheduler``, the GSAM
    :math:`\rho` schedule, is ``remap(lr_schedule, in_min=min_lr,
    in_max=max_lr, out_min=min_value, out_max=max_value)``); the schedule's bounds must then keep the
    result non-negative.  With ``clamp`` the result is clipped to the output
    range.  ``out_max < out_min`` gives an inverse map.  No momentum.

    Args:
      schedule: the driving schedule (usually the LR).
      in_min: input value mapped to ``out_min``.
      in_max: input value mapped to ``out_max``, ``> in_min``.
      out_min: output at ``in_min``, ``>= 0``.
      out_max: output at ``in_max``, ``>= 0``.
      clamp: clip the result to the output range.

    Examples:
      >>> import lrcurves
      >>> lr = lrcurves.linear(0.1, 0.001, transition_steps=2)
      >>> rho = lrcurves.remap(lr, in_min=0.001, in_max=0.1, out_min=0.01, out_max=0.05)
      >>> [round(float(v), 4) for v in lrcurves.curve(rho, 3)]
      [0.05, 0.03, 0.01]
    """
    name = "remap"
    sch = _as_schedule(f"{name}: schedule", schedule)
    i0 = as_value(name, "in_min", in_min, min=None)
    i1 = as_value(name, "in_max", in_max, min=None)
    if np.any(np.asarray(i1) <= np.asarray(i0)):
        raise ValueError(f"{name}: in_max must be > in_min, got in_min={_show(i0)} and in_max={_show(i1)}")
    a0, a1 = np.asarray(i0, dtype=np.float64), np.asarray(i1, dtype=np.float64)
    if np.any(a1 - a0 <= 1e-6 * np.maximum(np.abs(a0), np.abs(a1))):
        # in float32 such a range rounds to zero width: 0 / 0 would be NaN
        raise ValueError(
            f"{name}: in_max - in_min must exceed 1e-6 of their magnitude (a narrower range "
            f"vanishes in float32), got in_min={_show(i0)} and in_max={_show(i1)}"
        )
    o0 = as_value(name, "out_min", out_min)
    o1 = as_value(name, "out_max", out_max)
    cl = as_bool(name, "clamp", clamp)
    out = _no_overflow(
        Schedule._make(name, schedule=sch, in_min=i0, in_max=i1, out_min=o0, out_max=o1, clamp=cl), [sch]
    )
    if not cl:
        lo = out.bounds()[0]
        if lo < 0:
            raise ValueError(
                f"{name}: without clamp the mapped value can go negative (schedule bounds "
                f"{sch.bounds()} map to a lower bound {lo!r}); widen in_min/in_max or pass clamp=True"
            )
    return out


# ---------------------------------------------------------------------------
# shift


@register(
    "shift",
    kind="combinator",
    lr=lambda xp, t, p: p.schedule.evaluate(xp, plus(xp, t, p.by)),
    momentum=lambda xp, t, p: p.schedule.evaluate_momentum(xp, plus(xp, t, p.by)),
    has_momentum=_child_mom,
    bounds=lambda p: p.schedule.bounds(),
    momentum_bounds=_child_mom_bounds,
    phases=lambda p: tuple(x - p.by for x in p.schedule.phases() if x > p.by),
    flat=lambda p, start, stop: [
        (a - p.by, b - p.by) for a, b in p.schedule.flat_ranges(start + p.by, stop + p.by)
    ],
)
def shift(schedule: Schedule, by: int) -> Schedule:
    r"""Start a schedule ``by`` steps into its own curve.

    .. math::
        \eta(t) = s(t + k)

    Symbols: :math:`s` = ``schedule``, :math:`k` = ``by``.

    Conventions: step 0 of the result is step ``k`` of ``schedule``; the
    first ``k`` steps of ``schedule`` are skipped.  Momentum shifts the same
    way.  Drop-in adapters use it to reproduce a scheduler that applies its
    curve one step early (e.g. a cosine whose progress at its first step is
    already ``1/T``) without baking the curve into a table.

    Args:
      schedule: the schedule to shift.
      by: :math:`k \ge 0`, the number of leading steps to skip.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.shift(lrcurves.linear(1.0, 0.0, transition_steps=4), by=1)
      >>> lrcurves.curve(s, 5).tolist()
      [0.75, 0.5, 0.25, 0.0, 0.0]
    """
    name = "shift"
    sch = _as_schedule(f"{name}: schedule", schedule)
    return Schedule._make(name, schedule=sch, by=as_int(name, "by", by, min=0))


# ---------------------------------------------------------------------------
# with_momentum


@register(
    "with_momentum",
    kind="combinator",
    lr=lambda xp, t, p: p.schedule.evaluate(xp, t),
    momentum=lambda xp, t, p: p.momentum.evaluate(xp, t),
    bounds=lambda p: p.schedule.bounds(),
    momentum_bounds=lambda p: p.momentum.bounds(),
    phases=lambda p: (*p.schedule.phases(), *p.momentum.phases()),
    flat=_child_flat,
)
def with_momentum(schedule: Schedule, momentum: Schedule) -> Schedule:
    r"""Pair a learning-rate schedule with a separate momentum schedule.

    .. math::
        \eta(t) = s(t), \qquad \mu(t) = m(t)

    Symbols: :math:`s` = ``schedule`` (the learning rate), :math:`m` =
    ``momentum`` (its *learning-rate* values are used as the momentum, or
    Adam's :math:`\beta_1`).

    Conventions: both curves see the same step.  The momentum values must
    lie in ``[0, 1]`` (checked from ``momentum``'s bounds), so a shim never
    writes an invalid :math:`\beta_1`.  Any momentum ``schedule`` itself
    defines is replaced.

    Args:
      schedule: the learning-rate schedule.
      momentum: the momentum schedule.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.with_momentum(lrcurves.constant(0.1), lrcurves.linear(0.95, 0.85, transition_steps=2))
      >>> [round(m, 6) for m in lrcurves.curve(s, 3, momentum=True).tolist()]
      [0.95, 0.9, 0.85]
    """
    name = "with_momentum"
    sch = _as_schedule(f"{name}: schedule", schedule)
    mom = _as_schedule(f"{name}: momentum", momentum)
    lo, hi = mom.bounds()
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name}: momentum must stay within [0, 1], but its bounds are ({lo!r}, {hi!r})"
        )
    return Schedule._make(name, schedule=sch, momentum=mom)


# ---------------------------------------------------------------------------
# product


def _product_lr(xp: Namespace, t: Any, p: Params) -> Any:
    out = p.schedules[0].evaluate(xp, t)
    for s in p.schedules[1:]:
        out = out * s.evaluate(xp, t)
    return out


def _product_bounds(p: Params) -> tuple[float, float]:
    lo, hi = 1.0, 1.0
    for s in p.schedules:
        a, b = s.bounds()
        lo = lo * a
        # 0 * inf is 0 here: a factor that is always 0 keeps the product at 0
        hi = 0.0 if hi == 0.0 or b == 0.0 else hi * b
    return lo, hi


def _product_phases(p: Params) -> tuple[int, ...]:
    return tuple(x for s in p.schedules for x in s.phases())


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _product_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    out = p.schedules[0].flat_ranges(start, stop)
    for s in p.schedules[1:]:
        out = _intersect(out, s.flat_ranges(start, stop))
    return out


@register(
    "product",
    kind="combinator",
    lr=_product_lr,
    bounds=_product_bounds,
    phases=_product_phases,
    flat=_product_flat,
)
def product(schedules: Sequence[Schedule]) -> Schedule:
    r"""Multiply schedules step by step (torch's chained/stacked schedulers).

    .. math::
        \eta(t) = \prod_i s_i(t)

    Symbols: :math:`s_i` = ``schedules[i]``.

    Conventions: every factor sees the same step.  This is how torch
    composes schedulers that share an optimizer (``ChainedScheduler``, or
    two schedulers stepped in turn): each multiplies the LR the other left,
    so the result is one base LR times every multiplier curve, e.g.
    ``product([constant(base_lr), step_multipliers, warmup_multipliers])``.
    No momentum.

    Args:
      schedules: ``n >= 1`` schedules.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.product([lrcurves.constant(0.1), lrcurves.linear(1.0, 0.5, transition_steps=2)])
      >>> [round(v, 6) for v in lrcurves.curve(s, 3).tolist()]
      [0.1, 0.075, 0.05]
    """
    if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence):
        raise TypeError(f"product: schedules must be a sequence of Schedule, got {schedules!r}")
    sch = tuple(_as_schedule(f"product: schedules[{i}]", s) for i, s in enumerate(schedules))
    if not sch:
        raise ValueError("product: schedules must not be empty")
    return _no_overflow(Schedule._make("product", schedules=sch), sch)
