"""Drop-in replacements for the 14 schedulers of ``colossalai.nn.lr_scheduler`` (0.5.0).

Every class here is a ``torch.optim.lr_scheduler.LRScheduler`` with
ColossalAI's name, signature and defaults (``total_steps`` is accepted and
unused where ColossalAI ignores it).  The learning rate of each param group
after construction and after every ``step()`` equals ColossalAI's (float64,
rtol 1e-12); ``state_dict()``/``load_state_dict()`` resume exactly.  No
schedule math lives here: each group's curve is the pure schedule
``lrcurves.compat.colossalai.schedule(<class>, base_lr=<group initial_lr>,
...)``, evaluated with :meth:`lrcurves.Schedule.value` at ``last_epoch``
(``LambdaLR``/``MultiplicativeLR`` call the user's callable eagerly instead
and scale its multiplier with the core ``scale``).

>>> import torch
>>> from lrcurves.adapters.colossalai import CosineAnnealingWarmupLR
>>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
>>> sched = CosineAnnealingWarmupLR(opt, total_steps=10, warmup_steps=4)
>>> lrs = [opt.param_groups[0]["lr"]]
>>> for _ in range(6):
...     opt.step()
...     sched.step()
...     lrs.append(opt.param_groups[0]["lr"])
>>> [round(v, 4) for v in lrs]
[0.25, 0.5, 0.75, 1.0, 1.0, 0.933, 0.75]

Reproduced quirks (deterministic, valid behaviour kept exactly):

* ColossalAI's warmup is ``(k + 1) / W * base`` (starts at ``base / W``,
  reaches ``base`` at ``k = W - 1``, so the peak is used twice);
  ``LinearWarmupLR`` uses ``(k + 1) / (W + 1) * base``.
* The cosine classes follow torch's ``CosineAnnealingLR``: past their end they
  rise again (period ``2 T``).  ``PolynomialLR`` clamps at ``end_lr``.
* ``MultiStepWarmupLR`` silently drops milestones before ``warmup_steps``;
  with ``warmup_steps=0`` a milestone at 0 is applied twice.
* ``StepLR`` defaults to ``step_size=1, gamma=0.1`` (x0.1 every step),
  ``ExponentialLR`` to ``gamma=1.0`` (constant); ``OneCycleLR`` takes
  ``max_lr`` from the optimizer's current lr (it starts at ``lr / 25``) and
  raises ``ValueError`` when stepped past ``total_steps``.

Differences from the original
-----------------------------

Each is tested in ``tests/adapters/test_colossalai.py``.

1. **Cosine handover (torch >= 2.8 bug not copied).**
   ``CosineAnnealingWarmupLR``, ``FlatAnnealingLR`` and
   ``FlatAnnealingWarmupLR`` follow ColossalAI's documented curve as it ran
   on torch <= 2.7: at the handover from warmup/flat to the cosine the peak
   is held (``base``), then the cosine follows.  On torch >= 2.8 the original
   overshoots to ``eta + (base - eta) * 2 / (1 + cos(pi / T'))`` at the
   handover (already at construction when there is no warmup/flat part) and
   runs the whole cosine one step late.
2. **LinearWarmupLR clamps at 0** past ``total_steps``; the original goes
   negative.
3. **Impossible lengths raise ValueError at construction**, where the
   original divides by zero (or runs a meaningless curve) later:
   ``total_steps <= warmup_steps`` for the ``*Warmup*`` classes and
   ``LinearWarmupLR``; a zero-length cosine (``FlatAnnealingLR`` with
   ``int(total_steps * pct_start) == total_steps``); ``total_steps < 1`` for
   ``CosineAnnealingLR``/``PolynomialLR``; ``StepLR(step_size=0)``;
   ``OneCycleLR`` configurations where torch hits a zero-length phase.
4. **Swallowed arguments are honoured**: ``OneCycleLR`` honours
   ``three_phase``, ``epochs`` and ``steps_per_epoch`` (``total_steps=None``
   with both works like torch; a ``total_steps`` that disagrees with them is
   a ``ValueError``); ``FlatAnnealingLR`` honours ``eta_min``.  Any other
   unknown keyword raises ``TypeError``, except ``num_steps_per_epoch`` and
   ``verbose`` (passed by ColossalAI's legacy config builder), which are
   ignored.
5. **Failing defaults**: ``MultiStepWarmupLR(milestones=None)`` (the
   original's default, a ``TypeError`` there) and ``LambdaLR`` /
   ``MultiplicativeLR`` with ``lr_lambda=None`` raise a clear ``ValueError``
   at construction.
6. **OneCycleLR at ``k == total_steps``** holds the final LR
   ``max_lr / (div_factor * final_div_factor)``; the original extrapolates
   the annealing past its end (above the minimum for ``'cos'``, negative for
   ``'linear'``).
7. **Invalid values raise** (``ValueError``/``TypeError`` naming class,
   parameter and value) instead of producing odd curves: negative
   ``gamma``/``eta_min``/``end_lr``/``power``, negative or non-integer
   milestones and step counts, ``pct_start`` outside ``[0, 1]``.
8. ``ExponentialLR`` with ``gamma > 1`` is capped at ``1e300`` instead of
   overflowing to ``inf``.
9. ``MultiplicativeLR`` keeps its own running product starting from the
   group's lr at construction; the original multiplies whatever lr the
   optimizer holds, so external lr changes leak into it.
10. ``LambdaLR``/``MultiplicativeLR``: a multiplier ``lr_lambda(k)`` that is
    negative, not finite or not a real number raises ``ValueError``/
    ``TypeError`` naming ``lr_lambda(k)`` (the original applies it, and a
    negative LR follows).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from lrcurves import Schedule
from lrcurves.compat import colossalai as _compat
from lrcurves.validate import state_dict_of, state_floats, state_int

__all__ = list(_compat.CLASS_NAMES)

_STATE_EXCLUDE = ("optimizer", "_schedules", "_schedule_bases", "lr_lambdas")


def _as_float(v: Any) -> float:
    return float(v.item()) if hasattr(v, "item") else float(v)


class _ColossalAIScheduler(LRScheduler):
    """Evaluates ``compat.colossalai.schedule`` per group at ``last_epoch``."""

    _class_name = ""
    _honoured: tuple[str, ...] = ()

    def __init__(
        self,
        optimizer: Optimizer,
        last_epoch: int,
        params: dict[str, Any],
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        name = self._class_name
        params = dict(params)
        for k, v in (kwargs or {}).items():
            if k in self._honoured:
                params[k] = v
            elif k not in _compat.IGNORED_KWARGS:
                raise TypeError(
                    f"{name}: unexpected keyword argument {k!r} (the original silently ignores it; "
                    f"accepted: {', '.join(_compat.signature(name).parameters)})"
                )
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer")
        self._params = params
        bases = self._bases_from(optimizer, last_epoch)
        self._schedules: list[Schedule] = [self._build(b) for b in bases]  # validates
        self._schedule_bases = tuple(bases)
        self._prepare_groups(optimizer, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _prepare_groups(self, optimizer: Optimizer, last_epoch: int) -> None:
        """Hook run after validation, before torch's constructor."""

    # -- curves -----------------------------------------------------------
    def _bases_from(self, optimizer: Optimizer, last_epoch: int) -> list[float]:
        out = []
        for i, g in enumerate(optimizer.param_groups):
            if last_epoch != -1 and "initial_lr" not in g:
                raise KeyError(
                    f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                    f"{self._class_name} with last_epoch={last_epoch}"
                )
            out.append(_as_float(g.get("initial_lr", g["lr"])))
        return out

    def _curve_bases(self) -> list[float]:
        return [_as_float(b) for b in self.base_lrs]

    def _build(self, base: float) -> Schedule:
        return _compat.schedule(self._class_name, base_lr=base, **self._params)

    def _curves(self) -> list[Schedule]:
        bases = tuple(self._curve_bases())
        if bases != self._schedule_bases:
            self._schedules = [self._build(b) for b in bases]
            self._schedule_bases = bases
        return self._schedules

    @property
    def schedules(self) -> list[Schedule]:
        """The pure schedule of every param group (value at ``k`` = lr after ``k`` steps)."""
        return list(self._curves())

    def get_lr(self) -> list[float]:  # type: ignore[override]
        k = self.last_epoch
        return [s.value(k) for s in self._curves()]

    # -- persistence --------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in _STATE_EXCLUDE}

    def _check_state_params(self, params: dict[str, Any], bases: list[float]) -> None:
        """The loaded parameters must build valid curves."""
        try:
            for b in bases:
                _compat.schedule(self._class_name, base_lr=b, **params)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: invalid parameters in the state: {exc}"
            ) from None

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (torch's ``__dict__`` update), checked first.

        ColossalAI (torch) accepts any dict here; this drop-in refuses, with
        :class:`ValueError` and nothing changed, a state of another class
        (other parameters) or a corrupted one (a non-integer ``last_epoch``,
        wrong-length or non-numeric ``base_lrs``/``_last_lr``): those would
        only fail later, inside ``step()``.
        """
        where = type(self).__name__
        sd = state_dict_of(where, state_dict, ("last_epoch", "base_lrs", "_params"))
        n = len(self.optimizer.param_groups)
        state_int(where, sd, "last_epoch", min=-1)
        if "_step_count" in sd:
            state_int(where, sd, "_step_count", min=0)
        base = state_floats(where, sd, "base_lrs", n, min=0.0)
        if "_last_lr" in sd:
            state_floats(where, sd, "_last_lr", n)
        params = sd["_params"]
        if not isinstance(params, dict) or set(params) != set(self._params):
            raise ValueError(
                f"{where}.load_state_dict: the state's parameters {sorted(params) if isinstance(params, dict) else params!r:.200} "
                f"are not {where}'s {sorted(self._params)}: a state saved by another scheduler"
            )
        self._check_state_params(params, base)
        self.__dict__.update({k: v for k, v in sd.items() if k not in _STATE_EXCLUDE})
        self._schedule_bases = ()  # rebuild from the loaded base_lrs on next use


class _CurveScheduler(_ColossalAIScheduler):
    """Closed form: ``step(epoch)`` jumps straight to ``epoch``."""

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()


def _params(**kw: Any) -> dict[str, Any]:
    return kw


class CosineAnnealingLR(_CurveScheduler):
    """torch ``CosineAnnealingLR(T_max=total_steps, eta_min)`` (periodic past the end)."""

    _class_name = "CosineAnnealingLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        eta_min: int = 0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(optimizer, last_epoch, _params(total_steps=total_steps, eta_min=eta_min), kwargs)


class CosineAnnealingWarmupLR(_CurveScheduler):
    """Warmup ``(k+1)/W * base``, then torch's cosine over ``total_steps - warmup_steps``."""

    _class_name = "CosineAnnealingWarmupLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        warmup_steps: int = 0,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(
            optimizer,
            last_epoch,
            _params(total_steps=total_steps, warmup_steps=warmup_steps, eta_min=eta_min),
        )


