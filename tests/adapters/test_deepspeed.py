"""Side by side: lrcurves.adapters.deepspeed vs the real deepspeed 0.19.8 schedulers."""

from __future__ import annotations

import logging
import os
import random
import warnings
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ds_mod = pytest.importorskip("deepspeed.runtime.lr_schedules", reason="deepspeed is not installed")
logging.getLogger("DeepSpeed").setLevel(logging.ERROR)

from lrcurves.adapters import deepspeed as ours  # noqa: E402

RTOL = 1e-12
#: random parameter sets per class in the per-group test (raise for longer runs)
SETS = int(os.environ.get("LRCURVES_PARITY_SETS", "24"))
CLASSES = ("LRRangeTest", "OneCycle", "WarmupLR", "WarmupDecayLR", "WarmupCosineLR")


def make_opt(kind: str, lrs: list[float], tensor_lr: bool = False) -> Any:
    groups = []
    for lr in lrs:
        p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
        groups.append({"params": [p], "lr": torch.tensor(lr, dtype=torch.float64) if tensor_lr else lr})
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    return torch.optim.Adam(groups, lr=1e-3, betas=(0.9, 0.999))


def _distinct(n: int, draw: Any) -> list[Any]:
    """``n`` draws, all different: one value per param group."""
    out: list[Any] = []
    while len(out) < n:
        v = draw()
        if v not in out:
            out.append(v)
    return out


def _per_group(rng: random.Random, n: int, draw: Any, force: bool = False) -> Any:
    """A per-group list (different values per group) or, sometimes, one scalar for all."""
    if n > 1 and (force or rng.random() < 0.7):
        return _distinct(n, draw)
    return draw()


def _top(v: Any) -> float:
    return max(v) if isinstance(v, list) else v


#: DeepSpeed's per-group (list-valued) parameters of each class.
PER_GROUP: dict[str, tuple[str, ...]] = {
    "LRRangeTest": ("lr_range_test_min_lr",),
    "OneCycle": ("cycle_min_lr", "cycle_max_lr", "cycle_min_mom", "cycle_max_mom"),
    "WarmupLR": ("warmup_min_lr", "warmup_max_lr"),
    "WarmupDecayLR": ("warmup_min_lr", "warmup_max_lr"),
    "WarmupCosineLR": (),
}


def random_params(cls: str, rng: random.Random, n: int, force: bool = False) -> tuple[dict[str, Any], int]:
    """A random valid parameter set and a number of steps to run.

    Per-group parameters are lists with a *different* value for every group
    (always with ``force``, else 70% of the time), so that a value read from
    the wrong group fails.
    """
    wt = rng.choice(["log", "linear"])
    if cls == "LRRangeTest":
        p = {
            "lr_range_test_min_lr": _per_group(rng, n, lambda: rng.uniform(1e-5, 1e-1), force),
            "lr_range_test_step_size": rng.randint(1, 300),
            "lr_range_test_step_rate": rng.choice([1.0, rng.uniform(0.0, 10.0)]),
            "lr_range_test_staircase": rng.random() < 0.5,
        }
        return p, 400
    if cls == "OneCycle":
        lo = _per_group(rng, n, lambda: rng.uniform(1e-5, 1e-2), force)
        first = rng.randint(1, 150)
        second = rng.choice([None, rng.randint(1, 150)])
        mlo = _per_group(rng, n, lambda: rng.uniform(0.5, 0.9), force)
        p = {
            "cycle_min_lr": lo,
            "cycle_max_lr": _per_group(rng, n, lambda: _top(lo) * rng.uniform(1.0, 20.0), force),
            "decay_lr_rate": rng.choice([0.0, rng.uniform(0.0, 2.0)]),
            "cycle_first_step_size": first,
            "cycle_second_step_size": second,
            "cycle_first_stair_count": rng.choice([0, rng.randint(1, 40)]),
            "cycle_second_stair_count": rng.choice([None, 0, rng.randint(1, 40)]),
            "decay_step_size": rng.choice([0, rng.randint(1, 100)]),
            "cycle_momentum": force or rng.random() < 0.8,
            "cycle_min_mom": mlo,
            "cycle_max_mom": _per_group(rng, n, lambda: _top(mlo) + rng.uniform(0.0, 0.09), force),
        }
        return p, first + (second or first) + 100
    w = rng.randint(1, 150)
    if cls == "WarmupLR":
        p = {
            "warmup_min_lr": _per_group(rng, n, lambda: rng.choice([0.0, rng.uniform(0.0, 1e-3)]), force),
            "warmup_max_lr": rng.choice([None, _per_group(rng, n, lambda: rng.uniform(1e-3, 1e-1), force)]),
            "warmup_num_steps": w,
            "warmup_type": wt,
        }
        return p, w + 50
    total = rng.randint(0, 400)
    if cls == "WarmupDecayLR":
        p = {
            "total_num_steps": total,
            "warmup_min_lr": _per_group(rng, n, lambda: rng.choice([0.0, rng.uniform(0.0, 1e-3)]), force),
            "warmup_max_lr": _per_group(rng, n, lambda: rng.uniform(1e-3, 1e-1), force),
            "warmup_num_steps": w,
            "warmup_type": wt,
        }
        return p, max(total, w) + 50
    p = {
        "total_num_steps": total,
        "warmup_min_ratio": rng.choice([0.0, rng.uniform(0.0, 0.5)]),
        "warmup_num_steps": w,
        "cos_min_ratio": rng.choice([0.0, 1e-4, rng.uniform(0.0, 0.2)]),
        "warmup_type": wt,
    }
    return p, max(total, w) + 50


