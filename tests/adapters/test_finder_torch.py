"""The PyTorch LR finder on least squares, where the divergence LR is known: 2 / lambda_max."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from lrcurves.adapters.torch_finder import find_lr

import lrcurves
from lrcurves.finder import FinderResult, FinderWarning, range_test_schedule

N, D = 64, 5
SCALES = (3.0, 1.0, 0.5, 0.3, 0.1)  # spread the Hessian's eigenvalues


def problem() -> tuple[torch.Tensor, torch.Tensor, float]:
    """Fixed least-squares data (float64) and the divergence LR 2 / lambda_max of MSE."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(N, D, generator=g, dtype=torch.float64) * torch.tensor(SCALES, dtype=torch.float64)
    w = torch.randn(D, generator=g, dtype=torch.float64)
    y = x @ w + 0.1 * torch.randn(N, generator=g, dtype=torch.float64)  # noise: min loss > 0
    hessian = 2.0 / N * x.T @ x  # of mean((x w - y)^2)
    lam_max = float(torch.linalg.eigvalsh(hessian)[-1])
    return x, y, 2.0 / lam_max


X, Y, LR_DIV = problem()


def mse(model: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    xb, yb = batch
    return torch.nn.functional.mse_loss(model(xb).squeeze(-1), yb)


def linear_model(seed: int = 1) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Linear(D, 1, bias=False, dtype=torch.float64)


def exact_gd_losses(w0: np.ndarray, lrs: np.ndarray) -> np.ndarray:
    """Full-batch gradient descent on the MSE in NumPy: the loss before each update."""
    x, y = X.numpy(), Y.numpy()
    w = w0.copy()
    out = []
    for lr in lrs:
        r = x @ w - y
        out.append(np.mean(r**2))
        w = w - lr * (2.0 / N) * (x.T @ r)
    return np.array(out)


def run(model: torch.nn.Module, opt: torch.optim.Optimizer, **kw: Any) -> Any:
    kw.setdefault("progress", False)
    return find_lr(model, opt, mse, [(X, Y)], **kw)


# ---------------------------------------------------------------------------
# the known answers


def test_losses_are_exact_gradient_descent_on_the_sweep() -> None:
    model = linear_model()
    w0 = model.weight.detach().numpy().ravel().copy()
    r = run(model, torch.optim.SGD(model.parameters(), lr=0.01))
    assert np.array_equal(r.lrs, lrcurves.curve(range_test_schedule(1e-7, 10.0, 100), len(r.lrs)))
    np.testing.assert_allclose(r.losses, exact_gd_losses(w0, r.lrs), rtol=1e-9)


@pytest.mark.parametrize(
    ("method", "smoothing"),
    [("valley", 0.98), ("min_div_10", 0.98), ("steepest", 0.0), ("steepest", 0.5)],
)
def test_suggestion_lies_in_the_stable_range(method: str, smoothing: float) -> None:
    model = linear_model()
    r = run(model, torch.optim.SGD(model.parameters(), lr=0.01), smoothing=smoothing)
    s = r.suggest(method)
    assert s is not None
    # measured (x 2/lambda_max): valley 0.030, min_div_10 0.65, steepest 0.48 / 0.58
    assert 1e-3 * LR_DIV < s < LR_DIV, (method, s / LR_DIV)
    assert r.suggestion == r.suggest("valley")  # the default method


def test_steepest_of_a_heavily_smoothed_short_sweep_lags() -> None:
    """A documented pitfall, pinned: the EMA (beta = 0.98, ~50 steps of memory) lags
    a 100-step sweep, so its steepest slope comes late -- here past the divergence LR
    (4.5x 2/lambda_max), while the raw curve's steepest point is stable (0.48x)."""
    model = linear_model()
    r = run(model, torch.optim.SGD(model.parameters(), lr=0.01))
    assert r.suggest("steepest") > LR_DIV
    assert FinderResult.from_losses(r.lrs, r.losses, smoothing=0.0).suggest("steepest") < LR_DIV


@pytest.mark.parametrize("smoothing", [0.0, 0.98])
def test_divergence_is_detected_promptly(smoothing: float) -> None:
    model = linear_model()
    w0 = model.weight.detach().numpy().ravel().copy()
    r = run(model, torch.optim.SGD(model.parameters(), lr=0.01), smoothing=smoothing)
    assert r.diverged
    d = r.diverged_at
    # GD is stable below 2/lambda_max: no false alarm there
    assert r.lrs[d] > LR_DIV
    # the exact loss first exceeds 4x its best at `blowup`; with smoothing 0 the finder
    # stops exactly there, with beta = 0.98 the smoothed loss needs at most 2 more steps
    lrs = lrcurves.curve(range_test_schedule(1e-7, 10.0, 100), 100)
    exact = exact_gd_losses(w0, lrs)
    blowup = int(np.argmax(exact > 4.0 * np.minimum.accumulate(exact)))
    if smoothing == 0.0:
        assert d == blowup
    else:
        assert blowup <= d <= blowup + 2
    # full-batch GD only blows up once the top eigendirection, contracted to ~0 on the
    # way (|1 - lr * lambda| ~ 0 near lr = 1/lambda), has regrown: measured at
    # 6.5x (smoothing 0) and 9.5x (0.98) 2/lambda_max, about 10-12 sweep steps
    # (20% apart) after crossing 2/lambda_max
    crossed = int(np.argmax(lrs > LR_DIV))
    assert d - crossed <= 14 and r.lrs[d] < 16 * LR_DIV


# ---------------------------------------------------------------------------
# restore


def _adam_setup(seed: int) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(D, 8, dtype=torch.float64),
        torch.nn.BatchNorm1d(8, dtype=torch.float64),  # buffers change in train mode
        torch.nn.Dropout(0.2),  # consumes the RNG
        torch.nn.Linear(8, 1, dtype=torch.float64),
    )
    opt = torch.optim.Adam(
        [
            {"params": model[0].parameters(), "lr": 1e-2},
            {"params": [*model[1].parameters(), *model[3].parameters()], "lr": 3e-3},
        ],
        betas=(0.85, 0.99),
    )
    for _ in range(3):  # Adam state exists before the finder
        opt.zero_grad()
        mse(model, (X, Y)).backward()
        opt.step()
    mse(model, (X, Y)).backward()  # leave gradients in .grad too
    return model, opt


