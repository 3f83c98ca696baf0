"""Shared pytest setup: ``tests/`` on ``sys.path`` and hypothesis profiles.

The suite runs with ``--import-mode=importlib``, so sibling helper modules
(``strategies``, ``strat_a``, ``strat_b``) are imported by name through the
path added here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    derandomize=True,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
