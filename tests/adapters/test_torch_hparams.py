"""HyperparamScheduler (weight decay, eps, Adam's beta2 from a Schedule) and optax's inject_hyperparams."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lrcurves.adapters.torch_hparams import HyperparamScheduler  # noqa: E402

import lrcurves  # noqa: E402


def adamw(n_groups: int = 1, **kw: Any) -> Any:
    groups = [{"params": [torch.nn.Parameter(torch.ones(3, dtype=torch.float64))]} for _ in range(n_groups)]
    return torch.optim.AdamW(groups, lr=1e-2, **kw)


def train_step(opt: Any) -> None:
    for g in opt.param_groups:
        for p in g["params"]:
            p.grad = torch.full_like(p, 0.1)
    opt.step()


def test_weight_decay_follows_the_schedule_in_lockstep_with_the_lr() -> None:
    from lrcurves.adapters.torch import CurveScheduler

    opt = adamw(2)
    lr = lrcurves.warmup(lrcurves.cosine_decay(1e-2, 40), 10)
    wd = lrcurves.linear(0.0, 0.1, transition_steps=30)
    lr_s = CurveScheduler(opt, lr)
    wd_s = HyperparamScheduler(opt, "weight_decay", wd)
    for n in range(60):
        for g in opt.param_groups:
            assert g["lr"] == lr.value(n)
            assert g["weight_decay"] == wd.value(n)
        train_step(opt)
        lr_s.step()
        wd_s.step()
    assert wd_s.last_step == lr_s.last_epoch == 60
    assert wd_s.get_last_values() == [wd.value(60)] * 2


def test_weight_decay_is_what_adamw_applies() -> None:
    """Zero gradients: AdamW's update is the decay alone, p <- p (1 - lr wd_n)."""
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.ones(1, dtype=torch.float64))], lr=0.5)
    wd = lrcurves.linear(0.2, 0.0, transition_steps=4)
    s = HyperparamScheduler(opt, "weight_decay", wd)
    p = opt.param_groups[0]["params"][0]
    want = 1.0
    for n in range(6):
        p.grad = torch.zeros_like(p)
        opt.step()
        want *= 1.0 - 0.5 * wd.value(n)
        assert float(p.detach()) == pytest.approx(want, rel=1e-14)
        s.step()


def test_beta2_keeps_beta1_and_eps_as_multiplier() -> None:
    opt = adamw(2, betas=(0.9, 0.95), eps=1e-8)
    opt.param_groups[1]["eps"] = 1e-6
    b2 = lrcurves.linear(0.95, 0.999, transition_steps=5)
    s_b2 = HyperparamScheduler(opt, ("betas", 1), b2)
    s_eps = HyperparamScheduler(opt, "eps", lrcurves.linear(1.0, 0.1, transition_steps=4), mode="multiplier")
    for n in range(8):
        for g, base in zip(opt.param_groups, (1e-8, 1e-6), strict=True):
            assert g["betas"] == (0.9, b2.value(n))
            assert isinstance(g["betas"], tuple)
            assert g["eps"] == pytest.approx(base * lrcurves.linear(1.0, 0.1, transition_steps=4).value(n), rel=1e-15)
        train_step(opt)
        s_b2.step()
        s_eps.step()


def test_group_schedules() -> None:
    opt = adamw(2)
    scheds = [lrcurves.constant(0.0), lrcurves.linear(0.0, 0.1, transition_steps=3)]
    s = HyperparamScheduler(opt, "weight_decay", group_schedules=scheds)
    for n in range(5):
        assert [g["weight_decay"] for g in opt.param_groups] == [0.0, scheds[1].value(n)]
        s.step()


def test_tensor_hyperparameters_are_filled_in_place() -> None:
    opt = adamw(1)
    g = opt.param_groups[0]
    g["weight_decay"] = torch.tensor(0.01, dtype=torch.float64)
    g["betas"] = (torch.tensor(0.9, dtype=torch.float64), torch.tensor(0.95, dtype=torch.float64))
    wd_t, b1_t, b2_t = g["weight_decay"], g["betas"][0], g["betas"][1]
    wd = lrcurves.linear(0.01, 0.05, transition_steps=3)
    b2 = lrcurves.linear(0.95, 0.99, transition_steps=3)
    s_wd = HyperparamScheduler(opt, "weight_decay", wd)
    s_b2 = HyperparamScheduler(opt, ("betas", 1), b2)
    for n in range(5):
        assert g["weight_decay"] is wd_t and g["betas"][0] is b1_t and g["betas"][1] is b2_t
        assert float(wd_t) == wd.value(n) and float(b2_t) == b2.value(n) and float(b1_t) == 0.9
        s_wd.step()
        s_b2.step()


def test_state_round_trip() -> None:
    wd = lrcurves.warmup(lrcurves.cosine_decay(0.1, 20, end_value=0.01), 5)
    opt = adamw(2)
    s = HyperparamScheduler(opt, ("betas", 1), lrcurves.linear(0.9, 0.99, transition_steps=10))
    w = HyperparamScheduler(opt, "weight_decay", wd)
    for _ in range(7):
        s.step()
        w.step()
    sd, sdw = s.state_dict(), w.state_dict()
    assert json.loads(json.dumps(sd)) == sd  # plain data
    buf = io.BytesIO()
    torch.save(sdw, buf)
    buf.seek(0)
    sdw = torch.load(buf, weights_only=True)
    opt2 = adamw(2)
    s2 = HyperparamScheduler(opt2, ("betas", 1), lrcurves.constant(0.5))
    w2 = HyperparamScheduler(opt2, "weight_decay", lrcurves.constant(0.0))
    s2.load_state_dict(sd)
    w2.load_state_dict(sdw)
    assert s2.last_step == w2.last_step == 7
    for _ in range(20):
        s.step(), s2.step(), w.step(), w2.step()
        assert opt.param_groups[0]["betas"] == opt2.param_groups[0]["betas"]
        assert opt.param_groups[1]["weight_decay"] == opt2.param_groups[1]["weight_decay"]
    assert s2.state_dict() == s.state_dict()


