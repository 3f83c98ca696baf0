"""``lrcurves.plotting``: readable names, sampling, figures, terminal plots, notebook reprs."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

import lrcurves
from lrcurves import plotting
from lrcurves.plotting import MAX_STEPS, default_span, describe, plot_text, sample_steps

COS = lrcurves.cosine_decay(init_value=1e-3, decay_steps=900)
WARM = lrcurves.warmup(schedule=COS, warmup_steps=100)
MOM = lrcurves.with_momentum(
    schedule=lrcurves.constant(value=0.1),
    momentum=lrcurves.linear(init_value=0.95, end_value=0.85, transition_steps=10),
)


# ---------------------------------------------------------------------------
# describe


def test_describe_leaf_omits_defaults() -> None:
    assert describe(COS) == "cosine_decay(init_value=0.001, decay_steps=900)"
    s = lrcurves.cosine_decay(init_value=0.1, decay_steps=10, end_value=0.01)
    assert describe(s) == "cosine_decay(init_value=0.1, decay_steps=10, end_value=0.01)"


def test_describe_composites() -> None:
    assert describe(WARM) == "warmup(W=100, linear) -> cosine_decay(init_value=0.001, decay_steps=900)"
    j = lrcurves.join(schedules=[lrcurves.constant(value=1.0), COS], boundaries=[5])
    assert describe(j) == "join(constant(value=1); from 5: cosine_decay(init_value=0.001, decay_steps=900))"
    assert describe(MOM).startswith("with_momentum(constant(value=0.1); momentum: linear(init_value=0.95")
    sh = lrcurves.shift(schedule=COS, by=3)
    assert describe(sh) == "shift(by=3) -> cosine_decay(init_value=0.001, decay_steps=900)"
    assert len(describe(WARM)) < len(repr(WARM)) / 2


def test_describe_long_values_and_max_len() -> None:
    tab = lrcurves.tabulated(values=np.linspace(1.0, 0.0, 1000))
    text = describe(tab)
    assert "1000 values" in text or "array((1000,))" in text
    assert len(text) < 80
    short = describe(WARM, max_len=20)
    assert len(short) == 20 and short.endswith("…")


# ---------------------------------------------------------------------------
# steps


def test_sample_steps() -> None:
    np.testing.assert_array_equal(sample_steps(5, 10), np.arange(5))
    t = sample_steps(MAX_STEPS, 100, extra=[7, MAX_STEPS - 3, MAX_STEPS + 5, -1])
    assert t.dtype == np.int64 and t[0] == 0 and t[-1] == MAX_STEPS - 1
    assert np.all(np.diff(t) > 0) and 7 in t and MAX_STEPS - 3 in t and len(t) == 102
    t = sample_steps(10**9, 1000)
    assert len(t) == 1000 and t[-1] == 10**9 - 1


def test_default_span() -> None:
    assert default_span(lrcurves.constant(value=1.0)) == plotting.DEFAULT_SPAN
    assert default_span(WARM) == 1101
    assert default_span(COS, WARM) == 1101
    huge = lrcurves.cosine_decay(init_value=1.0, decay_steps=MAX_STEPS - 10)
    assert default_span(huge) == MAX_STEPS


# ---------------------------------------------------------------------------
# matplotlib


@pytest.fixture
def mpl() -> object:
    return pytest.importorskip("matplotlib")


def test_plot_returns_figure(mpl: object) -> None:
    from matplotlib.figure import Figure

    fig = plotting.plot(WARM)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title().startswith("warmup(W=100, linear) -> cosine_decay(")
    (line,) = ax.get_lines()[:1]
    x, y = line.get_data()
    assert x[0] == 0 and x[-1] == 1100 and len(x) == 1101  # short spans: every step
    np.testing.assert_array_equal(y, lrcurves.curve(WARM, 1101))
    vlines = list(ax.get_lines()[1:])
    assert sorted(float(ln.get_xdata()[0]) for ln in vlines) == [100.0, 1000.0]  # the phases
    assert all(ln.get_alpha() is not None and ln.get_alpha() < 1 for ln in vlines)


def test_plot_many_labels_log_and_ax(mpl: object) -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    lin = lrcurves.linear(init_value=1e-3, end_value=0.0, transition_steps=500)
    got = plotting.plot(WARM, lin, ax=ax, log=True, labels=["a", "b"])
    assert got is fig
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match="2 labels for 1"):
        plotting.plot(WARM, labels=["a", "b"])
    with pytest.raises(TypeError, match="Schedule"):
        plotting.plot("cosine")
    with pytest.raises(TypeError, match="at least one"):
        plotting.plot()


def test_plot_default_labels_are_readable(mpl: object) -> None:
    lin = lrcurves.linear(init_value=1e-3, end_value=0.0, transition_steps=500)
    fig = plotting.plot(WARM, lin)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts[0].startswith("warmup(W=100, linear)") and texts[1].startswith("linear(")


def test_plot_momentum_panel(mpl: object) -> None:
    fig = plotting.plot(MOM, WARM, momentum=True, steps=50)
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "momentum"
    (mline,) = [ln for ln in fig.axes[1].get_lines() if len(ln.get_xdata()) > 2]
    np.testing.assert_allclose(mline.get_ydata(), lrcurves.curve(MOM, 50, momentum=True))


def test_plot_steps_forms(mpl: object) -> None:
    fig = plotting.plot(COS, steps=range(100, 200))
    x = fig.axes[0].get_lines()[0].get_xdata()
    assert x[0] == 100 and x[-1] == 199
    fig = plotting.plot(COS, steps=np.array([0, 10, 20]))
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [0, 10, 20]
    fig = plotting.plot(lrcurves.cosine_decay(init_value=1.0, decay_steps=10**15), steps=2 * 10**15)
    x = fig.axes[0].get_lines()[0].get_xdata()
    assert len(x) <= plotting.PLOT_SAMPLES + 4 and x[-1] == 2 * 10**15 - 1  # sampled
    with pytest.raises(ValueError, match="steps"):
        plotting.plot(COS, steps=0)


def test_plot_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'lrcurves\[plot\]'"):
        plotting.plot(COS)
    with pytest.raises(ImportError, match=r"lrcurves\[plot\]"):
        plotting.repr_png(COS)
    assert plotting.repr_png(COS, missing_ok=True) is None
    html = plotting.repr_html(COS)
    assert "<table" in html and "<img" not in html


def test_repr_png_is_small_and_fast(mpl: object) -> None:
    png = plotting.repr_png(WARM)
    assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 60_000
    t = time.perf_counter()
    plotting.repr_png(lrcurves.cosine_decay(init_value=0.1, decay_steps=10**9))
    assert time.perf_counter() - t < 1.5  # ~50 ms on an idle machine; generous for loaded CI


def test_repr_html(mpl: object) -> None:
    html = plotting.repr_html(WARM)
    assert html.startswith("<div") and html.endswith("</div>")
    assert "<table" in html and "warmup_steps" in html and "data:image/png;base64," in html
    assert "warmup(W=100, linear) -&gt; cosine_decay(" in html  # escaped
    sweep = lrcurves.constant(value=np.array([[0.1], [0.2]]))
    html = plotting.repr_html(sweep)  # cannot be drawn as one curve: table only
    assert "<table" in html and "<img" not in html


# ---------------------------------------------------------------------------
# terminal


@pytest.mark.parametrize("backend", ["builtin", "plotext"])
def test_plot_text(backend: str) -> None:
    if backend == "plotext":
        pytest.importorskip("plotext")
    text = plot_text(WARM, width=60, height=10, backend=backend, title="t")
    lines = text.splitlines()
    assert "t" in lines[0]
    assert any("┤" in ln for ln in lines) and any("└" in ln for ln in lines)
    assert "\x1b[" not in text  # no colour codes unless asked
    assert max(len(ln) for ln in lines) <= 80
    log = plot_text(WARM, width=60, height=10, backend=backend, log=True)
    assert log != text
    mom = plot_text(MOM, WARM, momentum=True, steps=20, width=60, height=8, backend=backend)
    assert "┤" in mom
    with pytest.raises(ValueError, match="momentum"):
        plot_text(WARM, momentum=True, backend=backend)


def test_plot_text_builtin_draws_the_curve() -> None:
    lin = lrcurves.linear(init_value=1.0, end_value=0.0, transition_steps=100)
    text = plot_text(lin, steps=101, width=40, height=11, backend="builtin")
    rows = [ln for ln in text.splitlines() if "│" in ln or "┤" in ln]
    assert rows[0].startswith("1 ┤") or rows[0].strip().startswith("1 ┤")
    assert rows[0].split("┤")[1].startswith("•")  # starts top left
    assert rows[-1].rstrip().endswith("•")  # ends bottom right


def test_plot_text_without_plotext(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotext", None)
    assert "┤" in plot_text(COS, width=50, height=8)
    with pytest.raises(ImportError, match="plotext"):
        plot_text(COS, backend="plotext")
