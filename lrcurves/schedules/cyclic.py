"""Cyclical learning rates (torch ``CyclicLR``, DeepSpeed's stair cycles)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._shapes import geometric, triangle, triangle_complement
from lrcurves._xp import Namespace, param, reference_order, to_float
from lrcurves.validate import Value, as_choice, as_int, as_value, check_le

__all__ = ["cyclic"]

MODES = ("triangular", "triangular2", "exp_range")


def _amplitude(xp: Namespace, t: Any, cycle: Any, p: Params) -> Any:
    if p.mode == "triangular":
        return 1.0
    if p.mode == "triangular2":
        # torch: 1 / 2 ** (cycle - 1); powers of two, so 0.5 ** (cycle - 1) is exact
        return xp.pow(param(xp, 0.5, cycle), xp.maximum(cycle - 1.0, 0.0))
    return geometric(xp, p.gamma, xp.maximum(to_float(xp, t), 0.0))


def _wave(xp: Namespace, t: Any, p: Params) -> Any:
    """Height in the cycle, 0 at the base, 1 at the top, times the amplitude."""
    pos, cycle = triangle(xp, t, p.step_size_up, p.step_size_down, p.stairs_up, p.stairs_down)
    return pos, _amplitude(xp, t, cycle, p)


def _cyclic_lr(xp: Namespace, t: Any, p: Params) -> Any:
    pos, amp = _wave(xp, t, p)
    return p.base_value + ((p.peak_value - p.base_value) * pos) * amp


def _cyclic_mom(xp: Namespace, t: Any, p: Params) -> Any:
    pos, amp = _wave(xp, t, p)
    if reference_order(xp, to_float(xp, t)):
        return p.max_momentum - ((p.max_momentum - p.base_momentum) * pos) * amp
    # lower precision: the convex form mm (1 - x) + bm x, x = pos * amp, with
    # 1 - x = (1 - pos) + pos (1 - amp) from exact complements: mm - (mm - bm) x
    # cancels at the top of the cycle when base_momentum is small
    up, down, n_up, n_down = p.step_size_up, p.step_size_down, p.stairs_up, p.stairs_down
    posc = triangle_complement(xp, t, up, down, n_up, n_down)
    if p.mode == "triangular":
        xc = posc
    elif p.mode == "triangular2":
        xc = posc + pos * (1.0 - amp)  # amp is a power of two: 1 - amp is exact
    else:
        xc = posc + pos * -xp.expm1(xp.maximum(to_float(xp, t), 0.0) * math.log(p.gamma))
    return p.max_momentum * xc + p.base_momentum * (pos * amp)


def _phases(p: Params) -> tuple[int, ...]:
    return (p.step_size_up, p.step_size_up + p.step_size_down)


@register(
    "cyclic",
    lr=_cyclic_lr,
    momentum=_cyclic_mom,
    has_momentum=lambda p: p.base_momentum is not None,
    bounds=lambda p: (p.base_value, p.peak_value),
    momentum_bounds=lambda p: (
        np.minimum(p.base_momentum, p.max_momentum),
        np.maximum(p.base_momentum, p.max_momentum),
    ),
    phases=_phases,
    aliases={"max_value": "peak_value"},
)
def cyclic(
    base_value: Value,
    peak_value: Value,
    *,
    step_size_up: int,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    stairs_up: int = 0,
    stairs_down: int | None = None,
    base_momentum: Value | None = None,
    max_momentum: Value | None = None,
) -> Schedule:
    r"""Triangular cycles between ``base_value`` and ``peak_value`` (CLR).

    .. math::
        c = \lfloor 1 + t / L \rfloor,\quad x = 1 + t/L - c,\quad
        \sigma = \begin{cases} x / \rho & x \le \rho \\
                               (x - 1)/(\rho - 1) & x > \rho \end{cases}

        \eta(t) = \eta_b + (\eta_m - \eta_b)\,\sigma\,a,\qquad
        \mu(t) = \mu_m - (\mu_m - \mu_b)\,\sigma\,a

    with :math:`L = U + D`, :math:`\rho = U / L` and amplitude :math:`a = 1`
    (``"triangular"``), :math:`2^{-(c-1)}` (``"triangular2"``),
    :math:`\gamma^t` (``"exp_range"``).  With stairs, :math:`\sigma =
    \lfloor n_u \,(t \bmod L) / U\rfloor / n_u` rising and
    :math:`\lfloor n_d (L - t \bmod L) / D \rfloor / n_d` falling.

    Symbols: :math:`\eta_b` = ``base_value``, :math:`\eta_m` = ``peak_value``
    (``max_value`` before 0.2, still accepted by :func:`lrcurves.get` and configs),
    :math:`U` = ``step_size_up``, :math:`D` = ``step_size_down``,
    :math:`\gamma` = ``gamma``, :math:`n_u` = ``stairs_up``, :math:`n_d` =
    ``stairs_down``, :math:`\mu_b` = ``base_momentum``, :math:`\mu_m` =
    ``max_momentum``.

    Conventions: arguments after ``peak_value`` are keyword-only.  The
    value at step ``t`` is torch ``CyclicLR``'s LR after ``t`` scheduler
    steps (bit for bit in float64 in the first 64 cycles, same float
    operation order; later cycles and float32 use the exact remainder
    ``t mod L`` and the falling side ``(L - t mod L) / D``, avoiding
    torch's cancellation -- see :func:`lrcurves._shapes.triangle`): step 0
    uses ``base_value``, the top is reached at ``t = U`` and the cycle
    repeats forever.  Momentum moves inversely (``max_momentum`` at the
    base) and exists only when both momentum values are given.  The stair
    counts are DeepSpeed ``OneCycle``'s ``cycle_first_stair_count`` /
    ``cycle_second_stair_count`` (DeepSpeed counts from ``t + 1``; its
    adapter shifts the step).  Custom ``scale_fn`` callables are not
    supported (not serialisable).

    Args:
      base_value: lowest value, ``>= 0``.
      peak_value: highest value, ``>= base_value``.
      step_size_up: steps from base to top, ``>= 1``.
      step_size_down: steps from top to base, ``>= 1``; default ``step_size_up``.
      mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
      gamma: ``exp_range`` decay per step, ``0 < gamma <= 1``.
      stairs_up: number of stairs on the way up, ``0`` = continuous.
      stairs_down: stairs on the way down; default ``stairs_up``.
      base_momentum: momentum at the top of the cycle, in ``[0, 1]``.
      max_momentum: momentum at the base of the cycle, in ``[0, 1]``.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.cyclic(0.0, 1.0, step_size_up=2, mode="triangular2")
      >>> lrcurves.curve(s, 9).tolist()
      [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0]
    """
    name = "cyclic"
    base = as_value(name, "base_value", base_value)
    top = as_value(name, "peak_value", peak_value)
    check_le(name, "base_value", base, "peak_value", top)
    up = as_int(name, "step_size_up", step_size_up, min=1)
    down = up if step_size_down is None else as_int(name, "step_size_down", step_size_down, min=1)
    md = as_choice(name, "mode", mode, MODES)
    g = as_value(name, "gamma", gamma, min=0.0, min_open=True, max=1.0, allow_array=False)
    n_up = as_int(name, "stairs_up", stairs_up, min=0)
    n_down = n_up if stairs_down is None else as_int(name, "stairs_down", stairs_down, min=0)
    if (base_momentum is None) != (max_momentum is None):
        raise ValueError(
            f"{name}: base_momentum and max_momentum must be given together, got "
            f"base_momentum={base_momentum!r} and max_momentum={max_momentum!r}"
        )
    bm = None if base_momentum is None else as_value(name, "base_momentum", base_momentum, min=0.0, max=1.0)
    mm = None if max_momentum is None else as_value(name, "max_momentum", max_momentum, min=0.0, max=1.0)
    return Schedule._make(
        name,
        base_value=base,
        peak_value=top,
        step_size_up=up,
        step_size_down=down,
        mode=md,
        gamma=g,
        stairs_up=n_up,
        stairs_down=n_down,
        base_momentum=bm,
        max_momentum=mm,
    )
