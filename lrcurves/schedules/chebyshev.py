"""Fractal Chebyshev step sizes (Agarwal, Goel & Zhang, 2021)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrcurves._schedule import Params, Schedule, register
from lrcurves._xp import Namespace, index_steps, reference_order, take
from lrcurves.validate import MAX_TABLE, Value, as_int, as_value

__all__ = ["chebyshev"]


def fractal_order(n: int) -> tuple[int, ...]:
    """The fractal permutation of ``0 .. n - 1``.

    ``[0]``, then repeatedly each entry ``i`` followed by ``2 L - 1 - i``
    (``L`` the current length) up to the first power of two ``>= n``;
    entries ``>= n`` are dropped.  ``n = 8`` gives ``0 7 3 4 1 6 2 5``.
    """
    perm = np.zeros(1, dtype=np.int64)
    while perm.size < n:  # vectorised: 10**7 nodes in about a second
        m = 2 * perm.size - 1
        perm = np.stack([perm, m - perm], axis=1).ravel()
    return tuple(perm[perm < n].tolist())


def _nodes(xp: Namespace, idx: Any, p: Params) -> Any:
    """``1 / (c - r cos(pi (i + 1/2) / N))``, pytorch_optimizer's float order in float64.

    In lower precision ``c - r cos θ`` cancels next to θ = 0; it is taken as
    ``(c - r) + 2 r sin²(θ/2)`` there (the same number, every term positive).
    """
    c = (p.max_curvature + p.min_curvature) / 2.0
    r = (p.max_curvature - p.min_curvature) / 2.0
    theta = (idx + 0.5) * math.pi / float(p.num_nodes)
    if reference_order(xp, theta):
        return 1.0 / (c - r * xp.cos(theta))
    h = xp.sin(0.5 * theta)
    return 1.0 / (p.min_curvature + 2.0 * r * (h * h))


def _cheb_lr(xp: Namespace, t: Any, p: Params) -> Any:
    idx = take(xp, p.order, index_steps(xp, t, len(p.order)), t)
    return p.base_value * _nodes(xp, idx, p)


def _bounds(p: Params) -> tuple[Any, Any]:
    v = _nodes(np, np.asarray(p.order, dtype=np.float64), p)
    return p.base_value * float(v.min()), p.base_value * float(v.max())


def _flat(p: Params, start: int, stop: int) -> list[tuple[int, int]]:
    n = len(p.order)
    if min(stop, n) - start > 4096:
        return [(n - 1, stop)]
    return [(k, k + 1) for k in range(start, min(stop, n - 1))] + [(n - 1, stop)]


@register(
    "chebyshev",
    lr=_cheb_lr,
    bounds=_bounds,
    phases=lambda p: (len(p.order),),
    flat=_flat,
)
def chebyshev(
    base_value: Value,
    num_nodes: int,
    *,
    order: Sequence[int] | None = None,
    min_curvature: float = 0.05,
    max_curvature: float = 1.0,
) -> Schedule:
    r"""Inverse Chebyshev nodes in fractal order (fractal learning-rate schedule).

    .. math::
        \eta(t) = \frac{\eta_0}{c - r \cos\bigl(\pi (\sigma_t + \tfrac12) / N\bigr)},
        \qquad c = \frac{M + m}{2},\; r = \frac{M - m}{2},\;
        \sigma_t = o_{\min(\max(\lfloor t \rfloor, 0),\, n - 1)}

    Symbols: :math:`\eta_0` = ``base_value``, :math:`N` = ``num_nodes``,
    :math:`o` = ``order`` (length :math:`n`), :math:`m` =
    ``min_curvature``, :math:`M` = ``max_curvature``.

    Conventions: the :math:`N` step sizes :math:`1 / \lambda_i` are the
    inverses of the Chebyshev nodes :math:`\lambda_i` of :math:`[m, M]`
    (between :math:`1/M` and :math:`1/m` times :math:`\eta_0`: most
    steps are far above :math:`\eta_0`, the schedule of Agarwal, Goel &
    Zhang, "Acceleration via Fractal Learning Rate Schedules").  Step
    ``t`` uses node :math:`o_t`; the last one holds from step ``n - 1``
    on.  The default ``order`` is the fractal permutation of
    ``0 .. N - 1`` (``0 7 3 4 1 6 2 5`` for ``N = 8``: each entry
    followed by its mirror image, recursively); any sequence of node
    indices may be given (pytorch_optimizer's
    ``get_chebyshev_schedule`` repeats the first node three times, its
    translation is :mod:`lrcurves.compat.pytorch_optimizer`).  In float64
    the value is ``base_value * (1 / (c - r * cos((i + 0.5) * pi / N)))``,
    pytorch_optimizer's operations.

    Args:
      base_value: the scale :math:`\eta_0 \ge 0` (1: the multipliers).
      num_nodes: number of Chebyshev nodes :math:`N \ge 1`.
      order: node index per step, each in ``[0, N)``, non-empty; default
        the fractal permutation.
      min_curvature: :math:`m > 0`, the small end of the spectrum.
      max_curvature: :math:`M \ge m`.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.chebyshev(1.0, 4, min_curvature=0.1)
      >>> [round(float(v), 4) for v in lrcurves.curve(s, 5)]
      [7.4486, 1.0355, 2.647, 1.3846, 1.3846]
    """
    name = "chebyshev"
    base = as_value(name, "base_value", base_value)
    # the default order is a table of num_nodes entries: bounded like every table
    n = as_int(name, "num_nodes", num_nodes, min=1, max=MAX_TABLE if order is None else None)
    lo = float(as_value(name, "min_curvature", min_curvature, min=0.0, min_open=True, allow_array=False))
    hi = float(as_value(name, "max_curvature", max_curvature, min=lo, allow_array=False))
    if order is None:
        idx = fractal_order(n)
    else:
        if isinstance(order, (str, bytes)) or not isinstance(order, (Sequence, np.ndarray)):
            raise TypeError(f"{name}: order must be a sequence of node indices, got {order!r}")
        idx = tuple(as_int(name, f"order[{i}]", v, min=0) for i, v in enumerate(order))
        if not idx:
            raise ValueError(f"{name}: order must not be empty")
        bad = [v for v in idx if v >= n]
        if bad:
            raise ValueError(f"{name}: order entries must be < num_nodes={n}, got {bad[0]}")
    return Schedule._make(
        name, base_value=base, num_nodes=n, order=idx, min_curvature=lo, max_curvature=hi
    )
