"""Drop-in pytorch_optimizer 4.1.0 schedulers vs the real package, and their pure schedules."""

from __future__ import annotations

import copy
import os
import random
import warnings
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
R = pytest.importorskip("pytorch_optimizer.lr_scheduler")

import lrcurves.adapters.pytorch_optimizer as A  # noqa: E402

import lrcurves  # noqa: E402
from lrcurves.compat import pytorch_optimizer as po  # noqa: E402

RTOL, ATOL = 1e-12, 1e-15
RNG = np.random.default_rng(20264)
#: random parameter sets per scheduler in the pure-vs-real test (raise for longer runs)
SETS = int(os.environ.get("LRCURVES_PARITY_SETS", "24"))


def _opt(groups: int) -> torch.optim.Optimizer:
    return torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)], lr=0.1
    )


def _run(make, steps: int, groups: int) -> np.ndarray:
    o = _opt(groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = make(o)
        out = [[g["lr"] for g in o.param_groups]]
        for _ in range(steps):
            o.step()
            s.step()
            out.append([g["lr"] for g in o.param_groups])
    return np.asarray(out, dtype=np.float64)


def _same(make_ref, make_ours, steps: int, groups: int) -> np.ndarray:
    a, b = _run(make_ref, steps, groups), _run(make_ours, steps, groups)
    np.testing.assert_allclose(b, a, rtol=RTOL, atol=ATOL * max(1.0, float(np.abs(a).max())))
    return b


def _base_params() -> dict:
    w = int(RNG.integers(0, 40))
    mx = float(RNG.uniform(1e-4, 1.0))
    return {
        "t_max": w + int(RNG.integers(1, 400)),
        "max_lr": mx,
        "min_lr": float(RNG.uniform(0, mx)),
        "init_lr": float(RNG.uniform(0, mx)),
        "warmup_steps": w,
    }


# ---------------------------------------------------------------------------
# side by side


@pytest.mark.parametrize("cls", ["LinearScheduler", "PolyScheduler"])
def test_base_schedulers_match(cls: str) -> None:
    for i in range(40):
        p = _base_params()
        if cls == "PolyScheduler":
            p["poly_order"] = float(RNG.uniform(0.1, 3.0))
        # the original goes below min_lr (Linear) or ignores t_max (Poly) past t_max
        steps = p["t_max"] + 1
        _same(lambda o, p=p: getattr(R, cls)(o, **p), lambda o, p=p: getattr(A, cls)(o, **p), steps, 1 + i % 3)


def test_cosine_scheduler_matches_including_rise() -> None:
    for i in range(40):
        p = _base_params()
        steps = 2 * p["t_max"] + 30  # the rise past t_max is kept
        _same(lambda o, p=p: R.CosineScheduler(o, **p), lambda o, p=p: A.CosineScheduler(o, **p), steps, 1 + i % 3)


def test_rex_matches() -> None:
    for i in range(50):
        mx = float(RNG.uniform(0, 2))
        p = {"total_steps": int(RNG.integers(0, 500)), "max_lr": mx, "min_lr": float(RNG.uniform(0, 2))}
        _same(lambda o, p=p: R.REXScheduler(o, **p), lambda o, p=p: A.REXScheduler(o, **p), p["total_steps"] + 20, 1 + i % 3)


def test_cawr_matches() -> None:
    for i in range(50):
        f = int(RNG.integers(1, 60))
        p = {
            "first_cycle_steps": f,
            "cycle_mult": float(RNG.choice([1.0, float(RNG.uniform(1.0, 2.5))])),
            "max_lr": float(RNG.uniform(1e-4, 1)),
            "min_lr": float(RNG.uniform(0, 1e-4)),
            "warmup_steps": int(RNG.choice([0, int(RNG.integers(0, f))])),
            "gamma": float(RNG.uniform(0.3, 1.0)),
        }
        _same(
            lambda o, p=p: R.CosineAnnealingWarmupRestarts(o, **p),
            lambda o, p=p: A.CosineAnnealingWarmupRestarts(o, **p),
            600,
            1 + i % 3,
        )


def test_cawr_explicit_epoch_and_defaults() -> None:
    for w in (0, 3):
        ro, oo = _opt(2), _opt(2)
        r = R.CosineAnnealingWarmupRestarts(ro, 10, 1.5, warmup_steps=w)
        s = A.CosineAnnealingWarmupRestarts(oo, 10, 1.5, warmup_steps=w)
        for e in (0, 4, 25, 3, 60, 11):
            r.step(e)
            s.step(e)
            assert [g["lr"] for g in oo.param_groups] == pytest.approx([g["lr"] for g in ro.param_groups], rel=RTOL)
            assert s.last_epoch == r.last_epoch


@pytest.mark.parametrize("cooldown", po.COOLDOWN_TYPES)
def test_wsd_matches(cooldown: str) -> None:
    for i in range(12):
        nc = 0.5 if i % 2 == 0 or cooldown != "cosine" else float(RNG.uniform(-2, 2))
        p = {
            "num_warmup_steps": int(RNG.integers(0, 30)),
            "num_stable_steps": int(RNG.integers(0, 30)),
            "num_decay_steps": int(RNG.integers(0, 60)),
            "min_lr_ratio": float(RNG.uniform(0, 0.5)),
            "num_cycles": nc,
            "cooldown_type": cooldown,
        }
        _same(lambda o, p=p: R.get_wsd_schedule(o, **p), lambda o, p=p: A.get_wsd_schedule(o, **p), 130, 1 + i % 3)


def test_chebyshev_matches() -> None:
    for e in [1, 2, 3, 4, 5, 8, 9, 16, 17, 100, 257]:
        _same(lambda o, e=e: R.get_chebyshev_schedule(o, e), lambda o, e=e: A.get_chebyshev_schedule(o, e), 300, 2)
        _same(
            lambda o, e=e: R.get_chebyshev_schedule(o, e, True), lambda o, e=e: A.get_chebyshev_schedule(o, e, True), 5, 2
        )
        np.testing.assert_allclose(A.get_chebyshev_perm_steps(e), R.get_chebyshev_perm_steps(e), rtol=RTOL)


def test_chebyshev_functional_3x() -> None:
    from pytorch_optimizer.lr_scheduler.chebyshev import get_chebyshev_lr_lambda

    for e in (1, 3, 16, 40):
        for k in range(0, 60, 3):
            assert A.get_chebyshev_lr(0.1, k, e) == pytest.approx(0.1 * get_chebyshev_lr_lambda(k, e), rel=RTOL)
    assert A.get_chebyshev_lr(0.1, 5, 16, is_warmup=True) == 0.1


# ---------------------------------------------------------------------------
# pure schedules and from_config directly against the real package


def _opt_lrs(lrs: list[float]) -> torch.optim.Optimizer:
    return torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=lrs[0])


