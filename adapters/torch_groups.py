"""torch param groups with layer-wise LR multipliers (see :mod:`lrcurves.layerwise`).

>>> import torch
>>> from lrcurves.adapters.torch_groups import param_groups
>>> model = torch.nn.ModuleDict({"layers": torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)]),
...                              "head": torch.nn.Linear(2, 1)})
>>> groups = param_groups(model, base_lr=1e-3, decay=0.5, head_multiplier=10.0, weight_decay=0.01)
>>> [(g["lr"], g["weight_decay"], len(g["params"])) for g in groups]
[(0.0005, 0.01, 1), (0.0005, 0.0, 1), (0.001, 0.01, 1), (0.001, 0.0, 1), (0.01, 0.01, 1), (0.01, 0.0, 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from lrcurves.layerwise import (
    NO_DECAY,
    default_depth,
    default_is_head,
    group_settings,
    layerwise_settings,
)
from lrcurves.validate import as_value

__all__ = ["param_groups"]


def param_groups(
    model: torch.nn.Module,
    base_lr: float,
    *,
    num_layers: int | None = None,
    decay: float = 1.0,
    head_multiplier: float = 1.0,
    weight_decay: float = 0.0,
    depth: Callable[[str], int | None] = default_depth,
    is_head: Callable[[str], bool] = default_is_head,
    no_decay: Sequence[str] = NO_DECAY,
) -> list[dict[str, Any]]:
    """Param groups for ``torch.optim`` optimizers, one per distinct ``(lr, weight_decay)``.

    Each group has ``params``, ``lr`` (``base_lr * lr_scale``),
    ``weight_decay``, ``lr_scale`` and ``param_names``.  Frozen parameters
    (``requires_grad=False``) are left out.  Schedulers that scale each
    group's own base LR (torch's, lrcurves' torch shim) keep the ratios.
    """
    lr = float(as_value("param_groups", "base_lr", base_lr, min=0.0, allow_array=False))
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    settings = layerwise_settings(
        [n for n, _ in named], num_layers=num_layers, decay=decay, head_multiplier=head_multiplier,
        weight_decay=weight_decay, depth=depth, is_head=is_head, no_decay=no_decay,
    )
    by_name = dict(named)
    return [
        {"params": [by_name[n] for n in names], "lr": lr * scale, "weight_decay": wd, "lr_scale": scale, "param_names": names}
        for scale, wd, names in group_settings(settings)
    ]
