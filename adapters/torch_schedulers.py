"""Drop-in replacements for ``torch.optim.lr_scheduler`` (torch 2.13).

``StepLR``, ``MultiStepLR``, ``ConstantLR``, ``LinearLR``, ``ExponentialLR``,
``PolynomialLR``, ``CosineAnnealingLR``, ``CosineAnnealingWarmRestarts``,
``CyclicLR``, ``OneCycleLR``, ``LambdaLR``, ``MultiplicativeLR``,
``SequentialLR`` and ``ChainedScheduler`` have torch's names, constructor
signatures, defaults, public attributes (``base_lrs``, ``last_epoch``,
``T_max``, ``T_0``, ``T_i``, ``T_cur``, ``CyclicLR.mode``, ``max_lrs``...),
param-group keys (``initial_lr``, ``max_lr``, ``min_lr``, ``max_momentum``,
``base_momentum``) and methods (``step()``, ``step(epoch)``,
``get_last_lr()``, ``get_lr()``, ``state_dict()``/``load_state_dict()``).
They are real :class:`torch.optim.lr_scheduler.LRScheduler` subclasses.

Migrating is a one-line import change::

    from lrcurves.adapters.torch_schedulers import CosineAnnealingLR, LinearLR, SequentialLR

Every learning rate is the closed form of a core schedule built by
:mod:`lrcurves.compat.torch`, read at the scheduler's step counter through a
:class:`~lrcurves.CurveReader` (the values of ``lrcurves.curve``, computed a
chunk at a time, so a step in order costs an array lookup) -- never a ratio applied to the LR the optimizer
holds -- so the curve cannot drift, resumes exactly at any step and is the
same curve as ``lrcurves.compat.torch.schedule(...)`` in NumPy or JAX.  Tensor
LRs (and tensor ``betas``/``momentum``) are filled in place.  The value at
step ``k`` equals torch's closed form (``_get_closed_form_lr``, what
``step(epoch)`` uses) and its chainable ``step()`` to float64 rounding; see
"Which form is followed" in :mod:`lrcurves.compat.torch`.

Callables: ``LambdaLR`` evaluates ``lr_lambda(last_epoch)`` at each step, as
torch does (it also accepts a :class:`~lrcurves.Schedule` of multipliers,
which is then evaluated in closed form); ``MultiplicativeLR`` keeps the
running product of its factors in a table that grows lazily with the step
(a resumed scheduler recomputes it once from ``lr_lambda(1..k)``).

Stacking: schedulers of this module that share an optimizer compose as
torch's chainable schedulers do -- the LR is the base LR times every
multiplier curve, each at its own scheduler's step counter (the core
``lrcurves.product``), whichever scheduler is stepped.  Schedulers whose curve
is an absolute LR (``CyclicLR``, ``OneCycleLR``, ``SequentialLR``, the cosines
with ``eta_min > 0``) replace the base LR in that product; among several, the
one stepped last wins (torch's behaviour for such schedulers).
``ChainedScheduler`` simply steps its children.  :func:`closed_form_schedulers`
lists the schedulers composed on an optimizer.

``ReduceLROnPlateau`` is metric-driven and has no closed form: keep torch's.
The drop-ins warn if they find a learning rate changed by something else
(such as ``ReduceLROnPlateau`` or a torch scheduler stepped on the same
optimizer), since setting the closed form undoes that change.

Differences from the original
-----------------------------
Each has a test in ``tests/adapters/test_torch_dropins.py``.

1. **Closed form, not the recursion.**  torch's ``step()`` multiplies the
   current LR by a ratio; the drop-ins set the closed form.  They agree to
   float64 rounding, except where torch's two forms disagree with each other:
   near each minimum of ``CosineAnnealingLR`` (``1 + cos`` cancels, both forms
   lose relative accuracy there, but stay within a few ulps of the curve's
   amplitude) and, for degenerate arguments, ``ConstantLR(total_iters=0)``
   (torch's ``step()`` keeps ``factor`` forever, its closed form gives the base
   LR; the drop-in follows the closed form) and ``ConstantLR(factor=0)``
   (torch's ``step()`` divides by zero at ``total_iters``).
2. **Construction with ``last_epoch=N``** sets every group to the closed form
   at step ``N + 1`` (torch's ``last_epoch`` after construction); torch's
   chainable classes instead keep or rescale whatever LR the optimizer holds
   (pytorch/pytorch#60265).  In the documented resume flow (optimizer state
   loaded first) both give the same LR.
3. **Zero lengths raise at construction.**  ``step_size``, ``T_max``,
   ``total_iters`` (``LinearLR``, ``PolynomialLR``), ``step_size_up/down`` of
   0: torch accepts them and raises ``ZeroDivisionError`` at a later
   ``step()``; the drop-ins raise :class:`lrcurves.compat.torch.ZeroLengthError`
   at construction, which is both a ``ZeroDivisionError`` and a ``ValueError``.
4. **Invalid values are rejected** (``ValueError``) where torch silently
   computes a negative, alternating or undefined LR: negative ``gamma`` or
   ``eta_min``, negative milestones, negative ``total_iters``/``power``,
   ``base_lr > max_lr`` in ``CyclicLR``, ``eta_min`` above the base LR in
   ``CosineAnnealingWarmRestarts``, non-integral step counts, unsorted
   ``SequentialLR`` milestones, and a ``LambdaLR``/``MultiplicativeLR`` factor
   that is negative or not finite (at the step that produces it).
   ``gamma > 1`` is accepted by ``StepLR``/``ExponentialLR`` (growth capped at
   ``1e300`` times the base LR) but rejected by ``MultiStepLR``.
5. **Momenta above 1 are rejected.**  torch accepts any ``base_momentum``/
   ``max_momentum`` in ``CyclicLR``/``OneCycleLR`` (its own tests use 5 and
   22); a momentum or Adam ``beta1`` above 1 diverges, so the drop-ins raise
   ``ValueError`` when momentum is cycled.  Tensor ``betas[0]``/``momentum``
   are filled in place instead of being replaced by a float.
6. **OneCycleLR after ``total_steps`` steps** holds the final LR (torch
   extrapolates the anneal one step past its end at ``last_epoch ==
   total_steps``, a value no update uses in the usual loop); past that both
   raise ``ValueError``.  A phase of zero length (``pct_start * total_steps ==
   1``), where torch divides by zero, uses the phase's start value.
7. **CyclicLR's custom ``scale_fn`` is not supported** (``ValueError``): an
   arbitrary callable has no closed form lrcurves can hold.
8. **Stacking composes.**  Stacked non-chainable schedulers (``LambdaLR``,
   ``CosineAnnealingWarmRestarts`` with ``eta_min = 0``) multiply with the
   others instead of overwriting them at every step; a cosine with
   ``eta_min > 0`` stacked with multipliers gives the product of the closed
   forms (torch's recursion is affine there, and its own compound tests
   expect the product).  torch's ``SequentialLR`` cannot drive drop-ins (it
   re-runs their initial step and resets the LR behind their back): use this
   module's ``SequentialLR`` (a ``TypeError`` says so).
9. **SequentialLR** accepts a ``ChainedScheduler`` or another
   ``SequentialLR`` as a later child (torch raises ``NotImplementedError`` at
   its milestone) but not ``MultiplicativeLR`` after the first child (its
   curve would depend on the previous child's last LR).
10. **step(epoch) of CosineAnnealingWarmRestarts** evaluates the exact cycle
    of ``epoch``; torch finds the cycle with a float logarithm that can land
    on the wrong side of a restart.
"""

