"""Side-by-side tests of the Megatron-Core drop-in against megatron-core 0.19.2.

The real ``OptimizerParamScheduler`` is loaded from the installed
megatron-core's ``megatron/core/optimizer_param_scheduler.py`` alone: its
package ``__init__`` imports the GPU stack (triton, Transformer Engine),
while the scheduler needs only torch and a logger, so the file runs as a
private module with megatron's rank-aware ``log_single_rank`` replaced by a
plain ``logger.log`` (the scheduler's arithmetic is untouched).  Install it
with ``pip install --no-deps --ignore-requires-python megatron-core==0.19.2``
(its metadata asks for Python >= 3.12; the cp311 wheel's scheduler runs on
3.10+).  In CI a missing megatron-core fails this module; locally it skips.

After construction and after every ``step(increment)``, every param group's
``lr`` and ``weight_decay`` equal Megatron's in float64 at ``rtol=1e-12``,
plus an absolute floor of 4 ulps of the group's largest LR / weight decay
(near a zero of the curve -- the end of a decay to ``min_lr = 0``, a
cosine weight-decay ramp from 0 -- both computations keep only absolute
accuracy).  ``LRCURVES_MEGATRON_PARITY_SETS`` (random settings, default
400) and ``LRCURVES_MEGATRON_PARITY_STEPS`` (maximum steps per setting,
default 2000) scale the run up.
"""

from __future__ import annotations

import copy
import importlib.machinery
import importlib.util
import json
import math
import os
import random
import sys
import types
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from lrcurves.adapters import megatron as A  # noqa: E402

import lrcurves  # noqa: E402
from lrcurves.compat import megatron as mg  # noqa: E402

SETS = int(os.environ.get("LRCURVES_MEGATRON_PARITY_SETS", "400"))
STEPS = int(os.environ.get("LRCURVES_MEGATRON_PARITY_STEPS", "2000"))
EPS = 2.0**-52
RTOL = 1e-12
PIP = "pip install --no-deps --ignore-requires-python megatron-core==0.19.2"


def _load_reference() -> Any:
    spec = importlib.machinery.PathFinder.find_spec("megatron", sys.path)
    locs = [] if spec is None or not spec.submodule_search_locations else list(spec.submodule_search_locations)
    files = [Path(p) / "core" / "optimizer_param_scheduler.py" for p in locs]
    files = [f for f in files if f.is_file()]
    if not files:
        msg = f"megatron-core is not installed ({PIP})"
        if os.environ.get("CI"):
            pytest.fail(f"reference package 'megatron' is missing in CI: {msg}", pytrace=False)
        pytest.skip(msg, allow_module_level=True)
    utils = types.ModuleType("megatron.core.utils")
    utils.log_single_rank = lambda logger, *a, rank=0, **k: logger.log(*a, **k)  # type: ignore[attr-defined]
    pkg, core = types.ModuleType("megatron"), types.ModuleType("megatron.core")
    pkg.__path__, core.__path__ = [], []  # type: ignore[attr-defined]
    stubs = {"megatron": pkg, "megatron.core": core, "megatron.core.utils": utils}
    saved = {k: sys.modules.get(k) for k in stubs}
    sys.modules.update(stubs)
    try:
        s = importlib.util.spec_from_file_location("_lrcurves_megatron_reference", files[0])
        assert s is not None and s.loader is not None
        mod = importlib.util.module_from_spec(s)
        s.loader.exec_module(mod)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return mod


REF = _load_reference()
R = REF.OptimizerParamScheduler
O = A.OptimizerParamScheduler  # noqa: E741


# ---------------------------------------------------------------------------
# helpers


def make_opt(groups: list[dict[str, Any]] | None = None, *, tensor_last: bool = False) -> Any:
    groups = groups or [{}]
    out = []
    for i, extra in enumerate(groups):
        p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
        lr: Any = torch.tensor(0.0, dtype=torch.float64) if tensor_last and i == len(groups) - 1 else 0.0
        out.append({"params": [p], "lr": lr, **extra})
    return torch.optim.AdamW(out, lr=0.0)