def _train(model: torch.nn.Module, opt: torch.optim.Optimizer, steps: int) -> list[float]:
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = mse(model, (X, Y))
        loss.backward()
        opt.step()
        out.append(loss.item())
    return out


def test_model_optimizer_and_rng_are_restored_bit_for_bit() -> None:
    model, opt = _adam_setup(0)
    model_sd = copy.deepcopy(model.state_dict())
    opt_sd = copy.deepcopy(opt.state_dict())
    grads = [p.grad.clone() for p in model.parameters()]
    groups = list(opt.param_groups)
    rng = torch.get_rng_state()

    r = find_lr(model, opt, mse, [(X, Y)], start_lr=1e-5, end_lr=100.0, num_steps=30, progress=False)
    assert len(r.lrs) > 3  # it really trained

    after = model.state_dict()
    assert after.keys() == model_sd.keys()
    for k, v in model_sd.items():
        assert torch.equal(after[k], v), k
    for p, g in zip(model.parameters(), grads, strict=True):
        assert p.grad is not None and torch.equal(p.grad, g)
    now = opt.state_dict()
    assert now["param_groups"] == opt_sd["param_groups"]
    assert now["state"].keys() == opt_sd["state"].keys()
    for i, st in opt_sd["state"].items():
        assert now["state"][i].keys() == st.keys()
        for k, v in st.items():
            assert torch.equal(now["state"][i][k], v), (i, k)
    assert all(a is b for a, b in zip(opt.param_groups, groups, strict=True))  # same dicts
    assert torch.equal(torch.get_rng_state(), rng)

    # the end-to-end check: training on gives the very same numbers as without the finder
    twin_model, twin_opt = _adam_setup(0)
    torch.set_rng_state(rng)
    expected = _train(twin_model, twin_opt, 4)
    torch.set_rng_state(rng)
    assert _train(model, opt, 4) == expected
    for a, b in zip(model.state_dict().values(), twin_model.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_restored_after_an_exception() -> None:
    model, opt = _adam_setup(1)
    before = copy.deepcopy(model.state_dict())
    calls = 0

    def flaky(m: torch.nn.Module, batch: Any) -> torch.Tensor:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("data loader died")
        return mse(m, batch)

    with pytest.raises(RuntimeError, match="data loader died"):
        find_lr(model, opt, flaky, [(X, Y)], start_lr=1e-3, end_lr=10.0, num_steps=20, progress=False)
    for k, v in before.items():
        assert torch.equal(model.state_dict()[k], v), k
    assert [g["lr"] for g in opt.param_groups] == [1e-2, 3e-3]


# ---------------------------------------------------------------------------
# param groups, accumulation, tensor LRs, compile


def _recording(opt: torch.optim.Optimizer, seen: list[list[float]]) -> Callable[..., torch.Tensor]:
    def loss_fn(model: torch.nn.Module, batch: Any) -> torch.Tensor:
        seen.append([float(g["lr"]) for g in opt.param_groups])
        return mse(model, batch)

    return loss_fn


def test_param_groups_keep_their_ratio_to_the_largest() -> None:
    model = torch.nn.Sequential(
        torch.nn.Linear(D, 4, dtype=torch.float64),
        torch.nn.Linear(4, 1, dtype=torch.float64),
        torch.nn.Linear(1, 1, dtype=torch.float64),
    )
    opt = torch.optim.SGD(
        [
            {"params": model[0].parameters(), "lr": 0.01},  # the largest comes second
            {"params": model[1].parameters(), "lr": 0.04},
            {"params": model[2].parameters(), "lr": 0.0},  # frozen stays frozen
        ],
        momentum=0.9,
    )
    seen: list[list[float]] = []
    r = find_lr(model, opt, _recording(opt, seen), [(X, Y)], start_lr=1e-4, end_lr=1.0, num_steps=20, progress=False)
    got = np.array(seen)
    assert len(got) == len(r.lrs) >= 10
    assert np.array_equal(got[:, 1], r.lrs)  # the sweep value is the largest group's LR
    np.testing.assert_allclose(got[:, 0], r.lrs / 4, rtol=1e-15)
    assert np.all(got[:, 2] == 0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.04, 0.0]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)


