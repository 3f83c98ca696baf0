"""One process of a 2-process ``jax.distributed`` run on localhost (CPU, gloo collectives).

``python _jax_dist.py RANK PORT``.  Each process owns 4 virtual CPU devices
(8 in the global mesh).  A schedule is evaluated on a global step array
sharded across both processes, gathered back with ``process_allgather`` and
compared bit for bit with the same steps on one local device; an optax
update whose learning rate comes from ``to_optax`` runs on the global mesh
and its injected learning rate is compared the same way.  Prints a JSON
summary; exits non-zero on a difference.
"""

from __future__ import annotations

import json
import os
import sys


def main(rank: int, port: int) -> None:
    os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=f"127.0.0.1:{port}", num_processes=2, process_id=rank,
                               initialization_timeout=120)
    import jax.numpy as jnp
    import numpy as np
    import optax
    from jax.experimental import multihost_utils
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    from lrcurves.adapters.optax import inject, to_optax

    import lrcurves as L

    assert jax.process_count() == 2 and len(jax.devices()) == 8, (jax.process_count(), jax.devices())
    mesh = Mesh(np.array(jax.devices()), ("d",))
    sh = NamedSharding(mesh, P("d"))
    scheds = [
        L.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=5000),
        L.cyclic(1e-4, 1e-2, step_size_up=37, step_size_down=91, mode="triangular2"),
        L.cosine_restarts(1.0, first_cycle_steps=300, cycle_mult=2.0, warmup_steps=20),
    ]
    steps = np.arange(8 * 512, dtype=np.int32) * 5
    local = steps.reshape(2, -1)[rank]  # this process's half
    checks = 0
    for i, s in enumerate(scheds):
        g = multihost_utils.host_local_array_to_global_array(local, mesh, P("d"))
        out = jax.jit(s, out_shardings=sh)(g)
        got = np.asarray(multihost_utils.process_allgather(out, tiled=True))
        ref = np.asarray(jax.jit(s)(jax.device_put(steps, jax.local_devices()[0])))
        if not np.array_equal(got, ref):
            bad = np.flatnonzero(got != ref)[:5]
            raise SystemExit(f"rank {rank} schedule {i}: differs at {bad.tolist()}")
        checks += 1
    # an optax update on the global mesh (replicated params), learning rate from to_optax
    opt = inject(optax.adam, learning_rate=to_optax(scheds[0]))
    rep = NamedSharding(mesh, P())
    params = jax.device_put({"w": jnp.ones(8, jnp.float32)}, rep)
    state = jax.device_put(opt.init({"w": jnp.ones(8, jnp.float32)}), rep)

    @jax.jit
    def step(p, st):
        g = jax.grad(lambda q: jnp.sum(q["w"] ** 2))(p)
        u, st = opt.update(g, st, p)
        return optax.apply_updates(p, u), st

    lrs = []
    for _ in range(30):
        params, state = step(params, state)
        lrs.append(float(np.asarray(state.hyperparams["learning_rate"].addressable_data(0))))
    one = jax.jit(to_optax(scheds[0]))  # the same float32 computation on one local device
    want = [float(np.asarray(one(jax.device_put(jnp.int32(k), jax.local_devices()[0])))) for k in range(30)]
    if lrs != want:
        raise SystemExit(f"rank {rank}: injected LRs {lrs[:4]} != {want[:4]}")
    both = multihost_utils.process_allgather(np.asarray(lrs, dtype=np.float32))  # host-local: stacked
    if not np.array_equal(np.asarray(both)[0], np.asarray(both)[1]):
        raise SystemExit("processes disagree on the learning rates")
    print(json.dumps({"rank": rank, "processes": jax.process_count(), "devices": len(jax.devices()),
                      "checks": checks + 2}))
    jax.distributed.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
