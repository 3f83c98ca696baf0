"""lrcurves.checks: every check fires on a schedule with the problem and not on a close one without."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

import lrcurves as L
from lrcurves import checks
from lrcurves._schedule import _REGISTRY, Schedule, ScheduleSpec
from lrcurves.checks import CODES, Finding, Report, check, check_report


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def one(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, findings
    return hits[0]


# ---------------------------------------------------------------------------
# each check: triggered / not triggered


def test_zero_first_lr() -> None:
    f = one(check(L.warmup(L.constant(1.0), 10), 100), "zero-first-lr")
    assert f.severity == "warning" and f.steps == (0,) and "step 0" in f.message
    assert "zero-first-lr" not in codes(check(L.warmup(L.constant(1.0), 10, init_value=0.01), 100))


def test_zero_first_lr_counts_every_zero_step() -> None:
    s = L.join([L.constant(0.0), L.constant(1.0)], boundaries=[3])
    f = one(check(s, 10), "zero-first-lr")
    assert f.steps == (0, 1, 2) and "steps 0..2 (3 updates)" in f.message and "at step 3" in f.message
    assert "lr-jump" not in codes(check(s, 10))  # jumps from exactly 0 are not reported


def test_horizon_short_clamp() -> None:
    s = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=1000, init_value=0.01)
    f = one(check(s, 1500), "horizon-short")
    assert f.steps == (1000,) and "steps 1000..1499" in f.message and "500 steps" in f.message
    assert check(s, 1000) == []
    assert check(s, 1005) == []  # a tail within tail_tolerance (1% of the run)
    assert "horizon-short" in codes(check(s, 1005, tail_tolerance=0.0))


def test_horizon_short_one_cycle_and_not_for_stairs_or_holds() -> None:
    f = one(check(L.one_cycle(1e-3, total_steps=1000), 5000), "horizon-short")
    assert f.steps == (999,)
    assert check(L.one_cycle(1e-3, total_steps=1000), 1000) == []
    # a stair schedule's last stair and a warmup to a held peak are by design
    assert check(L.multistep(1.0, milestones=[10, 20]), 100) == []
    assert "horizon-short" not in codes(check(L.warmup(L.constant(1.0), 10, init_value=0.1), 100))


def test_horizon_repeat() -> None:
    s = L.repeat(L.linear(1.0, 0.1, transition_steps=10), period=10)
    f = one(check(s, 45), "horizon-repeat")
    assert f.steps == (10, 20, 30, 40) and "4 time(s)" in f.message
    assert check(s, 10) == []


def test_warmup_too_long() -> None:
    f = one(check(L.warmup(L.constant(1.0), 100, init_value=0.5), 50), "warmup-too-long")
    assert f.steps == (0, 100)
    assert "end-not-reached" not in codes(check(L.warmup(L.constant(1.0), 100, init_value=0.5), 50))
    assert check(L.warmup(L.constant(1.0), 100, init_value=0.5), 101) == []
    # nested: the warmup starts at step 20 of the run
    s = L.join([L.constant(1.0), L.warmup(L.constant(1.0), 100, init_value=0.5)], boundaries=[20])
    assert one(check(s, 100), "warmup-too-long").steps == (20, 120)
    assert "warmup-too-long" not in codes(check(s, 121))


def test_end_not_reached() -> None:
    s = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=1000, init_value=0.01)
    f = one(check(s, 700), "end-not-reached")
    assert f.steps == (699, 1000) and f"{float(s(699)):.6g}" in f.message
    assert check(s, 1000) == []
    e = L.exponential_decay(1.0, decay_rate=0.5, transition_steps=10, end_value=0.01)
    assert one(check(e, 30), "end-not-reached").steps == (29, 67)
    # no final value (asymptotic or periodic): nothing to reach
    assert check(L.exponential_decay(1.0, decay_rate=0.5, transition_steps=10), 30) == []
    assert check(L.inverse_sqrt(1.0, timescale=10), 3000) == []


def test_momentum_range() -> None:
    f = one(check(L.constant(0.1), 10, momentum=1.2), "momentum-range")
    assert f.severity == "error" and "1.2" in f.message
    assert check(L.constant(0.1), 10, momentum=0.9) == []
    betas = [0.9, L.linear(0.9, 1.1, transition_steps=10)]
    f = one(check(L.constant(0.1), 10, momentum=betas), "momentum-range")
    assert f.steps == (6, 7, 8, 9) and "betas[1]" in f.message
    assert check(L.constant(0.1), 10, momentum=[0.9, L.linear(0.9, 1.0, transition_steps=10)]) == []
    assert check(L.one_cycle(1e-3, total_steps=100), 100) == []  # its own momentum, in range


def test_log_warmup_zero() -> None:
    f = one(check(L.warmup(L.constant(1.0), 1000, shape="log"), 5000), "log-warmup-zero")
    assert f.steps == (0, 1, 31) and "half the peak by step 31" in f.message
    assert check(L.warmup(L.constant(1.0), 1000, shape="log", init_value=0.01), 5000) == []
    assert check(L.warmup(L.constant(1.0), 1000, init_value=0.01), 5000) == []


def test_log_warmup_zero_deepspeed_warmuplr() -> None:
    from lrcurves.compat.deepspeed import schedule_from_ds

    s = schedule_from_ds("WarmupLR", {"warmup_num_steps": 100, "warmup_max_lr": 1e-3})
    fs = check(s, 1000)
    assert one(fs, "log-warmup-zero").steps == (1, 2, 10)
    assert one(fs, "zero-first-lr").steps == (0, 1)
    lin = schedule_from_ds("WarmupLR", {"warmup_num_steps": 100, "warmup_max_lr": 1e-3, "warmup_type": "linear"})
    assert "log-warmup-zero" not in codes(check(lin, 1000))


def test_exp_warmup_tiny() -> None:
    f = one(check(L.warmup(L.constant(1.0), 1000, shape="exponential", init_value=1e-8), 5000), "exp-warmup-tiny")
    assert f.steps == (0, 750)
    assert check(L.warmup(L.constant(1.0), 1000, shape="exponential", init_value=1e-2), 5000) == []


def test_group_collapse() -> None:
    s = L.constant(1e-3)
    f = one(check(s, 10, base_lrs=[1e-3, 1e-4]), "group-collapse")
    assert "2 param groups" in f.message
    assert "group-collapse" in codes(check(s, 10, base_lrs=[1e-3, 1e-4], groups=[1.0, 1.0]))
    assert "group-collapse" in codes(check(s, 10, base_lrs=[1e-3, 1e-4], groups=[s, L.constant(1e-3)]))
    assert check(s, 10, base_lrs=[1e-3, 1e-4], groups=[1.0, 0.1]) == []
    assert check(s, 10, base_lrs=[1e-3, 1e-4], groups=[s, L.scale(s, 0.1)]) == []
    assert check(s, 10, base_lrs=[1e-3, 1e-3]) == []
    with pytest.raises(ValueError, match="2 groups but 3 base_lrs"):
        check(s, 10, base_lrs=[1e-3, 1e-4, 1e-5], groups=[1.0, 0.1])


def test_cycle_mismatch() -> None:
    c = L.cyclic(0.1, 1.0, step_size_up=10)
    f = one(check(c, 105), "cycle-mismatch")
    assert f.steps == (105,) and "began at step 100" in f.message and "use 100 or 120" in f.message
    assert check(c, 100) == []
    r = L.cosine_restarts(1.0, first_cycle_steps=10, cycle_mult=2.0)
    f = one(check(r, 100), "cycle-mismatch")
    assert f.steps == (100,) and "began at step 70" in f.message and "next restart is at step 150" in f.message
    assert check(r, 70) == []  # restarts (jumps by design) are not lr-jumps either


def test_cycle_cut_by_a_join() -> None:
    cut = L.join([L.cyclic(0.1, 1.0, step_size_up=10), L.constant(0.1)], boundaries=[25])
    f = one(check(cut, 100), "cycle-mismatch")
    assert f.steps == (25,) and "cut at step 25" in f.message
    ok = L.join([L.cyclic(0.1, 1.0, step_size_up=10), L.constant(0.1)], boundaries=[20])
    assert "cycle-mismatch" not in codes(check(ok, 100))


def test_lr_jump() -> None:
    s = L.join([L.constant(1e-3), L.constant(1e-1)], boundaries=[500])
    f = one(check(s, 1000), "lr-jump")
    assert f.steps == (500,) and "step 500: 0.001 -> 0.1 (x100)" in f.message
    assert check(s, 1000, jump_factor=200) == []
    assert check(L.join([L.constant(1e-3), L.constant(5e-3)], boundaries=[500]), 1000) == []
    down = L.join([L.constant(1e-1), L.constant(1e-3)], boundaries=[7])
    assert one(check(down, 20), "lr-jump").steps == (7,)


def test_lr_jump_ignores_warmup_ramps_and_tiny_values() -> None:
    # 1e-3 -> 0.1 at step 1 is the ramp, not a jump
    s = L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=1000, init_value=1e-3)
    assert check(s, 1000) == []
    # both values below 1e-3 of the peak: not reported
    tiny = L.join([L.constant(1e-9), L.constant(1e-7), L.constant(1.0)], boundaries=[5, 10])
    assert one(check(tiny, 20), "lr-jump").steps == (10,)


def test_nonfinite_lr() -> None:
    s = L.linear_range_test(1e300, step_size=1, step_rate=1e8)
    f = one(check(s, 10), "nonfinite-lr")
    assert f.severity == "error" and f.steps == tuple(range(2, 10))
    assert "nonfinite-lr" not in codes(check(s, 2))
    assert check_report(s, 10).exit_code == 2


def test_negative_lr(monkeypatch: pytest.MonkeyPatch) -> None:
    # no registered family can go negative (they validate); a test-only one can
    def factory(**kw: object) -> Schedule:
        return Schedule._make("_test_dip", **kw)

    spec = ScheduleSpec(name="_test_dip", factory=factory, lr=lambda xp, t, p: 1.0 - (t == 7) * 3.0)
    monkeypatch.setitem(_REGISTRY, "_test_dip", spec)
    f = one(check(factory(), 20), "negative-lr")
    assert f.severity == "error" and f.steps == (7,) and "minimum -2" in f.message
    assert "negative-lr" not in codes(check(factory(), 7))


# ---------------------------------------------------------------------------
# report, options, errors


def test_report_and_json() -> None:
    s = L.join([L.constant(0.0), L.constant(1e-3), L.constant(0.1)], boundaries=[1, 40])
    r = check_report(s, 100)
    assert isinstance(r, Report) and r.exit_code == 1 and r.exact and not r.inferred
    d = json.loads(r.to_json())
    assert d["exit_code"] == 1 and d["warnings"] == 2 and d["errors"] == 0 and d["total_steps"] == 100
    assert [(x["code"], x["step"], x["steps"]) for x in d["findings"]] == [
        ("zero-first-lr", 0, [0]),
        ("lr-jump", 40, [40]),
    ]
    text = r.format()
    assert text.splitlines()[1] == "steps: 0..99 (100 steps; every step checked)"
    assert text.splitlines()[-1] == "2 warnings"
    assert check_report(L.constant(0.1), 100).exit_code == 0


def test_errors_sort_first_and_ignore() -> None:
    s = L.linear_range_test(1e300, step_size=1, step_rate=1e8)
    fs = check(s, 10)
    assert codes(fs) == ["nonfinite-lr", "lr-jump"]
    assert codes(check(s, 10, ignore=["lr-jump"])) == ["nonfinite-lr"]
    assert set(CODES) >= set(codes(fs)) and all(CODES[f.code][0] == f.severity for f in fs)


def test_inferred_total_skips_run_checks() -> None:
    r = check_report(L.warmup_cosine(peak_value=1.0, warmup_steps=10, total_steps=1000), None)
    assert r.inferred and r.total_steps == 1001
    assert codes(list(r.findings)) == ["zero-first-lr"]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"jump_factor": 1.0}, "jump_factor"),
        ({"tail_tolerance": 1.5}, "tail_tolerance"),
        ({"ignore": ["nope"]}, "unknown code"),
        ({"momentum": "x"}, "momentum"),
    ],
)
def test_bad_arguments(kw: dict, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        check(L.constant(0.1), 10, **kw)


def test_bad_schedule_and_steps() -> None:
    with pytest.raises(TypeError, match="needs a Schedule"):
        check(0.1, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sweep"):
        check(L.constant([0.1, 0.2]), 10)
    with pytest.raises(ValueError, match="total_steps"):
        check(L.constant(0.1), 0)


# ---------------------------------------------------------------------------
# long horizons: streaming, and windows past max_scan


def test_streams_50m_steps_and_finds_a_planted_jump(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    real = checks.curve

    def spy(s: Schedule, n: int, **kw: object) -> np.ndarray:
        sizes.append(n)
        return real(s, n, **kw)

    monkeypatch.setattr(checks, "curve", spy)
    body = L.warmup_cosine(peak_value=1e-3, warmup_steps=1000, total_steps=50_000_000, init_value=1e-5)
    s = L.join([body, L.constant(0.5)], boundaries=[12_345_678])
    t0 = time.perf_counter()
    r = check_report(s, 50_000_000)
    dt = time.perf_counter() - t0
    assert r.exact
    assert one(list(r.findings), "lr-jump").steps == (12_345_678,)
    assert max(sizes) <= checks.CHUNK and sum(sizes) >= 50_000_000  # never the whole horizon at once
    assert dt < 30, dt  # about 1 s alone; generous for a shared machine


def test_windows_past_max_scan_find_the_same_jumps() -> None:
    s = L.step_decay(1.0, step_size=1000, decay_rate=0.01)
    exact = check_report(s, 4000)
    windowed = check_report(s, 4000, max_scan=100)
    assert exact.exact and not windowed.exact
    assert one(list(exact.findings), "lr-jump").steps == (1000, 2000)  # 3000 is below 1e-3 of the peak
    assert one(list(windowed.findings), "lr-jump").steps == (1000, 2000)


def test_huge_horizon_uses_windows() -> None:
    s = L.join([L.constant(1e-3), L.constant(0.1), L.constant(1e-3)], boundaries=[12_345_678, 10**11 + 5])
    r = check_report(s, 10**12)
    assert not r.exact and "windows" in r.format()
    assert one(list(r.findings), "lr-jump").steps == (12_345_678, 10**11 + 5)


def test_restarts_at_non_integer_cycle_starts() -> None:
    """cycle_mult=1.5: cycle 4 starts at S=32.5, i.e. at step 33 -- a restart, not a cut or a jump."""
    s = L.cosine_restarts(1.0, first_cycle_steps=4, cycle_mult=1.5)
    v = s(np.arange(60))
    assert list(np.flatnonzero(np.diff(v) > 0) + 1) == [4, 10, 19, 33, 53]  # the rises are the restarts
    assert "cycle-mismatch" not in codes(check(s, 33))
    got = [f for f in check(s, 35) if f.code == "cycle-mismatch"]
    assert len(got) == 1 and "began at step 33" in got[0].message and "next restart is at step 53" in got[0].message
    assert "lr-jump" not in codes(check(s, 60))  # 0.067 -> 1.0 at step 10 is a restart
    timm_like = L.cosine_restarts(1.0, first_cycle_steps=4, cycle_mult=1.5, cycle_rounding="log")
    assert "cycle-mismatch" not in codes(check(timm_like, 33))
