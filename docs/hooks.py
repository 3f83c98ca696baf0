"""MkDocs hooks for the lrcurves site (registered in ``mkdocs.yml`` under ``hooks:``).

Build-time work, all offline:

* **Source overlay.**  The repository folder ``adapters/`` is installed as
  ``lrcurves.adapters`` (setuptools ``package-dir``), which griffe cannot
  see from the source tree.  ``on_config`` builds a temporary folder whose
  ``lrcurves/`` links every entry of the real package plus ``adapters/``
  and points mkdocstrings at it, so ``::: lrcurves.adapters.torch`` is
  found statically (no torch, jax or optax import).
* **Gallery.**  ``on_files`` draws one PNG per registered schedule name
  (``lrcurves.names()``) and per preset in :data:`PRESETS` with matplotlib
  (Agg), from the parameter table :data:`GALLERY`.  A registered name
  without a gallery entry, or an entry for a name that no longer exists,
  fails the build: new families cannot be forgotten.
* **Generated sections.**  ``on_page_markdown`` replaces marker comments:
  ``<!-- lrcurves:gallery -->``, ``<!-- lrcurves:core-api -->`` (the
  top-level members that are not schedule factories),
  ``<!-- lrcurves:families -->`` and ``<!-- lrcurves:compat -->`` (one
  ``:::`` block per module in ``lrcurves/schedules/`` or
  ``lrcurves/compat/``), ``<!-- lrcurves:other-modules -->`` (every public
  module of ``lrcurves/`` and ``adapters/`` that no page documents with an
  explicit ``:::`` block, so a new module is never left out) and
  ``<!-- lrcurves:docstring MODULE -->`` (a module docstring included as
  Markdown, for the "Differences" page).
* **Math.**  Docstrings carry reST math (``.. math::``, ``:math:``);
  ``docs/rst2md.py`` turns it into ``pymdownx.arithmatex`` (generic mode)
  markup and ``on_page_content`` converts that to MathML with
  ``latex2mathml``, which browsers render natively: no JavaScript, no CDN.
  A formula that does not convert is a warning (an error under
  ``--strict``).
"""

from __future__ import annotations

import ast
import html
import io
import logging
import math
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

import rst2md  # noqa: E402  (docs/rst2md.py, next to this file)

log = logging.getLogger("mkdocs.hooks.lrcurves")

GALLERY_DIR = "gallery"

# ---------------------------------------------------------------------------
# The gallery table: one entry per registered name and per preset.
#
# ``params`` are keyword arguments of the factory (``lrcurves.get(name,
# **params)`` for registered names, ``lrcurves.<preset>(**params)`` for
# presets); child schedules of combinators are ``Sub(name, **params)``.  The
# gallery shows each entry's call as code, built from the same table.


@dataclass
class Sub:
    """A child schedule: ``lrcurves.<name>(**params)``."""

    name: str
    params: dict[str, Any]

    def __init__(self, name: str, **params: Any) -> None:
        self.name, self.params = name, params


@dataclass
class Expr:
    """A parameter value shown as ``code`` in the gallery (long literal lists)."""

    code: str
    value: Any


@dataclass
class Entry:
    params: dict[str, Any]
    steps: int = 1000
    logy: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _cos(init: float = 0.1, steps: int = 1000, **kw: Any) -> Sub:
    return Sub("cosine_decay", init_value=init, decay_steps=steps, **kw)


