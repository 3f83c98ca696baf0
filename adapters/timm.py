"""Drop-ins for timm's closed-form schedulers, driven by lrcurves schedules (a first subset).

``StepLRScheduler``, ``MultiStepLRScheduler``, ``CosineLRScheduler``,
``TanhLRScheduler`` and ``PolyLRScheduler`` with timm 1.0's
constructor, its ``step(epoch, metric=None)`` / ``step_update(num_updates,
metric=None)`` protocol (``t_in_epochs`` picks which one moves the LR),
``initial_lr`` bookkeeping, per-group ``lr_scale``, LR noise (drawn exactly
as timm does, from a torch generator seeded with ``noise_seed + t``) and
the ``state_dict`` timm writes.  Each group's LR before noise is the pure
schedule of :mod:`lrcurves.compat.timm` (see its "Differences").

>>> import torch
>>> from lrcurves.adapters.timm import StepLRScheduler
>>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
>>> sched = StepLRScheduler(opt, decay_t=2, decay_rate=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     sched.step(epoch)
...     lrs.append(opt.param_groups[0]["lr"])
>>> lrs
[1.0, 1.0, 0.5, 0.5, 0.25]

``CosineLRScheduler`` takes every argument (``cycle_mul`` other than 1
locates cycles exactly as timm's float formula does, ``k_decay``,
``cycle_decay``, ``cycle_limit``, warmup, ``warmup_prefix``), and so do
``TanhLRScheduler`` and ``PolyLRScheduler`` (``PolyLRScheduler`` with
``k_decay``); ``WSDLRScheduler`` takes the
``"constant"``/``"rsqrt"`` stable phases and the ``"linear"``, ``"1-sqrt"``,
``"cosine"`` and ``"power"`` decays; :func:`create_scheduler_v2` builds all of
them by name, ``"wsd"`` and ``"rsqrt"`` included; ``PlateauLRScheduler`` is
metric-driven and out of scope.  Differences: see
:mod:`lrcurves.compat.timm`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

import lrcurves
from lrcurves import CurveReader, Schedule
from lrcurves.compat import timm as _compat

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
    "TimmScheduler",
    "WSDLRScheduler",
    "create_scheduler_v2",
]


class TimmScheduler:
    """timm's ``Scheduler`` protocol over one pure schedule per param group."""

    _class_name = ""
    #: constructor arguments (besides the optimizer and the base protocol's) stored as
    #: attributes, in timm's order (``state_dict`` keeps it)
    _curve_args: tuple[str, ...] = ()

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        *,
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int | None = 42,
        initialize: bool = True,
        **curve: Any,
    ) -> None:
        self.optimizer = optimizer
        self.param_group_field = "lr"
        self._initial_param_group_field = "initial_lr"
        if initialize:
            for i, group in enumerate(optimizer.param_groups):
                if "lr" not in group:
                    raise KeyError(f"lr missing from param_groups[{i}]")
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"initial_lr missing from param_groups[{i}]")
        self.base_values = [group["initial_lr"] for group in optimizer.param_groups]
        self.metric = None
        self.t_in_epochs = t_in_epochs
        self.noise_range_t = noise_range_t
        self.noise_pct = noise_pct
        self.noise_type = "normal"
        self.noise_std = noise_std
        self.noise_seed = noise_seed if noise_seed is not None else 42
        # validate (and build) before touching the optimizer
        schedules = self._build(curve)
        self.update_groups(self.base_values)
        for k in self._curve_args:
            setattr(self, k, curve[k])
        warmup_t, init = curve["warmup_t"], curve["warmup_lr_init"]
        if warmup_t:
            self.warmup_steps = [(v - init) / warmup_t for v in self._warmup_targets(schedules, warmup_t)]
            self.update_groups(init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]
        self._set_schedules(schedules)

    def _set_schedules(self, schedules: list[Schedule]) -> None:
        # each group's curve is read in chunks (lrcurves.CurveReader): a step is an array lookup
        self.__dict__["_schedules"] = schedules
        self.__dict__["_readers"] = [CurveReader(s) for s in schedules]

    def _warmup_targets(self, schedules: list[Schedule], warmup_t: int) -> list[float]:
        """The values the warmup ramps to (timm stores the slopes as ``warmup_steps``)."""
        return list(self.base_values)

    def _build(self, curve: dict[str, Any]) -> list[Schedule]:
        return [_compat.schedule(self._class_name, base_lr=v, **curve) for v in self.base_values]

    @property
    def schedules(self) -> list[Schedule]:
        """The pure schedule of each param group (noise-free, before ``lr_scale``)."""
        return list(self.__dict__["_schedules"])

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedules", "_readers")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_schedules(self._build({k: getattr(self, k) for k in self._curve_args}))

    def _get_lr(self, t: int) -> list[float]:
        return [r(t) for r in self.__dict__["_readers"]]

    def _get_values(self, t: int, on_epoch: bool = True) -> list[float] | None:
        if on_epoch != bool(self.t_in_epochs):
            return None
        return self._get_lr(t)

    def step(self, epoch: int, metric: float | None = None) -> None:
        self.metric = metric
        values = self._get_values(epoch, on_epoch=True)
        if values is not None:
            self.update_groups(self._add_noise(values, epoch))

    def step_update(self, num_updates: int, metric: float | None = None) -> None:
        self.metric = metric
        values = self._get_values(num_updates, on_epoch=False)
        if values is not None:
            self.update_groups(self._add_noise(values, num_updates))

    def update_groups(self, values: float | Sequence[float]) -> None:
        if not isinstance(values, (list, tuple)):
            values = [values] * len(self.optimizer.param_groups)
        for group, value in zip(self.optimizer.param_groups, values, strict=False):
            group["lr"] = value * group["lr_scale"] if "lr_scale" in group else value

    def _add_noise(self, lrs: list[float], t: int) -> list[float]:
        if self._is_apply_noise(t):
            noise = self._calculate_noise(t)
            lrs = [v + v * noise for v in lrs]
        return lrs

    def _is_apply_noise(self, t: int) -> bool:
        r = self.noise_range_t
        if r is None:
            return False
        if isinstance(r, (list, tuple)):
            return bool(r[0] <= t < r[1])
        return bool(t >= r)

    def _calculate_noise(self, t: int) -> float:
        # timm's draw, bit for bit: a fresh generator seeded with noise_seed + t
        g = torch.Generator()
        g.manual_seed(self.noise_seed + t)
        if self.noise_type == "normal":
            while True:
                noise = torch.randn(1, generator=g).item() * self.noise_std
                if abs(noise) < self.noise_pct:
                    return noise
        return 2 * (torch.rand(1, generator=g).item() - 0.5) * self.noise_pct


