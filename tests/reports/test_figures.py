"""``figures._axes`` hands out copies of a kept blank figure: a chart drawn on one is the chart drawn
on a new figure, byte for byte; each chart has a figure of its own; settings changed between charts
are seen."""

from __future__ import annotations

import io

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from districtsurvey.reports import figures

RC = {"svg.fonttype": "none", "svg.hashsalt": "test"}
MARGINS = (1.0, 0.4, 0.5, 0.6)


def _new(height: float, width: float, margins: tuple) -> Axes:
    """The oracle: a figure made the plain way, with the same fixed margins in inches."""
    fig = Figure(figsize=(width, height))
    ax = fig.add_subplot()
    left, right, top, bottom = margins
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    return ax


def _svg(ax: Axes) -> str:
    buf = io.StringIO()
    ax.figure.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _chart(ax: Axes) -> str:
    ax.plot([0, 1, 2], [30, 50, 40], marker="o", label="A line")
    ax.set_yticks([0, 50, 100], ["none", "half", "all\nof it"])
    figures.title(ax, "A title")
    ax.legend(loc="lower right")
    return _svg(ax)


def test_a_kept_blank_draws_what_a_new_figure_draws():
    with mpl.rc_context(RC):
        want = _chart(_new(2.0, 4.0, MARGINS))
        first = _chart(figures._axes(None, 2.0, width=4.0, margins=MARGINS))
        again = _chart(figures._axes(None, 2.0, width=4.0, margins=MARGINS))  # from the kept one
    assert first == want
    assert again == want


def test_each_chart_has_a_figure_of_its_own():
    a = figures._axes(None, 2.0)
    b = figures._axes(None, 2.0)
    a.plot([0, 1], [0, 1])
    assert a.figure is not b.figure and not b.lines


def test_settings_changed_between_charts_are_seen():
    # hostile: a blank kept under the default settings must not be handed out under others
    figures._axes(None, 2.0)
    with mpl.rc_context({"axes.facecolor": "#123456", "xtick.labelsize": 13}):
        ax = figures._axes(None, 2.0)
        want = _new(2.0, 8.0, MARGINS)
    assert ax.get_facecolor() == to_rgba("#123456") == want.get_facecolor()
    assert ax.xaxis.get_ticklabels()[0].get_fontsize() == 13


def _ticked(ax: Axes, n: int, styled: bool) -> str:
    ax.plot(range(n), [i % 3 for i in range(n)])
    ax.set_xticks(range(n), [f"wave {i}" for i in range(n)])
    if styled:
        ax.tick_params(axis="x", labelsize=7, length=0, labelrotation=30)
        ax.tick_params(axis="y", colors="#444444", direction="in")
    return _svg(ax)


def test_ticks_made_ahead_draw_what_a_new_figure_draws():
    """A kept blank comes with as many ticks as figures of its size have drawn: the next chart
    draws the same with them, one that needs fewer, one that needs more, one that styles its
    ticks."""
    size = dict(width=5.1, margins=MARGINS)  # a size no other test uses
    with mpl.rc_context(RC):
        for n, styled in [(12, False), (3, True), (12, True), (20, False), (2, False)]:
            ax = figures._axes(None, 2.5, **size)
            want = _ticked(_new(2.5, size["width"], MARGINS), n, styled)
            assert _ticked(ax, n, styled) == want, (n, styled)
        ahead = figures._axes(None, 2.5, **size)
    assert len(ahead.xaxis.majorTicks) == 20  # made ahead, for the most a chart of it drew
