"""Cyclical learning rates (torch ``CyclicLR``, DeepSpeed's stair cycles)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._validate import Value, as_choice, as_int, as_value, check_le
from lrcurves._xp import SCALAR, Namespace, float_dtype, to_float

__all__ = ["cyclic"]

MODES = ("triangular", "triangular2", "exp_range")
_EXACT_CYCLES = 64  # cycles computed in torch's exact float order


def _scale(xp: Namespace, tf: Any, p: Params) -> Any:
    """Position in the triangle, 0 at the base, 1 at the top (torch order)."""
    up, down = float(p.step_size_up), float(p.step_size_down)
    total = up + down
    ratio = up / total
    ci = tf % total  # exact
    # a well-conditioned form: 1 + t/L - c cancels at far steps (and in float32)
    cycle = (tf - ci) / total + 1.0
    x = ci / total
    if float_dtype(xp, tf) == xp.float64:
        # torch's float order, bit-exact with it, for the first cycles in float64
        cycle_t = xp.floor(1.0 + tf / total)
        near = tf < _EXACT_CYCLES * total
        x = xp.where(near, 1.0 + tf / total - cycle_t, x)
        cycle = xp.where(near, cycle_t, cycle)

    def stairs(n: int) -> Any:
        pos = xp.where(ci <= up, ci * n / up, (total - ci) * n / down)
        return xp.floor(pos) / n

    s_up = stairs(p.stairs_up) if p.stairs_up > 0 else x / ratio
    s_down = stairs(p.stairs_down) if p.stairs_down > 0 else (x - 1.0) / (ratio - 1.0)
    return xp.where(x <= ratio, s_up, s_down), cycle


def _amplitude(xp: Namespace, tf: Any, cycle: Any, p: Params) -> Any:
    if p.mode == "triangular":
        return None
    if p.mode == "triangular2":
        # torch: 1 / 2 ** (cycle - 1); powers of two, so 0.5 ** (cycle - 1) is exact
        return xp.pow(cycle * 0.0 + 0.5, xp.maximum(cycle - 1.0, 0.0))
    if xp is SCALAR or tf.dtype == xp.float64:
        # float64: the same pow as torch's CyclicLR (bit-exact parity)
        return xp.pow(tf * 0.0 + p.gamma, xp.maximum(tf, 0.0))
    # lower precision: gamma ** t would amplify gamma's own rounding t-fold;
    # exp(t * log(gamma)) with log(gamma) taken in float64 does not
    return xp.exp(xp.maximum(tf, 0.0) * math.log(p.gamma))


def _cyclic_lr(xp: Namespace, t: Any, p: Params) -> Any:
    tf = to_float(xp, t)
    s, cycle = _scale(xp, tf, p)
    amp = _amplitude(xp, tf, cycle, p)
    height = (p.max_value - p.base_value) * s
    return p.base_value + (height if amp is None else height * amp)


def _cyclic_mom(xp: Namespace, t: Any, p: Params) -> Any:
    tf = to_float(xp, t)
    s, cycle = _scale(xp, tf, p)
    amp = _amplitude(xp, tf, cycle, p)
    height = (p.max_momentum - p.base_momentum) * s
    return p.max_momentum - (height if amp is None else height * amp)


def _phases(p: Params) -> tuple[int, ...]:
    return (p.step_size_up, p.step_size_up + p.step_size_down)


@register(
    "cyclic",
    lr=_cyclic_lr,
    momentum=_cyclic_mom,
    has_momentum=lambda p: p.base_momentum is not None,
    bounds=lambda p: (p.base_value, p.max_value),
    momentum_bounds=lambda p: (
        np.minimum(p.base_momentum, p.max_momentum),
        np.maximum(p.base_momentum, p.max_momentum),
    ),
    phases=_phases,
)
def cyclic(
    base_value: Value,
    max_value: Value,
    step_size_up: int,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    stairs_up: int = 0,
    stairs_down: int | None = None,
    base_momentum: Value | None = None,
    max_momentum: Value | None = None,
) -> Schedule:
    r"""Triangular cycles between ``base_value`` and ``max_value`` (CLR).

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

    Symbols: :math:`\eta_b` = ``base_value``, :math:`\eta_m` = ``max_value``,
    :math:`U` = ``step_size_up``, :math:`D` = ``step_size_down``,
    :math:`\gamma` = ``gamma``, :math:`n_u` = ``stairs_up``, :math:`n_d` =
    ``stairs_down``, :math:`\mu_b` = ``base_momentum``, :math:`\mu_m` =
    ``max_momentum``.

    Conventions: the value at step ``t`` is torch ``CyclicLR``'s LR after
    ``t`` scheduler steps (bit for bit in float64 in the first 64 cycles,
    same float operation order; later cycles and float32 use the exact
    remainder ``t mod L``, avoiding torch's cancellation): step 0
    uses ``base_value``, the top is reached at ``t = U`` and the cycle
    repeats forever.  Momentum moves inversely (``max_momentum`` at the
    base) and exists only when both momentum values are given.  The stair
    counts are DeepSpeed ``OneCycle``'s ``cycle_first_stair_count`` /
    ``cycle_second_stair_count`` (DeepSpeed counts from ``t + 1``; its
    adapter shifts the step).  Custom ``scale_fn`` callables are not
    supported (not serialisable).

    Args:
      base_value: lowest value, ``>= 0``.
      max_value: highest value, ``>= base_value``.
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
    top = as_value(name, "max_value", max_value)
    check_le(name, "base_value", base, "max_value", top)
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
        max_value=top,
        step_size_up=up,
        step_size_down=down,
        mode=md,
        gamma=g,
        stairs_up=n_up,
        stairs_down=n_down,
        base_momentum=bm,
        max_momentum=mm,
    )
