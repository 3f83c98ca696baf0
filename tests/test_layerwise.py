"""Layer-wise LR multipliers (framework-free), torch param groups and the optax partition."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrcurves
from lrcurves.layerwise import default_depth, group_settings, layerwise_settings, no_weight_decay

NAMES = [
    "embeddings.word_embeddings.weight",
    "encoder.layer.0.attention.dense.weight",
    "encoder.layer.0.attention.dense.bias",
    "encoder.layer.0.LayerNorm.weight",
    "encoder.layer.1.attention.dense.weight",
    "encoder.layer.2.output.dense.weight",
    "encoder.final_norm.weight",
    "classifier.weight",
    "classifier.bias",
]


def test_multipliers_and_weight_decay() -> None:
    s = layerwise_settings(NAMES, decay=0.8, head_multiplier=5.0, weight_decay=0.1)
    assert [x.depth for x in s] == [0, 1, 1, 1, 2, 3, 3, 4, 4]
    assert [x.lr_scale for x in s] == pytest.approx([0.8**3, 0.8**2, 0.8**2, 0.8**2, 0.8, 1.0, 1.0, 5.0, 5.0])
    assert [x.weight_decay for x in s] == [0.1, 0.1, 0.0, 0.0, 0.1, 0.1, 0.0, 0.1, 0.0]
    assert [x.is_head for x in s][-2:] == [True, True]
    groups = group_settings(s)
    assert sum(len(g[2]) for g in groups) == len(NAMES) and len(groups) == 8
    assert default_depth("blocks.11.mlp.fc1.weight") == 12 and default_depth("head.weight") is None
    assert no_weight_decay("x.LayerNorm.weight") and not no_weight_decay("x.dense.weight")


def test_explicit_depth_and_errors() -> None:
    s = layerwise_settings(["a", "b", "c"], num_layers=2, decay=0.5, depth={"a": 0, "b": 1, "c": 2}.get, is_head=lambda n: False)
    assert [x.lr_scale for x in s] == [0.25, 0.5, 1.0]
    with pytest.raises(ValueError, match="decay"):
        layerwise_settings(NAMES, decay=0.0)
    with pytest.raises(ValueError, match="head_multiplier"):
        layerwise_settings(NAMES, head_multiplier=-1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        layerwise_settings(NAMES, weight_decay=-1.0)
    with pytest.raises(ValueError, match="num_layers"):
        layerwise_settings(NAMES, num_layers=-1)
    with pytest.raises(ValueError, match="outside"):
        layerwise_settings(NAMES, num_layers=1)
    with pytest.raises(TypeError):
        layerwise_settings("abc")


def test_torch_param_groups() -> None:
    torch = pytest.importorskip("torch")
    from lrcurves.adapters.torch_groups import param_groups

    model = torch.nn.ModuleDict(
        {
            "embeddings": torch.nn.Embedding(4, 2),
            "layers": torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)]),
            "head": torch.nn.Linear(2, 1),
        }
    )
    groups = param_groups(model, base_lr=1.0, decay=0.5, head_multiplier=3.0, weight_decay=0.01)
    n_params = sum(len(g["params"]) for g in groups)
    assert n_params == len(list(model.parameters()))
    lrs = {n: g["lr"] for g in groups for n in g["param_names"]}
    assert lrs["embeddings.weight"] == 0.125 and lrs["layers.0.weight"] == 0.25 and lrs["layers.2.bias"] == 1.0
    assert lrs["head.weight"] == 3.0
    wds = {n: g["weight_decay"] for g in groups for n in g["param_names"]}
    assert wds["layers.1.bias"] == 0.0 and wds["layers.1.weight"] == 0.01
    opt = torch.optim.AdamW(groups)
    assert len(opt.param_groups) == len(groups)


def test_optax_partition_matches_scaled_schedules() -> None:
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    from lrcurves.adapters.optax_groups import partition, partition_spec

    jnp = jax.numpy
    params = {"embeddings": {"weight": jnp.ones(2)}, "layers": [{"weight": jnp.ones(2), "bias": jnp.ones(2)} for _ in range(2)], "head": {"weight": jnp.ones(2)}}
    sched = lrcurves.linear(1.0, 0.0, transition_steps=10)
    labels, per = partition_spec(params, sched, decay=0.5, head_multiplier=2.0, weight_decay=0.1)
    assert labels["layers"][0]["bias"] != labels["layers"][0]["weight"]
    scales = {lab: s.value(0) for lab, (s, _) in per.items()}
    assert scales[labels["embeddings"]["weight"]] == 0.25 and scales[labels["head"]["weight"]] == 2.0
    # plain SGD per label: the update of each leaf is -lr_scale * schedule(count) * grad
    tx = partition(params, sched, make=lambda s, wd: optax.sgd(s), decay=0.5, head_multiplier=2.0)
    state = tx.init(params)
    grads = jax.tree_util.tree_map(jnp.ones_like, params)
    for step in range(3):
        upd, state = jax.jit(tx.update)(grads, state, params)
        np.testing.assert_allclose(upd["embeddings"]["weight"], -0.25 * sched.value(step), rtol=1e-6)
        np.testing.assert_allclose(upd["layers"][1]["bias"], -1.0 * sched.value(step), rtol=1e-6)
        np.testing.assert_allclose(upd["head"]["weight"], -2.0 * sched.value(step), rtol=1e-6)
    with pytest.raises(TypeError, match="Schedule"):
        partition_spec(params, 0.1)


def test_rho_follows_lr_in_optax() -> None:
    """Derived schedule: GSAM-style rho as a remap of the LR schedule, jitted in optax's hyperparameter injection."""
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    from lrcurves.compat.pytorch_optimizer import proportion

    lr = lrcurves.cosine_decay(0.1, 20, end_value=0.01)
    rho = proportion(lr, max_lr=0.1, min_lr=0.01, max_value=0.05, min_value=0.02)
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=lr, momentum=None)
    state = tx.init({"w": jax.numpy.ones(1)})
    for step in range(5):
        _, state = tx.update({"w": jax.numpy.ones(1)}, state)
        used_lr = float(state.hyperparams["learning_rate"])  # the LR of update `step`
        assert float(jax.jit(rho)(step)) == pytest.approx(0.02 + 0.03 * (used_lr - 0.01) / 0.09, rel=1e-5)


