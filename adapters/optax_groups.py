"""optax partition with layer-wise LR multipliers (see :mod:`lrcurves.layerwise`).

Leaves of a parameter pytree are named by their path joined with ``.``
(``{"layers": [{"w": ...}]}`` gives ``layers.0.w``), so the same depth and
no-decay rules as for torch apply.  Each distinct ``(lr_scale,
weight_decay)`` becomes one label whose schedule is
``lrcurves.scale(schedule, factor=lr_scale)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import optax

import lrcurves
from lrcurves import Schedule
from lrcurves.layerwise import (
    NO_DECAY,
    default_depth,
    default_is_head,
    group_settings,
    layerwise_settings,
)

__all__ = ["leaf_names", "partition", "partition_spec"]


def _key(k: Any) -> str:
    for attr in ("key", "idx", "name"):
        if hasattr(k, attr):
            return str(getattr(k, attr))
    return str(k)


def leaf_names(params: Any) -> Any:
    """A pytree like ``params`` holding each leaf's dotted path name."""
    return jax.tree_util.tree_map_with_path(lambda path, _: ".".join(_key(k) for k in path), params)


def partition_spec(
    params: Any,
    schedule: Schedule,
    *,
    num_layers: int | None = None,
    decay: float = 1.0,
    head_multiplier: float = 1.0,
    weight_decay: float = 0.0,
    depth: Callable[[str], int | None] = default_depth,
    is_head: Callable[[str], bool] = default_is_head,
    no_decay: Sequence[str] = NO_DECAY,
) -> tuple[Any, dict[str, tuple[Schedule, float]]]:
    """``(labels, {label: (scaled_schedule, weight_decay)})`` for ``optax.multi_transform``."""
    if not isinstance(schedule, Schedule):
        raise TypeError(f"partition: schedule must be a Schedule, got {type(schedule).__name__}")
    names_tree = leaf_names(params)
    names = jax.tree_util.tree_leaves(names_tree)
    settings = layerwise_settings(
        names, num_layers=num_layers, decay=decay, head_multiplier=head_multiplier,
        weight_decay=weight_decay, depth=depth, is_head=is_head, no_decay=no_decay,
    )
    label_of: dict[str, str] = {}
    per_label: dict[str, tuple[Schedule, float]] = {}
    for i, (scale, wd, group) in enumerate(group_settings(settings)):
        label = f"g{i}_lr{scale:g}_wd{wd:g}"
        per_label[label] = (schedule if scale == 1.0 else lrcurves.scale(schedule, factor=scale), wd)
        for n in group:
            label_of[n] = label
    labels = jax.tree_util.tree_map(lambda n: label_of[n], names_tree)
    return labels, per_label


def _adamw(schedule: Schedule, weight_decay: float) -> optax.GradientTransformation:
    return optax.adamw(schedule, weight_decay=weight_decay)


def partition(
    params: Any,
    schedule: Schedule,
    *,
    make: Callable[[Schedule, float], optax.GradientTransformation] = _adamw,
    **kwargs: Any,
) -> optax.GradientTransformation:
    """An ``optax.multi_transform`` with one ``make(scaled_schedule, weight_decay)`` per label.

    ``make`` defaults to ``optax.adamw``; keyword arguments go to
    :func:`partition_spec`.
    """
    labels, per_label = partition_spec(params, schedule, **kwargs)
    transforms = {label: make(s, wd) for label, (s, wd) in per_label.items()}
    return optax.multi_transform(transforms, labels)
