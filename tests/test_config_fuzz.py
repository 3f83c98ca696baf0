"""Configs are hostile input: fuzz ``from_config`` with mutated valid configs.

Every registered schedule gives valid configs (``to_config()`` of the
hypothesis strategies in ``strategies.py``), and every foreign format a few
hand-written ones; each example takes one and mutates it one to four times
(drop or add keys, swap types, huge / negative / NaN / overflowing numbers,
lists where scalars belong, non-string keys, deep nesting of lists, dicts
and schedules, long lists) and feeds it to :func:`lrcurves.from_config` as
a dict, a JSON string or a file.  The contract:

* ``from_config`` returns a :class:`Schedule` or raises ``ValueError`` /
  ``TypeError`` with a short message -- never another exception, never the
  "internal error" safety net of ``lrcurves._config`` (that would be a
  validator missing a check);
* a schedule it returns evaluates in bounded time: no NaN at a finite step,
  nothing negative (in float64 and in float32 steps), every value inside
  ``bounds()``, the scalar path equal to the array path, ``curve`` equal to
  the kernel, and ``to_config`` / pickle round trips equal.

Budget: ``LRCURVES_FUZZ_EXAMPLES`` mutated configs (10,000 in CI, where the
``ci`` hypothesis profile is derandomized, 1,000 locally), plus a twentieth as
many random JSON structures and as many random parameter dicts.
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import re
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from strategies import STRATEGIES

import lrcurves
from lrcurves import Schedule

CI = bool(os.environ.get("CI"))
MUTATED = int(os.environ.get("LRCURVES_FUZZ_EXAMPLES", "10000" if CI else "1000"))
RANDOM = max(MUTATED // 20, 50)
BOUNDS_REL = 1e-12
SECONDS_PER_CONFIG = 5.0  # bounded time: generous for a loaded 2-core CI machine

FUZZ = settings(
    max_examples=MUTATED,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    deadline=None,
)

# -- valid starting points -----------------------------------------------------

FOREIGN: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"type": "OneCycle", "params": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 30,
                                     "cycle_first_stair_count": 4, "decay_step_size": 10, "decay_lr_rate": 0.5}}, {}),
    ({"type": "LRRangeTest", "params": {"lr_range_test_min_lr": 1e-4, "lr_range_test_step_size": 7,
                                        "lr_range_test_staircase": True}}, {}),
    ({"type": "WarmupLR", "params": {"warmup_min_lr": 1e-4, "warmup_max_lr": 0.02, "warmup_num_steps": 50}}, {}),
    ({"type": "WarmupDecayLR", "params": {"total_num_steps": 120, "warmup_num_steps": 30}}, {"base_lr": 0.1}),
    ({"type": "WarmupCosineLR", "params": {"total_num_steps": 150, "warmup_num_steps": 20,
                                           "warmup_min_ratio": 0.1}}, {"base_lr": 0.1}),
    ({"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 5}},
      "optimizer": {"type": "Adam", "params": {"lr": 0.01}}}, {"base_lr": 0.01}),
    ({"colossalai": "CosineAnnealingWarmupLR", "params": {"total_steps": 100, "warmup_steps": 10}}, {"base_lr": 0.1}),
    ({"colossalai": "OneCycleLR", "params": {"total_steps": 100}}, {"base_lr": 0.1}),
    ({"colossalai": "MultiStepWarmupLR", "params": {"total_steps": 100, "warmup_steps": 5,
                                                    "milestones": [20, 50]}}, {"base_lr": 0.1}),
    ({"colossalai": "PolynomialWarmupLR", "params": {"total_steps": 100, "warmup_steps": 5, "power": 2.0}},
     {"base_lr": 0.1}),
    ({"pytorch_optimizer": "poly", "params": {"t_max": 1000, "max_lr": 1.0, "poly_order": 0.3}}, {}),
    ({"pytorch_optimizer": "cosine_annealing_with_warmup", "params": {"first_cycle_steps": 50, "cycle_mult": 1.5,
                                                                      "warmup_steps": 5}}, {}),
    ({"pytorch_optimizer": "chebyshev", "params": {"num_epochs": 20}}, {}),
    ({"pytorch_optimizer": "warmup_stable_decay", "params": {"num_warmup_steps": 5, "num_stable_steps": 10,
                                                             "num_decay_steps": 20}}, {}),
    ({"pytorch_optimizer": "proportion", "params": {
        "lr_schedule": {"name": "linear", "params": {"init_value": 0.1, "end_value": 0.01, "transition_steps": 10}},
        "max_lr": 0.1, "min_lr": 0.01, "max_value": 2.0, "min_value": 0.5}}, {}),
    ({"torch": "OneCycleLR", "max_lr": 0.1, "total_steps": 100}, {"base_lr": 0.1}),
    ({"torch": "CosineAnnealingWarmRestarts", "T_0": 10, "T_mult": 2}, {"base_lr": 0.1}),
    ({"torch": "SequentialLR", "schedulers": [{"torch": "LinearLR", "total_iters": 5},
                                              {"torch": "StepLR", "step_size": 3}], "milestones": [5]},
     {"base_lr": 0.1}),
]



F32_MAX = float(np.finfo(np.float32).max)


def beyond_float32(s: Schedule) -> bool:
    """Whether a parameter or a value of ``s`` is past float32's range (inf, maybe inf - inf, there)."""
    if s.bounds()[1] > F32_MAX / 16:
        return True
    nums = [x for x in _walk(s.to_config()) if isinstance(x, (int, float)) and not isinstance(x, bool)]
    return any(abs(x) > F32_MAX / 16 for x in nums)


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)


