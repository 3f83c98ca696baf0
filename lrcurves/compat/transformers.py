"""HF transformers' learning-rate schedules as pure lrcurves schedules (no torch, no transformers).

transformers (targeted version 5.24.0) builds every schedule of
``transformers.optimization`` as a ``torch.optim.lr_scheduler.LambdaLR``
whose multiplier ``lr_lambda(step)`` scales each param group's initial LR.
This module translates each ``SchedulerType`` name (``"linear"``,
``"cosine"``, ``"cosine_with_restarts"``, ``"polynomial"``, ``"constant"``,
``"constant_with_warmup"``, ``"inverse_sqrt"``, ``"cosine_with_min_lr"``,
``"cosine_warmup_with_min_lr"``, ``"warmup_stable_decay"``) into a core
:class:`~lrcurves.Schedule` of that multiplier, built from core pieces
(``warmup``, ``linear``, ``polynomial``, ``cosine_decay``, ``inverse_sqrt``,
``warmup_stable_decay``, ``join``, ``repeat``, ``shift``, ``remap``); it holds
no schedule math of its own.  The value at step ``k`` is HF's
``lr_lambda(k)``, so the LR after ``k`` ``scheduler.step()`` calls is the
group's initial LR times it (:func:`schedule` includes that product).

>>> from lrcurves.compat import transformers as hf
>>> s = hf.schedule("linear", base_lr=1.0, num_warmup_steps=2, num_training_steps=6)
>>> [s.value(k) for k in range(8)]
[0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]

Formats for :func:`lrcurves.from_config` (and so ``lrcurves plot --config``):

* ``{"transformers": <name>, "num_warmup_steps": W, "num_training_steps": N,
  <scheduler_specific_kwargs>...}`` (or those under ``"params"``), with
  ``base_lr=`` the optimizer's learning rate;
* a ``TrainingArguments``-like dict (its ``to_dict()``/JSON dump, or a few of
  its fields): ``lr_scheduler_type``, ``learning_rate``, ``warmup_steps``
  (an int, or a float in ``[0, 1)``: a ratio of the run) or ``warmup_ratio``
  (older releases), ``max_steps`` or ``num_train_epochs`` with
  ``steps_per_epoch`` (optimizer steps per epoch, after gradient
  accumulation), and ``lr_scheduler_kwargs`` -- see :func:`from_training_args`.

>>> import lrcurves
>>> args = {"lr_scheduler_type": "cosine", "learning_rate": 1e-3,
...         "warmup_steps": 0.1, "max_steps": 100}
>>> s = lrcurves.from_config(args)
>>> round(s.value(10), 6), round(s.value(55), 6), s.value(100)
(0.001, 0.0005, 0.0)

Past ``num_training_steps`` HF's cosines keep following the cosine wave
(rising again); this is reproduced (``repeat(join([decay, rise]))``).
``reduce_lr_on_plateau`` and ``greedy`` react to metrics and have no closed
form (:data:`OUT_OF_SCOPE`).
"""

from __future__ import annotations

import enum
import json
import math
import numbers
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import lrcurves
from lrcurves import Schedule, register_config_format
from lrcurves.compat.torch import ZeroLengthError, periodic_cosine
from lrcurves.validate import as_int, as_value

__all__ = [
    "FUNCTIONS",
    "NAMES",
    "OUT_OF_SCOPE",
    "SCHEDULER_TYPES",
    "SchedulerType",
    "check_name",
    "from_training_args",
    "load_config",
    "multiplier",
    "schedule",
    "training_steps",
    "warmup_steps",
]

#: Every ``transformers.SchedulerType`` value, in HF's order.
SCHEDULER_TYPES = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "reduce_lr_on_plateau",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
    "greedy",
)