GALLERY: dict[str, Entry] = {
    # -- schedules ---------------------------------------------------------
    "chebyshev": Entry({"base_value": 0.01, "num_nodes": 16}, steps=20),
    "constant": Entry({"value": 0.1}),
    "cosine_decay": Entry(
        {"init_value": 0.1, "decay_steps": 800, "end_value": 0.01, "transition_begin": 100}
    ),
    "cosine_restarts": Entry(
        {
            "peak_value": 0.1,
            "first_cycle_steps": 200,
            "cycle_mult": 1.5,
            "min_value": 0.005,
            "peak_decay": 0.8,
            "warmup_steps": 20,
        }
    ),
    "cyclic": Entry(
        {
            "base_value": 0.01,
            "peak_value": 0.1,
            "step_size_up": 150,
            "mode": "triangular2",
            "base_momentum": 0.85,
            "max_momentum": 0.95,
        }
    ),
    "exponential_decay": Entry({"init_value": 0.1, "decay_rate": 0.5, "transition_steps": 200}),
    "exponential_range_test": Entry(
        {"init_value": 1e-6, "end_value": 1.0, "num_steps": 800}, logy=True
    ),
    "inverse_sqrt": Entry({"init_value": 0.1, "timescale": 100}),
    "inverse_time": Entry({"init_value": 0.1, "decay_rate": 1.0, "decay_steps": 100}),
    "linear": Entry({"init_value": 0.1, "end_value": 0.01, "transition_steps": 800}),
    "linear_range_test": Entry(
        {"init_value": 1e-3, "step_size": 100, "step_rate": 1.0, "staircase": True}
    ),
    "multistep": Entry({"init_value": 0.1, "milestones": [300, 600, 800], "decay_rate": 0.3}),
    "one_cycle": Entry({"peak_value": 0.1, "total_steps": 1000}),
    "piecewise_constant": Entry(
        {"values": [0.1, 0.05, 0.02, 0.005], "boundaries": [250, 500, 750]}
    ),
    "polynomial": Entry(
        {"init_value": 0.1, "end_value": 0.001, "transition_steps": 800, "power": 2.0}
    ),
    "polynomial_growth": Entry(
        {"init_value": 0.001, "step_value": 0.002, "power": 0.5, "transition_steps": 800}
    ),
    "rex": Entry({"init_value": 0.1, "decay_steps": 1000}),
    "step_decay": Entry({"init_value": 0.1, "step_size": 200, "decay_rate": 0.5}),
    "tabulated": Entry(
        {
            "values": Expr(
                "[0.05 + 0.04 * math.sin(k / 25) for k in range(200)]",
                [0.05 + 0.04 * math.sin(k / 25) for k in range(200)],
            )
        },
        steps=250,
    ),
    "tanh_decay": Entry({"init_value": 0.1, "decay_steps": 1000, "end_value": 0.001}),
    "warmup_stable_decay": Entry(
        {
            "peak_value": 0.1,
            "warmup_steps": 100,
            "stable_steps": 600,
            "decay_steps": 200,
            "decay_shape": "1-sqrt",
        }
    ),
    # -- combinators -------------------------------------------------------
    "clip": Entry({"schedule": _cos(), "min_value": 0.02, "max_value": 0.08}),
    "join": Entry(
        {
            "schedules": [
                Sub("linear", init_value=0.0, end_value=0.1, transition_steps=100),
                Sub("constant", value=0.1),
                _cos(steps=400),
            ],
            "boundaries": [100, 600],
        }
    ),
    "product": Entry(
        {
            "schedules": [
                _cos(),
                Sub("linear", init_value=0.0, end_value=1.0, transition_steps=200),
            ]
        }
    ),
    "remap": Entry(
        {
            "schedule": _cos(1.0),
            "in_min": 0.0,
            "in_max": 1.0,
            "out_min": 0.01,
            "out_max": 0.1,
        }
    ),
    "repeat": Entry({"schedule": _cos(steps=250, end_value=0.01), "period": 250}),
    "scale": Entry({"schedule": _cos(), "factor": 0.5, "offset": 0.01}),
    "shift": Entry({"schedule": _cos(), "by": 300}),
    "warmup": Entry(
        {
            "schedule": Sub(
                "exponential_decay", init_value=0.1, decay_rate=0.5, transition_steps=200
            ),
            "warmup_steps": 100,
            "shape": "cosine",
        }
    ),
    "with_momentum": Entry(
        {
            "schedule": _cos(),
            "momentum": Sub("linear", init_value=0.85, end_value=0.95, transition_steps=1000),
        }
    ),
    # -- presets (plain factories returning a registered schedule) ---------
    "warmup_cosine": Entry(
        {"peak_value": 0.1, "warmup_steps": 100, "total_steps": 1000, "end_value": 0.001}
    ),
    "warmup_linear_decay": Entry({"peak_value": 0.1, "warmup_steps": 100, "total_steps": 1000}),
}

