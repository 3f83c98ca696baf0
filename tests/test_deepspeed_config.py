"""DeepSpeed ``"scheduler"`` blocks through ``lrcurves.from_config`` (NumPy and jax.jit)."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves.compat.deepspeed import VALID_LR_SCHEDULES, momentum_from_ds, schedule_from_ds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RTOL = 1e-12


def ds_curve(block: dict[str, Any], n: int, lr: float = 0.01) -> tuple[np.ndarray, np.ndarray | None]:
    """DeepSpeed's optimizer LR (and beta1) after k = 0..n-1 step() calls."""
    torch = pytest.importorskip("torch")
    lrs = pytest.importorskip("deepspeed.runtime.lr_schedules", reason="deepspeed is not installed")
    logging.getLogger("DeepSpeed").setLevel(logging.ERROR)
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    s = getattr(lrs, block["type"])(opt, **block["params"])
    out, mom = [], []
    for k in range(n):
        if k:
            s.step()
        out.append(float(opt.param_groups[0]["lr"]))
        mom.append(opt.param_groups[0]["betas"][0])
    return np.asarray(out), np.asarray(mom)


BLOCKS = [
    {"type": "LRRangeTest", "params": {"lr_range_test_step_size": 7, "lr_range_test_staircase": True}},
    {"type": "LRRangeTest", "params": {"lr_range_test_min_lr": 1e-4, "lr_range_test_step_rate": 3.0}},
    {
        "type": "OneCycle",
        "params": {
            "cycle_min_lr": 1e-4,
            "cycle_max_lr": 1e-3,
            "cycle_first_step_size": 40,
            "cycle_second_step_size": 25,
            "cycle_first_stair_count": 8,
            "decay_step_size": 10,
            "decay_lr_rate": 0.5,
        },
    },
    {"type": "OneCycle", "params": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 30}},
    {"type": "WarmupLR", "params": {"warmup_min_lr": 1e-4, "warmup_num_steps": 50}},
    {"type": "WarmupLR", "params": {"warmup_max_lr": 0.02, "warmup_num_steps": 1, "warmup_type": "linear"}},
    {"type": "WarmupDecayLR", "params": {"total_num_steps": 120, "warmup_num_steps": 30, "warmup_min_lr": 1e-5}},
    {"type": "WarmupDecayLR", "params": {"total_num_steps": 20, "warmup_num_steps": 30, "warmup_type": "linear"}},
    {"type": "WarmupCosineLR", "params": {"total_num_steps": 150, "warmup_num_steps": 20, "warmup_min_ratio": 0.1}},
    {"type": "WarmupCosineLR", "params": {"total_num_steps": 150, "warmup_num_steps": 20, "warmup_type": "linear"}},
    {"type": "WarmupCosineLR", "params": {"total_num_steps": 5, "warmup_num_steps": 20, "cos_min_ratio": 0.3}},
]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["type"])
def test_block_numpy_matches_deepspeed(block: dict[str, Any]) -> None:
    ref, mom = ds_curve(block, 200)
    s = lrcurves.from_config(block, base_lr=0.01)
    np.testing.assert_allclose(lrcurves.curve(s, 200), ref, rtol=RTOL, atol=1e-18)
    np.testing.assert_allclose([s.value(k) for k in range(200)], ref, rtol=RTOL, atol=1e-18)
    # the whole ds_config dict, and the same through JSON
    cfg = {"train_batch_size": 8, "scheduler": block}
    assert lrcurves.from_config(cfg, base_lr=0.01) == s
    assert lrcurves.from_config(json.dumps(cfg), base_lr=0.01) == s
    m = momentum_from_ds(block["type"], block["params"])
    assert s.has_momentum == (m is not None)
    if m is not None:
        np.testing.assert_allclose(lrcurves.curve(m, 200, momentum=True)[1:], mom[1:], rtol=RTOL)
        # from_config's momentum is beta1 itself, k = 0 (cycle_min_mom) included
        np.testing.assert_allclose(lrcurves.curve(s, 200, momentum=True), mom, rtol=RTOL, atol=0)
        assert [s.momentum_value(k) for k in (0, 1, 199)] == pytest.approx(mom[[0, 1, 199]], rel=RTOL)