def test_accumulation_equals_the_full_batch() -> None:
    full = linear_model()
    r_full = run(full, torch.optim.SGD(full.parameters(), lr=0.1))
    split = linear_model()
    micro = [(X[i : i + 16], Y[i : i + 16]) for i in range(0, N, 16)]  # 4 equal micro-batches
    r_acc = find_lr(
        split, torch.optim.SGD(split.parameters(), lr=0.1), mse, micro, accumulation_steps=4, progress=False
    )
    assert r_acc.diverged_at == r_full.diverged_at
    assert np.array_equal(r_acc.lrs, r_full.lrs)
    np.testing.assert_allclose(r_acc.losses, r_full.losses, rtol=1e-9)
    assert r_acc.suggestion == pytest.approx(r_full.suggestion, rel=1e-12)


def test_tensor_lr_is_filled_in_place() -> None:
    model = linear_model()
    lr = torch.tensor(0.05, dtype=torch.float64)
    opt = torch.optim.SGD([{"params": model.parameters(), "lr": lr}])
    seen: list[list[float]] = []
    ids: list[int] = []

    def loss_fn(m: torch.nn.Module, batch: Any) -> torch.Tensor:
        ids.append(id(opt.param_groups[0]["lr"]))
        return _recording(opt, seen)(m, batch)

    r = find_lr(model, opt, loss_fn, [(X, Y)], start_lr=1e-4, end_lr=1.0, num_steps=15, progress=False)
    assert set(ids) == {id(lr)}
    assert [s[0] for s in seen] == r.lrs.tolist()
    assert opt.param_groups[0]["lr"] is lr and float(lr) == 0.05


