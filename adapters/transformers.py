"""Drop-in replacements for HF transformers' schedules (``transformers.optimization``, 5.24.0).

``get_scheduler`` and every ``get_*_schedule*`` function have HF's names,
signatures, defaults, errors for missing arguments and ``last_epoch``
handling.  Like HF's, each returns a ``LambdaLR`` (this package's
:class:`lrcurves.adapters.torch_schedulers.LambdaLR`, a real
``torch.optim.lr_scheduler.LRScheduler``) that sets every param group to its
initial LR times the schedule's multiplier -- here a core
:class:`~lrcurves.Schedule` built by :mod:`lrcurves.compat.transformers`,
evaluated in closed form at the step (``Schedule.value``), instead of a
``functools.partial`` of a Python function.  The multipliers equal HF's
``lr_lambda`` values (to float64 rounding), including past
``num_training_steps``.

Migrating is a one-line import change::

    from lrcurves.adapters.transformers import get_scheduler  # was: from transformers import get_scheduler

and in ``Trainer``, pass the scheduler explicitly::

    trainer = Trainer(model, args, optimizers=(opt, get_scheduler(
        args.lr_scheduler_type, opt, args.get_warmup_steps(max_steps), max_steps,
        args.lr_scheduler_kwargs)))

Checkpoints: ``state_dict()`` is HF's (``base_lrs``, ``last_epoch``,
``_step_count``, ``_last_lr``, ``lr_lambdas`` as ``[{}]`` per group), so
``Trainer``'s ``scheduler.pt`` resumes with either implementation.
``scheduler.schedule`` is the pure multiplier schedule
(``lrcurves.curve(scheduler.schedule, n)`` plots it before training).

``"reduce_lr_on_plateau"`` and ``"greedy"`` react to evaluation metrics and
have no closed form: ``get_scheduler`` returns torch's ``ReduceLROnPlateau``
and HF's ``GreedyLR`` for them, exactly as HF does (the latter needs
transformers installed).

Differences from the original
-----------------------------
Each has a test in ``tests/adapters/test_transformers.py``.

1. **Cosine periods must be whole steps.**  ``num_cycles`` other than the
   default is accepted when a half wave (``"cosine"``, ``"cosine_with_min_lr"``,
   ``"cosine_warmup_with_min_lr"``, ``"warmup_stable_decay"``'s cosine decay)
   or a cycle (``"cosine_with_restarts"``) spans a whole number of steps;
   otherwise ``ValueError`` (the core cosine takes an integer length).
2. **Zero-length decays raise at construction.**  ``"polynomial"`` with
   ``num_training_steps == num_warmup_steps`` and ``"inverse_sqrt"`` with
   ``timescale=0``: HF raises ``ZeroDivisionError`` at that step; the
   drop-ins raise :class:`lrcurves.compat.torch.ZeroLengthError` (a
   ``ZeroDivisionError`` and a ``ValueError``) when the scheduler is built.
3. **Negative or undefined LRs are rejected** (``ValueError``): a negative
   ``lr_end``, ``min_lr``/``min_lr_rate``, ``min_lr_ratio``, ``warmup_lr_rate``
   or ``num_warmup_steps``, a non-positive ``power``, a negative
   ``timescale`` (HF takes a square root of a negative number), and
   non-integral step counts.
4. **The LambdaLR is lrcurves'**: ``isinstance(s, torch.optim.lr_scheduler.
   LambdaLR)`` is false, and ``s.lr_lambdas`` holds the
   :class:`~lrcurves.Schedule` (``s.lr_lambdas[0].value(k)`` is HF's
   ``lr_lambda(k)``).
"""

from __future__ import annotations

from typing import Any

from lrcurves.adapters.torch_schedulers import LambdaLR
from torch.optim import Optimizer

from lrcurves import Schedule
from lrcurves.compat import transformers as _hf

__all__ = [
    "SCHEDULER_TYPES",
    "SchedulerType",
    "TYPE_TO_SCHEDULER_FUNCTION",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_greedy_schedule",
    "get_inverse_sqrt_schedule",
    "get_linear_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_reduce_on_plateau_schedule",
    "get_scheduler",
    "get_wsd_schedule",
]

SCHEDULER_TYPES = _hf.SCHEDULER_TYPES
SchedulerType = _hf.SchedulerType


