r"""Change a schedule's horizon mid-run without a jump in the learning rate.

Long runs get extended, shortened, or a WSD cooldown is branched from a
checkpoint.  Every function here is *pure*: it takes the schedule the run
has used so far and returns a new :class:`~lrcurves.Schedule` that

* equals the old one, bit for bit, at every step ``t <= at_step`` (the new
  schedule is ``join([old, tail], boundaries=[at_step + 1])``: the old
  schedule itself is the first piece, so an optimizer resumed at any step
  up to ``at_step`` sees exactly the values it saw before);
* continues from the old value at ``at_step`` (the tail extrapolated back
  to ``at_step`` hits it to within a few ulp);
* is an ordinary schedule built only from the core families and
  combinators (``join``, ``shift``, ``with_momentum``, and the family of the
  old decay), so ``from_config(s.to_config()) == s``, it jits, and it can
  be retargeted again.

Step convention: step 0 is the first optimizer update, and ``at_step`` is
the *last* step run under the old curve (the step a torch
``CurveScheduler`` restored from a checkpoint holds as ``last_epoch``, or
the ``count`` of an optax state); the new curve takes over from
``at_step + 1``.

Functions:

* :func:`horizon` -- the step where a schedule's decay ends.
* :func:`retarget` -- the same decay, time-stretched so it ends at a new
  total number of steps.
* :func:`extend` -- :func:`retarget` to ``horizon + extra_steps``.
* :func:`branch_cooldown` -- a WSD cooldown from the current value.
* :func:`hold` -- freeze the learning rate at its current value.

Frameworks: a new schedule is a new ``count -> value`` function.  In torch,
:meth:`lrcurves.adapters.torch.CurveScheduler.replace_schedule` swaps it in
at the scheduler's current step (refusing a jump).  In optax the step count
lives in the optimizer state (``ScaleByScheduleState.count``,
``InjectHyperparamsState.count``), not in the schedule: an optimizer built
with the new schedule has the same state structure, so the old ``opt_state``
is passed on unchanged and the next update uses ``new(count)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lrcurves._schedule import Schedule
from lrcurves.combinators import join, shift, with_momentum
from lrcurves.schedules.constant import constant
from lrcurves.schedules.cosine import cosine_decay
from lrcurves.schedules.exponential import exponential_decay
from lrcurves.schedules.polynomial import linear, polynomial
from lrcurves.schedules.rex import rex
from lrcurves.schedules.wsd import DECAY_SHAPES, warmup_stable_decay
from lrcurves.validate import Value, as_choice, as_int, as_value, brief

__all__ = ["branch_cooldown", "extend", "hold", "horizon", "retarget"]

_SUPPORTED = (
    "linear, polynomial, cosine_decay (num_cycles=0.5), rex, warmup_stable_decay, "
    "exponential_decay (continuous, with old_total=), and warmup / join (last piece) / "
    "shift / scale around one of them (warmup_cosine and warmup_linear_decay included)"
)

# builds a decay segment on local steps: value v0 at step 0, e from step n on
Build = Callable[[Any, Any, int], Schedule]
# (value at the anchor, end value, steps of the decay done, steps left, new steps left)
# -> (tail schedule, k): the tail's own step k is the anchor step
Tail = Callable[[Any, Any, int, int, int], tuple[Schedule, int]]


@dataclass(frozen=True)
class _Decay:
    """Where the decay of a schedule lies, in the schedule's own steps.

    ``begin``: first step of the decay (the old value there is its start;
    negative for a decay already under way at step 0, e.g. a shifted one).
    ``length``: its length, ``None`` for a decay without an end
    (exponential).  ``floor``: the first step at which the piece holding the
    decay is in charge (a join's last boundary, a warmup's length).
    ``tail``: builds the stretched remainder (see :data:`Tail`).
    ``affine_ok``: the tail may be built from values taken *outside* a
    ``scale`` (true for interpolation shapes, whose values are affine in the
    start and end value).
    """

    begin: int
    length: int | None
    floor: int
    tail: Tail
    affine_ok: bool = True


def _round_div(a: int, b: int) -> int:
    """``round(a / b)`` for integers ``a >= 0``, ``b >= 1`` (halves up), exactly."""
    return (2 * a + b) // (2 * b)


def _interp_tail(build: Build, self_similar: bool) -> Tail:
    """The stretched remainder of an interpolation segment built by ``build``.

    Self-similar shapes (linear, polynomial, geometric) restart from the
    anchor value: the remainder of such a segment *is* a segment of the same
    shape, so the result is the exact time remap.  Other shapes continue at
    the progress the anchor had: a segment of length ``n = k + L`` seen from
    its step ``k = round(a L / R)``, its start value chosen so that its
    value at ``k`` is the anchor value (values are affine in the start
    value, so that value is found from the unit segment ``1 -> 0``).
    """

    def tail(v: Any, e: Any, a: int, r: int, new_left: int) -> tuple[Schedule, int]:
        if self_similar or a == 0:
            return build(v, e, new_left), 0
        k = _round_div(a * new_left, r)
        n = k + new_left
        w = build(1.0, 0.0, n).value(k)  # the shape's fraction remaining at progress k / n
        if not w > 0.0:
            raise ValueError(
                f"retarget: the decay's remaining fraction at step {k} of {n} rounds to 0; "
                "the anchor is too close to the end of the decay to continue its shape"
            )
        return build(e + (v - e) / w, e, n), k

    return tail


def _decay_of(s: Schedule) -> _Decay | None:
    """The decay of ``s`` (its last interpolation segment), or ``None`` if unknown."""
    p = s.params
    name = s.name
    if name == "linear":
        return _Decay(
            p["transition_begin"], p["transition_steps"], 0,
            _interp_tail(lambda v, e, n: linear(v, e, transition_steps=n), True),
        )
    if name == "polynomial":
        # the shape's own parameters (power, ...) pass through; the remainder of
        # (1 - u)**power is the same curve again, a warped progress's is not
        shape = {k: x for k, x in p.items() if k not in ("init_value", "end_value", "transition_steps", "transition_begin")}
        return _Decay(
            p["transition_begin"], p["transition_steps"], 0,
            _interp_tail(
                lambda v, e, n: polynomial(v, e, transition_steps=n, **shape),
                shape.get("progress_power", 1.0) == 1.0,
            ),
        )
    if name == "cosine_decay":
        if p.get("num_cycles", 0.5) != 0.5:
            return None
        ex = p["exponent"]
        return _Decay(
            p["transition_begin"], p["decay_steps"], 0,
            _interp_tail(lambda v, e, n: cosine_decay(v, n, end_value=e, exponent=ex), False),
        )
    if name == "rex":
        return _Decay(0, p["decay_steps"], 0, _interp_tail(lambda v, e, n: rex(v, decay_steps=n, end_value=e), False))
    if name == "warmup_stable_decay":
        shape = p["decay_shape"]

        def wsd(v: Any, e: Any, n: int) -> Schedule:
            return warmup_stable_decay(
                v, warmup_steps=0, stable_steps=0, decay_steps=n, decay_shape=shape, end_value=e
            )

        return _Decay(
            p["warmup_steps"] + p["stable_steps"], p["decay_steps"], 0,
            _interp_tail(wsd, shape in ("linear", "exponential")),
        )
    if name == "exponential_decay":
        if p["staircase"] or p["decay_rate"] > 1.0:
            return None
        rate, period, floor = p["decay_rate"], p["transition_steps"], p["end_value"]

        def exp_tail(v: Any, e: Any, a: int, r: int, new_left: int) -> tuple[Schedule, int]:
            # geometric is self-similar: the same period at rate ** (R / L) is the time remap
            return exponential_decay(
                v, decay_rate=rate ** (r / new_left), transition_steps=period, end_value=floor
            ), 0

        return _Decay(p["transition_begin"], None, 0, exp_tail, affine_ok=False)
    if name in ("warmup", "join", "shift"):
        if name == "warmup":
            inner, off = p["schedule"], p["warmup_steps"]
        elif name == "join":
            inner, off = p["schedules"][-1], p["boundaries"][-1]
        else:
            inner, off = p["schedule"], -p["by"]
        d = _decay_of(inner)
        if d is None:
            return None
        return replace(d, begin=d.begin + off, floor=max(0, off, d.floor + off))
    if name == "scale":
        d = _decay_of(p["schedule"])
        return d if d is not None and d.affine_ok else None
    return None


def _check_schedule(where: str, s: Any) -> Schedule:
    if not isinstance(s, Schedule):
        raise TypeError(f"{where}: schedule must be a Schedule, got {type(s).__name__}")
    return s


def _decay(where: str, s: Schedule) -> _Decay:
    d = _decay_of(s)
    if d is None:
        raise ValueError(
            f"{where}: cannot find the decay of {brief(s)}; supported: {_SUPPORTED}. "
            "Use branch_cooldown() or hold(), which work on any schedule"
        )
    return d


def _value(s: Schedule, t: int) -> Any:
    """``s`` at step ``t``, NumPy float64 (a float, or an array for sweeps)."""
    v = np.asarray(s.lr(np.asarray([t], dtype=np.int64)))[0]
    return float(v) if np.ndim(v) == 0 else np.array(v)


def _continue(s: Schedule, tail: Schedule, at: int, k: int) -> Schedule:
    """``s`` up to step ``at``, then ``tail`` from its own step ``k + 1`` on.

    Momentum (if ``s`` has one) holds its value at ``at`` from then on: a
    join needs every piece to define it.
    """
    if s.has_momentum:
        m = np.asarray(s.momentum(np.asarray([at], dtype=np.int64)))[0]
        tail = with_momentum(tail, constant(float(m) if np.ndim(m) == 0 else m))
    return join([s, shift(tail, by=k + 1)], boundaries=[at + 1])


def _horizon(where: str, s: Schedule, d: _Decay, old_total: Any) -> int:
    if d.length is None:
        if old_total is None:
            raise ValueError(
                f"{where}: {s.name} has no horizon of its own (its decay never ends); "
                "pass old_total= (the total number of steps the old run was planned for)"
            )
        return as_int(where, "old_total", old_total, min=1)
    t = d.begin + d.length
    if old_total is not None and as_int(where, "old_total", old_total, min=1) != t:
        raise ValueError(
            f"{where}: old_total={brief(old_total)} contradicts the schedule's own horizon {t} "
            f"(its decay ends at step {t}); omit old_total or pass {t}"
        )
    return t


def horizon(schedule: Schedule) -> int:
    r"""The step where a schedule's decay ends: its planned total number of steps.

    .. math::
        T = B + D

    Symbols: :math:`B` = the first step of the decay, :math:`D` = its
    length, both in the schedule's own steps.

    Conventions: the value at ``t >= T`` is the end value.  ``warmup``,
    ``join`` (its last piece) and ``shift`` move :math:`B`; the presets
    ``warmup_cosine``/``warmup_linear_decay`` give ``total_steps``; a
    schedule made by :func:`retarget` gives its ``new_total``.
    ``exponential_decay`` decays forever and has no horizon (a
    ``ValueError``; the functions below then take ``old_total=``).

    Args:
      schedule: a schedule with a recognised decay (see :func:`retarget`).

    Returns:
      :math:`T`.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.horizon import horizon
      >>> horizon(lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=100))
      100
    """
    where = "horizon"
    s = _check_schedule(where, schedule)
    return _horizon(where, s, _decay(where, s), None)


def retarget(
    schedule: Schedule, at_step: int, new_total: int, *, old_total: int | None = None
) -> Schedule:
    r"""Stretch (or squeeze) what is left of a decay so that it ends at ``new_total``.

    .. math::
        \eta'(t) = \begin{cases}
            \eta(t) & t \le p \\
            \eta\bigl(p + (t - p)\,\rho\bigr) & p < t,
        \end{cases}
        \qquad \rho = \frac{T - p}{T' - p},\quad p = \max(a, B)

    Symbols: :math:`\eta` = ``schedule``, :math:`a` = ``at_step``,
    :math:`T` = the old horizon (:func:`horizon`, or ``old_total``),
    :math:`T'` = ``new_total``, :math:`B` = the first step of the decay,
    :math:`p` = the anchor, :math:`\rho` = the time ratio.

    Conventions: the new schedule is the old one up to the anchor (bit for
    bit, at every step ``t <= at_step``) and reaches at :math:`T'` the value
    the old one reached at :math:`T` (its end value), holding it after.  The
    value is continuous at the anchor and the slope there is the old slope
    times :math:`\rho` (steeper when shortening, flatter when extending).
    While the decay has not begun (``at_step < B``: warmup, or WSD's stable
    phase) the anchor is :math:`B`: warmup and stable phase are kept and
    the whole decay runs from :math:`B` to :math:`T'` (to move a WSD
    cooldown instead, :func:`branch_cooldown` at ``T' - D``).

    The remap is exact for self-similar shapes, whose remainder is again a
    segment of the same shape: ``linear``, ``polynomial``, the ``linear``
    and ``exponential`` WSD cooldowns, and ``exponential_decay`` (whose
    ``decay_rate`` becomes :math:`r^\rho`).  Other shapes (cosine, REX,
    ``1-sqrt``, ``1-square``) continue as a segment of their own family seen
    from step :math:`k = \operatorname{round}((p - B)(T' - p)/(T - p))`,
    started at the value that makes its value at :math:`k` the old
    :math:`\eta(p)`: the phase is the exact one rounded to a whole step (the
    values differ from the exact remap by at most about half a step of the
    new curve; exact when :math:`(T - p)` divides :math:`(p - B)(T' - p)`).
    No combinator stretches time by a fraction, so this is the closest an
    ordinary, serialisable schedule gets.

    Supported: ``linear``, ``polynomial``, ``cosine_decay`` (one half
    cosine), ``rex``, ``warmup_stable_decay``, continuous ``exponential_decay``
    (decay only, with ``old_total``), and ``warmup``, ``join`` (its last
    piece), ``shift`` and ``scale`` around them -- so the ``warmup_cosine``
    and ``warmup_linear_decay`` presets and earlier results of
    :func:`retarget`.  Momentum (one-cycle, ``with_momentum``) is refused
    by the families; use :func:`branch_cooldown`.

    Args:
      schedule: the schedule the run has used so far.
      at_step: :math:`a \ge 0`, the last step run under it (a resumed
        scheduler's step counter); must be before the old horizon.
      new_total: :math:`T' > p`, the new total number of steps (warmup
        included, like ``total_steps``).
      old_total: the old horizon :math:`T` when the schedule has none of its
        own (``exponential_decay``); when given otherwise it must match.

    Returns:
      ``join([schedule, tail], boundaries=[p + 1])``.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.horizon import retarget
      >>> old = lrcurves.linear(1.0, 0.0, transition_steps=4)
      >>> new = retarget(old, at_step=2, new_total=6)  # 2 steps left become 4
      >>> lrcurves.curve(new, 8).tolist()
      [1.0, 0.75, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0]
      >>> lrcurves.from_config(new.to_config()) == new
      True
    """
    where = "retarget"
    s = _check_schedule(where, schedule)
    at = as_int(where, "at_step", at_step, min=0)
    total = as_int(where, "new_total", new_total, min=1)
    if total <= at:
        raise ValueError(
            f"{where}: new_total must be > at_step, got new_total={brief(new_total)} "
            f"and at_step={brief(at_step)}"
        )
    d = _decay(where, s)
    t_old = _horizon(where, s, d, old_total)
    p = max(at, d.begin, d.floor)
    if p >= t_old:
        raise ValueError(
            f"{where}: at_step={brief(at_step)} leaves nothing of the decay to stretch: it ends at "
            f"step {t_old} (the horizon); use branch_cooldown() or hold() past the horizon"
        )
    if total <= p:
        raise ValueError(
            f"{where}: new_total must be > {p}, the step where the decay starts (at_step="
            f"{brief(at_step)} comes before it), got new_total={brief(new_total)}; "
            "use branch_cooldown() to decay earlier"
        )
    v, e = _value(s, p), _value(s, t_old)
    if np.any(np.asarray(e) > np.asarray(v)):
        raise ValueError(
            f"{where}: {s.name} rises from step {p} to its horizon {t_old} (value {brief(v)} -> "
            f"{brief(e)}); retarget stretches decays only"
        )
    tail, k = d.tail(v, e, p - d.begin, t_old - p, total - p)
    return _continue(s, tail, p, k)


def extend(
    schedule: Schedule, extra_steps: int, *, at_step: int, old_total: int | None = None
) -> Schedule:
    r"""Add ``extra_steps`` to a run's horizon: :func:`retarget` to :math:`T + E`.

    .. math::
        \eta' = \operatorname{retarget}(\eta,\ a,\ T + E)

    Symbols: :math:`\eta` = ``schedule``, :math:`a` = ``at_step``,
    :math:`T` = :func:`horizon` (or ``old_total``), :math:`E` =
    ``extra_steps``.

    Conventions: as :func:`retarget`; the remaining decay is stretched by
    :math:`(T + E - p)/(T - p)`.  ``at_step`` is required (there is no
    "extend from the end": past the horizon the decay is spent and the LR
    sits at its end value; stretching nothing gives nothing -- start a new
    phase with :func:`branch_cooldown` or a fresh schedule in a
    :func:`~lrcurves.join` instead).  Shorten with :func:`retarget`.

    Args:
      schedule: the schedule the run has used so far.
      extra_steps: :math:`E \ge 1`.
      at_step: :math:`a`, the last step run under the old schedule, ``< T``.
      old_total: as in :func:`retarget`.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.horizon import extend
      >>> old = lrcurves.linear(1.0, 0.0, transition_steps=4)
      >>> lrcurves.curve(extend(old, 2, at_step=2), 8).tolist()
      [1.0, 0.75, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0]
    """
    where = "extend"
    s = _check_schedule(where, schedule)
    extra = as_int(where, "extra_steps", extra_steps, min=1)
    at = as_int(where, "at_step", at_step, min=0)
    t_old = _horizon(where, s, _decay(where, s), old_total)
    return retarget(s, at, t_old + extra, old_total=old_total)


def branch_cooldown(
    schedule: Schedule,
    at_step: int,
    decay_steps: int,
    *,
    shape: str = "linear",
    end_value: Value = 0.0,
) -> Schedule:
    r"""Branch a WSD cooldown off any schedule at ``at_step``, from its value there.

    .. math::
        \eta'(t) = \begin{cases}
            \eta(t) & t \le a \\
            c(t - a) & t > a
        \end{cases}

    where :math:`c` is the decay of :func:`~lrcurves.warmup_stable_decay`
    from :math:`\eta(a)` to :math:`\eta_e` over :math:`D` steps in shape
    ``shape`` (no warmup, no stable phase): :math:`c(u D) = \eta(a) - (\eta(a)
    - \eta_e)\, h(u)` with :math:`h(u) = u` (``"linear"``), :math:`(1 - \cos
    \pi u)/2` (``"cosine"``), :math:`\sqrt u` (``"1-sqrt"``), :math:`u^2`
    (``"1-square"``), or geometric :math:`\eta(a)(\eta_e/\eta(a))^u`
    (``"exponential"``).

    Symbols: :math:`\eta` = ``schedule``, :math:`a` = ``at_step``,
    :math:`D` = ``decay_steps``, :math:`\eta_e` = ``end_value``.

    Conventions: equal to ``schedule`` (bit for bit) for ``t <= a``; the
    cooldown's step 0 is ``a`` (so its value there is the run's own), it
    ends at :math:`\eta_e` at ``t = a + D`` and holds it.  This is how WSD
    runs branch a cooldown from a stable-phase checkpoint; it works on any
    schedule (the new total is ``a + D``).  Momentum, if the schedule has
    one, holds its value at ``a``.

    Args:
      schedule: the schedule the run has used so far.
      at_step: :math:`a \ge 0`, the last step run under it.
      decay_steps: :math:`D \ge 1`.
      shape: the cooldown shape, one of ``warmup_stable_decay``'s
        ``decay_shape`` values: ``"linear"``, ``"cosine"``, ``"1-sqrt"``,
        ``"1-square"``, ``"exponential"`` (needs :math:`\eta(a) > 0` and
        :math:`\eta_e > 0`).
      end_value: :math:`\eta_e \ge 0`, at most :math:`\eta(a)`.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.horizon import branch_cooldown
      >>> wsd = lrcurves.warmup(lrcurves.constant(1.0), 2)  # warmup, then stable forever
      >>> s = branch_cooldown(wsd, at_step=4, decay_steps=3, shape="1-sqrt")
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 9)]
      [0.0, 0.5, 1.0, 1.0, 1.0, 0.4226, 0.1835, 0.0, 0.0]
    """
    where = "branch_cooldown"
    s = _check_schedule(where, schedule)
    at = as_int(where, "at_step", at_step, min=0)
    d = as_int(where, "decay_steps", decay_steps, min=1)
    shp = as_choice(where, "shape", shape, DECAY_SHAPES)
    expo = shp == "exponential"
    end = as_value(where, "end_value", end_value, min=0.0, min_open=expo)
    v = _value(s, at)
    if np.any(np.asarray(end) > np.asarray(v)):
        raise ValueError(
            f"{where}: end_value must be <= the learning rate at at_step={at} ({brief(v)}), "
            f"got end_value={brief(end_value)}"
        )
    if expo and not np.all(np.asarray(v) > 0.0):
        raise ValueError(
            f"{where}: shape 'exponential' needs a positive learning rate at at_step={at}, got {brief(v)}"
        )
    tail = warmup_stable_decay(
        v, warmup_steps=0, stable_steps=0, decay_steps=d, decay_shape=shp, end_value=end
    )
    return _continue(s, tail, at, 0)


def hold(schedule: Schedule, at_step: int) -> Schedule:
    r"""Freeze the learning rate at its value at ``at_step``.

    .. math::
        \eta'(t) = \eta(\min(t, a))

    Symbols: :math:`\eta` = ``schedule``, :math:`a` = ``at_step``.

    Conventions: equal to ``schedule`` (bit for bit) for ``t <= a`` and the
    very same float64 value after (the constant is the NumPy value at
    :math:`a`).  Momentum, if any, holds too.  Useful to pause a decay
    while deciding on a new horizon; :func:`branch_cooldown` of the held
    schedule continues from there (:func:`retarget` needs a decay, and a
    held schedule has none).

    Args:
      schedule: the schedule the run has used so far.
      at_step: :math:`a \ge 0`.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.horizon import hold
      >>> s = hold(lrcurves.linear(1.0, 0.0, transition_steps=4), at_step=1)
      >>> lrcurves.curve(s, 4).tolist()
      [1.0, 0.75, 0.75, 0.75]
    """
    where = "hold"
    s = _check_schedule(where, schedule)
    at = as_int(where, "at_step", at_step, min=0)
    return _continue(s, constant(_value(s, at)), at, 0)
