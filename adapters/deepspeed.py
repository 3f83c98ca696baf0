"""Drop-in replacements for DeepSpeed's LR schedulers (``deepspeed.runtime.lr_schedules``).

``LRRangeTest``, ``OneCycle``, ``WarmupLR``, ``WarmupDecayLR`` and
``WarmupCosineLR`` have DeepSpeed 0.19.8's names, constructor signatures,
defaults and methods (``step(x=None)``, ``get_lr()``, ``get_last_lr()``,
``get_mom()``, ``state_dict()``/``load_state_dict()`` in DeepSpeed's own
format ``{'last_batch_iteration': t}``).  Like DeepSpeed's they are plain
objects, not ``torch.optim.lr_scheduler.LRScheduler`` subclasses; they accept
a ``torch.optim.Optimizer`` or any object whose ``.optimizer`` is one, fill
tensor LRs in place, and can be passed to ``deepspeed.initialize(...,
lr_scheduler=...)``.  The LR values come from the core schedules built by
:mod:`lrcurves.compat.deepspeed` (``Schedule.value(k)``, the scalar fast
path); this module only translates parameters and the step convention
(DeepSpeed's ``last_batch_iteration = t`` is lrcurves step ``k = t + 1``).

Reproduced on purpose (DeepSpeed's deterministic behaviour): log warmup as
the default, the minimum LR on the first two updates, ``WarmupCosineLR``
writing 0 at construction, ``OneCycle``'s construction momentum
``cycle_min_mom`` and its ``beta2 = 0.99``, stairs that drop right after the
peak, the continuous inverse-time decay, ``step(x)`` meaning
``last_batch_iteration = x``, ``get_last_lr()`` failing before the first
``step()`` for ``OneCycle``, and ``load_state_dict`` not re-applying the LR.

Differences from DeepSpeed
--------------------------
Each has a test in ``tests/adapters/test_deepspeed.py``.

1. **SGD-style momentum is cycled.**  DeepSpeed's ``OneCycle`` cycles momentum
   only for optimizers with ``betas`` and silently leaves SGD's ``momentum``
   alone (its own docstring example uses SGD).  Here, with
   ``cycle_momentum=True``, an optimizer with a ``momentum`` default gets
   ``group['momentum']`` cycled exactly as ``betas[0]`` would be, and
   ``get_mom()`` returns the momenta.  Optimizers with neither keep
   DeepSpeed's behaviour (a warning; momentum cycling off).
2. **``decay_mom_rate`` is rejected** (``ValueError``) when momentum is
   cycled and ``decay_step_size > 0``: DeepSpeed multiplies the momentum by
   ``1 + decay_mom_rate * n / decay_step_size``, which passes 1 (invalid for
   Adam's ``beta1`` and SGD) after finitely many steps.
3. **Unknown ``warmup_type`` is rejected** (``ValueError``); DeepSpeed logs a
   warning and silently uses ``'log'``.
4. **Integral floats are accepted for integer fields** (``1e3`` from JSON);
   DeepSpeed rejects ``warmup_num_steps=1e3`` and ``lr_range_test_step_size=
   200.0``.  Non-integral values (``2.5``) are rejected with a clear message
   (DeepSpeed silently accepts them for ``cycle_*_step_size`` and
   ``total_num_steps``).
5. **Values that make the LR negative or undefined are rejected**: negative
   LRs, ratios or ``lr_range_test_step_rate``/``decay_lr_rate`` (DeepSpeed
   computes negative or infinite LRs), momenta outside ``[0, 1]``,
   ``cycle_min_lr > cycle_max_lr``, and ``cycle_second_step_size=0``
   (not expressible by the core ``cyclic`` schedule).
6. **Negative ``step(x)``/``last_batch_iteration < -1``** evaluate as the
   construction value (lrcurves clamps steps below 0); DeepSpeed extrapolates
   ``LRRangeTest``/``OneCycle`` formulas to negative iterations.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from lrcurves import Schedule
from lrcurves.compat import deepspeed as _ds
from lrcurves.validate import state_dict_of, state_int

__all__ = ["LRRangeTest", "OneCycle", "WarmupCosineLR", "WarmupDecayLR", "WarmupLR"]


def _torch_optimizer(optimizer: Any) -> Any:
    from torch.optim import Optimizer

    if isinstance(optimizer, Optimizer):
        return optimizer
    inner = getattr(optimizer, "optimizer", None)
    if isinstance(inner, Optimizer):
        return inner
    raise TypeError(f"{type(optimizer).__name__} is not a subclass of torch.optim.Optimizer")


def _as_float(v: Any) -> float:
    item = getattr(v, "item", None)
    return float(item()) if callable(item) else float(v)


def _update_lr(param_groups: Sequence[dict[str, Any]], lrs: Sequence[float]) -> list[Any]:
    import torch

    for group, lr in zip(param_groups, lrs, strict=False):
        cur = group["lr"]
        if isinstance(cur, torch.Tensor):
            cur.fill_(lr)
        else:
            group["lr"] = lr
    return [group["lr"] for group in param_groups]


class _DeepSpeedScheduler:
    """Shared machinery: one core schedule per param group, DeepSpeed's counter."""

    _type: str = ""
    _needs_base_lr: bool = False

    def _setup(self, optimizer: Any, params: dict[str, Any], last_batch_iteration: int) -> None:
        self.optimizer = _torch_optimizer(optimizer)
        groups = self.optimizer.param_groups
        _ds.check_group_lengths(self._type, params, len(groups))
        self._params = _ds.normalize_params(self._type, params)
        base = [_as_float(g["lr"]) for g in groups]
        self._schedules: list[Schedule] = [
            # LR only: the adapter writes momentum itself (see OneCycle), so an
            # optimizer without a momentum slot never trips the momentum checks
            _ds.schedule_from_ds(self._type, self._params, base_lr=base, group=i, momentum=False)
            for i in range(len(groups))
        ]
        self.last_batch_iteration = int(last_batch_iteration)

    # -- DeepSpeed API ---------------------------------------------------
    def get_lr(self) -> list[float]:
        k = self.last_batch_iteration + 1
        return [s.value(k) for s in self._schedules]

    def get_last_lr(self) -> list[Any]:
        assert getattr(self, "_last_lr", None) is not None, "need to call step() first"
        return self._last_lr

    def step(self, last_batch_iteration: int | None = None) -> None:
        if last_batch_iteration is None:
            last_batch_iteration = self.last_batch_iteration + 1
        self.last_batch_iteration = last_batch_iteration
        self._last_lr = _update_lr(self.optimizer.param_groups, self.get_lr())

    def state_dict(self) -> dict[str, int]:
        return {"last_batch_iteration": self.last_batch_iteration}

    def load_state_dict(self, sd: dict[str, Any]) -> None:
        """Restore the step counter.

        Unlike DeepSpeed, which assigns whatever it is given (``"x"`` fails
        later in ``get_lr``, ``5.5`` silently gives fractional-step LRs),
        the counter must be an integer ``>= -1``, and a state without it
        (another scheduler's) raises :class:`ValueError`.
        """
        st = state_dict_of(type(self).__name__, sd, ("last_batch_iteration",))
        self.last_batch_iteration = state_int(type(self).__name__, st, "last_batch_iteration", min=-1)

    # -- lrcurves extras ---------------------------------------------------
    @property
    def schedules(self) -> list[Schedule]:
        """The core schedule of each param group (value at ``k`` = LR after ``k`` steps)."""
        return list(self._schedules)


