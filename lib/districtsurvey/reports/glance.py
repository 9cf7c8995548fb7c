"""The first screen of a department report: at a glance, the focus areas, the action plan and
the follow-up of last round's focus."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import actions
from . import locale as locales
from .department import (
    Report,
    _change_words,
    _not_shown,
    _now,
    _outcome,
    _statement,
    ranked,
)
from .display import Table, count, not_shown_reason, pct, say, table
from .followup import moved_words
from .html import Html, render
from .records import records


def _headline(row: pd.Series, label: str) -> dict:
    return {
        "label": label,
        "pct": pct(row["pct_favorable"]),
        "district": pct(row["district_pct_favorable"]),
        "change": _change_words(row),
    }


def _indices(r: Report) -> list[dict]:
    """The instrument's indices (the engagement index) as headlines, when shown."""
    d = r.dimensions
    shown = d[(d["kind"] == "index") & ~d["suppressed"].fillna(True).astype(bool)]
    return [_headline(row, row["label"]) for _, row in shown.iterrows()]


def at_a_glance(r: Report) -> Html:
    """The first screen: respondents and response rate, overall score and change (and the
    engagement index), top strengths, the focus areas, and how last round's focus moved."""
    now = _now(r)
    n = now["n"] if now is not None else pd.NA
    rate = now["response_rate"] if now is not None else float("nan")
    invited = now["invited"] if now is not None else float("nan")
    page = {
        "department": r.department,
        "survey": f"{r.instrument.title}, {r.wave_label()}",
        "n": count(n, r.min_n),
        "rate": "" if pd.isna(rate) else pct(rate),
        "invited": "" if pd.isna(rate) or pd.isna(invited) else f"{int(invited):,}",
    }
    if r.shown_items.empty:
        page["not_shown"] = _not_shown(r, "Results are")
        return render("glance.html.j2", **page)
    overall = _outcome(r)
    page["headlines"] = _indices(r)
    if overall is not None:
        label = r.instrument.dimension_label(
            r.instrument.items.set_index("id").loc[r.instrument.outcome, "dimension"]
        )
        page["headlines"].insert(0, _headline(overall, label))
    best = ranked(r.shown_items).head(3)
    page["strengths"] = [_statement(b) for b in records(best)]
    focus = r.focus.merge(r.items[["item", "label"]], on="item")
    page["focus"] = [
        {**_statement(f), "reason": locales.name_waves(f["reason"], r.run["waves"])}
        for f in records(focus)
    ]
    page["max_focus"] = r.run["max_focus"]
    if not r.follow_up.empty:
        page["compare_to"] = r.wave_label(r.run.get("compare_to"))
        page["follow"] = [_follow_line(r, f) for f in records(r.follow_up)]
    return render("glance.html.j2", **page)


def _follow_line(r: Report, f: dict) -> str:
    label = r.item_history.drop_duplicates("item").set_index("item")["label"]
    text = str(label.get(f["item"], r.instrument.item_text(f["item"]))).removesuffix(".")
    return f"{text}: {moved_words(r, f)}"


RULE_WORDS = {
    "below": (
        "Chosen from the statements below the district or down significantly since {since}: "
        "the furthest below the district (or the biggest fall), weighted by how closely each goes "
        "with {outcome}, first. See Methods."
    ),
    "fallback": (
        "No statement is below the district and none fell significantly since {since}, so the "
        "focus is on the lowest-rated statements. See Methods."
    ),
    "lowest": "The lowest-rated statements (this run's rule). See Methods.",
}


def _outcome_words(r: Report) -> str:
    if not r.instrument.outcome:
        return "the overall outcome"
    dim = r.instrument.items.set_index("id").loc[r.instrument.outcome, "dimension"]
    label = r.instrument.dimension_label(dim).lower()
    return "the overall rating" if label == "overall" else label


def focus_table(r: Report) -> Table | Html:
    """The focus areas with the reason each was chosen (the run's focus rule, in words)."""
    if r.focus.empty:
        return Html.text(
            f"No focus area: the statements are not shown ({not_shown_reason(r.min_n)})."
        )
    f = r.focus.merge(r.items[["item", "label", "district_pct_favorable"]], on="item")
    basis = f["basis"].iloc[0] if "basis" in f else "below"
    caption = say(
        RULE_WORDS.get(basis, RULE_WORDS["below"]),
        since=r.wave_label(r.run.get("compare_to")) or "the last survey",
        outcome=_outcome_words(r),
    )
    return table(
        pd.DataFrame(
            {
                "#": f["rank"],
                "Statement": f["label"],
                say("% favorable"): f["pct_favorable"].map(pct),
                "District": f["district_pct_favorable"].map(pct),
                "Why": f["reason"].map(lambda t: locales.name_waves(t, r.run["waves"])),
            }
        ),
        caption=caption,
    )


def action_plan(r: Report) -> Table | Html:
    """The prefilled 90-day plan per focus area (editable copies are written beside the report)."""
    plan = actions.action_plan(
        r.focus,
        r.instrument,
        department=r.department,
        start=dt.date.fromisoformat(r.run["date"]),
        tactics=actions.tactics_file(r.run),
        items=r.items,
        tried=actions.finished(r.plans),
    )
    if plan.empty:
        return Html.text("No action plan: no focus area this round.")
    plan["check_date"] = plan["check_date"].map(locales.current().date)
    return table(
        plan[
            ["rank", "statement", "goal", "tactics", "owner", "leading_indicator", "check_date"]
        ].rename(columns=lambda c: c.replace("_", " ").capitalize()),
        caption="Editable copies:",
        links={
            "Excel": f"../action_plans/{r.slug}.xlsx",
            "CSV": f"../action_plans/{r.slug}.csv",
            "· one-page team roll-out summary": f"../rollout/{r.slug}.html",
        },
    )
