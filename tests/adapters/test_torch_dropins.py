"""Side-by-side tests of the ``torch.optim.lr_scheduler`` drop-ins against torch 2.13.

Every LR of every param group, after construction and after every ``step()``,
is compared with torch's own scheduler in float64:

* with torch's closed form (``_get_closed_form_lr``, what ``step(epoch)``
  gives) at ``rtol=1e-12``;
* with torch's chainable ``step()`` values at ``rtol=1e-12`` plus the drift of
  torch's recursion from its own closed form at that step.

For the cosine classes an absolute term of one float64 ulp of the curve's
amplitude (``eps * |base - eta_min|``) is added: near each minimum ``1 + cos``
cancels and *both* torch forms keep only absolute accuracy there.

``LRCURVES_TORCH_PARITY_SETS`` (random parameter sets per class, default 40)
and ``LRCURVES_TORCH_PARITY_STEPS`` (maximum steps per set, default 300)
scale the random parity runs up, e.g. 500 and 5000.
"""

from __future__ import annotations

import bisect
import copy
import gc
import io
import math
import os
import pickle
import random
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from lrcurves.adapters import torch_schedulers as D  # noqa: E402
from torch.optim import lr_scheduler as T  # noqa: E402

import lrcurves  # noqa: E402
from lrcurves.compat import torch as tc  # noqa: E402

SETS = int(os.environ.get("LRCURVES_TORCH_PARITY_SETS", "40"))
STEPS = int(os.environ.get("LRCURVES_TORCH_PARITY_STEPS", "300"))
EPS = 2.0**-52
RTOL = 1e-12


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    # torch warns about step(epoch) and get_lr(); the tests that care check warnings themselves
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


# ---------------------------------------------------------------------------
# helpers


def make_opt(lrs: list[float], *, adam: bool = False, tensor: bool = False, f32: bool = False) -> torch.optim.Optimizer:
    groups = []
    for i, lr in enumerate(lrs):
        p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
        v: Any = lr
        if tensor and i == len(lrs) - 1:
            v = torch.tensor(lr, dtype=torch.float32 if f32 else torch.float64)
        groups.append({"params": [p], "lr": v})
    if adam:
        return torch.optim.AdamW(groups, lr=lrs[0])
    return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)


def lrs_of(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


def moms_of(opt: torch.optim.Optimizer) -> list[float]:
    out = []
    for g in opt.param_groups:
        out.append(float(g["betas"][0]) if "betas" in g else float(g.get("momentum", math.nan)))
    return out


def close(ours: float, ref: float, atol: float = 0.0) -> bool:
    # 1e-300: subnormal LRs (an exponential decay run for thousands of steps) carry fewer digits
    return abs(ours - ref) <= RTOL * abs(ref) + atol + 1e-300


def lr_list(rng: random.Random, n: int) -> list[float]:
    return [10 ** rng.uniform(-4, 0) for _ in range(n)]


def torch_closed(s: Any) -> list[float] | None:
    """torch's closed-form LRs of ``s`` at its counters (``None`` where torch has none)."""
    if isinstance(s, T.SequentialLR):
        return torch_closed(s._schedulers[bisect.bisect_right(s._milestones, s.last_epoch)])
    if isinstance(s, T.ChainedScheduler):
        parts = [torch_closed(c) for c in s._schedulers]
        if any(p is None for p in parts):
            return None
        bases = [float(b) for b in s._schedulers[0].base_lrs]
        out = bases
        for p in parts:
            out = [o * (v / b) for o, v, b in zip(out, p, bases, strict=True)]
        return out
    fn = getattr(s, "_get_closed_form_lr", None)
    return None if fn is None else [float(v) for v in fn()]


class Pair:
    """A torch scheduler and the drop-in built the same way on twin optimizers."""

    def __init__(self, build: Callable[[Any, torch.optim.Optimizer], Any], lrs: list[float], **okw: Any) -> None:
        self.o_t, self.o_d = make_opt(lrs, **okw), make_opt(lrs, **okw)
        self.t = build(T, self.o_t)
        self.d = build(D, self.o_d)
        self.o_t.step()
        self.o_d.step()

    def step(self) -> None:
        self.t.step()
        self.d.step()


# ---------------------------------------------------------------------------
# random parameter sets per class: (builder, steps, amplitude tolerance)

Gen = Callable[[random.Random, list[float]], tuple[Callable[[Any, Any], Any], int, float]]


def g_step(r: random.Random, lrs: list[float]) -> Any:
    s, g = r.randint(1, 60), r.uniform(0.05, 1.0)
    return (lambda M, o: M.StepLR(o, step_size=s, gamma=g)), r.randint(1, STEPS), 0.0


def g_multistep(r: random.Random, lrs: list[float]) -> Any:
    ms = sorted(r.randint(0, 200) for _ in range(r.randint(0, 6)))
    if ms and r.random() < 0.3:
        ms.append(ms[-1])  # a repeated milestone counts twice
    g = r.uniform(0.05, 1.0)
    return (lambda M, o: M.MultiStepLR(o, milestones=list(ms), gamma=g)), r.randint(1, STEPS), 0.0


def g_constant(r: random.Random, lrs: list[float]) -> Any:
    f, n = r.uniform(0.01, 1.0), r.randint(1, 100)
    return (lambda M, o: M.ConstantLR(o, factor=f, total_iters=n)), r.randint(1, STEPS), 0.0


def g_linear(r: random.Random, lrs: list[float]) -> Any:
    a, b, n = r.uniform(0.01, 1.0), r.uniform(0.0, 1.0), r.randint(1, 250)
    return (lambda M, o: M.LinearLR(o, start_factor=a, end_factor=b, total_iters=n)), r.randint(1, STEPS), 0.0


def g_exponential(r: random.Random, lrs: list[float]) -> Any:
    g = r.uniform(0.9, 1.0)
    return (lambda M, o: M.ExponentialLR(o, gamma=g)), r.randint(1, STEPS), 0.0


def g_polynomial(r: random.Random, lrs: list[float]) -> Any:
    n, p = r.randint(1, 300), r.choice([1.0, r.uniform(0.1, 3.0)])
    return (lambda M, o: M.PolynomialLR(o, total_iters=n, power=p)), r.randint(1, STEPS), 0.0


def g_cosine(r: random.Random, lrs: list[float]) -> Any:
    tm = r.randint(1, 300)
    eta = r.choice([0.0, r.uniform(0.0, min(lrs))])
    amp = max(abs(b - eta) for b in lrs) * EPS
    return (lambda M, o: M.CosineAnnealingLR(o, T_max=tm, eta_min=eta)), r.randint(1, max(STEPS, 3 * tm)), amp


def g_cawr(r: random.Random, lrs: list[float]) -> Any:
    t0, m = r.randint(1, 40), r.randint(1, 3)
    eta = r.choice([0.0, r.uniform(0.0, min(lrs))])
    amp = max(abs(b - eta) for b in lrs) * EPS
    return (lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=m, eta_min=eta)), r.randint(1, STEPS), amp


def g_cyclic(r: random.Random, lrs: list[float]) -> Any:
    n = len(lrs)
    lo = [r.uniform(1e-4, 0.05) for _ in range(n)]
    hi = [x + r.uniform(0.0, 0.5) for x in lo]
    up = r.randint(1, 40)
    down = r.choice([None, r.randint(1, 40)])
    mode = r.choice(["triangular", "triangular2", "exp_range"])
    gamma = r.uniform(0.95, 1.0)
    bm = [r.uniform(0.5, 0.9) for _ in range(n)]
    mm = [b + r.uniform(0.0, 0.09) for b in bm]
    cm = r.random() < 0.7
    kw = {"base_lr": lo if n > 1 else lo[0], "max_lr": hi, "step_size_up": up, "step_size_down": down,
          "mode": mode, "gamma": gamma, "cycle_momentum": cm, "base_momentum": bm, "max_momentum": mm}
    return (lambda M, o: M.CyclicLR(o, **kw)), r.randint(1, STEPS), 0.0


