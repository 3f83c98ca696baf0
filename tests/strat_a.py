"""Hypothesis strategies for the schedule families A (one per registered name).

Every strategy draws *valid* parameters broadly (zero values, end == init,
tiny and huge step counts, zero-length holds) and builds the schedule via
``lrcurves.get(name, **params)``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, strategies as st

import lrcurves
from lrcurves import Schedule

__all__ = ["STRATEGIES"]

values = st.one_of(
    st.just(0.0),
    st.just(1.0),
    st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False),
)
positive = st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False)
steps = st.one_of(st.just(1), st.integers(1, 20), st.integers(1, 10**6), st.just(10**9))
begins = st.one_of(st.just(0), st.integers(0, 50), st.integers(0, 10**6))
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def _get(name: str, **params: Any) -> Schedule:
    return lrcurves.get(name, **params)


@st.composite
def _cosine(draw: Any) -> Schedule:
    init = draw(values)
    end = draw(st.one_of(values, st.just(init)))
    return _get(
        "cosine_decay",
        init_value=init,
        decay_steps=draw(steps),
        end_value=end,
        exponent=draw(st.one_of(st.just(1.0), st.floats(0.05, 8.0))),
        transition_begin=draw(begins),
        # periods: the half cosine (default), configs' round numbers, and any float
        num_cycles=draw(
            st.one_of(
                st.just(0.5),
                st.sampled_from([0.0, 0.25, 1.0, 1.5, 2.0, 3.0, -1.5]),
                st.floats(0.01, 8.0).map(lambda c: round(c, 2)),
                st.floats(-20.0, 20.0),
            )
        ),
    )


@st.composite
def _exponential(draw: Any) -> Schedule:
    init = draw(values)
    rate = draw(
        st.one_of(
            st.floats(1e-6, 0.999999),
            st.just(1.0),
            st.just(0.5),
            st.floats(1.000001, 100.0),
        )
    )
    if rate > 1.0:
        end = draw(st.one_of(st.just(init), st.floats(init, init * 1e4 + 10.0)))
    elif rate == 1.0:
        end = draw(st.one_of(st.none(), st.just(init), st.floats(init, init + 10.0)))
    else:
        end = draw(st.one_of(st.none(), st.just(init), st.floats(0.0, init)))
    return _get(
        "exponential_decay",
        init_value=init,
        decay_rate=rate,
        transition_steps=draw(steps),
        transition_begin=draw(begins),
        staircase=draw(st.booleans()),
        end_value=end,
    )


@st.composite
def _step_decay(draw: Any) -> Schedule:
    return _get(
        "step_decay",
        init_value=draw(values),
        step_size=draw(steps),
        gamma=draw(st.one_of(st.just(0.0), st.just(1.0), unit)),
    )


@st.composite
def _multistep(draw: Any) -> Schedule:
    ms = sorted(draw(st.lists(st.one_of(st.integers(1, 100), st.integers(1, 10**9)), max_size=6)))
    if ms and draw(st.booleans()):
        ms.insert(0, ms[0])  # repeated milestone
    return _get(
        "multistep",
        init_value=draw(values),
        milestones=ms,
        gamma=draw(st.one_of(st.just(0.0), st.just(0.1), unit)),
    )


@st.composite
def _piecewise_constant(draw: Any) -> Schedule:
    bnd = sorted(draw(st.sets(st.one_of(st.integers(1, 100), st.integers(1, 10**9)), max_size=6)))
    vals = draw(st.lists(values, min_size=len(bnd) + 1, max_size=len(bnd) + 1))
    return _get("piecewise_constant", values=vals, boundaries=bnd)


@st.composite
def _tabulated(draw: Any) -> Schedule:
    return _get("tabulated", values=draw(st.lists(values, min_size=1, max_size=40)))


@st.composite
def _inverse_sqrt(draw: Any) -> Schedule:
    return _get("inverse_sqrt", init_value=draw(values), timescale=draw(steps))


@st.composite
def _inverse_time(draw: Any) -> Schedule:
    return _get(
        "inverse_time",
        init_value=draw(values),
        decay_rate=draw(st.one_of(st.just(0.0), st.floats(0.0, 100.0))),
        decay_steps=draw(steps),
        staircase=draw(st.booleans()),
    )


@st.composite
def _tanh(draw: Any) -> Schedule:
    lower = draw(st.one_of(st.just(-7.0), st.floats(-20.0, 5.0)))
    upper = draw(st.one_of(st.just(3.0), st.floats(-5.0, 20.0)).filter(lambda u: u > lower))
    init = draw(values)
    return _get(
        "tanh_decay",
        init_value=init,
        decay_steps=draw(steps),
        end_value=draw(st.one_of(values, st.just(init))),
        lower=lower,
        upper=upper,
    )


@st.composite
def _rex(draw: Any) -> Schedule:
    init = draw(values)
    return _get(
        "rex",
        init_value=init,
        decay_steps=draw(steps),
        end_value=draw(st.one_of(values, st.just(init))),
    )


@st.composite
def _linear_range_test(draw: Any) -> Schedule:
    return _get(
        "linear_range_test",
        init_value=draw(values),
        step_size=draw(steps),
        step_rate=draw(st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 100.0))),
        staircase=draw(st.booleans()),
    )


@st.composite
def _exponential_range_test(draw: Any) -> Schedule:
    init = draw(st.one_of(st.just(1e-7), positive))
    end = draw(st.floats(min_value=init, max_value=init * 1e6 + 10.0).filter(lambda e: e > init))
    return _get("exponential_range_test", init_value=init, end_value=end, num_steps=draw(steps))


@st.composite
def _polynomial_growth(draw: Any) -> Schedule:
    init = draw(values)
    n = draw(st.one_of(st.integers(1, 20), st.integers(1, 10**4), st.just(10**6)))
    power = draw(st.one_of(st.just(1.0), st.just(0.5), st.floats(0.05, 2.0)))
    if draw(st.booleans()):  # growth
        step = init + draw(values)
    else:  # a fall that ends at init * (1 - frac) >= 0
        step = init - init * draw(unit) / float(n) ** power
    try:
        return _get(
            "polynomial_growth",
            init_value=init,
            step_value=max(step, 0.0),
            power=power,
            transition_steps=n,
            transition_begin=draw(begins),
        )
    except ValueError:
        assume(False)  # the held value rounded below 0
        raise


@st.composite
def _chebyshev(draw: Any) -> Schedule:
    n = draw(st.one_of(st.integers(1, 16), st.integers(1, 300)))
    lo = draw(st.one_of(st.just(0.05), st.floats(1e-3, 1.0)))
    hi = draw(st.one_of(st.just(max(lo, 1.0)), st.floats(lo, 10.0)))
    order = draw(st.one_of(st.none(), st.lists(st.integers(0, n - 1), min_size=1, max_size=40)))
    return _get("chebyshev", base_value=draw(values), num_nodes=n, order=order, min_curvature=lo, max_curvature=hi)


STRATEGIES: dict[str, st.SearchStrategy[Schedule]] = {
    "cosine_decay": _cosine(),
    "exponential_decay": _exponential(),
    "step_decay": _step_decay(),
    "multistep": _multistep(),
    "piecewise_constant": _piecewise_constant(),
    "tabulated": _tabulated(),
    "inverse_sqrt": _inverse_sqrt(),
    "inverse_time": _inverse_time(),
    "tanh_decay": _tanh(),
    "rex": _rex(),
    "linear_range_test": _linear_range_test(),
    "exponential_range_test": _exponential_range_test(),
    "polynomial_growth": _polynomial_growth(),
    "chebyshev": _chebyshev(),
}
