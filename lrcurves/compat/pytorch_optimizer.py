"""pytorch_optimizer 4.1.0 learning-rate schedulers as pure lrcurves schedules.

Framework-free: every function here returns a :class:`lrcurves.Schedule`
whose value at step ``k`` is the learning rate the optimizer holds after
``k`` calls of the original scheduler's ``step()`` (``k = 0`` right after
construction).  The curves are composed from core pieces (``join``,
``shift``, ``linear``, ``warmup``, ``cosine_decay`` -- with ``num_cycles``
for WSD's cosine cooldown and, repeated, for torch's periodic cosine --,
``polynomial_growth``, ``rex``, ``cosine_restarts``, ``warmup_stable_decay``,
``chebyshev``, ``repeat``, ``scale``, ``remap``); nothing here computes a
learning rate, and no config holds a table.  REX and the first cycle of
``CosineAnnealingWarmupRestarts`` with no warmup (a curve advanced by one
step after a forced first value) are ``join([constant(first),
shift(curve, 1)], [1])``, so their configs stay small for any run length.
The LambdaLR-based schedules (WSD, Chebyshev) are multipliers; ``base_lr``
scales them with the core ``scale`` (Chebyshev: the core family's
``base_value``).

The drop-in torch classes live in :mod:`lrcurves.adapters.pytorch_optimizer`;
they translate parameters and the step convention only.

>>> from lrcurves.compat import pytorch_optimizer as po
>>> s = po.schedule("linear", t_max=10, max_lr=1e-2, min_lr=1e-4, init_lr=1e-3, warmup_steps=5)
>>> [round(s.value(k), 6) for k in (0, 1, 2, 6, 7, 11, 12)]
[0.0001, 0.001, 0.0028, 0.01, 0.00802, 0.0001, 0.0001]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import lrcurves
from lrcurves import Schedule, register_config_format
from lrcurves.validate import MAX_TABLE, as_bool, as_choice, as_int, as_value

__all__ = [
    "COOLDOWN_TYPES",
    "NAMES",
    "chebyshev",
    "chebyshev_multipliers",
    "chebyshev_perm_steps",
    "cosine",
    "cosine_annealing_with_warmup",
    "linear",
    "poly",
    "proportion",
    "rex",
    "schedule",
    "warmup_stable_decay",
]

COOLDOWN_TYPES = ("cosine", "1-sqrt", "linear", "1-square")

_BASE = "pytorch_optimizer"


def _where(cls: str) -> str:
    return f"{_BASE}.{cls}"


# ---------------------------------------------------------------------------
# helpers


def _lr(cls: str, name: str, v: Any) -> float:
    """A non-negative finite learning rate (pytorch_optimizer's NegativeLRError as ValueError)."""
    return float(as_value(_where(cls), name, v, min=0.0, allow_array=False))


def _steps(cls: str, name: str, v: Any, min_: int = 0) -> int:
    return as_int(_where(cls), name, v, min=min_)


def _after_one(curve: Schedule, first: float) -> Schedule:
    """``first`` at step 0, then ``curve(k - 1)``: the Base* one-step-late convention."""
    return lrcurves.join([lrcurves.constant(first), curve], boundaries=[1])


def _body(warm: Schedule | None, rest: Schedule, warmup_steps: int) -> Schedule:
    return rest if warm is None else lrcurves.join([warm, rest], boundaries=[warmup_steps])


def _base_validate(cls: str, t_max: Any, max_lr: Any, min_lr: Any, init_lr: Any, warmup_steps: Any) -> tuple[int, float, float, float, int]:
    mn = _lr(cls, "min_lr", min_lr)
    mx = _lr(cls, "max_lr", max_lr)
    il = _lr(cls, "init_lr", init_lr)
    tm = _steps(cls, "t_max", t_max)
    w = _steps(cls, "warmup_steps", warmup_steps)
    return tm, mx, mn, il, w


def _warm(init_lr: float, max_lr: float, w: int) -> Schedule | None:
    return lrcurves.linear(init_lr, max_lr, transition_steps=w) if w > 0 else None


def _need_decay(cls: str, t_max: int, w: int) -> None:
    if t_max <= w:
        raise ValueError(
            f"{_where(cls)}: t_max must be > warmup_steps (the decay divides by t_max - warmup_steps), "
            f"got t_max={t_max} and warmup_steps={w}"
        )


def _cosine_wave(hi: float, lo: float, half_period: int) -> Schedule:
    """``hi -> lo`` by cosine over ``half_period`` steps, back up, forever (period 2*half_period)."""
    period = 2 * half_period
    return lrcurves.repeat(lrcurves.cosine_decay(hi, period, end_value=lo, num_cycles=1.0), period)


# ---------------------------------------------------------------------------
# Base* schedulers (plain objects in the original)


def linear(t_max: int, max_lr: float, min_lr: float = 0.0, init_lr: float = 0.0, warmup_steps: int = 0) -> Schedule:
    """``LinearScheduler``: min_lr at construction, linear warmup, linear decay, clamped at min_lr past t_max."""
    tm, mx, mn, il, w = _base_validate("LinearScheduler", t_max, max_lr, min_lr, init_lr, warmup_steps)
    _need_decay("LinearScheduler", tm, w)
    decay = lrcurves.linear(mx, mn, transition_steps=tm - w)
    return _after_one(_body(_warm(il, mx, w), decay, w), mn)


def cosine(t_max: int, max_lr: float, min_lr: float = 0.0, init_lr: float = 0.0, warmup_steps: int = 0) -> Schedule:
    """``CosineScheduler``: like :func:`linear` with a cosine decay that rises again past t_max (as the original)."""
    tm, mx, mn, il, w = _base_validate("CosineScheduler", t_max, max_lr, min_lr, init_lr, warmup_steps)
    _need_decay("CosineScheduler", tm, w)
    return _after_one(_body(_warm(il, mx, w), _cosine_wave(mx, mn, tm - w), w), mn)


def poly(t_max: int, max_lr: float, min_lr: float = 0.0, init_lr: float = 0.0, warmup_steps: int = 0, poly_order: float = 0.5) -> Schedule:
    """``PolyScheduler``: linear warmup, then min + (max - min) * (s - W) ** poly_order up to t_max, held after.

    The original ignores ``t_max`` and grows without bound; here the growth
    is honoured up to ``s = t_max`` and the value holds from there on (core
    ``polynomial_growth``, any ``poly_order``).
    """
    tm, mx, mn, il, w = _base_validate("PolyScheduler", t_max, max_lr, min_lr, init_lr, warmup_steps)
    po = float(as_value(_where("PolyScheduler"), "poly_order", poly_order, min=0.0, min_open=True, allow_array=False))
    return _after_one(_body(_warm(il, mx, w), _poly_growth(mx, mn, max(tm - w, 1), po), w), mn)


def _poly_growth(mx: float, mn: float, n: int, po: float) -> Schedule:
    """``mx`` at ``j = 0`` (as at ``j = 1``), then ``mn + (mx - mn) * j ** po`` up to ``j = n``, held."""
    try:
        grow = lrcurves.polynomial_growth(mn, mx, power=po, transition_steps=n)
    except ValueError as exc:
        raise ValueError(f"{_where('PolyScheduler')}: {exc}") from None
    return _after_one(lrcurves.shift(grow, 1), mx)


# ---------------------------------------------------------------------------
# REX, CosineAnnealingWarmupRestarts (torch LRScheduler subclasses)


def rex(total_steps: int, max_lr: float = 1.0, min_lr: float = 0.0) -> Schedule:
    """``REXScheduler``: min_lr at construction (f(0) = max_lr is never applied), then f(k), min_lr from total_steps on."""
    cls = "REXScheduler"
    mx, mn = _lr(cls, "max_lr", max_lr), _lr(cls, "min_lr", min_lr)
    n = _steps(cls, "total_steps", total_steps)
    if n <= 1:
        return lrcurves.constant(mn)
    # value after k >= 1 steps is core rex(k); the constructor's min_lr at k = 0
    return _after_one(lrcurves.shift(lrcurves.rex(mx, decay_steps=n, end_value=mn), 1), mn)


def cosine_annealing_with_warmup(
    first_cycle_steps: int,
    cycle_mult: float = 1.0,
    max_lr: float = 1e-4,
    min_lr: float = 1e-6,
    warmup_steps: int = 0,
    gamma: float = 0.9,
) -> Schedule:
    """``CosineAnnealingWarmupRestarts``: cosine restarts with warmup, peak decay gamma, min_lr forced at step 0."""
    cls = "CosineAnnealingWarmupRestarts"
    f = _steps(cls, "first_cycle_steps", first_cycle_steps, 1)
    w = _steps(cls, "warmup_steps", warmup_steps)
    if w >= f:
        raise ValueError(
            f"{_where(cls)}: warmup_steps must be smaller than first_cycle_steps, got warmup_steps={w} >= first_cycle_steps={f}"
        )
    mx, mn = _lr(cls, "max_lr", max_lr), _lr(cls, "min_lr", min_lr)
    # shrinking cycles (0 < cycle_mult < 1) are not expressible by core cosine_restarts
    mult = float(as_value(_where(cls), "cycle_mult", cycle_mult, min=1.0, allow_array=False))
    g = float(as_value(_where(cls), "gamma", gamma, min=0.0, allow_array=False))
    raw = lrcurves.cosine_restarts(
        peak_value=mx, first_cycle_steps=f, cycle_mult=mult, min_value=mn, peak_decay=g, warmup_steps=w, cycle_rounding="floor"
    )
    if w > 0:
        return raw  # step 0 is the warmup start, min_lr, as the constructor writes
    # W = 0: the constructor forces min_lr over the first cycle's peak; every
    # later step k is the plain restart curve at k
    return _after_one(lrcurves.shift(raw, 1), mn)


def _cawr_raw(first_cycle_steps: int, cycle_mult: float, max_lr: float, min_lr: float, warmup_steps: int, gamma: float) -> Schedule:
    """The curve without the forced min at step 0 (explicit ``step(0)`` with W = 0 gives max_lr)."""
    return lrcurves.cosine_restarts(
        peak_value=max_lr, first_cycle_steps=first_cycle_steps, cycle_mult=cycle_mult, min_value=min_lr,
        peak_decay=gamma, warmup_steps=warmup_steps, cycle_rounding="floor",
    )


# ---------------------------------------------------------------------------
# Chebyshev


def _chebyshev_permutation(n: int) -> list[int]:
    """pytorch_optimizer's ``get_chebyshev_permutation``: length the first power of two >= n (at least 1)."""
    perm = [0]
    while len(perm) < n:
        m = 2 * len(perm) - 1
        perm = [x for i in perm for x in (i, m - i)]
    return perm


def _perm_order(n: int) -> tuple[int, ...]:
    """Node indices of ``get_chebyshev_perm_steps(n)``: the permutation of ``n - 2``, entries < n."""
    return tuple(i for i in _chebyshev_permutation(n - 2) if i < n)


def chebyshev_perm_steps(num_epochs: int) -> np.ndarray:
    """pytorch_optimizer 4.1.0's ``get_chebyshev_perm_steps``: nodes in fractal order (note the N - 2)."""
    n = as_int(_where("get_chebyshev_perm_steps"), "num_epochs", num_epochs, min=1, max=MAX_TABLE)
    order = _perm_order(n)
    s = lrcurves.chebyshev(1.0, n, order=order)
    return np.asarray(s(np.arange(len(order))), dtype=np.float64)


def _chebyshev_power(num_epochs: int) -> int:
    return 2 ** (int(math.log2(num_epochs - 1)) + 1) if num_epochs > 1 else 1


def _epoch_order(num_epochs: int) -> tuple[int, tuple[int, ...]]:
    """``(P, node index per epoch)``: epoch e uses entry ``clip(e - 2, 0, len - 1)``, so the first three times."""
    p = _chebyshev_power(num_epochs)
    order = _perm_order(p)
    return p, (order[0], order[0], *order)


def chebyshev_multipliers(num_epochs: int) -> tuple[float, ...]:
    """The multiplier table: index ``epoch`` (clamped at the end) gives ``get_chebyshev_lr_lambda``."""
    n = as_int(_where("get_chebyshev_schedule"), "num_epochs", num_epochs, min=1, max=MAX_TABLE)
    p, order = _epoch_order(n)
    s = lrcurves.chebyshev(1.0, p, order=order)
    return tuple(float(v) for v in s(np.arange(len(order))))


def chebyshev(num_epochs: int, is_warmup: bool = False, base_lr: float = 1.0) -> Schedule:
    """``get_chebyshev_schedule``: base_lr times the fractal Chebyshev multiplier of epoch k (core ``chebyshev``)."""
    cls = "get_chebyshev_schedule"
    warm = as_bool(_where(cls), "is_warmup", is_warmup)
    b = _lr(cls, "base_lr", base_lr)
    # a table of num_epochs entries (next power of two): bounded like every table
    n = as_int(_where(cls), "num_epochs", num_epochs, min=1, max=MAX_TABLE)
    if warm:
        return lrcurves.constant(b)
    p, order = _epoch_order(n)
    return lrcurves.chebyshev(b, p, order=order)


# ---------------------------------------------------------------------------
# warmup-stable-decay


def _wsd_decay(kind: str, d: int, mr: float, num_cycles: float) -> Schedule:
    """The decay window (``d >= 1`` steps) of the multiplier."""
    if kind == "linear":
        return lrcurves.linear(1.0, 0.0, transition_steps=d)
    if kind in ("1-sqrt", "1-square"):
        # falls towards 0 (not min_lr_ratio), as the original
        return lrcurves.warmup_stable_decay(1.0, warmup_steps=0, stable_steps=0, decay_steps=d, decay_shape=kind, init_value=1.0, end_value=0.0)
    # cosine: mr + (1 - mr) * (1 + cos(2 pi nc p)) / 2 with p = j / d
    return lrcurves.cosine_decay(1.0, d, end_value=mr, num_cycles=num_cycles)


def warmup_stable_decay(
    num_warmup_steps: int,
    num_stable_steps: int,
    num_decay_steps: int,
    min_lr_ratio: float = 0.0,
    num_cycles: float = 0.5,
    cooldown_type: str = "1-sqrt",
    base_lr: float = 1.0,
) -> Schedule:
    """``get_wsd_schedule``: base_lr times the WSD multiplier; non-cosine cooldowns fall to 0 then jump to min_lr_ratio."""
    cls = "get_wsd_schedule"
    w = _steps(cls, "num_warmup_steps", num_warmup_steps)
    s = _steps(cls, "num_stable_steps", num_stable_steps)
    d = _steps(cls, "num_decay_steps", num_decay_steps)
    mr = float(as_value(_where(cls), "min_lr_ratio", min_lr_ratio, min=0.0, allow_array=False))
    nc = float(as_value(_where(cls), "num_cycles", num_cycles, min=None, allow_array=False))
    kind = as_choice(_where(cls), "cooldown_type", cooldown_type, COOLDOWN_TYPES)
    b = _lr(cls, "base_lr", base_lr)
    pieces: list[Schedule] = []
    edges: list[int] = []
    at = 0
    if w > 0:
        # k / W: the core ramp 0 + (1 - 0) * (k / W)
        pieces.append(lrcurves.warmup(lrcurves.constant(1.0), w, init_value=0.0, peak_value=1.0))
        edges.append(at)
        at += w
    if s > 0:
        pieces.append(lrcurves.constant(1.0))
        edges.append(at)
        at += s
    if d > 0:
        pieces.append(_wsd_decay(kind, d, mr, nc))
        edges.append(at)
        at += d
    pieces.append(lrcurves.constant(mr))
    edges.append(at)
    mult = pieces[0] if len(pieces) == 1 else lrcurves.join(pieces, boundaries=edges[1:])
    # LambdaLR's base_lr * multiplier
    return mult if b == 1.0 else lrcurves.scale(mult, factor=b)


# ---------------------------------------------------------------------------
# ProportionScheduler: the derived-schedule case


def proportion(lr_schedule: Schedule, max_lr: float, min_lr: float = 0.0, max_value: float = 2.0, min_value: float = 2.0) -> Schedule:
    """``ProportionScheduler`` as a derived schedule: the affine remap of ``lr_schedule``'s range.

    ``[min_lr, max_lr]`` maps onto ``[min_value, max_value]`` (not clamped);
    ``max_lr == min_lr`` gives the constant ``max_value`` as the original.
    """
    if not isinstance(lr_schedule, Schedule):
        raise TypeError(f"{_where('ProportionScheduler')}: lr_schedule must be a Schedule, got {type(lr_schedule).__name__}")
    mx, mn, hv, lv = _proportion_params(max_lr, min_lr, max_value, min_value)
    if mx == mn:
        return lrcurves.constant(hv)
    return lrcurves.remap(lr_schedule, in_min=mn, in_max=mx, out_min=lv, out_max=hv, clamp=False)


def _proportion_params(max_lr: Any, min_lr: Any, max_value: Any, min_value: Any) -> tuple[float, float, float, float]:
    cls = "ProportionScheduler"
    mx, mn = _lr(cls, "max_lr", max_lr), _lr(cls, "min_lr", min_lr)
    hv = float(as_value(_where(cls), "max_value", max_value, min=None, allow_array=False))
    lv = float(as_value(_where(cls), "min_value", min_value, min=None, allow_array=False))
    if mx < mn:
        raise ValueError(f"{_where(cls)}: max_lr must be >= min_lr, got max_lr={mx!r} and min_lr={mn!r}")
    return mx, mn, hv, lv


# ---------------------------------------------------------------------------
# by name

_FACTORIES: dict[str, Callable[..., Schedule]] = {
    "linear": linear,
    "cosine": cosine,
    "poly": poly,
    "rex": rex,
    "cosine_annealing_with_warmup": cosine_annealing_with_warmup,
    "chebyshev": chebyshev,
    "warmup_stable_decay": warmup_stable_decay,
    "proportion": proportion,
}
NAMES: tuple[str, ...] = tuple(sorted(_FACTORIES))


def schedule(name: str, /, **params: Any) -> Schedule:
    """The pure schedule of pytorch_optimizer scheduler ``name`` (its ``load_lr_scheduler`` name).

    ``params`` are the constructor's keyword arguments without the
    optimizer; LambdaLR-based ones (``chebyshev``, ``warmup_stable_decay``)
    take ``base_lr`` (default 1: the multiplier).  torch's own schedulers
    (``step``, ``cosine_annealing``, ...) are not translated here.
    """
    if not isinstance(name, str):
        raise TypeError(f"pytorch_optimizer scheduler name must be a string, got {name!r}")
    key = name.lower()
    if key not in _FACTORIES:
        raise ValueError(f"pytorch_optimizer: no pure schedule for {name!r}; valid: {', '.join(NAMES)}")
    fac = _FACTORIES[key]
    import inspect

    sig = inspect.signature(fac).parameters
    unknown = [k for k in params if k not in sig]
    if unknown:
        raise ValueError(f"{_where(key)}: unknown parameter(s) {', '.join(map(repr, unknown))}; valid: {', '.join(sig)}")
    return fac(**params)


def _detect(d: Mapping[str, Any]) -> bool:
    return "pytorch_optimizer" in d


def _load(d: Mapping[str, Any], **kwargs: Any) -> Schedule:
    extra = set(d) - {"pytorch_optimizer", "params"}
    if extra:
        raise ValueError(f"pytorch_optimizer config has unknown key(s) {sorted(extra)}; expected 'pytorch_optimizer' and 'params'")
    params = dict(d.get("params") or {})
    if "lr_schedule" in params and not isinstance(params["lr_schedule"], Schedule):
        params["lr_schedule"] = lrcurves.from_config(params["lr_schedule"])
    params.update(kwargs)
    return schedule(d["pytorch_optimizer"], **params)


register_config_format(_detect, _load)
