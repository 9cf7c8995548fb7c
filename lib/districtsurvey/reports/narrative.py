"""The words of a department report: strengths and recognition, comments, and methods."""

from __future__ import annotations

from pathlib import Path

from . import locale as locales
from .department import Report, _not_shown, _statement
from .display import pts
from .html import Html, render


def strengths(r: Report) -> Html:
    """Highest items, the biggest meaningful gains, and recognition comments."""
    shown = r.shown_items
    if shown.empty:
        return Html.text(_not_shown(r))
    gains = shown[shown["change_flag"] == "up"].nlargest(3, "change_pct_favorable")
    recog = (
        r.comments[r.comments["question"].isin(r.instrument.recognition_questions)]
        if not r.comments.empty
        else r.comments
    )
    return render(
        "strengths.html.j2",
        # the same three lead the at-a-glance block, so print leaves them out here
        best=[_statement(b) for b in shown.nlargest(3, "pct_favorable").to_dict("records")],
        gains=[
            f"{g['label']} — {pts(g['change_pct_favorable'])} points"
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


def methods(r: Report) -> Html:
    """How every number was made: scale, favorable, N/A, privacy rules, focus rule, tests, sources."""
    s = r.instrument.scale
    label = ", ".join
    rules = [
        (
            "Scale",
            f"{s.points}-point agreement scale ({s.labels[0]} = 1 … {s.labels[-1]} = {s.points}). "
            f"Favorable = {label(s.labels[v - 1] for v in s.favorable)}; neutral = "
            f"{label(s.labels[v - 1] for v in s.neutral) or 'none'}; unfavorable = "
            f"{label(s.labels[v - 1] for v in s.unfavorable)}. Percentages are over answered items; "
            "reverse-worded statements are flipped before scoring. "
            f"N/A ({label(s.na_labels) or 'none'}) and blanks are not scores.",
        ),
        (
            "Privacy",
            f"Minimum n = {r.min_n}: a smaller group shows no figure and no count. "
            "Complementary suppression: where a hidden group could be worked out from what the run "
            "publishes (a total minus the other departments, rater groups or statements), the "
            "next-smallest group is hidden too, so a hidden group may be larger than the minimum; "
            "an area with a hidden statement and the rater groups of a hidden area are hidden with "
            "it, the same way in every file of the run. Comments are shown only for groups of at "
            f"least {r.run['comment_min_n']} respondents, with names, e-mail addresses, phone "
            "numbers and staff ids removed (a recognition answer keeps the name of the person "
            "recognized), shuffled within each question.",
        ),
        (
            "Focus areas",
            f"Rule '{r.run.get('focus_rule', 'gap_x_importance')}': priority = (points below "
            "the district + a tenth of the room left to 100%) × importance, where importance is the "
            "item's share of r² with the overall outcome item (Pearson correlation; the department's "
            "own answers when it has at least 100 respondents, otherwise the district's). At most "
            f"{r.run['max_focus']} areas. The outcome item itself is never a focus area.",
        ),
        (
            "Uncertainty",
            "95% Wilson intervals for percentages, t intervals for means. A change since the last "
            "wave is called up or down only when it is significant (two-proportion z-test, "
            "p < 0.05) and at least 5 points; for groups of 5–29 an unflagged change is "
            "'within noise'.",
        ),
        (
            "Comparisons",
            f"District = all respondents of the wave; change = {r.wave} minus "
            f"{r.run.get('compare_to') or 'the previous wave'}, in points of % favorable. The "
            "printed version leaves out what the at-a-glance block repeats (the focus table, the "
            "follow-up and the highest-rated statements) and the statement table, the statement "
            "trends and the secondary breakdown; the report on screen has them all. Report date "
            f"{locales.current().date(r.run['date'])}.",
        ),
    ]
    sources = [(Path(i["path"]).name, i["sha256"]) for i in r.run["inputs"]]
    return render("methods.html.j2", rules=rules, sources=sources)
