"""The focus rule as a report's Methods states it, recomputed by the oracle from raw answers.

Methods (department): a statement can be a focus area when the unit is below the district on it
(by the whole numbers shown) or when it fell significantly since the last survey; among those,
the most points below plus points lost, weighted by importance, first (then the lower % favorable,
then the survey's order). No candidate: the lowest-rated statements. The overall rating statement
is never a focus area; at most ``max_focus``.
District: every statement, ranked by (room to 100% + points lost) x importance.
"""

from __future__ import annotations

import math

from oracle.truth import Survey, relation, shown_wave, whole


def _points(n: int) -> str:
    return f"{n} point{'' if n == 1 else 's'}"


def focus(s: Survey, unit: str | None, wave: str, prev: str | None, **kw) -> list[tuple[str, str]]:
    """[(item, reason)] in rank order for ``unit`` (None: the district) in ``wave``; see
    ``focus_rows`` for the keywords."""
    words = kw["outcome_words"]
    return [
        (row["item"], reason(row, prev, words)) for row in focus_rows(s, unit, wave, prev, **kw)
    ]


def focus_rows(
    s: Survey,
    unit: str | None,
    wave: str,
    prev: str | None,
    *,
    hidden: set[str],
    hidden_before: set[str] = frozenset(),
    outcome_words: str,
    max_focus: int = 3,
) -> list[dict]:
    """The chosen rows (item, shown, gap, decline, r, importance, priority, basis) in rank order
    for ``unit`` (None: the district) in ``wave``; ``hidden`` and ``hidden_before`` are the
    statements the report shows as hidden in ``wave`` and ``prev`` (a hidden figure has no
    change)."""
    imp = s.importance(unit, wave)
    rows = []
    for pos, item in enumerate(s.items["id"]):
        if item == s.ins["outcome"] or item in hidden:
            continue
        now = s.item(unit, wave, item)
        if now["n"] == 0:
            continue
        shown = whole(now["pct"])
        gap = 0
        if unit is not None:
            gap = max(whole(s.item(None, wave, item)["pct"]) - shown, 0)
        decline = 0
        if prev is not None and item not in hidden_before:
            before = s.item(unit, prev, item)
            if before["n"] and s.flag(now, before) == "down":
                decline = whole(before["pct"]) - shown
        r, importance = imp.get(item, (math.nan, 0.0))
        rows.append(
            {"item": item, "pos": pos, "shown": shown, "gap": gap, "decline": decline, "r": r,
             "importance": importance}
        )  # fmt: skip
    if unit is None:
        for row in rows:
            row["priority"], row["basis"] = (
                (100 - row["shown"] + row["decline"]) * row["importance"],
                "district",
            )
    else:
        candidates = [row for row in rows if row["gap"] >= 1 or row["decline"] > 0]
        for row in candidates:
            row["priority"], row["basis"] = (
                (row["gap"] + row["decline"]) * row["importance"],
                "below",
            )
        if not candidates:
            for row in rows:
                row["priority"], row["basis"] = 100 - row["shown"], "fallback"
            candidates = rows
        rows = candidates
    rows.sort(key=lambda row: (-row["priority"], row["shown"], row["pos"]))
    return rows[:max_focus]


def reason(row: dict, prev: str | None, outcome_words: str) -> str:
    """The reason the report must print, from the same figures."""
    if row["basis"] == "fallback":
        text = (
            "among the lowest-rated here: level with or above the district on every statement, "
            "none fell significantly"
        )
    else:
        why = (
            [f"{_points(100 - row['shown'])} of room to improve"]
            if row["basis"] == "district"
            else []
        )
        if row["gap"] >= 1:
            why.append(f"{_points(row['gap'])} below the district")
        if row["decline"] > 0:
            why.append(
                f"down {_points(row['decline'])} since {shown_wave(prev)} (a significant fall)"
            )
        text = " and ".join(why[:2]) + "".join(f", {w}" for w in why[2:])
    return f"{text}; {relation(row['r'])} {outcome_words}"
