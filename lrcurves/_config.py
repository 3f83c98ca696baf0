"""Configs: :func:`from_config` and the foreign formats it understands.

A config is JSON-like data (a dict, a JSON string or a path to a JSON file)
naming a registered schedule and its parameters, nested schedules as nested
dicts.  Foreign formats (DeepSpeed's scheduler block, ColossalAI,
pytorch_optimizer, torch, transformers) register through
:func:`register_config_format`, imported lazily from the
``lrcurves.config_formats`` entry points on the first config the core format
does not recognise.

Configs are hostile input.  :func:`from_config` returns a :class:`Schedule`
or raises :class:`ValueError` / :class:`TypeError` with a message saying
what is wrong and where -- never another exception, never a hang:

* files: only regular files up to :data:`MAX_CONFIG_BYTES` are read
  (devices, FIFOs, sockets and directories are refused *before* reading,
  by ``stat``/``fstat`` on a non-blocking descriptor); text must be UTF-8
  (a UTF-8 BOM is accepted) and the error names the file;
* structure: keys must be strings, containers nest at most
  :data:`MAX_JSON_DEPTH` deep and schedules at most
  :data:`~lrcurves.validate.MAX_DEPTH` deep; ``"params"`` must be a dict;
* values: the schedules' validators (:mod:`lrcurves.validate`) bound every
  integer by ``2**62``, every table by :data:`~lrcurves.validate.MAX_TABLE`
  entries, and reject non-finite numbers and lists where a scalar belongs;
* large tables may live next to the config as NumPy ``.npy`` files: a
  parameter value ``{"$npy": "table.npy"}`` (a path relative to the config
  file, or to the current directory for in-memory configs) loads a 1-d
  integer or float array (never an object array), under the same file
  checks;
  :func:`save_config` writes such configs.

Loading never imports, evaluates or unpickles anything: the only code that
runs is the registered factories, the registered format loaders (imported
once, from their entry points, by :func:`config_formats`), ``json`` and
a regex over the header of a ``.npy`` table (not ``numpy.load``, whose
header parser compiles).

Time units (:mod:`lrcurves.units`): a core config may carry a ``"units"``
block (``{"name": ..., "units": {"steps_per_epoch": 500}, "params":
{"warmup_epochs": 1, ...}}``), or :func:`from_config` may get ``units=``;
step parameters may then be written in epochs, samples or tokens, in the
config and in every schedule nested in it.  The units are resolved when the
schedule is built: its :meth:`~lrcurves.Schedule.to_config` holds plain
steps and no ``"units"`` block.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lrcurves._schedule import Schedule, get, names
from lrcurves.units import UNITS_KEY, Units, to_step_params
from lrcurves.validate import MAX_DEPTH, MAX_TABLE, brief

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_NPY_BYTES",
    "config_formats",
    "from_config",
    "register_config_format",
    "save_config",
]

#: The largest config file (or JSON string) :func:`from_config` reads.
MAX_CONFIG_BYTES = 64 * 2**20
#: The largest ``.npy`` table file a config may reference.
MAX_NPY_BYTES = 8 * MAX_TABLE + 2**16
#: How deep dicts and lists may nest in a config (a schedule level takes about three).
MAX_JSON_DEPTH = 4 * MAX_DEPTH

NPY_KEY = "$npy"
CORE_KEYS = frozenset({"name", "params", UNITS_KEY})  # the keys of a core config
MAX_MESSAGE = 1000  # error messages longer than this are shortened

ConfigLoader = Callable[..., Schedule]
_CONFIG_FORMATS: list[tuple[Callable[[Mapping[str, Any]], bool], ConfigLoader]] = []


def register_config_format(
    detect: Callable[[Mapping[str, Any]], bool], load: ConfigLoader
) -> None:
    """Teach :func:`from_config` a foreign config format.

    ``detect(d)`` says whether a dict is in the format; ``load(d, **kwargs)``
    builds the schedule (``kwargs`` are :func:`from_config`'s keyword
    arguments, e.g. ``base_lr``).  Both receive only dicts that passed the
    structural checks (string keys, bounded nesting); whatever else they
    raise besides ``ValueError``/``TypeError`` reaches the caller as a
    ``ValueError`` naming the format.
    """
    if (detect, load) not in _CONFIG_FORMATS:
        _CONFIG_FORMATS.append((detect, load))


_FORMATS_LOADED = False
_FORMAT_ERRORS: list[str] = []  # plugins that failed to import (named in "no format" errors)
_FORMATS_LOCK = threading.Lock()


def config_formats() -> tuple[tuple[Callable[[Mapping[str, Any]], bool], ConfigLoader], ...]:
    """The registered foreign formats as ``(detect, load)`` pairs.

    Formats shipped as plugins (the ``lrcurves.config_formats`` entry-point
    group: DeepSpeed, ColossalAI, pytorch_optimizer) are imported on the
    first call, never by ``import lrcurves``.
    """
    global _FORMATS_LOADED
    if not _FORMATS_LOADED:
        with _FORMATS_LOCK:  # one thread imports; the others wait for every format
            if not _FORMATS_LOADED:
                from importlib.metadata import entry_points

                for ep in entry_points(group="lrcurves.config_formats"):
                    try:
                        ep.load()  # the module registers itself
                    except Exception as exc:  # a broken plugin must not break the others
                        _FORMAT_ERRORS.append(f"{ep.name} ({type(exc).__name__}: {brief(str(exc))})")
                _FORMATS_LOADED = True
    return tuple(_CONFIG_FORMATS)


# ---------------------------------------------------------------------------
# from_config


class _State(threading.local):
    depth = 0  # from_config calls in progress on this thread (formats recurse)
    base: Path | None = None  # where relative "$npy" paths resolve
    units: Units | None = None  # the time base of the enclosing core config


_STATE = _State()


@contextlib.contextmanager
def _units_scope(units: Units | None) -> Iterator[None]:
    """The time base nested configs inherit while a core config's params are decoded."""
    st = _STATE
    old = st.units
    st.units = units
    try:
        yield
    finally:
        st.units = old