class StepLRScheduler(TimmScheduler):
    """timm's ``StepLRScheduler``: ``decay_rate`` every ``decay_t`` epochs (or updates)."""

    _class_name = "StepLRScheduler"
    _curve_args = ("decay_t", "decay_rate", "warmup_t", "warmup_lr_init", "warmup_prefix")

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        decay_t: float,
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, decay_t=decay_t,
            decay_rate=decay_rate, warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
        )


class MultiStepLRScheduler(TimmScheduler):
    """timm's ``MultiStepLRScheduler``: milestone ``m`` applies at ``t = m - 1`` (timm's convention)."""

    _class_name = "MultiStepLRScheduler"
    _curve_args = ("decay_t", "decay_rate", "warmup_t", "warmup_lr_init", "warmup_prefix")

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        decay_t: list[int],
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, decay_t=decay_t,
            decay_rate=decay_rate, warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
        )


class _Cycles(TimmScheduler):
    t_initial: int
    cycle_mul: float
    cycle_limit: int
    warmup_t: int
    warmup_prefix: bool

    def get_cycle_length(self, cycles: int = 0) -> int:
        """timm's total length of ``cycles`` cycles (default ``cycle_limit``), with a prefix warmup."""
        cycles = max(1, cycles or self.cycle_limit)
        if self.cycle_mul == 1.0:
            t = self.t_initial * cycles
        else:
            t = math.floor(-self.t_initial * (self.cycle_mul**cycles - 1) / (1 - self.cycle_mul))
        return t + self.warmup_t if self.warmup_prefix else t


class CosineLRScheduler(_Cycles):
    """timm's ``CosineLRScheduler``: cosine cycles with ``cycle_mul``/``cycle_decay``/``cycle_limit``."""

    _class_name = "CosineLRScheduler"
    _curve_args = (
        "t_initial", "lr_min", "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t", "warmup_lr_init",
        "warmup_prefix", "k_decay",
    )

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        t_initial: int,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, t_initial=t_initial, lr_min=lr_min,
            cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit, warmup_t=warmup_t,
            warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix, k_decay=k_decay,
        )


