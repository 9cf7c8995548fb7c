"""The oracle: every figure a leader reads in a department report, recomputed from the raw data.

Two real runs (``conftest.py``: the command line on the committed sample, a handful of units of
each survey) are read as a reader gets them — the exported HTML and the action-plan workbook —
and every n, % favorable, mean, interval, change, comparison with the district, flag, order,
focus reason and chart data table is checked against ``truth.py`` (naive pandas on the parquet,
the instrument YAML, the headcounts and benchmark CSVs; no import of the library). Expected
values are whole numbers as printed. A figure the run hides must read as hidden, and a figure
of fewer than ``min_n`` answers must be hidden.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from oracle.conftest import SCHOOLS, UNITS
from oracle.expect import (
    FLAG_WORDS,
    against,
    change_words,
    hidden_statements,
    interval,
    outcome_words,
    pct,
    pts,
    shown_wave,
)
from oracle.read import number
from oracle.rules import focus
from oracle.truth import whole

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
CASES = [(s, u) for s, units in UNITS.items() for u in units]


@pytest.fixture(params=CASES, ids=[f"{s}:{u}" for s, u in CASES])
def case(request, runs):
    survey, unit = request.param
    run = runs[survey]
    return run, unit, run.page(unit)


def items_shown(run, unit, page) -> pd.DataFrame:
    """The statement table as printed, with the truth beside each row."""
    t, _ = page.table("Area", "Statement", "Answered")
    s = run.truth
    assert list(t["Statement"]) == [s.label(i) for i in s.items["id"]], "instrument order"
    return t.assign(item=list(s.items["id"]))


def test_statements_table_and_chart(case):
    run, unit, page = case
    s, wave, before = run.truth, run.wave, run.compare_to
    t = items_shown(run, unit, page)
    likert = page.chart("Diverging bar chart")
    for _, row in t.iterrows():
        now, prev = s.item(unit, wave, row["item"]), s.item(unit, before, row["item"])
        district = s.item(None, wave, row["item"])
        assert row["District"] == pct(district["pct"])
        if number(row["% fav"]) is None:  # hidden: every figure of the row is hidden
            assert row["Answered"] == "not shown" and {row["Mean"], row["Change"]} == {"—"}
            continue
        assert now["n"] >= s.min_n, f"{row['item']}: {now['n']} answers shown"
        assert number(row["Answered"]) == now["n"]
        assert row["Mean"] == f"{now['mean']:.2f}"
        assert (row["% fav"], row["% neutral"], row["% unfav"]) == tuple(
            pct(now[k]) for k in ("pct", "neu", "unf")
        )
        assert row["95% interval"] == interval(now["fav_n"], now["n"])
        if number(row["Change"]) is not None:
            assert row["Change"] == pts(whole(now["pct"]) - whole(prev["pct"]))
    if likert is None:  # every statement hidden: words instead of an empty chart
        assert t["% fav"].map(number).isna().all()
        return
    data = likert.data
    reverse = int(s.items["reverse"].sum())  # their direction is written on the chart too
    assert likert.svg.get_text().count("(% who disagree — favorable)") == reverse
    assert list(data["Statement"]) == list(t["Statement"])
    assert list(data["% favorable"]) == list(t["% fav"])
    assert list(data["% unfavorable"]) == list(t["% unfav"])
    shown = t[t["% fav"].map(number).notna()].assign(v=lambda x: x["% fav"].map(number))
    most = shown[shown["v"] == shown["v"].max()]["Statement"].tolist()
    least = shown[shown["v"] == shown["v"].min()]["Statement"].tolist()

    def join(names):
        return names[0] if len(names) == 1 else "; ".join(names[:-1]) + f" and {names[-1]}"  # noqa: E731

    assert likert.caption == (
        f"Most favorable: {join(most)} ({int(shown['v'].max())}%); "
        f"least: {join(least)} ({int(shown['v'].min())}%)."
    )


def area_rows(run, unit, page):
    s = run.truth
    t, caption = page.table("Area", "Answered")
    assert list(t["Area"]) == [s.area_label(a) for a in s.areas], "instrument order"
    return t.assign(area=s.areas), caption


def test_areas_table_chart_and_caption(case):
    run, unit, page = case
    s, wave, before = run.truth, run.wave, run.compare_to
    t, _ = area_rows(run, unit, page)
    for _, row in t.iterrows():
        now, prev = s.area(unit, wave, row["area"]), s.area(unit, before, row["area"])
        district = s.area(None, wave, row["area"])
        assert row["District"] == pct(district["pct"])
        if number(row["% favorable"]) is None:
            assert row["Answered"] == "not shown" and row["vs district"] == "—"
            continue
        assert now["n"] >= s.min_n
        assert number(row["Answered"]) == now["n"]  # people who answered the area
        assert row["% favorable"] == pct(now["pct"])
        assert row["95% interval"] == interval(now["fav_n"], now["answers"])
        assert row["vs district"] == pts(whole(now["pct"]) - whole(district["pct"]))
        if row["Change"] != "—":
            assert row["Change"] == pts(whole(now["pct"]) - whole(prev["pct"]))
            assert row["Change is"] == FLAG_WORDS[s.flag(now, prev)]
    chart = page.chart("Bar chart of % favorable by area")
    if chart is None:
        assert t["% favorable"].map(number).isna().all()
        return
    assert list(chart.data["% favorable"]) == list(t["% favorable"])
    assert list(chart.data["District"]) == list(t["District"])
    legend = "This school" if unit in SCHOOLS else "This department"
    assert legend in chart.svg.get_text()
    dims = t[t["area"].isin([d["id"] for d in s.ins["dimensions"]])]
    dims = dims[dims["% favorable"].map(number).notna()]
    v = dims["% favorable"].map(number)
    low, high = dims[v == v.min()], dims[v == v.max()]

    def said(rows, word):
        if len(rows) == 1:
            r = rows.iloc[0]
            return (
                f"{r['Area']} is the {word}-rated area: {r['% favorable']} favorable, "
                f"{against(int(number(r['vs district'])))}."
            )
        names = list(rows["Area"])
        each = "; ".join(
            f"{r['Area']} {against(int(number(r['vs district'])))}" for _, r in rows.iterrows()
        )
        return (
            f"{', '.join(names[:-1])} and {names[-1]} are tied as the {word}-rated areas: "
            f"{rows['% favorable'].iloc[0]} favorable ({each})."
        )

    assert said(low, "lowest") in chart.caption and said(high, "highest") in chart.caption


def test_trends_in_time_order_with_their_data(case):
    run, unit, page = case
    s = run.truth
    assert s.waves == ["2025-fall", "2026-spring", "2026-fall"]  # the oracle's own reading
    waves = [shown_wave(w) for w in s.waves]  # as the report names them: "Fall 2025", ...
    for first, labels, of in (
        ("Area", [s.area_label(a) for a in s.areas], lambda w, k: s.area(unit, w, k)),
        ("Statement", [s.label(i) for i in s.items["id"]], lambda w, k: s.item(unit, w, k)),
    ):
        t = next(t for t in page.tables if t.columns[0] == first and waves[0] in t.columns)
        assert list(t.columns) == [first, *waves, "Latest change"], "waves in time order"
        assert list(t[first]) == labels
        keys = s.areas if first == "Area" else list(s.items["id"])
        for key, (_, row) in zip(keys, t.iterrows(), strict=True):
            for wave, w in zip(s.waves, waves, strict=True):
                truth = of(wave, key)
                if number(row[w]) is None:
                    continue
                assert truth["n"] >= s.min_n and row[w] == pct(truth["pct"]), (key, w)
    chart = page.chart("Line chart of % favorable by area")
    if chart is None:
        return
    area_table = next(t for t in page.tables if t.columns[0] == "Area" and waves[0] in t.columns)
    assert chart.data.equals(area_table.drop(columns="Latest change"))
    lines = chart.line_xs()
    assert lines, "the trend chart draws lines"
    for xs in lines:  # every line runs left to right: first wave to last
        assert xs == sorted(xs) and len(set(xs)) == len(xs), xs


def test_glance_headlines_strengths_and_focus(case):
    run, unit, page = case
    s, wave, before = run.truth, run.wave, run.compare_to
    first = next(p for p in page.paragraphs() if p.startswith(s.ins["title"]))
    n = s.respondents(unit, wave)
    if "respondents: not shown" in first:
        assert "response rate" not in first
    else:
        assert f"respondents: {n:,}" in first
        invited = s.invited(unit, wave)
        assert f"response rate: {whole(100 * n / invited)}% of {int(invited):,} invited" in first
    if n < s.min_n:
        assert "respondents: not shown" in first
    items = items_shown(run, unit, page)
    shown = items[items["% fav"].map(number).notna()]
    if shown.empty:
        assert any(
            p.startswith("Results are not shown: fewer than 5 answers") for p in page.paragraphs()
        )
        return
    outcome = s.ins["outcome"]
    hidden_now, hidden_then = hidden_statements(page, s, wave), hidden_statements(page, s, before)
    areas, _ = area_rows(run, unit, page)
    trend = next(
        t for t in page.tables if t.columns[0] == "Area" and shown_wave(before) in t.columns
    )
    outcome_area = s.items.set_index("id").loc[outcome, "dimension"]
    heads = [
        (s.area_label(outcome_area), outcome in hidden_now, outcome in hidden_then,
         *(s.item(u, w, outcome) for u, w in ((unit, wave), (unit, before), (None, wave))))
    ]  # fmt: skip
    for index in s.ins.get("indices") or []:
        label = s.area_label(index["id"])
        row = areas[areas["Area"] == label].iloc[0]
        was = trend[trend["Area"] == label].iloc[0][shown_wave(before)]
        heads.append(
            (label, number(row["% favorable"]) is None, number(was) is None,
             *(s.area(u, w, index["id"]) for u, w in ((unit, wave), (unit, before), (None, wave))))
        )  # fmt: skip
    paragraphs = page.paragraphs()
    for label, hidden, hidden_before, now, prev, district in heads:
        if hidden:
            assert not [p for p in paragraphs if p.startswith(f"{label}: ")]
            continue
        line = f"{label}: {whole(now['pct'])}% favorable (district {whole(district['pct'])}%)"
        line += "." if hidden_before else f"; {change_words(s, now, prev, before)}."
        assert line in paragraphs, line
    top = shown.assign(v=shown["% fav"].map(number), pos=range(len(shown)))
    top = top.sort_values(["v", "pos"], ascending=[False, True]).head(3)
    expected = [f"{r['Statement']} — {r['% fav']}" for _, r in top.iterrows()]
    assert page.list_after("Top strengths") == expected
    assert page.list_after("Highest-rated statements") == expected
    words = outcome_words(s)
    chosen = focus(s, unit, wave, before, hidden=hidden_statements(page, s, wave),
                   hidden_before=hidden_statements(page, s, before), outcome_words=words)  # fmt: skip
    assert 1 <= len(chosen) <= run.run["max_focus"]
    assert page.list_after("Focus areas (at most") == [
        f"{s.label(i)} — {pct(s.item(unit, wave, i)['pct'])}; {why}" for i, why in chosen
    ]
    t, caption = page.table("#", "Statement", "% favorable", "District", "Why")
    assert list(t["Statement"]) == [s.label(i) for i, _ in chosen]
    assert list(t["Why"]) == [why for _, why in chosen]
    assert list(t["District"]) == [pct(s.item(None, wave, i)["pct"]) for i, _ in chosen]
    fallback = chosen[0][1].startswith("among the lowest-rated")
    assert caption.startswith("No statement is below the district" if fallback else "Chosen from the statements below the district")  # fmt: skip
    plan = load_workbook(run.folder / "action_plans" / f"{run.slug(unit)}.xlsx")["Action plan"]
    head = [c.value for c in plan[1]]
    rows = [
        dict(zip(head, (c.value for c in r), strict=True))
        for r in plan.iter_rows(min_row=2)
        if r[0].value
    ]
    assert [r["Statement"] for r in rows] == [s.label(i) for i, _ in chosen]
    for r, (i, _) in zip(rows, chosen, strict=True):
        now = s.item(unit, wave, i)
        # the goal: the smallest favorable count (same n) the report's own rule flags "up"
        target = next(
            (k for k in range(now["fav_n"] + 1, now["n"] + 1)
             if s.flag({"pct": 100 * k / now["n"], "n": now["n"]}, now) == "up"),
            None,
        )  # fmt: skip
        if target is not None and now["n"] >= 30:
            assert r["Goal"].startswith(
                f"From {pct(now['pct'])} to {pct(100 * target / now['n'])} favorable: about "
                f"{target - now['fav_n']} more of your {now['n']} respondents"
            ), r["Goal"]
        elif target is not None:
            assert r["Goal"].startswith(f"Count goal: {target - now['fav_n']} more of your")
        else:
            assert "no change can show as significant" in r["Goal"]
    # last round's focus, recomputed by the same rule on last round's data
    earlier = s.waves[s.waves.index(before) - 1]
    then = focus(s, unit, before, earlier, hidden=hidden_statements(page, s, before),
                 hidden_before=hidden_statements(page, s, earlier), outcome_words=words)  # fmt: skip
    lines = []
    for i, _ in then:
        now, prev = s.item(unit, wave, i), s.item(unit, before, i)
        change = whole(now["pct"]) - whole(prev["pct"])
        moved = (
            "no change" if change == 0 else f"{pts(change)} points, {FLAG_WORDS[s.flag(now, prev)]}"
        )
        lines.append(
            f"{s.label(i).removesuffix('.')}: {pct(prev['pct'])} → {pct(now['pct'])} ({moved})"
        )
    assert then, "the sample's units have a last round"
    assert page.list_after("Last round's focus") == lines


def test_gains_benchmarks_and_breakdowns(case):
    run, unit, page = case
    s, wave, before = run.truth, run.wave, run.compare_to
    items = items_shown(run, unit, page)
    shown = items[items["% fav"].map(number).notna()]
    if shown.empty:
        return
    gains = []
    for pos, (_, r) in enumerate(shown.iterrows()):
        now, prev = s.item(unit, wave, r["item"]), s.item(unit, before, r["item"])
        if r["Change"] != "—" and s.flag(now, prev) == "up":
            change = whole(now["pct"]) - whole(prev["pct"])
            gains.append((-change, pos, f"{r['Statement']} — {pts(change)} points ({pct(prev['pct'])} in {shown_wave(before)}, {pct(now['pct'])} now)"))  # fmt: skip
    expected = [g for *_, g in sorted(gains)[:3]] or [
        "No statement rose significantly since the last wave."
    ]
    assert page.list_after("Biggest meaningful gains") == expected
    bench, _ = page.table("Statement", "% favorable", "Benchmark percentile")
    assert list(bench["Statement"]) == list(shown["Statement"])
    for (_, b), (_, r) in zip(bench.iterrows(), shown.iterrows(), strict=True):
        assert b["% favorable"] == r["% fav"]
        assert b["Benchmark percentile"] == s.benchmark(r["item"], int(number(r["% fav"])))
    dims = [d["id"] for d in s.ins["dimensions"]]
    for by in s.ins["breakdowns"]:
        found = page.table(by.title(), "Answered")
        if found is None:
            continue
        t, caption = found
        assert list(t.columns[2:]) == [s.area_label(d) for d in dims]
        groups = set(s.rows(unit, wave)[by].dropna())
        for _, row in t.iterrows():
            counts = []
            for d in dims:
                truth = s.area(unit, wave, d, **{by: row[by.title()]})
                if number(row[s.area_label(d)]) is None:
                    continue
                assert truth["n"] >= s.min_n and row[s.area_label(d)] == pct(truth["pct"])
                counts.append(truth["n"])
            assert number(row["Answered"]) == max(counts)
        missing = groups - set(t[by.title()])
        assert (f"Other {by} groups are not shown" in caption) == bool(missing), caption


def test_methods_state_the_rules_in_plain_words(case):
    run, unit, page = case
    s = run.truth
    whole_text = page.soup.get_text(" ")
    assert "gap_x_importance" not in whole_text  # no rule ids on a leader's screen
    assert "By rater group" not in whole_text and "role first" not in whole_text
    methods = page.section_text("Methods")
    noun = "school" if unit in SCHOOLS else "department"
    assert f"Respondents: people who answered at least one statement about the {noun}" in methods
    assert f"when the {noun} is below the district" in methods and "fell significantly" in methods
    assert "difference of the whole numbers shown" in methods
    for index in s.ins.get("indices") or []:  # the engagement index is defined, item by item
        assert (
            f"{index['label']}. The share of favorable answers over its {len(index['items'])} statements"
            in methods
        )
        for item in index["items"]:
            assert s.items.set_index("id").loc[item, "text"] in methods
    focus_words = page.section_text("Focus areas")
    assert "below the district" in focus_words and "fell significantly" in focus_words


def test_hidden_figures_agree_with_what_the_run_published(case):
    """The report hides exactly what the run's report-safe tables hide (the cache it wrote)."""
    run, unit, page = case
    s = run.truth
    cache = {
        k: pd.read_parquet(run.folder / "cache" / f"{k}.parquet") for k in ("items", "dimensions")
    }
    items = items_shown(run, unit, page)
    published = cache["items"][
        (cache["items"]["department"] == unit) & (cache["items"]["wave"] == run.wave)
    ]
    suppressed = published.set_index("item")["suppressed"]
    assert {i: number(v) is None for i, v in zip(items["item"], items["% fav"], strict=False)} == {
        i: bool(suppressed[i]) for i in items["item"]
    }
    areas, _ = area_rows(run, unit, page)
    published = cache["dimensions"][
        (cache["dimensions"]["department"] == unit) & (cache["dimensions"]["wave"] == run.wave)
    ]
    suppressed = published.set_index("dimension")["suppressed"]
    assert {
        a: number(v) is None for a, v in zip(areas["area"], areas["% favorable"], strict=False)
    } == {a: bool(suppressed[a]) for a in areas["area"]}
    if UNITS[run.survey][unit].startswith("fully hidden"):
        assert s.respondents(unit, run.wave) < s.min_n and items["% fav"].map(number).isna().all()
    if "complement" in UNITS[run.survey][unit]:  # enough people, yet hidden to protect others
        assert s.respondents(unit, run.wave) >= s.min_n and items["% fav"].map(number).isna().all()