class SchedulerType(str, enum.Enum):
    """A mirror of ``transformers.SchedulerType`` (same names, values and formatting)."""

    LINEAR = "linear"
    COSINE = "cosine"
    COSINE_WITH_RESTARTS = "cosine_with_restarts"
    POLYNOMIAL = "polynomial"
    CONSTANT = "constant"
    CONSTANT_WITH_WARMUP = "constant_with_warmup"
    INVERSE_SQRT = "inverse_sqrt"
    REDUCE_ON_PLATEAU = "reduce_lr_on_plateau"
    COSINE_WITH_MIN_LR = "cosine_with_min_lr"
    COSINE_WARMUP_WITH_MIN_LR = "cosine_warmup_with_min_lr"
    WARMUP_STABLE_DECAY = "warmup_stable_decay"
    GREEDY = "greedy"


#: The metric-driven ones: no closed form, no schedule.
OUT_OF_SCOPE = {
    "reduce_lr_on_plateau": (
        "reduce_lr_on_plateau is torch's ReduceLROnPlateau: it lowers the LR when an evaluation "
        "metric stops improving, so it has no closed form in the step; "
        "lrcurves.adapters.transformers.get_scheduler returns torch's ReduceLROnPlateau for it, "
        "as HF does"
    ),
    "greedy": (
        "greedy is HF's GreedyLR: it raises or lowers the LR from evaluation metrics, so it has "
        "no closed form; lrcurves.adapters.transformers.get_scheduler returns HF's GreedyLR for it"
    ),
}

#: The names with a closed form.
NAMES = tuple(n for n in SCHEDULER_TYPES if n not in OUT_OF_SCOPE)

#: HF's schedule functions and the name each implements.
FUNCTIONS = {
    "get_constant_schedule": "constant",
    "get_constant_schedule_with_warmup": "constant_with_warmup",
    "get_linear_schedule_with_warmup": "linear",
    "get_cosine_schedule_with_warmup": "cosine",
    "get_cosine_with_hard_restarts_schedule_with_warmup": "cosine_with_restarts",
    "get_polynomial_decay_schedule_with_warmup": "polynomial",
    "get_inverse_sqrt_schedule": "inverse_sqrt",
    "get_cosine_with_min_lr_schedule_with_warmup": "cosine_with_min_lr",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": "cosine_warmup_with_min_lr",
    "get_wsd_schedule": "warmup_stable_decay",
}

WSD_TYPES = ("linear", "cosine", "1-sqrt")


def check_name(name: Any) -> str:
    """HF's ``SchedulerType(name)``: the same ``ValueError`` for an unknown name."""
    value = getattr(name, "value", name)
    if not isinstance(value, str) or value not in SCHEDULER_TYPES:
        raise ValueError(
            f"{value} is not a valid SchedulerType, please select one of {list(SCHEDULER_TYPES)}"
        )
    return value


# ---------------------------------------------------------------------------
# argument checks


def _num(v: Any) -> Any:
    item = getattr(v, "item", None)
    return item() if callable(item) and not isinstance(v, numbers.Real) else v


def _steps(name: str, what: str, v: Any) -> int:
    return as_int(name, what, _num(v), min=0)


def _ratio(name: str, what: str, v: Any) -> float:
    return float(as_value(name, what, _num(v), allow_array=False))


def _warm(after: Schedule, w: int) -> Schedule:
    """HF's warmup ``t / max(1, W)`` for ``t < W``, then ``after`` (which starts at 1)."""
    return lrcurves.warmup(after, w, peak_value=1.0) if w > 0 else after


def _half_period(name: str, length: int, num_cycles: float) -> int | None:
    """Steps per half wave of ``cos(pi * 2 * num_cycles * s / length)`` (``None``: no wave)."""
    if num_cycles == 0.0:
        return None
    p = length / (2.0 * num_cycles)
    if p != math.floor(p) or p < 1:
        raise ValueError(
            f"{name}: num_cycles={num_cycles!r} over {length} steps gives a half wave of {p!r} "
            "steps; lrcurves needs a whole number of steps per half wave (the core cosine takes "
            "an integer length), e.g. num_cycles=0.5 (the default)"
        )
    return int(p)


