"""The ``lrcurves`` command line: every subcommand and every error path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import find, settings
from hypothesis.errors import NoSuchExample

import lrcurves
from lrcurves._cli import main, sparkline

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "warmup_cosine.json"
LIN = ["--schedule", "linear", "--param", "init_value=1", "--param", "end_value=0", "--param", "transition_steps=4"]


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


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert [ln.split()[0] for ln in lines] == list(lrcurves.names())
    assert "Linear interpolation" in out


def test_summary_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", *LIN, "--steps", "6")
    assert code == 0 and not err
    assert out.startswith("linear(init_value=1.0")
    assert "steps: 0..5 (6 steps)" in out and "phases: 0, 4" in out
    assert "lr min 0 at step 4, max 1 at step 0" in out
    rows = {ln.split()[0]: ln.split()[1] for ln in out.splitlines() if ln.split()[0].isdigit()}
    assert rows == {"0": "1", "3": "0.25", "4": "0", "5": "0"}
    assert any(c in out for c in "▁█")


def test_summary_default_span_from_phases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", *LIN)
    assert code == 0 and "steps: 0..5 (6 steps)" in out


def test_summary_config_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", "--config", str(EXAMPLE))
    assert code == 0
    assert out.startswith("warmup(schedule=cosine_decay(")
    s = lrcurves.from_config(EXAMPLE)
    assert f"phases: {', '.join(map(str, s.phases()))}" in out


def test_summary_momentum(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from strategies import STRATEGIES

    for n in lrcurves.names():
        if lrcurves.spec(n).momentum is None or n not in STRATEGIES:
            continue
        try:
            s = find(STRATEGIES[n], lambda s: s.has_momentum, settings=settings(database=None))
        except NoSuchExample:
            continue
        path = tmp_path / "mom.json"
        path.write_text(json.dumps(s.to_config()))
        code, out, err = run(capsys, "summary", "--config", str(path), "--steps", "50")
        assert code == 0, err
        assert "momentum min" in out and out.count("\n") > 5
        return
    pytest.skip("no momentum schedule with a strategy registered yet")


def test_param_values_parse_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "summary", "--schedule", "join",
        "--param", 'schedules=[{"name": "constant", "params": {"value": 1}}, {"name": "constant", "params": {"value": 0.5}}]',
        "--param", "boundaries=[3]", "--steps", "5",
    )  # fmt: skip
    assert code == 0 and "boundaries=(3,)" in out


def test_export_csv_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", *LIN, "--steps", "6")
    assert code == 0
    assert out.splitlines() == ["step,lr", "0,1.0", "1,0.75", "2,0.5", "3,0.25", "4,0.0", "5,0.0"]


def test_export_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    assert run(capsys, "export", *LIN, "-o", str(csv))[0] == 0
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 1], [1.0, 0.75, 0.5, 0.25, 0.0, 0.0])
    npy = tmp_path / "c.npy"
    assert run(capsys, "export", *LIN, "-o", str(npy))[0] == 0
    arr = np.load(npy)
    assert arr.shape == (6, 2) and arr[:, 1].tolist() == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    other = tmp_path / "c.bin"
    assert run(capsys, "export", *LIN, "--format", "npy", "-o", str(other))[0] == 0
    np.testing.assert_array_equal(np.load(other), arr)


def test_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "c.png"
    code, out, err = run(capsys, "plot", "--config", str(EXAMPLE), *LIN, "--log", "-o", str(png), "--title", "t")
    assert code == 0, err
    assert "2 schedule(s)" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert_error(capsys, "plot", *LIN, "-o", str(tmp_path / "x.png"), match="pip install 'lrcurves[plot]'")


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        ([], "required"),
        (["bogus"], "invalid choice"),
        (["summary"], "give --schedule NAME"),
        (["summary", "--schedule", "polynomal"], "Did you mean 'polynomial'"),
        (["summary", "--param", "x=1"], "must follow a --schedule"),
        (["summary", "--schedule", "linear", "--param", "oops"], "needs key=value"),
        (["summary", "--schedule", "linear", "--param", "=1"], "needs key=value"),
        (["summary", *LIN, "--param", "init_value=2"], "given twice"),
        (["summary", "--schedule", "linear", "--param", "init_value=1"], "missing required"),
        (["summary", *LIN, "--param", "bogus=1"], "unknown parameter"),
        (["summary", "--schedule", "linear", "--param", "init_value=-1", "--param", "end_value=0",
          "--param", "transition_steps=4"], "init_value must be >= 0"),
        (["summary", "--schedule", "linear", "--param", "init_value=abc", "--param", "end_value=0",
          "--param", "transition_steps=4"], "init_value must be a real number"),
        (["summary", "--schedule", "constant", "--param", "value=0.1"], "pass --steps N"),
        (["summary", *LIN, "--steps", "0"], "--steps must be a positive integer"),
        (["summary", *LIN, "--steps", "x"], "invalid int value"),
        (["summary", *LIN, *LIN], "takes one schedule"),
        (["summary", "--config", "missing.json"], "config file not found"),
        (["summary", "--schedule", "constant", "--param", "value=[[0.1],[0.2]]", "--steps", "3"], "sweeps"),
        (["export", *LIN, "--format", "npy"], "needs an output file"),
        (["export", *LIN, "-o", "/nonexistent-dir/x.csv"], "cannot write"),
        (["export", *LIN, "--format", "xls"], "invalid choice"),
        (["plot", "--steps", "5"], "give --schedule NAME"),
    ],
)  # fmt: skip
def test_errors(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert_error(capsys, *argv, match=match)


def test_config_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert_error(capsys, "summary", "--config", str(bad), match="invalid JSON")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"params": {}}')
    assert_error(capsys, "summary", "--config", str(wrong), match="no 'name' key")
    assert_error(capsys, "summary", "--config", str(tmp_path), match="config file not found")


def test_plot_unwritable(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    assert_error(capsys, "plot", *LIN, "-o", "/nonexistent-dir/x.png", match="cannot write")


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "summary" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("lrcurves ")


def test_sparkline() -> None:
    assert sparkline(np.array([])) == ""
    assert sparkline(np.ones(10), 5) == "▄" * 5
    assert sparkline(np.arange(8.0), 8) == "▁▂▃▄▅▆▇█"
    assert len(sparkline(np.arange(1000.0), 60)) == 60


def test_module_entry_point_subprocess() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "lrcurves", "summary", "--schedule", "nope"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "lrcurves", "export", *LIN], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert r.returncode == 0 and r.stdout.startswith("step,lr\n0,1.0\n")