def group_state(opt: Any) -> list[tuple[float, Any, Any]]:
    return [(float(g["lr"]), g.get("betas"), g.get("momentum")) for g in opt.param_groups]


def assert_same_groups(a: Any, b: Any, where: str, *, momentum: bool = True) -> None:
    sa, sb = group_state(a), group_state(b)
    for i, ((la, ba, ma), (lb, bb, mb)) in enumerate(zip(sa, sb, strict=True)):
        np.testing.assert_allclose(lb, la, rtol=RTOL, atol=1e-300, err_msg=f"{where} group {i} lr")
        if momentum:
            if ba is not None:
                np.testing.assert_allclose(bb, ba, rtol=RTOL, err_msg=f"{where} group {i} betas")
            if ma is not None:
                np.testing.assert_allclose(mb, ma, rtol=RTOL, err_msg=f"{where} group {i} momentum")


def build_pair(cls: str, params: dict[str, Any], kind: str, lrs: list[float], **kw: Any) -> tuple[Any, Any, Any, Any]:
    oa, ob = make_opt(kind, lrs, **kw), make_opt(kind, lrs, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = getattr(ds_mod, cls)(oa, **params)
        b = getattr(ours, cls)(ob, **params)
    return a, b, oa, ob


def run_side_by_side(cls: str, params: dict[str, Any], kind: str, lrs: list[float], steps: int) -> None:
    a, b, oa, ob = build_pair(cls, params, kind, lrs)
    # SGD momentum is cycled by us and not by DeepSpeed (documented difference)
    mom = not (cls == "OneCycle" and kind == "sgd")
    assert_same_groups(oa, ob, f"{cls}{params} k=0", momentum=mom)
    np.testing.assert_allclose(b.get_lr(), a.get_lr(), rtol=RTOL)
    for k in range(1, steps + 1):
        a.step()
        b.step()
        assert_same_groups(oa, ob, f"{cls}{params} k={k}", momentum=mom)
    np.testing.assert_allclose(b.get_last_lr(), a.get_last_lr(), rtol=RTOL)
    if cls == "OneCycle" and kind == "adam":
        ma, mb = a.get_mom(), b.get_mom()
        assert (ma is None) == (mb is None)
        if ma is not None:
            np.testing.assert_allclose(mb, ma, rtol=RTOL)
    assert b.state_dict() == a.state_dict()


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("seed", range(12))
def test_random_side_by_side(cls: str, seed: int) -> None:
    rng = random.Random(hash((cls, seed)) & 0xFFFF)
    n = rng.choice([1, 1, 2, 3])
    kind = rng.choice(["sgd", "adam"])
    lrs = [rng.uniform(1e-4, 1e-1) for _ in range(n)]
    params, steps = random_params(cls, rng, n)
    run_side_by_side(cls, params, kind, lrs, min(steps, 450))


@pytest.mark.parametrize("cls", CLASSES)
def test_many_sets_pure_get_lr(cls: str) -> None:
    """Hundreds of sets: DeepSpeed's get_lr at every t vs our per-group schedules."""
    rng = random.Random(1234)
    for _ in range(80):
        n = rng.choice([1, 2])
        lrs = [rng.uniform(1e-4, 1e-1) for _ in range(n)]
        params, steps = random_params(cls, rng, n)
        a, b, _, _ = build_pair(cls, params, "adam", lrs)
        ks = sorted({0, 1, 2, steps // 2, steps - 1, steps, steps + 7, *rng.sample(range(steps + 50), 40)})
        for k in ks:
            a.last_batch_iteration = b.last_batch_iteration = k - 1
            np.testing.assert_allclose(b.get_lr(), a.get_lr(), rtol=RTOL, err_msg=f"{cls}{params} k={k}")


@pytest.mark.parametrize("cls", CLASSES)
def test_per_group_values_all_distinct(cls: str) -> None:
    """2-3 groups, every per-group parameter a list of different values, different group LRs.

    Each group's LR (and beta1) must be DeepSpeed's for *that* group, through
    the adapter and through the pure per-group schedules
    (``schedule_from_ds``/``momentum_from_ds`` with ``group=g``): reading any
    per-group value (or the base LR) from group 0 fails here.
    """
    import lrcurves
    from lrcurves.compat.deepspeed import momentum_from_ds, schedule_from_ds

    rng = random.Random(hash(("groups", cls)) & 0xFFFF)
    for i in range(max(4, SETS // 2)):
        n = rng.choice([2, 3])
        lrs = _distinct(n, lambda: rng.uniform(1e-4, 1e-1))
        params, steps = random_params(cls, rng, n, force=True)
        if cls == "WarmupLR" and i % 3 == 0:
            params["warmup_max_lr"] = None  # the peak is each group's own LR
        for key in PER_GROUP[cls]:
            v = params[key]
            assert v is None or (isinstance(v, list) and len(set(v)) == n), (key, v)
        steps = min(steps, 260)
        a, b, oa, ob = build_pair(cls, params, "adam", lrs)
        lr_ref, mom_ref = [[float(g["lr"]) for g in oa.param_groups]], [[g["betas"][0] for g in oa.param_groups]]
        assert_same_groups(oa, ob, f"{cls}{params} k=0")
        for k in range(1, steps + 1):
            a.step()
            b.step()
            assert_same_groups(oa, ob, f"{cls}{params} lrs={lrs} k={k}")
            lr_ref.append([float(g["lr"]) for g in oa.param_groups])
            mom_ref.append([g["betas"][0] for g in oa.param_groups])
        lr_ref_a, mom_ref_a = np.asarray(lr_ref), np.asarray(mom_ref)
        assert len({tuple(col) for col in lr_ref_a.T}) == n, "groups must differ"
        for g in range(n):
            s = schedule_from_ds(cls, params, base_lr=lrs, group=g)
            np.testing.assert_allclose(
                lrcurves.curve(s, steps + 1), lr_ref_a[:, g], rtol=RTOL, atol=1e-300,
                err_msg=f"pure {cls}{params} lrs={lrs} group {g}",
            )
            m = momentum_from_ds(cls, params, group=g)
            if cls == "OneCycle":
                assert m is not None and s.has_momentum
                # beta1 DeepSpeed holds: cycle_min_mom at k = 0, get_mom() after
                np.testing.assert_allclose(
                    lrcurves.curve(s, steps + 1, momentum=True), mom_ref_a[:, g], rtol=RTOL,
                    err_msg=f"pure {cls} momentum group {g}",
                )
                np.testing.assert_allclose(
                    lrcurves.curve(m, steps + 1, momentum=True)[1:], mom_ref_a[1:, g], rtol=RTOL,
                    err_msg=f"momentum_from_ds {cls} group {g}",
                )


def test_state_dict_resume_matches_uninterrupted() -> None:
    rng = random.Random(7)
    for cls in CLASSES:
        for _ in range(4):
            lrs = [0.01, 0.02]
            params, steps = random_params(cls, rng, 2)
            stop = rng.randint(0, steps)
            a, b, oa, _ob = build_pair(cls, params, "adam", lrs)
            for _ in range(stop):
                a.step()
                b.step()
            sd = b.state_dict()
            assert sd == a.state_dict() == {"last_batch_iteration": stop - 1}
            # fresh optimizer built from the same config, scheduler resumed from
            # DeepSpeed's own checkpoint format
            oc = make_opt("adam", lrs)
            c = getattr(ours, cls)(oc, **params, last_batch_iteration=sd["last_batch_iteration"])
            c.load_state_dict(a.state_dict())
            for k in range(stop + 1, min(steps, stop + 60)):
                a.step()
                c.step()
                assert_same_groups(oa, oc, f"resume {cls} k={k}")


def test_explicit_step_and_get_last_lr() -> None:
    a, b, oa, ob = build_pair("WarmupLR", {"warmup_num_steps": 10}, "sgd", [0.1])
    a.step(5)
    b.step(5)
    assert b.last_batch_iteration == a.last_batch_iteration == 5
    assert_same_groups(oa, ob, "step(5)")
    a, b, oa, ob = build_pair("OneCycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0}, "adam", [0.1])
    with pytest.raises(AssertionError, match="need to call step"):
        a.get_last_lr()
    with pytest.raises(AssertionError, match="need to call step"):
        b.get_last_lr()
    np.testing.assert_allclose(b.get_mom(), a.get_mom(), rtol=RTOL)  # max_mom before the first step
    assert ob.param_groups[0]["betas"] == oa.param_groups[0]["betas"] == (0.8, 0.99)


def test_wrapped_optimizer_and_type_error() -> None:
    class Wrapper:
        def __init__(self, o: Any) -> None:
            self.optimizer = o

    opt = make_opt("adam", [0.1])
    s = ours.WarmupLR(Wrapper(opt), warmup_num_steps=4)
    assert s.optimizer is opt
    with pytest.raises(TypeError, match=r"is not a subclass of torch\.optim\.Optimizer"):
        ours.WarmupLR(object())


def test_tensor_lr_filled_in_place() -> None:
    params = {"total_num_steps": 20, "warmup_num_steps": 5, "warmup_min_ratio": 0.1}
    a, b, oa, ob = build_pair("WarmupCosineLR", params, "adam", [0.1, 0.2], tensor_lr=True)
    ta = [g["lr"] for g in ob.param_groups]
    for _ in range(12):
        a.step()
        b.step()
        assert_same_groups(oa, ob, "tensor")
    assert all(g["lr"] is t for g, t in zip(ob.param_groups, ta, strict=True))
    assert all(x is t for x, t in zip(b.get_last_lr(), ta, strict=True))


@pytest.mark.parametrize(
    ("cls", "params"),
    [
        ("LRRangeTest", {"lr_range_test_min_lr": [0.1, 0.2, 0.3]}),
        ("OneCycle", {"cycle_min_lr": [0.1], "cycle_max_lr": 1.0}),
        ("OneCycle", {"cycle_min_lr": 0.1, "cycle_max_lr": [1.0, 2.0, 3.0]}),
        ("WarmupLR", {"warmup_min_lr": [0.0, 0.0, 0.0]}),
        ("WarmupLR", {"warmup_max_lr": [0.1]}),
        ("WarmupDecayLR", {"total_num_steps": 10, "warmup_max_lr": (0.1, 0.2, 0.3)}),
    ],
)
def test_group_length_check_same_message(cls: str, params: dict[str, Any]) -> None:
    msgs = []
    for mod in (ds_mod, ours):
        with pytest.raises(ValueError) as ei:
            getattr(mod, cls)(make_opt("adam", [0.1, 0.2]), **params)
        msgs.append(str(ei.value))
    assert msgs[0] == msgs[1]


def test_signatures_match_deepspeed() -> None:
    import inspect

    for cls in CLASSES:
        sa = inspect.signature(getattr(ds_mod, cls).__init__)
        sb = inspect.signature(getattr(ours, cls).__init__)
        da = [(n, p.default) for n, p in sa.parameters.items()]
        db = [(n, p.default) for n, p in sb.parameters.items()]
        assert da == db, cls
        assert not isinstance(getattr(ours, cls), torch.optim.lr_scheduler.LRScheduler)


def test_quirk_vectors() -> None:
    """semantics.md section 6 vectors (DeepSpeed 0.19.8), through the adapter."""

    def lrs(cls: str, params: dict[str, Any], n: int, kind: str = "adam") -> list[float]:
        opt = make_opt(kind, [1.0])
        s = getattr(ours, cls)(opt, **params)
        out = [float(opt.param_groups[0]["lr"])]
        for _ in range(n):
            s.step()
            out.append(float(opt.param_groups[0]["lr"]))
        return out

    assert lrs("WarmupLR", {"warmup_max_lr": 1.0, "warmup_num_steps": 4, "warmup_type": "linear"}, 7) == [
        0, 0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0
    ]
    wc = lrs("WarmupCosineLR", {"total_num_steps": 10, "warmup_num_steps": 4, "warmup_min_ratio": 0.1, "cos_min_ratio": 0.0}, 12)
    assert wc[0] == 0.0 and wc[1] == pytest.approx(0.1) and wc[5] == pytest.approx(0.9330127018922194)
    assert lrs("OneCycle", {"cycle_min_lr": 0, "cycle_max_lr": 1, "cycle_first_step_size": 4, "cycle_first_stair_count": 2}, 8)[
        1:
    ] == [0, 0.5, 0.5, 1.0, 0.5, 0.5, 0.0, 0.0]


# --- differences from DeepSpeed (one test each; see the module docstring) ---


def test_difference_sgd_momentum_is_cycled() -> None:
    p = {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0, "cycle_first_step_size": 4}
    a, b, oa, ob = build_pair("OneCycle", p, "sgd", [0.1])
    assert a.get_mom() is None  # DeepSpeed: silently not cycled
    assert oa.param_groups[0]["momentum"] == 0.9
    assert ob.param_groups[0]["momentum"] == 0.8  # cycle_min_mom at construction, as for betas
    b.step()
    assert ob.param_groups[0]["momentum"] == pytest.approx(0.875)
    assert b.get_mom() == [pytest.approx(0.875)]


def test_difference_optimizer_without_momentum_warns() -> None:
    opt = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.warns(UserWarning, match="cycle_momentum is disabled"):
        s = ours.OneCycle(opt, 0.1, 1.0)
    assert s.get_mom() is None


def test_difference_decay_mom_rate_rejected() -> None:
    p = {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0, "decay_step_size": 2, "decay_mom_rate": 0.1}
    a = ds_mod.OneCycle(make_opt("adam", [0.1]), **p)
    a.last_batch_iteration = 4040
    assert a.get_mom()[0][0] > 1.0  # DeepSpeed: beta1 > 1
    with pytest.raises(ValueError, match="decay_mom_rate"):
        ours.OneCycle(make_opt("adam", [0.1]), **p)
    ours.OneCycle(make_opt("adam", [0.1]), **p, cycle_momentum=False)  # fine without momentum


def test_difference_unknown_warmup_type_rejected() -> None:
    ds_mod.WarmupLR(make_opt("adam", [0.1]), warmup_type="cosine")  # DeepSpeed: warning, uses log
    with pytest.raises(ValueError, match="warmup_type"):
        ours.WarmupLR(make_opt("adam", [0.1]), warmup_type="cosine")


def test_difference_integral_floats_accepted() -> None:
    with pytest.raises(ValueError):
        ds_mod.WarmupLR(make_opt("adam", [0.1]), warmup_num_steps=1e3)
    a = ds_mod.WarmupLR(make_opt("adam", [0.1]), warmup_num_steps=1000)
    b = ours.WarmupLR(make_opt("adam", [0.1]), warmup_num_steps=1e3)
    a.last_batch_iteration = b.last_batch_iteration = 500
    assert b.get_lr() == pytest.approx(a.get_lr(), rel=RTOL)
    with pytest.raises(ValueError, match="must be an integer"):
        ours.WarmupDecayLR(make_opt("adam", [0.1]), total_num_steps=2.5)


@pytest.mark.parametrize(
    ("cls", "params", "match"),
    [
        ("LRRangeTest", {"lr_range_test_step_rate": -1.0}, "step_rate"),
        ("LRRangeTest", {"lr_range_test_min_lr": -1e-3}, "min_lr"),
        ("OneCycle", {"cycle_min_lr": 1.0, "cycle_max_lr": 0.1}, "cycle_min_lr must be <="),
        ("OneCycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0, "decay_lr_rate": -0.5, "decay_step_size": 3}, "decay_lr_rate"),
        ("OneCycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0, "cycle_max_mom": 1.5}, "cycle_max_mom"),
        ("OneCycle", {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0, "cycle_second_step_size": 0}, "cycle_second_step_size"),
        ("WarmupLR", {"warmup_max_lr": -0.1}, "warmup_max_lr"),
        ("WarmupCosineLR", {"total_num_steps": 10, "cos_min_ratio": -0.1}, "cos_min_ratio"),
    ],
)
def test_difference_invalid_values_rejected(cls: str, params: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        getattr(ours, cls)(make_opt("adam", [0.1]), **params)


def test_difference_negative_iteration_is_construction_value() -> None:
    a, b, _, _ = build_pair("LRRangeTest", {"lr_range_test_step_size": 4}, "adam", [0.1])
    a.step(-3)
    b.step(-3)
    assert b.get_last_lr() == [1e-3]
    assert a.get_last_lr()[0] < 1e-3  # DeepSpeed extrapolates


@pytest.mark.parametrize("invalid", [0, -1, 2.5, "x"])
@pytest.mark.parametrize("name", ["warmup_num_steps", "lr_range_test_step_size", "cycle_first_step_size"])
def test_error_bad_step_counts(name: str, invalid: Any) -> None:
    cls = {"warmup_num_steps": "WarmupLR", "lr_range_test_step_size": "LRRangeTest"}.get(name, "OneCycle")
    extra = {"cycle_min_lr": 0.1, "cycle_max_lr": 1.0} if cls == "OneCycle" else {}
    with pytest.raises((ValueError, TypeError), match=name):
        getattr(ours, cls)(make_opt("adam", [0.1]), **extra, **{name: invalid})


def test_deepspeed_engine_uses_our_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    """deepspeed.initialize(..., lr_scheduler=ours) on CPU (gloo, one process)."""
    import os

    deepspeed = pytest.importorskip("deepspeed")
    # monkeypatch restores them: a LOCAL_RANK left behind would make later
    # tests in this worker (HF Trainer/accelerate) believe they are distributed
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(29500 + os.getpid() % 1000))
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    try:
        deepspeed.init_distributed(dist_backend="gloo")
        model = torch.nn.Linear(3, 1)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        sched = ours.OneCycle(opt, 1e-3, 1e-2, cycle_first_step_size=3)
        cfg = {"train_batch_size": 1, "zero_optimization": {"stage": 0}}
        engine, _, _, lr_s = deepspeed.initialize(model=model, optimizer=opt, lr_scheduler=sched, config=cfg)
    except Exception as exc:
        pytest.skip(f"DeepSpeed engine cannot start on this CPU machine: {type(exc).__name__}: {exc}")
    assert lr_s is sched
    ref = ds_mod.OneCycle(make_opt("adam", [0.01]), 1e-3, 1e-2, cycle_first_step_size=3)
    for _ in range(8):
        loss = engine(torch.ones(1, 3)).sum()
        engine.backward(loss)
        engine.step()
        ref.step()
        np.testing.assert_allclose(engine.get_lr(), ref.get_last_lr(), rtol=RTOL)
        np.testing.assert_allclose(engine.optimizer.param_groups[0]["betas"], ref.optimizer.param_groups[0]["betas"], rtol=RTOL)
    assert engine.lr_scheduler.state_dict() == ref.state_dict()
    if torch.distributed.is_initialized():  # leave the worker as we found it
        torch.distributed.destroy_process_group()


def test_onecycle_optimizer_without_momentum_slot_only_warns_with_decay_mom_rate() -> None:
    """Like DeepSpeed: no betas and no momentum -> a warning, LRs still scheduled."""
    import warnings

    import torch
    from lrcurves.adapters.deepspeed import OneCycle

    p = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.Adagrad([p], lr=0.1)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sch = OneCycle(
            opt, cycle_min_lr=0.01, cycle_max_lr=0.1, cycle_first_step_size=4,
            decay_step_size=2, decay_lr_rate=0.5, decay_mom_rate=0.1,
        )
    assert any("cycle_momentum is disabled" in str(w.message) for w in rec)
    for _ in range(10):
        sch.step()
    assert opt.param_groups[0]["lr"] > 0