def g_onecycle(r: random.Random, lrs: list[float]) -> Any:
    n = len(lrs)
    total = r.randint(4, STEPS + 4)
    three = r.random() < 0.3
    while True:
        pct = r.uniform(0.05, 0.45 if three else 0.95)
        ends = [float(pct * total) - 1, float(2 * pct * total) - 2]
        if ends[0] > 0 and (not three or ends[1] - ends[0] > 0) and total - 1 - ends[-1 if three else 0] > 0:
            break
    kw = {"max_lr": [10 ** r.uniform(-3, 0) for _ in range(n)], "total_steps": total, "pct_start": pct,
          "anneal_strategy": r.choice(["cos", "linear"]), "three_phase": three,
          "div_factor": r.uniform(2, 50), "final_div_factor": r.uniform(2, 1e4),
          "cycle_momentum": r.random() < 0.7, "base_momentum": r.uniform(0.5, 0.85), "max_momentum": 0.95}
    return (lambda M, o: M.OneCycleLR(o, **kw)), total - 1, 0.0


def _lam(r: random.Random) -> Callable[[int], float]:
    kind, a = r.randint(0, 2), r.uniform(0.001, 0.1)
    if kind == 0:
        return lambda t: math.exp(-a * t)
    if kind == 1:
        return lambda t: 1.0 / (1.0 + a * t)
    return lambda t: min(1.0, (t + 1) * a)


def g_lambda(r: random.Random, lrs: list[float]) -> Any:
    fns = [_lam(r) for _ in lrs]
    arg: Any = fns if r.random() < 0.5 else fns[0]
    return (lambda M, o: M.LambdaLR(o, lr_lambda=arg)), r.randint(1, STEPS), 0.0


def g_multiplicative(r: random.Random, lrs: list[float]) -> Any:
    fs = [r.uniform(0.98, 1.0) for _ in lrs]
    fns = [(lambda t, f=f: f if t % 3 else 1.0) for f in fs]
    return (lambda M, o: M.MultiplicativeLR(o, lr_lambda=fns)), r.randint(1, STEPS), 0.0


_CHILDREN = [g_step, g_multistep, g_constant, g_linear, g_exponential, g_polynomial, g_cosine]


def g_sequential(r: random.Random, lrs: list[float]) -> Any:
    k = r.randint(1, 3)
    kids = [r.choice(_CHILDREN)(r, lrs) for _ in range(k)]
    ms = sorted(r.sample(range(1, 120), k - 1))
    amp = max(x[2] for x in kids)

    def build(M: Any, o: Any) -> Any:
        return M.SequentialLR(o, schedulers=[b(M, o) for b, _, _ in kids], milestones=list(ms))

    return build, r.randint(1, STEPS), amp


def g_chained(r: random.Random, lrs: list[float]) -> Any:
    kids = [r.choice(_CHILDREN[:6])(r, lrs) for _ in range(r.randint(1, 3))]
    steps = r.randint(1, STEPS)
    if r.random() < 0.3:
        # a cosine multiplier: eta_min=0 (with eta_min > 0 torch's step is affine), and up
        # to T_max (past it torch's step adds base_lr * (1 - cos(pi / T_max)) / 2 unscaled
        # by the other multipliers; see test_compound_equals_torch_stacking)
        tm = r.randint(1, 300)
        kids.append(((lambda M, o: M.CosineAnnealingLR(o, T_max=tm)), 0, max(lrs) * EPS))
        steps = min(steps, tm)

    def build(M: Any, o: Any) -> Any:
        return M.ChainedScheduler([b(M, o) for b, _, _ in kids])

    return build, steps, max(x[2] for x in kids) * 4


GENERATORS: dict[str, Gen] = {
    "StepLR": g_step,
    "MultiStepLR": g_multistep,
    "ConstantLR": g_constant,
    "LinearLR": g_linear,
    "ExponentialLR": g_exponential,
    "PolynomialLR": g_polynomial,
    "CosineAnnealingLR": g_cosine,
    "CosineAnnealingWarmRestarts": g_cawr,
    "CyclicLR": g_cyclic,
    "OneCycleLR": g_onecycle,
    "LambdaLR": g_lambda,
    "MultiplicativeLR": g_multiplicative,
    "SequentialLR": g_sequential,
    "ChainedScheduler": g_chained,
}

_STATS: dict[str, list[int]] = {}


@pytest.mark.parametrize("name", list(GENERATORS))
def test_parity_random(name: str) -> None:
    """LR (and momentum) of every group after construction and every step, vs torch."""
    rng = random.Random(f"torch-parity-{name}")
    n_steps = n_values = 0
    for _ in range(SETS):
        n = rng.randint(1, 3)
        lrs = lr_list(rng, n)
        build, steps, amp = GENERATORS[name](rng, lrs)
        adam, tensor = rng.random() < 0.5, rng.random() < 0.4
        pair = Pair(build, lrs, adam=adam, tensor=tensor)
        for k in range(steps + 1):
            ours, rec = lrs_of(pair.o_d), lrs_of(pair.o_t)
            cf = torch_closed(pair.t) or rec
            for i, (a, b, c) in enumerate(zip(ours, rec, cf, strict=True)):
                assert close(a, c, amp), (name, k, i, a, c, "closed form")
                assert close(a, b, abs(c - b) + amp), (name, k, i, a, b, "step()")
            if name in ("CyclicLR", "OneCycleLR") and pair.t.cycle_momentum:
                assert moms_of(pair.o_d) == pytest.approx(moms_of(pair.o_t), rel=RTOL, abs=0), (name, k)
            n_values += len(ours)
            if k < steps:
                pair.step()
                n_steps += 1
        assert [float(v) for v in pair.d.get_last_lr()] == lrs_of(pair.o_d)
    _STATS[name] = [SETS, n_steps, n_values]


@pytest.mark.parametrize("tensor", [False, True])
def test_chained_children_last_lr(tensor: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """ChainedScheduler's one-write step leaves every child's get_last_lr() as torch's.

    torch steps the children in turn, so child ``i`` holds the LR after its own
    step (the later children still at their old step).  The drop-in writes the
    optimizer once; its numbers must equal stepping the children one by one
    (the general path, bit for bit) and torch's (rtol 1e-12), floats or tensors.
    """
    rng = random.Random(f"chained-last-lr-{tensor}")
    taken = 0
    real = D.ChainedScheduler._step_fast

    def counting(self: Any, kids: Any) -> bool:
        nonlocal taken
        ok = real(self, kids)
        taken += ok
        return ok

    monkeypatch.setattr(D.ChainedScheduler, "_step_fast", counting)
    for _ in range(SETS):
        lrs = lr_list(rng, rng.randint(1, 3))
        kids = [rng.choice(_CHILDREN[:6])(rng, lrs) for _ in range(rng.randint(1, 4))]

        def build(M: Any, o: Any, kids: Any = kids) -> Any:
            return M.ChainedScheduler([b(M, o) for b, _, _ in kids])

        pair = Pair(build, lrs, tensor=tensor)
        slow_opt = make_opt(lrs, tensor=tensor)
        slow = build(D, slow_opt)
        slow_opt.step()
        for _ in range(rng.randint(1, 80)):
            pair.step()
            with monkeypatch.context() as m:
                m.setattr(D.ChainedScheduler, "_step_fast", lambda self, kids: False)
                slow.step()
            assert lrs_of(pair.o_d) == lrs_of(slow_opt)
            for a, b, c in zip(pair.d._schedulers, pair.t._schedulers, slow._schedulers, strict=True):
                ours, ref, gen = a.get_last_lr(), b.get_last_lr(), c.get_last_lr()
                assert [type(v) for v in ours] == [type(v) for v in ref]
                assert [float(v) for v in ours] == [float(v) for v in gen]
                assert [float(v) for v in ours] == pytest.approx([float(v) for v in ref], rel=RTOL, abs=0)
            assert [float(v) for v in pair.d.get_last_lr()] == pytest.approx(
                [float(v) for v in pair.t.get_last_lr()], rel=RTOL, abs=0
            )
    assert taken > SETS  # the one-write path ran


def test_tensor_lrs_filled_in_place() -> None:
    lrs = [0.1, 0.3]
    opt = make_opt(lrs, tensor=True)
    t = opt.param_groups[1]["lr"]
    s = D.CosineAnnealingLR(opt, T_max=10)
    opt.step()
    for _ in range(5):
        s.step()
    assert opt.param_groups[1]["lr"] is t and t.dtype == torch.float64
    assert float(t) == pytest.approx(0.3 * (1 + math.cos(math.pi * 5 / 10)) / 2, rel=RTOL)
    last = s.get_last_lr()[1]
    assert isinstance(last, torch.Tensor) and last is not t  # a copy, as torch
    # float32 tensor LR: the float64 closed form rounded once
    opt32 = make_opt(lrs, tensor=True, f32=True)
    s32 = D.ExponentialLR(opt32, gamma=0.99)
    opt32.step()
    for _ in range(200):
        s32.step()
    assert float(opt32.param_groups[1]["lr"]) == float(torch.tensor(0.3 * 0.99**200, dtype=torch.float32))


# ---------------------------------------------------------------------------
# step(epoch)


@pytest.mark.parametrize(
    "build",
    [
        lambda M, o: M.StepLR(o, 3, 0.5),
        lambda M, o: M.MultiStepLR(o, [2, 5, 5, 9], 0.5),
        lambda M, o: M.ConstantLR(o, 0.25, 4),
        lambda M, o: M.LinearLR(o, 0.2, 0.8, 6),
        lambda M, o: M.ExponentialLR(o, 0.9),
        lambda M, o: M.PolynomialLR(o, 8, 2.0),
        lambda M, o: M.CosineAnnealingLR(o, 7, 1e-4),
        lambda M, o: M.CosineAnnealingWarmRestarts(o, 4, 2, 1e-4),
        lambda M, o: M.LambdaLR(o, lambda e: 0.9**e),
        lambda M, o: M.CyclicLR(o, 0.01, 0.1, 3, 5, mode="triangular2"),
        lambda M, o: M.OneCycleLR(o, 0.1, total_steps=50, three_phase=True),
    ],
    ids=["StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
         "CosineAnnealingLR", "CAWR", "LambdaLR", "CyclicLR", "OneCycleLR"],
)
def test_step_epoch(build: Any) -> None:
    """``step(epoch)`` jumps (forwards, backwards, repeated) then plain steps, as torch."""
    pair = Pair(build, [0.05, 0.5], tensor=True)
    for e in [3, 3, 10, 1, 0, 17, 40, 2, 25]:
        pair.t.step(e)
        pair.d.step(e)
        assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=RTOL, abs=1e-17)
        assert pair.d.last_epoch == pair.t.last_epoch
        for _ in range(3):
            pair.step()
            assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=1e-11, abs=1e-17)


