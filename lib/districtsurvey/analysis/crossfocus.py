"""One leader, at most three focus areas in all: the packet's rule across surveys.

The rule, in the words the packet report uses (its Methods and the focus table say it):

1. **Candidates** are each survey's own focus areas for the unit (``focus.py``'s rule, at most
   ``max_focus`` per survey), statements shown only.
2. A candidate that is a real problem — below the district or fallen significantly (``basis``
   ``below``) — comes before one that is only among the lowest-rated of its survey (``fallback``
   or the ``lowest`` rule).
3. Real problems are ranked by **weighted points**: (points below the district + points lost in a
   significant fall) × (the statement's importance × the number of statements its survey ranks
   for importance). Importance is a share of r² with the survey's own outcome, summing to 1 over
   that survey's statements; multiplying by their number makes 1 "as important as an average
   statement of its survey", so a survey with more statements does not lose for that alone.
   Within one survey this is the survey's own order, so the winners are always among the
   per-survey candidates.
4. Ties, and the candidates of (2)'s second tier: more points, then lower % favorable, then the
   order of the surveys in the params file, then the survey's own rank.

The first ``max_focus`` (≤ 3) win (``chosen``). Every candidate keeps its place and ``won``
(why it stands there, in numbers), so the report can say what each winner won over.
"""

from __future__ import annotations

import pandas as pd

TIERS = {"below": 0, "district": 0, "fallback": 1, "lowest": 1}


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def rank_across(
    candidates: pd.DataFrame, *, statements: dict[str, int], max_focus: int = 3
) -> pd.DataFrame:
    """Rank every survey's candidates together; the first ``max_focus`` are ``chosen``.

    ``candidates``: ``survey`` (label), ``order`` (the survey's position in the params), ``rank``
    (within its survey), ``item``, ``pct_favorable``, ``gap``, ``decline``, ``importance``,
    ``basis``, ``reason``; ``statements``: per survey label, how many statements share its
    importance (the outcome excluded). Returns every candidate in packet order with
    ``packet_rank``, ``points``, ``weight``, ``weighted``, ``won`` (words) and ``chosen``.

    >>> c = pd.DataFrame({"survey": ["Service", "Service", "Team"], "order": [0, 0, 1],
    ...     "rank": [1, 2, 1], "item": ["a", "b", "x"], "pct_favorable": [50.0, 60.0, 40.0],
    ...     "gap": [10.0, 4.0, 6.0], "decline": [0.0, 0.0, 0.0],
    ...     "importance": [0.1, 0.3, 0.2], "basis": ["below", "below", "below"],
    ...     "reason": ["r1", "r2", "r3"]})
    >>> top = rank_across(c, statements={"Service": 10, "Team": 5}, max_focus=2)
    >>> top["item"].tolist(), top["weighted"].tolist(), top["chosen"].tolist()
    (['b', 'a', 'x'], [12.0, 10.0, 6.0], [True, True, False])
    >>> top["won"][0]
    '12 weighted points (4 points × importance 3.00 against an average Service statement): 1 of 3 candidates from the surveys'
    """
    if not 1 <= max_focus <= 3:
        raise ValueError(f"max_focus must be 1, 2 or 3 in all, got {max_focus}")
    cols = [*candidates.columns, "tier", "points", "weight", "weighted", "packet_rank", "won"]
    if candidates.empty:
        return pd.DataFrame(columns=[*cols, "chosen"])
    t = candidates.copy()
    t["tier"] = t["basis"].map(TIERS).fillna(1).astype(int)
    t["points"] = (t["gap"].astype(float) + t["decline"].astype(float)).round(6)
    t["weight"] = t["importance"].astype(float) * t["survey"].map(statements).astype(float)
    real = t["tier"] == 0
    t["weighted"] = (t["points"] * t["weight"]).where(real, 0.0).round(1)
    t["shown"] = t["pct_favorable"].astype(float).round()
    t = t.sort_values(
        ["tier", "weighted", "points", "shown", "order", "rank"],
        ascending=[True, False, False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    t["packet_rank"] = range(1, len(t) + 1)
    total = len(t)
    t["won"] = [_won(row, total) for row in t.to_dict("records")]
    t["chosen"] = t["packet_rank"] <= max_focus
    return t.drop(columns="shown")


def _won(row: dict, total: int) -> str:
    """Why a candidate stands where it does, in numbers."""
    of = f"{row['packet_rank']} of {total} candidates from the surveys"
    if row["tier"] == 0:
        return (
            f"{_num(row['weighted'])} weighted points ({_num(row['points'])} points × importance "
            f"{row['weight']:.2f} against an average {row['survey']} statement): {of}"
        )
    return (
        f"not below the district and not fallen; ranked after every statement that is, "
        f"lower % favorable first: {of}"
    )
