"""2-process torch DDP on gloo (localhost): ranks agree at every step, also after a resume.

Both ranks all-gather their learning rates and momenta every step and fail
on any difference; the parent then checks that the resumed run repeats the
uninterrupted one bit for bit from the checkpoint on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability._util import HERE, free_port

torch = pytest.importorskip("torch")
if not torch.distributed.is_available():  # pragma: no cover
    pytest.skip("torch.distributed is not available", allow_module_level=True)

WORLD = 2


def launch(tmp: Path, steps: int, ckpt_at: int) -> list[dict[tuple[str, int], list[str]]]:
    port = free_port()
    procs = []
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for rank in range(WORLD):
        args = [str(rank), str(WORLD), str(port), str(tmp / f"rank{rank}.log"), str(tmp / "ckpt.pt"), str(steps),
                str(ckpt_at)]
        procs.append(subprocess.Popen([sys.executable, str(HERE / "_ddp.py"), *args], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, env=env))
    errs = []
    try:
        for p in procs:
            _, err = p.communicate(timeout=240)
            errs.append((p.returncode, err[-2000:]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(rc == 0 for rc, _ in errs), errs
    logs = []
    for rank in range(WORLD):
        rows = [line.split() for line in (tmp / f"rank{rank}.log").read_text().splitlines()]
        logs.append({(r[0], int(r[1])): r[2:] for r in rows})
    return logs


def check_ddp(tmp: Path, steps: int, ckpt_at: int) -> None:
    logs = launch(tmp, steps, ckpt_at)
    assert logs[0] == logs[1]  # the ranks also compared every step among themselves
    full = {k: v for (tag, k), v in logs[0].items() if tag == "full"}
    resumed = {k: v for (tag, k), v in logs[0].items() if tag == "resume"}
    assert sorted(full) == list(range(steps)) and sorted(resumed) == list(range(ckpt_at, steps))
    assert resumed == {k: v for k, v in full.items() if k >= ckpt_at}


def test_ddp_ranks_agree_and_resume(tmp_path: Path) -> None:
    check_ddp(tmp_path, steps=24, ckpt_at=10)


@pytest.mark.slow
def test_ddp_long_run(tmp_path: Path) -> None:
    check_ddp(tmp_path, steps=400, ckpt_at=257)
