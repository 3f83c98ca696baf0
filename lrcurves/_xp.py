"""Array-namespace plumbing shared by every schedule kernel.

Kernels are written once against a small subset of the array API standard and
receive the namespace ``xp`` explicitly.  Besides real array namespaces
(NumPy, PyTorch, JAX, array-api-strict, resolved with array-api-compat) there
is one more: :data:`SCALAR`, a namespace over plain Python numbers.  It lets
the very same kernel code run on a Python ``int`` step in about a microsecond,
which is what the torch shim's per-step cost needs, without a second copy of
any formula.

The subset a kernel may use (and that :data:`SCALAR` implements):

``where, minimum, maximum, clip, floor, ceil, abs, sign, sqrt, exp, expm1,
log, log1p, cos, sin, tanh, pow, asarray, take, searchsorted, zeros_like,
logical_and, logical_or``,
plus Python operators (``+ - * / // % ** < <= == > >=``) and
:func:`to_float` below to cast a step to the floating dtype.

Rules for kernels (checked by the test suite, which turns warnings into
errors and runs every kernel on every backend):

* no Python ``if``/``min``/``max``/``float()`` on step values;
* every branch of every ``where`` must be finite for every step, including
  negative local steps produced by combinators (use safe denominators chosen
  in Python from the *parameters*);
* add offsets such as ``t + 1`` only after :func:`to_float`, so int32 counts
  near ``2**31 - 1`` cannot wrap.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["SCALAR", "Namespace", "numpy_namespace", "resolve", "to_float"]

Namespace = Any  # an array-API namespace, or SCALAR


class _ScalarNamespace:
    """The kernel subset of the array API over Python ``int``/``float``.

    ``float`` plays the floating dtype.  Arithmetic errors (``log(0)``,
    division by zero, overflow) raise, exactly where NumPy would warn: both
    are kernel bugs, caught by the tests.
    """

    float64 = float
    float32 = float
    pi = math.pi
    e = math.e
    inf = math.inf

    @staticmethod
    def where(cond: Any, a: Any, b: Any) -> Any:
        return a if cond else b

    @staticmethod
    def minimum(a: Any, b: Any) -> Any:
        return a if a <= b else b

    @staticmethod
    def maximum(a: Any, b: Any) -> Any:
        return a if a >= b else b

    @staticmethod
    def clip(x: Any, min: Any = None, max: Any = None) -> Any:
        if min is not None and x < min:
            x = min
        if max is not None and x > max:
            x = max
        return x

    @staticmethod
    def floor(x: Any) -> float:
        return float(math.floor(x))

    @staticmethod
    def ceil(x: Any) -> float:
        return float(math.ceil(x))

    @staticmethod
    def pow(a: Any, b: Any) -> float:
        return math.pow(a, b)

    @staticmethod
    def asarray(x: Any, dtype: Any = None, device: Any = None) -> Any:
        return x

    @staticmethod
    def take(x: Any, indices: Any, axis: int | None = None) -> Any:
        return x[int(indices)]

    @staticmethod
    def searchsorted(x: Any, v: Any, /, *, side: str = "left") -> int:
        import bisect

        return (bisect.bisect_right if side == "right" else bisect.bisect_left)(x, v)

    @staticmethod
    def zeros_like(x: Any) -> Any:
        return 0.0 if isinstance(x, float) else 0

    @staticmethod
    def sign(x: Any) -> float:
        return float((x > 0) - (x < 0))

    @staticmethod
    def logical_and(a: Any, b: Any) -> bool:
        return bool(a) and bool(b)

    @staticmethod
    def logical_or(a: Any, b: Any) -> bool:
        return bool(a) or bool(b)

    abs = staticmethod(abs)
    sqrt = staticmethod(math.sqrt)
    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    cos = staticmethod(math.cos)
    sin = staticmethod(math.sin)
    tanh = staticmethod(math.tanh)

    def __repr__(self) -> str:
        return "<lrcurves scalar namespace>"


SCALAR = _ScalarNamespace()


@lru_cache(maxsize=1)
def numpy_namespace() -> Namespace:
    """array-api-compat's NumPy namespace (results are plain ndarrays)."""
    import array_api_compat.numpy as np_compat

    return np_compat


def resolve(step: Any, xp: Namespace | None = None) -> tuple[Namespace, Any]:
    """Return ``(xp, step_array)`` for any accepted step.

    Python ints and floats resolve to :data:`SCALAR` (callers wrap the result
    into NumPy); lists, tuples, ranges and NumPy scalars to NumPy; arrays to their own
    namespace via :func:`array_api_compat.array_namespace`.  An explicit
    ``xp`` wins and converts the step with ``xp.asarray``.
    """
    if xp is not None:
        if xp is SCALAR:
            return SCALAR, step
        return xp, xp.asarray(step)
    if type(step) is int or type(step) is float:
        return SCALAR, step
    if isinstance(step, bool):
        raise TypeError(f"step must be a number or an array of numbers, got {step!r}")
    if isinstance(step, (int, float)) and not isinstance(step, np.generic):
        return SCALAR, step.__index__() if isinstance(step, int) else float(step)
    if isinstance(step, (list, tuple, range, np.generic)):
        arr = np.asarray(step)
        if arr.dtype == bool or arr.dtype.kind not in "iuf":
            raise TypeError(f"step must contain integers or floats, got dtype {arr.dtype}")
        return numpy_namespace(), arr
    from array_api_compat import array_namespace

    try:
        ns = array_namespace(step)
    except TypeError as exc:
        raise TypeError(
            f"step must be a Python number, a list, or an array, got {type(step).__name__}"
        ) from exc
    return ns, step


def _is_floating(xp: Namespace, x: Any) -> bool:
    return bool(xp.isdtype(x.dtype, "real floating"))


def default_float(xp: Namespace, x: Any) -> Any:
    """The namespace's default real floating dtype on ``x``'s device."""
    info = getattr(xp, "__array_namespace_info__", None)
    if info is not None:
        try:
            from array_api_compat import device

            return info().default_dtypes(device=device(x))["real floating"]
        except Exception:
            return info().default_dtypes()["real floating"]
    return xp.float64  # pragma: no cover


def to_float(xp: Namespace, t: Any) -> Any:
    """Cast a step (int or float) to the namespace's floating dtype.

    Floating steps keep their dtype; integer steps take the namespace's
    default floating dtype (float64 in NumPy, ``torch.get_default_dtype()``,
    float32 or float64 in JAX depending on ``jax_enable_x64``).
    """
    if xp is SCALAR:
        return float(t)
    if _is_floating(xp, t):
        return t
    return xp.astype(t, default_float(xp, t))


def float_dtype(xp: Namespace, t: Any) -> Any:
    """The floating dtype :func:`to_float` gives for ``t``."""
    if xp is SCALAR:
        return float
    if _is_floating(xp, t):
        return t.dtype
    return default_float(xp, t)