class FlatAnnealingLR(_CurveScheduler):
    """Flat ``base`` for ``int(total_steps * pct_start)`` steps, then cosine to ``eta_min``."""

    _class_name = "FlatAnnealingLR"
    _honoured = ("eta_min",)

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        pct_start: float = 0.72,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(optimizer, last_epoch, _params(total_steps=total_steps, pct_start=pct_start), kwargs)


class FlatAnnealingWarmupLR(_CurveScheduler):
    """Warmup, flat ``base``, then cosine to ``eta_min``."""

    _class_name = "FlatAnnealingWarmupLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        warmup_steps: int = 0,
        pct_start: float = 0.72,
        eta_min: int = 0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer,
            last_epoch,
            _params(
                total_steps=total_steps, warmup_steps=warmup_steps, pct_start=pct_start, eta_min=eta_min
            ),
            kwargs,
        )


class LinearWarmupLR(_CurveScheduler):
    """Warmup ``(k+1)/(W+1) * base``, then linear decay to 0 at ``total_steps`` (clamped)."""

    _class_name = "LinearWarmupLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        warmup_steps: int = 0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer, last_epoch, _params(total_steps=total_steps, warmup_steps=warmup_steps), kwargs
        )


class MultiStepLR(_CurveScheduler):
    """``base * gamma ** (number of milestones <= k)``; ``milestones=None`` never decays."""

    _class_name = "MultiStepLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        milestones: list[int] | None = None,
        gamma: float = 0.1,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer, last_epoch, _params(total_steps=total_steps, milestones=milestones, gamma=gamma), kwargs
        )


