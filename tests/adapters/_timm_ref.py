"""Load the REAL ``timm.scheduler`` (timm 1.0.31) for side-by-side tests.

``import timm`` pulls in the model zoo, which needs torchvision; the
scheduler subpackage needs only torch and numpy.  When ``timm.scheduler``
cannot be imported normally (``pip install --no-deps timm==1.0.31`` without
torchvision), its files are executed under stub ``timm`` /
``timm.scheduler`` packages that point at the installed sources without
running their ``__init__``.  Returns ``None`` when timm is not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

VERSION = "1.0.31"
PIP_COMMAND = f"pip install --no-deps timm=={VERSION}"


_CACHE: list[types.SimpleNamespace | None] = []


def load() -> types.SimpleNamespace | None:
    if not _CACHE:
        _CACHE.append(_load())
    return _CACHE[0]


def _load() -> types.SimpleNamespace | None:
    try:
        import timm.scheduler as real

        names = ("StepLRScheduler", "MultiStepLRScheduler", "CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler")
        mods = {n: getattr(real, n) for n in (*names, "create_scheduler_v2")}
        return types.SimpleNamespace(**mods)
    except ImportError:
        for name in [m for m in sys.modules if m == "timm" or m.startswith("timm.")]:
            del sys.modules[name]
    spec = importlib.util.find_spec("timm")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for name, path in (("timm", root), ("timm.scheduler", root / "scheduler")):
        if name not in sys.modules:
            pkg = types.ModuleType(name)
            pkg.__path__ = [str(path)]
            sys.modules[name] = pkg
    step = importlib.import_module("timm.scheduler.step_lr")
    multi = importlib.import_module("timm.scheduler.multistep_lr")
    cos = importlib.import_module("timm.scheduler.cosine_lr")
    tanh = importlib.import_module("timm.scheduler.tanh_lr")
    poly = importlib.import_module("timm.scheduler.poly_lr")
    factory = importlib.import_module("timm.scheduler.scheduler_factory")
    return types.SimpleNamespace(
        create_scheduler_v2=factory.create_scheduler_v2,
        StepLRScheduler=step.StepLRScheduler,
        MultiStepLRScheduler=multi.MultiStepLRScheduler,
        CosineLRScheduler=cos.CosineLRScheduler,
        TanhLRScheduler=tanh.TanhLRScheduler,
        PolyLRScheduler=poly.PolyLRScheduler,
    )