def pair(groups: list[dict[str, Any]] | None = None, *, tensor_last: bool = False, **kw: Any) -> tuple[Any, Any]:
    a = R(make_opt(groups, tensor_last=tensor_last), **kw)
    b = O(make_opt(groups, tensor_last=tensor_last), **kw)
    return a, b


def _scale(vals: list[Any]) -> float:
    return max([abs(float(v)) for v in vals if v is not None] + [0.0])


def assert_same(a: Any, b: Any, kw: dict[str, Any], where: str) -> None:
    for i, (ga, gb) in enumerate(zip(a.optimizer.param_groups, b.optimizer.param_groups, strict=True)):
        la, lb = float(ga["lr"]), float(gb["lr"])
        lr_scale = _scale([ga.get("max_lr", kw["max_lr"]), ga.get("min_lr", kw["min_lr"]), kw["init_lr"]])
        assert abs(la - lb) <= RTOL * abs(la) + 4 * EPS * lr_scale, (where, i, la, lb, kw, ga)
        wa, wb = float(ga["weight_decay"]), float(gb["weight_decay"])
        wd_scale = _scale([ga.get("start_wd", kw["start_wd"]), ga.get("end_wd", kw["end_wd"])]) * abs(
            float(ga.get("wd_mult", 1.0))
        )
        assert abs(wa - wb) <= RTOL * abs(wa) + 4 * EPS * wd_scale, (where, i, wa, wb, kw, ga)


def random_kwargs(r: random.Random) -> dict[str, Any]:
    d = r.choice([1, 2, r.randint(1, 50), r.randint(1, 400), r.randint(100, 3000)])
    w = r.choice([0, 0, r.randint(0, d - 1), d - 1])
    style = r.choice(mg.DECAY_STYLES)
    mx = r.choice([1.0, r.uniform(1e-5, 1e-2), 10 ** r.uniform(-6, 0)])
    mn = r.choice([0.0, 0.0, mx * r.random(), mx])
    init = r.choice([0.0, 0.0, mx * r.random(), mx])
    wsd = r.choice([0, 1, r.randint(0, d), d, r.randint(d, 2 * d + 2)])
    wst = r.choice(mg.WD_INCR_STYLES)
    s0 = r.choice([0.0, r.uniform(0, 0.1)])
    e0 = s0 if wst == "constant" else r.choice([s0, s0 + r.uniform(0, 0.2)])
    return {
        "init_lr": init, "max_lr": mx, "min_lr": mn, "lr_warmup_steps": w, "lr_decay_steps": d,
        "lr_decay_style": style, "start_wd": s0, "end_wd": e0,
        "wd_incr_steps": r.choice([r.randint(1, 3000), d, r.randint(1, 50)]),
        "wd_incr_style": wst, "wsd_decay_steps": wsd if style == "WSD" or r.random() < 0.5 else None,
        "lr_wsd_decay_style": r.choice(mg.WSD_DECAY_STYLES),
    }  # fmt: skip


def random_groups(r: random.Random, kw: dict[str, Any]) -> list[dict[str, Any]]:
    groups = []
    for _ in range(r.randint(1, 3)):
        g: dict[str, Any] = {}
        if r.random() < 0.5:  # megatron-core >= 0.14 bakes lr_mult into max_lr/min_lr; lr_mult is not read
            m = r.choice([0.1, 0.5, 2.0, 10.0])
            g["max_lr"], g["min_lr"], g["lr_mult"] = kw["max_lr"] * m, kw["min_lr"] * m, m
        elif r.random() < 0.3:
            g["lr_mult"] = r.choice([0.5, 3.0])  # present but unused, as in Megatron
        if r.random() < 0.5:
            g["wd_mult"] = r.choice([0.0, 0.5, 1.0, 2.0])
        if r.random() < 0.25 and kw["wd_incr_style"] != "constant":
            g["start_wd"], g["end_wd"] = 0.5 * kw["start_wd"], 0.5 * kw["end_wd"] + 0.01
        groups.append(g)
    return groups


def increments(r: random.Random) -> Any:
    kind = r.choice(["one", "batch", "batch", "varying"])
    if kind == "one":
        return lambda: 1
    if kind == "batch":
        b = r.choice([2, 3, 7, 16])
        return lambda: b
    return lambda: r.choice([0, 1, 2, 5, 13])