class MultiStepWarmupLR(_CurveScheduler):
    """Warmup, then ``base * gamma ** #{m >= W : m <= k}``."""

    _class_name = "MultiStepWarmupLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        warmup_steps: int = 0,
        milestones: list[int] | None = None,
        gamma: float = 0.1,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer,
            last_epoch,
            _params(total_steps=total_steps, warmup_steps=warmup_steps, milestones=milestones, gamma=gamma),
            kwargs,
        )


class OneCycleLR(_CurveScheduler):
    """torch ``OneCycleLR`` with ``max_lr`` = each group's current lr."""

    _class_name = "OneCycleLR"
    _honoured = ("three_phase", "epochs", "steps_per_epoch")

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 10000.0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        if isinstance(optimizer, Optimizer) and cycle_momentum is True:
            d = optimizer.defaults
            if "momentum" not in d and "betas" not in d:
                raise ValueError(
                    "OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
                )
        self.use_beta1 = isinstance(optimizer, Optimizer) and "betas" in optimizer.defaults
        super().__init__(
            optimizer,
            last_epoch,
            _params(
                total_steps=total_steps,
                pct_start=pct_start,
                anneal_strategy=anneal_strategy,
                cycle_momentum=cycle_momentum,
                base_momentum=base_momentum,
                max_momentum=max_momentum,
                div_factor=div_factor,
                final_div_factor=final_div_factor,
            ),
            kwargs,
        )

    def _bases_from(self, optimizer: Optimizer, last_epoch: int) -> list[float]:
        # max_lr: the current lr (fresh) or the stored max_lr (resume); then,
        # as torch, initial/max/min lr and momenta are written into the groups
        maxs = [
            _as_float(g["lr"] if last_epoch == -1 else g.get("max_lr", g["lr"]))
            for g in optimizer.param_groups
        ]
        self.max_lrs = maxs
        return maxs

    def _curve_bases(self) -> list[float]:
        return list(self.max_lrs)

    def _prepare_groups(self, optimizer: Optimizer, last_epoch: int) -> None:
        p = self._params
        self.total_steps = int(self._schedules[0].params["total_steps"])
        if last_epoch != -1:
            return
        sp = self._schedules[0].params
        for g, m in zip(optimizer.param_groups, self.max_lrs, strict=True):
            g["initial_lr"], g["min_lr"] = _compat.one_cycle_group_lrs(
                m,
                total_steps=self.total_steps,
                pct_start=sp["pct_start"],
                div_factor=sp["div_factor"],
                final_div_factor=sp["final_div_factor"],
                three_phase=sp["three_phase"],
            )
            g["max_lr"] = m
            if p["cycle_momentum"]:
                if self.use_beta1:
                    g["betas"] = (p["max_momentum"], *g["betas"][1:])
                else:
                    g["momentum"] = p["max_momentum"]
                g["max_momentum"] = p["max_momentum"]
                g["base_momentum"] = p["base_momentum"]

    def get_lr(self) -> list[float]:  # type: ignore[override]
        k = self.last_epoch
        total = self.total_steps
        if k > total:
            raise ValueError(f"Tried to step {k} times. The specified number of total steps is {total}")
        curves = self._curves()
        if self._params["cycle_momentum"]:
            for g, s in zip(self.optimizer.param_groups, curves, strict=True):
                m = s.momentum_value(k)
                if self.use_beta1:
                    g["betas"] = (m, *g["betas"][1:])
                else:
                    g["momentum"] = m
        return [s.value(k) for s in curves]


