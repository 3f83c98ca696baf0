"""The 1cycle policy, torch ``OneCycleLR``'s closed form."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import Value, as_bool, as_choice, as_int, as_value
from lrcurves._xp import Namespace, float_dtype, to_float

__all__ = ["one_cycle"]


def _phase_table(p: Params) -> list[tuple[float, str, str, str, str]]:
    """torch's phases: (end_step, start_lr, end_lr, start_mom, end_mom)."""
    T = p.total_steps
    pct = p.pct_start
    if p.three_phase:
        return [
            (float(pct * T) - 1, "initial", "max", "max_m", "base_m"),
            (float(2 * pct * T) - 2, "max", "initial", "base_m", "max_m"),
            (float(T - 1), "initial", "min", "max_m", "max_m"),
        ]
    return [
        (float(pct * T) - 1, "initial", "max", "max_m", "base_m"),
        (float(T - 1), "max", "min", "base_m", "max_m"),
    ]


def _anneal(xp: Namespace, cos: bool, start: Any, end: Any, pct: Any, torch_order: bool) -> Any:
    if cos:
        return end + (start - end) / 2.0 * (xp.cos(math.pi * pct) + 1.0)
    if torch_order:  # float64: torch's exact operations
        return (end - start) * pct + start
    # float32: exact at both ends (torch's form cancels at pct = 1)
    return end * pct + start * (1.0 - pct)


def _eval(xp: Namespace, t: Any, p: Params, which: str) -> Any:
    tf = xp.minimum(to_float(xp, t), float(p.total_steps - 1))
    torch_order = float_dtype(xp, tf) == xp.float64
    initial = p.max_value / p.div_factor
    vals = {
        "initial": initial,
        "max": p.max_value,
        "min": initial / p.final_div_factor,
        "max_m": p.max_momentum,
        "base_m": p.base_momentum,
    }
    cos = p.anneal == "cos"
    table = _phase_table(p)
    pieces = []
    start_step = 0.0
    for end_step, s_lr, e_lr, s_m, e_m in table:
        den = end_step - start_step
        den = den if den != 0.0 else 1.0  # torch divides by zero here; we use pct = 0
        pct = (tf - start_step) / den
        a, b = (s_lr, e_lr) if which == "lr" else (s_m, e_m)
        pieces.append((end_step, _anneal(xp, cos, vals[a], vals[b], pct, torch_order)))
        start_step = end_step
    out = pieces[-1][1]
    for end_step, v in reversed(pieces[:-1]):
        out = xp.where(tf <= end_step, v, out)
    return out


def _bounds(p: Params) -> tuple[Any, Any]:
    initial = p.max_value / p.div_factor
    lo = np.minimum(np.minimum(initial, initial / p.final_div_factor), p.max_value)
    hi = np.maximum(np.maximum(initial, initial / p.final_div_factor), p.max_value)
    return lo, hi


def _phases(p: Params) -> tuple[int, ...]:
    ends = [e for e, *_ in _phase_table(p)]
    return tuple(sorted({min(max(0, math.floor(e) + 1), p.total_steps) for e in ends}))