def _real_lrs(make: Any, lrs: list[float], steps: int) -> np.ndarray:
    """The real scheduler's LR of every group after k = 0 .. steps step() calls."""
    o = _opt_lrs(lrs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = make(o)
        out = [[float(g["lr"]) for g in o.param_groups]]
        for _ in range(steps):
            o.step()
            s.step()
            out.append([float(g["lr"]) for g in o.param_groups])
    return np.asarray(out, dtype=np.float64)


def _drop(rng: random.Random, p: dict[str, Any], optional: tuple[str, ...]) -> dict[str, Any]:
    """Leave each optional argument out 30% of the time: both sides then use their defaults."""
    return {k: v for k, v in p.items() if k not in optional or rng.random() >= 0.3}


def _gen_real(name: str, rng: random.Random) -> tuple[dict[str, Any], int, Any, bool]:
    """(params, steps, real constructor, per-group base_lr) for one random set."""
    if name in ("linear", "cosine", "poly"):
        w = rng.choice([0, rng.randint(0, 40)])
        mx = rng.uniform(1e-4, 1.0)
        p = {"t_max": w + rng.randint(1, 400), "max_lr": mx, "min_lr": rng.choice([0.0, rng.uniform(0, mx)]),
             "init_lr": rng.choice([0.0, rng.uniform(0, mx)]), "warmup_steps": w}
        optional = ("min_lr", "init_lr", "warmup_steps")
        if name == "poly":
            p["poly_order"] = rng.choice([0.5, 1.0, 2.0, rng.uniform(0.1, 3.0)])
            optional += ("poly_order",)
        p = _drop(rng, p, optional)
        cls = {"linear": R.LinearScheduler, "cosine": R.CosineScheduler, "poly": R.PolyScheduler}[name]
        # past t_max the original goes negative (linear) or grows without end (poly)
        steps = 2 * p["t_max"] + 30 if name == "cosine" else p["t_max"] + 1
        return p, steps, lambda o, p=p, cls=cls: cls(o, **p), False
    if name == "rex":
        p = _drop(rng, {"total_steps": rng.randint(0, 500), "max_lr": rng.uniform(0, 2), "min_lr": rng.uniform(0, 2)},
                  ("max_lr", "min_lr"))
        return p, p["total_steps"] + 20, lambda o, p=p: R.REXScheduler(o, **p), False
    if name == "cosine_annealing_with_warmup":
        f = rng.randint(1, 80)
        p = {"first_cycle_steps": f, "cycle_mult": rng.choice([1.0, rng.uniform(1.0, 2.5)]),
             "max_lr": rng.uniform(1e-4, 1), "min_lr": rng.uniform(0, 1e-4),
             "warmup_steps": rng.choice([0, rng.randint(0, f - 1)]), "gamma": rng.uniform(0.3, 1.0)}
        p = _drop(rng, p, ("cycle_mult", "max_lr", "min_lr", "warmup_steps", "gamma"))
        return p, 500, lambda o, p=p: R.CosineAnnealingWarmupRestarts(o, **p), False
    if name == "warmup_stable_decay":
        p = {"num_warmup_steps": rng.randint(0, 40), "num_stable_steps": rng.randint(0, 40),
             "num_decay_steps": rng.randint(0, 80), "min_lr_ratio": rng.uniform(0, 0.5),
             "num_cycles": rng.choice([0.5, rng.uniform(-2, 2)]), "cooldown_type": rng.choice(po.COOLDOWN_TYPES)}
        p = _drop(rng, p, ("min_lr_ratio", "num_cycles", "cooldown_type"))
        return p, 200, lambda o, p=p: R.get_wsd_schedule(o, **p), True
    assert name == "chebyshev"
    p = _drop(rng, {"num_epochs": rng.choice([1, 2, 3, 4, rng.randint(1, 300)]), "is_warmup": rng.random() < 0.15},
              ("is_warmup",))
    return p, 320, lambda o, p=p: R.get_chebyshev_schedule(o, **p), True


_PURE_NAMES = ("linear", "cosine", "poly", "rex", "cosine_annealing_with_warmup", "warmup_stable_decay", "chebyshev")


@pytest.mark.parametrize("name", _PURE_NAMES)
def test_pure_and_from_config_vs_real(name: str) -> None:
    """``po.schedule(name, ...)`` and ``from_config`` against the real scheduler, no adapter in between.

    1-3 param groups with different LRs; optional arguments are left out at
    random, so a default of the pure path that differs from the original's fails.
    """
    rng = random.Random(hash(("pure", name)) & 0xFFFF)
    for _ in range(SETS):
        p, steps, make, per_group = _gen_real(name, rng)
        lrs = [0.1 * (i + 1) * rng.uniform(0.5, 1.5) for i in range(rng.choice([1, 2, 3]))]
        want = _real_lrs(make, lrs, steps)
        for g, lr in enumerate(lrs):
            extra = {"base_lr": lr} if per_group else {}
            s = po.schedule(name, **p, **extra)
            fc = lrcurves.from_config({"pytorch_optimizer": name, "params": p}, **extra)
            assert fc == s
            atol = ATOL * max(1.0, float(np.abs(want[:, g]).max()))
            np.testing.assert_allclose(lrcurves.curve(s, steps + 1), want[:, g], rtol=RTOL, atol=atol, err_msg=f"pure {name} {p} lr={lr}")
            np.testing.assert_allclose(fc(np.arange(steps + 1)), want[:, g], rtol=RTOL, atol=atol, err_msg=f"from_config {name} {p}")


def test_spec_vectors() -> None:
    o = _opt(1)
    s = A.LinearScheduler(o, t_max=10, max_lr=1e-2, min_lr=1e-4, init_lr=1e-3, warmup_steps=5)
    assert o.param_groups[0]["lr"] == 1e-4 and s.get_lr() == 1e-3
    assert [s.step() for _ in range(2)] == pytest.approx([1e-3, 2.8e-3], rel=RTOL)
    o = _opt(1)
    r = A.REXScheduler(o, total_steps=5)
    assert o.param_groups[0]["lr"] == 0.0 and r.get_lr() == 1.0
    assert [r.step() for _ in range(6)] == pytest.approx([0.8 / 0.9, 0.75, 0.5714285714285715, 1 / 3, 0.0, 0.0])
    assert po.chebyshev(16).value(0) == pytest.approx(19.125119558059765, rel=RTOL)
    assert po.chebyshev(16).value(17) == pytest.approx(1.335267780289186, rel=RTOL)


def test_proportion_matches() -> None:
    negative = 0
    for _i in range(30):
        p = _base_params()
        q = {"max_lr": p["max_lr"], "min_lr": p["min_lr"], "max_value": float(RNG.uniform(0, 3)), "min_value": float(RNG.uniform(0, 3))}
        ro, oo = _opt(1), _opt(1)
        rl, ol = R.LinearScheduler(ro, **p), A.LinearScheduler(oo, **p)
        rp = R.ProportionScheduler(rl, **q)
        ref = [rp.get_lr()]
        for _ in range(p["t_max"]):
            rl.step()
            ref.append(rp.step())
        if min(ref) < 0:
            # the original extrapolates to a negative rho (it reads init_lr < min_lr
            # right after construction): a documented ValueError here
            negative += 1
            with pytest.raises(ValueError, match="negative"):
                A.ProportionScheduler(ol, **q)
            continue
        op = A.ProportionScheduler(ol, **q)
        got = [op.get_lr()]
        for _ in range(p["t_max"]):
            ol.step()
            got.append(op.step())
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    assert 0 < negative < 30
    # torch schedulers: reads the optimizer's lr
    o1, o2 = _opt(1), _opt(1)
    t1, t2 = torch.optim.lr_scheduler.StepLR(o1, 3), torch.optim.lr_scheduler.StepLR(o2, 3)
    assert R.ProportionScheduler(t1, 0.1, 0.0, 2.0, 1.0).get_lr() == A.ProportionScheduler(t2, 0.1, 0.0, 2.0, 1.0).get_lr()
    assert A.ProportionScheduler(t2, 0.1, 0.1, 5.0, 1.0).get_lr() == 5.0


def test_deberta_groups_exact() -> None:
    model = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(10)])
    model.add_module("LayerNorm", torch.nn.LayerNorm(2))
    kw = {"layer_low_threshold": 5, "layer_middle_threshold": 12, "head_param_start": 18}
    ref = R.deberta_v3_large_lr_scheduler(model, **kw)
    ours = A.deberta_v3_large_lr_scheduler(model, **kw)
    assert len(ours) == len(ref)
    for g, h in zip(ours, ref, strict=True):
        assert set(g) == set(h)
        assert {k: v for k, v in g.items() if k != "params"} == {k: v for k, v in h.items() if k != "params"}
        gp = g["params"] if isinstance(g["params"], list) else [g["params"]]
        hp = h["params"] if isinstance(h["params"], list) else [h["params"]]
        assert [id(x) for x in gp] == [id(x) for x in hp]
    assert sorted({g["lr"] for g in A.deberta_v3_large_lr_scheduler(model)}) == sorted({1e-4, 2e-5 / 2.5})


