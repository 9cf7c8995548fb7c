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
    dimension_caption,
    dimension_table,
    item_table,
    item_trend_table,
    plot_dimensions,
    plot_likert,
    plot_trends,
    trend_table,
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
    "focus_table",
    "follow_up",
    "item_table",
    "item_trend_table",
    "load",
    "methods",
    "plot_dimensions",
    "plot_likert",
    "plot_trends",
    "strengths",
    "trend_table",
    "trend_tables",
]


def trend_tables(r: Report) -> Html:
    """The trends section's tables: the areas, then every statement (on screen only), each
    across all waves."""
    return Html.join(trend_table(r), item_trend_table(r))


def breakdowns(r: Report) -> Html:
    """Results by the instrument's first two breakdowns (the role of the people who answered,
    then their site), one table each."""
    return Html.join(breakdown_table(r, by=0), breakdown_table(r, by=1))
