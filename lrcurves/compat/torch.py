"""``torch.optim.lr_scheduler``'s closed-form schedulers as pure lrcurves schedules.

Framework-free translations (no torch import): each of torch 2.13's
``StepLR``, ``MultiStepLR``, ``ConstantLR``, ``LinearLR``, ``ExponentialLR``,
``PolynomialLR``, ``CosineAnnealingLR``, ``CosineAnnealingWarmRestarts``,
``CyclicLR``, ``OneCycleLR``, ``LambdaLR``, ``MultiplicativeLR``,
``SequentialLR`` and ``ChainedScheduler``, for one param group with base
learning rate ``base_lr``, becomes a composite of core schedules whose value
at step ``k`` is the learning rate the optimizer holds after ``k`` calls of
``scheduler.step()`` (``k = 0`` right after construction, torch's
``last_epoch = k``).  This module only translates parameters and steps; the
math is the core's (``step_decay``, ``multistep``, ``linear``, ``warmup``,
``polynomial``, ``cosine_decay``, ``cosine_restarts``, ``cyclic``,
``one_cycle``, ``exponential_decay``, ``tabulated``, ``join``, ``repeat``,
``shift``, ``product``).  The drop-in classes of
:mod:`lrcurves.adapters.torch_schedulers` evaluate exactly these schedules.

>>> from lrcurves.compat import torch as tc
>>> s = tc.schedule("CosineAnnealingLR", base_lr=1.0, T_max=4)
>>> [round(s.value(k), 4) for k in range(9)]
[1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464, 0.5, 0.8536, 1.0]

The same curves come out of :func:`lrcurves.from_config` with the format
``{"torch": <class name>, <constructor arguments>...}`` (or the arguments
under ``"params"``) and the keyword ``base_lr``:

>>> import lrcurves
>>> cfg = {"torch": "StepLR", "step_size": 2, "gamma": 0.5}
>>> lrcurves.curve(lrcurves.from_config(cfg, base_lr=1.0), 5).tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]

Which form is followed
----------------------
torch computes most of these chainably (each ``step()`` multiplies the LR
the optimizer holds by a ratio) and also has a closed form
(``_get_closed_form_lr``, used by ``step(epoch)`` and at ``SequentialLR``
milestones).  In exact arithmetic they agree; in float64 the recursive form
accumulates one rounding per step and, for ``CosineAnnealingLR``, divides
two nearly-cancelled ``1 + cos`` terms near each minimum.  These schedules
follow the **closed form** (it is what resumes at any step, what
``step(epoch)`` already gives in torch, and what the recursion approximates);
the tests compare with both forms and report the recursive form's drift.
``CosineAnnealingLR`` is periodic past ``T_max`` (torch's closed form rises
back to the base LR over the next ``T_max`` steps, and so on), reproduced
here as ``repeat(join([cosine decay, cosine rise]))``.

Composition (``ChainedScheduler``, schedulers stepped in turn on one
optimizer) is the product of the curves: chainable torch schedulers multiply
the LR the others left, so the LR is the base LR times every multiplier
curve (``lrcurves.product``).  :class:`Curve` exposes, per class, whether the
curve is such a multiplier of the base LR or an absolute LR.

``ReduceLROnPlateau`` is not here: it reacts to a metric, so it has no
closed form (see :data:`OUT_OF_SCOPE`).
"""

from __future__ import annotations

import bisect
import inspect
import itertools
import math
import numbers
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import lrcurves
from lrcurves import Schedule, register_config_format
from lrcurves.validate import as_int, as_value

__all__ = [
    "CLASS_NAMES",
    "DEFAULTS",
    "GROWTH_CAP",
    "OUT_OF_SCOPE",
    "Curve",
    "ZeroLengthError",
    "curve",
    "load_config",
    "normalize_params",
    "periodic_cosine",
    "schedule",
    "sequential_pieces",
]

CLASS_NAMES = (
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "OneCycleLR",
    "LambdaLR",
    "MultiplicativeLR",
    "SequentialLR",
    "ChainedScheduler",
)

