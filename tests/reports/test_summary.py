"""The district summary's sections over a prepared run (the sample district), checked against the
run cache's report-safe tables read with plain pandas (no lib code computes the expectation)."""

from __future__ import annotations

import math
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest

from districtsurvey.reports import plots, summary
from districtsurvey.reports.display import Chart, Charts

PRINTED_WIDTH_IN = (210 - 2 * 12) / 25.4  # an A4 page less the print margins
PAGE_CHART_IN = 235 / 25.4  # the tallest chart the print stylesheet lets through


def text(section) -> str:
    """What a reader sees of a section: its text, tags stripped, entities decoded."""
    html = re.sub(r"<svg.*?</svg>", " ", section._repr_html_(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def cache(prepared_run):
    """The cache's tables as a reader of the parquet files sees them, current wave."""
    read = lambda name: pd.read_parquet(prepared_run / "cache" / f"{name}.parquet")  # noqa: E731
    return {n: read(n) for n in ("dimensions", "district_dimensions", "respondents", "follow_up")}


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
    # each part's caption describes that part: its departments, its furthest cell below
    for chart in parts.charts:
        shown = chart.data.set_index("Department")
        first, last = shown.index[1], shown.index[-1]
        assert f": {first} to {last}." in chart.caption
        dept = re.search(r"Furthest below the district here: (.+?), ", chart.caption).group(1)
        assert dept in shown.index
    html = parts._repr_html_()
    assert html.count("<figure") == len(parts.charts)
    monkeypatch.setattr(summary, "HEATMAP_ROWS", 10_000)
    assert isinstance(summary.plot_heatmap(d), Chart)


def test_the_heatmap_is_coloured_around_the_district_value_of_each_area(prepared_run, cache):
    """Issue 13: coloured around the mean of all cells, 16 cells sat on the wrong side. Every cell
    below the district's value of its area must be orange (red > blue), above it blue."""
    d = summary.load_district(prepared_run)
    m = summary.heatmap_matrix(d)
    ax = plots.plot_heatmap(m, reference=m.loc["District"])
    colours = ax.images[0].to_rgba(ax.images[0].get_array(), bytes=True)
    dims, dist = cache["dimensions"], cache["district_dimensions"]
    now = dims[(dims["wave"] == "2026-fall") & (dims["kind"] == "dimension")]
    ref = dist[dist["wave"] == "2026-fall"].set_index("dimension")["pct_favorable"]
    labels = dict(zip(d.instrument.dimensions["label"], d.instrument.dimensions["id"], strict=True))
    checked = 0
    for i, dept in enumerate(m.index):
        for j, area in enumerate(m.columns):
            row = now[(now["department"] == dept) & (now["dimension"] == labels[area])]
            if dept == "District" or row.empty or pd.isna(row["pct_favorable"].iloc[0]):
                continue
            gap = round(row["pct_favorable"].iloc[0]) - round(ref[labels[area]])
            red, _, blue, _ = (int(c) for c in colours[i, j])
            if gap < 0:
                assert red > blue, f"{dept}, {area}: {gap} points, drawn blue"
            elif gap > 0:
                assert blue > red, f"{dept}, {area}: +{gap} points, drawn orange"
            checked += 1
    assert checked > 100
    # Human Resources, Overall quality: below the district (issue 13's example)
    assert m.loc["Human Resources", "Overall quality"] < m.loc["District", "Overall quality"]


def test_the_first_screen_names_who_needs_support_and_why(prepared_run, cache):
    d = summary.load_district(prepared_run)
    shown = text(summary.at_a_glance(d))
    dims, dist = cache["dimensions"], cache["district_dimensions"]
    out = dims[(dims["wave"] == "2026-fall") & (dims["dimension"] == "overall")]
    ref = dist[(dist["wave"] == "2026-fall") & (dist["dimension"] == "overall")]
    ref = ref["pct_favorable"].iloc[0]
    # support: the whole 95% interval below the district, lowest first (first five named)
    below = out[out["fav_high"] < ref].sort_values("pct_favorable")
    above = out[out["fav_low"] > ref].sort_values("pct_favorable", ascending=False)
    assert f"{len(below)} whose whole 95% interval lies below the district's {ref:.0f}%" in shown
    assert f"{len(above)} whose whole 95% interval lies above the district's {ref:.0f}%" in shown
    for group in (below, above):
        names = list(group["department"].head(5))
        at = [
            shown.index(f"{n} {group.set_index('department').loc[n, 'pct_favorable']:.0f}%")
            for n in names
        ]
        assert at == sorted(at), "listed in rank order"
        for n in names:
            r = group.set_index("department").loc[n]
            assert f"interval {r['fav_low']:.0f}–{r['fav_high']:.0f}%" in shown
    html = summary.at_a_glance(d)._repr_html_()
    assert f'href="departments/{d.slugs[below["department"].iloc[0]]}.html"' in html
    # the district's overall change carries its verdict, as department pages do
    o = ref_row = dist[(dist["wave"] == "2026-fall") & (dist["dimension"] == "overall")].iloc[0]
    moved = round(o["pct_favorable"]) - round(o["prev_pct_favorable"])
    assert f"{moved:+d} points since Spring 2026 — no real change" in shown
    assert ref_row["change_flag"] == "no change"
    # why "about the district": the rule, with the district's value
    assert "about the district: their interval includes" in shown


def test_the_first_screen_follows_up_last_rounds_system_wide_focus(prepared_run, cache):
    d = summary.load_district(prepared_run)
    shown = text(summary.at_a_glance(d))
    f = cache["follow_up"]
    f = f[f["department"] == "District"]
    assert len(f) >= 1, "the district's last-round focus is followed up"
    assert "Last round's system-wide focus (Spring 2026)" in shown
    for r in f.to_dict("records"):
        moved = round(r["pct_favorable"]) - round(r["prev_pct_favorable"])
        assert f"{r['prev_pct_favorable']:.0f}% → {r['pct_favorable']:.0f}% ({moved:+d} point" in (
            shown.replace("(0 point", "(+0 point")
        )
    # statements worded for one department are said at district level
    assert "This department" not in text(summary.district_focus(d))
    assert "This department" not in shown


def test_response_rates_are_sorted_and_low_ones_flagged(prepared_run, cache):
    d = summary.load_district(prepared_run)
    r = cache["respondents"]
    r = r[(r["wave"] == "2026-fall") & (r["department"] != "District")]
    table = summary.response_rates(d).data
    depts = table[table["Department"] != "District"]
    rates = [float(x.rstrip("%")) for x in depts["Response rate"] if x != "—"]
    assert rates == sorted(rates)
    low = set(r.loc[r["response_rate"].round() < 60, "department"])
    assert set(depts.loc[depts["Below 60%"] == "low", "Department"]) == low
    assert table["Department"].iloc[-1] == "District"
    shown = text(summary.at_a_glance(d))
    assert f"{len(low)} of {r['response_rate'].notna().sum()} departments below 60%" in shown


def test_the_ranking_links_each_department_and_places_the_district(prepared_run):
    d = summary.load_district(prepared_run)
    t = summary.ranking(d)
    assert list(t.data.columns[:4]) == ["Rank", "Department", "% favorable", "Verdict"]
    html = t._repr_html_()
    for name, slug in d.slugs.items():
        assert f'<a href="departments/{slug}.html">' in html, name
    rows = t.data.set_index("Department")
    values = [float(v.rstrip("%")) for v in t.data["% favorable"] if v != "—"]
    assert values == sorted(values, reverse=True)  # the district's row sits in its place
    assert rows.loc["District", "Verdict"] == "(the reference)"
    # "respondents" means one thing: the ranking counts who answered the outcome ("Answered")
    assert "Respondents" not in t.data.columns and "Answered" in t.data.columns


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


def test_the_first_screen_calls_schools_and_departments_units(tmp_path):
    """The engagement survey rates schools too: its first screen counts both kinds and lists
    "units", never calling a school a department. The selection below names two of each (the
    names say which is which)."""
    from districtsurvey.prepare.run import prepare
    from support import SAMPLE, write_params

    chosen = ["Finance", "Transportation", "Central High School", "Riverbend High School"]
    params = write_params(
        tmp_path,
        instrument="engagement",
        data=str(SAMPLE / "engagement.parquet"),
        comments=str(SAMPLE / "engagement_comments.csv"),
        headcounts=str(SAMPLE / "engagement_headcounts.csv"),
        departments=chosen,
        plans=str(SAMPLE / "plans" / "engagement-2026-spring"),
    )
    run_dir = prepare(params)
    d = summary.load_district(run_dir)
    shown = text(summary.at_a_glance(d))
    assert "2 departments and 2 schools" in shown
    for words in ("Units needing support", "Units of excellence", "A unit is labeled only"):
        assert words in shown
    assert not re.search(r"[Dd]epartments? (needing|of excellence|is labeled)", shown)
    assert "one statement about the unit." in text(summary.response_rates(d))
    # the roll-up counts the units whose plans were read back, each kind by its name
    planned = set(pd.read_parquet(run_dir / "cache" / "plans.parquet")["department"])
    schools = len(planned & {"Central High School", "Riverbend High School"})
    departments = len(planned) - schools
    assert schools and departments, "the sample has plans of both kinds among the chosen"
    plural = lambda k, word: f"{k} {word}{'' if k == 1 else 's'}"  # noqa: E731
    words = f"{plural(departments, 'department')} and {plural(schools, 'school')}"
    assert f"Last round's plans of {words}, one per" in text(summary.plan_rollup(d))