def test_registry_names_and_classes() -> None:
    assert A.get_supported_lr_schedulers() == R.get_supported_lr_schedulers()
    for pat in ("*cosine*", ["r*", "c*"], "zzz"):
        assert A.get_supported_lr_schedulers(pat) == R.get_supported_lr_schedulers(pat)
    for name in R.get_supported_lr_schedulers():
        ref, ours = R.load_lr_scheduler(name.upper()), A.load_lr_scheduler(name.upper())
        if ref.__module__.startswith("torch"):
            assert ours is ref
        else:
            assert ours.__name__ == ref.__name__
    with pytest.raises(NotImplementedError, match="not implemented lr_scheduler nope"):
        A.load_lr_scheduler("nope")
    assert issubclass(A.REXScheduler, torch.optim.lr_scheduler.LRScheduler)
    assert issubclass(A.CosineAnnealingWarmupRestarts, torch.optim.lr_scheduler.LRScheduler)
    assert not isinstance(A.LinearScheduler(_opt(1), 5, 1.0), torch.optim.lr_scheduler.LRScheduler)
    assert isinstance(A.get_wsd_schedule(_opt(1), 1, 1, 1), torch.optim.lr_scheduler.LambdaLR)


# ---------------------------------------------------------------------------
# save / restore


def _resume(make, steps: int, cut: int) -> None:
    o1 = _opt(2)
    s1 = make(o1)
    full = []
    for _ in range(steps):
        s1.step()
        full.append([g["lr"] for g in o1.param_groups])
    o2 = _opt(2)
    s2 = make(o2)
    for _ in range(cut):
        s2.step()
    state = copy.deepcopy(s2.state_dict())
    o3 = _opt(2)
    s3 = make(o3)
    s3.load_state_dict(state)
    got = full[:cut]
    for _ in range(steps - cut):
        s3.step()
        got.append([g["lr"] for g in o3.param_groups])
    np.testing.assert_allclose(got, full, rtol=0, atol=0)