from __future__ import annotations

import math
import types
import warnings
import weakref
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    EPOCH_DEPRECATION_WARNING,
    LRScheduler,
    ReduceLROnPlateau as _ReduceLROnPlateau,
)

from lrcurves import CurveReader, Schedule
from lrcurves.compat import torch as _tc

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "SequentialLR",
    "StepLR",
    "closed_form_schedulers",
    "register_closed_form",
]

_Tensor = torch.Tensor
_COMMON_KEYS = ("base_lrs", "last_epoch", "_step_count", "_is_initial", "_get_lr_called_within_step", "_last_lr")


def _f(v: Any) -> float:
    return float(v.item()) if isinstance(v, _Tensor) else float(v)


def _copy(v: Any) -> Any:
    return v.clone() if isinstance(v, _Tensor) else v


def _group_lrs(optimizer: Optimizer) -> list[Any]:
    return [_copy(g["lr"]) for g in optimizer.param_groups]


def _set_group(group: dict[str, Any], key: str, value: float) -> None:
    cur = group[key]
    if isinstance(cur, _Tensor):
        cur.fill_(value)
    else:
        group[key] = value


# ---------------------------------------------------------------------------
# the per-optimizer stack


class _Stack:
    """The drop-ins that drive one optimizer, in construction order."""

    __slots__ = ("__weakref__", "absolute", "last", "members", "solo", "warned")

    def __init__(self) -> None:
        self.members: list[weakref.ref[Any]] = []
        self.absolute: weakref.ref[Any] | None = None  # the absolute member stepped last
        self.last: list[Any] | None = None  # float LRs written last (None: do not check)
        self.warned = False
        self.solo: weakref.ref[Any] | None = None  # the only member, if there is one

    def alive(self) -> list[Any]:
        out = [r() for r in self.members]
        if None in out:
            out = [m for m in out if m is not None]
            self.members = [weakref.ref(m) for m in out]
            self._update()
        return out

    def _update(self) -> None:
        self.solo = self.members[0] if len(self.members) == 1 else None

    def add(self, m: Any) -> None:
        if not any(r() is m for r in self.members):
            self.members.append(weakref.ref(m))
        self.alive()
        self._update()

    def remove(self, m: Any) -> None:
        self.members = [r for r in self.members if r() is not None and r() is not m]
        self._update()

    def compose(self, stepped: Any) -> list[float]:
        """The LR of every group: the absolute curve (or the base LR) times every multiplier."""
        if stepped._absolute:
            self.absolute = weakref.ref(stepped)
        members = self.alive()
        if len(members) == 1:
            return members[0]._standalone()
        return _compose(members, self.absolute() if self.absolute is not None else None)


def _compose(members: Sequence[Any], absolute: Any = None) -> list[float]:
    """``A * m_1 * m_2 ...`` per group (``lrcurves.product``'s order)."""
    if absolute is None or absolute not in members:
        absolute = None
        for m in members:
            if m._absolute:
                absolute = m
    out = absolute._contrib() if absolute is not None else members[0]._float_bases
    fresh = False
    for m in members:
        if not m._absolute:
            # every member has one value per group (checked when it was built)
            out, fresh = [a * b for a, b in zip(out, m._contrib())], True  # noqa: B905
    return out if fresh else list(out)


_STACKS: weakref.WeakKeyDictionary[Optimizer, _Stack] = weakref.WeakKeyDictionary()


def _stack(optimizer: Optimizer) -> _Stack:
    st = _STACKS.get(optimizer)
    if st is None:
        st = _STACKS[optimizer] = _Stack()
    return st


def closed_form_schedulers(optimizer: Optimizer) -> list[LRScheduler]:
    """The drop-ins currently composed on ``optimizer`` (construction order).

    Children absorbed by a :class:`SequentialLR` are not listed (the
    ``SequentialLR`` is).  Use it to detect a second closed-form scheduler on
    an optimizer before driving it another way.
    """
    st = _STACKS.get(optimizer)
    return [] if st is None else st.alive()


