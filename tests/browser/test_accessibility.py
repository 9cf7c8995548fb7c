"""WCAG 2.1 A/AA in Chromium with axe-core (bundled by the ``axe-playwright-python`` test
dependency, so it works offline): the district summary, department reports (one with figures,
one hidden by the privacy rules) and roll-out pages, on a desktop and a phone viewport; and the
same for a packet run (the packet summary, packets, a school's report, a packet's roll-out)."""

from __future__ import annotations

import pytest

from support import PACKET_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "index.html",
    "departments/transportation.html",
    "departments/internal-audit.html",
    "rollout/transportation.html",
    "rollout/internal-audit.html",
]


def axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the loaded page. The reports' Content-Security-
    Policy forbids scripts, so the test context bypasses it to inject axe (the page itself runs
    none)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    assert result["testEngine"]["name"] == "axe-core"
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}"
        for v in violations
    )


@pytest.fixture(scope="module")
def published(small_batch):
    from districtsurvey.batch.publish import publish_extras

    run_dir, _ = small_batch
    publish_extras(run_dir)  # roll-out pages (made by the batch already; idempotent)
    return run_dir


def check_pages(browser, folder, pages, width) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    blocked = []
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:"))
            else (blocked.append(r.request.url), r.abort())
        ),
    )
    page = context.new_page()
    try:
        for name in pages:
            page.goto((folder / name).as_uri())
            violations = axe(page)
            assert violations == [], f"{name} at {width} px: {describe(violations)}"
    finally:
        context.close()
    assert blocked == []


@pytest.mark.parametrize("width", [1280, 390])
def test_reports_have_no_wcag_21_aa_violations(browser, published, width):
    check_pages(browser, published, PAGES, width)


@pytest.mark.parametrize("width", [1280, 390])
def test_packet_pages_have_no_wcag_21_aa_violations(browser, packet_run, width):
    check_pages(browser, packet_run, PACKET_PAGES, width)


def test_axe_finds_what_it_should(browser):
    """The check can fail: a page with an image without alt text, a low-contrast paragraph and
    an unlabelled link shows those violations."""
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="en"><title>t</title><body><main><img src="data:,">'
            '<p style="color:#bbb;background:#fff">faint</p><a href="#x"></a></main></body></html>'
        )
        found = {v["id"] for v in axe(page)}
    finally:
        page.close()
    assert {"image-alt", "color-contrast", "link-name"} <= found