class PolynomialLR(_CurveScheduler):
    """``(base - end_lr) * (1 - min(k, T) / T) ** power + end_lr`` (not torch's PolynomialLR)."""

    _class_name = "PolynomialLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        end_lr: float = 0.0001,
        power: float = 1.0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer, last_epoch, _params(total_steps=total_steps, end_lr=end_lr, power=power), kwargs
        )


class PolynomialWarmupLR(_CurveScheduler):
    """Warmup, then ColossalAI's ``PolynomialLR`` over ``total_steps - warmup_steps``."""

    _class_name = "PolynomialWarmupLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        warmup_steps: int = 0,
        end_lr: float = 0.0001,
        power: float = 1.0,
        last_epoch: int = -1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            optimizer,
            last_epoch,
            _params(total_steps=total_steps, warmup_steps=warmup_steps, end_lr=end_lr, power=power),
            kwargs,
        )


class StepLR(_CurveScheduler):
    """``base * gamma ** floor(k / step_size)``; the default decays x0.1 every step."""

    _class_name = "StepLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        step_size: int = 1,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(
            optimizer, last_epoch, _params(total_steps=total_steps, step_size=step_size, gamma=gamma)
        )


class ExponentialLR(_CurveScheduler):
    """``base * gamma ** k``; the default ``gamma=1.0`` keeps the lr constant."""

    _class_name = "ExponentialLR"

    def __init__(
        self, optimizer: Optimizer, total_steps: int, gamma: float = 1.0, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, last_epoch, _params(total_steps=total_steps, gamma=gamma))