def register_closed_form(scheduler: LRScheduler) -> None:
    """Record another closed-form scheduler (e.g. a ``CurveScheduler``) as driving its optimizer.

    The drop-ins compose only among themselves: building one on an optimizer
    that has a registered foreign scheduler raises ``ValueError``, and the
    foreign scheduler can refuse to share an optimizer that
    :func:`closed_form_schedulers` reports as taken.  Registration is weak:
    it ends with the scheduler.
    """
    _stack(scheduler.optimizer).add(scheduler)


def _write(owner: Any, values: Sequence[float], st: _Stack | None = None) -> bool:
    """Set every group's LR (in place for tensors) and ``owner._last_lr``; True if any LR is a tensor."""
    groups = owner.optimizer.param_groups
    if len(values) != len(groups):
        raise ValueError(
            f"{type(owner).__name__}: the optimizer has {len(groups)} param groups but the "
            f"scheduler was built for {len(values)}; build the scheduler after add_param_group"
        )
    if st is None:
        st = _stack(owner.optimizer)
    last = st.last
    out = list(values)
    tensors = warn = False
    i = 0  # (a counter is cheaper than enumerate/zip here; this runs every step)
    for g in groups:
        lr = g["lr"]
        if isinstance(lr, _Tensor):
            lr.fill_(values[i])
            out[i] = lr.clone()
            tensors = True
        else:
            if last is not None and lr != last[i]:
                warn = True
            g["lr"] = values[i]
        i += 1  # noqa: SIM113
    if warn and not st.warned:
        st.warned = True
        warnings.warn(
            f"{type(owner).__name__}: a param group's learning rate was changed outside the "
            "lrcurves drop-ins (e.g. by ReduceLROnPlateau or a torch scheduler stepped on the "
            "same optimizer); the drop-ins set the closed-form LR of their step and override "
            "such changes",
            UserWarning,
            stacklevel=4,
        )
    st.last = list(values)
    owner._last_lr = out
    return tensors


def _write_momentum(optimizer: Optimizer, use_beta1: bool, values: Sequence[float]) -> None:
    for g, m in zip(optimizer.param_groups, values, strict=True):
        if use_beta1:
            betas = g["betas"]
            if isinstance(betas[0], _Tensor):
                betas[0].fill_(m)
            else:
                g["betas"] = (m, *betas[1:])
        elif isinstance(g["momentum"], _Tensor):
            g["momentum"].fill_(m)
        else:
            g["momentum"] = m


_SEQ_MSG = (
    "{name} is a lrcurves drop-in: torch.optim.lr_scheduler.SequentialLR cannot drive it "
    "(it re-runs the initial step and resets the LR behind the closed form); use "
    "lrcurves.adapters.torch_schedulers.SequentialLR"
)


