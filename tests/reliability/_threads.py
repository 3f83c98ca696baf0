"""Concurrent evaluation while other threads register and build schedules (fresh interpreter).

``python _threads.py SECONDS``.  8 threads evaluate a fixed set of
schedules every way there is (``value()``, NumPy arrays, ``curve``,
``from_config`` round trips, foreign formats whose plugins load lazily on
first use -- the first calls race) and compare with references computed
before the threads started; 2 threads register new schedule names, build
and evaluate them, and list the registry.  Prints a JSON summary; exits
non-zero on any exception or difference.
"""

from __future__ import annotations

import json
import sys
import threading
import time


def main(seconds: float) -> None:
    import numpy as np

    import lrcurves as L
    from lrcurves._schedule import Schedule, register

    scheds = [
        L.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=5000),
        L.one_cycle(1e-2, total_steps=4000),
        L.cyclic(1e-4, 1e-2, step_size_up=37, step_size_down=91, mode="exp_range", gamma=0.999),
        L.join([L.linear(0.0, 1.0, transition_steps=64), L.tabulated(np.linspace(1, 0, 1000).tolist())], [64]),
        L.warmup(L.cosine_restarts(1.0, first_cycle_steps=300, cycle_mult=2.0, cycle_rounding="floor"), 50),
    ]
    foreign = [
        ({"type": "OneCycle", "params": {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 30}}, {}),
        ({"colossalai": "CosineAnnealingWarmupLR", "params": {"total_steps": 100, "warmup_steps": 10}}, {"base_lr": 0.1}),
        ({"pytorch_optimizer": "poly", "params": {"t_max": 1000, "max_lr": 1.0, "poly_order": 0.3}}, {}),
    ]
    steps = np.arange(0, 20000, 7)
    refs = [s(steps) for s in scheds]
    start = threading.Barrier(10)
    stop = time.monotonic() + seconds
    errors: list[str] = []
    counts = {"evaluations": 0, "registered": 0}
    lock = threading.Lock()

    def evaluator(i: int) -> None:
        n = 0
        try:
            start.wait()
            foreign_refs = [L.from_config(c, **kw) for c, kw in foreign]  # first use: plugins load, racing
            while time.monotonic() < stop:
                for s, ref in zip(scheds, refs, strict=True):
                    k = (n * 7919 + i) % len(steps)
                    if s.value(int(steps[k])) != ref[k] and abs(s.value(int(steps[k])) - ref[k]) > 1e-12 * abs(ref[k]):
                        errors.append(f"value() differs for {s.name} at {steps[k]}")
                    if not np.array_equal(s(steps), ref):
                        errors.append(f"array differs for {s.name}")
                    if not np.array_equal(L.curve(s, 300, start=int(steps[k])), s(np.arange(steps[k], steps[k] + 300))):
                        errors.append(f"curve differs for {s.name}")
                    if L.from_config(s.to_config()) != s:
                        errors.append(f"round trip differs for {s.name}")
                    n += 1
                for (c, kw), want in zip(foreign, foreign_refs, strict=True):
                    if L.from_config(c, **kw) != want:
                        errors.append(f"foreign config differs: {c}")
        except Exception as exc:  # any exception is a failure, reported with its type
            errors.append(f"evaluator {i}: {type(exc).__name__}: {exc}")
        with lock:
            counts["evaluations"] += n

    def registrar(j: int) -> None:
        n = 0
        try:
            start.wait()
            while time.monotonic() < stop:
                name = f"_thread_{j}_{n}"

                def make(value: float, name: str = name) -> Schedule:
                    return Schedule._make(name, value=float(value))

                register(name, lr=lambda xp, t, p: p.value + 0.0 * t, bounds=lambda p: (p.value, p.value))(make)
                s = L.get(name, value=0.5 + n)
                if s.value(3) != 0.5 + n or L.from_config(s.to_config()) != s or name not in L.names():
                    errors.append(f"registered {name} misbehaves")
                L.spec(name)
                n += 1
        except Exception as exc:
            errors.append(f"registrar {j}: {type(exc).__name__}: {exc}")
        with lock:
            counts["registered"] += n

    threads = [threading.Thread(target=evaluator, args=(i,)) for i in range(8)]
    threads += [threading.Thread(target=registrar, args=(j,)) for j in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("\n".join(sorted(set(errors))[:20]))
    print(json.dumps({"threads": len(threads), **counts}))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
