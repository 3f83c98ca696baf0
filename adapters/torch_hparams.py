r"""Schedule any optimizer hyperparameter (weight decay, ``eps``, Adam's ``beta2``...) from a Schedule.

:class:`HyperparamScheduler` is :class:`~lrcurves.adapters.torch.CurveScheduler`'s
counterpart for everything but the learning rate: it sets one
hyperparameter of every param group from the schedule's value at its step
counter ``n``, read through a :class:`~lrcurves.CurveReader` (the numbers
of ``lrcurves.curve``).  The key is a group key
(``"weight_decay"``, ``"eps"``, ``"momentum"``, ``"dampening"``...) or a
``(key, index)`` pair for a member of a tuple (``("betas", 1)``: Adam's
``beta2``, keeping ``beta1``).

Step convention (the same as the LR schedulers): the value at step ``n``
is in the groups after ``n`` calls of :meth:`HyperparamScheduler.step`
(step 0 is set at construction).  Call it right after the LR scheduler's
``step()``, so both advance in lockstep::

    for batch in loader:
        loss(batch).backward()
        opt.step()
        lr_scheduler.step()
        wd_scheduler.step()

Tensor hyperparameters (and tensor tuple members) are filled in place
(``fill_``), so a ``torch.compile``\ d optimizer step does not recompile;
floats are replaced.  ``state_dict()`` is plain data (the step counter,
mode, base values and each schedule's ``to_config()``), safe for
``torch.load(weights_only=True)``.

JAX / optax needs no such class: ``optax.inject_hyperparams`` accepts a
``count -> value`` callable for any hyperparameter, and a lrcurves
:class:`~lrcurves.Schedule` is one (jittable; or use
``lrcurves.adapters.optax.to_optax(s)``)::

    tx = optax.inject_hyperparams(optax.adamw)(
        learning_rate=lr_schedule, weight_decay=lrcurves.linear(0.0, 0.1, transition_steps=1000))

The weight decay of update ``k`` (0-based) is then ``schedule(k)``, the same
convention as here (``tests/adapters/test_torch_hparams.py`` checks both).

>>> import torch, lrcurves
>>> from lrcurves.adapters.torch_hparams import HyperparamScheduler
>>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
>>> wd = HyperparamScheduler(opt, "weight_decay", lrcurves.linear(0.0, 0.1, transition_steps=4))
>>> b2 = HyperparamScheduler(opt, ("betas", 1), lrcurves.linear(0.95, 0.99, transition_steps=2))
>>> out = []
>>> for _ in range(5):
...     g = opt.param_groups[0]
...     out.append((round(g["weight_decay"], 3), round(g["betas"][1], 2)))
...     opt.step(); wd.step(); b2.step()
>>> out
[(0.0, 0.95), (0.025, 0.97), (0.05, 0.99), (0.075, 0.99), (0.1, 0.99)]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import torch
from torch.optim import Optimizer

from lrcurves import CurveReader, Schedule, scale
from lrcurves._schedule import iter_schedules
from lrcurves.validate import as_choice, state_dict_of, state_floats, state_int, state_schedules

__all__ = ["HyperparamScheduler"]

_NAME = "HyperparamScheduler"
_Key = str | tuple[str, int]


def _check_schedule(where: str, s: Any) -> Schedule:
    if not isinstance(s, Schedule):
        raise TypeError(f"{_NAME}: {where} must be a lrcurves Schedule, got {type(s).__name__}")
    for node in iter_schedules(s):
        if node._arrays:
            raise ValueError(
                f"{_NAME}: {where} {s!r:.200} has array-valued parameters; "
                "a torch scheduler needs one scalar value per step"
            )
    return s


def _check_key(key: Any) -> tuple[str, int | None]:
    if isinstance(key, str):
        name, index = key, None
    elif (
        isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)
        and isinstance(key[1], int) and not isinstance(key[1], bool)
    ):  # fmt: skip
        name, index = key
    else:
        raise TypeError(f"{_NAME}: key must be a group key (str) or a (key, index) pair, got {key!r}")
    if name in ("lr", "initial_lr", "params"):
        raise ValueError(
            f"{_NAME}: key {name!r} is not a schedulable hyperparameter here"
            + (" (use lrcurves.adapters.torch.CurveScheduler for the learning rate)" if name != "params" else "")
        )
    return name, index


def _current(group: dict[str, Any], name: str, index: int | None, i: int) -> Any:
    if name not in group:
        raise ValueError(f"{_NAME}: param group {i} has no {name!r} (its keys: {sorted(group)})")
    v = group[name]
    if index is not None:
        if not isinstance(v, (tuple, list)):
            raise ValueError(f"{_NAME}: param group {i}'s {name!r} is {v!r}, not a tuple to index with {index}")
        if not -len(v) <= index < len(v):
            raise ValueError(f"{_NAME}: index {index} is out of range for param group {i}'s {name!r} = {v!r}")
        v = v[index]
    if isinstance(v, torch.Tensor):
        if v.numel() != 1:
            raise ValueError(f"{_NAME}: param group {i}'s {name!r} is a tensor of {v.numel()} elements, not a scalar")
        return v
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError(f"{_NAME}: param group {i}'s {name!r} is {v!r}, not a number")
    return v


class HyperparamScheduler:
    """Set one hyperparameter of every param group from a :class:`~lrcurves.Schedule`.

    The value of group ``i`` after ``n`` calls of :meth:`step` is

    * ``mode="absolute"``: ``schedule_i.value(n)``;
    * ``mode="multiplier"``: ``base_i * schedule_i.value(n)``, ``base_i``
      the group's value when the scheduler was created (computed by the
      core's ``lrcurves.scale(schedule_i, base_i)``).

    ``schedule_i`` is ``group_schedules[i]`` when given, else ``schedule``.

    Args:
      optimizer: the wrapped :class:`torch.optim.Optimizer`.
      key: the group key (``"weight_decay"``, ``"eps"``...) or a
        ``(key, index)`` pair for a tuple member (``("betas", 1)``).  Every
        group must have it; ``"lr"`` is refused (use ``CurveScheduler``).
      schedule: the schedule for every group (may be ``None`` when
        ``group_schedules`` is given).
      mode: ``"absolute"`` (default) or ``"multiplier"``.
      group_schedules: one schedule per param group.
      bounds: ``(lo, hi)``: every value the schedules can produce must lie
        in it (checked from the schedules' bounds at construction).  The
        default is ``(0, 1)`` for ``betas`` and ``momentum`` and
        ``(0, inf)`` otherwise.

    Raises ``ValueError`` for a key a group lacks, an index out of range, a
    non-scalar value, array-valued schedules, or a schedule that leaves
    ``bounds``; ``TypeError`` for a key or schedule of the wrong type.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        key: _Key,
        schedule: Schedule | None = None,
        *,
        mode: str = "absolute",
        group_schedules: Sequence[Schedule] | None = None,
        bounds: tuple[float, float] | None = None,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{_NAME}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.key = key
        self._name, self._index = _check_key(key)
        self.mode = as_choice(_NAME, "mode", mode, ("absolute", "multiplier"))
        groups = optimizer.param_groups
        n = len(groups)
        currents = [_current(g, self._name, self._index, i) for i, g in enumerate(groups)]
        if group_schedules is None:
            if schedule is None:
                raise ValueError(f"{_NAME}: give a schedule or group_schedules")
            scheds = [_check_schedule("schedule", schedule)] * n
        else:
            if isinstance(group_schedules, Schedule) or not isinstance(group_schedules, Sequence):
                raise TypeError(f"{_NAME}: group_schedules must be a sequence of Schedule, got {group_schedules!r}")
            if len(group_schedules) != n:
                raise ValueError(
                    f"{_NAME}: group_schedules has {len(group_schedules)} entries but the optimizer has {n} param groups"
                )
            scheds = [_check_schedule(f"group_schedules[{i}]", s) for i, s in enumerate(group_schedules)]
            if schedule is not None:
                _check_schedule("schedule", schedule)
        self.schedule = schedule
        self.group_schedules = None if group_schedules is None else list(scheds)
        if bounds is None:
            bounds = (0.0, 1.0) if self._name in ("betas", "momentum") else (0.0, math.inf)
        self.bounds = (float(bounds[0]), float(bounds[1]))
        self.base_values = [float(v) for v in currents]
        self.last_step = 0
        self._setup(scheds, self.base_values)
        self._apply()

    # -- setup ------------------------------------------------------------------
    def _setup(self, scheds: list[Schedule], base: list[float]) -> None:
        if self.mode == "multiplier":
            for i, b in enumerate(base):
                if not (math.isfinite(b) and b >= 0.0):
                    raise ValueError(f"{_NAME}: mode='multiplier' needs base values >= 0; group {i} has {b!r}")
            effective = [scale(s, b) for s, b in zip(scheds, base, strict=True)]
        else:
            effective = list(scheds)
        lo, hi = self.bounds
        for i, s in enumerate(effective):
            slo, shi = s.bounds()
            if slo < lo or shi > hi:
                raise ValueError(
                    f"{_NAME}: the values for param group {i}'s {self.key!r} span [{slo!r}, {shi!r}], "
                    f"outside the allowed [{lo!r}, {hi!r}] (pass bounds= to allow more)"
                )
        self._scheds = scheds
        # each distinct schedule read a chunk at a time (the values of lrcurves.curve)
        readers: dict[Schedule, CurveReader] = {}
        for s in effective:
            if s not in readers:
                readers[s] = CurveReader(s)
        self._fns = [readers[s] for s in effective]
        self._shared = self._fns[0] if len(readers) == 1 else None

    # -- stepping ----------------------------------------------------------------
    def values(self) -> list[float]:
        """The closed-form value of every group at ``last_step``."""
        t = self.last_step
        if self._shared is not None:
            v = self._shared(t)
            return [v] * len(self._fns)
        return [f(t) for f in self._fns]

    def _apply(self) -> None:
        name, index = self._name, self._index
        for g, v in zip(self.optimizer.param_groups, self.values(), strict=True):
            cur = g[name]
            if index is None:
                if isinstance(cur, torch.Tensor):
                    cur.fill_(v)
                else:
                    g[name] = v
            else:
                member = cur[index]
                if isinstance(member, torch.Tensor):
                    member.fill_(v)
                else:
                    items = list(cur)
                    items[index] = v
                    g[name] = type(cur)(items) if isinstance(cur, list) else tuple(items)

    def step(self) -> None:
        """Advance one step and set every group's value from the closed form."""
        self.last_step += 1
        self._apply()

    def get_last_values(self) -> list[float]:
        """The values set by the last :meth:`step` (or the constructor)."""
        return self.values()

    # -- checkpoints ---------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain-data state: step, key, mode, base values and schedule configs."""
        return {
            "last_step": int(self.last_step),
            "key": self.key if isinstance(self.key, str) else list(self.key),
            "mode": self.mode,
            "base_values": list(self.base_values),
            "schedule": None if self.schedule is None else self.schedule.to_config(),
            "group_schedules": None
            if self.group_schedules is None
            else [s.to_config() for s in self.group_schedules],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (checked first; nothing changes on a bad state).

        As with torch's schedulers, the optimizer's own ``load_state_dict``
        restores the current values; this restores the counter and the
        schedules, and the next :meth:`step` sets step ``n + 1``.
        """
        where = _NAME
        sd = state_dict_of(where, state_dict, ("last_step", "key", "mode", "base_values", "schedule"))
        key = sd["key"]
        key = tuple(key) if isinstance(key, list) else key
        if key != (self.key if isinstance(self.key, str) else tuple(self.key)):
            raise ValueError(f"{where}.load_state_dict: the state schedules {key!r}, this scheduler {self.key!r}")
        if sd["mode"] != self.mode:
            raise ValueError(
                f"{where}.load_state_dict: the state was saved in mode {sd['mode']!r}, this scheduler "
                f"runs in mode {self.mode!r}"
            )
        n = len(self.optimizer.param_groups)

        sched, group_schedules, scheds = state_schedules(where, sd, n)
        base = state_floats(where, sd, "base_values", n)
        last_step = state_int(where, sd, "last_step", min=0)
        old = (self._scheds, self._shared, self._fns)
        try:
            self._setup(scheds, base)  # type: ignore[arg-type]
        except ValueError as exc:
            self._scheds, self._shared, self._fns = old
            raise ValueError(f"{where}.load_state_dict: {exc}") from None
        self.schedule = sched
        self.group_schedules = group_schedules
        self.base_values = base
        self.last_step = last_step

    def __repr__(self) -> str:
        what = repr(self.schedule) if self.group_schedules is None else f"group_schedules={self.group_schedules!r}"
        return f"{_NAME}({self.key!r}, {what}, mode={self.mode!r}, last_step={self.last_step})"
