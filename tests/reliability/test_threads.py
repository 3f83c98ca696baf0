"""Concurrent evaluation from 8 threads while 2 others register and build schedules.

Runs in a fresh interpreter (``_threads.py``) so that the foreign-format
plugins load lazily inside the race and the registered names do not leak
into this test session's registry.
"""

from __future__ import annotations

import json

import pytest
from reliability._util import python


def run(seconds: float) -> dict[str, int]:
    out = python("_threads.py", str(seconds), timeout=120 + 4 * seconds)
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_threads_evaluate_while_others_register() -> None:
    report = run(2.0)
    assert report["threads"] == 10 and report["evaluations"] > 0 and report["registered"] > 0


@pytest.mark.slow
def test_threads_long() -> None:
    report = run(60.0)
    assert report["evaluations"] > 1000