class _HFLambdaLR(LambdaLR):
    """HF's LambdaLR: one multiplier schedule for every group; HF's state dict."""

    def __init__(self, optimizer: Optimizer, schedule: Schedule, last_epoch: int = -1) -> None:
        self.schedule = schedule
        super().__init__(optimizer, schedule, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        sd = super().state_dict()
        sd["lr_lambdas"] = [{} for _ in self.lr_lambdas]  # HF's functools.partial.__dict__
        return sd


def _lambda(optimizer: Optimizer, name: str, last_epoch: int, **params: Any) -> LambdaLR:
    return _HFLambdaLR(optimizer, _hf.multiplier(name, **params), last_epoch)


def _default_lr(optimizer: Optimizer) -> Any:
    return optimizer.defaults["lr"]


def get_constant_schedule(optimizer: Optimizer, last_epoch: int = -1) -> LambdaLR:
    """A constant learning rate: the optimizer's."""
    return _lambda(optimizer, "constant", last_epoch)


def get_reduce_on_plateau_schedule(optimizer: Optimizer, **kwargs: Any) -> Any:
    """torch's ``ReduceLROnPlateau`` (metric-driven: no closed form), as HF."""
    from torch.optim.lr_scheduler import ReduceLROnPlateau

    return ReduceLROnPlateau(optimizer, **kwargs)


def get_greedy_schedule(optimizer: Optimizer, **kwargs: Any) -> Any:
    """HF's ``GreedyLR`` (metric-driven: no closed form); needs transformers."""
    try:
        from transformers.optimization import GreedyLR
    except ImportError as exc:  # pragma: no cover - transformers is a test dependency
        raise ValueError(f"greedy: {_hf.OUT_OF_SCOPE['greedy']} (transformers is not installed)") from exc
    return GreedyLR(optimizer, **kwargs)


def get_constant_schedule_with_warmup(optimizer: Optimizer, num_warmup_steps: int, last_epoch: int = -1) -> LambdaLR:
    """Linear warmup from 0 over ``num_warmup_steps``, then constant."""
    return _lambda(optimizer, "constant_with_warmup", last_epoch, num_warmup_steps=num_warmup_steps)


def get_linear_schedule_with_warmup(optimizer: Optimizer, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1) -> LambdaLR:
    """Linear warmup, then linear decay to 0 at ``num_training_steps``."""
    return _lambda(optimizer, "linear", last_epoch, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps)


def get_cosine_schedule_with_warmup(
    optimizer: Optimizer, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5, last_epoch: int = -1
) -> LambdaLR:
    """Linear warmup, then ``num_cycles`` cosine waves (a half wave to 0 by default)."""
    return _lambda(
        optimizer, "cosine", last_epoch,
        num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, num_cycles=num_cycles,
    )


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: Optimizer, num_warmup_steps: int, num_training_steps: int, num_cycles: int = 1, last_epoch: int = -1
) -> LambdaLR:
    """Linear warmup, then ``num_cycles`` cosine decays with hard restarts; 0 after the end."""
    return _lambda(
        optimizer, "cosine_with_restarts", last_epoch,
        num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, num_cycles=num_cycles,
    )


def get_polynomial_decay_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> LambdaLR:
    """Linear warmup, then polynomial decay from the optimizer's lr to ``lr_end``."""
    return _lambda(
        optimizer, "polynomial", last_epoch,
        num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps,
        lr_end=lr_end, power=power, lr_init=_default_lr(optimizer),
    )


def get_inverse_sqrt_schedule(
    optimizer: Optimizer, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> LambdaLR:
    """Linear warmup, then inverse square-root decay (``timescale`` defaults to the warmup, or 10000)."""
    return _lambda(optimizer, "inverse_sqrt", last_epoch, num_warmup_steps=num_warmup_steps, timescale=timescale)


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> LambdaLR:
    """Linear warmup, then cosine decay to ``min_lr`` (or ``min_lr_rate`` times the initial lr)."""
    return _lambda(
        optimizer, "cosine_with_min_lr", last_epoch,
        num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, num_cycles=num_cycles,
        min_lr=min_lr, min_lr_rate=min_lr_rate, optimizer_lr=_default_lr(optimizer) if min_lr is not None else None,
    )


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> LambdaLR:
    """Warmup (from ``warmup_lr_rate``, or ``1/W``) then cosine decay to the minimum, one step ahead."""
    return _lambda(
        optimizer, "cosine_warmup_with_min_lr", last_epoch,
        num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, num_cycles=num_cycles,
        min_lr=min_lr, min_lr_rate=min_lr_rate, warmup_lr_rate=warmup_lr_rate,
        optimizer_lr=_default_lr(optimizer) if min_lr is not None else None,
    )


def get_wsd_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> LambdaLR:
    """Warmup, stable, decay (WSD) with HF's warmup and decay types."""
    return _lambda(
        optimizer, "warmup_stable_decay", last_epoch,
        num_warmup_steps=num_warmup_steps, num_decay_steps=num_decay_steps,
        num_training_steps=num_training_steps, num_stable_steps=num_stable_steps,
        warmup_type=warmup_type, decay_type=decay_type, min_lr_ratio=min_lr_ratio, num_cycles=num_cycles,
    )


TYPE_TO_SCHEDULER_FUNCTION = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
    "greedy": get_greedy_schedule,
}


def get_scheduler(
    name: Any,
    optimizer: Optimizer,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict[str, Any] | None = None,
) -> Any:
    """HF's unified constructor: the schedule called ``name`` (a ``SchedulerType`` or its value).

    Same dispatch as HF: ``"constant"`` ignores the other arguments,
    ``"reduce_lr_on_plateau"``/``"greedy"`` take only
    ``scheduler_specific_kwargs``, every other name needs
    ``num_warmup_steps`` (``ValueError`` otherwise), and all but
    ``"constant_with_warmup"``, ``"inverse_sqrt"`` and
    ``"warmup_stable_decay"`` need ``num_training_steps``; mismatched
    ``scheduler_specific_kwargs`` raise ``TypeError``.
    """
    kind = _hf.check_name(name)
    st = _hf.SchedulerType(kind)  # formats as HF's messages do
    fn = TYPE_TO_SCHEDULER_FUNCTION[kind]
    if kind == "constant":
        return fn(optimizer)
    kwargs = {} if scheduler_specific_kwargs is None else dict(scheduler_specific_kwargs)
    if kind in ("reduce_lr_on_plateau", "greedy"):
        return fn(optimizer, **kwargs)
    if num_warmup_steps is None:
        raise ValueError(f"{st} requires `num_warmup_steps`, please provide that argument.")
    if kind == "constant_with_warmup":
        return fn(optimizer, num_warmup_steps=num_warmup_steps)
    if kind == "inverse_sqrt":
        return fn(optimizer, num_warmup_steps=num_warmup_steps, **kwargs)
    if kind == "warmup_stable_decay":
        return fn(optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **kwargs)
    if num_training_steps is None:
        raise ValueError(f"{st} requires `num_training_steps`, please provide that argument.")
    return fn(optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **kwargs)
