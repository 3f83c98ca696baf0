"""Draw docs/images/finder.png: an LR range test on a small MLP, and the schedule it suggests.

Run from the repository root (needs the ``torch`` and ``plot`` extras)::

    python examples/finder_plot.py [OUTPUT.png]

A two-layer MLP learns a noisy 3-class spiral with mini-batch SGD (momentum
0.9) while the learning rate sweeps from 1e-5 to 100 over 200 steps; the left
panel is the loss curve with the ``valley`` suggestion, the right one the
``warmup_cosine`` schedule built from it.  Deterministic (fixed seeds, CPU).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import torch
from lrcurves.adapters.torch_finder import find_lr
from matplotlib.figure import Figure

import lrcurves
from lrcurves.plotting import plot

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "finder.png"


def spirals(n_per_class: int = 300, classes: int = 3, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    xs, ys = [], []
    for c in range(classes):
        r = torch.linspace(0.05, 1.0, n_per_class)
        theta = 4.0 * r + 2.0 * math.pi * c / classes + 0.25 * torch.randn(n_per_class, generator=g)
        xs.append(torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1))
        ys.append(torch.full((n_per_class,), c))
    return torch.cat(xs), torch.cat(ys)


def main(out: Path = OUT) -> None:
    torch.manual_seed(0)
    x, y = spirals()
    perm = torch.randperm(len(x))
    x, y = x[perm], y[perm]
    batches = [(x[i : i + 64], y[i : i + 64]) for i in range(0, len(x) - 63, 64)]  # equal sizes

    model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def loss_fn(m: torch.nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        xb, yb = batch
        return torch.nn.functional.cross_entropy(m(xb), yb)

    result = find_lr(
        model, optimizer, loss_fn, batches, start_lr=1e-5, end_lr=100.0, num_steps=200, progress=False
    )
    print(result.describe())
    for method in ("valley", "steepest", "min_div_10"):
        print(f"  {method:>10}: {result.suggest(method):.3g}")

    schedule = result.to_schedule(lrcurves.warmup_cosine, warmup_steps=100, total_steps=1000)
    fig = Figure(figsize=(10.0, 3.8), layout="constrained")
    ax_loss, ax_sched = fig.subplots(1, 2, width_ratios=(1.3, 1.0))
    result.plot(ax=ax_loss)
    ax_loss.set_title("LR range test: 2-layer MLP, SGD(momentum=0.9)", fontsize=10)
    plot(schedule, steps=1000, ax=ax_sched, labels=[f"warmup_cosine(peak_value={result.suggestion:.3g})"])
    ax_sched.set_title("result.to_schedule(lrcurves.warmup_cosine, ...)", fontsize=10)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
