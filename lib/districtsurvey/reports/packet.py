"""What the packet report notebook calls: one department seen by both surveys — how the schools
rate its service, how its own team feels — and at most three focus areas in all.

``load`` reads each survey's report-safe slice (``department.load`` on the survey's own run
folder inside the packet), so every section of a survey is the single-survey section, called as
it is; this module adds only what spans the surveys: the at-a-glance block, the one focus list
(``analysis.crossfocus``'s rule), the one plan, and the rule in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..contracts.paths import OUTPUTS, PARAMS_DIR
from ..prepare.cache import read_run
from . import actions
from . import locale as locales
from .department import Report, _change_words, _not_shown, _now, _outcome, ranked
from .department import load as load_report
from .display import Table, count, pct, say, table
from .glance import _follow_line
from .html import Html, render
from .narrative import data_sources, method_rules
from .rollout import serves_others

HEADINGS = {True: "How the schools rate our service", False: "How our team feels"}
FOCUS_RULE = (
    "At most {max_focus} focus areas in all, chosen across both surveys: each survey's own focus "
    "candidates (statements below the district or down significantly, weighted by how closely "
    "each goes with that survey's outcome) ranked together by weighted points — points below the "
    "district plus points of a significant fall, times the statement's importance against an "
    "average statement of its own survey. A statement below the district or fallen always comes "
    "before one that is only among the lowest-rated. Ties: more points, lower % favorable, the "
    "survey listed first."
)


@dataclass
class Packet:
    """One unit of a packet: its survey reports (in the params' order) and its focus candidates."""

    run: dict
    department: str
    slug: str
    labels: list[str]
    reports: list[Report]
    candidates: pd.DataFrame  # every survey's candidates, ranked across; ``chosen`` marks ≤ 3

    @property
    def focus(self) -> pd.DataFrame:
        return self.candidates[self.candidates["chosen"].astype(bool)]

    @property
    def service(self) -> Report:
        """The report of the survey in which others rate the department (support services)."""
        return next(r for r in self.reports if serves_others(r.instrument))

    @property
    def team(self) -> Report:
        """The report of the survey in which the department's own staff answer (engagement)."""
        return next(r for r in self.reports if not serves_others(r.instrument))

    def heading(self, i: int) -> str:
        """ "How the schools rate our service" / "How our team feels" for survey ``i``."""
        return HEADINGS[serves_others(self.reports[i].instrument)]


def packet_folder(run_dir: str | Path = "") -> Path:
    """The packet run folder; empty means the demo packet (prepared on first use, and again
    when ``outputs/demo`` holds a run of an earlier version: the single-survey demo)."""
    if run_dir:
        return Path(run_dir)
    folder = OUTPUTS / "demo"
    made = (folder / "cache" / "run.json").exists()
    if not made or "surveys" not in read_run(folder):
        from ..contracts.packet import load_any
        from ..prepare.packet import prepare_any

        prepare_any(load_any(PARAMS_DIR / "demo.yml"))
    return folder


def load(run_dir: str | Path = "", department: str = "") -> Packet:
    """One unit of a prepared packet (by slug or name) that both surveys report on."""
    folder = packet_folder(run_dir)
    run = read_run(folder)
    locales.activate(run.get("params", {}).get("locale", locales.DEFAULT))
    both = [d for d in run["departments"] if len(d["surveys"]) > 1]
    department = department or both[0]["slug"]
    unit = next((d for d in both if department in (d["slug"], d["name"])), None)
    if unit is None:
        raise KeyError(f"no packet for '{department}'; known: {', '.join(d['slug'] for d in both)}")
    labels = [s["label"] for s in run["surveys"] if s["label"] in unit["surveys"]]
    folders = {s["label"]: folder / s["run_dir"] for s in run["surveys"]}
    reports = [load_report(folders[label], unit["surveys"][label]) for label in labels]
    focus = pd.read_parquet(folder / "cache" / "packet_focus.parquet")
    focus = focus[focus["department"] == unit["name"]] if len(focus) else focus
    if focus.empty:
        focus = pd.DataFrame(columns=["survey", "item", "packet_rank", "chosen"])
    return Packet(run, unit["name"], unit["slug"], labels, reports, focus.reset_index(drop=True))


def _label_of(r: Report, item: str) -> str:
    return str(r.items.set_index("item")["label"].get(item, r.instrument.item_text(item)))


def _survey_block(p: Packet, i: int) -> dict:
    r = p.reports[i]
    now = _now(r)
    block = {
        "heading": p.heading(i),
        "survey": f"{r.instrument.title}, {r.wave_label()}",  # "Fall 2026"
        "n": count(now["n"] if now is not None else pd.NA, r.min_n),
        "rate": "",
    }
    if now is not None and pd.notna(now.get("response_rate")):
        block["rate"] = pct(now["response_rate"])
    if r.shown_items.empty:
        block["not_shown"] = _not_shown(r, "Results are")
        return block
    heads = []
    overall = _outcome(r)
    if overall is not None:
        dim = r.instrument.items.set_index("id").loc[r.instrument.outcome, "dimension"]
        heads.append((r.instrument.dimension_label(dim), overall))
    d = r.dimensions
    idx = d[(d["kind"] == "index") & ~d["suppressed"].fillna(True).astype(bool)]
    heads += [(row["label"], row) for _, row in idx.iterrows()]
    block["headlines"] = [
        {
            "label": label,
            "pct": pct(row["pct_favorable"]),
            "district": pct(row["district_pct_favorable"]),
            "change": _change_words(row),
        }
        for label, row in heads
    ]
    block["strengths"] = [
        {"label": s["label"], "pct": pct(s["pct_favorable"])}
        for s in ranked(r.shown_items).head(2).to_dict("records")
    ]
    block |= _follow(r)
    return block


def _follow(r: Report) -> dict:
    """Last round's focus of this survey (the packet's rows of it) and how each moved, with its
    plan's status when the plan came back: the follow-up in one line per statement."""
    if r.follow_up.empty:
        return {}
    plans = r.plans.set_index("item") if len(r.plans) else None
    lines = []
    for f in r.follow_up.sort_values("rank").to_dict("records"):
        line = _follow_line(r, f)
        if plans is not None and f["item"] in plans.index:
            p = plans.loc[f["item"]]
            p = p.iloc[0] if isinstance(p, pd.DataFrame) else p
            done = "" if pd.isna(p["pct_complete"]) else f", {p['pct_complete']:.0f}% complete"
            line += f"; plan: {p['status']}{done}"
        lines.append(line)
    return {"compare_to": r.wave_label(r.run.get("compare_to")), "follow": lines}


def _focus_rows(p: Packet) -> list[dict]:
    rows = []
    by_label = dict(zip(p.labels, p.reports, strict=True))
    for f in p.focus.sort_values("packet_rank").to_dict("records"):
        r = by_label[f["survey"]]
        rows.append(
            {
                "rank": int(f["packet_rank"]),
                "survey": f["survey"],
                "label": _label_of(r, f["item"]),
                "pct": pct(f["pct_favorable"]),
                "reason": locales.name_waves(f["reason"], r.run["waves"]),  # "Spring 2026"
                "won": locales.current().spell(
                    locales.name_waves(f["won"], r.run["waves"]), keep=p.labels
                ),
            }
        )
    return rows


def at_a_glance(p: Packet) -> Html:
    """The first screen: per survey its respondents, headline figures and top strengths, then
    the ≤ 3 focus areas chosen across the surveys (which survey each comes from, and why)."""
    return render(
        "packet_glance.html.j2",
        department=p.department,
        title=p.run.get("title", ""),
        blocks=[_survey_block(p, i) for i in range(len(p.reports))],
        focus=_focus_rows(p),
        max_focus=p.run["max_focus"],
    )


def focus_table(p: Packet) -> Table | Html:
    """The ≤ 3 focus areas with the survey each comes from, why its survey chose it, and why it
    won over the other candidates; the candidates left out are named in the caption."""
    rows = _focus_rows(p)
    if not rows:
        return Html.text("No focus area: no statement can be shown in either survey.")
    by_label = dict(zip(p.labels, p.reports, strict=True))
    district = {
        (label, it): v
        for label, r in by_label.items()
        for it, v in zip(r.items["item"], r.items["district_pct_favorable"], strict=True)
    }
    chosen = p.focus.sort_values("packet_rank")
    out = p.candidates[~p.candidates["chosen"].astype(bool)].sort_values("packet_rank")
    left = "; ".join(
        f"{f['survey']}: {_label_of(by_label[f['survey']], f['item'])}"
        + (f" ({f['weighted']:g} weighted points)" if f.get("tier", 0) == 0 else "")
        for f in out.to_dict("records")
    )
    caption = say(FOCUS_RULE, max_focus=p.run["max_focus"]) + (
        f" Left out: {left}." if left else " No other candidate."
    )
    return table(
        pd.DataFrame(
            {
                "#": [r["rank"] for r in rows],
                "Survey": [r["survey"] for r in rows],
                "Statement": [r["label"] for r in rows],
                say("% favorable"): [r["pct"] for r in rows],
                "District": [
                    pct(district.get((f["survey"], f["item"]))) for f in chosen.to_dict("records")
                ],
                "Why its survey chose it": [r["reason"] for r in rows],
                "Why it won": [r["won"] for r in rows],
            }
        ),
        caption=caption,
    )


def packet_plan(p: Packet) -> pd.DataFrame:
    """One prefilled plan for the unit: a row per focus area, in packet order, with ``survey``."""
    frames = []
    focus = p.focus.drop(columns=["rank"], errors="ignore").rename(columns={"packet_rank": "rank"})
    for label, r in zip(p.labels, p.reports, strict=True):
        mine = focus[focus["survey"] == label]
        if mine.empty:
            continue
        plan = actions.action_plan(
            mine[["rank", "item", "pct_favorable"]],
            r.instrument,
            department=p.department,
            start=dt.date.fromisoformat(r.run["date"]),
            tactics=actions.tactics_file(r.run),
            items=r.items,
            tried=actions.finished(r.plans),
        )
        frames.append(plan.assign(survey=label))
    if not frames:
        return pd.DataFrame(columns=[*actions.COLUMNS, "survey"])
    return pd.concat(frames, ignore_index=True).sort_values("rank").reset_index(drop=True)


def action_plan(p: Packet) -> Table | Html:
    """The prefilled 90-day plan, one row per focus area of either survey."""
    plan = packet_plan(p)
    if plan.empty:
        return Html.text("No action plan: no focus area this round.")
    plan["check_date"] = plan["check_date"].map(locales.current().date)
    cols = ["rank", "survey", "statement", "goal", "tactics", "owner", "leading_indicator"]
    return table(
        plan[[*cols, "check_date"]].rename(columns=lambda c: c.replace("_", " ").capitalize()),
        caption="Editable copies:",
        links={
            "Excel": f"../action_plans/{p.slug}.xlsx",
            "CSV": f"../action_plans/{p.slug}.csv",
            "· one-page team roll-out summary": f"../rollout/{p.slug}.html",
        },
    )


def methods(p: Packet) -> Html:
    """The cross-survey focus rule in full, then each survey's own rules and data sources, a rule
    the surveys share (worded the same) given once: the packet prints its Methods once."""
    names = " and ".join(
        f"{label} ({r.instrument.title})" for label, r in zip(p.labels, p.reports, strict=True)
    )
    statements = {s["label"]: s["statements"] for s in p.run["surveys"]}
    weights = ", ".join(f"{label}: {n}" for label, n in statements.items())
    paragraphs = [
        f"This packet reports {p.department} in {names}. Every figure is that survey's own, with"
        f" its own privacy rules (groups under {p.run['min_n']} are not shown); no figure combines"
        " the two surveys.",
        f"Focus areas, at most {p.run['max_focus']} in all. 1. Candidates: each survey's own focus"
        " areas for the department, by that survey's rule (below), statements shown only."
        " 2. A statement below the district or down significantly always comes before one that"
        " is only among the lowest-rated of its survey. 3. Those are ranked by weighted points:"
        " (points below the district + points lost in a significant fall) × the statement's"
        " importance × the number of statements that share its survey's importance"
        f" ({weights}). Importance is the statement's share of r² with its survey's outcome, so"
        " the product is 1 for a statement as important as an average one of its survey, and a"
        " survey with more statements does not lose for that alone. 4. Ties: more points, then"
        + say(" lower % favorable, then the survey listed first, then the survey's own rank."),
        "Each survey's rules follow, a rule the same for both given once. On paper, files are"
        " named without checksums and focus areas without why each won (both are on screen).",
    ]
    parts = [str(render("paragraphs.html.j2", paragraphs=paragraphs))]
    said: set[tuple[str, str]] = set()
    for label, r in zip(p.labels, p.reports, strict=True):
        rules = [rule for rule in method_rules(r) if rule not in said]
        said |= set(rules)
        sources, others = data_sources(r.run, r.slug)
        parts.append(  # on paper the files are named; their sha256 are on screen (and run.json)
            str(render("packet_methods.html.j2", label=label, title=r.instrument.title,
                       rules=rules, sources=sources, others=others))
        )  # fmt: skip
    return Html("".join(parts))
