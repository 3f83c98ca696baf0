"""``lrcurves horizon``: the new curve equals the old up to --at, is saved and plotted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lrcurves
from lrcurves import horizon as hz
from lrcurves._cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "warmup_cosine.json")


def _old() -> lrcurves.Schedule:
    return lrcurves.from_config(json.loads(Path(EXAMPLE).read_text()))


@pytest.mark.parametrize(
    ("flags", "build"),
    [
        (["--retarget", "16000"], lambda s: hz.retarget(s, 3000, 16000)),
        (["--extend", "2000"], lambda s: hz.extend(s, 2000, at_step=3000)),
        (["--cooldown", "500", "--shape", "1-sqrt"], lambda s: hz.branch_cooldown(s, 3000, 500, shape="1-sqrt")),
        (["--hold"], lambda s: hz.hold(s, 3000)),
    ],
)
def test_horizon_saves_the_new_schedule(flags: list[str], build, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new.json"
    assert main(["horizon", "--config", EXAMPLE, "--at", "3000", *flags, "--save", str(out)]) == 0
    text = capsys.readouterr().out
    old, new = _old(), lrcurves.from_config(json.loads(out.read_text()))
    assert new == build(old)
    t = np.arange(3001)
    np.testing.assert_array_equal(new(t), old(t))  # unchanged up to --at
    assert f"step 3000: LR {float(old(3000)):.6g} in both" in text


def test_horizon_plot_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "h.png"
    assert main(["horizon", "--config", EXAMPLE, "--at", "600", "--retarget", "1600", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    capsys.readouterr()
    assert main(["horizon", "--config", EXAMPLE, "--at", "600"]) == 2  # no way given
    assert main(["horizon", "--config", EXAMPLE, "--at", "600", "--retarget", "500"]) == 2  # before --at
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("lrcurves") >= 2