def test_save_restore() -> None:
    makers = [
        lambda o: A.LinearScheduler(o, 50, 1.0, 0.1, 0.2, 5),
        lambda o: A.PolyScheduler(o, t_max=50, max_lr=1.0, warmup_steps=3),
        lambda o: A.REXScheduler(o, 40, 1.0, 0.1),
        lambda o: A.CosineAnnealingWarmupRestarts(o, 7, 1.5, 1.0, 0.01, 2),
        lambda o: A.CosineAnnealingWarmupRestarts(o, 7, 1.0, 1.0, 0.01, 0),
        lambda o: A.get_wsd_schedule(o, 5, 5, 20, 0.1),
        lambda o: A.get_chebyshev_schedule(o, 20),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for make in makers:
            for cut in RNG.integers(0, 60, size=4):
                _resume(make, 60, int(cut))


# ---------------------------------------------------------------------------
# pure schedules: numpy, jax.jit, config round trip


def _drop_in_curve(make, steps: int) -> np.ndarray:
    return _run(make, steps, 1)[:, 0]


def _pure_cases() -> list[tuple[str, dict, object]]:
    cases: list[tuple[str, dict, object]] = [
        ("linear", {"t_max": 30, "max_lr": 1.0, "min_lr": 0.1, "init_lr": 0.2, "warmup_steps": 5}, lambda o: A.LinearScheduler(o, 30, 1.0, 0.1, 0.2, 5)),
        ("poly", {"t_max": 30, "max_lr": 1.0, "min_lr": 0.1, "warmup_steps": 5, "poly_order": 0.7}, lambda o: A.PolyScheduler(o, 0.7, t_max=30, max_lr=1.0, min_lr=0.1, warmup_steps=5)),
        ("rex", {"total_steps": 30, "max_lr": 1.0, "min_lr": 0.1}, lambda o: A.REXScheduler(o, 30, 1.0, 0.1)),
        ("cosine_annealing_with_warmup", {"first_cycle_steps": 9, "cycle_mult": 1.5, "max_lr": 1.0, "min_lr": 0.01, "warmup_steps": 0}, lambda o: A.CosineAnnealingWarmupRestarts(o, 9, 1.5, 1.0, 0.01, 0)),
        ("cosine_annealing_with_warmup", {"first_cycle_steps": 9, "max_lr": 1.0, "min_lr": 0.01, "warmup_steps": 4}, lambda o: A.CosineAnnealingWarmupRestarts(o, 9, 1.0, 1.0, 0.01, 4)),
        ("warmup_stable_decay", {"num_warmup_steps": 4, "num_stable_steps": 5, "num_decay_steps": 9, "min_lr_ratio": 0.1}, lambda o: A.get_wsd_schedule(o, 4, 5, 9, 0.1)),
        ("chebyshev", {"num_epochs": 16}, lambda o: A.get_chebyshev_schedule(o, 16)),
    ]
    cases.append(("cosine", {"t_max": 30, "max_lr": 1.0, "min_lr": 0.1, "warmup_steps": 5}, lambda o: A.CosineScheduler(o, 30, 1.0, 0.1, 0.0, 5)))
    return cases


def test_pure_numpy_and_config() -> None:
    for name, params, make in _pure_cases():
        s = po.schedule(name, **params)
        ref = _drop_in_curve(make, 80)
        if name in ("warmup_stable_decay", "chebyshev"):
            ref = ref / 0.1  # LambdaLR multiplies the group's base lr (0.1)
        np.testing.assert_allclose(lrcurves.curve(s, 81), ref, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s(np.arange(81)), ref, rtol=1e-12, atol=1e-15)
        assert lrcurves.from_config(s.to_config()) == s
        assert lrcurves.from_config({"pytorch_optimizer": name, "params": params}) == s


def test_pure_under_jax_jit() -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    for name, params, _ in _pure_cases():
        s = po.schedule(name, **params)
        got = np.asarray(jax.jit(jax.vmap(s))(jnp.arange(81)))
        np.testing.assert_allclose(got, lrcurves.curve(s, 81), rtol=2e-6, atol=1e-7)


def test_proportion_pure_and_optax() -> None:
    jax = pytest.importorskip("jax")
    lr = po.schedule("rex", total_steps=20, max_lr=1.0, min_lr=0.1)
    rho = po.schedule("proportion", lr_schedule=lr, max_lr=1.0, min_lr=0.1, max_value=0.05, min_value=0.01)
    t = np.arange(30)
    expect = 0.01 + (0.05 - 0.01) * (lr(t) - 0.1) / 0.9
    np.testing.assert_allclose(rho(t), expect, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jax.jit(rho)(jax.numpy.arange(30))), expect, rtol=1e-5)
    assert po.schedule("proportion", lr_schedule=lr, max_lr=0.5, min_lr=0.5, max_value=3.0).value(7) == 3.0
    cfg = {"pytorch_optimizer": "proportion", "params": {"lr_schedule": lr.to_config(), "max_lr": 1.0, "min_lr": 0.1, "max_value": 0.05, "min_value": 0.01}}
    assert lrcurves.from_config(cfg) == rho


