"""The :class:`Schedule` value, the registry, config round trips and ``curve``.

A schedule is *data*: a registered name plus validated parameters.  The math
lives in the kernel functions each family module registers.  Every factory
(``lrcurves.cosine_decay(...)``, ``lrcurves.get("cosine_decay", ...)``,
``lrcurves.from_config(...)``) returns a :class:`Schedule`; two schedules
with the same name and parameters are equal and hash alike.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from lrcurves._xp import SCALAR, Namespace, before, device_of, float_dtype, numpy_namespace, prepare
from lrcurves.validate import MAX_DEPTH

if TYPE_CHECKING:
    from lrcurves.checks import Finding

__all__ = [
    "CurveReader",
    "Params",
    "Schedule",
    "ScheduleSpec",
    "curve",
    "piecewise",
    "register_preset",
    "stair_ranges",
    "get",
    "names",
    "register",
    "spec",
]

Kernel = Callable[[Namespace, Any, "Params"], Any]


class Params(dict[str, Any]):
    """Validated parameters with attribute access (``p.peak_value``).

    The instance ``__dict__`` is a *copy* of the mapping (attribute access
    is a plain instance-dict lookup, fast on the scalar path, and a
    parameter named like a dict method, ``values``, still wins).  Unlike
    ``self.__dict__ = self`` it holds no reference to itself: building one
    per evaluation of an array-parameter schedule leaves no garbage for the
    cycle collector.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__.update(self)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.__dict__[key] = value


Flat = Callable[["Params", int, int], Iterable[tuple[int, int]]]

PieceFn = Callable[[Namespace, Any], Any]
Pieces = Callable[["Params", bool], Sequence[tuple[int, PieceFn]]]

MAX_FLAT = 4096  # constant stretches listed per curve() call, at most
MAX_PHASES = 4096  # phase boundaries phases() lists, at most
MIN_FLAT = 1024  # shorter constant stretches are left to the kernel (no split)
BLOCK = 1 << 14  # steps a kernel call gets at most in curve(): its temporaries stay in cache


def piecewise(xp: Namespace, t: Any, pieces: Sequence[tuple[int, PieceFn]]) -> Any:
    """The kernel of a schedule made of pieces: piece ``i`` from its first step on.

    Every piece is evaluated on every step (steps are never branched on in
    Python) and ``where`` picks, earliest piece winning; boundaries compare
    exactly (:func:`lrcurves._xp.before`).
    """
    out = pieces[-1][1](xp, t)
    for i in range(len(pieces) - 2, -1, -1):
        out = xp.where(before(xp, t, pieces[i + 1][0]), pieces[i][1](xp, t), out)
    return out


