"""JAX on many devices and many processes: every result equals one device's.

* 8 virtual CPU devices (``--xla_force_host_platform_device_count=8``): a
  sharded step array, ``shard_map`` over ``to_optax`` and a ``pmap``-ed
  optimizer update built with ``inject`` (learning rate and momentum
  schedules), bit for bit against one device (``_jax_devices.py``);
* 2 processes joined by ``jax.distributed`` on localhost (CPU, gloo
  collectives), 4 devices each: a step array sharded across the processes
  and an optax update on the global mesh (``_jax_dist.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from reliability._util import HERE, free_port, python

pytest.importorskip("jax")
pytest.importorskip("optax")

CI = bool(os.environ.get("CI"))
ENV = {"JAX_PLATFORMS": "cpu", "XLA_FLAGS": "--xla_force_host_platform_device_count=8"}


def test_eight_virtual_devices_equal_one_device() -> None:
    out = python("_jax_devices.py", env=ENV, timeout=600)
    assert out.returncode == 0, out.stderr[-4000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["devices"] == 8 and report["checks"] > 600 and report["pmap_steps"] == 40


def test_two_process_jax_distributed_on_localhost() -> None:
    port = free_port()
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
           "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, str(HERE / "_jax_dist.py"), str(r), str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(2)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=300)
            results.append((p.returncode, out, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    if any(rc != 0 for rc, _, _ in results):
        errs = "\n".join(err[-1500:] for _, _, err in results)
        started = "connected to 1 peer" in errs or any("rank" in out for _, out, _ in results)
        if not started and not CI:
            pytest.skip(f"jax.distributed cannot start on this machine's CPU backend: {errs[-300:]}")
        pytest.fail(errs)
    reports = [json.loads(out.strip().splitlines()[-1]) for _, out, _ in results]
    assert sorted(r["rank"] for r in reports) == [0, 1]
    assert all(r["processes"] == 2 and r["devices"] == 8 and r["checks"] == 5 for r in reports)


def test_inject_casts_prewrapped_schedules_as_documented() -> None:
    """Every process and device reads float32 hyperparameters, however the schedule was passed."""
    import jax
    import jax.numpy as jnp
    import optax
    from lrcurves.adapters.optax import inject, to_optax

    import lrcurves

    old = bool(jax.config.read("jax_enable_x64"))
    jax.config.update("jax_enable_x64", True)
    try:
        s = lrcurves.cosine_decay(1e-3, 100)
        direct = inject(optax.sgd, learning_rate=s).init(jnp.zeros(2, jnp.float32))
        wrapped = inject(optax.sgd, learning_rate=to_optax(s)).init(jnp.zeros(2, jnp.float32))
        assert direct.hyperparams["learning_rate"].dtype == np.float32
        assert wrapped.hyperparams["learning_rate"].dtype == np.float32
    finally:
        jax.config.update("jax_enable_x64", old)