def _wave(name: str, length: int, num_cycles: float, low: float) -> Schedule:
    """``low + (1 - low) (1 + cos(pi * 2 * num_cycles * s / length)) / 2`` for every ``s >= 0``."""
    half = _half_period(name, length, num_cycles)
    if half is None:
        return lrcurves.constant(1.0)
    return periodic_cosine(1.0, low, half)


# ---------------------------------------------------------------------------
# the multipliers, one per name (HF's parameters)


def _constant(**kw: Any) -> Schedule:
    return lrcurves.constant(1.0)


def _constant_with_warmup(*, num_warmup_steps: Any) -> Schedule:
    w = _steps("constant_with_warmup", "num_warmup_steps", num_warmup_steps)
    return _warm(lrcurves.constant(1.0), w)


def _linear(*, num_warmup_steps: Any, num_training_steps: Any) -> Schedule:
    n = "linear"
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    if total - w < 1:  # HF: (N - t) / 1 <= 0 from W on, floored at 0
        return lrcurves.warmup(lrcurves.constant(0.0), w, peak_value=1.0) if w else lrcurves.constant(0.0)
    return _warm(lrcurves.linear(1.0, 0.0, transition_steps=total - w), w)


def _cosine(*, num_warmup_steps: Any, num_training_steps: Any, num_cycles: Any = 0.5) -> Schedule:
    n = "cosine"
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    nc = _ratio(n, "num_cycles", num_cycles)
    return _warm(_wave(n, max(1, total - w), nc, 0.0), w)


def _cosine_with_restarts(*, num_warmup_steps: Any, num_training_steps: Any, num_cycles: Any = 1) -> Schedule:
    n = "cosine_with_restarts"
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    nc = _ratio(n, "num_cycles", num_cycles)
    d = max(1, total - w)
    if nc == 0.0:
        cycles = lrcurves.constant(1.0)
    else:
        length = d / nc
        if length != math.floor(length) or length < 1:
            raise ValueError(
                f"{n}: num_cycles={num_cycles!r} over {d} steps gives cycles of {length!r} steps; "
                "lrcurves needs a whole number of steps per cycle (e.g. num_training_steps - "
                "num_warmup_steps divisible by num_cycles)"
            )
        length = int(length)
        cycles = lrcurves.repeat(lrcurves.cosine_decay(1.0, length), period=length)
    return _warm(lrcurves.join([cycles, lrcurves.constant(0.0)], boundaries=[d]), w)


def _polynomial(
    *, num_warmup_steps: Any, num_training_steps: Any, lr_end: Any = 1e-7, power: Any = 1.0, lr_init: Any
) -> Schedule:
    n = "polynomial"
    if not (lr_init > lr_end):
        raise ValueError(f"lr_end ({lr_end}) must be smaller than initial lr ({lr_init})")
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    init = _ratio(n, "lr_init (the optimizer's lr)", lr_init)
    end = _ratio(n, "lr_end", lr_end)
    p = float(as_value(n, "power", _num(power), min=0.0, min_open=True, allow_array=False))
    ratio = end / init  # HF's lr_end / lr_init, the multiplier after the decay
    if total == w:
        raise ZeroLengthError(
            f"{n}: num_training_steps == num_warmup_steps ({total}) leaves a decay of zero steps; "
            "HF raises ZeroDivisionError at that step, lrcurves rejects it at construction"
        )
    if total < w:  # no decay: warmup, then lr_end / lr_init
        return lrcurves.warmup(lrcurves.constant(ratio), w, peak_value=1.0)
    return _warm(lrcurves.polynomial(1.0, ratio, transition_steps=total - w, power=p), w)


def _inverse_sqrt(*, num_warmup_steps: Any, timescale: Any = None) -> Schedule:
    n = "inverse_sqrt"
    w = _steps(n, "num_warmup_steps", num_warmup_steps)
    if timescale is None:
        timescale = w or 10_000
    tau = as_int(n, "timescale", _num(timescale), min=None)
    if tau == 0:
        raise ZeroLengthError(f"{n}: timescale=0 divides by zero (HF raises ZeroDivisionError after the warmup)")
    if tau < 0:
        raise ValueError(f"{n}: timescale must be a positive integer, got {timescale!r}")
    return _warm(lrcurves.inverse_sqrt(1.0, timescale=tau), w)


