"""Drop-in replacements for ``pytorch_optimizer.lr_scheduler`` (4.1.0).

Same names, signatures, defaults, construction-time LR and step convention
as pytorch-optimizer 4.1.0; the curves come from
:mod:`lrcurves.compat.pytorch_optimizer` (pure schedules evaluated with
:meth:`lrcurves.Schedule.value`), so the same curve also runs in NumPy and
under ``jax.jit``.

Class kinds follow the original: ``LinearScheduler``/``CosineScheduler``/
``PolyScheduler`` and ``ProportionScheduler`` are plain objects,
``CosineAnnealingWarmupRestarts`` and ``REXScheduler`` are torch
``LRScheduler`` subclasses, ``get_wsd_schedule``/``get_chebyshev_schedule``
return a torch ``LambdaLR``.  The quirks are kept: the Base* schedulers and
REX write ``min_lr`` at construction, the Base* peak comes one step late
(lr after ``k`` steps is ``f(k - 1)``), REX's first update runs at
``min_lr``, Chebyshev repeats its first multiplier for epochs 0-2,
``CosineAnnealingWarmupRestarts`` defaults to ``gamma=0.9`` and forces one LR
for all groups, WSD's non-cosine cooldowns fall towards 0 and then jump up
to ``min_lr_ratio``.

Differences from the original
-----------------------------
1. ``LinearScheduler`` clamps at ``min_lr`` past ``t_max`` (the original goes
   below ``min_lr`` and negative).
2. ``LinearScheduler``/``CosineScheduler`` raise ``ValueError`` at construction
   when ``t_max <= warmup_steps`` (the original divides by zero at step
   ``warmup_steps + 1``, or decays "backwards" when ``t_max < warmup_steps``).
3. ``PolyScheduler`` honours ``t_max``, which the original accepts and
   ignores: the power growth ``min + (max - min) * (s - W) ** poly_order``
   (core ``polynomial_growth``) runs up to ``s = t_max`` and the LR holds
   from there (the original grows without bound).
4. Negative learning rates / step counts raise ``ValueError`` (the original
   raises ``NegativeLRError``/``NegativeStepError``, plain ``Exception``
   subclasses; both are caught by ``except Exception``); so does a
   ``PolyScheduler`` with ``max_lr < min_lr`` whose curve would fall below 0
   by ``t_max`` (the original goes negative).
5. ``get_wsd_schedule`` raises ``ValueError`` for an unknown
   ``cooldown_type`` (the original silently uses ``min_lr_ratio`` for the
   whole decay window) and for negative step counts or ``min_lr_ratio``.
6. ``get_chebyshev_schedule`` / ``get_chebyshev_lr`` raise ``ValueError`` for
   ``num_epochs < 1`` (the original silently uses the one-node schedule);
   ``get_chebyshev_perm_steps(n < 1)`` raises an error that is both an
   ``IndexError`` (as the original) and a ``ValueError``.  Multipliers are
   Python floats, not ``np.float64``.
7. ``CosineAnnealingWarmupRestarts`` raises ``ValueError`` for
   ``cycle_mult < 1`` (shrinking cycles; core ``cosine_restarts`` only grows
   them) or ``gamma < 0``; its ``warmup_steps >= first_cycle_steps``
   message states the comparison the right way round.  A resumed
   ``last_epoch`` is placed in its exact cycle (the original wraps only once).
8. ``ProportionScheduler`` raises ``ValueError`` when ``max_lr < min_lr`` (the
   original silently returns ``max_value``).
9. ``REXScheduler``, ``CosineAnnealingWarmupRestarts`` and the Base* classes
   also have ``state_dict``/``load_state_dict`` that resume exactly (the
   Base* classes and ``ProportionScheduler`` have none in the original).
10. ``ProportionScheduler`` maps the LR with the pure form's ``remap`` and
    raises ``ValueError`` when the LR it reads maps below 0 (extrapolating
    past ``min_lr``, e.g. ``init_lr < min_lr`` right after construction, when
    ``min_value`` is small); the original returns the negative value.  Its
    values agree with the original's to rounding (1e-12), not bit for bit.

The functional ``get_chebyshev_lr(lr, epoch, num_epochs, is_warmup=False)``
that 3.x documented is provided too.

>>> import torch
>>> from lrcurves.adapters.pytorch_optimizer import LinearScheduler
>>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
>>> sch = LinearScheduler(opt, t_max=10, max_lr=1e-2, min_lr=1e-4, init_lr=1e-3, warmup_steps=5)
>>> opt.param_groups[0]["lr"], sch.get_lr()
(0.0001, 0.001)
>>> [round(sch.step(), 6) for _ in range(3)]
[0.001, 0.0028, 0.0046]
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    LambdaLR,
    LRScheduler,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    StepLR,
)

import lrcurves
from lrcurves import Schedule
from lrcurves.compat import pytorch_optimizer as _po
from lrcurves.layerwise import no_weight_decay
from lrcurves.validate import state_dict_of, state_floats, state_int

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CosineAnnealingWarmupRestarts",
    "CosineScheduler",
    "CyclicLR",
    "LinearScheduler",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolyScheduler",
    "ProportionScheduler",
    "REXScheduler",
    "StepLR",
    "deberta_v3_large_lr_scheduler",
    "get_chebyshev_lr",
    "get_chebyshev_perm_steps",
    "get_chebyshev_schedule",
    "get_supported_lr_schedulers",
    "get_wsd_schedule",
    "load_lr_scheduler",
]


def _set_all(optimizer: Optimizer, lr: float) -> None:
    for g in optimizer.param_groups:
        g["lr"] = lr


# ---------------------------------------------------------------------------
# Base* (plain objects)


class _BaseLinearWarmup:
    """Common part of ``LinearScheduler``/``CosineScheduler``/``PolyScheduler``."""

    _kind = ""

    def __init__(
        self,
        optimizer: Optimizer,
        t_max: int,
        max_lr: float,
        min_lr: float = 0.0,
        init_lr: float = 0.0,
        warmup_steps: int = 0,
        **extra: Any,
    ) -> None:
        self.optimizer = optimizer
        self.total_steps = t_max
        self.max_lr = max_lr
        self.min_lr = min_lr
        self.init_lr = init_lr
        self.warmup_steps = warmup_steps
        self.schedule: Schedule = _po.schedule(
            self._kind, t_max=t_max, max_lr=max_lr, min_lr=min_lr, init_lr=init_lr, warmup_steps=warmup_steps, **extra
        )
        self.step_t: int = 0
        self.last_lr: list[float] = [init_lr]
        self.base_lrs: list[float] = [min_lr] * len(optimizer.param_groups)
        _set_all(optimizer, min_lr)

    def step(self) -> float:
        """Advance one step, write the LR into every group and return it."""
        self.step_t += 1
        value = self.schedule.value(self.step_t)
        _set_all(self.optimizer, value)
        self.last_lr = [value]
        return value

    def get_lr(self) -> float:
        """The LR of the last ``step()`` (``init_lr`` before the first one, as the original)."""
        return self.last_lr[0]

    def state_dict(self) -> dict[str, Any]:
        return {"step_t": self.step_t, "last_lr": list(self.last_lr)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``step_t`` and ``last_lr``; a foreign or corrupted state raises ValueError.

        (pytorch_optimizer's ``BaseLinearWarmupScheduler`` has no
        ``load_state_dict``; this one checks the types before restoring.)
        """
        where = type(self).__name__
        sd = state_dict_of(where, state_dict, ("step_t", "last_lr"))
        step_t = state_int(where, sd, "step_t", min=0)
        self.last_lr = state_floats(where, sd, "last_lr")
        self.step_t = step_t