@pytest.mark.parametrize("block", BLOCKS[2:], ids=lambda b: b["type"])
def test_block_under_jax_jit(block: dict[str, Any]) -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    ref, _ = ds_curve(block, 200)
    s = lrcurves.from_config(block, base_lr=0.01)
    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        got = jax.jit(lambda t: s(t))(jnp.arange(200))
        assert got.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(got), ref, rtol=RTOL, atol=1e-18)
    finally:
        jax.config.update("jax_enable_x64", old)
    jax.config.update("jax_enable_x64", False)
    got32 = jax.jit(lambda t: s(t))(jnp.arange(200, dtype=jnp.int32))
    jax.config.update("jax_enable_x64", old)
    np.testing.assert_allclose(np.asarray(got32), ref, rtol=2e-5, atol=1e-9)


def test_random_blocks_long_runs() -> None:
    """Random parameter sets, a few thousand steps each, via DeepSpeed's pure get_lr."""
    pytest.importorskip("torch")
    import torch

    lrs = pytest.importorskip("deepspeed.runtime.lr_schedules")
    rng = random.Random(5)
    for i in range(40):
        opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.05)
        typ = VALID_LR_SCHEDULES[i % 5]
        p: dict[str, Any]
        if typ == "LRRangeTest":
            p = {"lr_range_test_step_size": rng.randint(1, 900), "lr_range_test_staircase": rng.random() < 0.5}
        elif typ == "OneCycle":
            p = {
                "cycle_min_lr": 1e-4,
                "cycle_max_lr": 1e-3,
                "cycle_first_step_size": rng.randint(1, 900),
                "cycle_second_step_size": rng.randint(1, 900),
                "cycle_first_stair_count": rng.choice([0, 10, 300]),
                "decay_step_size": rng.randint(1, 500),
                "decay_lr_rate": 0.01,
            }
        elif typ == "WarmupCosineLR":
            p = {"total_num_steps": rng.randint(1, 2500), "warmup_num_steps": rng.randint(1, 900),
                 "warmup_type": rng.choice(["log", "linear"])}
        else:
            p = {"warmup_num_steps": rng.randint(1, 900), "warmup_type": rng.choice(["log", "linear"])}
            if typ == "WarmupDecayLR":
                p["total_num_steps"] = rng.randint(1, 2500)
        s = getattr(lrs, typ)(opt, **p)
        n = 3000
        ref = []
        for k in range(n):
            s.last_batch_iteration = k - 1
            ref.append(s.get_lr()[0] if k else float(s.get_lr()[0]))
        got = lrcurves.curve(schedule_from_ds(typ, p, base_lr=0.05), n)
        np.testing.assert_allclose(got, np.asarray(ref, dtype=float), rtol=RTOL, atol=1e-17, err_msg=f"{typ} {p}")


def test_tutorial_onecycle_example() -> None:
    path = EXAMPLES / "ds_onecycle_tutorial.json"
    s = lrcurves.from_config(str(path))
    assert lrcurves.from_config(path) == s
    block = json.loads(path.read_text())["scheduler"]
    ref, mom = ds_curve(block, 2600)
    np.testing.assert_allclose(lrcurves.curve(s, 2600), ref, rtol=RTOL)
    v = lrcurves.curve(s, 2002)
    assert v[1:5].tolist() == pytest.approx([1e-4, 1.018e-4, 1.018e-4, 1.036e-4], rel=1e-12)
    assert v[1000] == pytest.approx(1e-3) and v[1001] == pytest.approx(9.982e-4)
    assert v[2001] == pytest.approx(9.99999e-5)
    m = momentum_from_ds(block["type"], block["params"])
    assert m is not None
    np.testing.assert_allclose(lrcurves.curve(m, 2600, momentum=True)[1:], mom[1:], rtol=RTOL)


