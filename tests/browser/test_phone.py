"""The reports on a phone (390 px wide, as an iPhone 12-15 in portrait): nothing wider than the
screen, chart text large enough to read, and wide tables that scroll inside a labelled region
with a visible cue."""

from __future__ import annotations

import numpy as np
import pytest

from support import PACKET_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

PHONE = {"width": 390, "height": 844}
MIN_CHART_TEXT_PX = 9.0  # the smallest chart text as rendered on the phone, in CSS px
PAGES = ["index.html", "departments/transportation.html", "departments/internal-audit.html"]

#: per chart: rendered width and the smallest text in CSS px (font size x rendered/drawn width)
CHART_TEXT = """() => [...document.querySelectorAll('figure.ds-chart svg')].map(svg => {
  const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * k);
  return [svg.getBoundingClientRect().width, Math.min(...sizes)];
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def test_no_page_is_wider_than_the_phone(small_batch, phone, tmp_path):
    run_dir, _ = small_batch
    for name in [*PAGES, "rollout/transportation.html"]:
        phone.goto((run_dir / name).as_uri())
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width} px wide on a 390 px phone"
        phone.screenshot(path=str(tmp_path / (name.replace("/", "-") + ".png")), full_page=True)


def test_chart_text_stays_legible(small_batch, phone):
    run_dir, _ = small_batch
    seen = 0
    for name in PAGES:
        phone.goto((run_dir / name).as_uri())
        for _width, smallest in phone.evaluate(CHART_TEXT):
            assert smallest >= MIN_CHART_TEXT_PX, f"{name}: chart text {smallest:.1f} px"
            seen += 1
    assert seen >= 4  # the heatmap and a department's charts were measured


def test_wide_tables_and_charts_scroll_in_a_labelled_region_with_a_cue(small_batch, phone):
    run_dir, _ = small_batch
    phone.goto((run_dir / "index.html").as_uri())
    regions = phone.locator(".ds-table-wrap:visible, .ds-chart-scroll:visible")
    wide = 0
    for i in range(regions.count()):
        r = regions.nth(i)
        scroll, client = r.evaluate("e => [e.scrollWidth, e.clientWidth]")
        if scroll <= client:
            continue
        wide += 1
        assert r.get_attribute("role") == "region" and r.get_attribute("tabindex") == "0"
        assert r.get_attribute("aria-label")
        assert "radial-gradient" in r.evaluate("e => getComputedStyle(e).backgroundImage")
    assert wide >= 2  # the ranking and the heatmap at least
    # the cue is seen: the right edge is shaded while more lies to the right, not at the end
    ranking = phone.get_by_role("region", name="Ranking of every department")
    ranking.scroll_into_view_if_needed()

    def right_edge() -> float:
        shot = ranking.screenshot()
        from io import BytesIO

        from PIL import Image

        pixels = np.asarray(Image.open(BytesIO(shot)).convert("L"), dtype=float)
        return float(pixels[:, -4:].mean())

    before = right_edge()
    ranking.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    after = right_edge()
    assert before < after - 3, f"no visible scroll cue ({before:.0f} vs {after:.0f})"
    # and the ranking shows more than Rank, Department, Respondents before any scrolling
    ranking.evaluate("e => { e.scrollLeft = 0; }")
    visible = ranking.evaluate(
        """e => { const right = e.getBoundingClientRect().right + 1;
          return [...e.querySelectorAll('thead th')]
            .filter(th => th.getBoundingClientRect().right <= right).map(th => th.textContent); }"""
    )
    assert visible[:4] == ["Rank", "Department", "% favorable", "Verdict"], visible


def test_packet_pages_fit_the_phone_and_keep_chart_text_legible(packet_run, phone, tmp_path):
    seen = 0
    for name in PACKET_PAGES:
        phone.goto((packet_run / name).as_uri())
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"packet {name} is {width} px wide on a 390 px phone"
        for _width, smallest in phone.evaluate(CHART_TEXT):
            assert smallest >= MIN_CHART_TEXT_PX, f"packet {name}: chart text {smallest:.1f} px"
            seen += 1
        phone.screenshot(path=str(tmp_path / (name.replace("/", "-") + ".png")), full_page=True)
    # the quadrant and both heatmaps, and both surveys' charts of a packet, were measured
    assert seen >= 8, seen
