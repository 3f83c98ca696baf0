"""lrcurves: learning-rate and momentum schedules as stateless array code.

Every schedule is defined once, against the array API, and evaluates
identically in NumPy, PyTorch and JAX/optax.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from lrcurves import (
    combinators as _combinators,
    compat as _compat,  # noqa: F401
    schedules as _schedules,
)
from lrcurves._schedule import (
    Schedule as Schedule,
    ScheduleSpec as ScheduleSpec,
    curve as curve,
    from_config as from_config,
    get as get,
    names as names,
    register_config_format as register_config_format,
    spec as spec,
)
from lrcurves.combinators import *  # noqa: F403
from lrcurves.schedules import *  # noqa: F403

try:
    __version__ = version("lrcurves")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = [
    "Schedule",
    "ScheduleSpec",
    "__version__",
    "curve",
    "from_config",
    "get",
    "names",
    "register_config_format",
    "spec",
    *_combinators.__all__,
    *_schedules.__all__,
]
