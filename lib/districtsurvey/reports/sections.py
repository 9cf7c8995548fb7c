"""The sections of a department report after the first screen: areas against the district,
trends, every statement, benchmarks and breakdowns."""

from __future__ import annotations

import pandas as pd

from . import plots
from .department import FLAG_WORDS, Report, _not_shown
from .display import Chart, Table, count, interval, pct, pts, score_columns, table
from .html import Html


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


def plot_dimensions(r: Report) -> Chart | Html:
    """% favorable per dimension with the district as a marker (words when all are hidden)."""
    if r.dimensions["suppressed"].all():
        return Html.text(_not_shown(r, "Areas are"))
    ax = plots.plot_favorability(r.dimensions, min_n=r.min_n)
    plots.title(ax, f"{r.department}: % favorable by area, {r.wave}")
    alt = "Bar chart of % favorable by area: " + "; ".join(
        f"{row['label']} {pct(row['pct_favorable'])} (district {pct(row['district_pct_favorable'])})"
        for row in r.dimensions.to_dict("records")
    )
    data = pd.DataFrame(
        {
            "Area": r.dimensions["label"],
            "% favorable": r.dimensions["pct_favorable"].map(pct),
            "District": r.dimensions["district_pct_favorable"].map(pct),
        }
    )
    return Chart.from_axes(ax, alt=alt, caption=dimension_caption(r), data=data)


def dimension_table(r: Report) -> Table:
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


def plot_trends(r: Report) -> Chart | Html:
    """% favorable per dimension over every wave, with 95% intervals (words when all hidden)."""
    h = r.history[r.history["kind"] == "dimension"]
    if h["pct_favorable"].isna().all():
        return Html.text(_not_shown(r, "Trends are"))
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
        data=_across_waves(r, h, r.dimensions, "Area").drop(columns="Latest change"),
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


def trend_table(r: Report) -> Table:
    """Dimensions across all waves (% favorable) with the change flag of the latest wave."""
    return table(
        _across_waves(r, r.history, r.dimensions, "Area"),
        caption="A change counts only when it is significant (two-proportion z-test, "
        "p < 0.05) and at least 5 points.",
    )


def item_trend_table(r: Report) -> Table:
    """Every statement across all waves (% favorable) with the change flag of the latest wave."""
    return table(_across_waves(r, r.item_history, r.items, "Statement"), screen_only=True)


def plot_likert(r: Report) -> Chart | Html:
    """Diverging Likert chart of every item (words when all are hidden)."""
    if r.shown_items.empty:
        return Html.text(_not_shown(r, "Statements are"))
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
    data = pd.DataFrame(
        {
            "Statement": r.items["label"],
            "% unfavorable": r.items["pct_unfavorable"].map(pct),
            "% neutral": r.items["pct_neutral"].map(pct),
            "% favorable": r.items["pct_favorable"].map(pct),
        }
    )
    return Chart.from_axes(ax, alt=alt, caption=caption, data=data)


def item_table(r: Report) -> Table:
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


def benchmarks(r: Report) -> Table | Html:
    """Percentile rank of each item against the external benchmark, when one was given."""
    b = r.benchmarks
    if b.empty:
        return Html.text("No benchmark file was given for this run.")
    b = b.merge(r.items[["item", "label", "suppressed"]], on="item")
    b = b[~b["suppressed"]]
    if b.empty:
        return Html.text(_not_shown(r, "Benchmark ranks are"))
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


def breakdown_table(r: Report, *, by: str | int = 0) -> Table | Html:
    """% favorable by a breakdown (a column name, or its position in the instrument's
    ``breakdowns``: role first for support services, site first for engagement) and area."""
    b = r.breakdowns
    if isinstance(by, int):
        by = r.instrument.breakdowns[by] if by < len(r.instrument.breakdowns) else None
    if b.empty or by is None or by not in set(b["by"]):
        return Html.text("No breakdown in this run.")
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
        return Html.text(f"No {by} can be shown: {why}.")
    shown = wide[~hidden].map(pct)
    shown.insert(0, "Respondents", [count(v, r.min_n) for v in n[~hidden]])
    rest = f" {int(hidden.sum())} other {by} groups are not shown." if hidden.any() else ""
    return table(
        shown.reset_index().rename(columns={"group": by.title()}),
        caption=f"'—' = {why}.{rest}",
        screen_only=by != r.instrument.breakdowns[0],
    )