class LinearScheduler(_BaseLinearWarmup):
    """Linear warmup then linear decay to ``min_lr`` (clamped there past ``t_max``)."""

    _kind = "linear"


class CosineScheduler(_BaseLinearWarmup):
    """Linear warmup then cosine decay to ``min_lr`` (rising again past ``t_max``, as the original)."""

    _kind = "cosine"


class PolyScheduler(_BaseLinearWarmup):
    """Linear warmup then ``min + (max - min) * (s - W) ** poly_order`` (held from ``t_max``)."""

    _kind = "poly"

    def __init__(self, optimizer: Optimizer, poly_order: float = 0.5, **kwargs: Any) -> None:
        if isinstance(poly_order, (int, float)) and not isinstance(poly_order, bool) and poly_order <= 0:
            raise ValueError(f"poly_order must be positive. {poly_order}")
        self.poly_order = poly_order
        super().__init__(optimizer, poly_order=poly_order, **kwargs)


# ---------------------------------------------------------------------------
# torch LRScheduler subclasses


_NOT_STATE = ("optimizer", "schedule", "_raw", "_constructing")


def _plain_state(sched: LRScheduler) -> dict[str, Any]:
    """torch's ``state_dict`` (``__dict__`` but the optimizer) without lrcurves objects.

    The schedules are derived from the hyperparameters in the state and
    rebuilt on load, so ``torch.load(weights_only=True)`` (torch's default)
    reads the checkpoint.
    """
    return {k: v for k, v in sched.__dict__.items() if k not in _NOT_STATE}


