"""Helpers of the reliability suite (imported as ``reliability._util``)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def python(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 300,
           cwd: str | os.PathLike[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``tests/reliability/<script>`` in a fresh interpreter (one thread per library)."""
    e = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", **(env or {})}
    return subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True,
                          timeout=timeout, env=e, cwd=cwd)


def load_helper(name: str) -> ModuleType:
    """``tests/reliability/<name>.py`` as a module (once)."""
    key = f"_lrcurves_reliability_{name}"
    mod = sys.modules.get(key)
    if mod is None:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return mod


def train_module() -> Any:
    return load_helper("_train")


def read_train_log(path: str | os.PathLike[str]) -> dict[Any, Any]:
    return train_module().read_log(str(path))
