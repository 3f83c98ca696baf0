"""The :class:`Schedule` value, the registry, config round trips and ``curve``.

A schedule is *data*: a registered name plus validated parameters.  The math
lives in the kernel functions each family module registers.  Every factory
(``lrcurves.cosine_decay(...)``, ``lrcurves.get("cosine_decay", ...)``,
``lrcurves.from_config(...)``) returns a :class:`Schedule`; two schedules
with the same name and parameters are equal and hash alike.
"""

from __future__ import annotations

import difflib
import inspect
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from lrcurves._xp import SCALAR, Namespace, float_dtype, numpy_namespace, resolve

__all__ = [
    "Params",
    "Schedule",
    "ScheduleSpec",
    "curve",
    "from_config",
    "get",
    "names",
    "register",
    "register_config_format",
    "spec",
]

Kernel = Callable[[Namespace, Any, "Params"], Any]


class Params(dict[str, Any]):
    """Validated parameters with attribute access (``p.peak_value``).

    The instance ``__dict__`` *is* the mapping, so attribute access is a
    plain dict lookup (no ``__getattr__`` fallback on the hot scalar path).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self


@dataclass(frozen=True)
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
      eval_range: optional fast path for :func:`curve`:
        ``(xp, p, start, stop) -> values`` for the contiguous steps
        ``start..stop-1`` (``start >= 0``).
    """

    name: str
    factory: Callable[..., Schedule]
    lr: Kernel
    momentum: Kernel | None = None
    family: str = ""
    kind: Literal["schedule", "combinator"] = "schedule"
    monotone: Literal["increasing", "decreasing"] | None = None
    bounds: Callable[[Params], tuple[float, float]] | None = None
    momentum_bounds: Callable[[Params], tuple[float, float]] | None = None
    phases: Callable[[Params], tuple[int, ...]] | None = None
    has_momentum: Callable[[Params], bool] | None = None
    eval_range: Callable[[Namespace, Params, int, int], Any] | None = None
    signature: inspect.Signature = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "signature", inspect.signature(self.factory))

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
    eval_range: Callable[[Namespace, Params, int, int], Any] | None = None,
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
            eval_range=eval_range,
        )
        return factory

    return deco


def names() -> tuple[str, ...]:
    """All registered schedule names, sorted."""
    return tuple(sorted(_REGISTRY))