def stair_ranges(period: int, start: int, stop: int, offset: int = 0) -> list[tuple[int, int]]:
    """The stairs ``[offset + k P, offset + (k + 1) P)`` meeting ``[start, stop)``.

    The ``flat`` ranges of every stair-like family; empty (no claim) when
    there would be more than :data:`MAX_FLAT` of them or the stairs are
    narrower than :data:`MIN_FLAT` (``curve()`` evaluates those anyway), so
    listing stairs never costs more than evaluating them.
    """
    k0, k1 = max(0, (start - offset) // period), (stop - 1 - offset) // period
    if k1 < k0 or k1 - k0 > MAX_FLAT or period < MIN_FLAT:
        return []
    return [(offset + k * period, offset + (k + 1) * period) for k in range(k0, k1 + 1)]


@dataclass(frozen=True, eq=False)
class ScheduleSpec:
    """Everything the library knows about one registered schedule.

    Attributes:
      name: registry name (``lrcurves.get(name, ...)``).
      factory: the public, validating constructor; its signature defines the
        accepted parameters.
      lr: kernel ``(xp, t, p) -> values``; ``t`` is an integer or floating
        step array of namespace ``xp`` (possibly negative inside
        combinators), ``p`` the :class:`Params`.
      momentum: optional kernel with the same signature.
      family: the module (family) it belongs to.
      kind: ``"schedule"`` or ``"combinator"`` (takes other schedules).
      monotone: ``"increasing"``/``"decreasing"`` over the whole step range,
        or ``None``.  Property tests check it.
      bounds: ``p -> (lo, hi)``, the range every LR value stays in.
      momentum_bounds: the same for momentum.
      phases: ``p -> steps`` where the curve changes phase (CLI summary).
      has_momentum: ``p -> bool``; defaults to "``momentum`` kernel given".
      flat: ``(p, start, stop) -> [(a, b), ...]``: sorted, disjoint step
        ranges inside ``[start, stop)`` on which the LR is *exactly*
        constant (the kernel returns the same bits at every step of the
        range).  :func:`curve` fills them instead of evaluating the kernel;
        the tests check the claim against the kernel for every family.
      pieces: ``(p, momentum) -> ((first_step, fn), ...)``: the schedule is
        ``fn(xp, t)`` on integer steps ``first_i <= t < first_{i+1}`` (first
        0, last piece unbounded), where each ``fn`` is exactly what the
        kernel selects there (the kernel is :func:`piecewise` over the
        same pieces).  :func:`curve` and :meth:`Schedule.value` then
        evaluate only the piece a step is in.
      aliases: old parameter spellings still accepted by :func:`get` and
        :func:`from_config` (``{"old": "new"}``).
    """

    name: str
    factory: Callable[..., Schedule]
    lr: Kernel
    momentum: Kernel | None = None
    family: str = ""
    kind: Literal["schedule", "combinator", "preset"] = "schedule"
    monotone: Literal["increasing", "decreasing"] | None = None
    bounds: Callable[[Params], tuple[float, float]] | None = None
    momentum_bounds: Callable[[Params], tuple[float, float]] | None = None
    phases: Callable[[Params], tuple[int, ...]] | None = None
    has_momentum: Callable[[Params], bool] | None = None
    flat: Flat | None = None
    pieces: Pieces | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        """The factory's signature (computed on first use: import stays cheap)."""
        return inspect.signature(self.factory)

    @property
    def summary(self) -> str:
        """First line of the factory's docstring."""
        doc = inspect.getdoc(self.factory) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(self.signature.parameters)


_REGISTRY: dict[str, ScheduleSpec] = {}


def register(
    name: str,
    *,
    lr: Kernel,
    momentum: Kernel | None = None,
    kind: Literal["schedule", "combinator"] = "schedule",
    monotone: Literal["increasing", "decreasing"] | None = None,
    bounds: Callable[[Params], tuple[float, float]] | None = None,
    momentum_bounds: Callable[[Params], tuple[float, float]] | None = None,
    phases: Callable[[Params], tuple[int, ...]] | None = None,
    has_momentum: Callable[[Params], bool] | None = None,
    flat: Flat | None = None,
    pieces: Pieces | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Callable[[Callable[..., Schedule]], Callable[..., Schedule]]:
    """Class the decorated factory as registered schedule ``name``."""

    def deco(factory: Callable[..., Schedule]) -> Callable[..., Schedule]:
        prev = _REGISTRY.get(name)
        if prev is not None and (
            prev.factory.__code__.co_filename != factory.__code__.co_filename
        ):
            # the same file imported twice (e.g. pytest --import-mode=importlib
            # on one module) re-registers harmlessly; a clash is a bug
            raise RuntimeError(f"schedule {name!r} registered twice")
        module = factory.__module__.rsplit(".", 1)[-1].lstrip("_")
        _REGISTRY[name] = ScheduleSpec(
            name=name,
            factory=factory,
            lr=lr,
            momentum=momentum,
            family=module,
            kind=kind,
            monotone=monotone,
            bounds=bounds,
            momentum_bounds=momentum_bounds,
            phases=phases,
            has_momentum=has_momentum,
            flat=flat,
            pieces=pieces,
            aliases=dict(aliases or {}),
        )
        return factory

    return deco


_PRESETS: dict[str, ScheduleSpec] = {}


def _no_kernel(xp: Namespace, t: Any, p: Params) -> Any:  # pragma: no cover - never called
    raise TypeError("a preset builds another schedule; it has no kernel of its own")


def register_preset(name: str) -> Callable[[Callable[..., Schedule]], Callable[..., Schedule]]:
    """Class the decorated factory as *preset* ``name``: a named recipe that builds
    other registered schedules (``warmup_cosine`` returns a ``warmup``).

    Presets are found by :func:`get`, :func:`spec`, configs and the CLI
    (``--schedule warmup_cosine``), and listed by ``names(presets=True)``.
    """

    def deco(factory: Callable[..., Schedule]) -> Callable[..., Schedule]:
        module = factory.__module__.rsplit(".", 1)[-1].lstrip("_")
        _PRESETS[name] = ScheduleSpec(name=name, factory=factory, lr=_no_kernel, family=module, kind="preset")
        return factory

    return deco


def names(*, presets: bool = False) -> tuple[str, ...]:
    """All registered schedule names, sorted (with ``presets=True``, the presets too)."""
    return tuple(sorted({*_REGISTRY, *(_PRESETS if presets else ())}))


def spec(name: str) -> ScheduleSpec:
    """The :class:`ScheduleSpec` registered as ``name``."""
    try:
        return _REGISTRY[name] if name in _REGISTRY else _PRESETS[name]
    except KeyError:
        raise ValueError(_unknown_name_message(name)) from None


def _unknown_name_message(name: object) -> str:
    close = difflib.get_close_matches(str(name), [*_REGISTRY, *_PRESETS], n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    return f"unknown schedule {name!r}.{hint} Valid names: {', '.join(names(presets=True))}"


def get(name: str, /, **params: Any) -> Schedule:
    """Build registered schedule ``name`` from keyword parameters.

    Unknown or missing parameter names raise :class:`ValueError` listing the
    valid ones; parameter values are validated by the schedule's factory.

    >>> import lrcurves
    >>> lrcurves.get("constant", value=0.1)
    constant(value=0.1)
    """
    if not isinstance(name, str):
        raise TypeError(f"schedule name must be a string, got {name!r}")
    sp = spec(name)
    for old, new in sp.aliases.items():
        if old in params:
            if new in params:
                raise ValueError(f"{sp.name}: give {new!r} or its old spelling {old!r}, not both")
            params[new] = params.pop(old)
    _check_keys(sp, params)
    return sp.factory(**params)


def _check_keys(sp: ScheduleSpec, params: Mapping[str, Any]) -> None:
    sig = sp.signature.parameters
    unknown = [k for k in params if k not in sig]
    if unknown:
        raise ValueError(
            f"{sp.name}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(sig)}"
        )
    missing = [
        k
        for k, prm in sig.items()
        if prm.default is inspect.Parameter.empty
        and prm.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and k not in params
    ]
    if missing:
        raise ValueError(f"{sp.name}: missing required parameter(s) {', '.join(map(repr, missing))}")


# ---------------------------------------------------------------------------
# Schedule


def _freeze(v: Any) -> Any:
    """Hashable key of a canonical parameter value (array shape and dtype included)."""
    if isinstance(v, np.ndarray):
        return ("__array__", v.shape, v.dtype.str, v.tobytes())
    if isinstance(v, tuple):
        return tuple(_freeze(x) for x in v)
    if is_traced(v):
        return ("__traced__", id(v))
    return v


def is_traced(v: Any) -> bool:
    """Whether ``v`` is a JAX tracer/array or a torch tensor (a live hyperparameter).

    Such values skip the value checks (see :mod:`lrcurves.validate`) so that
    ``jax.vmap``/``jax.grad`` over a schedule parameter work.
    """
    mod = type(v).__module__
    return mod.startswith(("jax", "torch"))


def _to_json(v: Any) -> Any:
    if isinstance(v, Schedule):
        return v.to_config()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, tuple):
        return [_to_json(x) for x in v]
    return v


def _fmt(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"array({v.tolist()!r})"
    if isinstance(v, tuple):
        inner = ", ".join(_fmt(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    return repr(v)


class Schedule:
    """An immutable learning-rate (and optionally momentum) schedule.

    Call it (or :meth:`lr`) on a step of any shape: a Python ``int`` or
    ``float``, a list, or a NumPy / PyTorch / JAX / array-API array.  The
    result is a floating array of the step's namespace and device.  Python
    numbers give a 0-d NumPy array; :meth:`value` gives a Python ``float``.
    Negative steps evaluate as step 0; a NaN step gives NaN.

    Integer steps of any width are widened to the namespace's default
    integer dtype first, half-precision floating steps to float32 (see
    :func:`lrcurves._xp.prepare`).

    **Sweeps.**  Value parameters may be arrays (``peak_value=[1e-3, 3e-3]``).
    The result then has shape ``step.shape + param_shape``: steps along the
    leading axes, the sweep along the trailing ones (``param_shape`` is the
    broadcast shape of all array parameters, nested schedules included).

    Build schedules with the factories (``lrcurves.cosine_decay(...)``),
    :func:`lrcurves.get` or :func:`lrcurves.from_config`; never directly.
    """

    __slots__ = ("__weakref__", "_arrays", "_depth", "_hash", "_memo", "_name", "_p", "_pshape", "_spec")

    _name: str
    _p: Params
    _spec: ScheduleSpec
    _arrays: tuple[str, ...]
    _pshape: tuple[int, ...]
    _hash: int | None

    def __init__(self) -> None:
        raise TypeError(
            "build schedules with a factory such as lrcurves.cosine_decay(...), "
            "lrcurves.get(name, ...) or lrcurves.from_config(...)"
        )

    @classmethod
    def _make(cls, name: str, /, **params: Any) -> Schedule:
        """Create a schedule from *already validated* parameters."""
        self = object.__new__(cls)
        init = object.__setattr__
        init(self, "_name", name)
        init(self, "_spec", _REGISTRY[name])
        init(self, "_p", Params(params))
        arrays = tuple(k for k, v in params.items() if isinstance(v, np.ndarray) or is_traced(v))
        init(self, "_arrays", arrays)
        shapes = [tuple(getattr(params[k], "shape", ())) for k in arrays]
        depth = 1
        for v in params.values():
            # a tuple holds schedules (join, product) or numbers (a 10**7-entry table: skip it)
            for c in v if isinstance(v, tuple) and v and isinstance(v[0], Schedule) else (v,):
                if isinstance(c, Schedule):
                    shapes.append(c._pshape)
                    depth = max(depth, c._depth + 1)
        if depth > MAX_DEPTH:
            # bounds(), phases(), repr, ==, pickling and configs recurse once per level
            raise ValueError(
                f"{name}: schedules nested {depth} deep; at most {MAX_DEPTH} levels are allowed"
            )
        init(self, "_depth", depth)
        try:
            pshape = tuple(np.broadcast_shapes(*shapes)) if shapes else ()
        except ValueError:
            raise ValueError(
                f"{name}: array-valued parameters have shapes {shapes} that do not broadcast"
            ) from None
        init(self, "_pshape", pshape)
        init(self, "_hash", None)
        init(self, "_memo", {})  # derived from the (immutable) parameters only
        return self

    # -- identity ---------------------------------------------------------
    @property
    def name(self) -> str:
        """The registry name."""
        return self._name

    @property
    def params(self) -> Mapping[str, Any]:
        """The validated parameters (read-only view)."""
        return dict(self._p)

    @property
    def spec(self) -> ScheduleSpec:
        return self._spec

    @property
    def param_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued parameters (``()`` for none)."""
        return self._pshape

    @property
    def has_momentum(self) -> bool:
        """Whether :meth:`momentum` is defined for this schedule."""
        sp = self._spec
        if sp.momentum is None:
            return False
        return True if sp.has_momentum is None else bool(sp.has_momentum(self._p))

    def _key(self) -> tuple[Any, ...]:
        return (self._name, tuple((k, _freeze(v)) for k, v in self._p.items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(self._key()))
        return self._hash  # type: ignore[return-value]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self._p.items())
        return f"{self._name}({args})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._name, dict(self._p)))

    def __copy__(self) -> Schedule:
        return self

    def __deepcopy__(self, memo: Any) -> Schedule:
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Schedule is immutable")

    # -- config -----------------------------------------------------------
    def to_config(self) -> dict[str, Any]:
        """A JSON-compatible dict; :func:`from_config` rebuilds an equal schedule."""
        if any(is_traced(self._p[k]) for k in self._arrays):
            raise TypeError(f"{self._name}: a schedule with traced parameters has no config")
        return {"name": self._name, "params": {k: _to_json(v) for k, v in self._p.items()}}

    # -- the evaluation protocol --------------------------------------------
    def _params_for(self, xp: Namespace, t: Any) -> Params:
        if not self._arrays:
            return self._p
        if xp is SCALAR:
            raise ValueError(
                f"{self._name} has array-valued parameters {list(self._arrays)}; "
                "value() is for scalar schedules, use lr()"
            )
        dt = float_dtype(xp, t)
        p = Params(self._p)
        dev = device_of(t)
        # sweep axes trail the step axes: (k,) parameters meet (n, 1) steps
        lead = (1,) * (len(getattr(t, "shape", ())) - len(self._pshape))
        for k in self._arrays:
            v = self._p[k]
            if isinstance(v, np.ndarray):
                # stored arrays are read-only; torch warns when wrapping those, so copy
                v = np.array(v) if xp is not numpy_namespace() else v
                v = xp.asarray(v, dtype=dt, device=dev) if dev is not None else xp.asarray(v, dtype=dt)
            if lead and len(self._pshape):
                v = xp.reshape(v, lead + tuple(v.shape))
            p[k] = v
        return p

    def evaluate(self, xp: Namespace, t: Any) -> Any:
        """The LR kernel on a *prepared* step ``t`` of namespace ``xp``.

        The protocol combinators use: ``t`` is an integer or floating array
        (or a Python number on :data:`lrcurves._xp.SCALAR`) that may hold
        negative local steps; nothing is clamped or converted here.  Array
        parameters broadcast as ``t.shape + param_shape`` only when ``t``
        already carries trailing axes of length 1 for them (:meth:`lr` does
        that); combinators pass their own ``t`` through unchanged.
        """
        return self._spec.lr(xp, t, self._params_for(xp, t))

    def evaluate_momentum(self, xp: Namespace, t: Any) -> Any:
        """The momentum kernel on a prepared step (see :meth:`evaluate`)."""
        kern = self._spec.momentum
        if kern is None or not self.has_momentum:
            raise ValueError(f"{self._name} defines no momentum (has_momentum is False)")
        return kern(xp, t, self._params_for(xp, t))

    def _eval(self, step: Any, xp: Namespace | None, momentum: bool) -> Any:
        ns, t = prepare(step, xp)
        if ns is SCALAR:
            # _pshape covers sweeps nested in combinators too (warmup of a sweep)
            if not self._arrays and not self._pshape:
                v = self.momentum_value(t) if momentum else self.value(t)
                return np.asarray(v, dtype=np.float64)
            ns, t = numpy_namespace(), np.asarray(t)
        if self._pshape:
            t = ns.reshape(t, tuple(t.shape) + (1,) * len(self._pshape))
        out = self.evaluate_momentum(ns, t) if momentum else self.evaluate(ns, t)
        if ns.isdtype(t.dtype, "real floating"):
            out = ns.where(ns.isnan(t), t, out)  # a NaN step is NaN, whatever branch it met
        if self._pshape:
            # always step.shape + param_shape, also where the kernel never reads the
            # swept parameter (warmup_steps=0 and an array init_value): materialised
            # with an exact + 0.0, not a read-only broadcast view
            full = tuple(t.shape[: len(t.shape) - len(self._pshape)]) + self._pshape
            if tuple(out.shape) != full:
                out = out + ns.zeros(full, dtype=out.dtype, device=device_of(out))
        return out

    def lr(self, step: Any, *, xp: Namespace | None = None) -> Any:
        """The learning rate at ``step`` (see the class docstring)."""
        return self._eval(step, xp, False)

    __call__ = lr

    def momentum(self, step: Any, *, xp: Namespace | None = None) -> Any:
        """The momentum (or Adam ``beta1``) at ``step``; ``ValueError`` if undefined."""
        return self._eval(step, xp, True)

    def value(self, step: int | float) -> float:
        """The learning rate at a Python number ``step``, as a Python ``float``.

        The fast path used by the torch shim: the kernel runs on the scalar
        namespace (about a microsecond), not through NumPy.
        """
        _, t = prepare(step, SCALAR)
        if t != t:
            return math.nan
        if self._spec.pieces is not None and type(t) is int:
            return float(_piece_at(self._scalar_pieces(False), t)(SCALAR, t))
        return float(self._spec.lr(SCALAR, t, self._params_for(SCALAR, t)))

    def momentum_value(self, step: int | float) -> float:
        """Like :meth:`value`, for momentum."""
        _, t = prepare(step, SCALAR)
        if t != t:
            return math.nan
        if self._spec.pieces is not None and type(t) is int and self.has_momentum:
            return float(_piece_at(self._scalar_pieces(True), t)(SCALAR, t))
        return float(self.evaluate_momentum(SCALAR, t))

    def _scalar_pieces(self, momentum: bool) -> Sequence[tuple[int, PieceFn]]:
        """The pieces on Python numbers, built once (they depend on parameters only)."""
        pieces = self._memo.get(momentum)
        if pieces is None:
            pieces = self._memo[momentum] = self._spec.pieces(self._params_for(SCALAR, 0), momentum)  # type: ignore[misc]
        return pieces

    def check(self, total_steps: int | None = None, **kwargs: Any) -> list[Finding]:
        """Checks before training: likely mistakes, with their step numbers.

        See :func:`lrcurves.checks.check` for the checks and the keyword
        arguments (``momentum``, ``jump_factor``, ``groups``, ...).

        >>> import lrcurves
        >>> [f.code for f in lrcurves.linear(0.0, 1.0, transition_steps=10).check(100)]
        ['zero-first-lr']
        """
        from lrcurves.checks import check

        return check(self, total_steps, **kwargs)

    # -- introspection ----------------------------------------------------
    def bounds(self) -> tuple[float, float]:
        """``(lo, hi)``: every LR value lies in this range."""
        b = self._spec.bounds
        if b is None or any(is_traced(self._p[k]) for k in self._arrays):
            return (0.0, math.inf)
        lo, hi = b(self._p)
        return float(np.min(lo)), float(np.max(hi))

    def momentum_bounds(self) -> tuple[float, float]:
        b = self._spec.momentum_bounds
        if b is None or any(is_traced(self._p[k]) for k in self._arrays):
            return (0.0, 1.0)
        lo, hi = b(self._p)
        return float(np.min(lo)), float(np.max(hi))

    def phases(self) -> tuple[int, ...]:
        """Steps where the curve changes phase (for summaries and plots)."""
        ph = self._spec.phases
        # at most MAX_PHASES (the earliest): nested repeats would multiply them
        return tuple(sorted(set(ph(self._p))))[:MAX_PHASES] if ph is not None else ()

    def flat_ranges(self, start: int, stop: int) -> list[tuple[int, int]]:
        """Sorted, disjoint ``(a, b)`` ranges in ``[start, stop)`` where the LR is constant.

        Possibly incomplete (a family may claim none); never wrong.  Used by
        :func:`curve` to fill constant stretches instead of evaluating them.
        """
        fl = self._spec.flat
        if fl is None or start >= stop:
            return []
        out = []
        for a, b in fl(self._p, start, stop):
            a, b = max(a, start), min(b, stop)
            if a < b:
                out.append((a, b))
                if len(out) >= MAX_FLAT:  # a prefix is still a true claim; keeps nesting linear
                    break
        return out


def _piece_at(pieces: Sequence[tuple[int, PieceFn]], t: int) -> PieceFn:
    fn = pieces[0][1]
    for first, f in pieces[1:]:
        if t < first:
            break
        fn = f
    return fn


def _rebuild(name: str, params: dict[str, Any]) -> Schedule:
    # unpickling validates like any construction: a tampered pickle cannot
    # smuggle in a negative LR
    return get(name, **params)


# ---------------------------------------------------------------------------
# curve


def curve(
    schedule: Schedule,
    num_steps: int,
    *,
    start: int = 0,
    xp: Any = None,
    dtype: Any = None,
    device: Any = None,
    momentum: bool = False,
) -> Any:
    """The whole curve at steps ``start .. start + num_steps - 1`` as one array.

    Exactly ``schedule(xp.arange(start, start + num_steps))``, bit for bit,
    on every backend: the steps are the same int64 (or the namespace's
    default integer) steps and every value comes from the same kernel.  On
    NumPy it is faster: the range is split where the schedule is constant
    (:meth:`Schedule.flat_ranges`), those stretches are filled with the
    kernel's own value, and the kernel runs on the rest only.

    ``xp`` picks the namespace (NumPy by default; ``torch`` or ``jax.numpy``
    build the curve on their ``device``), ``dtype`` casts the result,
    ``momentum=True`` gives the momentum curve.  Array-valued parameters
    (sweeps) give shape ``(num_steps, *schedule.param_shape)``.

    >>> import lrcurves
    >>> lrcurves.curve(lrcurves.linear(1.0, 0.0, transition_steps=4), 6)
    array([1.  , 0.75, 0.5 , 0.25, 0.  , 0.  ])
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"curve() needs a Schedule, got {type(schedule).__name__}")
    from lrcurves.validate import as_int

    n = as_int("curve", "num_steps", num_steps, min=0)
    s0 = as_int("curve", "start", start, min=0)
    ns = numpy_namespace() if xp is None else _compat(xp)
    if momentum and not schedule.has_momentum:
        raise ValueError(f"{schedule.name} defines no momentum (has_momentum is False)")
    if ns is numpy_namespace() and device in (None, "cpu"):
        out = _curve_numpy(schedule, s0, s0 + n, momentum)
    else:
        kw = {} if device is None else {"device": device}
        out = schedule._eval(ns.arange(s0, s0 + n, **kw), ns, momentum)
    if dtype is not None:
        out = ns.astype(out, dtype)
    return out


def _curve_numpy(s: Schedule, start: int, stop: int, momentum: bool) -> np.ndarray:
    """NumPy ``s(np.arange(start, stop))``, bit for bit, with less work.

    The range is cut where the schedule changes piece (only that piece's
    function runs there) and where it is constant for at least
    :data:`MIN_FLAT` steps (filled with the kernel's own value at the
    stretch's first step), and the kernel runs on at most :data:`BLOCK`
    steps at a time (elementwise, so the same values; its temporaries stay
    in the CPU cache, which makes a long curve about 1.5x faster).  Steps go in as float64 when every step is below
    2**53, where integer and float steps are the same numbers and every
    boundary helper gives the same result for both (saving a cast).
    """
    xp = numpy_namespace()
    n = stop - start
    pshape = s._pshape
    exact = stop <= 2**53

    def steps(a: int, b: int) -> np.ndarray:
        t = np.arange(a, b, dtype=np.float64 if exact else np.int64)
        return t.reshape(t.shape + (1,) * len(pshape)) if pshape else t

    p = s._params_for(xp, steps(start, start + 1))
    kernel = s._spec.momentum if momentum else s._spec.lr
    pc = s._spec.pieces
    cuts: list[tuple[int, int, Any]] = []  # (a, b, fn)
    if pc is not None:
        pieces = pc(p, momentum)
        for i, (first, fn) in enumerate(pieces):
            end = pieces[i + 1][0] if i + 1 < len(pieces) else stop
            a, b = max(start, first), min(stop, end)
            if a < b:
                cuts.append((a, b, fn))
    else:
        cuts.append((start, stop, lambda xp_, t: kernel(xp_, t, p)))
    flats = [] if momentum else [(a, b) for a, b in s.flat_ranges(start, stop) if b - a >= MIN_FLAT]
    if len(cuts) == 1 and not flats and n <= BLOCK:
        out = cuts[0][2](xp, steps(start, stop))
        # a kernel that never reads the swept parameter returns (n, 1, ...): broadcast, as _eval does
        return np.broadcast_to(out, (n, *pshape)).astype(np.float64) if np.shape(out) != (n, *pshape) else out
    out = np.empty((n, *pshape), dtype=np.float64)
    fi = 0
    for a, b, fn in cuts:
        at = a
        while at < b:
            while fi < len(flats) and flats[fi][1] <= at:
                fi += 1
            fa, fb = flats[fi] if fi < len(flats) else (b, b)
            if fa > at:  # kernel up to the next flat stretch (or the piece's end), a block at a time
                e = min(fa, b, at + BLOCK)
                out[at - start : e - start] = fn(xp, steps(at, e))
                at = e
                continue
            e = min(fb, b)  # a constant stretch: the kernel's value at its first step
            out[at - start : e - start] = fn(xp, steps(at, at + 1))
            at = e
    return out


READ_MIN = 16  # values a reader computes after a random jump
READ_MAX = 4096  # values a reader computes at most at once (while reading in order)


class CurveReader:
    """Reads a schedule's curve step by step, from chunks of :func:`curve`.

    ``reader(t)`` is ``float(curve(schedule, 1, start=t)[0])`` -- exactly
    the value ``schedule(numpy.arange(...))`` has at ``t`` -- for a Python
    ``int`` step.  Reading steps in order costs an array lookup: a miss
    evaluates the next chunk with :func:`curve` (one vectorised kernel call,
    constant stretches filled), growing the chunk fourfold from
    :data:`READ_MIN` up to :data:`READ_MAX` values while the reads stay in order and starting
    small again after a jump.  The scheduler adapters read their LRs and
    momenta through one, so the LR a training loop gets is the number
    ``lrcurves summary`` and ``plot`` show.

    Negative steps read step 0; a float step (``step(epoch=2.5)``), a NaN
    or a step past ``2**62 - READ_MAX`` is evaluated on its own, as
    ``schedule(numpy.asarray(t))``.

    >>> import lrcurves
    >>> r = lrcurves.CurveReader(lrcurves.linear(1.0, 0.0, transition_steps=4))
    >>> [r(t) for t in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    __slots__ = ("_hi", "_lo", "_momentum", "_schedule", "_size", "_vals")

    def __init__(self, schedule: Schedule, *, momentum: bool = False) -> None:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"CurveReader needs a Schedule, got {type(schedule).__name__}")
        if schedule.param_shape:
            raise ValueError(
                f"CurveReader: {schedule.name} is a sweep (param_shape={schedule.param_shape}); "
                "a reader gives one value per step"
            )
        if momentum and not schedule.has_momentum:
            raise ValueError(f"{schedule.name} defines no momentum (has_momentum is False)")
        self._schedule = schedule
        self._momentum = bool(momentum)
        self._lo = self._hi = 0
        self._vals: Sequence[float] = ()
        self._size = READ_MIN

    @property
    def schedule(self) -> Schedule:
        return self._schedule

    @property
    def momentum(self) -> bool:
        return self._momentum

    def __call__(self, t: Any) -> float:
        if type(t) is int and self._lo <= t < self._hi:
            return self._vals[t - self._lo]
        return self._miss(t)

    def _miss(self, t: Any) -> float:
        if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
            t = int(t)
        if type(t) is not int or t > _READ_LIMIT:
            out = self._schedule._eval(np.asarray(t), numpy_namespace(), self._momentum)
            return float(out)
        t = max(t, 0)
        if self._lo <= t < self._hi:  # a negative step read as step 0
            return self._vals[t - self._lo]
        size = min(self._size * 4, READ_MAX) if t == self._hi and self._vals else READ_MIN
        out = _curve_numpy(self._schedule, t, t + size, self._momentum)
        vals = array("d", np.ascontiguousarray(out, dtype=np.float64).tobytes())  # 8 bytes a value
        self._lo, self._hi, self._vals, self._size = t, t + size, vals, size
        return vals[0]

    def __repr__(self) -> str:
        mom = ", momentum=True" if self._momentum else ""
        return f"CurveReader({self._schedule!r}{mom})"


_READ_LIMIT = 2**62 - READ_MAX


def _compat(xp: Any) -> Namespace:
    """Map a raw module (``torch``, ``numpy``) to its array-API namespace."""
    mod = getattr(xp, "__name__", "")
    if mod in ("numpy", "array_api_compat.numpy"):
        return numpy_namespace()
    if mod == "torch":
        import array_api_compat.torch as t

        return t
    return xp


def iter_schedules(s: Schedule) -> Iterable[Schedule]:
    """``s`` and every schedule nested in its parameters, depth first."""
    yield s
    for v in dict.values(s._p):
        if isinstance(v, Schedule):
            yield from iter_schedules(v)
        elif isinstance(v, tuple) and v and isinstance(v[0], Schedule):
            for x in v:
                if isinstance(x, Schedule):
                    yield from iter_schedules(x)
