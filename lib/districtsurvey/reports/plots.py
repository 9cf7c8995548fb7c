"""Charts over report-safe tables: data first, options keyword-only, ``ax=None`` in, Axes out.

Hidden groups get no bar, only the words "not shown". Colors are color-blind safe: a
blue/orange pair for favorable/unfavorable and for above/below the district, and the Okabe-Ito
palette for lines, which are also told apart by marker, dash and a label at their end. Legends sit
outside the data. No text is smaller than 8 pt. The charts' own words follow the run's locale.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_rgb

from ..contracts.labels import REVERSED, shorten
from .display import not_shown_reason, say
from .figures import _axes, _below, _hbars, title  # noqa: F401  (the reports import them from here)

FAVORABLE, NEUTRAL, UNFAVORABLE, DISTRICT = "#2c7bb6", "#cfcfcf", "#e66101", "#222222"
#: Okabe & Ito's colour-blind-safe palette (yellow left out: too pale on white), then grey
LINES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#777777"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
DASHES = ["-", "--", "-.", ":"]
#: points below (orange) ... the district (white) ... above (blue)
VS_DISTRICT = LinearSegmentedColormap.from_list(
    "vs_district", [UNFAVORABLE, "#fdb863", "#f7f7f7", "#92c5de", FAVORABLE]
).with_extremes(bad="#eeeeee")
HEAT_RANGE = 25  # points above or below the district at which the colour is strongest
# Labels come from data (department names, statements): a "$" in them is text, never mathtext.
plt.rcParams["text.parse_math"] = False


def _wrap(label: str, width: int = 48) -> str:
    """At most two lines of ``width``; a longer label is shortened with "…", never silently cut,
    and a reverse-worded statement keeps "(% who disagree — favorable)" whole, on its own line
    unless the whole label fits on one.

    >>> _wrap("I often think about leaving this district. (% who disagree — favorable)", 52)
    'I often think about leaving this district.\\n(% who disagree — favorable)'
    >>> _wrap("My workload is unreasonable. (% who disagree — favorable)", 80)
    'My workload is unreasonable. (% who disagree — favorable)'
    """
    label = str(label)
    if len(label) <= width:
        return label
    tail = next((t for t in (REVERSED, say(REVERSED)) if label.endswith(t)), "")
    if tail and width >= len(tail):  # "(% who disagree — favourable)" in en-GB
        head = label[: -len(tail)].rstrip()
        return shorten(head, width) + "\n" + tail
    lines = textwrap.wrap(str(label), width)
    if len(lines) > 2:
        lines = textwrap.wrap(shorten(str(label), 2 * width - 4), width)[:2]
    return "\n".join(lines)


def plot_favorability(
    table: pd.DataFrame,
    *,
    label: str = "label",
    reference: str | None = "district_pct_favorable",
    min_n: int = 5,
    own: str = "This department",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of % favorable per row, with the district as a marker; ``own`` names the
    bars in the legend ("This school").

    >>> t = pd.DataFrame({"label": ["A", "B"], "pct_favorable": [70.0, None],
    ...                   "district_pct_favorable": [60.0, 65.0], "suppressed": [False, True]})
    >>> tuple(float(x) for x in plot_favorability(t).get_xlim())
    (0.0, 100.0)
    """
    ax = _axes(ax, 0.17 * len(table) + 0.83, width=6.5, margins=(1.9, 0.5, 0.31, 0.52))
    y = np.arange(len(table))[::-1]
    values = table["pct_favorable"].astype(float).to_numpy()
    handles = [_hbars(ax, y, np.nan_to_num(values), color=FAVORABLE, height=0.6, label=own)]
    for yi, v, sup in zip(y, values, table["suppressed"], strict=True):
        text = "not shown" if sup else f"{v:.0f}%"
        ax.text(2 if sup else v + 1, yi, text, va="center", fontsize=9)
    if reference and reference in table:
        district = ax.scatter(
            table[reference].astype(float),
            y,
            marker="|",
            s=300,
            color=DISTRICT,
            label="District",
            zorder=3,
        )
        handles.insert(0, district)  # named first in the legend
    ax.set_yticks(y, [_wrap(s, 28) for s in table[label]])
    ax.set_xlim(0, 100)
    # the axis label on the left and the legend on the right of one line below the axis: never
    # over a bar or a district marker
    ax.set_xlabel(say("% favorable (agree or strongly agree)"), fontsize=8.5, loc="left")
    ax.legend(
        handles=handles,
        loc="upper right",
        bbox_to_anchor=((1 - ax.get_position().x0) / ax.get_position().width, _below(ax, 0.2)),
        ncol=2,
        fontsize=9,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
        markerscale=0.5,
        borderaxespad=0.1,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_likert(
    table: pd.DataFrame, *, label: str = "label", min_n: int = 5, ax: Axes | None = None
) -> Axes:
    """Diverging stacked bars: unfavorable left of zero, neutral split across it, favorable right.
    A statement's label takes one line when it fits (up to 88 characters: the chart is drawn wide
    enough, so most statements take one row on paper), two otherwise; rows are as tall as their
    label needs.

    >>> t = pd.DataFrame({"label": ["Short.", "A much longer statement " * 4],
    ...                   "pct_favorable": [60.0, 40], "pct_neutral": [20.0, 30],
    ...                   "pct_unfavorable": [20.0, 30], "suppressed": [False, False]})
    >>> [len(t.get_text().splitlines()) for t in plot_likert(t).get_yticklabels()]
    [1, 2]
    """
    labels = [_wrap(s, 88) for s in table[label]]
    units = np.array([1.0 if "\n" not in s else 1.5 for s in labels])
    ax = _axes(ax, 0.14 * units.sum() + 0.9, width=8.5, margins=(5.2, 0.15, 0.3, 0.6))
    y = units.sum() - (np.cumsum(units) - units / 2)  # row centres, first statement on top
    fav, neu, unf = (
        table[c].astype(float).fillna(0).to_numpy()
        for c in ("pct_favorable", "pct_neutral", "pct_unfavorable")
    )
    left = -(unf + neu / 2)
    _hbars(ax, y, unf, left=left, color=UNFAVORABLE, height=0.65, label=say("Unfavorable"))
    _hbars(ax, y, neu, left=left + unf, color=NEUTRAL, height=0.65, label="Neutral")
    _hbars(ax, y, fav, left=left + unf + neu, color=FAVORABLE, height=0.65, label=say("Favorable"))
    for yi, f, sup in zip(y, fav, table["suppressed"], strict=True):
        ax.text(102, yi, "not shown" if sup else f"{f:.0f}%", va="center", fontsize=8.5)
    ax.axvline(0, color=DISTRICT, linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8, linespacing=1.0)
    ax.set_ylim(0, units.sum())
    ax.set_xlim(-100, 152)  # room for "not shown" right of the bars
    ax.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"])
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, _below(ax, 0.22)),
        ncol=3,
        fontsize=9,
        frameon=False,
    )
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def _ink(color) -> str:
    """Black or white text, whichever contrasts more with a cell's color (WCAG luminance).

    >>> _ink("#0b3d6b"), _ink("#f7f7f7")
    ('white', 'black')
    """
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def plot_heatmap(
    matrix: pd.DataFrame,
    *,
    reference: pd.Series | None = None,
    min_n: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """Rows x columns of % favorable, each cell colored by its points above (blue) or below
    (orange) the ``reference`` value of its column (the district's, when given; else the mean of
    the column); the numbers are % favorable. Empty (suppressed) cells are grey and marked '–'.

    >>> m = pd.DataFrame({"A": [60.0, 70.0, None]}, index=["District", "HR", "IT"])
    >>> ax = plot_heatmap(m, reference=m.loc["District"])
    >>> [t.get_text() for t in ax.texts]
    ['60', '70', '–']
    """
    ax = _axes(ax, 0.26 * len(matrix) + 2.0, width=9.0, margins=(2.2, 0.3, 1.55, 0.2))
    values = matrix.astype(float).to_numpy()
    ref = (
        (matrix.mean() if reference is None else reference.reindex(matrix.columns))
        .astype(float)
        .round()
        .to_numpy()
    )
    gap = values.round() - ref  # as the displayed figures differ
    image = ax.imshow(
        np.ma.masked_invalid(gap),
        cmap=VS_DISTRICT,
        vmin=-HEAT_RANGE,
        vmax=HEAT_RANGE,
        aspect="auto",
    )
    for (i, j), v in np.ndenumerate(values):
        fill = "#eeeeee" if np.isnan(v) else VS_DISTRICT((gap[i, j] + HEAT_RANGE) / 2 / HEAT_RANGE)
        ax.text(
            j,
            i,
            "–" if np.isnan(v) else f"{v:.0f}",
            ha="center",
            va="center",
            fontsize=9,
            color=_ink(fill),
            fontweight="bold" if matrix.index[i] == "District" else "normal",
        )
    ax.set_xticks(range(matrix.shape[1]), [_wrap(c, 16) for c in matrix.columns], fontsize=9)
    ax.tick_params(axis="x", labelrotation=30)  # long area names do not run into each other
    plt.setp(ax.get_xticklabels(), ha="left", rotation_mode="anchor")
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=9)
    for label in ax.get_yticklabels():
        if label.get_text() == "District":
            label.set_fontweight("bold")
    if "District" in matrix.index:  # the reference row is set apart from the departments
        k = list(matrix.index).index("District")
        ax.axhline(k + 0.5, color=DISTRICT, linewidth=1.5)
    ax.xaxis.tick_top()
    bar = ax.figure.colorbar(
        image, ax=ax, shrink=0.6, ticks=[-HEAT_RANGE, -10, 0, 10, HEAT_RANGE], pad=0.02
    )
    bar.ax.set_yticklabels(
        [f"{-HEAT_RANGE}+ below", "10 below", "district", "10 above", f"{HEAT_RANGE}+ above"],
        fontsize=8,
    )
    bar.set_label("points vs the district's value of each area", fontsize=8)
    ax.set_title(
        say(
            "Numbers: % favorable. Color: above (blue) or below (orange) the district. "
            f"'–' = not shown: {not_shown_reason(min_n)}"
        ),
        fontsize=8,
        loc="left",
        pad=34,
        wrap=True,
    )
    return ax


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions near ``ys`` at least ``gap`` apart (order kept), for labels at line ends.

    >>> _spread([50, 51, 80], 4)
    [48.5, 52.5, 80]
    """
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    pos = [float(ys[i]) for i in order]
    for _ in range(50):  # push apart pairs that are too close, around their middle
        moved = False
        for k in range(1, len(pos)):
            if pos[k] - pos[k - 1] < gap - 1e-9:
                mid = (pos[k] + pos[k - 1]) / 2
                pos[k - 1], pos[k] = mid - gap / 2, mid + gap / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = pos[k] if pos[k] != ys[i] else ys[i]
    return out


def plot_trend(
    table: pd.DataFrame,
    *,
    x: str = "wave",
    hue: str = "label",
    order: list[str] | None = None,
    labels: dict[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """% favorable across waves, one line per ``hue``, with 95% intervals (``fav_low``/``fav_high``)
    when present; suppressed waves leave a gap. ``order`` is the waves in time order
    (``run["waves"]``); each line is drawn in that order, whatever the order of the rows. Lines
    differ by colour, marker and dash, and each is named at its last point (no legend to match
    colours against); ``labels`` maps wave names to the words on the axis.

    >>> t = pd.DataFrame({"wave": ["2026-fall", "2025-fall", "2026-spring"], "label": "A",
    ...                   "pct_favorable": [60.0, 40.0, 50.0]})
    >>> ax = plot_trend(t, order=["2025-fall", "2026-spring", "2026-fall"])
    >>> ax.lines[0].get_xdata().tolist(), ax.lines[0].get_ydata().tolist()
    ([0.0, 1.0, 2.0], [40.0, 50.0, 60.0])
    >>> t = pd.DataFrame({"wave": ["w1", "w2"] * 2, "label": ["A", "A", "B", "B"],
    ...                   "pct_favorable": [50.0, 60.0, 70.0, None]})
    >>> [t.get_text() for t in plot_trend(t, order=["w1", "w2"]).texts]
    ['A 60%', 'B 70%']
    """
    ax = _axes(ax, 2.1, width=6.5, margins=(0.7, 1.9, 0.35, 0.4))
    order = order or list(dict.fromkeys(table[x]))
    pos = {w: i for i, w in enumerate(order)}
    table = table[table[x].astype(object).isin(pos)]
    ends = []
    for k, (name, part) in enumerate(table.groupby(hue, sort=False)):
        part = part.iloc[part[x].astype(object).map(pos).argsort(kind="stable").to_numpy()]
        xs = part[x].astype(object).map(pos).to_numpy(dtype=float)
        ys = part["pct_favorable"].astype(float).to_numpy()
        colour = LINES[k % len(LINES)]
        ax.plot(
            xs,
            ys,
            color=colour,
            marker=MARKERS[k % len(MARKERS)],
            linestyle=DASHES[(k // len(LINES) + k) % len(DASHES)],
            markersize=5,
            linewidth=1.6,
            label=str(name),
        )
        if {"fav_low", "fav_high"} <= set(part.columns):
            ax.fill_between(
                xs,
                part["fav_low"].astype(float),
                part["fav_high"].astype(float),
                color=colour,
                alpha=0.10,
                linewidth=0,
            )
        shown = ~np.isnan(ys)
        if shown.any():
            last = np.flatnonzero(shown)[-1]
            ends.append((str(name), xs[last], ys[last], colour))
    ax.set_xticks(range(len(order)), [(labels or {}).get(w, w) for w in order])
    ax.set_xlim(-0.15, max(len(order) - 1, 1) + 0.15)
    ax.set_ylim(0, 100)
    ax.set_ylabel(say("% favorable"))
    right = max(len(order) - 1, 1) + 0.15
    # labels at least one 8 pt line apart (in % points of the axis's height)
    line = 100 * (8 * 1.2 / 72) / (ax.get_position().height * ax.figure.get_figheight())
    placed = _spread([e[2] for e in ends], gap=line)
    for (name, ex, ey, colour), y in zip(ends, placed, strict=True):
        ax.annotate(
            f"{_wrap(name, 22).replace(chr(10), ' ')} {ey:.0f}%",
            xy=(ex, ey),
            xytext=(right + 0.08, y),
            textcoords="data",
            va="center",
            fontsize=8,
            color="black",
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "-",
                "color": colour,
                "linewidth": 0.8,
                "shrinkA": 0,
                "shrinkB": 3,
            },
        )
    ax.spines[["top", "right"]].set_visible(False)
    return ax
