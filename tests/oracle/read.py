"""What a reader sees in an exported report, as plain Python values (BeautifulSoup on the HTML)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup, Tag

HIDDEN = {"—", "not shown", "–"}


def text(tag) -> str:
    """The text a reader reads (tags add no spaces of their own; the heading anchor '¶' dropped)."""
    return re.sub(r"\s+", " ", tag.get_text("")).replace("¶", "").strip()


def table_frame(table: Tag) -> pd.DataFrame:
    rows = [[text(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
    rows = [r for r in rows if r]
    return pd.DataFrame(rows[1:], columns=rows[0])


def number(value: str) -> float | None:
    """'1,234' -> 1234, '58%' -> 58, '+4' -> 4, '0' -> 0; hidden ('—', 'not shown') -> None."""
    value = str(value).strip()
    if value in HIDDEN:
        return None
    m = re.fullmatch(r"([+-]?[\d,]+(?:\.\d+)?)%?", value)
    assert m, f"not a figure: {value!r}"
    return float(m.group(1).replace(",", ""))


@dataclass
class Chart:
    alt: str
    caption: str
    data: pd.DataFrame
    svg: Tag  # the drawing: its svg, or the block holding every part of a chart drawn in parts

    def line_xs(self) -> list[list[float]]:
        """The x coordinates of every drawn line (matplotlib writes a line as 'M x y L x y ...')."""
        out = []
        for g in self.svg.find_all("g", id=re.compile(r"^line2d_")):
            for path in g.find_all("path", d=True):
                if path.find_parent("defs") is not None:  # a tick mark's shape, not a line
                    continue
                d = path["d"]
                if " L " in d or "\nL " in d:
                    xs = [float(x) for x in re.findall(r"[ML]\s*(-?[\d.]+)\s+-?[\d.]+", d)]
                    if len(xs) > 1:
                        out.append(xs)
        return out


@dataclass
class Page:
    """One exported report: its headings' text, paragraphs, lists, tables and charts."""

    path: Path
    soup: BeautifulSoup
    tables: list[pd.DataFrame] = field(default_factory=list)  # not inside a chart
    captions: list[str] = field(default_factory=list)  # of those tables
    charts: list[Chart] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Page:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        page = cls(path, soup)
        for fig in soup.find_all("figure", class_="ds-chart"):
            svg = fig.find("svg")
            cap = fig.find("figcaption")
            page.charts.append(
                Chart(
                    svg["aria-label"],
                    text(cap) if cap else "",
                    table_frame(fig.find("table")),
                    # every part of a chart drawn in parts (the first carries the alt text)
                    fig.find("div", class_="ds-chart-scroll") or svg,
                )
            )
        for t in soup.find_all("table"):
            if t.find_parent("figure") is None:
                page.tables.append(table_frame(t))
                cap = t.find("caption")
                page.captions.append(text(cap) if cap else "")
        return page

    @property
    def title(self) -> str:
        return text(self.soup.find("h1"))

    def paragraphs(self) -> list[str]:
        return [text(p) for p in self.soup.find_all("p")]

    def list_after(self, lead: str) -> list[str]:
        """The items of the first list after the paragraph that starts with ``lead``."""
        for p in self.soup.find_all("p"):
            if text(p).startswith(lead):
                lst = p.find_next(["ul", "ol"])
                return [text(li) for li in lst.find_all("li")]
        raise AssertionError(f"no list after {lead!r} in {self.path.name}")

    def table(self, *first: str) -> tuple[pd.DataFrame, str] | None:
        """The first table whose columns start with ``first`` (and its caption)."""
        for t, cap in zip(self.tables, self.captions, strict=True):
            if list(t.columns[: len(first)]) == list(first):
                return t, cap
        return None

    def chart(self, alt_start: str) -> Chart | None:
        return next((c for c in self.charts if c.alt.startswith(alt_start)), None)

    def section_text(self, heading: str) -> str:
        """Everything between an <h2> starting with ``heading`` and the next <h2>."""
        h = next(h for h in self.soup.find_all("h2") if text(h).startswith(heading))
        parts = []
        for el in h.find_all_next():
            if el.name == "h2":
                break
            if el.name in {"p", "li", "figcaption", "caption"}:
                parts.append(text(el))
        return "\n".join(parts)