def test_step_epoch_warns_like_torch() -> None:
    opt = make_opt([0.1])
    s = D.StepLR(opt, 2)
    opt.step()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s.step(3)
    assert [str(x.message) for x in w] == [T.EPOCH_DEPRECATION_WARNING]


def test_cawr_fractional_epochs() -> None:
    """torch's own fractional-epoch SGDR test (epochs 0.1 apart), T_mult 1, 2, 4."""
    for mult in (1, 2, 4):
        pair = Pair(lambda M, o, m=mult: M.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=m, eta_min=1e-10), [0.05, 0.5])
        for i in range(300):
            e = round(i * 0.1, 1)
            pair.t.step(e)
            pair.d.step(e)
            assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=1e-11)
            assert pair.d.T_cur == pytest.approx(pair.t.T_cur) and pair.d.T_i == pair.t.T_i


def test_cawr_interleaved_and_t_cur_reset() -> None:
    for mult, epochs in [(1, [0, 1, 2, 3, 4, 5, 12, 27, 3, 4, 5, 6, 13]), (2, [0, 1, 2, 3, 4, 5, 25, 32, 33, 34, 80, 81, 3])]:
        pair = Pair(lambda M, o, m=mult: M.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=m, eta_min=1e-10), [0.05, 0.5])
        for e in epochs:
            pair.t.step(e)
            pair.d.step(e)
            assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=1e-12)
            assert (pair.d.T_cur, pair.d.T_i) == (pair.t.T_cur, pair.t.T_i)
    s = D.CosineAnnealingWarmRestarts(make_opt([0.1]), T_0=4)
    for epoch in [7, 8, 9]:  # torch's test: T_cur set by hand
        s.T_cur = epoch
        s.step()
        assert s.T_cur == (epoch + 1) % s.T_0


# ---------------------------------------------------------------------------
# state dicts


def _state_equal(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert set(a) == set(b)
    for k in a:
        if k == "_schedulers":
            for x, y in zip(a[k], b[k], strict=True):
                _state_equal(x, y)
        elif k in ("base_lrs", "_last_lr", "max_lrs", "base_momentums", "max_momentums"):
            assert [float(v) for v in a[k]] == pytest.approx([float(v) for v in b[k]], rel=RTOL), k
        elif k == "lr_lambdas":
            assert [x is None for x in a[k]] == [x is None for x in b[k]]
        else:
            assert a[k] == b[k], k


def _fn_lambda(e: int) -> float:
    return 0.97**e


STATE_CASES: dict[str, Callable[[Any, Any], Any]] = {
    "StepLR": lambda M, o: M.StepLR(o, 3, 0.5),
    "MultiStepLR": lambda M, o: M.MultiStepLR(o, [2, 5, 9], 0.1),
    "ConstantLR": lambda M, o: M.ConstantLR(o),
    "LinearLR": lambda M, o: M.LinearLR(o, 0.3, 0.9, 5),
    "ExponentialLR": lambda M, o: M.ExponentialLR(o, 0.9),
    "PolynomialLR": lambda M, o: M.PolynomialLR(o, 20, 0.9),
    "CosineAnnealingLR": lambda M, o: M.CosineAnnealingLR(o, 10, 1e-4),
    "CosineAnnealingWarmRestarts": lambda M, o: M.CosineAnnealingWarmRestarts(o, 3, 2),
    "CyclicLR": lambda M, o: M.CyclicLR(o, 0.01, 0.1, 4, 7, mode="exp_range", gamma=0.99),
    "OneCycleLR": lambda M, o: M.OneCycleLR(o, 0.1, total_steps=60, three_phase=True),
    "LambdaLR": lambda M, o: M.LambdaLR(o, _fn_lambda),
    "MultiplicativeLR": lambda M, o: M.MultiplicativeLR(o, lambda e: 0.98),
    "SequentialLR": lambda M, o: M.SequentialLR(o, [M.LinearLR(o, 0.1, total_iters=4), M.ExponentialLR(o, 0.9)], [4]),
    "ChainedScheduler": lambda M, o: M.ChainedScheduler([M.StepLR(o, 3), M.LinearLR(o, 0.5, total_iters=6)]),
}


@pytest.mark.parametrize("name", list(STATE_CASES))
def test_state_dict_interop(name: str) -> None:
    """Same keys and values as torch's; torch loads ours and we load torch's, then both continue alike."""
    build = STATE_CASES[name]
    pair = Pair(build, [0.05, 0.5], adam=name in ("CyclicLR", "OneCycleLR"))
    for _ in range(13):
        pair.step()
    sd_t, sd_d = pair.t.state_dict(), pair.d.state_dict()
    _state_equal(sd_d, sd_t)
    # plain data: torch.load(weights_only=True) takes it
    buf = io.BytesIO()
    torch.save(sd_d, buf)
    buf.seek(0)
    _state_equal(torch.load(buf, weights_only=True), sd_t)
    pickle.dumps(sd_d)

    # torch loads ours (fresh torch scheduler, optimizer state copied) and vice versa
    lrs = [0.05, 0.5]
    adam = name in ("CyclicLR", "OneCycleLR")
    o_t2, o_d2 = make_opt(lrs, adam=adam), make_opt(lrs, adam=adam)
    t2, d2 = build(T, o_t2), build(D, o_d2)
    o_t2.load_state_dict(pair.o_d.state_dict())
    o_d2.load_state_dict(pair.o_t.state_dict())
    t2.load_state_dict(copy.deepcopy(sd_d))
    d2.load_state_dict(copy.deepcopy(sd_t))
    o_t2.step()
    o_d2.step()
    for _ in range(25):
        for s in (pair.t, pair.d, t2, d2):
            s.step()
        ref = lrs_of(pair.o_t)
        for o in (pair.o_d, o_t2, o_d2):
            assert lrs_of(o) == pytest.approx(ref, rel=1e-11)


def test_resume_without_optimizer_state() -> None:
    """The closed form resumes from the counter alone (torch's recursion needs the optimizer's LR)."""
    a = D.CosineAnnealingLR(make_opt([0.1, 0.2]), T_max=50, eta_min=1e-3)
    for _ in range(20):
        a.step()
    b = D.CosineAnnealingLR(make_opt([0.1, 0.2]), T_max=50, eta_min=1e-3)
    b.load_state_dict(a.state_dict())
    a.step()
    b.step()
    assert lrs_of(b.optimizer) == lrs_of(a.optimizer)


def test_torch_checkpoint_flow_last_epoch() -> None:
    """torch's test_lr_scheduler_checkpoint: rebuild with last_epoch=0 after loading the optimizer."""
    for build in STATE_CASES.values():
        model = torch.nn.Linear(3, 3)
        optim = torch.optim.AdamW(model.parameters())
        try:
            sch = build(D, optim)
        except (TypeError, ValueError):
            continue
        if isinstance(sch, (D.SequentialLR, D.ChainedScheduler)):
            continue
        optim.step()
        sch.step()
        optim2 = torch.optim.AdamW(model.parameters())
        optim2.load_state_dict(optim.state_dict())
        sch2 = build(D, optim2) if isinstance(sch, (D.CyclicLR, D.OneCycleLR)) else type(sch)(optim2, **_ctor_kwargs(sch), last_epoch=0)
        if not isinstance(sch, (D.CyclicLR, D.OneCycleLR)):
            assert sch2.get_last_lr()[0] == pytest.approx(optim.param_groups[0]["lr"], rel=RTOL)


def _ctor_kwargs(s: Any) -> dict[str, Any]:
    keys = {
        D.StepLR: ("step_size", "gamma"), D.MultiStepLR: ("milestones", "gamma"), D.ConstantLR: ("factor", "total_iters"),
        D.LinearLR: ("start_factor", "end_factor", "total_iters"), D.ExponentialLR: ("gamma",),
        D.PolynomialLR: ("total_iters", "power"), D.CosineAnnealingLR: ("T_max", "eta_min"),
        D.CosineAnnealingWarmRestarts: ("T_0", "T_mult", "eta_min"),
    }
    if isinstance(s, (D.LambdaLR, D.MultiplicativeLR)):
        return {"lr_lambda": s.lr_lambdas}
    out = {k: getattr(s, k) for k in keys[type(s)]}
    if "milestones" in out:
        out["milestones"] = list(out["milestones"].elements())
    return out


def test_last_epoch_requires_initial_lr() -> None:
    for M in (T, D):
        opt = make_opt([0.1])
        with pytest.raises(KeyError, match="initial_lr"):
            M.StepLR(opt, step_size=3, gamma=0.1, last_epoch=1)


def test_lambda_state_dict_callable_object() -> None:
    class Obj:
        def __init__(self, v: float) -> None:
            self.value = v

        def __call__(self, e: int) -> float:
            return self.value * e

    s = D.LambdaLR(make_opt([0.1]), lr_lambda=Obj(10))
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"value": 10}]
    c = D.LambdaLR(make_opt([0.1]), lr_lambda=Obj(-1))
    c.load_state_dict(sd)
    assert c.lr_lambdas[0].value == 10
    assert D.LambdaLR(make_opt([0.1]), lr_lambda=lambda x: x).state_dict()["lr_lambdas"] == [None]