# ---------------------------------------------------------------------------
# parity


def test_random_parity_with_megatron() -> None:
    """SETS random settings: every decay style and WSD variant, every wd style, 1-3 groups."""
    r = random.Random(20250119)
    seen: set[tuple[str, Any, str]] = set()
    for k in range(SETS):
        kw = random_kwargs(r)
        groups = random_groups(r, kw)
        tensor_last = r.random() < 0.2
        a, b = pair(groups, tensor_last=tensor_last, **kw)
        inc = increments(r)
        assert_same(a, b, kw, f"set {k} construction")
        span = kw["lr_decay_steps"] + max(kw["lr_warmup_steps"], 0) + 20
        n_steps = min(STEPS, span)
        for t in range(n_steps):
            step = inc()
            a.step(step)
            b.step(step)
            assert_same(a, b, kw, f"set {k} step {t} num_steps {a.num_steps}")
        assert b.state_dict() == a.state_dict()
        g = a.optimizer.param_groups[-1]
        assert abs(b.get_lr(g) - a.get_lr(g)) <= RTOL * abs(a.get_lr(g)) + 4 * EPS * _scale(
            [g.get("max_lr", kw["max_lr"]), g.get("min_lr", kw["min_lr"]), kw["init_lr"]]
        )
        assert abs(b.get_wd() - a.get_wd()) <= RTOL * abs(a.get_wd()) + 4 * EPS * kw["end_wd"]
        if tensor_last:
            assert isinstance(b.optimizer.param_groups[-1]["lr"], torch.Tensor)
        seen.add((kw["lr_decay_style"], kw["lr_wsd_decay_style"] if kw["lr_decay_style"] == "WSD" else None,
                  kw["wd_incr_style"]))  # fmt: skip
    if SETS >= 200:  # every style, every WSD variant and every wd style met
        assert {s for s, _, _ in seen} == set(mg.DECAY_STYLES)
        assert {v for s, v, _ in seen if s == "WSD"} == set(mg.WSD_DECAY_STYLES)
        assert {w for _, _, w in seen} == set(mg.WD_INCR_STYLES)


@pytest.mark.parametrize("style", mg.DECAY_STYLES)
@pytest.mark.parametrize("warmup", [0, 37])
def test_long_runs_in_samples(style: str, warmup: int) -> None:
    """Megatron-LM's convention: counts in samples, step(global_batch_size), thousands of steps."""
    gbs = 256
    kw = {
        "init_lr": 1e-6, "max_lr": 3e-4, "min_lr": 3e-5, "lr_warmup_steps": warmup * gbs,
        "lr_decay_steps": 3000 * gbs, "lr_decay_style": style, "start_wd": 0.01, "end_wd": 0.1,
        "wd_incr_steps": 3500 * gbs, "wd_incr_style": "cosine", "wsd_decay_steps": 700 * gbs,
        "lr_wsd_decay_style": "minus_sqrt",
    }  # fmt: skip
    groups = [{"wd_mult": 1.0}, {"wd_mult": 0.0}, {"max_lr": 6e-4, "min_lr": 6e-5}]
    a, b = pair(groups, **kw)
    for t in range(3600):
        a.step(gbs)
        b.step(gbs)
        assert_same(a, b, kw, f"step {t}")


def test_tensor_lr_is_filled_in_place() -> None:
    kw = {"init_lr": 0.0, "max_lr": 1.0, "min_lr": 0.0, "lr_warmup_steps": 2, "lr_decay_steps": 10,
              "lr_decay_style": "cosine", "start_wd": 0.0, "end_wd": 0.0, "wd_incr_steps": 10, "wd_incr_style": "constant"}  # fmt: skip
    opt = make_opt([{}], tensor_last=True)
    lr = opt.param_groups[0]["lr"]
    s = O(opt, **kw)
    ref = R(make_opt([{}]), **kw)
    for _ in range(12):
        s.step(1)
        ref.step(1)
        assert opt.param_groups[0]["lr"] is lr
        assert float(lr) == pytest.approx(ref.optimizer.param_groups[0]["lr"], rel=1e-12, abs=1e-15)


