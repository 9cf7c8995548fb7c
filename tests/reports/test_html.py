"""Escaped by construction: every section of every report, built from a hostile district, is
parsed and checked for markup that came from data (tags, event handlers, links, headings)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from districtsurvey.reports import report, summary
from hostile import HOSTILE_DEPARTMENT, HOSTILE_ITEM, HOSTILE_TITLE, PAYLOADS, hostile_district

#: The elements our templates and matplotlib's SVG write; anything else came from data.
OURS = {
    *"h1 p strong ul ol li blockquote div table caption thead tbody tr th td a figure".split(),
    *"figcaption details summary code br".split(),
    *"header section h2".split(),  # the district summary's first screen
    *"svg g path defs style text clippath rect use line polyline polygon circle title".split(),
    "image",  # matplotlib's raster of a heatmap's colours inside the SVG: a data: PNG
}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def check(html: str) -> Tags:
    parsed = Tags(html)
    for tag, attrs in parsed.tags:
        assert tag in OURS, f"<{tag}> came from data"
        assert not [a for a in attrs if a.startswith("on")], f"event handler on <{tag}>"
        if tag == "image":
            assert attrs.get("xlink:href", "").startswith("data:image/png;base64,")
            continue
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "http:", "https:", "//", "data:")), href
        if tag == "style":  # matplotlib's one rule inside an SVG's <defs>
            assert "display" not in html.split("<style", 1)[1].split("</style>", 1)[0]
    return parsed


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from districtsurvey.prepare.run import prepare

    return prepare(hostile_district(tmp_path_factory.mktemp("hostile")))


SECTIONS = [
    report.at_a_glance,
    report.focus_table,
    report.action_plan,
    report.follow_up,
    report.plot_dimensions,
    report.dimension_table,
    report.strengths,
    report.plot_trends,
    report.trend_table,
    report.item_trend_table,
    report.trend_tables,
    report.plot_likert,
    report.item_table,
    report.benchmarks,
    report.breakdown_table,
    report.breakdowns,
    report.comments,
    report.methods,
]


@pytest.mark.parametrize(
    "department", ["transportation", "img-src-x-onerror-document-title-pwned-finance"]
)
def test_every_department_section_escapes_what_came_from_data(run_dir, department):
    r = report.load(run_dir, department)
    text = []
    for section in SECTIONS:
        html = section(r)._repr_html_()
        parsed = check(html)
        text.append("".join(parsed.text))
        if section is not report.at_a_glance:
            assert not [t for t, _ in parsed.tags if t == "h1"], section.__name__
    shown = "\n".join(text)
    # the hostile words are shown as the text they are, not dropped and not rendered
    if department == "transportation":
        assert "<script>alert('script')</script>" in shown
        assert "# Focus areas" in shown and "![tracking pixel]" in shown
    else:
        assert HOSTILE_DEPARTMENT in shown
    assert HOSTILE_ITEM in shown


def test_the_district_summary_escapes_what_came_from_data(run_dir):
    d = summary.load_district(run_dir)
    shown = []
    for section in (
        summary.at_a_glance,
        summary.district_scores,
        summary.district_focus,
        summary.plot_heatmap,
        summary.ranking,
        summary.response_rates,
        summary.reliability,
        summary.plan_rollup,
        summary.department_links,
    ):
        shown.append("".join(check(section(d)._repr_html_()).text))
    assert HOSTILE_TITLE in "\n".join(shown) and HOSTILE_DEPARTMENT in "\n".join(shown)


def test_payloads_cover_the_issue():
    kinds = ("<script", "onerror", "onload", "ontoggle", "<iframe", "<style", "![", "javascript:")
    assert all(any(k in p for p in PAYLOADS) for k in kinds)