# ---------------------------------------------------------------------------
# public attributes


def test_attributes_and_group_keys() -> None:
    opt = make_opt([0.05, 0.5])
    s = D.CosineAnnealingLR(opt, T_max=12, eta_min=1e-3)
    assert (s.T_max, s.eta_min, s.last_epoch) == (12, 1e-3, 0)
    assert s.base_lrs == [0.05, 0.5] and [g["initial_lr"] for g in opt.param_groups] == [0.05, 0.5]
    opt.step()
    s.step()
    assert s.last_epoch == 1
    w = D.CosineAnnealingWarmRestarts(make_opt([0.1]), T_0=5, T_mult=2)
    for _ in range(7):
        w.step()
    assert (w.T_0, w.T_i, w.T_cur, w.T_mult) == (5, 10, 2, 2)
    c = D.CyclicLR(make_opt([0.1], adam=True), base_lr=0.01, max_lr=0.1, mode="triangular2")
    assert c.mode == "triangular2" and c.max_lrs == [0.1] and c.base_lrs == [0.01]
    g = c.optimizer.param_groups[0]
    assert (g["max_momentum"], g["base_momentum"], g["betas"][0]) == (0.9, 0.8, 0.9)
    oc = D.OneCycleLR(make_opt([0.1, 0.2]), max_lr=[1.0, 2.0], total_steps=10)
    for g, m in zip(oc.optimizer.param_groups, [1.0, 2.0], strict=True):
        assert (g["max_lr"], g["initial_lr"], g["min_lr"]) == (m, m / 25.0, m / 25.0 / 1e4)
        assert (g["max_momentum"], g["base_momentum"]) == (0.95, 0.85)


def test_constant_initial_lr_not_aliased() -> None:
    """torch's test_constant_initial_lr: mutating the LR tensor passed in changes nothing."""
    for build in (lambda o: D.StepLR(o, 30), lambda o: D.CosineAnnealingLR(o, 10), lambda o: D.LambdaLR(o, lambda e: 1.0)):
        lr = torch.as_tensor(0.1)
        opt = torch.optim.SGD([torch.nn.Parameter(torch.randn(1))], lr=lr)
        sch = build(opt)
        ori = copy.deepcopy(opt.param_groups)
        for i in range(2):
            opt.step()
            sch.step(i)
            lr.multiply_(0.1)
            for group, og in zip(opt.param_groups, ori, strict=True):
                assert group["initial_lr"] == og["initial_lr"]
                assert sch.base_lrs == [0.1]
                assert sch.base_lrs[0] is not group["initial_lr"]


# ---------------------------------------------------------------------------
# stacking: torch's compound and chained tests


def _check_targets(opt: Any, schedulers: list[Any], targets: list[list[float]], epochs: int) -> None:
    for epoch in range(epochs):
        for g, t in zip(opt.param_groups, targets, strict=False):
            assert float(g["lr"]) == pytest.approx(t[epoch], abs=1e-5, rel=0), epoch
        for s in schedulers:
            s.step()


def _torch_opt() -> Any:
    # torch's test fixture: two groups, the second with a tensor lr
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 1), torch.nn.Conv2d(1, 1, 1))
    return torch.optim.SGD(
        [{"params": net[0].parameters()}, {"params": net[1].parameters(), "lr": torch.tensor(0.5)}], lr=0.05
    )


def _cos(x: int, epochs: int = 10, eta: float = 1e-10) -> float:
    return eta + (0.05 - eta) * (1 + math.cos(math.pi * x / epochs)) / 2


