r"""LR finder analysis: smoothing, divergence, suggestions, plots (framework-free).

An LR *finder* (LR range test) trains a model for a few steps while the
learning rate sweeps from tiny to huge, records the training loss at every
step and picks a learning rate from the loss curve.  The sweep itself is a
core schedule (:func:`~lrcurves.exponential_range_test` or
:func:`~lrcurves.linear_range_test`, see :func:`range_test_schedule`); the
framework adapters run the model:

* PyTorch: :func:`lrcurves.adapters.torch_finder.find_lr`;
* JAX/optax: :func:`lrcurves.adapters.optax_finder.find_lr`.

Everything that looks at the losses lives here, once, for both: the
bias-corrected exponential smoothing and divergence test
(:class:`LossMonitor`), the driver loop (:func:`run_range_test`) and the
result (:class:`FinderResult`) with its suggestions, plot and JSON form.
This module imports only NumPy and the lrcurves core (matplotlib on the
first :meth:`FinderResult.plot`, tqdm when a progress bar is asked for).

Conventions, shared by every adapter:

* step ``i`` sets the learning rate to ``lrs[i]`` (the range-test schedule at
  step ``i``), computes the loss of that step's batch with the parameters
  left by steps ``0..i-1``, then updates with ``lrs[i]``: ``losses[i]`` is
  recorded *before* the update that uses ``lrs[i]`` (as fastai and
  Lightning record it);
* the smoothed loss is the bias-corrected exponential moving average
  :math:`a_i = \beta a_{i-1} + (1 - \beta) x_i`, :math:`a_{-1} = 0`,
  :math:`s_i = a_i / (1 - \beta^{i+1})` (:math:`\beta` = ``smoothing``);
* the run *diverges* at the first step whose loss is not finite or whose
  smoothed loss exceeds ``diverge_factor`` times the best smoothed loss so
  far; the run stops there, and suggestions use only the steps before it
  (no NaN ever reaches a suggestion).

>>> import numpy as np
>>> from lrcurves.finder import FinderResult
>>> lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
>>> losses = [1.0, 0.9, 0.5, 0.2, 3.0, float("nan")]
>>> r = FinderResult.from_losses(lrs, losses, smoothing=0.0)  # 3.0 > 4 * 0.2: diverged
>>> r.diverged_at, r.usable, r.suggest("min_div_10")
(4, 4, 0.01)
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lrcurves._config import from_config
from lrcurves._schedule import Schedule, curve, get
from lrcurves.schedules.range_test import exponential_range_test, linear_range_test
from lrcurves.validate import as_choice, as_int, as_value, brief

__all__ = [
    "FORMAT",
    "METHODS",
    "MIN_POINTS",
    "FinderResult",
    "FinderWarning",
    "LossMonitor",
    "range_test_schedule",
    "run_range_test",
    "smooth_losses",
]

#: Suggestion methods of :meth:`FinderResult.suggest`.
METHODS = ("steepest", "min_div_10", "valley")
#: Fewest usable (pre-divergence) points for any suggestion.
MIN_POINTS = 3
#: The ``"format"`` tag of :meth:`FinderResult.to_dict`.
FORMAT = "lrcurves.finder/1"
_MODES = ("exponential", "linear")


class FinderWarning(UserWarning):
    """The range test ended without a usable suggestion (it diverged at once)."""


# ---------------------------------------------------------------------------
# argument checks


def _check_smoothing(where: str, smoothing: Any) -> float:
    v = as_value(where, "smoothing", smoothing, min=0.0, allow_array=False)
    if v >= 1.0:
        raise ValueError(f"{where}: smoothing must be in [0, 1), got {brief(smoothing)}")
    return float(v)


def _check_diverge_factor(where: str, factor: Any) -> float:
    if isinstance(factor, (bool, np.bool_)) or not isinstance(factor, numbers.Real):
        raise TypeError(f"{where}: diverge_factor must be a real number > 1, got {brief(factor)}")
    v = float(factor)
    if not v > 1.0:  # NaN fails too; math.inf turns the ratio test off
        raise ValueError(f"{where}: diverge_factor must be > 1 (or math.inf), got {brief(factor)}")
    return v


def range_test_schedule(
    start_lr: float,
    end_lr: float,
    num_steps: int,
    mode: str = "exponential",
    *,
    where: str = "range_test_schedule",
) -> Schedule:
    """The core schedule of a range test: ``start_lr`` at step 0, ``end_lr`` at step ``num_steps - 1``.

    * ``"exponential"``: :func:`~lrcurves.exponential_range_test` with
      ``num_steps - 1`` steps (a geometric sweep, the usual LR finder);
    * ``"linear"``: :func:`~lrcurves.linear_range_test` with
      ``step_size = num_steps - 1`` and ``step_rate = end_lr / start_lr - 1``
      (equal additive increments).

    Both need ``start_lr > 0`` (the linear range test grows *from*
    ``start_lr`` in multiples of it) and ``end_lr > start_lr``.

    Args:
      start_lr: first learning rate, ``> 0``.
      end_lr: last learning rate, ``> start_lr``.
      num_steps: number of learning rates (optimizer steps), ``>= 2``.
      mode: ``"exponential"`` or ``"linear"``.
      where: the function name used in error messages.

    Examples:
      >>> import lrcurves
      >>> from lrcurves.finder import range_test_schedule
      >>> s = range_test_schedule(1e-3, 1.0, 4)
      >>> [round(float(v), 6) for v in lrcurves.curve(s, 4)]
      [0.001, 0.01, 0.1, 1.0]
      >>> [round(float(v), 6) for v in lrcurves.curve(range_test_schedule(1.0, 4.0, 4, "linear"), 4)]
      [1.0, 2.0, 3.0, 4.0]
    """
    mode = as_choice(where, "mode", mode, _MODES)
    n = as_int(where, "num_steps", num_steps, min=2)
    start = float(as_value(where, "start_lr", start_lr, min=0.0, min_open=True, allow_array=False))
    end = float(as_value(where, "end_lr", end_lr, min=0.0, min_open=True, allow_array=False))
    if not end > start:
        raise ValueError(f"{where}: end_lr must be > start_lr, got end_lr={end!r} and start_lr={start!r}")
    if mode == "exponential":
        return exponential_range_test(start, end, num_steps=n - 1)
    rate = end / start - 1.0
    if not rate <= 1e100:
        raise ValueError(f"{where}: end_lr / start_lr must be at most 1e100 in linear mode, got {end / start!r}")
    return linear_range_test(start, step_size=n - 1, step_rate=rate)


# ---------------------------------------------------------------------------
# smoothing and divergence


class LossMonitor:
    r"""Streaming bias-corrected smoothing and divergence test of a range test.

    Feed one loss per step to :meth:`update`; it returns ``True`` at the
    first divergent step: a loss that is not finite, or a smoothed loss above
    ``diverge_factor`` times the best smoothed loss seen so far (the rule
    assumes a positive loss; ``diverge_factor=math.inf`` keeps only the
    non-finite test).  :func:`smooth_losses`, :meth:`FinderResult.from_losses`
    and the adapters all use this class, so the smoothing is computed in one
    place.

    Args:
      smoothing: EMA factor :math:`\beta` in ``[0, 1)``; ``0`` is no smoothing.
      diverge_factor: divergence ratio, ``> 1`` (``math.inf`` allowed).

    Examples:
      >>> from lrcurves.finder import LossMonitor
      >>> m = LossMonitor(smoothing=0.5, diverge_factor=2.0)
      >>> [m.update(x) for x in (4.0, 2.0, 1.0, 9.0)]
      [False, False, False, True]
      >>> [round(s, 4) for s in m.smoothed]
      [4.0, 2.6667, 1.7143, 5.6]
      >>> m.diverged_at
      3
    """

    def __init__(self, smoothing: float = 0.98, diverge_factor: float = 4.0) -> None:
        self.smoothing = _check_smoothing("LossMonitor", smoothing)
        self.diverge_factor = _check_diverge_factor("LossMonitor", diverge_factor)
        self.losses: list[float] = []
        self.smoothed: list[float] = []
        self.best = math.inf
        self.diverged_at: int | None = None
        self._avg = 0.0
        self._decay = 1.0  # beta ** (number of losses seen)

    def update(self, loss: float) -> bool:
        """Record ``loss``; ``True`` when it diverges (at this step or before)."""
        x = float(loss)
        beta = self.smoothing
        self._avg = beta * self._avg + (1.0 - beta) * x
        self._decay *= beta
        s = self._avg / (1.0 - self._decay)
        i = len(self.losses)
        self.losses.append(x)
        self.smoothed.append(s)
        if self.diverged_at is not None:
            return True
        if not (math.isfinite(x) and math.isfinite(s)) or s > self.diverge_factor * self.best:
            self.diverged_at = i
            return True
        self.best = min(self.best, s)
        return False


def smooth_losses(losses: Sequence[float] | np.ndarray, smoothing: float = 0.98) -> np.ndarray:
    r"""The bias-corrected exponential moving average of ``losses`` (float64).

    :math:`a_i = \beta a_{i-1} + (1 - \beta) x_i`, :math:`a_{-1} = 0`,
    :math:`s_i = a_i / (1 - \beta^{i+1})`; ``smoothing=0`` returns the
    losses.  A non-finite loss makes every later value non-finite (the
    finder stops there).

    Examples:
      >>> from lrcurves.finder import smooth_losses
      >>> smooth_losses([2.0, 4.0], 0.5).tolist()  # (0.5*2 + 4) * 0.5 / 0.75
      [2.0, 3.3333333333333335]
    """
    m = LossMonitor(_check_smoothing("smooth_losses", smoothing), math.inf)
    for x in np.asarray(losses, dtype=np.float64).ravel().tolist():
        m.update(x)
    return np.asarray(m.smoothed, dtype=np.float64)


# ---------------------------------------------------------------------------
# suggestions


def _steepest(lrs: np.ndarray, sm: np.ndarray) -> int | None:
    g = np.gradient(sm, np.log(lrs))
    i = int(np.argmin(g))
    return i if g[i] < 0.0 else None


def _min_div_10(lrs: np.ndarray, sm: np.ndarray) -> int | None:
    return int(np.argmin(sm))


def _longest_descent(y: np.ndarray) -> tuple[int, int]:
    """First and last index of a longest strictly decreasing subsequence of ``y``.

    Patience sorting (O(n log n)).  Equal values are no descent: a plateau
    contributes its last point.  Of several longest ones, the one that ends
    first.
    """
    n = len(y)
    tails: list[int] = []  # tails[k]: the end (highest last value) of the best run of length k + 1
    prev = [-1] * n
    best_len, best_end = 0, 0
    for i in range(n):
        # the first run length whose best tail cannot be followed by y[i]
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if y[tails[mid]] > y[i]:
                lo = mid + 1
            else:
                hi = mid
        prev[i] = tails[lo - 1] if lo > 0 else -1
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
        if lo + 1 > best_len:
            best_len, best_end = lo + 1, i
    start = best_end
    while prev[start] != -1:
        start = prev[start]
    return start, best_end


def _valley(lrs: np.ndarray, sm: np.ndarray) -> int | None:
    a, b = _longest_descent(sm)
    if b == a:  # no descent at all
        return None
    return a + (2 * (b - a)) // 3


_SUGGEST: dict[str, Callable[[np.ndarray, np.ndarray], int | None]] = {
    "steepest": _steepest,
    "min_div_10": _min_div_10,
    "valley": _valley,
}


# ---------------------------------------------------------------------------
# the result


def _floats(where: str, name: str, v: Any, *, finite: bool) -> np.ndarray:
    vals = [_from_json_float(x) for x in v] if isinstance(v, (list, tuple)) else v
    try:
        a = np.array(vals, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{where}: {name} must be a 1-d sequence of numbers, got {brief(v)}") from exc
    if a.ndim != 1:
        raise ValueError(f"{where}: {name} must be 1-d, got shape {a.shape}")
    if finite and not np.all(np.isfinite(a)):
        raise ValueError(f"{where}: {name} must be finite, got {brief(a)}")
    a.setflags(write=False)
    return a


def _to_json_float(x: float) -> float | str:
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def _from_json_float(x: Any) -> Any:
    return float(x) if isinstance(x, str) and x in ("nan", "inf", "-inf") else x


@dataclass(frozen=True, eq=False)
class FinderResult:
    """The outcome of an LR range test: the curve, divergence and LR suggestions.

    Build one with :meth:`from_losses` (the adapters do); the fields are
    read-only float64 arrays of equal length, one entry per step run.

    Attributes:
      lrs: the learning rate of each step run (the sweep values; for torch
        param groups, the LR of the group with the largest initial LR).
      losses: raw training loss of each step (the last one may be NaN/inf:
        the step that diverged).
      smoothed: bias-corrected EMA of ``losses`` (:func:`smooth_losses`).
      diverged_at: index of the divergent step (not taken), or ``None`` when
        the sweep ran to the end.
      smoothing: the EMA factor used.
      diverge_factor: the divergence ratio used (``math.inf``: off).
      method: the default method of :attr:`suggestion`, one of :data:`METHODS`.
      sweep: the range-test schedule that produced ``lrs`` (``None`` when the
        LRs came from elsewhere).

    Examples:
      >>> import numpy as np
      >>> from lrcurves.finder import FinderResult
      >>> lrs = np.geomspace(1e-3, 1.0, 7)
      >>> r = FinderResult.from_losses(lrs, [5, 5, 4, 2, 1, 0.9, 0.95], smoothing=0.0)
      >>> r.diverged, round(r.suggest("steepest"), 6), round(r.suggest("min_div_10"), 6)
      (False, 0.031623, 0.031623)
      >>> FinderResult.from_json(r.to_json()) == r
      True
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    diverged_at: int | None = None
    smoothing: float = 0.98
    diverge_factor: float = 4.0
    method: str = "valley"
    sweep: Schedule | None = field(default=None)

    def __post_init__(self) -> None:
        where = "FinderResult"
        lrs = _floats(where, "lrs", self.lrs, finite=True)
        losses = _floats(where, "losses", self.losses, finite=False)
        smoothed = _floats(where, "smoothed", self.smoothed, finite=False)
        if not (len(lrs) == len(losses) == len(smoothed)):
            raise ValueError(
                f"{where}: lrs, losses and smoothed must have the same length, got "
                f"{len(lrs)}, {len(losses)} and {len(smoothed)}"
            )
        if np.any(lrs <= 0.0) or np.any(np.diff(lrs) <= 0.0):
            raise ValueError(f"{where}: lrs must be positive and strictly increasing, got {brief(lrs)}")
        d = self.diverged_at
        if d is not None:
            d = as_int(where, "diverged_at", d, min=0, max=max(len(lrs) - 1, 0))
        object.__setattr__(self, "lrs", lrs)
        object.__setattr__(self, "losses", losses)
        object.__setattr__(self, "smoothed", smoothed)
        object.__setattr__(self, "diverged_at", d)
        object.__setattr__(self, "smoothing", _check_smoothing(where, self.smoothing))
        object.__setattr__(self, "diverge_factor", _check_diverge_factor(where, self.diverge_factor))
        object.__setattr__(self, "method", as_choice(where, "method", self.method, METHODS))
        if self.sweep is not None and not isinstance(self.sweep, Schedule):
            raise TypeError(f"{where}: sweep must be a lrcurves Schedule or None, got {type(self.sweep).__name__}")

    @classmethod
    def from_losses(
        cls,
        lrs: Sequence[float] | np.ndarray,
        losses: Sequence[float] | np.ndarray,
        *,
        smoothing: float = 0.98,
        diverge_factor: float = 4.0,
        method: str = "valley",
        sweep: Schedule | None = None,
    ) -> FinderResult:
        """Smooth ``losses`` and find the divergence with :class:`LossMonitor`.

        ``losses`` may continue past the divergent step (a run recorded by
        your own loop): those points are kept but never used by suggestions.
        """
        where = "FinderResult.from_losses"
        raw = _floats(where, "losses", losses, finite=False)
        m = LossMonitor(_check_smoothing(where, smoothing), _check_diverge_factor(where, diverge_factor))
        for x in raw.tolist():
            m.update(x)
        return cls(
            lrs=np.asarray(lrs, dtype=np.float64),
            losses=raw,
            smoothed=np.asarray(m.smoothed, dtype=np.float64),
            diverged_at=m.diverged_at,
            smoothing=smoothing,
            diverge_factor=diverge_factor,
            method=method,
            sweep=sweep,
        )

    # -- analysis -------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """Whether the run stopped at a divergent step."""
        return self.diverged_at is not None

    @property
    def usable(self) -> int:
        """Number of leading points the suggestions use (the steps before the divergence)."""
        return len(self.lrs) if self.diverged_at is None else self.diverged_at

    def suggest(self, method: str | None = None) -> float | None:
        """A learning rate read off the smoothed curve of the usable points.

        * ``"steepest"``: the LR where the smoothed loss falls fastest per
          unit of ``log(lr)`` (most negative ``np.gradient``); ``None`` when
          it never falls;
        * ``"min_div_10"``: the LR of the lowest smoothed loss, divided by 10;
        * ``"valley"``: take a longest strictly decreasing subsequence of the
          smoothed loss (the longest descending stretch, skipping bumps) from
          its first to its last index, and return the LR two thirds of the
          way along it (in steps, rounded down); a plateau of equal losses
          is no descent.  ``None`` when the loss never decreases.

        Every method returns ``None`` when fewer than :data:`MIN_POINTS`
        points come before the divergence (see :meth:`describe`).

        Args:
          method: one of :data:`METHODS`; ``None`` uses :attr:`method`.
        """
        method = as_choice("FinderResult.suggest", "method", self.method if method is None else method, METHODS)
        n = self.usable
        if n < MIN_POINTS:
            return None
        lrs, sm = self.lrs[:n], self.smoothed[:n]
        i = _SUGGEST[method](lrs, sm)
        if i is None:
            return None
        lr = float(lrs[i])
        return lr / 10.0 if method == "min_div_10" else lr

    @property
    def suggestion(self) -> float | None:
        """:meth:`suggest` with the default :attr:`method`."""
        return self.suggest()

    def describe(self) -> str:
        """One line: steps run, divergence and the suggestion (or why there is none)."""
        n = len(self.lrs)
        div = (
            f"diverged at step {self.diverged_at} (lr={self.lrs[self.diverged_at]:.3g})"
            if self.diverged_at is not None
            else "did not diverge"
        )
        s = self.suggestion
        if s is not None:
            return f"{n} steps, {div}; suggested lr {s:.3g} ({self.method})"
        if self.usable < MIN_POINTS:
            why = (
                f"only {self.usable} point(s) before the divergence (need {MIN_POINTS}): "
                "lower start_lr, or check the loss at the starting parameters"
            )
        else:
            why = "the smoothed loss never decreases: raise end_lr or num_steps"
        return f"{n} steps, {div}; no suggestion ({self.method}): {why}"

    def peak_value(self, method: str | None = None, *, scale: float = 1.0) -> float:
        """The suggestion times ``scale``, as a schedule's peak learning rate.

        Raises:
          ValueError: when there is no suggestion (:meth:`describe` says why).
        """
        s = self.suggest(method)
        if s is None:
            raise ValueError(f"FinderResult.peak_value: no suggestion; {self.describe()}")
        return s * float(as_value("FinderResult.peak_value", "scale", scale, min=0.0, min_open=True, allow_array=False))

    def to_schedule(
        self,
        factory: Callable[..., Schedule] | str,
        /,
        *,
        method: str | None = None,
        scale: float = 1.0,
        param: str = "peak_value",
        **params: Any,
    ) -> Schedule:
        """A schedule whose ``param`` (``peak_value`` by default) is :meth:`peak_value`.

        ``factory`` is a schedule factory (``lrcurves.warmup_cosine``,
        ``lrcurves.one_cycle``, ...) or a registered name (``lrcurves.get``);
        ``params`` are its other arguments.  Use ``param="init_value"`` for
        decays that start at their peak (``cosine_decay``).

        Examples:
          >>> import numpy as np, lrcurves
          >>> from lrcurves.finder import FinderResult
          >>> r = FinderResult.from_losses(np.geomspace(1e-3, 1.0, 4), [3.0, 2.0, 1.0, 2.5], smoothing=0.0)
          >>> r.to_schedule(lrcurves.warmup_cosine, method="min_div_10", warmup_steps=10, total_steps=100).bounds()
          (0.0, 0.01)
        """
        kw = {param: self.peak_value(method, scale=scale), **params}
        if isinstance(factory, str):
            return get(factory, **kw)
        if not callable(factory):
            raise TypeError(f"FinderResult.to_schedule: factory must be callable or a schedule name, got {factory!r:.80}")
        return factory(**kw)

    # -- plot -----------------------------------------------------------------
    def plot(self, ax: Any = None, path: Any = None, *, method: str | None = None) -> Any:
        """Plot the loss against the learning rate (log x axis); returns the ``Axes``.

        Raw losses are drawn faint, the smoothed curve solid; the suggestion
        (of ``method``, default :attr:`method`) is a red dot with its value,
        the divergent step a cross.  The y range follows the smoothed curve
        of the usable points, so neither the exploding tail nor single raw
        spikes flatten it.  matplotlib is
        imported here (``pip install 'lrcurves[plot]'``); without ``ax`` the
        figure is a bare ``Figure`` (no pyplot, no display needed).

        Args:
          ax: draw on this axes instead of a new figure.
          path: also save the figure there (``savefig``).
          method: the suggestion to mark; default :attr:`method`.
        """
        if ax is None:
            from lrcurves.plotting import _figure_class

            fig = _figure_class()(figsize=(7.0, 4.0), layout="constrained")
            ax = fig.subplots()
        fig = ax.figure
        lrs, raw, sm = self.lrs, self.losses, self.smoothed
        ok = np.isfinite(raw) & np.isfinite(sm)
        ax.plot(lrs[ok], raw[ok], color="C0", alpha=0.3, lw=1.0, label="loss")
        ax.plot(lrs[ok], sm[ok], color="C0", lw=2.0, label=f"smoothed (beta={self.smoothing:g})")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        n = self.usable
        if n > 0:  # the smoothed usable curve sets the range (raw spikes may be clipped)
            top = sm[:n][np.isfinite(sm[:n])]
            low = np.concatenate([top, raw[:n][np.isfinite(raw[:n])]])
            if top.size:
                lo, hi = float(low.min()), float(top.max())
                pad = 0.05 * (hi - lo) if hi > lo else 0.05 * max(abs(hi), 1.0)
                ax.set_ylim(lo - pad, hi + pad)
        if self.diverged_at is not None:
            d = self.diverged_at
            ax.axvline(lrs[d], color="0.5", ls=":", lw=1.0)
            y = sm[d] if np.isfinite(sm[d]) else (sm[:n].max() if n else 0.0)
            ax.plot([lrs[d]], [min(y, ax.get_ylim()[1])], "x", color="0.3", ms=8,
                    label=f"diverged (lr={lrs[d]:.3g})")
        meth = self.method if method is None else method
        s = self.suggest(meth)
        if s is not None:
            y = float(np.interp(math.log(s), np.log(lrs[:n]), sm[:n]))
            if meth == "min_div_10":  # mark the minimum as well
                j = int(np.argmin(sm[:n]))
                ax.plot([lrs[j]], [sm[j]], "o", color="0.3", ms=5, mfc="none", label="minimum")
            ax.plot([s], [y], "o", color="C3", ms=8, zorder=5, label=f"{meth}: {s:.3g}")
        else:
            ax.set_title(f"no suggestion ({meth})", fontsize=9)
        ax.legend(fontsize=8, loc="best")
        ax.grid(True, which="both", alpha=0.2)
        if path is not None:
            fig.savefig(path, dpi=110)
        return ax

    # -- serialisation --------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; non-finite losses are written as ``"nan"``/``"inf"``."""
        return {
            "format": FORMAT,
            "lrs": self.lrs.tolist(),
            "losses": [_to_json_float(x) for x in self.losses.tolist()],
            "smoothed": [_to_json_float(x) for x in self.smoothed.tolist()],
            "diverged_at": self.diverged_at,
            "smoothing": self.smoothing,
            "diverge_factor": _to_json_float(self.diverge_factor),
            "method": self.method,
            "sweep": None if self.sweep is None else self.sweep.to_config(),
            "suggestion": self.suggestion,  # informational; not read back
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FinderResult:
        """Rebuild a result from :meth:`to_dict` output (checked like the constructor)."""
        where = "FinderResult.from_dict"
        if not isinstance(d, Mapping):
            raise TypeError(f"{where}: expected a dict, got {type(d).__name__}")
        if d.get("format") != FORMAT:
            raise ValueError(f"{where}: format must be {FORMAT!r}, got {brief(d.get('format'))}")
        missing = [k for k in ("lrs", "losses", "smoothed") if k not in d]
        if missing:
            raise ValueError(f"{where}: missing keys {missing}")
        sweep = d.get("sweep")
        return cls(
            lrs=_floats(where, "lrs", d["lrs"], finite=True),
            losses=_floats(where, "losses", d["losses"], finite=False),
            smoothed=_floats(where, "smoothed", d["smoothed"], finite=False),
            diverged_at=d.get("diverged_at"),
            smoothing=d.get("smoothing", 0.98),
            diverge_factor=_from_json_float(d.get("diverge_factor", 4.0)),
            method=d.get("method", "valley"),
            sweep=None if sweep is None else from_config(sweep),
        )

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as strict JSON (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    @classmethod
    def from_json(cls, text: str) -> FinderResult:
        """Rebuild a result from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FinderResult):
            return NotImplemented
        return (
            all(
                np.array_equal(a, b, equal_nan=True)
                for a, b in ((self.lrs, other.lrs), (self.losses, other.losses), (self.smoothed, other.smoothed))
            )
            and (self.diverged_at, self.smoothing, self.diverge_factor, self.method, self.sweep)
            == (other.diverged_at, other.smoothing, other.diverge_factor, other.method, other.sweep)
        )

    __hash__ = None  # type: ignore[assignment]  # holds arrays

    def __repr__(self) -> str:
        s = self.suggestion
        return (
            f"FinderResult(steps={len(self.lrs)}, diverged_at={self.diverged_at}, "
            f"suggestion={None if s is None else float(f'{s:.6g}')}, method={self.method!r})"
        )


# ---------------------------------------------------------------------------
# the driver loop shared by the adapters


def _micro_batches(where: str, batches: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Groups of ``size`` batches, restarting ``batches`` (``iter()`` again) when it runs out.

    A one-shot iterator (a generator) cannot restart: running out of it is a
    :class:`ValueError`, as is an iterable that yields nothing.
    """
    if isinstance(batches, (str, bytes)) or not isinstance(batches, Iterable):
        raise TypeError(f"{where}: batches must be an iterable of batches, got {brief(batches)}")
    one_shot = iter(batches) is batches
    it = iter(batches)
    seen = 0
    while True:
        group: list[Any] = []
        while len(group) < size:
            try:
                group.append(next(it))
                seen += 1
            except StopIteration:
                if seen == 0:
                    raise ValueError(f"{where}: batches is empty, got {brief(batches)}") from None
                if one_shot:
                    raise ValueError(
                        f"{where}: batches ran out after {seen} batches and cannot be restarted "
                        f"(a one-shot iterator, {type(batches).__name__}); pass a re-iterable "
                        "(a list, a DataLoader) or at least num_steps * accumulation_steps batches"
                    ) from None
                it = iter(batches)
                before = seen
                try:
                    group.append(next(it))
                    seen += 1
                except StopIteration:
                    raise ValueError(f"{where}: batches yielded nothing when restarted after {before} batches") from None
        yield group


def run_range_test(
    step: Callable[[float, list[Any]], float],
    batches: Iterable[Any],
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    mode: str = "exponential",
    smoothing: float = 0.98,
    diverge_factor: float = 4.0,
    accumulation_steps: int = 1,
    method: str = "valley",
    progress: bool = False,
    where: str = "run_range_test",
    on_start: Callable[[], None] | None = None,
) -> FinderResult:
    """Drive a range test: the framework-free loop behind every ``find_lr``.

    For ``i`` in ``0..num_steps-1``: ``loss = step(lrs[i], micro_batches)``
    with ``accumulation_steps`` batches; :class:`LossMonitor` smooths it and
    the loop stops at the first divergent step.  ``step`` must set the
    learning rate, compute the (mean) loss over the micro-batches *before*
    updating, then update -- unless the loss is not finite or the caller
    does not want the update taken; the loop calls nothing after a
    divergent step, so ``step`` may update unconditionally (the adapters
    restore the model anyway).

    ``batches`` is restarted with ``iter()`` whenever it runs out (a list or
    a ``DataLoader`` cycles; a generator that runs out raises
    :class:`ValueError`).  All arguments are checked (a :class:`ValueError`
    naming ``where``, the parameter and the value) before ``on_start`` or
    ``step`` runs.  A :class:`FinderWarning` is issued when the result has no
    suggestion because the run diverged within :data:`MIN_POINTS` steps.

    Examples:
      >>> from lrcurves.finder import run_range_test
      >>> w = [4.0]  # minimise w**2 by gradient descent: diverges for lr > 1
      >>> def step(lr, batch):
      ...     loss = w[0] ** 2
      ...     w[0] -= lr * 2 * w[0]
      ...     return loss
      >>> r = run_range_test(step, [None], start_lr=1e-3, end_lr=10.0, num_steps=40, smoothing=0.5)
      >>> r.diverged, 0.01 < r.suggest("steepest") < 1.0
      (True, True)
    """
    sweep = range_test_schedule(start_lr, end_lr, num_steps, mode, where=where)
    n = int(num_steps)
    smoothing = _check_smoothing(where, smoothing)
    diverge_factor = _check_diverge_factor(where, diverge_factor)
    acc = as_int(where, "accumulation_steps", accumulation_steps, min=1)
    method = as_choice(where, "method", method, METHODS)
    if not callable(step):
        raise TypeError(f"{where}: step must be callable, got {brief(step)}")
    lrs = curve(sweep, n)  # float64, the schedule's own values
    if not np.all(np.diff(lrs) > 0.0):
        raise ValueError(
            f"{where}: the sweep from start_lr={start_lr!r} to end_lr={end_lr!r} in {n} steps "
            "repeats learning rates in float64; widen the range or take fewer steps"
        )
    stream = _micro_batches(where, batches, acc)
    monitor = LossMonitor(smoothing, diverge_factor)
    if on_start is not None:
        on_start()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="find_lr", unit="step", leave=False)
    try:
        for i in range(n):
            lr = float(lrs[i])
            loss = step(lr, next(stream))
            stop = monitor.update(loss)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(lr=f"{lr:.3g}", loss=f"{monitor.smoothed[-1]:.4g}", refresh=False)
            if stop:
                break
    finally:
        if bar is not None:
            bar.close()
    k = len(monitor.losses)
    result = FinderResult(
        lrs=lrs[:k],
        losses=np.asarray(monitor.losses, dtype=np.float64),
        smoothed=np.asarray(monitor.smoothed, dtype=np.float64),
        diverged_at=monitor.diverged_at,
        smoothing=smoothing,
        diverge_factor=diverge_factor,
        method=method,
        sweep=sweep,
    )
    if result.usable < MIN_POINTS:
        warnings.warn(f"{where}: {result.describe()}", FinderWarning, stacklevel=2)
    return result
