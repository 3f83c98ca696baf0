"""Hypothesis strategies for families B and the combinators (one per name).

Parameters are drawn broadly but always valid: zero values, equal bounds,
one-step cycles, zero-length phases, huge step counts, nested children.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import lrcurves
from lrcurves import Schedule

__all__ = ["STRATEGIES"]

values = st.one_of(
    st.just(0.0),
    st.just(1.0),
    st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e-20, max_value=1e-8, allow_nan=False, allow_infinity=False),  # tiny ends
)
cycle_sides = st.one_of(st.integers(1, 8), st.integers(1, 10**5), st.integers(10**5, 10**6))
positive = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)
steps = st.one_of(st.just(1), st.integers(1, 20), st.integers(1, 10**6), st.just(10**9))
small_steps = st.one_of(st.just(0), st.integers(0, 20), st.integers(0, 10**5))
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def _child(draw: Any, momentum: bool = False) -> Schedule:
    """A simple child schedule (with momentum when asked)."""
    if momentum:
        return lrcurves.cyclic(
            draw(values) * 0.1,
            1.0,
            step_size_up=draw(st.integers(1, 50)),
            base_momentum=0.8,
            max_momentum=0.95,
        )
    kind = draw(st.sampled_from(["constant", "linear", "polynomial"]))
    if kind == "constant":
        return lrcurves.constant(draw(values))
    if kind == "linear":
        return lrcurves.linear(draw(values), draw(values), transition_steps=draw(steps), transition_begin=draw(small_steps))
    return lrcurves.polynomial(draw(values), draw(values), transition_steps=draw(steps), power=draw(st.floats(0.1, 4.0)))


def _sorted2(draw: Any) -> tuple[float, float]:
    a, b = draw(values), draw(values)
    return (a, b) if a <= b else (b, a)


@st.composite
def _warmup(draw: Any) -> Schedule:
    shape = draw(st.sampled_from(["linear", "cosine", "exponential", "log"]))
    child = draw(_child(momentum=draw(st.booleans())))
    w = draw(st.one_of(st.just(0), st.integers(2, 50), st.integers(2, 10**6)))
    init = draw(positive) if shape == "exponential" else draw(values)
    peak = draw(st.one_of(st.just(None), positive if shape == "exponential" else values))
    if shape == "exponential" and peak is None:
        peak = draw(positive)
    return lrcurves.warmup(child, w, shape=shape, init_value=init, peak_value=peak)


@st.composite
def _cyclic(draw: Any) -> Schedule:
    lo, hi = _sorted2(draw)
    mom = draw(st.booleans())
    bm, mm = (sorted((draw(unit), draw(unit))) if mom else (None, None))
    return lrcurves.cyclic(
        lo,
        hi,
        # lopsided cycles (1e6 up, 4 down and the reverse) are where forms cancel
        step_size_up=draw(cycle_sides),
        step_size_down=draw(st.one_of(st.none(), cycle_sides)),
        mode=draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
        # gamma far from 1 as well as next to it
        gamma=draw(st.one_of(st.floats(min_value=0.5, max_value=1.0), st.floats(min_value=1e-3, max_value=0.5),
                             st.just(0.9999))),
        stairs_up=draw(st.one_of(st.just(0), st.integers(1, 20))),
        stairs_down=draw(st.one_of(st.none(), st.integers(0, 20))),
        base_momentum=bm,
        max_momentum=mm,
    )


@st.composite
def _one_cycle(draw: Any) -> Schedule:
    return lrcurves.one_cycle(
        draw(values),
        total_steps=draw(steps),
        pct_start=draw(unit),
        anneal=draw(st.sampled_from(["cos", "linear"])),
        div_factor=draw(st.floats(1.0, 1e3)),
        final_div_factor=draw(st.floats(1.0, 1e5)),
        three_phase=draw(st.booleans()),
        base_momentum=draw(unit),
        max_momentum=draw(unit),
        cycle_momentum=draw(st.booleans()),
    )


@st.composite
def _cosine_restarts(draw: Any) -> Schedule:
    lo, hi = _sorted2(draw)
    first = draw(st.integers(1, 10**4))
    rounding = draw(st.sampled_from(["exact", "floor", "log"]))
    mult = draw(st.one_of(st.just(1.0), st.just(2.0), st.floats(1.01, 4.0)))
    shape = draw(st.sampled_from(["cosine", "poly", "tanh"]))
    extra: dict[str, Any] = {}
    if shape == "poly":
        extra["exponent"] = draw(st.floats(0.25, 4.0))
    elif shape == "tanh":
        low = draw(st.floats(-8.0, 2.0))
        extra.update(lower=low, upper=low + draw(st.floats(0.5, 8.0)))
    return lrcurves.cosine_restarts(
        hi,
        first_cycle_steps=first,
        cycle_mult=mult,
        min_value=lo,
        peak_decay=draw(st.floats(min_value=0.1, max_value=1.0)),
        warmup_steps=draw(st.integers(0, first - 1)),
        cycle_rounding=rounding,
        progress_power=draw(st.one_of(st.just(1.0), st.floats(0.5, 2.0))),
        max_cycles=draw(st.one_of(st.none(), st.integers(1, 5))),
        shape=shape,
        **extra,
    )


@st.composite
def _wsd(draw: Any) -> Schedule:
    dshape = draw(st.sampled_from(["linear", "cosine", "1-sqrt", "1-square", "exponential"]))
    wshape = draw(st.sampled_from(["linear", "cosine", "exponential"]))
    expo = dshape == "exponential" or wshape == "exponential"
    return lrcurves.warmup_stable_decay(
        draw(positive) if expo else draw(values),
        warmup_steps=draw(small_steps),
        stable_steps=draw(small_steps),
        decay_steps=draw(small_steps),
        decay_shape=dshape,
        init_value=draw(positive) if wshape == "exponential" else draw(values),
        end_value=draw(positive) if dshape == "exponential" else draw(values),
        warmup_shape=wshape,
    )


@st.composite
def _join(draw: Any) -> Schedule:
    n = draw(st.integers(1, 4))
    kids = [draw(_child()) for _ in range(n)]
    b = sorted(set(draw(st.lists(st.integers(1, 10**6), min_size=n - 1, max_size=n - 1, unique=True))))
    return lrcurves.join(kids, boundaries=b)


@st.composite
def _scale(draw: Any) -> Schedule:
    child = draw(_child(momentum=draw(st.booleans())))
    factor = draw(values)
    lo = child.bounds()[0] * factor
    offset = draw(st.one_of(st.just(0.0), values, st.floats(-lo, 0.0) if lo > 0 else st.just(0.0)))
    return lrcurves.scale(child, factor, offset=offset)


@st.composite
def _clip(draw: Any) -> Schedule:
    child = draw(_child(momentum=draw(st.booleans())))
    lo, hi = _sorted2(draw)
    which = draw(st.sampled_from(["min", "max", "both"]))
    return lrcurves.clip(child, min_value=None if which == "max" else lo, max_value=None if which == "min" else hi)


@st.composite
def _repeat(draw: Any) -> Schedule:
    child = draw(_child(momentum=draw(st.booleans())))
    return lrcurves.repeat(child, draw(st.one_of(st.integers(1, 50), st.integers(1, 10**6))))


@st.composite
def _remap(draw: Any) -> Schedule:
    child = draw(_child())
    lo, hi = child.bounds()
    clamp = draw(st.booleans())
    # a child range narrower than float32 resolution is refused by remap: widen it
    i0, i1 = (lo, hi) if hi - lo > 1e-5 * max(abs(lo), abs(hi)) else (lo, lo + 1.0)
    if clamp:
        i0 = draw(st.floats(0.0, 5.0))
        i1 = i0 + draw(st.floats(1e-3, 5.0))
    return lrcurves.remap(child, in_min=i0, in_max=i1, out_min=draw(values), out_max=draw(values), clamp=clamp)


@st.composite
def _shift(draw: Any) -> Schedule:
    child = draw(_child(momentum=draw(st.booleans())))
    return lrcurves.shift(child, draw(st.one_of(st.just(0), st.integers(0, 60), st.integers(0, 10**9))))


@st.composite
def _with_momentum(draw: Any) -> Schedule:
    lo, hi = sorted((draw(unit), draw(unit)))
    mom = lrcurves.linear(hi, lo, transition_steps=draw(steps), transition_begin=draw(small_steps))
    return lrcurves.with_momentum(draw(_child()), mom)


@st.composite
def _product(draw: Any) -> Schedule:
    # one to three factors, any of them possibly with momentum (the product has none);
    # a multiplier in [0, 1] keeps products of large values in a sane range
    n = draw(st.integers(1, 3))
    kids = [draw(_child(momentum=draw(st.booleans()))) for _ in range(n)]
    if draw(st.booleans()):
        lo, hi = sorted((draw(unit), draw(unit)))
        kids.append(lrcurves.linear(hi, lo, transition_steps=draw(steps), transition_begin=draw(small_steps)))
    return lrcurves.product(kids)


STRATEGIES: dict[str, st.SearchStrategy[Schedule]] = {
    "shift": _shift(),
    "with_momentum": _with_momentum(),
    "warmup": _warmup(),
    "cyclic": _cyclic(),
    "one_cycle": _one_cycle(),
    "cosine_restarts": _cosine_restarts(),
    "warmup_stable_decay": _wsd(),
    "join": _join(),
    "scale": _scale(),
    "clip": _clip(),
    "repeat": _repeat(),
    "remap": _remap(),
    "product": _product(),
}
