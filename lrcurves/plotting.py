"""Plots of schedules: matplotlib figures, terminal plots and notebook reprs.

matplotlib is optional (``pip install 'lrcurves[plot]'``) and imported only
when a function here needs it; so is ``plotext`` for :func:`plot_text`, which
falls back to a small built-in renderer without it.

Figures are built without ``pyplot`` (a bare :class:`matplotlib.figure.Figure`,
rendered with Agg), so nothing here needs a display or changes the user's
backend; pass ``ax=`` to draw on a pyplot axes instead.

Long horizons are *sampled*, never evaluated whole: at most a few thousand
steps spread evenly over the range, plus the steps on both sides of every
phase boundary so corners stay sharp.

>>> import lrcurves
>>> from lrcurves.plotting import describe
>>> describe(lrcurves.warmup(lrcurves.cosine_decay(init_value=1e-3, decay_steps=900), warmup_steps=100))
'warmup(W=100, linear) -> cosine_decay(init_value=0.001, decay_steps=900)'
"""

from __future__ import annotations

import base64
import html
import inspect
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_SPAN",
    "MAX_STEPS",
    "default_span",
    "describe",
    "plot",
    "plot_text",
    "repr_html",
    "repr_png",
    "sample_steps",
]

#: Largest horizon the CLI and these helpers accept (steps stay exact in int64).
MAX_STEPS = 2**62
#: Horizon used for schedules without phase boundaries (``constant``, ...).
DEFAULT_SPAN = 1000
#: Steps evaluated for one curve of a figure (plus the phase boundaries).
PLOT_SAMPLES = 2000

_INSTALL = "pip install 'lrcurves[plot]'"


# ---------------------------------------------------------------------------
# steps


def default_span(*schedules: Any) -> int:
    """A horizon showing every phase of ``schedules``: 10% past the last boundary.

    Schedules without phase boundaries get :data:`DEFAULT_SPAN` steps.
    """
    last = max((max(s.phases(), default=0) for s in schedules), default=0)
    if last <= 0:
        return DEFAULT_SPAN
    return int(min(MAX_STEPS, math.ceil(last * 1.1) + 1))


def sample_steps(n: int, count: int, extra: Iterable[int] = ()) -> np.ndarray:
    """Sorted unique int64 steps in ``[0, n)``: all of them if ``n <= count``,
    else ``count`` evenly spread ones (first and last included) plus ``extra``."""
    if n <= count:
        return np.arange(n, dtype=np.int64)
    t = np.linspace(0.0, float(n - 1), num=count).astype(np.int64)
    np.clip(t, 0, n - 1, out=t)  # float rounding near 2**62 may overshoot
    t[-1] = n - 1
    ex = np.asarray([e for e in extra if 0 <= e < n], dtype=np.int64)
    return np.unique(np.concatenate([t, ex]))


#: More phase boundaries than this in view are too dense to mark or sample around.
MAX_MARKED_PHASES = 200


def _phases_in(s: Any, lo: int, hi: int, limit: int = MAX_MARKED_PHASES) -> list[int]:
    """Phase boundaries in ``(lo, hi]``; none when there are more than ``limit``."""
    ph = [b for b in s.phases() if lo < b <= hi]
    return ph if len(ph) <= limit else []


def _boundary_steps(schedules: Sequence[Any], n: int) -> list[int]:
    out: set[int] = set()
    for s in schedules:
        for b in _phases_in(s, -1, n, limit=10 * MAX_MARKED_PHASES):
            out.update(x for x in (b - 1, b) if 0 <= x < n)
    return sorted(out)


def _values(s: Any, t: np.ndarray, momentum: bool = False) -> np.ndarray:
    with np.errstate(all="ignore"):
        v = s.momentum(t) if momentum else s(t)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != t.shape:
        raise ValueError(
            f"{s.name}: array-valued parameters (sweeps) cannot be plotted as one curve; "
            "plot each member schedule"
        )
    return v


