"""New figures at a fixed size, and the pieces the charts share: a title at the figure's left, a
spot below the axes for a legend, horizontal bars as one artist.

Figures are made without pyplot (no figure manager; ``Chart.from_axes`` saves them as SVG). A
fixed layout draws a figure once when saved; a constrained or tight layout draws it twice.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text


def _axes(
    ax: Axes | None,
    height: float,
    width: float = 8.0,
    *,
    margins: tuple[float, float, float, float] = (1.0, 0.4, 0.5, 0.6),
) -> Axes:
    """A new figure with fixed margins in inches (left, right, top, bottom), unless ``ax`` is given.

    A fixed layout draws a figure once when saved; a constrained or tight layout draws it twice.
    The figure is made without pyplot: no figure manager to register, nothing for a notebook's
    inline backend to show twice; ``Chart.from_axes`` saves it as SVG.
    """
    if ax is None:
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        left, right, top, bottom = margins
        fig.subplots_adjust(
            left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
        )
    return ax


def title(ax: Axes, text: str) -> Text:
    """A title that starts 0.1 inch from the figure's left edge, not at the axes', so a long
    title still fits over a chart whose labels take a wide left margin. It sits at the top of the
    axes (``y=1``), where matplotlib would put it over an axis with its ticks below: said once
    rather than worked out from the y axis's labels each time the figure is drawn.

    >>> ax = _axes(None, 2.0, width=4.0, margins=(2.0, 0.2, 0.4, 0.4))
    >>> round(float(title(ax, "A title").get_position()[0]), 3)  # in axes widths, from its left
    -1.056
    """
    box = ax.get_position()
    x = (0.1 / ax.figure.get_figwidth() - box.x0) / box.width
    return ax.set_title(text, loc="left", x=x, y=1.0)


def _below(ax: Axes, inches: float) -> float:
    """The axes-fraction y that lies ``inches`` below the axes (for a legend outside the data)."""
    return -inches / (ax.get_position().height * ax.figure.get_figheight())


def _hbars(
    ax: Axes, y, width, *, left=0.0, color: str, height: float, label: str
) -> PolyCollection:
    """Horizontal bars as one ``PolyCollection``: one artist to make and to draw where ``barh``
    makes a ``Rectangle`` per bar, with the same shapes, colour and legend swatch on the page.

    >>> ax = _axes(None, 2.0)
    >>> bars = _hbars(ax, np.array([0.0, 1.0]), np.array([30.0, 60.0]), color="red", height=0.5,
    ...               label="A")
    >>> bars.get_paths()[1].vertices[:4].tolist()
    [[0.0, 0.75], [60.0, 0.75], [60.0, 1.25], [0.0, 1.25]]
    """
    y = np.asarray(y, dtype=float)
    left = np.broadcast_to(np.asarray(left, dtype=float), y.shape)
    right = left + np.asarray(width, dtype=float)
    low, high = y - height / 2, y + height / 2
    corners = [np.c_[left, low], np.c_[right, low], np.c_[right, high], np.c_[left, high]]
    bars = PolyCollection(
        np.stack(corners, axis=1), facecolors=color, edgecolors="none", linewidths=0, label=label
    )
    return ax.add_collection(bars)
