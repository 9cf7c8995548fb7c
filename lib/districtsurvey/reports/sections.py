"""The sections of a department report after the first screen: areas against the district,
trends, every statement, benchmarks and breakdowns.

Every table is in instrument order (areas, then the engagement index; statements) and every
wave axis in time order (``run["waves"]``). Changes and differences are those of the whole
numbers shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import plots
from .department import FLAG_WORDS, Report, _not_shown, tied_first
from .display import (
    Chart,
    Table,
    count,
    interval,
    not_shown_reason,
    pct,
    pts,
    say,
    score_columns,
    table,
)
from .html import Html
from .records import records

LIKERT_ROWS = 12  # statements per part of the Likert chart (about 60 mm in print)


def _against_district(v) -> str:
    if pd.isna(v):
        return "no district figure"
    if round(v) == 0:
        return "level with the district"
    return f"{pts(abs(v))[1:]} points {'below' if v < 0 else 'above'} the district"


def _extreme(rows: pd.DataFrame, word: str) -> str:
    """ "Operations is the lowest-rated area: 26% favorable, 28 points below the district." or,
    for ties, every tied area named."""
    if len(rows) == 1:
        row = rows.iloc[0]
        return say(
            "{label} is the {word}-rated area: {pct} favorable, {against}.",
            label=row["label"],
            word=word,
            pct=pct(row["pct_favorable"]),
            against=_against_district(row["vs_district"]),
        )
    names = list(rows["label"])
    who = ", ".join(names[:-1]) + f" and {names[-1]}"
    each = "; ".join(
        f"{row['label']} {_against_district(row['vs_district'])}" for _, row in rows.iterrows()
    )
    return say(
        "{who} are tied as the {word}-rated areas: {pct} favorable ({each}).",
        who=who,
        word=word,
        pct=pct(rows["pct_favorable"].iloc[0]),
        each=each,
    )


def dimension_caption(r: Report) -> str:
    d = r.dimensions[(r.dimensions["kind"] == "dimension") & ~r.dimensions["suppressed"]]
    if d.empty:
        return _not_shown(r)
    low, high = tied_first(d, lowest=True), tied_first(d, lowest=False)
    if round(float(low["pct_favorable"].iloc[0])) == round(float(high["pct_favorable"].iloc[0])):
        return _extreme(low, "lowest") + " Every area shown has the same score."
    return f"{_extreme(low, 'lowest')} {_extreme(high, 'highest')}"


def _whose(r: Report) -> str:
    """Whose figures a chart shows, for its alt text: a packet page has two surveys' charts of
    the same kind, which a screen reader would otherwise announce alike.

    >>> from types import SimpleNamespace as N
    >>> _whose(N(department="Finance", instrument=N(title="Support Services Survey")))
    ' (Finance, Support Services Survey)'
    """
    return f" ({r.department}, {r.instrument.title})"


def plot_dimensions(r: Report) -> Chart | Html:
    """% favorable per dimension with the district as a marker (words when all are hidden)."""
    if r.dimensions["suppressed"].all():
        return Html.text(_not_shown(r, "Areas are"))
    ax = plots.plot_favorability(r.dimensions, min_n=r.min_n, own=f"This {r.unit}")
    plots.title(
        ax, say("{unit}: % favorable by area, {wave}", unit=r.department, wave=r.wave_label())
    )
    alt = (
        say("Bar chart of % favorable by area")
        + _whose(r)
        + ": "
        + "; ".join(
            f"{row['label']} {pct(row['pct_favorable'])} (district {pct(row['district_pct_favorable'])})"
            for row in records(r.dimensions)
        )
    )
    data = pd.DataFrame(
        {
            "Area": r.dimensions["label"],
            say("% favorable"): r.dimensions["pct_favorable"].map(pct),
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
        ),
        caption="Answered: people who answered at least one statement of the area. "
        f"Change: since {r.wave_label(r.run.get('compare_to')) or 'the last survey'}, in points.",
    )


def _flagged(rows: pd.DataFrame) -> str:
    return "; ".join(
        f"{d['label']} went {d['change_flag']} {pts(abs(d['change_pct_favorable']))[1:]} points "
        f"({pct(d['prev_pct_favorable'])} to {pct(d['pct_favorable'])})"
        for d in records(rows)
    )


def plot_trends(r: Report) -> Chart | Html:
    """% favorable per area (and the engagement index) over every wave, in time order, with 95%
    intervals (words when all are hidden)."""
    h = r.history
    if h["pct_favorable"].isna().all():
        return Html.text(_not_shown(r, "Trends are"))
    waves = list(r.run["waves"])
    ax = plots.plot_trend(h, order=waves, labels={w: r.wave_label(w) for w in waves})
    plots.title(ax, say("{unit}: % favorable by area across waves", unit=r.department))
    flagged = r.dimensions[r.dimensions["change_flag"].isin(["up", "down"])]
    caption = (_flagged(flagged) or "No area changed significantly") + (
        f" since {r.wave_label(r.run.get('compare_to'))}. Shaded bands: 95% intervals."
    )
    return Chart.from_axes(
        ax,
        alt=say(
            "Line chart of % favorable by area over waves {waves}",
            waves=", ".join(map(r.wave_label, waves)),
        )
        + _whose(r)
        + ".",
        caption=caption,
        data=_across_waves(r, h, r.dimensions, "Area").drop(columns="Latest change"),
    )


def _wide(frame: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """``frame.pivot_table(index=..., columns=..., values=..., dropna=False, sort=False)``: the
    mean of each cell's figures (NaN when it has none), rows and columns in the order they first
    appear, built in a few numpy steps (``pivot_table`` cost about 10 ms a call, a few times a
    report).

    >>> f = pd.DataFrame({"g": ["b", "a", "b", "b"], "w": ["x", "x", "y", "x"],
    ...                   "v": [1.0, 2.0, None, 4.0]})
    >>> _wide(f, "g", "w", "v").to_dict()
    {'x': {'b': 2.5, 'a': 2.0}, 'y': {'b': nan, 'a': nan}}
    >>> f.pivot_table(index="g", columns="w", values="v", dropna=False, sort=False).to_dict()
    {'x': {'b': 2.5, 'a': 2.0}, 'y': {'b': nan, 'a': nan}}
    """
    rows, row_names = pd.factorize(frame[index], use_na_sentinel=False)
    cols, col_names = pd.factorize(frame[columns], use_na_sentinel=False)
    x = frame[values].to_numpy(dtype=float, na_value=np.nan)
    cell = rows * len(col_names) + cols
    size = len(row_names) * len(col_names)
    given = ~np.isnan(x)
    sums = np.bincount(cell[given], weights=x[given], minlength=size)
    counts = np.bincount(cell[given], minlength=size)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)  # never divides by 0
    return pd.DataFrame(
        means.reshape(len(row_names), len(col_names)),
        index=pd.Index(row_names, name=index),
        columns=pd.Index(col_names, name=columns),
    )


def _across_waves(r: Report, history: pd.DataFrame, now: pd.DataFrame, name: str) -> pd.DataFrame:
    """% favorable per label (rows in instrument order) over every wave (columns in time order),
    with the latest change flag in words."""
    h = _wide(history, "label", "wave", "pct_favorable")
    labels = list(dict.fromkeys(now["label"])) or list(dict.fromkeys(history["label"]))
    waves = [w for w in r.run["waves"] if w in h.columns]
    out = h.reindex(index=labels, columns=waves).map(pct)
    out = out.rename(columns={w: r.wave_label(w) for w in waves}).reset_index()
    out = out.rename(columns={"label": name}).rename_axis(columns=None)
    flags = now.set_index("label")["change_flag"].map(FLAG_WORDS)
    out["Latest change"] = out[name].map(flags).fillna("—")
    return out


def trend_table(r: Report) -> Table:
    """Areas across all waves (% favorable) with the change flag of the latest wave."""
    return table(
        _across_waves(r, r.history, r.dimensions, "Area"),
        caption="A change counts only when it is significant (two-proportion z-test, "
        "p < 0.05) and at least 5 points.",
    )


def item_trend_table(r: Report) -> Table:
    """Every statement across all waves (% favorable) with the change flag of the latest wave."""
    return table(_across_waves(r, r.item_history, r.items, "Statement"), screen_only=True)


def trend_tables(r: Report) -> Html:
    """The trends section's tables: the areas, then every statement (on screen only), each
    across all waves."""
    return Html.join(trend_table(r), item_trend_table(r))


def _names(rows: pd.DataFrame) -> str:
    names = list(rows["label"])
    return names[0] if len(names) == 1 else "; ".join(names[:-1]) + f" and {names[-1]}"


def plot_likert(r: Report) -> Chart | Html:
    """Diverging Likert chart of every item (words when all are hidden). More than
    ``LIKERT_ROWS`` statements are drawn in parts of equal size, one figure on screen; in print
    each part with its heading fits a third of a page, so a part that does not fit at the foot
    of a page never leaves more than that empty."""
    if r.shown_items.empty:
        return Html.text(_not_shown(r, "Statements are"))
    parts = -(-len(r.items) // LIKERT_ROWS)
    size = -(-len(r.items) // parts)
    axes = [
        plots.plot_likert(r.items.iloc[k : k + size], min_n=r.min_n)
        for k in range(0, len(r.items), size)
    ]
    plots.title(axes[0], f"{r.department}: how people answered, {r.wave_label()}")
    best = tied_first(r.shown_items, lowest=False)
    worst = tied_first(r.shown_items, lowest=True)
    caption = say(
        "Most favorable: {best} ({best_pct}); least: {worst} ({worst_pct}).",
        best=_names(best),
        best_pct=pct(best["pct_favorable"].iloc[0]),
        worst=_names(worst),
        worst_pct=pct(worst["pct_favorable"].iloc[0]),
    )
    alt = (
        "Diverging bar chart of agreement per statement"
        + _whose(r)
        + ": "
        + "; ".join(
            say("{label} {pct} favorable", label=row["label"], pct=pct(row["pct_favorable"]))
            for row in records(r.items)
        )
    )
    data = pd.DataFrame(
        {
            "Statement": r.items["label"],
            say("% unfavorable"): r.items["pct_unfavorable"].map(pct),
            "% neutral": r.items["pct_neutral"].map(pct),
            say("% favorable"): r.items["pct_favorable"].map(pct),
        }
    )
    return Chart.from_axes(*axes, alt=alt, caption=caption, data=data)


def item_table(r: Report) -> Table:
    """Every item: answered, mean, % favorable with interval, neutral, unfavorable, district,
    change."""
    t = r.items
    return table(
        pd.DataFrame(
            {
                "Area": t["dimension"].map(r.instrument.dimension_label),
                "Statement": t["label"],
                "Answered": [count(v, r.min_n) for v in t["n"]],
                "Mean": t["mean"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
                "% fav": t["pct_favorable"].map(pct),
                "95% interval": list(map(interval, t["fav_low"], t["fav_high"])),
                "% neutral": t["pct_neutral"].map(pct),
                "% unfav": t["pct_unfavorable"].map(pct),
                "District": t["district_pct_favorable"].map(pct),
                "Change": t["change_pct_favorable"].map(pts),
            }
        ),
        caption="Answered: people who answered the statement (N/A is not an answer). "
        "Mean on the 1–5 scale, reverse-worded statements flipped.",
        screen_only=True,
    )


def ordinal(p: float) -> str:
    """'62nd', '1st', '13th'.

    >>> ordinal(62.4), ordinal(1), ordinal(13), ordinal(23)
    ('62nd', '1st', '13th', '23rd')
    """
    n = round(p)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank_words(row) -> str:
    if pd.isna(row["percentile_rank"]):
        return "—"
    bound = row.get("rank_bound") or ""
    words = ordinal(row["percentile_rank"])
    return f"{bound} the {words}" if bound else words


def benchmarks(r: Report) -> Table | Html:
    """Where each statement stands against the external benchmark, when one was given."""
    b = r.benchmarks
    if b.empty:
        return Html.text("No benchmark file was given for this run.")
    b = r.items[["item", "label", "suppressed"]].merge(b, on="item")  # instrument order
    b = b[~b["suppressed"]]
    if b.empty:
        return Html.text(_not_shown(r, "Benchmark ranks are"))
    n = b["benchmark_n"].iloc[0] if len(b) else float("nan")
    source = f"Benchmark: {b['source'].iloc[0]}" + ("" if pd.isna(n) else f" (n = {int(n):,})")
    by_mean = b.get("benchmark_basis", pd.Series(["mean"])).iloc[0] == "mean"
    figure = (
        {"Mean": b["mean"].map(lambda v: f"{v:.2f}")}
        if by_mean
        else {say("% favorable"): b["pct_favorable"].map(pct)}
    )
    what = "mean" if by_mean else say("% favorable")
    ranks = [_rank_words(row) for row in records(b)]
    return table(
        pd.DataFrame({"Statement": b["label"], **figure, "Benchmark percentile": ranks}),
        caption=f"{source}. Where this {what} stands among the benchmark's percentiles; "
        "'above' or 'below' a percentile: beyond the highest or lowest one the benchmark gives.",
    )


def _hidden_note(r: Report, by: str) -> str:
    h = r.hidden_groups
    if h.empty or by not in set(h["by"]):
        return ""
    return (
        f" Other {by} groups are not shown: {not_shown_reason(r.min_n)}."
        if bool(h.loc[h["by"] == by, "hidden"].any())
        else ""
    )


BY_WORDS = {"role": "By the role of the people who answered", "site": "By site"}


def breakdown_table(r: Report, *, by: str | int = 0) -> Table | Html:
    """% favorable by a breakdown (a column name, or its position in the instrument's
    ``breakdowns``) and area; groups with nothing to show are left out, and a note says so
    only when a group with answers is hidden."""
    b = r.breakdowns
    if isinstance(by, int):
        by = r.instrument.breakdowns[by] if by < len(r.instrument.breakdowns) else None
    if b.empty or by is None or by not in set(b["by"]):
        return Html.text("No breakdown in this run.")
    b = b[(b["by"] == by) & (b["kind"] == "dimension")]
    b = b.assign(label=b["dimension"].map(r.instrument.dimension_label))
    wide = _wide(b, "group", "label", "pct_favorable")
    order = [r.instrument.dimension_label(d) for d in r.instrument.dimensions["id"]]
    wide = wide.reindex(columns=[c for c in order if c in wide.columns])
    n = b.groupby("group")["n"].max().reindex(wide.index)
    hidden = wide.isna().all(axis=1) & n.isna()
    note = _hidden_note(r, by)
    if not (~hidden).any():
        return Html.text(f"No {by} group can be shown: {not_shown_reason(r.min_n)}.")
    shown = wide[~hidden]
    dash = f" '—' = {not_shown_reason(r.min_n)}." if shown.isna().any().any() else ""
    shown = shown.map(pct)
    shown.insert(0, "Answered", [count(v, r.min_n) for v in n[~hidden]])
    lead = BY_WORDS.get(by, f"By {by}")
    return table(
        shown.reset_index().rename(columns={"group": by.title()}).rename_axis(columns=None),
        caption=f"{lead}. Answered: the most people of the group who answered any one area."
        f"{dash}{note}",
        screen_only=by != r.instrument.breakdowns[0],
    )


def breakdowns(r: Report) -> Html:
    """Results by the instrument's first two breakdowns (the role of the people who answered,
    then their site), one table each."""
    return Html.join(breakdown_table(r, by=0), breakdown_table(r, by=1))