def _min_lr_rate(n: str, min_lr: Any, min_lr_rate: Any, optimizer_lr: Any) -> float:
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError("Only one of min_lr or min_lr_rate should be set")
    if min_lr is not None:
        if optimizer_lr is None:
            raise ValueError(f"{n}: min_lr is given, so the optimizer's lr is needed (optimizer_lr=)")
        min_lr_rate = _num(min_lr) / _num(optimizer_lr)  # HF's min_lr / optimizer.defaults["lr"]
    elif min_lr_rate is None:
        raise ValueError("One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`")
    return _ratio(n, "min_lr_rate", min_lr_rate)


def _cosine_with_min_lr(
    *,
    num_warmup_steps: Any,
    num_training_steps: Any,
    num_cycles: Any = 0.5,
    min_lr: Any = None,
    min_lr_rate: Any = None,
    optimizer_lr: Any = None,
) -> Schedule:
    n = "cosine_with_min_lr"
    r = _min_lr_rate(n, min_lr, min_lr_rate, optimizer_lr)
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    nc = _ratio(n, "num_cycles", num_cycles)
    return _warm(_wave(n, max(1, total - w), nc, r), w)


def _cosine_warmup_with_min_lr(
    *,
    num_warmup_steps: Any,
    num_training_steps: Any,
    num_cycles: Any = 0.5,
    min_lr: Any = None,
    min_lr_rate: Any = None,
    warmup_lr_rate: Any = None,
    optimizer_lr: Any = None,
) -> Schedule:
    n = "cosine_warmup_with_min_lr"
    r = _min_lr_rate(n, min_lr, min_lr_rate, optimizer_lr)
    w, total = _steps(n, "num_warmup_steps", num_warmup_steps), _steps(n, "num_training_steps", num_training_steps)
    nc = _ratio(n, "num_cycles", num_cycles)
    wave = _wave(n, max(1, total - w), nc, r)
    if warmup_lr_rate is None:
        # (t + 1) / W, then the cosine at progress (t - W + 1) / (N - W): one step ahead
        return lrcurves.shift(_warm(wave, w), by=1)
    wr = _ratio(n, "warmup_lr_rate", warmup_lr_rate)
    if w == 0:
        return lrcurves.shift(wave, by=1)
    if w == 1:
        return lrcurves.join([lrcurves.constant(wr), lrcurves.shift(wave, by=1)], boundaries=[1])
    # wr + (1 - wr) t / (W - 1) for t < W - 1, reaching the cosine's start at t = W - 1
    return lrcurves.warmup(wave, w - 1, init_value=wr, peak_value=1.0)


