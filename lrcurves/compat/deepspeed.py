"""DeepSpeed's five LR schedulers as plain lrcurves schedules (no torch, no deepspeed).

DeepSpeed (``deepspeed.runtime.lr_schedules``, targeted version 0.19.8)
configures ``LRRangeTest``, ``OneCycle``, ``WarmupLR``, ``WarmupDecayLR`` and
``WarmupCosineLR`` through the ``"scheduler": {"type": ..., "params": {...}}``
block of a ds_config.  This module translates such a block into a core
:class:`~lrcurves.Schedule` built from core pieces (``constant``, ``warmup``,
``linear``, ``cosine_decay``, ``cyclic``, ``inverse_time``,
``linear_range_test``, ``join``, ``shift``, ``scale``, ``remap``,
``with_momentum``);
it holds no schedule math of its own, and its configs stay small however
long the run is.

Step convention: the returned schedule's value at step ``k`` is the LR
DeepSpeed's optimizer holds after ``k`` calls of ``scheduler.step()``
(``k = 0`` right after construction, DeepSpeed's
``last_batch_iteration = k - 1``), i.e. the LR used by optimizer update
``k + 1``: exactly lrcurves' own step convention.

The :func:`lrcurves.from_config` format is registered through the
``lrcurves.config_formats`` entry point (imported on first use), so
``lrcurves.from_config(block)``, ``lrcurves.from_config(ds_config)`` and
``lrcurves.from_config("ds_config.json")`` all work; pass ``base_lr=`` for
schedules that scale the optimizer's LR (``WarmupLR`` without
``warmup_max_lr``, ``WarmupCosineLR``).

>>> import lrcurves
>>> block = {"type": "WarmupLR", "params": {"warmup_min_lr": 0.0,
...          "warmup_max_lr": 1.0, "warmup_num_steps": 4, "warmup_type": "linear"}}
>>> lrcurves.curve(lrcurves.from_config(block), 7).tolist()
[0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from lrcurves import Schedule, register_config_format
from lrcurves.validate import as_bool, as_int, as_value

__all__ = [
    "DEFAULTS",
    "VALID_LR_SCHEDULES",
    "check_group_lengths",
    "load_config",
    "momentum_from_ds",
    "normalize_params",
    "schedule_from_ds",
]

VALID_LR_SCHEDULES = ("LRRangeTest", "OneCycle", "WarmupLR", "WarmupDecayLR", "WarmupCosineLR")

_REQUIRED = inspect.Parameter.empty

#: Constructor keyword parameters and defaults of DeepSpeed 0.19.8 (without
#: ``optimizer``); ``inspect.Parameter.empty`` marks required ones.
DEFAULTS: dict[str, dict[str, Any]] = {
    "LRRangeTest": {
        "lr_range_test_min_lr": 1e-3,
        "lr_range_test_step_size": 2000,
        "lr_range_test_step_rate": 1.0,
        "lr_range_test_staircase": False,
        "last_batch_iteration": -1,
    },
    "OneCycle": {
        "cycle_min_lr": _REQUIRED,
        "cycle_max_lr": _REQUIRED,
        "decay_lr_rate": 0.0,
        "cycle_first_step_size": 2000,
        "cycle_second_step_size": None,
        "cycle_first_stair_count": 0,
        "cycle_second_stair_count": None,
        "decay_step_size": 0,
        "cycle_momentum": True,
        "cycle_min_mom": 0.8,
        "cycle_max_mom": 0.9,
        "decay_mom_rate": 0.0,
        "last_batch_iteration": -1,
    },
    "WarmupLR": {
        "warmup_min_lr": 0.0,
        "warmup_max_lr": None,
        "warmup_num_steps": 1000,
        "warmup_type": "log",
        "last_batch_iteration": -1,
    },
    "WarmupDecayLR": {
        "total_num_steps": _REQUIRED,
        "warmup_min_lr": 0.0,
        "warmup_max_lr": 0.001,
        "warmup_num_steps": 1000,
        "warmup_type": "log",
        "last_batch_iteration": -1,
    },
    "WarmupCosineLR": {
        "total_num_steps": _REQUIRED,
        "warmup_min_ratio": 0.0,
        "warmup_num_steps": 1000,
        "cos_min_ratio": 0.0001,
        "warmup_type": "log",
        "last_batch_iteration": -1,
    },
}

#: Parameters that accept one value per param group, and the name DeepSpeed
#: uses in its length-check message (``expected N value for <name>, got M``).
_GROUP_PARAMS: dict[str, dict[str, str]] = {
    "LRRangeTest": {"lr_range_test_min_lr": "lr_range_test_min_lr"},
    "OneCycle": {
        "cycle_min_lr": "cycle_min_lr",
        "cycle_max_lr": "cycle_max_lr",
        "cycle_min_mom": "cycle_min_mom",
        "cycle_max_mom": "cycle_max_mom",
    },
    "WarmupLR": {"warmup_min_lr": "min_lr", "warmup_max_lr": "max_lr"},
    "WarmupDecayLR": {"warmup_min_lr": "min_lr", "warmup_max_lr": "max_lr"},
    "WarmupCosineLR": {},
}

_WARMUP_TYPES = ("log", "linear")


def _check_type(type_name: Any) -> str:
    if not isinstance(type_name, str) or type_name not in VALID_LR_SCHEDULES:
        raise ValueError(
            f"DeepSpeed scheduler: unknown type {type_name!r}; valid names: "
            f"{', '.join(VALID_LR_SCHEDULES)} (torch.optim.lr_scheduler fallbacks are not translated)"
        )
    return type_name


def normalize_params(type_name: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check keys against DeepSpeed's constructor and fill in its defaults.

    Unknown or missing parameters raise :class:`ValueError` listing the valid
    names.  Values are checked later, per group, by :func:`schedule_from_ds`.
    """
    t = _check_type(type_name)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise TypeError(f"DeepSpeed {t}: params must be a dict, got {type(params).__name__}")
    defaults = DEFAULTS[t]
    unknown = [k for k in params if k not in defaults]
    if unknown:
        raise ValueError(
            f"DeepSpeed {t}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(defaults)}"
        )
    missing = [k for k, v in defaults.items() if v is _REQUIRED and k not in params]
    if missing:
        raise ValueError(
            f"DeepSpeed {t}: missing required parameter(s) {', '.join(map(repr, missing))}; "
            f"valid: {', '.join(defaults)}"
        )
    out = dict(defaults)
    out.update(params)
    return out