# ---------------------------------------------------------------------------
# differences from the original, each pinned


def test_difference_linear_clamps_at_floor() -> None:
    o = _opt(1)
    s = A.LinearScheduler(o, t_max=10, max_lr=1e-2, min_lr=1e-4, init_lr=1e-3, warmup_steps=5)
    vals = [s.step() for _ in range(30)]
    assert min(vals) == pytest.approx(1e-4) and vals[-1] == pytest.approx(1e-4)
    ro = _opt(1)
    r = R.LinearScheduler(ro, t_max=10, max_lr=1e-2, min_lr=1e-4, init_lr=1e-3, warmup_steps=5)
    assert min(r.step() for _ in range(30)) < 0  # the original goes negative


@pytest.mark.parametrize("cls", ["LinearScheduler", "CosineScheduler"])
def test_difference_t_max_le_warmup_raises(cls: str) -> None:
    with pytest.raises(ValueError, match="t_max must be > warmup_steps"):
        getattr(A, cls)(_opt(1), t_max=5, max_lr=1.0, warmup_steps=5)
    with pytest.raises(ValueError, match="t_max must be > warmup_steps"):
        getattr(A, cls)(_opt(1), t_max=0, max_lr=1.0)


def test_difference_poly_honours_t_max() -> None:
    o = _opt(1)
    s = A.PolyScheduler(o, t_max=10, max_lr=1.0, min_lr=0.0, warmup_steps=2)
    vals = [s.step() for _ in range(30)]
    assert vals[11] == pytest.approx(8**0.5) and vals[-1] == vals[11]