class TanhLRScheduler(_Cycles):
    """timm's ``TanhLRScheduler``: tanh cycles with ``cycle_mul``/``cycle_decay``/``cycle_limit``."""

    _class_name = "TanhLRScheduler"
    _curve_args = (
        "lb", "ub", "t_initial", "lr_min", "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t",
        "warmup_lr_init", "warmup_prefix",
    )

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
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
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, t_initial=t_initial, lb=lb, ub=ub,
            lr_min=lr_min, cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit,
            warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix,
        )


    def _warmup_targets(self, schedules: list[Schedule], warmup_t: int) -> list[float]:
        if self.warmup_prefix:
            return list(self.base_values)
        return [float(lrcurves.curve(s, 1, start=warmup_t)[0]) for s in schedules]


class PolyLRScheduler(_Cycles):
    """timm's ``PolyLRScheduler``: polynomial cycles with ``cycle_mul``/``k_decay``/``cycle_decay``/``cycle_limit``."""

    _class_name = "PolyLRScheduler"
    _curve_args = (
        "t_initial", "power", "lr_min", "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t",
        "warmup_lr_init", "warmup_prefix", "k_decay",
    )

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        t_initial: int,
        power: float = 0.5,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, t_initial=t_initial, power=power,
            lr_min=lr_min, cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit,
            warmup_t=warmup_t, warmup_lr_init=warmup_lr_init, warmup_prefix=warmup_prefix, k_decay=k_decay,
        )


class WSDLRScheduler(TimmScheduler):
    """timm's ``WSDLRScheduler``: warmup, a stable phase, then a decay to ``lr_min`` over ``decay_t`` steps."""

    _class_name = "WSDLRScheduler"
    _curve_args = (
        "t_initial", "decay_t", "lr_min", "stable_fn", "stable_timescale", "stable_power", "decay_fn",
        "decay_power", "decay_ratio", "warmup_t", "warmup_lr_init",
    )

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
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
        t_in_epochs: bool = True,
        noise_range_t: Any = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
    ) -> None:
        if stable_fn != "constant" and stable_timescale is None:
            stable_timescale = warmup_t  # timm's default, stored resolved
        super().__init__(
            optimizer, t_in_epochs=t_in_epochs, noise_range_t=noise_range_t, noise_pct=noise_pct,
            noise_std=noise_std, noise_seed=noise_seed, initialize=initialize, t_initial=t_initial,
            decay_t=decay_t, lr_min=lr_min, stable_fn=stable_fn, stable_timescale=stable_timescale,
            stable_power=stable_power, decay_fn=decay_fn, decay_power=decay_power, decay_ratio=decay_ratio,
            warmup_t=warmup_t, warmup_lr_init=warmup_lr_init,
        )

    def get_cycle_length(self, cycles: int = 0) -> int:
        """timm's total length: the warmup plus ``t_initial``."""
        return self.warmup_t + self.t_initial