def test_tutorialspoint_warmuplr_example() -> None:
    path = EXAMPLES / "ds_warmuplr_tutorialspoint.json"
    s = lrcurves.from_config(path)
    ref, _ = ds_curve(json.loads(path.read_text())["scheduler"], 150)
    np.testing.assert_allclose(lrcurves.curve(s, 150), ref, rtol=RTOL)
    assert s.value(0) == s.value(1) == 0.001 and s.value(101) == 0.01


ONECYCLE_MOM = [
    {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 7, "cycle_second_step_size": 3},
    {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 6, "cycle_first_stair_count": 3,
     "cycle_min_mom": 0.85, "cycle_max_mom": 0.95, "decay_step_size": 4, "decay_lr_rate": 0.2},
    {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 1, "cycle_second_step_size": 1,
     "cycle_min_mom": 0.9, "cycle_max_mom": 0.9, "decay_step_size": 3, "decay_lr_rate": 0.1},
    {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 5, "cycle_second_stair_count": 2,
     "cycle_min_mom": 0.0, "cycle_max_mom": 1.0},
]


@pytest.mark.parametrize("params", ONECYCLE_MOM)
def test_onecycle_from_config_momentum_is_adam_beta1(params: dict[str, Any]) -> None:
    """beta1 after k = 0..N step() calls, k = 0 included, in NumPy, per-step and jax.jit."""
    block = {"type": "OneCycle", "params": params}
    n = 60
    ref, mom = ds_curve(block, n)
    s = lrcurves.from_config(block)
    assert s.has_momentum
    assert mom is not None and mom[0] == params.get("cycle_min_mom", 0.8)
    np.testing.assert_allclose(lrcurves.curve(s, n), ref, rtol=RTOL, atol=0)
    np.testing.assert_allclose(lrcurves.curve(s, n, momentum=True), mom, rtol=RTOL, atol=0)
    np.testing.assert_allclose([s.momentum_value(k) for k in range(n)], mom, rtol=RTOL, atol=0)
    # the momentum of momentum_from_ds (DeepSpeed's get_mom()) agrees from k = 1 on
    m = momentum_from_ds("OneCycle", params)
    assert m is not None
    np.testing.assert_allclose(lrcurves.curve(m, n, momentum=True)[1:], mom[1:], rtol=RTOL, atol=0)
    # serialisable and JSON-safe
    cfg = s.to_config()
    assert lrcurves.from_config(json.loads(json.dumps(cfg))) == s
    jax = pytest.importorskip("jax")
    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        got = jax.jit(lambda t: s.momentum(t))(jax.numpy.arange(n))
        np.testing.assert_allclose(np.asarray(got), mom, rtol=RTOL, atol=0)
    finally:
        jax.config.update("jax_enable_x64", old)


def test_onecycle_without_cycled_momentum_has_none() -> None:
    p = {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_momentum": False}
    s = lrcurves.from_config({"type": "OneCycle", "params": p})
    assert not s.has_momentum and momentum_from_ds("OneCycle", p) is None
    p = {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "decay_step_size": 2, "decay_mom_rate": 0.1}
    with pytest.raises(ValueError, match="decay_mom_rate"):
        lrcurves.from_config({"type": "OneCycle", "params": p})
    lr_only = schedule_from_ds("OneCycle", p, momentum=False)
    assert not lr_only.has_momentum
    assert lrcurves.from_config({"type": "OneCycle", "params": {**p, "cycle_momentum": False}}) == lr_only


@pytest.mark.parametrize("typ", VALID_LR_SCHEDULES)
@pytest.mark.parametrize("warmup_type", ["log", "linear"])
def test_config_size_independent_of_run_length(typ: str, warmup_type: str) -> None:
    """No tables: a 10**6-step run serialises to a few hundred characters."""
    params: dict[str, Any] = {
        "LRRangeTest": {},
        "OneCycle": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 400_000,
                     "decay_step_size": 1000, "decay_lr_rate": 0.1},
        "WarmupLR": {"warmup_num_steps": 10_000, "warmup_type": warmup_type},
        "WarmupDecayLR": {"total_num_steps": 10**6, "warmup_num_steps": 10_000, "warmup_type": warmup_type},
        "WarmupCosineLR": {"total_num_steps": 10**6, "warmup_num_steps": 10_000, "warmup_type": warmup_type},
    }[typ]
    s = lrcurves.from_config({"type": typ, "params": params}, base_lr=0.01)
    cfg = s.to_config()
    assert len(json.dumps(cfg)) < 2000
    assert "tabulated" not in json.dumps(cfg)
    assert lrcurves.from_config(cfg) == s