#: Factories that are not registered names but get a gallery entry too.
PRESETS = ("warmup_cosine", "warmup_linear_decay")

# ---------------------------------------------------------------------------
# building and drawing


def _lrcurves() -> Any:
    import lrcurves

    return lrcurves


def _build_value(v: Any) -> Any:
    if isinstance(v, Sub):
        return _make(v.name, v.params)
    if isinstance(v, Expr):
        return v.value
    if isinstance(v, list):
        return [_build_value(x) for x in v]
    return v


def _make(name: str, params: dict[str, Any]) -> Any:
    lc = _lrcurves()
    kw = {k: _build_value(v) for k, v in params.items()}
    if name in PRESETS:
        return getattr(lc, name)(**kw)
    return lc.get(name, **kw)


def _code_value(v: Any, indent: int) -> str:
    if isinstance(v, Sub):
        return _code_call(v.name, v.params, indent)
    if isinstance(v, Expr):
        return v.code
    if isinstance(v, list) and any(isinstance(x, Sub) for x in v):
        pad = " " * (indent + 4)
        items = ",\n".join(pad + _code_value(x, indent + 4) for x in v)
        return "[\n" + items + ",\n" + " " * indent + "]"
    return repr(v)


def _code_call(name: str, params: dict[str, Any], indent: int = 0) -> str:
    args = [f"{k}={_code_value(v, indent + 4)}" for k, v in params.items()]
    one = f"lrcurves.{name}({', '.join(args)})"
    if len(one) + indent <= 80 and "\n" not in one:
        return one
    pad = " " * (indent + 4)
    body = ",\n".join(pad + a for a in args)
    return f"lrcurves.{name}(\n{body},\n{' ' * indent})"


def check_gallery() -> list[str]:
    """The gallery names, in order; a :class:`PluginError` if the table is stale."""
    lc = _lrcurves()
    registered = set(lc.names())
    wanted = registered | set(PRESETS)
    missing = sorted(wanted - set(GALLERY))
    stale = sorted(set(GALLERY) - wanted)
    problems = []
    if missing:
        problems.append(
            f"no gallery entry for {', '.join(missing)}: add representative parameters "
            "to GALLERY in docs/hooks.py"
        )
    if stale:
        problems.append(f"gallery entries for unknown names {', '.join(stale)} in docs/hooks.py")
    if problems:
        raise PluginError("lrcurves gallery: " + "; ".join(problems))
    return sorted(registered) + list(PRESETS)


