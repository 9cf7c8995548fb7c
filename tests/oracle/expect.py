"""What a report must print, in the report's own words, from the oracle's figures."""

from __future__ import annotations

import math

from oracle.read import Page, number
from oracle.truth import Survey, shown_wave, whole  # noqa: F401  (tests import it from here)

FLAG_WORDS = {
    "up": "up (significant)",
    "down": "down (significant)",
    "no change": "no real change",
    "within noise": "within noise (group too small to tell)",
}


def pct(x: float | None) -> str:
    return "—" if x is None or math.isnan(x) else f"{whole(x)}%"


def pts(n: int) -> str:
    return "0" if n == 0 else f"{n:+d}"


def against(diff: int) -> str:
    if diff == 0:
        return "level with the district"
    return f"{abs(diff)} points {'below' if diff < 0 else 'above'} the district"


def interval(successes: int, n: int) -> str:
    lo, hi = Survey.wilson(successes, n)
    return f"{lo:.0f}–{hi:.0f}%"


def hidden_in(column) -> set:
    """Row labels whose figure the report shows as hidden."""
    return {label for label, v in column.items() if number(v) is None}


def outcome_words(s: Survey) -> str:
    """How the reports name the outcome: its area label ('overall quality'), or 'the overall
    rating' when the area is just 'Overall'."""
    outcome = s.ins["outcome"]
    label = s.area_label(s.items.set_index("id").loc[outcome, "dimension"]).lower()
    return "the overall rating" if label == "overall" else label


def hidden_statements(page: Page, s: Survey, wave: str) -> set[str]:
    """Item ids the report shows as hidden in ``wave`` (the statement trend table)."""
    wave = shown_wave(wave)
    trends = next(
        (t for t in page.tables if t.columns[0] == "Statement" and wave in t.columns), None
    )
    if trends is None:
        return set()
    by_label = {s.label(i): i for i in s.items["id"]}
    return {by_label[row["Statement"]] for _, row in trends.iterrows() if number(row[wave]) is None}


def change_words(s: Survey, now: dict, before: dict, wave: str) -> str:
    """The glance's '51% in Spring 2026, -4 points, no real change'."""
    wave = shown_wave(wave)
    change = whole(now["pct"]) - whole(before["pct"])
    if change == 0:
        return f"{whole(before['pct'])}% in {wave}, no change"
    return f"{whole(before['pct'])}% in {wave}, {pts(change)} points, {FLAG_WORDS[s.flag(now, before)]}"