def create_scheduler_v2(
    optimizer: torch.optim.Optimizer,
    sched: str = "cosine",
    num_epochs: int = 300,
    decay_epochs: float | None = None,
    decay_milestones: Sequence[int] = (90, 180, 270),
    cooldown_epochs: int = 0,
    patience_epochs: int = 10,
    decay_rate: float = 0.1,
    min_lr: float = 0.0,
    warmup_lr: float = 1e-5,
    warmup_epochs: int = 0,
    warmup_prefix: bool = False,
    noise: float | Sequence[float] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    cycle_mul: float = 1.0,
    cycle_decay: float = 0.1,
    cycle_limit: int = 1,
    k_decay: float = 1.0,
    decay_fn: str | None = None,
    stable_timescale: float | None = None,
    plateau_mode: str = "max",
    step_on_epochs: bool = True,
    updates_per_epoch: int = 0,
) -> tuple[TimmScheduler | None, int]:
    """timm's ``create_scheduler_v2``: ``(scheduler, num_epochs)`` for the closed-form ``sched`` names.

    ``"cosine"``, ``"tanh"``, ``"step"``, ``"constant"``, ``"multistep"``,
    ``"poly"``, ``"wsd"``, ``"rsqrt"`` and ``"none"`` are supported (with
    the classes' limits, see :mod:`lrcurves.compat.timm`).  ``"plateau"``
    is metric-driven and out of scope (:class:`ValueError`);
    ``patience_epochs`` and ``plateau_mode`` only concern it.
    """
    if sched == "plateau":
        raise ValueError(_compat.OUT_OF_SCOPE["PlateauLRScheduler"])
    if decay_epochs is None:
        decay_epochs = 0.2 if sched in ("wsd", "rsqrt") else 90
    t_initial: Any = num_epochs
    warmup_t: Any = warmup_epochs
    decay_t: Any = decay_epochs
    cooldown_t: Any = cooldown_epochs
    timescale_t: Any = stable_timescale
    if not step_on_epochs:
        if not updates_per_epoch > 0:
            raise AssertionError("updates_per_epoch must be set to number of dataloader batches")
        t_initial = t_initial * updates_per_epoch
        warmup_t = warmup_t * updates_per_epoch
        decay_t = decay_t * updates_per_epoch
        decay_milestones = [d * updates_per_epoch for d in decay_milestones]
        cooldown_t = cooldown_t * updates_per_epoch
        if timescale_t is not None:
            timescale_t = timescale_t * updates_per_epoch
    warmup_args = {"warmup_lr_init": warmup_lr, "warmup_t": warmup_t, "warmup_prefix": warmup_prefix}
    noise_range: Any = None
    if noise is not None:
        if isinstance(noise, (list, tuple)):
            noise_range = [n * t_initial for n in noise]
            if len(noise_range) == 1:
                noise_range = noise_range[0]
        else:
            noise_range = noise * t_initial
    noise_args = {"noise_range_t": noise_range, "noise_pct": noise_pct, "noise_std": noise_std, "noise_seed": noise_seed}
    cycle_args = {"cycle_mul": cycle_mul, "cycle_decay": cycle_decay, "cycle_limit": cycle_limit}
    scheduler: TimmScheduler | None = None
    if sched == "cosine":
        scheduler = CosineLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs, **cycle_args, **warmup_args,
            **noise_args, k_decay=k_decay,
        )
    elif sched == "tanh":
        scheduler = TanhLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs, **cycle_args, **warmup_args,
            **noise_args,
        )
    elif sched == "step":
        scheduler = StepLRScheduler(
            optimizer, decay_t=decay_t, decay_rate=decay_rate, t_in_epochs=step_on_epochs, **warmup_args, **noise_args
        )
    elif sched == "constant":
        scheduler = StepLRScheduler(
            optimizer, decay_t=1, decay_rate=1.0, t_in_epochs=step_on_epochs, **warmup_args, **noise_args
        )
    elif sched == "multistep":
        scheduler = MultiStepLRScheduler(
            optimizer, decay_t=list(decay_milestones), decay_rate=decay_rate, t_in_epochs=step_on_epochs,
            **warmup_args, **noise_args,
        )
    elif sched == "poly":
        scheduler = PolyLRScheduler(
            optimizer, power=decay_rate, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs,
            k_decay=k_decay, **cycle_args, **warmup_args, **noise_args,
        )
    elif sched in ("wsd", "rsqrt"):
        # the warmup is always a prefix; without warmup_prefix the rest fits in num_epochs
        t_sched = t_initial if warmup_prefix else t_initial - warmup_t
        if 0 < decay_epochs < 1:
            decay_t = decay_epochs * t_sched  # a fraction of the stable + decay length
        decay_t = int(round(decay_t))  # noqa: RUF046 (a NumPy float rounds to a NumPy float)
        if not 0 < decay_t <= t_sched:
            raise ValueError(
                f"{sched} schedule requires 0 < decay_epochs <= epochs{'' if warmup_prefix else ' - warmup_epochs'}, "
                f"got decay {decay_t} and stable + decay length {t_sched}."
            )
        scheduler = WSDLRScheduler(
            optimizer, t_initial=t_sched, decay_t=decay_t, lr_min=min_lr,
            stable_fn="rsqrt" if sched == "rsqrt" else "constant", stable_timescale=timescale_t,
            decay_fn=decay_fn or ("linear" if sched == "rsqrt" else "1-sqrt"), t_in_epochs=step_on_epochs,
            warmup_t=warmup_t, warmup_lr_init=warmup_lr, **noise_args,
        )
    elif sched != "none":
        raise ValueError(f"Unknown scheduler '{sched}'.")
    if isinstance(scheduler, (_Cycles, WSDLRScheduler)):
        total = scheduler.get_cycle_length() + cooldown_t
        num_epochs = total if step_on_epochs else total // updates_per_epoch
    elif warmup_prefix:
        num_epochs += warmup_epochs
    return scheduler, num_epochs