def spec(name: str) -> ScheduleSpec:
    """The :class:`ScheduleSpec` registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(_unknown_name_message(name)) from None


def _unknown_name_message(name: object) -> str:
    close = difflib.get_close_matches(str(name), list(_REGISTRY), n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    return f"unknown schedule {name!r}.{hint} Valid names: {', '.join(names())}"


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
    """Hashable key of a canonical parameter value."""
    if isinstance(v, np.ndarray):
        return ("__array__", v.shape, v.tobytes())
    if isinstance(v, tuple):
        return tuple(_freeze(x) for x in v)
    return v


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
    result is a floating array of the step's namespace, device and shape
    (broadcast with any array-valued parameters).  Python numbers give a
    0-d NumPy array; :meth:`value` gives a Python ``float``.  Negative
    steps evaluate as step 0.

    Build schedules with the factories (``lrcurves.cosine_decay(...)``),
    :func:`lrcurves.get` or :func:`lrcurves.from_config`; never directly.
    """

    __slots__ = ("__weakref__", "_arrays", "_hash", "_name", "_p", "_spec")

    _name: str
    _p: Params
    _spec: ScheduleSpec
    _arrays: tuple[str, ...]
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
        init(self, "_arrays", tuple(k for k, v in params.items() if isinstance(v, np.ndarray)))
        init(self, "_hash", None)
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
        return {"name": self._name, "params": {k: _to_json(v) for k, v in self._p.items()}}

    # -- evaluation -------------------------------------------------------
    def _params_for(self, xp: Namespace, t: Any) -> Params:
        if not self._arrays:
            return self._p
        dt = float_dtype(xp, t)
        p = Params(self._p)
        dev = _device(xp, t)
        for k in self._arrays:
            # stored arrays are read-only; torch warns when wrapping those, so copy
            a = np.array(self._p[k]) if xp is not numpy_namespace() else self._p[k]
            p[k] = xp.asarray(a, dtype=dt, device=dev) if dev is not None else xp.asarray(a, dtype=dt)
        return p

    def _lr(self, xp: Namespace, t: Any) -> Any:
        """Kernel entry for combinators: no clamping, ``t`` already an array."""
        return self._spec.lr(xp, t, self._params_for(xp, t))

    def _mom(self, xp: Namespace, t: Any) -> Any:
        kern = self._spec.momentum
        if kern is None or not self.has_momentum:
            raise ValueError(f"{self._name} defines no momentum (has_momentum is False)")
        return kern(xp, t, self._params_for(xp, t))

    def _eval(self, step: Any, xp: Namespace | None, which: str) -> Any:
        ns, t = resolve(step, xp)
        if ns is SCALAR:
            if not self._arrays:
                v = self.value(t) if which == "lr" else self.momentum_value(t)
                return np.asarray(v, dtype=np.float64)
            ns, t = numpy_namespace(), np.asarray(t)
        t = ns.where(t < 0, ns.zeros_like(t), t)
        return self._lr(ns, t) if which == "lr" else self._mom(ns, t)

    def lr(self, step: Any, *, xp: Namespace | None = None) -> Any:
        """The learning rate at ``step`` (see the class docstring)."""
        return self._eval(step, xp, "lr")

    __call__ = lr

    def momentum(self, step: Any, *, xp: Namespace | None = None) -> Any:
        """The momentum (or Adam ``beta1``) at ``step``; ``ValueError`` if undefined."""
        return self._eval(step, xp, "momentum")

    def value(self, step: int | float) -> float:
        """The learning rate at a Python number ``step``, as a Python ``float``.

        The fast path used by the torch shim: the kernel runs on the scalar
        namespace (about a microsecond), not through NumPy.
        """
        if self._arrays:
            raise ValueError(
                f"{self._name} has array-valued parameters {list(self._arrays)}; "
                "value() is for scalar schedules, use lr()"
            )
        return float(self._spec.lr(SCALAR, step if step > 0 else 0, self._p))

    def momentum_value(self, step: int | float) -> float:
        """Like :meth:`value`, for momentum."""
        if self._arrays:
            raise ValueError(f"{self._name} has array-valued parameters; use momentum()")
        kern = self._spec.momentum
        if kern is None or not self.has_momentum:
            raise ValueError(f"{self._name} defines no momentum (has_momentum is False)")
        return float(kern(SCALAR, step if step > 0 else 0, self._p))

    # -- introspection ----------------------------------------------------
    def bounds(self) -> tuple[float, float]:
        """``(lo, hi)``: every LR value lies in this range."""
        b = self._spec.bounds
        if b is None:
            return (0.0, math.inf)
        lo, hi = b(self._p)
        return float(np.min(lo)), float(np.max(hi))

    def momentum_bounds(self) -> tuple[float, float]:
        b = self._spec.momentum_bounds
        if b is None:
            return (0.0, 1.0)
        lo, hi = b(self._p)
        return float(np.min(lo)), float(np.max(hi))

    def phases(self) -> tuple[int, ...]:
        """Steps where the curve changes phase (for summaries and plots)."""
        ph = self._spec.phases
        return tuple(sorted(set(ph(self._p)))) if ph is not None else ()

    def _eval_range(self, xp: Namespace, start: int, stop: int, which: str = "lr") -> Any:
        """Values at steps ``start..stop-1`` (``start >= 0``), fast path."""
        er = self._spec.eval_range
        if which == "lr" and er is not None and not self._arrays:
            return er(xp, self._p, start, stop)
        t = xp.arange(start, stop)
        return self._lr(xp, t) if which == "lr" else self._mom(xp, t)


def _rebuild(name: str, params: dict[str, Any]) -> Schedule:
    return Schedule._make(name, **params)


def _device(xp: Namespace, x: Any) -> Any:
    try:
        from array_api_compat import device

        return device(x)
    except Exception:
        return None


# ---------------------------------------------------------------------------
# config

ConfigLoader = Callable[..., Schedule]
_CONFIG_FORMATS: list[tuple[Callable[[Mapping[str, Any]], bool], ConfigLoader]] = []


def register_config_format(
    detect: Callable[[Mapping[str, Any]], bool], load: ConfigLoader
) -> None:
    """Teach :func:`from_config` a foreign config format.

    ``detect(d)`` says whether a dict is in the format; ``load(d, **kwargs)``
    builds the schedule (``kwargs`` are :func:`from_config`'s keyword
    arguments, e.g. ``base_lr``).
    """
    _CONFIG_FORMATS.append((detect, load))