def _tiny_bert() -> Any:
    import torch

    return torch.nn.ModuleDict({
        "embeddings": torch.nn.Embedding(10, 4),
        "layers": torch.nn.ModuleList([torch.nn.Linear(4, 4) for _ in range(3)]),
        "head": torch.nn.Linear(4, 2),
    })


def test_layerwise_groups_keep_their_ratios_end_to_end_torch() -> None:
    """The default mode keeps param_groups' layer-wise ratios (it used to flatten them)."""
    import torch
    from lrcurves.adapters.torch import CurveScheduler
    from lrcurves.adapters.torch_groups import param_groups

    model = _tiny_bert()
    groups = param_groups(model, base_lr=1e-3, decay=0.5, head_multiplier=10.0)
    opt = torch.optim.AdamW(groups, lr=1e-3)
    s = lrcurves.warmup_cosine(peak_value=1e-3, warmup_steps=10, total_steps=100)
    sch = CurveScheduler(opt, s)
    x = torch.randint(0, 10, (8,))
    for _ in range(20):
        loss = model["head"](model["layers"][2](model["embeddings"](x))).sum()
        loss.backward()
        opt.step()
        opt.zero_grad()
        sch.step()
    got = sorted({round(g["lr"], 8) for g in opt.param_groups})
    want = sorted({round(s.value(20) * g["lr_scale"], 8) for g in groups})
    assert got == want and len(got) >= 4
    # the numbers: decay 0.5 per layer below the top, head x10
    assert got[-4:] == pytest.approx([0.00024246, 0.00048492, 0.00096985, 0.00969846], rel=1e-6)


def test_groups_with_different_lrs_need_an_explicit_mode() -> None:
    import torch
    from lrcurves.adapters.torch import CurveScheduler

    def opt() -> Any:
        ps = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
        return torch.optim.SGD([{"params": [ps[0]], "lr": 0.1}, {"params": [ps[1]], "lr": 0.2}])

    s = lrcurves.linear(1.0, 0.0, transition_steps=10)
    with pytest.raises(ValueError, match=r"mode=.multiplier.*group_scale"):
        CurveScheduler(opt(), s)
    o = opt()
    CurveScheduler(o, s, mode="multiplier")
    assert [g["lr"] for g in o.param_groups] == [0.1, 0.2]
    o = opt()
    CurveScheduler(o, s, mode="absolute")  # asked for explicitly: every group gets the schedule
    assert [g["lr"] for g in o.param_groups] == [1.0, 1.0]


def test_layerwise_groups_keep_their_ratios_end_to_end_optax() -> None:
    import jax
    import jax.numpy as jnp
    import optax
    from lrcurves.adapters.optax_groups import partition

    params = {"layers": [{"w": jnp.ones((2,))} for _ in range(3)], "head": {"w": jnp.ones((2,))}}
    s = lrcurves.warmup_cosine(peak_value=1e-3, warmup_steps=10, total_steps=100)
    tx = partition(params, s, decay=0.5, head_multiplier=10.0, make=lambda sch, wd: optax.sgd(sch))
    state = tx.init(params)
    grads = jax.tree_util.tree_map(jnp.ones_like, params)
    for _ in range(21):
        updates, state = tx.update(grads, state, params)
    # SGD update = -lr * grad: each leaf moved by its own scaled LR at step 20
    lrs = sorted({round(float(-u[0]), 9) for u in jax.tree_util.tree_leaves(updates)})
    assert len(lrs) >= 3
    assert max(lrs) == pytest.approx(10 * s.value(20), rel=1e-5)