COMPOUND: dict[str, tuple[Callable[[Any], list[Any]], list[float]]] = {
    "step+multistep": (
        lambda o: [D.StepLR(o, gamma=0.1, step_size=3), D.MultiStepLR(o, gamma=0.1, milestones=[2, 5, 9])],
        [0.05] * 2 + [0.005] + [5e-4] * 2 + [5e-5] + [5e-6] * 3 + [5e-8],
    ),
    "step+exp": (
        lambda o: [D.StepLR(o, gamma=0.1, step_size=3), D.ExponentialLR(o, gamma=0.9)],
        [0.05 * 0.1 ** (x // 3) * 0.9**x for x in range(10)],
    ),
    "multistep+exp": (
        lambda o: [D.MultiStepLR(o, gamma=0.1, milestones=[2, 5, 9]), D.ExponentialLR(o, gamma=0.9)],
        [0.05 * 0.1 ** sum(x >= m for m in (2, 5, 9)) * 0.9**x for x in range(10)],
    ),
    "linear+exp": (
        lambda o: [D.LinearLR(o, start_factor=0.4, end_factor=0.9, total_iters=4), D.ExponentialLR(o, gamma=0.9)],
        [0.05 * 0.9**x * (0.4 + min(x, 4) / 4 * 0.5) for x in range(10)],
    ),
    "step+constant": (
        lambda o: [D.StepLR(o, gamma=0.1, step_size=3), D.ConstantLR(o, factor=0.4, total_iters=4)],
        [0.05 * 0.4] * 3 + [0.005 * 0.4] + [0.005] * 2 + [0.0005] * 3 + [0.00005],
    ),
    "multistep+linear": (
        lambda o: [D.MultiStepLR(o, gamma=0.1, milestones=[2, 5, 9]), D.LinearLR(o, start_factor=0.4, total_iters=4)],
        [0.05 * 0.1 ** sum(x >= m for m in (2, 5, 9)) * (0.4 + min(x, 4) / 4 * 0.6) for x in range(10)],
    ),
    "cosine+step": (
        lambda o: [D.CosineAnnealingLR(o, T_max=10, eta_min=1e-10), D.StepLR(o, gamma=0.1, step_size=3)],
        [_cos(x) * 0.1 ** (x // 3) for x in range(10)],
    ),
    "cosine+multistep": (
        lambda o: [D.CosineAnnealingLR(o, T_max=10, eta_min=1e-10), D.MultiStepLR(o, gamma=0.1, milestones=[2, 5, 9])],
        [_cos(x) * m for x, m in enumerate([1] * 2 + [0.1] * 3 + [0.01] * 4 + [0.001])],
    ),
    "linear+cosine": (
        lambda o: [D.LinearLR(o, start_factor=0.4, total_iters=4), D.CosineAnnealingLR(o, T_max=10, eta_min=1e-10)],
        [_cos(x) * (0.4 + min(x, 4) / 4 * 0.6) for x in range(10)],
    ),
    "cosine+exp": (
        lambda o: [D.CosineAnnealingLR(o, T_max=10, eta_min=1e-10), D.ExponentialLR(o, gamma=0.1)],
        [_cos(x) * 0.1**x for x in range(10)],
    ),
}


@pytest.mark.parametrize("name", list(COMPOUND))
def test_torch_compound_tests(name: str) -> None:
    """torch's test_compound_*: two drop-ins stepped in turn on one optimizer multiply."""
    build, single = COMPOUND[name]
    opt = _torch_opt()
    _check_targets(opt, build(opt), [single, [x * 10 for x in single]], 10)


@pytest.mark.parametrize("name", list(COMPOUND))
def test_compound_equals_torch_stacking(name: str) -> None:
    """Two stacked drop-ins equal two stacked torch schedulers (eta_min=0: torch's recursion is a product).

    With ``eta_min > 0`` torch's cosine step is affine, ``eta + (lr - eta) * ratio``, so
    stacked on a multiplier it is no longer a product of the two curves; the
    drop-ins give the product of the closed forms (what torch's compound tests
    expect, to their 1e-5 tolerance).  Past ``T_max`` torch's step adds
    ``base_lr * (1 - cos(pi / T_max)) / 2`` at the minimum, unscaled by the other
    schedulers (its stacked LR jumps by the other multipliers' inverse); the
    drop-ins keep the product, so the comparison stops at ``T_max``.
    """
    build, _ = COMPOUND[name]
    specs = [(type(s).__name__, {**_ctor_kwargs(s), **({"eta_min": 0.0} if "eta_min" in _ctor_kwargs(s) else {})})
             for s in build(make_opt([0.05, 0.5]))]
    o_d, o_t = make_opt([0.05, 0.5]), make_opt([0.05, 0.5])
    ds = [getattr(D, n)(o_d, **kw) for n, kw in specs]
    ts = [getattr(T, n)(o_t, **kw) for n, kw in specs]
    for s in (*ds, *ts):
        s.optimizer.step()
    for k in range(11 if "cosine" in name else 40):
        assert lrs_of(o_d) == pytest.approx(lrs_of(o_t), rel=1e-12, abs=0.5 * EPS), k
        for s in (*ds, *ts):
            s.step()
    if "cosine" in name and name != "linear+cosine":
        for s in (*ds, *ts):
            s.step()
        assert lrs_of(o_d)[0] < 1e-3 * lrs_of(o_t)[0]  # torch's unscaled restart term


def test_stack_equals_pure_product() -> None:
    """The stacked LR is the core product of the curves, bit for bit."""
    opt = make_opt([0.05, 0.5])
    a = D.StepLR(opt, 3, 0.5)
    b = D.CosineAnnealingLR(opt, T_max=9)
    c = D.LinearLR(opt, 0.2, total_iters=5)
    assert D.closed_form_schedulers(opt) == [a, b, c]
    pure = [
        lrcurves.product([lrcurves.constant(base), tc.curve("StepLR", step_size=3, gamma=0.5).curve,
                          tc.curve("CosineAnnealingLR", T_max=9).curve,
                          tc.curve("LinearLR", start_factor=0.2, total_iters=5).curve])
        for base in (0.05, 0.5)
    ]
    want = [lrcurves.curve(p, 30).tolist() for p in pure]
    for k in range(30):
        assert lrs_of(opt) == [w[k] for w in want]
        for s in (a, b, c):
            s.step()


CHAINED: dict[str, tuple[Callable[[Any], Any], list[float], int]] = {
    "chained1": (lambda o: D.ChainedScheduler([D.StepLR(o, gamma=0.1, step_size=3)]),
                 [0.05] * 3 + [0.005] * 3 + [0.0005] * 3 + [0.00005] * 3, 10),
    "chained2": (lambda o: D.ChainedScheduler([D.LinearLR(o, start_factor=0.4, total_iters=3)]),
                 [0.02, 0.03, 0.04] + [0.05] * 9, 10),
    "chained3": (lambda o: D.ChainedScheduler([D.LinearLR(o, start_factor=0.4, total_iters=3),
                                               D.MultiStepLR(o, milestones=[4, 8, 10], gamma=0.1)]),
                 [0.02, 0.03, 0.04, 0.05] + [0.005] * 4 + [0.0005] * 3 + [0.00005] * 3, 10),
    "chained4": (lambda o: D.ChainedScheduler([D.ExponentialLR(o, gamma=0.9), D.ConstantLR(o, factor=0.2, total_iters=4),
                                               D.StepLR(o, gamma=0.1, step_size=3)]),
                 [0.05 * 0.2 * 0.9**x for x in range(3)] + [0.05 * 0.2 * 0.9**3 * 0.1]
                 + [0.05 * 0.9**x * 0.1 for x in range(4, 6)] + [0.05 * 0.9**x * 0.01 for x in range(6, 9)], 9),
    "chained5": (lambda o: D.ChainedScheduler([D.PolynomialLR(o, power=0.9, total_iters=5), D.ConstantLR(o, factor=0.1)]),
                 [0.05 * (1.0 - x / 5) ** 0.9 * 0.1 for x in range(5)] + [0.0] * 5, 10),
    "sequential1": (lambda o: D.SequentialLR(o, [D.ExponentialLR(o, gamma=0.8), D.StepLR(o, gamma=0.1, step_size=4)], [3]),
                    [0.05, 0.04, 0.032] + [0.05] * 4 + [0.005] * 4 + [0.0005] * 4 + [0.00005] * 4, 19),
    "sequential2": (lambda o: D.SequentialLR(o, [D.ConstantLR(o, factor=0.1, total_iters=3), D.ExponentialLR(o, gamma=0.9)], [3]),
                    [0.005, 0.005, 0.005] + [0.05 * 0.9**x for x in range(10)], 13),
    "sequential3": (lambda o: D.SequentialLR(o, [D.ConstantLR(o, factor=0.1, total_iters=3), D.ExponentialLR(o, gamma=0.8),
                                                 D.StepLR(o, gamma=0.1, step_size=2)], [3, 6]),
                    [0.005] * 3 + [0.05, 0.04, 0.032] + [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005], 12),
    "sequential5": (lambda o: D.SequentialLR(o, [D.ChainedScheduler([D.LinearLR(o, start_factor=0.1, total_iters=5),
                                                                     D.ConstantLR(o, factor=0.1, total_iters=5)]),
                                                 D.ConstantLR(o, factor=0.5, total_iters=5)], [5]),
                    [0.0005, 0.0014, 0.0023, 0.0032, 0.0041] + [0.025] * 5, 10),
}


@pytest.mark.parametrize("name", list(CHAINED))
def test_torch_chained_and_sequential_tests(name: str) -> None:
    build, single, epochs = CHAINED[name]
    opt = _torch_opt()
    s = build(opt)
    targets = [single, [x * 10 for x in single]] if not name.startswith("sequential") or name == "sequential5" else [single]
    _check_targets(opt, [s], targets, epochs)
    assert s.get_last_lr()[0] == pytest.approx(opt.param_groups[0]["lr"], rel=RTOL)


def test_sequential_milestone_zero_and_duplicates() -> None:
    for ms in ([0, 4], [4, 4], [-2, 5]):
        pair = Pair(lambda M, o, ms=ms: M.SequentialLR(
            o, [M.ConstantLR(o, 0.1, 10), M.LinearLR(o, 0.2, total_iters=6), M.ExponentialLR(o, 0.9)], list(ms)
        ), [0.05, 0.5])
        for _ in range(15):
            assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=RTOL)
            pair.step()


def test_sequential_lr_does_not_alias_tensor_lr() -> None:
    net = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(net.parameters(), lr=torch.tensor(2.0))
    s = D.SequentialLR(opt, [D.LinearLR(opt, 0.1, 0.8, total_iters=4), D.LinearLR(opt, 0.8, 0.1, total_iters=4)], milestones=[4])
    _check_targets(opt, [s], [[0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55]], 8)


def test_sequential_with_cyclic_momentum() -> None:
    pair = Pair(lambda M, o: M.SequentialLR(o, [M.LinearLR(o, 0.5, total_iters=3), M.CyclicLR(o, 0.01, 0.1, 3)], [3]),
                [0.05], adam=True)
    for k in range(20):
        assert lrs_of(pair.o_d) == pytest.approx(lrs_of(pair.o_t), rel=RTOL), k
        assert moms_of(pair.o_d) == pytest.approx(moms_of(pair.o_t), rel=RTOL), k
        pair.step()


def test_no_warnings_in_the_new_pattern() -> None:
    opt = make_opt([0.1, 0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = D.SequentialLR(opt, [D.LinearLR(opt, 0.5, 0.1, total_iters=5), D.ExponentialLR(opt, 0.9)], [5])
        c = D.CosineAnnealingLR(make_opt([0.1]), 10)
        for _ in range(10):
            opt.step()
            s.step()
            c.optimizer.step()
            c.step()


def test_old_pattern_warns_like_torch() -> None:
    s = D.StepLR(make_opt([0.1]), gamma=0.1, step_size=3)
    with pytest.warns(UserWarning, match="how-to-adjust-learning-rate"):
        for _ in range(3):
            s.step()
            s.optimizer.step()


# ---------------------------------------------------------------------------
# validation parity (same exception types as torch)

INVALID: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("LinearLR start 0", lambda M, o: M.LinearLR(o, start_factor=0.0)),
    ("LinearLR start 1.1", lambda M, o: M.LinearLR(o, start_factor=1.1)),
    ("LinearLR end -0.1", lambda M, o: M.LinearLR(o, end_factor=-0.1)),
    ("ConstantLR factor 1.5", lambda M, o: M.ConstantLR(o, factor=1.5)),
    ("ConstantLR factor -1", lambda M, o: M.ConstantLR(o, factor=-1.0)),
    ("CAWR T_0 0", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=0)),
    ("CAWR T_0 float", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=2.0)),
    ("CAWR T_mult 0", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)),
    ("CAWR eta str", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="x")),
    ("CyclicLR mode", lambda M, o: M.CyclicLR(o, base_lr=0, max_lr=0, mode="CATS")),
    ("CyclicLR list length", lambda M, o: M.CyclicLR(o, base_lr=[0.1, 0.2, 0.3], max_lr=1.0)),
    ("OneCycleLR no total", lambda M, o: M.OneCycleLR(o, max_lr=1e-3)),
    ("OneCycleLR total 0", lambda M, o: M.OneCycleLR(o, max_lr=1e-3, total_steps=0)),
    ("OneCycleLR epochs 0", lambda M, o: M.OneCycleLR(o, max_lr=1e-3, epochs=0, steps_per_epoch=3)),
    ("OneCycleLR pct 1.1", lambda M, o: M.OneCycleLR(o, max_lr=1e-3, total_steps=10, pct_start=1.1)),
    ("OneCycleLR pct int", lambda M, o: M.OneCycleLR(o, max_lr=1e-3, total_steps=10, pct_start=0)),
    ("OneCycleLR anneal", lambda M, o: M.OneCycleLR(o, max_lr=1e-3, total_steps=10, anneal_strategy="CATS")),
    ("LambdaLR length", lambda M, o: M.LambdaLR(o, lr_lambda=[lambda e: 1.0] * 3)),
    ("MultiplicativeLR float", lambda M, o: M.MultiplicativeLR(o, lr_lambda=0.95)),
    ("MultiplicativeLR list", lambda M, o: M.MultiplicativeLR(o, lr_lambda=[0.95, 0.9])),
    ("SequentialLR empty", lambda M, o: M.SequentialLR(o, [], [])),
    ("SequentialLR milestones", lambda M, o: M.SequentialLR(o, [M.ConstantLR(o), M.ConstantLR(o)], [1, 2])),
    ("SequentialLR no optimizer", lambda M, o: M.SequentialLR(o, [object()], [])),
    ("SequentialLR plateau", lambda M, o: M.SequentialLR(o, [T.ReduceLROnPlateau(o)], [])),
    ("SequentialLR other optimizer", lambda M, o: M.SequentialLR(o, [M.ConstantLR(make_opt([0.1, 0.2]))], [])),
    ("ChainedScheduler empty", lambda M, o: M.ChainedScheduler([])),
    ("not an optimizer", lambda M, o: M.StepLR(object(), 3)),
]


