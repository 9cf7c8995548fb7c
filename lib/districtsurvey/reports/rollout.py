"""The one-page team roll-out summary: what we heard, what we will do, when we will check.

A leader prints it for a staff meeting. It reads only the run cache (report-safe tables), shows
no figure the full report would suppress, and is plain HTML: no script, no network, print CSS.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from ..analysis import stats
from ..contracts.instrument import Instrument
from ..contracts.tactics import discussion_questions
from ..privacy.suppress import not_shown_reason
from . import locale as locales
from .html import environment
from .records import records

# Item wording turned into a clause about the people who answered. A service survey
# ("this department ...") is answered by the people the department serves; any other instrument
# by the team itself (engagement).
_SERVED = [
    (r"\bthis department\b", "our department", re.I),
    (r"\bI am\b", "they are", 0),
    (r"\bI\b", "they", 0),
    (r"\bmyself\b", "themselves", re.I),
    (r"\bme\b", "them", re.I),
    (r"\bmy\b", "their", re.I),
]
_TEAM = [
    (r"\bI am\b", "we are", 0),
    (r"\bI\b", "we", 0),
    (r"\bmyself\b", "ourselves", re.I),
    (r"\bme\b", "us", re.I),
    (r"\bmy\b", "our", re.I),
]


def serves_others(instrument: Instrument) -> bool:
    """True when respondents rate a department they used (support services), not their own team."""
    return bool(instrument.items["text"].str.contains("this department", case=False).any())


def plain_clause(text: str, *, served: bool) -> str:
    """An item's statement as a clause about the respondents, for "N% agree that ...".

    >>> plain_clause("Staff in this department treat me with courtesy and respect.", served=True)
    'staff in our department treat them with courtesy and respect'
    >>> plain_clause("My supervisor gives me useful feedback on my work.", served=False)
    'our supervisor gives us useful feedback on our work'
    """
    out = text.strip().rstrip(".")
    for pattern, repl, flags in _SERVED if served else _TEAM:
        out = re.sub(pattern, repl, out, flags=flags)
    return out[:1].lower() + out[1:]


def plain_result(pct: float, text: str, *, served: bool, reverse: bool = False) -> str:
    """One result in plain words. Favorable on a reverse-worded item means disagreeing with it.

    >>> plain_result(83.4, "Staff in this department treat me with respect.", served=True)
    '83% of the people we serve agree that staff in our department treat them with respect'
    >>> plain_result(70, "My workload is unreasonable.", served=False, reverse=True)
    '70% of us disagree that our workload is unreasonable'
    """
    who = "of the people we serve" if served else "of us"
    verb = "disagree" if reverse else "agree"
    return f"{pct:.0f}% {who} {verb} that {plain_clause(text, served=served)}"


def long_date(value: str | dt.date, locale: str = locales.DEFAULT) -> str:
    """``2027-02-20`` -> ``February 20, 2027`` (``20 February 2027`` with ``locale="en-GB"``).

    >>> long_date("2027-02-20"), long_date("2027-02-20", "en-GB")
    ('February 20, 2027', '20 February 2027')
    """
    return locales.load_locale(locale).date(value)


@dataclass
class Rollout:
    """Everything the roll-out page shows for one department (already plain words)."""

    department: str
    title: str
    wave: str
    date: str
    shown: bool
    served: bool = True  # respondents are the people the department serves (else the team)
    not_shown_reason: str = ""
    respondents: str = ""
    strengths: list[str] = field(default_factory=list)
    focus: list[dict] = field(default_factory=list)  # area, text, reason
    # area, statement, goal, tactics, indicator, owner
    plan: list[dict] = field(default_factory=list)
    check: str = ""
    check_detail: str = ""
    did: list[dict] = field(default_factory=list)  # last round: statement, said, did, notes
    did_wave: str = ""
    shout_outs: list[str] = field(default_factory=list)  # recognition comments (report-safe)
    locale: str = locales.DEFAULT  # dates and spelling (the run's ``locale``)
    dense: bool = False  # two surveys on one sheet: printed a size smaller, to stay on one page


def build_rollout(
    run: dict,
    instrument: Instrument,
    *,
    department: str,
    items: pd.DataFrame,
    focus: pd.DataFrame,
    respondents: pd.DataFrame,
    plan: pd.DataFrame,
    plans: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
) -> Rollout:
    """The roll-out content of one department from its report-safe slice of the current wave.

    ``items``, ``focus``, ``respondents`` are that department's rows for the run's wave; ``plan``
    comes from ``actions.action_plan`` over the same focus rows. Suppressed rows are dropped
    before anything is worded; a department with no item shown gets a page without figures.
    ``plans``: last round's plans read back (what we said, what we did: no survey figure);
    ``comments``: the department's report-safe comments of this wave (comment_min_n and
    redaction already applied), whose recognition answers become shout-outs.
    """
    served = serves_others(instrument)
    loc = locales.for_run(run)
    meta = instrument.items.set_index("id")
    hidden = items["suppressed"].fillna(True).astype(bool) | items["pct_favorable"].isna()
    shown_items = items[~hidden]
    resp = respondents[~respondents["suppressed"].fillna(True).astype(bool)]
    page = Rollout(
        department=department,
        title=locales.run_title(run, loc),
        wave=_wave_unless_named(run, loc),
        date=loc.date(run["date"]),
        shown=not shown_items.empty,
        served=served,
        locale=loc.id,
    )
    page.check, page.check_detail = _when(run, plan)
    page.did, page.did_wave = _did(plans, loc, run)
    if not page.shown:  # the same words whichever rule hid it (never "fewer than 5 answered")
        page.not_shown_reason = not_shown_reason(int(run["min_n"]))
        return page
    if len(resp):
        row = resp.iloc[0]
        rate = row.get("response_rate")
        page.respondents = f"{int(row['n']):,} people answered" + (
            "" if pd.isna(rate) else f" ({rate:.0f}% of those invited)"
        )
    focus = focus[focus["item"].isin(shown_items["item"])].sort_values("rank")
    best = stats.strengths(shown_items[~shown_items["item"].isin(focus["item"])], top=3)
    page.strengths = [
        plain_result(
            r["pct_favorable"],
            meta.loc[r["item"], "text"],
            served=served,
            reverse=bool(meta.loc[r["item"], "reverse"]),
        )
        for r in records(best)
    ]
    page.focus = [
        {
            "area": instrument.dimension_label(meta.loc[r["item"], "dimension"]),
            "text": plain_result(
                r["pct_favorable"],
                meta.loc[r["item"], "text"],
                served=served,
                reverse=bool(meta.loc[r["item"], "reverse"]),
            ),
            "reason": locales.name_waves(str(r["reason"]), run["waves"], loc),
        }
        for r in records(focus)
    ]
    plain = dict(zip(focus["rank"], focus["item"], strict=True))  # the plan's rows by rank
    rows = records(plan)
    page.plan = [
        {
            "area": r["area"],
            "statement": plain_clause(
                meta.loc[plain[r["rank"]], "text"] if r["rank"] in plain else r["statement"],
                served=served,
            ),
            "goal": loc.spell(short_goal(r)),  # numbers only put in: our words
            "tactics": r["tactics"],
            "indicator": r["leading_indicator"],
            "owner": r["owner"],
        }
        for r in rows
    ]
    asked = set()  # three questions per focus area, under its first plan row
    for row, r in zip(page.plan, rows, strict=True):
        area = meta.loc[plain[r["rank"]], "dimension"] if r["rank"] in plain else ""
        row["questions"] = (
            [] if area in asked else [loc.spell(q) for q in discussion_questions(area)]
        )  # the project's own questions (data/tactics/discussion.yml): our words
        asked.add(area)
    if comments is not None and len(comments):
        recog = comments[comments["question"].isin(instrument.recognition_questions)]
        page.shout_outs = [str(t) for t in recog["text"].head(2)]
    return page


def short_goal(p: dict) -> str:
    """A plan row's goal in one short line for the roll-out page (the plan has the long one).

    >>> short_goal({"goal_kind": "share", "n": 58, "favorable_now": 13, "favorable_target": 23})
    'from 22% to 40% favorable (about 10 more of the 58 who answered)'
    >>> short_goal({"goal_kind": "count", "n": 7, "favorable_now": 3, "favorable_target": 7})
    '4 more of the 7 who answered favorable (a count goal: a group this small moves in people)'
    """
    n, now, target = int(p["n"]), int(p["favorable_now"]), int(p["favorable_target"])
    more = target - now
    if p["goal_kind"] == "share":
        return (
            f"from {100 * now / n:.0f}% to {100 * target / n:.0f}% favorable "
            f"(about {more} more of the {n} who answered)"
        )
    if more == 0:
        return f"keep all {n} who answered favorable"
    return (
        f"{more} more of the {n} who answered favorable "
        "(a count goal: a group this small moves in people)"
    )


def _did(plans, loc, run: dict) -> tuple[list[dict], str]:
    """Last time we said / here is what we did, from last round's read-back plans."""
    if plans is None or plans.empty:
        return [], ""
    out = []
    for p in records(plans.sort_values("rank")):
        done = p.get("pct_complete")
        did = p["status"] + ("" if pd.isna(done) else f", {done:.0f}% complete")
        out.append(
            {
                "said": p["tactics"] or "(no tactic written)",
                "did": did,
                "notes": p.get("notes") or "",
            }
        )
    return out, loc.wave(run.get("compare_to") or "")


