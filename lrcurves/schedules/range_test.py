"""Learning-rate range tests: linear (DeepSpeed) and exponential (LR finder) sweeps."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register, stair_ranges
from lrcurves._shapes import interp
from lrcurves._xp import Namespace, divmod_steps, to_float
from lrcurves.validate import Value, as_bool, as_int, as_value

__all__ = ["exponential_range_test", "linear_range_test"]

# the linear range test grows without end: with step_rate at most 1e100 and
# steps at most 2**62, 1 + rate * t / S stays finite (never 0 * inf = NaN)
_GROWTH_MAX = 1e100


def _lin_lr(xp: Namespace, t: Any, p: Params) -> Any:
    if p.staircase:
        q, _ = divmod_steps(xp, t, p.step_size)  # exact stairs
    else:
        q = to_float(xp, t) / float(p.step_size)
    return p.init_value * (1.0 + p.step_rate * xp.maximum(q, 0.0))


def _lin_flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    return stair_ranges(p.step_size, start, stop) if p.staircase else []


@register(
    "linear_range_test",
    lr=_lin_lr,
    monotone="increasing",
    bounds=lambda p: (p.init_value, math.inf),
    phases=lambda p: (p.step_size,),
    flat=_lin_flat,
)
def linear_range_test(
    init_value: Value, *, step_size: int, step_rate: Value = 1.0, staircase: bool = False
) -> Schedule:
    r"""Linear LR range test: unbounded linear growth (DeepSpeed ``LRRangeTest``).

    .. math::
        \eta(t) = \eta_0\,\bigl(1 + r\, i(t)\bigr), \qquad
        i(t) = t / S \quad\text{(}\lfloor t / S \rfloor\text{ if staircase)}

    Symbols: :math:`\eta_0` = ``init_value``, :math:`S` = ``step_size``,
    :math:`r` = ``step_rate``.

    Conventions: step 0 is the first update and uses :math:`\eta_0`; the
    growth never ends (the value is finite for any finite step).  This is
    DeepSpeed's ``LRRangeTest(lr_range_test_min_lr=eta_0,
    lr_range_test_step_size=S, lr_range_test_step_rate=r,
    lr_range_test_staircase=...)``: its constructor writes the minimum
    (used by update 1) and after ``k`` calls of ``step()`` it holds
    :math:`\eta(k)`, the value this schedule gives for update ``k + 1``.

    Args:
      init_value: starting value, ``>= 0``.
      step_size: steps per unit of the interval, ``>= 1``.
      step_rate: growth per interval, in ``[0, 1e100]`` (so no step overflows).
      staircase: grow in discrete jumps every ``step_size`` steps.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.linear_range_test(1.0, step_size=2, step_rate=1.0)
      >>> lrcurves.curve(s, 5).tolist()
      [1.0, 1.5, 2.0, 2.5, 3.0]
    """
    name = "linear_range_test"
    return Schedule._make(
        name,
        init_value=as_value(name, "init_value", init_value),
        step_size=as_int(name, "step_size", step_size, min=1),
        step_rate=as_value(name, "step_rate", step_rate, max=_GROWTH_MAX),
        staircase=as_bool(name, "staircase", staircase),
    )


def _exp_lr(xp: Namespace, t: Any, p: Params) -> Any:
    return interp(xp, t, p.init_value, p.end_value, p.num_steps, "exponential")


@register(
    "exponential_range_test",
    lr=_exp_lr,
    monotone="increasing",
    bounds=lambda p: (p.init_value, p.end_value),
    phases=lambda p: (p.num_steps,),
    flat=lambda p, a, b: [(p.num_steps, b)],
)
def exponential_range_test(init_value: Value, end_value: Value, *, num_steps: int) -> Schedule:
    r"""Exponential LR range test (LR finder): geometric sweep, then hold.

    .. math::
        \eta(t) = \eta_0 \left(\frac{\eta_e}{\eta_0}\right)^{u},
        \qquad u = \operatorname{clip}(t / N, 0, 1)

    Symbols: :math:`\eta_0` = ``init_value``, :math:`\eta_e` = ``end_value``,
    :math:`N` = ``num_steps``.

    Conventions: step 0 is the first update and uses :math:`\eta_0`; the
    value reaches :math:`\eta_e` at ``t = N`` and stays there (clamped).
    fastai's ``lr_find`` and PyTorch Lightning's ``Tuner.lr_find`` (mode
    ``"exponential"``) sweep ``min_lr * (max_lr / min_lr) ** (k / (n - 1))``
    over ``n`` iterations, i.e. this schedule with ``num_steps = n - 1``.

    Args:
      init_value: starting value, ``> 0``.
      end_value: final value, ``> init_value``.
      num_steps: steps to go from start to end, ``>= 1``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.exponential_range_test(1e-3, 1.0, num_steps=3)
      >>> [round(float(s(t)), 6) for t in range(5)]
      [0.001, 0.01, 0.1, 1.0, 1.0]
    """
    name = "exponential_range_test"
    init = as_value(name, "init_value", init_value, min=0.0, min_open=True)
    end = as_value(name, "end_value", end_value, min=0.0, min_open=True)
    if np.any(np.asarray(end) <= np.asarray(init)):
        raise ValueError(
            f"{name}: end_value must be > init_value, got end_value={end!r} and init_value={init!r}"
        )
    return Schedule._make(
        name,
        init_value=init,
        end_value=end,
        num_steps=as_int(name, "num_steps", num_steps, min=1),
    )