class LRRangeTest(_DeepSpeedScheduler):
    """DeepSpeed's LR range test: ``min_lr * (1 + step_rate * k / step_size)`` after ``k`` steps."""

    _type = "LRRangeTest"

    def __init__(
        self,
        optimizer: Any,
        lr_range_test_min_lr: float | Sequence[float] = 1e-3,
        lr_range_test_step_size: int = 2000,
        lr_range_test_step_rate: float = 1.0,
        lr_range_test_staircase: bool = False,
        last_batch_iteration: int = -1,
    ) -> None:
        self._setup(
            optimizer,
            {
                "lr_range_test_min_lr": lr_range_test_min_lr,
                "lr_range_test_step_size": lr_range_test_step_size,
                "lr_range_test_step_rate": lr_range_test_step_rate,
                "lr_range_test_staircase": lr_range_test_staircase,
            },
            last_batch_iteration,
        )
        if last_batch_iteration == -1:
            self._last_lr = _update_lr(self.optimizer.param_groups, self.get_lr())


class OneCycle(_DeepSpeedScheduler):
    """DeepSpeed's 1-cycle policy: one (stair) cycle of LR and momentum, then inverse-time decay."""

    _type = "OneCycle"

    def __init__(
        self,
        optimizer: Any,
        cycle_min_lr: float | Sequence[float],
        cycle_max_lr: float | Sequence[float],
        decay_lr_rate: float = 0.0,
        cycle_first_step_size: int = 2000,
        cycle_second_step_size: int | None = None,
        cycle_first_stair_count: int = 0,
        cycle_second_stair_count: int | None = None,
        decay_step_size: int = 0,
        cycle_momentum: bool = True,
        cycle_min_mom: float | Sequence[float] = 0.8,
        cycle_max_mom: float | Sequence[float] = 0.9,
        decay_mom_rate: float = 0.0,
        last_batch_iteration: int = -1,
    ) -> None:
        params = {
            "cycle_min_lr": cycle_min_lr,
            "cycle_max_lr": cycle_max_lr,
            "decay_lr_rate": decay_lr_rate,
            "cycle_first_step_size": cycle_first_step_size,
            "cycle_second_step_size": cycle_second_step_size,
            "cycle_first_stair_count": cycle_first_stair_count,
            "cycle_second_stair_count": cycle_second_stair_count,
            "decay_step_size": decay_step_size,
            "cycle_momentum": cycle_momentum,
            "cycle_min_mom": cycle_min_mom,
            "cycle_max_mom": cycle_max_mom,
            "decay_mom_rate": decay_mom_rate,
        }
        self._setup(optimizer, params, -1)
        groups = self.optimizer.param_groups
        if last_batch_iteration == -1:
            _update_lr(groups, self.get_lr())
        self.cycle_momentum = bool(cycle_momentum)
        self._mom_key: str | None = None
        self._momenta: list[Schedule] = []
        if self.cycle_momentum:
            defaults = self.optimizer.defaults
            if "betas" in defaults:
                self._mom_key = "betas"
            elif "momentum" in defaults:
                self._mom_key = "momentum"  # DeepSpeed leaves SGD momentum alone
            else:
                warnings.warn(
                    f"cycle_momentum is disabled because optimizer {type(self.optimizer).__name__} "
                    "has neither betas nor momentum",
                    stacklevel=2,
                )
                self.cycle_momentum = False
        if self.cycle_momentum:
            self._momenta = [
                m
                for i in range(len(groups))
                if (m := _ds.momentum_from_ds(self._type, self._params, group=i)) is not None
            ]
            if last_batch_iteration == -1:
                lows = [
                    _ds._pick(self._type, "cycle_min_mom", self._params["cycle_min_mom"], i)
                    for i in range(len(groups))
                ]
                self._write_mom([float(x) for x in lows])
        self.last_batch_iteration = int(last_batch_iteration)

    def _write_mom(self, moms: Sequence[float]) -> None:
        for group, m in zip(self.optimizer.param_groups, moms, strict=False):
            if self._mom_key == "betas":
                group["betas"] = (m, 0.99)
            else:
                group["momentum"] = m

    def get_mom(self) -> list[Any] | None:
        if not self.cycle_momentum:
            return None
        k = self.last_batch_iteration + 1
        moms = [m.momentum_value(k) for m in self._momenta]
        return [(m, 0.99) for m in moms] if self._mom_key == "betas" else moms

    def step(self, batch_iteration: int | None = None) -> None:
        super().step(batch_iteration)
        if self.cycle_momentum:
            k = self.last_batch_iteration + 1
            self._write_mom([m.momentum_value(k) for m in self._momenta])