def _draw(name: str, entry: Entry) -> bytes:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lc = _lrcurves()
    s = _make(name, entry.params)
    n = entry.steps
    steps = np.arange(n)
    lr = np.asarray(lc.curve(s, n), dtype=float)

    fig = Figure(figsize=(6.4, 2.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for p in s.phases():
        if 0 < p < n:
            ax.axvline(p, color="#c8c8c8", linewidth=0.9, zorder=0)
    drawn = ax.step if n <= 64 else ax.plot
    kw = {"where": "post"} if n <= 64 else {}
    drawn(steps, lr, color="#3f51b5", linewidth=1.6, label="learning rate", **kw)
    if entry.logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0.0, 1.08 * float(np.nanmax(lr)) if np.nanmax(lr) > 0 else 1.0)
    ax.set_xlim(0, n - 1)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.grid(True, color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(name, family="monospace", fontsize=11)
    if s.has_momentum:
        mom = np.asarray(lc.curve(s, n, momentum=True), dtype=float)
        ax2 = ax.twinx()
        ax2.plot(steps, mom, color="#e65100", linewidth=1.2, linestyle="--", label="momentum")
        ax2.set_ylabel("momentum", color="#e65100")
        ax2.tick_params(axis="y", colors="#e65100")
        lines = ax.get_lines()[-1:] + ax2.get_lines()
        ax.legend(lines, [ln.get_label() for ln in lines], loc="best", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _summary(name: str) -> tuple[str, str]:
    """(first docstring line as Markdown, autoref identifier of the factory)."""
    lc = _lrcurves()
    fn = lc.spec(name).factory if name not in PRESETS else getattr(lc, name)
    doc = (fn.__doc__ or "").strip().splitlines()
    first = doc[0].strip() if doc else ""
    return rst2md.convert(first, doctests=False), f"{fn.__module__}.{fn.__qualname__}"


def _gallery_markdown(names: list[str]) -> str:
    lc = _lrcurves()
    out = []
    for name in names:
        summary, ident = _summary(name)
        kind = "preset" if name in PRESETS else lc.spec(name).kind
        out += [
            f"### `{name}`",
            "",
            f"*{kind}* — {summary} ([API reference][{ident}])",
            "",
            f"![{name}]({GALLERY_DIR}/{name}.png)",
            "",
            "```python",
            _code_call(name, GALLERY[name].params),
            "```",
            "",
        ]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# state shared between the events of one build

_state: dict[str, Any] = {"overlay": None, "gallery_md": None}


def _make_overlay() -> Path:
    old = _state.get("overlay")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix="lrcurves-docs-src-"))
    pkg = tmp / "lrcurves"
    pkg.mkdir()
    for child in (ROOT / "lrcurves").iterdir():
        if child.name == "__pycache__" or child.name == "adapters":
            continue
        (pkg / child.name).symlink_to(child, target_is_directory=child.is_dir())
    (pkg / "adapters").symlink_to(ROOT / "adapters", target_is_directory=True)
    _state["overlay"] = tmp
    return tmp


@event_priority(100)  # before mkdocstrings reads its handler options
def on_config(config: Any) -> Any:
    overlay = _make_overlay()
    plugin = config.plugins.get("mkdocstrings")
    if plugin is None:
        raise PluginError("docs/hooks.py expects the mkdocstrings plugin")
    handlers = plugin.config.handlers
    python = handlers.setdefault("python", {})
    python["paths"] = [str(overlay)]
    return config


_DIRECTIVE = re.compile(r"^:::\s+([\w.]+)", re.M)


def _explicit_modules(files: Files) -> set[str]:
    """Identifiers of the ``:::`` blocks written in the Markdown sources."""
    out: set[str] = set()
    for f in files.documentation_pages():
        if f.abs_src_path and Path(f.abs_src_path).exists():
            out.update(_DIRECTIVE.findall(Path(f.abs_src_path).read_text(encoding="utf-8")))
    return out


def _public_modules(folder: Path, prefix: str) -> list[str]:
    return sorted(f"{prefix}.{p.stem}" for p in folder.glob("*.py") if not p.stem.startswith("_"))


def on_files(files: Files, config: Any) -> Files:
    _state["explicit"] = _explicit_modules(files)
    names = check_gallery()
    warnings.filterwarnings("ignore", module="matplotlib")
    for name in names:
        png = _draw(name, GALLERY[name])
        files.append(File.generated(config, f"{GALLERY_DIR}/{name}.png", content=png))
    _state["gallery_md"] = _gallery_markdown(names)
    return files


def _core_api() -> str:
    lc = _lrcurves()
    from lrcurves import combinators, schedules

    factories = set(combinators.__all__) | set(schedules.__all__)
    core = [n for n in lc.__all__ if n not in factories and not n.startswith("__")]
    members = "\n".join(f"        - {n}" for n in core)
    return f"::: lrcurves\n    options:\n      members:\n{members}\n"


def _blocks(modules: list[str]) -> str:
    return "\n".join(f"::: {m}\n" for m in modules)


def _families() -> str:
    """Every module of ``lrcurves/schedules/``: a new family is documented automatically."""
    return _blocks(_public_modules(ROOT / "lrcurves" / "schedules", "lrcurves.schedules"))


def _compat() -> str:
    """Every module of ``lrcurves/compat/``."""
    return _blocks(_public_modules(ROOT / "lrcurves" / "compat", "lrcurves.compat"))


def _other_modules() -> str:
    """Public modules of ``lrcurves/`` and ``adapters/`` that no page documents yet."""
    explicit = _state.get("explicit") or set()
    candidates = _public_modules(ROOT / "lrcurves", "lrcurves") + _public_modules(
        ROOT / "adapters", "lrcurves.adapters"
    )
    rest = [m for m in candidates if m not in explicit]
    if not rest:
        return "Every public module has a page of its own."
    listed = ", ".join(f"`{m}`" for m in rest)
    return f"Documented here until they get a page of their own: {listed}.\n\n" + _blocks(rest)


_UNDERLINE = re.compile(r"^(?P<title>[^\n]+)\n(?P<line>[-=~^]{3,})[ \t]*$", re.M)


def _module_docstring(module: str, level: int) -> str:
    parts = module.split(".")
    if parts[:2] == ["lrcurves", "adapters"]:
        path = ROOT.joinpath("adapters", *parts[2:])
    else:
        path = ROOT.joinpath(*parts)
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    if not path.exists():
        raise PluginError(f"docstring include: no module file {path} for {module}")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc:
        raise PluginError(f"docstring include: {module} has no module docstring")
    lines = doc.splitlines()
    # the first line is the summary: keep it as a lead paragraph
    text = "\n".join(lines)
    text = _UNDERLINE.sub(lambda m: "#" * level + " " + m.group("title").strip(), text)
    return rst2md.convert(text, module)


_MARKER = re.compile(r"<!--\s*lrcurves:(?P<what>[a-z-]+)(?:\s+(?P<arg>[\w.]+))?\s*-->")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    def repl(m: re.Match[str]) -> str:
        what, arg = m.group("what"), m.group("arg")
        if what == "gallery":
            return _state["gallery_md"] or ""
        if what == "core-api":
            return _core_api()
        if what == "families":
            return _families()
        if what == "compat":
            return _compat()
        if what == "other-modules":
            return _other_modules()
        if what == "docstring" and arg:
            return _module_docstring(arg, level=3)
        raise PluginError(f"{page.file.src_uri}: unknown lrcurves marker {m.group(0)!r}")

    return _MARKER.sub(repl, markdown)


# ---------------------------------------------------------------------------
# math: arithmatex generic markup -> MathML

_INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.S)


def _mathml(tex: str, display: str, where: str) -> str:
    from latex2mathml.converter import convert

    src = html.unescape(tex).strip()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return convert(src, display=display)
    except Exception as exc:  # keep the TeX readable, and say so
        log.warning("%s: formula not converted to MathML (%s): %s", where, exc, src)
        tag = "div" if display == "block" else "span"
        return f'<{tag} class="arithmatex-raw"><code>{html.escape(src)}</code></{tag}>'


def on_page_content(content: str, page: Any, config: Any, files: Files) -> str:
    where = page.file.src_uri
    content = _BLOCK.sub(
        lambda m: '<div class="math-block">' + _mathml(m.group("tex"), "block", where) + "</div>",
        content,
    )
    return _INLINE.sub(lambda m: _mathml(m.group("tex"), "inline", where), content)


def on_shutdown() -> None:
    tmp = _state.get("overlay")
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        _state["overlay"] = None