#: torch schedulers deliberately not translated, and what to do instead.
OUT_OF_SCOPE = {
    "ReduceLROnPlateau": (
        "ReduceLROnPlateau lowers the LR when a metric stops improving: it is driven by "
        "the metric values passed to step(), so it has no closed form in the step and no "
        "lrcurves schedule.  Keep torch.optim.lr_scheduler.ReduceLROnPlateau for it; do not "
        "step it together with a closed-form drop-in on the same optimizer (the drop-in "
        "sets the LR from the step and would undo the reductions -- it warns when it sees "
        "one).  For warmup then plateau, step a drop-in (e.g. LinearLR) during the warmup, "
        "then stop stepping it and step ReduceLROnPlateau from then on."
    ),
}

#: ``ExponentialLR``/``StepLR`` with ``gamma > 1`` (a growing LR) are capped at
#: this multiple of the base LR instead of overflowing to ``inf``.
GROWTH_CAP = 1e300

_REQUIRED = inspect.Parameter.empty

#: Constructor parameters and defaults of torch 2.13 (without ``optimizer``
#: and ``last_epoch``); ``inspect.Parameter.empty`` marks required ones.
DEFAULTS: dict[str, dict[str, Any]] = {
    "StepLR": {"step_size": _REQUIRED, "gamma": 0.1},
    "MultiStepLR": {"milestones": _REQUIRED, "gamma": 0.1},
    "ConstantLR": {"factor": 1.0 / 3, "total_iters": 5},
    "LinearLR": {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5},
    "ExponentialLR": {"gamma": _REQUIRED},
    "PolynomialLR": {"total_iters": 5, "power": 1.0},
    "CosineAnnealingLR": {"T_max": _REQUIRED, "eta_min": 0.0},
    "CosineAnnealingWarmRestarts": {"T_0": _REQUIRED, "T_mult": 1, "eta_min": 0.0},
    "CyclicLR": {
        "base_lr": _REQUIRED,
        "max_lr": _REQUIRED,
        "step_size_up": 2000,
        "step_size_down": None,
        "mode": "triangular",
        "gamma": 1.0,
        "scale_fn": None,
        "scale_mode": "cycle",
        "cycle_momentum": True,
        "base_momentum": 0.8,
        "max_momentum": 0.9,
    },
    "OneCycleLR": {
        "max_lr": _REQUIRED,
        "total_steps": None,
        "epochs": None,
        "steps_per_epoch": None,
        "pct_start": 0.3,
        "anneal_strategy": "cos",
        "cycle_momentum": True,
        "base_momentum": 0.85,
        "max_momentum": 0.95,
        "div_factor": 25.0,
        "final_div_factor": 1e4,
        "three_phase": False,
    },
    "LambdaLR": {"lr_lambda": _REQUIRED},
    "MultiplicativeLR": {"lr_lambda": _REQUIRED},
    "SequentialLR": {"schedulers": _REQUIRED, "milestones": _REQUIRED},
    "ChainedScheduler": {"schedulers": _REQUIRED},
}

#: Extra keyword of the pure schedules of the callable classes: how many steps
#: of ``lr_lambda`` to tabulate (the last value is held afterwards).
_TABLE_KW = "num_steps"


class ZeroLengthError(ValueError, ZeroDivisionError):
    """A zero period or length (``T_max=0``, ``step_size=0``, ``total_iters=0``...).

    torch accepts it and raises :class:`ZeroDivisionError` at a later
    ``step()``; lrcurves raises at construction.  The exception is both a
    :class:`ValueError` (lrcurves' convention for a bad argument) and a
    :class:`ZeroDivisionError` (what torch raises), so either ``except``
    catches it.
    """


@dataclass(frozen=True)
class Curve:
    """One param group's curve of a torch scheduler.

    Exactly one of ``multiplier`` and ``absolute`` is set.  ``multiplier``:
    the LR is the group's base LR (torch's ``base_lrs``) times this curve --
    the chainable schedulers, which compose by multiplying.  ``absolute``: the
    curve is the LR itself (``CyclicLR``, ``OneCycleLR``, the cosines with a
    nonzero ``eta_min``).  Momentum,
    where cycled, is the curve's own (``has_momentum``).
    """

    multiplier: Schedule | None = None
    absolute: Schedule | None = None

    @property
    def curve(self) -> Schedule:
        out = self.multiplier if self.multiplier is not None else self.absolute
        assert out is not None
        return out

    def lr(self, base_lr: float | None) -> Schedule:
        """The LR schedule for a group whose base LR is ``base_lr``."""
        if self.absolute is not None:
            return self.absolute
        if base_lr is None:
            raise ValueError("this torch scheduler scales the optimizer's LR: pass base_lr=")
        return lrcurves.product([lrcurves.constant(base_lr), self.curve])