@pytest.mark.parametrize("case", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_arguments_raise_like_torch(case: Any) -> None:
    _, build = case
    with pytest.raises(Exception) as exc_t:
        build(T, make_opt([0.1, 0.2]))
    with pytest.raises(type(exc_t.value)):
        build(D, make_opt([0.1, 0.2]))


def test_cycle_momentum_without_momentum_slot() -> None:
    for M in (T, D):
        rprop = torch.optim.Rprop([torch.nn.Parameter(torch.zeros(1))])
        with pytest.raises(ValueError, match="momentum or beta1"):
            M.CyclicLR(rprop, base_lr=1, max_lr=5, cycle_momentum=True)
        with pytest.raises(ValueError, match="momentum or beta1"):
            M.OneCycleLR(rprop, max_lr=1, total_steps=5, cycle_momentum=True)
    D.CyclicLR(torch.optim.Rprop([torch.nn.Parameter(torch.zeros(1))]), base_lr=1, max_lr=5, cycle_momentum=False)


def test_validation_leaves_the_optimizer_untouched() -> None:
    opt = make_opt([0.1])
    with pytest.raises(ValueError):
        D.CosineAnnealingLR(opt, T_max=10, eta_min=-1.0)
    assert "initial_lr" not in opt.param_groups[0] and D.closed_form_schedulers(opt) == []


# ---------------------------------------------------------------------------
# the listed differences, one test each


def test_difference_1_closed_form_not_recursion() -> None:
    """Near the cosine's minimum torch's two forms disagree; the drop-in is torch's closed form."""
    base, eta = 0.006296053287467409, 0.0011137445316485406
    pair = Pair(lambda M, o: M.CosineAnnealingLR(o, T_max=967, eta_min=eta), [base])
    worst_rec = 0.0
    for _ in range(3 * 967):
        c = pair.t._get_closed_form_lr()[0]
        worst_rec = max(worst_rec, abs(lrs_of(pair.o_t)[0] - c) / c)
        assert abs(lrs_of(pair.o_d)[0] - c) <= RTOL * c + EPS * (base - eta)
        pair.step()
    assert worst_rec > 5e-12  # torch's recursion drifts from its own closed form (7e-12 here)
    # ConstantLR(total_iters=0): torch's step() keeps the factor forever, its closed form is the base LR
    pair = Pair(lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=0), [0.1])
    for _ in range(3):
        pair.step()
    assert lrs_of(pair.o_t) == [0.05] and pair.t._get_closed_form_lr() == [0.1] and lrs_of(pair.o_d) == [0.1]
    # ConstantLR(factor=0): torch's step() divides by zero at total_iters
    pair_t = T.ConstantLR(make_opt([0.1]), factor=0.0, total_iters=2)
    d = D.ConstantLR(make_opt([0.1]), factor=0.0, total_iters=2)
    pair_t.step()
    d.step()
    with pytest.raises(ZeroDivisionError):
        pair_t.step()
    d.step()
    assert lrs_of(d.optimizer) == [0.1]