def check_group_lengths(type_name: str, params: Mapping[str, Any], n_groups: int) -> None:
    """DeepSpeed's per-group list check (``_format_param``), same message."""
    for key, label in _GROUP_PARAMS[_check_type(type_name)].items():
        v = params.get(key)
        if isinstance(v, (list, tuple)) and len(v) != n_groups:
            if key == "lr_range_test_min_lr":
                raise ValueError(f"expected {n_groups} lr_range_test_min_lr, got {len(v)}")
            raise ValueError(f"expected {n_groups} value for {label}, got {len(v)}")


def _pick(t: str, name: str, v: Any, group: int) -> Any:
    if isinstance(v, (list, tuple)):
        if not 0 <= group < len(v):
            raise ValueError(
                f"DeepSpeed {t}: {name} has {len(v)} per-group value(s), no entry for group {group}"
            )
        return v[group]
    return v


def _pick_base(t: str, base_lr: Any, group: int, why: str) -> float:
    if base_lr is None:
        raise ValueError(f"DeepSpeed {t}: {why}; pass base_lr= (the optimizer's learning rate)")
    v = _pick(t, "base_lr", base_lr, group)
    return float(as_value(t, "base_lr", v, allow_array=False))


def _int(t: str, name: str, v: Any, min: int) -> int:
    return as_int(t, name, v, min=min)


def _warmup_steps(t: str, v: Any) -> int:
    return max(2, _int(t, "warmup_num_steps", v, 1))


def _warmup_type(t: str, v: Any) -> str:
    if not isinstance(v, str) or v not in _WARMUP_TYPES:
        raise ValueError(
            f"DeepSpeed {t}: warmup_type must be one of {list(_WARMUP_TYPES)}, got {v!r} "
            "(DeepSpeed would log a warning and silently use 'log')"
        )
    return v


def _val(t: str, name: str, v: Any, **kw: Any) -> float:
    return float(as_value(t, name, v, allow_array=False, **kw))


