"""Charts as inline SVG: every id on a page is unique and every reference a chart makes (clip path,
marker) points into that chart. Read from the HTML a reader gets (a real packet run: two surveys'
charts on one page), with a naive reading of ids and references (no import of the code under test
for that)."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from districtsurvey.reports.display import Chart
from districtsurvey.reports.figures import _axes

ID = re.compile(r'\sid="([^"]+)"')
REF = re.compile(r'url\(#([^)]+)\)|href="#([^"]+)"')
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def repeated_ids(html: str) -> dict[str, int]:
    return {k: n for k, n in Counter(ID.findall(html)).items() if n > 1}


def references_outside(svg: str) -> set[str]:
    """Ids an SVG refers to that it does not define itself."""
    return {a or b for a, b in REF.findall(svg)} - set(ID.findall(svg))


def line_chart(values: list[float]) -> Chart:
    """A small line chart with markers and a clip path (as the trend charts draw), its alt text
    the same whatever ``values`` are (as a packet's two trend charts have)."""
    ax = _axes(None, 1.8, width=4.0)
    ax.plot(range(len(values)), values, "-o")
    return Chart.from_axes(ax, alt="Line chart of % favorable by wave.", data=pd.DataFrame())


def test_two_charts_with_the_same_alt_text_share_no_id():
    """Before, the ids a chart refers to were salted with its alt text only, and matplotlib
    names every group alike (figure_1, axes_1, line2d_1 ...): a page of two such charts repeated
    every id, and the second chart's clip path pointed at the first chart's."""
    page = "".join(line_chart(v)._repr_html_() for v in ([50.0, 60.0, 70.0], [20.0, 30.0, 40.0]))
    svgs = SVG.findall(page)
    assert len(svgs) == 2
    assert repeated_ids(page) == {}
    for svg in svgs:
        assert REF.search(svg), "the chart refers to its clip path and markers"
        assert references_outside(svg) == set()
    # matplotlib's names stay (a reader of the SVG finds the lines as "line2d_..." groups)
    assert all(re.search(r'id="line2d_1-[0-9a-f]{8}"', svg) for svg in svgs)


def test_the_same_drawing_keeps_the_same_ids():
    """Reports are reproducible: drawing the same chart twice gives the same SVG."""
    assert line_chart([1.0, 2.0]).svg == line_chart([1.0, 2.0]).svg


@pytest.mark.notebook
@pytest.mark.slow
def test_every_page_of_a_packet_run_has_unique_ids(packet_run):
    """Each page a reader opens (the summary, each packet of both surveys, a school's report,
    the roll-out pages): no id twice, and each chart's references resolve inside it."""
    pages = sorted(packet_run.glob("*.html")) + sorted(packet_run.glob("*/*.html"))
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert repeated_ids(html) == {}, page.name
        for svg in SVG.findall(html):
            assert references_outside(svg) == set(), page.name
