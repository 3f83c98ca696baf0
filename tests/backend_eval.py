"""Shared by the backend tests: JAX's x64 switch, a schedule under ``jax.jit`` and torch float32,
and the float32-vs-float64 comparison relative to each value."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from lrcurves import Schedule

__all__ = ["REL32", "assert_rel32", "jit_values", "torch32_values", "x64"]

REL32 = 2e-6  # float32 vs float64, relative to each value ...


@contextlib.contextmanager
def x64(on: bool) -> Iterator[None]:
    """JAX with ``jax_enable_x64`` set to ``on`` inside the block (restored after)."""
    import jax

    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", on)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", old)


def jit_values(s: Schedule, t: np.ndarray, *, enable_x64: bool) -> np.ndarray:
    """``s`` under ``jax.jit`` on int64 (x64) or int32 steps, as float64 NumPy."""
    import jax
    import jax.numpy as jnp

    with x64(enable_x64):
        steps = jnp.asarray(t, dtype=jnp.int64 if enable_x64 else jnp.int32)
        return np.asarray(jax.jit(lambda x: s(x))(steps), dtype=np.float64)


def torch32_values(s: Schedule, t: np.ndarray) -> np.ndarray:
    """``s`` on torch int32 steps (a float32 result), as float64 NumPy."""
    import torch

    out = s(torch.asarray(t, dtype=torch.int32))
    assert out.dtype == torch.float32
    return out.double().numpy()


def assert_rel32(got: np.ndarray, ref: np.ndarray, what: str, rel: float = REL32) -> None:
    """float32 vs float64: relative to each value, where it is >= 1e-6 of the peak."""
    peak = float(np.max(np.abs(ref)))
    mask = np.abs(ref) >= 1e-6 * peak
    err = np.abs(got - ref) / np.where(mask, np.abs(ref), 1.0)
    bad = np.flatnonzero(mask & (err > rel))
    assert bad.size == 0, (
        f"{what}: {bad.size} steps off by more than {rel} relative, first at step(s) "
        f"{bad[:5].tolist()}: {got[bad[:3]]} vs {ref[bad[:3]]}"
    )