def _wsd(
    *,
    num_warmup_steps: Any,
    num_decay_steps: Any,
    num_training_steps: Any = None,
    num_stable_steps: Any = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: Any = 0,
    num_cycles: Any = 0.5,
) -> Schedule:
    n = "warmup_stable_decay"
    if num_training_steps is None and num_stable_steps is None:
        raise ValueError("Either num_training_steps or num_stable_steps must be specified.")
    if num_training_steps is not None and num_stable_steps is not None:
        warnings.warn(
            "Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used.",
            stacklevel=3,
        )
    if warmup_type not in WSD_TYPES:
        raise ValueError(f"Unknown warmup type: {warmup_type}, expected 'linear', 'cosine' or '1-sqrt'")
    if decay_type not in WSD_TYPES:
        raise ValueError(f"Unknown decay type: {decay_type}, expected 'linear', 'cosine' or '1-sqrt'")
    w = _steps(n, "num_warmup_steps", num_warmup_steps)
    d = _steps(n, "num_decay_steps", num_decay_steps)
    if num_stable_steps is None:
        s = _num(num_training_steps) - w - d
        s = as_int(n, "num_training_steps - num_warmup_steps - num_decay_steps", s, min=None)
    else:
        s = as_int(n, "num_stable_steps", _num(num_stable_steps), min=None)
    r = _ratio(n, "min_lr_ratio", min_lr_ratio)
    nc = _ratio(n, "num_cycles", num_cycles)
    # from the end of the warmup: S stable steps at 1, the decay over D steps, then r
    if decay_type == "cosine" and nc != 0.5:
        pieces = [(max(s, 0), lrcurves.constant(1.0)), (d, _wave(n, d, nc, r)), (0, lrcurves.constant(r))]
        pieces = [(k, p) for k, p in pieces if k > 0 or p is pieces[-1][1]]
        bounds, acc = [], 0
        for k, _ in pieces[:-1]:
            acc += k
            bounds.append(acc)
        rest = lrcurves.join([p for _, p in pieces], boundaries=bounds) if bounds else pieces[0][1]
    else:
        rest = lrcurves.warmup_stable_decay(
            1.0, warmup_steps=0, stable_steps=max(s, 0), decay_steps=d, decay_shape=decay_type, end_value=r
        )
    if s < 0:  # a negative stable phase starts the decay -S steps in (HF's arithmetic)
        rest = lrcurves.shift(rest, by=-s)
    if w == 0:
        return rest
    if warmup_type == "1-sqrt":
        # r + (1 - r) (1 - sqrt(1 - t/W)) = 1 + (r - 1) sqrt(1 - t/W)
        root = lrcurves.polynomial(1.0, 0.0, transition_steps=w, power=0.5)
        warm = lrcurves.remap(root, in_min=0.0, in_max=1.0, out_min=1.0, out_max=r)
        return lrcurves.join([warm, rest], boundaries=[w])
    return lrcurves.warmup(rest, w, shape=warmup_type, init_value=r, peak_value=1.0)


_BUILDERS: dict[str, Callable[..., Schedule]] = {
    "linear": _linear,
    "cosine": _cosine,
    "cosine_with_restarts": _cosine_with_restarts,
    "polynomial": _polynomial,
    "constant": _constant,
    "constant_with_warmup": _constant_with_warmup,
    "inverse_sqrt": _inverse_sqrt,
    "cosine_with_min_lr": _cosine_with_min_lr,
    "cosine_warmup_with_min_lr": _cosine_warmup_with_min_lr,
    "warmup_stable_decay": _wsd,
}


def multiplier(name: Any, /, **params: Any) -> Schedule:
    """HF's ``lr_lambda`` of schedule ``name`` as a :class:`~lrcurves.Schedule`.

    ``params`` are the keyword arguments of the matching ``get_*`` function
    (``num_warmup_steps``, ``num_training_steps``, ``num_cycles``, ``power``,
    ``lr_end``, ``timescale``, ``min_lr``, ``min_lr_rate``, ``warmup_lr_rate``,
    ``num_decay_steps``, ``num_stable_steps``, ``warmup_type``,
    ``decay_type``, ``min_lr_ratio``), plus ``lr_init``/``optimizer_lr``: the
    optimizer's default ``lr`` (``optimizer.defaults["lr"]``), which
    ``"polynomial"`` (``lr_init``) and ``min_lr`` read.
    """
    n = check_name(name)
    if n in OUT_OF_SCOPE:
        raise ValueError(OUT_OF_SCOPE[n])
    if n == "constant":
        return _constant()
    fn = _BUILDERS[n]
    try:
        return fn(**params)
    except TypeError as exc:
        if "unexpected keyword" in str(exc) or "missing" in str(exc):
            raise TypeError(f"transformers {n}: {exc}") from None
        raise