def test_multiplier_state_keeps_the_base_values() -> None:
    opt = adamw(1, weight_decay=0.02)
    s = HyperparamScheduler(opt, "weight_decay", lrcurves.linear(1.0, 0.0, transition_steps=4), mode="multiplier")
    s.step()
    sd = s.state_dict()
    opt2 = adamw(1, weight_decay=0.5)  # another current value: the saved base wins
    s2 = HyperparamScheduler(opt2, "weight_decay", lrcurves.constant(1.0), mode="multiplier")
    s2.load_state_dict(sd)
    s.step()
    s2.step()
    assert opt2.param_groups[0]["weight_decay"] == opt.param_groups[0]["weight_decay"] == pytest.approx(0.01)


@pytest.mark.parametrize(
    "args,kwargs,exc,match",
    [
        (("momentum", lrcurves.constant(0.9)), {}, ValueError, "has no 'momentum'"),
        (("lr", lrcurves.constant(0.1)), {}, ValueError, "CurveScheduler"),
        ((("betas", 2), lrcurves.constant(0.9)), {}, ValueError, "out of range"),
        ((("weight_decay", 0), lrcurves.constant(0.1)), {}, ValueError, "not a tuple"),
        ((3, lrcurves.constant(0.1)), {}, TypeError, "key must be"),
        (("weight_decay", 0.1), {}, TypeError, "must be a lrcurves Schedule"),
        (("weight_decay",), {}, ValueError, "give a schedule"),
        (("weight_decay", lrcurves.constant(0.1)), {"mode": "relative"}, ValueError, "mode"),
        (("weight_decay", lrcurves.linear([0.1, 0.2], 0.0, transition_steps=3)), {}, ValueError, "array-valued"),
        ((("betas", 1), lrcurves.linear(0.9, 1.5, transition_steps=3)), {}, ValueError, "outside the allowed"),
        (("weight_decay",), {"group_schedules": [lrcurves.constant(0.1)] * 3}, ValueError, "3 entries"),
    ],
)
def test_errors(args: tuple[Any, ...], kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        HyperparamScheduler(adamw(2), *args, **kwargs)


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match="not an Optimizer"):
        HyperparamScheduler([{"weight_decay": 0.0}], "weight_decay", lrcurves.constant(0.1))  # type: ignore[arg-type]


def test_bad_states_leave_the_scheduler_unchanged() -> None:
    opt = adamw(1)
    s = HyperparamScheduler(opt, "weight_decay", lrcurves.linear(0.0, 0.1, transition_steps=4))
    s.step()
    before = s.state_dict()
    bad = [
        {"last_step": 3},
        {**before, "key": "eps"},
        {**before, "mode": "multiplier"},
        {**before, "schedule": {"name": "nope", "params": {}}},
        {**before, "base_values": [0.1, 0.2]},
        {**before, "last_step": -1},
    ]
    s_b = HyperparamScheduler(adamw(1), ("betas", 1), lrcurves.constant(0.99))
    for sd in bad:
        with pytest.raises(ValueError):
            s.load_state_dict(sd)
        assert s.state_dict() == before
    with pytest.raises(ValueError, match="outside the allowed"):
        s_b.load_state_dict({**s_b.state_dict(), "schedule": lrcurves.constant(1.5).to_config()})
    assert s_b.state_dict()["schedule"] == lrcurves.constant(0.99).to_config()


def test_optax_inject_hyperparams_weight_decay_under_jit() -> None:
    """optax needs no class: a lrcurves Schedule is a count -> value callable for inject_hyperparams."""
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    optax = pytest.importorskip("optax")
    from lrcurves.adapters.optax import to_optax

    wd = lrcurves.warmup(lrcurves.cosine_decay(0.1, 20, end_value=0.01), 5)
    for sched in (wd, to_optax(wd)):
        tx = optax.inject_hyperparams(optax.adamw)(learning_rate=0.5, weight_decay=sched)
        params = {"w": jnp.ones(3, dtype=jnp.float32)}
        state = tx.init(params)

        def make_update(tx: Any) -> Any:
            @jax.jit
            def step(p: Any, st: Any) -> Any:
                grads = jax.tree_util.tree_map(jnp.zeros_like, p)  # zero grads: the update is the decay
                updates, st = tx.update(grads, st, p)
                return optax.apply_updates(p, updates), st

            return step

        update = make_update(tx)

        at = jax.jit(lambda c: sched(c))  # noqa: B023 - the schedule of this loop, jitted alone
        want = np.float32(1.0)
        for k in range(30):
            # update k (0-based) uses schedule(k), as HyperparamScheduler's step-k value
            params, state = update(params, state)
            got = state.hyperparams["weight_decay"]
            assert float(got) == float(at(jnp.asarray(k, dtype=jnp.int32)))  # the schedule's float32 value under jit
            assert float(got) == pytest.approx(wd.value(k), rel=2e-6)
            want = np.float32(want - np.float32(0.5) * got * want)
            np.testing.assert_allclose(np.asarray(params["w"]), want, rtol=1e-6)
