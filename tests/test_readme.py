"""README.md stays true: schedule table, quick start, the two commands, CI."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import lrcurves
from lrcurves._table import END, START, registry_table, replace_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(marker: str) -> str:
    m = re.search(rf"<!-- {marker}:start -->\n```bash\n(.*?)\n```\n<!-- {marker}:end -->", README, re.S)
    assert m, f"README has no ```bash block between the {marker} markers"
    return m.group(1)


def test_schedule_table_is_current() -> None:
    inside = README.split(START, 1)[1].split(END, 1)[0]
    assert inside == "\n" + registry_table(), "README table is stale: run `python -m lrcurves._table`"
    assert replace_table(README) == README
    for n in lrcurves.names():
        assert f"| `{n}` |" in README


def test_replace_table_needs_markers() -> None:
    with pytest.raises(ValueError, match="no <!-- schedules:start -->"):
        replace_table("no markers here")


def test_exactly_two_single_line_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert len(blocks) == 2
    main, test = _block("main"), _block("test")
    assert blocks == [main, test]
    for cmd in (main, test):
        assert "\n" not in cmd and cmd.startswith("python3 -m venv .venv && ")
    assert "examples/warmup_cosine.json" in main and "summary" in main and "plot" in main
    assert "-c .ci/constraints.txt" in test and ".[test]" in test and "pytest" in test
    lrcurves.from_config(ROOT / "examples" / "warmup_cosine.json")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci
    assert "<!-- test:start -->" in ci and "<!-- test:end -->" in ci  # extracts, never duplicates
    assert "status\" -eq 5" in ci


def test_torch_pin_only_in_constraints() -> None:
    pins = (ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8")
    assert re.search(r"^torch==\d", pins, re.M)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "torch==" not in pyproject


def test_quick_start_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)\n```", README, re.S)
    assert blocks, "README has no python quick start"
    for mod in ("lrcurves.adapters.torch", "lrcurves.adapters.optax"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"{mod} not written yet")
    pytest.importorskip("torch")
    pytest.importorskip("optax")
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
