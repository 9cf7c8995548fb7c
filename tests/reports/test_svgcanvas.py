"""The measuring SVG canvas writes what matplotlib's own SVG backend writes, byte for byte, also
once its text sizes and font heights are kept from earlier figures and when the font settings
change between figures."""

from __future__ import annotations

import io

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from districtsurvey.reports import svgcanvas

MPL = tuple(int(p) for p in mpl.__version__.split(".")[:2])
RC = {"svg.fonttype": "none", "svg.hashsalt": "test", "text.parse_math": False}


def _figure() -> Figure:
    """Text in several sizes, weights, rotations, wrapped lines, tick labels and a legend: what
    matplotlib lays out from measured sizes."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set_yticks([0, 0.5, 1], ["none", "half of it", "all\nof it"], fontsize=8)
    ax.set_xlabel("an axis label", fontsize=9)
    ax.set_title("A title, bold", fontweight="bold", loc="left")
    ax.text(0.2, 0.8, "rotated words", rotation=30, fontsize=11)
    ax.annotate("an arrow's words", (0.5, 0.5), xytext=(0.6, 0.2), arrowprops={"arrowstyle": "-"})
    ax.legend(loc="lower right")
    return fig


def _plain(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _measured(fig: Figure) -> str:
    buf = io.StringIO()
    svgcanvas.save_svg(fig, buf, metadata={"Date": None})
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _empty_cache():
    svgcanvas._SIZES.clear()
    svgcanvas._HEIGHTS.clear()
    yield
    svgcanvas._SIZES.clear()
    svgcanvas._HEIGHTS.clear()


def test_same_svg_as_matplotlib_first_and_from_kept_sizes():
    with mpl.rc_context(RC):
        want = _plain(_figure())
        assert _measured(_figure()) == want  # sizes measured
        assert svgcanvas._SIZES  # ... and kept
        if MPL >= (3, 11):  # matplotlib asks the renderer for font heights from 3.11 on
            assert svgcanvas._HEIGHTS
        assert _measured(_figure()) == want  # sizes taken from the cache


def test_font_settings_in_force_are_part_of_the_key():
    # hostile: the same strings in the same FontProperties ("sans-serif") set in another font
    # file after the cache was filled; a cache keyed on the string and properties alone would
    # lay the monospaced text out with the proportional font's sizes
    with mpl.rc_context(RC):
        _measured(_figure())
    mono = {**RC, "font.sans-serif": ["DejaVu Sans Mono"]}
    with mpl.rc_context(mono):
        want = _plain(_figure())
        assert _measured(_figure()) == want
    with mpl.rc_context(RC):
        assert _plain(_figure()) != want  # the font really changes the layout


def test_the_figure_keeps_its_canvas():
    fig = _figure()
    canvas = fig.canvas
    with mpl.rc_context(RC):
        _measured(fig)
    assert fig.canvas is canvas
