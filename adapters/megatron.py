"""Drop-in replacement for Megatron-Core's ``OptimizerParamScheduler`` (megatron-core 0.19.2).

:class:`OptimizerParamScheduler` has megatron-core's name, constructor
signature, attributes and methods: ``step(increment)``, ``get_lr(param_group)``,
``get_wd(param_group=None)``, ``state_dict()`` / ``load_state_dict()`` (in
Megatron's own format, including its legacy keys and the
``override_opt_param_scheduler`` / ``use_checkpoint_opt_param_scheduler``
rules), so checkpoints move between the two classes both ways.  Like
Megatron's, it is a plain object (not a torch ``LRScheduler``) and works with
anything whose ``.param_groups`` is a list of dicts (a ``MegatronOptimizer``,
a ``ChainedOptimizer``, a ``torch.optim.Optimizer``).

Every value comes from a core schedule built by
:mod:`lrcurves.compat.megatron`, evaluated at Megatron's counter on the array
path (the numbers of ``lrcurves.curve``, read a chunk of counters at a
time, as :class:`lrcurves.CurveReader` does); this module only reads the
parameters and the per-group overrides and writes the results.  On each
``step(increment)`` (``num_steps += increment``), every param group gets, as
Megatron sets them:

* ``lr``: the LR curve of the group's ``max_lr``/``min_lr`` (each defaults to
  the scheduler's; megatron-core >= 0.14 bakes ``lr_mult`` into them when it
  builds the groups, so ``lr_mult`` itself is *not* read, as in Megatron); a
  tensor ``lr`` is filled in place;
* ``weight_decay``: the weight-decay curve of the group's
  ``start_wd``/``end_wd`` times its ``wd_mult`` (default 1).

Groups that share overrides share one curve evaluation per step.

Migrating is an import change::

    from lrcurves.adapters.megatron import OptimizerParamScheduler
    # was: from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler

``scheduler.lr_schedule()`` / ``scheduler.wd_schedule()`` give the pure
curves (indexed by ``num_steps``) for plotting before training.

Differences from the original
-----------------------------
Each has a test in ``tests/adapters/test_megatron.py``.

1. **Invalid LR styles raise at construction.**  An unknown
   ``lr_decay_style``, or ``"WSD"`` with an unknown ``lr_wsd_decay_style``
   (and ``wsd_decay_steps > 0``), raises when the scheduler is built:
   ``ValueError`` / :class:`~lrcurves.compat.megatron.MegatronAssertionError`
   (Megatron raises ``Exception`` / ``AssertionError`` only once a step
   reaches the decay, which with a warmup is after construction).  Unknown
   ``wd_incr_style`` values raise at construction in both (``ValueError``
   here, Megatron's ``Exception``).
2. **Assertion errors carry a message.**  Megatron's bare ``assert``\\ s
   become :class:`~lrcurves.compat.megatron.MegatronAssertionError`, an
   ``AssertionError`` *and* a ``ValueError`` naming the parameter and value.
3. **Negative or undefined values are rejected** (``ValueError``): a
   negative ``init_lr`` (with a warmup), ``lr_warmup_steps`` or
   ``wsd_decay_steps``, per-group ``max_lr``/``min_lr``/``start_wd``/
   ``end_wd`` below 0, a negative ``wd_mult``, and non-integral step counts
   (``lr_warmup_steps=2.5``; integral floats such as ``1e3`` are fine).
   Megatron computes with them (negative LRs, or a ramp over fractional
   steps).  Per-group values are checked when a step first meets them.
4. **Floating-point rounding.**  Values agree with Megatron's to a few
   ulps (float64, ``rtol <= 1e-12``), not bit for bit: the core computes
   e.g. the warmup as ``init + (max - init) * (n / W)`` and the
   inverse-square-root as ``max / sqrt(1 + (n - W) / W)``.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lrcurves import Schedule
from lrcurves._schedule import READ_MAX, READ_MIN
from lrcurves.compat import megatron as _mg

__all__ = ["OptimizerParamScheduler"]

logger = logging.getLogger(__name__)

# attributes that shape the curves: setting one drops the cached curves
_CURVE_ATTRS = (
    "init_lr", "max_lr", "min_lr", "lr_warmup_steps", "lr_decay_steps", "lr_decay_style",
    "wsd_decay_steps", "lr_wsd_decay_style", "start_wd", "end_wd", "wd_incr_steps", "wd_incr_style",
)


def _tensor_type() -> type:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is the adapter's framework
        return type(None)
    return torch.Tensor


_READ_LIMIT = 2**62


def _reader(lr: Schedule, wd: Schedule) -> Callable[[Any], tuple[float, float]]:
    """Read a group's LR and weight-decay curves at Megatron's counter, chunk by chunk.

    ``read(n)`` is ``(lr(numpy.asarray(n)), wd(numpy.asarray(n)))``: the array path,
    as ``lrcurves.curve`` gives it.  Megatron's counter advances by the same
    ``increment`` (the global batch size) on almost every step, so a miss
    evaluates both schedules once, vectorised, on the next ``size`` counters
    ``n, n + s, n + 2 s, ...`` (``s``: the last increment), growing ``size``
    fourfold from ``READ_MIN`` up to ``READ_MAX`` while the reads keep that
    stride (:class:`lrcurves.CurveReader`'s scheme and sizes, on a strided
    grid; values kept as ``array('d')``).  Non-integer counters and counters
    past ``2**62`` are evaluated on their own.  A closure: its fast path is a
    plain function call, cheaper than a method.
    """

    def value(n: Any) -> tuple[float, float]:
        t = np.asarray(n)
        return float(lr(t)), float(wd(t))

    lv: Sequence[float] = ()
    wv: Sequence[float] = ()
    lo = i = length = 0
    last = -1  # the counter read last (-1: none yet)
    stride, size = 1, READ_MIN

    def miss(n: Any) -> tuple[float, float]:
        nonlocal lv, wv, lo, i, length, last, stride, size
        if type(n) is not int or not 0 <= n <= _READ_LIMIT:
            return value(n)
        k, r = divmod(n - lo, stride)
        if length and r == 0 and 0 <= k < length:  # inside the chunk
            i, last = k, n
            return lv[k], wv[k]
        if length and r == 0 and k == length:  # the next chunk, same stride
            new_size, new_stride = min(size * 4, READ_MAX), stride
        else:
            new_size, new_stride = READ_MIN, (n - last if 0 <= last < n else stride)
        if n + new_stride * new_size > _READ_LIMIT:
            return value(n)
        steps = np.arange(n, n + new_stride * new_size, new_stride, dtype=np.int64)
        lv = array("d", np.ascontiguousarray(lr(steps), dtype=np.float64).tobytes())
        wv = array("d", np.ascontiguousarray(wd(steps), dtype=np.float64).tobytes())
        lo, i, last, length, stride, size = n, 0, n, new_size, new_stride, new_size
        return lv[0], wv[0]

    def read(n: Any) -> tuple[float, float]:
        # ``last`` is always an int: a float ``n`` only matches an integral counter
        nonlocal i, last
        d = n - last
        if d == stride:
            if i + 1 < length:
                i += 1
                last = n
                return lv[i], wv[i]
        elif d == 0 and length:
            return lv[i], wv[i]
        return miss(n)

    return read


class _Curve:
    """A class attribute that drops the scheduler's cached curves when set."""

    __slots__ = ("_slot",)

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj.__dict__[self._slot]

    def __set__(self, obj: Any, value: Any) -> None:
        d = obj.__dict__
        d[self._slot] = value
        d["_lr_scheds"], d["_wd_scheds"], d["_fns"], d["_ctx"] = {}, {}, {}, None


