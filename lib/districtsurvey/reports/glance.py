"""The first screen of a department report: at a glance, the focus areas, the action plan and
the follow-up of last round's focus."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import actions
from . import locale as locales
from .department import (
    FLAG_WORDS,
    Report,
    _change_words,
    _now,
    _outcome,
    _statement,
)
from .display import Table, count, pct, pts, table
from .html import Html, render


def at_a_glance(r: Report) -> Html:
    """The first screen: respondents and response rate, overall score and change, top strengths,
    the focus areas, and how last round's focus items moved."""
    now = _now(r)
    n = now["n"] if now is not None else pd.NA
    rate = now["response_rate"] if now is not None else float("nan")
    page = {
        "department": r.department,
        "survey": f"{r.instrument.title}, {r.wave}",
        "n": count(n, r.min_n),
        "rate": "" if pd.isna(rate) else pct(rate),
    }
    if r.shown_items.empty:
        page["not_shown"] = (
            f"Results are not shown: fewer than {r.min_n} respondents answered, or the results are "
            "hidden so that a smaller group cannot be worked out from them."
        )
        return render("glance.html.j2", **page)
    overall = _outcome(r)
    if overall is not None:
        page["overall"] = {
            "pct": pct(overall["pct_favorable"]),
            "district": pct(overall["district_pct_favorable"]),
            "change": _change_words(overall),
        }
    best = r.shown_items.nlargest(3, "pct_favorable")
    page["strengths"] = [_statement(b) for b in best.to_dict("records")]
    focus = r.focus.merge(r.items[["item", "label"]], on="item")
    page["focus"] = [{**_statement(f), "reason": f["reason"]} for f in focus.to_dict("records")]
    page["max_focus"] = r.run["max_focus"]
    if not r.follow_up.empty:
        page["compare_to"] = r.run.get("compare_to")
        page["follow"] = [_follow_line(r, f) for f in r.follow_up.to_dict("records")]
    return render("glance.html.j2", **page)


def _follow_line(r: Report, f: dict) -> str:
    text = r.instrument.item_text(f["item"]).rstrip(".")
    if f.get("suppressed") is True or pd.isna(f.get("pct_favorable")):
        return (
            f"{text}: not shown this round (too few answers, or hidden to protect a smaller group)"
        )
    moved = FLAG_WORDS.get(f.get("change_flag"), "")
    return (
        f"{text}: {pct(f['prev_pct_favorable'])} → {pct(f['pct_favorable'])} "
        f"({pts(f['change_pct_favorable'])} points{', ' + moved if moved else ''})"
    )


def focus_table(r: Report) -> Table | Html:
    """The focus areas with the reason each was chosen (the run's focus rule)."""
    if r.focus.empty:
        return Html.text(
            "No focus area is chosen: too few answers, or nothing stands below the district."
        )
    f = r.focus.merge(r.items[["item", "label", "district_pct_favorable"]], on="item")
    return table(
        pd.DataFrame(
            {
                "#": f["rank"],
                "Statement": f["label"],
                "% favorable": f["pct_favorable"].map(pct),
                "District": f["district_pct_favorable"].map(pct),
                "Why": f["reason"],
            }
        ),
        caption=f"Chosen by the rule '{r.run.get('focus_rule', 'gap_x_importance')}' (see Methods).",
    )


def action_plan(r: Report) -> Table | Html:
    """The prefilled 90-day plan per focus area (editable copies are written beside the report)."""
    plan = actions.action_plan(
        r.focus, r.instrument, department=r.department, start=dt.date.fromisoformat(r.run["date"])
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


def follow_up(r: Report) -> Html:
    """How last round's focus items moved (carried over automatically from the previous run)."""
    if r.follow_up.empty:
        return Html.text("No earlier focus areas to follow up.")
    return render(
        "list.html.j2",
        lead=f"Focus areas chosen for {r.run.get('compare_to')}:",
        items=[_follow_line(r, f) for f in r.follow_up.to_dict("records")],
    )
