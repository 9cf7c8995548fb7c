"""The district summary's roll-up of last round's action plans (read back from the edited
workbooks): how many plans are done, in progress, not started or dropped, and whether the
statements with a finished plan moved more than the others (a comparison, not proof).
"""

from __future__ import annotations

import pandas as pd

from ..contracts.plans import STATUSES
from .display import Table, table
from .district import District, points
from .html import Html, render
from .units import count_units


def plan_moves(plans: pd.DataFrame, follow_up: pd.DataFrame) -> pd.DataFrame:
    """Each read-back plan row with how its statement moved (``change_pct_favorable``,
    ``change_flag``; empty where the statement is not shown this round).

    >>> p = pd.DataFrame({"department": ["A"], "item": ["x"], "status": ["Done"]})
    >>> f = pd.DataFrame({"department": ["A"], "item": ["x"], "change_pct_favorable": [7.0],
    ...                   "change_flag": ["up"], "suppressed": [False]})
    >>> plan_moves(p, f)[["status", "change_pct_favorable"]].values.tolist()
    [['Done', 7.0]]
    """
    cols = ["department", "item", "change_pct_favorable", "change_flag", "suppressed"]
    moved = plans.merge(follow_up.reindex(columns=cols), on=["department", "item"], how="left")
    hidden = moved["suppressed"].astype("boolean").fillna(True).astype(bool)
    moved.loc[hidden, ["change_pct_favorable", "change_flag"]] = [float("nan"), None]
    return moved


def average_move(part: pd.DataFrame) -> str:
    """How a set of planned statements moved, in words: the mean change of those shown and how
    many rose significantly.

    >>> average_move(pd.DataFrame({"change_pct_favorable": [4.0, 7.0, None],
    ...                            "change_flag": ["up", "no change", None]}))
    '+6 points on average over 2 statements, 1 significantly up'
    """
    change = part["change_pct_favorable"].dropna()
    if change.empty:
        return "no statement shown this round"
    up = int((part["change_flag"] == "up").sum())
    n = len(change)
    return (
        f"{points(round(change.mean()))} on average over {n} statement{'s' if n != 1 else ''}, "
        f"{up} significantly up"
    )


def plan_rollup(d: District) -> Table | Html:
    """Plans by status and how the statements with a finished plan moved, against the others."""
    if d.plans.empty:
        return Html.text(
            "No action plans of last round were read back (params plans: or previous_run)."
        )
    moved = plan_moves(d.plans, d.plan_follow)
    counts = moved["status"].value_counts()
    done = moved[moved["status"] == "Done"]
    rest = moved[moved["status"] != "Done"]
    lines = [
        f"Statements with a plan marked Done: {average_move(done)}.",
        f"Statements whose plan is in progress, not started or dropped: {average_move(rest)}.",
        "This compares the two groups; it does not show that a plan caused the change.",
    ]
    rollup = table(
        pd.DataFrame(
            {"Status": list(STATUSES), "Plans": [int(counts.get(s, 0)) for s in STATUSES]}
        ),
        caption=f"Last round's plans of {count_units(moved['department'].unique())}, one per "
        "focus statement, as the leaders marked them.",
    )
    return Html.join(rollup, render("paragraphs.html.j2", paragraphs=lines))