def _load_plain_state(sched: LRScheduler, state_dict: Any, required: tuple[str, ...], rebuild: Any) -> None:
    where = type(sched).__name__
    sd = state_dict_of(where, state_dict, ("last_epoch", *required))
    state_int(where, sd, "last_epoch", min=-1)
    n = len(sched.optimizer.param_groups)
    for key in ("base_lrs", "_last_lr"):
        if key in sd:
            state_floats(where, sd, key, n)
    old = dict(sched.__dict__)
    sched.__dict__.update({k: v for k, v in sd.items() if k not in _NOT_STATE})
    try:
        rebuild()
    except (TypeError, ValueError) as exc:
        sched.__dict__.clear()
        sched.__dict__.update(old)
        raise ValueError(f"{where}.load_state_dict: invalid hyperparameters in the state: {exc}") from None


class CosineAnnealingWarmupRestarts(LRScheduler):
    """Cosine annealing with linear warmup, restarts and per-cycle peak decay ``gamma``.

    One LR for every param group; ``min_lr`` at construction.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        first_cycle_steps: int,
        cycle_mult: float = 1.0,
        max_lr: float = 1e-4,
        min_lr: float = 1e-6,
        warmup_steps: int = 0,
        gamma: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        params = {
            "first_cycle_steps": first_cycle_steps,
            "cycle_mult": cycle_mult,
            "max_lr": max_lr,
            "min_lr": min_lr,
            "warmup_steps": warmup_steps,
            "gamma": gamma,
        }
        self.schedule: Schedule = _po.cosine_annealing_with_warmup(**params)
        self._raw: Schedule = _po._cawr_raw(
            int(first_cycle_steps), float(cycle_mult), float(max_lr), float(min_lr), int(warmup_steps), float(gamma)
        )
        self.first_cycle_steps = first_cycle_steps
        self.cycle_mult = cycle_mult
        self.base_max_lr = max_lr
        self.max_lr = max_lr
        self.min_lr = min_lr
        self.warmup_steps = warmup_steps
        self.gamma = gamma
        self._constructing = True
        super().__init__(optimizer, last_epoch)
        self._constructing = False
        self.base_lrs = [min_lr] * len(optimizer.param_groups)
        _set_all(optimizer, min_lr)
        self._last_lr = [g["lr"] for g in optimizer.param_groups]

    def get_lr(self) -> list[float]:  # type: ignore[override]
        return [g["lr"] for g in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        return _plain_state(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """torch's ``__dict__`` update, checked first; the curve is rebuilt from the loaded hyperparameters."""
        _load_plain_state(
            self, state_dict, ("first_cycle_steps", "cycle_mult", "base_max_lr", "min_lr", "warmup_steps", "gamma"),
            self._rebuild,
        )

    def _rebuild(self) -> None:
        params = {
            "first_cycle_steps": self.first_cycle_steps,
            "cycle_mult": self.cycle_mult,
            "max_lr": self.base_max_lr,
            "min_lr": self.min_lr,
            "warmup_steps": self.warmup_steps,
            "gamma": self.gamma,
        }
        self.schedule = _po.cosine_annealing_with_warmup(**params)
        self._raw = _po._cawr_raw(
            int(self.first_cycle_steps), float(self.cycle_mult), float(self.base_max_lr), float(self.min_lr),
            int(self.warmup_steps), float(self.gamma),
        )

    def step(self, epoch: int | float | None = None) -> None:  # type: ignore[override]
        if epoch is None:
            self.last_epoch += 1
            value = self.schedule.value(self.last_epoch)
        else:
            value = self._raw.value(epoch)
            self.last_epoch = math.floor(epoch)
        if self._constructing:
            return  # the constructor writes min_lr right after
        _set_all(self.optimizer, value)
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]


