"""PDFs printed by headless Chromium; the roll-out page as a leader prints it: one page, offline."""

from __future__ import annotations

import re
import unicodedata

import pytest

from districtsurvey.batch.pdf import page_count
from districtsurvey.batch.publish import publish_extras

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

SLUGS = ("transportation", "internal-audit", "finance")  # the departments of `small_batch`
MAX_PAGES = 4  # "a few pages": the longest department of the sample prints on 4
CONTENT_PX = round((210 - 2 * 12) / 25.4 * 96)  # A4 width less the 12 mm margins, in CSS px
MAX_CHART_PX = round(235 / 25.4 * 96)  # the print stylesheet's tallest chart: 235 mm


@pytest.fixture(scope="module")
def printed(small_batch, browser):
    # `browser` skips (or fails with REQUIRE_BROWSER=1) when there is no chromium
    run_dir, _ = small_batch
    return run_dir, publish_extras(run_dir, pdf=True)


def test_pdfs_of_reports_and_rollout_pages(printed):
    run_dir, written = printed
    for slug in SLUGS:
        for pdf in (run_dir / "departments" / f"{slug}.pdf", run_dir / "rollout" / f"{slug}.pdf"):
            assert pdf in written
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF") and len(data) > 5_000, pdf
        assert page_count(run_dir / "rollout" / f"{slug}.pdf") == 1
        assert 1 <= page_count(run_dir / "departments" / f"{slug}.pdf") <= MAX_PAGES
    summary = run_dir / "index.pdf"
    assert summary in written and summary.read_bytes().startswith(b"%PDF")
    assert not list(run_dir.rglob("*.tmp"))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_department_report_prints_on_a_few_pages(printed, offline_page, paper):
    run_dir, _ = printed
    page = offline_page.page
    for slug in SLUGS:
        page.goto((run_dir / "departments" / f"{slug}.html").as_uri())
        pdf = page.pdf(format=paper, print_background=True, prefer_css_page_size=True)
        pages = page_count(pdf)
        assert 1 <= pages <= MAX_PAGES, f"{slug} prints on {pages} {paper} pages"
    assert offline_page.blocked == []


PRINT_SCALE = 0.85  # report.css: charts print at 85% of their drawn size (text 8 pt -> 6.8 pt)


@pytest.mark.parametrize("report", ["departments/transportation.html", "index.html"])
def test_charts_print_at_their_drawn_size_and_within_a_page(printed, offline_page, report):
    run_dir, _ = printed
    page = offline_page.page
    page.set_viewport_size({"width": CONTENT_PX, "height": 1000})  # an A4 page's content width
    page.goto((run_dir / report).as_uri())
    page.emulate_media(media="print")
    # an SVG's width attribute is in points (72 to the inch); CSS draws 96 px to the inch
    charts = page.locator("figure.ds-chart svg").evaluate_all(
        "svgs => svgs.map(s => [parseFloat(s.getAttribute('width')) * 96 / 72,"
        " s.getBoundingClientRect().width, s.getBoundingClientRect().height])"
    )
    assert len(charts) >= (3 if report.startswith("departments") else 1)
    for drawn, width, height in charts:
        # every chart at the same print scale (so their text is one size), narrowed only
        # when wider than the page
        assert abs(width - min(drawn * PRINT_SCALE, CONTENT_PX)) <= 1, "a chart is scaled apart"
        assert height <= MAX_CHART_PX + 1, "a chart taller than a page would be split"


@pytest.mark.parametrize("slug", ["transportation", "internal-audit"])
def test_rollout_page_offline_and_one_printed_page(printed, offline_page, tmp_path, slug):
    run_dir, _ = printed
    page = offline_page.page
    page.goto((run_dir / "rollout" / f"{slug}.html").as_uri())
    assert page.get_by_role("heading", name="What we heard", exact=True).is_visible()
    assert page.get_by_role("heading", name="What we will do", exact=True).is_visible()
    assert page.get_by_role("heading", name="When we will check", exact=True).is_visible()
    assert page.locator("script").count() == 0
    page.screenshot(path=str(tmp_path / f"rollout-{slug}.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True, prefer_css_page_size=True)
        assert page_count(pdf) == 1, f"{slug} roll-out prints on more than one {paper} page"
    assert offline_page.blocked == [], f"network requests were made: {offline_page.blocked}"
    assert offline_page.console_errors == []


def _text(s: str) -> str:
    """Text as the PDF's text layer reads it: ligatures ("ﬁ") unfolded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def test_a_chart_keeps_its_tables_header_and_first_row_on_its_page(small_batch, browser, tmp_path):
    """README: a chart "stays on the page where its table starts". The report is printed 25 times
    with a blank block of 0 to 240 mm pushed in before its first chart that has a table after it
    (one cell: the chart, then the table of its figures), so that the page ends everywhere around
    the pair; each time the page that has the chart's caption has, after it, the table's header
    and its first row. Without the print rules that keep them together (report.css,
    `figure.ds-chart + .ds-table-wrap ...`), one of the 25 splits them (tried: the 30 mm one on
    Letter)."""
    from bs4 import BeautifulSoup
    from pypdf import PdfReader

    from districtsurvey.batch.pdf import print_all

    run_dir, _ = small_batch
    html = (run_dir / "departments" / "finance.html").read_text(encoding="utf-8")
    cells = BeautifulSoup(html, "html.parser").select("div.jp-Cell")
    at, figure = next(
        (k, f)
        for k, cell in enumerate(cells)
        for f in cell.select("figure.ds-chart")
        if f.select_one("figcaption")
        and f.find_next_sibling() is not None
        and f.find_next_sibling().select_one("table.ds-table:not(.ds-screen-only)")
    )
    caption = _text(figure.select_one("figcaption").get_text())[:60]
    table = figure.find_next_sibling().select_one("table.ds-table")
    head = " ".join(_text(th.get_text()) for th in table.select("thead th"))
    row = " ".join(_text(td.get_text()) for td in table.select("tbody tr")[0].select("td"))
    jobs = []
    for mm in range(0, 250, 10):
        page = BeautifulSoup(html, "html.parser")
        page.select("div.jp-Cell")[at].insert_before(page.new_tag("div", style=f"height: {mm}mm"))
        variant = tmp_path / f"pushed-{mm}mm.html"
        variant.write_text(str(page), encoding="utf-8")
        jobs.append((variant, variant.with_suffix(".pdf")))
    written, _ = print_all(jobs, paper="letter")
    assert len(written) == len(jobs)
    apart = []
    for pdf in written:
        pages = [_text(p.extract_text()) for p in PdfReader(str(pdf)).pages]
        text = next(t for t in pages if caption in t)
        after = text[text.index(caption) :]
        if head not in after or row not in after:
            apart.append(pdf.stem)
    assert apart == []