# ---------------------------------------------------------------------------
# argument checks (torch's exception types where torch raises)


def _num(v: Any) -> Any:
    """A Python number from a number or a one-element tensor/array."""
    if isinstance(v, bool) or v is None or isinstance(v, numbers.Real):
        return v
    item = getattr(v, "item", None)
    if callable(item):
        return item()
    return v


def _real(cls: str, name: str, v: Any, *, min: float | None = 0.0, max: float | None = None,
          min_open: bool = False) -> float:
    return float(as_value(cls, name, _num(v), min=min, max=max, min_open=min_open, allow_array=False))


def _length(cls: str, name: str, v: Any, *, what: str = "a period") -> int:
    """An integer >= 1; 0 raises :class:`ZeroLengthError` (torch divides by it later)."""
    n = as_int(cls, name, _num(v), min=None)
    if n == 0:
        raise ZeroLengthError(
            f"{cls}: {name}=0 is {what} of length zero; torch accepts it and raises "
            "ZeroDivisionError at a later step(), lrcurves rejects it at construction"
        )
    if n < 0:
        raise ValueError(f"{cls}: {name} must be a positive integer, got {v!r}")
    return n


def _gamma(cls: str, v: Any, *, growth: bool) -> float:
    g = _num(v)
    if isinstance(g, bool) or not isinstance(g, numbers.Real) or not math.isfinite(float(g)):
        raise TypeError(f"{cls}: gamma must be a finite real number, got {v!r}")
    g = float(g)
    if g < 0:
        raise ValueError(
            f"{cls}: gamma must be >= 0, got {v!r} (torch would alternate the LR's sign)"
        )
    if g > 1 and not growth:
        raise ValueError(f"{cls}: gamma must be <= 1, got {v!r} (a growing LR is not supported here)")
    return g


def _per_group(cls: str, name: str, v: Any, group: int, n_groups: int | None = None) -> Any:
    """torch's ``_format_param``: one value for every group, or a list of one per group."""
    if isinstance(v, (list, tuple)):
        if n_groups is not None and len(v) != n_groups:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(v)} values, param_groups has {n_groups}."
            )
        if not 0 <= group < len(v):
            raise ValueError(f"{cls}: {name} has {len(v)} per-group value(s), no entry for group {group}")
        return v[group]
    return v


def _base(cls: str, base_lr: Any) -> float:
    if base_lr is None:
        raise ValueError(f"{cls} scales the optimizer's learning rate: pass base_lr=")
    return _real(cls, "base_lr", base_lr)


# ---------------------------------------------------------------------------
# shared shapes


def periodic_cosine(high: float, low: float, half_period: int) -> Schedule:
    r"""``low + (high - low) (1 + cos(pi t / T)) / 2`` for *every* ``t >= 0``.

    torch ``CosineAnnealingLR``'s closed form, which is periodic with period
    ``2 T``: a cosine decay from ``high`` to ``low`` over ``T`` steps, then the
    mirror-image cosine rise back to ``high``, repeated.  The rise is the core
    cosine *warmup* shape (``low + (high - low)(1 - cos(pi s / T)) / 2``), the
    same outer float operations as torch's ``1 + cos(pi (T + s) / T)``.
    """
    down = lrcurves.cosine_decay(high, half_period, end_value=low)
    up = lrcurves.warmup(lrcurves.constant(high), half_period, shape="cosine", init_value=low, peak_value=high)
    return lrcurves.repeat(lrcurves.join([down, up], boundaries=[half_period]), period=2 * half_period)


# ---------------------------------------------------------------------------
# the translations: (params, base LR of the group, group index) -> Curve


def _step_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "StepLR"
    size = _length(n, "step_size", p["step_size"])
    gamma = _gamma(n, p["gamma"], growth=True)
    if gamma > 1:
        return Curve(multiplier=lrcurves.exponential_decay(
            1.0, decay_rate=gamma, transition_steps=size, staircase=True, end_value=GROWTH_CAP
        ))
    return Curve(multiplier=lrcurves.step_decay(1.0, step_size=size, decay_rate=gamma))


