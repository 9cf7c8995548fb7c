"""What the department report notebook calls: ``load`` a department of a prepared run, then one
function per section, each returning a display object (a table, a chart with alt text, or words).

Every table comes from the run cache, where suppression was already applied; these helpers only
select and format. ``load("", "")`` prepares the demo run first, so Run All works on a fresh clone.
"""

from .department import FLAG_WORDS, Report, load
from .followup import follow_up
from .glance import action_plan, at_a_glance, focus_table
from .html import Html
from .narrative import comments, methods, strengths
from .sections import (
    benchmarks,
    breakdown_table,
    breakdowns,
    dimension_caption,
    dimension_table,
    item_table,
    item_trend_table,
    plot_dimensions,
    plot_likert,
    plot_trends,
    trend_table,
    trend_tables,
)

__all__ = [
    "FLAG_WORDS",
    "Report",
    "action_plan",
    "at_a_glance",
    "benchmarks",
    "breakdown_table",
    "breakdowns",
    "comments",
    "dimension_caption",
    "dimension_table",
    "dimensions",
    "focus_table",
    "follow_up",
    "item_table",
    "item_trend_table",
    "load",
    "methods",
    "plot_dimensions",
    "plot_likert",
    "plot_trends",
    "statements",
    "strengths",
    "trend_table",
    "trend_tables",
    "trends",
]


# -- a section's chart and its table as one cell and one output: a cell costs its kernel and the
# batch a round of messages, and in print the chart stays on the page where its table starts
# (report.css: ``figure.ds-chart + .ds-table-wrap``)
def dimensions(r: Report) -> Html:
    """The areas: the chart against the district, then its table."""
    return Html.join(plot_dimensions(r), dimension_table(r))


def trends(r: Report, *, every_statement: bool = True) -> Html:
    """The trends: the chart across waves, then the areas' table and, with ``every_statement``,
    every statement's (on screen only)."""
    return Html.join(plot_trends(r), trend_tables(r) if every_statement else trend_table(r))


def statements(r: Report) -> Html:
    """Every statement: the Likert chart, then the table of every statement (on screen only)."""
    return Html.join(plot_likert(r), item_table(r))
