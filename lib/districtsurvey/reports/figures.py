"""New figures at a fixed size, and the pieces the charts share: a title at the figure's left, a
spot below the axes for a legend, horizontal bars as one artist, labels of points that do not
cover each other.

Figures are made without pyplot (no figure manager; ``Chart.from_axes`` saves them as SVG). A
fixed layout draws a figure once when saved; a constrained or tight layout draws it twice.
"""

from __future__ import annotations

import pickle
from functools import lru_cache, partial

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.textpath import text_to_path

#: where a point's label may go, first choice first: its offset from the point in points and its
#: alignment (right and above the point; left; below; centred above or below)
SPOTS = (
    (4, 3, "left", "bottom"),
    (-4, 3, "right", "bottom"),
    (4, -3, "left", "top"),
    (-4, -3, "right", "top"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
)


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
    inline backend to show twice; ``Chart.from_axes`` saves it as SVG. It is a copy of a blank
    one kept for its size, margins and the matplotlib settings in force (unpickled in half the
    time it takes to make one: Axes set up their axes, ticks and spines), with as many ticks as
    a figure of that size has drawn before (:data:`_TICKS`).
    """
    if ax is None:
        rc = hash(tuple((k, repr(v)) for k, v in dict.items(mpl.rcParams)))
        key = (height, width, margins, rc)
        ax = pickle.loads(_blank(*key, _TICKS.get(key, (0, 0)))).axes[0]
        ax.figure.canvas.mpl_connect("draw_event", partial(_drawn, key, ax))
    return ax


#: Per blank figure, the most major ticks on x and y that a figure made from it has drawn. An
#: axis makes a tick when it first draws it (about 0.4 ms each: a tenth of a report's cells);
#: made in the blank, it is unpickled in a third of that. A tick made ahead is the one the axis
#: would make, from the same settings, and the chart then sets them all alike; one the figure
#: does not draw stays out of the picture.
_TICKS: dict[tuple, tuple[int, int]] = {}


def _drawn(key: tuple, ax: Axes, event) -> None:
    x, y = _TICKS.get(key, (0, 0))
    _TICKS[key] = (max(x, len(ax.xaxis.majorTicks)), max(y, len(ax.yaxis.majorTicks)))


@lru_cache(maxsize=64)
def _blank(height: float, width: float, margins: tuple, rc: int, ticks: tuple[int, int]) -> bytes:
    """A blank figure with its axes and ``ticks`` major ticks on x and y, pickled (``rc``: the
    hash of the settings in force)."""
    fig = Figure(figsize=(width, height))
    ax = fig.add_subplot()
    left, right, top, bottom = margins
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    ax.xaxis.get_major_ticks(ticks[0])
    ax.yaxis.get_major_ticks(ticks[1])
    return pickle.dumps(fig)


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


def _box(x: float, y: float, w: float, h: float, spot: tuple) -> tuple[float, float, float, float]:
    dx, dy, ha, va = spot
    left = x + dx - {"left": 0.0, "right": w, "center": w / 2}[ha]
    bottom = y + dy - (h if va == "top" else 0.0)
    return (left, bottom, left + w, bottom + h)


def _overlap(a: tuple, b: tuple) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def label_points(
    ax: Axes, x, y, labels, *, fontsize: float = 8, dot: float = 3.0, pad: float = 1.0,
    lines=((), ()),
) -> list[Text]:  # fmt: skip
    """Label each point (``x``, ``y`` in data) with its text at the first of :data:`SPOTS` that
    covers no label placed before, no other point and no reference line (``lines``: x values of
    vertical lines, y values of horizontal ones) and stays inside the axes; when every spot
    covers something, the one that covers least. A label is measured as matplotlib lays it out
    (its width in the font, the font's height), with ``pad`` points around it. Call it once
    everything that sets the axes' limits is drawn.

    >>> ax = _axes(None, 2.0, width=3.0)
    >>> _ = ax.set_xlim(0, 2); _ = ax.set_ylim(0, 2)
    >>> [t.get_ha() for t in label_points(ax, [0.2, 1.0], [1, 1], ["Apart", "Apart too"])]
    ['left', 'left']
    >>> crowded = label_points(ax, [1, 1.1], [0.5, 0.5], ["A name", "Another name"])
    >>> len({(t.get_ha(), t.get_va()) for t in crowded})  # never the same spot
    2
    """
    ax.get_xlim(), ax.get_ylim()  # the limits autoscaled to what is drawn, before any mapping
    to_points = 72 / ax.figure.dpi
    frame = ax.bbox

    def at(xy):
        px, py = ax.transData.transform(xy)
        return ((px - frame.x0) * to_points, (py - frame.y0) * to_points)

    data = list(zip(x, y, strict=True))
    points = [at(xy) for xy in data]
    width, height = frame.width * to_points, frame.height * to_points
    vertical, horizontal = lines
    taken = [(px - 1, 0.0, px + 1, height) for px, _ in map(at, ((v, 0) for v in vertical))]
    taken += [(0.0, py - 1, width, py + 1) for _, py in map(at, ((0, v) for v in horizontal))]
    dots = [(px - dot, py - dot, px + dot, py + dot) for px, py in points]
    prop = FontProperties(size=fontsize)
    line = 1.17 * fontsize  # the font's ascent and descent (DejaVu Sans: 0.93 + 0.24 em)
    texts = []
    for i, ((px, py), xy, label) in enumerate(zip(points, data, labels, strict=True)):
        w = text_to_path.get_text_width_height_descent(str(label), prop, ismath=False)[0]
        best = None
        for spot in SPOTS:
            x0, y0, x1, y1 = _box(px, py, w, line, spot)
            b = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
            out = (max(0, -b[0]) + max(0, b[2] - width)) * (y1 - y0)
            out += (max(0, -b[1]) + max(0, b[3] - height)) * (x1 - x0)
            cost = out + sum(_overlap(b, o) for o in taken)
            cost += sum(_overlap(b, d) for j, d in enumerate(dots) if j != i)
            if best is None or cost < best[0]:
                best = (cost, spot, b)
            if cost == 0:
                break
        _, (dx, dy, ha, va), box = best
        taken.append(box)
        texts.append(
            ax.annotate(
                str(label),
                xy,
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
            )
        )
    return texts
