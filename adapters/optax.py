"""optax shim: a :class:`~lrcurves.Schedule` as an optax schedule.

optax schedules are pure functions ``count -> value``.  :func:`to_optax`
wraps a schedule in a frozen, hashable dataclass with exactly that call
signature, so it can be passed anywhere optax takes a schedule
(``learning_rate=``, ``optax.scale_by_schedule``, ``inject_hyperparams``) and
used as a static argument under ``jax.jit``.  The math is the schedule's own
kernel evaluated with ``jax.numpy``: the values equal the NumPy core's to
float32 rounding (or to about ``1e-12`` with ``jax_enable_x64``).

optax's factory names
---------------------
Every schedule factory of optax's public ``optax.schedules`` namespace is
mirrored here with optax's name, argument names, positional order and
defaults, so ``from lrcurves.adapters import optax as sched;
sched.cosine_decay_schedule(...)`` replaces
``optax.cosine_decay_schedule(...)``: ``constant_schedule``,
``linear_schedule``, ``polynomial_schedule``, ``cosine_decay_schedule``,
``exponential_decay``, ``piecewise_constant_schedule``,
``piecewise_interpolate_schedule``, ``linear_onecycle_schedule``,
``cosine_onecycle_schedule``, ``warmup_constant_schedule``,
``warmup_cosine_decay_schedule``, ``warmup_exponential_decay_schedule``,
``sgdr_schedule`` and ``join_schedules``.  Each returns the pure
:class:`~lrcurves.Schedule` of :mod:`lrcurves.compat.optax` (the
translations, and the list of deliberate differences, live there); a
``Schedule`` is a ``count -> value`` callable that works under ``jax.jit``
and on a vector of counts, so it is passed to optax as is.  The values
equal optax's in float32 (to float32 rounding) and in float64 with
``jax_enable_x64``.  ``optax.schedules``' other names
(``inject_hyperparams``, ``inject_stateful_hyperparams``, the state and
protocol types) are not schedule factories; use optax's own (or
:func:`inject`).

>>> import jax, jax.numpy as jnp
>>> from lrcurves.adapters import optax as sched
>>> s = sched.warmup_cosine_decay_schedule(0.0, 1.0, 2, 6)
>>> [round(float(v), 4) for v in jax.jit(s)(jnp.arange(7))]
[0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import jax.numpy as jnp
import optax
from lrcurves.adapters.optax_finder import find_lr

from lrcurves import Schedule
from lrcurves.compat.optax import (
    constant_schedule,
    cosine_decay_schedule,
    cosine_onecycle_schedule,
    exponential_decay,
    join_schedules,
    linear_onecycle_schedule,
    linear_schedule,
    piecewise_constant_schedule,
    piecewise_interpolate_schedule,
    polynomial_schedule,
    sgdr_schedule,
    warmup_constant_schedule,
    warmup_cosine_decay_schedule,
    warmup_exponential_decay_schedule,
)

__all__ = [
    "OptaxMomentum",
    "OptaxSchedule",
    "constant_schedule",
    "cosine_decay_schedule",
    "cosine_onecycle_schedule",
    "exponential_decay",
    "find_lr",
    "inject",
    "join_schedules",
    "linear_onecycle_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "polynomial_schedule",
    "sgdr_schedule",
    "to_optax",
    "to_optax_momentum",
    "warmup_constant_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
]


def _check(where: str, schedule: Any) -> Schedule:
    if not isinstance(schedule, Schedule):
        raise TypeError(f"{where}: expected a lrcurves Schedule, got {type(schedule).__name__}")
    return schedule


@dataclass(frozen=True)
class OptaxSchedule:
    """An optax schedule ``count -> learning rate`` backed by a :class:`~lrcurves.Schedule`.

    Hashable and pure; ``count`` may be a Python int, a scalar count from an
    optax state (int32) or a vector of steps (no ``vmap`` needed).  The
    result is a ``jax.Array`` of the default floating dtype (float32, or
    float64 with ``jax_enable_x64``), or of ``dtype`` when one is set.
    """

    schedule: Schedule
    dtype: Any = None

    def __call__(self, count: Any) -> Any:
        v = self.schedule.lr(jnp.asarray(count), xp=jnp)
        return v if self.dtype is None else v.astype(self.dtype)

    def __repr__(self) -> str:
        extra = "" if self.dtype is None else f", dtype={jnp.dtype(self.dtype).name}"
        return f"to_optax({self.schedule!r}{extra})"


@dataclass(frozen=True)
class OptaxMomentum:
    """An optax schedule ``count -> momentum`` (Adam ``b1``, SGD ``momentum``)."""

    schedule: Schedule
    dtype: Any = None

    def __call__(self, count: Any) -> Any:
        v = self.schedule.momentum(jnp.asarray(count), xp=jnp)
        return v if self.dtype is None else v.astype(self.dtype)

    def __repr__(self) -> str:
        extra = "" if self.dtype is None else f", dtype={jnp.dtype(self.dtype).name}"
        return f"to_optax_momentum({self.schedule!r}{extra})"


def to_optax(schedule: Schedule, *, dtype: Any = None) -> OptaxSchedule:
    """Wrap ``schedule``'s learning-rate curve as an optax schedule.

    ``dtype`` casts the result (computed in the default floating dtype);
    ``None`` keeps that default.

    Examples:
      >>> import jax, optax, lrcurves
      >>> from lrcurves.adapters.optax import to_optax
      >>> sched = to_optax(lrcurves.linear(1.0, 0.0, transition_steps=4))
      >>> sched
      to_optax(linear(init_value=1.0, end_value=0.0, transition_steps=4, transition_begin=0))
      >>> [float(jax.jit(sched)(t)) for t in range(5)]
      [1.0, 0.75, 0.5, 0.25, 0.0]
      >>> opt = optax.sgd(learning_rate=sched)
    """
    return OptaxSchedule(_check("to_optax", schedule), dtype)


def to_optax_momentum(schedule: Schedule, *, dtype: Any = None) -> OptaxMomentum:
    """Wrap ``schedule``'s *momentum* curve as an optax schedule.

    Use it for ``b1=`` (Adam) or ``momentum=`` (SGD) through
    :func:`optax.inject_hyperparams` or :func:`inject`.  The schedule must
    define a momentum (``has_momentum``, e.g. one-cycle); to use a plain
    schedule's values as momentum, pass :func:`to_optax` of it instead.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.adapters.optax import to_optax_momentum
      >>> b1 = to_optax_momentum(lrcurves.one_cycle(0.1, total_steps=10))
      >>> round(float(b1(0)), 6)
      0.95
    """
    s = _check("to_optax_momentum", schedule)
    if not s.has_momentum:
        raise ValueError(
            f"to_optax_momentum: {s.name} defines no momentum (has_momentum is False); "
            "use to_optax(schedule) to use its values as momentum"
        )
    return OptaxMomentum(s, dtype)


def inject(
    optimizer_fn: Callable[..., optax.GradientTransformation],
    *,
    hyperparam_dtype: Any = jnp.float32,
    **hyperparams: Any,
) -> optax.GradientTransformationExtraArgs:
    """``optax.inject_hyperparams(optimizer_fn)(**hyperparams)`` with schedules converted.

    Every :class:`~lrcurves.Schedule` hyperparameter is wrapped with
    :func:`to_optax` (its LR curve; wrap momentum curves yourself with
    :func:`to_optax_momentum`).  Injected hyperparameters are stored as
    ``hyperparam_dtype``, float32 by default, so the learning rate stays
    float32 when the parameters are bfloat16 (optax's own default is the
    parameters' dtype).  Schedules wrapped here (or passed already wrapped
    without a ``dtype``) are cast to ``hyperparam_dtype`` too: optax leaves
    a schedule's strongly typed output alone, which would otherwise ignore
    the setting (float64 LRs under ``jax_enable_x64``).  ``None`` keeps
    optax's behaviour.  The current values are readable for logging in
    ``state.hyperparams``.

    Examples:
      >>> import jax.numpy as jnp, optax, lrcurves
      >>> from lrcurves.adapters.optax import inject
      >>> opt = inject(optax.adam, learning_rate=lrcurves.linear(1e-3, 0.0, transition_steps=10), b1=0.9)
      >>> state = opt.init(jnp.zeros(2, jnp.bfloat16))
      >>> state.hyperparams["learning_rate"].dtype
      dtype('float32')
    """
    if not callable(optimizer_fn):
        raise TypeError(f"inject: optimizer_fn must be callable, got {optimizer_fn!r}")
    kw: dict[str, Any] = {}
    for k, v in hyperparams.items():
        if isinstance(v, Schedule):
            v = to_optax(v, dtype=hyperparam_dtype)
        elif isinstance(v, (OptaxSchedule, OptaxMomentum)) and v.dtype is None:
            v = replace(v, dtype=hyperparam_dtype)
        kw[k] = v
    return optax.inject_hyperparams(optimizer_fn, hyperparam_dtype=hyperparam_dtype)(**kw)
