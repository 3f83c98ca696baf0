"""The README's table of schedules, generated from the registry.

``python -m lrcurves._table`` rewrites the table in ``README.md`` between
the ``<!-- schedules:start -->`` and ``<!-- schedules:end -->`` markers;
the test suite checks the committed README matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lrcurves._schedule import names, spec

__all__ = ["END", "START", "registry_table", "replace_table"]

START = "<!-- schedules:start -->"
END = "<!-- schedules:end -->"


def _cell(text: str) -> str:
    return text.replace("|", r"\|").strip()


def registry_table() -> str:
    """A Markdown table: one row per registered schedule, sorted by name."""
    rows = [
        "| name | kind | family | momentum | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for n in names():
        sp = spec(n)
        mom = "yes" if sp.momentum is not None else ""
        rows.append(f"| `{n}` | {sp.kind} | {sp.family} | {mom} | {_cell(sp.summary)} |")
    return "\n".join(rows) + "\n"


def replace_table(text: str, table: str | None = None) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    table = registry_table() if table is None else table
    try:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError(f"README has no {START} ... {END} block") from None
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "README.md")
    old = path.read_text(encoding="utf-8")
    new = replace_table(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
