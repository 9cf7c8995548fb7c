"""What the department report notebook calls: load a prepared run's slice, return display objects.

Every table comes from the run cache, where suppression was already applied; these helpers only
select and format. ``load("", "")`` prepares the demo run first, so Run All works on a fresh clone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from . import actions, plots
from .display import Chart, count, interval, pct, pts, score_columns, table
from .instrument import Instrument, load_instrument

PROJECT = Path(__file__).resolve().parents[2]
FLAG_WORDS = {
    "up": "up (significant)",
    "down": "down (significant)",
    "no change": "no real change",
    "within noise": "within noise (group too small to tell)",
}


@dataclass
class Report:
    """One department's report-safe slice of a prepared run (current wave unless said)."""

    run: dict
    instrument: Instrument
    department: str
    slug: str
    items: pd.DataFrame
    dimensions: pd.DataFrame
    history: pd.DataFrame  # dimensions over all waves
    item_history: pd.DataFrame  # items over all waves
    breakdowns: pd.DataFrame
    respondents: pd.DataFrame  # all waves
    comments: pd.DataFrame
    focus: pd.DataFrame
    follow_up: pd.DataFrame = field(default_factory=pd.DataFrame)
    benchmarks: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])

    @property
    def wave(self) -> str:
        return self.run["wave"]

    @property
    def shown_items(self) -> pd.DataFrame:
        return self.items[~self.items["suppressed"]]


def run_folder(run_dir: str | Path = "") -> Path:
    """The prepared run folder; an empty value means the demo run (prepared if missing)."""
    if run_dir:
        return Path(run_dir)
    folder = PROJECT / "outputs" / "demo"
    if not (folder / "cache" / "run.json").exists():
        from .batch import prepare

        prepare(PROJECT / "params" / "demo.yml")
    return folder


def read_run(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "cache" / "run.json").read_text(encoding="utf-8"))


def read_table(run_dir: Path, name: str, **filters) -> pd.DataFrame:
    """One cache table, filtered at read time (only the slice is read)."""
    path = Path(run_dir) / "cache" / f"{name}.parquet"
    if not path.exists():
        return pd.DataFrame()
    return pd.read_parquet(path, filters=[(k, "==", v) for k, v in filters.items()] or None)


