"""One hypothesis strategy per registered schedule name.

``STRATEGIES`` merges the family authors' ``strat_a.STRATEGIES`` and
``strat_b.STRATEGIES`` with the core ones defined here (``constant``,
``linear``, ``polynomial``).  A helper module that does not exist yet is
tolerated (the registry test then reports every name left without a
strategy); one that exists but fails to import is an error.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import lrcurves
from lrcurves import Schedule

__all__ = ["STRATEGIES", "examples", "key_steps", "schedules", "value_params"]


def examples(n: int) -> int:
    """``n`` hypothesis examples locally; ``LRCURVES_HYPOTHESIS_SCALE`` (default 4) times that in CI."""
    import os

    if not os.environ.get("CI"):
        return n
    return max(1, int(n * float(os.environ.get("LRCURVES_HYPOTHESIS_SCALE", "4"))))

HERE = Path(__file__).resolve().parent

# learning-rate-like values: zero, tiny, ordinary and large
values = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e-20, max_value=1e-8, allow_nan=False, allow_infinity=False),
)
step_counts = st.one_of(st.integers(1, 20), st.integers(1, 10**6))
begins = st.one_of(st.just(0), st.integers(0, 50), st.integers(0, 10**6))


@st.composite
def _polynomial(draw: Any) -> Schedule:
    return lrcurves.polynomial(
        init_value=draw(values),
        end_value=draw(values),
        transition_steps=draw(step_counts),
        power=draw(st.floats(min_value=0.05, max_value=8.0)),
        transition_begin=draw(begins),
        # k-decay (timm's poly k_decay): 1, ordinary, and large enough that T^k overflows
        progress_power=draw(st.one_of(st.just(1.0), st.floats(0.25, 4.0), st.floats(50.0, 200.0))),
    )


@st.composite
def _linear(draw: Any) -> Schedule:
    return lrcurves.linear(
        init_value=draw(values),
        end_value=draw(values),
        transition_steps=draw(step_counts),
        transition_begin=draw(begins),
    )


CORE: dict[str, st.SearchStrategy[Schedule]] = {
    "constant": st.builds(lrcurves.constant, values),
    "linear": _linear(),
    "polynomial": _polynomial(),
}


def _load(name: str) -> dict[str, st.SearchStrategy[Schedule]]:
    path = HERE / f"{name}.py"
    if not path.exists():
        return {}
    mod = sys.modules.get(name)
    if mod is None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            del sys.modules[name]
            raise
    return dict(getattr(mod, "STRATEGIES", {}))


STRATEGIES: dict[str, st.SearchStrategy[Schedule]] = {
    **_load("strat_a"),
    **_load("strat_b"),
    **CORE,
}


def schedules() -> st.SearchStrategy[Schedule]:
    """Any schedule of any registered name that has a strategy."""
    return st.one_of(*(STRATEGIES[n] for n in sorted(STRATEGIES)))


def key_steps(s: Schedule, *, huge: int = 10**10) -> list[int]:
    """Steps worth checking: the start, every phase boundary +-1, and ``huge``."""
    out = {0, 1, 2, huge - 1, huge}
    for b in s.phases():
        out.update(x for x in (b - 1, b, b + 1) if 0 <= x <= huge)
    return sorted(out)


VALUE_SUFFIXES = ("value", "_lr", "lr")


def value_params(s: Schedule) -> list[str]:
    """Names of the float, learning-rate-like parameters of ``s`` (sweep candidates)."""
    return [
        k
        for k, v in s.params.items()
        if isinstance(v, float) and not isinstance(v, bool) and k.endswith(VALUE_SUFFIXES)
    ]


