"""Checks before training: find the schedule mistakes users report, with step numbers.

:func:`check` evaluates a schedule over the planned run (``total_steps``
optimizer updates, steps ``0 .. total_steps - 1``) and returns a list of
:class:`Finding`: a stable short ``code``, a ``severity`` (``"error"`` when
training would be wrong, ``"warning"`` otherwise), the ``steps`` involved
and a one-line ``message``.  :class:`Report` (from :func:`check_report`)
adds the exit status and text / JSON output the ``lrcurves check`` command
prints.

>>> import lrcurves
>>> from lrcurves.checks import check
>>> s = lrcurves.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=1000)
>>> for f in check(s, 1500):
...     print(f)
warning zero-first-lr: the LR is 0 at step 0, so the first update does nothing (it is 0 at step 0 only, 1e-05 at step 1)
warning horizon-short: the schedule's decay ends at step 1000 and the LR then stays 0 for the last 500 steps (steps 1000..1499, 33% of the run)
>>> check(s, 1000)[0].code  # the planned run: only the warmup from 0 remains
'zero-first-lr'

**How the curve is evaluated.**  Every step of the run is evaluated,
streaming :func:`lrcurves.curve` in chunks of :data:`CHUNK` steps (constant
memory: a 50M-step horizon takes about a second and never holds more
than one chunk).  Runs longer than ``max_scan`` steps (default
:data:`MAX_SCAN`) are evaluated in windows instead: the first and last
:data:`CHUNK` steps, and :data:`WINDOW` steps either side of every phase
boundary (:meth:`~lrcurves.Schedule.phases`) and of every edge of a
constant stretch (:meth:`~lrcurves.Schedule.flat_ranges`, where stair-like
families jump).  Jumps at those places are still found exactly; the
report's ``exact`` is then ``False``.

**How the schedule's own horizon is found.**  The final value is the value
at step ``2**62``; the schedule *settles* if a few probes far out (``2**60
.. 2**62``) all give that value, and the first step ``E`` at which it holds
is found by bisection (schedules clamp: once reached, the final value
stays).  A curve that still moves at those steps (inverse square root,
cycles) has no final value.  Within the run the exact scan gives the last
step where the LR changes.  Cycles come from the schedule tree: ``cyclic``
(period ``step_size_up + step_size_down``), ``cosine_restarts`` (its
restart steps) and ``repeat`` (``period``), each at the global step its
local step 0 falls on (``warmup``, ``join`` and ``shift`` move it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from lrcurves._schedule import Schedule, curve
from lrcurves.validate import MAX_INT

__all__ = [
    "CHUNK",
    "CODES",
    "MAX_SCAN",
    "WINDOW",
    "Finding",
    "Report",
    "check",
    "check_report",
    "format_findings",
]

#: Steps evaluated per chunk of the streaming scan.
CHUNK = 1 << 20
#: Runs up to this many steps are evaluated at every step.
MAX_SCAN = 1 << 28
#: Beyond ``max_scan``: steps evaluated either side of each boundary.
WINDOW = 1024
#: Jumps are ignored where both values are below this fraction of the run's peak LR.
JUMP_MIN_LEVEL = 1e-3
#: At most this many jump steps are kept in a finding.
MAX_JUMPS = 1000
#: Steps listed in a message, at most.
SHOWN = 5
_FAR = (2**62, 2**62 - 1, 2**61 + 12345, 2**61, 2**60 + 3)

Severity = Literal["warning", "error"]

#: Every check: ``code -> (severity, what it means)``.
CODES: dict[str, tuple[Severity, str]] = {
    "nonfinite-lr": ("error", "the LR is NaN or infinite at some step"),
    "negative-lr": ("error", "the LR is negative at some step"),
    "momentum-range": ("error", "a momentum / beta value lies outside [0, 1]"),
    "zero-first-lr": ("warning", "the LR is 0 at step 0: the first update does nothing"),
    "horizon-short": ("warning", "the schedule's decay ends before the run does; the LR is then constant"),
    "horizon-repeat": ("warning", "a repeated schedule restarts during the run"),
    "warmup-too-long": ("warning", "a warmup does not finish within the run"),
    "end-not-reached": ("warning", "the run ends before the schedule reaches its final value"),
    "log-warmup-zero": ("warning", "a log warmup starts at 0 (0, then a jump, then a fast rise)"),
    "exp-warmup-tiny": ("warning", "an exponential warmup spends most of its length near 0"),
    "group-collapse": ("warning", "param groups with different base LRs all get the same LR"),
    "cycle-mismatch": ("warning", "the run (or a join) ends in the middle of a cycle"),
    "lr-jump": ("warning", "the LR changes by more than jump_factor between consecutive steps"),
}


@dataclass(frozen=True)
class Finding:
    """One problem found by :func:`check`.

    Attributes:
      code: stable short identifier (a key of :data:`CODES`).
      severity: ``"error"`` (training would be wrong) or ``"warning"``.
      message: one line, with the step numbers.
      steps: the steps concerned, in increasing order (may be empty).

    >>> f = Finding("zero-first-lr", "warning", "the LR is 0 at step 0", (0,))
    >>> f.step, str(f)
    (0, 'warning zero-first-lr: the LR is 0 at step 0')
    """

    code: str
    severity: Severity
    message: str
    steps: tuple[int, ...] = ()

    @property
    def step(self) -> int | None:
        """The first step concerned, or ``None``."""
        return self.steps[0] if self.steps else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible: ``code``, ``severity``, ``step``, ``steps``, ``message``."""
        return {"code": self.code, "severity": self.severity, "step": self.step,
                "steps": list(self.steps), "message": self.message}  # fmt: skip

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {self.message}"


