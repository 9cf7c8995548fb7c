"""Charts over report-safe tables: data first, options keyword-only, ``ax=None`` in, Axes out.

Hidden groups get no bar, only the words "not shown". Colours are a colour-blind-safe
blue/orange pair.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text

from ..contracts.labels import REVERSED, shorten

FAVORABLE, NEUTRAL, UNFAVORABLE, DISTRICT = "#2c7bb6", "#cfcfcf", "#e66101", "#222222"
# Labels come from data (department names, statements): a "$" in them is text, never mathtext.
plt.rcParams["text.parse_math"] = False


def _axes(
    ax: Axes | None,
    height: float,
    width: float = 8.0,
    *,
    margins: tuple[float, float, float, float] = (1.0, 0.4, 0.5, 0.6),
) -> Axes:
    """A new figure with fixed margins in inches (left, right, top, bottom), unless ``ax`` is given.

    A fixed layout draws a figure once when saved; a constrained or tight layout draws it twice.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(width, height))
        left, right, top, bottom = margins
        fig.subplots_adjust(
            left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
        )
    return ax


def title(ax: Axes, text: str) -> Text:
    """A title that starts 0.1 inch from the figure's left edge, not at the axes', so a long
    title still fits over a chart whose labels take a wide left margin.

    >>> ax = _axes(None, 2.0, width=4.0, margins=(2.0, 0.2, 0.4, 0.4))
    >>> round(float(title(ax, "A title").get_position()[0]), 3)  # in axes widths, from its left
    -1.056
    """
    box = ax.get_position()
    return ax.set_title(text, loc="left", x=(0.1 / ax.figure.get_figwidth() - box.x0) / box.width)


def _wrap(label: str, width: int = 48) -> str:
    """At most two lines of ``width``; a longer label is shortened with "…", never silently cut,
    and a reverse-worded statement keeps "(% who disagree — favorable)" whole on its own line.

    >>> _wrap("I often think about leaving this district. (% who disagree — favorable)", 52)
    'I often think about leaving this district.\\n(% who disagree — favorable)'
    """
    label = str(label)
    if label.endswith(REVERSED) and width >= len(REVERSED):
        head = label[: -len(REVERSED)].rstrip()
        return shorten(head, width) + "\n" + REVERSED
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
    ax = _axes(ax, 0.27 * len(table) + 1.1, width=6.5, margins=(1.9, 0.5, 0.4, 0.7))
    y = np.arange(len(table))[::-1]
    values = table["pct_favorable"].astype(float).to_numpy()
    ax.barh(y, np.nan_to_num(values), color=FAVORABLE, height=0.6, label=own)
    for yi, v, sup in zip(y, values, table["suppressed"], strict=True):
        text = "not shown" if sup else f"{v:.0f}%"
        ax.text(2 if sup else v + 1, yi, text, va="center", fontsize=9)
    if reference and reference in table:
        ax.scatter(
            table[reference].astype(float),
            y,
            marker="|",
            s=300,
            color=DISTRICT,
            label="District",
            zorder=3,
        )
    ax.set_yticks(y, [_wrap(s, 28) for s in table[label]])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% favorable (agree or strongly agree)")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_likert(
    table: pd.DataFrame, *, label: str = "label", min_n: int = 5, ax: Axes | None = None
) -> Axes:
    """Diverging stacked bars: unfavorable left of zero, neutral split across it, favorable right."""
    ax = _axes(ax, 0.25 * len(table) + 1.1, width=7.2, margins=(3.1, 0.2, 0.4, 0.7))
    y = np.arange(len(table))[::-1]
    fav, neu, unf = (
        table[c].astype(float).fillna(0).to_numpy()
        for c in ("pct_favorable", "pct_neutral", "pct_unfavorable")
    )
    left = -(unf + neu / 2)
    ax.barh(y, unf, left=left, color=UNFAVORABLE, height=0.65, label="Unfavorable")
    ax.barh(y, neu, left=left + unf, color=NEUTRAL, height=0.65, label="Neutral")
    ax.barh(y, fav, left=left + unf + neu, color=FAVORABLE, height=0.65, label="Favorable")
    for yi, f, sup in zip(y, fav, table["suppressed"], strict=True):
        ax.text(102, yi, "not shown" if sup else f"{f:.0f}%", va="center", fontsize=8)
    ax.axvline(0, color=DISTRICT, linewidth=0.8)
    ax.set_yticks(y, [_wrap(s, 52) for s in table[label]], fontsize=7.5, linespacing=1.0)
    ax.set_xlim(-100, 130)  # room for 'not shown' right of the bars
    ax.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8, frameon=False)
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def plot_heatmap(
    matrix: pd.DataFrame, *, min_n: int = 5, center: float | None = None, ax: Axes | None = None
) -> Axes:
    """Rows x columns of % favorable; empty (suppressed) cells are hatched and marked '–'."""
    ax = _axes(ax, 0.32 * len(matrix) + 1.8, width=9.0, margins=(2.0, 0.3, 1.2, 0.2))
    values = matrix.astype(float).to_numpy()
    masked = np.ma.masked_invalid(values)
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#f2f2f2")
    mid = center if center is not None else np.nanmean(values)
    image = ax.imshow(masked, cmap=cmap, vmin=mid - 30, vmax=mid + 30, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            j,
            i,
            "–" if np.isnan(v) else f"{v:.0f}",
            ha="center",
            va="center",
            fontsize=7,
            color="black" if np.isnan(v) or abs(v - mid) < 20 else "white",
        )
    ax.set_xticks(range(matrix.shape[1]), [_wrap(c, 16) for c in matrix.columns], fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)  # long area names do not run into each other
    plt.setp(ax.get_xticklabels(), ha="left", rotation_mode="anchor")
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=8)
    ax.xaxis.tick_top()
    ax.figure.colorbar(image, ax=ax, shrink=0.6, label="% favorable")
    ax.set_title(
        f"'–' = not shown: fewer than {min_n} respondents, or hidden to protect a smaller group",
        fontsize=8,
        loc="left",
        pad=30,
    )
    return ax


