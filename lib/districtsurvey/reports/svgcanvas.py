"""Figures written as SVG by matplotlib's own SVG backend, with one saving: a string's size in a
font is measured once per process, not once per figure.

matplotlib keeps text measurements per renderer, and saving a figure makes a new renderer, so each
chart measures its statements, tick labels and legend words again (a FreeType layout at 100 pt per
string: about a third of the time an SVG takes to write). The reports draw the same statements and
labels in every department's charts; :class:`MeasuringRenderer` keeps the sizes for the process,
keyed on the string, its font properties and the font settings in force. Everything else, and the
SVG written, is matplotlib's.
"""

from __future__ import annotations

import codecs

import matplotlib as mpl
from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure

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


class MeasuringRenderer(RendererSVG):
    """matplotlib's SVG renderer, measuring each (string, font) once per process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._fonts = tuple(repr(mpl.rcParams[k]) for k in FONT_RC)

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX: as matplotlib does (the reports turn mathtext off)
            return super().get_text_width_height_descent(s, prop, ismath)
        # a FontProperties is equal to another exactly when their hashes are (matplotlib's rule)
        key = (self._fonts, s, hash(prop))
        size = _SIZES.get(key)
        if size is None:
            if len(_SIZES) >= MAX_KEPT:
                _SIZES.clear()
            size = _SIZES[key] = super().get_text_width_height_descent(s, prop, ismath)
        return size


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
