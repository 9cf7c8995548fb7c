"""Focus areas: at most three statements to work on, chosen by a rule the report states truly.

Every comparison is made on the whole-number percentages a report shows (``scoring.shown``), so
"12 points below the district" is the difference of the two figures printed beside it.

Rule ``gap_x_importance`` (the default), in the words the report uses:

1. A statement is a candidate when the unit is below the district on it, or when it fell
   significantly since the last survey (``change_flag == "down"``).
2. Candidates are ranked by ``(points below the district + points lost in a significant fall) ×
   importance`` (importance: the statement's share of r² with the overall outcome, see
   ``stats.key_drivers``), then by lower % favorable, then in instrument order.
3. When no statement is a candidate (level with or above the district everywhere, nothing fell),
   the lowest-rated statements are the focus, and the reason says so.

For the district itself (no district to compare with): every statement is a candidate, ranked by
``(room left to 100% + points lost in a significant fall) × importance``.

Rule ``lowest``: the lowest-rated statements (lower % favorable first, then instrument order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .scoring import shown

RULES = ("gap_x_importance", "lowest")


def relation_words(r: float) -> str:
    """Words for |r| after Cohen's (1988) benchmarks: .1 small, .3 medium, .5 large.

    >>> relation_words(0.62), relation_words(-0.35), relation_words(0.05)
    ('strongly related to', 'moderately related to', 'not clearly related to')
    """
    if not np.isfinite(r) or abs(r) < 0.1:
        return "not clearly related to"
    size = "strongly" if abs(r) >= 0.5 else "moderately" if abs(r) >= 0.3 else "weakly"
    return f"{size} related to"


def _points(n: float) -> str:
    return f"{n:.0f} point{'' if n == 1 else 's'}"


def _reportable(items: pd.DataFrame) -> pd.DataFrame:
    keep = items["pct_favorable"].notna()
    if "suppressed" in items.columns:
        keep &= ~items["suppressed"].fillna(False).astype(bool)
    return items[keep]


def _reason(row: pd.Series, outcome_label: str, *, basis: str) -> str:
    why = []
    if row["gap"] >= 1:
        why.append(f"{_points(row['gap'])} below the district")
    if row["decline"] > 0:
        since = f" since {row['prev_wave']}" if pd.notna(row.get("prev_wave")) else ""
        why.append(f"down {_points(row['decline'])}{since} (a significant fall)")
    if basis == "lowest":
        why = ["among the lowest-rated statements here"]
    elif basis == "fallback":
        why = [
            "among the lowest-rated here: level with or above the district on every statement, "
            "none fell significantly"
        ]
    elif basis == "district":
        why.insert(0, f"{_points(100 - row['shown'])} of room to improve")
    text = " and ".join(why[:2]) + "".join(f", {w}" for w in why[2:])
    if basis == "lowest":
        return text
    return f"{text}; {relation_words(row['r'])} {outcome_label}"


def focus_areas(
    items: pd.DataFrame,
    drivers: pd.DataFrame,
    *,
    max_focus: int = 3,
    rule: str = "gap_x_importance",
    outcome_label: str = "overall quality",
    district: bool = False,
) -> pd.DataFrame:
    """Pick at most ``max_focus`` (1-3) statements to work on, with a plain-words reason.

    ``items`` has ``item, pct_favorable, district_pct_favorable`` and optionally ``suppressed``
    (never chosen), ``change_pct_favorable``, ``change_flag``, ``prev_wave``; its row order is the
    instrument order (the last tie-break). ``drivers`` comes from ``stats.key_drivers`` (items
    missing there have importance 0). ``district=True`` ranks the district's own statements (see
    the module docstring for both rules).

    Returns ``item, pct_favorable, gap, decline, importance, priority, basis, reason``; ``basis``
    is ``below`` (a candidate of rule 1), ``fallback`` (rule 3), ``district`` or ``lowest``.

    >>> items = pd.DataFrame({"item": ["a", "b", "c"], "pct_favorable": [60.4, 80.0, 90.0],
    ...                       "district_pct_favorable": [72.0, 75.0, 80.0]})
    >>> drivers = pd.DataFrame({"item": ["a", "b"], "r": [0.6, 0.2], "importance": [0.9, 0.1]})
    >>> top = focus_areas(items, drivers)
    >>> top["item"].tolist(), top["priority"].tolist()
    (['a'], [10.8])
    >>> top["reason"][0]
    '12 points below the district; strongly related to overall quality'
    """
    t = focus_table(
        items.assign(_unit=0),
        drivers.assign(_unit=0),
        unit="_unit",
        max_focus=max_focus,
        rule=rule,
        outcome_label=outcome_label,
        districts={0} if district else set(),
    )
    return t.drop(columns=["_unit", "rank"]).reset_index(drop=True)


def focus_table(
    items: pd.DataFrame,
    drivers: pd.DataFrame,
    *,
    unit: str = "department",
    max_focus: int = 3,
    rule: str = "gap_x_importance",
    outcome_label: str = "overall quality",
    districts: set = frozenset(),
) -> pd.DataFrame:
    """``focus_areas`` for every unit of ``items`` at once (one pass, not one per unit).

    ``items`` and ``drivers`` carry a ``unit`` column; within a unit the row order of ``items``
    is the last tie-break; units in ``districts`` are ranked as the district. Returns ``unit``,
    ``rank`` and the columns of ``focus_areas``, units in sorted order.

    >>> items = pd.DataFrame({"department": ["HR", "HR", "IT"], "item": ["a", "b", "a"],
    ...                       "pct_favorable": [60.0, 80.0, 50.0],
    ...                       "district_pct_favorable": [72.0, 75.0, 72.0]})
    >>> drivers = pd.DataFrame({"department": ["HR", "IT"], "item": ["a", "a"], "r": [0.6, 0.6],
    ...                         "importance": [0.9, 0.9]})
    >>> focus_table(items, drivers)[["department", "rank", "item"]].values.tolist()
    [['HR', 1, 'a'], ['IT', 1, 'a']]
    """
    if not 1 <= max_focus <= 3:
        raise ValueError(f"max_focus must be 1, 2 or 3 (the method says no more), got {max_focus}")
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose one of {sorted(RULES)}")
    t = _reportable(items).reset_index(drop=True)
    t = t.assign(position=np.arange(len(t)))
    d = drivers.reindex(columns=[unit, "item", "r", "importance"])
    d = d.drop_duplicates([unit, "item"]).astype({"item": object, unit: object})
    t = t.merge(d, on=[unit, "item"], how="left", validate="many_to_one").sort_values("position")
    t["importance"] = t["importance"].fillna(0.0)
    t["shown"] = shown(t["pct_favorable"].astype(float))
    reference = t.get("district_pct_favorable", pd.Series(np.nan, index=t.index))
    t["gap"] = (shown(reference.astype(float)) - t["shown"]).clip(lower=0).fillna(0.0)
    change = t.get("change_pct_favorable", pd.Series(np.nan, index=t.index)).astype(float)
    down = t.get("change_flag", pd.Series(None, index=t.index)) == "down"
    t["decline"] = (-change).where(down & change.notna(), 0.0).clip(lower=0)
    if "prev_wave" not in t:
        t["prev_wave"] = None
    district = t[unit].isin(districts).to_numpy()
    if rule == "lowest":
        t["priority"], t["basis"] = 100 - t["shown"], "lowest"
    else:
        below = (t["gap"] + t["decline"]) * t["importance"]
        room = (100 - t["shown"] + t["decline"]) * t["importance"]
        t["priority"] = np.where(district, room, below)
        t["basis"] = np.where(district, "district", "below")
        candidate = (t["gap"] >= 1) | (t["decline"] > 0)
        some = candidate.groupby(t[unit], sort=False).transform("any")
        fallback = ~district & ~some.astype(bool)
        t.loc[fallback, "priority"] = 100 - t.loc[fallback, "shown"]
        t.loc[fallback, "basis"] = "fallback"
        t = t[district | candidate | fallback]
    t = t.sort_values(["priority", "shown", "position"], ascending=[False, True, True])
    t = t.groupby(unit, sort=False).head(max_focus)
    t = t.sort_values(unit, kind="stable").reset_index(drop=True)
    t["rank"] = t.groupby(unit, sort=False).cumcount() + 1
    t["reason"] = [_reason(row, outcome_label, basis=row["basis"]) for row in t.to_dict("records")]
    cols = ["item", "pct_favorable", "gap", "decline", "importance", "priority", "basis", "reason"]
    return t[[unit, "rank", *cols]]