# every parameter name a registered schedule or a foreign format knows
PARAM_NAMES = sorted(
    {p for n in lrcurves.names() for p in lrcurves.spec(n).parameters}
    | {k for cfg, _ in FOREIGN for d in _walk(cfg) if isinstance(d, dict) for k in d}
)
CHOICES = ["linear", "cos", "cosine", "log", "exponential", "exact", "floor", "triangular", "triangular2",
           "exp_range", "1-sqrt", "1-square", "auto", "OneCycle", "WarmupLR", "poly", "StepLR", "", "x" * 200]

HUGE_INTS = [2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**62, 2**62 + 1, 2**63 - 1, 2**63, 2**64, 10**19, 10**400, -(2**63)]
ODD_FLOATS = [0.0, -0.0, -1.0, 1e-320, 5e-324, 1e-20, 1e300, 1.7e308, -1e300, math.nan, math.inf, -math.inf,
              0.5, 1.0 + 2**-52, 1e7, 1e10, 0.9999999, 1.0000001]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**6),
    st.sampled_from(HUGE_INTS),
    st.floats(),
    st.sampled_from(ODD_FLOATS),
    st.text(max_size=8),
    st.sampled_from(CHOICES),
)
hostile = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=4), scalars, max_size=3),
    st.lists(st.floats(0, 10), min_size=0, max_size=70),  # past the fast-path threshold of tables
)


def core_config() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(*(STRATEGIES[n] for n in sorted(STRATEGIES))).map(lambda s: s.to_config())