def _finding(code: str, message: str, steps: Sequence[int] = ()) -> Finding:
    return Finding(code, CODES[code][0], message, tuple(int(k) for k in steps))


@dataclass(frozen=True)
class Report:
    """The findings of one :func:`check_report` run, with exit status and output.

    Attributes:
      findings: errors first, then warnings, each in check order.
      schedule: a short description of the schedule checked.
      total_steps: the run length checked (steps ``0 .. total_steps - 1``).
      inferred: whether ``total_steps`` was inferred (run-length checks skipped).
      exact: whether every step was evaluated (else windows, see the module doc).

    >>> import lrcurves
    >>> r = check_report(lrcurves.constant(0.1), 100)
    >>> r.exit_code, r.format().splitlines()[-1]
    (0, 'no problems found')
    """

    findings: tuple[Finding, ...]
    schedule: str
    total_steps: int
    inferred: bool = False
    exact: bool = True
    errors: tuple[Finding, ...] = field(init=False, repr=False)
    warnings: tuple[Finding, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", tuple(f for f in self.findings if f.severity == "error"))
        object.__setattr__(self, "warnings", tuple(f for f in self.findings if f.severity == "warning"))

    @property
    def exit_code(self) -> int:
        """0 clean, 1 warnings only, 2 errors (``lrcurves check``'s exit status)."""
        return 2 if self.errors else 1 if self.warnings else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible summary (the ``--json`` output)."""
        return {
            "schedule": self.schedule,
            "total_steps": self.total_steps,
            "total_steps_inferred": self.inferred,
            "exact": self.exact,
            "exit_code": self.exit_code,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def format(self) -> str:
        """Human-readable text: a header, one line per finding, a count."""
        how = "every step checked" if self.exact else "sampled in windows around every boundary"
        note = ", inferred from the schedule: pass total_steps (--total-steps) to check the run" if self.inferred else ""
        lines = [self.schedule, f"steps: 0..{self.total_steps - 1} ({self.total_steps} steps{note}; {how})"]
        lines += [str(f) for f in self.findings]
        lines.append(_count(self))
        return "\n".join(lines)

    __str__ = format


def _count(r: Report) -> str:
    if not r.findings:
        return "no problems found"
    e, w = len(r.errors), len(r.warnings)
    parts = [f"{e} error{'s' * (e != 1)}"] if e else []
    parts += [f"{w} warning{'s' * (w != 1)}"] if w else []
    return ", ".join(parts)


def format_findings(findings: Sequence[Finding]) -> str:
    """One line per finding (``severity code: message``), or ``"no problems found"``.

    >>> print(format_findings([Finding("lr-jump", "warning", "x10 at step 5", (5,))]))
    warning lr-jump: x10 at step 5
    """
    return "\n".join(map(str, findings)) if findings else "no problems found"


# ---------------------------------------------------------------------------
# helpers


def _num(v: float) -> str:
    return f"{v:.6g}"


def _steps_text(steps: Sequence[int]) -> str:
    shown = ", ".join(map(str, steps[:SHOWN]))
    return shown + (f", ... ({len(steps) - SHOWN} more)" if len(steps) > SHOWN else "")


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _val(s: Schedule, k: int) -> float:
    with np.errstate(all="ignore"):
        return s.value(k)


def _settle(s: Schedule) -> tuple[int, float] | None:
    """``(E, v)``: the LR is ``v`` from step ``E`` on (probed far out), or ``None``.

    ``E`` is found by bisection, assuming the schedule clamps (once at its
    final value it stays there), then verified at a few steps past it.
    """
    far = [_val(s, k) for k in _FAR]
    v = far[0]
    if not all(_same(x, v) for x in far):
        return None
    lo, hi = 0, 2**62  # v(hi) == v; find the first such step under the clamp assumption
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _same(_val(s, mid), v):
            hi = mid
        else:
            lo = mid
    e = 0 if hi == 1 and _same(_val(s, 0), v) else hi
    probes = [e, e + 1, e + 2, e + 7, e + (2**62 - e) // 3, e + (2**62 - e) // 2]
    if not all(_same(_val(s, k), v) for k in probes if k <= 2**62):
        return None
    return e, v


@dataclass
class _Node:
    """A schedule in the tree, with the global step its local step 0 falls on."""

    schedule: Schedule
    offset: int  # global step of local step 0 (may be negative after shift)
    start: int  # the node is in effect on global steps [start, end)
    end: float


def _walk(s: Schedule, offset: int = 0, start: int = 0, end: float = math.inf) -> Iterator[_Node]:
    yield _Node(s, offset, start, end)
    d = s._p
    name = s.name
    if name == "warmup":
        w = d["warmup_steps"]
        yield from _walk(d["schedule"], offset + w, max(start, offset + w), end)
    elif name == "join":
        edges = (0, *d["boundaries"])
        for i, child in enumerate(d["schedules"]):
            a = offset + edges[i]
            b = offset + edges[i + 1] if i + 1 < len(edges) else math.inf
            lo, hi = max(start, a), min(end, b)
            if lo < hi:
                yield from _walk(child, a, lo, hi)
    elif name == "shift":
        yield from _walk(d["schedule"], offset - d["by"], start, end)
    elif name == "repeat":  # the first period only: later periods are the same schedule
        yield from _walk(d["schedule"], offset, start, min(end, offset + d["period"]))
    else:
        for v in d.values():
            if isinstance(v, Schedule):
                yield from _walk(v, offset, start, end)
            elif isinstance(v, tuple):
                for x in v:
                    if isinstance(x, Schedule):
                        yield from _walk(x, offset, start, end)


def _scalar(v: Any) -> float | None:
    a = np.asarray(v, dtype=np.float64) if not isinstance(v, Schedule) else None
    if a is None or a.size == 0:
        return None
    return float(np.min(a))


# ---------------------------------------------------------------------------
# the streaming scan


@dataclass
class _Stats:
    n: int = 0
    nonfinite: list[int] = field(default_factory=list)
    n_nonfinite: int = 0
    negative: list[int] = field(default_factory=list)
    n_negative: int = 0
    low: float = math.inf  # minimum finite value
    high: float = -math.inf  # maximum finite value
    out_of_unit: list[int] = field(default_factory=list)  # momentum outside [0, 1]
    n_out: int = 0
    first_nonzero: int | None = None
    last_change: int = 0  # last step k with v[k] != v[k-1] (0: none)
    jumps: list[tuple[int, float, float]] = field(default_factory=list)
    n_jumps: int = 0


def _windows(s: Schedule, total: int, max_scan: int) -> tuple[list[tuple[int, int]], bool]:
    if total <= max_scan:
        return [(0, total)], True
    edges = [b for b in s.phases() if 0 < b < total]
    for a, b in s.flat_ranges(0, total):
        edges += [a, b]
    spans = [(0, min(total, CHUNK)), (max(0, total - CHUNK), total)]
    spans += [(max(0, e - WINDOW), min(total, e + WINDOW)) for e in edges]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged, False


def _scan(
    s: Schedule,
    spans: Sequence[tuple[int, int]],
    *,
    momentum: bool = False,
    jump_factor: float | None = None,
    designed: Any = None,
) -> _Stats:
    """One pass over ``spans`` in chunks of :data:`CHUNK` (constant memory)."""
    st = _Stats()
    keep = MAX_JUMPS
    for a, b in spans:
        prev: float | None = None
        for k in range(a, b, CHUNK):
            m = min(CHUNK, b - k)
            with np.errstate(all="ignore"):
                v = np.asarray(curve(s, m, start=k, momentum=momentum), dtype=np.float64)
            st.n += m
            fin = np.isfinite(v)
            if not fin.all():
                bad = np.flatnonzero(~fin)
                st.n_nonfinite += bad.size
                st.nonfinite.extend((bad[: keep - len(st.nonfinite)] + k).tolist())
            neg = np.flatnonzero(v < 0) if not momentum else np.flatnonzero((v < 0) | (v > 1))
            if neg.size:
                if momentum:
                    st.n_out += neg.size
                    st.out_of_unit.extend((neg[: keep - len(st.out_of_unit)] + k).tolist())
                else:
                    st.n_negative += neg.size
                    st.negative.extend((neg[: keep - len(st.negative)] + k).tolist())
            if fin.any():
                fv = v[fin]
                st.low = min(st.low, float(fv.min()))
                st.high = max(st.high, float(fv.max()))
            if st.first_nonzero is None:
                nz = np.flatnonzero(v != 0)
                if nz.size:
                    st.first_nonzero = int(nz[0]) + k
            full = v if prev is None else np.concatenate(([prev], v))
            base = k if prev is None else k - 1
            x, y = full[:-1], full[1:]
            changed = np.flatnonzero((x != y) & ~(np.isnan(x) & np.isnan(y)))
            if changed.size:
                st.last_change = int(changed[-1]) + base + 1
            if jump_factor is not None and x.size:
                with np.errstate(all="ignore"):
                    hi, lo = np.maximum(x, y), np.minimum(x, y)
                    big = (lo > 0) & np.isfinite(hi) & (hi > jump_factor * lo)
                    big &= hi >= JUMP_MIN_LEVEL * st.high  # exact: the running peak only grows
                if designed is not None and big.any():
                    big &= ~designed(np.arange(base + 1, base + 1 + x.size, dtype=np.int64))
                idx = np.flatnonzero(big)
                if idx.size:
                    st.n_jumps += idx.size
                    for i in idx[: keep - len(st.jumps)].tolist():
                        st.jumps.append((i + base + 1, float(x[i]), float(y[i])))
            prev = float(v[-1])
    # the peak may have grown after a jump was recorded: apply the final level
    level = JUMP_MIN_LEVEL * st.high
    kept = [j for j in st.jumps if max(j[1], j[2]) >= level]
    st.n_jumps -= len(st.jumps) - len(kept)
    st.jumps = kept
    return st


# ---------------------------------------------------------------------------
# check


def check(
    schedule: Schedule,
    total_steps: int | None = None,
    *,
    momentum: Schedule | float | Sequence[Schedule | float] | None = None,
    jump_factor: float = 10.0,
    groups: Sequence[Schedule | float] | None = None,
    base_lrs: Sequence[float] | None = None,
    tail_tolerance: float = 0.01,
    ignore: Sequence[str] = (),
    max_scan: int = MAX_SCAN,
) -> list[Finding]:
    """Check ``schedule`` for a run of ``total_steps`` updates; the findings, errors first.

    Args:
      schedule: the learning-rate schedule (with its momentum, if it has one).
      total_steps: updates in the planned run (steps ``0 .. total_steps - 1``).
        ``None`` infers it from the schedule (the step its final value is
        reached, else the span :func:`lrcurves.plotting.default_span` shows)
        and skips the checks that compare the schedule with the run.
      momentum: a momentum / ``beta1`` given separately: a schedule, a number,
        or a sequence of them (``betas``); each must stay in ``[0, 1]``.
      jump_factor: report consecutive steps whose LRs differ by more than this
        factor (``> 1``).  Jumps to or from exactly 0, and jumps where both
        values are below 1e-3 of the run's peak LR, are not reported.
      groups: per param group, a schedule (that group's LR) or a number (a
        scale of ``schedule``); with ``base_lrs``, checks that groups the user
        gave different LRs do not all end up with the same one.
      base_lrs: the optimizer's per-group LRs.  Different ones with ``groups``
        left out means one absolute schedule sets every group alike.
      tail_tolerance: constant tails (and unreached ends) up to this fraction
        of the run (at least 1 step) are not reported.
      ignore: codes to leave out (see :data:`CODES`).
      max_scan: evaluate every step of runs up to this long; longer runs are
        evaluated in windows (see the module docstring).

    Returns:
      The :class:`Finding` list: errors first, then warnings.

    Examples:
      >>> import lrcurves
      >>> s = lrcurves.join([lrcurves.constant(1e-3), lrcurves.constant(0.1)], boundaries=[500])
      >>> [(f.code, f.steps) for f in check(s, 1000)]
      [('lr-jump', (500,))]
      >>> check(s, 1000, jump_factor=200)
      []
    """
    return list(_run(schedule, total_steps, momentum=momentum, jump_factor=jump_factor, groups=groups,
                     base_lrs=base_lrs, tail_tolerance=tail_tolerance, ignore=ignore,
                     max_scan=max_scan).findings)  # fmt: skip


def check_report(schedule: Schedule, total_steps: int | None = None, **kwargs: Any) -> Report:
    """Like :func:`check` (same arguments), returning a :class:`Report`.

    >>> import lrcurves
    >>> r = check_report(lrcurves.warmup(lrcurves.constant(1.0), 10), 10)
    >>> r.exit_code, [f.code for f in r.findings]
    (1, ['zero-first-lr', 'warmup-too-long'])
    """
    return _run(schedule, total_steps, **kwargs)


def _run(
    s: Schedule,
    total_steps: int | None,
    *,
    momentum: Any = None,
    jump_factor: float = 10.0,
    groups: Sequence[Any] | None = None,
    base_lrs: Sequence[float] | None = None,
    tail_tolerance: float = 0.01,
    ignore: Sequence[str] = (),
    max_scan: int = MAX_SCAN,
) -> Report:
    from lrcurves.plotting import describe
    from lrcurves.validate import as_int

    if not isinstance(s, Schedule):
        raise TypeError(f"check() needs a Schedule, got {type(s).__name__}")
    if s.param_shape:
        raise ValueError(f"check(): {s.name} has array-valued parameters (a sweep); check one schedule at a time")
    jf = float(jump_factor)
    if not jf > 1.0 or not math.isfinite(jf):
        raise ValueError(f"check(): jump_factor must be a finite number > 1, got {jump_factor!r}")
    tol = float(tail_tolerance)
    if not 0.0 <= tol < 1.0:
        raise ValueError(f"check(): tail_tolerance must be in [0, 1), got {tail_tolerance!r}")
    unknown = [c for c in ignore if c not in CODES]
    if unknown:
        raise ValueError(f"check(): unknown code(s) {', '.join(map(repr, unknown))}; valid: {', '.join(CODES)}")
    scan_max = as_int("check", "max_scan", max_scan, min=1)

    settled = _settle(s)
    inferred = total_steps is None
    if inferred:
        from lrcurves.plotting import default_span

        n = settled[0] + 1 if settled is not None and 0 < settled[0] < 2**40 else default_span(s)
    else:
        n = as_int("check", "total_steps", total_steps, min=1, max=2**62)

    spans, exact = _windows(s, n, scan_max)
    st = _scan(s, spans, jump_factor=jf, designed=_designed_jumps(s))
    out: list[Finding] = []
    out += _lr_errors(st)
    out += _momentum_findings(s, spans, momentum)
    out += _zero_first(s, st)
    if not inferred:
        out += _horizon(s, n, st, exact, settled, tol)
        out += _warmups_too_long(s, n)
    out += _warmup_shapes(s, n)
    if not inferred:
        out += _cycles(s, n)
    out += _groups(s, groups, base_lrs)
    out += _jumps(st, jf)
    if any(f.code == "warmup-too-long" for f in out):  # the same cause, said better
        out = [f for f in out if f.code != "end-not-reached"]
    out = [f for f in out if f.code not in set(ignore)]
    out.sort(key=lambda f: f.severity != "error")
    return Report(tuple(out), describe(s, max_len=200), n, inferred, exact)


def _lr_errors(st: _Stats) -> list[Finding]:
    out = []
    if st.n_nonfinite:
        out.append(_finding("nonfinite-lr", f"the LR is NaN or infinite at {st.n_nonfinite} step(s): "
                            f"{_steps_text(st.nonfinite)}", st.nonfinite))  # fmt: skip
    if st.n_negative:
        out.append(_finding("negative-lr", f"the LR is negative at {st.n_negative} step(s): "
                            f"{_steps_text(st.negative)} (minimum {_num(st.low)})", st.negative))  # fmt: skip
    return out


def _momentum_findings(s: Schedule, spans: Sequence[tuple[int, int]], momentum: Any) -> list[Finding]:
    items: list[tuple[str, Any]] = []
    if s.has_momentum:
        items.append(("the schedule's momentum", s))
    if momentum is not None:
        if isinstance(momentum, (Schedule, int, float)) and not isinstance(momentum, bool):
            items.append(("momentum", momentum))
        elif isinstance(momentum, Sequence) and not isinstance(momentum, (str, bytes)):
            items += [(f"betas[{i}]", m) for i, m in enumerate(momentum)]
        else:
            raise TypeError(f"check(): momentum must be a Schedule, a number or a sequence of them, got {momentum!r}")
    out = []
    for what, m in items:
        if isinstance(m, Schedule):
            st = _scan(m, spans, momentum=m is s)
            bad = st.out_of_unit if m is s else sorted(set(st.negative) | set(_above_one(m, spans)))
            nonfinite = st.nonfinite
            lo, hi = st.low, st.high
        else:
            if isinstance(m, bool) or not isinstance(m, (int, float)):
                raise TypeError(f"check(): {what} must be a Schedule or a number, got {m!r}")
            v = float(m)
            nonfinite = [] if math.isfinite(v) else [0]
            bad = [0] if math.isfinite(v) and not 0.0 <= v <= 1.0 else []
            lo = hi = v
        if (bad or nonfinite) and not isinstance(m, Schedule):
            out.append(_finding("momentum-range", f"{what} is {_num(lo)}, outside [0, 1]"))
        elif bad or nonfinite:
            steps = sorted(set(bad) | set(nonfinite))
            out.append(_finding("momentum-range", f"{what} is outside [0, 1] at {len(steps)} step(s): "
                                f"{_steps_text(steps)} (min {_num(lo)}, max {_num(hi)})", steps))  # fmt: skip
    return out


def _above_one(m: Schedule, spans: Sequence[tuple[int, int]]) -> list[int]:
    out: list[int] = []
    for a, b in spans:
        for k in range(a, b, CHUNK):
            with np.errstate(all="ignore"):
                v = np.asarray(curve(m, min(CHUNK, b - k), start=k), dtype=np.float64)
            idx = np.flatnonzero(v > 1)
            out.extend((idx[: MAX_JUMPS - len(out)] + k).tolist())
    return out


def _zero_first(s: Schedule, st: _Stats) -> list[Finding]:
    # huggingface/transformers#34754 (also torchtune#2010, verl#3674): warmups from 0
    # waste the first update; transformers#20916: with epoch stepping, a whole epoch
    if _val(s, 0) != 0.0:
        return []
    nz = st.first_nonzero
    if nz is None:
        tail = f"it is 0 at every one of the {st.n} steps checked"
        return [_finding("zero-first-lr", f"the LR is 0 at step 0, so the first update does nothing ({tail})", [0])]
    zeros = "step 0 only" if nz == 1 else f"steps 0..{nz - 1} ({nz} updates)"
    msg = f"the LR is 0 at step 0, so the first update does nothing (it is 0 at {zeros}, {_num(_val(s, nz))} at step {nz})"
    return [_finding("zero-first-lr", msg, list(range(min(nz, SHOWN))) if nz > 1 else [0])]


def _horizon(
    s: Schedule, n: int, st: _Stats, exact: bool, settled: tuple[int, float] | None, tol: float
) -> list[Finding]:
    out = []
    allowed = max(1, math.floor(tol * n))
    # a constant tail after a decay that ended inside the run (pytorch#38170: a
    # miscounted OneCycle horizon; ScrollPrize/villa#1495: epochs given as steps)
    c: int | None = None
    if exact:
        c = st.last_change if st.last_change > 0 else None
    elif settled is not None and settled[0] < n:
        c = settled[0]
    if c is not None and c >= 2 and n - c > allowed:
        v2, v1, v0 = _val(s, c - 2), _val(s, c - 1), _val(s, c)
        smooth = not _same(v2, v1)  # the step before the tail was moving: a decay ended, not a stair
        hold = v0 >= st.high  # warmup to the peak and hold: intended
        if smooth and not hold:
            out.append(_finding(
                "horizon-short",
                f"the schedule's decay ends at step {c} and the LR then stays {_num(v0)} for the last "
                f"{n - c} steps (steps {c}..{n - 1}, {round(100 * (n - c) / n)}% of the run)",
                [c],
            ))  # fmt: skip
    # the schedule still decays when the run stops (timm#1242: warmup_prefix misses lr_min)
    if settled is not None and settled[0] > n:
        e, v_end = settled
        last = _val(s, n - 1)
        span = max(abs(st.high - v_end), abs(st.low - v_end), 0.0)
        gap = abs(last - v_end)
        phases = s.phases()
        designed = (phases and e <= max(phases)) or abs(_val(s, e - 1) - v_end) > 1e-6 * max(span, abs(v_end))
        if span > 0 and gap > tol * span and designed and e - n > allowed - 1:
            out.append(_finding(
                "end-not-reached",
                f"the run ends at step {n - 1} with LR {_num(last)}, but the schedule reaches its final "
                f"value {_num(v_end)} only at step {e} ({round(100 * gap / span)}% of its range left)",
                [n - 1, e],
            ))  # fmt: skip
    for node in _walk(s):
        if node.schedule.name != "repeat" or node.start >= n:
            continue
        per = node.schedule.params["period"]
        stop = min(node.end, n)
        restarts = [node.offset + k * per for k in range(1, SHOWN + 1) if node.offset + k * per < stop]
        count = max(0, math.ceil((stop - node.offset) / per) - 1)
        if count:
            out.append(_finding(
                "horizon-repeat",
                f"the schedule repeats every {per} steps from step {node.offset}: it restarts {count} "
                f"time(s) during the run, at steps {', '.join(map(str, restarts))}"
                + (", ..." if count > len(restarts) else ""),
                restarts,
            ))  # fmt: skip
    return out


def _warmup_nodes(s: Schedule) -> Iterator[tuple[_Node, int, str, float | None, float | None]]:
    """``(node, W, shape, init, peak)`` of every warmup ramp in the tree."""
    for node in _walk(s):
        x, p = node.schedule, node.schedule.params
        if x.name == "warmup" and p["warmup_steps"] > 0:
            peak = p["peak_value"]
            peak_v = _scalar(peak) if peak is not None else _val(p["schedule"], 0)
            yield node, p["warmup_steps"], p["shape"], _scalar(p["init_value"]), peak_v
        elif x.name == "warmup_stable_decay" and p["warmup_steps"] > 0:
            yield node, p["warmup_steps"], p["warmup_shape"], _scalar(p["init_value"]), _scalar(p["peak_value"])
        elif x.name == "cosine_restarts" and p["warmup_steps"] > 0:
            yield node, p["warmup_steps"], "linear", _scalar(p["min_value"]), _scalar(p["peak_value"])


def _warmups_too_long(s: Schedule, n: int) -> list[Finding]:
    out = []
    for node, w, _, _, peak in _warmup_nodes(s):
        begin = max(node.offset, node.start)
        if begin >= n or node.offset + w < n:
            continue
        end = node.offset + w
        out.append(_finding(
            "warmup-too-long",
            f"the warmup runs from step {node.offset} to step {end} ({w} steps), past the run's last "
            f"step {n - 1}: the LR reaches only {_num(_val(s, n - 1))} of the peak {_num(peak or 0.0)}",
            [node.offset, end],
        ))  # fmt: skip
    return out


def _warmup_shapes(s: Schedule, n: int) -> list[Finding]:
    out = []
    for node, w, shape, init, peak in _warmup_nodes(s):
        o = node.offset
        if max(o, node.start) >= n or init is None or not peak:
            continue
        if shape == "log" and init == 0.0:
            # deepspeedai/DeepSpeed#1298 (log by default, rises too fast) and #771 (log(0))
            half = o + max(0, math.ceil(math.sqrt(w)) - 1)
            first = _val(s, o + 1) if o + 1 < o + w else peak
            out.append(_finding(
                "log-warmup-zero",
                f"the log warmup over steps {o}..{o + w - 1} starts at 0: the LR is 0 at step {o}, jumps to "
                f"{_num(first)} ({round(100 * first / peak)}% of the peak) at step {o + 1} and is at half "
                f"the peak by step {half} ({math.ceil(math.sqrt(w))} of {w} warmup steps); "
                "use shape='linear' or a nonzero init_value",
                [o, o + 1, half],
            ))  # fmt: skip
        elif shape == "exponential" and 0 < init < peak:
            frac = 1.0 - math.log(100.0) / math.log(peak / init)  # below 1% of the peak until here
            if frac > 0.5:
                k = o + math.ceil(frac * w)
                out.append(_finding(
                    "exp-warmup-tiny",
                    f"the exponential warmup over steps {o}..{o + w - 1} starts at {_num(init)} "
                    f"({init / peak:.2g} of the peak): the LR stays below 1% of the peak until step {k} "
                    f"({round(100 * frac)}% of the warmup)",
                    [o, k],
                ))  # fmt: skip
    return out


def _cycles(s: Schedule, n: int) -> list[Finding]:
    out = []
    for node in _walk(s):
        x, p = node.schedule, node.schedule.params
        if x.name not in ("cyclic", "repeat", "cosine_restarts") or node.start >= n:
            continue
        stop = int(min(node.end, n))  # where this schedule's part of the run ends
        local = stop - node.offset
        where = "the run ends" if stop == n else f"the schedule is cut at step {stop}"
        if x.name == "cosine_restarts" and p["cycle_mult"] != 1.0:
            from lrcurves.schedules.restarts import restart_steps

            starts = [0, *restart_steps(x, MAX_INT)]
            if local in starts or local <= 0:
                continue
            before = max(v for v in starts if v < local)
            after = [v for v in starts if v > local]
            nxt = f", the next restart is at step {node.offset + after[0]}" if after else ""
            out.append(_finding(
                "cycle-mismatch",
                f"{where} in the middle of a cosine_restarts cycle: the cycle began at step "
                f"{node.offset + before}{nxt}; step {stop} is not a restart",
                [stop],
            ))  # fmt: skip
            continue
        if x.name == "cyclic":
            up = p["step_size_up"]
            period = up + (p["step_size_down"] if p["step_size_down"] is not None else up)
        elif x.name == "repeat":
            period = p["period"]
        else:
            period = p["first_cycle_steps"]
        if local > 0 and local % period:
            done = local // period
            out.append(_finding(
                "cycle-mismatch",
                f"{where} in the middle of a {x.name} cycle: cycles of {period} steps from step "
                f"{node.offset}, so {local} steps are {done} whole cycle(s) plus {local % period} steps "
                f"(the last cycle began at step {node.offset + done * period}); use {done * period} or "
                f"{(done + 1) * period} steps",
                [stop],
            ))  # fmt: skip
    return out


def _groups(s: Schedule, groups: Sequence[Any] | None, base_lrs: Sequence[float] | None) -> list[Finding]:
    # deepspeedai/DeepSpeed PRs #7969, #8171: multi-group base LRs collapsed to group 0's;
    # lrcurves.adapters.torch refuses the same silently-flattening setup (_auto_mode)
    if base_lrs is None:
        return []
    lrs = [float(v) for v in base_lrs]
    if groups is not None and len(groups) != len(lrs):
        raise ValueError(f"check(): {len(groups)} groups but {len(lrs)} base_lrs")
    if len(set(lrs)) <= 1:
        return []
    if groups is None:
        why = "one absolute schedule sets the LR of every group"
    else:
        keys = []
        probe = np.unique(np.concatenate([np.arange(64), np.linspace(0, 2**20, 257).astype(np.int64)]))
        for g in groups:
            if isinstance(g, Schedule):
                keys.append(np.asarray(g(probe), dtype=np.float64).tobytes())
            elif isinstance(g, (int, float)) and not isinstance(g, bool):
                keys.append(np.asarray(float(g) * np.asarray(s(probe), dtype=np.float64)).tobytes())
            else:
                raise TypeError(f"check(): groups must hold Schedules or numbers, got {g!r}")
        if len(set(keys)) > 1:
            return []
        why = "the per-group schedules / scales all give the same curve"
    shown = ", ".join(_num(v) for v in lrs[:6]) + (", ..." if len(lrs) > 6 else "")
    return [_finding(
        "group-collapse",
        f"the optimizer's {len(lrs)} param groups start at different LRs ({shown}) but {why}, so they all "
        "train at the same LR; scale each group (group_scale / lr_scale) or use mode='multiplier'",
    )]  # fmt: skip


def _designed_jumps(s: Schedule) -> Any:
    """A mask function: steps where the schedule jumps by design (not reported).

    Inside a warmup ramp (a fast relative rise from a small ``init_value``)
    and at the restarts of ``cosine_restarts`` and ``repeat`` (reported as
    ``horizon-repeat`` / ``cycle-mismatch`` instead).
    """
    rules: list[Any] = []
    for node, w, _, _, _ in _warmup_nodes(s):
        rules.append(("ramp", node.offset + 1, node.offset + w))
    for node in _walk(s):
        x, p = node.schedule, node.schedule.params
        lo, hi = node.start, node.end
        if x.name == "repeat" or (x.name == "cosine_restarts" and p["cycle_mult"] == 1.0):
            rules.append(("period", node.offset, p["period" if x.name == "repeat" else "first_cycle_steps"], lo, hi))
        elif x.name == "cosine_restarts":
            from lrcurves.schedules.restarts import restart_steps

            local_stop = int(min(hi, MAX_INT)) - node.offset
            pts = np.asarray([node.offset + v for v in restart_steps(x, local_stop)], dtype=np.int64)
            rules.append(("points", pts))
    if not rules:
        return None

    def mask(t: np.ndarray) -> np.ndarray:
        m = np.zeros(t.shape, dtype=bool)
        for r in rules:
            if r[0] == "ramp":
                m |= (t >= r[1]) & (t < r[2])
            elif r[0] == "period":
                _, o, per, lo, hi = r
                m |= (t > o) & ((t - o) % per == 0) & (t >= lo) & (t < hi)
            else:
                m |= np.isin(t, r[1])
        return m

    return mask


def _jumps(st: _Stats, factor: float) -> list[Finding]:
    # pytorch SequentialLR milestone resets and joins of mismatched pieces jump silently
    if not st.jumps:
        return []
    parts = [f"step {k}: {_num(a)} -> {_num(b)} (x{_num(max(a, b) / min(a, b))})" for k, a, b in st.jumps[:SHOWN]]
    more = f"; {st.n_jumps - SHOWN} more" if st.n_jumps > SHOWN else ""
    return [_finding(
        "lr-jump",
        f"the LR changes by more than x{_num(factor)} between consecutive steps at {st.n_jumps} step(s): "
        + "; ".join(parts) + more,
        [j[0] for j in st.jumps],
    )]  # fmt: skip
