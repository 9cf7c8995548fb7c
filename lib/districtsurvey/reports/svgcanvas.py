"""Figures written as SVG by matplotlib's own SVG backend, with one saving: a string's size in a
font, and a font's height, are measured once per process, not once per figure.

matplotlib keeps text measurements per renderer, and saving a figure makes a new renderer, so each
chart measures its statements, tick labels and legend words again (a FreeType layout at 100 pt per
string: about a third of the time an SVG takes to write). The reports draw the same statements and
labels in every department's charts; :class:`MeasuringRenderer` keeps the sizes for the process,
keyed on the string, its font properties and the font settings in force. matplotlib 3.11 also reads
the font's ascent, descent and line gap from its tables for every text it lays out, unless the
renderer has them: the renderer keeps those per font too. Everything else, and the SVG written, is
matplotlib's.
"""

from __future__ import annotations

import codecs

import matplotlib as mpl
from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font

#: the settings besides a text's own font properties that decide which font file it is set in
FONT_RC = (
    "font.family",
    "font.serif",
    "font.sans-serif",
    "font.cursive",
    "font.fantasy",
    "font.monospace",
    "text.hinting",
    "text.hinting_factor",
    "text.kerning_factor",
)
MAX_KEPT = 50_000  # sizes kept (a district's reports measure a few thousand strings)
_SIZES: dict[tuple, tuple[float, float, float]] = {}
_HEIGHTS: dict[tuple, tuple[float | None, float | None, float | None]] = {}


def height_metrics(prop: FontProperties) -> tuple[float | None, float | None, float | None]:
    """The ascent, descent and line gap of the font ``prop`` is set in, in points, read from its
    tables as matplotlib 3.11's ``Text._get_layout`` reads them (at 72 dpi, an SVG's); (None,
    None, None) when it has neither table, for matplotlib to measure instead.

    >>> [round(v, 2) for v in height_metrics(FontProperties(family="DejaVu Sans", size=10))]
    [7.6, 2.4, 2.0]
    """
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        # the same arithmetic as matplotlib's, so the same floats: the same SVG, byte for byte
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


class MeasuringRenderer(RendererSVG):
    """matplotlib's SVG renderer, measuring each (string, font) and each font's height once per
    process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._fonts = tuple(repr(mpl.rcParams[k]) for k in FONT_RC)

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX: as matplotlib does (the reports turn mathtext off)
            return super().get_text_width_height_descent(s, prop, ismath)
        # a FontProperties is equal to another exactly when their hashes are (matplotlib's rule)
        return _kept(
            _SIZES,
            (self._fonts, s, hash(prop)),
            lambda: super(MeasuringRenderer, self).get_text_width_height_descent(s, prop, ismath),
        )

    def _get_font_height_metrics(self, prop):
        # matplotlib >= 3.11 asks the renderer first (a private hook its PDF and PS backends use)
        return _kept(_HEIGHTS, (self._fonts, hash(prop)), lambda: height_metrics(prop))


def _kept(kept: dict, key: tuple, measure):
    """``kept[key]``, measured (``measure()``) and kept the first time; at most ``MAX_KEPT``."""
    value = kept.get(key)
    if value is None:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        value = kept[key] = measure()
    return value


class MeasuringCanvasSVG(FigureCanvasSVG):
    """``FigureCanvasSVG`` drawing with :class:`MeasuringRenderer`.

    >>> import io
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.text(0.1, 0.5, "Hello")
    >>> buf = io.StringIO()
    >>> MeasuringCanvasSVG(fig).print_svg(buf)
    >>> "Hello" in buf.getvalue()
    True
    """

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_applied) -> None:
        # FigureCanvasSVG.print_svg of matplotlib 3.11, with the renderer above. ``print_figure``
        # passes a backend outside matplotlib its dpi, facecolor, edgecolor and orientation too;
        # it has applied them to the figure already, and the SVG backend takes none of them.
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            renderer = MixedModeRenderer(
                self.figure,
                width,
                height,
                dpi,
                MeasuringRenderer(w, h, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore,
            )
            self.figure.draw(renderer)
            renderer.finalize()


def save_svg(fig: Figure, out, **savefig_kwargs) -> None:
    """``fig.savefig(out, format="svg")`` through :class:`MeasuringCanvasSVG`; the figure keeps
    its own canvas afterwards."""
    canvas = fig.canvas
    try:
        MeasuringCanvasSVG(fig).figure.savefig(out, format="svg", **savefig_kwargs)
    finally:
        fig.set_canvas(canvas)