def test_plain_param_groups_object() -> None:
    """Like Megatron's, any object with ``.param_groups`` works (a MegatronOptimizer)."""
    kw = {"init_lr": 0.0, "max_lr": 1.0, "min_lr": 0.1, "lr_warmup_steps": 3, "lr_decay_steps": 9,
              "lr_decay_style": "linear", "start_wd": 0.0, "end_wd": 0.1, "wd_incr_steps": 9, "wd_incr_style": "linear"}  # fmt: skip

    class Opt:
        def __init__(self) -> None:
            self.param_groups = [{"wd_mult": 0.5}, {"max_lr": 2.0, "min_lr": 0.2}]

    a, b = R(Opt(), **kw), O(Opt(), **kw)
    for _ in range(12):
        a.step(1)
        b.step(1)
        assert_same(a, b, kw, "plain object")


def test_mutating_attributes_and_groups_between_steps() -> None:
    """Megatron reads its attributes and the group overrides on every step; so does the drop-in."""
    kw = {"init_lr": 0.0, "max_lr": 1.0, "min_lr": 0.1, "lr_warmup_steps": 3, "lr_decay_steps": 20,
              "lr_decay_style": "cosine", "start_wd": 0.0, "end_wd": 0.1, "wd_incr_steps": 20, "wd_incr_style": "linear"}  # fmt: skip
    a, b = pair([{}, {"wd_mult": 1.0}], **kw)
    for t in range(25):
        if t == 5:
            for s in (a, b):
                s.max_lr, s.lr_decay_style = 2.0, "linear"
        if t == 9:
            for s in (a, b):
                s.optimizer.param_groups[1]["max_lr"] = 0.5
                s.optimizer.param_groups[1]["wd_mult"] = 0.0
        if t == 12:
            for s in (a, b):
                s.end_wd, s.wd_incr_style = 0.3, "cosine"
        a.step(1)
        b.step(1)
        kw2 = {**kw, "max_lr": a.max_lr, "end_wd": a.end_wd}
        assert_same(a, b, kw2, f"step {t}")


# ---------------------------------------------------------------------------
# checkpoints


def _kw(**over: Any) -> dict[str, Any]:
    kw = {"init_lr": 1e-5, "max_lr": 1e-3, "min_lr": 1e-4, "lr_warmup_steps": 10, "lr_decay_steps": 100,
              "lr_decay_style": "cosine", "start_wd": 0.01, "end_wd": 0.05, "wd_incr_steps": 80, "wd_incr_style": "linear",
              "wsd_decay_steps": 30, "lr_wsd_decay_style": "exponential"}  # fmt: skip
    kw.update(over)
    return kw


@pytest.mark.parametrize("src_cls,dst_cls", [(R, O), (O, R), (O, O), (R, R)])
def test_state_dict_cross_loading(src_cls: Any, dst_cls: Any) -> None:
    """A state saved by either class loads into the other and the run continues identically."""
    r = random.Random(7)
    for style in mg.DECAY_STYLES:
        kw = _kw(lr_decay_style=style)
        src = src_cls(make_opt([{}, {"wd_mult": 0.0}]), **kw)
        for _ in range(37):
            src.step(r.choice([1, 2]))
        sd = src.state_dict()
        assert json.loads(json.dumps(sd)) == sd  # plain data
        torch.save(sd, buf := __import__("io").BytesIO())
        buf.seek(0)
        sd = torch.load(buf, weights_only=True)
        dst = dst_cls(make_opt([{}, {"wd_mult": 0.0}]), **kw)
        dst.load_state_dict(copy.deepcopy(sd))
        twin = R(make_opt([{}, {"wd_mult": 0.0}]), **kw)
        twin.load_state_dict(copy.deepcopy(sd))
        assert dst.num_steps == src.num_steps == twin.num_steps
        assert_same(twin, dst, kw, f"{style} after load")
        for _ in range(80):
            src.step(3)
            dst.step(3)
            twin.step(3)
            assert_same(twin, dst, kw, f"{style} resumed")
            assert_same(src if src_cls is R else twin, dst, kw, f"{style} resumed vs source")


