"""The 1cycle policy, torch ``OneCycleLR``'s closed form."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, piecewise, register
from lrcurves._shapes import interp
from lrcurves._xp import to_float
from lrcurves.validate import Value, as_bool, as_choice, as_int, as_value

__all__ = ["one_cycle"]


def _phase_table(p: Params) -> tuple[tuple[float, str, str, str, str], ...]:
    """torch's phases: (end_step, start_lr, end_lr, start_mom, end_mom)."""
    return _phases_of(p.total_steps, p.pct_start, p.three_phase)


@lru_cache(maxsize=512)
def _phases_of(T: int, pct: float, three_phase: bool) -> tuple[tuple[float, str, str, str, str], ...]:
    if three_phase:
        return (
            (float(pct * T) - 1, "initial", "max", "max_m", "base_m"),
            (float(2 * pct * T) - 2, "max", "initial", "base_m", "max_m"),
            (float(T - 1), "initial", "min", "max_m", "max_m"),
        )
    return (
        (float(pct * T) - 1, "initial", "max", "max_m", "base_m"),
        (float(T - 1), "max", "min", "base_m", "max_m"),
    )


def _pieces(p: Params, momentum: bool) -> list[tuple[int, Any]]:
    """One interpolation per phase; phase ``i + 1`` starts at ``floor(e_i) + 1``.

    torch moves on once ``step > e_i`` (its phase ends ``e_i`` may be
    fractional), which on integer steps is ``step >= floor(e_i) + 1``.
    """
    initial = p.peak_value / p.div_factor
    vals = {
        "initial": initial,
        "max": p.peak_value,
        "min": initial / p.final_div_factor,
        "max_m": p.max_momentum,
        "base_m": p.base_momentum,
    }
    shape, ramp = ("cosine", False) if p.anneal == "cos" else ("linear", True)
    last = float(p.total_steps - 1)

    def phase(a: Any, b: Any, begin: float, den: float) -> Any:
        # torch divides by zero for a phase of length 0; its start value is used here
        length = den if den != 0.0 else 1.0
        return lambda xp, t: interp(
            xp, xp.minimum(to_float(xp, t), last), a, b, length, shape, begin=begin, ramp=ramp
        )

    out, first, start_step = [], 0, 0.0
    for end_step, s_lr, e_lr, s_m, e_m in _phase_table(p):
        a, b = (s_m, e_m) if momentum else (s_lr, e_lr)
        out.append((first, phase(vals[a], vals[b], start_step, end_step - start_step)))
        first = max(first, math.floor(end_step) + 1)
        start_step = end_step
    return out


def _bounds(p: Params) -> tuple[Any, Any]:
    initial = p.peak_value / p.div_factor
    lo = np.minimum(np.minimum(initial, initial / p.final_div_factor), p.peak_value)
    hi = np.maximum(np.maximum(initial, initial / p.final_div_factor), p.peak_value)
    return lo, hi


def _phases(p: Params) -> tuple[int, ...]:
    ends = [e for e, *_ in _phase_table(p)]
    return tuple(sorted({min(max(0, math.floor(e) + 1), p.total_steps) for e in ends}))


@register(
    "one_cycle",
    lr=lambda xp, t, p: piecewise(xp, t, _pieces(p, False)),
    momentum=lambda xp, t, p: piecewise(xp, t, _pieces(p, True)),
    pieces=_pieces,
    has_momentum=lambda p: p.cycle_momentum,
    bounds=_bounds,
    momentum_bounds=lambda p: (
        np.minimum(p.base_momentum, p.max_momentum),
        np.maximum(p.base_momentum, p.max_momentum),
    ),
    phases=_phases,
    # the last phase holds its end from T - 1 on (later, if degenerate phases run past it)
    flat=lambda p, a, b: [(max(p.total_steps - 1, _pieces(p, False)[-1][0]), b)],
    aliases={"max_value": "peak_value"},
)
def one_cycle(
    peak_value: Value,
    *,
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
    r"""The 1cycle policy: warm up to ``peak_value``, anneal far below the start.

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

    Symbols: :math:`\hat\eta` = ``peak_value`` (``max_value`` before 0.2,
    still accepted by :func:`lrcurves.get` and configs), :math:`N` = ``total_steps``,
    :math:`p` = ``pct_start``, :math:`d` = ``div_factor``, :math:`f` =
    ``final_div_factor``, :math:`A` = ``anneal``.

    Conventions: arguments after ``peak_value`` are keyword-only
    (``optax.cosine_onecycle_schedule`` takes the step count first).  The
    value at step ``t`` is torch ``OneCycleLR``'s LR after ``t`` scheduler
    steps (same float operations in float64, phase ends ``float(p*N) - 1``
    etc., compared exactly on integer steps).  Differences from torch: for ``t >= N`` the value holds the
    final value :math:`\eta_{\min}` (torch extrapolates slightly at
    ``t = N`` and raises after); where torch would divide by zero (a phase
    of length 0, e.g. ``p*N == 1``) the phase's start value is used.
    ``optax.cosine_onecycle_schedule`` puts its boundaries at
    ``int(p*N)`` instead, so its curve is shifted by up to one step.

    Args:
      peak_value: the peak, ``>= 0``.
      total_steps: ``N >= 1``.
      pct_start: fraction of the steps spent warming up, in ``[0, 1]``.
      anneal: ``"cos"`` or ``"linear"``.
      div_factor: ``d > 0``, initial value ``peak_value / d``.
      final_div_factor: ``f > 0``, final value ``peak_value / (d f)``.
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
    top = as_value(name, "peak_value", peak_value)
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
        peak_value=top,
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