@contextlib.contextmanager
def _nested(base: Path | None) -> Iterator[None]:
    st = _STATE
    if st.depth >= MAX_DEPTH:
        raise ValueError(f"config: schedules nested more than {MAX_DEPTH} deep")
    old_base = st.base
    st.depth += 1
    if base is not None:
        st.base = base
    try:
        yield
    finally:
        st.depth -= 1
        st.base = old_base


def from_config(
    config: Mapping[str, Any] | str | os.PathLike[str],
    *,
    units: Units | Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Schedule:
    """Rebuild a schedule from :meth:`Schedule.to_config` output.

    ``config`` may be a dict ``{"name": ..., "params": {...}}`` (nested
    schedules as nested dicts), a JSON string of one, or a path to a JSON
    file.  Other formats registered with :func:`register_config_format`
    (DeepSpeed's ``"scheduler"`` block or a whole ds_config, for instance)
    are recognised too; keyword arguments such as ``base_lr`` go to them.

    ``units`` (a :class:`lrcurves.units.Units` or a dict of its fields), or
    a ``"units"`` block next to ``"name"``, lets step parameters be written
    in epochs, samples or tokens (``warmup_epochs``, ``boundaries_epochs``;
    see :mod:`lrcurves.units`), here and in nested schedules.  Both may be
    given if no field gets two different values.  Units apply to core
    configs only; the result holds plain steps.

    Any input gives a :class:`Schedule` or a :class:`ValueError` /
    :class:`TypeError` (see the module docstring for the limits).

    >>> import lrcurves
    >>> s = lrcurves.cosine_decay(init_value=0.1, decay_steps=100)
    >>> lrcurves.from_config(s.to_config()) == s
    True
    """
    base: Path | None = None
    where = "config"
    if isinstance(config, (str, os.PathLike)) and not isinstance(config, bytes):
        if isinstance(config, str) and config.lstrip().startswith(("{", "[")):
            if len(config) > MAX_CONFIG_BYTES:
                raise ValueError(
                    f"config: a JSON string of {len(config)} characters is over the "
                    f"{MAX_CONFIG_BYTES}-byte limit"
                )
            config = _parse_json(config, "<string>")
        else:
            path = _fspath(config)
            config = _parse_json(_read_text(path), repr(path))
            base = Path(path).parent
            where = f"config file {path!r}"
    if not isinstance(config, Mapping):
        raise TypeError(
            f"config must be a dict, a JSON string or a path, got {type(config).__name__}"
        )
    given = None if units is None else Units.from_dict(units)
    outer = _STATE.depth == 0
    with _nested(base):
        if outer:  # nested calls (formats, sub-schedules) were checked with their parent
            _check_structure(config, where)
        return _load(config, kwargs, given)


def _load(config: Mapping[str, Any], kwargs: dict[str, Any], units: Units | None = None) -> Schedule:
    if "params" in config and config["params"] is not None and not isinstance(config["params"], Mapping):
        raise TypeError(f"config 'params' must be a dict, got {brief(config['params'])}")
    if not _is_core_config(config):
        for detect, load in config_formats():
            if _guard(detect, config, {}, "format detection"):
                if units is not None:
                    raise ValueError(
                        f"config: units= applies to lrcurves configs ({{'name': ..., 'params': ...}}); "
                        f"a {_format_name(load)} is written in its own steps"
                    )
                return _guard(load, config, kwargs, _format_name(load))
    if "name" not in config:
        raise ValueError(
            f"config has no 'name' key (got keys {sorted(config)}); expected "
            "{'name': <schedule>, 'params': {...}}"
            + (" or a registered foreign format" if config_formats() else "")
            + (f" (format plugins that failed to load: {', '.join(_FORMAT_ERRORS)})" if _FORMAT_ERRORS else "")
        )
    extra = set(config) - CORE_KEYS
    if extra:
        raise ValueError(
            f"config has unknown key(s) {sorted(extra)}; expected 'name' and 'params' "
            f"(and optionally {UNITS_KEY!r})"
        )
    name = config["name"]
    if not isinstance(name, str):
        raise TypeError(f"config 'name' must be a string, got {brief(name)}")
    # the time base: the enclosing config's, units=, this config's block (fields must agree)
    tb = _STATE.units
    for extra_units in (units, config.get(UNITS_KEY)):
        if extra_units is not None:
            u = Units.from_dict(extra_units)
            tb = u if tb is None else tb.combine(u, where="config: units")
    params = config.get("params") or {}
    with _units_scope(tb):
        decoded = {k: _decode(k, v) for k, v in params.items()}
    return _guard(lambda _c: get(name, **to_step_params(name, decoded, tb)), config, {}, f"schedule {name!r}")


def _guard(fn: Callable[..., Any], config: Mapping[str, Any], kwargs: dict[str, Any], what: str) -> Any:
    """``fn(config, **kwargs)``; anything but ValueError/TypeError becomes a ValueError.

    A safety net, not the way errors are meant to be reported: the message
    says "internal error" so the fuzz tests can tell a net catch from a
    validator's own message.
    """
    try:
        return fn(config, **kwargs)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if len(msg) <= MAX_MESSAGE:
            raise
        # a loader quoting a 10**5-entry value: keep the message readable
        cut = msg[: MAX_MESSAGE // 2] + f" ...[{len(msg) - MAX_MESSAGE} characters]... " + msg[-MAX_MESSAGE // 4 :]
        raise type(exc)(cut) from exc
    except RecursionError:
        raise ValueError(f"config: {what}: nested too deeply") from None
    except Exception as exc:
        raise ValueError(
            f"config: {what} failed on this config (internal error {type(exc).__name__}: "
            f"{brief(str(exc))})"
        ) from exc


def _format_name(load: Callable[..., Any]) -> str:
    mod = getattr(load, "__module__", "") or ""
    return f"{mod.rsplit('.', 1)[-1] or 'foreign'} config"


def _decode(key: str, v: Any) -> Any:
    if isinstance(v, Mapping):
        if set(v) == {"name", "params"}:
            return from_config(v)
        if set(v) == {NPY_KEY}:
            return _load_npy(v[NPY_KEY], key)
        if "name" in v or "params" in v:
            return from_config(v)  # a malformed schedule: its own, precise error
        raise TypeError(
            f"config parameter {key!r}: a dict must be a schedule {{'name': ..., 'params': {{...}}}} "
            f"or a table {{{NPY_KEY!r}: 'file.npy'}}, got keys {sorted(v)}"
        )
    if isinstance(v, list) and any(isinstance(x, Mapping) for x in v):
        return [_decode(f"{key}[{i}]", x) if isinstance(x, Mapping) else x for i, x in enumerate(v)]
    return v


def _is_core_config(config: Mapping[str, Any]) -> bool:
    name = config.get("name") if "name" in config else None
    return isinstance(name, str) and set(config) <= CORE_KEYS and name in names(presets=True)


def _at(path: str) -> str:
    if not path:
        return "the top"
    return path if len(path) <= 120 else "..." + path[-117:]


def _check_structure(config: Any, where: str) -> None:
    """String keys and bounded nesting, checked without recursion (a cyclic dict too)."""
    stack: list[tuple[Any, int, str]] = [(config, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(
                f"{where}: nested more than {MAX_JSON_DEPTH} levels deep at {_at(path)}"
            )
        if isinstance(node, Mapping):
            for k, v in node.items():
                if not isinstance(k, str):
                    raise TypeError(
                        f"{where}: keys must be strings, got {brief(k)} ({type(k).__name__}) "
                        f"at {_at(path)}"
                    )
                if isinstance(v, (Mapping, list, tuple)):
                    stack.append((v, depth + 1, f"{path}[{k!r}]"))
        elif isinstance(node, (list, tuple)):
            if len(node) > MAX_TABLE:
                raise ValueError(f"{where}: a list of {len(node)} entries at {_at(path)} (at most {MAX_TABLE})")
            if set(map(type, node)) <= {float, int, str, bool, type(None)}:
                continue  # a flat table: nothing nested
            for i, v in enumerate(node):
                if isinstance(v, (Mapping, list, tuple)):
                    stack.append((v, depth + 1, f"{path}[{i}]"))


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"invalid JSON in {where}: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and int strings over Python's digit limit
        raise ValueError(f"invalid JSON in {where}: {brief(str(exc))}") from None


# ---------------------------------------------------------------------------
# files


def _fspath(p: Any) -> str:
    try:
        out = os.fspath(p)
    except TypeError as exc:
        raise TypeError(f"config path must be a str or os.PathLike, got {type(p).__name__}") from exc
    if isinstance(out, bytes):
        out = os.fsdecode(out)
    return out


def _read_bytes(path: str, limit: int, what: str) -> bytes:
    """The bytes of a *regular* file of at most ``limit`` bytes, else a ValueError naming it.

    ``stat`` first, so a device, FIFO, socket or directory is refused before
    it is opened; then the descriptor is opened non-blocking and checked
    again with ``fstat`` (the path may have been swapped in between), and at
    most ``limit + 1`` bytes are read.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL byte
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"cannot read {what} {path!r}: {reason}") from None
    _check_stat(st, path, limit, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path!r}: {exc.strerror or exc}") from None
    try:
        _check_stat(os.fstat(fd), path, limit, what)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise ValueError(f"{what} {path!r} grew past the {limit}-byte limit while being read")
    return b"".join(chunks)


def _check_stat(st: os.stat_result, path: str, limit: int, what: str) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ValueError(f"cannot read {what} {path!r}: it is a directory, not a file")
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO" if stat.S_ISFIFO(mode)
            else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise ValueError(f"cannot read {what} {path!r}: it is {kind}; only regular files are read")
    if st.st_size > limit:
        raise ValueError(
            f"cannot read {what} {path!r}: it is {st.st_size} bytes, over the {limit}-byte limit"
            + (f" (store large tables as {NPY_KEY!r} files next to the config)" if what == "config file" else "")
        )


def _read_text(path: str) -> str:
    data = _read_bytes(path, MAX_CONFIG_BYTES, "config file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ValueError(
            f"config file {path!r} is not UTF-8 text{hint}: {exc.reason} at byte {exc.start}; "
            "configs are UTF-8 JSON"
        ) from None


def _load_npy(ref: Any, key: str) -> np.ndarray:
    """A table from a ``.npy`` file: 1-d, real, at most MAX_TABLE entries, never pickled."""
    if not isinstance(ref, str) or not ref:
        raise TypeError(f"config parameter {key!r}: {NPY_KEY} must be a file name, got {brief(ref)}")
    p = Path(ref)
    if not p.is_absolute():
        p = (_STATE.base or Path.cwd()) / p
    path = str(p)
    data = _read_bytes(path, MAX_NPY_BYTES, f"{NPY_KEY} table for {key!r}")
    try:
        return _parse_npy(data)
    except ValueError as exc:
        raise ValueError(f"{NPY_KEY} table for {key!r} in {path!r}: {exc}") from None


_NPY_MAGIC = b"\x93NUMPY"
_NPY_HEADER = re.compile(
    r"""\{\s*'descr':\s*'(?P<descr>[<>|=]?[iuf][1248])',\s*'fortran_order':\s*(?:False|True),"""
    r"""\s*'shape':\s*\((?P<n>\d+),?\),?\s*\}\s*$"""
)


def _parse_npy(data: bytes) -> np.ndarray:
    """A 1-d integer or float array from ``.npy`` bytes, header parsed by a regex.

    ``numpy.load`` reads the header with ``ast.literal_eval`` (a compile) and
    can unpickle object arrays; a table needs neither.
    """
    if data[:6] != _NPY_MAGIC or len(data) < 10:
        raise ValueError("not a .npy file (bad magic bytes)")
    major = data[6]
    if major == 1:
        hlen, start = int.from_bytes(data[8:10], "little"), 10
    elif major in (2, 3):
        hlen, start = int.from_bytes(data[8:12], "little"), 12
    else:
        raise ValueError(f"unsupported .npy version {major}")
    try:
        header = data[start : start + hlen].decode("latin1")
    except UnicodeDecodeError:  # pragma: no cover - latin1 decodes any byte
        raise ValueError("unreadable .npy header") from None
    m = _NPY_HEADER.match(header.strip())
    if m is None:
        raise ValueError(
            f"must be a 1-d integer or float array (.npy header {brief(header.strip())}); "
            "object arrays and other shapes are refused"
        )
    dtype, n = np.dtype(m["descr"]), int(m["n"])
    body = data[start + hlen :]
    if len(body) != n * dtype.itemsize:
        raise ValueError(f"truncated or padded: {len(body)} data bytes for {n} entries of {dtype}")
    return np.frombuffer(body, dtype=dtype, count=n)


# ---------------------------------------------------------------------------
# save_config


def save_config(
    schedule: Schedule, path: str | os.PathLike[str], *, npy_threshold: int | None = 65536
) -> Path:
    """Write ``schedule.to_config()`` as a JSON file that :func:`from_config` reads back.

    Tables (sequences of numbers) longer than ``npy_threshold`` entries are
    written as ``.npy`` files next to the JSON (``<stem>.<param>.<n>.npy``)
    and referenced as ``{"$npy": name}``: a million-entry table loads in
    milliseconds instead of a JSON parse, and a config whose tables would
    exceed :data:`MAX_CONFIG_BYTES` as JSON still loads.  ``None`` keeps
    everything inline.  Returns the JSON path.
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"save_config() needs a Schedule, got {type(schedule).__name__}")
    out = Path(_fspath(path))
    counter = [0]

    def walk(node: Any, key: str) -> Any:
        if isinstance(node, Mapping):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            if (
                npy_threshold is not None
                and len(node) > npy_threshold
                and all(type(x) in (float, int) for x in node)
            ):
                name = f"{out.stem}.{key}.{counter[0]}.npy"
                counter[0] += 1
                np.save(out.parent / name, np.asarray(node, dtype=np.float64), allow_pickle=False)
                return {NPY_KEY: name}
            return [walk(x, key) for x in node]
        return node

    cfg = walk(schedule.to_config(), "")
    out.write_text(json.dumps(cfg, allow_nan=False), encoding="utf-8")
    return out
