"""The exported reports as a leader sees them: headless Chromium, no network at all."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.notebook]


def test_index_and_department_report_in_chromium(small_batch, offline_page, tmp_path):
    run_dir, _ = small_batch
    page = offline_page.page
    page.goto((run_dir / "index.html").as_uri())
    assert page.get_by_role("heading", name="Departments at a glance").is_visible()
    assert page.locator("figure.ds-chart svg").count() >= 1
    # the superintendent's first screen answers its questions before any detail
    for heading in (
        "How we are doing",
        "What moved since Spring 2026",
        "Departments needing support",
        "Departments of excellence",
        "Last round's system-wide focus (Spring 2026)",
        "Who was heard",
    ):
        box = page.get_by_role("heading", name=heading, exact=True).bounding_box()
        assert (
            box is not None
            and box["y"]
            < page.get_by_role("heading", name="Departments at a glance").bounding_box()["y"]
        ), heading
    page.get_by_role("link", name="Transportation").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("departments/transportation.html")
    heading = page.get_by_role("heading", name="Transportation", exact=True)
    assert heading.is_visible()
    # the first screen carries the key facts, with no code anywhere
    first_screen = page.evaluate("document.body.innerText.slice(0, 600)")
    assert "respondents" in first_screen and "response rate" in first_screen
    assert "favorable" in first_screen
    assert page.locator(".jp-InputArea-editor, .jp-CodeCell .jp-InputArea").count() == 0
    for name in (
        "Areas compared with the district",
        "Focus areas",
        "Action plan",
        "Every statement",
    ):
        assert page.get_by_role("heading", name=name).is_visible()
    charts = page.locator("figure.ds-chart svg")
    assert charts.count() >= 2
    assert all(
        charts.nth(i).evaluate("s => s.getBoundingClientRect().width > 100")
        for i in range(charts.count())
    )
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert offline_page.blocked == [], f"network requests were made: {offline_page.blocked}"


def test_suppressed_department_shows_no_figures(small_batch, offline_page):
    run_dir, _ = small_batch
    page = offline_page.page
    page.goto((run_dir / "departments" / "internal-audit.html").as_uri())
    text = page.evaluate("document.body.innerText")
    assert "fewer than 5" in text
    assert offline_page.blocked == []


def test_print_leaves_out_the_screen_only_detail(small_batch, offline_page):
    run_dir, _ = small_batch
    page = offline_page.page
    page.goto((run_dir / "departments" / "transportation.html").as_uri())
    detail = page.locator("table.ds-screen-only")
    assert detail.count() >= 2 and detail.first.is_visible()  # item table, statement trends
    repeated = [
        page.get_by_role("heading", name="Focus areas", exact=True),
        page.get_by_role("heading", name="Follow-up on last round's focus"),
        page.get_by_text("Highest-rated statements", exact=True),
    ]
    assert all(r.is_visible() for r in repeated)
    page.emulate_media(media="print")
    assert not any(detail.nth(i).is_visible() for i in range(detail.count()))
    # what the at-a-glance block already says is printed once, there
    assert not any(r.is_visible() for r in repeated)
    assert page.get_by_text("Focus areas (at most 3)").is_visible()
    assert page.get_by_text("Last round's focus", exact=True).is_visible()
    assert page.locator("figure.ds-chart").first.is_visible()  # charts are printed