def schedule_from_ds(
    type_name: str,
    params: Mapping[str, Any] | None = None,
    *,
    base_lr: float | Sequence[float] | None = None,
    group: int = 0,
    momentum: bool = True,
) -> Schedule:
    """The LR of DeepSpeed scheduler ``type_name`` for param group ``group``.

    The value at step ``k`` equals the LR DeepSpeed writes into that group
    after ``k`` ``step()`` calls (``k = 0``: the value written by the
    constructor).  ``base_lr`` is the group's optimizer LR (a float or a
    per-group list); it is needed by ``WarmupLR`` with ``warmup_max_lr``
    unset and by ``WarmupCosineLR``.  ``last_batch_iteration`` is accepted
    and ignored (the schedule is a function of the step).

    ``OneCycle`` with ``cycle_momentum`` (the default) returns a schedule
    with momentum: its ``.momentum(k)`` is the ``betas[0]`` DeepSpeed's
    optimizer holds after ``k`` steps, ``cycle_min_mom`` at ``k = 0`` (written
    by the constructor), the cycle's ``get_mom()`` for ``k >= 1``.  A nonzero
    ``decay_mom_rate`` with ``decay_step_size > 0`` then raises (see
    :func:`momentum_from_ds`); ``momentum=False`` returns the LR alone.
    """
    from lrcurves import combinators as C, schedules as S

    t = _check_type(type_name)
    p = normalize_params(t, params)
    g = as_int(t, "group", group, min=0)

    def pv(name: str) -> Any:
        return _pick(t, name, p[name], g)

    if t == "LRRangeTest":
        lo = _val(t, "lr_range_test_min_lr", pv("lr_range_test_min_lr"))
        size = _int(t, "lr_range_test_step_size", p["lr_range_test_step_size"], 1)
        rate = _val(t, "lr_range_test_step_rate", p["lr_range_test_step_rate"])
        stair = as_bool(t, "lr_range_test_staircase", p["lr_range_test_staircase"])
        return S.linear_range_test(lo, step_size=size, step_rate=rate, staircase=stair)

    if t in ("WarmupLR", "WarmupDecayLR"):
        w = _warmup_steps(t, p["warmup_num_steps"])
        shape = _warmup_type(t, p["warmup_type"])
        lo = _val(t, "warmup_min_lr", pv("warmup_min_lr"))
        if p["warmup_max_lr"] is None:
            hi = _pick_base(t, base_lr, g, "warmup_max_lr is unset, so the peak is the optimizer's LR")
        else:
            hi = _val(t, "warmup_max_lr", pv("warmup_max_lr"))
        if t == "WarmupLR":
            after = S.constant(hi)
        else:
            total = _int(t, "total_num_steps", p["total_num_steps"], 0)
            after = S.linear(hi, lo, transition_steps=total - w) if total > w else S.constant(lo)
        ramp = S.warmup(after, w, shape=shape, init_value=lo, peak_value=hi)
        return C.join([S.constant(lo), ramp], boundaries=[1])

    if t == "WarmupCosineLR":
        org = _pick_base(t, base_lr, g, "WarmupCosineLR scales the optimizer's LR by a ratio")
        total = _int(t, "total_num_steps", p["total_num_steps"], 0)
        w = _warmup_steps(t, p["warmup_num_steps"])
        shape = _warmup_type(t, p["warmup_type"])
        wmr = _val(t, "warmup_min_ratio", p["warmup_min_ratio"])
        cmr = _val(t, "cos_min_ratio", p["cos_min_ratio"])
        d = max(1, total - w)
        # The ratio curve, then DeepSpeed's org_lr * ratio (core scale).
        # DeepSpeed's cosine progress after warmup is (t - W + 1) / d: one step
        # ahead of a cosine that starts at the handover.
        cos = S.cosine_decay(1.0, d, end_value=cmr)
        if shape == "log":
            # log warmup ends at ratio 1 (to an ulp) at step k = W, which is
            # exactly the cosine at progress 0: start the cosine there.
            ratio = C.join([S.constant(0.0), _log_ramp(S, w, wmr, 1.0), cos], boundaries=[1, w])
        else:
            # linear warmup never reaches 1; the cosine after it starts at
            # progress 1/d (DeepSpeed's "+ 1"): the core cosine shifted one step ahead.
            ramp = S.warmup(C.shift(cos, 1), w, shape="linear", init_value=wmr, peak_value=1.0)
            ratio = C.join([S.constant(0.0), ramp], boundaries=[1])
        return C.scale(ratio, factor=org)

    # OneCycle
    lo = _val(t, "cycle_min_lr", pv("cycle_min_lr"))
    hi = _val(t, "cycle_max_lr", pv("cycle_max_lr"))
    cyc, total = _cycle(S, t, p, lo, hi, g)
    rate = _val(t, "decay_lr_rate", p["decay_lr_rate"])
    dsize = _int(t, "decay_step_size", p["decay_step_size"], 0)
    q = cyc.params
    lr_cyc = S.cyclic(
        lo, hi, step_size_up=q["step_size_up"], step_size_down=q["step_size_down"], stairs_up=q["stairs_up"], stairs_down=q["stairs_down"]
    )
    decay = S.constant(lo) if dsize == 0 or rate == 0.0 else S.inverse_time(lo, decay_rate=rate, decay_steps=dsize)
    lr = C.join([lr_cyc, decay], boundaries=[total])
    if not as_bool(t, "momentum", momentum) or not as_bool(t, "cycle_momentum", p["cycle_momentum"]):
        return lr
    _check_mom_decay(t, p)
    # beta1 after k >= 1 steps is get_mom() at step k (the cycle, then
    # cycle_max_mom); the constructor (k = 0) writes cycle_min_mom instead.
    mom = C.join(
        [S.constant(q["base_momentum"]), C.shift(_mom_cycle(S, C, cyc), 1), S.constant(q["max_momentum"])],
        boundaries=[1, total],
    )
    return C.with_momentum(lr, mom)


