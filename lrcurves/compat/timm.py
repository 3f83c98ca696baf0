"""timm's closed-form schedulers as pure lrcurves schedules.

Framework-free translations (no torch or timm import) of timm 1.0's
``StepLRScheduler``, ``MultiStepLRScheduler``, ``CosineLRScheduler``,
``TanhLRScheduler``, ``PolyLRScheduler`` and ``WSDLRScheduler``: for one
param group with
base learning rate ``base_lr``, the schedule's value at ``t`` is what
``scheduler._get_lr(t)`` gives, i.e. the LR set by ``step(epoch=t)`` (with
``t_in_epochs=True``) or ``step_update(num_updates=t)`` (with
``t_in_epochs=False``), before timm's noise and ``lr_scale``.  This module
only translates parameters and steps; the math is the core's (``linear``
for the warmup, ``step_decay``, ``multistep``, ``cosine_restarts``,
``tanh_decay``, ``polynomial``, ``warmup_stable_decay``, ``inverse_sqrt``,
``constant``, ``repeat``, ``join``, ``shift``, ``clip``, ``scale``,
``product``).  Cosine cycles, and tanh and poly cycles with ``cycle_mul !=
1``, are ``cosine_restarts`` (``shape="cosine"``, ``"tanh"`` with
``lower=lb, upper=ub``, ``"poly"`` with ``exponent=power``) with
``cycle_rounding="log"`` (cycle starts where timm's float formula
``floor(log(1 - t / T * (1 - m), m))`` puts them, tabulated as integer
steps; timm's float start ``(1 - m ** i) / (1 - m) * T``),
``progress_power=k_decay``, ``peak_decay=cycle_decay`` and
``max_cycles=cycle_limit``; tanh and poly cycles with ``cycle_mul == 1``
are repeated or joined ``tanh_decay`` / ``polynomial`` curves whose peaks
are timm's ``base_lr * cycle_decay ** i``.  The drop-in classes of
:mod:`lrcurves.adapters.timm` evaluate exactly these schedules.

>>> from lrcurves.compat import timm as tc
>>> s = tc.schedule("StepLRScheduler", base_lr=1.0, decay_t=2, decay_rate=0.5, warmup_t=2, warmup_lr_init=0.5)
>>> [float(s.value(t)) for t in range(7)]
[0.5, 0.75, 1.0, 1.0, 0.5, 0.5, 0.25]

Conventions reproduced: the linear warmup ``warmup_lr_init + t * (base_lr -
warmup_lr_init) / warmup_t`` for ``t < warmup_t`` (``TanhLRScheduler``
without ``warmup_prefix`` ramps to its curve's value at ``warmup_t``
instead); ``warmup_prefix=True``
(timm's default for these two classes) starts the decay after the warmup,
``False`` counts it from ``t = 0``; ``MultiStepLRScheduler``'s milestone
``m`` applies at ``t = m - 1`` (timm's ``bisect_right(decay_t, t + 1)``),
repeated milestones multiply.

Differences
-----------
- timm's LR noise (``noise_range_t``...) is not part of the pure schedule:
  it is drawn per step from a torch generator.  The adapters reproduce it
  exactly; the pure curve is the noise-free one.
- ``decay_rate`` must be in ``[0, 1]``, ``decay_t`` a positive integer
  (``StepLRScheduler``) or a non-decreasing list of integers ``>= 0``
  (``MultiStepLRScheduler``; timm assumes it sorted), ``warmup_t >= 0``,
  ``t_initial >= 1`` (``CosineLRScheduler``),
  values ``>= 0``: otherwise :class:`ValueError` (timm computes on).
- ``CosineLRScheduler``, ``TanhLRScheduler`` and ``PolyLRScheduler``:
  ``cycle_mul < 1`` raises (timm's cycle formula takes the log of a
  negative number, a math domain error, once ``t`` passes ``t_initial / (1
  - cycle_mul)``), and so does a ``cycle_mul`` so close to 1 (about
  ``1.0004``) that more than 100000 cycles start before step ``1e19``
  (``cosine_restarts``' cycle table; timm computes on); ``k_decay``
  (cosine, poly) must be ``> 0``.  Where ``cosine_restarts`` translates them (always for cosine,
  ``cycle_mul != 1`` for tanh and poly) ``lr_min`` must not exceed the
  base LR and ``0 < cycle_decay <= 1`` when ``cycle_limit > 1``
  (``cosine_restarts``' ranges).  Where timm's float start of a cycle lies
  a hair above the integer step its cycle formula starts it at, timm's
  ``t_curr`` is negative: with a non-integer ``k_decay`` timm's cosine
  raises (``math.cos`` of a complex number) and its poly LR is a complex
  number; otherwise timm evaluates its curve at that tiny negative
  progress (within float rounding of the start value); here the progress
  is clipped at 0, the cycle's start.
- ``TanhLRScheduler`` and ``PolyLRScheduler`` with ``cycle_mul == 1``: at
  most :data:`MAX_CYCLES` cycles with ``cycle_decay != 1``.
- ``WSDLRScheduler``: ``decay_fn="exp"`` (timm's normalized exponential
  ``(r ** frac - r) / (1 - r)``), a callable ``decay_fn``, ``stable_fn=
  "power"`` with ``stable_power != 0.5`` and a non-integer
  ``stable_timescale`` raise (no core family has these curves); timm's
  other checks raise :class:`ValueError` as timm does.
- ``PlateauLRScheduler`` is metric-driven and out of scope
  (:data:`OUT_OF_SCOPE`), like torch's ``ReduceLROnPlateau``.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any

import lrcurves
from lrcurves import Schedule

__all__ = [
    "CLASS_NAMES",
    "MAX_CYCLES",
    "NOT_YET",
    "OUT_OF_SCOPE",
    "cosine_lr",
    "multistep_lr",
    "poly_lr",
    "schedule",
    "step_lr",
    "tanh_lr",
    "wsd_lr",
]

CLASS_NAMES = (
    "StepLRScheduler", "MultiStepLRScheduler", "CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler",
    "WSDLRScheduler",
)

#: timm schedulers not translated yet.
NOT_YET: tuple[str, ...] = ()

#: timm schedulers deliberately not translated, and why.
OUT_OF_SCOPE = {
    "PlateauLRScheduler": (
        "PlateauLRScheduler lowers the LR when a metric stops improving: it is driven by the "
        "metric values passed to step(), so it has no closed form in the step and no lrcurves "
        "schedule.  Keep timm's PlateauLRScheduler for it."
    ),
}


def _int(where: str, name: str, v: Any, lo: int) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v != math.floor(v):
        raise ValueError(f"{where}: {name} must be an integer, got {v!r}")
    if v < lo:
        raise ValueError(f"{where}: {name} must be >= {lo}, got {v!r}")
    return int(v)


def _warm(
    where: str,
    part: Schedule,
    base_lr: float,
    warmup_t: Any,
    warmup_lr_init: float,
    warmup_prefix: bool,
    *,
    to_curve: bool = False,
) -> Schedule:
    w = _int(where, "warmup_t", warmup_t, 0)
    if not w:
        return part
    if to_curve and not warmup_prefix:
        # TanhLRScheduler ramps to the curve's own value at t = warmup_t
        return lrcurves.warmup(lrcurves.shift(part, w), w, init_value=warmup_lr_init)
    ramp = lrcurves.linear(warmup_lr_init, base_lr, transition_steps=w)
    # prefix: the decay starts after the warmup; otherwise it counts from t = 0
    return lrcurves.join([ramp, part if warmup_prefix else lrcurves.shift(part, w)], boundaries=[w])


def step_lr(
    base_lr: float,
    *,
    decay_t: int,
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
) -> Schedule:
    """``StepLRScheduler``: ``base_lr * decay_rate ** (t // decay_t)`` after the warmup.

    >>> [float(v) for v in lrcurves.curve(step_lr(1.0, decay_t=2, decay_rate=0.5), 5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    where = "StepLRScheduler"
    part = lrcurves.step_decay(base_lr, step_size=_int(where, "decay_t", decay_t, 1), decay_rate=decay_rate)
    return _warm(where, part, base_lr, warmup_t, warmup_lr_init, warmup_prefix)


def multistep_lr(
    base_lr: float,
    *,
    decay_t: Sequence[int],
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
) -> Schedule:
    """``MultiStepLRScheduler``: milestone ``m`` applies from ``t = m - 1`` after the warmup.

    >>> [float(v) for v in lrcurves.curve(multistep_lr(1.0, decay_t=[2, 4], decay_rate=0.5), 5)]
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """
    where = "MultiStepLRScheduler"
    ms = [_int(where, "decay_t", m, 0) for m in decay_t]
    if any(b < a for a, b in itertools.pairwise(ms)):
        raise ValueError(f"{where}: decay_t must be non-decreasing (timm assumes it sorted), got {list(decay_t)}")
    # milestone m applies at t = m - 1 >= -1; lrcurves milestones are >= 1,
    # so evaluate the core curve s steps later with every milestone moved by s
    s = 2 if ms and ms[0] < 2 else 0
    part = lrcurves.multistep(base_lr, milestones=[m - 1 + s for m in ms], decay_rate=decay_rate)
    if s:
        part = lrcurves.shift(part, s)
    return _warm(where, part, base_lr, warmup_t, warmup_lr_init, warmup_prefix)


def cosine_lr(
    base_lr: float,
    *,
    t_initial: int,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    k_decay: float = 1.0,
) -> Schedule:
    """``CosineLRScheduler``: SGDR cycles (``cosine_restarts``), ``lr_min`` after ``cycle_limit`` cycles.

    ``cycle_mul`` maps to ``cycle_mult`` with ``cycle_rounding="log"`` (timm's
    float64 cycle formula, tabulated), ``k_decay`` to ``progress_power``,
    ``cycle_limit`` to ``max_cycles``.

    >>> s = cosine_lr(1.0, t_initial=4, cycle_limit=2)
    >>> [round(float(v), 4) for v in lrcurves.curve(s, 10)]
    [1.0, 0.8536, 0.5, 0.1464, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    where = "CosineLRScheduler"
    n = _int(where, "t_initial", t_initial, 1)
    part = _restarts(where, base_lr, n, lr_min, cycle_mul, cycle_decay, cycle_limit, _k(where, k_decay))
    return _warm(where, part, base_lr, warmup_t, warmup_lr_init, warmup_prefix)


def _restarts(
    where: str, base_lr: float, n: int, lr_min: float, cycle_mul: Any, cycle_decay: float, limit: Any, k: float,
    **shape: Any,
) -> Schedule:
    """timm's cycles as ``cosine_restarts`` (``"log"`` starts), ``lr_min`` after ``cycle_limit`` cycles."""
    limit = _int(where, "cycle_limit", limit, 0)
    if limit == 0:
        return lrcurves.constant(lr_min)
    return lrcurves.cosine_restarts(
        base_lr, first_cycle_steps=n, cycle_mult=_mul(where, cycle_mul), min_value=lr_min,
        peak_decay=1.0 if limit == 1 else cycle_decay, cycle_rounding="log",
        progress_power=k, max_cycles=limit, **shape,
    )


def _mul(where: str, m: Any) -> float:
    if isinstance(m, bool) or not isinstance(m, numbers.Real) or not m >= 1:
        raise ValueError(f"{where}: cycle_mul must be >= 1 (timm's cycle formula fails below), got {m!r}")
    return float(m)


def _k(where: str, k: Any) -> float:
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not (0 < k < math.inf):
        raise ValueError(f"{where}: k_decay must be > 0, got {k!r}")
    return float(k)


#: most distinct cycles (``cycle_decay != 1``) a tanh or poly schedule joins
MAX_CYCLES = 10_000


def _cycled(where: str, piece: Any, base_lr: float, n: int, lr_min: float, cycle_decay: float, limit: Any) -> Schedule:
    """``cycle_limit`` cycles of ``piece(peak)`` (peak ``base_lr * cycle_decay ** i``), then ``lr_min``."""
    limit = _int(where, "cycle_limit", limit, 0)
    if limit == 0:
        return lrcurves.constant(lr_min)
    if limit == 1 or cycle_decay == 1:
        body = piece(base_lr) if limit == 1 else lrcurves.repeat(piece(base_lr), n)
    else:
        if limit > MAX_CYCLES:
            raise ValueError(f"{where}: at most {MAX_CYCLES} decaying cycles, got cycle_limit={limit}")
        # timm's peak of cycle i: base_lr * gamma with gamma = cycle_decay ** i
        body = lrcurves.join(
            [piece(base_lr * (cycle_decay**i)) for i in range(limit)], boundaries=[n * i for i in range(1, limit)]
        )
    return lrcurves.join([body, lrcurves.constant(lr_min)], boundaries=[n * limit])


def tanh_lr(
    base_lr: float,
    *,
    t_initial: int,
    lb: float = -7.0,
    ub: float = 3.0,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
) -> Schedule:
    """``TanhLRScheduler``: ``tanh_decay`` cycles, ``lr_min`` after ``cycle_limit`` cycles.

    ``cycle_mul != 1``: ``cosine_restarts(shape="tanh", lower=lb,
    upper=ub)`` with timm's cycle starts (``cycle_rounding="log"``).

    >>> s = tanh_lr(1.0, t_initial=10)
    >>> [round(float(s.value(t)), 4) for t in (0, 5, 9, 10)]
    [1.0, 0.982, 0.018, 0.0]
    >>> s = tanh_lr(1.0, t_initial=10, cycle_mul=2.0, cycle_limit=2)
    >>> [round(float(s.value(t)), 4) for t in (9, 10, 20, 29, 30)]
    [0.018, 1.0, 0.982, 0.0067, 0.0]
    """
    where = "TanhLRScheduler"
    n = _int(where, "t_initial", t_initial, 1)
    if cycle_mul != 1:
        part = _restarts(
            where, base_lr, n, lr_min, cycle_mul, cycle_decay, cycle_limit, 1.0, shape="tanh", lower=lb, upper=ub
        )
    else:

        def piece(peak: float) -> Schedule:
            return lrcurves.tanh_decay(peak, decay_steps=n, end_value=lr_min, lower=lb, upper=ub)

        part = _cycled(where, piece, base_lr, n, lr_min, cycle_decay, cycle_limit)
    return _warm(where, part, base_lr, warmup_t, warmup_lr_init, warmup_prefix, to_curve=True)


def poly_lr(
    base_lr: float,
    *,
    t_initial: int,
    power: float = 0.5,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    k_decay: float = 1.0,
) -> Schedule:
    """``PolyLRScheduler``: ``polynomial`` cycles, ``lr_min`` after ``cycle_limit`` cycles.

    ``cycle_mul != 1``: ``cosine_restarts(shape="poly", exponent=power,
    progress_power=k_decay)`` with timm's cycle starts (``cycle_rounding="log"``).

    >>> [round(float(v), 4) for v in lrcurves.curve(poly_lr(1.0, t_initial=4, power=2.0), 6)]
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    >>> s = poly_lr(1.0, t_initial=2, power=2.0, cycle_mul=2.0, cycle_limit=2, cycle_decay=0.5)
    >>> [round(float(v), 4) for v in lrcurves.curve(s, 8)]
    [1.0, 0.25, 0.5, 0.2812, 0.125, 0.0312, 0.0, 0.0]
    """
    where = "PolyLRScheduler"
    n = _int(where, "t_initial", t_initial, 1)
    k = _k(where, k_decay)
    if cycle_mul != 1:
        part = _restarts(where, base_lr, n, lr_min, cycle_mul, cycle_decay, cycle_limit, k, shape="poly", exponent=power)
    else:

        def piece(peak: float) -> Schedule:
            return lrcurves.polynomial(peak, lr_min, transition_steps=n, power=power, progress_power=k)

        part = _cycled(where, piece, base_lr, n, lr_min, cycle_decay, cycle_limit)
    return _warm(where, part, base_lr, warmup_t, warmup_lr_init, warmup_prefix)


#: WSD decay functions and their core shapes (``"power"`` is a ``polynomial`` with ``progress_power``)
WSD_DECAY_SHAPES = {"linear": "linear", "1-sqrt": "1-sqrt", "cosine": "cosine"}


def wsd_lr(
    base_lr: float,
    *,
    t_initial: int,
    decay_t: int,
    lr_min: float = 0.0,
    stable_fn: str = "constant",
    stable_timescale: float | None = None,
    stable_power: float = 0.5,
    decay_fn: Any = "1-sqrt",
    decay_power: float = 0.5,
    decay_ratio: float = 0.1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
) -> Schedule:
    """``WSDLRScheduler``: warmup, stable (``constant`` or ``rsqrt``), then a decay to ``lr_min``.

    The stable phase is ``constant(base_lr)`` or ``inverse_sqrt(base_lr,
    timescale=stable_timescale)`` counted from the end of the warmup, held at
    or above ``lr_min`` (``clip``); the decay over the last ``decay_t`` steps
    of ``t_initial`` multiplies what lies above ``lr_min`` by a
    ``warmup_stable_decay`` factor from 1 to 0 (``"linear"``, ``"1-sqrt"``,
    ``"cosine"``) or by ``polynomial(1, 0, power=1,
    progress_power=decay_power)`` (``"power"``).  The plain WSD (constant,
    ``base_lr >= lr_min``) is one ``warmup_stable_decay``.

    >>> s = wsd_lr(1.0, t_initial=6, decay_t=2, decay_fn="linear", warmup_t=2)
    >>> [float(v) for v in lrcurves.curve(s, 10)]
    [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    where = "WSDLRScheduler"
    n = _int(where, "t_initial", t_initial, 1)
    d = _int(where, "decay_t", decay_t, 1)
    if d > n:
        raise ValueError(f"{where}: decay_t must be in (0, t_initial], got decay_t={decay_t!r} and t_initial={t_initial!r}")
    w = _int(where, "warmup_t", warmup_t, 0)
    if stable_fn not in ("constant", "rsqrt", "power"):
        raise ValueError(f"{where}: stable_fn must be 'constant', 'rsqrt' or 'power', got {stable_fn!r}")
    if stable_fn == "power" and stable_power != 0.5:
        raise ValueError(
            f"{where}: stable_fn='power' is translated for stable_power=0.5 (inverse_sqrt) only, "
            f"got stable_power={stable_power!r}"
        )
    if callable(decay_fn) or decay_fn not in (*WSD_DECAY_SHAPES, "power"):
        raise ValueError(
            f"{where}: decay_fn must be one of {', '.join(map(repr, (*WSD_DECAY_SHAPES, 'power')))} "
            f"(timm's 'exp' and callables are not translated), got {decay_fn!r}"
        )
    if not 0 < decay_ratio < 1:
        raise ValueError(f"{where}: decay_ratio must be in (0, 1), got {decay_ratio!r}")
    stable = n - d
    if stable_fn == "constant":
        if decay_fn in WSD_DECAY_SHAPES and base_lr >= lr_min:
            return lrcurves.warmup_stable_decay(
                base_lr, warmup_steps=w, stable_steps=stable, decay_steps=d,
                decay_shape=WSD_DECAY_SHAPES[decay_fn], init_value=warmup_lr_init, end_value=lr_min,
            )
        top: Schedule = lrcurves.constant(base_lr)
    else:
        tau = warmup_t if stable_timescale is None else stable_timescale
        top = lrcurves.inverse_sqrt(base_lr, timescale=_int(where, "stable_timescale", tau, 1))
    if decay_fn == "power":
        fall = lrcurves.polynomial(
            1.0, 0.0, transition_steps=d, transition_begin=stable, power=1.0, progress_power=decay_power
        )
    else:
        fall = lrcurves.warmup_stable_decay(
            1.0, warmup_steps=0, stable_steps=stable, decay_steps=d, decay_shape=WSD_DECAY_SHAPES[decay_fn]
        )
    if lr_min:
        # timm: lr_min + (max(stable, lr_min) - lr_min) * decay
        above = lrcurves.scale(lrcurves.clip(top, min_value=lr_min), offset=-lr_min)
        part = lrcurves.scale(lrcurves.product([above, fall]), offset=lr_min)
    else:
        part = lrcurves.product([top, fall])
    return _warm(where, part, base_lr, w, warmup_lr_init, True)


_FACTORIES = {
    "StepLRScheduler": step_lr,
    "MultiStepLRScheduler": multistep_lr,
    "CosineLRScheduler": cosine_lr,
    "TanhLRScheduler": tanh_lr,
    "PolyLRScheduler": poly_lr,
    "WSDLRScheduler": wsd_lr,
}


def schedule(class_name: str, *, base_lr: float, **params: Any) -> Schedule:
    """The pure schedule of timm's ``class_name`` for one group (constructor arguments as keywords).

    Arguments that only affect the torch side (``t_in_epochs``, the noise
    arguments, ``initialize``) are accepted and ignored.
    """
    if class_name in OUT_OF_SCOPE:
        raise ValueError(OUT_OF_SCOPE[class_name])
    if class_name not in _FACTORIES:
        hint = " (not translated yet)" if class_name in NOT_YET else ""
        raise ValueError(f"timm: unknown scheduler {class_name!r}{hint}; supported: {', '.join(CLASS_NAMES)}")
    for k in ("t_in_epochs", "noise_range_t", "noise_pct", "noise_std", "noise_seed", "initialize"):
        params.pop(k, None)
    return _FACTORIES[class_name](base_lr, **params)
