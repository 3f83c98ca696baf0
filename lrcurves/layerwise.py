"""Layer-wise learning rates: per-parameter LR multipliers and weight-decay flags.

Framework-free: works on ordered parameter *names* (``"encoder.layer.3.attention.query.weight"``).
:mod:`lrcurves.adapters.torch_groups` turns the result into torch param
groups, :mod:`lrcurves.adapters.optax_groups` into an optax partition
(labels plus per-label scaled schedules).

Rule, for ``num_layers`` = :math:`L`, ``decay`` = :math:`\\gamma`:

* a head parameter gets ``head_multiplier``;
* any other parameter at depth :math:`d \\in [0, L]` gets :math:`\\gamma^{L - d}`
  (embeddings are depth 0, transformer block ``i`` is depth ``i + 1``, the
  top of the backbone depth :math:`L`);
* weight decay is 0 for names containing a ``no_decay`` pattern (biases and
  norm weights by default), ``weight_decay`` otherwise.

>>> from lrcurves.layerwise import layerwise_settings
>>> names = ["embeddings.word.weight", "layer.0.dense.weight", "layer.0.dense.bias",
...          "layer.1.dense.weight", "classifier.weight"]
>>> for s in layerwise_settings(names, num_layers=2, decay=0.5, head_multiplier=10.0, weight_decay=0.01):
...     print(s.name, s.depth, s.lr_scale, s.weight_decay)
embeddings.word.weight 0 0.25 0.01
layer.0.dense.weight 1 0.5 0.01
layer.0.dense.bias 1 0.5 0.0
layer.1.dense.weight 2 1.0 0.01
classifier.weight 3 10.0 0.01
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lrcurves.validate import as_int, as_value

__all__ = [
    "HEAD_PREFIXES",
    "NO_DECAY",
    "ParamSetting",
    "default_depth",
    "default_is_head",
    "group_settings",
    "infer_num_layers",
    "layerwise_settings",
    "no_weight_decay",
]

NO_DECAY: tuple[str, ...] = (
    "bias",
    "LayerNorm.weight",
    "layernorm.weight",
    "layer_norm.weight",
    "norm.weight",
    "ln_1.weight",
    "ln_2.weight",
    "ln_f.weight",
    "bn.weight",
)
HEAD_PREFIXES: tuple[str, ...] = ("head", "heads", "classifier", "lm_head", "fc", "score", "pooler", "qa_outputs")

_BLOCK = re.compile(r"(?:^|\.)(?:layers?|blocks?|h|stages?|resblocks)\.(\d+)(?:\.|$)")
_EMBED = re.compile(r"(?:^|\.)(?:embeddings?|embed_tokens|embed|wte|wpe|patch_embed|pos_embed|cls_token|tok_embeddings)(?:\.|$|_)")


def no_weight_decay(name: str, patterns: Sequence[str] = NO_DECAY) -> bool:
    """Whether parameter ``name`` is excluded from weight decay (contains one of ``patterns``)."""
    return any(p in name for p in patterns)


def default_is_head(name: str) -> bool:
    """Head parameters: the first name component is one of :data:`HEAD_PREFIXES`."""
    return name.split(".", 1)[0] in HEAD_PREFIXES


def default_depth(name: str) -> int | None:
    """Depth from the name: block ``i`` (``layer.i.``, ``layers.i.``, ``blocks.i.``, ``h.i.``) is ``i + 1``,
    embeddings 0, anything else ``None`` (the top of the backbone)."""
    m = _BLOCK.search(name)
    if m is not None:
        return int(m.group(1)) + 1
    if _EMBED.search(name):
        return 0
    return None


def infer_num_layers(names: Iterable[str], depth: Callable[[str], int | None] = default_depth) -> int:
    """The largest depth ``depth`` gives over ``names`` (0 when none has one)."""
    ds = [d for d in map(depth, names) if d is not None]
    return max(ds, default=0)


@dataclass(frozen=True)
class ParamSetting:
    """The LR multiplier and weight decay of one parameter."""

    name: str
    depth: int
    lr_scale: float
    weight_decay: float
    is_head: bool


def layerwise_settings(
    names: Sequence[str],
    *,
    num_layers: int | None = None,
    decay: float = 1.0,
    head_multiplier: float = 1.0,
    weight_decay: float = 0.0,
    depth: Callable[[str], int | None] = default_depth,
    is_head: Callable[[str], bool] = default_is_head,
    no_decay: Sequence[str] = NO_DECAY,
) -> list[ParamSetting]:
    """Per-parameter settings, in the order of ``names``.

    Args:
      names: ordered parameter names (``model.named_parameters()`` order).
      num_layers: :math:`L`; inferred from ``depth`` when ``None``.
      decay: factor per depth, ``> 0``: depth ``d`` gets ``decay ** (L - d)``.
      head_multiplier: LR multiplier of head parameters, ``>= 0``.
      weight_decay: weight decay of decayed parameters, ``>= 0``.
      depth: ``name -> depth`` in ``[0, L]`` or ``None`` (top, depth ``L``).
      is_head: ``name -> bool``; head parameters sit at depth ``L + 1``.
      no_decay: substrings that switch weight decay off.
    """
    where = "layerwise"
    if isinstance(names, str):
        raise TypeError(f"{where}: names must be a sequence of strings, got {names!r}")
    names = list(names)
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"{where}: names must be strings, got {bad[0]!r}")
    dec = float(as_value(where, "decay", decay, min=0.0, min_open=True, allow_array=False))
    head = float(as_value(where, "head_multiplier", head_multiplier, min=0.0, allow_array=False))
    wd = float(as_value(where, "weight_decay", weight_decay, min=0.0, allow_array=False))
    backbone = [n for n in names if not is_head(n)]
    n_layers = infer_num_layers(backbone, depth) if num_layers is None else as_int(where, "num_layers", num_layers, min=0)
    out: list[ParamSetting] = []
    for n in names:
        w = 0.0 if no_weight_decay(n, no_decay) else wd
        if is_head(n):
            out.append(ParamSetting(n, n_layers + 1, head, w, True))
            continue
        d = depth(n)
        d = n_layers if d is None else d
        if not 0 <= d <= n_layers:
            raise ValueError(f"{where}: depth of {n!r} is {d}, outside [0, num_layers={n_layers}]")
        out.append(ParamSetting(n, d, dec ** (n_layers - d), w, False))
    return out


def group_settings(settings: Sequence[ParamSetting]) -> list[tuple[float, float, list[str]]]:
    """Merge parameters sharing ``(lr_scale, weight_decay)``: ``[(lr_scale, wd, names), ...]`` in first-seen order."""
    groups: dict[tuple[float, float], list[str]] = {}
    for s in settings:
        groups.setdefault((s.lr_scale, s.weight_decay), []).append(s.name)
    return [(k[0], k[1], v) for k, v in groups.items()]
