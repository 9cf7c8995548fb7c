"""The department report's display helpers, in-process over the prepared sample district."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from districtsurvey.reports import report
from districtsurvey.reports.display import Chart
from districtsurvey.reports.html import Html

CHARTS = (report.plot_dimensions, report.plot_trends, report.plot_likert)
#: issue 13: one "not shown" sentence everywhere. It speaks of answers, not respondents: a unit
#: with 7 respondents can have every statement hidden (fewer than 5 answers, or a complement).
ONE_SENTENCE = (
    "not shown: fewer than 5 answers, or hidden so that a smaller group cannot be worked out"
)


@pytest.fixture(scope="module")
def shown(prepared_run):
    return report.load(prepared_run, "transportation")


@pytest.fixture(scope="module")
def hidden(prepared_run):
    r = report.load(prepared_run, "internal-audit")  # too few respondents in every wave
    assert r.shown_items.empty and r.history["pct_favorable"].isna().all()
    return r


@pytest.mark.parametrize("plot", CHARTS)
def test_charts_carry_alt_text_and_a_caption(shown, plot):
    chart = plot(shown)
    assert isinstance(chart, Chart)
    assert chart.alt.strip() and chart.caption.strip()
    assert chart.svg.startswith("<svg ") and chart.width_in
    assert chart.data is not None and len(chart.data)  # the data it plots, as a table


@pytest.mark.parametrize("plot", CHARTS)
def test_a_hidden_department_gets_words_not_empty_charts(hidden, plot):
    out = plot(hidden)
    assert isinstance(out, Html)
    assert ONE_SENTENCE in str(out)


def test_a_hidden_department_gets_words_not_an_empty_benchmark_table(hidden):
    ranks = pd.DataFrame(
        {"item": hidden.items["item"], "mean": 3.5, "percentile_rank": 50.0}
    ).assign(department=hidden.department, source="A test benchmark", benchmark_n=10)
    out = report.benchmarks(dataclasses.replace(hidden, benchmarks=ranks))
    assert isinstance(out, Html)
    assert ONE_SENTENCE in str(out)


@pytest.mark.parametrize("fixture", ["shown", "hidden"])
def test_a_section_of_several_tables_shows_each_of_them_in_order(request, fixture):
    """The notebook shows the trends' two tables, and the two breakdowns, in one cell each: the
    same tables, in the order the separate cells showed them, nothing left out."""
    r = request.getfixturevalue(fixture)
    trends = report.trend_table(r)._repr_html_() + report.item_trend_table(r)._repr_html_()
    assert report.trend_tables(r)._repr_html_() == trends
    by = [report.breakdown_table(r, by=k)._repr_html_() for k in (0, 1)]
    assert report.breakdowns(r)._repr_html_() == "".join(by)
    assert by[0] != by[1]  # two different tables (or words), both there


SECTIONS = {  # a section's one cell: its chart, then the table of its figures
    report.dimensions: (report.plot_dimensions, report.dimension_table),
    report.trends: (report.plot_trends, report.trend_tables),
    report.statements: (report.plot_likert, report.item_table),
}


@pytest.mark.parametrize("fixture", ["shown", "hidden"])
@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_a_chart_and_its_table_are_one_output_chart_first(request, fixture, section):
    """One cell shows what the chart's cell and the table's cell showed, in that order; when the
    chart is drawn, the table's block comes right after its figure (what the print rule keeping
    them on one page selects: report.css, ``figure.ds-chart + .ds-table-wrap``)."""
    from bs4 import BeautifulSoup

    r = request.getfixturevalue(fixture)
    chart, table = SECTIONS[section]
    html = section(r)._repr_html_()
    assert html == chart(r)._repr_html_() + table(r)._repr_html_()
    figure = BeautifulSoup(html, "html.parser").select_one("figure.ds-chart")
    assert (figure is None) == (fixture == "hidden")
    if figure is not None:
        assert "ds-table-wrap" in figure.find_next_sibling()["class"]


def test_the_packet_trends_show_the_areas_table_only(shown):
    html = report.trends(shown, every_statement=False)._repr_html_()
    assert html == report.plot_trends(shown)._repr_html_() + report.trend_table(shown)._repr_html_()
