"""The words of a department report: strengths and recognition, comments, and methods."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.scoring import describe_scales
from . import locale as locales
from .department import Report, _not_shown, _statement, ranked
from .display import pct, pts, say
from .html import Html, render


def strengths(r: Report) -> Html:
    """Highest items, the biggest meaningful gains, and recognition comments."""
    shown = r.shown_items
    if shown.empty:
        return Html.text(_not_shown(r))
    gains = ranked(shown[shown["change_flag"] == "up"], "change_pct_favorable").head(3)
    recog = (
        r.comments[r.comments["question"].isin(r.instrument.recognition_questions)]
        if not r.comments.empty
        else r.comments
    )
    return render(
        "strengths.html.j2",
        # the same three lead the at-a-glance block, so print leaves them out here
        best=[_statement(b) for b in ranked(shown).head(3).to_dict("records")],
        gains=[
            f"{g['label']} — {pts(g['change_pct_favorable'])} points "
            f"({pct(g['prev_pct_favorable'])} in {r.wave_label(g['prev_wave'])}, "
            f"{pct(g['pct_favorable'])} now)"
            for g in gains.to_dict("records")
        ],
        recognition=[str(t) for t in recog["text"].head(6)] if len(recog) else [],
    )


def comments(r: Report, *, per_question: int = 8) -> Html:
    """Redacted comments grouped by question (recognition comments are under Strengths); each
    comment is shown as the text it is, never as Markdown or HTML."""
    c = r.comments
    if not c.empty:
        c = c[~c["question"].isin(r.instrument.recognition_questions)]
    if c.empty:
        return Html.text(
            f"No comments are shown: fewer than {r.run['comment_min_n']} respondents, "
            "or no comments were given."
        )
    texts = dict(zip(r.instrument.questions["id"], r.instrument.questions["text"], strict=True))
    groups = [
        (texts.get(q, q), [str(t) for t in part["text"].head(per_question)])
        for q, part in c.groupby("question", sort=False)
    ]
    return render("comments.html.j2", groups=groups)


def _focus_rule(r: Report) -> str:
    rule = r.run.get("focus_rule", "gap_x_importance")
    most = r.run["max_focus"]
    if rule == "lowest":
        return (
            f"The {most} lowest-rated statements (the rule this run chose); ties go to the "
            "statement listed first in the survey. The overall rating itself is never a focus area."
        )
    return (
        f"At most {most}. A statement can be a focus area when the {r.unit} is below the district "
        "on it (by the whole numbers shown) or when it fell significantly since the last survey. "
        "Among those, the ones first chosen have the most points below the district plus points "
        "lost in a significant fall, weighted by importance: how closely the statement goes with "
        "the overall rating (its share of the squared correlations with the overall rating "
        f"statement; from the {r.unit}'s own answers when at least 100 people answered, "
        "otherwise from the whole district's). When no statement is below the district and none "
        "fell significantly, the lowest-rated statements are the focus, and the reason says so. "
        "The overall rating statement itself is never a focus area."
    )


def _index_rules(r: Report) -> list[tuple[str, str]]:
    out = []
    for index_id, items in r.instrument.indices.items():
        texts = "; ".join(f"“{r.instrument.item_text(i)}”" for i in items)
        out.append(
            (
                r.instrument.dimension_label(index_id),
                say(
                    "The share of favorable answers over its {n} statements, pooled: {texts}. A "
                    "reverse-worded statement counts as favorable when people disagree with it. "
                    "A person counts toward it when they answered at least one of them.",
                    n=len(items),
                    texts=texts,
                ),
            )
        )
    return out


def _scale_rule(r: Report) -> tuple[str, str]:
    """The scale(s) as Methods states them, and what a reverse-worded statement's share means."""
    title, text = describe_scales(r.instrument, spell=locales.current().spell)
    return title, (
        text
        + say(
            " A reverse-worded statement's favorable share is the share who disagree; it is "
            "labeled “(% who disagree — favorable)”."
        )
    )


def methods(r: Report) -> Html:
    """How every number was made: who counts, scale, rounding, privacy, focus rule, the
    engagement index, tests, benchmarks and sources."""
    sources, others = data_sources(r.run, r.slug)
    return render("methods.html.j2", rules=method_rules(r), sources=sources, others=others)