class WarmupLR(_DeepSpeedScheduler):
    """DeepSpeed's warmup (log by default) from ``warmup_min_lr`` to ``warmup_max_lr``, then constant."""

    _type = "WarmupLR"

    def __init__(
        self,
        optimizer: Any,
        warmup_min_lr: float | Sequence[float] = 0.0,
        warmup_max_lr: float | Sequence[float] | None = None,
        warmup_num_steps: int = 1000,
        warmup_type: str = "log",
        last_batch_iteration: int = -1,
    ) -> None:
        self._setup(
            optimizer,
            {
                "warmup_min_lr": warmup_min_lr,
                "warmup_max_lr": warmup_max_lr,
                "warmup_num_steps": warmup_num_steps,
                "warmup_type": warmup_type,
            },
            last_batch_iteration,
        )
        if last_batch_iteration == -1:
            self._last_lr = _update_lr(self.optimizer.param_groups, self.get_lr())


class WarmupDecayLR(WarmupLR):
    """DeepSpeed's warmup, then linear decay back to ``warmup_min_lr`` at ``total_num_steps``."""

    _type = "WarmupDecayLR"

    def __init__(
        self,
        optimizer: Any,
        total_num_steps: int,
        warmup_min_lr: float | Sequence[float] = 0.0,
        warmup_max_lr: float | Sequence[float] = 0.001,
        warmup_num_steps: int = 1000,
        warmup_type: str = "log",
        last_batch_iteration: int = -1,
    ) -> None:
        self.total_num_steps = total_num_steps
        self._setup(
            optimizer,
            {
                "total_num_steps": total_num_steps,
                "warmup_min_lr": warmup_min_lr,
                "warmup_max_lr": warmup_max_lr,
                "warmup_num_steps": warmup_num_steps,
                "warmup_type": warmup_type,
            },
            last_batch_iteration,
        )
        if last_batch_iteration == -1:
            self._last_lr = _update_lr(self.optimizer.param_groups, self.get_lr())


class WarmupCosineLR(_DeepSpeedScheduler):
    """DeepSpeed's warmup ratio then cosine ratio, applied to each group's construction-time LR."""

    _type = "WarmupCosineLR"

    def __init__(
        self,
        optimizer: Any,
        total_num_steps: int,
        warmup_min_ratio: float = 0.0,
        warmup_num_steps: int = 1000,
        cos_min_ratio: float = 0.0001,
        warmup_type: str = "log",
        last_batch_iteration: int = -1,
    ) -> None:
        self.total_num_steps = total_num_steps
        self._setup(
            optimizer,
            {
                "total_num_steps": total_num_steps,
                "warmup_min_ratio": warmup_min_ratio,
                "warmup_num_steps": warmup_num_steps,
                "cos_min_ratio": cos_min_ratio,
                "warmup_type": warmup_type,
            },
            last_batch_iteration,
        )
        if last_batch_iteration == -1:
            self._last_lr = _update_lr(self.optimizer.param_groups, self.get_lr())
