"""Formatting for the explorer: HTML tables and SVG charts for the live view, one reused
matplotlib figure for the PNG export.

Cheap on purpose: rasterising text with matplotlib costs ~10 ms a label here, so the live charts
are small SVG strings (a few hundred microseconds); matplotlib (Agg, no pyplot, no tight bbox, the
same ``Figure`` reused) only runs when the analyst exports a PNG. Nothing here computes a figure:
it only formats report-safe tables.
"""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ..contracts.labels import shorten
from ..reports import plots
from .cube import Cube
from .views import View, across_kinds

_CMAP = colormaps["RdBu"]
_LUT = [to_hex(_CMAP(x)) for x in np.linspace(0, 1, 61)]  # one colour per point of difference
TABLE_CSS = (
    "<style>.dsx-t{border-collapse:collapse;font-size:13px}.dsx-t td,.dsx-t th"
    "{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
    ".dsx-t td:first-child,.dsx-t th:first-child{text-align:left}</style>"
)


def pct(v) -> str:
    return "—" if pd.isna(v) else f"{v:.0f}%"


def pts(v) -> str:
    return "—" if pd.isna(v) else f"{v:+.0f}"


def cell_colour(value: float, center: float) -> str:
    """Background of a heatmap cell: red below the district, blue above, grey when empty.

    >>> cell_colour(float("nan"), 60.0), cell_colour(60.0, 60.0)
    ('#eeeeee', '#f6f7f7')
    """
    if pd.isna(value) or pd.isna(center):
        return "#eeeeee"
    return _LUT[int(np.clip(round(value - center), -30, 30)) + 30]


def item_cells(items: pd.DataFrame, min_n: int) -> list[list[str]]:
    """Each item-table row as text: n, mean, % fav / neutral / unfav, change, interval."""
    cols = [
        "suppressed",
        "n",
        "mean",
        "pct_favorable",
        "pct_neutral",
        "pct_unfavorable",
        "change",
        "low",
        "high",
    ]
    out = []
    for sup, n, mean, fav, neu, unf, change, low, high in zip(
        *(items[c].tolist() if c in items else [] for c in cols), strict=True
    ):
        out.append(
            [f"<{min_n}", "—", "—", "—", "—", "—", "—"]
            if sup
            else [
                f"{int(n):,}",
                f"{mean:.2f}",
                pct(fav),
                pct(neu),
                pct(unf),
                pts(change),
                f"{low:.0f}–{high:.0f}",
            ]
        )
    return out


ITEM_HEADER = ["Statement", "n", "Mean", "% fav", "% neutral", "% unfav", "Change", "95% interval"]


def status_html(view: View, cube: Cube) -> str:
    q = view.query
    if view.message:
        return (
            '<div class="dsx-refused" style="color:#b00020;font-weight:600">'
            f"{html.escape(view.message)}</div>"
        )
    since = f", change since {q.compare}" if q.compare and q.compare != q.wave else ""
    if across_kinds(q):
        since = (
            f", beside {q.compare}: a pulse is a shorter survey, not the same sample as the full "
            "rounds, so no change is computed"
        )
    return (
        f'<div class="dsx-status"><b>{html.escape(q.describe())}</b> · respondents: '
        f"<b>{view.n:,}</b>{html.escape(since)} · groups below {cube.min_n} are never shown</div>"
    )


def breakdown_html(view: View, cube: Cube) -> str:
    b, q = view.breakdown, view.query
    if view.message or b.empty:
        return ""
    head = ["Role" if q.breakdown == "role" else "Site", "n", f"% fav {q.wave}"]
    if q.compare:
        head += [f"% fav {q.compare}", "Change"]
    rows = []
    for r in b.itertuples():
        cells = [
            html.escape(str(r.group)),
            f"<{cube.min_n}" if r.suppressed else f"{int(r.n):,}",
            pct(r.pct_favorable),
        ]
        if q.compare:
            cells += [pct(r.prev_pct_favorable), pts(r.change)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    title = (
        f"<b>{html.escape(view.focus)}</b> by {q.breakdown} (least favorable first; "
        "hidden groups are below the minimum n or protect one that is)"
    )
    return (
        TABLE_CSS
        + f"<div>{title}</div><table class='dsx-t dsx-breakdown'><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table>"
    )


def comments_html(view: View, cube: Cube, *, per_question: int = 6) -> str:
    if view.message:
        return ""
    c = view.comments
    if c.empty:
        return (
            f"<i>No comments shown: fewer than {cube.comment_min_n} respondents in this "
            "department and wave, or none were given.</i>"
        )
    texts = dict(
        zip(cube.instrument.questions["id"], cube.instrument.questions["text"], strict=True)
    )
    parts = [f"<p><i>{html.escape(view.note)}</i></p>"] if view.note else []
    for question, part in c.groupby("question", sort=False):
        parts.append(f"<b>{html.escape(texts.get(question, question))}</b><ul>")
        parts += [f"<li>{html.escape(str(t))}</li>" for t in part["text"].head(per_question)]
        parts.append("</ul>")
    return "".join(parts)


FAV, NEU, UNF = plots.FAVORABLE, plots.NEUTRAL, plots.UNFAVORABLE


def likert_svg(items: pd.DataFrame, *, min_n: int, width: int = 780) -> str:
    """Diverging bars: unfavorable left of the centre, neutral across it, favorable right."""
    row, label_w, scale = 22, 330, 1.8  # px per row, label column, px per percentage point
    centre = label_w + 100 * scale + 10
    height = row * len(items) + 30
    out = [
        f'<svg class="dsx-likert" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">'
    ]
    for j, r in enumerate(items.itertuples()):
        y = 4 + j * row
        text = html.escape(str(r.label))
        short = html.escape(shorten(str(r.label), 52))  # keeps a reverse statement's direction
        out.append(f'<text x="0" y="{y + 14}"><title>{text}</title>{short}</text>')
        if r.suppressed:
            out.append(f'<text x="{centre + 4}" y="{y + 14}" fill="#555">fewer than {min_n}</text>')
            continue
        x = centre - scale * (r.pct_unfavorable + r.pct_neutral / 2)
        for value, colour in (
            (r.pct_unfavorable, UNF),
            (r.pct_neutral, NEU),
            (r.pct_favorable, FAV),
        ):
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{scale * value:.1f}" height="15" '
                f'fill="{colour}"><title>{value:.0f}%</title></rect>'
            )
            x += scale * value
        out.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{r.pct_favorable:.0f}%</text>')
    y = 4 + len(items) * row
    out.append(f'<line x1="{centre}" x2="{centre}" y1="0" y2="{y}" stroke="#222"/>')
    for k, (name, colour) in enumerate(
        (("Unfavorable", UNF), ("Neutral", NEU), ("Favorable", FAV))
    ):
        x = label_w + 40 + 110 * k
        out.append(
            f'<rect x="{x}" y="{y + 10}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y + 19}">{name}</text>'
        )
    return "".join(out) + "</svg>"


