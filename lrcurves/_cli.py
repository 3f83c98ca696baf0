"""The ``lrcurves`` command line: list, summarize, plot and export schedules.

Examples::

    lrcurves list
    lrcurves summary --config examples/warmup_cosine.json
    lrcurves summary --schedule cosine_decay --param init_value=0.1 --param decay_steps=1000
    lrcurves plot --config a.json --config b.json -o curves.png
    lrcurves export --config examples/warmup_cosine.json -o curve.csv

A schedule comes from ``--schedule NAME`` followed by ``--param key=value``
options (values parsed as JSON where possible, else kept as strings), or from
``--config FILE`` (anything :func:`lrcurves.from_config` accepts; ``--base-lr``
is passed on as ``base_lr=``).  Errors print one line to stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np

__all__ = ["main"]

SPARK = "▁▂▃▄▅▆▇█"
PROG = "lrcurves"


class CLIError(Exception):
    """A user error: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{self.prog}: error: {message}")


@dataclass
class Source:
    """One schedule named on the command line."""

    name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    config: str | None = None

    @property
    def label(self) -> str:
        if self.config is not None:
            return os.path.splitext(os.path.basename(self.config))[0]
        return str(self.name)


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class _ScheduleAction(argparse.Action):
    def __call__(self, parser: Any, ns: Any, value: Any, option: str | None = None) -> None:
        srcs = getattr(ns, "sources", None) or []
        if option == "--schedule":
            srcs.append(Source(name=value))
        elif option == "--config":
            srcs.append(Source(config=value))
        else:  # --param
            key, sep, raw = str(value).partition("=")
            if not sep or not key:
                raise CLIError(f"--param needs key=value, got {value!r}")
            if not srcs or srcs[-1].name is None:
                raise CLIError(f"--param {value} must follow a --schedule NAME")
            if key in srcs[-1].params:
                raise CLIError(f"--param {key} given twice for {srcs[-1].name}")
            srcs[-1].params[key] = _parse_value(raw)
        ns.sources = srcs


def _add_source_args(p: argparse.ArgumentParser, many: bool) -> None:
    g = p.add_argument_group("schedule" + (" (repeatable)" if many else ""))
    g.add_argument("--schedule", metavar="NAME", action=_ScheduleAction, help="registered schedule name")
    g.add_argument(
        "--param",
        metavar="KEY=VALUE",
        action=_ScheduleAction,
        help="parameter of the preceding --schedule; VALUE is JSON if it parses, else a string",
    )
    g.add_argument("--config", metavar="FILE", action=_ScheduleAction, help="JSON config file")
    g.add_argument("--base-lr", type=float, default=None, help="base LR for configs that need one")
    p.add_argument("--steps", type=int, default=None, help="number of steps (default: from the phases)")
    p.set_defaults(sources=[])


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Learning-rate and momentum schedules: inspect, plot, export.")
    from lrcurves import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sub.add_parser("list", help="registered schedules with their summaries")

    p = sub.add_parser("summary", help="values at key steps, range, phases and a sparkline")
    _add_source_args(p, many=False)
    p.add_argument("--width", type=int, default=60, help="sparkline width (default 60)")

    p = sub.add_parser("plot", help="plot one or more schedules to a PNG (needs matplotlib)")
    _add_source_args(p, many=True)
    p.add_argument("-o", "--output", default="curve.png", help="output image (default curve.png)")
    p.add_argument("--log", action="store_true", help="logarithmic LR axis")
    p.add_argument("--title", default=None)

    p = sub.add_parser("export", help="write step, lr (and momentum) as CSV or NPY")
    _add_source_args(p, many=False)
    p.add_argument("-o", "--output", default="-", help="output file; '-' is stdout (CSV only)")
    p.add_argument("--format", choices=("csv", "npy"), default=None, help="default: from the extension")
    return parser


# ---------------------------------------------------------------------------


