"""The first screen of the district summary, for a superintendent: how are we doing, who needs
help, who excels, what moved, did last round's focus move, and who was heard.

Every figure comes from the run cache's report-safe tables (``district.load_district``); a hidden
figure is left out, never worked around. Changes are the difference of the displayed figures.
"""

from __future__ import annotations

import re

import pandas as pd

from ..contracts.labels import REVERSED, statement_label
from .department import FLAG_WORDS
from .display import count, pct, say, table
from .district import (
    DISTRICT,
    EXCELLENCE,
    SUPPORT,
    District,
    change,
    district_value,
    points,
    ranking_table,
    signed,
)
from .html import Html, render
from .locale import name_waves, run_title

SHOW = 5  # departments listed per group on the first screen (the ranking below has them all)
MOVERS = 3  # biggest significant rises and falls shown
LOW_RATES = 8  # lowest response rates named on the first screen


def at_a_glance(d: District, *, part: str = "", heading: str = "") -> Html:
    """The whole first screen as one block (a grid of short answers on a wide screen).

    In a packet's summary each survey gets one (``part``: its label, e.g. "Service";
    ``heading`` its title there): one heading level down, ids of its own, and its "ranking" and
    "all response rates" links to the headings ``<part> ranking`` and ``<part> response rates``.
    """
    head = _head(d)
    if heading:
        head["title"] = heading
    anchors = {"ranking": "Ranking", "rates": "Response-rates"}
    if part:
        anchors = {k: f"{part}-{v.lower()}" for k, v in anchors.items()}
    return render(
        "overview.html.j2",
        part=part,
        anchors=anchors,
        head=head,
        unit=d.units[0],
        units=d.units[1],
        areas=district_scores(d),
        support=_verdict_group(d, SUPPORT),
        excellence=_verdict_group(d, EXCELLENCE),
        why=verdict_rule(d),
        movers=_movers(d),
        follow=_follow(d),
        rates=_rates(d),
    )


def _head(d: District) -> dict:
    total = d.respondents[d.respondents["department"] == DISTRICT]
    n = total["n"].iloc[0] if len(total) else pd.NA
    rate = total["response_rate"].iloc[0] if len(total) else float("nan")
    prev = d.run.get("compare_to")
    facts = [
        d.wave() + (f", compared with {d.wave(prev)}" if prev else ""),
        d.units[2],
        f"{count(n, d.min_n)} respondents",
        *([] if pd.isna(rate) else [f"response rate {pct(rate)}"]),
        f"report date {d.locale.date(d.run['date'])}",
    ]
    overall = d.district[d.district["dimension"] == d.outcome_dimension]
    line = ""
    if len(overall):
        o = overall.iloc[0]
        line = f"District {d.outcome_label.lower()}: {pct(o['pct_favorable'])} " + say("favorable")
        moved = change(o["pct_favorable"], o["prev_pct_favorable"])
        if not pd.isna(moved):
            flag = FLAG_WORDS.get(o["change_flag"], "")
            line += f", {points(moved)} since {d.wave(o['prev_wave'])}" + (
                f" — {flag}" if flag else ""
            )
    return {"title": run_title(d.run, d.locale), "facts": facts, "overall": line}


def district_scores(d: District):
    """The district's % favorable per area, its change since the last wave (with whether it is a
    real change) and its trend over every wave."""
    areas = [a for a in d.instrument.dimensions["id"] if a in set(d.history["dimension"])]
    waves = [w for w in d.run["waves"] if w in set(d.history["wave"])]
    h = d.history.set_index(["dimension", "wave"])
    rows = []
    for area in areas:
        now = h.loc[(area, d.run["wave"])] if (area, d.run["wave"]) in h.index else None
        if now is None:
            continue
        moved = change(now["pct_favorable"], now["prev_pct_favorable"])
        flag = FLAG_WORDS.get(now["change_flag"], "")
        rows.append(
            {
                "Area": d.instrument.dimension_label(area),
                say("% favorable"): pct(now["pct_favorable"]),
                "Change": "—" if pd.isna(moved) else signed(moved) + (f", {flag}" if flag else ""),
                "Trend": " → ".join(
                    pct(h.loc[(area, w), "pct_favorable"]) if (area, w) in h.index else "—"
                    for w in waves
                ),
            }
        )
    prev = d.run.get("compare_to")
    return table(
        pd.DataFrame(rows, columns=["Area", say("% favorable"), "Change", "Trend"]),
        caption=(f"Change: points since {d.wave(prev)}. " if prev else "")
        + "Trend: "
        + ", ".join(d.wave(w) for w in waves)
        + ". A change is real only when it is significant (p < 0.05) and at least 5 points.",
        label="District score per area",
    )


