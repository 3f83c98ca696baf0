"""``curve()`` evaluates long ranges a block at a time: still ``s(arange)`` bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from strategies import STRATEGIES, examples

import lrcurves
from lrcurves import _schedule

NAMES = sorted(STRATEGIES)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=examples(10), deadline=None)
@given(data=st.data())
def test_blocked_curve_is_the_schedule(name: str, data: st.DataObject) -> None:
    s = data.draw(STRATEGIES[name])
    block = data.draw(st.sampled_from([1, 7, 64]))
    start = data.draw(st.sampled_from([0, 3, 999, 10**6, 2**40]))
    n = data.draw(st.integers(1, 700))
    want = s(np.arange(start, start + n))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_schedule, "BLOCK", block)
        got = lrcurves.curve(s, n, start=start)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    if s.has_momentum:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(_schedule, "BLOCK", block)
            got_m = lrcurves.curve(s, n, start=start, momentum=True)
        np.testing.assert_array_equal(got_m, s.momentum(np.arange(start, start + n)))


def test_default_block_splits_long_curves() -> None:
    """A curve longer than BLOCK is cut into kernel calls of at most BLOCK steps."""
    calls: list[int] = []
    s = lrcurves.cosine_decay(1.0, decay_steps=10**6)
    spec = s.spec
    kernel = spec.lr

    def spy(xp, t, p):  # type: ignore[no-untyped-def]
        calls.append(int(t.shape[0]))
        return kernel(xp, t, p)

    object.__setattr__(spec, "lr", spy)
    try:
        n = 3 * _schedule.BLOCK + 5
        out = lrcurves.curve(s, n)
    finally:
        object.__setattr__(spec, "lr", kernel)
    assert max(calls) <= _schedule.BLOCK and sum(calls) >= n - 2  # flat steps may be filled
    np.testing.assert_array_equal(out, s(np.arange(n)))