class OptimizerParamScheduler:
    """Anneals the learning rate and weight decay of every param group, as Megatron-Core.

    Args (Megatron's):
      optimizer: the optimizer (anything with ``.param_groups``).
      init_lr: the LR at ``num_steps = 0`` (start of the linear warmup).
      max_lr: the peak LR (after warmup); per group ``group['max_lr']``.
      min_lr: the final LR; per group ``group['min_lr']``.
      lr_warmup_steps: warmup length, in ``num_steps`` units.
      lr_decay_steps: ``num_steps`` at which the decay reaches ``min_lr``.
      lr_decay_style: ``"constant"``, ``"linear"``, ``"cosine"``,
        ``"inverse-square-root"`` or ``"WSD"``.
      start_wd, end_wd: weight decay at ``num_steps = 0`` and after
        ``wd_incr_steps``; per group ``group['start_wd']``/``['end_wd']``.
      wd_incr_steps: length of the weight-decay increase.
      wd_incr_style: ``"constant"``, ``"linear"`` or ``"cosine"``.
      use_checkpoint_opt_param_scheduler: ``load_state_dict`` takes the
        checkpoint's values (default).
      override_opt_param_scheduler: ``load_state_dict`` keeps the
        constructor's values.
      wsd_decay_steps: length of WSD's annealing phase (ends at
        ``lr_decay_steps``).
      lr_wsd_decay_style: ``"linear"``, ``"cosine"``, ``"exponential"`` or
        ``"minus_sqrt"``.

    The constructor calls ``step(0)``, so the groups hold the values of
    ``num_steps = 0`` right away; call ``step(increment)`` after each
    optimizer step (Megatron-LM passes the global batch size).

    Examples:
      >>> import torch
      >>> from lrcurves.adapters.megatron import OptimizerParamScheduler
      >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=0.0)
      >>> sched = OptimizerParamScheduler(
      ...     opt, init_lr=0.0, max_lr=1.0, min_lr=0.1, lr_warmup_steps=4, lr_decay_steps=12,
      ...     lr_decay_style="linear", start_wd=0.01, end_wd=0.01, wd_incr_steps=12,
      ...     wd_incr_style="constant")
      >>> lrs = []
      >>> for _ in range(7):
      ...     sched.step(2)
      ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
      >>> lrs, opt.param_groups[0]["weight_decay"]
      ([0.5, 1.0, 0.775, 0.55, 0.325, 0.1, 0.1], 0.01)
    """

    init_lr = _Curve()
    max_lr = _Curve()
    min_lr = _Curve()
    lr_warmup_steps = _Curve()
    lr_decay_steps = _Curve()
    lr_decay_style = _Curve()
    wsd_decay_steps = _Curve()
    lr_wsd_decay_style = _Curve()
    start_wd = _Curve()
    end_wd = _Curve()
    wd_incr_steps = _Curve()
    wd_incr_style = _Curve()

    def __init__(
        self,
        optimizer: Any,
        init_lr: float,
        max_lr: float,
        min_lr: float,
        lr_warmup_steps: int,
        lr_decay_steps: int,
        lr_decay_style: str,
        start_wd: float,
        end_wd: float,
        wd_incr_steps: int,
        wd_incr_style: str,
        use_checkpoint_opt_param_scheduler: bool | None = True,
        override_opt_param_scheduler: bool | None = False,
        wsd_decay_steps: int | None = None,
        lr_wsd_decay_style: str | None = None,
    ) -> None:
        self.optimizer = optimizer
        self.init_lr = init_lr
        self.max_lr = float(max_lr)
        self.min_lr = min_lr
        self.lr_warmup_steps = lr_warmup_steps
        self.num_steps = 0
        self.lr_decay_steps = lr_decay_steps
        self.wsd_decay_steps = wsd_decay_steps
        self.lr_wsd_decay_style = lr_wsd_decay_style
        self.lr_decay_style = lr_decay_style
        _mg.check_lr_args(
            self.max_lr, min_lr, init_lr=init_lr, lr_warmup_steps=lr_warmup_steps,
            lr_decay_steps=lr_decay_steps, lr_decay_style=lr_decay_style, wsd_decay_steps=wsd_decay_steps,
        )
        self.start_wd = start_wd
        self.end_wd = end_wd
        _mg.check_wd_args(start_wd, end_wd)
        self.wd_incr_steps = wd_incr_steps
        self.wd_incr_style = wd_incr_style
        self.override_opt_param_scheduler = override_opt_param_scheduler
        self.use_checkpoint_opt_param_scheduler = use_checkpoint_opt_param_scheduler
        if self.override_opt_param_scheduler and self.use_checkpoint_opt_param_scheduler:
            raise _mg.MegatronAssertionError("OptimizerParamScheduler: both override and use-checkpoint are set.")
        self._tensor = _tensor_type()
        # the scheduler's own curves, built (and so validated) before the first step
        self._lr_of(self.max_lr, self.min_lr)
        self._wd_of(self.start_wd, self.end_wd, 1.0)
        self.step(0)
        logger.info("> learning rate decay style: %s", self.lr_decay_style)

    # -- the curves (core schedules, cached per group override) ---------------
    def lr_schedule(self, max_lr: Any = None, min_lr: Any = None) -> Schedule:
        """The LR curve (indexed by ``num_steps``) of a group with these overrides."""
        return _mg.group_lr_schedule(
            self.max_lr if max_lr is None else max_lr,
            self.min_lr if min_lr is None else min_lr,
            init_lr=self.init_lr,
            lr_warmup_steps=self.lr_warmup_steps,
            lr_decay_steps=self.lr_decay_steps,
            lr_decay_style=self.lr_decay_style,
            wsd_decay_steps=self.wsd_decay_steps,
            lr_wsd_decay_style=self.lr_wsd_decay_style,
        )

    def wd_schedule(self, start_wd: Any = None, end_wd: Any = None, wd_mult: Any = 1.0) -> Schedule:
        """The weight-decay curve (indexed by ``num_steps``), times ``wd_mult``."""
        return _mg.group_wd_schedule(
            self.start_wd if start_wd is None else start_wd,
            self.end_wd if end_wd is None else end_wd,
            wd_incr_steps=self.wd_incr_steps,
            wd_incr_style=self.wd_incr_style,
            wd_mult=wd_mult,
        )

    def _lr_of(self, max_lr: Any, min_lr: Any) -> Schedule:
        key = (max_lr, min_lr)
        s = self._lr_scheds.get(key)
        if s is None:
            s = self._lr_scheds[key] = self.lr_schedule(max_lr, min_lr)
        return s

    def _wd_of(self, start_wd: Any, end_wd: Any, wd_mult: Any) -> Schedule:
        key = (start_wd, end_wd, wd_mult)
        s = self._wd_scheds.get(key)
        if s is None:
            s = self._wd_scheds[key] = self.wd_schedule(start_wd, end_wd, wd_mult)
        return s

    def _group_fn(self, key: tuple[Any, ...]) -> Callable[[Any], tuple[float, float]]:
        lr = self._lr_of(key[0], key[1])  # the LR first: its errors come first, as in Megatron
        fn = self._fns[key] = _reader(lr, self._wd_of(*key[2:]))
        return fn

    # -- Megatron's API -------------------------------------------------------
    def get_wd(self, param_group: dict[str, Any] | None = None) -> float:
        """The weight decay at ``num_steps`` (the group's ``start_wd``/``end_wd``; no ``wd_mult``)."""
        g = {} if param_group is None else param_group
        key = (self.max_lr, self.min_lr, g.get("start_wd", self.start_wd), g.get("end_wd", self.end_wd), 1.0)
        return (self._fns.get(key) or self._group_fn(key))(self.num_steps)[1]

    def get_lr(self, param_group: dict[str, Any]) -> float:
        """The learning rate of ``param_group`` at ``num_steps`` (its ``max_lr``/``min_lr``)."""
        g = param_group
        key = (g.get("max_lr", self.max_lr), g.get("min_lr", self.min_lr), g.get("start_wd", self.start_wd),
               g.get("end_wd", self.end_wd), g.get("wd_mult", 1.0))  # fmt: skip
        return (self._fns.get(key) or self._group_fn(key))(self.num_steps)[0]

    def step(self, increment: int) -> None:
        """``num_steps += increment``, then set every group's ``lr`` and ``weight_decay``."""
        self.num_steps += increment
        n = self.num_steps
        ctx = self._ctx or self._context()
        max_lr, min_lr, start_wd, end_wd, fns, tensor = ctx
        for g in self.optimizer.param_groups:
            key = (g.get("max_lr", max_lr), g.get("min_lr", min_lr), g.get("start_wd", start_wd),
                   g.get("end_wd", end_wd), g.get("wd_mult", 1.0))  # fmt: skip
            lr, g["weight_decay"] = (fns.get(key) or self._group_fn(key))(n)
            cur = g.get("lr")
            if isinstance(cur, tensor):
                cur.fill_(lr)
            else:
                g["lr"] = lr

    def _context(self) -> tuple[Any, ...]:
        d = self.__dict__
        ctx = self._ctx = (d["_max_lr"], d["_min_lr"], d["_start_wd"], d["_end_wd"], self._fns, self._tensor)
        return ctx

    # -- checkpoints ----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Megatron's state dict (the same keys and values)."""
        return {
            "max_lr": self.max_lr,
            "lr_warmup_steps": self.lr_warmup_steps,
            "num_steps": self.num_steps,
            "lr_decay_style": self.lr_decay_style,
            "lr_decay_steps": self.lr_decay_steps,
            "min_lr": self.min_lr,
            "start_wd": self.start_wd,
            "end_wd": self.end_wd,
            "wd_incr_style": self.wd_incr_style,
            "wd_incr_steps": self.wd_incr_steps,
        }

    def _check_and_set(self, cls_value: Any, sd_value: Any, name: str) -> Any:
        """Megatron's rule: the class value (override), else the checkpoint's (asserted equal unless use-checkpoint)."""
        if self.override_opt_param_scheduler:
            logger.info(" > overriding %s value to %s", name, cls_value)
            return cls_value
        if not self.use_checkpoint_opt_param_scheduler and not cls_value == sd_value:
            raise _mg.MegatronAssertionError(
                    f"OptimizerParamScheduler: class input value {cls_value} and checkpoint"
                    f"value {sd_value} for {name} do not match"
                )
        logger.info(" > using checkpoint value %s for %s", sd_value, name)
        return sd_value

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Megatron's ``load_state_dict``: legacy keys, override/use-checkpoint, then ``step(num_steps)``.

        As in Megatron, the checkpoint's ``num_steps`` is *added* to the
        counter (a fresh scheduler is at 0) and the weight-decay settings are
        taken after that step, so the groups' ``weight_decay`` follows them
        from the next ``step()``.
        """
        sd = state_dict
        max_lr_ = sd["start_lr"] if "start_lr" in sd else sd["max_lr"]
        self.max_lr = self._check_and_set(self.max_lr, max_lr_, "learning rate")
        self.min_lr = self._check_and_set(self.min_lr, sd["min_lr"], "minimum learning rate")
        if "warmup_iter" in sd:
            warm = sd["warmup_iter"]
        elif "warmup_steps" in sd:
            warm = sd["warmup_steps"]
        else:
            warm = sd["lr_warmup_steps"]
        self.lr_warmup_steps = self._check_and_set(self.lr_warmup_steps, warm, "warmup iterations")
        if "end_iter" in sd:
            decay = sd["end_iter"]
        elif "decay_steps" in sd:
            decay = sd["decay_steps"]
        else:
            decay = sd["lr_decay_steps"]
        self.lr_decay_steps = self._check_and_set(self.lr_decay_steps, decay, "total number of iterations")
        style = sd["decay_style"] if "decay_style" in sd else sd["lr_decay_style"]
        self.lr_decay_style = self._check_and_set(self.lr_decay_style, style, "learning rate decay style")
        num_steps = sd["num_iters"] if "num_iters" in sd else sd["num_steps"]
        self.step(increment=num_steps)
        if "start_wd" in sd:
            self.start_wd = self._check_and_set(self.start_wd, sd["start_wd"], "start weight decay")
            self.end_wd = self._check_and_set(self.end_wd, sd["end_wd"], "end weight decay")
            self.wd_incr_steps = self._check_and_set(
                self.wd_incr_steps, sd["wd_incr_steps"], "total number of weight decay iterations"
            )
            self.wd_incr_style = self._check_and_set(self.wd_incr_style, sd["wd_incr_style"], "weight decay incr style")

    def __repr__(self) -> str:
        return (
            f"OptimizerParamScheduler(lr_decay_style={self.lr_decay_style!r}, max_lr={self.max_lr!r}, "
            f"min_lr={self.min_lr!r}, num_steps={self.num_steps!r})"
        )
