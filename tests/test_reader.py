"""``CurveReader``: step-by-step reads equal ``curve()`` bit for bit, in any access order."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from strategies import STRATEGIES, examples, key_steps

import lrcurves
from lrcurves import CurveReader
from lrcurves._schedule import READ_MAX, READ_MIN

NAMES = sorted(STRATEGIES)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(15), deadline=None)
@given(data=st.data())
def test_in_order_reads_equal_curve(name: str, data: st.DataObject) -> None:
    s = data.draw(STRATEGIES[name])
    if s.param_shape:
        with pytest.raises(ValueError, match="sweep"):
            CurveReader(s)
        return
    start = data.draw(st.sampled_from([0, 1, 999, 10**6, 2**40]))
    n = 3 * READ_MAX // 2 + 7  # crosses chunk ends of every size
    r = CurveReader(s)
    got = [r(t) for t in range(start, start + n)]
    want = lrcurves.curve(s, n, start=start).tolist()
    assert got == want or np.array_equal(got, want, equal_nan=True)
    assert all(type(v) is float for v in got)
    if s.has_momentum:
        rm = CurveReader(s, momentum=True)
        assert [rm(t) for t in range(start, start + 300)] == lrcurves.curve(s, 300, start=start, momentum=True).tolist()


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(10), deadline=None)
@given(data=st.data())
def test_random_reads_equal_the_schedule_on_arrays(name: str, data: st.DataObject) -> None:
    s = data.draw(STRATEGIES[name])
    if s.param_shape:
        return
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    steps = key_steps(s) + [rng.randrange(0, 10**7) for _ in range(20)]
    rng.shuffle(steps)
    r = CurveReader(s)
    got = np.array([r(t) for t in steps])
    want = s(np.array(steps))  # the array path, in one call
    np.testing.assert_array_equal(got, want)


def test_chunks_grow_while_reading_in_order_and_reset_after_a_jump() -> None:
    s = lrcurves.cosine_decay(1.0, decay_steps=10**6)
    r = CurveReader(s)
    r(0)
    assert (r._lo, r._hi) == (0, READ_MIN)
    sizes = []
    for t in range(READ_MIN, 6 * READ_MAX):
        before = r._hi
        r(t)
        if r._hi != before:
            sizes.append(r._hi - r._lo)
    assert sizes[:3] == [4 * READ_MIN, 16 * READ_MIN, min(64 * READ_MIN, READ_MAX)]
    assert sizes[-1] == READ_MAX
    r(10**5)  # a jump: small again
    assert r._hi - r._lo == READ_MIN
    r(3)  # backwards: small again, correct value
    assert r(3) == float(s(np.array([3]))[0])


def test_steps_off_the_grid() -> None:
    s = lrcurves.linear(1.0, 0.0, transition_steps=8)
    r = CurveReader(s)
    assert r(-5) == r(0) == 1.0  # negative steps are step 0
    assert r(np.int32(2)) == 0.75 and r(np.uint64(4)) == 0.5  # NumPy integers are steps
    assert r(2.5) == float(s(np.asarray(2.5)))  # float steps: the array path at that step
    assert math.isnan(r(math.nan))
    huge = 2**62
    assert r(huge) == float(s(np.asarray(huge)))  # past the chunk limit: one value
    with pytest.raises(TypeError, match="Schedule"):
        CurveReader(lambda t: t)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no momentum"):
        CurveReader(s, momentum=True)
    with pytest.raises(ValueError, match="sweep"):
        CurveReader(lrcurves.constant([1.0, 2.0]))
    assert "linear" in repr(r) and r.schedule is s and r.momentum is False


def test_reader_is_exactly_the_curve_where_value_differs() -> None:
    """The scalar ``value()`` may differ from the array path by float order; readers follow ``curve()``."""
    s = lrcurves.cosine_decay(0.0, decay_steps=10**9, end_value=1.0, exponent=7.485558134125999, transition_begin=18)
    r = CurveReader(s)
    assert r(8907) == float(lrcurves.curve(s, 1, start=8907)[0])
