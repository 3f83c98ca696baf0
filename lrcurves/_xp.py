"""Array-namespace plumbing shared by every schedule kernel.

Kernels are written once against a small subset of the array API standard and
receive the namespace ``xp`` explicitly.  Besides real array namespaces
(NumPy, PyTorch, JAX, array-api-strict, resolved with array-api-compat) there
is one more: :data:`SCALAR`, a namespace over plain Python numbers.  It lets
the very same kernel code run on a Python ``int`` step in about a microsecond,
which is what the torch shim's per-step cost needs, without a second copy of
any formula.

The subset a kernel may use (and that :data:`SCALAR` implements):

``where, minimum, maximum, clip, floor, sqrt, exp, expm1, log, log1p,
cos, sin, pow, zeros_like``, plus Python operators (``+ - *
/ ** < <= > >=``), and the helpers below (which take the place of
``take`` and ``searchsorted``):

* :func:`to_float` casts a step to the floating dtype;
* :func:`divmod_steps`, :func:`before` and :func:`minus` are the *only*
  way a kernel finds a stair, milestone, cycle or phase: they use exact
  integer arithmetic on integer steps (and a corrected float division on
  floating ones), so a boundary lands on the same step on every backend and
  dtype -- ``floor(t / c)`` in float32 under XLA does not (XLA rewrites
  ``x / c`` as ``x * (1 / c)``);
* :func:`param` turns a parameter into an array where a unary function must
  be applied to it.

Rules for kernels (checked by the test suite, which turns warnings into
errors and runs every kernel on every backend):

* no Python ``if``/``min``/``max``/``float()`` on step values, and no
  branch on the namespace or the dtype (the helpers here are the only
  places that look at dtypes);
* every branch of every ``where`` must be finite for every step, including
  negative local steps produced by combinators (use safe denominators chosen
  in Python from the *parameters*);
* integer parameters enter float arithmetic as Python ``float`` (a Python
  ``int`` beyond int32 next to a JAX array overflows when x64 is off).

Steps reach a kernel *prepared* by :func:`prepare`: integer steps widened to
the namespace's default integer dtype (so ``t - w`` cannot wrap in
``uint8``), half-precision floats widened to float32, negative steps clamped
to 0 (the one clamp of the library) and NaN kept as NaN.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "SCALAR",
    "Namespace",
    "Table",
    "count_reached",
    "before",
    "device_of",
    "divmod_steps",
    "float_dtype",
    "index_steps",
    "minus",
    "mod_steps",
    "numpy_namespace",
    "param",
    "plus",
    "prepare",
    "reference_order",
    "resolve",
    "take",
    "to_float",
    "zero_step",
]

Namespace = Any  # an array-API namespace, or SCALAR


class _ScalarNamespace:
    """The kernel subset of the array API over Python ``int``/``float``.

    ``float`` plays the floating dtype.  Arithmetic errors (``log(0)``,
    division by zero, overflow) raise, exactly where NumPy would warn: both
    are kernel bugs, caught by the tests.
    """

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
    def pow(a: Any, b: Any) -> float:
        return math.pow(a, b)

    @staticmethod
    def zeros_like(x: Any) -> Any:
        return 0.0 if isinstance(x, float) else 0

    sqrt = staticmethod(math.sqrt)
    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    cos = staticmethod(math.cos)
    sin = staticmethod(math.sin)

    def __repr__(self) -> str:
        return "<lrcurves scalar namespace>"


SCALAR = _ScalarNamespace()


_BOUNDS = frozenset((float, int, type(None)))  # bounds NumPy's own clip takes as they are


@lru_cache(maxsize=1)
class _NumPy:
    """array-api-compat's NumPy namespace, with a faster ``clip``.

    Every attribute is array-api-compat's, except :meth:`clip` on a floating
    ndarray with Python-number bounds (what the kernels pass): there it is
    NumPy's own ``clip``, the same values (a ``min``/``max``; NumPy 2
    keeps the array's dtype for Python bounds) for a sixth of the time of
    array-api-compat's general version, which casts array bounds first.
    """

    __name__ = "lrcurves._xp.numpy"

    def __init__(self) -> None:
        import array_api_compat.numpy as np_compat

        self._compat = np_compat

    def __getattr__(self, name: str) -> Any:
        v = getattr(self._compat, name)
        setattr(self, name, v)  # looked up once
        return v

    def clip(self, x: Any, /, min: Any = None, max: Any = None) -> Any:
        if type(x) is np.ndarray and x.dtype.kind == "f" and type(min) in _BOUNDS and type(max) in _BOUNDS:
            return np.clip(x, min, max)
        return self._compat.clip(x, min, max)

    def __repr__(self) -> str:
        return "<lrcurves' array-api NumPy namespace>"


_NUMPY: _NumPy | None = None


def numpy_namespace() -> Namespace:
    """The NumPy namespace the kernels run on (results are plain ndarrays).

    array-api-compat's, with a faster ``clip`` (:class:`_NumPy`); steps whose
    namespace array-api-compat reports as NumPy get this one too.
    """
    global _NUMPY
    if _NUMPY is None:
        _NUMPY = _NumPy()
    return _NUMPY


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
    if ns is numpy_namespace()._compat:
        ns = numpy_namespace()
    return ns, step


def _is_floating(xp: Namespace, x: Any) -> bool:
    return bool(xp.isdtype(x.dtype, "real floating"))


def default_float(xp: Namespace, x: Any) -> Any:
    """The namespace's default real floating dtype on ``x``'s device."""
    return _info(xp, x)["real floating"]


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


# ---------------------------------------------------------------------------
# step preparation: the one place that widens dtypes and clamps negative steps


def device_of(x: Any) -> Any:
    """``x``'s device, or ``None`` where there is none to name (a JAX tracer)."""
    try:
        from array_api_compat import device

        return device(x)
    except Exception:
        return None


