"""The reliability suite: faults, many processes, every step dtype.

Tests marked ``slow`` (the long variants: more kills, more trials, more
steps) are skipped unless ``LRCURVES_SLOW=1``; CI runs the short variants
only, in a few minutes on two cores.  Subprocess helpers live next to the
tests (``_train.py``, ``_ddp.py``, ...); they are import-safe (pytest's
``--doctest-modules`` imports them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SLOW = os.environ.get("LRCURVES_SLOW", "") not in ("", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SLOW:
        return
    skip = pytest.mark.skip(reason="long variant: set LRCURVES_SLOW=1 to run it")
    for item in items:
        if item.get_closest_marker("slow") and HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)