def test_difference_2_last_epoch_construction() -> None:
    """With last_epoch=N the drop-in sets the closed form at N + 1; torch keeps the optimizer's LR."""
    o_t, o_d = make_opt([0.1]), make_opt([0.1])
    for o in (o_t, o_d):
        o.param_groups[0]["initial_lr"] = 0.1
    t = T.ExponentialLR(o_t, gamma=0.5, last_epoch=3)
    d = D.ExponentialLR(o_d, gamma=0.5, last_epoch=3)
    assert t.last_epoch == d.last_epoch == 4
    assert lrs_of(o_t) == [0.1] and t._get_closed_form_lr() == [0.1 * 0.5**4]
    assert lrs_of(o_d) == [0.1 * 0.5**4]


@pytest.mark.parametrize(
    "build",
    [
        lambda M, o: M.StepLR(o, step_size=0),
        lambda M, o: M.CosineAnnealingLR(o, T_max=0),
        lambda M, o: M.LinearLR(o, total_iters=0),
        lambda M, o: M.PolynomialLR(o, total_iters=0),
    ],
    ids=["StepLR", "CosineAnnealingLR", "LinearLR", "PolynomialLR"],
)
def test_difference_3_zero_lengths(build: Any) -> None:
    opt = make_opt([0.1])
    try:  # torch raises ZeroDivisionError at some step (or its closed form does)
        s = build(T, opt)
        for _ in range(3):
            s.step()
        s.step(2)
        raise AssertionError("torch did not divide by zero")
    except ZeroDivisionError:
        pass
    with pytest.raises(tc.ZeroLengthError) as exc:
        build(D, make_opt([0.1]))
    assert isinstance(exc.value, ZeroDivisionError) and isinstance(exc.value, ValueError)


@pytest.mark.parametrize(
    "build",
    [
        lambda o: D.StepLR(o, 3, gamma=-0.5),
        lambda o: D.MultiStepLR(o, [3], gamma=2.0),
        lambda o: D.MultiStepLR(o, [-1, 3]),
        lambda o: D.CosineAnnealingLR(o, 10, eta_min=-1e-3),
        lambda o: D.ConstantLR(o, 0.5, total_iters=-1),
        lambda o: D.PolynomialLR(o, 5, power=-1.0),
        lambda o: D.CyclicLR(o, base_lr=0.2, max_lr=0.1),
        lambda o: D.CosineAnnealingWarmRestarts(o, 5, eta_min=0.5),
        lambda o: D.StepLR(o, 2.5),
        lambda o: D.SequentialLR(o, [D.ConstantLR(o), D.ConstantLR(o), D.ConstantLR(o)], [5, 2]),
    ],
)
def test_difference_4_invalid_values(build: Any) -> None:
    with pytest.raises(ValueError):
        build(make_opt([0.1]))


def test_difference_4_lambda_factor_checked_and_growth_capped() -> None:
    s = D.LambdaLR(make_opt([0.1]), lr_lambda=lambda e: 1.0 - e)
    s.step()
    with pytest.raises(ValueError, match="finite and >= 0"):
        s.step()
    pair = Pair(lambda M, o: M.ExponentialLR(o, gamma=1.5), [0.1])
    for _ in range(50):
        pair.step()
    assert lrs_of(pair.o_d)[0] == pytest.approx(lrs_of(pair.o_t)[0], rel=1e-13)
    g = D.ExponentialLR(make_opt([0.1]), gamma=1e10)
    for _ in range(40):
        g.step()
    assert lrs_of(g.optimizer)[0] == pytest.approx(0.1 * tc.GROWTH_CAP, rel=1e-12)


def test_difference_5_momentum_above_one() -> None:
    T.CyclicLR(make_opt([0.1]), base_lr=1, max_lr=5, base_momentum=1, max_momentum=5)  # torch accepts
    with pytest.raises(ValueError, match="max_momentum"):
        D.CyclicLR(make_opt([0.1]), base_lr=1, max_lr=5, base_momentum=1, max_momentum=5)
    T.OneCycleLR(make_opt([0.1]), max_lr=25, total_steps=10, base_momentum=1, max_momentum=22)
    with pytest.raises(ValueError, match="momentum"):
        D.OneCycleLR(make_opt([0.1]), max_lr=25, total_steps=10, base_momentum=1, max_momentum=22)
    # not cycled: the momenta are unused, so not checked (as torch)
    D.OneCycleLR(make_opt([0.1]), max_lr=25, total_steps=10, max_momentum=22, cycle_momentum=False)
    # tensor betas are filled in place
    p = torch.nn.Parameter(torch.zeros(1))
    b1 = torch.tensor(0.9)
    opt = torch.optim.Adam([p], lr=torch.tensor(0.01), betas=(b1, torch.tensor(0.999)))
    s = D.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    opt.step()
    s.step()
    assert opt.param_groups[0]["betas"][0] is b1 and float(b1) != pytest.approx(0.95)


def test_difference_6_onecycle_end() -> None:
    pair = Pair(lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=10), [0.1])
    for _ in range(10):
        pair.step()
    final = 0.1 / 25.0 / 1e4
    assert lrs_of(pair.o_d) == [final] and lrs_of(pair.o_t)[0] != final
    for s in (pair.t, pair.d):
        with pytest.raises(ValueError, match="Tried to step 11 times"):
            s.step()
    # a zero-length first phase: torch divides by zero, the drop-in starts at the phase's start
    with pytest.raises(ZeroDivisionError):
        T.OneCycleLR(make_opt([0.1]), max_lr=0.1, total_steps=10, pct_start=0.1)
    s = D.OneCycleLR(make_opt([0.1]), max_lr=0.1, total_steps=10, pct_start=0.1)
    assert lrs_of(s.optimizer) == [0.1 / 25.0]


def test_difference_7_custom_scale_fn() -> None:
    T.CyclicLR(make_opt([0.1]), 0.01, 0.1, scale_fn=lambda x: 0.5)
    with pytest.raises(ValueError, match="scale_fn"):
        D.CyclicLR(make_opt([0.1]), 0.01, 0.1, scale_fn=lambda x: 0.5)