@register(
    "one_cycle",
    lr=lambda xp, t, p: _eval(xp, t, p, "lr"),
    momentum=lambda xp, t, p: _eval(xp, t, p, "momentum"),
    has_momentum=lambda p: p.cycle_momentum,
    bounds=_bounds,
    momentum_bounds=lambda p: (
        np.minimum(p.base_momentum, p.max_momentum),
        np.maximum(p.base_momentum, p.max_momentum),
    ),
    phases=_phases,
)
def one_cycle(
    max_value: Value,
    total_steps: int,
    pct_start: float = 0.3,
    anneal: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
    base_momentum: Value = 0.85,
    max_momentum: Value = 0.95,
    cycle_momentum: bool = True,
) -> Schedule:
    r"""The 1cycle policy: warm up to ``max_value``, anneal far below the start.

    .. math::
        \eta(t) = A\bigl(a_i, b_i, \tfrac{t - e_{i-1}}{e_i - e_{i-1}}\bigr)
            \quad\text{for } e_{i-1} < t \le e_i,\qquad
        A_{\cos}(a, b, q) = b + \tfrac{a - b}{2}(1 + \cos \pi q),\;
        A_{\text{lin}}(a, b, q) = a + (b - a) q

    Two phases: :math:`e_0 = 0`, :math:`e_1 = pN - 1`, :math:`e_2 = N - 1`,
    going :math:`\eta_0 \to \hat\eta \to \eta_{\min}`.  Three phases:
    :math:`e_1 = pN - 1`, :math:`e_2 = 2pN - 2`, :math:`e_3 = N - 1`, going
    :math:`\eta_0 \to \hat\eta \to \eta_0 \to \eta_{\min}`.  Here
    :math:`\eta_0 = \hat\eta / d`, :math:`\eta_{\min} = \eta_0 / f`.
    Momentum follows the inverse path between ``max_momentum`` and
    ``base_momentum`` (held at ``max_momentum`` in the third phase).

    Symbols: :math:`\hat\eta` = ``max_value``, :math:`N` = ``total_steps``,
    :math:`p` = ``pct_start``, :math:`d` = ``div_factor``, :math:`f` =
    ``final_div_factor``, :math:`A` = ``anneal``.

    Conventions: the value at step ``t`` is torch ``OneCycleLR``'s LR after
    ``t`` scheduler steps (same float operations, phase ends ``float(p*N)
    - 1`` etc.).  Differences from torch: for ``t >= N`` the value holds the
    final value :math:`\eta_{\min}` (torch extrapolates slightly at
    ``t = N`` and raises after); where torch would divide by zero (a phase
    of length 0, e.g. ``p*N == 1``) the phase's start value is used.
    ``optax.cosine_onecycle_schedule`` puts its boundaries at
    ``int(p*N)`` instead, so its curve is shifted by up to one step.

    Args:
      max_value: the peak, ``>= 0``.
      total_steps: ``N >= 1``.
      pct_start: fraction of the steps spent warming up, in ``[0, 1]``.
      anneal: ``"cos"`` or ``"linear"``.
      div_factor: ``d > 0``, initial value ``max_value / d``.
      final_div_factor: ``f > 0``, final value ``max_value / (d f)``.
      three_phase: use the symmetric three-phase variant.
      base_momentum: momentum at the peak LR, in ``[0, 1]``.
      max_momentum: momentum at the start and end, in ``[0, 1]``.
      cycle_momentum: define a momentum schedule (``has_momentum``).

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.one_cycle(1.0, total_steps=10)
      >>> [round(float(v), 6) for v in lrcurves.curve(s, 4)]
      [0.04, 0.52, 1.0, 0.950485]
    """
    name = "one_cycle"
    top = as_value(name, "max_value", max_value)
    n = as_int(name, "total_steps", total_steps, min=1)
    pct = as_value(name, "pct_start", pct_start, min=0.0, max=1.0, allow_array=False)
    an = as_choice(name, "anneal", anneal, ("cos", "linear"))
    div = as_value(name, "div_factor", div_factor, min=0.0, min_open=True, allow_array=False)
    fdiv = as_value(name, "final_div_factor", final_div_factor, min=0.0, min_open=True, allow_array=False)
    three = as_bool(name, "three_phase", three_phase)
    bm = as_value(name, "base_momentum", base_momentum, min=0.0, max=1.0)
    mm = as_value(name, "max_momentum", max_momentum, min=0.0, max=1.0)
    cm = as_bool(name, "cycle_momentum", cycle_momentum)
    return Schedule._make(
        name,
        max_value=top,
        total_steps=n,
        pct_start=float(pct),
        anneal=an,
        div_factor=float(div),
        final_div_factor=float(fdiv),
        three_phase=three,
        base_momentum=bm,
        max_momentum=mm,
        cycle_momentum=cm,
    )
