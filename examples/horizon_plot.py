"""Plot a warmup + cosine run, its retargeted horizons and a branched cooldown.

Writes ``docs/images/retarget.png`` (or the path given as the first argument):

    python examples/horizon_plot.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import lrcurves
from lrcurves.horizon import branch_cooldown, retarget

AT = 600  # the checkpoint: the last step run under the old schedule


def main(out: Path) -> None:
    old = lrcurves.warmup_cosine(peak_value=1e-3, warmup_steps=100, total_steps=1000, end_value=1e-5)
    curves = {
        "old: warmup_cosine, total 1000": old,
        "retarget(old, 600, new_total=1600)": retarget(old, AT, 1600),
        "retarget(old, 600, new_total=800)": retarget(old, AT, 800),
        "branch_cooldown(old, 600, 150, shape='1-sqrt')": branch_cooldown(old, AT, 150, shape="1-sqrt"),
    }
    styles = [("black", "-", 2.5), ("tab:blue", "--", 1.8), ("tab:orange", "--", 1.8), ("tab:green", "-.", 1.8)]
    n = 1700
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=110)
    for (label, s), (color, ls, lw) in zip(curves.items(), styles, strict=True):
        ax.plot(range(n), lrcurves.curve(s, n), color=color, linestyle=ls, linewidth=lw, label=label)
    ax.axvline(AT, color="grey", linewidth=0.8, linestyle=":")
    ax.annotate("at_step = 600\n(checkpoint)", xy=(AT, 8e-4), xytext=(AT + 25, 8.6e-4), fontsize=8, color="dimgrey")
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title("Changing the horizon at step 600 without a jump")
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1.08e-3)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "images" / "retarget.png")
