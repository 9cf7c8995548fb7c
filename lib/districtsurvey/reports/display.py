"""Display helpers shared by the report and summary notebooks: number formats, tables, and charts
that carry alt text, a plain-language caption and their data into the exported HTML.

Tables and charts are rendered through ``html`` (autoescaped templates): a department name or a
statement from the data can never become markup.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ..privacy.suppress import not_shown_reason  # noqa: F401  (the reports import it from here)
from . import locale as locales
from .html import Markup, render
from .svgcanvas import save_svg

KEEP_ROWS = 12  # a printed table this short is not split between pages
#: SVG with its text kept as text (selectable, crisp in print and on phones, smaller and faster to
#: write than a PNG); a fixed hash salt per chart keeps the output byte-identical between runs
SVG_RC = {
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "savefig.facecolor": "none",  # the page shows through (and a phone's scroll cue with it)
    "font.sans-serif": [
        "DejaVu Sans",
        "Arial",
        "Helvetica",
    ],  # what a reader's browser falls back to
}


def say(words: str, /, **values) -> str:
    """Our own words in the active locale's spelling; ``values`` (data: names, statements, or
    figures) are put into ``words`` with ``str.format`` *after* it is respelled, never respelled.

    >>> say("% favorable")  # en-US unless a run activated another locale
    '% favorable'
    >>> say("{name}: {pct} favorable", name="Behavior Center", pct="58%")
    'Behavior Center: 58% favorable'
    """
    return locales.current().words(words, **values)


def pct(v) -> str:
    """'58%' or '—' for an empty (suppressed) figure.

    >>> pct(57.6), pct(float("nan"))
    ('58%', '—')
    """
    return "—" if pd.isna(v) else f"{v:.0f}%"


def pts(v) -> str:
    """Signed points: '+4', '-12', '0' (never '-0' or '+0'), '—' for empty. Changes and
    differences are taken between the whole-number percentages shown
    (``analysis.scoring.shown``), so they are whole numbers already.

    >>> pts(4.0), pts(-12.0), pts(-0.0), pts(0.4), pts(float("nan"))
    ('+4', '-12', '0', '0', '—')
    """
    if pd.isna(v):
        return "—"
    text = f"{v:+.0f}"
    return "0" if text in {"+0", "-0"} else text


def count(v, min_n: int) -> str:
    """A respondent count, or 'not shown' where hidden: fewer than ``min_n`` respondents, or a
    larger group hidden so that a smaller one cannot be worked out (so never 'fewer than N').

    >>> count(1234.0, 5), count(float("nan"), 5)
    ('1,234', 'not shown')
    """
    return "not shown" if pd.isna(v) else f"{int(v):,}"


def us_date(value) -> str:
    """An ISO date as US readers write it.

    >>> us_date("2026-12-01")
    'December 1, 2026'
    """
    import datetime as dt

    if not value:
        return ""
    d = dt.date.fromisoformat(str(value))
    return f"{d:%B} {d.day}, {d.year}"


def interval(low, high) -> str:
    return "—" if pd.isna(low) or pd.isna(high) else f"{low:.0f}–{high:.0f}%"


def score_columns(t: pd.DataFrame, min_n: int) -> dict[str, list]:
    """The columns every score table shows, formatted: how many answered, % favorable, interval,
    against the district and change (hidden rows read 'not shown' and '—').

    "Answered" is the number of people who answered at least one statement of the row (an area:
    one of its statements); "respondents" is kept for the people who answered at least one
    statement of the survey about the unit (``respondents`` table)."""
    return {
        "Answered": [count(v, min_n) for v in t["n"]],
        say("% favorable"): list(t["pct_favorable"].map(pct)),
        "95% interval": list(map(interval, t["fav_low"], t["fav_high"])),
        "vs district": list(t["vs_district"].map(pts)),
        "Change": list(t["change_pct_favorable"].map(pts)),
    }


@dataclass
class Table:
    """A plain table with the report's CSS class, escaped cell by cell; ``links`` (text -> relative
    href) follow the caption; ``hrefs`` (column -> one href or None per row) make those cells
    links; ``screen_only`` tables are left out of print. Wide tables scroll sideways inside a
    labelled region (a phone shows a scroll cue)."""

    data: pd.DataFrame
    caption: str = ""
    links: dict[str, str] = field(default_factory=dict)
    screen_only: bool = False
    label: str = ""
    hrefs: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def css(self) -> str:
        css = "ds-table ds-screen-only" if self.screen_only else "ds-table"
        return css + (" ds-keep" if len(self.data) <= KEEP_ROWS else "")

    def _repr_html_(self) -> str:
        columns = [str(c) for c in self.data.columns]
        links = [self.hrefs.get(c) or [None] * len(self.data) for c in columns]
        # itertuples' values, column by column: without its cost (0.7 ms a call, 14 a report)
        values = [self.data.iloc[:, j].tolist() for j in range(len(columns))]
        cells = zip(*values, strict=True) if values else [()] * len(self.data)
        rows = [
            [("" if pd.isna(v) else str(v), links[j][i]) for j, v in enumerate(row)]
            for i, row in enumerate(cells)
        ]
        return str(
            render(
                "table.html.j2",
                table=self,
                columns=columns,
                rows=rows,
                label=self.label or self.caption or "Table",
            )
        )

    def __repr__(self) -> str:
        return f"Table({len(self.data)} rows: {', '.join(map(str, self.data.columns))})"


def table(
    df: pd.DataFrame,
    *,
    caption: str = "",
    links: dict[str, str] | None = None,
    screen_only: bool = False,
    label: str = "",
    hrefs: dict[str, list[str | None]] | None = None,
) -> Table:
    """A plain, index-free table (see :class:`Table`). A table of up to ``KEEP_ROWS`` rows is not
    split between printed pages.

    >>> html = table(pd.DataFrame({"Department": ["<b>HR</b>", "IT"]}),
    ...              hrefs={"Department": ["departments/hr.html", None]})._repr_html_()
    >>> 'class="ds-table ds-keep"' in html, "&lt;b&gt;HR&lt;/b&gt;" in html
    (True, True)
    >>> '<a href="departments/hr.html">&lt;b&gt;HR' in html, "<td>IT</td>" in html
    (True, True)
    """
    return Table(df, caption, dict(links or {}), screen_only, label, dict(hrefs or {}))


_SVG_HEAD = re.compile(r"\A.*?(?=<svg\b)", re.S)  # XML declaration, DOCTYPE, comments
_SVG_META = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_NS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')  # HTML knows both namespaces of inline SVG
_SVG_ID = re.compile(r'(?<=\sid=")[^"]+(?=")')
_SVG_REF = re.compile(r'(?<=url\(#)[^)"]+(?=\))|(?<=href="#)[^"]+(?=")')  # clip paths, markers


def own_ids(svg: str) -> str:
    """The SVG with its ids made its own: each id, and each reference to one, gets a suffix
    from the chart's drawing.

    matplotlib names every group alike in every chart (``figure_1``, ``axes_1``, ``line2d_1``
    ...) and salts the ids it refers to (clip paths, markers) with ``svg.hashsalt``, from the alt
    text, which two charts of a page may share (a packet's two trend charts): a page repeated
    ids, and a reference could land in the other chart. Now two charts share an id only when
    they are the same drawing; the names keep matplotlib's (``line2d_1-…``).

    >>> svg = ('<svg><g id="figure_1"><clipPath id="p1"><rect/></clipPath>'
    ...        '<path clip-path="url(#p1)"/><use xlink:href="#m2"/><path id="m2"/></g></svg>')
    >>> own = own_ids(svg)
    >>> tag = own.split('id="figure_1-')[1][:8]
    >>> f'url(#p1-{tag})' in own, f'id="p1-{tag}"' in own, f'href="#m2-{tag}"' in own
    (True, True, True)
    """
    tag = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:8]
    svg = _SVG_ID.sub(lambda m: f"{m[0]}-{tag}", svg)
    return _SVG_REF.sub(lambda m: f"{m[0]}-{tag}", svg)


def _unlabelled_axes_fixed(fig: Figure) -> None:
    """An axis without a label gets it at a fixed spot: matplotlib would otherwise measure every
    tick label again to place a label that draws nothing."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0, 0)


def svg_markup(fig: Figure, *, salt: str) -> str:
    """``fig`` as an inline ``<svg>`` element: text as text, no metadata, deterministic ids of
    its own (:func:`own_ids`)."""
    _unlabelled_axes_fixed(fig)
    buf = io.StringIO()
    with plt.rc_context({**SVG_RC, "svg.hashsalt": salt}):
        save_svg(fig, buf, metadata={"Date": None})  # each string measured once per process
    svg = _SVG_META.sub("", _SVG_HEAD.sub("", buf.getvalue(), count=1), count=1)
    return own_ids(_SVG_NS.sub("", svg, count=2))


@dataclass
class Chart:
    """A rendered figure with alt text, a caption and the data it plots; displays as a ``<figure>``.

    The SVG is drawn once at a fixed size (no tight bounding box, which draws twice) and shown at the
    figure's size, so printed text is the size it was drawn at (a 9 pt label prints at 9 pt) unless
    the page is narrower than the figure. ``data`` is shown under the chart as a small table in a
    "Chart data" disclosure (screen readers and auditors read it; print leaves it out).

    >>> ax = plt.subplots(figsize=(5, 2))[1]
    >>> html = Chart.from_axes(ax, alt="An <empty> chart")._repr_html_()
    >>> html.startswith('<figure class="ds-chart">'), 'aria-label="An &lt;empty&gt; chart"' in html
    (True, True)
    """

    svg: str
    alt: str
    caption: str = ""
    width_in: float | None = None
    data: pd.DataFrame | None = None
    more: tuple[str, ...] = ()  # a tall chart's further parts (the alt text covers them all)

    @classmethod
    def from_axes(
        cls, ax, *more_axes, alt: str, caption: str = "", data: pd.DataFrame | None = None
    ) -> Chart:
        """A chart of one figure, or of a tall one drawn in parts (``ax`` then ``more_axes``,
        as wide as each other): one figure on screen, parts that may fall on different pages
        in print, none of them split."""
        fig: Figure = ax.figure
        salt = hashlib.sha256(alt.encode("utf-8")).hexdigest()[:12]
        svgs = []
        for k, part in enumerate((fig, *(a.figure for a in more_axes))):
            svgs.append(svg_markup(part, salt=f"{salt}-{k}" if k else salt))
            plt.close(part)
        return cls(svgs[0], alt, caption, float(fig.get_size_inches()[0]), data, tuple(svgs[1:]))

    def _repr_html_(self) -> str:
        data = None if self.data is None else table(self.data, label=f"Data of: {self.alt[:80]}")
        head = Markup('<svg role="img" aria-label="{}" ').format(self.alt)
        svg = Markup(self.svg.replace("<svg ", str(head), 1))  # the SVG matplotlib wrote
        more = [Markup(s.replace("<svg ", '<svg aria-hidden="true" ', 1)) for s in self.more]
        width_px = round((self.width_in or 6.5) * 96)  # CSS px: a phone keeps most of it
        return str(
            render("chart.html.j2", chart=self, svg=svg, more=more, data=data, width_px=width_px)
        )

    def __repr__(self) -> str:
        return f"Chart({self.alt!r})"


@dataclass
class Charts:
    """Charts shown one after another, e.g. a long chart cut into parts that each fit a page."""

    charts: list[Chart]

    def _repr_html_(self) -> str:
        return "".join(c._repr_html_() for c in self.charts)

    def __repr__(self) -> str:
        return f"Charts({self.charts!r})"