def _milestone_list(cls: str, milestones: Any) -> list[int]:
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
        raise TypeError(f"{cls}: milestones must be an iterable of integers, got {milestones!r}")
    ms = [as_int(cls, f"milestones[{i}]", _num(m), min=None) for i, m in enumerate(milestones)]
    neg = [m for m in ms if m < 0]
    if neg:
        raise ValueError(
            f"{cls}: milestones must be >= 0, got {neg} (torch's step() never reaches a negative "
            "milestone but its closed form counts it from step 0)"
        )
    return sorted(ms)


def _multistep_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "MultiStepLR"
    ms = _milestone_list(n, p["milestones"].elements() if isinstance(p["milestones"], Counter) else p["milestones"])
    gamma = _gamma(n, p["gamma"], growth=False)
    if ms and ms[0] == 0:
        # a milestone at 0 applies at construction: count milestones m <= t as
        # milestones m + 1 <= t + 1, one step ahead
        return Curve(multiplier=lrcurves.shift(
            lrcurves.multistep(1.0, milestones=[m + 1 for m in ms], decay_rate=gamma), by=1
        ))
    return Curve(multiplier=lrcurves.multistep(1.0, milestones=ms, decay_rate=gamma))


def _constant_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "ConstantLR"
    factor = _num(p["factor"])
    if factor > 1.0 or factor < 0:
        raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
    factor = _real(n, "factor", factor)
    total = as_int(n, "total_iters", _num(p["total_iters"]), min=0)
    after = factor + (1.0 - factor)  # torch's closed-form multiplier from total_iters on
    if total == 0:
        return Curve(multiplier=lrcurves.constant(after))
    return Curve(multiplier=lrcurves.join(
        [lrcurves.constant(factor), lrcurves.constant(after)], boundaries=[total]
    ))


def _linear_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "LinearLR"
    start, end = _num(p["start_factor"]), _num(p["end_factor"])
    if start > 1.0 or start <= 0:
        raise ValueError(
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
        )
    if end > 1.0 or end < 0:
        raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
    start, end = _real(n, "start_factor", start), _real(n, "end_factor", end)
    total = _length(n, "total_iters", p["total_iters"], what="a ramp")
    # start + (end - start) * t / T for t < T (the core ramp), then end
    return Curve(multiplier=lrcurves.warmup(
        lrcurves.constant(end), total, shape="linear", init_value=start, peak_value=end
    ))


def _exponential_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "ExponentialLR"
    gamma = _gamma(n, p["gamma"], growth=True)
    if gamma > 1:
        return Curve(multiplier=lrcurves.exponential_decay(
            1.0, decay_rate=gamma, transition_steps=1, end_value=GROWTH_CAP
        ))
    # gamma ** t, as torch's closed form (and exact stairs of width 1)
    return Curve(multiplier=lrcurves.step_decay(1.0, step_size=1, decay_rate=gamma))


def _polynomial_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "PolynomialLR"
    total = _length(n, "total_iters", p["total_iters"], what="a decay")
    power = _num(p["power"])
    power = _real(n, "power", power, min=0.0)
    if power == 0.0:
        return Curve(multiplier=lrcurves.constant(1.0))  # (1 - t/T) ** 0 == 1, as torch
    return Curve(multiplier=lrcurves.polynomial(1.0, 0.0, transition_steps=total, power=power))


def _cosine_annealing_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "CosineAnnealingLR"
    t_max = _length(n, "T_max", p["T_max"])
    eta = _real(n, "eta_min", p["eta_min"])
    if eta == 0.0:
        return Curve(multiplier=periodic_cosine(1.0, 0.0, t_max))
    b = _base(n, base)
    return Curve(absolute=periodic_cosine(b, eta, t_max))


def _check_cawr(p: Mapping[str, Any]) -> tuple[int, int, float]:
    t0, mult, eta = p["T_0"], p["T_mult"], p["eta_min"]
    if t0 <= 0 or not isinstance(t0, int):
        raise ValueError(f"Expected positive integer T_0, but got {t0}")
    if mult < 1 or not isinstance(mult, int):
        raise ValueError(f"Expected integer T_mult >= 1, but got {mult}")
    if not isinstance(eta, (float, int)):
        raise ValueError(f"Expected float or int eta_min, but got {eta} of type {type(eta)}")
    return int(t0), int(mult), _real("CosineAnnealingWarmRestarts", "eta_min", eta)


