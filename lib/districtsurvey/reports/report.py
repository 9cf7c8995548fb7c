"""What the department report notebook calls: ``load`` a department of a prepared run, then one
function per section, each returning a display object (a table, a chart with alt text, or words).

Every table comes from the run cache, where suppression was already applied; these helpers only
select and format. ``load("", "")`` prepares the demo run first, so Run All works on a fresh clone.
"""

from .department import FLAG_WORDS, Report, load
from .followup import follow_up
from .glance import action_plan, at_a_glance, focus_table
from .narrative import comments, methods, strengths
from .sections import (
    benchmarks,
    breakdown_table,
    breakdowns,
    dimension_caption,
    dimension_table,
    dimensions,
    item_table,
    item_trend_table,
    plot_dimensions,
    plot_likert,
    plot_trends,
    statements,
    trend_table,
    trend_tables,
    trends,
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
