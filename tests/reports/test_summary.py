"""The district summary's display helpers over a prepared run."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from districtsurvey.reports import plots, summary
from districtsurvey.reports.display import Chart, Charts

PRINTED_WIDTH_IN = (210 - 2 * 12) / 25.4  # an A4 page less the print margins
PAGE_CHART_IN = 235 / 25.4  # the tallest chart the print stylesheet lets through


def test_a_long_heatmap_comes_in_parts_of_at_most_heatmap_rows(prepared_run, monkeypatch):
    d = summary.load_district(prepared_run)
    n = len(summary.heatmap_matrix(d)) - 1  # departments: the district's row comes first
    monkeypatch.setattr(summary, "HEATMAP_ROWS", 12)
    parts = summary.plot_heatmap(d)
    # every part repeats the district's row: 11 departments + the district per part
    assert isinstance(parts, Charts) and len(parts.charts) == math.ceil(n / 11)
    sizes = [int(c.alt.split(" for ")[1].split()[0]) for c in parts.charts]
    assert sum(sizes) == n and max(sizes) + 1 <= 12
    assert all(c.data["Department"].iloc[0] == "District" for c in parts.charts)
    assert all(c.caption.startswith(f"Part {k + 1} of ") for k, c in enumerate(parts.charts))
    html = parts._repr_html_()
    assert html.count("<figure") == len(parts.charts)
    monkeypatch.setattr(summary, "HEATMAP_ROWS", 10_000)
    assert isinstance(summary.plot_heatmap(d), Chart)


def test_a_full_heatmap_part_prints_within_a_page():
    rows = summary.HEATMAP_ROWS
    m = pd.DataFrame(
        np.linspace(20, 90, rows * 8).reshape(rows, 8),
        index=[f"Department {i}" for i in range(rows)],
        columns=[f"Area {j}" for j in range(8)],
    )
    chart = Chart.from_axes(plots.plot_heatmap(m), alt="test")
    # the SVG's size in points (72 to the inch), as matplotlib wrote it
    width, height = (
        float(v) / 72
        for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', chart.svg).groups()
    )
    printed = height * min(1.0, PRINTED_WIDTH_IN / width)
    assert printed <= PAGE_CHART_IN