def schedule(name: Any, /, base_lr: Any, *, optimizer_lr: Any = None, **params: Any) -> Schedule:
    """The LR of HF schedule ``name`` for a group whose initial LR is ``base_lr``.

    Value at step ``k``: ``base_lr * lr_lambda(k)``, HF's LR after ``k``
    ``scheduler.step()`` calls.  ``optimizer_lr`` is the optimizer's default
    ``lr`` (``"polynomial"``'s ``lr_init``, and what ``min_lr`` divides);
    it defaults to ``base_lr`` (one param group).  ``params`` as in
    :func:`multiplier`.

    >>> from lrcurves.compat import transformers as hf
    >>> s = hf.schedule("cosine_with_min_lr", 2.0, num_warmup_steps=1,
    ...                 num_training_steps=5, min_lr_rate=0.1)
    >>> [round(s.value(k), 4) for k in range(6)]
    [0.0, 2.0, 1.7364, 1.1, 0.4636, 0.2]
    """
    n = check_name(name)
    base = _ratio(n, "base_lr", base_lr)
    opt_lr = base if optimizer_lr is None else optimizer_lr
    if n == "polynomial":
        params.setdefault("lr_init", opt_lr)
    elif n in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        params["optimizer_lr"] = opt_lr
    m = multiplier(n, **params)
    return lrcurves.product([lrcurves.constant(base), m])


# ---------------------------------------------------------------------------
# TrainingArguments


def _field(args: Any, name: str, default: Any = None) -> Any:
    if isinstance(args, Mapping):
        return args.get(name, default)
    return getattr(args, name, default)


def training_steps(
    *, max_steps: Any = -1, num_train_epochs: Any = 3.0, steps_per_epoch: Any = None
) -> int:
    """HF Trainer's ``max_steps``: ``max_steps`` if positive, else ``ceil(epochs * steps_per_epoch)``.

    ``steps_per_epoch`` is the number of optimizer updates per epoch
    (``ceil(len(dataloader) / gradient_accumulation_steps)``, at least 1).
    """
    ms = as_int("TrainingArguments", "max_steps", _num(max_steps), min=None)
    if ms > 0:
        return ms
    if steps_per_epoch is None:
        raise ValueError(
            "TrainingArguments: max_steps is not positive, so the run length is num_train_epochs * "
            "steps per epoch; pass steps_per_epoch= (optimizer updates per epoch)"
        )
    spe = max(as_int("TrainingArguments", "steps_per_epoch", _num(steps_per_epoch), min=0), 1)
    epochs = _ratio("TrainingArguments", "num_train_epochs", num_train_epochs)
    return math.ceil(epochs * spe)


def warmup_steps(total: int, *, warmup_steps: Any = 0, warmup_ratio: Any = None) -> int:
    """HF's ``TrainingArguments.get_warmup_steps``: an int, or a float in ``[0, 1)`` as a ratio of ``total``.

    ``warmup_ratio`` (transformers < 5) is used when ``warmup_steps`` is 0.
    """
    ws = _num(warmup_steps) or 0
    if ws < 0:
        raise ValueError(f"Got warmup_steps = {ws}, Expected value warmup_steps >= 0")
    if ws == 0 and warmup_ratio:
        ratio = _ratio("TrainingArguments", "warmup_ratio", warmup_ratio)
        if ratio > 1:
            raise ValueError("warmup_ratio must lie in range [0,1]")
        return math.ceil(total * ratio)
    return int(ws) if ws >= 1 else math.ceil(total * ws)