def _resolve_steps(steps: Any, schedules: Sequence[Any], count: int) -> tuple[np.ndarray, int, int]:
    """``(t, lo, hi)``: steps to evaluate and the closed x range they cover."""
    if steps is None or isinstance(steps, (int, np.integer, range)):
        if isinstance(steps, range):
            if steps.step != 1:
                t = np.asarray(steps, dtype=np.int64)
                return t, int(t.min(initial=0)), int(t.max(initial=0))
            lo, hi = steps.start, steps.stop
        else:
            lo, hi = 0, default_span(*schedules) if steps is None else int(steps)
        if not 0 <= lo < hi or hi > MAX_STEPS:
            raise ValueError(f"steps must cover 1 to 2**62 non-negative steps, got {steps!r}")
        n = hi - lo
        t = sample_steps(n, count, (b - lo for b in _boundary_steps(schedules, hi))) + lo
        return t, lo, hi - 1
    t = np.asarray(steps)
    if t.ndim != 1 or t.size == 0 or not np.issubdtype(t.dtype, np.integer):
        raise ValueError("steps must be None, an int, a range or a 1-d array of integer steps")
    t = t.astype(np.int64)
    return t, int(t.min()), int(t.max())


# ---------------------------------------------------------------------------
# readable names


def _num(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return str(v)


def _short(v: Any, limit: int = 6) -> str:
    from lrcurves import Schedule

    if isinstance(v, Schedule):
        return describe(v)
    if isinstance(v, np.ndarray):
        if v.size <= limit:
            return "[" + ", ".join(_num(x) for x in v.ravel().tolist()) + "]"
        return f"array{tuple(v.shape)}"
    if isinstance(v, (tuple, list)):
        if len(v) <= limit:
            return "(" + ", ".join(_short(x) for x in v) + ("," if len(v) == 1 else "") + ")"
        head = ", ".join(_short(x) for x in v[: limit - 2])
        return f"({head}, ..., {_short(v[-1])}; {len(v)} values)"
    return _num(v)


def _defaults(name: str) -> dict[str, Any]:
    import lrcurves

    try:
        sig = inspect.signature(lrcurves.spec(name).factory)
    except (ValueError, TypeError):
        return {}
    return {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(type(a) is type(b) and a == b) or (
            isinstance(a, (int, float)) and not isinstance(a, bool)
            and isinstance(b, (int, float)) and not isinstance(b, bool) and a == b
        )
    except Exception:  # arrays and the like: never "default"
        return False


def _shown(s: Any) -> dict[str, Any]:
    """Parameters that differ from the factory defaults (required ones always)."""
    d = _defaults(s.name)
    return {k: v for k, v in s.params.items() if not (k in d and _same(v, d[k]))}


def describe(schedule: Any, max_len: int | None = None) -> str:
    """A readable one-line tree of ``schedule``.

    Parameters left at their defaults are omitted; combinators read as a
    pipeline (``warmup(W=100, linear) -> cosine_decay(...)``), ``join`` as
    ``join(A; from 2000: B)``.  Longer than ``max_len`` characters, the text
    is cut with an ellipsis.
    """
    text = _describe(schedule)
    if max_len is not None and len(text) > max_len:
        text = text[: max(1, max_len - 1)].rstrip() + "…"
    return text


def _describe(s: Any) -> str:
    from lrcurves import Schedule

    p = s.params
    shown = _shown(s)
    kids = {k: v for k, v in p.items() if isinstance(v, Schedule)}
    groups = {
        k: v for k, v in p.items()
        if isinstance(v, (tuple, list)) and v and all(isinstance(x, Schedule) for x in v)
    }  # fmt: skip
    if not kids and not groups:
        return f"{s.name}(" + ", ".join(f"{k}={_short(v)}" for k, v in shown.items()) + ")"

    if s.name == "warmup" and {"schedule", "warmup_steps"} <= set(p) and not groups:
        head = [f"W={_num(p['warmup_steps'])}"]
        if "shape" in p:
            head.append(str(p["shape"]))
        if "init_value" in shown:
            head.append(f"from {_num(p['init_value'])}")
        if p.get("peak_value") is not None:
            head.append(f"to {_num(p['peak_value'])}")
        return f"warmup({', '.join(head)}) -> {_describe(p['schedule'])}"

    if s.name == "join" and set(groups) == {"schedules"} and "boundaries" in p:
        sch, bnd = groups["schedules"], tuple(p["boundaries"])
        if len(bnd) == len(sch) - 1:
            parts = [_describe(sch[0])]
            parts += [f"from {_num(b)}: {_describe(x)}" for b, x in zip(bnd, sch[1:], strict=True)]
            return "join(" + "; ".join(parts) + ")"

    if s.name == "with_momentum" and set(kids) == {"schedule", "momentum"}:
        return f"with_momentum({_describe(kids['schedule'])}; momentum: {_describe(kids['momentum'])})"

    scalars = ", ".join(f"{k}={_short(v)}" for k, v in shown.items() if k not in kids and k not in groups)
    if len(kids) == 1 and not groups:
        (child,) = kids.values()
        return f"{s.name}({scalars}) -> {_describe(child)}"
    parts = [scalars] if scalars else []
    parts += [f"{k}: {_describe(v)}" for k, v in kids.items()]
    parts += [f"{k}: [" + "; ".join(_describe(x) for x in v) + "]" for k, v in groups.items()]
    return f"{s.name}(" + "; ".join(parts) + ")"


# ---------------------------------------------------------------------------
# matplotlib


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(f"lrcurves plotting needs matplotlib: {_INSTALL}") from exc
    return Figure


def plot(
    *schedules: Any,
    steps: Any = None,
    ax: Any = None,
    log: bool = False,
    momentum: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """Plot the learning rate of ``schedules``; returns the matplotlib ``Figure``.

    Args:
      schedules: one or more :class:`~lrcurves.Schedule`.
      steps: ``None`` (a span showing every phase, see :func:`default_span`),
        a horizon ``n`` (steps ``0..n-1``), a ``range``, or an array of steps.
        Long horizons are sampled (about 2000 steps plus phase boundaries).
      ax: draw on this axes (its figure is returned) instead of a new figure.
      log: logarithmic LR axis (non-positive values are left out).
      momentum: also plot the momentum of the schedules that define one, in a
        second panel (on a twin y axis when ``ax`` is given).
      labels: legend labels, one per schedule; default :func:`describe`.
      title: axes title; default the description of a single schedule.

    Phase boundaries are marked with light dotted vertical lines in the
    curve's colour (unless more than 200 fall in view).  The new figure is not registered with ``pyplot``: in a
    notebook it shows as the cell's value, in a script call ``savefig``.
    """
    from lrcurves import Schedule

    if not schedules:
        raise TypeError("plot() needs at least one schedule")
    for s in schedules:
        if not isinstance(s, Schedule):
            raise TypeError(f"plot() takes Schedule objects, got {type(s).__name__}")
    given = labels is not None
    labels = [str(x) for x in labels] if labels is not None else [describe(s, max_len=70) for s in schedules]
    if len(labels) != len(schedules):
        raise ValueError(f"got {len(labels)} labels for {len(schedules)} schedules")
    t, lo, hi = _resolve_steps(steps, schedules, PLOT_SAMPLES)
    with_mom = bool(momentum) and any(s.has_momentum for s in schedules)

    if ax is None:
        Figure = _figure_class()
        fig = Figure(figsize=(8.0, 5.6 if with_mom else 3.6), layout="constrained")
        axes = fig.subplots(2 if with_mom else 1, 1, sharex=True, squeeze=False)[:, 0]
        ax_lr, ax_mom = axes[0], (axes[1] if with_mom else None)
        if with_mom:
            ax_mom.set_xlabel("step")
        else:
            ax_lr.set_xlabel("step")
    else:
        fig, ax_lr = ax.figure, ax
        ax_mom = ax.twinx() if with_mom else None
        ax_lr.set_xlabel("step")
    _draw(ax_lr, ax_mom, schedules, labels, t, lo, hi, log, twin=ax is not None)
    ax_lr.set_ylabel("learning rate")
    if ax_mom is not None:
        ax_mom.set_ylabel("momentum")
    if title is None and len(schedules) == 1 and ax is None:
        import textwrap

        title = textwrap.fill(labels[0] if given else describe(schedules[0], max_len=270), 90)
    if title:
        ax_lr.set_title(title, fontsize="medium")
    if len(schedules) > 1 or with_mom:
        ax_lr.legend(loc="best", fontsize="small")
    return fig


def _draw(ax_lr: Any, ax_mom: Any, schedules: Sequence[Any], labels: Sequence[str],
          t: np.ndarray, lo: int, hi: int, log: bool, twin: bool = False) -> None:  # fmt: skip
    x = t.astype(np.float64)
    for s, label in zip(schedules, labels, strict=True):
        y = _values(s, t)
        if log:
            y = np.where(y > 0, y, np.nan)
        (line,) = ax_lr.plot(x, y, label=label, linewidth=1.4)
        color = line.get_color()
        for b in _phases_in(s, lo, hi):
            for a in (ax_lr, ax_mom) if ax_mom is not None else (ax_lr,):
                a.axvline(b, color=color, linestyle=":", linewidth=0.8, alpha=0.45)
        if ax_mom is not None and s.has_momentum:
            ax_mom.plot(x, _values(s, t, momentum=True), color=color, linewidth=1.2,
                        linestyle="--" if twin else "-",
                        label=f"{label} (momentum)")  # fmt: skip
    if log and np.isfinite(ax_lr.dataLim.y0) and ax_lr.dataLim.y0 > 0:
        ax_lr.set_yscale("log")
    for a in (ax_lr, ax_mom):
        if a is not None:
            a.grid(alpha=0.3)
    if hi > lo:
        ax_lr.set_xlim(lo, hi)


def repr_png(schedule: Any, *, missing_ok: bool = False) -> bytes | None:
    """A small PNG (about 480x240 pixels) of the schedule's curve.

    Without matplotlib this raises :class:`ImportError`, or returns ``None``
    with ``missing_ok=True`` (what IPython's ``_repr_png_`` wants).
    """
    try:
        Figure = _figure_class()
    except ImportError:
        if missing_ok:
            return None
        raise
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(4.8, 2.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.14, 0.2, 0.82, 0.72))
    t, lo, hi = _resolve_steps(None, [schedule], 400)
    _draw(ax, None, [schedule], [schedule.name], t, lo, hi, log=False)
    ax.set_xlabel("step", fontsize="small", labelpad=1)
    ax.tick_params(labelsize="x-small")
    ax.yaxis.get_offset_text().set_fontsize("x-small")
    ax.xaxis.get_offset_text().set_fontsize("x-small")
    buf = io.BytesIO()
    fig.canvas.print_png(buf)
    return buf.getvalue()


def repr_html(schedule: Any) -> str:
    """An HTML block: the description, a parameter table and the curve as an
    embedded PNG (left out when matplotlib is missing or the curve cannot be
    drawn, e.g. for parameter sweeps)."""
    esc = html.escape
    rows = "".join(
        f"<tr><td style='text-align:left'><code>{esc(k)}</code></td>"
        f"<td style='text-align:left'>{esc(_short(v, limit=8))}</td></tr>"
        for k, v in schedule.params.items()
    )
    extra = []
    phases = schedule.phases()
    if phases:
        extra.append(("phases", _short(tuple(phases), limit=8)))
    try:
        lo, hi = schedule.bounds()
        extra.append(("range", f"{_num(lo)} .. {_num(hi)}"))
    except Exception:
        pass
    if schedule.has_momentum:
        extra.append(("momentum", "yes"))
    rows += "".join(
        f"<tr><td style='text-align:left'><i>{esc(k)}</i></td><td style='text-align:left'>{esc(v)}</td></tr>"
        for k, v in extra
    )
    img = ""
    try:
        png = repr_png(schedule, missing_ok=True)
    except ValueError:
        png = None
    if png is not None:
        b64 = base64.b64encode(png).decode("ascii")
        img = f"<img alt='{esc(schedule.name)} curve' src='data:image/png;base64,{b64}'/>"
    return (
        "<div class='lrcurves-schedule' style='display:flex;gap:1em;align-items:flex-start'>"
        f"<table><caption style='text-align:left'><code>{esc(describe(schedule, max_len=300))}</code></caption>"
        f"<tbody>{rows}</tbody></table>{img}</div>"
    )


# ---------------------------------------------------------------------------
# terminal


def plot_text(
    *schedules: Any,
    steps: Any = None,
    log: bool = False,
    momentum: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    width: int = 80,
    height: int = 20,
    color: bool = False,
    backend: str = "auto",
) -> str:
    """A terminal plot (with axes) of the schedules' LR, or momentum with
    ``momentum=True``, as a string ``width`` columns by about ``height`` rows.

    ``backend``: ``"plotext"`` (braille, needs ``plotext``), ``"builtin"``
    (plain characters, no dependency) or ``"auto"`` (plotext if installed).
    ``color`` keeps plotext's ANSI colours.
    """
    if not schedules:
        raise TypeError("plot_text() needs at least one schedule")
    if labels is None:
        labels = [describe(s, max_len=max(20, width - 12)) for s in schedules]
    if momentum:
        pairs = [(s, lab) for s, lab in zip(schedules, labels, strict=True) if s.has_momentum]
        if not pairs:
            raise ValueError("none of the schedules defines a momentum")
        schedules, labels = tuple(p[0] for p in pairs), [p[1] for p in pairs]
    width, height = max(20, int(width)), max(5, int(height))
    t, lo, hi = _resolve_steps(steps, schedules, max(4 * width, 400))
    series = []
    for s, lab in zip(schedules, labels, strict=True):
        y = _values(s, t, momentum=momentum)
        keep = np.isfinite(y) & ((y > 0) if log else True)
        series.append((lab, t[keep].astype(np.float64), y[keep]))
    phases = sorted({b for s in schedules for b in _phases_in(s, lo, hi, limit=width // 2)})
    if not any(len(x) for _, x, _ in series):
        raise ValueError("nothing to plot" + (" (no positive values for --log)" if log else ""))
    plt = None
    if backend in ("auto", "plotext"):
        try:
            import plotext as plt
        except ImportError:
            if backend == "plotext":
                raise ImportError(f"terminal plots with plotext need plotext: {_INSTALL}") from None
    ylabel = "momentum" if momentum else "learning rate"
    if plt is not None:
        return _plotext(plt, series, phases, lo, hi, log, title, ylabel, width, height, color)
    return _builtin(series, phases, lo, hi, log, title, ylabel, width, height)


def _step_label(v: float) -> str:
    v = float(v)
    if abs(v) < 999_999.5:
        return f"{v:.0f}"
    if abs(v) >= 0.9995e15:
        return f"{v:.3g}"
    for unit, k in (("T", 1e12), ("G", 1e9), ("M", 1e6)):
        if abs(v) >= 0.9995 * k:
            return f"{v / k:.3g}{unit}"
    return f"{v:.3g}"  # pragma: no cover


def _plotext(plt: Any, series: list[tuple[str, np.ndarray, np.ndarray]], phases: list[int], lo: int,
             hi: int, log: bool, title: str | None, ylabel: str, width: int, height: int,
             color: bool) -> str:  # fmt: skip
    xticks = np.linspace(lo, hi, 5) if hi > lo else np.array([lo], dtype=np.float64)
    xlabels = [_step_label(v) for v in xticks]
    if hasattr(plt, "build") and hasattr(plt, "plot"):  # plotext 5.x
        plt.clear_figure()
        plt.plotsize(width, height)
        if not color:
            plt.theme("clear")
        for lab, x, y in series:
            plt.plot(x.tolist(), y.tolist(), label=lab or None, marker="braille")
        for b in phases:
            plt.vertical_line(float(b), color="gray" if color else None)
        if log:
            plt.yscale("log")
        plt.xticks(xticks.tolist(), xlabels)
        if title:
            plt.title(title)
        plt.xlabel("step")
        out = plt.build()
        plt.clear_figure()
        return out if color else plt.uncolorize(out)
    fig = plt.figure  # plotext 6.x: explicit figure API
    fig.clear.all()
    fig.plot_size(width, height)
    for lab, x, y in series:
        sig = fig.signal(x.tolist(), y.tolist(), marker="braille")
        if lab:
            sig.label(lab)
        sig.lines()
        fig.draw(sig)
    for b in phases:
        fig.line(float(b), orientation="vertical")
    if log:
        fig.ruler(1).scale("log")
    if title:
        fig.title(title)
    fig.label("step", axis=0)
    text = fig.build().string(colorless=not color)
    fig.clear.all()
    return str(text)


_MARKS = "•+ox*#"


def _builtin(series: list[tuple[str, np.ndarray, np.ndarray]], phases: list[int], lo: int, hi: int,
             log: bool, title: str | None, ylabel: str, width: int, height: int) -> str:  # fmt: skip
    """Plain-character plot: y labels, a frame, x ticks, a legend."""
    tr = np.log10 if log else (lambda a: a)
    ys = np.concatenate([tr(y) for _, _, y in series if len(y)])
    ymin, ymax = float(ys.min()), float(ys.max())
    if ymax - ymin <= 1e-12 * max(abs(ymax), 1e-300):
        pad = abs(ymax) * 0.05 or 1.0
        ymin, ymax = ymin - pad, ymax + pad

    def fmt_y(v: float) -> str:
        return f"{(10**v if log else v):.3g}"

    labw = max(len(fmt_y(ymin)), len(fmt_y(ymax)), len(fmt_y((ymin + ymax) / 2)))
    cols, rows = max(10, width - labw - 2), height
    grid = [[" "] * cols for _ in range(rows)]
    span = max(hi - lo, 1)

    def col(x: np.ndarray) -> np.ndarray:
        return np.clip(np.rint((x - lo) / span * (cols - 1)), 0, cols - 1).astype(np.int64)

    def row(y: np.ndarray) -> np.ndarray:
        r = np.rint((ymax - tr(y)) / (ymax - ymin) * (rows - 1))
        return np.clip(r, 0, rows - 1).astype(np.int64)

    for b in phases:
        c = int(col(np.array([b], dtype=np.float64))[0])
        for r in range(rows):
            grid[r][c] = "┊"
    for i, (_, x, y) in enumerate(series):
        if not len(x):
            continue
        mark = _MARKS[i % len(_MARKS)]
        cs, rs = col(x), row(y)
        prev_c, prev_r = int(cs[0]), int(rs[0])
        for c, r in zip(cs.tolist(), rs.tolist(), strict=True):
            if c == prev_c + 1 and abs(r - prev_r) > 1:  # join steep segments
                step = 1 if r > prev_r else -1
                for rr in range(prev_r + step, r, step):
                    grid[rr][prev_c if abs(rr - prev_r) <= abs(rr - r) else c] = mark
            grid[r][c] = mark
            prev_c, prev_r = c, r

    lines = []
    if title:
        lines.append(title[: width].center(width).rstrip())
    marks = {0: ymax, rows // 2: (ymax + ymin) / 2, rows - 1: ymin}
    for r in range(rows):
        lab = fmt_y(marks[r]) if r in marks else ""
        lines.append(f"{lab:>{labw}} {'┤' if r in marks else '│'}" + "".join(grid[r]).rstrip())
    lines.append(" " * labw + " └" + "─" * cols)
    ticks = [" "] * (cols + 12)
    for frac in (0.0, 0.5, 1.0):
        v = lo + frac * span if hi > lo else lo
        s = _step_label(v)
        start = min(max(0, round(frac * (cols - 1)) - len(s) // 2), cols + 12 - len(s))
        if all(ch == " " for ch in ticks[max(0, start - 1): start + len(s) + 1]):
            ticks[start: start + len(s)] = s
    lines.append(" " * (labw + 2) + "".join(ticks).rstrip())
    lines.append(f"{'step':^{width}}".rstrip() + ("   (log scale)" if log else ""))
    lines.append(f"y: {ylabel}")
    lines += [f"  {_MARKS[i % len(_MARKS)]} {lab}" for i, (lab, _, _) in enumerate(series) if lab]
    return "\n".join(lines)
