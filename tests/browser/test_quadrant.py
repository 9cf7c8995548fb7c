"""The packet summary's quadrant as the superintendent sees it, in Chromium: on the demo's 20-odd
points, no department's name covers another's, and every name stays inside the chart. Before, the
labels all went right of their points: "Special Education" ran into "Student Services",
"Information Technology" into "Custodial Services", and one name ran past the right edge."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def boxes(page) -> list[dict]:
    """Each label's box on screen: the quadrant's <text> elements that name a department of its
    data table (the table a reader sees under the chart)."""
    return page.evaluate(
        """() => {
        const fig = document.querySelector('figure.ds-chart');
        const names = new Set([...fig.querySelectorAll('table tbody tr')]
            .map(tr => tr.querySelector('td').textContent.trim()));
        const svg = fig.querySelector('svg').getBoundingClientRect();
        return [...fig.querySelectorAll('svg text')]
            .filter(t => names.has(t.textContent.trim()))
            .map(t => { const r = t.getBoundingClientRect();
                        return {name: t.textContent.trim(), left: r.left, right: r.right,
                                top: r.top, bottom: r.bottom, inside: r.left >= svg.left &&
                                r.right <= svg.right && r.top >= svg.top &&
                                r.bottom <= svg.bottom}; });
    }"""
    )


def test_quadrant_labels_never_cover_each_other(demo_packet_run, browser, tmp_path):
    from districtsurvey.reports import packet_summary

    chart = packet_summary.plot_quadrant(packet_summary.load(demo_packet_run))
    html = tmp_path / "quadrant.html"
    html.write_text(
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><body>{chart._repr_html_()}</body>',
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.goto(html.as_uri())
        labels = boxes(page)
    finally:
        page.close()
    assert len(labels) >= 15, labels  # the demo's departments shown in both surveys
    assert [b["name"] for b in labels if not b["inside"]] == []
    covered = [
        (a["name"], b["name"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    ]
    assert covered == []