def trend_svg(trend: pd.DataFrame, *, title: str, width: int = 360, height: int = 210) -> str:
    """% favorable across waves, selection (solid) and district (dashed); gaps where hidden."""
    left, top, bottom = 34, 24, 30
    h = height - top - bottom
    step = (width - left - 60) / max(len(trend) - 1, 1)
    xs = [left + 24 + step * j for j in range(len(trend))]

    def y(v: float) -> float:
        return top + h * (1 - v / 100)

    out = [
        f'<svg class="dsx-trend" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        f'<text x="0" y="12" font-weight="bold">{html.escape(title[:55])}</text>',
    ]
    for v in (0, 50, 100):
        out.append(
            f'<line x1="{left}" x2="{width}" y1="{y(v)}" y2="{y(v)}" stroke="#ddd"/>'
            f'<text x="2" y="{y(v) + 4}">{v}%</text>'
        )
    for col, colour, dash in (
        ("district_pct_favorable", "#777", ' stroke-dasharray="4 3"'),
        ("pct_favorable", FAV, ""),
    ):
        points = [(x, v) for x, v in zip(xs, trend[col], strict=True)]
        for (x1, v1), (x2, v2) in zip(points, points[1:], strict=False):
            if not (pd.isna(v1) or pd.isna(v2)):
                out.append(
                    f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y(v1):.1f}" y2="{y(v2):.1f}" '
                    f'stroke="{colour}" stroke-width="2"{dash}/>'
                )
        for x, v in points:
            if not pd.isna(v):
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                    f"<title>{v:.0f}%</title></circle>"
                )
    for x, wave in zip(xs, trend["wave"], strict=True):
        out.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{html.escape(wave)}</text>'
        )
    out.append(
        f'<text x="{width - 150}" y="{height - 1}" fill="{FAV}">— selection</text>'
        f'<text x="{width - 70}" y="{height - 1}" fill="#777">- - district</text>'
    )
    return "".join(out) + "</svg>"


class ViewFigure:
    """The Likert chart and the trend for the PNG export, on one figure reused across exports."""

    def __init__(self, *, dpi: int = 72) -> None:
        self.figure = Figure(figsize=(12, 4.6), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.likert, self.trend = self.figure.subplots(1, 2, width_ratios=[2.1, 1])
        self.figure.subplots_adjust(left=0.3, right=0.98, bottom=0.16, top=0.9, wspace=0.3)

    def draw(self, view: View, cube: Cube) -> bytes:
        """Redraw both axes for ``view``; PNG bytes."""
        for ax in (self.likert, self.trend):
            ax.clear()
        if view.message:
            self.likert.text(0.02, 0.5, "Not shown (see the message above).", fontsize=11)
            self.likert.set_axis_off()
            self.trend.set_axis_off()
        else:
            self.likert.set_axis_on()
            self.trend.set_axis_on()
            plots.plot_likert(
                view.items.assign(label=view.items["label"].map(lambda s: s[:60])),
                min_n=cube.min_n,
                ax=self.likert,
            )
            self.likert.set_title("How respondents answered", loc="left", fontsize=10)
            t = view.trend
            self.trend.plot(t["wave"], t["pct_favorable"], marker="o", label="Selection")
            self.trend.plot(
                t["wave"],
                t["district_pct_favorable"],
                marker=".",
                color="#777777",
                linestyle="--",
                label="District",
            )
            self.trend.set_ylim(0, 100)
            self.trend.set_title(
                f"% favorable across waves: {view.focus[:40]}", loc="left", fontsize=10
            )
            self.trend.tick_params(labelsize=8)
            self.trend.legend(fontsize=8, frameon=False, loc="lower left")
        return self.png()

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        return buf.getvalue()
