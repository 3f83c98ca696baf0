"""PyTorch shim: drive an optimizer's learning rates (and momentum) from a Schedule.

:class:`CurveScheduler` is a real :class:`torch.optim.lr_scheduler.LRScheduler`:
it works with ``SequentialLR``, checkpoints, ``get_last_lr()`` and the step-order
warning like any built-in scheduler.  It holds no schedule math: every value
is the schedule's own at the scheduler's step counter (``last_epoch``), read
through a :class:`~lrcurves.CurveReader` (the numbers of ``lrcurves.curve``,
computed a chunk at a time), never a ratio applied to the group's current LR,
so the curve cannot drift, resumes exactly and is the curve ``lrcurves plot``
shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from lrcurves.adapters.torch_finder import find_lr
from lrcurves.adapters.torch_hparams import HyperparamScheduler
from lrcurves.adapters.torch_schedulers import (  # torch.optim.lr_scheduler drop-ins
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    SequentialLR,
    StepLR,
    closed_form_schedulers,
    register_closed_form,
)
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from lrcurves import CurveReader, Schedule
from lrcurves._schedule import iter_schedules
from lrcurves.validate import (
    as_choice,
    as_value,
    state_dict_of,
    state_floats,
    state_int,
    state_schedule,
    state_schedules,
)

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CurveScheduler",
    "CyclicLR",
    "ExponentialLR",
    "HyperparamScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "SequentialLR",
    "StepLR",
    "closed_form_schedulers",
    "find_lr",
]

_Tensor = torch.Tensor

_NAME = "CurveScheduler"


def _check_schedule(where: str, s: Any) -> Schedule:
    if not isinstance(s, Schedule):
        raise TypeError(f"{_NAME}: {where} must be a lrcurves Schedule, got {type(s).__name__}")
    # the whole tree: a sweep nested in a combinator (warmup of a cosine over
    # [1e-3, 2e-3]) would otherwise fail deep inside value() with a NumPy error
    for node in iter_schedules(s):
        if node._arrays:
            inner = "" if node is s else f" (nested {node.name} has {list(node._arrays)})"
            raise ValueError(
                f"{_NAME}: {where} {s!r:.200} has array-valued parameters{inner}; "
                "a torch scheduler needs one scalar value per step"
            )
    return s


def _auto_mode(
    optimizer: Optimizer, group_schedules: Any, group_scale: Any
) -> tuple[str, Any]:
    """``mode=None``: absolute, keeping per-group LR ratios; never silently flattening them.

    * every group starts at the same LR, or ``group_schedules``/``group_scale``
      are given: ``"absolute"`` (the schedule's values are the LR);
    * groups carry ``lr_scale`` (from :func:`lrcurves.adapters.torch_groups.param_groups`):
      ``"absolute"`` with ``group_scale`` = those scales, so the schedule is
      the base LR and each group keeps its layer-wise ratio;
    * otherwise groups start at different LRs and nothing says how to keep
      them: a ``ValueError`` naming both ways out.
    """
    if group_schedules is not None or group_scale is not None:
        return "absolute", group_scale
    groups = optimizer.param_groups
    lrs = [float(g.get("initial_lr", g["lr"])) for g in groups]
    if all(lr == lrs[0] for lr in lrs):
        return "absolute", None
    if all("lr_scale" in g for g in groups):
        return "absolute", [float(g["lr_scale"]) for g in groups]
    raise ValueError(
        f"{_NAME}: the optimizer's {len(groups)} param groups start at different LRs "
        f"({sorted(set(lrs))[:4]}...); an absolute schedule would give them all the same LR. "
        "Pass mode='multiplier' (the schedule multiplies each group's own LR, as torch's "
        "LambdaLR) or mode='absolute' with group_scale=[...] (one factor per group)"
    )


def _momentum_slot(group: dict[str, Any]) -> str | None:
    if "betas" in group:
        return "betas"
    if "momentum" in group:
        return "momentum"
    return None


class CurveScheduler(LRScheduler):
    r"""Set every param group's learning rate from a :class:`~lrcurves.Schedule`.

    The LR of group ``i`` after ``n`` calls of :meth:`step` (``last_epoch == n``)
    is, in closed form,

    * ``mode="absolute"``: ``schedule_i.value(n) * group_scale[i]``
      (``group_scale`` defaults to 1.0 for every group);
    * ``mode="multiplier"``: ``initial_lr_i * schedule_i.value(n)``, where
      ``initial_lr_i`` is the group's LR when the scheduler was created
      (torch's ``base_lrs``), so the schedule is a factor like torch's
      ``LambdaLR``.

    ``schedule_i`` is ``group_schedules[i]`` when given, else ``schedule``.
    Step 0 (the value set at construction) is the LR of the first update; call
    ``optimizer.step()`` then ``scheduler.step()`` as with any torch scheduler.

    Momentum: ``momentum=None`` cycles momentum iff the group's schedule
    defines one (``has_momentum``, e.g. one-cycle); ``False`` never touches
    momentum; ``True`` requires the schedules to define one; a
    :class:`~lrcurves.Schedule` uses *its* values (``value(n)``) as momentum
    for every group.  The value goes to ``betas[0]`` (beta2 and the rest kept)
    when the group has ``betas`` (Adam family), else to ``momentum`` (SGD).
    Tensor LRs and tensor betas/momentum are updated in place with ``fill_``,
    so a ``torch.compile``\ d optimizer step does not recompile.

    ``state_dict()`` is plain data (counters, mode, scales and each
    schedule's ``to_config()``), safe for ``torch.load(weights_only=True)``.

    Args:
      optimizer: the wrapped :class:`torch.optim.Optimizer`.
      schedule: the schedule for every group (may be ``None`` when
        ``group_schedules`` is given).
      mode: ``"absolute"`` (schedule values are LRs) or ``"multiplier"``
        (schedule values multiply each group's initial LR).  ``None`` (the
        default) is ``"absolute"`` while every group starts at the same LR;
        groups built by :func:`lrcurves.adapters.torch_groups.param_groups`
        keep their ``lr_scale`` ratios; other groups with different LRs
        raise a ``ValueError`` naming both modes, rather than silently
        giving every group the same LR.  Tools that set the optimizer's LR
        and expect the scheduler to follow it (Lightning's ``lr_find``) need
        ``mode="multiplier"``.
      group_schedules: one schedule per param group, overriding ``schedule``.
      group_scale: one non-negative factor per param group (``"absolute"``
        mode only).
      momentum: ``None``, ``False``, ``True`` or a momentum schedule (above).
      last_epoch: torch's resume index; ``-1`` starts fresh.

    Examples:
      >>> import torch, lrcurves
      >>> from lrcurves.adapters.torch import CurveScheduler
      >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
      >>> sched = CurveScheduler(opt, lrcurves.linear(0.1, 0.0, transition_steps=4))
      >>> lrs = []
      >>> for _ in range(5):
      ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
      ...     opt.step()
      ...     sched.step()
      >>> lrs
      [0.1, 0.075, 0.05, 0.025, 0.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedule: Schedule | None = None,
        *,
        mode: str | None = None,
        group_schedules: Sequence[Schedule] | None = None,
        group_scale: Sequence[float] | None = None,
        momentum: bool | Schedule | None = None,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{_NAME}: {type(optimizer).__name__} is not an Optimizer")
        n = len(optimizer.param_groups)
        if group_schedules is None:
            if schedule is None:
                raise ValueError(f"{_NAME}: give a schedule or group_schedules")
            _check_schedule("schedule", schedule)
            scheds: list[Schedule] = [schedule] * n
        else:
            if isinstance(group_schedules, Schedule) or not isinstance(group_schedules, Sequence):
                raise TypeError(
                    f"{_NAME}: group_schedules must be a sequence of Schedule, got {group_schedules!r}"
                )
            if len(group_schedules) != n:
                raise ValueError(
                    f"{_NAME}: group_schedules has {len(group_schedules)} entries but the "
                    f"optimizer has {n} param groups"
                )
            scheds = [_check_schedule(f"group_schedules[{i}]", s) for i, s in enumerate(group_schedules)]
            if schedule is not None:
                _check_schedule("schedule", schedule)
        self.schedule = schedule
        self.group_schedules = None if group_schedules is None else list(scheds)
        self._scheds = scheds
        if mode is None:
            mode, group_scale = _auto_mode(optimizer, group_schedules, group_scale)
        self.mode = as_choice(_NAME, "mode", mode, ("absolute", "multiplier"))

        if group_scale is None:
            self.group_scale: list[float] | None = None
        else:
            if self.mode == "multiplier":
                raise ValueError(
                    f"{_NAME}: group_scale is for mode='absolute'; in mode='multiplier' "
                    "each group's initial lr is its scale"
                )
            if isinstance(group_scale, (str, bytes)) or not isinstance(group_scale, Sequence):
                raise TypeError(f"{_NAME}: group_scale must be a sequence of numbers, got {group_scale!r}")
            if len(group_scale) != n:
                raise ValueError(
                    f"{_NAME}: group_scale has {len(group_scale)} entries but the optimizer "
                    f"has {n} param groups"
                )
            self.group_scale = [
                float(as_value(_NAME, f"group_scale[{i}]", v, allow_array=False))
                for i, v in enumerate(group_scale)
            ]

        # momentum: resolve to one callable (or None) per group
        if momentum is not None and not isinstance(momentum, (bool, Schedule)):
            raise TypeError(
                f"{_NAME}: momentum must be None, True, False or a Schedule, got {momentum!r}"
            )
        if isinstance(momentum, Schedule):
            _check_schedule("momentum", momentum)
        self.momentum = momentum
        self._mom_fns = self._resolve_momentum(optimizer)

        # per-group scales, computed once (the base class sets base_lrs later)
        self._init_scales([g.get("initial_lr", g["lr"]) for g in optimizer.param_groups])
        # an absolute curve overwrites whatever else sets this optimizer's LR
        # (and is overwritten by it): refuse, never silently.  Multiplier
        # curves may share an optimizer as torch's do (SequentialLR).
        others = [
            o for o in closed_form_schedulers(optimizer)
            if self.mode == "absolute" or isinstance(o, CurveScheduler)
        ]
        if others:
            raise ValueError(
                f"{_NAME}: {type(others[0]).__name__} already sets this optimizer's learning rate "
                "in closed form; two closed-form schedulers on one optimizer would overwrite each "
                "other -- combine the curves into one schedule (lrcurves.product([...]) for "
                "torch-style stacking), or use the drop-ins, which compose among themselves"
            )
        super().__init__(optimizer, last_epoch)
        if self.mode == "absolute":
            register_closed_form(self)

    # -- setup helpers ------------------------------------------------------
    def _resolve_momentum(self, optimizer: Optimizer) -> list[Callable[[int], float] | None]:
        m = self.momentum
        fns: list[Callable[[int], float] | None] = []
        for i, s in enumerate(self._scheds):
            if m is False:
                fns.append(None)
            elif isinstance(m, Schedule):
                fns.append(CurveReader(m))
            elif s.has_momentum:
                fns.append(CurveReader(s, momentum=True))
            elif m is True:
                raise ValueError(
                    f"{_NAME}: momentum=True but the schedule of param group {i} ({s.name}) "
                    "defines no momentum"
                )
            else:
                fns.append(None)
        for i, (f, g) in enumerate(zip(fns, optimizer.param_groups, strict=True)):
            if f is not None and _momentum_slot(g) is None:
                raise ValueError(
                    f"{_NAME}: momentum is requested but param group {i} of "
                    f"{type(optimizer).__name__} has neither 'betas' nor 'momentum' "
                    "(pass momentum=False to leave it alone)"
                )
        return fns

    def _init_scales(self, base_lrs: Sequence[Any]) -> None:
        if self.mode == "multiplier":
            self._scales = [float(b) for b in base_lrs]
        elif self.group_scale is not None:
            self._scales = list(self.group_scale)
        else:
            self._scales = [1.0] * len(base_lrs)
        first = self._scheds[0]
        # one evaluation per step when every group shares the schedule
        # the curve's own numbers, read a chunk at a time (one reader per distinct schedule)
        readers: dict[Schedule, CurveReader] = {}
        for s in self._scheds:
            if s not in readers:
                readers[s] = CurveReader(s)
        self._fns = [readers[s] for s in self._scheds]
        self._shared = self._fns[0] if all(s is first for s in self._scheds) else None
        self._any_mom = any(f is not None for f in self._mom_fns)

    # -- the closed form ------------------------------------------------------
    def get_lr(self) -> list[float]:  # type: ignore[override]
        """The closed-form LR of every group at ``last_epoch`` (also sets momentum)."""
        t = self.last_epoch
        if self._any_mom:
            self._set_momentum(t)
        shared = self._shared
        if shared is not None:
            v = shared(t)
            return [v * s for s in self._scales]
        return [f(t) * s for f, s in zip(self._fns, self._scales, strict=True)]

    _get_closed_form_lr = get_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one step and set every group from the closed form.

        Same behaviour as :meth:`LRScheduler.step` (step counter, call-order
        warning, ``_last_lr``, in-place ``fill_`` of tensor LRs); the common
        case skips the base class's per-call context manager and list copies,
        which cost more than the schedule itself.  The rare cases (an explicit
        ``epoch``, the call-order check on the first step) go to the base class.
        """
        if epoch is not None or self._step_count == 1:
            super().step(epoch)
            return
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        last = []
        for g, v in zip(self.optimizer.param_groups, values, strict=True):
            lr = g["lr"]
            if isinstance(lr, _Tensor):
                lr.fill_(v)
                last.append(lr.clone())
            else:
                g["lr"] = v
                last.append(v)
        self._last_lr = last

    def _set_momentum(self, t: int) -> None:
        for f, g in zip(self._mom_fns, self.optimizer.param_groups, strict=True):
            if f is None:
                continue
            m = f(t)
            if "betas" in g:
                betas = g["betas"]
                if isinstance(betas[0], torch.Tensor):
                    betas[0].fill_(m)
                else:
                    g["betas"] = (m, *betas[1:])
            elif isinstance(g["momentum"], torch.Tensor):
                g["momentum"].fill_(m)
            else:
                g["momentum"] = m

    # -- checkpoints ----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain-data state: counters, mode, scales and schedule configs."""
        mom = self.momentum
        return {
            "last_epoch": int(self.last_epoch),
            "_step_count": int(self._step_count),
            "mode": self.mode,
            "base_lrs": [float(b) for b in self.base_lrs],
            "group_scale": None if self.group_scale is None else list(self.group_scale),
            "schedule": None if self.schedule is None else self.schedule.to_config(),
            "group_schedules": None
            if self.group_schedules is None
            else [s.to_config() for s in self.group_schedules],
            "momentum": mom.to_config() if isinstance(mom, Schedule) else mom,
            "_last_lr": [float(v) for v in self._last_lr],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output; schedules are rebuilt from their configs.

        The state is checked before anything changes: a state saved by
        another scheduler (torch's ``CosineAnnealingLR``, say), one saved in
        the other ``mode``, or a corrupted one (wrong types, wrong group
        counts, invalid schedule configs) raises :class:`ValueError` and
        leaves this scheduler as it was.  Torch's own schedulers accept any
        dict here; this one does not, since its state rebuilds schedules.
        """
        where = _NAME
        sd = state_dict_of(where, state_dict, ("last_epoch", "_step_count", "mode", "base_lrs", "schedule"))
        if sd["mode"] != self.mode:
            raise ValueError(
                f"{where}.load_state_dict: the state was saved in mode {sd['mode']!r}, this scheduler "
                f"runs in mode {self.mode!r}; build it with mode={sd['mode']!r} to resume that run"
            )
        n = len(self.optimizer.param_groups)

        sched, group_schedules, scheds = state_schedules(where, sd, n)
        mom = sd.get("momentum")
        if isinstance(mom, dict):
            mom = state_schedule(where, "momentum", mom)
        elif mom is not None and not isinstance(mom, bool):
            raise ValueError(f"{where}.load_state_dict: 'momentum' must be None, a bool or a config, got {mom!r:.80}")
        base_lrs = state_floats(where, sd, "base_lrs", n, min=0.0)
        gscale = None if sd.get("group_scale") is None else state_floats(where, sd, "group_scale", n, min=0.0)
        last_lr = state_floats(where, sd, "_last_lr", n, min=0.0) if "_last_lr" in sd else list(self._last_lr)
        last_epoch = state_int(where, sd, "last_epoch", min=-1)
        step_count = state_int(where, sd, "_step_count", min=0)
        # everything checked: now restore
        self.schedule = sched
        self.group_schedules = group_schedules
        self._scheds = scheds
        self.group_scale = gscale
        self.momentum = mom
        self._mom_fns = self._resolve_momentum(self.optimizer)
        self.base_lrs = base_lrs
        self.last_epoch = last_epoch
        self._step_count = step_count
        self._last_lr = last_lr
        self._init_scales(base_lrs)

    def replace_schedule(
        self,
        schedule: Schedule | None = None,
        *,
        group_schedules: Sequence[Schedule] | None = None,
        max_jump: float | None = 1e-9,
    ) -> None:
        r"""Continue the run under a new schedule from the current step, without a jump.

        For a horizon changed mid-run (:mod:`lrcurves.horizon`):
        :meth:`load_state_dict` rebuilds the schedules a checkpoint was
        saved with, so a resumed run continues under the *old* curve; call
        this afterwards to swap in the new one.  The step counter, mode,
        scales and momentum setting are kept; the next :meth:`state_dict`
        saves the new schedules.  Every group's LR (and momentum) is set
        from the new schedule at the current step ``n = last_epoch`` at once.

        The swap is refused (``ValueError``, nothing changed) where, for any
        group ``i``, the new value at ``n`` moves away from the old one:

        .. math::
            |s'_i(n) - s_i(n)| > \epsilon \max(|s_i(n)|, |s'_i(n)|)

        Symbols: :math:`s_i` / :math:`s'_i` = group ``i``'s old / new
        schedule, :math:`n` = ``last_epoch``, :math:`\epsilon` = ``max_jump``.
        ``max_jump=None`` allows any jump (an explicit opt-out).

        Args:
          schedule: the new schedule for every group (may be ``None`` when
            ``group_schedules`` is given).
          group_schedules: one new schedule per param group.
          max_jump: :math:`\epsilon \ge 0`, the largest relative change of
            the LR allowed at the current step, or ``None``.

        Examples:
          >>> import torch, lrcurves
          >>> from lrcurves.adapters.torch import CurveScheduler
          >>> from lrcurves.horizon import retarget
          >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
          >>> old = lrcurves.linear(1.0, 0.0, transition_steps=4)
          >>> sched = CurveScheduler(opt, old)
          >>> for _ in range(2):
          ...     opt.step()
          ...     sched.step()
          >>> sched.replace_schedule(retarget(old, at_step=sched.last_epoch, new_total=6))
          >>> lrs = []
          >>> for _ in range(5):
          ...     lrs.append(opt.param_groups[0]["lr"])
          ...     opt.step()
          ...     sched.step()
          >>> lrs
          [0.5, 0.375, 0.25, 0.125, 0.0]
        """
        where = f"{_NAME}.replace_schedule"
        n = len(self.optimizer.param_groups)
        if group_schedules is None:
            if schedule is None:
                raise ValueError(f"{where}: give a schedule or group_schedules")
            scheds = [_check_schedule("schedule", schedule)] * n
        else:
            if isinstance(group_schedules, Schedule) or not isinstance(group_schedules, Sequence):
                raise TypeError(f"{where}: group_schedules must be a sequence of Schedule, got {group_schedules!r}")
            if len(group_schedules) != n:
                raise ValueError(
                    f"{where}: group_schedules has {len(group_schedules)} entries but the "
                    f"optimizer has {n} param groups"
                )
            scheds = [_check_schedule(f"group_schedules[{i}]", s) for i, s in enumerate(group_schedules)]
            if schedule is not None:
                _check_schedule("schedule", schedule)
        if max_jump is not None:
            eps = float(as_value(where, "max_jump", max_jump, allow_array=False))
            t = max(self.last_epoch, 0)
            for i, (old, new) in enumerate(zip(self._scheds, scheds, strict=True)):
                a, b = old.value(t), new.value(t)
                if abs(b - a) > eps * max(abs(a), abs(b)):
                    raise ValueError(
                        f"{where}: max_jump={max_jump!r}: at step {t} group {i}'s schedule value would "
                        f"jump from {a!r} to {b!r}; build the new schedule to continue the old one "
                        "(lrcurves.horizon) or pass max_jump=None to allow the jump"
                    )
        saved = (self.schedule, self.group_schedules, self._scheds)
        self.schedule = schedule
        self.group_schedules = None if group_schedules is None else list(scheds)
        self._scheds = scheds
        try:
            mom_fns = self._resolve_momentum(self.optimizer)
        except ValueError:
            self.schedule, self.group_schedules, self._scheds = saved
            raise
        self._mom_fns = mom_fns
        self._init_scales(self.base_lrs)
        values = self.get_lr()
        last = []
        for g, v in zip(self.optimizer.param_groups, values, strict=True):
            if isinstance(g["lr"], _Tensor):
                g["lr"].fill_(v)
                last.append(g["lr"].clone())
            else:
                g["lr"] = v
                last.append(v)
        self._last_lr = last

    def __repr__(self) -> str:
        what = (
            repr(self.schedule)
            if self.group_schedules is None
            else f"group_schedules={self.group_schedules!r}"
        )
        return f"{_NAME}({what}, mode={self.mode!r}, last_epoch={self.last_epoch})"