def test_state_dict_is_megatrons() -> None:
    a, b = R(make_opt(), **_kw()), O(make_opt(), **_kw())
    for _ in range(5):
        a.step(4)
        b.step(4)
    assert b.state_dict() == a.state_dict()
    assert list(b.state_dict()) == list(a.state_dict())


CKPT = {
    "max_lr": 2e-3, "min_lr": 5e-5, "lr_warmup_steps": 20, "lr_decay_steps": 200, "lr_decay_style": "linear",
    "num_steps": 33, "start_wd": 0.02, "end_wd": 0.08, "wd_incr_style": "cosine", "wd_incr_steps": 150,
}  # fmt: skip


@pytest.mark.parametrize(
    "flags",
    [
        {},  # use_checkpoint=True: the checkpoint's values
        {"use_checkpoint_opt_param_scheduler": True, "override_opt_param_scheduler": False},
        {"use_checkpoint_opt_param_scheduler": False, "override_opt_param_scheduler": True},
        {"use_checkpoint_opt_param_scheduler": None, "override_opt_param_scheduler": True},
    ],
)
def test_override_and_use_checkpoint(flags: dict[str, Any]) -> None:
    kw = {**_kw(), **flags}
    a, b = pair([{}, {"wd_mult": 0.5}], **kw)
    a.load_state_dict(dict(CKPT))
    b.load_state_dict(dict(CKPT))
    assert b.state_dict() == a.state_dict()
    # the groups right after loading: the new LR settings, the *old* weight-decay ones (Megatron's order)
    assert_same(a, b, kw, "after load")
    for _ in range(60):
        a.step(5)
        b.step(5)
        assert_same(a, b, {**kw, "max_lr": a.max_lr, "min_lr": a.min_lr}, "resumed")


def test_use_checkpoint_false_asserts_equal_values() -> None:
    kw = {**_kw(), "use_checkpoint_opt_param_scheduler": False}
    for cls in (R, O):
        s = cls(make_opt(), **kw)
        with pytest.raises(AssertionError, match="do not match"):
            s.load_state_dict(dict(CKPT))
    same = {**CKPT, **{k: _kw()[k] for k in ("max_lr", "min_lr", "lr_warmup_steps", "lr_decay_steps",
                                            "lr_decay_style", "start_wd", "end_wd", "wd_incr_style",
                                            "wd_incr_steps")}}  # fmt: skip
    a, b = pair(**kw)
    a.load_state_dict(dict(same))
    b.load_state_dict(dict(same))
    assert_same(a, b, kw, "equal values")
    assert b.state_dict() == a.state_dict()


@pytest.mark.parametrize(
    "legacy",
    [
        {"start_lr": 2e-3, "warmup_iter": 20, "end_iter": 200, "decay_style": "cosine", "num_iters": 40},
        {"max_lr": 2e-3, "warmup_steps": 20, "decay_steps": 200, "lr_decay_style": "linear", "num_steps": 7},
    ],
)
def test_legacy_checkpoint_keys(legacy: dict[str, Any]) -> None:
    sd = {**legacy, "min_lr": 1e-5}  # no weight-decay keys either: they are kept
    a, b = pair(**_kw())
    a.load_state_dict(dict(sd))
    b.load_state_dict(dict(sd))
    assert b.state_dict() == a.state_dict()
    for _ in range(50):
        a.step(4)
        b.step(4)
        assert_same(a, b, {**_kw(), "max_lr": 2e-3}, "legacy")


def test_loading_into_a_stepped_scheduler_adds_the_steps() -> None:
    a, b = pair(**_kw())
    for s in (a, b):
        s.step(11)
        s.load_state_dict(dict(CKPT))
    assert a.num_steps == b.num_steps == 11 + CKPT["num_steps"]
    assert_same(a, b, {**_kw(), "max_lr": 2e-3}, "added")


def test_missing_checkpoint_key_is_a_key_error() -> None:
    for cls in (R, O):
        s = cls(make_opt(), **_kw())
        with pytest.raises(KeyError):
            s.load_state_dict({"max_lr": 1e-3})


# ---------------------------------------------------------------------------
# invalid input: the original's exception types


