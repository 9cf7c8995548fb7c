"""Prefilled 90-day action plans, one row per focus area: goal, tactics, owner, leading indicator.

The plan is a starting point the leader edits (the run writes it as .xlsx and .csv); the tactics
are plain, proven service habits per dimension, and the goal is a measurable target.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .instrument import Instrument

TACTICS = {
    "accessibility": (
        "Publish a one-page 'who to call for what' guide and a shared inbox answered daily",
        "share of requests routed to the right person first time",
    ),
    "accuracy": (
        "Use a checklist for the three most common requests and spot-check five a week",
        "errors found in the weekly spot-check",
    ),
    "attitude": (
        "Open each service contact by restating the need; recognise staff weekly for "
        "outstanding service",
        "thank-you notes and compliments logged per week",
    ),
    "operations": (
        "Map the slowest process with the schools that use it and remove one step",
        "steps and hand-offs in the mapped process",
    ),
    "timeliness": (
        "Acknowledge every request within one working day and give a completion date",
        "share of requests acknowledged within one working day",
    ),
    "supervisor": (
        "Hold a 15-minute one-to-one with every employee each month",
        "share of one-to-ones held as planned",
    ),
    "recognition": (
        "Name one specific contribution in every team meeting; send two thank-you notes a week",
        "thank-you notes sent per week",
    ),
    "growth": (
        "Agree one growth goal with each employee and a learning opportunity to match",
        "share of employees with an agreed growth goal",
    ),
    "resources": (
        "Ask the team for the one resource gap that costs most time, and close it",
        "gaps reported and closed",
    ),
    "purpose": (
        "Start meetings with a student story that shows how the work matters",
        "meetings opened with a purpose story",
    ),
    "communication": (
        "Send a short weekly update and answer open questions within a week",
        "weekly updates sent; questions answered within a week",
    ),
    "intent_to_stay": (
        "Hold stay conversations with each employee: what keeps you, what might take you away",
        "stay conversations held",
    ),
}
GENERIC = (
    "Ask a few respondents what would move this statement and act on the most common answer",
    "actions taken from the conversations",
)


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

    >>> from districtsurvey.instrument import load_instrument
    >>> f = pd.DataFrame({"rank": [1], "item": ["ss_timely_response"], "pct_favorable": [58.0]})
    >>> p = action_plan(f, load_instrument("support_services"), department="Finance",
    ...                 start=dt.date(2026, 11, 22))
    >>> p.loc[0, "goal"], p.loc[0, "check_date"]
    ('Raise % favorable from 58% to 63% by the next survey', '2027-02-20')
    """
    dims = instrument.items.set_index("id")["dimension"]
    rows = []
    for row in focus.sort_values("rank").itertuples():
        tactic, indicator = TACTICS.get(dims.get(row.item), GENERIC)
        now = float(row.pct_favorable)
        rows.append(
            {
                "department": department,
                "rank": int(row.rank),
                "area": instrument.dimension_label(dims.get(row.item, "")),
                "statement": instrument.item_text(row.item),
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