def test_warmup_cosine_linear_long_run_matches_deepspeed() -> None:
    """Closed-form linear-warmup cosine vs DeepSpeed's pure get_lr at far steps (10**6-step run)."""
    pytest.importorskip("torch")
    import torch

    lrs = pytest.importorskip("deepspeed.runtime.lr_schedules")
    logging.getLogger("DeepSpeed").setLevel(logging.ERROR)
    for total, w in ((10**6, 10_000), (1, 1), (3, 3), (12, 11), (40, 2)):
        p = {"total_num_steps": total, "warmup_num_steps": w, "warmup_type": "linear",
             "warmup_min_ratio": 0.05, "cos_min_ratio": 0.01}
        opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.03)
        d = lrs.WarmupCosineLR(opt, **p)
        ks = sorted({0, 1, 2, w - 1, w, w + 1, w + 2, total // 2, total - 1, total, total + 1, total + 50}
                    | set(range(0, 3 * w + 60, max(1, w // 7))) | set(range(0, total + 2, max(1, total // 500))))
        ks = [k for k in ks if k >= 0]
        ref = []
        for k in ks:
            d.last_batch_iteration = k - 1
            ref.append(float(d.get_lr()[0]))
        s = schedule_from_ds("WarmupCosineLR", p, base_lr=0.03)
        np.testing.assert_allclose(s(np.asarray(ks)), ref, rtol=RTOL, atol=1e-18, err_msg=str(p))
        np.testing.assert_allclose([s.value(k) for k in ks], ref, rtol=RTOL, atol=1e-18, err_msg=str(p))


def _distinct(n: int, draw: Any) -> list[float]:
    out: list[float] = []
    while len(out) < n:
        v = draw()
        if v not in out:
            out.append(v)
    return out


def _group_block(typ: str, rng: random.Random, n: int) -> dict[str, Any]:
    """Random params with every per-group parameter a list of ``n`` different values."""
    if typ == "LRRangeTest":
        return {"lr_range_test_min_lr": _distinct(n, lambda: rng.uniform(1e-5, 1e-1)),
                "lr_range_test_step_size": rng.randint(1, 300), "lr_range_test_step_rate": rng.uniform(0.0, 5.0),
                "lr_range_test_staircase": rng.random() < 0.5}
    if typ == "OneCycle":
        lo = _distinct(n, lambda: rng.uniform(1e-5, 1e-2))
        mlo = _distinct(n, lambda: rng.uniform(0.5, 0.9))
        return {"cycle_min_lr": lo, "cycle_max_lr": _distinct(n, lambda: max(lo) * rng.uniform(1.0, 20.0)),
                "cycle_min_mom": mlo, "cycle_max_mom": _distinct(n, lambda: max(mlo) + rng.uniform(0.0, 0.09)),
                "cycle_first_step_size": rng.randint(1, 300), "cycle_second_step_size": rng.choice([None, rng.randint(1, 300)]),
                "cycle_first_stair_count": rng.choice([0, rng.randint(1, 30)]),
                "cycle_second_stair_count": rng.choice([None, 0, rng.randint(1, 30)]),
                "decay_step_size": rng.choice([0, rng.randint(1, 100)]), "decay_lr_rate": rng.uniform(0.0, 1.0)}
    w = rng.randint(1, 300)
    wt = rng.choice(["log", "linear"])
    if typ == "WarmupCosineLR":  # no per-group parameter: the groups' own LRs differ
        return {"total_num_steps": rng.randint(0, 900), "warmup_num_steps": w, "warmup_type": wt,
                "warmup_min_ratio": rng.uniform(0.0, 0.5), "cos_min_ratio": rng.uniform(0.0, 0.2)}
    p = {"warmup_min_lr": _distinct(n, lambda: rng.uniform(0.0, 1e-3)), "warmup_num_steps": w, "warmup_type": wt,
         "warmup_max_lr": rng.choice([None, _distinct(n, lambda: rng.uniform(1e-3, 1e-1))])}
    if typ == "WarmupDecayLR":
        p["total_num_steps"] = rng.randint(0, 900)
        if p["warmup_max_lr"] is None:
            del p["warmup_max_lr"]  # WarmupDecayLR's default is 0.001, not the group LR
    return p


@pytest.mark.parametrize("typ", VALID_LR_SCHEDULES)
def test_per_group_lists_pure_schedules(typ: str) -> None:
    """schedule_from_ds/momentum_from_ds(group=g) vs DeepSpeed's get_lr()/get_mom()[g].

    Every per-group parameter is a list of different values and every group
    has its own LR, so a value taken from another group (group 0) fails.
    """
    torch = pytest.importorskip("torch")
    lrs_mod = pytest.importorskip("deepspeed.runtime.lr_schedules", reason="deepspeed is not installed")
    logging.getLogger("DeepSpeed").setLevel(logging.ERROR)
    rng = random.Random(hash(("ds-groups", typ)) & 0xFFFF)
    for _ in range(30):
        n = rng.choice([2, 3])
        base = _distinct(n, lambda: rng.uniform(1e-4, 1e-1))
        p = _group_block(typ, rng, n)
        opt = torch.optim.Adam([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": b} for b in base])
        d = getattr(lrs_mod, typ)(opt, **p)
        ks = sorted({0, 1, 2, *rng.sample(range(2000), 60)})
        ref, mom = [], []
        for k in ks:
            d.last_batch_iteration = k - 1
            ref.append([float(v) for v in d.get_lr()])
            if typ == "OneCycle" and k:
                mom.append([m[0] for m in d.get_mom()])
        ref_a = np.asarray(ref)
        for g in range(n):
            s = schedule_from_ds(typ, p, base_lr=base, group=g)
            np.testing.assert_allclose(s(np.asarray(ks)), ref_a[:, g], rtol=RTOL, atol=1e-300, err_msg=f"{typ} {p} {base} group {g}")
            if typ == "OneCycle":
                m = momentum_from_ds(typ, p, group=g)
                assert m is not None
                np.testing.assert_allclose(m.momentum(np.asarray(ks[1:])), np.asarray(mom)[:, g], rtol=RTOL)
        if typ != "WarmupCosineLR":
            assert len({tuple(c) for c in ref_a.T}) == n
        # from_config: the first group's schedule
        s0 = lrcurves.from_config({"type": typ, "params": p}, base_lr=base)
        np.testing.assert_allclose(s0(np.asarray(ks)), ref_a[:, 0], rtol=RTOL, atol=1e-300)


# --- error paths ----------------------------------------------------------


def test_base_lr_required() -> None:
    with pytest.raises(ValueError, match="base_lr"):
        lrcurves.from_config({"type": "WarmupLR", "params": {}})
    with pytest.raises(ValueError, match="base_lr"):
        lrcurves.from_config({"type": "WarmupCosineLR", "params": {"total_num_steps": 10}})
    s = lrcurves.from_config({"type": "WarmupLR", "params": {}}, base_lr=0.1)
    assert s.value(10**6) == 0.1


def test_unknown_type_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="WarmupCosineLR") as ei:
        lrcurves.from_config({"type": "StepLR", "params": {}})
    assert all(n in str(ei.value) for n in VALID_LR_SCHEDULES)
    with pytest.raises(ValueError, match="valid names"):
        lrcurves.from_config({"scheduler": {"type": "warmuplr", "params": {}}})


def test_unknown_and_missing_params() -> None:
    with pytest.raises(ValueError, match=r"unknown parameter.*post_cycle_decay_step_size.*valid: cycle_min_lr"):
        lrcurves.from_config(
            {"type": "OneCycle", "params": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "post_cycle_decay_step_size": 5}}
        )
    with pytest.raises(ValueError, match=r"missing required parameter.*cycle_max_lr"):
        lrcurves.from_config({"type": "OneCycle", "params": {"cycle_min_lr": 1e-4}})
    with pytest.raises(ValueError, match=r"missing required parameter.*total_num_steps"):
        lrcurves.from_config({"type": "WarmupDecayLR", "params": {}})
    with pytest.raises(ValueError, match="no 'params'"):
        lrcurves.from_config({"scheduler": {"type": "WarmupLR"}})
    with pytest.raises(ValueError, match="no 'type'"):
        lrcurves.from_config({"scheduler": {"params": {}}})
    with pytest.raises(ValueError, match="unknown key"):
        lrcurves.from_config({"scheduler": {"type": "WarmupLR", "params": {}, "extra": 1}})


def test_json_floats_for_integer_fields() -> None:
    a = lrcurves.from_config({"type": "WarmupDecayLR", "params": {"total_num_steps": 1e4, "warmup_num_steps": 1e3}})
    b = lrcurves.from_config({"type": "WarmupDecayLR", "params": {"total_num_steps": 10000, "warmup_num_steps": 1000}})
    assert a == b
    for field in ("total_num_steps", "warmup_num_steps"):
        p = {"total_num_steps": 100, "warmup_num_steps": 10, field: 10.5}
        with pytest.raises(ValueError, match=f"{field} must be an integer, got 10.5"):
            lrcurves.from_config({"type": "WarmupDecayLR", "params": p})


@pytest.mark.parametrize(
    ("typ", "params", "match"),
    [
        ("LRRangeTest", {"lr_range_test_step_size": 0}, "lr_range_test_step_size"),
        ("LRRangeTest", {"lr_range_test_staircase": "yes"}, "lr_range_test_staircase"),
        ("LRRangeTest", {"lr_range_test_min_lr": float("nan")}, "lr_range_test_min_lr"),
        ("OneCycle", {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 0}, "cycle_first_step_size"),
        ("OneCycle", {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_stair_count": 1.5}, "cycle_first_stair_count"),
        ("OneCycle", {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "decay_step_size": -1}, "decay_step_size"),
        ("OneCycle", {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_min_mom": -0.1}, "cycle_min_mom"),
        ("OneCycle", {"cycle_min_lr": "a", "cycle_max_lr": 1e-3}, "cycle_min_lr"),
        ("WarmupLR", {"warmup_max_lr": 0.1, "warmup_min_lr": -1.0}, "warmup_min_lr"),
        ("WarmupLR", {"warmup_max_lr": 0.1, "warmup_type": "exp"}, "warmup_type"),
        ("WarmupLR", {"warmup_max_lr": 0.1, "warmup_num_steps": 0}, "warmup_num_steps"),
        ("WarmupDecayLR", {"total_num_steps": -5}, "total_num_steps"),
        ("WarmupCosineLR", {"total_num_steps": 10, "warmup_min_ratio": -0.5}, "warmup_min_ratio"),
    ],
)
def test_invalid_parameter_values(typ: str, params: dict[str, Any], match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        lrcurves.from_config({"type": typ, "params": params}, base_lr=0.1)


def test_per_group_lists_pick_group() -> None:
    p = {"warmup_min_lr": [0.0, 0.01], "warmup_max_lr": [0.1, 0.2], "warmup_num_steps": 10}
    assert schedule_from_ds("WarmupLR", p, group=1).value(100) == 0.2
    assert lrcurves.from_config({"type": "WarmupLR", "params": p}).value(100) == 0.1
    with pytest.raises(ValueError, match="no entry for group 2"):
        schedule_from_ds("WarmupLR", p, group=2)


def test_ds_config_file_path(tmp_path: Path) -> None:
    f = tmp_path / "ds_config.json"
    f.write_text(json.dumps({"train_batch_size": 4, "scheduler": BLOCKS[6]}))
    assert lrcurves.from_config(str(f)) == lrcurves.from_config(BLOCKS[6])
    # a ds_config without a scheduler is not a schedule
    f.write_text(json.dumps({"train_batch_size": 4}))
    with pytest.raises(ValueError, match="name"):
        lrcurves.from_config(f)