def _verdict_group(d: District, verdict: str) -> dict:
    t = ranking_table(d)
    group = t[t["verdict"] == verdict]
    group = group.sort_values("pct_favorable", ascending=verdict == SUPPORT)
    dims = d.dimensions[
        (d.dimensions["kind"] == "dimension") & d.dimensions["pct_favorable"].notna()
    ]
    rows = []
    for row in group.head(SHOW).to_dict("records"):
        own = dims[dims["department"] == row["department"]]
        pick = (
            own.nsmallest(1, "pct_favorable")
            if verdict == SUPPORT
            else own.nlargest(1, "pct_favorable")
        )
        area = (
            f"; {'lowest' if verdict == SUPPORT else 'highest'}: "
            f"{d.instrument.dimension_label(pick.iloc[0]['dimension'])} "
            f"{pct(pick.iloc[0]['pct_favorable'])}"
            if len(pick)
            else ""
        )
        rows.append(
            {
                "name": row["department"],
                "href": d.report(row["department"]),
                "pct": pct(row["pct_favorable"]),
                "why": f"interval {row['fav_low']:.0f}–{row['fav_high']:.0f}%{area}",
            }
        )
    return {
        "rows": rows,
        "total": len(group),
        "more": max(0, len(group) - SHOW),
        "district": pct(district_value(d)),
    }


def verdict_rule(d: District) -> str:
    """Why a department is "about the district" rather than "needs support", with an example
    from this run when one shows it (a lower score that is still about the district)."""
    t = ranking_table(d)
    ref = district_value(d)
    about = t[t["verdict"] == "about the district"]
    support = t[t["verdict"] == SUPPORT]
    text = (
        f"A {d.units[0]} is labeled only when its whole 95% interval on "
        f"'{d.outcome_label}' lies above or below the district's {pct(ref)}; the other "
        f"{len(about)} are about the district: their interval includes {pct(ref)}, so the "
        "survey cannot tell them apart from it. Few answers make a wide interval."
    )
    if len(about) and len(support):
        a = about.nsmallest(1, "pct_favorable").iloc[0]
        s = support.nlargest(1, "pct_favorable").iloc[0]
        if round(a["pct_favorable"]) <= round(s["pct_favorable"]):
            text += (
                f" So {a['department']} ({pct(a['pct_favorable'])}, {count(a['n'], d.min_n)} "
                f"answered, interval {a['fav_low']:.0f}–{a['fav_high']:.0f}%) is about the "
                f"district while {s['department']} ({pct(s['pct_favorable'])}, "
                f"{count(s['n'], d.min_n)} answered, interval {s['fav_low']:.0f}–"
                f"{s['fav_high']:.0f}%) needs support."
            )
    return text


def _movers(d: District) -> dict:
    """The biggest significant changes of a department's area since the last wave."""
    t = d.dimensions[
        (d.dimensions["kind"] == "dimension") & d.dimensions["change_flag"].isin(["up", "down"])
    ].copy()
    t["shown_change"] = [
        change(a, b) for a, b in zip(t["pct_favorable"], t["prev_pct_favorable"], strict=True)
    ]
    t = t[t["shown_change"].notna()]

    def line(r: dict) -> dict:
        return {
            "name": r["department"],
            "href": d.report(r["department"]),
            "text": f"{d.instrument.dimension_label(r['dimension'])}: "
            f"{pct(r['prev_pct_favorable'])} → {pct(r['pct_favorable'])} "
            f"({points(r['shown_change'])})",
        }

    down = t[t["change_flag"] == "down"].nsmallest(MOVERS, "shown_change")
    up = t[t["change_flag"] == "up"].nlargest(MOVERS, "shown_change")
    prev = d.run.get("compare_to")
    return {
        "since": d.wave(prev) if prev else "",
        "down": [line(r) for r in down.to_dict("records")],
        "up": [line(r) for r in up.to_dict("records")],
        "n_down": int((t["change_flag"] == "down").sum()),
        "n_up": int((t["change_flag"] == "up").sum()),
    }


