"""PDFs printed by headless Chromium; the roll-out page as a leader prints it: one page, offline."""

from __future__ import annotations

import pytest

from districtsurvey.pdf import page_count
from districtsurvey.publish import publish_extras

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

SLUGS = ("transportation", "internal-audit", "finance")  # the departments of `small_batch`


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
        assert page_count(run_dir / "departments" / f"{slug}.pdf") >= 1
    assert not list(run_dir.rglob("*.tmp"))


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
