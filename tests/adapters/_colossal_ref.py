"""Load the REAL ``colossalai.nn.lr_scheduler`` (colossalai 0.5.0) for side-by-side tests.

Installing colossalai normally is heavy (its package ``__init__`` pulls in
the whole distributed stack), but the ``lr_scheduler`` subpackage needs only
torch and ``colossalai.logging.get_dist_logger``.  This helper finds the
subpackage's source files without importing ``colossalai`` itself (from the
installed distribution, ``pip install --no-deps colossalai==0.5.0``, or from a
directory named by ``LRCURVES_COLOSSALAI_SRC``), and executes them as a
private package with a stub logger.

Two variants are available:

* ``load(torch27=False)``: the files as they run on the installed torch
  (>= 2.8 shows the cosine "handover overshoot" bug);
* ``load(torch27=True)``: the same files with torch's ``CosineAnnealingLR``
  replaced by a subclass restoring torch <= 2.7's check at ``last_epoch == 0``
  (return the current lr), i.e. ColossalAI's documented curve as it ran on
  torch 2.7.  Only that one branch differs; see semantics.md section 2.3.

Torch's "get_lr called outside step" warnings, which the real wrappers
trigger by design, are silenced by :func:`quiet`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

VERSION = "0.5.0"
PIP_COMMAND = f"pip install --no-deps colossalai=={VERSION}"

_FILES = ("delayed", "cosine", "linear", "multistep", "onecycle", "poly", "torch")
_CACHE: dict[bool, types.ModuleType] = {}


def source_dir() -> Path | None:
    """The directory holding ``colossalai/nn/lr_scheduler/*.py``, or None."""
    env = os.environ.get("LRCURVES_COLOSSALAI_SRC")
    cands: list[Path] = []
    if env:
        cands += [Path(env), Path(env) / "colossalai" / "nn" / "lr_scheduler"]
    try:
        spec = importlib.util.find_spec("colossalai")  # finds, does not execute
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            cands.append(Path(loc) / "nn" / "lr_scheduler")
    for c in cands:
        if all((c / f"{f}.py").is_file() for f in _FILES):
            return c
    return None


class _Logger:
    def warning(self, *a: Any, **k: Any) -> None:
        pass

    info = warning


def _stub_modules() -> dict[str, types.ModuleType]:
    root = types.ModuleType("colossalai")
    root.__path__ = []  # type: ignore[attr-defined]
    log = types.ModuleType("colossalai.logging")
    log.get_dist_logger = lambda *a, **k: _Logger()  # type: ignore[attr-defined]
    root.logging = log  # type: ignore[attr-defined]
    return {"colossalai": root, "colossalai.logging": log}


def _torch27_cosine() -> type:
    from torch.optim.lr_scheduler import CosineAnnealingLR

    class Torch27CosineAnnealingLR(CosineAnnealingLR):
        """torch <= 2.7 behaviour: at last_epoch 0 keep the current lr."""

        def get_lr(self) -> list[Any]:
            if self.last_epoch == 0:
                return [g["lr"] for g in self.optimizer.param_groups]
            return super().get_lr()

    return Torch27CosineAnnealingLR


def load(torch27: bool = False) -> types.ModuleType:
    """The real lr_scheduler package (cached); raises ImportError if unavailable."""
    if torch27 in _CACHE:
        return _CACHE[torch27]
    src = source_dir()
    if src is None:
        raise ImportError(f"colossalai {VERSION} lr_scheduler sources not found; run `{PIP_COMMAND}`")
    pkg_name = f"_lrcurves_colossal_ref{'_t27' if torch27 else ''}"
    pkg = types.ModuleType(pkg_name)
    pkg.__path__ = [str(src)]  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("colossalai", "colossalai.logging")}
    sys.modules.update(_stub_modules())
    sys.modules[pkg_name] = pkg
    try:
        for f in _FILES:
            name = f"{pkg_name}.{f}"
            spec = importlib.util.spec_from_file_location(name, src / f"{f}.py")
            assert spec is not None and spec.loader is not None
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            setattr(pkg, f, mod)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    if torch27:
        pkg.cosine._CosineAnnealingLR = _torch27_cosine()  # type: ignore[attr-defined]
    for f in _FILES:
        mod = getattr(pkg, f)
        for n in dir(mod):
            if n.endswith("LR") and not n.startswith("_"):
                setattr(pkg, n, getattr(mod, n))
    _CACHE[torch27] = pkg
    return pkg


def available() -> bool:
    try:
        load()
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence torch's scheduler warnings that the real wrappers trigger."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
