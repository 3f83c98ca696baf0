"""Schedule families, one module each.  Importing this package registers them all.

Each family module lists its public factories in ``__all__``; they are
re-exported here and from the top-level :mod:`lrcurves` package.
"""

import sys as _sys

from lrcurves.schedules.chebyshev import *  # noqa: F403
from lrcurves.schedules.constant import *  # noqa: F403
from lrcurves.schedules.cosine import *  # noqa: F403
from lrcurves.schedules.cyclic import *  # noqa: F403
from lrcurves.schedules.exponential import *  # noqa: F403
from lrcurves.schedules.inverse import *  # noqa: F403
from lrcurves.schedules.onecycle import *  # noqa: F403
from lrcurves.schedules.piecewise import *  # noqa: F403
from lrcurves.schedules.polynomial import *  # noqa: F403
from lrcurves.schedules.range_test import *  # noqa: F403
from lrcurves.schedules.restarts import *  # noqa: F403
from lrcurves.schedules.rex import *  # noqa: F403
from lrcurves.schedules.tabulated import *  # noqa: F403
from lrcurves.schedules.tanh import *  # noqa: F403
from lrcurves.schedules.warmup import *  # noqa: F403
from lrcurves.schedules.wsd import *  # noqa: F403

_FAMILIES = (
    "chebyshev",
    "constant",
    "cosine",
    "cyclic",
    "exponential",
    "inverse",
    "onecycle",
    "piecewise",
    "polynomial",
    "range_test",
    "restarts",
    "rex",
    "tabulated",
    "tanh",
    "warmup",
    "wsd",
)

# modules are looked up in sys.modules: a family may export a factory with
# the module's own name (``constant``), which shadows the module attribute
__all__ = [
    name
    for fam in _FAMILIES
    for name in getattr(_sys.modules[f"{__name__}.{fam}"], "__all__", ())
]