def _cosine_annealing_warm_restarts(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "CosineAnnealingWarmRestarts"
    t0, mult, eta = _check_cawr(p)
    if eta == 0.0:
        return Curve(multiplier=lrcurves.cosine_restarts(1.0, first_cycle_steps=t0, cycle_mult=float(mult)))
    b = _base(n, base)
    if eta > b:
        raise ValueError(
            f"{n}: eta_min={eta!r} must be <= the group's base LR {b!r} (torch would anneal upwards)"
        )
    return Curve(absolute=lrcurves.cosine_restarts(b, first_cycle_steps=t0, cycle_mult=float(mult), min_value=eta))


CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


def _cyclic_lr(p: Mapping[str, Any], base: Any, g: int, n_groups: int | None = None) -> Curve:
    n = "CyclicLR"
    lo = _per_group(n, "base_lr", p["base_lr"], g, n_groups)
    hi = _per_group(n, "max_lr", p["max_lr"], g, n_groups)
    mode = p["mode"]
    if p["scale_fn"] is not None:
        raise ValueError(
            f"{n}: a custom scale_fn is not supported (an arbitrary callable has no closed form "
            f"lrcurves can hold); use mode={list(CYCLIC_MODES)}"
        )
    if mode not in CYCLIC_MODES:
        raise ValueError("mode is invalid and scale_fn is None")
    up = _length(n, "step_size_up", p["step_size_up"], what="a half cycle")
    down = up if p["step_size_down"] is None else _length(n, "step_size_down", p["step_size_down"], what="a half cycle")
    gamma = 1.0
    if mode == "exp_range":
        gamma = _real(n, "gamma", p["gamma"], min=0.0, min_open=True, max=1.0)
    lo, hi = _real(n, "base_lr", lo), _real(n, "max_lr", hi)
    if lo > hi:
        raise ValueError(
            f"{n}: base_lr must be <= max_lr, got base_lr={lo!r} and max_lr={hi!r} (torch would cycle upside down)"
        )
    kw: dict[str, Any] = {}
    if p["cycle_momentum"]:
        kw["base_momentum"] = _real(n, "base_momentum", _per_group(n, "base_momentum", p["base_momentum"], g, n_groups), max=1.0)
        kw["max_momentum"] = _real(n, "max_momentum", _per_group(n, "max_momentum", p["max_momentum"], g, n_groups), max=1.0)
    return Curve(absolute=lrcurves.cyclic(lo, hi, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma, **kw))


def one_cycle_total_steps(p: Mapping[str, Any]) -> int:
    """OneCycleLR's ``total_steps`` (given, or ``epochs * steps_per_epoch``), with torch's checks."""
    total, epochs, spe = p["total_steps"], p["epochs"], p["steps_per_epoch"]
    if total is not None:
        if total <= 0 or not isinstance(total, int):
            raise ValueError(f"Expected positive integer total_steps, but got {total}")
        return total
    if epochs is not None and spe is not None:
        if not isinstance(epochs, int) or epochs <= 0:
            raise ValueError(f"Expected positive integer epochs, but got {epochs}")
        if not isinstance(spe, int) or spe <= 0:
            raise ValueError(f"Expected positive integer steps_per_epoch, but got {spe}")
        return epochs * spe
    raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")


def _one_cycle_lr(p: Mapping[str, Any], base: Any, g: int, n_groups: int | None = None) -> Curve:
    n = "OneCycleLR"
    total = one_cycle_total_steps(p)
    pct = p["pct_start"]
    if pct < 0 or pct > 1 or not isinstance(pct, float):
        raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct}")
    anneal = p["anneal_strategy"]
    if anneal not in ["cos", "linear"]:
        raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal}")
    peak = _real(n, "max_lr", _per_group(n, "max_lr", p["max_lr"], g, n_groups))
    cm = bool(p["cycle_momentum"])
    bm, mm = 0.85, 0.95  # unused when momentum is not cycled (torch ignores them then)
    if cm:
        bm = _real(n, "base_momentum", _per_group(n, "base_momentum", p["base_momentum"], g, n_groups), max=1.0)
        mm = _real(n, "max_momentum", _per_group(n, "max_momentum", p["max_momentum"], g, n_groups), max=1.0)
    return Curve(absolute=lrcurves.one_cycle(
        peak,
        total_steps=total,
        pct_start=pct,
        anneal=anneal,
        div_factor=_real(n, "div_factor", p["div_factor"], min_open=True),
        final_div_factor=_real(n, "final_div_factor", p["final_div_factor"], min_open=True),
        three_phase=bool(p["three_phase"]),
        base_momentum=bm,
        max_momentum=mm,
        cycle_momentum=cm,
    ))


