"""The JAX/optax LR finder on least squares (divergence LR 2 / lambda_max), against the torch finder."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from lrcurves.adapters.optax_finder import find_lr

import lrcurves
from lrcurves.finder import FinderWarning, range_test_schedule

N, D = 64, 5
SCALES = (3.0, 1.0, 0.5, 0.3, 0.1)


def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fixed least-squares data (float64), initial weights and 2 / lambda_max of the MSE."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D)) * np.array(SCALES)
    y = x @ rng.standard_normal(D) + 0.1 * rng.standard_normal(N)
    w0 = 0.3 * rng.standard_normal(D)
    lam_max = float(np.linalg.eigvalsh(2.0 / N * x.T @ x)[-1])
    return x, y, w0, 2.0 / lam_max


X, Y, W0, LR_DIV = problem()


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with jax.enable_x64(True):
        yield


def mse(w: Any, batch: Any) -> Any:
    xb, yb = batch
    return jnp.mean((xb @ w - yb) ** 2)


def exact_gd_losses(lrs: np.ndarray) -> np.ndarray:
    w, out = W0.copy(), []
    for lr in lrs:
        r = X @ w - Y
        out.append(np.mean(r**2))
        w = w - lr * (2.0 / N) * (X.T @ r)
    return np.array(out)


def run(**kw: Any) -> Any:
    kw.setdefault("progress", False)
    batches = kw.pop("batches", [(jnp.asarray(X), jnp.asarray(Y))])
    return find_lr(kw.pop("loss_fn", mse), kw.pop("params", jnp.asarray(W0)), kw.pop("optimizer", optax.sgd), batches, **kw)


# ---------------------------------------------------------------------------
# the known answers


def test_losses_are_exact_gradient_descent_on_the_sweep() -> None:
    r = run()
    assert np.array_equal(r.lrs, lrcurves.curve(range_test_schedule(1e-7, 10.0, 100), len(r.lrs)))
    np.testing.assert_allclose(r.losses, exact_gd_losses(r.lrs), rtol=1e-9)


@pytest.mark.parametrize(("method", "smoothing"), [("valley", 0.98), ("min_div_10", 0.98), ("steepest", 0.5)])
def test_suggestion_lies_in_the_stable_range(method: str, smoothing: float) -> None:
    r = run(smoothing=smoothing)
    s = r.suggest(method)
    assert s is not None and 1e-3 * LR_DIV < s < LR_DIV, (method, None if s is None else s / LR_DIV)


@pytest.mark.parametrize("smoothing", [0.0, 0.98])
def test_divergence_is_detected_promptly(smoothing: float) -> None:
    r = run(smoothing=smoothing)
    d = r.diverged_at
    assert d is not None and r.lrs[d] > LR_DIV
    lrs = lrcurves.curve(range_test_schedule(1e-7, 10.0, 100), 100)
    exact = exact_gd_losses(lrs)
    blowup = int(np.argmax(exact > 4.0 * np.minimum.accumulate(exact)))
    assert (d == blowup) if smoothing == 0.0 else (blowup <= d <= blowup + 2)
    crossed = int(np.argmax(lrs > LR_DIV))
    assert d - crossed <= 14 and r.lrs[d] < 16 * LR_DIV


# ---------------------------------------------------------------------------
# purity and compilation


def test_params_are_untouched() -> None:
    params = {"w": jnp.asarray(W0), "b": jnp.zeros(())}
    before = jax.tree.map(np.array, params)

    def loss_fn(p: Any, batch: Any) -> Any:
        return mse(p["w"], batch) + p["b"] ** 2

    r = run(params=params, loss_fn=loss_fn, optimizer=optax.adam, start_lr=1e-4, num_steps=40)
    assert len(r.lrs) > 10
    assert set(params) == {"w", "b"}
    for k in params:
        np.testing.assert_array_equal(np.asarray(params[k]), before[k])


@pytest.mark.parametrize("accumulation_steps", [1, 4])
def test_update_step_is_traced_once(accumulation_steps: int) -> None:
    traces = 0

    def counted(w: Any, batch: Any) -> Any:
        nonlocal traces
        traces += 1  # Python side effect: runs only while jax traces
        return mse(w, batch)

    micro = [(jnp.asarray(X[i : i + 16]), jnp.asarray(Y[i : i + 16])) for i in range(0, N, 16)]
    batches = micro if accumulation_steps > 1 else [(jnp.asarray(X), jnp.asarray(Y))]
    r = run(loss_fn=counted, batches=batches, accumulation_steps=accumulation_steps)
    assert len(r.lrs) > 50
    assert traces == accumulation_steps  # one trace of the step, k micro-batches in it


def test_accumulation_equals_the_full_batch() -> None:
    full = run()
    micro = [(jnp.asarray(X[i : i + 16]), jnp.asarray(Y[i : i + 16])) for i in range(0, N, 16)]
    acc = run(batches=micro, accumulation_steps=4)
    assert acc.diverged_at == full.diverged_at
    np.testing.assert_allclose(acc.losses, full.losses, rtol=1e-9)


def test_factory_and_injected_optimizer_agree() -> None:
    a = run(optimizer=functools.partial(optax.sgd, momentum=0.5), num_steps=50)
    b = run(optimizer=optax.inject_hyperparams(optax.sgd)(learning_rate=0.123, momentum=0.5), num_steps=50)
    assert a == b


def test_same_sweep_and_losses_as_the_torch_finder() -> None:
    torch = pytest.importorskip("torch")
    from lrcurves.adapters.torch_finder import find_lr as torch_find_lr

    model = torch.nn.Linear(D, 1, bias=False, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(W0)[None, :])

    def loss_t(m: Any, batch: Any) -> Any:
        return torch.nn.functional.mse_loss(m(batch[0]).squeeze(-1), batch[1])

    kw = {"start_lr": 1e-6, "end_lr": 3.0, "num_steps": 80, "mode": "linear", "smoothing": 0.9}
    rt = torch_find_lr(
        model, torch.optim.SGD(model.parameters(), lr=1.0), loss_t,
        [(torch.from_numpy(X), torch.from_numpy(Y))], progress=False, **kw,
    )
    rj = run(**kw)
    assert np.array_equal(rj.lrs, rt.lrs)  # bit for bit: the same core schedule
    assert rj.diverged_at == rt.diverged_at
    np.testing.assert_allclose(rj.losses, rt.losses, rtol=1e-9)
    assert rj.suggestion == pytest.approx(rt.suggestion, rel=1e-12)
    # and in float32 (x64 off) the LR sequence is still the float64 schedule
    with jax.enable_x64(False):
        r32 = find_lr(mse, jnp.asarray(W0, jnp.float32), optax.sgd,
                      [(jnp.asarray(X, jnp.float32), jnp.asarray(Y, jnp.float32))], progress=False, **kw)
    assert np.array_equal(r32.lrs, rt.lrs[: len(r32.lrs)])


# ---------------------------------------------------------------------------
# errors and edge cases


def test_bad_arguments_and_optimizers() -> None:
    with pytest.raises(ValueError, match="find_lr: num_steps must be an integer >= 2, got 1"):
        run(num_steps=1)
    with pytest.raises(ValueError, match="find_lr: start_lr must be > 0, got 0"):
        run(start_lr=0)
    with pytest.raises(ValueError, match="find_lr: end_lr must be > start_lr"):
        run(start_lr=1.0, end_lr=0.5)
    with pytest.raises(ValueError, match=r"find_lr: optimizer must be built with optax\.inject_hyperparams"):
        run(optimizer=optax.sgd(0.1))
    with pytest.raises(ValueError, match=r"find_lr: hyperparam must name an argument .* got 'lr'"):
        run(hyperparam="lr")
    with pytest.raises(ValueError, match=r"find_lr: hyperparam must name an injected .* got 'lr'"):
        run(optimizer=optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), hyperparam="lr")
    sched = optax.inject_hyperparams(optax.sgd)(learning_rate=optax.linear_schedule(0.1, 0.0, 10))
    with pytest.raises(ValueError, match="find_lr: the optimizer's 'learning_rate' is a schedule"):
        run(optimizer=sched)
    with pytest.raises(TypeError, match="find_lr: optimizer must be an optax GradientTransformation"):
        run(optimizer=0.1)
    with pytest.raises(ValueError, match="find_lr: batches ran out after 1 batches"):
        run(batches=iter([(jnp.asarray(X), jnp.asarray(Y))]), num_steps=3)


def test_immediate_divergence_warns_and_suggests_nothing() -> None:
    with pytest.warns(FinderWarning, match="find_lr: .*no suggestion"):
        r = run(loss_fn=lambda w, b: mse(w, b) * jnp.inf)
    assert r.diverged_at == 0 and r.suggestion is None
    assert math.isinf(r.losses[0])