def test_error_paths() -> None:
    o = _opt(1)
    for kw in ({"max_lr": -1.0}, {"min_lr": -1.0}, {"init_lr": -0.5}, {"t_max": -1}, {"warmup_steps": -1}, {"max_lr": float("nan")}):
        p = {"t_max": 10, "max_lr": 1.0, **kw}
        for cls in (A.LinearScheduler, A.CosineScheduler, A.PolyScheduler):
            with pytest.raises(ValueError):
                cls(o, **p)
    with pytest.raises(TypeError):
        A.LinearScheduler(o, t_max="10", max_lr=1.0)
    with pytest.raises(ValueError, match="poly_order must be positive"):
        A.PolyScheduler(o, poly_order=0.0, t_max=10, max_lr=1.0)
    with pytest.raises(ValueError, match="warmup_steps must be smaller than first_cycle_steps"):
        A.CosineAnnealingWarmupRestarts(o, 5, warmup_steps=5)
    for kw in ({"cycle_mult": 0.5}, {"gamma": -0.1}, {"max_lr": -1.0}, {"min_lr": -1.0}, {"first_cycle_steps": 0}):
        with pytest.raises(ValueError):
            A.CosineAnnealingWarmupRestarts(o, **{"first_cycle_steps": 10, **kw})
    for kw in ({"total_steps": -1}, {"max_lr": -1.0}, {"min_lr": -1.0}):
        with pytest.raises(ValueError):
            A.REXScheduler(o, **{"total_steps": 10, **kw})
    with pytest.raises(ValueError, match="cooldown_type"):
        A.get_wsd_schedule(o, 1, 1, 1, cooldown_type="exp")
    for args in ((-1, 1, 1), (1, -1, 1), (1, 1, -1)):
        with pytest.raises(ValueError):
            A.get_wsd_schedule(o, *args)
    with pytest.raises(ValueError, match="min_lr_ratio"):
        A.get_wsd_schedule(o, 1, 1, 1, min_lr_ratio=-0.1)
    for e in (0, -3):
        with pytest.raises(ValueError, match="num_epochs"):
            A.get_chebyshev_schedule(o, e)
        with pytest.raises(ValueError, match="num_epochs"):
            A.get_chebyshev_lr(0.1, 1, e)
    with pytest.raises(IndexError):
        A.get_chebyshev_perm_steps(0)
    with pytest.raises(ValueError):
        A.get_chebyshev_perm_steps(0)
    with pytest.raises(ValueError, match="max_lr must be >= min_lr"):
        A.ProportionScheduler(A.LinearScheduler(o, 10, 1.0), max_lr=0.1, min_lr=0.2)
    with pytest.raises(ValueError, match="no pure schedule"):
        po.schedule("step")
    with pytest.raises(ValueError, match="unknown parameter"):
        po.schedule("rex", total_steps=3, bogus=1)
    with pytest.raises(TypeError, match="must be a Schedule"):
        po.schedule("proportion", lr_schedule=0.1, max_lr=1.0)