BAD = [
    {"min_lr": -1e-5},
    {"max_lr": 1e-5, "min_lr": 1e-4, "init_lr": 0.0},
    {"init_lr": 1e-2},
    {"lr_decay_steps": 0, "lr_warmup_steps": 0},
    {"lr_warmup_steps": 100},
    {"lr_decay_style": "WSD", "wsd_decay_steps": None},
    {"start_wd": -0.1},
    {"start_wd": 0.1, "end_wd": 0.05},
    {"use_checkpoint_opt_param_scheduler": True, "override_opt_param_scheduler": True},
    {"wd_incr_style": "constant", "start_wd": 0.01, "end_wd": 0.02},
    {"wd_incr_steps": 0},
    {"wd_incr_style": "exponential"},
    {"lr_decay_style": "polynomial", "lr_warmup_steps": 0},
    {"max_lr": "fast"},
]


@pytest.mark.parametrize("bad", BAD, ids=[",".join(f"{k}={v}" for k, v in b.items()) for b in BAD])
def test_invalid_input_raises_the_originals_exception_type(bad: dict[str, Any]) -> None:
    kw = _kw(**bad)
    with pytest.raises(Exception) as real:
        R(make_opt(), **kw)
    with pytest.raises(type(real.value)) as ours:
        O(make_opt(), **kw)
    if isinstance(ours.value, AssertionError):
        assert isinstance(ours.value, ValueError) and str(ours.value)  # and it says what is wrong


# ---------------------------------------------------------------------------
# the documented differences (adapters/megatron.py, "Differences from the original")


def test_difference_1_invalid_lr_style_raises_at_construction() -> None:
    kw = _kw(lr_decay_style="polynomial", lr_warmup_steps=10)
    s = R(make_opt(), **kw)  # Megatron: fine during the warmup...
    s.step(5)
    with pytest.raises(Exception, match="not supported"):
        s.step(10)  # ...and an Exception once the decay is reached
    with pytest.raises(ValueError, match="lr_decay_style"):
        O(make_opt(), **kw)
    kw = _kw(lr_decay_style="WSD", lr_wsd_decay_style="square", lr_warmup_steps=10)
    s = R(make_opt(), **kw)
    for _ in range(70):  # the anneal starts after lr_decay_steps - wsd_decay_steps = 70
        s.step(1)
    with pytest.raises(AssertionError):
        s.step(1)
    with pytest.raises(AssertionError, match="lr_wsd_decay_style"):
        O(make_opt(), **kw)


def test_difference_2_assertions_name_the_parameter() -> None:
    with pytest.raises(mg.MegatronAssertionError, match=r"min_lr must be >= 0, got -1") as e:
        O(make_opt(), **_kw(min_lr=-1))
    assert isinstance(e.value, AssertionError) and isinstance(e.value, ValueError)
    with pytest.raises(AssertionError, match="lr_warmup_steps must be < lr_decay_steps, got 100 and 100"):
        O(make_opt(), **_kw(lr_warmup_steps=100))


def test_difference_3_negative_and_fractional_values_are_rejected() -> None:
    R(make_opt(), **_kw(init_lr=-1e-4))  # Megatron ramps from a negative LR
    with pytest.raises(ValueError, match="init_value"):
        O(make_opt(), **_kw(init_lr=-1e-4))
    R(make_opt(), **_kw(lr_warmup_steps=2.5))
    with pytest.raises(ValueError, match="lr_warmup_steps"):
        O(make_opt(), **_kw(lr_warmup_steps=2.5))
    O(make_opt(), **_kw(lr_warmup_steps=10.0, lr_decay_steps=1e2))  # integral floats are fine
    R(make_opt(), **_kw(lr_decay_style="WSD", wsd_decay_steps=-5))
    with pytest.raises(ValueError, match="wsd_decay_steps"):
        O(make_opt(), **_kw(lr_decay_style="WSD", wsd_decay_steps=-5))
    R(make_opt([{"wd_mult": -1.0}]), **_kw())
    with pytest.raises(ValueError, match="wd_mult"):
        O(make_opt([{"wd_mult": -1.0}]), **_kw())
    R(make_opt([{"min_lr": -0.5}]), **_kw())
    with pytest.raises(ValueError, match=r"end_value|min_value|min_lr"):
        O(make_opt([{"min_lr": -0.5}]), **_kw())


