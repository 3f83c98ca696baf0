"""The ``lrcurves`` command line: list, summarize, plot and export schedules.

Examples::

    lrcurves list                      # every schedule with its one-line summary
    lrcurves list cosine_decay         # parameters, defaults, formula, conventions
    lrcurves summary --config examples/warmup_cosine.json
    lrcurves summary --schedule cosine_decay --param init_value=0.1 --param decay_steps=1e9
    lrcurves plot --config a.json --config b.json -o curves.png
    lrcurves plot --config ds_config.json --log          # terminal plot
    lrcurves export --config examples/warmup_cosine.json -o curve.csv
    lrcurves check --config examples/warmup_cosine.json --total-steps 10000
    lrcurves diff a.json b.json --steps 10000 -o diff.png
    lrcurves horizon --config examples/warmup_cosine.json --at 600 --retarget 1600 -o new.png --save new.json

A schedule comes from ``--schedule NAME`` followed by ``--param key=value``
options (values parsed as JSON where possible, else kept as strings), or from
``--config FILE`` (anything :func:`lrcurves.from_config` accepts; ``--param``
options after it override the config's parameters, or for a DeepSpeed
config its ``scheduler.params``).  ``--base-lr`` is passed on as
``base_lr=`` to foreign configs; a whole DeepSpeed ds_config's
``optimizer.params.lr`` is used when ``--base-lr`` is not given.

``--steps`` takes whole numbers up to ``2**62``, written ``1000000``,
``1_000_000``, ``1e6`` or ``2**20``; without it the span covers every phase boundary
plus 10%, or 1000 steps for schedules without phases.

``summary`` and ``plot`` evaluate only the steps they show (long horizons
are sampled), so any horizon takes well under a second.  ``export`` streams
in chunks with constant memory.  Formats (``--format``, default from the
file extension, else CSV):

* CSV: a ``step,lr[,momentum]`` header, then one row per step (values as
  Python's shortest round-trip ``repr``).
* NPY: a 1-d structured array with fields ``step`` (int64), ``lr``
  (float64) and, for schedules with momentum, ``momentum`` (float64):
  ``np.load(path)["lr"]``.  Needs ``-o FILE``.
* JSON: one object ``{"step": [...], "lr": [...], "momentum": [...]}``;
  limited to 10,000,000 steps.

A progress bar is shown on stderr for exports of over 4M steps when both
stdout and stderr are terminals (``--no-progress`` hides it); an interrupted
or failed export removes its partial output file.

``check`` runs :func:`lrcurves.checks.check` over ``--total-steps`` steps and
prints the findings (``--json`` for JSON): exit status 0 when clean, 1 with
warnings, 2 with errors.  ``diff A.json B.json`` compares two curves step by
step (``--rtol``, default exact): the first differing step and the largest
relative difference; ``-o FILE`` plots both with their relative difference;
exit status 0 when identical, 1 when they differ.

Exit status: 0 on success; 2 on any error, reported as one line on stderr
(no traceback); 130 on Ctrl-C.  A bare ``lrcurves`` prints the usage to
stdout and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import inspect
import json
import math
import os
import re
import shutil
import stat
import sys
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NoReturn

import numpy as np

__all__ = ["main"]

SPARK = "▁▂▃▄▅▆▇█"
PROG = "lrcurves"
MAX_STEPS = 2**62
#: ``summary`` evaluates every step of horizons up to this many steps, else samples.
EXACT_MAX = 1 << 20
#: Steps per chunk of a binary / text export.
CHUNK = 1 << 20
TEXT_CHUNK = 1 << 18
JSON_MAX = 10_000_000
PROGRESS_MIN = 4 * CHUNK
#: CSV exports of at least this many steps format in a process pool.
PARALLEL_MIN = 1 << 21
MAX_WORKERS = 8
MAX_ROWS = 24  # summary rows before the middle ones are elided

_COMMANDS = ("list", "show", "summary", "plot", "export", "check", "diff", "horizon")
_DS_KEYS = frozenset({
    "optimizer", "train_batch_size", "train_micro_batch_size_per_gpu",
    "gradient_accumulation_steps", "zero_optimization", "fp16", "bf16",
    "gradient_clipping", "steps_per_print", "wall_clock_breakdown", "zero_allow_untested_optimizer",
})  # fmt: skip


class CLIError(Exception):
    """A user error: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        m = re.search(r"invalid choice: '([^']*)'", message)
        if m and "Did you mean" not in message:
            close = difflib.get_close_matches(m.group(1), _COMMANDS, n=1)
            if close:
                message += f". Did you mean {close[0]!r}?"
        raise CLIError(f"{self.prog}: error: {message}")


@dataclass
class Source:
    """One schedule named on the command line."""

    name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    config: str | None = None


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _whole(text: str, what: str, lo: int = 1, hi: int = MAX_STEPS) -> int:
    """A whole number written ``1000``, ``1_000`` or ``1e3``, in ``[lo, hi]``."""
    raw = str(text).strip().replace("_", "")
    power = re.fullmatch(r"(\d+)\s*\*\*\s*(\d{1,3})", raw)  # 2**62
    if power:
        raw = str(int(power.group(1)) ** int(power.group(2)))
    try:
        v = int(raw)
    except ValueError:
        try:
            f = float(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number such as 1000 or 1e6, got {text!r}"
            ) from None
        if not math.isfinite(f) or f != math.floor(f):
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") from None
        v = int(f)
    if v < lo:
        raise argparse.ArgumentTypeError(f"{what} must be a positive integer, got {text}")
    if v > hi:
        limit = "2**62 = 4611686018427387904" if hi == MAX_STEPS else str(hi)
        raise argparse.ArgumentTypeError(f"{what} must be at most {limit}, got {text}")
    return v


def _steps_arg(text: str) -> int:
    return _whole(text, "--steps")


def _width_arg(text: str) -> int:
    return _whole(text, "width", hi=10_000)


def _height_arg(text: str) -> int:
    return _whole(text, "height", hi=1_000)


