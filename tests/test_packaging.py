"""The wheel holds exactly the ``lrcurves`` package; importing it stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "build", "dist", "__pycache__", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def test_adapters_resolve_to_repo_folder() -> None:
    import lrcurves.adapters

    assert Path(lrcurves.adapters.__file__).resolve().parent == ROOT / "adapters"
    assert Path(lrcurves.__file__).resolve().parent == ROOT / "lrcurves"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(
        ROOT, src, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")]
    )
    out = tmp / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    (whl,) = out.glob("lrcurves-*.whl")
    return whl


def test_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if ".dist-info/" not in n}
    assert top == {"lrcurves"}, top
    assert "lrcurves/adapters/torch.py" in names
    assert "lrcurves/adapters/__init__.py" in names
    assert "lrcurves/py.typed" in names and "lrcurves/_cli.py" in names
    assert not any(n.startswith(("tests/", "adapters/", "examples/")) for n in names)
    ep = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "lrcurves = lrcurves._cli:main" in zipfile.ZipFile(wheel).read(ep).decode()
    for f in (ROOT / "lrcurves" / "schedules").glob("*.py"):
        assert f"lrcurves/schedules/{f.name}" in names


def test_import_is_light() -> None:
    """``import lrcurves`` (and using it) imports no framework and no foreign-config module."""
    code = (
        "import sys, lrcurves, lrcurves.adapters\n"
        "s = lrcurves.linear(1.0, 0.0, transition_steps=10); s(3); s.value(2); lrcurves.curve(s, 5)\n"
        "lrcurves.from_config(s.to_config())\n"
        "heavy = ('torch', 'jax', 'optax', 'matplotlib', 'plotext', 'deepspeed', 'pytorch_optimizer',\n"
        "         'colossalai', 'tqdm')\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.startswith('lrcurves.compat')))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_config_formats_load_lazily_through_entry_points() -> None:
    """Foreign formats register on first need, through the ``lrcurves.config_formats`` group."""
    code = (
        "import sys, lrcurves\n"
        "assert not any(m.startswith('lrcurves.compat') for m in sys.modules)\n"
        "fmts = lrcurves.config_formats()\n"
        "print(len(fmts), sorted(m for m in sys.modules if m.startswith('lrcurves.compat.')))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, mods = r.stdout.strip().split(" ", 1)
    assert int(n) >= 3
    for fmt in ("deepspeed", "colossalai", "pytorch_optimizer"):
        assert f"lrcurves.compat.{fmt}" in mods
    from importlib.metadata import entry_points

    eps = {e.name: e.value for e in entry_points(group="lrcurves.config_formats")}
    assert eps == {
        "deepspeed": "lrcurves.compat.deepspeed",
        "colossalai": "lrcurves.compat.colossalai",
        "pytorch_optimizer": "lrcurves.compat.pytorch_optimizer",
        "torch": "lrcurves.compat.torch",
        "transformers": "lrcurves.compat.transformers",
        "megatron": "lrcurves.compat.megatron",
    }


def test_version_is_lazy() -> None:
    code = (
        "import sys, lrcurves\n"
        "before = 'importlib.metadata' in sys.modules\n"
        "v = lrcurves.__version__\n"
        "print(before, isinstance(v, str) and v.count('.') >= 2)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False True"
    assert "__version__" in lrcurves_all()


def lrcurves_all() -> list[str]:
    import lrcurves

    return list(lrcurves.__all__)


def test_console_script_declared() -> None:
    from importlib.metadata import entry_points

    eps = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert eps.get("lrcurves") == "lrcurves._cli:main"
