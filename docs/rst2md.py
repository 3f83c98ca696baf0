"""reST -> Markdown for lrcurves docstrings: a griffe extension plus a plain function.

The library's docstrings are Google style with a few reST constructs that
Markdown does not know.  This module rewrites them *before* griffe parses a
docstring, so the library sources stay as they are:

* ``.. math::`` blocks become ``$$ ... $$`` blocks and ``:math:`x``` becomes
  ``$x$`` (``pymdownx.arithmatex``, generic mode; ``docs/hooks.py`` turns
  the result into MathML at build time, no JavaScript, no network);
* Sphinx roles (``:class:`~lrcurves.Schedule```, ``:func:``, ``:meth:``,
  ``:mod:``, ``:data:``, ...) become *optional* mkdocs-autorefs references:
  a link when the target is rendered somewhere in the site, plain code
  otherwise (never a strict-mode failure);
* doctest runs outside Google ``Examples:`` sections (module docstrings)
  become fenced ``pycon`` blocks instead of Markdown block quotes;
* the reST escaped space (``\\ ``) after inline code is dropped;
* ``Name::`` literal-block markers lose one colon.

mkdocstrings loads the :class:`RstToMarkdown` extension from this file
(``extensions: [docs/rst2md.py]`` in ``mkdocs.yml``); ``docs/hooks.py``
imports :func:`convert` for the module docstrings it includes by hand.
"""

from __future__ import annotations

import html
import re
from typing import Any

try:  # griffe is only needed for the extension, not for convert()
    from griffe import Extension
except ImportError:  # pragma: no cover
    Extension = object  # type: ignore[assignment,misc]

__all__ = ["RstToMarkdown", "convert"]

_ROLE = re.compile(r":(?:py:)?(class|func|meth|mod|data|attr|exc|obj|const|ref):`([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_MATH_DIRECTIVE = re.compile(r"^(\s*)\.\. math::\s*(.*)$")
_DOCTEST = re.compile(r"^(\s*)>>> ")
_INDENT = re.compile(r"^(\s*)")


def _indent(line: str) -> int:
    return len(_INDENT.match(line).group(1))  # type: ignore[union-attr]


def _role(m: re.Match[str], context: str | None) -> str:
    kind, target = m.group(1), m.group(2).strip()
    if kind == "ref":
        return f"`{target}`"
    short = target.startswith("~")
    target = target.lstrip("~.")
    shown = target.rsplit(".", 1)[-1] if short else target
    if kind in ("func", "meth") and not shown.endswith(")"):
        shown += "()"
    # bare names are looked up next to the object being documented first,
    # then in the top-level package
    if "." in target:
        ident, alt = target, None
    else:
        ident = f"{context}.{target}" if context else f"lrcurves.{target}"
        alt = f"lrcurves.{target}"
    slug = f' slug="{html.escape(alt)}"' if alt and alt != ident else ""
    return (
        f'<autoref identifier="{html.escape(ident)}"{slug} optional>'
        f"<code>{html.escape(shown)}</code></autoref>"
    )


def _math_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _MATH_DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        base, first = m.group(1), m.group(2).strip()
        body = [first] if first else []
        i += 1
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > len(base)):
            block.append(lines[i])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        content = [ln for ln in block if ln.strip()]
        if content:
            cut = min(_indent(ln) for ln in content)
            body += [ln[cut:] for ln in content]
        if out and out[-1].strip():
            out.append("")
        out += [f"{base}$$", *(f"{base}{ln}" for ln in body), f"{base}$$", ""]
    return out


def _doctests(lines: list[str]) -> list[str]:
    """Fence runs of ``>>>`` lines (with their output) as ``pycon`` code."""
    out: list[str] = []
    i = 0
    fenced = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = _DOCTEST.match(line)
        if fenced or not m:
            out.append(line)
            i += 1
            continue
        base = m.group(1)
        block = []
        while i < len(lines) and lines[i].strip() and lines[i].startswith(base):
            block.append(lines[i][len(base) :])
            i += 1
        if out and out[-1].strip():
            out.append("")
        out += [f"{base}```pycon", *(f"{base}{ln}" for ln in block), f"{base}```", ""]
    return out


def convert(text: str, context: str | None = None, *, doctests: bool = True) -> str:
    """The Markdown for reST-flavoured docstring ``text``.

    ``context`` is the dotted path that bare role targets are resolved
    against (``:meth:`step``` inside a class).  ``doctests=False`` leaves
    ``>>>`` runs alone (griffe's Google parser formats those in
    ``Examples:`` sections itself).
    """
    lines = _math_blocks(text.splitlines())
    if doctests:
        lines = _doctests(lines)
    out = []
    fenced = False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        if fenced:
            out.append(line)
            continue
        line = _MATH_ROLE.sub(lambda m: f"${m.group(1).strip()}$", line)
        line = _ROLE.sub(lambda m: _role(m, context), line)
        line = line.replace("``\\ ", "``")
        if line.rstrip().endswith("::") and not line.strip().startswith(".."):
            line = line.rstrip()[:-1]
        out.append(line)
    return "\n".join(out)


def _context(obj: Any) -> str | None:
    kind = getattr(getattr(obj, "kind", None), "value", "")
    if kind in ("class", "module"):
        return obj.path
    parent = getattr(obj, "parent", None)
    return getattr(parent, "path", None)


class RstToMarkdown(Extension):  # type: ignore[misc,valid-type]
    """griffe extension: rewrite every docstring with :func:`convert` once."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        doc = getattr(obj, "docstring", None)
        if doc is None or obj.extra.get("rst2md", {}).get("done"):
            return
        doc.value = convert(doc.value, _context(obj), doctests=True)
        obj.extra.setdefault("rst2md", {})["done"] = True