def from_training_args(
    args: Any = None,
    *,
    steps_per_epoch: Any = None,
    base_lr: Any = None,
    optimizer_lr: Any = None,
    **fields: Any,
) -> Schedule:
    """The LR schedule a ``TrainingArguments`` describes (what ``Trainer`` would build).

    ``args`` is a ``TrainingArguments``, its ``to_dict()``, or any mapping;
    ``fields`` override or supply its fields: ``lr_scheduler_type``
    (default ``"linear"``), ``learning_rate`` (default ``5e-5``; the base LR
    unless ``base_lr`` is given), ``warmup_steps`` / ``warmup_ratio``,
    ``max_steps``, ``num_train_epochs``, ``lr_scheduler_kwargs`` (a dict or
    a JSON string).  ``steps_per_epoch`` (optimizer updates per epoch) is
    needed when ``max_steps`` is not positive.

    >>> from lrcurves.compat import transformers as hf
    >>> s = hf.from_training_args(lr_scheduler_type="linear", learning_rate=1.0,
    ...                           num_train_epochs=2, steps_per_epoch=5, warmup_steps=0.2)
    >>> [round(s.value(k), 3) for k in (0, 1, 2, 6, 10)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def get(name: str, default: Any = None) -> Any:
        return fields[name] if name in fields else _field(args, name, default)

    kind = check_name(get("lr_scheduler_type", "linear") or "linear")
    lr = get("learning_rate", 5e-5)
    spe = steps_per_epoch if steps_per_epoch is not None else get("steps_per_epoch")
    total = training_steps(max_steps=get("max_steps", -1), num_train_epochs=get("num_train_epochs", 3.0), steps_per_epoch=spe)
    w = warmup_steps(total, warmup_steps=get("warmup_steps", 0), warmup_ratio=get("warmup_ratio"))
    kwargs = get("lr_scheduler_kwargs") or {}
    if isinstance(kwargs, str):
        kwargs = json.loads(kwargs) if kwargs.strip() else {}
    if not isinstance(kwargs, Mapping):
        raise TypeError(f"lr_scheduler_kwargs must be a dict or a JSON string, got {type(kwargs).__name__}")
    params = _get_scheduler_params(kind, w, total, dict(kwargs))
    return schedule(kind, lr if base_lr is None else base_lr, optimizer_lr=lr if optimizer_lr is None else optimizer_lr, **params)


def _get_scheduler_params(kind: str, w: Any, total: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``get_scheduler``'s dispatch of its arguments (which ones each name takes)."""
    if kind in OUT_OF_SCOPE:
        raise ValueError(OUT_OF_SCOPE[kind])
    if kind == "constant":
        return {}
    st = SchedulerType(kind)  # formats as HF's messages do
    if w is None:
        raise ValueError(f"{st} requires `num_warmup_steps`, please provide that argument.")
    if kind == "constant_with_warmup":
        return {"num_warmup_steps": w}
    if kind == "inverse_sqrt":
        return {"num_warmup_steps": w, **kwargs}
    if kind == "warmup_stable_decay":
        return {"num_warmup_steps": w, "num_training_steps": total, **kwargs}
    if total is None:
        raise ValueError(f"{st} requires `num_training_steps`, please provide that argument.")
    return {"num_warmup_steps": w, "num_training_steps": total, **kwargs}


# ---------------------------------------------------------------------------
# from_config formats


def _detect(d: Mapping[str, Any]) -> bool:
    return isinstance(d.get("transformers"), str) or "lr_scheduler_type" in d


def load_config(d: Mapping[str, Any], base_lr: Any = None, group: int = 0) -> Schedule:
    """``from_config`` loader: ``{"transformers": name, ...}`` or a TrainingArguments dict."""
    nested = d.get("params") or {}
    if not isinstance(nested, Mapping):
        raise TypeError(f"transformers config 'params' must be a dict, got {type(nested).__name__}")
    if "transformers" not in d:  # TrainingArguments-like
        fields = {k: v for k, v in d.items() if k != "params"}
        fields.update(nested)
        if base_lr is not None:
            fields["learning_rate"] = base_lr
        return from_training_args(fields)
    name = check_name(d["transformers"])
    params = {k: v for k, v in d.items() if k not in ("transformers", "params")}
    params.update(nested)
    if base_lr is None:
        raise ValueError(f"transformers {name}: pass base_lr= (the optimizer's learning rate)")
    kwargs = params.pop("scheduler_specific_kwargs", None) or {}
    w, total = params.pop("num_warmup_steps", None), params.pop("num_training_steps", None)
    opt_lr = params.pop("optimizer_lr", None)
    p = _get_scheduler_params(name, w, total, {**kwargs, **params})
    return schedule(name, base_lr, optimizer_lr=opt_lr, **p)


register_config_format(_detect, load_config)
