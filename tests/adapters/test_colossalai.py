"""Drop-in ColossalAI schedulers vs the real colossalai 0.5.0 ``lr_scheduler``.

The reference is the real package's source (``pip install --no-deps
colossalai==0.5.0``; see ``_colossal_ref.py``), run on the installed torch.
For the cosine family the reference is the same source with torch <= 2.7's
``CosineAnnealingLR`` handover restored (the documented curve; torch >= 2.8
overshoots), and the unpatched run is compared on the steps before the
handover only.  Parity: float64, rtol 1e-12 (plus an absolute 1e-14 x the LR
scale for cancellation next to zero, where torch's recursive cosine and the
closed form differ in the last bits).

``LRCURVES_PARITY_SETS`` scales the number of random parameter sets per class.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _colossal_ref as ref  # noqa: E402
import lrcurves.adapters.colossalai as cai  # noqa: E402

import lrcurves  # noqa: E402
from lrcurves.compat import colossalai as compat  # noqa: E402

SETS = int(os.environ.get("LRCURVES_PARITY_SETS", "24"))
RTOL = 1e-12
COSINE = ("CosineAnnealingWarmupLR", "FlatAnnealingLR", "FlatAnnealingWarmupLR")
PERIODIC = ("CosineAnnealingLR", *COSINE)


def _real(torch27: bool = True) -> Any:
    try:
        return ref.load(torch27)
    except ImportError as exc:
        pytest.skip(f"real ColossalAI unavailable ({exc}); install with `{ref.PIP_COMMAND}`")


# ---------------------------------------------------------------------------
# helpers


def make_opt(lrs: list[float], kind: str = "sgd") -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lrs[0], betas=(0.9, 0.999))
    return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)


def _mom(opt: torch.optim.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in opt.param_groups]


def trace(
    cls: Any, lrs: list[float], n: int, kind: str = "sgd", momentum: bool = False, **kw: Any
) -> tuple[np.ndarray, np.ndarray]:
    """LRs (and momenta) of every group for k = 0 .. n-1; n may stop early on error."""
    opt = make_opt(lrs, kind)
    out, mom = [], []
    with ref.quiet():
        s = cls(opt, **kw)
        out.append([g["lr"] for g in opt.param_groups])
        mom.append(_mom(opt))
        opt.step()
        for _ in range(n - 1):
            s.step()
            out.append([g["lr"] for g in opt.param_groups])
            mom.append(_mom(opt))
    return np.array(out, dtype=np.float64), np.array(mom, dtype=np.float64)


def close(a: np.ndarray, b: np.ndarray, scale: float, what: str = "", upto: int | None = None) -> None:
    """rtol 1e-12 (+ 1e-14 x scale) on ``[:upto]``; past it 1e-10 x scale.

    ``upto`` is the end of the first cosine period: past it torch's
    *recursive* cosine has drifted from the exact closed form by up to about
    2e-11 of the amplitude (its ratio of two ``1 + cos`` terms loses digits
    next to the minimum and the error carries over multiplicatively).
    """
    np.testing.assert_allclose(a[:upto], b[:upto], rtol=RTOL, atol=1e-14 * scale, err_msg=what)
    if upto is not None:
        np.testing.assert_allclose(a[upto:], b[upto:], rtol=0, atol=1e-10 * scale, err_msg=what + " (past T)")


def _lrs(rng: random.Random) -> list[float]:
    return [10 ** rng.uniform(-4, 0) for _ in range(rng.choice((1, 1, 2, 3)))]


# ---------------------------------------------------------------------------
# random parameter sets, per class: (kwargs, steps, compare_upto)


def _tw(rng: random.Random, tmax: int = 600) -> tuple[int, int]:
    t = rng.randint(1, tmax)
    w = rng.choice((0, rng.randint(0, t - 1), min(t - 1, rng.randint(0, 5))))
    return t, w


def _eta(rng: random.Random) -> float:
    return rng.choice((0.0, 0.0, rng.uniform(0, 1e-3), rng.uniform(0, 2.0)))


def gen(name: str, rng: random.Random) -> tuple[dict[str, Any], int]:
    if name == "CosineAnnealingLR":
        t = rng.randint(1, 600)
        return {"total_steps": t, "eta_min": _eta(rng)}, min(1500, 3 * t + 7)
    if name == "CosineAnnealingWarmupLR":
        t, w = _tw(rng)
        return {"total_steps": t, "warmup_steps": w, "eta_min": _eta(rng)}, min(1500, 3 * t + 7)
    if name == "FlatAnnealingLR":
        while True:
            t, pct = rng.randint(1, 600), rng.choice((0.0, 0.72, rng.random()))
            if t - int(t * pct) >= 1:
                return {"total_steps": t, "pct_start": pct}, min(1500, 3 * t + 7)
    if name == "FlatAnnealingWarmupLR":
        while True:
            t, w = _tw(rng)
            pct = rng.choice((0.0, 0.72, rng.random()))
            if t - w - int((t - w) * pct) >= 1:
                kw = {"total_steps": t, "warmup_steps": w, "pct_start": pct, "eta_min": _eta(rng)}
                return kw, min(1500, 3 * t + 7)
    if name == "LinearWarmupLR":
        t, w = _tw(rng, 1400)
        return {"total_steps": t, "warmup_steps": w}, t + 1
    if name == "MultiStepLR":
        t = rng.randint(1, 1500)
        ms = None if rng.random() < 0.15 else [rng.randint(0, t) for _ in range(rng.randint(0, 6))]
        return {"total_steps": t, "milestones": ms, "gamma": rng.choice((0.1, 0.0, rng.uniform(0, 1.5)))}, 1500
    if name == "MultiStepWarmupLR":
        t = rng.randint(1, 1500)
        w = rng.choice((0, rng.randint(0, 60)))
        ms = [rng.randint(0, t) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.3:
            ms.append(w)
        return {"total_steps": t, "warmup_steps": w, "milestones": ms, "gamma": rng.uniform(0, 1.2)}, 1500
    if name == "OneCycleLR":
        while True:
            t, pct = rng.randint(2, 1500), rng.choice((0.3, rng.random(), 0.0, 1.0))
            try:
                compat._one_cycle_phases(t, float(pct), False)
            except ValueError:
                continue
            bm = rng.uniform(0.5, 0.95)
            kw = {
                "total_steps": t,
                "pct_start": float(pct),
                "anneal_strategy": rng.choice(("cos", "linear")),
                "cycle_momentum": rng.random() < 0.8,
                "base_momentum": bm,
                "max_momentum": rng.uniform(bm, 0.99),
                "div_factor": rng.uniform(1.0, 100.0),
                "final_div_factor": 10 ** rng.uniform(0, 4),
            }
            return kw, t  # k = 0 .. T-1 (k = T differs by design, see test)
    if name == "PolynomialLR":
        t = rng.randint(1, 1400)
        pw = rng.choice((1.0, 0.0, rng.uniform(0.1, 3.0)))
        return {"total_steps": t, "end_lr": rng.choice((1e-4, 0.0, rng.uniform(0, 0.2))), "power": pw}, 1500
    if name == "PolynomialWarmupLR":
        t, w = _tw(rng, 1400)
        pw = rng.choice((1.0, rng.uniform(0.1, 3.0)))
        return {"total_steps": t, "warmup_steps": w, "end_lr": rng.uniform(0, 0.1), "power": pw}, 1500
    if name == "LambdaLR":
        a, b = rng.uniform(0, 2), rng.uniform(0, 0.01)
        return {"total_steps": 100, "lr_lambda": lambda k: a * math.exp(-b * k) + 0.01}, 1500
    if name == "MultiplicativeLR":
        a = rng.uniform(0, 0.01)
        return {"total_steps": 100, "lr_lambda": lambda k: 1.0 - a * (1 + math.sin(k))}, 1500
    if name == "StepLR":
        return {"total_steps": 5, "step_size": rng.randint(1, 300), "gamma": rng.choice((0.1, 0.0, rng.random()))}, 1500
    if name == "ExponentialLR":
        return {"total_steps": 5, "gamma": rng.choice((1.0, 0.0, rng.uniform(0.99, 1.0)))}, 1500
    raise AssertionError(name)


_KEEP = {"total_steps", "milestones", "lr_lambda"}


def gen_defaults(name: str, rng: random.Random) -> tuple[dict[str, Any], int]:
    """:func:`gen`, with each optional argument left out 30% of the time.

    Both sides then use their own defaults, so a default that differs from
    ColossalAI's fails the comparison.
    """
    kw, n = gen(name, rng)
    dropped = {k: v for k, v in kw.items() if k not in _KEEP and rng.random() < 0.3}
    out = {k: v for k, v in kw.items() if k not in dropped}
    if name == "OneCycleLR":
        try:
            compat._one_cycle_phases(out["total_steps"], float(out.get("pct_start", 0.3)), False)
        except ValueError:
            out["pct_start"] = kw["pct_start"]
    return out, n


def _lrs_distinct(rng: random.Random) -> list[float]:
    out: list[float] = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        v = 10 ** rng.uniform(-4, 0)
        if v not in out:
            out.append(v)
    return out


# ---------------------------------------------------------------------------
# side by side with the real package


@pytest.mark.parametrize("name", compat.CLASS_NAMES)
def test_parity_random(name: str) -> None:
    """The real package's LRs vs the drop-in (half the sets) and, for every
    set and group, the pure schedule and ``from_config`` directly."""
    real = _real(torch27=True)
    rng = random.Random(hash(name) % 10**6)
    n_sets = SETS if name not in ("LambdaLR", "MultiplicativeLR") else max(4, SETS // 5)
    for i in range(n_sets):
        kw, n = gen_defaults(name, rng)
        lrs = _lrs_distinct(rng)
        kind = rng.choice(("sgd", "adam"))
        mom = name == "OneCycleLR"
        upto = kw["total_steps"] + 1 if name in PERIODIC else None
        want, want_m = trace(getattr(real, name), lrs, n, kind, **kw)
        # half the sets through the torch adapter, all through the pure schedules
        if i % 2 == 0:
            got, got_m = trace(getattr(cai, name), lrs, n, kind, **kw)
            what = f"{name} {kw} lrs={lrs} set {i}"
            scale = max([*lrs, kw.get("eta_min", 0.0), kw.get("end_lr", 0.0)])
            close(got, want, scale, what, upto)
            if mom and kw.get("cycle_momentum", True):
                close(got_m, want_m, 1.0, what + " momentum")
        if name in ("LambdaLR", "MultiplicativeLR"):
            continue
        for g, lr in enumerate(lrs):
            s = compat.schedule(name, base_lr=lr, **kw)
            curve = lrcurves.curve(s, n)
            scale = max(lr, kw.get("eta_min", 0.0), kw.get("end_lr", 0.0))
            close(curve, want[:, g], scale, f"pure {name} {kw} lr={lr}", upto)
            fc = lrcurves.from_config({"colossalai": name, "params": kw}, base_lr=lr)
            assert fc == s
            close(fc(np.arange(n)), want[:, g], scale, f"from_config {name} {kw} lr={lr}", upto)
            if mom and kw.get("cycle_momentum", True):
                close(lrcurves.curve(s, n, momentum=True), want_m[:, g], 1.0, f"pure {name} {kw} momentum")


@pytest.mark.parametrize("name", COSINE)
def test_cosine_vs_installed_torch_before_handover(name: str) -> None:
    """On torch >= 2.8 the original differs only from the handover on."""
    real = _real(torch27=False)
    rng = random.Random(7)
    for _ in range(max(4, SETS // 4)):
        kw, n = gen(name, rng)
        t, w = kw["total_steps"], kw.get("warmup_steps", 0)
        flat = int((t - w) * kw.get("pct_start", 0.0))
        hand = w + flat
        lrs = _lrs(rng)
        want, _ = trace(getattr(real, name), lrs, n, **kw)
        got, _ = trace(getattr(cai, name), lrs, n, **kw)
        close(got[:hand], want[:hand], max(lrs))
        if hand < n:  # the documented torch-2.7 curve holds the peak at the handover
            np.testing.assert_allclose(got[hand], lrs, rtol=RTOL)
            if t - hand > 1 and kw.get("eta_min", 0.0) not in lrs:
                # torch >= 2.8 overshoots past base there (away from eta_min)
                assert not np.allclose(want[hand], lrs, rtol=1e-9, atol=0.0)


def test_golden_values_semantics_doc() -> None:
    """Hand-derived torch-2.7 values (semantics.md section 6, ColossalAI)."""

    def c(name: str, n: int, **kw: Any) -> list[float]:
        return trace(getattr(cai, name), [1.0], n, **kw)[0][:, 0].tolist()

    assert c("LinearWarmupLR", 6, total_steps=10, warmup_steps=4)[:6] == pytest.approx(
        [0.2, 0.4, 0.6, 0.8, 1.0, 0.8333333333333334], rel=1e-15
    )
    cw = c("CosineAnnealingWarmupLR", 12, total_steps=10, warmup_steps=4)
    assert cw[:5] == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0], rel=1e-15)
    assert cw[5] == pytest.approx(0.9330127018922194, rel=1e-14)
    assert cw[6] == pytest.approx(0.75, rel=1e-14)
    assert cw[10] == pytest.approx(0.0, abs=1e-16)
    assert cw[11] == pytest.approx(0.06698729810778065, rel=1e-12)
    ce = c("CosineAnnealingWarmupLR", 6, total_steps=10, warmup_steps=4, eta_min=0.1)
    assert ce[5] == pytest.approx(0.9397114317029974, rel=1e-14)
    fa = c("FlatAnnealingLR", 11, total_steps=10, pct_start=0.5)
    assert fa[:6] == [1.0] * 6
    assert fa[6] == pytest.approx(0.9045084971874737, rel=1e-14)
    assert fa[10] == pytest.approx(0.0, abs=1e-16)
    pw = c("PolynomialWarmupLR", 13, total_steps=10, warmup_steps=4, end_lr=0.1)
    assert [pw[i] for i in (0, 3, 4, 5, 10, 12)] == pytest.approx([0.25, 1.0, 1.0, 0.85, 0.1, 0.1], rel=1e-14)
    pl = c("PolynomialLR", 5, total_steps=4, end_lr=0.1, power=2)
    assert [pl[1], pl[2], pl[4]] == pytest.approx([0.60625, 0.325, 0.1], rel=1e-14)
    ms = c("MultiStepWarmupLR", 7, total_steps=10, warmup_steps=2, milestones=[2, 3, 6])
    assert ms == pytest.approx([0.5, 1.0, 0.1, 0.01, 0.01, 0.01, 0.001], rel=1e-14)
    oc = c("OneCycleLR", 10, total_steps=10)
    assert [oc[0], oc[1], oc[2], oc[3], oc[9]] == pytest.approx(
        [0.040000000000000036, 0.52, 1.0, 0.9504846320134737, 4e-06], rel=1e-13
    )


# ---------------------------------------------------------------------------
# state_dict


def _resume_case(name: str, rng: random.Random) -> tuple[dict[str, Any], int]:
    kw, n = gen(name, rng)
    return kw, min(n, 400)


@pytest.mark.parametrize("name", compat.CLASS_NAMES)
def test_state_dict_resumes_exactly(name: str) -> None:
    rng = random.Random(11)
    for _ in range(3):
        kw, n = _resume_case(name, rng)
        lrs = _lrs(rng)
        kind = rng.choice(("sgd", "adam"))
        full, full_m = trace(getattr(cai, name), lrs, n, kind, **kw)
        k = rng.randint(0, n - 1)
        opt = make_opt(lrs, kind)
        s = getattr(cai, name)(opt, **kw)
        opt.step()
        for _ in range(k):
            s.step()
        sd = s.state_dict()
        osd = copy.deepcopy(opt.state_dict())
        if name not in ("LambdaLR", "MultiplicativeLR"):
            buf = io.BytesIO()
            torch.save(sd, buf)
            buf.seek(0)
            sd = torch.load(buf, weights_only=False)
        else:
            sd = copy.deepcopy(sd)
        opt2 = make_opt(lrs, kind)
        s2 = getattr(cai, name)(opt2, **kw)
        opt2.load_state_dict(osd)
        s2.load_state_dict(sd)
        opt2.step()
        got = [[g["lr"] for g in opt2.param_groups]]
        got_m = [_mom(opt2)]
        for _ in range(k + 1, n):
            s2.step()
            got.append([g["lr"] for g in opt2.param_groups])
            got_m.append(_mom(opt2))
        assert np.array_equal(np.array(got[1:]), full[k + 1 :]), (name, kw, k)
        assert np.array_equal(np.array(got_m[1:]), full_m[k + 1 :]), (name, kw, k)


# ---------------------------------------------------------------------------
# pure schedules: numpy, jax.jit, from_config


@contextlib.contextmanager
def _x64() -> Iterator[None]:
    import jax

    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", old)


def _pure_cases() -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(3)
    out = []
    for name in compat.CLASS_NAMES:
        kw, _ = gen(name, rng)
        out.append((name, kw))
    return out


@pytest.mark.parametrize(("name", "kw"), _pure_cases(), ids=[c[0] for c in _pure_cases()])
def test_pure_numpy_and_jax_jit(name: str, kw: dict[str, Any]) -> None:
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    n = min(300, kw["total_steps"]) if name == "OneCycleLR" else 300
    lr = 0.3
    if name in ("LambdaLR", "MultiplicativeLR"):
        kw = {**kw, "total_steps": n - 1}  # the pure path tabulates steps 0 .. total_steps
    got, got_m = trace(getattr(cai, name), [lr], n, "adam", **kw)
    s = compat.schedule(name, base_lr=lr, **kw)
    close(lrcurves.curve(s, n), got[:, 0], 1.0, name)
    close(np.array([s.value(k) for k in range(n)]), got[:, 0], 1.0, name)
    with _x64():
        out = jax.jit(lambda t: s(t))(jnp.arange(n))
        close(np.asarray(out), got[:, 0], 1.0, name + " jax")
    if name == "OneCycleLR" and kw["cycle_momentum"]:
        close(lrcurves.curve(s, n, momentum=True), got_m[:, 0], 1.0, name + " momentum")
    # array base_lr (a sweep) broadcasts: steps leading, sweep trailing
    if name not in ("LambdaLR", "MultiplicativeLR", "OneCycleLR"):
        sw = compat.schedule(name, base_lr=np.array([lr, 2 * lr]), **kw)
        v = sw(np.arange(n))
        assert v.shape == (n, 2)
        close(v[:, 0], got[:, 0], 1.0, name + " sweep")
        two = lrcurves.curve(compat.schedule(name, base_lr=2 * lr, **kw), n)
        close(v[:, 1], two, 2.0, name + " sweep, second base")


def test_from_config_format() -> None:
    cfg = {"colossalai": "PolynomialWarmupLR", "params": {"total_steps": 10, "warmup_steps": 4, "end_lr": 0.1}}
    s = lrcurves.from_config(cfg, base_lr=1.0)
    assert s == compat.schedule("PolynomialWarmupLR", base_lr=1.0, total_steps=10, warmup_steps=4, end_lr=0.1)
    assert lrcurves.from_config(s.to_config()) == s
    with pytest.raises(ValueError, match="base_lr"):
        lrcurves.from_config(cfg)
    with pytest.raises(ValueError, match="unknown ColossalAI scheduler"):
        lrcurves.from_config({"colossalai": "Nope", "params": {}}, base_lr=1.0)
    with pytest.raises(ValueError, match="unknown key"):
        lrcurves.from_config({"colossalai": "StepLR", "params": {}, "x": 1}, base_lr=1.0)
    with pytest.raises(TypeError, match="StepLR"):
        lrcurves.from_config({"colossalai": "StepLR", "params": {"total_steps": 1, "bogus": 2}}, base_lr=1.0)


def test_callables_tabulated() -> None:
    s = compat.schedule("LambdaLR", base_lr=2.0, total_steps=3, lr_lambda=lambda k: 0.5**k)
    assert lrcurves.curve(s, 6).tolist() == [2.0, 1.0, 0.5, 0.25, 0.25, 0.25]
    m = compat.schedule("MultiplicativeLR", base_lr=1.0, total_steps=3, lr_lambda=lambda k: 0.5)
    assert lrcurves.curve(m, 5).tolist() == [1.0, 0.5, 0.25, 0.125, 0.125]
    opt = make_opt([1.0, 0.5])
    sch = cai.MultiplicativeLR(opt, total_steps=4, lr_lambda=[lambda k: 0.5, lambda k: 0.25])
    assert [lrcurves.curve(x, 3).tolist() for x in sch.schedule()] == [[1.0, 0.5, 0.25], [0.5, 0.125, 0.03125]]


# ---------------------------------------------------------------------------
# differences from the original (numbered as in the module docstring)


def test_diff1_cosine_handover_holds_peak() -> None:
    real = _real(torch27=False)
    for name, kw, hand in [
        ("CosineAnnealingWarmupLR", {"total_steps": 10, "warmup_steps": 4}, 4),
        ("CosineAnnealingWarmupLR", {"total_steps": 10}, 0),
        ("FlatAnnealingLR", {"total_steps": 10, "pct_start": 0.5}, 5),
        ("FlatAnnealingWarmupLR", {"total_steps": 12, "warmup_steps": 2, "pct_start": 0.5}, 7),
    ]:
        got = trace(getattr(cai, name), [1.0], 14, **kw)[0][:, 0]
        orig = trace(getattr(real, name), [1.0], 14, **kw)[0][:, 0]
        assert got[hand] == 1.0 and np.all(got <= 1.0)
        assert orig[hand] > 1.0  # torch >= 2.8 overshoot (the bug we do not copy)
        # past the handover the original's cosine runs one step late and scaled
        assert orig[hand + 1] == pytest.approx(1.0) and got[hand + 1] < 1.0


def test_diff2_linear_warmup_clamps_at_zero() -> None:
    got = trace(cai.LinearWarmupLR, [1.0], 14, total_steps=10, warmup_steps=4)[0][:, 0]
    assert got[10:].tolist() == [0.0] * 4
    orig = trace(_real().LinearWarmupLR, [1.0], 12, total_steps=10, warmup_steps=4)[0][:, 0]
    assert orig[11] == pytest.approx(-0.16666666666666666)


@pytest.mark.parametrize(
    ("name", "kw", "match"),
    [
        ("CosineAnnealingWarmupLR", {"total_steps": 5, "warmup_steps": 5}, "total_steps must be > warmup_steps"),
        ("CosineAnnealingWarmupLR", {"total_steps": 5, "warmup_steps": 7}, "total_steps must be > warmup_steps"),
        ("FlatAnnealingWarmupLR", {"total_steps": 5, "warmup_steps": 5}, "total_steps must be > warmup_steps"),
        ("LinearWarmupLR", {"total_steps": 5, "warmup_steps": 5}, "total_steps must be > warmup_steps"),
        ("PolynomialWarmupLR", {"total_steps": 5, "warmup_steps": 5}, "total_steps must be > warmup_steps"),
        ("FlatAnnealingLR", {"total_steps": 10, "pct_start": 1.0}, "cosine part"),
        ("FlatAnnealingWarmupLR", {"total_steps": 10, "warmup_steps": 2, "pct_start": 1.0}, "cosine part"),
        ("CosineAnnealingLR", {"total_steps": 0}, "total_steps"),
        ("PolynomialLR", {"total_steps": 0}, "total_steps"),
        ("StepLR", {"total_steps": 5, "step_size": 0}, "step_size"),
        ("OneCycleLR", {"total_steps": 10, "pct_start": 0.1}, "length 0"),
        ("OneCycleLR", {"total_steps": 1, "pct_start": 1.0}, "length 0"),
    ],
)
def test_diff3_impossible_lengths_raise(name: str, kw: dict[str, Any], match: str) -> None:
    opt = make_opt([1.0])
    with pytest.raises(ValueError, match=match):
        getattr(cai, name)(opt, **kw)
    assert opt.param_groups[0]["lr"] == 1.0 and "initial_lr" not in opt.param_groups[0]
    with pytest.raises(ValueError, match=match):
        compat.schedule(name, base_lr=1.0, **kw)


def test_diff4_swallowed_arguments_honoured() -> None:
    # OneCycleLR three_phase, epochs, steps_per_epoch: as torch's own OneCycleLR
    for kw in [
        {"total_steps": 100, "three_phase": True},
        {"total_steps": None, "epochs": 4, "steps_per_epoch": 25},
        {"total_steps": 100, "epochs": 4, "steps_per_epoch": 25, "three_phase": True, "anneal_strategy": "linear"},
    ]:
        lrs = [0.1, 0.02]
        got, got_m = trace(cai.OneCycleLR, lrs, 100, "adam", **kw)
        tkw = {k: v for k, v in kw.items() if k != "total_steps" or v is not None}
        want, want_m = trace(torch.optim.lr_scheduler.OneCycleLR, lrs, 100, "adam", max_lr=lrs, **tkw)
        close(got, want, 0.1)
        close(got_m, want_m, 1.0)
    with pytest.raises(ValueError, match="disagrees"):
        cai.OneCycleLR(make_opt([1.0]), 10, epochs=2, steps_per_epoch=3)
    with pytest.raises(ValueError, match="together"):
        cai.OneCycleLR(make_opt([1.0]), 10, epochs=2)
    # FlatAnnealingLR honours eta_min (same curve as FlatAnnealingWarmupLR without warmup)
    real = _real(torch27=True)
    kw = {"total_steps": 50, "pct_start": 0.3, "eta_min": 0.05}
    got = trace(cai.FlatAnnealingLR, [1.0], 120, **kw)[0]
    want = trace(real.FlatAnnealingWarmupLR, [1.0], 120, **kw)[0]
    close(got, want, 1.0)
    assert got.min() == pytest.approx(0.05)
    # other unknown keywords: TypeError; legacy num_steps_per_epoch / verbose ignored
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        cai.CosineAnnealingLR(make_opt([1.0]), 10, bogus=1)
    cai.MultiStepWarmupLR(make_opt([1.0]), 10, milestones=[3], num_steps_per_epoch=5)
    with pytest.raises(TypeError):
        cai.StepLR(make_opt([1.0]), 10, bogus=1)  # no **kwargs in the original either


def test_diff5_failing_defaults_raise_valueerror() -> None:
    with pytest.raises(ValueError, match="milestones is required"):
        cai.MultiStepWarmupLR(make_opt([1.0]), 10)
    with pytest.raises(TypeError):
        _real().MultiStepWarmupLR(make_opt([1.0]), 10)  # the original
    with pytest.raises(ValueError, match="milestones cannot be empty"):
        cai.MultiStepWarmupLR(make_opt([1.0]), 10, milestones=[])
    for cls in (cai.LambdaLR, cai.MultiplicativeLR):
        with pytest.raises(ValueError, match="lr_lambda is required"):
            cls(make_opt([1.0]), 10)
    # MultiStepLR(milestones=None) is valid in the original too: no decay
    assert trace(cai.MultiStepLR, [1.0], 5, total_steps=5)[0][:, 0].tolist() == [1.0] * 5


def test_diff6_onecycle_end() -> None:
    for anneal in ("cos", "linear"):
        got = trace(cai.OneCycleLR, [1.0], 11, total_steps=10, anneal_strategy=anneal)[0][:, 0]
        assert got[10] == got[9] == pytest.approx(1.0 / 25 / 1e4)
        orig = trace(_real().OneCycleLR, [1.0], 11, total_steps=10, anneal_strategy=anneal)[0][:, 0]
        assert orig[10] != got[10]
        opt = make_opt([1.0])
        s = cai.OneCycleLR(opt, 10)
        opt.step()
        for _ in range(10):
            s.step()
        with pytest.raises(ValueError, match="Tried to step 11 times"):
            s.step()
    assert orig[10] < 0  # linear: the original goes negative


_BAD: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("CosineAnnealingLR", {"total_steps": 10, "eta_min": -1.0}, ValueError, "eta_min"),
    ("CosineAnnealingLR", {"total_steps": 2.5}, ValueError, "total_steps"),
    ("CosineAnnealingLR", {"total_steps": "10"}, TypeError, "total_steps"),
    ("CosineAnnealingWarmupLR", {"total_steps": 10, "warmup_steps": -1}, ValueError, "warmup_steps"),
    ("CosineAnnealingWarmupLR", {"total_steps": 10, "eta_min": math.nan}, ValueError, "eta_min"),
    ("FlatAnnealingLR", {"total_steps": 10, "pct_start": 1.5}, ValueError, "pct_start"),
    ("FlatAnnealingLR", {"total_steps": 10, "pct_start": -0.72}, ValueError, "pct_start"),
    ("FlatAnnealingLR", {"total_steps": 10, "eta_min": -0.1}, ValueError, "eta_min"),
    ("FlatAnnealingWarmupLR", {"total_steps": 10, "pct_start": 2}, ValueError, "pct_start"),
    ("FlatAnnealingWarmupLR", {"total_steps": 10, "eta_min": -2}, ValueError, "eta_min"),
    ("FlatAnnealingWarmupLR", {"total_steps": 10, "warmup_steps": 1.5}, ValueError, "warmup_steps"),
    ("LinearWarmupLR", {"total_steps": -3}, ValueError, "total_steps"),
    ("LinearWarmupLR", {"total_steps": 10, "warmup_steps": True}, TypeError, "warmup_steps"),
    ("MultiStepLR", {"total_steps": 10, "milestones": [3, -1]}, ValueError, "milestones"),
    ("MultiStepLR", {"total_steps": 10, "milestones": [2.5]}, ValueError, "milestones"),
    ("MultiStepLR", {"total_steps": 10, "milestones": 5}, TypeError, "milestones"),
    ("MultiStepLR", {"total_steps": 10, "gamma": -0.1}, ValueError, "gamma"),
    ("MultiStepWarmupLR", {"total_steps": 10, "milestones": [3], "gamma": math.inf}, ValueError, "gamma"),
    ("MultiStepWarmupLR", {"total_steps": 10, "milestones": [3], "warmup_steps": -2}, ValueError, "warmup_steps"),
    ("MultiStepWarmupLR", {"total_steps": 10, "milestones": "3"}, TypeError, "milestones"),
    ("OneCycleLR", {"total_steps": 0}, ValueError, "total_steps"),
    ("OneCycleLR", {"total_steps": 10, "pct_start": 1.2}, ValueError, "pct_start"),
    ("OneCycleLR", {"total_steps": 10, "anneal_strategy": "exp"}, ValueError, "anneal_strategy"),
    ("OneCycleLR", {"total_steps": 10, "div_factor": 0.0}, ValueError, "div_factor"),
    ("OneCycleLR", {"total_steps": 10, "final_div_factor": -1.0}, ValueError, "final_div_factor"),
    ("OneCycleLR", {"total_steps": 10, "base_momentum": 1.5}, ValueError, "base_momentum"),
    ("OneCycleLR", {"total_steps": 10, "max_momentum": -0.5}, ValueError, "max_momentum"),
    ("OneCycleLR", {"total_steps": 10, "cycle_momentum": 1}, TypeError, "cycle_momentum"),
    ("OneCycleLR", {"total_steps": 10, "three_phase": "yes"}, TypeError, "three_phase"),
    ("OneCycleLR", {"total_steps": None}, ValueError, "total_steps"),
    ("OneCycleLR", {"total_steps": None, "epochs": 0, "steps_per_epoch": 3}, ValueError, "epochs"),
    ("PolynomialLR", {"total_steps": 10, "end_lr": -1e-4}, ValueError, "end_lr"),
    ("PolynomialLR", {"total_steps": 10, "power": -1.0}, ValueError, "power"),
    ("PolynomialWarmupLR", {"total_steps": 10, "power": math.inf}, ValueError, "power"),
    ("PolynomialWarmupLR", {"total_steps": 10, "end_lr": -0.5}, ValueError, "end_lr"),
    ("LambdaLR", {"total_steps": 10, "lr_lambda": 3}, TypeError, "lr_lambda"),
    ("LambdaLR", {"total_steps": -1, "lr_lambda": abs}, ValueError, "total_steps"),
    ("MultiplicativeLR", {"total_steps": 10, "lr_lambda": "x"}, TypeError, "lr_lambda"),
    ("StepLR", {"total_steps": 10, "step_size": -2}, ValueError, "step_size"),
    ("StepLR", {"total_steps": 10, "gamma": -0.5}, ValueError, "gamma"),
    ("StepLR", {"total_steps": 10, "gamma": "0.1"}, TypeError, "gamma"),
    ("ExponentialLR", {"total_steps": 10, "gamma": -0.9}, ValueError, "gamma"),
    ("ExponentialLR", {"total_steps": 10, "gamma": None}, TypeError, "gamma"),
]


@pytest.mark.parametrize(("name", "kw", "exc", "param"), _BAD, ids=[f"{b[0]}-{b[3]}-{i}" for i, b in enumerate(_BAD)])
def test_diff7_invalid_values(name: str, kw: dict[str, Any], exc: type[Exception], param: str) -> None:
    opt = make_opt([1.0])
    with pytest.raises(exc, match=f"{name}.*{param}"):
        getattr(cai, name)(opt, **kw)
    assert opt.param_groups[0]["lr"] == 1.0
    if name not in ("LambdaLR", "MultiplicativeLR") or param != "lr_lambda":
        with pytest.raises(exc, match=param):
            compat.schedule(name, base_lr=1.0, **kw)


def test_diff7_lambda_values_checked_in_pure_path() -> None:
    with pytest.raises(ValueError, match=r"lr_lambda\(2\)"):
        compat.schedule("LambdaLR", base_lr=1.0, total_steps=5, lr_lambda=lambda k: 1.0 - k)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        cai.LambdaLR(make_opt([1.0, 1.0]), 5, lr_lambda=[abs])


def test_diff8_exponential_growth_capped() -> None:
    s = compat.schedule("ExponentialLR", base_lr=1.0, total_steps=0, gamma=2.0)
    assert s.value(10) == 1024.0
    assert s.value(5000) == pytest.approx(compat.GROWTH_CAP, rel=1e-12)
    assert math.isfinite(s.value(10**6))


def test_diff9_multiplicative_ignores_external_changes() -> None:
    opt = make_opt([1.0])
    s = cai.MultiplicativeLR(opt, 10, lr_lambda=lambda k: 0.5)
    opt.step()
    opt.param_groups[0]["lr"] = 123.0
    s.step()
    assert opt.param_groups[0]["lr"] == 0.5


# ---------------------------------------------------------------------------
# reproduced quirks and torch integration


def test_quirks_reproduced() -> None:
    real = _real()
    for name, kw in [
        ("MultiStepWarmupLR", {"total_steps": 10, "warmup_steps": 0, "milestones": [0, 0, 3]}),
        ("MultiStepWarmupLR", {"total_steps": 10, "warmup_steps": 4, "milestones": [1, 2, 4, 4, 6]}),
        ("MultiStepLR", {"total_steps": 10, "milestones": [6, 0, 3, 3]}),
        ("StepLR", {"total_steps": 10}),
        ("ExponentialLR", {"total_steps": 10}),
        ("OneCycleLR", {"total_steps": 10}),
    ]:
        got = trace(getattr(cai, name), [1.0, 0.1], 10, **kw)[0]
        want = trace(getattr(real, name), [1.0, 0.1], 10, **kw)[0]
        close(got, want, 1.0, name)
    # warmup starts at base / W
    got = trace(cai.PolynomialWarmupLR, [1.0], 3, total_steps=10, warmup_steps=4)[0][:, 0]
    assert got.tolist() == [0.25, 0.5, 0.75]


def test_is_torch_scheduler_and_signatures() -> None:
    import inspect

    real = _real()
    for name in compat.CLASS_NAMES:
        ours, orig = getattr(cai, name), getattr(real, name)
        assert issubclass(ours, torch.optim.lr_scheduler.LRScheduler)
        a, b = inspect.signature(ours.__init__), inspect.signature(orig.__init__)
        assert [(p.name, p.kind, p.default) for p in a.parameters.values()] == [
            (p.name, p.kind, p.default) for p in b.parameters.values()
        ], name


def test_step_epoch_and_get_last_lr() -> None:
    opt = make_opt([1.0, 0.5])
    s = cai.PolynomialWarmupLR(opt, total_steps=10, warmup_steps=4, end_lr=0.1)
    opt.step()
    with pytest.warns(UserWarning):
        s.step(7)  # deprecated epoch argument: closed form
    want = [compat.schedule("PolynomialWarmupLR", base_lr=b, total_steps=10, warmup_steps=4, end_lr=0.1).value(7) for b in (1.0, 0.5)]
    assert s.get_last_lr() == want == [g["lr"] for g in opt.param_groups]
    assert [x.value(7) for x in s.schedules] == want


def test_chained_after_existing_initial_lr() -> None:
    """initial_lr set by an earlier scheduler is the base, as in torch."""
    real = _real()
    for mod in (cai, real):
        opt = make_opt([1.0])
        opt.param_groups[0]["initial_lr"] = 0.5
        mod.LinearWarmupLR(opt, total_steps=10, warmup_steps=2)
        assert opt.param_groups[0]["lr"] == pytest.approx(0.5 / 3)



def test_callables_step_epoch_like_torch() -> None:
    real = _real()
    for name in ("LambdaLR", "MultiplicativeLR"):
        runs = []
        for mod in (cai, real):
            opt = make_opt([1.0, 0.5])
            s = getattr(mod, name)(opt, 10, lr_lambda=lambda k: 0.9 ** (k % 3))
            opt.step()
            with ref.quiet():
                s.step()
                s.step(5)
                s.step()
            runs.append([g["lr"] for g in opt.param_groups])
        assert runs[0] == pytest.approx(runs[1], rel=1e-15), name


def test_onecycle_group_keys_like_torch() -> None:
    real = _real()
    for kind in ("sgd", "adam"):
        groups = []
        for mod in (cai, real):
            opt = make_opt([1.0, 0.2], kind)
            mod.OneCycleLR(opt, 20, base_momentum=0.8, max_momentum=0.9)
            keys = ("lr", "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")
            groups.append([[g[k] for k in keys] + _mom(opt)[i : i + 1] for i, g in enumerate(opt.param_groups)])
        np.testing.assert_allclose(groups[0], groups[1], rtol=1e-15)
    with pytest.raises(ValueError, match="momentum or beta1"):
        cai.OneCycleLR(torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=1.0), 10)
    cai.OneCycleLR(torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=1.0), 10, cycle_momentum=False)


def test_resume_via_last_epoch() -> None:
    with pytest.raises(KeyError, match="initial_lr"):
        cai.PolynomialLR(make_opt([1.0]), 10, last_epoch=3)
    opt = make_opt([1.0])
    opt.param_groups[0]["initial_lr"] = 1.0
    s = cai.PolynomialLR(opt, 10, end_lr=0.0, last_epoch=3)
    assert s.last_epoch == 4 and opt.param_groups[0]["lr"] == pytest.approx(0.6)