def _decode(v: Any) -> Any:
    if isinstance(v, Mapping) and set(v) == {"name", "params"}:
        return from_config(v)
    if isinstance(v, list) and v and all(isinstance(x, Mapping) and set(x) == {"name", "params"} for x in v):
        return [from_config(x) for x in v]
    return v


def from_config(config: Mapping[str, Any] | str | os.PathLike[str], **kwargs: Any) -> Schedule:
    """Rebuild a schedule from :meth:`Schedule.to_config` output.

    ``config`` may be a dict ``{"name": ..., "params": {...}}`` (nested
    schedules as nested dicts), a JSON string of one, or a path to a JSON
    file.  Other formats registered with :func:`register_config_format`
    (DeepSpeed's ``"scheduler"`` block or a whole ds_config, for instance)
    are recognised too; keyword arguments such as ``base_lr`` go to them.

    >>> import lrcurves
    >>> s = lrcurves.cosine_decay(init_value=0.1, decay_steps=100)
    >>> lrcurves.from_config(s.to_config()) == s
    True
    """
    if isinstance(config, (str, os.PathLike)):
        text = str(config)
        if isinstance(config, str) and text.lstrip().startswith("{"):
            config = _parse_json(text, "<string>")
        else:
            try:
                with open(config, encoding="utf-8") as fh:
                    config = _parse_json(fh.read(), text)
            except OSError as exc:
                raise ValueError(f"cannot read config file {text!r}: {exc.strerror or exc}") from None
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, a JSON string or a path, got {type(config).__name__}")
    for detect, load in _CONFIG_FORMATS:
        if detect(config):
            return load(config, **kwargs)
    if "name" not in config:
        raise ValueError(
            f"config has no 'name' key (got keys {sorted(config)}); expected "
            "{'name': <schedule>, 'params': {...}}"
            + (" or a registered foreign format" if _CONFIG_FORMATS else "")
        )
    extra = set(config) - {"name", "params"}
    if extra:
        raise ValueError(f"config has unknown key(s) {sorted(extra)}; expected 'name' and 'params'")
    params = config.get("params") or {}
    if not isinstance(params, Mapping):
        raise TypeError(f"config 'params' must be a dict, got {type(params).__name__}")
    return get(config["name"], **{k: _decode(v) for k, v in params.items()})


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON in {where}: {exc}") from None


# ---------------------------------------------------------------------------
# curve


def curve(
    schedule: Schedule,
    num_steps: int,
    *,
    start: int = 0,
    xp: Namespace | None = None,
    dtype: Any = None,
    momentum: bool = False,
) -> Any:
    """The whole curve at steps ``start .. start + num_steps - 1`` as one array.

    ``xp`` picks the namespace (NumPy by default; pass ``torch`` or
    ``jax.numpy`` for a device array), ``dtype`` the floating dtype,
    ``momentum=True`` the momentum curve instead of the LR.

    >>> import lrcurves
    >>> lrcurves.curve(lrcurves.linear(1.0, 0.0, 4), 6)
    array([1.  , 0.75, 0.5 , 0.25, 0.  , 0.  ])
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"curve() needs a Schedule, got {type(schedule).__name__}")
    from lrcurves._validate import as_int

    n = as_int("curve", "num_steps", num_steps, min=0)
    s0 = as_int("curve", "start", start, min=0)
    ns = numpy_namespace() if xp is None else _compat(xp)
    which = "momentum" if momentum else "lr"
    if momentum and not schedule.has_momentum:
        raise ValueError(f"{schedule.name} defines no momentum (has_momentum is False)")
    out = schedule._eval_range(ns, s0, s0 + n, which)
    if dtype is not None:
        out = ns.astype(out, dtype)
    return out


def _compat(xp: Any) -> Namespace:
    """Map a raw module (``torch``, ``numpy``) to its array-API namespace."""
    mod = getattr(xp, "__name__", "")
    if mod == "numpy":
        return numpy_namespace()
    if mod == "torch":
        import array_api_compat.torch as t

        return t
    return xp


def iter_schedules(s: Schedule) -> Iterable[Schedule]:
    """``s`` and every schedule nested in its parameters, depth first."""
    yield s
    for v in s._p.values():
        if isinstance(v, Schedule):
            yield from iter_schedules(v)
        elif isinstance(v, tuple):
            for x in v:
                if isinstance(x, Schedule):
                    yield from iter_schedules(x)
