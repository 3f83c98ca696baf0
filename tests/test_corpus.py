"""The regression corpus: every input that ever broke lrcurves, on every backend.

``tests/corpus/regressions.jsonl`` holds one JSON object per line:

* ``id``, ``issue``, ``note``: what broke and where it was reported;
* the input, one of ``config`` (a dict; ``{"nest": ..., "leaf": ...}``
  builds a schedule nested ``depth`` deep, ``{"repeat": x, "times": n}``
  a list of ``n`` copies), ``config_json`` (raw JSON text, for literals such
  as ``1e400`` that are not valid JSON values), ``json_parts`` (text
  ``[[piece, count], ...]`` concatenated, for pathological nesting) or
  ``path`` (a file, e.g. ``/dev/zero``); ``kwargs`` go to ``from_config``;
* ``expect``: ``{"error": "ValueError", "match": regex}`` or
  ``{"value": [...]}`` at ``steps`` of ``dtype`` (``"nan"`` stands for NaN),
  compared with ``rtol`` (default 1e-12; 2e-6 relative to each value when
  the result is float32) and ``atol`` (``atol32`` for float32 results:
  where the reference float order cancels); ``backends`` restricts where
  it runs; ``overflows`` marks a nested schedule that honestly overflows
  to inf (NumPy's overflow warning is expected there).

Value entries run on NumPy, the scalar path (``value()``), torch with
float32 and float64 results, and ``jax.jit`` (and ``to_optax`` under jit)
with x64 on and off; steps keep their dtype where the backend has it
(x64-off JAX narrows 64-bit steps to 32 bits, and skips an entry whose
steps do not fit).  A new bug gets a new line here.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_eval import x64 as _x64

import lrcurves
from lrcurves import Schedule

CORPUS = Path(__file__).resolve().parent / "corpus" / "regressions.jsonl"
ENTRIES = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
BACKENDS = ("numpy", "scalar", "torch32", "torch64", "jax64", "jax32")
REL32 = 2e-6
ERRORS = {"ValueError": ValueError, "TypeError": TypeError}


def _expand(node: Any) -> Any:
    if isinstance(node, dict):
        if set(node) == {"repeat", "times"}:
            return [node["repeat"]] * node["times"]
        if set(node) == {"nest", "leaf"}:
            n = node["nest"]
            s = _expand(node["leaf"])
            for _ in range(n["depth"]):
                child = [s, _expand(n["sibling"])] if n.get("list") else s
                s = {"name": n["name"], "params": {n["key"]: child, **n.get("extra", {})}}
            return s
        return {k: _expand(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand(x) for x in node]
    return node


def source(e: dict[str, Any]) -> Any:
    if "path" in e:
        if not os.path.exists(e["path"]):
            pytest.skip(f"{e['path']} does not exist on this system")
        return e["path"]
    if "config_json" in e:
        return e["config_json"]
    if "json_parts" in e:
        return "".join(text * n for text, n in e["json_parts"])
    return _expand(e["config"])


def load(e: dict[str, Any]) -> Schedule:
    return lrcurves.from_config(source(e), **e.get("kwargs", {}))


def _steps(e: dict[str, Any]) -> list[float | int]:
    return [math.nan if x == "nan" else x for x in e["steps"]]


def _want(e: dict[str, Any]) -> np.ndarray:
    return np.asarray([math.nan if x == "nan" else x for x in e["expect"]["value"]], dtype=np.float64)


def _dtype(e: dict[str, Any]) -> str:
    if "dtype" in e:
        return e["dtype"]
    return "float64" if any(isinstance(x, float) or x == "nan" for x in e["steps"]) else "int64"


ERROR_CASES = [e for e in ENTRIES if "error" in e["expect"]]
VALUE_CASES = [
    pytest.param(e, b, id=f"{e['id']}-{b}")
    for e in ENTRIES
    if "value" in e["expect"]
    for b in e.get("backends", BACKENDS)
]


def test_corpus_is_well_formed() -> None:
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in ENTRIES:
        assert {"id", "issue", "expect"} <= set(e), e
        assert sum(k in e for k in ("config", "config_json", "json_parts", "path")) == 1, e["id"]
        assert set(e.get("backends", BACKENDS)) <= set(BACKENDS), e["id"]
        if "value" in e["expect"]:
            assert len(e["steps"]) == len(e["expect"]["value"]), e["id"]


@pytest.mark.parametrize("e", ERROR_CASES, ids=[e["id"] for e in ERROR_CASES])
def test_corpus_rejected(e: dict[str, Any]) -> None:
    exc = ERRORS[e["expect"]["error"]]
    with pytest.raises(exc) as info:
        load(e)
    assert type(info.value) in (ValueError, TypeError)
    msg = str(info.value)
    assert re.search(e["expect"]["match"], msg), msg
    assert len(msg) <= 2000


@contextlib.contextmanager
def _torch_default(dtype: Any) -> Iterator[None]:
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def _fits(steps: list[Any], dtype: np.dtype) -> bool:
    if dtype.kind == "f":
        return True
    info = np.iinfo(dtype)
    return all(info.min <= x <= info.max for x in steps)


def evaluate(s: Schedule, e: dict[str, Any], backend: str) -> tuple[np.ndarray, bool]:
    """``(values as float64, result was float32)`` of ``s`` at the entry's steps on ``backend``."""
    steps, dt = _steps(e), np.dtype(_dtype(e))
    if backend == "numpy":
        # an entry whose child honestly overflows to inf says so; NumPy warns there
        with np.errstate(over="ignore") if e.get("overflows") else contextlib.nullcontext():
            out = np.asarray(s(np.asarray(steps, dtype=dt)))
        if dt.kind == "f" and dt.itemsize <= 4:
            assert out.dtype == np.float32, f"{dt} steps gave a {out.dtype} result"
        return out.astype(np.float64), out.dtype == np.float32
    if backend == "scalar":
        got = [s.value(int(x) if dt.kind in "iu" else float(x)) for x in steps]
        arr = np.asarray([float(s(int(x) if dt.kind in "iu" else float(x))) for x in steps])
        np.testing.assert_array_equal(np.asarray(got), arr, err_msg="value() and lr() on a Python number differ")
        return np.asarray(got), False
    if backend.startswith("torch"):
        torch = pytest.importorskip("torch")
        tdt = getattr(torch, dt.name)
        if backend == "torch32" and tdt == torch.float64:
            tdt = torch.float32
        default = torch.float32 if backend == "torch32" else torch.float64
        with _torch_default(default):
            out = s(torch.asarray(np.asarray(steps, dtype=dt).tolist() if dt.kind in "iu" else steps, dtype=tdt))
        return out.double().numpy(), out.dtype == torch.float32
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp
    from lrcurves.adapters.optax import to_optax

    on = backend == "jax64"
    jdt = dt
    if not on:
        jdt = {"int64": np.dtype("int32"), "uint64": np.dtype("uint32"), "float64": np.dtype("float32")}.get(dt.name, dt)
        if not _fits(steps, jdt):
            pytest.skip(f"steps do not fit {jdt} (x64 off)")
    with _x64(on):
        arr = jnp.asarray(np.asarray(steps, dtype=jdt))
        out = jax.jit(lambda x: s(x))(arr)
        first = steps[0]
        if not (isinstance(first, float) and math.isnan(first)):
            # optax's count: a Python number traced by jit, the way the issue found the bugs
            one = np.asarray(jax.jit(to_optax(s))(int(first) if jdt.kind in "iu" else float(first)))
            np.testing.assert_allclose(one, np.asarray(out)[0], rtol=REL32 if out.dtype == jnp.float32 else 1e-12)
        return np.asarray(out, dtype=np.float64), out.dtype == jnp.float32


@pytest.mark.parametrize(("e", "backend"), VALUE_CASES)
def test_corpus_values(e: dict[str, Any], backend: str) -> None:
    s = load(e)
    got, f32 = evaluate(s, e, backend)
    want = _want(e)
    nan = np.isnan(want)
    assert (np.isnan(got) == nan).all(), f"NaN where expected {want}: got {got}"
    assert not (got[~nan] < 0).any(), f"negative value: {got}"
    rtol = max(e.get("rtol", 1e-12), REL32 if f32 else 1e-11 if backend.startswith("jax") else 0.0)
    scale = float(np.max(np.abs(want[~nan]), initial=0.0))
    atol = e.get("atol32", 0.0) if f32 else e.get("atol", 0.0)
    np.testing.assert_allclose(got[~nan], want[~nan], rtol=rtol, atol=max(atol, rtol * scale * 1e-3),
                               err_msg=f"{e['id']} on {backend}: {e.get('note', '')}")