def test_difference_4_rounding_is_within_a_few_ulps() -> None:
    """Not bit for bit: e.g. the warmup's ``init + (max - init) * n / W`` vs ``init + (max - init) * (n / W)``."""
    kw = _kw(init_lr=0.1, max_lr=1.0, min_lr=0.0, lr_warmup_steps=7, lr_decay_steps=1000)
    a, b = pair(**kw)
    worst = 0.0
    for _ in range(1000):
        a.step(1)
        b.step(1)
        la, lb = a.optimizer.param_groups[0]["lr"], b.optimizer.param_groups[0]["lr"]
        if la:
            worst = max(worst, abs(la - lb) / la)
    assert worst <= 1e-12


# ---------------------------------------------------------------------------
# the pure schedules and the config format


def test_compat_schedules_equal_get_lr_and_get_wd() -> None:
    r = random.Random(3)
    for _ in range(60):
        kw = random_kwargs(r)
        ref = R(make_opt(), **kw)
        s = mg.lr_schedule(
            kw["max_lr"], kw["min_lr"], init_lr=kw["init_lr"], lr_warmup_steps=kw["lr_warmup_steps"],
            lr_decay_steps=kw["lr_decay_steps"], lr_decay_style=kw["lr_decay_style"],
            wsd_decay_steps=kw["wsd_decay_steps"], lr_wsd_decay_style=kw["lr_wsd_decay_style"],
        )  # fmt: skip
        w = mg.wd_schedule(kw["start_wd"], kw["end_wd"], wd_incr_steps=kw["wd_incr_steps"],
                           wd_incr_style=kw["wd_incr_style"])  # fmt: skip
        n_max = kw["lr_decay_steps"] + 5
        curve = lrcurves.curve(s, n_max)
        for n in range(n_max):
            ref.num_steps = n
            want = ref.get_lr({})
            assert abs(curve[n] - want) <= RTOL * abs(want) + 4 * EPS * max(kw["max_lr"], kw["init_lr"])
            assert abs(s.value(n) - want) <= RTOL * abs(want) + 4 * EPS * max(kw["max_lr"], kw["init_lr"])
            assert abs(w.value(n) - ref.get_wd()) <= RTOL * abs(ref.get_wd()) + 4 * EPS * kw["end_wd"]


def megatron_lm_reference(args: dict[str, Any], optimizer: Any) -> Any:
    """Megatron-LM's get_optimizer_param_scheduler (iteration-based branch) on the real class."""
    gbs = args["global_batch_size"]
    decay = args.get("lr_decay_iters") or args["train_iters"]
    warm = args.get("lr_warmup_iters", 0) * gbs
    wsd = args.get("lr_wsd_decay_iters")
    return R(
        optimizer, init_lr=args.get("lr_warmup_init", 0.0), max_lr=args["lr"], min_lr=args.get("min_lr", 0.0),
        lr_warmup_steps=warm, lr_decay_steps=decay * gbs, lr_decay_style=args.get("lr_decay_style", "linear"),
        start_wd=args.get("start_weight_decay", args.get("weight_decay", 0.01)),
        end_wd=args.get("end_weight_decay", args.get("weight_decay", 0.01)),
        wd_incr_steps=args["train_iters"] * gbs, wd_incr_style=args.get("weight_decay_incr_style", "constant"),
        wsd_decay_steps=None if wsd is None else wsd * gbs,
        lr_wsd_decay_style=args.get("lr_wsd_decay_style", "exponential"),
    )  # fmt: skip