def plot_trend(
    table: pd.DataFrame,
    *,
    x: str = "wave",
    hue: str = "label",
    order: list[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """% favorable across waves, one line per ``hue``, with 95% intervals (``fav_low``/``fav_high``)
    when present; suppressed waves leave a gap. ``order`` is the waves in time order
    (``run["waves"]``); each line is drawn in that order, whatever the order of the rows.

    >>> t = pd.DataFrame({"wave": ["2026-fall", "2025-fall", "2026-spring"], "label": "A",
    ...                   "pct_favorable": [60.0, 40.0, 50.0]})
    >>> ax = plot_trend(t, order=["2025-fall", "2026-spring", "2026-fall"])
    >>> ax.lines[0].get_xdata().tolist(), ax.lines[0].get_ydata().tolist()
    ([0.0, 1.0, 2.0], [40.0, 50.0, 60.0])
    """
    ax = _axes(ax, 2.9, width=6.5, margins=(0.7, 1.7, 0.4, 0.45))
    order = order or list(dict.fromkeys(table[x]))
    pos = {w: i for i, w in enumerate(order)}
    table = table[table[x].astype(object).isin(pos)]
    for name, part in table.groupby(hue, sort=False):
        part = part.iloc[part[x].astype(object).map(pos).argsort(kind="stable").to_numpy()]
        xs = part[x].astype(object).map(pos).to_numpy(dtype=float)
        ys = part["pct_favorable"].astype(float).to_numpy()
        line = ax.plot(xs, ys, marker="o", label=name)[0]
        if {"fav_low", "fav_high"} <= set(part.columns):
            ax.fill_between(
                xs,
                part["fav_low"].astype(float),
                part["fav_high"].astype(float),
                color=line.get_color(),
                alpha=0.12,
                linewidth=0,
            )
    ax.set_xticks(range(len(order)), order)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% favorable")
    ax.legend(fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
