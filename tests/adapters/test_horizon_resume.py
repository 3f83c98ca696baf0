"""Changing the horizon of a checkpointed run: torch kill-and-resume, optax continuation.

A real kill: one subprocess trains under the old schedule, checkpoints at step
K and dies by SIGKILL; a second loads the checkpoint, swaps in the retargeted
schedule with ``CurveScheduler.replace_schedule`` and trains on.  The LRs
used are the old curve up to K and the new one from K on, with no jump, and
the run equals an uninterrupted one that switches at K (LRs and weights, bit
for bit).  optax: the same ``opt_state`` continues under an optimizer built
with the new schedule.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from lrcurves.adapters.optax import to_optax
from lrcurves.adapters.torch import CurveScheduler

import lrcurves
from lrcurves.horizon import branch_cooldown, retarget

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_horizon_worker.py"
K, NEW_TOTAL = 25, 110


def _worker():  # a module loaded by path
    spec = importlib.util.spec_from_file_location("_horizon_worker", WORKER)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, str(WORKER), *args], capture_output=True, text=True, timeout=120, env=env
    )


def _lrs(path: Path) -> dict[int, float]:
    out = {}
    for line in path.read_text().splitlines():
        step, lr = line.split()
        out[int(step)] = float(lr)
    return out


def test_kill_and_resume_under_a_retargeted_schedule(tmp_path: Path) -> None:
    w = _worker()
    first = _run("first", str(tmp_path), str(K))
    assert first.returncode == -signal.SIGKILL, first.stderr  # killed mid-run, not finished
    resumed = _run("resume", str(tmp_path), str(K), str(NEW_TOTAL))
    assert resumed.returncode == 0, resumed.stderr

    old = w.old_schedule()
    new = retarget(old, K, NEW_TOTAL)
    a, b = _lrs(tmp_path / "first.lr"), _lrs(tmp_path / "resume.lr")
    assert sorted(a) == list(range(K + 3))  # the killed process ran past its checkpoint
    assert sorted(b) == list(range(K, NEW_TOTAL + 2))
    used = [a[t] for t in range(K)] + [b[t] for t in range(K, NEW_TOTAL + 2)]
    assert used[:K] == [old.value(t) for t in range(K)]
    assert used[K:] == [new.value(t) for t in range(K, NEW_TOTAL + 2)]
    # no jump: the resumed step K is the LR the old run had there (it ran it before dying)
    assert b[K] == a[K] == old.value(K)
    d_old, d_new = a[K + 1] - a[K], b[K + 1] - b[K]
    rho = (w.OLD_TOTAL - K) / (NEW_TOTAL - K)
    assert d_new == pytest.approx(d_old * rho, rel=0.05)  # the slope, scaled by the time ratio
    assert b[NEW_TOTAL] == pytest.approx(old.value(w.OLD_TOTAL), rel=1e-12)

    # an uninterrupted run that switches schedule at step K: same LRs, same weights
    model, opt, sched = w.build()
    ref = []
    for step in range(NEW_TOTAL + 2):
        if step == K:
            sched.replace_schedule(retarget(sched.schedule, at_step=K, new_total=NEW_TOTAL))
        ref.append(w.train_step(model, opt, sched, step))
    assert ref == used
    final = torch.load(tmp_path / "final.pt", weights_only=True)
    for name, v in model.state_dict().items():
        assert torch.equal(final["model"][name], v), name
    # the swapped-in schedule is what the next checkpoint saves
    assert lrcurves.from_config(final["sched"]["schedule"]) == new


def _sgd(**kw: object) -> tuple[torch.optim.Optimizer, CurveScheduler]:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=1.0, momentum=0.9)
    return opt, CurveScheduler(opt, kw.pop("schedule", lrcurves.cosine_decay(1.0, 100)), **kw)  # type: ignore[arg-type]


def test_replace_schedule_refuses_a_jump_and_changes_nothing() -> None:
    opt, sched = _sgd()
    for _ in range(30):
        opt.step()
        sched.step()
    before = (sched.state_dict(), opt.param_groups[0]["lr"])
    with pytest.raises(ValueError, match=r"CurveScheduler.replace_schedule: max_jump=1e-09: at step 30 group 0"):
        sched.replace_schedule(lrcurves.cosine_decay(1.0, 200))
    assert (sched.state_dict(), opt.param_groups[0]["lr"]) == before
    with pytest.raises(ValueError, match=r"CurveScheduler\.replace_schedule: max_jump must be"):
        sched.replace_schedule(lrcurves.cosine_decay(1.0, 200), max_jump=-1.0)
    # the explicit opt-out: the jump applies at once
    sched.replace_schedule(lrcurves.cosine_decay(1.0, 200), max_jump=None)
    assert opt.param_groups[0]["lr"] == lrcurves.cosine_decay(1.0, 200).value(30)
    assert sched.get_last_lr() == [opt.param_groups[0]["lr"]]


def test_replace_schedule_per_group_and_multiplier_mode() -> None:
    p1, p2 = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([{"params": [p1], "lr": 1.0}, {"params": [p2], "lr": 0.1}])
    old = lrcurves.warmup_cosine(peak_value=1.0, warmup_steps=5, total_steps=50)
    sched = CurveScheduler(opt, old, mode="multiplier")
    for _ in range(20):
        opt.step()
        sched.step()
    a, b = retarget(old, 20, 80), branch_cooldown(old, 20, 10, shape="1-sqrt")
    sched.replace_schedule(group_schedules=[a, b])
    lrs = []
    for _ in range(20, 40):
        lrs.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    assert lrs == [[a.value(t) * 1.0, b.value(t) * 0.1] for t in range(20, 40)]
    sd = sched.state_dict()
    assert sd["group_schedules"] == [a.to_config(), b.to_config()]
    opt2 = torch.optim.AdamW([{"params": [p1], "lr": 1.0}, {"params": [p2], "lr": 0.1}])
    again = CurveScheduler(opt2, old, mode="multiplier")
    again.load_state_dict(sd)
    assert again.get_lr() == sched.get_lr()
    with pytest.raises(ValueError, match="group_schedules has 1 entries but the optimizer has 2"):
        sched.replace_schedule(group_schedules=[a])
    with pytest.raises(ValueError, match="give a schedule or group_schedules"):
        sched.replace_schedule()


def test_optax_continues_the_same_opt_state_under_the_new_schedule() -> None:
    """optax: the count lives in opt_state; a new optimizer reuses it unchanged."""
    old = lrcurves.warmup_cosine(peak_value=0.1, warmup_steps=5, total_steps=60, end_value=1e-3)
    k, new_total = 23, 150
    new = retarget(old, k, new_total)

    def loss(w: jax.Array, x: jax.Array) -> jax.Array:
        return jnp.sum((w * x - 1.0) ** 2)

    def make(s: lrcurves.Schedule) -> optax.GradientTransformation:
        return optax.inject_hyperparams(optax.sgd)(learning_rate=to_optax(s), momentum=0.9)

    def stepper(tx: optax.GradientTransformation):
        @jax.jit
        def step(w: jax.Array, state: optax.OptState, x: jax.Array):
            g = jax.grad(loss)(w, x)
            upd, state = tx.update(g, state, w)
            return optax.apply_updates(w, upd), state

        return step

    xs = jnp.linspace(0.5, 2.0, 4)
    w0 = jnp.zeros(4)
    tx_old, tx_new = make(old), make(new)

    def run(switch: int | None, n: int) -> tuple[list[float], jax.Array, optax.OptState]:
        w, state, lrs = w0, tx_old.init(w0), []
        step = stepper(tx_old)
        for t in range(n):
            if t == switch:
                # same state structure: the old state goes on as is
                assert jax.tree_util.tree_structure(state) == jax.tree_util.tree_structure(tx_new.init(w0))
                step = stepper(tx_new)
            w, state = step(w, state, xs)
            lrs.append(float(state.hyperparams["learning_rate"]))  # the LR this update used
        return lrs, w, state

    n = new_total + 3
    lrs, w, state = run(k, n)
    assert int(state.count) == n
    only_old, _, _ = run(None, n)
    only_new, w_new, _ = run(0, n)
    # old[:k] + new[k:], bit for bit, as the jitted updates computed them; new == old before k
    assert lrs == only_old[:k] + only_new[k:]
    assert only_new[:k] == only_old[:k]
    np.testing.assert_allclose(lrs[:k], lrcurves.curve(old, k), rtol=2e-6, atol=1e-12)
    np.testing.assert_allclose(lrs, lrcurves.curve(new, n), rtol=2e-6, atol=1e-12)
    assert lrs[k] == only_old[k]  # no jump at k
    rho = (60 - k) / (new_total - k)
    assert lrs[k + 1] - lrs[k] == pytest.approx((old.value(k + 1) - old.value(k)) * rho, rel=0.05)
    # the continued run is the run that used the new schedule from the start
    np.testing.assert_array_equal(np.asarray(w_new), np.asarray(w))