# ---------------------------------------------------------------------------
# callables


def _lambdas(name: str, optimizer: Optimizer, lr_lambda: Any) -> list[Callable[[int], Any]]:
    n = len(optimizer.param_groups)
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != n:
            raise ValueError(f"{name}: expected {n} lr_lambdas (one per param group), got {len(lr_lambda)}")
        fns: Iterable[Any] = lr_lambda
    else:
        fns = [lr_lambda] * n
    return [_compat._callable(name, f) for f in fns]


class _CallableScheduler(_ColossalAIScheduler):
    def __init__(
        self, optimizer: Optimizer, total_steps: int, lr_lambda: Any, last_epoch: int
    ) -> None:
        name = self._class_name
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer")
        _compat._total(name, total_steps, min=0)
        self.lr_lambdas = _lambdas(name, optimizer, lr_lambda)
        self._params = {"total_steps": total_steps}
        self._schedules = []
        self._schedule_bases = ()
        self._setup_values(optimizer, last_epoch)
        LRScheduler.__init__(self, optimizer, last_epoch)

    def _setup_values(self, optimizer: Optimizer, last_epoch: int) -> None:
        pass

    def schedule(self, horizon: int | None = None) -> list[Schedule]:
        """Pure schedules per group, tabulated for steps ``0 .. horizon``.

        ``horizon`` defaults to ``total_steps``; the value is held afterwards.
        """
        t = self._params["total_steps"] if horizon is None else horizon
        return [
            _compat.schedule(self._class_name, base_lr=b, total_steps=t, lr_lambda=f)
            for b, f in zip(self._curve_bases(), self.lr_lambdas, strict=True)
        ]

    @property
    def schedules(self) -> list[Schedule]:
        return self.schedule()

    def state_dict(self) -> dict[str, Any]:
        sd = super().state_dict()
        # like torch: callable objects keep their __dict__, plain functions are not saved
        sd["lr_lambdas"] = [
            None if isinstance(f, types.FunctionType) or not hasattr(f, "__dict__") else f.__dict__.copy()
            for f in self.lr_lambdas
        ]
        return sd

    def _check_state_params(self, params: dict[str, Any], bases: list[float]) -> None:
        pass  # the curves need the callables, which the state does not hold

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        fns = (state_dict.get("lr_lambdas") if isinstance(state_dict, dict) else None) or []
        super().load_state_dict(state_dict)
        for f, d in zip(self.lr_lambdas, fns, strict=False):
            if d is not None:
                f.__dict__.update(d)


class LambdaLR(_CallableScheduler):
    """``base * lr_lambda(k)`` (one callable, or one per param group)."""

    _class_name = "LambdaLR"

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]] | None = None,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, total_steps, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        k = self.last_epoch
        name = self._class_name
        return [_compat.times_lambda(name, b, k, f(k)) for b, f in zip(self.base_lrs, self.lr_lambdas, strict=True)]


class MultiplicativeLR(_CallableScheduler):
    """``lr_k = lr_{k-1} * lr_lambda(k)`` from the lr at construction."""

    _class_name = "MultiplicativeLR"

    def _setup_values(self, optimizer: Optimizer, last_epoch: int) -> None:
        # running product per group, starting from the lr at construction
        self._running = [_as_float(g["lr"]) for g in optimizer.param_groups]
        self._running_step = last_epoch + 1
        self._start = list(self._running)

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]] | None = None,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, total_steps, lr_lambda, last_epoch)

    def _curve_bases(self) -> list[float]:
        return list(self._start)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        k = self.last_epoch
        if k > self._running_step:
            name = self._class_name
            self._running = [
                _compat.times_lambda(name, v, k, f(k)) for v, f in zip(self._running, self.lr_lambdas, strict=True)
            ]
            self._running_step = k
        return list(self._running)
