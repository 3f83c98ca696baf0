"""The ``lrcurves`` command line: every subcommand, every error path, and scale.

Scale tests run the installed ``lrcurves`` entry point in a subprocess and
measure its wall time and peak RSS from a fresh intermediate process (so
other children of the test process do not count).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrcurves
from lrcurves import _cli
from lrcurves._cli import main, sparkline

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "warmup_cosine.json"
LIN = ["--schedule", "linear", "--param", "init_value=1", "--param", "end_value=0", "--param", "transition_steps=4"]
COS = ["--schedule", "cosine_decay", "--param", "init_value=0.1"]
EXE = shutil.which("lrcurves", path=str(Path(sys.executable).parent)) or str(Path(sys.executable).parent / "lrcurves")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_error(capsys: pytest.CaptureFixture[str], *argv: str, match: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith("lrcurves") and "Traceback" not in err
    assert match in err, err
    return err


def measured(*argv: str, timeout: float = 120) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run the installed entry point; (wall seconds, peak RSS MB, result)."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([dt, rss, r.returncode, r.stdout[-20000:], r.stderr]))\n"
    )
    r = subprocess.run([sys.executable, "-c", probe, EXE, *argv], capture_output=True, text=True,
                       timeout=timeout, check=True)  # fmt: skip
    dt, rss, code, out, err = json.loads(r.stdout)
    return dt, rss, subprocess.CompletedProcess(argv, code, out, err)


# ---------------------------------------------------------------------------
# list / show


def test_list_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert [ln.split()[0] for ln in lines] == list(lrcurves.names())
    assert "Linear interpolation" in out
    assert "``" not in out and ":math:" not in out and ":class:" not in out


@pytest.mark.parametrize("cmd", ["list", "show"])
def test_list_name_details(capsys: pytest.CaptureFixture[str], cmd: str) -> None:
    code, out, err = run(capsys, cmd, "cosine_decay")
    assert code == 0 and not err
    assert out.startswith("cosine_decay: Cosine decay from init_value to end_value")
    assert "Parameters:" in out
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("  ") and ln.split()}
    assert "required" in rows["init_value"] and "required" in rows["decay_steps"]
    assert "= 0.0" in rows["end_value"]
    assert "η" in out and "cos" in out  # the formula, as text
    assert "Conventions" in out
    for markup in ("``", ":math:", "\\eta", "\\frac", ".. math::", ":class:", ":func:"):
        assert markup not in out, markup


def test_show_every_schedule_without_markup(capsys: pytest.CaptureFixture[str]) -> None:
    for name in lrcurves.names():
        code, out, err = run(capsys, "show", name)
        assert code == 0 and not err, (name, err)
        assert out.startswith(f"{name}: ") and "Parameters:" in out
        assert "``" not in out and ":math:" not in out and ".. math::" not in out, name
        assert "\\" not in out.replace("\\n", ""), (name, [ln for ln in out.splitlines() if "\\" in ln])


def test_show_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert_error(capsys, "show", "cosine_decy", match="Did you mean 'cosine_decay'")


# ---------------------------------------------------------------------------
# summary


def test_summary_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", *LIN, "--steps", "6")
    assert code == 0 and not err
    assert out.splitlines()[0] == "linear(init_value=1, end_value=0, transition_steps=4)"
    assert "steps: 0..5 (6 steps)" in out and "phases: 0, 4" in out
    assert "lr min 0 at step 4, max 1 at step 0" in out
    rows = {ln.split()[0]: ln.split()[1] for ln in out.splitlines() if ln.split()[0].isdigit()}
    assert rows == {"0": "1", "3": "0.25", "4": "0", "5": "0"}
    assert any(c in out for c in "▁█")


def test_summary_default_span_from_phases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", *LIN)
    assert code == 0 and "steps: 0..5 (6 steps)" in out


def test_summary_default_span_without_phases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", "--schedule", "constant", "--param", "value=0.1")
    assert code == 0, err
    assert "steps: 0..999 (1000 steps)" in out and "pass --steps N" in out


def test_summary_config_example_is_a_readable_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", "--config", str(EXAMPLE))
    assert code == 0
    first = out.splitlines()[0]
    assert first == "warmup(W=1000, linear) -> cosine_decay(init_value=0.001, decay_steps=9000, end_value=1e-05)"
    s = lrcurves.from_config(EXAMPLE)
    assert f"phases: {', '.join(map(str, s.phases()))}" in out
    assert EXAMPLE.stem not in out  # described, not named after the file


def test_summary_composite_is_short() -> None:
    from lrcurves.plotting import describe

    s = lrcurves.warmup(schedule=lrcurves.cosine_decay(init_value=1e-3, decay_steps=900), warmup_steps=100)
    assert describe(s) == "warmup(W=100, linear) -> cosine_decay(init_value=0.001, decay_steps=900)"


def test_summary_momentum(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    s = lrcurves.with_momentum(
        schedule=lrcurves.constant(value=0.1),
        momentum=lrcurves.linear(init_value=0.95, end_value=0.85, transition_steps=10),
    )
    path = tmp_path / "mom.json"
    path.write_text(json.dumps(s.to_config()))
    code, out, err = run(capsys, "summary", "--config", str(path), "--steps", "50")
    assert code == 0, err
    assert "momentum min 0.85 at step 10, max 0.95 at step 0" in out
    assert out.splitlines()[0].startswith("with_momentum(constant(value=0.1); momentum: linear(")


def test_param_values_parse_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "summary", "--schedule", "join",
        "--param", 'schedules=[{"name": "constant", "params": {"value": 1}}, {"name": "constant", "params": {"value": 0.5}}]',
        "--param", "boundaries=[3]", "--steps", "5",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0] == "join(constant(value=1); from 3: constant(value=0.5))"


@pytest.mark.parametrize(("text", "n"), [("1e3", 1000), ("1_000", 1000), ("1000.0", 1000), ("2e2", 200), ("2**10", 1024)])
def test_steps_accepts_integral_floats(capsys: pytest.CaptureFixture[str], text: str, n: int) -> None:
    code, out, err = run(capsys, "summary", *LIN, "--steps", text)
    assert code == 0, err
    assert f"({n} steps)" in out


def test_summary_sampled_for_long_horizons(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", *COS, "--param", "decay_steps=1e12", "--steps", "2e12", "--width", "30")
    assert code == 0, err
    assert "steps: 0..1999999999999 (2000000000000 steps)" in out
    rows = {ln.split()[0]: float(ln.split()[1]) for ln in out.splitlines() if ln.split()[0].isdigit()}
    assert rows["0"] == 0.1 and rows["1000000000000"] == 0.0
    assert "sampled steps" in out
    spark = next(ln for ln in out.splitlines() if ln.startswith("lr  "))
    assert len(spark.split()[1]) == 30


def test_summary_many_phases_are_elided(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "summary", "--schedule", "multistep", "--param", "init_value=1", "--param", "gamma=0.9",
        "--param", f"milestones={list(range(10, 1001, 10))}",
    )  # fmt: skip
    assert code == 0, err
    assert "more rows" in out and "more)" in out
    assert len(out.splitlines()) < 40


# ---------------------------------------------------------------------------
# scale (installed entry point, subprocess)


@pytest.mark.parametrize(("n", "steps"), [("1e9", 10**9), (str(2**62), 2**62), ("2**62", 2**62)])
def test_summary_scales_to_huge_horizons(n: str, steps: int) -> None:
    dt, rss, r = measured("summary", "--config", str(EXAMPLE), "--steps", n)
    assert r.returncode == 0, r.stderr
    assert f"({steps} steps)" in r.stdout
    assert dt < 5.0, f"summary of {n} steps took {dt:.2f} s"  # < 1 s on an idle machine
    assert rss < 200, f"summary of {n} steps peaked at {rss:.0f} MB"


def test_export_npy_streams_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.npy"
    n = 10**7
    dt, rss, r = measured("export", *COS, "--param", "decay_steps=1e7", "--steps", "1e7", "-o", str(path))
    assert r.returncode == 0, r.stderr
    assert dt < 20, f"export of 1e7 steps took {dt:.1f} s"  # ~1 s on an idle machine
    assert rss < 200, f"export of 1e7 steps peaked at {rss:.0f} MB (a whole-curve export needs > 300 MB)"
    assert path.stat().st_size == n * 16 + 128
    arr = np.load(path, mmap_mode="r")
    assert arr.shape == (n,) and arr.dtype.names == ("step", "lr")
    assert arr["step"].dtype == np.int64 and arr["lr"].dtype == np.float64
    s = lrcurves.cosine_decay(init_value=0.1, decay_steps=10**7)
    for k in (0, 1, (1 << 20) - 1, 1 << 20, 5_000_000, n - 1):
        assert arr["step"][k] == k
        assert arr["lr"][k] == float(lrcurves.curve(s, 1, start=k)[0])
    np.testing.assert_array_equal(arr["lr"][-5000:], lrcurves.curve(s, 5000, start=n - 5000))


def test_module_entry_point_subprocess() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "lrcurves", "summary", "--schedule", "nope"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = subprocess.run([EXE, "export", *LIN], capture_output=True, text=True, cwd=ROOT, check=False)
    assert r.returncode == 0 and r.stdout.startswith("step,lr\n0,1.0\n")


def test_bare_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0 and not err
    assert out.startswith("usage: lrcurves") and "summary" in out and "export" in out


# ---------------------------------------------------------------------------
# export


def test_export_csv_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", *LIN, "--steps", "6")
    assert code == 0
    assert out.splitlines() == ["step,lr", "0,1.0", "1,0.75", "2,0.5", "3,0.25", "4,0.0", "5,0.0"]


def test_export_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    code, out, _ = run(capsys, "export", *LIN, "-o", str(csv))
    assert code == 0 and f"wrote {csv} (6 steps, csv)" in out
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(data[:, 1], [1.0, 0.75, 0.5, 0.25, 0.0, 0.0])
    npy = tmp_path / "c.npy"
    assert run(capsys, "export", *LIN, "-o", str(npy))[0] == 0
    arr = np.load(npy)
    assert arr.shape == (6,) and arr.dtype.names == ("step", "lr")
    assert arr["step"].tolist() == list(range(6)) and arr["step"].dtype == np.int64
    assert arr["lr"].tolist() == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    other = tmp_path / "c.bin"
    assert run(capsys, "export", *LIN, "--format", "npy", "-o", str(other))[0] == 0
    np.testing.assert_array_equal(np.load(other), arr)


def test_export_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    assert run(capsys, "export", *LIN, "-o", str(path))[0] == 0
    assert json.loads(path.read_text()) == {"step": list(range(6)), "lr": [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]}
    code, out, _ = run(capsys, "export", *LIN, "--format", "json")
    assert code == 0 and json.loads(out)["lr"][1] == 0.75


def test_export_json_limit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    assert_error(capsys, "export", *LIN, "--steps", "1e8", "-o", str(path), match="JSON export is limited")
    assert not path.exists()


def test_export_chunks_match_curve(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli, "CHUNK", 7)
    monkeypatch.setattr(_cli, "TEXT_CHUNK", 5)
    s = lrcurves.with_momentum(
        schedule=lrcurves.cosine_decay(init_value=0.1, decay_steps=30),
        momentum=lrcurves.linear(init_value=0.95, end_value=0.85, transition_steps=20),
    )
    cfg = tmp_path / "s.json"
    cfg.write_text(json.dumps(s.to_config()))
    lr, mom = lrcurves.curve(s, 33), lrcurves.curve(s, 33, momentum=True)
    for ext in ("csv", "npy", "json"):
        path = tmp_path / f"out.{ext}"
        code, _, err = run(capsys, "export", "--config", str(cfg), "--steps", "33", "-o", str(path))
        assert code == 0, err
        if ext == "csv":
            lines = path.read_text().splitlines()
            assert lines[0] == "step,lr,momentum" and len(lines) == 34
            got = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
            cols = (got[:, 0], got[:, 1], got[:, 2])
        elif ext == "npy":
            arr = np.load(path)
            cols = (arr["step"], arr["lr"], arr["momentum"])
        else:
            d = json.loads(path.read_text())
            cols = (np.array(d["step"]), np.array(d["lr"]), np.array(d["momentum"]))
        np.testing.assert_array_equal(cols[0], np.arange(33))
        np.testing.assert_array_equal(cols[1], lr)  # exact: repr round-trips
        np.testing.assert_array_equal(cols[2], mom)


def test_export_progress_bar_only_on_a_tty(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli, "PROGRESS_MIN", 10)
    monkeypatch.setattr(_cli, "CHUNK", 16)
    path = tmp_path / "p.npy"
    code, _, err = run(capsys, "export", *LIN, "--steps", "100", "-o", str(path))
    assert code == 0 and err == ""  # captured streams are not terminals
    monkeypatch.setattr(_cli, "_isatty", lambda stream: True)
    code, _, err = run(capsys, "export", *LIN, "--steps", "100", "-o", str(path))
    assert code == 0 and "export npy" in err
    code, _, err = run(capsys, "export", *LIN, "--steps", "100", "-o", str(path), "--no-progress")
    assert code == 0 and err == ""


def test_export_interrupted_removes_partial_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _cli._chunks

    def chunks(*a: object, **k: object):  # type: ignore[no-untyped-def]
        it = real(*a, **k)  # type: ignore[arg-type]
        yield next(it)
        raise KeyboardInterrupt

    monkeypatch.setattr(_cli, "_chunks", chunks)
    monkeypatch.setattr(_cli, "CHUNK", 4)
    path = tmp_path / "x.npy"
    code, _, err = run(capsys, "export", *LIN, "--steps", "100", "-o", str(path))
    assert code == 130 and err == "" and not path.exists()


# ---------------------------------------------------------------------------
# plot


def test_plot_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "c.png"
    code, out, err = run(capsys, "plot", "--config", str(EXAMPLE), *LIN, "--log", "-o", str(png), "--title", "t")
    assert code == 0, err
    assert "2 schedule(s)" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_png_huge_horizon_is_sampled(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "big.png"
    code, _, err = run(capsys, "plot", *COS, "--param", "decay_steps=1e15", "--steps", "2e15", "-o", str(png))
    assert code == 0, err
    assert png.stat().st_size > 1000


def test_plot_without_matplotlib(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert_error(capsys, "plot", *LIN, "-o", str(tmp_path / "x.png"), match="pip install 'lrcurves[plot]'")


def test_plot_terminal_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plot", "--config", str(EXAMPLE), "--width", "70", "--height", "12")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].strip().startswith("warmup(W=1000, linear)")
    assert any("┤" in ln for ln in lines) and any("└" in ln for ln in lines)  # y ticks, x axis
    assert "step" in out
    assert next(ln for ln in lines if ln.startswith("lr ")).count("█") > 0  # the sparkline too
    assert max(len(ln) for ln in lines if "┤" in ln) <= 70


def test_plot_terminal_many_log_and_builtin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["plot", "--terminal", "--config", str(EXAMPLE), *LIN, "--log", "--width", "60", "--height", "10"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "#1 warmup(W=1000, linear)" in out and "#2 linear(" in out
    monkeypatch.setitem(sys.modules, "plotext", None)  # no plotext: the built-in renderer
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "(log scale)" in out and "┤" in out and "#2 linear(" in out


def test_plot_terminal_momentum(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    s = lrcurves.with_momentum(
        schedule=lrcurves.constant(value=0.1),
        momentum=lrcurves.linear(init_value=0.95, end_value=0.85, transition_steps=10),
    )
    path = tmp_path / "m.json"
    path.write_text(json.dumps(s.to_config()))
    code, out, err = run(capsys, "plot", "--config", str(path), "--steps", "20", "--width", "50")
    assert code == 0, err
    assert "momentum" in out and out.count("┤") > 4


# ---------------------------------------------------------------------------
# DeepSpeed configs


def _ds(tmp_path: Path, scheduler: object = None, lr: object = 0.01, **extra: object) -> str:
    cfg: dict[str, object] = {"train_batch_size": 8, "optimizer": {"type": "Adam", "params": {"lr": lr}}, **extra}
    if scheduler is not None:
        cfg["scheduler"] = scheduler
    path = tmp_path / "ds_config.json"
    path.write_text(json.dumps(cfg))
    return str(path)


WARMUP_NO_MAX = {"type": "WarmupLR", "params": {"warmup_min_lr": 0.0, "warmup_num_steps": 10, "warmup_type": "linear"}}


def test_ds_config_uses_optimizer_lr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _ds(tmp_path, WARMUP_NO_MAX, lr=0.02)
    code, out, err = run(capsys, "summary", "--config", path, "--steps", "20")
    assert code == 0, err
    assert "max 0.02" in out
    code, out, err = run(capsys, "summary", "--config", path, "--steps", "20", "--base-lr", "0.5")
    assert code == 0, err
    assert "max 0.5" in out  # --base-lr wins


def test_ds_config_base_lr_required(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    block = tmp_path / "block.json"
    block.write_text(json.dumps(WARMUP_NO_MAX))
    err = assert_error(capsys, "summary", "--config", str(block), match="--base-lr")
    assert "base_lr=" not in err


def test_ds_config_auto_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sched = {"type": "WarmupLR", "params": {"warmup_min_lr": "auto", "warmup_max_lr": "auto", "warmup_num_steps": "auto"}}
    path = _ds(tmp_path, sched, lr="auto")
    err = assert_error(capsys, "summary", "--config", path, match='"auto"')
    assert "warmup_num_steps" in err and "--param" in err
    code, out, err = run(
        capsys, "summary", "--config", path, "--param", "warmup_min_lr=0", "--param", "warmup_max_lr=0.1",
        "--param", "warmup_num_steps=1e1", "--param", "warmup_type=linear", "--steps", "20",
    )  # fmt: skip
    assert code == 0, err
    assert "max 0.1" in out


def test_ds_config_without_scheduler(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = assert_error(capsys, "summary", "--config", _ds(tmp_path), match="DeepSpeed config without a 'scheduler' block")
    assert "0.01" in err


# ---------------------------------------------------------------------------
# errors: one line, exit 2, never a traceback


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["bogus"], "invalid choice"),
        (["summry"], "Did you mean 'summary'"),
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
          "--param", "transition_steps=4"], "init_value"),
        (["summary", *LIN, "--steps", "0"], "--steps must be a positive integer"),
        (["summary", *LIN, "--steps", "x"], "--steps must be a whole number"),
        (["summary", *LIN, "--steps", "1.5"], "--steps must be a whole number"),
        (["summary", *LIN, "--steps", "1e19"], "at most 2**62"),
        (["summary", *LIN, "--width", "0"], "width must be a positive integer"),
        (["summary", *LIN, *LIN], "takes one schedule"),
        (["summary", *LIN, "--base-lr", "0.1"], "--base-lr only applies to --config"),
        (["summary", "--config", str(EXAMPLE), "--base-lr", "0.1"], "native lrcurves config"),
        (["summary", "--config", "missing.json"], "config file not found"),
        (["summary", "--schedule", "constant", "--param", "value=[[0.1],[0.2]]", "--steps", "3"], "sweeps"),
        (["export", *LIN, "--format", "npy"], "needs an output file"),
        (["export", *LIN, "-o", "/nonexistent-dir/x.csv"], "cannot write"),
        (["export", *LIN, "--format", "xls"], "invalid choice"),
        (["plot", "--steps", "5"], "give --schedule NAME"),
        (["plot", *LIN, "--terminal", "-o", "x.png"], "not both"),
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
    arr = tmp_path / "arr.json"
    arr.write_text("[1, 2]")
    assert_error(capsys, "summary", "--config", str(arr), match="must be a JSON object")


def test_config_param_override(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", "--config", str(EXAMPLE), "--param", "warmup_steps=10")
    assert code == 0, err
    assert out.startswith("warmup(W=10, linear)")


@pytest.mark.parametrize(
    ("exc", "code", "match"),
    [
        (KeyboardInterrupt(), 130, None),
        (MemoryError(), 2, "out of memory"),
        (OSError(28, "No space left on device"), 2, "No space left on device"),
        (RuntimeError("boom"), 2, "internal error: RuntimeError: boom"),
        (ZeroDivisionError("x"), 2, "internal error"),
    ],
)
def test_no_exception_escapes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                              exc: BaseException, code: int, match: str | None) -> None:  # fmt: skip
    def boom(args: object, out: object) -> None:
        raise exc

    monkeypatch.setitem(_cli.COMMANDS, "summary", boom)
    got, _, err = run(capsys, "summary", *LIN)
    assert got == code
    if match is None:
        assert err == ""
    else:
        assert err.count("\n") == 1 and match in err and "Traceback" not in err


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
    assert sparkline(np.array([0.0, np.nan]), 2) == "▄?"


def test_broken_pipe(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("needs a shell pipe")
    r = subprocess.run(f"'{EXE}' export {' '.join(COS)} --param decay_steps=1e6 --steps 1e6 | head -2",
                       shell=True, capture_output=True, text=True, check=False)  # fmt: skip
    assert r.stdout.splitlines() == ["step,lr", "0,0.1"]
    assert r.stderr == ""


def test_export_failure_never_removes_a_device(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.path.exists(os.devnull) or os.name != "posix":
        pytest.skip("needs /dev/null")
    removed: list[str] = []
    monkeypatch.setattr(_cli.os, "remove", removed.append)  # never really delete anything here

    def chunks(*a: object, **k: object):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(_cli, "_chunks", chunks)
    code, _, _ = run(capsys, "export", *LIN, "--format", "npy", "-o", os.devnull)
    assert code == 130 and removed == []


def test_export_csv_parallel_matches_serial(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli, "PARALLEL_MIN", 100)
    monkeypatch.setattr(_cli, "TEXT_CHUNK", 64)
    monkeypatch.setattr(_cli, "_workers", lambda: 2)
    path = tmp_path / "par.csv"
    code, _, err = run(capsys, "export", "--config", str(EXAMPLE), "--steps", "1000", "-o", str(path))
    assert code == 0, err
    monkeypatch.setattr(_cli, "PARALLEL_MIN", 10**9)
    code, serial, _ = run(capsys, "export", "--config", str(EXAMPLE), "--steps", "1000")
    assert path.read_text() == serial and serial.count("\n") == 1001


def test_export_disk_full(capsys: pytest.CaptureFixture[str]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    for fmt in ("csv", "npy", "json"):
        assert_error(capsys, "export", *LIN, "--steps", "1e5", "--format", fmt, "-o", "/dev/full",
                     match="cannot write /dev/full: No space left on device")  # fmt: skip