def load(run_dir: str | Path = "", department: str = "") -> Report:
    """Load one department (by slug or name) of a prepared run."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    slugs = {d["slug"]: d["name"] for d in run["departments"]}
    names = {v: k for k, v in slugs.items()}
    department = department or run["departments"][0]["slug"]
    name = slugs.get(department) or (department if department in names else None)
    if name is None:
        raise KeyError(f"unknown department '{department}'; known: {', '.join(sorted(slugs))}")
    ins = load_instrument(run["instrument"])
    wave = run["wave"]
    item_dim = ins.items.set_index("id")["dimension"]
    item_history = read_table(folder, "items", department=name)
    item_history = item_history.assign(
        label=item_history["item"].map(ins.item_text), dimension=item_history["item"].map(item_dim)
    )
    items = item_history[item_history["wave"] == wave]
    order = {d: i for i, d in enumerate(ins.dimensions["id"])}
    history = read_table(folder, "dimensions", department=name)
    history = history.assign(label=history["dimension"].map(ins.dimension_label))
    dims = history[history["wave"] == wave].sort_values("dimension", key=lambda s: s.map(order))
    return Report(
        run,
        ins,
        name,
        names[name],
        items=items.reset_index(drop=True),
        dimensions=dims.reset_index(drop=True),
        history=history,
        item_history=item_history,
        breakdowns=read_table(folder, "breakdowns", department=name, wave=wave),
        respondents=read_table(folder, "respondents", department=name),
        comments=read_table(folder, "comments", department=name, wave=wave),
        focus=read_table(folder, "focus", department=name),
        follow_up=read_table(folder, "follow_up", department=name),
        benchmarks=read_table(folder, "benchmarks", department=name),
    )


def _now(r: Report) -> pd.Series | None:
    now = r.respondents[r.respondents["wave"] == r.wave]
    return now.iloc[0] if len(now) else None


def _outcome(r: Report) -> pd.Series | None:
    row = r.items[r.items["item"] == r.instrument.outcome]
    return row.iloc[0] if len(row) and not row.iloc[0]["suppressed"] else None


def _change_words(row) -> str:
    if pd.isna(row["change_pct_favorable"]):
        return ""
    flag = FLAG_WORDS.get(row.get("change_flag"), "")
    return f"{pts(row['change_pct_favorable'])} points since {row['prev_wave']}" + (
        f", {flag}" if flag else ""
    )


def _statement(row) -> str:
    return f"{row['label']} — **{pct(row['pct_favorable'])}**"


def _not_shown(r: Report, what: str = "") -> str:
    """Why something is missing, e.g. a chart that would be empty: every group in it is hidden."""
    lead = f"{what} not shown" if what else "Not shown"
    return f"{lead}: fewer than {r.min_n} respondents, or hidden to protect a smaller group."


def at_a_glance(r: Report) -> Markdown:
    """The first screen: respondents and response rate, overall score and change, top strengths,
    the focus areas, and how last round's focus items moved."""
    now = _now(r)
    n = now["n"] if now is not None else pd.NA
    rate = now["response_rate"] if now is not None else float("nan")
    lines = [
        f"# {r.department}",
        f"**{r.instrument.title}, {r.wave}** · respondents: **{count(n, r.min_n)}**"
        + ("" if pd.isna(rate) else f" · response rate: **{pct(rate)}**"),
    ]
    if r.shown_items.empty:
        lines.append(
            f"Results are not shown: fewer than {r.min_n} respondents answered, or the results are "
            "hidden so that a smaller group cannot be worked out from them."
        )
        return Markdown("\n\n".join(lines))
    overall = _outcome(r)
    if overall is not None:
        change = _change_words(overall)
        lines.append(
            f"**Overall: {pct(overall['pct_favorable'])} favorable** (district "
            f"{pct(overall['district_pct_favorable'])})" + (f"; {change}." if change else ".")
        )
    best = r.shown_items.nlargest(3, "pct_favorable")
    lines.append(
        "**Top strengths**\n\n" + "\n".join(f"- {_statement(b)}" for b in best.to_dict("records"))
    )
    focus = r.focus.merge(r.items[["item", "label"]], on="item")
    chosen = [
        f"{f['rank']}. {f['label']} — **{pct(f['pct_favorable'])}**; {f['reason']}"
        for f in focus.to_dict("records")
    ]
    lines.append(
        f"**Focus areas** (at most {r.run['max_focus']})\n\n"
        + ("\n".join(chosen) or "None stands out.")
    )
    if not r.follow_up.empty:
        lines.append(
            f"**Last round's focus** ({r.run.get('compare_to')})\n\n"
            + "\n".join(f"- {_follow_line(r, f)}" for f in r.follow_up.to_dict("records"))
        )
    return Markdown("\n\n".join(lines))


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


