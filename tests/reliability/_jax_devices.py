"""JAX on 8 virtual CPU devices: sharded steps, pmap and shard_map optax updates.

Run by test_jax_devices.py with ``XLA_FLAGS=--xla_force_host_platform_device_count=8``.
Every result is compared, bit for bit, with the same computation on one
device; prints a JSON summary and exits non-zero on a difference.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def schedules() -> list[Any]:
    import lrcurves as L

    return [
        L.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=5000),
        L.one_cycle(1e-2, total_steps=4000, anneal="linear", final_div_factor=1e4),
        L.cyclic(1e-4, 1e-2, step_size_up=37, step_size_down=91, mode="triangular2"),
        L.piecewise_constant([1.0, 0.5, 0.25], [1000, 2**31 - 5]),
        L.cosine_restarts(1.0, first_cycle_steps=300, cycle_mult=2.0, warmup_steps=20),
        L.join([L.linear(0.0, 1.0, transition_steps=64), L.tabulated([0.9, 0.7, 0.5, 0.3])], [64]),
        L.warmup(L.step_decay(1.0, step_size=474, decay_rate=0.5), 10, shape="log"),
    ]


def main() -> None:
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    from lrcurves.adapters.optax import inject, to_optax, to_optax_momentum

    devs = jax.devices()
    assert len(devs) == 8, devs
    mesh = Mesh(np.array(devs), ("d",))
    one = devs[0]
    report: dict[str, Any] = {"devices": len(devs), "checks": 0}

    def same(a: Any, b: Any, what: str) -> None:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
            bad = np.flatnonzero(np.asarray(a != b).ravel())[:5]
            raise SystemExit(f"{what}: differs from one device at {bad.tolist()}: {a.ravel()[bad]} vs {b.ravel()[bad]}")
        report["checks"] += 1

    steps = np.arange(8 * 1024, dtype=np.int32) * 3
    for i, s in enumerate(schedules()):
        # 1. a sharded step array: every device evaluates its slice
        f = jax.jit(s)
        sharded = jax.device_put(steps, NamedSharding(mesh, P("d")))
        out = f(sharded)
        assert len(out.addressable_shards) == 8
        ref = f(jax.device_put(steps, one))
        same(out, ref, f"sharded steps, schedule {i}")
        same(ref, jax.jit(to_optax(s))(jax.device_put(steps, one)), f"to_optax, schedule {i}")
        # 2. shard_map: each device evaluates the optax schedule on its own counts
        sm = jax.jit(jax.shard_map(lambda c, s=s: to_optax(s)(c), mesh=mesh, in_specs=P("d"), out_specs=P("d")))
        same(sm(sharded), ref, f"shard_map, schedule {i}")

    # 3. pmap: an injected optimizer update on every device at once (same data
    #    everywhere), against the same updates on one device
    lr = schedules()[1]
    opt = inject(optax.sgd, learning_rate=lr, momentum=to_optax_momentum(lr))
    params = {"w": jnp.linspace(-1.0, 1.0, 16, dtype=jnp.float32)}

    def loss(p: Any, x: Any) -> Any:
        return jnp.sum((p["w"] * x - 1.0) ** 2)

    def update(p: Any, st: Any, x: Any) -> tuple[Any, Any, Any]:
        g = jax.grad(loss)(p, x)
        u, st = opt.update(g, st, p)
        return optax.apply_updates(p, u), st, st.hyperparams["learning_rate"]

    xs = [jnp.sin(jnp.arange(16, dtype=jnp.float32) + k) for k in range(40)]
    p1, s1 = params, opt.init(params)
    up1 = jax.jit(update)  # inputs live on device 0
    lrs1, moms1 = [], []
    for x in xs:
        p1, s1, lr1 = up1(p1, s1, x)
        lrs1.append(lr1)
        moms1.append(s1.hyperparams["momentum"])
    def rep(tree: Any) -> Any:  # one copy per device along a leading axis
        return jax.tree.map(lambda a: jnp.stack([a] * 8), tree)

    pp, ps = rep(params), rep(opt.init(params))
    upp = jax.pmap(update)
    for k, x in enumerate(xs):
        pp, ps, lrp = upp(pp, ps, rep(x))
        for d in range(8):
            same(lrp[d], lrs1[k], f"pmap learning rate, step {k}, device {d}")
            same(ps.hyperparams["momentum"][d], moms1[k], f"pmap momentum, step {k}, device {d}")
    for d in range(8):
        same(pp["w"][d], p1["w"], f"pmap parameters after {len(xs)} updates, device {d}")
    report["pmap_steps"] = len(xs)
    print(json.dumps(report))


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        raise
