"""The oracle on the district summary (index.html): headline, system-wide focus, heatmap data,
ranking, response rates and reliability, recomputed from the raw data (see test_department.py).

Written against the truth, not against one wording: a column may be renamed, but a count headed
"Respondents" must be the people who answered at least one statement about the unit, and every
figure must be the oracle's.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oracle.conftest import UNITS
from oracle.expect import interval, outcome_words, pct, pts
from oracle.read import Page, number
from oracle.rules import focus
from oracle.truth import shown_wave, whole

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


@pytest.fixture(params=list(UNITS))
def index(request, runs):
    run = runs[request.param]
    return run, Page.read(run.folder / "index.html")


def outcome_area(s) -> str:
    return s.items.set_index("id").loc[s.ins["outcome"], "dimension"]


def published(run, unit: str, area: str) -> bool:
    """Whether the run's report-safe tables show this unit's area (the cache it wrote)."""
    d = pd.read_parquet(run.folder / "cache" / "dimensions.parquet")
    row = d[(d["department"] == unit) & (d["wave"] == run.wave) & (d["dimension"] == area)]
    return not bool(row["suppressed"].iloc[0])


def wave_words(wave: str) -> str:
    """A pattern for a wave as a reader may see it: its name (``2026-spring``) or in words
    (``Spring 2026``)."""
    year, _, season = wave.partition("-")
    words = f"{season.title()} {year}" if season.isalpha() else wave
    return f"({re.escape(wave)}|{re.escape(words)})"


def test_headline(index):
    run, page = index
    s, wave = run.truth, run.wave
    n = s.respondents(None, wave)
    facts = " ".join(page.paragraphs()[:3])
    assert re.search(rf"\b{n:,} respondents\b", facts), facts
    rate = re.search(r"response rate (\d+)%", facts)
    assert rate and int(rate.group(1)) == whole(100 * n / s.invited("District", wave))
    now, before = s.area(None, wave, outcome_area(s)), s.area(None, run.compare_to, outcome_area(s))
    line = next(p for p in page.paragraphs() if p.startswith("District overall"))
    # "District overall: 69% favorable" or "District overall quality: 69% favorable"
    assert re.match(rf"District overall[^:]*: {whole(now['pct'])}% favorable\b", line), line
    change = whole(now["pct"]) - whole(before["pct"])
    since = wave_words(run.compare_to)
    assert re.search(rf"(^|\s){re.escape(pts(change))} points? since {since}", line), line


def test_system_wide_focus(index):
    run, page = index
    s = run.truth
    chosen = focus(s, None, run.wave, run.compare_to, hidden=set(), outcome_words=outcome_words(s))
    shown = [t for t in page.section_text("System-wide focus areas").splitlines() if " — " in t]
    assert chosen and len(shown) == len(chosen) <= run.run["max_focus"]
    for line, (item, why) in zip(shown, chosen, strict=True):
        assert f"— {pct(s.item(None, run.wave, item)['pct'])}; {why}" in line, (line, why)


def test_heatmap_data(index):
    run, page = index
    s = run.truth
    chart = page.chart("Heatmap") or next(c for c in page.charts if "Department" in c.data.columns)
    data = chart.data
    areas = {s.area_label(d["id"]): d["id"] for d in s.ins["dimensions"]}
    rows = data[data["Department"].isin(UNITS[run.survey])]
    assert set(rows["Department"]) == set(UNITS[run.survey])
    for _, row in rows.iterrows():
        for label, area in areas.items():
            cell = row[label]
            truth = s.area(row["Department"], run.wave, area)
            if number(cell) is None:
                assert not published(run, row["Department"], area)
                continue
            assert truth["n"] >= s.min_n
            if cell.endswith("%"):
                assert cell == pct(truth["pct"]), (row["Department"], label)
            else:  # points against the district
                district = s.area(None, run.wave, area)
                assert cell == pts(whole(truth["pct"]) - whole(district["pct"]))


def test_ranking(index):
    run, page = index
    s, wave = run.truth, run.wave
    t = next(t for t in page.tables if "Department" in t.columns and "Verdict" in t.columns)
    area = outcome_area(s)
    district = s.area(None, wave, area)
    reference = t[t["Department"] == "District"]  # the district's own row, when it is listed
    for _, row in reference.iterrows():
        assert row["% favorable"] == pct(district["pct"]) and "reference" in row["Verdict"]
    t = t[t["Department"] != "District"]
    values = [number(v) for v in t["% favorable"]]
    shown = [v for v in values if v is not None]
    assert shown == sorted(shown, reverse=True)
    assert values[: len(shown)] == shown, "hidden departments come last"
    assert set(t["Department"]) == set(UNITS[run.survey])
    for _, row in t.iterrows():
        unit = row["Department"]
        truth = s.area(unit, wave, area)
        if number(row["% favorable"]) is None:
            assert not published(run, unit, area)
            continue
        assert truth["n"] >= s.min_n and row["% favorable"] == pct(truth["pct"])
        if "Respondents" in t.columns:  # the word means one thing
            assert number(row["Respondents"]) == s.respondents(unit, wave)
        if "Answered" in t.columns:
            assert number(row["Answered"]) == truth["n"]
        assert row["95% interval"] == interval(truth["fav_n"], truth["answers"])
        if "vs district" in t.columns:
            assert row["vs district"] == pts(whole(truth["pct"]) - whole(district["pct"]))
        before = s.area(unit, run.compare_to, area)
        if row["Change"] != "—":
            assert row["Change"] == pts(whole(truth["pct"]) - whole(before["pct"]))
        lo, hi = s.wilson(truth["fav_n"], truth["answers"])
        verdict = (
            "excellence"
            if lo > district["pct"]
            else "needs support"
            if hi < district["pct"]
            else "about"
        )
        assert row["Verdict"].startswith(verdict), (unit, row["Verdict"])


def test_response_rates(index):
    run, page = index
    s, wave = run.truth, run.wave
    t = next(t for t in page.tables if "Response rate" in t.columns)
    assert set(t["Department"]) == {*UNITS[run.survey], "District"}
    for _, row in t.iterrows():
        unit = None if row["Department"] == "District" else row["Department"]
        n = s.respondents(unit, wave)
        if number(row["Respondents"]) is None:
            assert unit is not None
            continue
        assert n >= s.min_n and number(row["Respondents"]) == n
        invited = s.invited(row["Department"], wave)
        assert number(row["Invited"]) == invited
        assert row["Response rate"] == pct(100 * n / invited)


def test_reliability(index):
    run, page = index
    s = run.truth
    shown = [shown_wave(w) for w in s.waves]  # the columns name the waves in words (issue 14)
    t = next(t for t in page.tables if t.columns[0] == "Area" and list(t.columns[1:]) == shown)
    for _, row in t.iterrows():
        area = next(d["id"] for d in s.ins["dimensions"] if d["label"] == row["Area"])
        members = s.members(area)
        for wave in s.waves:
            a = s.rows(None, wave)
            wide = a[a["item"].isin(members)].pivot_table(
                index=["department", "respondent_id"], columns="item", values="score"
            )
            wide = wide.dropna().astype(float)
            k = wide.shape[1]
            alpha = k / (k - 1) * (1 - wide.var(ddof=1).sum() / wide.sum(axis=1).var(ddof=1))
            assert row[shown_wave(wave)] == f"{alpha:.2f}", (area, wave)