def test_difference_8_stacking_composes_and_torch_sequential_refused() -> None:
    opt = make_opt([0.1])
    lam = D.LambdaLR(opt, lambda e: 0.9**e)
    st = D.StepLR(opt, 2, 0.5)
    opt.step()
    for k in range(1, 8):
        lam.step()
        st.step()
        assert lrs_of(opt)[0] == pytest.approx(0.1 * 0.9**k * 0.5 ** (k // 2), rel=RTOL)
    opt = make_opt([0.1])
    kids = [D.LinearLR(opt, 0.5, total_iters=3), D.ExponentialLR(opt, 0.9)]
    with pytest.raises(TypeError, match=r"lrcurves\.adapters\.torch_schedulers\.SequentialLR"):
        T.SequentialLR(opt, kids, [3])


def test_difference_9_sequential_children() -> None:
    opt = make_opt([0.1])
    s = D.SequentialLR(opt, [D.LinearLR(opt, 0.5, total_iters=2),
                             D.ChainedScheduler([D.StepLR(opt, 2, 0.5), D.ConstantLR(opt, 0.5, 3)])], [2])
    got = []
    for _ in range(8):
        got.append(lrs_of(opt)[0])
        s.step()
    assert got == pytest.approx([0.05, 0.075, 0.05, 0.05, 0.025, 0.05, 0.025, 0.025], rel=RTOL)
    opt = make_opt([0.1])
    with pytest.raises(ValueError, match="MultiplicativeLR"):
        D.SequentialLR(opt, [D.ConstantLR(opt), D.MultiplicativeLR(opt, lambda e: 0.9)], [3])


def test_difference_10_cawr_exact_cycle() -> None:
    s = D.CosineAnnealingWarmRestarts(make_opt([1.0]), T_0=1, T_mult=3)
    for epoch in range(1, 400):
        s.step(epoch)
        start, length = 0, 1
        while start + length <= epoch:
            start, length = start + length, length * 3
        assert (s.T_i, s.T_cur) == (length, epoch - start)
        assert lrs_of(s.optimizer)[0] == pytest.approx((1 + math.cos(math.pi * (epoch - start) / length)) / 2, rel=RTOL)


# ---------------------------------------------------------------------------
# other behaviour


def test_external_change_warns() -> None:
    opt = make_opt([0.1])
    s = D.CosineAnnealingLR(opt, 10)
    plateau = T.ReduceLROnPlateau(opt, patience=0)
    opt.step()
    plateau.step(1.0)
    plateau.step(2.0)  # reduces the LR
    with pytest.warns(UserWarning, match="changed outside the lrcurves drop-ins"):
        s.step()


def test_no_reference_cycles() -> None:
    def run() -> Any:
        p = torch.empty(10, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.5)
        s = D.LambdaLR(opt, lambda e: 1.0)
        s2 = D.CosineAnnealingLR(opt, 5)
        p.sum().backward()
        opt.step()
        s.step()
        s2.step()
        return weakref.ref(s), weakref.ref(opt)

    gc.disable()
    try:
        rs, ro = run()
        assert rs() is None and ro() is None
    finally:
        gc.enable()


def test_get_lr_warns_outside_step() -> None:
    s = D.StepLR(make_opt([0.1]), 3)
    with pytest.warns(UserWarning, match="get_last_lr"):
        assert s.get_lr() == [0.1]


def test_reduce_on_plateau_is_out_of_scope() -> None:
    assert "ReduceLROnPlateau" in tc.OUT_OF_SCOPE and not hasattr(D, "ReduceLROnPlateau")
    with pytest.raises(ValueError, match="metric"):
        tc.schedule("ReduceLROnPlateau", base_lr=0.1)


# ---------------------------------------------------------------------------
# pure schedules and configs


@pytest.mark.parametrize("name", [n for n in GENERATORS if n not in ("LambdaLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler")])
def test_pure_schedule_equals_drop_in(name: str) -> None:
    """``compat.torch.schedule(name, base_lr, **params)`` is the drop-in's curve, bit for bit."""
    rng = random.Random(f"pure-{name}")
    for _ in range(5):
        lrs = lr_list(rng, 1)
        build, steps, _ = GENERATORS[name](rng, lrs)
        opt = make_opt(lrs)
        s = build(D, opt)
        params = dict(_all_params(s))
        pure = tc.schedule(name, **params) if name == "CyclicLR" else tc.schedule(name, lrs[0], **params)
        # the drop-in applies the curve's own numbers (lrcurves.curve, read in chunks)
        n = min(steps, 200)
        want = lrcurves.curve(pure, n).tolist()
        want_m = lrcurves.curve(pure, n, momentum=True).tolist() if pure.has_momentum else None
        for k in range(n):
            assert lrs_of(opt)[0] == want[k], (name, k)
            assert lrs_of(opt)[0] == pytest.approx(pure.value(k), rel=1e-13, abs=1e-300), (name, k)
            if name in ("CyclicLR", "OneCycleLR") and s.cycle_momentum:
                assert want_m is not None and moms_of(opt)[0] == want_m[k]
            opt.step()
            s.step()
        assert lrcurves.curve(pure, 50)[7] == pure.value(7)  # the same curve in NumPy


def _all_params(s: Any) -> dict[str, Any]:
    if isinstance(s, D.CyclicLR):
        p = s._params()
        p["base_lr"] = p["base_lr"][0]
        return p
    if isinstance(s, D.OneCycleLR):
        p = s._params()
        p["max_lr"] = p["max_lr"][0]
        return p
    return _ctor_kwargs(s)


def test_pure_callables_and_composites() -> None:
    s = tc.schedule("LambdaLR", 0.5, lr_lambda=lambda k: 0.9**k, num_steps=20)
    assert [s.value(k) for k in (0, 5, 30)] == [0.5, 0.5 * 0.9**5, 0.5 * 0.9**19]
    m = tc.schedule("LambdaLR", 0.5, lr_lambda=lrcurves.linear(1.0, 0.0, transition_steps=4))
    assert m.value(2) == 0.25
    mult = tc.schedule("MultiplicativeLR", 1.0, lr_lambda=lambda k: 0.5, num_steps=5)
    assert [mult.value(k) for k in range(6)] == [1.0, 0.5, 0.25, 0.125, 0.0625, 0.0625]
    with pytest.raises(ValueError, match="num_steps"):
        tc.schedule("LambdaLR", 0.5, lr_lambda=lambda k: 1.0)
    ch = tc.schedule("ChainedScheduler", 1.0, schedulers=[{"torch": "StepLR", "step_size": 2, "gamma": 0.5},
                                                          {"torch": "LinearLR", "start_factor": 0.5, "total_iters": 2}])
    assert [ch.value(k) for k in range(5)] == [0.5, 0.75, 0.5, 0.5, 0.25]


def test_from_config() -> None:
    cfg = {"torch": "CosineAnnealingLR", "T_max": 10, "eta_min": 1e-3}
    s = lrcurves.from_config(cfg, base_lr=0.1)
    assert s == tc.schedule("CosineAnnealingLR", 0.1, T_max=10, eta_min=1e-3)
    assert lrcurves.from_config({"torch": "CosineAnnealingLR", "params": {"T_max": 10, "eta_min": 1e-3}}, base_lr=0.1) == s
    assert lrcurves.from_config(s.to_config()) == s  # round trip through the core config
    cyc = lrcurves.from_config({"torch": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4})
    assert cyc.has_momentum and cyc.value(4) == pytest.approx(0.1)
    with pytest.raises(TypeError, match="unexpected"):
        lrcurves.from_config({"torch": "StepLR", "step_size": 3, "bogus": 1}, base_lr=0.1)
    with pytest.raises(ValueError, match="unknown torch scheduler"):
        lrcurves.from_config({"torch": "NoSuchLR"}, base_lr=0.1)
    with pytest.raises(ValueError, match="base_lr"):
        lrcurves.from_config({"torch": "StepLR", "step_size": 3})


def test_periodic_cosine_both_forms() -> None:
    """Past T_max: the closed form rises back (torch's closed form and its step() both do)."""
    pair = Pair(lambda M, o: M.CosineAnnealingLR(o, T_max=10, eta_min=0.01), [0.1])
    vals = []
    for _ in range(41):
        vals.append(lrs_of(pair.o_d)[0])
        c = pair.t._get_closed_form_lr()[0]
        assert close(vals[-1], c, EPS * 0.09) and close(vals[-1], lrs_of(pair.o_t)[0], abs(c - lrs_of(pair.o_t)[0]) + EPS * 0.09)
        pair.step()
    assert vals[10] == pytest.approx(0.01) and vals[20] == pytest.approx(0.1) and vals[15] == pytest.approx(0.055)
    assert vals[30] == pytest.approx(0.01) and vals[40] == pytest.approx(0.1)


def test_parity_summary() -> None:
    """Print how much was compared (run with -s to see it)."""
    if _STATS:
        total = [sum(v[i] for v in _STATS.values()) for i in range(3)]
        print(f"\ntorch drop-in parity: {total[0]} parameter sets, {total[1]} steps, {total[2]} group LRs compared")


def test_foreign_closed_form_scheduler_is_not_overwritten() -> None:
    opt = make_opt([0.1])
    other = T.LambdaLR(opt, lambda e: 1.0)  # stands in for a CurveScheduler
    D.register_closed_form(other)
    assert D.closed_form_schedulers(opt) == [other]
    with pytest.raises(ValueError, match="already drives"):
        D.StepLR(opt, 3)
    opt2 = make_opt([0.1])
    s = D.StepLR(opt2, 3)
    assert D.closed_form_schedulers(opt2) == [s]