def _wave_unless_named(run: dict, loc: locales.Locale) -> str:
    """The wave for the page's header ("Fall 2026"), or "" when the title already names it."""
    title = locales.run_title(run, loc).lower()
    label = loc.wave(run["wave"])
    return "" if run["wave"].lower() in title or label.lower() in title else label


def _when(run: dict, plan: pd.DataFrame) -> tuple[str, str]:
    """The next survey when the run names one, else the plan's 90-day check date."""
    loc = locales.for_run(run).id
    check_date = plan["check_date"].iloc[0] if len(plan) else None
    if check_date is None:
        start = dt.date.fromisoformat(run["date"])
        check_date = (start + dt.timedelta(days=90)).isoformat()
    ninety = (
        f"We will look at our progress measures on {long_date(check_date, loc)}, 90 days after "
        "this summary."
    )
    if run.get("next_survey"):
        return f"At the next survey: {run['next_survey']}.", ninety
    return f"On {long_date(check_date, loc)}, 90 days after this summary.", (
        "We will look at our progress measures then, and at the next survey see whether the "
        "results have moved."
    )


def render_rollout(page: Rollout) -> str:
    """The page as a self-contained HTML document (inline CSS, no script)."""
    return environment("rollout", page.locale).get_template("rollout.html.j2").render(page=page)
