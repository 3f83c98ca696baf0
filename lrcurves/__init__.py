"""lrcurves: learning-rate and momentum schedules as stateless array code.

Every schedule is defined once, against the array API, and evaluates
identically in NumPy, PyTorch and JAX/optax.
"""

from __future__ import annotations

from typing import Any

from lrcurves import (
    combinators as _combinators,
    schedules as _schedules,
    units as units,
)
from lrcurves._config import (
    config_formats as config_formats,
    from_config as from_config,
    register_config_format as register_config_format,
)
from lrcurves._schedule import (
    CurveReader as CurveReader,
    Schedule as Schedule,
    ScheduleSpec as ScheduleSpec,
    curve as curve,
    get as get,
    names as names,
    spec as spec,
)
from lrcurves.combinators import *  # noqa: F403
from lrcurves.horizon import (
    branch_cooldown as branch_cooldown,
    extend as extend,
    hold as hold,
    retarget as retarget,
)
from lrcurves.schedules import *  # noqa: F403
from lrcurves.units import Units as Units


def _repr_png_(self: Schedule) -> bytes | None:
    from lrcurves.plotting import repr_png

    return repr_png(self, missing_ok=True)  # None without matplotlib


def _repr_html_(self: Schedule) -> str:
    from lrcurves.plotting import repr_html

    return repr_html(self)


# Jupyter shows a Schedule as a small plot with its parameters.  Attached
# here, at the top of the package, so the core never imports the plotting
# layer above it (imports run one way); matplotlib loads on first display.
Schedule._repr_png_ = _repr_png_  # type: ignore[attr-defined]
Schedule._repr_html_ = _repr_html_  # type: ignore[attr-defined]


def __getattr__(name: str) -> Any:
    # __version__ is read lazily: importlib.metadata costs a third of numpy's import
    if name == "FinderResult":  # imported on first use: it is not needed to build schedules
        from lrcurves.finder import FinderResult

        return FinderResult
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("lrcurves")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0.0.0"
    raise AttributeError(f"module 'lrcurves' has no attribute {name!r}")


__all__ = [
    "CurveReader",
    "FinderResult",  # noqa: F405 - module __getattr__ (lazy)
    "Schedule",
    "ScheduleSpec",
    "Units",
    "__version__",  # noqa: F405 - module __getattr__ (lazy)
    "branch_cooldown",
    "config_formats",
    "curve",
    "extend",
    "from_config",
    "get",
    "hold",
    "names",
    "register_config_format",
    "retarget",
    "spec",
    "units",
    *_combinators.__all__,
    *_schedules.__all__,
]