def focus_table(r: Report) -> Styler | Markdown:
    """The focus areas with the reason each was chosen (the run's focus rule)."""
    if r.focus.empty:
        return Markdown(
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


def action_plan(r: Report) -> Styler | Markdown:
    """The prefilled 90-day plan per focus area (editable copies are written beside the report)."""
    plan = actions.action_plan(
        r.focus, r.instrument, department=r.department, start=dt.date.fromisoformat(r.run["date"])
    )
    if plan.empty:
        return Markdown("No action plan: no focus area this round.")
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


def follow_up(r: Report) -> Markdown:
    """How last round's focus items moved (carried over automatically from the previous run)."""
    if r.follow_up.empty:
        return Markdown("No earlier focus areas to follow up.")
    lines = [f"Focus areas chosen for {r.run.get('compare_to')}:", ""]
    lines += [f"- {_follow_line(r, f)}" for f in r.follow_up.to_dict("records")]
    return Markdown("\n".join(lines))


def dimension_caption(r: Report) -> str:
    d = r.dimensions[(r.dimensions["kind"] == "dimension") & ~r.dimensions["suppressed"]]
    if d.empty:
        return _not_shown(r)
    low, high = d.nsmallest(1, "pct_favorable").iloc[0], d.nlargest(1, "pct_favorable").iloc[0]
    return (
        f"{low['label']} is the lowest-rated area: {pct(low['pct_favorable'])} favorable, "
        f"{abs(low['vs_district']):.0f} points {'below' if low['vs_district'] < 0 else 'above'} "
        f"the district. {high['label']} is the highest: {pct(high['pct_favorable'])}."
    )


def plot_dimensions(r: Report) -> Chart | Markdown:
    """% favorable per dimension with the district as a marker (words when all are hidden)."""
    if r.dimensions["suppressed"].all():
        return Markdown(_not_shown(r, "Areas are"))
    ax = plots.plot_favorability(r.dimensions, min_n=r.min_n)
    plots.title(ax, f"{r.department}: % favorable by area, {r.wave}")
    alt = "Bar chart of % favorable by area: " + "; ".join(
        f"{row['label']} {pct(row['pct_favorable'])} (district {pct(row['district_pct_favorable'])})"
        for row in r.dimensions.to_dict("records")
    )
    return Chart.from_axes(ax, alt=alt, caption=dimension_caption(r))


def dimension_table(r: Report) -> Styler:
    """Dimension scores with 95% intervals, against the district and the previous wave."""
    d = r.dimensions
    return table(
        pd.DataFrame(
            {
                "Area": d["label"],
                **score_columns(d, r.min_n),
                "District": d["district_pct_favorable"].map(pct),
                "Change is": d["change_flag"].map(FLAG_WORDS).fillna("—"),
            }
        )
    )


def strengths(r: Report) -> Markdown:
    """Highest items, the biggest meaningful gains, and recognition comments."""
    shown = r.shown_items
    if shown.empty:
        return Markdown(_not_shown(r))
    # the same three lead the at-a-glance block, so print leaves them out here
    lines = ['<div class="ds-screen-only">', "", "**Highest-rated statements**", ""]
    lines += [f"- {_statement(b)}" for b in shown.nlargest(3, "pct_favorable").to_dict("records")]
    lines += ["", "</div>", ""]
    gains = shown[shown["change_flag"] == "up"].nlargest(3, "change_pct_favorable")
    lines += ["", "**Biggest meaningful gains** (significant and at least 5 points)", ""]
    lines += [
        f"- {g['label']} — {pts(g['change_pct_favorable'])} points"
        for g in gains.to_dict("records")
    ]
    lines += [] if len(gains) else ["- No statement rose significantly since the last wave."]
    recog = (
        r.comments[r.comments["question"].isin(r.instrument.recognition_questions)]
        if not r.comments.empty
        else r.comments
    )
    if len(recog):
        lines += [
            "",
            "**Recognition** — what respondents said about people who served them well",
            "",
        ]
        lines += [f"> {t}\n" for t in recog["text"].head(6)]
    return Markdown("\n".join(lines))


def plot_trends(r: Report) -> Chart | Markdown:
    """% favorable per dimension over every wave, with 95% intervals (words when all hidden)."""
    h = r.history[r.history["kind"] == "dimension"]
    if h["pct_favorable"].isna().all():
        return Markdown(_not_shown(r, "Trends are"))
    ax = plots.plot_trend(h, order=[w for w in r.run["waves"]])
    plots.title(ax, f"{r.department}: % favorable by area across waves")
    flagged = r.dimensions[r.dimensions["change_flag"].isin(["up", "down"])]
    caption = (
        "; ".join(
            f"{d['label']} went {d['change_flag']} {abs(d['change_pct_favorable']):.0f} points"
            for d in flagged.to_dict("records")
        )
        or "No area changed significantly"
    ) + f" since {r.run.get('compare_to')}. Shaded bands: 95% intervals."
    return Chart.from_axes(
        ax,
        alt=f"Line chart of % favorable by area over waves {', '.join(r.run['waves'])}.",
        caption=caption,
    )


def _across_waves(r: Report, history: pd.DataFrame, now: pd.DataFrame, name: str) -> pd.DataFrame:
    """% favorable per label over every wave, with the latest change flag in words."""
    h = history.pivot_table(
        index="label", columns="wave", values="pct_favorable", sort=False, dropna=False
    )
    waves = [w for w in r.run["waves"] if w in h.columns]
    out = h[waves].map(pct).reset_index().rename(columns={"label": name})
    flags = now.set_index("label")["change_flag"].map(FLAG_WORDS)
    out["Latest change"] = out[name].map(flags).fillna("—")
    return out


def trend_table(r: Report) -> Styler:
    """Dimensions across all waves (% favorable) with the change flag of the latest wave."""
    return table(
        _across_waves(r, r.history, r.dimensions, "Area"),
        caption="A change counts only when it is significant (two-proportion z-test, "
        "p < 0.05) and at least 5 points.",
    )


def item_trend_table(r: Report) -> Styler:
    """Every statement across all waves (% favorable) with the change flag of the latest wave."""
    return table(_across_waves(r, r.item_history, r.items, "Statement"), screen_only=True)


def plot_likert(r: Report) -> Chart | Markdown:
    """Diverging Likert chart of every item (words when all are hidden)."""
    if r.shown_items.empty:
        return Markdown(_not_shown(r, "Statements are"))
    ax = plots.plot_likert(r.items, min_n=r.min_n)
    plots.title(ax, f"{r.department}: how respondents answered, {r.wave}")
    shown = r.shown_items
    caption = (
        ""
        if shown.empty
        else (
            f"Most favorable: {shown.nlargest(1, 'pct_favorable').iloc[0]['label']} "
            f"({pct(shown['pct_favorable'].max())}); least: "
            f"{shown.nsmallest(1, 'pct_favorable').iloc[0]['label']} ({pct(shown['pct_favorable'].min())})."
        )
    )
    alt = "Diverging bar chart of agreement per statement: " + "; ".join(
        f"{row['label']} {pct(row['pct_favorable'])} favorable"
        for row in r.items.to_dict("records")
    )
    return Chart.from_axes(ax, alt=alt, caption=caption)


def item_table(r: Report) -> Styler:
    """Every item: n, mean, % favorable with interval, neutral, unfavorable, district, change."""
    t = r.items
    return table(
        pd.DataFrame(
            {
                "Area": t["dimension"].map(r.instrument.dimension_label),
                "Statement": t["label"],
                "n": [count(v, r.min_n) for v in t["n"]],
                "Mean": t["mean"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
                "% fav": t["pct_favorable"].map(pct),
                "95% interval": list(map(interval, t["fav_low"], t["fav_high"])),
                "% neutral": t["pct_neutral"].map(pct),
                "% unfav": t["pct_unfavorable"].map(pct),
                "District": t["district_pct_favorable"].map(pct),
                "Change": t["change_pct_favorable"].map(pts),
            }
        ),
        screen_only=True,
    )


def benchmarks(r: Report) -> Styler | Markdown:
    """Percentile rank of each item against the external benchmark, when one was given."""
    b = r.benchmarks
    if b.empty:
        return Markdown("No benchmark file was given for this run.")
    b = b.merge(r.items[["item", "label", "suppressed"]], on="item")
    b = b[~b["suppressed"]]
    if b.empty:
        return Markdown(_not_shown(r, "Benchmark ranks are"))
    n = b["benchmark_n"].iloc[0] if len(b) else float("nan")
    return table(
        pd.DataFrame(
            {
                "Statement": b["label"],
                "Mean": b["mean"].map(lambda v: f"{v:.2f}"),
                "Percentile rank": b["percentile_rank"].map(
                    lambda v: "—" if pd.isna(v) else f"{v:.0f}"
                ),
            }
        ),
        caption=f"Benchmark: {b['source'].iloc[0] if len(b) else ''}"
        + ("" if pd.isna(n) else f" (n = {int(n):,})"),
    )


def breakdown_table(r: Report, *, by: str | int = 0) -> Styler | Markdown:
    """% favorable by a breakdown (a column name, or its position in the instrument's
    ``breakdowns``: role first for support services, site first for engagement) and area."""
    b = r.breakdowns
    if isinstance(by, int):
        by = r.instrument.breakdowns[by] if by < len(r.instrument.breakdowns) else None
    if b.empty or by is None or by not in set(b["by"]):
        return Markdown("No breakdown in this run.")
    b = b[(b["by"] == by) & (b["kind"] == "dimension")]
    b = b.assign(label=b["dimension"].map(r.instrument.dimension_label))
    wide = b.pivot_table(
        index="group", columns="label", values="pct_favorable", dropna=False, sort=False
    )
    order = [r.instrument.dimension_label(d) for d in r.instrument.dimensions["id"]]
    wide = wide.reindex(columns=[c for c in order if c in wide.columns])
    n = b.groupby("group")["n"].max().reindex(wide.index)
    # groups with nothing to show are counted, not listed (the list of shown groups is the same)
    hidden = wide.isna().all(axis=1) & n.isna()
    why = (
        f"fewer than {r.min_n} respondents, or hidden so that a smaller group cannot be worked out"
    )
    if not (~hidden).any():
        return Markdown(f"No {by} can be shown: {why}.")
    shown = wide[~hidden].map(pct)
    shown.insert(0, "Respondents", [count(v, r.min_n) for v in n[~hidden]])
    rest = f" {int(hidden.sum())} other {by} groups are not shown." if hidden.any() else ""
    return table(
        shown.reset_index().rename(columns={"group": by.title()}),
        caption=f"'—' = {why}.{rest}",
        screen_only=by != r.instrument.breakdowns[0],
    )


def comments(r: Report, *, per_question: int = 8) -> Markdown:
    """Redacted comments grouped by question (recognition comments are under Strengths)."""
    c = r.comments
    if not c.empty:
        c = c[~c["question"].isin(r.instrument.recognition_questions)]
    if c.empty:
        return Markdown(
            f"No comments are shown: fewer than {r.run['comment_min_n']} respondents, "
            "or no comments were given."
        )
    texts = dict(zip(r.instrument.questions["id"], r.instrument.questions["text"], strict=True))
    lines = []
    for q, part in c.groupby("question", sort=False):
        lines += [
            f"**{texts.get(q, q)}**",
            "",
            *[f"> {t}\n" for t in part["text"].head(per_question)],
        ]
    return Markdown("\n".join(lines))


def methods(r: Report) -> Markdown:
    """How every number was made: scale, favorable, N/A, privacy rules, focus rule, tests, sources."""
    s = r.instrument.scale
    label = ", ".join
    inputs = "\n".join(
        f"- `{Path(i['path']).name}` — sha256 `{i['sha256']}`" for i in r.run["inputs"]
    )
    return Markdown(
        "\n\n".join(
            [
                f"**Scale.** {s.points}-point agreement scale ({s.labels[0]} = 1 … {s.labels[-1]} = {s.points}). "
                f"**Favorable** = {label(s.labels[v - 1] for v in s.favorable)}; neutral = "
                f"{label(s.labels[v - 1] for v in s.neutral) or 'none'}; unfavorable = "
                f"{label(s.labels[v - 1] for v in s.unfavorable)}. Percentages are over answered items; "
                "reverse-worded statements are flipped before scoring. "
                f"**N/A** ({label(s.na_labels) or 'none'}) and blanks are not scores.",
                f"**Privacy.** Minimum n = {r.min_n}: a smaller group shows no figure and no count. "
                "Complementary suppression: where a hidden group could be worked out from what the run "
                "publishes (a total minus the other departments, rater groups or statements), the "
                "next-smallest group is hidden too, so a hidden group may be larger than the minimum; "
                "an area with a hidden statement and the rater groups of a hidden area are hidden with "
                "it, the same way in every file of the run. Comments are shown only for groups of at "
                f"least {r.run['comment_min_n']} respondents, with names, e-mail addresses, phone "
                "numbers and staff ids removed (a recognition answer keeps the name of the person "
                "recognised), shuffled within each question.",
                f"**Focus areas.** Rule '{r.run.get('focus_rule', 'gap_x_importance')}': priority = (points below "
                "the district + a tenth of the room left to 100%) × importance, where importance is the item's "
                "share of r² with the overall outcome item (Pearson correlation; the department's own answers "
                "when it has at least 100 respondents, otherwise the district's). At most "
                f"{r.run['max_focus']} areas. The outcome item itself is never a focus area.",
                "**Uncertainty.** 95% Wilson intervals for percentages, t intervals for means. A change since "
                "the last wave is called up or down only when it is significant (two-proportion z-test, p < 0.05) "
                "and at least 5 points; for groups of 5–29 an unflagged change is 'within noise'.",
                f"**Comparisons.** District = all respondents of the wave; change = {r.wave} minus "
                f"{r.run.get('compare_to') or 'the previous wave'}, in points of % favorable. The printed "
                "version leaves out what the at-a-glance block repeats (the focus table, the follow-up and "
                "the highest-rated statements) and the statement table, the statement trends and the "
                "secondary breakdown; the report on screen has them all. Report date "
                f"{r.run.get('date')}.",
                f"**Data sources.**\n\n{inputs}",
            ]
        )
    )