# dynamo traces through torch internals that emit their own DeprecationWarnings
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_compiled_model() -> None:
    # aot_eager: dynamo graph capture and AOT autograd (what the finder meets: the
    # _orig_mod state dict, guards on restored tensors), without inductor's C++ build,
    # which takes ~15 s on a small CPU (measured: the inductor backend works too)
    torch._dynamo.reset()
    from torch._dynamo.utils import counters

    eager = linear_model()
    r_eager = run(eager, torch.optim.SGD(eager.parameters(), lr=0.1), num_steps=40, start_lr=1e-4)
    model = linear_model()
    compiled = torch.compile(model, backend="aot_eager")
    opt = torch.optim.SGD(compiled.parameters(), lr=0.1)
    before = copy.deepcopy(compiled.state_dict())
    r = run(compiled, opt, num_steps=40, start_lr=1e-4)
    graphs = counters["stats"]["unique_graphs"]
    assert graphs >= 1
    assert r.diverged_at == r_eager.diverged_at
    np.testing.assert_allclose(r.losses, r_eager.losses, rtol=1e-9)
    for k, v in before.items():
        assert torch.equal(compiled.state_dict()[k], v), k
    again = run(compiled, opt, num_steps=40, start_lr=1e-4)  # restored tensors: no recompile
    assert counters["stats"]["unique_graphs"] == graphs
    assert again == r
    torch._dynamo.reset()


# ---------------------------------------------------------------------------
# errors and edge cases


def test_bad_arguments() -> None:
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="find_lr: num_steps must be an integer >= 2, got 1"):
        find_lr(model, opt, mse, [(X, Y)], num_steps=1)
    with pytest.raises(ValueError, match=r"find_lr: smoothing must be in \[0, 1\), got 1.5"):
        find_lr(model, opt, mse, [(X, Y)], smoothing=1.5)
    with pytest.raises(ValueError, match="find_lr: diverge_factor must be > 1"):
        find_lr(model, opt, mse, [(X, Y)], diverge_factor=0.5)
    with pytest.raises(TypeError, match=r"find_lr: model must be a torch\.nn\.Module"):
        find_lr(lambda x: x, opt, mse, [(X, Y)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="find_lr: optimizer must be"):
        find_lr(model, "sgd", mse, [(X, Y)])  # type: ignore[arg-type]
    zero = torch.optim.SGD(model.parameters(), lr=0.0)
    with pytest.raises(ValueError, match=r"find_lr: optimizer param groups .* got \[0.0\]"):
        find_lr(model, zero, mse, [(X, Y)])
    with pytest.raises(TypeError, match="find_lr: loss_fn must return a scalar loss tensor"):
        find_lr(model, opt, lambda m, b: m(b[0]), [(X, Y)], progress=False)
    with pytest.raises(ValueError, match="find_lr: batches ran out after 2 batches"):
        find_lr(model, opt, mse, iter([(X, Y), (X, Y)]), num_steps=5, progress=False)
    assert opt.param_groups[0]["lr"] == 0.1


def test_immediate_divergence_warns_and_suggests_nothing() -> None:
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    w = model.weight.detach().clone()
    with pytest.warns(FinderWarning, match="find_lr: .*no suggestion"):
        r = find_lr(model, opt, lambda m, b: mse(m, b) * math.nan, [(X, Y)], progress=False)
    assert r.diverged_at == 0 and r.suggestion is None
    assert torch.equal(model.weight, w)


def test_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    model = linear_model()
    find_lr(model, torch.optim.SGD(model.parameters(), lr=0.1), mse, [(X, Y)], num_steps=5)
    assert "find_lr" in capsys.readouterr().err