def _slots(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every ``(container, key)`` in a JSON tree, the containers themselves included."""
    stack = [node]
    while stack:
        n = stack.pop()
        items = n.items() if isinstance(n, dict) else enumerate(n) if isinstance(n, list) else ()
        for k, v in items:
            out.append((n, k))
            if isinstance(v, (dict, list)):
                stack.append(v)
    return out


def _nest(v: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        v = [v] if kind == "list" else {"name": "scale", "params": {"schedule": v}} if kind == "schedule" else {"a": v}
    return v


def _float(n: int) -> float:
    return float(n) if abs(n) < 2**1000 else math.inf


def _times(cur: int | float, f: float) -> int | float:
    """``cur * f`` of ``cur``'s type (infinities stay floats)."""
    v = _float(cur) * f if isinstance(cur, int) else cur * f
    if isinstance(cur, float) or not math.isfinite(v):
        return v
    return int(v) if f == int(f) else max(int(v), 1)


@st.composite
def mutated(draw: Any) -> tuple[Any, dict[str, Any]]:
    """A valid config (core or foreign), mutated one to four times."""
    if draw(st.integers(0, 4)) == 0:
        base, kwargs = draw(st.sampled_from(FOREIGN))
        kwargs = dict(kwargs)
        if draw(st.booleans()):
            kwargs["base_lr"] = draw(st.one_of(st.sampled_from([None, 0.1, -1.0, math.nan, 10**400, "x", [0.1]]),
                                               st.floats()))
    else:
        base, kwargs = draw(core_config()), {}
    cfg: Any = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(cfg, [])
        op = draw(st.sampled_from(
            ["drop", "add", "replace", "replace", "wrap", "unwrap", "deep", "nonstr", "schedule",
             "wrap_schedule", "long", "retype", "tweak", "tweak", "tweak", "tweak", "tweak"]
        ))
        if op == "wrap_schedule" or not slots:
            depth = draw(st.sampled_from([1, 2, 10, 62, 63, 64, 65, 100, 300]))
            cfg = _nest(cfg, depth, draw(st.sampled_from(["schedule", "list", "dict"])))
            continue
        parent, key = draw(st.sampled_from(slots))
        if (isinstance(parent, dict) and key not in parent) or (isinstance(parent, list) and key >= len(parent)):
            continue  # an earlier mutation removed it
        cur = parent[key]
        if op == "drop":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from([*PARAM_NAMES, "name", "params", "type", "$npy", "torch", "colossalai"]))] = (
                draw(hostile)
            )
        elif op == "replace":
            parent[key] = draw(hostile)
        elif op == "wrap":
            parent[key] = [cur]
        elif op == "unwrap" and isinstance(cur, (list, dict)) and cur:
            parent[key] = next(iter(cur.values())) if isinstance(cur, dict) else cur[0]
        elif op == "deep":
            parent[key] = _nest(cur, draw(st.sampled_from([3, 40, 300, 3000])),
                                draw(st.sampled_from(["list", "dict", "schedule"])))
        elif op == "nonstr" and isinstance(parent, dict):
            parent[draw(st.sampled_from([1, 0.5, None, (1, 2), b"x", True]))] = cur
        elif op == "schedule":
            parent[key] = draw(core_config())
        elif op == "long":
            n = draw(st.sampled_from([100, 5000]))
            parent[key] = [cur] * n if not isinstance(cur, (dict, list)) else [1.0] * n
        elif op == "tweak" and isinstance(cur, (int, float)) and not isinstance(cur, bool):
            # same type, extreme magnitude: mostly still valid, so evaluation gets exercised
            f = draw(st.sampled_from([0, 0.5, 2, 3, 1e-3, 1e3, 1e6, 1e9, 2**31, 2**40, 1e-9]))
            parent[key] = draw(st.sampled_from([_times(cur, f), cur + 1, max(cur - 1, 0),
                                                1 if isinstance(cur, int) else 1e-12]))
        elif op == "retype":
            if isinstance(cur, bool):
                parent[key] = int(cur)
            elif isinstance(cur, int):
                parent[key] = draw(st.sampled_from([_float(cur), str(cur), _float(cur) + 0.5, -cur - 1, [cur]]))
            elif isinstance(cur, float):
                parent[key] = draw(st.sampled_from([int(cur) if math.isfinite(cur) else 0, str(cur), -cur - 1.0,
                                                    cur * 1e300, [cur], cur != 0]))
            elif isinstance(cur, str):
                parent[key] = draw(st.sampled_from([cur.upper(), cur + " ", [cur], 1, None]))
    return cfg, kwargs