def _info(xp: Namespace, x: Any) -> Any:
    """The namespace's default dtypes (on ``x``'s device)."""
    dev = device_of(x)
    info = xp.__array_namespace_info__()
    return info.default_dtypes() if dev is None else info.default_dtypes(device=dev)


def _asarray(xp: Namespace, v: Any, dtype: Any, like: Any) -> Any:
    """``v`` as an array of ``dtype`` on ``like``'s device."""
    dev = device_of(like)
    return xp.asarray(v, dtype=dtype) if dev is None else xp.asarray(v, dtype=dtype, device=dev)


def prepare(step: Any, xp: Namespace | None = None) -> tuple[Namespace, Any]:
    """``(xp, t)``: the step resolved, widened and clamped for a kernel.

    * integer steps of any width or signedness become the namespace's
      default integer dtype (int64; int32 in JAX with x64 off); an unsigned
      dtype wider than that (uint64) becomes the default floating dtype when
      it is float64, else (torch's float32 default; uint32 in JAX with x64
      off) the signed integer of its width, saturating at its maximum (past
      every schedule's end);
    * float16/bfloat16 steps become float32;
    * negative steps become 0; NaN stays NaN.

    Python numbers stay Python numbers (:data:`SCALAR`), clamped the same way.
    """
    ns, t = resolve(step, xp)
    if ns is SCALAR:
        return ns, (0 if t < 0 else t)  # NaN < 0 is False: NaN passes
    dt = t.dtype
    if xp is None and not (ns.isdtype(dt, "integral") or ns.isdtype(dt, "real floating")):
        raise TypeError(f"step must be an integer or real floating array, got dtype {dt}")
    if ns.isdtype(dt, "integral"):
        target = _info(ns, t)["integral"]
        if dt != target:
            lo, hi = ns.iinfo(dt), ns.iinfo(target)
            ok = lo.min >= hi.min and lo.max <= hi.max
            fdt = _info(ns, t)["real floating"]
            if not ok and lo.bits == hi.bits and ns.finfo(fdt).bits < 64:
                # uint64 in torch with its float32 default (uint32 in JAX with
                # x64 off): a float32 step loses whole steps past 2**24, so the
                # signed dtype of the same width, saturating -- values from
                # 2**63 (2**31) on wrap negative in the cast and become its
                # maximum (torch has no uint64 comparison to clamp with first)
                t = ns.astype(t, target)
                t = ns.where(t < 0, ns.full_like(t, hi.max), t)
            else:
                t = ns.astype(t, target if ok else fdt)
    elif ns.finfo(dt).bits < 32:
        t = ns.astype(t, ns.float32)
    # one pass; maximum propagates NaN on every backend (the array API requires it)
    return ns, ns.maximum(t, 0)


# ---------------------------------------------------------------------------
# exact boundaries


def _is_int(xp: Namespace, t: Any) -> bool:
    if xp is SCALAR:
        return isinstance(t, int)
    return bool(xp.isdtype(t.dtype, "integral"))


def _int_max(xp: Namespace, t: Any) -> float:
    # an int, not float(iinfo.max): 2**63 - 1 rounds to 2**63 as a float, so a
    # divisor of exactly 2**63 (a cycle of two 2**62 halves) passed the check
    return math.inf if xp is SCALAR else int(xp.iinfo(t.dtype).max)