def method_rules(r: Report) -> list[tuple[str, str]]:
    """The rules of ``methods`` as (title, text) pairs (a packet prints the rules its surveys
    share once)."""
    since = r.wave_label(r.run.get("compare_to")) or "the previous wave"
    rules = [
        (
            "Who counts",
            f"Respondents: people who answered at least one statement about the {r.unit} in "
            f"{r.wave_label()}; the response rate is respondents over people invited. Answered (in a "
            "table): people who answered that statement, or at least one statement of that area.",
        ),
        _scale_rule(r),
        (
            "Rounding",
            "Percentages are shown as whole numbers; every change and every difference from the "
            "district is the difference of the whole numbers shown, so the figures always add up.",
        ),
        (
            "Privacy",
            say(
                "Minimum n = {min_n}: a smaller group shows no figure and no count. "
                "Complementary suppression: where a hidden group could be worked out from what the run "
                "publishes (a total minus the other departments, rater groups or statements), the "
                "next-smallest group is hidden too, so a hidden group may be larger than the minimum; "
                "an area with a hidden statement and the rater groups of a hidden area are hidden with "
                "it, the same way in every file of the run. Comments are shown only for groups of "
                "at least {comment_min_n} respondents, with names, e-mail addresses, phone "
                "numbers and staff ids removed (a recognition answer keeps the name of the person "
                "recognized), shuffled within each question.",
                min_n=r.min_n,
                comment_min_n=r.run["comment_min_n"],
            ),
        ),
        ("Focus areas", _focus_rule(r)),
        *_index_rules(r),
        (
            "Uncertainty",
            "95% Wilson intervals for percentages, t intervals for means. A change since the last "
            "wave is called up or down only when it is significant (two-proportion z-test, "
            "p < 0.05) and at least 5 points; for groups of 5–29 an unflagged change is "
            "'within noise'.",
        ),
        (
            "Comparisons",
            say(
                "District = all respondents of the wave; change = {wave} minus {since}, in points "
                "of % favorable. Waves are in time order: {waves}. The printed version leaves out "
                "what the at-a-glance block repeats (the focus table, the follow-up and the "
                "highest-rated statements) and the statement table, the statement trends and the "
                "secondary breakdown; the report on screen has them all. Report date {date}.",
                wave=r.wave_label(),
                since=since,
                waves=", ".join(map(r.wave_label, r.run["waves"])),
                date=locales.current().date(r.run["date"]),
            ),
        ),
    ]
    if not r.benchmarks.empty:
        basis = r.benchmarks.get("benchmark_basis", pd.Series(["mean"])).iloc[0]
        what = "mean" if basis == "mean" else say("whole-number % favorable")
        rules.append(
            (
                "Benchmarks",
                f"Each statement's {what} is placed among the benchmark's "
                "percentiles by straight-line interpolation between the two nearest; beyond the "
                "benchmark's lowest or highest percentile the report says 'below' or 'above' it.",
            )
        )
    return rules


def data_sources(run: dict, slug: str) -> tuple[list[tuple[str, str]], int]:
    """The files a unit's report comes from, with their sha256: the run's data files and the
    unit's own plan workbook of last round; the other units' workbooks are only counted (the
    run's ``cache/run.json`` lists every file read).

    >>> run = {"params": {"plans": "/p"}, "inputs": [{"path": "/d/a.csv", "sha256": "1"},
    ...        {"path": "/p/hr.xlsx", "sha256": "2"}, {"path": "/p/it.xlsx", "sha256": "3"}]}
    >>> data_sources(run, "it")
    ([('a.csv', '1'), ('it.xlsx', '3')], 1)
    """
    params = run.get("params") or {}
    folders = {Path(params["plans"])} if params.get("plans") else set()
    if params.get("previous_run"):
        folders.add(Path(params["previous_run"]) / "action_plans")
    sources, others = [], 0
    for i in run["inputs"]:
        path = Path(i["path"])
        if path.parent in folders and path.suffix == ".xlsx" and path.stem != slug:
            others += 1
        else:
            sources.append((path.name, i["sha256"]))
    return sources, others