_DISTRICT_WORDS = [  # a statement worded for one department, said of every department
    (r"\bthis department\b", "a department", re.I),
    (r"\bI am\b", "they are", 0),
    (r"\bI\b", "they", 0),
    (r"\bmyself\b", "themselves", re.I),
    (r"\bme\b", "them", re.I),
    (r"\bmy\b", "their", re.I),
]


def district_statement(text: str) -> str:
    """An item worded for one department ("This department …"), said at district level; an item
    about the respondent's own workplace is kept as it is.

    >>> district_statement("This department responds to my requests within a reasonable time.")
    'A department responds to their requests within a reasonable time'
    >>> district_statement("My supervisor cares about me as a person.")
    'My supervisor cares about me as a person'
    """
    out = str(text).strip().rstrip(".")
    if not re.search(r"\bthis department\b", out, re.I):
        return out
    for pattern, repl, flags in _DISTRICT_WORDS:
        out = re.sub(pattern, repl, out, flags=flags)
    return out[:1].upper() + out[1:]


def district_label(d: District, item: str) -> str:
    """A statement said at district level, a reverse-worded one still ending in
    "(% who disagree — favorable)"."""
    label = statement_label(d.instrument, item)
    if label.endswith(REVERSED):
        return district_statement(label[: -len(REVERSED)]) + " " + d.locale.spell(REVERSED)
    return district_statement(label)


def _follow(d: District) -> dict:
    """How last round's system-wide focus statements moved (district level)."""
    prev = d.run.get("compare_to")
    lines = []
    for f in d.follow_up.sort_values("rank").to_dict("records"):
        text = district_label(d, f["item"])
        if f.get("suppressed") is True or pd.isna(f.get("pct_favorable")):
            lines.append(f"{text}: not shown this round")
            continue
        moved = change(f["pct_favorable"], f["prev_pct_favorable"])
        flag = FLAG_WORDS.get(f.get("change_flag"), "")
        lines.append(
            f"{text}: {pct(f['prev_pct_favorable'])} → {pct(f['pct_favorable'])} "
            f"({points(moved)}{', ' + flag if flag else ''})"
        )
    return {"since": d.wave(prev) if prev else "", "lines": lines}


def _rates(d: District) -> dict:
    """The district's response rate and the departments below the low-rate line, lowest first."""
    r = d.respondents
    total = r[r["department"] == DISTRICT]
    rate = total["response_rate"].iloc[0] if len(total) else float("nan")
    deps = r[(r["department"] != DISTRICT) & r["response_rate"].notna()]
    low = deps[deps["response_rate"].round() < d.low_rate]  # as displayed
    low = low.sort_values(["response_rate", "department"])
    return {
        "district": "" if pd.isna(rate) else pct(rate),
        "line": pct(d.low_rate),
        "known": len(deps),
        "n_low": len(low),
        "more": max(0, len(low) - LOW_RATES),
        "low": [
            {
                "name": x["department"],
                "href": d.report(x["department"]),
                "pct": pct(x["response_rate"]),
            }
            for x in low.head(LOW_RATES).to_dict("records")
        ],
    }


def district_focus(d: District) -> Html:
    """This round's system-wide focus areas (at most three), worded at district level."""
    if d.focus.empty:
        return Html.text("No system-wide focus area stands out.")
    return render(
        "numbered.html.j2",
        items=[
            f"{district_label(d, f['item'])} — {pct(f['pct_favorable'])}; "
            + name_waves(f["reason"], d.run["waves"], d.locale)
            for f in d.focus.sort_values("rank").to_dict("records")
        ],
    )