def _load(src: Source, base_lr: float | None) -> Any:
    import lrcurves

    kwargs = {} if base_lr is None else {"base_lr": base_lr}
    if src.config is not None:
        if not os.path.isfile(src.config):
            raise CLIError(f"config file not found: {src.config}")
        return lrcurves.from_config(src.config, **kwargs)
    return lrcurves.from_config({"name": src.name, "params": src.params}, **kwargs)


def _span(s: Any, steps: int | None) -> int:
    if steps is not None:
        if steps < 1:
            raise CLIError(f"--steps must be a positive integer, got {steps}")
        return steps
    last = max(s.phases(), default=0)
    if last <= 0:
        raise CLIError(f"{s.name} has no phase boundaries to choose a span from; pass --steps N")
    return math.ceil(last * 1.1) + 1


def _curves(s: Any, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    import lrcurves

    lr = np.asarray(lrcurves.curve(s, n))
    if lr.ndim != 1:
        raise CLIError(f"{s.name}: array-valued parameters (sweeps) are not supported by the CLI")
    mom = np.asarray(lrcurves.curve(s, n, momentum=True)) if s.has_momentum else None
    return lr, mom


def sparkline(v: np.ndarray, width: int = 60) -> str:
    """A one-line unicode sketch of ``v`` (bucket means scaled to 8 levels)."""
    if v.size == 0:
        return ""
    width = max(1, min(width, v.size))
    buckets = [b.mean() for b in np.array_split(v, width)]
    lo, hi = float(np.min(buckets)), float(np.max(buckets))
    if hi - lo <= 1e-12 * max(abs(hi), 1e-300):
        return SPARK[3] * width
    return "".join(SPARK[min(7, int((b - lo) / (hi - lo) * 8))] for b in buckets)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _summary(args: argparse.Namespace, out: Any) -> None:
    (s,) = _one(args)
    n = _span(s, args.steps)
    lr, mom = _curves(s, n)
    phases = s.phases()
    keys = {0, n - 1}
    for b in phases:
        keys.update(x for x in (b - 1, b) if 0 <= x < n)
    print(repr(s), file=out)
    print(f"steps: 0..{n - 1} ({n} steps)", file=out)
    print(f"phases: {', '.join(map(str, phases)) if phases else '-'}", file=out)
    head = f"{'step':>10}  {'lr':>12}" + (f"  {'momentum':>12}" if mom is not None else "")
    print(head, file=out)
    for k in sorted(keys):
        row = f"{k:>10}  {_fmt(lr[k]):>12}"
        if mom is not None:
            row += f"  {_fmt(mom[k]):>12}"
        print(row, file=out)
    i, j = int(np.argmin(lr)), int(np.argmax(lr))
    print(f"lr min {_fmt(lr[i])} at step {i}, max {_fmt(lr[j])} at step {j}", file=out)
    print(f"lr       {sparkline(lr, args.width)}", file=out)
    if mom is not None:
        i, j = int(np.argmin(mom)), int(np.argmax(mom))
        print(f"momentum min {_fmt(mom[i])} at step {i}, max {_fmt(mom[j])} at step {j}", file=out)
        print(f"momentum {sparkline(mom, args.width)}", file=out)


def _export(args: argparse.Namespace, out: Any) -> None:
    (s,) = _one(args)
    n = _span(s, args.steps)
    lr, mom = _curves(s, n)
    fmt = args.format or ("npy" if str(args.output).endswith(".npy") else "csv")
    cols = [np.arange(n, dtype=np.float64), lr] + ([mom] if mom is not None else [])
    if fmt == "npy":
        if args.output == "-":
            raise CLIError("NPY export needs an output file (-o FILE.npy)")
        _write(args.output, lambda fh: np.save(fh, np.stack(cols, axis=1)), binary=True)
        return
    header = "step,lr" + (",momentum" if mom is not None else "")
    lines = [header] + [
        ",".join([str(k), repr(float(lr[k]))] + ([repr(float(mom[k]))] if mom is not None else []))
        for k in range(n)
    ]
    text = "\n".join(lines) + "\n"
    if args.output == "-":
        out.write(text)
    else:
        _write(args.output, lambda fh: fh.write(text), binary=False)


def _write(path: str, fn: Any, binary: bool) -> None:
    try:
        with open(path, "wb" if binary else "w", encoding=None if binary else "utf-8") as fh:
            fn(fh)
    except OSError as exc:
        raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from None


def _plot(args: argparse.Namespace, out: Any) -> None:
    scheds = _many(args)
    try:
        import matplotlib
    except ImportError:
        raise CLIError("plot needs matplotlib: pip install 'lrcurves[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = _span(scheds[0][1], args.steps) if args.steps is not None else max(
        _span(s, None) for _, s in scheds
    )
    data = [(label, s, *_curves(s, n)) for label, s in scheds]
    has_mom = any(m is not None for *_, m in data)
    fig, axes = plt.subplots(
        2 if has_mom else 1, 1, figsize=(9, 6.5 if has_mom else 4), sharex=True, squeeze=False
    )
    ax_lr = axes[0][0]
    steps = np.arange(n)
    for label, s, lr, mom in data:
        (line,) = ax_lr.plot(steps, lr, label=label, linewidth=1.4)
        for b in s.phases():
            if 0 < b < n:
                ax_lr.axvline(b, color=line.get_color(), linestyle=":", linewidth=0.8, alpha=0.7)
                if has_mom:
                    axes[1][0].axvline(b, color=line.get_color(), linestyle=":", linewidth=0.8, alpha=0.7)
        if mom is not None:
            axes[1][0].plot(steps, mom, label=label, color=line.get_color(), linewidth=1.4)
    ax_lr.set_ylabel("learning rate")
    if args.log:
        ax_lr.set_yscale("log")
    ax_lr.set_title(args.title or ", ".join(label for label, *_ in data))
    ax_lr.legend(loc="best", fontsize="small")
    ax_lr.grid(alpha=0.3)
    if has_mom:
        axes[1][0].set_ylabel("momentum")
        axes[1][0].grid(alpha=0.3)
    axes[-1][0].set_xlabel("step")
    fig.tight_layout()
    try:
        fig.savefig(args.output, dpi=110)
    except OSError as exc:
        raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    print(f"wrote {args.output} ({len(data)} schedule(s), {n} steps)", file=out)


def _many(args: argparse.Namespace) -> list[tuple[str, Any]]:
    if not args.sources:
        raise CLIError(f"{args.command}: give --schedule NAME [--param k=v ...] or --config FILE")
    return [(src.label, _load(src, args.base_lr)) for src in args.sources]


def _one(args: argparse.Namespace) -> list[Any]:
    if len(args.sources) > 1:
        raise CLIError(f"{args.command} takes one schedule, got {len(args.sources)}")
    return [s for _, s in _many(args)]


def _list(args: argparse.Namespace, out: Any) -> None:
    import lrcurves

    width = max(len(n) for n in lrcurves.names())
    for n in lrcurves.names():
        print(f"{n:<{width}}  {lrcurves.spec(n).summary}", file=out)


COMMANDS = {"list": _list, "summary": _summary, "plot": _plot, "export": _export}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0, or 2 on a user error)."""
    try:
        args = _build_parser().parse_args(argv)
        COMMANDS[args.command](args, sys.stdout)
    except BrokenPipeError:  # e.g. `lrcurves export ... | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except (CLIError, ValueError, TypeError, OSError, KeyError) as exc:
        return _die(str(exc))
    return 0


def _die(message: str) -> int:
    if not message.startswith(PROG):
        message = f"{PROG}: error: {message}"
    print(" ".join(message.split()), file=sys.stderr)
    return 2
