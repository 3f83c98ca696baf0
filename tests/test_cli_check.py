"""``lrcurves check`` and ``lrcurves diff``: exit codes, messages, numbers, the diff plot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lrcurves
from lrcurves._cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "examples" / "check_bad.json"
GOOD = ROOT / "examples" / "warmup_cosine.json"
INF = ["--schedule", "linear_range_test", "--param", "init_value=1e300", "--param", "step_size=1",
       "--param", "step_rate=1e8"]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_error(capsys: pytest.CaptureFixture[str], *argv: str, match: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith("lrcurves") and "Traceback" not in err
    assert match in err, err


def write(tmp_path: Path, name: str, s: lrcurves.Schedule) -> str:
    p = tmp_path / name
    p.write_text(json.dumps(s.to_config()))
    return str(p)


# ---------------------------------------------------------------------------
# check


def test_check_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--schedule", "warmup_cosine", "--param", "peak_value=1e-3",
                         "--param", "warmup_steps=100", "--param", "total_steps=1000",
                         "--param", "init_value=1e-5", "--total-steps", "1000")  # fmt: skip
    assert (code, err) == (0, "")
    assert "steps: 0..999 (1000 steps; every step checked)" in out and out.endswith("no problems found\n")
    # the example warms up from 0: one warning, which --ignore leaves out
    code, out, _ = run(capsys, "check", "--config", str(GOOD), "--total-steps", "1e4")
    assert code == 1 and "warning zero-first-lr: the LR is 0 at step 0" in out and out.endswith("1 warning\n")
    code, out, _ = run(capsys, "check", "--config", str(GOOD), "--total-steps", "1e4", "--ignore", "zero-first-lr")
    assert code == 0 and out.endswith("no problems found\n")


def test_check_warnings_exit_1_with_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--config", str(BAD), "--total-steps", "10000")
    assert code == 1 and not err
    lines = out.splitlines()
    assert lines[0] == "warmup(W=1000, log) -> cosine_decay(init_value=0.001, decay_steps=6000, end_value=1e-05)"
    assert any(ln.startswith("warning zero-first-lr: the LR is 0 at step 0") for ln in lines)
    assert any(ln.startswith("warning horizon-short: the schedule's decay ends at step 7000") and
               "steps 7000..9999" in ln for ln in lines)  # fmt: skip
    assert any(ln.startswith("warning log-warmup-zero:") and "half the peak by step 31" in ln for ln in lines)
    assert lines[-1] == "3 warnings"


def test_check_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", *INF, "--total-steps", "10")
    assert code == 2 and not err
    assert "error nonfinite-lr: the LR is NaN or infinite at 8 step(s): 2, 3, 4, 5, 6, ... (3 more)" in out
    assert out.splitlines()[-1] == "1 error, 1 warning"


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--config", str(BAD), "--total-steps", "10000", "--json")
    assert code == 1
    d = json.loads(out)
    assert d["exit_code"] == 1 and d["total_steps"] == 10000 and d["exact"] is True
    steps = {f["code"]: f["steps"] for f in d["findings"]}
    assert steps == {"zero-first-lr": [0], "horizon-short": [7000], "log-warmup-zero": [0, 1, 31]}
    code, out, _ = run(capsys, "check", *INF, "--total-steps", "10", "--json")
    assert code == 2 and json.loads(out)["findings"][0]["severity"] == "error"


def test_check_jump_factor(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = write(tmp_path, "j.json", lrcurves.join([lrcurves.constant(1e-3), lrcurves.constant(0.05)], boundaries=[300]))
    code, out, _ = run(capsys, "check", "--config", cfg, "--total-steps", "1000")
    assert code == 1 and "step 300: 0.001 -> 0.05 (x50)" in out
    code, out, _ = run(capsys, "check", "--config", cfg, "--total-steps", "1000", "--jump-factor", "100")
    assert code == 0, out


def test_check_inferred_total(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--config", str(BAD))
    assert code == 1 and "inferred from the schedule" in out and "horizon-short" not in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["check", "--config", "no/such.json"], "config file not found"),
        (["check", "--schedule", "cosine_decy", "--param", "init_value=1"], "Did you mean 'cosine_decay'"),
        (["check", "--schedule", "constant", "--param", "value=-1"], "value"),
        (["check", "--schedule", "constant", "--param", "value=1", "--jump-factor", "1"], "--jump-factor"),
        (["check", "--schedule", "constant", "--param", "value=1", "--total-steps", "0"], "--total-steps"),
        (["check", "--schedule", "constant", "--param", "value=1", "--ignore", "lr-jmp"], "Did you mean 'lr-jump'"),
        (["check"], "give --schedule NAME"),
    ],
)
def test_check_invalid_input_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert_error(capsys, *argv, match=match)


def test_check_invalid_json_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "broken.json"
    p.write_text("{not json")
    assert_error(capsys, "check", "--config", str(p), match="invalid JSON")


# ---------------------------------------------------------------------------
# diff


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    a = lrcurves.linear(1.0, 0.0, transition_steps=1000)
    b = lrcurves.join([a, lrcurves.constant(0.25)], boundaries=[800])  # B holds 0.25 from step 800
    return write(tmp_path, "a.json", a), write(tmp_path, "b.json", b)


def test_diff_first_step_and_max_relative(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    code, out, err = run(capsys, "diff", *pair, "--steps", "1200")
    assert code == 1 and not err
    lines = out.splitlines()
    assert lines[2] == "steps: 0..1199 (1200 steps, every step compared)"
    assert lines[3] == "first difference at step 800: A 0.2, B 0.25"
    assert lines[4] == "max relative difference 1 at step 1000: A 0, B 0.25"
    assert lines[5] == "max absolute difference 0.25 at step 1000"
    assert lines[6] == "differing steps: 400 of 1200 (33.3%)"


def test_diff_identical_exit_0(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    code, out, _ = run(capsys, "diff", pair[0], pair[0], "--steps", "1200")
    assert code == 0 and out.splitlines()[-1] == "identical at every step"
    # before B's change the curves agree
    code, out, _ = run(capsys, "diff", *pair, "--steps", "800")
    assert code == 0


def test_diff_rtol(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = lrcurves.cosine_decay(1e-3, 1000)
    b = lrcurves.scale(a, 1.0 + 1e-9)
    fa, fb = write(tmp_path, "a.json", a), write(tmp_path, "b.json", b)
    code, out, _ = run(capsys, "diff", fa, fb, "--steps", "1000")
    assert code == 1 and "first difference at step 0" in out
    code, out, _ = run(capsys, "diff", fa, fb, "--steps", "1000", "--rtol", "1e-6")
    assert code == 0 and "identical at every step (within rtol 1e-06)" in out


def test_diff_one_side_from_schedule(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    code, out, _ = run(capsys, "diff", pair[0], "--schedule", "linear", "--param", "init_value=1",
                       "--param", "end_value=0", "--param", "transition_steps=1000", "--steps", "1200")  # fmt: skip
    assert code == 0 and "identical at every step" in out
    code, out, _ = run(capsys, "diff", pair[0], "--schedule", "linear", "--param", "init_value=1",
                       "--param", "end_value=0", "--param", "transition_steps=900", "--steps", "1200")  # fmt: skip
    assert code == 1 and "first difference at step 1:" in out


def test_diff_plot_written(capsys: pytest.CaptureFixture[str], pair: tuple[str, str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "d.png"
    code, out, _ = run(capsys, "diff", *pair, "--steps", "1200", "-o", str(png))
    assert code == 1 and f"wrote {png}" in out
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["diff"], "diff compares two schedules"),
        (["diff", "a.json"], "got 1"),
        (["diff", "no/a.json", "no/b.json"], "config file not found"),
        (["diff", "x.json", "y.json", "z.json"], "got 3"),
    ],
)
def test_diff_invalid_input_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert_error(capsys, *argv, match=match)


def test_diff_rtol_invalid(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    assert_error(capsys, "diff", *pair, "--rtol", "-1", match="--rtol")


def test_diff_unwritable_plot(capsys: pytest.CaptureFixture[str], pair: tuple[str, str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert_error(capsys, "diff", *pair, "--steps", "100", "-o", str(tmp_path / "no" / "d.png"), match="cannot write")