class _DropIn(LRScheduler):
    """Machinery shared by the drop-ins: closed-form curves per group, torch's counters."""

    _name: str = ""
    _state: tuple[str, ...] = ()  # torch's class-specific state_dict keys
    _absolute = False
    _mom = False  # cycles momentum (CyclicLR, OneCycleLR)
    _float_bases: list[float]

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self._detached = False
        self._initialized = False
        # validate before torch's constructor touches the param groups
        self._build([g.get("initial_lr", g["lr"]) for g in optimizer.param_groups])
        for m in _stack(optimizer).alive():
            if not isinstance(m, _DropIn):
                raise ValueError(
                    f"{self._name}: {type(m).__name__} already drives this optimizer's learning "
                    "rate; two closed-form schedulers on one optimizer are composed only among "
                    "the lrcurves drop-ins"
                )
        self._st = _stack(optimizer)
        super().__init__(optimizer, last_epoch)
        self._is_initial = False
        self._get_lr_called_within_step = False

    # -- the curves ----------------------------------------------------------
    def _params(self) -> dict[str, Any]:
        raise NotImplementedError

    def _curves(self, bases: Sequence[float]) -> list[_tc.Curve]:
        p = self._params()
        n = len(bases)
        return [
            _tc.curve(self._name, group_lr=b, group=i, n_groups=n, **p) for i, b in enumerate(bases)
        ]

    def _build(self, bases: Sequence[Any] | None = None) -> None:
        """(Re)build the per-group evaluators from the torch attributes and base LRs."""
        fb = [_f(b) for b in (self.base_lrs if bases is None else bases)]
        curves = self._curves(fb)
        self._float_bases = fb
        self._absolute = curves[0].absolute is not None
        scheds = [c.curve for c in curves]
        cache: dict[Schedule, Callable[[Any], float]] = {}
        evs = []
        for s in scheds:
            ev = cache.get(s)
            if ev is None:
                ev = cache[s] = CurveReader(s)
            evs.append(ev)
        self._evs = evs
        self._shared = evs[0] if all(e is evs[0] for e in evs) else None
        self._moms = (
            [CurveReader(s, momentum=True) for s in scheds] if self._mom and scheds[0].has_momentum else None
        )
        self._memo: tuple[Any, list[float]] | None = None

    def _t(self) -> Any:
        """The step at which the curve is evaluated."""
        return self.last_epoch

    def _contrib(self) -> list[float]:
        """This scheduler's factor per group (a multiplier, or the absolute LR)."""
        t = self._t()
        memo = self._memo
        if memo is not None and memo[0] == t:
            return memo[1]
        shared = self._shared
        if shared is not None:
            v = shared(t)
            out = [v] * len(self._evs)
        else:
            out = [ev(t) for ev in self._evs]
        self._memo = (t, out)
        return out

    def _standalone(self) -> list[float]:
        """The LR this scheduler alone sets, per group."""
        shared = self._shared
        if shared is not None and not self._absolute:
            v = shared(self._t())
            return [b * v for b in self._float_bases]
        c = self._contrib()
        if self._absolute:
            return c
        return [b * m for b, m in zip(self._float_bases, c, strict=True)]

    def _publish(self) -> None:
        if self._detached:
            return
        st = self._st
        solo = st.solo
        if solo is not None and solo() is self:
            values = self._standalone()
            if self._absolute:
                st.absolute = solo
        else:
            values = st.compose(self)
        _write(self, values, st)
        if self._moms is not None:
            t = self._t()
            _write_momentum(self.optimizer, self.use_beta1, [m(t) for m in self._moms])

    # -- torch's protocol ------------------------------------------------------
    def _initial_step(self) -> None:
        if self._initialized:
            raise TypeError(_SEQ_MSG.format(name=type(self).__name__))
        self._initialized = True
        self._build()
        _stack(self.optimizer).add(self)
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def _update_lr(self, epoch: int | None = None) -> None:
        raise TypeError(_SEQ_MSG.format(name=type(self).__name__))

    def _warn_order(self) -> None:
        # torch's call-order checks, on the second step() call
        if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
            warnings.warn(
                "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
                "initialization. Please, make sure to call `optimizer.step()` before "
                "`lr_scheduler.step()`. See more details at "
                "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                UserWarning,
                stacklevel=3,
            )
        elif not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
                "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
                "will result in PyTorch skipping the first value of the learning rate schedule. "
                "See more details at "
                "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                UserWarning,
                stacklevel=3,
            )

    def step(self, epoch: int | None = None) -> None:  # type: ignore[override]
        """Advance one step (or to ``epoch``) and set every group's LR in closed form."""
        if epoch is None and self._step_count > 1 and type(self)._advance is _DropIn._advance:
            # the common case, inline
            self._step_count += 1
            self.last_epoch += 1
            self._publish()
            return
        if self._step_count == 1:
            self._warn_order()
        self._step_count += 1
        if epoch is None:
            self._advance()
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self._goto(epoch)
        self._publish()

    def _advance(self) -> None:
        self.last_epoch += 1

    def _goto(self, epoch: Any) -> None:
        self.last_epoch = epoch

    def get_lr(self) -> list[float]:  # type: ignore[override]
        """The closed-form LR of every group at ``last_epoch`` (use ``get_last_lr()`` to read it)."""
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                UserWarning,
                stacklevel=2,
            )
        return self._standalone()

    def _get_closed_form_lr(self) -> list[float]:
        return self._standalone()

    # -- checkpoints -----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """torch's state dict for this class: the same keys, values and types."""
        sd = {k: getattr(self, k) for k in self._state}
        for k in _COMMON_KEYS:
            sd[k] = getattr(self, k)
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load this class's state dict or torch's own (then rebuild the curves)."""
        self.__dict__.update(state_dict)
        self._loaded()

    def _loaded(self) -> None:
        self._build()
        _stack(self.optimizer).last = None

    # -- SequentialLR support ----------------------------------------------------
    def _ctr_step(self) -> None:
        self._step_count += 1
        self._advance()

    def _ctr_set(self, epoch: int) -> None:
        self._goto(epoch)

    def _ctr_undo(self) -> None:
        self.last_epoch -= 1

    def _ctr_initial(self) -> None:
        self._step_count = 0
        self._ctr_step()

    def _momenta(self) -> list[float] | None:
        if self._moms is None:
            return None
        t = self._t()
        return [m(t) for m in self._moms]

    def _detach(self) -> None:
        self._detached = True
        _stack(self.optimizer).remove(self)


# ---------------------------------------------------------------------------
# the multiplier classes


class StepLR(_DropIn):
    """Decay each group's LR by ``gamma`` every ``step_size`` steps: ``base * gamma ** (t // step_size)``."""

    _name = "StepLR"
    _state = ("step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"step_size": self.step_size, "gamma": self.gamma}


class MultiStepLR(_DropIn):
    """Decay each group's LR by ``gamma`` at every milestone (repeated milestones count again)."""

    _name = "MultiStepLR"
    _state = ("milestones", "gamma")

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"milestones": self.milestones, "gamma": self.gamma}


class ConstantLR(_DropIn):
    """Multiply each group's LR by ``factor`` until step ``total_iters``."""

    _name = "ConstantLR"
    _state = ("factor", "total_iters")

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"factor": self.factor, "total_iters": self.total_iters}


class LinearLR(_DropIn):
    """Ramp each group's LR factor linearly from ``start_factor`` to ``end_factor`` over ``total_iters``."""

    _name = "LinearLR"
    _state = ("start_factor", "end_factor", "total_iters")

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"start_factor": self.start_factor, "end_factor": self.end_factor, "total_iters": self.total_iters}


class ExponentialLR(_DropIn):
    """Decay each group's LR by ``gamma`` every step: ``base * gamma ** t``."""

    _name = "ExponentialLR"
    _state = ("gamma",)

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"gamma": self.gamma}


class PolynomialLR(_DropIn):
    """``base * (1 - min(t, total_iters) / total_iters) ** power``."""

    _name = "PolynomialLR"
    _state = ("total_iters", "power")

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"total_iters": self.total_iters, "power": self.power}


class CosineAnnealingLR(_DropIn):
    """``eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2`` for every ``t`` (periodic past ``T_max``)."""

    _name = "CosineAnnealingLR"
    _state = ("T_max", "eta_min")

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"T_max": self.T_max, "eta_min": self.eta_min}