class REXScheduler(LRScheduler):
    """Rational decay (REX) from ``max_lr`` to ``min_lr`` over ``total_steps``.

    ``min_lr`` at construction: the optimizer's first update runs at
    ``min_lr`` (``f(0) = max_lr`` is never applied), as the original.
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, max_lr: float = 1.0, min_lr: float = 0.0) -> None:
        self.schedule: Schedule = _po.rex(total_steps=total_steps, max_lr=max_lr, min_lr=min_lr)
        self.total_steps = total_steps
        self.max_lr = max_lr
        self.min_lr = min_lr
        self.step_t: int = 0
        self.last_lr: list[float] = [max_lr]
        self._constructing = True
        super().__init__(optimizer)
        self._constructing = False
        self.base_lrs = [min_lr] * len(optimizer.param_groups)
        _set_all(optimizer, min_lr)
        self._last_lr = [g["lr"] for g in optimizer.param_groups]

    def get_lr(self) -> float:  # type: ignore[override]
        return self.last_lr[0]

    def state_dict(self) -> dict[str, Any]:
        return _plain_state(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """torch's ``__dict__`` update, checked first; the curve is rebuilt from the loaded hyperparameters."""

        def rebuild() -> None:
            self.schedule = _po.rex(total_steps=self.total_steps, max_lr=self.max_lr, min_lr=self.min_lr)

        _load_plain_state(self, state_dict, ("total_steps", "max_lr", "min_lr", "step_t"), rebuild)

    def step(self, epoch: int | None = None) -> float:  # type: ignore[override]
        """Advance one step (``epoch`` is ignored, as in the original) and return the LR."""
        if self._constructing:  # the base constructor's initial step: f(0) = max_lr, then min_lr is written
            self.step_t = 1
            self.last_lr = [self.max_lr]
            return self.max_lr
        value = self.schedule.value(self.step_t)
        self.step_t += 1
        _set_all(self.optimizer, value)
        self.last_lr = [value]
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]
        return value


# ---------------------------------------------------------------------------
# ProportionScheduler


class ProportionScheduler:
    """Map an LR scheduler's current LR affinely onto ``[min_value, max_value]`` (GSAM's rho).

    Steps once at construction; call ``step()`` after the LR scheduler's.
    The pure-schedule form is :func:`lrcurves.compat.pytorch_optimizer.proportion`
    (``lrcurves.remap``).
    """

    def __init__(
        self,
        lr_scheduler: Any,
        max_lr: float,
        min_lr: float = 0.0,
        max_value: float = 2.0,
        min_value: float = 2.0,
    ) -> None:
        # validate through the pure form (max_lr < min_lr, negative lrs, non-finite values)
        _po._proportion_params(max_lr, min_lr, max_value, min_value)
        self.lr_scheduler = lr_scheduler
        self.max_lr = max_lr
        self.min_lr = min_lr
        self.max_value = max_value
        self.min_value = min_value
        self.step_t: int = 0
        self.last_lr: list[float] = []
        self.step()

    def get_lr(self) -> float:
        return self.last_lr[0]

    def step(self) -> float:
        self.step_t += 1
        last = getattr(self.lr_scheduler, "last_lr", None)
        lr = last[0] if last is not None else self.lr_scheduler.optimizer.param_groups[0]["lr"]
        # the pure form's affine map (core remap), applied to the current LR
        try:
            rho = _po.proportion(
                lrcurves.constant(float(lr)), self.max_lr, self.min_lr, self.max_value, self.min_value
            )
        except ValueError as exc:
            raise ValueError(
                f"ProportionScheduler: the LR {float(lr)!r} maps outside [0, inf) with max_lr={self.max_lr!r}, "
                f"min_lr={self.min_lr!r}, max_value={self.max_value!r}, min_value={self.min_value!r} "
                f"(the original returns a negative value): {exc}"
            ) from None
        value = rho.value(0)
        self.last_lr = [value]
        return value


# ---------------------------------------------------------------------------
# LambdaLR-based