def lambdas(cls: str, lr_lambda: Any, n_groups: int) -> list[Any]:
    """torch's ``lr_lambda`` argument as one entry per group (same errors)."""
    if not isinstance(lr_lambda, (list, tuple)):
        out = [lr_lambda] * n_groups
    else:
        if len(lr_lambda) != n_groups:
            raise ValueError(f"Expected {n_groups} lr_lambdas, but got {len(lr_lambda)}")
        out = list(lr_lambda)
    if cls == "MultiplicativeLR":
        for fn in out:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
    return out


def factor_value(cls: str, step: int, v: Any) -> float:
    """A callable's factor at ``step`` as a float; negative or non-finite raise ValueError."""
    if type(v) is float and 0.0 <= v < math.inf:  # the common case
        return v
    fv = _num(v)
    if isinstance(fv, bool) or not isinstance(fv, numbers.Real):
        raise TypeError(f"{cls}: lr_lambda({step}) must return a real number, got {v!r}")
    fv = float(fv)
    if not (fv >= 0.0 and math.isfinite(fv)):
        raise ValueError(
            f"{cls}: lr_lambda({step}) returned {v!r}; a factor must be finite and >= 0 "
            "(torch would set a negative or undefined learning rate)"
        )
    return fv


def _table_steps(cls: str, p: Mapping[str, Any]) -> int:
    if p.get(_TABLE_KW) is None:
        raise ValueError(
            f"{cls}: a callable lr_lambda is tabulated for the pure schedule; pass {_TABLE_KW}= "
            "(the number of steps to tabulate; the last value is held afterwards), or give "
            "lr_lambda as a lrcurves Schedule of multipliers"
        )
    return as_int(cls, _TABLE_KW, p[_TABLE_KW], min=1)


def _lambda_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "LambdaLR"
    fn = p["lr_lambda"][g] if isinstance(p["lr_lambda"], (list, tuple)) else p["lr_lambda"]
    if isinstance(fn, Schedule):
        return Curve(multiplier=fn)
    if not callable(fn):
        raise TypeError(f"{n}: lr_lambda must be a callable or a Schedule, got {type(fn).__name__}")
    steps = _table_steps(n, p)
    return Curve(multiplier=lrcurves.tabulated([factor_value(n, k, fn(k)) for k in range(steps)]))


def cumulative_factors(cls: str, fn: Callable[[int], Any], steps: int, out: list[float] | None = None) -> list[float]:
    """``[1, f(1), f(1) f(2), ...]`` (``steps`` entries): MultiplicativeLR's multiplier.

    ``out`` (a previous table) is extended in place.  The factor at step 0 is
    never used: torch's constructor keeps the optimizer's LR.
    """
    table = out if out else [1.0]
    for k in range(len(table), steps):
        table.append(table[-1] * factor_value(cls, k, fn(k)))
    return table


def _multiplicative_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    n = "MultiplicativeLR"
    fn = p["lr_lambda"][g] if isinstance(p["lr_lambda"], (list, tuple)) else p["lr_lambda"]
    if not callable(fn) or isinstance(fn, Schedule):
        raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
    steps = _table_steps(n, p)
    return Curve(multiplier=lrcurves.tabulated(cumulative_factors(n, fn, steps)))


def sequential_pieces(milestones: Sequence[int], n_schedulers: int) -> tuple[list[int], list[int]]:
    """torch ``SequentialLR``'s dispatch as ``(child indices, boundaries)`` of a join.

    Step ``t`` runs child ``bisect_right(milestones, t)``; children whose
    stretch is empty (a milestone <= 0, a repeated milestone) never run.
    """
    ms = [as_int("SequentialLR", f"milestones[{i}]", _num(m), min=None) for i, m in enumerate(milestones)]
    if any(b < a for a, b in itertools.pairwise(ms)):
        raise ValueError(
            f"SequentialLR: milestones must be non-decreasing, got {ms} (torch would bisect an "
            "unsorted list)"
        )
    idx = [bisect.bisect_right(ms, 0)]
    bounds: list[int] = []
    for m in sorted({x for x in ms if x > 0}):
        bounds.append(m)
        idx.append(bisect.bisect_right(ms, m))
    assert all(i < n_schedulers for i in idx)
    return idx, bounds


