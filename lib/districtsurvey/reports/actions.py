"""Prefilled 90-day action plans, one row per focus area: goal, tactics, owner, leading indicator.

The plan is a starting point the leader edits (the run writes it as .xlsx and .csv); the tactics
are plain, proven service habits per dimension, and the goal is a measurable target.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
import yaml

from ..contracts.instrument import Instrument
from ..contracts.labels import statement_label
from ..contracts.paths import TACTICS_DIR

TACTICS_FILE = TACTICS_DIR / "default.yml"


@cache
def _tactics() -> tuple[dict[str, tuple[str, str]], tuple[str, str]]:
    """(area -> (tactic, leading indicator), the generic pair) from ``data/tactics/default.yml``."""
    data = yaml.safe_load(TACTICS_FILE.read_text(encoding="utf-8"))
    pair = lambda t: (t["tactic"], t["indicator"])  # noqa: E731
    return {k: pair(v) for k, v in data["by_area"].items()}, pair(data["generic"])


def action_plan(
    focus: pd.DataFrame,
    instrument: Instrument,
    *,
    department: str,
    start: dt.date,
    target_points: float = 5.0,
    days: int = 90,
) -> pd.DataFrame:
    """One prefilled plan row per focus area (ordered by rank).

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> f = pd.DataFrame({"rank": [1], "item": ["ss_timely_response"], "pct_favorable": [58.0]})
    >>> p = action_plan(f, load_instrument("support_services"), department="Finance",
    ...                 start=dt.date(2026, 11, 22))
    >>> p.loc[0, "goal"], p.loc[0, "check_date"]
    ('Raise % favorable from 58% to 63% by the next survey', '2027-02-20')
    """
    dims = instrument.items.set_index("id")["dimension"]
    by_area, generic = _tactics()
    rows = []
    for row in focus.sort_values("rank").itertuples():
        tactic, indicator = by_area.get(dims.get(row.item), generic)
        now = float(row.pct_favorable)
        rows.append(
            {
                "department": department,
                "rank": int(row.rank),
                "area": instrument.dimension_label(dims.get(row.item, "")),
                "statement": statement_label(instrument, row.item),
                "goal": f"Raise % favorable from {now:.0f}% to {min(now + target_points, 100):.0f}% "
                "by the next survey",
                "tactics": tactic,
                "owner": f"{department} leader (name a person)",
                "leading_indicator": indicator,
                "check_date": (start + dt.timedelta(days=days)).isoformat(),
            }
        )
    cols = [
        "department",
        "rank",
        "area",
        "statement",
        "goal",
        "tactics",
        "owner",
        "leading_indicator",
        "check_date",
    ]
    return pd.DataFrame(rows, columns=cols)