@st.composite
def random_params(draw: Any) -> tuple[Any, dict[str, Any]]:
    """A registered name with a random subset of its parameters, each a random value."""
    name = draw(st.sampled_from(lrcurves.names()))
    params = {p: draw(st.one_of(hostile, core_config())) for p in lrcurves.spec(name).parameters
              if draw(st.booleans())}
    return {"name": name, "params": params}, {}


json_trees = st.recursive(
    scalars,
    lambda c: st.one_of(
        st.lists(c, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(["name", "params", "type", "scheduler"])),
                        c, max_size=4),
    ),
    max_leaves=25,
)

# -- the contract ----------------------------------------------------------------

STATS: dict[str, int] = {"accepted": 0, "rejected": 0}


def load(cfg: Any, kwargs: dict[str, Any], via: str) -> Schedule | None:
    """``from_config`` through ``via`` (dict, JSON string or file); ``None`` when rejected cleanly."""
    src: Any = cfg
    path = None
    if via != "dict":
        try:
            text = json.dumps(cfg)
        except (TypeError, ValueError, RecursionError):
            text = None  # not JSON-serialisable (non-string keys, cycles): stay a dict
        if text is not None and via == "string" and text.lstrip().startswith(("{", "[")):
            src = text
        elif text is not None and via == "file":
            fd, path = tempfile.mkstemp(suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            src = path
    try:
        return lrcurves.from_config(src, **kwargs)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert "internal error" not in msg, f"safety net caught a raw exception: {msg}\nconfig: {_short(cfg)}"
        assert 0 < len(msg) <= 2000, f"unclear or enormous message ({len(msg)} chars): {msg[:300]}"
        STATS["rejected"] += 1
        return None
    finally:
        if path is not None:
            os.unlink(path)


def _short(cfg: Any) -> str:
    try:
        return json.dumps(cfg)[:600]
    except Exception:
        return repr(cfg)[:600]


def probe_steps(s: Schedule) -> list[int]:
    out = {0, 1, 2, 3, 7, 10, 99, 100, 101, 1000, 10**4, 10**6, 2**24 + 1, 2**31 - 1, 2**31, 2**40, 2**53 + 1,
           2**62}
    for b in s.phases()[:16]:
        out.update(x for x in (b - 1, b, b + 1) if 0 <= x <= 2**62)
    return sorted(out)


def exercise(s: Schedule) -> None:
    """Everything a user does with a schedule, bounded in time, values sane."""
    t0 = time.perf_counter()
    assert isinstance(s, Schedule)
    repr(s)
    hash(s)
    assert s == s
    lo, hi = s.bounds()
    assert lo >= 0.0 and not math.isnan(hi) and lo <= hi, (s, lo, hi)
    steps = probe_steps(s)
    t = np.asarray(steps, dtype=np.int64)
    v = np.asarray(s(t))
    assert v.shape == (len(steps), *s.param_shape)
    assert not np.isnan(v).any(), f"NaN at a finite step: {s!r}"
    assert (v >= 0).all(), f"negative value {v.min()} in float64: {s!r}"
    # bounds are the closed-form extremes; the float order of the reference
    # implementations may land ulps past them, relative to the curve's scale
    # (interpolating from the peak), never below 0 (checked above)
    scale = max(float(np.max(v, initial=0.0)), lo, hi if math.isfinite(hi) else 0.0)
    assert ((v >= lo - BOUNDS_REL * scale) & (v <= hi + BOUNDS_REL * scale)).all(), (
        f"value outside bounds {(lo, hi)}: {v.min()}..{v.max()} {s!r}")
    if not s.param_shape:
        for i in (0, 1, len(steps) // 2, len(steps) - 1):
            sv = s.value(steps[i])
            # the same kernel on Python floats: math.pow and np.pow may differ by
            # an ulp, which a cancelling float order (the references') amplifies
            assert sv == pytest.approx(float(v[i]), rel=1e-12, abs=BOUNDS_REL * scale) or (
                math.isinf(sv) and math.isinf(v[i])), (s, steps[i], sv, v[i])
    small = t[t < 2**24]  # exact as float32 steps
    with np.errstate(over="ignore", invalid="ignore"):  # parameters past float32's range become inf
        v32 = np.asarray(s(small.astype(np.float32)))
    assert not (v32 < 0).any(), f"negative value {np.nanmin(v32)} in float32: {s!r}"
    if not beyond_float32(s):
        assert not np.isnan(v32).any(), f"NaN in float32: {s!r}"
    if s.has_momentum:
        m = np.asarray(s.momentum(t))
        mlo, mhi = s.momentum_bounds()
        assert not np.isnan(m).any() and (m >= 0).all() and (m <= 1).all(), (s, m)
        tol = BOUNDS_REL * max(mhi, 1e-300)
        assert ((m >= mlo - tol) & (m <= mhi + tol)).all(), (s, mlo, mhi, m)
    start = int(steps[len(steps) // 3]) if steps[len(steps) // 3] < 2**40 else 0
    np.testing.assert_array_equal(lrcurves.curve(s, 300, start=start), s(np.arange(start, start + 300)))
    s.phases()
    again = lrcurves.from_config(s.to_config())
    assert again == s, (again, s)
    assert pickle.loads(pickle.dumps(s)) == s
    took = time.perf_counter() - t0
    assert took < SECONDS_PER_CONFIG, f"{took:.1f} s for {s!r:.300}"
    STATS["accepted"] += 1


def check(cfg: Any, kwargs: dict[str, Any], via: str) -> None:
    t0 = time.perf_counter()
    s = load(cfg, kwargs, via)
    took = time.perf_counter() - t0
    assert took < SECONDS_PER_CONFIG, f"from_config took {took:.1f} s on {_short(cfg)}"
    if s is not None:
        exercise(s)


VIA = st.sampled_from(["dict", "dict", "dict", "string", "file"])


@FUZZ
@given(case=mutated(), via=VIA)
def test_mutated_configs(case: tuple[Any, dict[str, Any]], via: str) -> None:
    check(*case, via)


@settings(FUZZ, max_examples=RANDOM)
@given(case=random_params(), via=VIA)
def test_random_parameters(case: tuple[Any, dict[str, Any]], via: str) -> None:
    check(*case, via)


@settings(FUZZ, max_examples=RANDOM)
@given(tree=json_trees, via=VIA)
def test_random_json(tree: Any, via: str) -> None:
    if isinstance(tree, dict) or via == "dict":
        check(tree, {}, via)
    else:
        with pytest.raises((TypeError, ValueError)):
            lrcurves.from_config(tree)


def test_every_registered_schedule_is_a_fuzz_seed() -> None:
    assert set(STRATEGIES) == set(lrcurves.names())



def test_fuzz_figures() -> None:
    """The fuzz exercised both sides of the contract (runs after the fuzz tests in this file)."""
    total = STATS["accepted"] + STATS["rejected"]
    if total < 100:
        pytest.skip("run with the fuzz tests of this module")
    print(f"\nconfigs fuzzed: {total} ({STATS['accepted']} accepted and exercised, {STATS['rejected']} rejected)")
    assert STATS["accepted"] >= total // 10, STATS
    assert STATS["rejected"] >= total // 10, STATS


# -- the config reproducers, one test each -----------------------------------


def test_non_string_keys_are_a_clear_type_error() -> None:
    for cfg in ({"name": "constant", "params": {1: 2}}, {1: "constant", "name": "constant"},
                {"type": "OneCycle", "params": {None: 1}}, {"name": "join", "params": {
                    "schedules": [{"name": "constant", "params": {0.5: 1.0}}], "boundaries": []}}):
        with pytest.raises(TypeError, match="keys must be strings"):
            lrcurves.from_config(cfg)


def test_params_must_be_a_dict_in_every_format() -> None:
    for cfg in ({"pytorch_optimizer": "poly", "params": "abc"}, {"name": "constant", "params": [1.0]},
                {"colossalai": "StepLR", "params": 3}, {"type": "OneCycle", "params": "x"}):
        with pytest.raises(TypeError, match="params"):
            lrcurves.from_config(cfg)


def test_special_files_are_refused_before_reading(tmp_path: Any) -> None:
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = {"/dev/zero": "character device", str(fifo): "FIFO", str(tmp_path): "directory"}
    for path, what in cases.items():
        if not os.path.exists(path):
            continue
        box: list[BaseException | None] = []

        def run(p: str = path, box: list[BaseException | None] = box) -> None:
            try:
                lrcurves.from_config(p)
                box.append(None)
            except BaseException as exc:
                box.append(exc)

        th = threading.Thread(target=run, daemon=True)
        th.start()
        th.join(10)
        assert not th.is_alive(), f"from_config({path!r}) blocked"
        assert isinstance(box[0], ValueError) and what in str(box[0]) and path in str(box[0]), box


def test_files_above_the_size_limit_are_refused_before_reading(tmp_path: Any) -> None:
    from lrcurves._config import MAX_CONFIG_BYTES

    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_CONFIG_BYTES + 1)  # sparse: nothing is written, nothing may be read
    with pytest.raises(ValueError, match=r"over the .*limit"):
        lrcurves.from_config(big)


def test_undecodable_files_name_the_file(tmp_path: Any) -> None:
    text = json.dumps(lrcurves.constant(1.0).to_config())
    u16 = tmp_path / "u16.json"
    u16.write_bytes(text.encode("utf-16"))
    binary = tmp_path / "bin.json"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (u16, binary):
        with pytest.raises(ValueError, match=re.escape(str(path))):
            lrcurves.from_config(path)
    bom = tmp_path / "bom.json"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert lrcurves.from_config(bom) == lrcurves.constant(1.0)
    for bad in ("ab\x00c", str(tmp_path / "missing.json")):
        with pytest.raises(ValueError, match="cannot read"):
            lrcurves.from_config(bad)


def test_deep_and_cyclic_structures(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        lrcurves.from_config("[" * 100_000 + "]" * 100_000)
    cyc: dict[str, Any] = {"name": "scale", "params": {}}
    cyc["params"]["schedule"] = cyc
    with pytest.raises(ValueError, match="nested more than"):
        lrcurves.from_config(cyc)
    deep = lrcurves.constant(1.0).to_config()
    for _ in range(63):
        deep = {"name": "scale", "params": {"schedule": deep}}
    s = lrcurves.from_config(deep)  # the limit itself loads
    assert s.value(3) == 1.0
    with pytest.raises(ValueError, match="nested"):
        lrcurves.from_config({"name": "scale", "params": {"schedule": deep}})


def test_large_tables_load_fast_and_have_a_binary_form(tmp_path: Any) -> None:
    from lrcurves._config import save_config
    from lrcurves.validate import MAX_TABLE

    values = np.linspace(1.0, 0.0, 2_000_000)
    t0 = time.perf_counter()
    s = lrcurves.from_config({"name": "tabulated", "params": {"values": values.tolist()}})
    assert time.perf_counter() - t0 < 10.0  # was about 2 s per million entries through per-entry checks
    path = save_config(s, tmp_path / "tab.json")
    assert path.stat().st_size < 1000  # the table went to a sidecar .npy
    sidecars = list(tmp_path.glob("tab.*.npy"))
    assert len(sidecars) == 1
    t0 = time.perf_counter()
    back = lrcurves.from_config(path)
    assert time.perf_counter() - t0 < 10.0
    assert back == s and back.value(1_000_000) == values[1_000_000]
    # relative to the config file, from any working directory
    other = tmp_path / "sub"
    other.mkdir()
    (other / "t.json").write_text(json.dumps({"name": "tabulated", "params": {"values": {"$npy": "../" + sidecars[0].name}}}))
    assert lrcurves.from_config(other / "t.json") == s
    # limits, with clear errors and without reading the whole list
    with pytest.raises(ValueError, match="at most"):
        lrcurves.from_config({"name": "tabulated", "params": {"values": [0.5] * (MAX_TABLE + 1)}})
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.save(tmp_path / "twod.npy", np.ones((2, 2)))
    for name, what in (("obj.npy", "object arrays"), ("twod.npy", "1-d"), ("missing.npy", "cannot read")):
        with pytest.raises(ValueError, match=what):
            lrcurves.from_config({"name": "tabulated", "params": {"values": {"$npy": str(tmp_path / name)}}})
    os.mkfifo(tmp_path / "fifo.npy")
    with pytest.raises(ValueError, match="FIFO"):
        lrcurves.from_config({"name": "tabulated", "params": {"values": {"$npy": str(tmp_path / "fifo.npy")}}})


def test_loading_never_imports_evals_or_unpickles(tmp_path: Any) -> None:
    """An audit hook in a fresh interpreter: after the format plugins are imported, no
    config -- valid, hostile, or naming modules and builtins -- imports, compiles, execs,
    unpickles or starts anything."""
    import subprocess
    import sys

    np.save(tmp_path / "t.npy", np.linspace(1, 0, 100))
    script = r'''
import json, sys
import lrcurves
from lrcurves._config import save_config
formats = lrcurves.config_formats()  # the registered plugins: imported here, by design
CONFIGS = json.loads(sys.argv[1])
def load_all():
    for c in CONFIGS:
        try:
            lrcurves.from_config(c, **({"base_lr": 0.1} if "name" not in c else {}))
        except (ValueError, TypeError):
            pass
load_all()  # first use: lazy imports inside lrcurves' own loaders happen here
events = []
WATCH = ("import", "exec", "compile", "pickle.find_class", "os.system", "subprocess.Popen", "os.exec",
         "os.posix_spawn", "os.spawn", "ctypes.dlopen", "builtins.input", "socket.connect", "urllib.Request")
def hook(event, args):
    if event in WATCH:
        events.append([event, str(args)[:120]])
sys.addaudithook(hook)
for _ in range(2):
    load_all()
print(json.dumps({"events": events, "formats": len(formats)}))
'''
    evil = [
        {"name": "os.system", "params": {"command": "echo hi"}},
        {"name": "__import__", "params": {"name": "antigravity"}},
        {"torch": "os.system", "command": "echo hi"},
        {"type": "__import__('os').system('echo')", "params": {}},
        {"colossalai": "subprocess.Popen", "params": {"args": ["ls"]}},
        {"pytorch_optimizer": "eval", "params": {"source": "1"}},
        {"name": "tabulated", "params": {"values": {"$npy": str(tmp_path / "t.npy")}}},
        {"name": "constant", "params": {"value": {"py/object": "os.system"}}},
        {"name": "constant", "params": {"value": "__import__('os')"}},
    ]
    valid = [cfg for cfg, _ in FOREIGN] + [
        lrcurves.warmup(lrcurves.cosine_decay(1.0, 100), 10).to_config(),
        {"name": "join", "params": {"schedules": [{"name": "constant", "params": {"value": 1.0}},
                                                  {"name": "tabulated", "params": {"values": [1.0, 0.5]}}],
                                    "boundaries": [3]}},
    ]
    out = subprocess.run([sys.executable, "-c", script, json.dumps(valid + evil)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["formats"] >= 3
    assert got["events"] == [], got["events"][:10]