class _Multiplier:
    """Picklable LR multiplier for ``LambdaLR`` (kept in its ``state_dict``)."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def __call__(self, epoch: int) -> float:
        return self.schedule.value(epoch)


class _NegativeEpochs(ValueError, IndexError):
    """``num_epochs < 1``: an ``IndexError`` as in the original, and a ``ValueError``."""


def get_chebyshev_perm_steps(num_epochs: int) -> np.ndarray:
    """The Chebyshev step multipliers in fractal order (4.1.0's filtered permutation of ``N - 2``)."""
    if isinstance(num_epochs, (int, np.integer)) and num_epochs < 1:
        raise _NegativeEpochs(f"num_epochs must be positive, got {num_epochs}")
    return _po.chebyshev_perm_steps(num_epochs)


def get_chebyshev_lr(lr: float, epoch: int, num_epochs: int, is_warmup: bool = False) -> float:
    """pytorch_optimizer 3.x's functional Chebyshev LR: ``lr`` times the multiplier of ``epoch``."""
    return _po.chebyshev(num_epochs=num_epochs, is_warmup=is_warmup, base_lr=lr).value(epoch)


def get_chebyshev_schedule(
    optimizer: Optimizer, num_epochs: int, is_warmup: bool = False, last_epoch: int = -1
) -> LRScheduler:
    """A ``LambdaLR`` whose multiplier at epoch ``k`` is the fractal Chebyshev step (first one 3 times)."""
    sched = _po.chebyshev(num_epochs=num_epochs, is_warmup=is_warmup)
    return LambdaLR(optimizer, _Multiplier(sched), last_epoch)


def get_wsd_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_stable_steps: int,
    num_decay_steps: int,
    min_lr_ratio: float = 0.0,
    num_cycles: float = 0.5,
    cooldown_type: str = "1-sqrt",
    last_epoch: int = -1,
) -> LRScheduler:
    """A ``LambdaLR`` with the warmup-stable-decay multiplier (warmup from 0, cooldown, then ``min_lr_ratio``)."""
    sched = _po.warmup_stable_decay(
        num_warmup_steps=num_warmup_steps,
        num_stable_steps=num_stable_steps,
        num_decay_steps=num_decay_steps,
        min_lr_ratio=min_lr_ratio,
        num_cycles=num_cycles,
        cooldown_type=cooldown_type,
    )
    return LambdaLR(optimizer, _Multiplier(sched), last_epoch)


# ---------------------------------------------------------------------------
# DeBERTa-v3 layer-wise groups


def deberta_v3_large_lr_scheduler(
    model: torch.nn.Module,
    layer_low_threshold: int = 195,
    layer_middle_threshold: int = 323,
    head_param_start: int = 390,
    base_lr: float = 2e-5,
    head_lr: float = 1e-4,
    wd: float = 1e-2,
) -> list[dict[str, Any]]:
    """Layer-wise parameter groups for DeBERTa-v3-large, exactly as pytorch_optimizer 4.1.0.

    Head group first (``lr=head_lr``, no ``weight_decay`` key), then one group
    per backbone parameter: ``base_lr / 2.5`` below index
    ``layer_low_threshold``, ``base_lr`` below ``layer_middle_threshold``,
    ``base_lr / 0.5`` above; no weight decay for biases and
    ``LayerNorm.weight``.  For the general form (any model, decay per depth,
    merged groups) see :func:`lrcurves.adapters.torch_groups.param_groups`.
    """
    named = list(model.named_parameters())
    groups: list[dict[str, Any]] = [{"params": [p for _, p in named[head_param_start:]], "lr": head_lr}]
    for i, (name, p) in enumerate(named[:head_param_start]):
        if i >= layer_middle_threshold:
            lr = base_lr / 0.5
        elif i >= layer_low_threshold:
            lr = base_lr
        else:
            lr = base_lr / 2.5
        decay = 0.0 if no_weight_decay(name, ("bias", "LayerNorm.weight")) else wd
        groups.append({"params": p, "weight_decay": decay, "lr": lr})
    return groups


# ---------------------------------------------------------------------------
# registry

_SCHEDULERS: dict[str, Any] = {
    "constant": ConstantLR,
    "step": StepLR,
    "multi_step": MultiStepLR,
    "cyclic": CyclicLR,
    "multiplicative": MultiplicativeLR,
    "one_cycle": OneCycleLR,
    "cosine": CosineScheduler,
    "poly": PolyScheduler,
    "linear": LinearScheduler,
    "proportion": ProportionScheduler,
    "cosine_annealing": CosineAnnealingLR,
    "cosine_annealing_with_warmup": CosineAnnealingWarmupRestarts,
    "cosine_annealing_with_warm_restart": CosineAnnealingWarmRestarts,
    "chebyshev": get_chebyshev_schedule,
    "rex": REXScheduler,
    "warmup_stable_decay": get_wsd_schedule,
}


def load_lr_scheduler(lr_scheduler_name: str) -> Any:
    """The scheduler class (or factory function) registered as ``lr_scheduler_name`` (case-insensitive)."""
    key = lr_scheduler_name.lower()
    if key not in _SCHEDULERS:
        raise NotImplementedError(f"not implemented lr_scheduler {key}")
    return _SCHEDULERS[key]


def get_supported_lr_schedulers(filters: str | Sequence[str] | None = None) -> list[str]:
    """Sorted scheduler names, optionally filtered by fnmatch pattern(s)."""
    if filters is None:
        return sorted(_SCHEDULERS)
    pats = list(filters) if isinstance(filters, (list, tuple)) else [filters]
    out: set[str] = set()
    for pat in pats:
        out.update(fnmatch.filter(_SCHEDULERS, pat))
    return sorted(out)
