"""``lrcurves.finder``: smoothing, divergence, suggestions, plot and JSON of the LR finder (no framework)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves.finder import (
    FORMAT,
    METHODS,
    FinderResult,
    FinderWarning,
    LossMonitor,
    range_test_schedule,
    run_range_test,
    smooth_losses,
)

# a log-spaced grid with 20 points per decade: log10(lrs[k]) = -6 + k / 20
LRS = np.geomspace(1e-6, 1.0, 121)
U = np.log10(LRS)


def reference_smoothing(losses: list[float], beta: float) -> list[float]:
    """The bias-corrected EMA, written out independently."""
    out, avg = [], 0.0
    for i, x in enumerate(losses):
        avg = beta * avg + (1 - beta) * x
        out.append(avg / (1 - beta ** (i + 1)))
    return out


# ---------------------------------------------------------------------------
# smoothing


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98, 0.999])
def test_smoothing_matches_reference_loop(beta: float) -> None:
    rng = np.random.default_rng(3)
    losses = (2.0 + rng.standard_normal(150)).tolist()
    got = smooth_losses(losses, beta)
    assert got.dtype == np.float64 and got.shape == (150,)
    np.testing.assert_allclose(got, reference_smoothing(losses, beta), rtol=1e-12, atol=0)
    if beta == 0.0:
        assert got.tolist() == losses


def test_smoothing_is_bias_corrected() -> None:
    # without the correction the first values would be (1 - beta**k) * 3, far below 3
    got = smooth_losses([3.0] * 20, 0.98)
    np.testing.assert_allclose(got, 3.0, rtol=1e-13)
    assert smooth_losses([2.0, 4.0], 0.5).tolist() == [2.0, (0.5 * 0.5 * 2.0 + 0.5 * 4.0) / 0.75]


def test_monitor_and_result_share_the_smoothing() -> None:
    rng = np.random.default_rng(0)
    losses = 1.0 + rng.random(40)
    r = FinderResult.from_losses(LRS[:40], losses, smoothing=0.9, diverge_factor=math.inf)
    np.testing.assert_array_equal(r.smoothed, smooth_losses(losses, 0.9))
    m = LossMonitor(0.9, math.inf)
    for x in losses:
        m.update(x)
    assert m.smoothed == r.smoothed.tolist()


# ---------------------------------------------------------------------------
# suggestions on curves with a known answer


def test_steepest_is_the_inflection_of_a_tanh_drop() -> None:
    losses = 2.0 - np.tanh((U + 3.0) / 0.3)  # steepest at log10(lr) = -3: index 60
    r = FinderResult.from_losses(LRS, losses, smoothing=0.0, method="steepest")
    assert r.suggestion == LRS[60]
    assert r.suggest("steepest") == pytest.approx(1e-3, rel=1e-12)


def test_steepest_is_measured_against_log_lr() -> None:
    # on a linear sweep the loss drops evenly per unit of *lr*; per unit of log(lr)
    # it drops fastest at the largest lr
    lrs = np.linspace(0.01, 1.0, 50)
    r = FinderResult.from_losses(lrs, 5.0 - lrs, smoothing=0.0)
    assert r.suggest("steepest") == lrs[-1]


def test_min_div_10() -> None:
    losses = 1.0 + (U + 2.0) ** 2  # minimum at lr = 1e-2
    r = FinderResult.from_losses(LRS, losses, smoothing=0.0, method="min_div_10")
    assert r.suggestion == pytest.approx(1e-3, rel=1e-12)
    assert r.suggestion == LRS[80] / 10


def _valley_curve() -> np.ndarray:
    # rises 0..19, falls strictly 20..80 (1.2 -> 0.2) with one bump at 40, then explodes
    y = np.concatenate(
        [np.linspace(0.5, 1.0, 20), np.linspace(1.2, 0.2, 61), np.linspace(0.5, 5.0, 40)]
    )
    y[40] = y[38] + 0.05  # a noise bump: the descent skips it
    return y


def test_valley_two_thirds_down_the_longest_descent() -> None:
    r = FinderResult.from_losses(LRS, _valley_curve(), smoothing=0.0, diverge_factor=math.inf)
    assert r.suggest("valley") == LRS[20 + (2 * 60) // 3]  # index 60


def test_valley_picks_the_longer_of_two_descents() -> None:
    # a short early dip (10 points), then a long descent from higher up (40 points)
    y = np.concatenate([np.linspace(1.0, 0.8, 10), np.linspace(3.0, 0.1, 40), [9.0, 10.0]])
    lrs = np.geomspace(1e-5, 1.0, len(y))
    r = FinderResult.from_losses(lrs, y, smoothing=0.0, diverge_factor=math.inf)
    assert r.suggest("valley") == lrs[10 + (2 * 39) // 3]  # index 36


def test_valley_plateau_is_not_a_descent() -> None:
    # 40 equal losses, then a strict 11-point descent from the plateau's last point
    y = np.concatenate([[1.0] * 40, np.linspace(0.9, 0.5, 10), np.linspace(0.6, 3.0, 10)])
    lrs = np.geomspace(1e-5, 1.0, len(y))
    r = FinderResult.from_losses(lrs, y, smoothing=0.0, diverge_factor=math.inf)
    assert r.suggest("valley") == lrs[39 + (2 * 10) // 3]  # index 45, not 2/3 into the plateau


def test_flat_or_rising_loss_has_no_steepest_or_valley() -> None:
    r = FinderResult.from_losses(LRS, 1.0 + U - U[0], smoothing=0.0, diverge_factor=math.inf)
    assert r.suggest("steepest") is None
    assert r.suggest("valley") is None
    assert r.suggest("min_div_10") == LRS[0] / 10
    assert "never decreases" in r.describe()


@pytest.mark.parametrize("method", METHODS)
def test_suggestions_ignore_points_after_the_divergence(method: str) -> None:
    losses = 2.0 - np.tanh((U + 3.0) / 0.3)
    cut = losses.copy()
    cut[90] = np.nan
    cut[91:] = -100.0  # garbage after the divergence must be ignored
    r = FinderResult.from_losses(LRS, cut, smoothing=0.0)
    ref = FinderResult.from_losses(LRS[:90], losses[:90], smoothing=0.0)
    assert r.diverged_at == 90 and r.usable == 90
    assert r.suggest(method) == ref.suggest(method)
    assert math.isfinite(r.suggest(method))


# ---------------------------------------------------------------------------
# divergence


def test_divergence_is_factor_times_best_smoothed_loss() -> None:
    base = [4.0, 2.0, 1.0, 1.5, 3.9]
    r = FinderResult.from_losses(LRS[:6], [*base, 4.1], smoothing=0.0)
    assert r.diverged_at == 5 and r.diverged and r.usable == 5
    r = FinderResult.from_losses(LRS[:6], [*base, 3.99], smoothing=0.0)
    assert r.diverged_at is None and not r.diverged and r.usable == 6
    r = FinderResult.from_losses(LRS[:5], [*base[:4], 2.1], smoothing=0.0, diverge_factor=2.0)
    assert r.diverged_at == 4


def test_smoothing_absorbs_a_single_spike() -> None:
    losses = [1.0] * 30 + [5.0] + [1.0] * 10
    assert FinderResult.from_losses(LRS[:41], losses, smoothing=0.0).diverged_at == 30
    assert FinderResult.from_losses(LRS[:41], losses, smoothing=0.9).diverged_at is None


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_loss_is_divergence(bad: float) -> None:
    losses = [3.0, 2.0, 1.5, 1.0, bad, 0.5]
    r = FinderResult.from_losses(LRS[:6], losses, smoothing=0.9, diverge_factor=math.inf)
    assert r.diverged_at == 4
    for m in METHODS:
        s = r.suggest(m)
        assert s is not None and math.isfinite(s)


def test_immediate_divergence_gives_no_suggestion() -> None:
    r = FinderResult.from_losses(LRS[:5], [1.0, math.nan, 1.0, 1.0, 1.0], smoothing=0.0)
    assert r.diverged_at == 1 and r.usable == 1
    assert all(r.suggest(m) is None for m in METHODS)
    assert r.suggestion is None
    assert "only 1 point(s)" in r.describe()
    with pytest.raises(ValueError, match=r"FinderResult\.peak_value: no suggestion"):
        r.peak_value()


def test_run_range_test_warns_when_it_diverges_at_once() -> None:
    with pytest.warns(FinderWarning, match=r"find_lr: .*no suggestion.*lower start_lr"):
        r = run_range_test(lambda lr, b: math.nan, [0], num_steps=10, where="find_lr")
    assert r.diverged_at == 0 and len(r.lrs) == 1 and r.suggestion is None


# ---------------------------------------------------------------------------
# the sweep and the driver


def test_range_test_schedule_is_the_core_schedule() -> None:
    s = range_test_schedule(1e-7, 10.0, 100)
    assert s == lrcurves.exponential_range_test(1e-7, 10.0, num_steps=99)
    lrs = lrcurves.curve(s, 100)
    assert lrs[0] == 1e-7 and lrs[-1] == pytest.approx(10.0, rel=1e-12)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 10 ** (8 / 99), rtol=1e-12)
    lin = range_test_schedule(0.5, 2.0, 4, "linear")
    assert lin.name == "linear_range_test"
    np.testing.assert_allclose(lrcurves.curve(lin, 4), [0.5, 1.0, 1.5, 2.0], rtol=1e-15)


@pytest.mark.parametrize("mode", ["exponential", "linear"])
def test_driver_uses_the_schedule_values(mode: str) -> None:
    seen: list[float] = []

    def step(lr: float, batch: list[Any]) -> float:
        seen.append(lr)
        return 1.0

    r = run_range_test(step, [0], start_lr=1e-3, end_lr=3.0, num_steps=25, mode=mode)
    ref = lrcurves.curve(range_test_schedule(1e-3, 3.0, 25, mode), 25)
    assert seen == ref.tolist() and r.lrs.tolist() == seen
    assert r.sweep == range_test_schedule(1e-3, 3.0, 25, mode)
    assert not r.diverged


def test_driver_cycles_a_list_and_groups_micro_batches() -> None:
    groups: list[list[Any]] = []

    def step(lr: float, batch: list[Any]) -> float:
        groups.append(batch)
        return 1.0

    run_range_test(step, ["a", "b", "c"], num_steps=4, accumulation_steps=2)
    assert groups == [["a", "b"], ["c", "a"], ["b", "c"], ["a", "b"]]


def test_driver_refuses_a_generator_that_runs_out() -> None:
    def gen() -> Iterator[int]:
        yield from range(3)

    with pytest.raises(ValueError, match=r"find_lr: batches ran out after 3 batches and cannot be restarted"):
        run_range_test(lambda lr, b: 1.0, gen(), num_steps=5, where="find_lr")
    r = run_range_test(lambda lr, b: 1.0, gen(), num_steps=3)  # enough of them
    assert len(r.lrs) == 3
    with pytest.raises(ValueError, match="find_lr: batches is empty"):
        run_range_test(lambda lr, b: 1.0, [], num_steps=3, where="find_lr")


def _never(lr: float, batch: Any) -> float:
    raise AssertionError("step must not run when an argument is bad")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_steps": 1}, "find_lr: num_steps must be an integer >= 2, got 1"),
        ({"start_lr": 0.0}, "find_lr: start_lr must be > 0, got 0.0"),
        ({"start_lr": -1e-3, "mode": "linear"}, "find_lr: start_lr must be > 0, got -0.001"),
        ({"start_lr": 1.0, "end_lr": 1.0}, "find_lr: end_lr must be > start_lr, got end_lr=1.0 and start_lr=1.0"),
        ({"end_lr": 1e-8}, "find_lr: end_lr must be > start_lr, got end_lr=1e-08"),
        ({"smoothing": 1.0}, r"find_lr: smoothing must be in \[0, 1\), got 1.0"),
        ({"smoothing": -0.1}, "find_lr: smoothing must be >= 0, got -0.1"),
        ({"diverge_factor": 1.0}, r"find_lr: diverge_factor must be > 1 \(or math.inf\), got 1.0"),
        ({"diverge_factor": math.nan}, "find_lr: diverge_factor must be > 1"),
        ({"accumulation_steps": 0}, "find_lr: accumulation_steps must be a positive integer, got 0"),
        ({"mode": "cubic"}, r"find_lr: mode must be one of \['exponential', 'linear'\], got 'cubic'"),
        ({"method": "fastest"}, "find_lr: method must be one of .*got 'fastest'"),
        ({"start_lr": 1.0, "end_lr": 1.0 + 1e-15, "num_steps": 50}, "find_lr: the sweep .* repeats learning rates"),
    ],
)
def test_bad_arguments_name_function_parameter_and_value(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_range_test(_never, [0], where="find_lr", **kwargs)


def test_result_checks_its_fields() -> None:
    with pytest.raises(ValueError, match="same length"):
        FinderResult(lrs=[1e-3, 1e-2], losses=[1.0], smoothed=[1.0])
    with pytest.raises(ValueError, match="strictly increasing"):
        FinderResult(lrs=[1e-2, 1e-3], losses=[1.0, 1.0], smoothed=[1.0, 1.0])
    with pytest.raises(ValueError, match="FinderResult: diverged_at must be an integer <= 1, got 5"):
        FinderResult(lrs=[1e-3, 1e-2], losses=[1.0, 1.0], smoothed=[1.0, 1.0], diverged_at=5)
    with pytest.raises(ValueError, match=r"FinderResult\.suggest: method must be one of"):
        FinderResult.from_losses([1e-3, 1e-2, 1e-1], [1.0, 0.5, 0.2]).suggest("best")
    r = FinderResult.from_losses([1e-3, 1e-2, 1e-1], [1.0, 0.5, 0.2])
    with pytest.raises(ValueError, match="read-only"):
        r.losses[0] = 3.0


# ---------------------------------------------------------------------------
# schedules from the suggestion


def test_to_schedule_and_peak_value() -> None:
    r = FinderResult.from_losses(LRS, 1.0 + (U + 2.0) ** 2, smoothing=0.0, method="min_div_10")
    peak = r.peak_value()
    assert peak == r.suggestion and r.peak_value(scale=0.5) == peak / 2
    s = r.to_schedule(lrcurves.warmup_cosine, warmup_steps=10, total_steps=100)
    assert s == lrcurves.warmup_cosine(peak_value=peak, warmup_steps=10, total_steps=100)
    assert float(s(10)) == peak
    assert r.to_schedule("one_cycle", total_steps=50) == lrcurves.one_cycle(peak, total_steps=50)
    c = r.to_schedule(lrcurves.cosine_decay, param="init_value", decay_steps=20, method="steepest")
    assert float(c(0)) == r.suggest("steepest")
    with pytest.raises(ValueError, match=r"FinderResult\.peak_value: scale must be > 0"):
        r.peak_value(scale=0.0)


# ---------------------------------------------------------------------------
# plot and JSON


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    losses = 2.0 - np.tanh((U + 3.0) / 0.3) + 0.02 * np.sin(np.arange(121))
    losses[100] = np.inf
    r = FinderResult.from_losses(LRS, losses, smoothing=0.5)
    path = tmp_path / "finder.png"
    ax = r.plot(path=path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate"
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(lab.startswith(f"valley: {r.suggestion:.3g}") for lab in labels)
    assert any(lab.startswith("diverged") for lab in labels)
    # the y range follows the usable points, not the exploding tail
    assert ax.get_ylim()[1] < 4.0
    # no suggestion: still a plot, titled so
    bad = FinderResult.from_losses(LRS[:4], [1.0, math.nan, 1.0, 1.0], smoothing=0.0)
    ax2 = bad.plot()
    assert "no suggestion" in ax2.get_title()


def test_plot_on_given_axes() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    r = FinderResult.from_losses(LRS, 1.0 + (U + 2.0) ** 2, smoothing=0.0)
    assert r.plot(ax=ax, method="min_div_10") is ax
    assert any(line.get_label().startswith("min_div_10") for line in ax.get_lines())


def test_json_round_trip_with_non_finite_losses() -> None:
    losses = (2.0 - np.tanh((U[:50] + 5.0) / 0.3)).tolist()
    losses[-1] = math.nan
    r = FinderResult.from_losses(
        LRS[:50], losses, smoothing=0.9, method="steepest", sweep=range_test_schedule(1e-6, 1.0, 121)
    )
    text = r.to_json()
    d = json.loads(text)  # strict JSON: no NaN tokens
    assert "NaN" not in text and d["format"] == FORMAT and d["losses"][-1] == "nan"
    assert d["suggestion"] == r.suggestion
    back = FinderResult.from_json(text)
    assert back == r
    assert back.suggestion == r.suggestion and back.sweep == r.sweep
    assert FinderResult.from_dict(r.to_dict()) == r
    inf = FinderResult.from_losses(LRS[:3], [1.0, 0.5, 0.2], diverge_factor=math.inf)
    assert FinderResult.from_json(inf.to_json()) == inf
    assert back != FinderResult.from_losses(LRS[:50], losses, smoothing=0.8, method="steepest")
    with pytest.raises(ValueError, match=r"FinderResult\.from_dict: format must be"):
        FinderResult.from_dict({**d, "format": "other/2"})


def test_repr_is_short() -> None:
    r = FinderResult.from_losses(LRS, 1.0 + (U + 2.0) ** 2, smoothing=0.0, method="min_div_10")
    assert repr(r) == "FinderResult(steps=121, diverged_at=115, suggestion=0.001, method='min_div_10')"
