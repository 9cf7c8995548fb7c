"""The follow-up of last round's focus with the plans that came back: for each focus statement,
what was planned (tactic, owner), its status, the leading indicator's values by month (a small
chart with its data table) and how the statement moved (the report's honest-change rule).
"""

from __future__ import annotations

import pandas as pd

from . import locale as locales
from .department import FLAG_WORDS, Report
from .display import Chart, not_shown_reason, pct, pts
from .html import Html, Markup, render
from .pulse import points as pulse_points
from .pulse import pulse_words, wave_chart
from .records import records


def month_words(month: str) -> str:
    """``2027-01`` -> ``Jan 2027`` (the locale's month names, cut to three letters).

    >>> month_words("2027-01")
    'Jan 2027'
    """
    year, m = month.split("-")
    return f"{locales.current().months[int(m) - 1][:3]} {year}"


def moved_words(r: Report, f: dict) -> str:
    """How one statement moved since last round, in the report's words (honest-change rule)."""
    if f.get("suppressed") is True or pd.isna(f.get("pct_favorable")):
        return f"not shown this round ({not_shown_reason(r.min_n)})"
    if pd.isna(f.get("prev_pct_favorable")):
        return f"{pct(f['pct_favorable'])} (no figure for {r.wave_label(r.run.get('compare_to'))})"
    moved = FLAG_WORDS.get(f.get("change_flag"), "")
    change = pts(f["change_pct_favorable"])
    words = "no change" if change == "0" else f"{change} points" + (f", {moved}" if moved else "")
    return f"{pct(f['prev_pct_favorable'])} → {pct(f['pct_favorable'])} ({words})"


def indicator_chart(values: pd.DataFrame, *, indicator: str, statement: str) -> Chart:
    """The leading indicator's values by month as small bars, with the values as a data table."""
    from .plots import _axes

    values = values.sort_values("month")
    months = [month_words(m) for m in values["month"]]
    ax = _axes(None, 1.5, width=4.2, margins=(0.5, 0.2, 0.15, 0.35))
    ax.bar(range(len(values)), values["value"].astype(float), color="#2c7bb6", width=0.6)
    ax.set_xticks(range(len(values)), months, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    for x, v in enumerate(values["value"].astype(float)):
        ax.annotate(f"{v:g}", (x, v), ha="center", va="bottom", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    data = pd.DataFrame({"Month": months, "Value": [f"{v:g}" for v in values["value"]]})
    alt = f"{indicator}, by month ({statement}): " + ", ".join(
        f"{m} {v}" for m, v in zip(data["Month"], data["Value"], strict=True)
    )
    return Chart.from_axes(ax, alt=alt, data=data)


def _planned(r: Report, item: str) -> dict | None:
    if r.plans.empty:
        return None
    hit = r.plans[r.plans["item"] == item]
    return None if hit.empty else hit.iloc[0].to_dict()


def follow_up(r: Report) -> Html:
    """How last round's focus moved, with what was planned and done when the plans came back."""
    if r.follow_up.empty:
        return Html.text("No earlier focus areas to follow up.")
    label = r.item_history.drop_duplicates("item").set_index("item")["label"]
    rows = []
    for f in records(r.follow_up.sort_values("rank")):
        text = str(label.get(f["item"], r.instrument.item_text(f["item"]))).removesuffix(".")
        row = {"statement": text, "moved": moved_words(r, f), "plan": None, "chart": None}
        between = pulse_points(r, f["item"])  # pulses between the rounds: readings, no verdict
        row["pulses"] = [
            pulse_words(p, min_n=r.min_n) for p in records(between[between["kind"] == "pulse"])
        ]
        row["waves_chart"] = (
            Markup(wave_chart(between, statement=text)._repr_html_()) if len(between) else None
        )
        plan = _planned(r, f["item"])
        if plan is not None:
            done = plan.get("pct_complete")
            row["plan"] = {
                "tactic": plan["tactics"] or "(no tactic written)",
                "owner": plan["owner"] or "(no owner named)",
                "status": plan["status"],
                "complete": "" if pd.isna(done) else f"{done:.0f}% complete",
                "indicator": plan["leading_indicator"],
                "notes": plan.get("notes") or "",
            }
            values = r.plan_indicators[r.plan_indicators["item"] == f["item"]]
            if len(values):
                chart = indicator_chart(values, indicator=plan["leading_indicator"], statement=text)
                row["chart"] = Markup(chart._repr_html_())
        rows.append(row)
    read_back = "plans" in r.run.get("cache", {})
    return render(
        "followup.html.j2",
        lead=f"Focus areas chosen for {r.wave_label(r.run.get('compare_to'))}:",
        rows=rows,
        no_plan=read_back and r.plans.empty,
    )