@pytest.mark.parametrize("style", mg.DECAY_STYLES)
def test_from_args_by_iteration_matches_megatron_lm(style: str) -> None:
    args = {
        "lr": 3e-4, "min_lr": 3e-5, "lr_warmup_init": 1e-6, "train_iters": 500, "lr_decay_iters": 400,
        "lr_warmup_iters": 25, "lr_decay_style": style, "lr_wsd_decay_iters": 80, "global_batch_size": 64,
        "weight_decay_incr_style": "linear", "start_weight_decay": 0.0, "end_weight_decay": 0.1,
    }  # fmt: skip
    curves = mg.from_args(args)
    by_samples = mg.from_args(args, unit="samples")
    ref = megatron_lm_reference(args, make_opt())
    cfg = lrcurves.from_config({"megatron": args})
    cfg_wd = lrcurves.from_config({"megatron": args, "schedule": "weight_decay"})
    for i in range(520):
        lr, wd = ref.optimizer.param_groups[0]["lr"], ref.optimizer.param_groups[0]["weight_decay"]
        for s in (curves["lr"], cfg):
            assert abs(s.value(i) - lr) <= RTOL * lr + 4 * EPS * 3e-4
        assert abs(by_samples["lr"].value(i * 64) - lr) <= RTOL * lr + 4 * EPS * 3e-4
        for s in (curves["weight_decay"], cfg_wd):
            assert abs(s.value(i) - wd) <= RTOL * wd + 4 * EPS * 0.1
        ref.step(64)


def test_config_formats() -> None:
    ctor = {"max_lr": 1.0, "min_lr": 0.1, "lr_warmup_steps": 512, "lr_decay_steps": 2048,
            "lr_decay_style": "linear", "start_wd": 0.0, "end_wd": 0.1, "wd_incr_steps": 2048,
            "wd_incr_style": "linear"}  # fmt: skip
    by_n = lrcurves.from_config({"megatron": ctor})
    by_call = lrcurves.from_config({"megatron": {**ctor, "increment": 256}})
    assert [by_call.value(k) for k in range(10)] == pytest.approx([by_n.value(256 * k) for k in range(10)], rel=1e-15)
    wd = lrcurves.from_config({"megatron": ctor, "schedule": "weight_decay"})
    assert wd.value(1024) == pytest.approx(0.05, rel=1e-15)
    assert lrcurves.from_config(json.dumps({"megatron": ctor})) == by_n
    with pytest.raises(ValueError, match="not a multiple of increment"):
        lrcurves.from_config({"megatron": {**ctor, "increment": 1000}})
    with pytest.raises(ValueError, match="train_iters or train_samples"):
        lrcurves.from_config({"megatron": {"lr": 1e-3}})
    with pytest.raises(ValueError, match="unknown key"):
        lrcurves.from_config({"megatron": ctor, "extra": 1})
    with pytest.raises(ValueError, match="unknown OptimizerParamScheduler argument"):
        lrcurves.from_config({"megatron": {**ctor, "lr_decay_iters": 3}})
    with pytest.raises(ValueError, match="whole number of steps"):
        lrcurves.from_config({"megatron": {"lr": 1e-3, "train_samples": 1001, "lr_warmup_fraction": 0.013}})
    s = lrcurves.from_config({"megatron": {"lr": 1e-3, "train_samples": 1000, "lr_warmup_fraction": 0.01,
                                           "lr_decay_style": "cosine"}})  # fmt: skip
    assert s.value(10) == 1e-3 and s.value(1000) == 0.0
    assert lrcurves.from_config({"megatron": ctor}, base_lr=2.0).value(512) == 2.0


def test_config_format_is_registered_as_an_entry_point() -> None:
    from importlib.metadata import entry_points

    eps = {e.name: e.value for e in entry_points(group="lrcurves.config_formats")}
    assert eps.get("megatron") == "lrcurves.compat.megatron"


def test_schedules_of_the_drop_in_plot_before_training() -> None:
    s = O(make_opt([{"max_lr": 2e-3}]), **_kw())
    curve = lrcurves.curve(s.lr_schedule(), 120)
    ref = R(make_opt(), **_kw())
    for n in range(120):
        ref.num_steps = n
        assert curve[n] == pytest.approx(ref.get_lr({}), rel=1e-12, abs=1e-18)
    assert s.lr_schedule(2e-3).value(10) == pytest.approx(2e-3, rel=1e-15)
    assert s.wd_schedule(wd_mult=0.5).value(80) == pytest.approx(0.025, rel=1e-15)
    assert math.isfinite(s.wd_schedule().value(10**12))