def divmod_steps(xp: Namespace, t: Any, n: int) -> tuple[Any, Any]:
    """``(floor(t / n), t - n * floor(t / n))`` as floats, exact at every boundary.

    Integer steps use integer ``//`` and ``%`` (exact on every backend; a
    divisor beyond the step dtype's range gives quotient 0 or -1).  Floating
    steps take ``floor(t / n)`` and correct it by one where the rounded
    quotient (or XLA's ``t * (1 / n)``) crossed an integer.
    """
    if _is_int(xp, t):
        if n > _int_max(xp, t):
            tf = to_float(xp, t)
            q = xp.where(t < 0, tf * 0.0 - 1.0, tf * 0.0)
            return q, tf - q * float(n)
        return to_float(xp, t // n), to_float(xp, t % n)
    nf = float(n)
    q = xp.floor(t / nf)
    q = xp.where(q * nf > t, q - 1.0, q)
    q = xp.where((q + 1.0) * nf <= t, q + 1.0, q)
    return q, t - q * nf


def mod_steps(xp: Namespace, t: Any, n: int) -> Any:
    """``t mod n`` of the same kind as ``t`` (integer steps stay integers)."""
    if _is_int(xp, t):
        return t % n if n <= _int_max(xp, t) else t
    return divmod_steps(xp, t, n)[1]


def before(xp: Namespace, t: Any, b: int) -> Any:
    """``t < b`` for a Python-int boundary ``b``, without overflowing ``t``'s dtype."""
    if not _is_int(xp, t):
        # a float bound: a Python int beyond int32 next to a JAX array (x64
        # off) overflows while being parsed, whatever the array's dtype
        return t < float(b)
    if b > _int_max(xp, t):
        return t == t  # all True, in t's shape (integers are never NaN)
    return t < b


def minus(xp: Namespace, t: Any, b: int) -> Any:
    """``t - b`` for a Python-int offset ``b >= 0``: integer when it fits, else float."""
    if b == 0:
        return t
    if not _is_int(xp, t):
        return t - float(b)  # see before(): never a huge Python int next to a float array
    if b > _int_max(xp, t) // 2:
        return to_float(xp, t) - float(b)
    return t - b


def plus(xp: Namespace, t: Any, by: int) -> Any:
    """``t + by`` for a Python-int ``by >= 0``; integer steps saturate at their dtype's maximum."""
    if by == 0:
        return t
    if xp is SCALAR:
        return t + by
    if not _is_int(xp, t):
        return t + float(by)
    top = int(xp.iinfo(t.dtype).max)
    if by > top // 2:
        return to_float(xp, t) + float(by)
    # the wrapped sum in the unselected branch is discarded, never used
    return xp.where(t > top - by, xp.full_like(t, top), t + by)


def zero_step(xp: Namespace, t: Any) -> Any:
    """Step 0, 0-d, of ``t``'s dtype and device (``0`` on :data:`SCALAR`)."""
    if xp is SCALAR:
        return 0
    return _asarray(xp, 0, t.dtype, t)  # 0-d: broadcasts, keeps shapes


def param(xp: Namespace, v: Any, like: Any) -> Any:
    """A parameter as an array of ``like``'s floating dtype and device.

    For unary functions of parameters (``log``, ``pow`` bases): Python
    numbers stay numbers on :data:`SCALAR` and become arrays elsewhere;
    a live parameter (already an array of ``xp``) is cast.
    """
    if xp is SCALAR:
        return v
    dt = float_dtype(xp, like)
    if isinstance(v, (int, float, tuple, list, np.ndarray, np.generic)):
        return _asarray(xp, v, dt, like)
    # a live parameter (a tensor, a tracer) of xp: cast, keeping its graph (torch
    # warns when asarray copies a tensor that requires grad)
    return xp.astype(v, dt)


def reference_order(xp: Namespace, tf: Any) -> bool:
    """Whether ``tf`` is float64 (or a Python float).

    The single place a formula may depend on the dtype: in float64 the
    interpolation helpers (:mod:`lrcurves._shapes`) use the float-operation
    order of the reference implementations (torch, optax, DeepSpeed), so
    drop-ins agree with them to the last bit; in lower precision they use
    cancellation-free forms that keep every value accurate relative to
    itself (a float32 cosine that ends at 0 would otherwise lose all its
    digits over its last steps).
    """
    return xp is SCALAR or float_dtype(xp, tf) == xp.float64


_FEW_MARKS = 8


def count_reached(xp: Namespace, t: Any, marks: tuple[int, ...] | tuple[float, ...]) -> Any:
    """How many of the sorted ``marks`` are ``<= t`` (an integer array, or int).

    Integer steps compare with integer marks exactly (marks beyond the step
    dtype's range are never reached); floating steps compare in their own
    dtype.  Up to 8 marks: a sum of comparisons; more: one ``searchsorted``.
    """
    if xp is SCALAR:
        import bisect

        return bisect.bisect_right(marks, t)
    if not marks:
        return xp.astype(t < t, _info(xp, t)["integral"])  # zeros, in t's shape
    if _is_int(xp, t):
        # t >= m  <=>  t >= ceil(m); marks beyond the dtype are never reached
        # (they are the largest, so dropping them keeps every count right)
        top = int(xp.iinfo(t.dtype).max)

        def ints() -> Any:
            return [c for c in (math.ceil(m) for m in marks) if c <= top]

        # a Table keeps the converted marks: no O(n) rebuild per call
        table: Any = marks.cached(("ceil", top), ints) if isinstance(marks, Table) else ints()
        if not len(table):
            return xp.astype(t < t, _info(xp, t)["integral"])
    else:
        table = marks.cached("floats", lambda: [float(m) for m in marks]) if isinstance(marks, Table) else [
            float(m) for m in marks
        ]
    idt = _info(xp, t)["integral"]
    if len(table) <= _FEW_MARKS:
        # a few marks: a sum of comparisons, one fused loop under XLA
        # (searchsorted lowers to a while loop and a gather there)
        cnt = xp.astype(t >= table[0], idt)
        for m in table[1:]:
            cnt = cnt + xp.astype(t >= m, idt)
        return cnt
    dt = t.dtype
    if isinstance(marks, Table) and len(table) > 256:
        # one NumPy copy per table and dtype; backends wrap it without a Python loop
        table = marks.cached(("np", str(dt), _is_int(xp, t)), lambda: np.asarray(table, dtype=np.int64 if _is_int(xp, t) else np.float64))
        if xp is not numpy_namespace():
            table = np.array(table)  # torch warns when wrapping read-only or shared arrays
    tab = _asarray(xp, table, dt, t)
    flat = xp.reshape(t, (-1,))
    idx = xp.searchsorted(tab, flat, side="right")
    return xp.reshape(idx, tuple(t.shape))


def index_steps(xp: Namespace, t: Any, n: int) -> Any:
    """``clip(floor(t), 0, n - 1)`` as an integer index array (or int)."""
    if xp is SCALAR:
        return min(max(math.floor(t), 0), n - 1)
    if not _is_int(xp, t):
        f = xp.clip(xp.floor(t), 0.0, float(n - 1))
        # a NaN step (NaN in the result, see Schedule.lr) must not reach the
        # integer cast: NumPy warns there, other backends give arbitrary ints
        f = xp.where(xp.isnan(f), xp.zeros_like(f), f)
        t = xp.astype(f, _info(xp, t)["integral"])
    return xp.clip(t, 0, min(n - 1, int(xp.iinfo(t.dtype).max)))


class Table(tuple):  # type: ignore[type-arg]
    """An immutable tuple of floats that keeps one read-only NumPy copy.

    Tables (``tabulated`` values) are looked up per call; converting a
    million-entry tuple each time would cost milliseconds.
    """

    @property
    def array(self) -> np.ndarray:
        a = self.__dict__.get("_array")
        if a is None:
            a = np.asarray(self, dtype=np.float64)
            a.setflags(write=False)
            self.__dict__["_array"] = a
        return a

    def cached(self, key: Any, make: Any) -> Any:
        """``make()``, computed once per table and ``key`` (derived lookup arrays)."""
        v = self.__dict__.get(key)
        if v is None:
            v = self.__dict__[key] = make()
        return v

    def __reduce__(self) -> tuple[Any, ...]:
        return (Table, (tuple(self),))  # the values only, never the caches


def take(xp: Namespace, table: Any, idx: Any, like: Any) -> Any:
    """``table[idx]`` (``table`` a tuple of floats) as ``like``'s floating dtype and device."""
    if xp is SCALAR:
        return table[idx]
    if 1 < len(table) <= _FEW_MARKS + 1 and all(type(v) is float for v in table):
        # a few values: a chain of selects, one fused elementwise loop under XLA
        # (a gather is not).  The same values: the first is a 0-d array of
        # like's dtype and device, and the Python floats take its dtype
        out = param(xp, table[0], like)
        for i in range(1, len(table)):
            out = xp.where(idx >= i, table[i], out)
        return out
    src = table.array if isinstance(table, Table) else table
    if xp is not numpy_namespace() and isinstance(src, np.ndarray):
        src = np.array(src)  # torch warns when wrapping read-only arrays
    tab = param(xp, src, like)
    flat = xp.reshape(idx, (-1,))
    return xp.reshape(xp.take(tab, flat), tuple(idx.shape))
