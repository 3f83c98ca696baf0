"""The documentation site builds offline in strict mode, with a complete gallery.

``mkdocs build --strict`` runs once, in a subprocess, into a temporary folder
(about 10-20 s).  Without MkDocs installed the build test is skipped locally
but fails under CI (``CI`` set), where the ``test`` extra installs it.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import lrcurves

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PRESETS = ("warmup_cosine", "warmup_linear_decay")

HAVE_MKDOCS = importlib.util.find_spec("mkdocs") is not None
needs_mkdocs = pytest.mark.skipif(
    not HAVE_MKDOCS and not os.environ.get("CI"),
    reason="mkdocs is not installed (pip install -e '.[docs]'); required under CI",
)


def _load(name: str) -> ModuleType:
    """Import ``docs/<name>.py`` (not a package; MkDocs loads it by path)."""
    spec = importlib.util.spec_from_file_location(f"_lrcurves_docs_{name}", DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    if str(DOCS) not in sys.path:
        sys.path.insert(0, str(DOCS))
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@needs_mkdocs
def test_site_builds_strict_with_gallery_and_math(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"

    # one PNG per registered name and preset, each a real image, each on the gallery page
    gallery = site / "gallery"
    expected = set(lrcurves.names()) | set(PRESETS)
    pngs = {p.stem: p for p in gallery.glob("*.png")}
    assert set(pngs) == expected, (
        f"missing: {sorted(expected - set(pngs))}, unexpected: {sorted(set(pngs) - expected)}"
    )
    for name, p in pngs.items():
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name
    page = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    for name in expected:
        assert f'src="../gallery/{name}.png"' in page or f'src="{name}.png"' in page, name

    # formulas from the docstrings are rendered as MathML, none left as reST or raw TeX
    api = site / "api"
    schedules = (api / "schedules" / "index.html").read_text(encoding="utf-8")
    combinators = (api / "combinators" / "index.html").read_text(encoding="utf-8")
    core = (api / "core" / "index.html").read_text(encoding="utf-8")
    assert schedules.count("<math") > 100
    assert 'display="block"' in schedules
    assert "<mi>cos</mi>" in schedules  # cosine_decay's formula
    assert "<mi>η</mi>" in html.unescape(schedules)
    assert "mod" in combinators and combinators.count("<math") > 10  # repeat: s(t mod P)
    for text in (schedules, combinators, core):
        assert ".. math::" not in text and ":math:`" not in text
        assert 'class="arithmatex"' not in text and "arithmatex-raw" not in text
        assert ":class:`" not in text and ":func:`" not in text
    # every family module has its section, with the factory documented
    for name in lrcurves.names():
        fac = lrcurves.spec(name).factory
        ident = f"{fac.__module__}.{fac.__qualname__}"
        assert f'id="{ident}"' in schedules + combinators, ident

    # the differences page includes the adapters' own lists
    diff = (site / "differences" / "index.html").read_text(encoding="utf-8")
    assert "Differences from DeepSpeed" in diff
    # the page title, then the ColossalAI and pytorch_optimizer sections
    assert diff.count("Differences from the original") >= 3
    assert "decay_mom_rate" in diff and "LinearWarmupLR" in diff and "REXScheduler" in diff

    # offline: no page pulls fonts, scripts or styles from another host
    for f in site.rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r'<(?:link|script)[^>]+(?:href|src)="https?://', text), f


@needs_mkdocs
def test_gallery_table_must_cover_every_registered_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.exceptions import PluginError

    hooks = _load("hooks")
    assert hooks.check_gallery() == [*sorted(lrcurves.names()), *PRESETS]
    name = "cosine_decay"
    table = {k: v for k, v in hooks.GALLERY.items() if k != name}
    monkeypatch.setattr(hooks, "GALLERY", table)
    with pytest.raises(PluginError, match=name):
        hooks.check_gallery()
    monkeypatch.setattr(hooks, "GALLERY", {**hooks.GALLERY, "no_such_schedule": hooks.Entry({})})
    with pytest.raises(PluginError, match="no_such_schedule"):
        hooks.check_gallery()


def test_rst_docstrings_become_markdown() -> None:
    rst2md = _load("rst2md")
    text = (
        "Decay.\n\n"
        ".. math::\n"
        "    \\eta(t) = \\eta_0 \\cos(t)\n\n"
        "Symbols: :math:`\\eta_0` = ``init_value``; see :func:`~lrcurves.curve`\n"
        "and :class:`torch.optim.Optimizer`.\n\n"
        ">>> 1 + 1\n"
        "2\n"
    )
    md = rst2md.convert(text, "lrcurves.schedules.cosine")
    assert "$$\n\\eta(t) = \\eta_0 \\cos(t)\n$$" in md
    assert "$\\eta_0$" in md and ":math:" not in md and ".. math::" not in md
    assert '<autoref identifier="lrcurves.curve" optional><code>curve()</code></autoref>' in md
    assert 'identifier="torch.optim.Optimizer"' in md
    assert "```pycon\n>>> 1 + 1\n2\n```" in md