def _child_curve(spec: Any, base: Any, g: int) -> Schedule:
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, Mapping):
        name, params = _split_config(spec)
        if name == "CyclicLR" and "base_lr" in params:
            return schedule(name, group=g, **params)
        return schedule(name, base, group=g, **params)
    raise TypeError(
        f"SequentialLR/ChainedScheduler: each scheduler must be a config dict "
        f"{{'torch': <class>, ...}} or a Schedule, got {type(spec).__name__}"
    )


def _sequential_lr(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    scheds = list(p["schedulers"])
    if len(scheds) < 1:
        raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
    ms = list(p["milestones"])
    if len(ms) != len(scheds) - 1:
        raise ValueError(
            "Sequential Schedulers expects number of schedulers provided to be one more "
            f"than the number of milestone points, but got number of schedulers {len(scheds)} and the "
            f"number of milestones to be equal to {len(ms)}"
        )
    idx, bounds = sequential_pieces(ms, len(scheds))
    pieces = [_child_curve(scheds[i], base, g) for i in idx]
    if len(pieces) == 1:
        return Curve(absolute=pieces[0])
    return Curve(absolute=lrcurves.join(pieces, boundaries=bounds))


def _chained_scheduler(p: Mapping[str, Any], base: Any, g: int) -> Curve:
    scheds = list(p["schedulers"])
    if len(scheds) < 1:
        raise ValueError("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
    curves = [_curve_of(s, base, g) for s in scheds]
    absolutes = [c.absolute for c in curves if c.absolute is not None]
    if len(absolutes) > 1:
        raise ValueError(
            "ChainedScheduler: at most one chained scheduler may set the LR absolutely "
            "(CyclicLR, OneCycleLR, SequentialLR, a cosine with eta_min > 0); the others must "
            "be multipliers of the base LR"
        )
    mults = [c.multiplier for c in curves if c.multiplier is not None]
    if not absolutes:
        return Curve(multiplier=mults[0] if len(mults) == 1 else lrcurves.product(mults))
    return Curve(absolute=lrcurves.product([absolutes[0], *mults]) if mults else absolutes[0])


def _curve_of(spec: Any, base: Any, g: int) -> Curve:
    if isinstance(spec, Schedule):
        return Curve(multiplier=spec)
    if isinstance(spec, Mapping):
        name, params = _split_config(spec)
        return curve(name, group_lr=base, group=g, **params)
    raise TypeError(
        f"ChainedScheduler: each scheduler must be a config dict {{'torch': <class>, ...}} or a "
        f"Schedule of multipliers, got {type(spec).__name__}"
    )


_BUILDERS: dict[str, Callable[..., Curve]] = {
    "StepLR": _step_lr,
    "MultiStepLR": _multistep_lr,
    "ConstantLR": _constant_lr,
    "LinearLR": _linear_lr,
    "ExponentialLR": _exponential_lr,
    "PolynomialLR": _polynomial_lr,
    "CosineAnnealingLR": _cosine_annealing_lr,
    "CosineAnnealingWarmRestarts": _cosine_annealing_warm_restarts,
    "CyclicLR": _cyclic_lr,
    "OneCycleLR": _one_cycle_lr,
    "LambdaLR": _lambda_lr,
    "MultiplicativeLR": _multiplicative_lr,
    "SequentialLR": _sequential_lr,
    "ChainedScheduler": _chained_scheduler,
}


def _check_name(name: Any) -> str:
    if name in OUT_OF_SCOPE:
        raise ValueError(f"torch {name}: {OUT_OF_SCOPE[name]}")
    if not isinstance(name, str) or name not in _BUILDERS:
        raise ValueError(f"unknown torch scheduler {name!r}; valid: {', '.join(CLASS_NAMES)}")
    return name


def normalize_params(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check keyword names against torch's constructor and fill in its defaults.

    Unknown or missing parameters raise :class:`TypeError` (what the
    constructor call would raise), naming the valid ones.
    """
    cls = _check_name(name)
    defaults = DEFAULTS[cls]
    extra_ok = {_TABLE_KW} if cls in ("LambdaLR", "MultiplicativeLR") else set()
    unknown = [k for k in params if k not in defaults and k not in extra_ok]
    if unknown:
        raise TypeError(
            f"torch {cls}: unexpected parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(defaults)}"
        )
    missing = [k for k, v in defaults.items() if v is _REQUIRED and k not in params]
    if missing:
        raise TypeError(f"torch {cls}: missing required parameter(s) {', '.join(map(repr, missing))}")
    out = {k: v for k, v in defaults.items() if v is not _REQUIRED}
    out.update(params)
    return out


def curve(name: str, /, *, group_lr: Any = None, group: int = 0, n_groups: int | None = None, **params: Any) -> Curve:
    """The :class:`Curve` of torch scheduler ``name`` for param group ``group``.

    ``group_lr`` is the group's base LR (torch's ``base_lrs[group]``; only the
    cosines with ``eta_min > 0`` need it).  ``params`` are the constructor's
    keyword arguments (without ``optimizer`` and ``last_epoch``); per-group
    lists (``CyclicLR``'s ``base_lr``...) pick entry ``group``.  ``n_groups``
    (the optimizer's group count) enables torch's length checks of such lists.
    """
    p = normalize_params(name, params)
    g = as_int(name, "group", group, min=0)
    fn = _BUILDERS[name]
    if name in ("CyclicLR", "OneCycleLR"):
        return fn(p, group_lr, g, n_groups)
    return fn(p, group_lr, g)


def schedule(name: str, /, base_lr: Any = None, *, group: int = 0, **params: Any) -> Schedule:
    """The learning rate of torch scheduler ``name`` as a pure :class:`~lrcurves.Schedule`.

    The value at step ``k`` is the LR of param group ``group`` (whose
    optimizer LR is ``base_lr``) after ``k`` calls of ``scheduler.step()``.
    ``params`` are torch's constructor arguments without ``optimizer`` and
    ``last_epoch``.  ``CyclicLR``/``OneCycleLR`` ignore ``base_lr`` and carry
    their momentum (``.momentum(k)``) when ``cycle_momentum`` is true.
    ``LambdaLR``'s ``lr_lambda`` may be a :class:`~lrcurves.Schedule` of
    multipliers (exact), or a callable tabulated over ``num_steps=`` steps
    (``MultiplicativeLR``: its running product); ``SequentialLR``/
    ``ChainedScheduler`` take ``schedulers`` as a list of config dicts
    ``{"torch": <class>, ...}``.

    >>> from lrcurves.compat import torch as tc
    >>> s = tc.schedule("SequentialLR", base_lr=1.0, milestones=[2], schedulers=[
    ...     {"torch": "LinearLR", "start_factor": 0.5, "total_iters": 2},
    ...     {"torch": "ExponentialLR", "gamma": 0.5}])
    >>> [s.value(k) for k in range(5)]
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """
    if name == "CyclicLR":  # CyclicLR's own base_lr (the bottom of the cycle)
        if base_lr is not None:
            params["base_lr"] = base_lr
        return curve(name, group=group, **params).lr(None)
    base = None if base_lr is None else _base(name, base_lr)
    return curve(name, group_lr=base, group=group, **params).lr(base)


# ---------------------------------------------------------------------------
# from_config format: {"torch": "<class>", <params>...} or {"torch": ..., "params": {...}}


def _split_config(d: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if "torch" not in d:
        raise ValueError(f"torch scheduler config needs a 'torch' key naming the class, got keys {sorted(d)}")
    name = d["torch"]
    inline = {k: v for k, v in d.items() if k not in ("torch", "params")}
    nested = d.get("params") or {}
    if not isinstance(nested, Mapping):
        raise TypeError(f"torch config 'params' must be a dict, got {type(nested).__name__}")
    both = set(inline) & set(nested)
    if both:
        raise ValueError(f"torch config gives {sorted(both)} both inline and under 'params'")
    return name, {**nested, **inline}


def _detect(d: Mapping[str, Any]) -> bool:
    return isinstance(d.get("torch"), str)


def load_config(d: Mapping[str, Any], base_lr: Any = None, group: int = 0) -> Schedule:
    """``from_config`` loader for ``{"torch": <class>, ...}``."""
    name, params = _split_config(d)
    if name == "CyclicLR" and "base_lr" in params:  # CyclicLR's own base_lr, not the optimizer's
        return schedule(name, group=group, **params)
    return schedule(name, base_lr, group=group, **params)


register_config_format(_detect, load_config)
