"""DeepSpeed's engine driving lrcurves schedulers on CPU: checkpoint and resume exactly.

``deepspeed.initialize(..., lr_scheduler=ours)`` with gloo, then
``engine.save_checkpoint`` / ``engine.load_checkpoint`` into a fresh engine:
the resumed run's LRs, momenta and parameters equal the uninterrupted run's
bit for bit, for ``CurveScheduler`` and the ``OneCycle`` drop-in
(``_deepspeed_engine.py``, in its own process: DeepSpeed's distributed
state is process-global).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reliability._util import free_port, python

pytest.importorskip("torch")
pytest.importorskip("deepspeed")


def run_engine(tmp: Path, steps: int, ckpt_at: int) -> dict[str, dict[str, int]]:
    env = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(free_port()), "RANK": "0", "LOCAL_RANK": "0",
           "WORLD_SIZE": "1"}
    out = python("_deepspeed_engine.py", str(tmp / "ckpt"), str(steps), str(ckpt_at), env=env, timeout=600)
    if out.returncode != 0 and not os.environ.get("CI") and "init_distributed" in out.stderr[-3000:]:
        pytest.skip(f"DeepSpeed cannot start on this CPU machine: {out.stderr[-300:]}")
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_deepspeed_checkpoint_resume_is_exact(tmp_path: Path) -> None:
    report = run_engine(tmp_path, steps=16, ckpt_at=7)
    assert set(report) == {"curve", "onecycle"}
    assert all(r["compared"] == 9 for r in report.values())


@pytest.mark.slow
def test_deepspeed_long_resume(tmp_path: Path) -> None:
    report = run_engine(tmp_path, steps=300, ckpt_at=173)
    assert all(r["compared"] == 127 for r in report.values())