# ---------------------------------------------------------------------------
# closed forms (no tables growing with the run length)


def _config_size(s: lrcurves.Schedule) -> int:
    import json

    return len(json.dumps(s.to_config()))


def _has_table(s: lrcurves.Schedule) -> bool:
    return '"tabulated"' in __import__("json").dumps(s.to_config())


def test_rex_and_cawr_configs_stay_small() -> None:
    n = 10**6
    rex = po.rex(total_steps=n, max_lr=1.0, min_lr=0.01)
    cawr = po.cosine_annealing_with_warmup(first_cycle_steps=n, cycle_mult=1.5, max_lr=1.0, min_lr=0.01, warmup_steps=0)
    cawr_w = po.cosine_annealing_with_warmup(first_cycle_steps=n, max_lr=1.0, warmup_steps=10)
    for s in (rex, cawr, cawr_w):
        assert _config_size(s) < 2000 and not _has_table(s)
        assert lrcurves.from_config(s.to_config()) == s
    core = lrcurves.rex(1.0, decay_steps=n, end_value=0.01)
    k = np.array([1, 2, 17, n // 3, n - 1, n, n + 5])
    np.testing.assert_allclose(rex(k), core(k), rtol=1e-12)
    assert rex.value(0) == 0.01 and cawr.value(0) == 0.01


@pytest.mark.parametrize("order", [0.5, 1.0, 2.0])
def test_poly_closed_form_orders_match(order: float) -> None:
    for i in range(12):
        p = _base_params()
        p["poly_order"] = order
        s = po.poly(**p)
        assert not _has_table(s)
        _same(lambda o, p=p: R.PolyScheduler(o, **p), lambda o, p=p: A.PolyScheduler(o, **p), p["t_max"] + 1, 1 + i % 2)


@pytest.mark.parametrize("order", [0.7, 1.3, 3.0])
def test_poly_any_order_is_closed_form(order: float) -> None:
    s = po.poly(t_max=10**6, max_lr=1.0, min_lr=0.1, warmup_steps=10, poly_order=order)
    assert not _has_table(s) and _config_size(s) < 2000
    assert "polynomial_growth" in str(s.to_config())
    assert s.value(10**6 + 1) == pytest.approx(0.1 + 0.9 * (10**6 - 10) ** order, rel=1e-12)
    for i in range(6):
        p = _base_params()
        p["poly_order"] = order
        _same(lambda o, p=p: R.PolyScheduler(o, **p), lambda o, p=p: A.PolyScheduler(o, **p), p["t_max"] + 1, 1 + i % 2)


@pytest.mark.parametrize("nc", [1.0, 0.25, 2.0, -1.0, 0.0, 1.5, 0.3, -0.7, 1.37])
def test_wsd_cosine_any_num_cycles_is_closed_form(nc: float) -> None:
    p = {"num_warmup_steps": 5, "num_stable_steps": 7, "num_decay_steps": 24, "min_lr_ratio": 0.2, "num_cycles": nc, "cooldown_type": "cosine"}
    assert not _has_table(po.warmup_stable_decay(**p))
    _same(lambda o: R.get_wsd_schedule(o, **p), lambda o: A.get_wsd_schedule(o, **p), 60, 2)
