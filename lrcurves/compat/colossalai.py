"""ColossalAI's 14 ``colossalai.nn.lr_scheduler`` curves as pure lrcurves schedules.

Framework-free translations: each ColossalAI scheduler class, for one
parameter group with base learning rate ``base_lr``, becomes a composite of
core schedules (``constant``, ``warmup``, ``linear``, ``polynomial``,
``cosine_decay``, ``multistep``, ``piecewise_constant``, ``step_decay``,
``exponential_decay``, ``one_cycle``, ``tabulated``, ``join``, ``shift``,
``repeat``, ``scale``, ``product``) whose value at step ``k`` is the LR the
optimizer holds after ``k`` calls of ``step()`` (``k = 0`` right after
construction).  This module only translates parameters and step
conventions; every learning-rate formula is a core schedule's.  The drop-in
torch classes in :mod:`lrcurves.adapters.colossalai` evaluate exactly these
schedules.

>>> from lrcurves.compat import colossalai as cai
>>> s = cai.schedule("CosineAnnealingWarmupLR", base_lr=1.0, total_steps=10, warmup_steps=4)
>>> [round(s.value(k), 4) for k in range(7)]
[0.25, 0.5, 0.75, 1.0, 1.0, 0.933, 0.75]

The same curves are reachable through :func:`lrcurves.from_config` with the
config format ``{"colossalai": <class name>, "params": {...}}`` and the
keyword ``base_lr``:

>>> import lrcurves
>>> cfg = {"colossalai": "LinearWarmupLR", "params": {"total_steps": 10, "warmup_steps": 4}}
>>> lrcurves.curve(lrcurves.from_config(cfg, base_lr=1.0), 5).round(4).tolist()
[0.2, 0.4, 0.6, 0.8, 1.0]

Conventions shared by every class (see the adapter module for the list of
differences from the original):

* ColossalAI's warmup (``WarmupScheduler``) is ``(k + 1) / W * base`` for
  ``k < W``: it starts at ``base / W`` and reaches ``base`` at ``k = W - 1``.
  ``LinearWarmupLR`` instead uses ``(k + 1) / (W + 1) * base``.
* The cosine family follows torch's ``CosineAnnealingLR`` (periodic: past its
  end it rises again; a ``num_cycles=1`` cosine over ``2 T`` steps,
  repeated) and ColossalAI's curve as it ran on torch <= 2.7: the peak is
  held for one more step at the handover from warmup/flat to cosine.
* ``MultiStepLR``/``MultiStepWarmupLR`` are core ``multistep`` over the
  sorted milestones (a milestone at 0 is one more factor from the start;
  ``gamma > 1`` is a product of ``1 -> gamma`` steps).
* ``LambdaLR``/``MultiplicativeLR`` tabulate the user's multipliers (their
  running product for ``MultiplicativeLR``) for steps ``0 .. total_steps``
  and scale the table by ``base_lr``.
* Parameters that are absolute learning rates (``eta_min``, ``end_lr``) are
  not scaled by ``base_lr``.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

import lrcurves
from lrcurves import Schedule, register_config_format
from lrcurves.validate import Value, as_bool, as_choice, as_int, as_value

__all__ = ["CLASS_NAMES", "IGNORED_KWARGS", "one_cycle_group_lrs", "schedule", "signature", "times_lambda"]

#: Keyword arguments that ColossalAI's ``**kwargs`` classes accept and ignore,
#: passed by its legacy config builder; anything else is a ``TypeError`` here.
IGNORED_KWARGS = ("num_steps_per_epoch", "verbose")

#: Growth schedules (``ExponentialLR`` with ``gamma > 1``) are capped here
#: instead of overflowing to ``inf``.
GROWTH_CAP = 1e300


# ---------------------------------------------------------------------------
# building blocks


def _const(v: Value) -> Schedule:
    return lrcurves.constant(v)


def _join(pieces: Sequence[tuple[int, Schedule]]) -> Schedule:
    """``[(length, schedule), ...]``; the last length is ignored (runs forever)."""
    pieces = [(n, s) for i, (n, s) in enumerate(pieces) if n > 0 or i == len(pieces) - 1]
    if len(pieces) == 1:
        return pieces[0][1]
    bounds, acc = [], 0
    for n, _ in pieces[:-1]:
        acc += n
        bounds.append(acc)
    return lrcurves.join([s for _, s in pieces], boundaries=bounds)


def _warmup(base: Value, w: int, denom: int) -> Schedule:
    """``(k + 1) / denom * base`` for ``k = 0 .. w - 1`` (``1 <= w <= denom``).

    The core linear warmup from 0 read one step ahead: its ramp
    ``0 + (base - 0) * ((k + 1) / denom)`` is ColossalAI's float order.
    """
    return lrcurves.shift(lrcurves.warmup(_const(base), denom, init_value=0.0, peak_value=base), 1)


def _cosine(base: Value, eta: Value, t_max: int) -> Schedule:
    """torch ``CosineAnnealingLR(T_max)``: periodic, period ``2 * T_max``.

    ``eta + (base - eta) (1 + cos(pi k / T_max)) / 2`` for every ``k >= 0``:
    one full cosine period (``num_cycles=1``) over ``2 * T_max`` steps, repeated.
    """
    period = 2 * t_max
    one = lrcurves.cosine_decay(base, period, end_value=eta, num_cycles=1.0)
    return lrcurves.repeat(one, period=period)


def _steps(counts: Mapping[int, int], base: Value, gamma: float) -> Schedule:
    """``base * gamma ** (number of milestones <= k)``, milestones with multiplicity.

    Core ``multistep`` over the sorted milestones (repeats multiply, as in
    torch's ``Counter``); a milestone at 0 is one more ``gamma`` factor from
    the start.  ``gamma > 1`` (growth, which ``multistep`` does not model)
    is the product of one step factor ``1 -> gamma`` per milestone.
    """
    later = sorted(m for m, c in counts.items() if m > 0 for _ in range(c))
    at_zero = [_const(gamma)] * counts.get(0, 0)
    if gamma <= 1.0:
        factors = [lrcurves.multistep(base, milestones=later, decay_rate=gamma) if later else _const(base)]
    else:
        factors = [_const(base), *(lrcurves.piecewise_constant([1.0, gamma], boundaries=[m]) for m in later)]
    factors += at_zero
    return factors[0] if len(factors) == 1 else lrcurves.product(factors)


def _milestones(name: str, milestones: Any) -> Counter[int]:
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, (Sequence, np.ndarray, set, frozenset)):
        raise TypeError(f"{name}: milestones must be a sequence of integers, got {milestones!r}")
    return Counter(
        as_int(name, f"milestones[{i}]", m, min=0) for i, m in enumerate(milestones)
    )


def _base(name: str, base_lr: Any) -> Value:
    return as_value(name, "base_lr", base_lr)


def _total(name: str, total_steps: Any, min: int = 1) -> int:
    return as_int(name, "total_steps", total_steps, min=min)


def _warm_steps(name: str, warmup_steps: Any, total: int, *, strict: bool = True) -> int:
    w = as_int(name, "warmup_steps", warmup_steps, min=0)
    if strict and w >= total:
        raise ValueError(
            f"{name}: total_steps must be > warmup_steps, got total_steps={total} and "
            f"warmup_steps={w} (the original divides by zero or runs a nonsensical curve)"
        )
    return w


def _pct(name: str, pct_start: Any) -> float:
    return float(as_value(name, "pct_start", pct_start, min=0.0, max=1.0, allow_array=False))


def _callable(name: str, lr_lambda: Any) -> Callable[[int], Any]:
    if lr_lambda is None:
        raise ValueError(f"{name}: lr_lambda is required (a callable of the step), got None")
    if not callable(lr_lambda):
        raise TypeError(f"{name}: lr_lambda must be a callable of the step, got {lr_lambda!r}")
    return lr_lambda


def _factor(name: str, k: int, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: lr_lambda({k}) must return a real number, got {v!r}") from None
    fv = float(v)
    if not math.isfinite(fv) or fv < 0:
        raise ValueError(f"{name}: lr_lambda({k}) must return a finite number >= 0, got {v!r}")
    return fv


def times_lambda(class_name: str, lr: Value, k: int, factor: Any) -> float:
    """``lr * lr_lambda(k)`` for the eager ``LambdaLR``/``MultiplicativeLR`` drop-ins.

    The core ``scale`` of the multiplier ``factor`` (checked as in the pure
    path: a finite real number ``>= 0``), evaluated once.
    """
    f = _factor(class_name, k, factor)
    return lrcurves.scale(lrcurves.constant(f), factor=lr).value(0)


# ---------------------------------------------------------------------------
# the 14 classes (signatures as ColossalAI's, minus optimizer and last_epoch)


def _cosine_annealing_lr(base_lr: Value, total_steps: int, eta_min: float = 0) -> Schedule:
    n = "CosineAnnealingLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    return _cosine(b, as_value(n, "eta_min", eta_min), t)


def _cosine_annealing_warmup_lr(
    base_lr: Value, total_steps: int, warmup_steps: int = 0, eta_min: float = 0.0
) -> Schedule:
    n = "CosineAnnealingWarmupLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    w = _warm_steps(n, warmup_steps, t)
    eta = as_value(n, "eta_min", eta_min)
    return _join([(w, _warmup(b, w, w) if w else _const(b)), (0, _cosine(b, eta, t - w))])


def _flat_annealing_lr(
    base_lr: Value, total_steps: int, pct_start: float = 0.72, eta_min: float = 0.0
) -> Schedule:
    n = "FlatAnnealingLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    pct = _pct(n, pct_start)
    flat = int(t * pct)
    if t - flat < 1:
        raise ValueError(
            f"{n}: the cosine part total_steps - int(total_steps * pct_start) must be >= 1, got "
            f"total_steps={t}, pct_start={pct!r} (the original divides by zero)"
        )
    eta = as_value(n, "eta_min", eta_min)
    return _join([(flat, _const(b)), (0, _cosine(b, eta, t - flat))])


def _flat_annealing_warmup_lr(
    base_lr: Value,
    total_steps: int,
    warmup_steps: int = 0,
    pct_start: float = 0.72,
    eta_min: float = 0,
) -> Schedule:
    n = "FlatAnnealingWarmupLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    w = _warm_steps(n, warmup_steps, t)
    pct = _pct(n, pct_start)
    flat = int((t - w) * pct)
    if t - w - flat < 1:
        raise ValueError(
            f"{n}: the cosine part total_steps - warmup_steps - flat must be >= 1, got "
            f"total_steps={t}, warmup_steps={w}, pct_start={pct!r} (the original divides by zero)"
        )
    eta = as_value(n, "eta_min", eta_min)
    return _join(
        [
            (w, _warmup(b, w, w) if w else _const(b)),
            (flat, _const(b)),
            (0, _cosine(b, eta, t - w - flat)),
        ]
    )


def _linear_warmup_lr(base_lr: Value, total_steps: int, warmup_steps: int = 0) -> Schedule:
    n = "LinearWarmupLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    w = _warm_steps(n, warmup_steps, t)
    decay = lrcurves.linear(b, 0.0, transition_steps=t - w)  # clamped at 0 past total
    return _join([(w, _warmup(b, w, w + 1) if w else _const(b)), (0, decay)])


def _multistep_lr(
    base_lr: Value, total_steps: int, milestones: Sequence[int] | None = None, gamma: float = 0.1
) -> Schedule:
    n = "MultiStepLR"
    b = _base(n, base_lr)
    _total(n, total_steps, min=0)
    g = float(as_value(n, "gamma", gamma, allow_array=False))
    counts = Counter() if milestones is None else _milestones(n, milestones)
    return _steps(counts, b, g)


def _multistep_warmup_lr(
    base_lr: Value,
    total_steps: int,
    warmup_steps: int = 0,
    milestones: Sequence[int] | None = None,
    gamma: float = 0.1,
) -> Schedule:
    n = "MultiStepWarmupLR"
    b = _base(n, base_lr)
    _total(n, total_steps, min=0)
    w = as_int(n, "warmup_steps", warmup_steps, min=0)
    g = float(as_value(n, "gamma", gamma, allow_array=False))
    if milestones is None:
        raise ValueError(
            f"{n}: milestones is required (a non-empty list of steps), got None "
            "(the original fails with a TypeError on its own default)"
        )
    counts = _milestones(n, milestones)
    if not counts:
        raise ValueError(f"{n}: milestones cannot be empty")
    # as the original: milestones before the warmup end are dropped, the rest
    # counted from the end of warmup
    kept: Counter[int] = Counter({m - w: c for m, c in counts.items() if m >= w})
    if w == 0 and kept.get(0):
        # quirk reproduced: with no warmup a milestone at step 0 is applied
        # twice (once by the inner scheduler's constructor, once at handover)
        kept[0] *= 2
    return _join([(w, _warmup(b, w, w) if w else _const(b)), (0, _steps(kept, b, g))])


def _one_cycle_lr(
    base_lr: Value,
    total_steps: int | None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    cycle_momentum: bool = True,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
    div_factor: float = 25.0,
    final_div_factor: float = 10000.0,
    three_phase: bool = False,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
) -> Schedule:
    n = "OneCycleLR"
    b = _base(n, base_lr)
    total = _one_cycle_total(total_steps, epochs, steps_per_epoch)
    pct = _pct(n, pct_start)
    three = as_bool(n, "three_phase", three_phase)
    _one_cycle_phases(total, pct, three)
    return lrcurves.one_cycle(
        peak_value=b,
        total_steps=total,
        pct_start=pct,
        anneal=as_choice(n, "anneal_strategy", anneal_strategy, ("cos", "linear")),
        div_factor=as_value(n, "div_factor", div_factor, min=0.0, min_open=True, allow_array=False),
        final_div_factor=as_value(
            n, "final_div_factor", final_div_factor, min=0.0, min_open=True, allow_array=False
        ),
        three_phase=three,
        base_momentum=as_value(n, "base_momentum", base_momentum, min=0.0, max=1.0, allow_array=False),
        max_momentum=as_value(n, "max_momentum", max_momentum, min=0.0, max=1.0, allow_array=False),
        cycle_momentum=as_bool(n, "cycle_momentum", cycle_momentum),
    )


def one_cycle_group_lrs(
    max_lr: float,
    *,
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 10000.0,
    three_phase: bool = False,
) -> tuple[float, float]:
    """torch ``OneCycleLR``'s group keys ``(initial_lr, min_lr)`` for a group peaking at ``max_lr``.

    They are the one-cycle curve's start and end values, read from core
    ``one_cycle`` schedules where they are exact: step 0 of a curve whose
    first phase starts there (``pct_start=1``), and the last step of the
    cosine-annealed curve (its final phase ends exactly on the minimum).
    """
    kw = {"div_factor": div_factor, "final_div_factor": final_div_factor}
    start = lrcurves.one_cycle(max_lr, total_steps=total_steps, pct_start=1.0, **kw)
    end = lrcurves.one_cycle(
        max_lr, total_steps=total_steps, pct_start=pct_start, anneal="cos", three_phase=three_phase, **kw
    )
    return start.value(0), end.value(total_steps - 1)


def _one_cycle_phases(total: int, pct: float, three: bool) -> None:
    """Reject the configurations where torch divides by zero (a reached phase of length 0).

    torch's phase ends are ``e1 = float(pct*T) - 1`` (three phases also
    ``e2 = float(2*pct*T) - 2``) and ``T - 1``.  The first phase is reached at
    step 0 and the last one at step ``T``, so a zero length there fails.
    """
    e1 = float(pct * total) - 1
    last_start = float(2 * pct * total) - 2 if three else e1
    if e1 == 0.0 or float(total - 1) - last_start == 0.0:
        raise ValueError(
            f"OneCycleLR: total_steps={total} with pct_start={pct!r} gives a warmup or final phase of "
            "length 0 (the original divides by zero); change pct_start or total_steps"
        )


def _one_cycle_total(total_steps: Any, epochs: Any, steps_per_epoch: Any) -> int:
    """torch's rule: ``total_steps`` wins; else ``epochs * steps_per_epoch``.

    Unlike torch, a ``total_steps`` that disagrees with a given
    ``epochs * steps_per_epoch`` is an error rather than a silent choice.
    """
    n = "OneCycleLR"
    ep = None if epochs is None else as_int(n, "epochs", epochs, min=1)
    spe = None if steps_per_epoch is None else as_int(n, "steps_per_epoch", steps_per_epoch, min=1)
    if (ep is None) != (spe is None):
        raise ValueError(f"{n}: epochs and steps_per_epoch must be given together, got epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}")
    if total_steps is None:
        if ep is None or spe is None:
            raise ValueError(f"{n}: give total_steps, or both epochs and steps_per_epoch")
        return ep * spe
    t = _total(n, total_steps)
    if ep is not None and spe is not None and ep * spe != t:
        raise ValueError(
            f"{n}: total_steps={t} disagrees with epochs * steps_per_epoch = {ep} * {spe} = {ep * spe}"
        )
    return t


def _polynomial_lr(
    base_lr: Value, total_steps: int, end_lr: float = 0.0001, power: float = 1.0
) -> Schedule:
    n = "PolynomialLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    return _poly(n, b, t, end_lr, power)


def _poly(n: str, b: Value, t: int, end_lr: Any, power: Any) -> Schedule:
    end = as_value(n, "end_lr", end_lr)
    pw = float(as_value(n, "power", power, min=0.0, allow_array=False))
    if pw == 0.0:  # (1 - u) ** 0 == 1 everywhere, also at u == 1 in Python
        return _const(b)
    return lrcurves.polynomial(b, end, transition_steps=t, power=pw)


def _polynomial_warmup_lr(
    base_lr: Value,
    total_steps: int,
    warmup_steps: int = 0,
    end_lr: float = 0.0001,
    power: float = 1.0,
) -> Schedule:
    n = "PolynomialWarmupLR"
    b, t = _base(n, base_lr), _total(n, total_steps)
    w = _warm_steps(n, warmup_steps, t)
    return _join([(w, _warmup(b, w, w) if w else _const(b)), (0, _poly(n, b, t - w, end_lr, power))])


def _lambda_lr(base_lr: Value, total_steps: int, lr_lambda: Callable[[int], float] | None = None) -> Schedule:
    n = "LambdaLR"
    b, t = _base(n, base_lr), _total(n, total_steps, min=0)
    fn = _callable(n, lr_lambda)
    factors = [_factor(n, k, fn(k)) for k in range(t + 1)]
    # torch's base_lr * lr_lambda(k): the core scale of the multiplier table
    return lrcurves.scale(lrcurves.tabulated(factors), factor=b)


def _multiplicative_lr(
    base_lr: Value, total_steps: int, lr_lambda: Callable[[int], float] | None = None
) -> Schedule:
    n = "MultiplicativeLR"
    b, t = _base(n, base_lr), _total(n, total_steps, min=0)
    fn = _callable(n, lr_lambda)
    # the running product of the multipliers (torch multiplies the LR step by
    # step; the same product, rounded in another order, to a few ulp)
    running = [1.0]
    for k in range(1, t + 1):
        running.append(running[-1] * _factor(n, k, fn(k)))
    return lrcurves.scale(lrcurves.tabulated(running), factor=b)


def _step_lr(base_lr: Value, total_steps: int, step_size: int = 1, gamma: float = 0.1) -> Schedule:
    n = "StepLR"
    b = _base(n, base_lr)
    _total(n, total_steps, min=0)
    s = as_int(n, "step_size", step_size, min=1)
    g = float(as_value(n, "gamma", gamma, allow_array=False))
    return _geometric(b, g, s)


def _exponential_lr(base_lr: Value, total_steps: int, gamma: float = 1.0) -> Schedule:
    n = "ExponentialLR"
    b = _base(n, base_lr)
    _total(n, total_steps, min=0)
    g = float(as_value(n, "gamma", gamma, allow_array=False))
    return _geometric(b, g, 1)


def _geometric(b: Value, g: float, period: int) -> Schedule:
    """``b * g ** floor(k / period)``."""
    if g == 1.0:
        return _const(b)
    if g == 0.0:
        return lrcurves.step_decay(b, step_size=period, decay_rate=0.0)
    staircase = period > 1
    if g > 1.0:
        cap = np.maximum(b, GROWTH_CAP) if isinstance(b, np.ndarray) else max(b, GROWTH_CAP)
        return lrcurves.exponential_decay(
            b, decay_rate=g, transition_steps=period, staircase=staircase, end_value=cap
        )
    return lrcurves.exponential_decay(b, decay_rate=g, transition_steps=period, staircase=staircase)


_BUILDERS: dict[str, Callable[..., Schedule]] = {
    "CosineAnnealingLR": _cosine_annealing_lr,
    "CosineAnnealingWarmupLR": _cosine_annealing_warmup_lr,
    "FlatAnnealingLR": _flat_annealing_lr,
    "FlatAnnealingWarmupLR": _flat_annealing_warmup_lr,
    "LinearWarmupLR": _linear_warmup_lr,
    "MultiStepLR": _multistep_lr,
    "MultiStepWarmupLR": _multistep_warmup_lr,
    "OneCycleLR": _one_cycle_lr,
    "PolynomialLR": _polynomial_lr,
    "PolynomialWarmupLR": _polynomial_warmup_lr,
    "LambdaLR": _lambda_lr,
    "MultiplicativeLR": _multiplicative_lr,
    "StepLR": _step_lr,
    "ExponentialLR": _exponential_lr,
}

#: The 14 scheduler class names of ``colossalai.nn.lr_scheduler``.
CLASS_NAMES: tuple[str, ...] = tuple(_BUILDERS)


def signature(class_name: str) -> inspect.Signature:
    """The parameters :func:`schedule` accepts for ``class_name`` (after ``base_lr``)."""
    sig = inspect.signature(_builder(class_name))
    return sig.replace(parameters=list(sig.parameters.values())[1:])


def _builder(class_name: str) -> Callable[..., Schedule]:
    try:
        return _BUILDERS[class_name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown ColossalAI scheduler {class_name!r}; valid: {', '.join(CLASS_NAMES)}"
        ) from None


def schedule(class_name: str, /, *, base_lr: Value, **params: Any) -> Schedule:
    """The pure schedule of ColossalAI scheduler ``class_name`` for one param group.

    ``base_lr`` is the group's base (initial) learning rate; ``params`` are
    the class's constructor arguments without ``optimizer`` and
    ``last_epoch`` (``total_steps`` included, also where the class ignores
    it).  ``LambdaLR``/``MultiplicativeLR`` take a single callable and are
    tabulated for steps ``0 .. total_steps`` (held constant afterwards);
    ``OneCycleLR`` also accepts ``three_phase``, ``epochs`` and
    ``steps_per_epoch``.  Unknown parameters raise ``TypeError``.

    >>> from lrcurves.compat import colossalai as cai
    >>> s = cai.schedule("MultiStepWarmupLR", base_lr=1.0, total_steps=10,
    ...                  warmup_steps=2, milestones=[2, 3, 6])
    >>> [round(s.value(k), 6) for k in range(8)]
    [0.5, 1.0, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001]
    """
    fn = _builder(class_name)
    try:
        inspect.signature(fn).bind(base_lr, **params)
    except TypeError as exc:
        raise TypeError(f"{class_name}: {exc}; valid parameters: {', '.join(signature(class_name).parameters)}") from None
    return fn(base_lr, **params)


# ---------------------------------------------------------------------------
# from_config format: {"colossalai": "<class>", "params": {...}}


def _detect(d: Mapping[str, Any]) -> bool:
    return "colossalai" in d


def _load(d: Mapping[str, Any], **kwargs: Any) -> Schedule:
    extra = set(d) - {"colossalai", "params"}
    if extra:
        raise ValueError(f"colossalai config has unknown key(s) {sorted(extra)}; expected 'colossalai' and 'params'")
    unknown = set(kwargs) - {"base_lr"}
    if unknown:
        raise TypeError(f"colossalai config: unknown keyword(s) {sorted(unknown)}; only base_lr is accepted")
    if "base_lr" not in kwargs:
        raise ValueError("colossalai config: pass base_lr=<the optimizer's learning rate> to from_config")
    params = d.get("params") or {}
    if not isinstance(params, Mapping):
        raise TypeError(f"colossalai config 'params' must be a dict, got {type(params).__name__}")
    return schedule(d["colossalai"], base_lr=kwargs["base_lr"], **params)


register_config_format(_detect, _load)
