"""Display helpers shared by the report and summary notebooks: number formats, tables, and charts
that carry alt text and a plain-language caption into the exported HTML."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

DPI = 100  # pixels per inch of the PNGs
CSS_DPI = 96  # CSS pixels per inch: what a browser prints as one inch
KEEP_ROWS = 12  # a printed table this short is not split between pages


def pct(v) -> str:
    """'58%' or '—' for an empty (suppressed) figure.

    >>> pct(57.6), pct(float("nan"))
    ('58%', '—')
    """
    return "—" if pd.isna(v) else f"{v:.0f}%"


def pts(v) -> str:
    """Signed points: '+4', '—' for empty.

    >>> pts(3.6), pts(-12.2)
    ('+4', '-12')
    """
    return "—" if pd.isna(v) else f"{v:+.0f}"


def count(v, min_n: int) -> str:
    """A respondent count, or 'not shown' where hidden: fewer than ``min_n`` respondents, or a
    larger group hidden so that a smaller one cannot be worked out (so never 'fewer than N').

    >>> count(1234.0, 5), count(float("nan"), 5)
    ('1,234', 'not shown')
    """
    return "not shown" if pd.isna(v) else f"{int(v):,}"


def interval(low, high) -> str:
    return "—" if pd.isna(low) or pd.isna(high) else f"{low:.0f}–{high:.0f}%"


def score_columns(t: pd.DataFrame, min_n: int) -> dict[str, list]:
    """The columns every score table shows, formatted: respondents, % favorable, interval,
    against the district and change (hidden rows read 'not shown' and '—')."""
    return {
        "Respondents": [count(v, min_n) for v in t["n"]],
        "% favorable": list(t["pct_favorable"].map(pct)),
        "95% interval": list(map(interval, t["fav_low"], t["fav_high"])),
        "vs district": list(t["vs_district"].map(pts)),
        "Change": list(t["change_pct_favorable"].map(pts)),
    }


def table(
    df: pd.DataFrame,
    *,
    caption: str = "",
    links: dict[str, str] | None = None,
    screen_only: bool = False,
) -> Styler:
    """A plain, index-free table with the report's CSS class; ``links`` (text -> relative href)
    are appended to the caption; ``screen_only`` tables are left out of print (details that the
    full report online keeps, so one department prints on a few pages). A table of up to
    ``KEEP_ROWS`` rows is not split between printed pages.

    >>> 'class="ds-table ds-keep"' in table(pd.DataFrame({"a": [1, 2]})).to_html()
    True
    """
    css = "ds-table ds-screen-only" if screen_only else "ds-table"  # print CSS hides the latter
    css += " ds-keep" if len(df) <= KEEP_ROWS else ""  # printed on one page
    s = df.style.hide(axis="index").set_table_attributes(f'class="{css}"')
    parts = [html.escape(caption)] if caption else []
    parts += [
        f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'
        for text, href in (links or {}).items()
    ]
    return s.set_caption(" ".join(parts)) if parts else s


@dataclass
class Chart:
    """A rendered figure with alt text and a caption; displays as an HTML <figure>.

    Rendering happens once, at a fixed size and dpi (no tight bounding box, which draws twice).
    The image is shown at the figure's size in CSS inches, so printed text is the size it was
    drawn at (a 9 pt label prints at 9 pt) unless the page is narrower than the figure.

    >>> ax = plt.subplots(figsize=(5, 2))[1]
    >>> 'width="480"' in Chart.from_axes(ax, alt="An empty chart")._repr_html_()
    True
    """

    png: bytes
    alt: str
    caption: str = ""
    width_in: float | None = None

    @classmethod
    def from_axes(cls, ax, *, alt: str, caption: str = "") -> Chart:
        fig: Figure = ax.figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        plt.close(fig)
        return cls(buf.getvalue(), alt, caption, float(fig.get_size_inches()[0]))

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        width = f' width="{round(self.width_in * CSS_DPI)}"' if self.width_in else ""
        return (
            f'<figure class="ds-chart"><img src="data:image/png;base64,{data}"{width} '
            f'alt="{html.escape(self.alt, quote=True)}" style="max-width:100%;height:auto">'
            f"{cap}</figure>"
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