class CosineAnnealingWarmRestarts(_DropIn):
    """SGDR: cosine cycles of ``T_0``, ``T_0 * T_mult``, ... steps, each from the base LR to ``eta_min``.

    ``T_cur``/``T_i`` are kept exactly as torch keeps them (``step()`` and
    ``step(epoch)``, fractional epochs included); the LR is the core
    ``cosine_restarts`` schedule at the position those describe.
    """

    _name = "CosineAnnealingWarmRestarts"
    _state = ("T_0", "T_i", "T_mult", "eta_min", "T_cur")

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        _tc._check_cawr({"T_0": T_0, "T_mult": T_mult, "eta_min": eta_min})
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        return {"T_0": self.T_0, "T_mult": self.T_mult, "eta_min": self.eta_min}

    def _t(self) -> Any:
        # the step where the current cycle (of length T_i) starts, plus T_cur
        if self.T_mult == 1:
            return self.T_cur
        start, length = 0, self.T_0
        while length < self.T_i:
            start += length
            length *= self.T_mult
        return start + self.T_cur

    def step(self, epoch: Any = None) -> None:  # type: ignore[override]
        """torch's bookkeeping of ``T_cur``/``T_i`` (no call-order or epoch warnings, as torch)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self._advance()
        else:
            self._goto(epoch)
        self._publish()

    def _advance(self) -> None:
        epoch = self.last_epoch + 1
        self.T_cur = self.T_cur + 1
        if self.T_cur >= self.T_i:
            self.T_cur = self.T_cur % self.T_i
            self.T_i = self.T_i * self.T_mult
        self.last_epoch = math.floor(epoch)

    def _goto(self, epoch: Any) -> None:
        if epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        if epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                # the exact cycle of `epoch` (torch uses a float logarithm here)
                start, length = 0, self.T_0
                while start + length <= epoch:
                    start += length
                    length *= self.T_mult
                self.T_cur = epoch - start
                self.T_i = length
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)

    def _ctr_step(self) -> None:
        self._advance()

    def _ctr_initial(self) -> None:
        if self.last_epoch < 0:
            self._goto(0)
        else:
            self._advance()

    def _ctr_set(self, epoch: int) -> None:
        self.last_epoch = epoch  # torch's _update_lr: T_cur/T_i untouched


class _Callable(_DropIn):
    """LambdaLR / MultiplicativeLR: one callable (or Schedule) per group."""

    _state = ()

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.lr_lambdas = _tc.lambdas(self._name, lr_lambda, len(optimizer.param_groups))
        super().__init__(optimizer, last_epoch)

    def _build(self, bases: Sequence[Any] | None = None) -> None:
        fb = [_f(b) for b in (self.base_lrs if bases is None else bases)]
        if len(self.lr_lambdas) != len(fb):
            raise ValueError(f"Expected {len(fb)} lr_lambdas, but got {len(self.lr_lambdas)}")
        self._float_bases = fb
        self._absolute = False
        self._moms = None
        self._memo = None
        evs: list[Callable[[Any], float]] = []
        made: dict[int, Callable[[Any], float]] = {}
        for fn in self.lr_lambdas:
            ev = made.get(id(fn))
            if ev is None:
                ev = made[id(fn)] = self._factor_fn(fn)
            evs.append(ev)
        self._evs = evs
        self._shared = evs[0] if all(e is evs[0] for e in evs) else None

    def _factor_fn(self, fn: Any) -> Callable[[Any], float]:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        sd = super().state_dict()
        # as torch: callable objects keep their __dict__, functions/lambdas are not saved
        sd["lr_lambdas"] = [
            None if isinstance(fn, (types.FunctionType, Schedule)) or not hasattr(fn, "__dict__") else fn.__dict__.copy()
            for fn in self.lr_lambdas
        ]
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        sd = dict(state_dict)
        fns = sd.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        self.__dict__.update(sd)
        for fn, st in zip(self.lr_lambdas, fns, strict=False):
            if st is not None and hasattr(fn, "__dict__"):
                fn.__dict__.update(st)
        self._loaded()


class LambdaLR(_Callable):
    """Each group's LR is its initial LR times ``lr_lambda(t)``.

    ``lr_lambda`` (or one per group) is a callable of the step, evaluated at
    each step as torch does, or a :class:`~lrcurves.Schedule` of multipliers
    (evaluated in closed form).
    """

    _name = "LambdaLR"

    def _factor_fn(self, fn: Any) -> Callable[[Any], float]:
        if isinstance(fn, Schedule):
            return CurveReader(fn)
        name = self._name
        check = _tc.factor_value

        def factor(t: Any) -> float:
            v = fn(t)
            if type(v) is float and 0.0 <= v < math.inf:  # the common case; check() says what is wrong
                return v
            return check(name, t, v)

        return factor


class MultiplicativeLR(_Callable):
    """Each step multiplies each group's LR by ``lr_lambda(t)``: ``base * lr_lambda(1) * ... * lr_lambda(t)``.

    The running products are kept in a table per callable, extended lazily up
    to the current step (a jump to step ``k`` evaluates ``lr_lambda(1..k)``
    once).
    """

    _name = "MultiplicativeLR"

    def _factor_fn(self, fn: Any) -> Callable[[Any], float]:
        if isinstance(fn, Schedule) or not callable(fn):
            raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        table: list[float] = [1.0]
        name = self._name
        cumulative = _tc.cumulative_factors

        def factor(t: Any) -> float:
            k = int(t)
            if k < 0:
                return 1.0
            if k >= len(table):
                cumulative(name, fn, k + 1, table)
            return table[k]

        return factor


# ---------------------------------------------------------------------------
# the absolute classes (their own LRs, momentum)


def _has_momentum_slot(optimizer: Optimizer) -> None:
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")


def _format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(param)} values, param_groups has {len(optimizer.param_groups)}."
            )
    else:
        param = [param] * len(optimizer.param_groups)
    return [_copy(p) for p in param]


class CyclicLR(_DropIn):
    """Cyclical learning rates between ``base_lr`` and ``max_lr`` (and momentum the other way)."""

    _name = "CyclicLR"
    _state = (
        "max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode", "cycle_momentum",
        "use_beta1", "base_momentums", "max_momentums",
    )
    _absolute = True
    _mom = True

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        base_lrs = _format_param("base_lr", optimizer, base_lr)
        self.max_lrs = _format_param("max_lr", optimizer, max_lr)
        if mode not in ["triangular", "triangular2", "exp_range"] and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        up = step_size_up
        down = up if step_size_down is None else step_size_down
        self._sizes = (up, down)
        self.total_size = float(up) + float(down)
        self.step_ratio = float(up) / self.total_size if self.total_size else 0.0
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = "iterations" if mode == "exp_range" else "cycle"
        if scale_fn is not None:
            self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        self.base_momentums: list[Any] = []
        self.max_momentums: list[Any] = []
        if cycle_momentum:
            _has_momentum_slot(optimizer)
            self.base_momentums = _format_param("base_momentum", optimizer, base_momentum)
            self.max_momentums = _format_param("max_momentum", optimizer, max_momentum)
        self.base_lrs = base_lrs
        self._cyc_bases = base_lrs
        # validate before touching the groups
        self._build(base_lrs)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                _set_group(group, "lr", _f(lr))
            if cycle_momentum:
                for mm, bm, group in zip(self.max_momentums, self.base_momentums, optimizer.param_groups, strict=True):
                    _write_momentum_one(group, self.use_beta1, _f(mm))
                    group["max_momentum"] = mm
                    group["base_momentum"] = bm
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _base_lrs_now(self) -> list[Any]:
        return self._cyc_bases if getattr(self, "_cyc_bases", None) is not None else self.base_lrs

    def _params(self) -> dict[str, Any]:
        up, down = self._sizes
        if float(up) + float(down) != self.total_size or (
            self.total_size and float(up) / self.total_size != self.step_ratio
        ):
            # a loaded state: recover the integer half-cycle lengths
            up = round(self.total_size * self.step_ratio)
            down = round(self.total_size) - up
            self._sizes = (up, down)
        p = {
            "base_lr": [_f(b) for b in self._base_lrs_now()],
            "max_lr": [_f(m) for m in self.max_lrs],
            "step_size_up": up,
            "step_size_down": down,
            "mode": self.mode,
            "gamma": self.gamma,
            "scale_fn": self._scale_fn_custom,
            "cycle_momentum": self.cycle_momentum,
        }
        if self.cycle_momentum:
            p["base_momentum"] = [_f(m) for m in self.base_momentums]
            p["max_momentum"] = [_f(m) for m in self.max_momentums]
        return p

    def _build(self, bases: Sequence[Any] | None = None) -> None:
        # the curve ignores the optimizer's initial_lr: its bases are base_lr
        super()._build(self._base_lrs_now())

    def state_dict(self) -> dict[str, Any]:
        sd = super().state_dict()
        fn = self._scale_fn_custom
        sd["_scale_fn_custom"] = None if fn is None or isinstance(fn, types.FunctionType) else fn.__dict__.copy()
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        sd = dict(state_dict)
        sd.pop("_scale_fn_custom", None)
        self.__dict__.update(sd)
        self._cyc_bases = self.base_lrs
        self._loaded()


def _write_momentum_one(group: dict[str, Any], use_beta1: bool, m: float) -> None:
    if use_beta1:
        betas = group["betas"]
        if isinstance(betas[0], _Tensor):
            betas[0].fill_(m)
        else:
            group["betas"] = (m, *betas[1:])
    elif isinstance(group["momentum"], _Tensor):
        group["momentum"].fill_(m)
    else:
        group["momentum"] = m


class OneCycleLR(_DropIn):
    """The 1cycle policy (torch's two- and three-phase variants, cos or linear annealing)."""

    _name = "OneCycleLR"
    _state = ("total_steps", "_schedule_phases", "_anneal_func_type", "cycle_momentum", "use_beta1")
    _absolute = True
    _mom = True

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.total_steps = _tc.one_cycle_total_steps(
            {"total_steps": total_steps, "epochs": epochs, "steps_per_epoch": steps_per_epoch}
        )
        self._schedule_phases = _phases(self.total_steps, pct_start, three_phase)
        self._anneal_func_type = anneal_strategy
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        max_lrs = _format_param("max_lr", optimizer, max_lr)
        if cycle_momentum:
            _has_momentum_slot(optimizer)
        max_moms = _format_param("max_momentum", optimizer, max_momentum)
        base_moms = _format_param("base_momentum", optimizer, base_momentum)
        self._orig = {
            "pct_start": pct_start,
            "div_factor": div_factor,
            "final_div_factor": final_div_factor,
            "three_phase": three_phase,
            "max_lr": max_lrs,
            "base_momentum": base_moms,
            "max_momentum": max_moms,
        }
        self._build([0.0] * len(optimizer.param_groups))  # validate first
        if last_epoch == -1:
            for m, group in zip(max_lrs, optimizer.param_groups, strict=True):
                group["initial_lr"] = m / div_factor
                group["max_lr"] = m
                group["min_lr"] = group["initial_lr"] / final_div_factor
            if cycle_momentum:
                for mm, bm, group in zip(max_moms, base_moms, optimizer.param_groups, strict=True):
                    _write_momentum_one(group, self.use_beta1, _f(mm))
                    group["max_momentum"] = mm
                    group["base_momentum"] = bm
        super().__init__(optimizer, last_epoch)

    def _params(self) -> dict[str, Any]:
        o = self._orig
        pct, three = o["pct_start"], o["three_phase"]
        if self._schedule_phases != _phases(self.total_steps, pct, three):
            # a loaded state with other phases: recover pct_start from them
            three = len(self._schedule_phases) == 3
            pct = (self._schedule_phases[0]["end_step"] + 1) / self.total_steps
            if self._schedule_phases != _phases(self.total_steps, pct, three):
                raise ValueError("OneCycleLR: cannot recover pct_start from the loaded _schedule_phases")
            o["pct_start"], o["three_phase"] = pct, three
        p = {
            "max_lr": o["max_lr"],
            "total_steps": self.total_steps,
            "pct_start": pct,
            "anneal_strategy": self._anneal_func_type,
            "cycle_momentum": self.cycle_momentum,
            "div_factor": o["div_factor"],
            "final_div_factor": o["final_div_factor"],
            "three_phase": three,
        }
        if self.cycle_momentum:
            p["base_momentum"] = [_f(m) for m in o["base_momentum"]]
            p["max_momentum"] = [_f(m) for m in o["max_momentum"]]
        p["max_lr"] = [_f(m) for m in p["max_lr"]]
        return p

    def _publish(self) -> None:
        if self.last_epoch > self.total_steps:
            raise ValueError(
                f"Tried to step {self.last_epoch} times. The specified number of total steps is {self.total_steps}"
            )
        super()._publish()


def _phases(total: int, pct: Any, three: bool) -> list[dict[str, Any]]:
    """torch OneCycleLR's ``_schedule_phases`` (state-dict interop)."""
    if three:
        return [
            {"end_step": float(pct * total) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
             "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
            {"end_step": float(2 * pct * total) - 2, "start_lr": "max_lr", "end_lr": "initial_lr",
             "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            {"end_step": total - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
             "start_momentum": "max_momentum", "end_momentum": "max_momentum"},
        ]
    return [
        {"end_step": float(pct * total) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
         "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
        {"end_step": total - 1, "start_lr": "max_lr", "end_lr": "min_lr",
         "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
    ]


# ---------------------------------------------------------------------------
# SequentialLR and ChainedScheduler


def _check_children(owner: str, optimizer: Any, schedulers: Sequence[Any]) -> None:
    for i, s in enumerate(schedulers):
        if not hasattr(s, "optimizer"):
            raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
        if isinstance(s, _ReduceLROnPlateau):
            raise ValueError(
                f"{owner} does not support `ReduceLROnPlateau` scheduler as it "
                "requires additional kwargs to be specified when calling `step`, "
                f"but got one at index {i} in the given schedulers sequence."
            )
        if optimizer != s.optimizer:
            raise ValueError(
                f"{owner} expects all schedulers to belong to the same optimizer, but "
                f"got scheduler {s.__class__.__name__} at index {i} has {s.optimizer}, "
                f"which is different from {optimizer.__class__.__name__}."
            )
        if not isinstance(s, (_DropIn, SequentialLR, ChainedScheduler)):
            raise TypeError(
                f"{owner}: scheduler {i} is a {type(s).__module__}.{type(s).__name__}; the lrcurves "
                f"{owner} composes lrcurves drop-ins only (import it from lrcurves.adapters.torch_schedulers)"
            )


# drop-ins whose step() is the plain counter advance and closed-form publish
_PLAIN = frozenset(
    c
    for c in (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR,
              LambdaLR, MultiplicativeLR)
    if c.step is _DropIn.step
    and c._advance is _DropIn._advance
    and c._publish is _DropIn._publish
    and c._t is _DropIn._t
    and c._contrib is _DropIn._contrib
)


class ChainedScheduler(LRScheduler):
    """Step several schedulers of one optimizer at once; their curves multiply."""

    _absolute = False

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                f"{self.__class__.__name__} expects at least one scheduler to be chained, but got no scheduler."
            )
        optimizer = optimizer or schedulers[0].optimizer
        _check_children(self.__class__.__name__, optimizer, schedulers)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = _group_lrs(self._schedulers[-1].optimizer)

    def step(self) -> None:  # type: ignore[override]
        kids = self._schedulers
        if not self._step_fast(kids):
            for s in kids:
                s.step()
            self._last_lr = _group_lrs(kids[-1].optimizer)

    def _step_fast(self, kids: Sequence[Any]) -> bool:
        """Step plain multiplier children at once, writing the optimizer once.

        The same numbers as stepping them in turn: child ``i``'s ``_last_lr`` is
        the base LR times the children up to ``i`` at their new step and the
        rest at their old one (each child's step writes that LR in torch), and
        the optimizer gets the product at the new step, in the stack's order.
        Applies when the optimizer's stack is exactly these children, none sets
        an absolute LR or momentum, and each is past its first ``step()``.
        """
        st = getattr(kids[0], "_st", None)
        if st is None or len(st.members) != len(kids):
            return False
        olds = []
        for r, k in zip(st.members, kids):  # noqa: B905 (lengths checked)
            if (
                r() is not k
                or k._step_count <= 1
                or type(k) not in _PLAIN
                or k._absolute
                or k._moms is not None
                or k._detached
            ):
                return False
            memo = k._memo  # its factor at the old step, as its last step computed it
            olds.append(memo[1] if memo is not None and memo[0] == k.last_epoch else k._contrib())
        prefix = []  # bases times the first i + 1 children at their new step
        out = kids[0]._float_bases
        for k in kids:
            k._step_count += 1
            k.last_epoch += 1
            out = [a * b for a, b in zip(out, k._contrib())]  # noqa: B905
            prefix.append(out)
        mids = []
        for i in range(len(kids) - 1):
            mid = prefix[i]
            for c in olds[i + 1:]:
                mid = [a * b for a, b in zip(mid, c)]  # noqa: B905
            mids.append(mid)
        if _write(kids[-1], out, st):  # tensor LRs: torch's children hold tensor clones
            groups = self.optimizer.param_groups
            mids = [
                [torch.full_like(g["lr"], v) if isinstance(g["lr"], _Tensor) else v for g, v in zip(groups, m)]  # noqa: B905
                for m in mids
            ]
            self._last_lr = _group_lrs(self.optimizer)
        else:
            self._last_lr = list(out)
        for k, m in zip(kids, mids):  # noqa: B905
            k._last_lr = m
        return True

    def state_dict(self) -> dict[str, Any]:
        sd = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        sd["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        sd = dict(state_dict)
        children = sd.pop("_schedulers")
        self.__dict__.update(sd)
        for s, st in zip(self._schedulers, children, strict=True):
            s.load_state_dict(st)

    # -- as a SequentialLR child / in the pure form --------------------------------
    def _standalone(self) -> list[float]:
        return _compose(list(self._schedulers))

    def _momenta(self) -> list[float] | None:
        for s in self._schedulers:
            m = s._momenta()
            if m is not None:
                return m
        return None

    @property
    def use_beta1(self) -> bool:
        return "betas" in self.optimizer.defaults

    def _ctr_step(self) -> None:
        for s in self._schedulers:
            s._ctr_step()

    def _ctr_set(self, epoch: int) -> None:
        for s in self._schedulers:
            s._ctr_set(epoch)

    def _ctr_undo(self) -> None:
        for s in self._schedulers:
            s._ctr_undo()

    def _ctr_initial(self) -> None:
        for s in self._schedulers:
            s._ctr_initial()

    def _detach(self) -> None:
        for s in self._schedulers:
            s._detach()

    @property
    def _float_bases(self) -> list[float]:
        return self._schedulers[0]._float_bases

    def _contrib(self) -> list[float]:
        return self._standalone()


class SequentialLR(LRScheduler):
    """Run schedulers one after another, switching at the milestones (torch's dispatch)."""

    _absolute = True
    _detached = False

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                f"{self.__class__.__name__} expects at least one scheduler, but got no scheduler."
            )
        _check_children(self.__class__.__name__, optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers {len(schedulers)} and the "
                f"number of milestones to be equal to {len(milestones)}"
            )
        pieces, _ = _tc.sequential_pieces(milestones, len(schedulers))
        for i in pieces[1:]:
            if isinstance(schedulers[i], MultiplicativeLR):
                raise ValueError(
                    "SequentialLR: MultiplicativeLR can only be the first scheduler (after a "
                    "milestone torch multiplies the previous scheduler's last LR, which has no "
                    "closed form)"
                )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for s in schedulers:
            s._detach()
        self._moms_of: Any = None
        for s in schedulers:
            s._ctr_undo()
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._ctr_initial()
        st = _stack(optimizer)
        st.add(self)
        self._publish_child(self._schedulers[idx])

    @property
    def _float_bases(self) -> list[float]:
        return self._schedulers[0]._float_bases

    def _publish_child(self, child: Any) -> None:
        if self._detached:
            return
        st = _stack(self.optimizer)
        solo = st.solo
        if solo is not None and solo() is self:  # the common case: nothing stacked with it
            st.absolute = solo
            values = child._standalone()
        else:
            values = st.compose(self)
        _write(self, values, st)
        child._last_lr = self._last_lr
        moms = child._momenta()
        if moms is not None:
            _write_momentum(self.optimizer, child.use_beta1, moms)

    def _active(self) -> Any:
        return self._schedulers[bisect_right(self._milestones, self.last_epoch)]

    def step(self) -> None:  # type: ignore[override]
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        child = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            child._ctr_set(0)
        else:
            child._ctr_step()
        self._publish_child(child)

    def state_dict(self) -> dict[str, Any]:
        sd = {
            "_milestones": self._milestones,
            "last_epoch": self.last_epoch,
            "_last_lr": self._last_lr,
        }
        sd["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        sd = dict(state_dict)
        children = sd.pop("_schedulers")
        self.__dict__.update(sd)
        for s, st in zip(self._schedulers, children, strict=True):
            s.load_state_dict(st)
        _stack(self.optimizer).last = None

    # -- the closed form ----------------------------------------------------------
    def _standalone(self) -> list[float]:
        return self._active()._standalone()

    def _contrib(self) -> list[float]:
        return self._standalone()

    def _momenta(self) -> list[float] | None:
        return self._active()._momenta()

    @property
    def use_beta1(self) -> bool:
        return "betas" in self.optimizer.defaults

    def get_lr(self) -> list[float]:  # type: ignore[override]
        return self._standalone()

    def _ctr_step(self) -> None:
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        child = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            child._ctr_set(0)
        else:
            child._ctr_step()

    def _ctr_set(self, epoch: int) -> None:
        self.last_epoch = epoch
        idx = bisect_right(self._milestones, epoch)
        self._schedulers[idx]._ctr_set(epoch - (self._milestones[idx - 1] if idx else 0))

    def _ctr_undo(self) -> None:
        for s in self._schedulers:
            s._ctr_undo()

    def _ctr_initial(self) -> None:
        self.last_epoch += 1
        self._schedulers[bisect_right(self._milestones, 0)]._ctr_initial()

    def _detach(self) -> None:
        self._detached = True
        _stack(self.optimizer).remove(self)