def _float_arg(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--base-lr must be a number, got {text!r}") from None
    if not math.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(f"--base-lr must be a finite number >= 0, got {text}")
    return v


class _ScheduleAction(argparse.Action):
    def __call__(self, parser: Any, ns: Any, value: Any, option: str | None = None) -> None:
        srcs = getattr(ns, "sources", None) or []
        if option == "--schedule":
            srcs.append(Source(name=value))
        elif option == "--config":
            srcs.append(Source(config=value))
        else:  # --param
            key, sep, raw = str(value).partition("=")
            key = key.strip()
            if not sep or not key:
                raise CLIError(f"--param needs key=value, got {value!r}")
            if not srcs:
                raise CLIError(f"--param {value} must follow a --schedule NAME or a --config FILE")
            where = srcs[-1].name or srcs[-1].config
            if key in srcs[-1].params:
                raise CLIError(f"--param {key} given twice for {where}")
            srcs[-1].params[key] = _parse_value(raw)
        ns.sources = srcs


def _add_source_args(p: argparse.ArgumentParser, many: bool, steps: bool = True) -> None:
    g = p.add_argument_group("schedule" + (" (repeatable)" if many else ""))
    g.add_argument("--schedule", metavar="NAME", action=_ScheduleAction, help="registered schedule name")
    g.add_argument(
        "--param",
        metavar="KEY=VALUE",
        action=_ScheduleAction,
        help="parameter of the preceding --schedule, or override of the preceding --config; "
        "VALUE is JSON if it parses, else a string",
    )
    g.add_argument("--config", metavar="FILE", action=_ScheduleAction,
                   help="JSON config: lrcurves, DeepSpeed (block or whole ds_config), ...")  # fmt: skip
    g.add_argument("--base-lr", type=_float_arg, default=None, metavar="LR",
                   help="optimizer LR for foreign configs that scale it (default: a ds_config's "
                   "optimizer.params.lr)")  # fmt: skip
    u = p.add_argument_group("time units (write step parameters as *_epochs, *_samples, *_tokens)")
    u.add_argument("--steps-per-epoch", type=_fraction_arg, default=None, metavar="N",
                   help="optimizer steps per epoch; a fraction like 1000/3 is kept exact")  # fmt: skip
    u.add_argument("--samples-per-step", type=lambda x: _whole(x, "--samples-per-step"), default=None, metavar="N",
                   help="samples per optimizer step (micro-batch x accumulation x data-parallel ranks)")  # fmt: skip
    u.add_argument("--tokens-per-step", type=lambda x: _whole(x, "--tokens-per-step"), default=None, metavar="N",
                   help="tokens per optimizer step")  # fmt: skip
    u.add_argument("--rounding", choices=("floor", "ceil", "nearest"), default=None,
                   help="how a conversion that does not land on a whole step is rounded (default: an error)")  # fmt: skip
    if steps:
        p.add_argument("--steps", type=_steps_arg, default=None, metavar="N",
                       help="number of steps, e.g. 5000 or 1e9, at most 2**62 (default: the phases "
                       "plus 10%%, or 1000)")  # fmt: skip
    p.set_defaults(sources=[])


def _fraction_arg(text: str) -> Fraction:
    try:
        v = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a positive number or fraction like 1000/3, got {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return v


def _units(args: argparse.Namespace) -> Any:
    """The ``lrcurves.units.Units`` of the time-unit options, or ``None`` without any."""
    fields = {k: getattr(args, k, None) for k in ("steps_per_epoch", "samples_per_step", "tokens_per_step")}
    if all(v is None for v in fields.values()):
        if getattr(args, "rounding", None) is not None:
            raise CLIError("--rounding applies to time-unit conversions: give --steps-per-epoch, "
                           "--samples-per-step or --tokens-per-step too")  # fmt: skip
        return None
    from lrcurves.units import Units

    return Units(**fields, rounding=args.rounding)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Learning-rate and momentum schedules: inspect, plot, export.",
        epilog="Errors print one line to stderr and exit 2. Run 'lrcurves COMMAND --help' for details.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("list", aliases=["show"], help="registered schedules, or one schedule in detail")
    p.add_argument("name", nargs="?", metavar="NAME", help="show this schedule's parameters, formula and conventions")

    p = sub.add_parser("summary", help="values at key steps, range, phases and a sparkline")
    _add_source_args(p, many=False)
    p.add_argument("--width", type=_width_arg, default=60, help="sparkline width (default 60)")

    p = sub.add_parser("plot", help="plot schedules to an image (matplotlib) or the terminal")
    _add_source_args(p, many=True)
    p.add_argument("-o", "--output", default=None,
                   help="output image (.png, .svg, .pdf, needs matplotlib); without it, plot in the terminal")  # fmt: skip
    p.add_argument("--terminal", action="store_true", help="plot in the terminal (the default without -o)")
    p.add_argument("--log", action="store_true", help="logarithmic LR axis")
    p.add_argument("--title", default=None)
    p.add_argument("--width", type=_width_arg, default=None, help="terminal plot width (default: the terminal's, at most 100)")
    p.add_argument("--height", type=_height_arg, default=None, help="terminal plot height in rows (default 20)")

    p = sub.add_parser(
        "export",
        help="write step, lr (and momentum) as CSV, NPY or JSON, streaming",
        description="Stream the curve to a file in chunks (constant memory, any length). "
        "CSV: a step,lr[,momentum] header, then one row per step. "
        "NPY: a 1-d structured array with fields step (int64), lr (float64) and, with momentum, "
        "momentum (float64); read it with np.load(path)['lr']. "
        f'JSON: {{"step": [...], "lr": [...]}}, at most {JSON_MAX:,} steps.',
    )
    _add_source_args(p, many=False)
    p.add_argument("-o", "--output", default="-", help="output file; '-' is stdout (CSV and JSON)")
    p.add_argument("--format", choices=("csv", "npy", "json"), default=None,
                   help="default: from the extension (.npy, .json), else csv")  # fmt: skip
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    _add_check_diff_parsers(sub)
    _add_horizon_parser(sub)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser: Any, ns: Any, values: Any, option: str | None = None) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("lrcurves")
    except Exception:
        return "unknown"


# ---------------------------------------------------------------------------
# loading


def _load(src: Source, base_lr: float | None, units: Any = None) -> Any:
    import lrcurves

    if src.config is not None:
        return _load_config(src.config, src.params, base_lr, units)
    return lrcurves.from_config({"name": src.name, "params": src.params}, units=units)


def _read_json(path: str) -> Any:
    if not os.path.isfile(path):
        raise CLIError(f"config file not found: {path}")
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read config file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(f"invalid JSON in {path}: {exc}") from None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _opt_lr(cfg: dict[str, Any]) -> Any:
    opt = cfg.get("optimizer")
    params = opt.get("params") if isinstance(opt, dict) else None
    return params.get("lr") if isinstance(params, dict) else None


def _load_config(path: str, overrides: dict[str, Any], base_lr: float | None, units: Any = None) -> Any:
    import lrcurves

    cfg = _read_json(path)
    if not isinstance(cfg, dict):
        raise CLIError(f"{path}: a config must be a JSON object, got {type(cfg).__name__}")
    native = "name" in cfg
    whole_ds = not native and isinstance(cfg.get("scheduler"), dict)
    ds_block = not native and "type" in cfg and set(cfg) <= {"type", "params"}
    foreign = cfg.keys() & {"colossalai", "pytorch_optimizer", "torch", "transformers", "lr_scheduler_type"}
    if not (native or whole_ds or ds_block or foreign) and cfg.keys() & _DS_KEYS:
        lr = _opt_lr(cfg)
        keep = f"the optimizer's LR ({lr})" if lr is not None else "the optimizer's LR"
        raise CLIError(
            f"{path} is a DeepSpeed config without a 'scheduler' block: DeepSpeed keeps {keep} "
            "constant; add a scheduler block, or use --schedule constant --param value=LR"
        )
    if native and base_lr is not None:
        raise CLIError(
            f"--base-lr does not apply to {path}: it is a native lrcurves config (values in its "
            "'params'; override them with --param)"
        )

    block = cfg["scheduler"] if whole_ds else cfg
    if overrides:
        cfg = dict(cfg)
        params = block.get("params")
        if params is not None and not isinstance(params, dict):
            raise CLIError(f"{path}: 'params' must be an object to take --param overrides")
        params = {**(params or {}), **overrides}
        if whole_ds:
            cfg["scheduler"] = block = {**block, "params": params}
        else:
            cfg["params"] = params
            block = cfg

    opt_lr = _opt_lr(cfg) if whole_ds else None
    if whole_ds or ds_block:
        params = block.get("params")
        auto = [k for k, v in (params.items() if isinstance(params, dict) else ()) if v == "auto"]
        if auto:
            raise CLIError(
                f"{path}: DeepSpeed scheduler parameter(s) {', '.join(auto)} are \"auto\" (filled in at "
                f"launch by the HF Trainer integration); resolve them first or override them after "
                f"--config with --param {auto[0]}=VALUE"
            )
        if base_lr is None and _is_number(opt_lr):
            base_lr = float(opt_lr)

    kwargs: dict[str, Any] = {} if base_lr is None else {"base_lr": base_lr}
    if units is not None:
        kwargs["units"] = units
    try:
        return lrcurves.from_config(cfg, **kwargs)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if "base_lr" in msg and "--base-lr" not in msg:
            msg = re.sub(r"\bpass base_lr=", "pass --base-lr LR", msg).replace("base_lr=", "--base-lr")
            if "--base-lr" not in msg:
                msg += "; pass --base-lr LR"
            if opt_lr == "auto":
                msg += f' (optimizer.params.lr is "auto" in {path})'
        raise CLIError(f"{path}: {msg}" if path not in msg else msg) from None


def _many(args: argparse.Namespace) -> list[Any]:
    if not args.sources:
        raise CLIError(f"{args.command}: give --schedule NAME [--param k=v ...] or --config FILE")
    if args.base_lr is not None and not any(src.config is not None for src in args.sources):
        raise CLIError("--base-lr only applies to --config files; with --schedule give the values with --param")
    units = _units(args)
    out = [_load(src, args.base_lr, units) for src in args.sources]
    for s in out:
        probe = np.asarray(s(np.zeros(2, dtype=np.int64)))
        if probe.shape != (2,):
            raise CLIError(f"{s.name}: array-valued parameters (sweeps) are not supported by the CLI")
    return out


def _one(args: argparse.Namespace) -> Any:
    if len(args.sources) > 1:
        raise CLIError(f"{args.command} takes one schedule, got {len(args.sources)}")
    return _many(args)[0]


def _span(schedules: Sequence[Any], steps: int | None) -> tuple[int, bool]:
    """``(n, defaulted)``: ``--steps`` or a span showing every phase."""
    from lrcurves.plotting import default_span

    if steps is not None:
        return steps, False
    has_phases = any(max(s.phases(), default=0) > 0 for s in schedules)
    return default_span(*schedules), not has_phases


# ---------------------------------------------------------------------------
# summary


def sparkline(v: np.ndarray, width: int = 60) -> str:
    """A one-line unicode sketch of ``v`` (bucket means scaled to 8 levels)."""
    v = np.asarray(v, dtype=np.float64)
    if v.size == 0:
        return ""
    width = max(1, min(width, v.size))
    buckets = np.array([b.mean() for b in np.array_split(v, width)])
    finite = buckets[np.isfinite(buckets)]
    if finite.size == 0:
        return "?" * width
    lo, hi = float(np.min(finite)), float(np.max(finite))
    if hi - lo <= 1e-12 * max(abs(hi), 1e-300):
        return "".join(SPARK[3] if np.isfinite(b) else "?" for b in buckets)
    return "".join(
        SPARK[min(7, int((b - lo) / (hi - lo) * 8))] if np.isfinite(b) else "?" for b in buckets
    )


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _values(s: Any, t: np.ndarray, momentum: bool = False) -> np.ndarray:
    with np.errstate(all="ignore"):
        v = s.momentum(t) if momentum else s(t)
    return np.asarray(v, dtype=np.float64)


def _elide(items: list[int], keep: int) -> tuple[list[int], int]:
    if len(items) <= keep:
        return items, 0
    half = keep // 2
    return items[:half] + items[-half:], len(items) - 2 * half


def _summary(args: argparse.Namespace, out: Any) -> None:
    from lrcurves.plotting import describe, sample_steps

    s = _one(args)
    n, defaulted = _span([s], args.steps)
    phases = list(s.phases())
    keys = {0, n - 1}
    for b in phases:
        keys.update(x for x in (b - 1, b) if 0 <= x < n)
    rows, hidden = _elide(sorted(keys), MAX_ROWS)
    if len(keys) > 20_000:  # evaluate the rows shown, not every boundary
        keys = set(rows)
    exact = n <= EXACT_MAX
    t = np.arange(n, dtype=np.int64) if exact else sample_steps(n, max(64 * args.width, 4096))
    has_mom = s.has_momentum
    curves = {"lr": _values(s, t)}
    if has_mom:
        curves["momentum"] = _values(s, t, momentum=True)
    tk = np.asarray(sorted(keys), dtype=np.int64)
    at_keys = {k: _values(s, tk, momentum=k == "momentum") for k in curves}

    print(describe(s), file=out)
    note = " (default: the schedule has no phases; pass --steps N)" if defaulted else ""
    print(f"steps: 0..{n - 1} ({n} steps){note}", file=out)
    shown, more = _elide(phases, 20)
    ph = ", ".join(map(str, shown[: len(shown) // 2 if more else None]))
    if more:
        ph += f", ... ({more} more), " + ", ".join(map(str, shown[len(shown) // 2:]))
    print(f"phases: {ph if phases else '-'}", file=out)
    w = max(10, len(str(n - 1)))
    print(f"{'step':>{w}}  {'lr':>12}" + (f"  {'momentum':>12}" if has_mom else ""), file=out)
    index = {k: i for i, k in enumerate(tk.tolist())}
    for j, k in enumerate(rows):
        if hidden and j == len(rows) // 2:
            print(f"{'...':>{w}}  ({hidden} more rows)", file=out)
        line = f"{k:>{w}}  " + "  ".join(f"{_fmt(at_keys[c][index[k]]):>12}" for c in curves)
        print(line, file=out)
    for c, v in curves.items():
        allv = np.concatenate([v, at_keys[c]])
        allt = np.concatenate([t, tk])
        if np.isnan(allv).all():
            print(f"{c} is NaN everywhere sampled", file=out)
            continue
        i, j = int(np.nanargmin(allv)), int(np.nanargmax(allv))
        where = "" if exact else f" (over {allt.size} sampled steps)"
        print(f"{c} min {_fmt(allv[i])} at step {allt[i]}, max {_fmt(allv[j])} at step {allt[j]}{where}", file=out)
        print(f"{c:<8} {sparkline(v, args.width)}", file=out)


# ---------------------------------------------------------------------------
# export


def _chunks(
    s: Any, n: int, has_mom: bool, size: int, start: int = 0
) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
    """``(k, lr, momentum)`` for steps ``start..n-1`` in chunks of ``size``."""
    import lrcurves

    for k in range(start, n, size):
        m = min(size, n - k)
        with np.errstate(all="ignore"):
            lr = np.asarray(lrcurves.curve(s, m, start=k), dtype=np.float64)
            mom = np.asarray(lrcurves.curve(s, m, start=k, momentum=True), dtype=np.float64) if has_mom else None
        yield k, lr, mom


class _Progress:
    def __init__(self, total: int, show: bool, desc: str) -> None:
        self.bar = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="step", unit_scale=True, file=sys.stderr, desc=desc,
                            leave=False, mininterval=0.5, dynamic_ncols=True)  # fmt: skip

    def update(self, k: int) -> None:
        if self.bar is not None:
            self.bar.update(k)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _export(args: argparse.Namespace, out: Any) -> None:
    s = _one(args)
    n, _ = _span([s], args.steps)
    path = str(args.output)
    fmt = args.format or (
        "npy" if path.lower().endswith(".npy") else "json" if path.lower().endswith(".json") else "csv"
    )
    if fmt == "npy" and path == "-":
        raise CLIError("NPY export needs an output file (-o FILE.npy)")
    if fmt == "json" and n > JSON_MAX:
        raise CLIError(f"JSON export is limited to {JSON_MAX:,} steps (got {n:,}); use CSV or NPY (-o FILE.npy)")
    has_mom = s.has_momentum
    cols = ["lr"] + (["momentum"] if has_mom else [])
    show = (
        not args.no_progress and path != "-" and n >= PROGRESS_MIN
        and _isatty(sys.stderr) and _isatty(sys.stdout)
    )  # fmt: skip
    bar = _Progress(n * (len(cols) + 1 if fmt == "json" else 1), show, f"export {fmt}")
    writer = {"csv": _write_csv, "npy": _write_npy, "json": _write_json}[fmt]
    try:
        if path == "-":
            out.flush()
            buf = getattr(out, "buffer", None)
            writer(buf if buf is not None else _TextSink(out), s, n, has_mom, bar)
            (buf if buf is not None else out).flush()
        else:
            _write_file(path, lambda fh: writer(fh, s, n, has_mom, bar))
    finally:
        bar.close()
    if path != "-":
        what = {"npy": "structured npy: step int64, " + ", ".join(f"{c} float64" for c in cols)}.get(fmt, fmt)
        print(f"wrote {path} ({n} steps, {what})", file=out)


class _TextSink:
    """Bytes writes onto a text stream without a ``buffer`` (tests, IDEs)."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, b: bytes) -> None:
        self.out.write(bytes(b).decode("utf-8"))


class _BackgroundWriter:
    """File writes on a thread, so the next chunk is computed while this one is
    written (numpy and file I/O both release the GIL); at most ``depth`` chunks wait."""

    def __init__(self, fh: Any, depth: int = 2) -> None:
        import queue
        import threading

        self.fh, self.error = fh, None
        self.q: Any = queue.Queue(maxsize=depth)
        self.thread = threading.Thread(target=self._run, name="lrcurves-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            data = self.q.get()
            if data is None:
                return
            if self.error is None:
                try:
                    self.fh.write(data)
                except BaseException as exc:  # reported by the next write() or close()
                    self.error = exc

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def write(self, data: Any) -> None:
        self._check()
        self.q.put(data)

    def close(self, flush: bool = True) -> None:
        if not flush:
            self.error = self.error or OSError("aborted")  # drop what is queued
        self.q.put(None)
        self.thread.join()
        if flush:
            self._check()


def _write_file(path: str, fn: Any) -> None:
    try:
        fh = open(path, "wb")  # noqa: SIM115 - closed below, removed on failure
    except OSError as exc:
        raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from None
    # remove a partial output on failure, but only a regular file (never /dev/null or a pipe)
    regular = stat.S_ISREG(os.fstat(fh.fileno()).st_mode)
    ok = False
    try:
        with fh:
            w = _BackgroundWriter(fh)
            try:
                fn(w)
            except BaseException:
                w.close(flush=False)
                raise
            w.close()
        ok = True
    except OSError as exc:
        raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if not ok and regular:
            with contextlib.suppress(OSError):
                os.remove(path)


def _csv_rows(k: int, lr: np.ndarray, mom: np.ndarray | None) -> bytes:
    """CSV rows for steps ``k..``: Python's shortest round-trip ``repr`` of each value."""
    m, ncol = lr.size, 2 if mom is None else 3
    vals: list[Any] = [None] * (m * ncol)
    vals[0::ncol] = range(k, k + m)
    vals[1::ncol] = lr.tolist()
    if mom is not None:
        vals[2::ncol] = mom.tolist()
    return ((("%d,%r\n" if mom is None else "%d,%r,%r\n") * m) % tuple(vals)).encode()


_WORKER_SCHEDULE: Any = None


def _worker_init(schedule: Any) -> None:
    import signal

    global _WORKER_SCHEDULE
    _WORKER_SCHEDULE = schedule
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _worker_csv(job: tuple[int, int, bool]) -> bytes:
    k, m, has_mom = job
    ((_, lr, mom),) = _chunks(_WORKER_SCHEDULE, k + m, has_mom, m, start=k)
    return _csv_rows(k, lr, mom)


def _workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _write_csv(fh: Any, s: Any, n: int, has_mom: bool, bar: _Progress) -> None:
    """Header, then rows; float formatting is the bottleneck (about 1.5M rows/s per
    core), so long exports format chunks in a process pool, written in order."""
    fh.write(("step,lr,momentum\n" if has_mom else "step,lr\n").encode())
    workers = _workers()
    if n < PARALLEL_MIN or workers < 2:
        for k, lr, mom in _chunks(s, n, has_mom, TEXT_CHUNK):
            fh.write(_csv_rows(k, lr, mom))
            bar.update(lr.size)
        return
    import collections
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = ((k, min(TEXT_CHUNK, n - k), has_mom) for k in range(0, n, TEXT_CHUNK))
    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init, initargs=(s,))
    try:
        pending: collections.deque[Any] = collections.deque()
        for job in jobs:  # a few chunks in flight beyond one per worker: bounded memory
            pending.append((job[1], pool.submit(_worker_csv, job)))
            if len(pending) >= workers + 2:
                m, fut = pending.popleft()
                fh.write(fut.result())
                bar.update(m)
        while pending:
            m, fut = pending.popleft()
            fh.write(fut.result())
            bar.update(m)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _npy_dtype(has_mom: bool) -> np.dtype:
    fields = [("step", "<i8"), ("lr", "<f8")] + ([("momentum", "<f8")] if has_mom else [])
    return np.dtype(fields)


def _write_npy(fh: Any, s: Any, n: int, has_mom: bool, bar: _Progress) -> None:
    from numpy.lib import format as npformat

    dt = _npy_dtype(has_mom)
    header = {"descr": npformat.dtype_to_descr(dt), "fortran_order": False, "shape": (n,)}
    npformat.write_array_header_1_0(fh, header)
    for k, lr, mom in _chunks(s, n, has_mom, CHUNK):
        rec = np.empty(lr.size, dtype=dt)
        rec["step"] = np.arange(k, k + lr.size, dtype=np.int64)
        rec["lr"] = lr
        if mom is not None:
            rec["momentum"] = mom
        fh.write(rec.data)
        bar.update(lr.size)


def _write_json(fh: Any, s: Any, n: int, has_mom: bool, bar: _Progress) -> None:
    fh.write(b'{"step": [')
    for k in range(0, n, TEXT_CHUNK):
        m = min(TEXT_CHUNK, n - k)
        fh.write(((", " if k else "") + ", ".join(map(str, range(k, k + m)))).encode())
        bar.update(m)
    for c in ["lr"] + (["momentum"] if has_mom else []):
        fh.write(f'], "{c}": ['.encode())
        for k, lr, mom in _chunks(s, n, c == "momentum", TEXT_CHUNK):
            v = mom if c == "momentum" else lr
            fh.write(((", " if k else "") + json.dumps(v.tolist())[1:-1]).encode())
            bar.update(v.size)
    fh.write(b"]}\n")


# ---------------------------------------------------------------------------
# plot


def _plot(args: argparse.Namespace, out: Any) -> None:
    from lrcurves import plotting

    scheds = _many(args)
    n, _ = _span(scheds, args.steps)
    if args.output is None or args.terminal:
        if args.output is not None:
            raise CLIError("plot: give either -o FILE (an image) or --terminal, not both")
        _plot_terminal(args, scheds, n, out)
        return
    if args.width is not None or args.height is not None:
        raise CLIError("plot: --width and --height size the terminal plot; an image (-o) has a fixed size")
    fig = plotting.plot(*scheds, steps=n, log=args.log, title=args.title,
                        momentum=any(s.has_momentum for s in scheds))  # fmt: skip
    try:
        fig.savefig(args.output, dpi=110)
    except OSError as exc:
        raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output} ({len(scheds)} schedule(s), {n} steps)", file=out)


def _plot_terminal(args: argparse.Namespace, scheds: list[Any], n: int, out: Any) -> None:
    from lrcurves import plotting

    width = args.width or max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    height = args.height or 20
    multi = len(scheds) > 1
    labels = [f"#{i}" for i in range(1, len(scheds) + 1)] if multi else [""]
    title = args.title
    if title is None and not multi:
        title = plotting.describe(scheds[0], max_len=width)
    kw = {"steps": n, "log": args.log, "labels": labels, "width": width, "color": _isatty(out)}
    print(plotting.plot_text(*scheds, title=title, height=height, **kw), file=out)
    if any(s.has_momentum for s in scheds):
        print(plotting.plot_text(*scheds, momentum=True, title="momentum", height=max(8, height // 2), **kw), file=out)
    t = plotting.sample_steps(n, 64 * 60)
    for s, lab in zip(scheds, labels, strict=True):
        pad = "   " if multi else ""
        if multi:
            print(f"{lab} {plotting.describe(s)}", file=out)
        print(f"{pad}lr       {sparkline(_values(s, t), 60)}", file=out)
        if s.has_momentum:
            print(f"{pad}momentum {sparkline(_values(s, t, momentum=True), 60)}", file=out)


# ---------------------------------------------------------------------------
# check / diff


def _jump_arg(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jump-factor must be a number, got {text!r}") from None
    if not math.isfinite(v) or v <= 1:
        raise argparse.ArgumentTypeError(f"--jump-factor must be a finite number > 1, got {text}")
    return v


def _rtol_arg(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--rtol must be a number, got {text!r}") from None
    if not math.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(f"--rtol must be a finite number >= 0, got {text}")
    return v


def _total_steps_arg(text: str) -> int:
    return _whole(text, "--total-steps")


def _add_check_diff_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="check a schedule before training (LR 0 at the start, short horizon, jumps, ...)",
        description="Check a schedule for a run of --total-steps optimizer updates and print the "
        "findings with their step numbers. Exit status: 0 clean, 1 warnings, 2 errors "
        "(or an invalid schedule / config).",
    )
    _add_source_args(p, many=False, steps=False)
    p.add_argument("--total-steps", "--steps", dest="steps", type=_total_steps_arg, default=None, metavar="N",
                   help="optimizer updates in the planned run (default: inferred from the schedule, "
                   "and the checks against the run length are skipped)")  # fmt: skip
    p.add_argument("--jump-factor", type=_jump_arg, default=10.0, metavar="X",
                   help="report consecutive steps whose LRs differ by more than X times (default 10)")  # fmt: skip
    p.add_argument("--ignore", action="append", default=[], metavar="CODE",
                   help="leave out the findings with this code (repeatable)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser(
        "diff",
        help="compare two schedules step by step (first difference, largest relative difference)",
        description="Compare the LR curves of two schedules: two config files (A B), or one file "
        "and one --schedule/--config. Exit status: 0 identical, 1 different, 2 error.",
    )
    p.add_argument("files", nargs="*", metavar="CONFIG", help="config files (A, B)")
    _add_source_args(p, many=True)
    p.add_argument("--rtol", type=_rtol_arg, default=0.0, metavar="R",
                   help="steps with |a - b| <= R * max(|a|, |b|) count as equal (default 0: exact)")  # fmt: skip
    p.add_argument("-o", "--output", default=None, help="plot both curves and their relative difference to this image")
    p.add_argument("--log", action="store_true", help="logarithmic LR axis in the plot")
    p.add_argument("--title", default=None, help="plot title")


def _add_horizon_parser(sub: Any) -> None:
    p = sub.add_parser(
        "horizon",
        help="change a run's horizon at a step without an LR jump; plot old and new together",
        description="Continue a schedule from step --at under a new horizon (lrcurves.horizon): "
        "--retarget N (the same shape, ending at step N), --extend K (K more steps), --cooldown D "
        "(a D-step cooldown from the LR at --at) or --hold (keep the LR of --at). Prints where the "
        "curves meet and end; -o plots both, --save writes the new schedule's config.",
    )
    _add_source_args(p, many=False)
    p.add_argument("--at", type=lambda x: _whole(x, "--at", lo=0), required=True, metavar="STEP",
                   help="the last step run under the old schedule (a checkpoint's step)")  # fmt: skip
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--retarget", type=lambda x: _whole(x, "--retarget"), metavar="N",
                     help="new total number of steps")  # fmt: skip
    how.add_argument("--extend", type=lambda x: _whole(x, "--extend"), metavar="K",
                     help="add K steps to the old horizon")  # fmt: skip
    how.add_argument("--cooldown", type=lambda x: _whole(x, "--cooldown"), metavar="D",
                     help="branch a cooldown of D steps at --at")  # fmt: skip
    how.add_argument("--hold", action="store_true", help="hold the LR of step --at from there on")
    p.add_argument("--shape", default="linear", help="cooldown shape (linear, cosine, 1-sqrt, 1-square, exponential)")
    p.add_argument("--end-value", type=_float_arg, default=0.0, metavar="LR", help="cooldown end value (default 0)")
    p.add_argument("--old-total", type=lambda x: _whole(x, "--old-total"), default=None, metavar="N",
                   help="the old schedule's horizon, where it cannot be inferred")  # fmt: skip
    p.add_argument("-o", "--output", default=None, help="plot old and new to this image")
    p.add_argument("--log", action="store_true", help="logarithmic LR axis in the plot")
    p.add_argument("--save", default=None, metavar="FILE", help="write the new schedule's JSON config")


def _horizon(args: argparse.Namespace, out: Any) -> None:
    from lrcurves import horizon as hz
    from lrcurves.plotting import describe

    old = _one(args)
    at = args.at
    if args.retarget is not None:
        new, what = hz.retarget(old, at, args.retarget, old_total=args.old_total), f"retarget to {args.retarget} steps"
    elif args.extend is not None:
        new, what = hz.extend(old, args.extend, at_step=at, old_total=args.old_total), f"extend by {args.extend} steps"
    elif args.cooldown is not None:
        new = hz.branch_cooldown(old, at, args.cooldown, shape=args.shape, end_value=args.end_value)
        what = f"{args.shape} cooldown over {args.cooldown} steps"
    else:
        new, what = hz.hold(old, at), "hold"
    n, _ = _span([old, new], args.steps)
    n = max(n, at + 2)
    print(f"old: {describe(old)}", file=out)
    print(f"new: {what} from step {at}", file=out)
    t = np.array([at, at + 1, n - 1])
    vo, vn = _values(old, t), _values(new, t)
    print(f"step {at}: LR {_fmt(float(vo[0]))} in both (steps 0..{at} unchanged)", file=out)
    print(f"step {at + 1}: old {_fmt(float(vo[1]))}, new {_fmt(float(vn[1]))}", file=out)
    print(f"step {n - 1}: old {_fmt(float(vo[2]))}, new {_fmt(float(vn[2]))}", file=out)
    if args.save is not None:
        text = json.dumps(new.to_config(), indent=2) + "\n"
        _write_file(args.save, lambda fh: fh.write(text.encode()))
        print(f"wrote {args.save}", file=out)
    if args.output is not None:
        from lrcurves import plotting

        fig = plotting.plot(old, new, steps=n, log=args.log, labels=["old", f"new ({what} from step {at})"],
                            title=describe(old, max_len=90))  # fmt: skip
        fig.axes[0].axvline(at, color="0.5", lw=0.8, ls="--")
        try:
            fig.savefig(args.output, dpi=110)
        except OSError as exc:
            raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {args.output}", file=out)


def _check(args: argparse.Namespace, out: Any) -> int:
    from lrcurves.checks import CODES, check_report

    for code in args.ignore:
        if code not in CODES:
            close = difflib.get_close_matches(code, list(CODES), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" Valid: {', '.join(CODES)}"
            raise CLIError(f"--ignore: unknown check code {code!r}.{hint}")
    s = _one(args)
    rep = check_report(s, args.steps, jump_factor=args.jump_factor, ignore=args.ignore)
    print(rep.to_json() if args.json else rep.format(), file=out)
    return rep.exit_code


@dataclass
class _DiffResult:
    n: int
    compared: int = 0
    exact: bool = True
    differing: int = 0
    first: tuple[int, float, float] | None = None
    max_rel: tuple[float, int, float, float] = (0.0, -1, 0.0, 0.0)
    max_abs: tuple[float, int] = (0.0, -1)


def _diff_spans(a: Any, b: Any, n: int) -> tuple[list[tuple[int, int]], bool]:
    from lrcurves.checks import MAX_SCAN, _windows

    if n <= MAX_SCAN:
        return [(0, n)], True
    spans = sorted(_windows(a, n, MAX_SCAN)[0] + _windows(b, n, MAX_SCAN)[0])
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged, False


def _compare(a: Any, b: Any, n: int, rtol: float) -> _DiffResult:
    """Stream both curves in chunks; exact at every step up to ``checks.MAX_SCAN`` steps."""
    import lrcurves

    spans, exact = _diff_spans(a, b, n)
    res = _DiffResult(n=n, exact=exact)
    for lo, hi in spans:
        for k in range(lo, hi, CHUNK):
            m = min(CHUNK, hi - k)
            with np.errstate(all="ignore"):
                va = np.asarray(lrcurves.curve(a, m, start=k), dtype=np.float64)
                vb = np.asarray(lrcurves.curve(b, m, start=k), dtype=np.float64)
                same = (va == vb) | (np.isnan(va) & np.isnan(vb))
                diff = np.abs(va - vb)
                scale = np.maximum(np.abs(va), np.abs(vb))
                rel = np.where(same, 0.0, diff / scale)
                rel = np.where(np.isnan(rel), np.inf, rel)  # NaN on one side only
                differ = ~same & ~(diff <= rtol * scale)
            res.compared += m
            idx = np.flatnonzero(differ)
            if not idx.size:
                continue
            res.differing += idx.size
            if res.first is None:
                i = int(idx[0])
                res.first = (k + i, float(va[i]), float(vb[i]))
            j = int(np.argmax(rel))
            if rel[j] > res.max_rel[0]:
                res.max_rel = (float(rel[j]), k + j, float(va[j]), float(vb[j]))
            fd = np.where(same | ~np.isfinite(diff), -1.0, diff)
            j = int(np.argmax(fd))
            if fd[j] > res.max_abs[0]:
                res.max_abs = (float(fd[j]), k + j)
    return res


def _pair(a: float, b: float) -> str:
    """``"x, B y"``, with all digits (repr) when 6 significant ones do not tell them apart."""
    fa, fb = _fmt(a), _fmt(b)
    if fa == fb:
        fa, fb = repr(a), repr(b)
    return f"{fa}, B {fb}"


def _diff(args: argparse.Namespace, out: Any) -> int:
    from lrcurves.plotting import describe

    srcs = [Source(config=f) for f in args.files] + list(args.sources)
    if len(srcs) != 2:
        raise CLIError(
            f"diff compares two schedules: give two config files (diff A.json B.json), or one file and "
            f"one --schedule NAME / --config FILE; got {len(srcs)}"
        )
    args.sources = srcs
    a, b = _many(args)
    n, _ = _span([a, b], args.steps)
    res = _compare(a, b, n, args.rtol)
    how = "every step compared" if res.exact else f"{res.compared} steps compared, in windows around every boundary"
    tol = f", rtol {args.rtol:g}" if args.rtol else ""
    print(f"A: {describe(a)}", file=out)
    print(f"B: {describe(b)}", file=out)
    print(f"steps: 0..{n - 1} ({n} steps, {how}{tol})", file=out)
    if res.first is None:
        print("identical at every step" + (f" (within rtol {args.rtol:g})" if args.rtol else ""), file=out)
    else:
        k, va, vb = res.first
        r, kr, ra, rb = res.max_rel
        print(f"first difference at step {k}: A {_pair(va, vb)}", file=out)
        print(f"max relative difference {_fmt(r)} at step {kr}: A {_pair(ra, rb)}", file=out)
        if res.max_abs[1] >= 0:
            print(f"max absolute difference {_fmt(res.max_abs[0])} at step {res.max_abs[1]}", file=out)
        share = 100.0 * res.differing / max(1, res.compared)
        print(f"differing steps: {res.differing} of {res.compared} ({share:.3g}%)", file=out)
    if args.output is not None:
        _diff_plot(a, b, res, args)
        print(f"wrote {args.output}", file=out)
    return 0 if res.first is None else 1


def _diff_plot(a: Any, b: Any, res: _DiffResult, args: argparse.Namespace) -> None:
    from lrcurves import plotting

    n = res.n
    marks = [x for x in (res.first[0] if res.first else -1, res.max_rel[1]) if x >= 0]
    extra = [*plotting._boundary_steps([a, b], n), *(m + d for m in marks for d in (-1, 0, 1))]
    t = plotting.sample_steps(n, plotting.PLOT_SAMPLES, extra=extra)
    va, vb = _values(a, t), _values(b, t)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.abs(va), np.abs(vb))
        same = (va == vb) | (np.isnan(va) & np.isnan(vb))
        rel = np.where(same, 0.0, np.abs(va - vb) / scale)
    fig = plotting._figure_class()(figsize=(8.0, 5.8), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    x = t.astype(np.float64)
    ya, yb = (np.where(v > 0, v, np.nan) for v in (va, vb)) if args.log else (va, vb)
    top.plot(x, ya, label=f"A: {plotting.describe(a, max_len=120)}", linewidth=1.6)
    top.plot(x, yb, label=f"B: {plotting.describe(b, max_len=120)}", linewidth=1.4, linestyle="--")
    if args.log and np.isfinite(top.dataLim.y0) and top.dataLim.y0 > 0:
        top.set_yscale("log")
    bottom.plot(x, rel, color="tab:red", linewidth=1.2)
    if res.first is not None:
        for ax in (top, bottom):
            ax.axvline(res.first[0], color="tab:red", linestyle=":", linewidth=1.0)
        bottom.annotate(f"first difference: step {res.first[0]}", xy=(res.first[0], 0.0),
                        xytext=(4, 4), textcoords="offset points", fontsize="small", color="tab:red")  # fmt: skip
        r, kr = res.max_rel[0], res.max_rel[1]
        if math.isfinite(r):
            bottom.plot([kr], [r], marker="o", color="tab:red", markersize=4)
            bottom.annotate(f"max {_fmt(r)} at step {kr}", xy=(kr, r), xytext=(-8, -2), textcoords="offset points", va="top",
                            fontsize="small", color="tab:red", ha="right")  # fmt: skip
    top.set_ylabel("learning rate")
    bottom.set_ylabel("relative diff.")
    bottom.set_xlabel("step")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    if n > 1:
        top.set_xlim(0, n - 1)
    fig.legend(loc="outside lower center", fontsize="small", ncols=1, frameon=False)
    top.set_title(args.title or ("identical curves" if res.first is None else
                  f"first difference at step {res.first[0]}, max relative difference "
                  f"{_fmt(res.max_rel[0])} at step {res.max_rel[1]}"), fontsize="medium")  # fmt: skip
    try:
        fig.savefig(args.output, dpi=110)
    except OSError as exc:
        raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------
# list


_GREEK = {
    g: unicodedata.lookup(f"GREEK SMALL LETTER {g.upper().replace('LAMBDA', 'LAMDA')}")
    for g in ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu",
              "pi", "rho", "sigma", "tau", "phi", "omega")
} | {
    "Delta": "\N{GREEK CAPITAL LETTER DELTA}", "infty": "\N{INFINITY}", "cdot": "\N{MIDDLE DOT}",
    "times": "\N{MULTIPLICATION SIGN}", "approx": "\N{ALMOST EQUAL TO}",
    "le": "\N{LESS-THAN OR EQUAL TO}", "leq": "\N{LESS-THAN OR EQUAL TO}",
    "ge": "\N{GREATER-THAN OR EQUAL TO}", "geq": "\N{GREATER-THAN OR EQUAL TO}",
    "ne": "\N{NOT EQUAL TO}", "neq": "\N{NOT EQUAL TO}", "to": "\N{RIGHTWARDS ARROW}",
    "rightarrow": "\N{RIGHTWARDS ARROW}", "lfloor": "\N{LEFT FLOOR}", "rfloor": "\N{RIGHT FLOOR}",
    "lceil": "\N{LEFT CEILING}", "rceil": "\N{RIGHT CEILING}", "in": "\N{ELEMENT OF}",
    "pm": "\N{PLUS-MINUS SIGN}", "ldots": "...", "dots": "...", "cdots": "...", "bmod": "mod",
    "mod": "mod", "quad": "  ", "qquad": "    ", ",": " ", ";": " ", ":": " ", "!": "",
    "{": "{", "}": "}", "%": "%",
}  # fmt: skip
_FUNCS = {"cos", "sin", "tanh", "exp", "ln", "log", "min", "max", "sqrt", "floor", "ceil"}
_DROP = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "biggl", "biggr", "displaystyle", "limits"}


def _group(s: str, i: int) -> tuple[str, int]:
    """The brace group (or single token) at ``s[i]``; returns (content, next index)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1: j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        assert m is not None
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _paren(x: str) -> str:
    x = x.strip()
    return x if re.fullmatch(r"[\w.\u0302]+", x) else f"({x})"


def _latex(s: str) -> str:
    """LaTeX math as readable plain text (Greek letters, a/b, x^k, cases)."""
    while r"\begin{cases}" in s:  # one indented line per case, for each cases block
        head, _, rest = s.partition(r"\begin{cases}")
        cases, _, tail = rest.partition(r"\end{cases}")
        s = head + "".join("\n\t" + c for c in cases.split("\\\\") if c.strip())
        s += "\n" + tail if tail.strip() else ""
    s = s.replace(r"\qquad", "\n").replace("&", "  for ")
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            assert m is not None
            cmd, i = m.group(1), i + len(m.group(0))
            if cmd in ("frac", "tfrac", "dfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                out.append(f"{_paren(_latex(a))}/{_paren(_latex(b))}")
            elif cmd == "sqrt":
                a, i = _group(s, i)
                out.append(f"√{_paren(_latex(a))}")
            elif cmd in ("text", "operatorname", "mathrm", "mathit", "mathbf", "textrm", "mbox"):
                a, i = _group(s, i)
                out.append(a)
            elif cmd == "hat":
                a, i = _group(s, i)
                out.append(_latex(a) + "\u0302")
            elif cmd in _GREEK:
                out.append(_GREEK[cmd])
            elif cmd in _FUNCS:
                out.append(cmd)
                if i < len(s) and s[i] not in " ({\\^_":
                    out.append(" ")
            elif cmd in _DROP:
                pass
            else:
                out.append(cmd)
        elif c in "^_":
            a, i = _group(s, i + 1)
            a = _latex(a)
            out.append(c + (a if len(a) == 1 or re.fullmatch(r"\w+", a) else f"({a})"))
        elif c in "{}":
            i += 1
        else:
            out.append(c)
            i += 1
    text = "".join(out)
    lines = []
    for ln in text.split("\n"):
        body = re.sub(r" {2,}(?!for )", " ", ln.strip()).rstrip()
        lines.append(("    " if ln.startswith("\t") else "") + body)
    return "\n".join(lines)


def _rst(text: str) -> str:
    """Inline reST markup as plain text: ``x`` -> x, :math:`..` -> math, roles -> names."""
    text = re.sub(r":math:`([^`]*)`", lambda m: _latex(m.group(1)), text)
    text = re.sub(r":[a-z]+:`~?(?:[\w.]+\.)?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r"`([^`]*)`_?", r"\1", text)
    text = re.sub(r"(?<![\w*])\*\*?([^*\s][^*]*?)\*\*?(?![\w*])", r"\1", text)
    return text


def _sections(doc: str) -> tuple[list[str], dict[str, list[str]]]:
    """Split a Google-style docstring body into free text and named sections."""
    body: list[str] = []
    named: dict[str, list[str]] = {}
    cur = body
    for ln in doc.splitlines():
        m = re.fullmatch(r"(Args|Arguments|Parameters|Returns|Raises|Examples?|Notes?|References?):\s*", ln)
        if m:
            cur = named.setdefault(m.group(1), [])
            continue
        cur.append(ln)
    return body, named


def _args_help(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    key = None
    for ln in lines:
        m = re.match(r"\s{0,4}(\*{0,2}\w+)(?:\s*\([^)]*\))?:\s*(.*)", ln)
        if m and (len(ln) - len(ln.lstrip())) <= 4:
            key = m.group(1).lstrip("*")
            out[key] = m.group(2).strip()
        elif key and ln.strip():
            out[key] += " " + ln.strip()
    return {k: _rst(v) for k, v in out.items()}


def _detail(name: str, width: int) -> str:
    import lrcurves

    sp = lrcurves.spec(name)
    doc = inspect.getdoc(sp.factory) or ""
    first, _, rest = doc.partition("\n")
    body, named = _sections(rest)
    helps = _args_help(named.get("Args", named.get("Arguments", named.get("Parameters", []))))
    out = [f"{name}: {_rst(first.strip()) or sp.summary}", f"  {sp.kind} in family {sp.family!r}", ""]

    out.append("Parameters:")
    sig = inspect.signature(sp.factory)
    rows = []
    for pname, prm in sig.parameters.items():
        if prm.kind is prm.VAR_KEYWORD or prm.kind is prm.VAR_POSITIONAL:
            continue
        default = "required" if prm.default is prm.empty else f"= {prm.default!r}"
        rows.append((pname, default, helps.get(pname, "")))
    kw = max((len(r[0]) for r in rows), default=4)
    kd = max((len(r[1]) for r in rows), default=4)
    for pname, default, h in rows:
        lead = f"  {pname:<{kw}}  {default:<{kd}}  "
        wrapped = textwrap.wrap(h, width=max(30, width - len(lead))) or [""]
        out.append((lead + wrapped[0]).rstrip())
        out.extend(" " * len(lead) + w for w in wrapped[1:])

    # free text: paragraphs re-wrapped, math blocks converted and indented
    paras: list[str] = []
    lines = body
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.strip().startswith(".. math::"):
            block = [ln.split("::", 1)[1].strip()] if ln.split("::", 1)[1].strip() else []
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i].strip())
                i += 1
            groups = " ".join(b if b else "\0" for b in block).split("\0")  # blank line: new equation
            math_text = "\n".join(_latex(g.strip()) for g in groups if g.strip())
            paras.append("\n".join("    " + m.rstrip() for m in math_text.strip().split("\n") if m.strip()))
            continue
        if not ln.strip():
            i += 1
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(".. math::"):
            para.append(lines[i].strip())
            i += 1
        text = _rst(" ".join(para))
        if text.endswith("::"):
            text = text[:-1]
        paras.append(textwrap.fill(text, width=width))
    if paras:
        out.append("")
        out.append("\n\n".join(paras))
    return "\n".join(out)


def _list(args: argparse.Namespace, out: Any) -> None:
    import lrcurves

    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    if args.name:
        print(_detail(args.name, width), file=out)
        return
    names = lrcurves.names()
    w = max(len(n) for n in names)
    for n in names:
        print(f"{n:<{w}}  {_rst(lrcurves.spec(n).summary)}", file=out)


COMMANDS = {"list": _list, "show": _list, "summary": _summary, "plot": _plot, "export": _export,
            "check": _check, "diff": _diff, "horizon": _horizon}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0; 1 for check warnings or a diff; 2 on any error; 130 on Ctrl-C)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = _build_parser()
        if not argv:
            parser.print_help(sys.stdout)
            return 0
        args = parser.parse_args(argv)
        rc = COMMANDS[args.command](args, sys.stdout)
        sys.stdout.flush()
        if isinstance(rc, int):  # check / diff: 0 clean, 1 findings / differences
            return rc
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `lrcurves export ... | head`
        _silence_stdout()
        return 0
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except MemoryError:
        return _die("out of memory; try fewer --steps (export streams any length to CSV or NPY)")
    except CLIError as exc:
        return _die(str(exc))
    except (ValueError, TypeError, KeyError, ImportError, LookupError) as exc:
        return _die(str(exc) or type(exc).__name__)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return _die(f"{exc.strerror or exc}{where}")
    except RecursionError:
        return _die("schedule nested too deeply")
    except Exception as exc:  # anything else: still one line, no traceback
        return _die(f"internal error: {type(exc).__name__}: {exc} (please report this)")
    return 0


def _silence_stdout() -> None:
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit


def _die(message: str) -> int:
    if not message.startswith(PROG):
        message = f"{PROG}: error: {message}"
    with contextlib.suppress(OSError, ValueError):
        print(" ".join(message.split()), file=sys.stderr)
    return 2