def _mom_cycle(S: Any, C: Any, cyc: Schedule) -> Schedule:
    """DeepSpeed's cycle momentum ``max - (max - min) * scale`` as learning-rate values.

    ``cyclic(0, 1)`` is the bare scale factor (exactly), and ``remap`` onto
    ``[max, min]`` computes ``max + (min - max) * scale``, the same float
    operations as DeepSpeed's ``_get_cycle_mom``.
    """
    q = cyc.params
    unit = S.cyclic(
        0.0, 1.0, step_size_up=q["step_size_up"], step_size_down=q["step_size_down"], stairs_up=q["stairs_up"], stairs_down=q["stairs_down"]
    )
    return C.remap(unit, in_min=0.0, in_max=1.0, out_min=q["max_momentum"], out_max=q["base_momentum"])


def _check_mom_decay(t: str, p: Mapping[str, Any]) -> None:
    mrate = _val(t, "decay_mom_rate", p["decay_mom_rate"], min=None)
    dsize = _int(t, "decay_step_size", p["decay_step_size"], 0)
    if dsize != 0 and mrate != 0.0:
        raise ValueError(
            f"DeepSpeed {t}: decay_mom_rate={mrate!r} with decay_step_size={dsize} is not supported: "
            "DeepSpeed multiplies the momentum by (1 + decay_mom_rate * n / decay_step_size), "
            "which grows without bound past 1; set decay_mom_rate=0 or cycle_momentum=False"
        )


def _log_ramp(S: Any, w: int, init: float, peak: float) -> Schedule:
    """DeepSpeed's log ramp for local steps ``0 .. w-2`` (the peak is never reached)."""
    return S.warmup(S.constant(peak), w, shape="log", init_value=init, peak_value=peak)


def _cycle(S: Any, t: str, p: Mapping[str, Any], lo: float, hi: float, g: int) -> tuple[Schedule, int]:
    first = _int(t, "cycle_first_step_size", p["cycle_first_step_size"], 1)
    second = first if p["cycle_second_step_size"] is None else _int(
        t, "cycle_second_step_size", p["cycle_second_step_size"], 0
    )
    if second == 0:
        raise ValueError(
            f"DeepSpeed {t}: cycle_second_step_size 0 (a cycle without a decreasing half) "
            "is not supported by lrcurves; use a value >= 1"
        )
    n1 = _stairs(t, "cycle_first_stair_count", p["cycle_first_stair_count"])
    n2 = n1 if p["cycle_second_stair_count"] is None else _stairs(
        t, "cycle_second_stair_count", p["cycle_second_stair_count"]
    )
    if lo > hi:
        raise ValueError(
            f"DeepSpeed {t}: cycle_min_lr must be <= cycle_max_lr, got {lo!r} and {hi!r}"
        )
    mlo = _val(t, "cycle_min_mom", _pick(t, "cycle_min_mom", p["cycle_min_mom"], g), max=1.0)
    mhi = _val(t, "cycle_max_mom", _pick(t, "cycle_max_mom", p["cycle_max_mom"], g), max=1.0)
    cyc = S.cyclic(
        lo, hi, step_size_up=first, step_size_down=second, stairs_up=n1, stairs_down=n2, base_momentum=mlo, max_momentum=mhi
    )
    return cyc, first + second


def _stairs(t: str, name: str, v: Any) -> int:
    # DeepSpeed treats any count <= 0 as "no stairs" (its CLI default is -1)
    return max(0, _int(t, name, v, None))  # type: ignore[arg-type]


def momentum_from_ds(
    type_name: str, params: Mapping[str, Any] | None = None, *, group: int = 0
) -> Schedule | None:
    """OneCycle's ``betas[0]`` (or SGD momentum) as a schedule; ``None`` if not cycled.

    ``.momentum(k)`` of the returned schedule equals DeepSpeed's
    ``get_mom()`` after ``k`` steps; after ``k >= 1`` steps that is what the
    optimizer holds.  The constructor (``k = 0``) writes ``cycle_min_mom``
    instead (DeepSpeed's quirk, reproduced by the adapter); the momentum of
    :func:`schedule_from_ds` (and of ``lrcurves.from_config``) includes it
    and equals this schedule's at every ``k >= 1``.  A nonzero
    ``decay_mom_rate`` (with ``decay_step_size > 0``) raises: DeepSpeed
    multiplies the momentum by ``1 + rate * n / size``, which exceeds 1.
    """
    from lrcurves import combinators as C, schedules as S

    t = _check_type(type_name)
    p = normalize_params(t, params)
    if t != "OneCycle" or not as_bool(t, "cycle_momentum", p["cycle_momentum"]):
        return None
    g = as_int(t, "group", group, min=0)
    lo = _val(t, "cycle_min_lr", _pick(t, "cycle_min_lr", p["cycle_min_lr"], g))
    hi = _val(t, "cycle_max_lr", _pick(t, "cycle_max_lr", p["cycle_max_lr"], g))
    cyc, total = _cycle(S, t, p, lo, hi, g)
    _check_mom_decay(t, p)
    mhi = cyc.params["max_momentum"]
    hold = S.cyclic(lo, lo, step_size_up=1, base_momentum=mhi, max_momentum=mhi)
    return C.join([cyc, hold], boundaries=[total])


# ---------------------------------------------------------------------------
# from_config format


def _is_block(d: Mapping[str, Any]) -> bool:
    return "type" in d and "name" not in d and set(d) <= {"type", "params"}


def _detect(d: Mapping[str, Any]) -> bool:
    if "name" in d:
        return False
    if _is_block(d):
        if d["type"] in VALID_LR_SCHEDULES:
            return True
        # an unknown type: claim it (to list DeepSpeed's valid names) only
        # when no other registered foreign format recognises the dict
        import lrcurves

        return not any(det(d) for det, _ in lrcurves.config_formats() if det is not _detect)
    return isinstance(d.get("scheduler"), Mapping)


def load_config(d: Mapping[str, Any], base_lr: Any = None, group: int = 0) -> Schedule:
    """``from_config`` loader: a scheduler block or a whole ds_config."""
    block = d if _is_block(d) else d["scheduler"]
    if "type" not in block:
        raise ValueError("DeepSpeed scheduler block has no 'type' key (DeepSpeed would build no scheduler)")
    extra = set(block) - {"type", "params"}
    if extra:
        raise ValueError(f"DeepSpeed scheduler block has unknown key(s) {sorted(extra)}; expected 'type' and 'params'")
    _check_type(block["type"])
    if "params" not in block:
        raise ValueError(f"DeepSpeed scheduler block for {block['type']!r} has no 'params' dict")
    return schedule_from_ds(block["type"], block["params"], base_lr=base_lr, group=group)


register_config_format(_detect, load_config)

