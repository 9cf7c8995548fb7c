"""The oracle on a packet: what a director reads in a department packet, recomputed from the raw
sample with naive pandas (``truth.py``, ``rules.py``; no import of the library).

One real ``districtsurvey run`` of a two-survey packet (both sample surveys, fall 2026 against
spring) on a few units chosen for what can go wrong:
- Finance and Transportation: in both surveys, everything shown (a packet each);
- Legal Services: in both surveys, hidden in the engagement survey (fewer than 5 respondents);
- Central High School: a school, in the engagement survey only (its survey's own report).

The run is ``packet_run`` (tests/conftest.py), shared with the cross-survey privacy attack.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from oracle.expect import outcome_words, pct
from oracle.read import Page, number, text
from oracle.rules import focus_rows, reason
from oracle.truth import Survey, whole
from support import PACKET_SURVEYS as SURVEYS
from support import ROOT, SAMPLE

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
WAVE, BEFORE = "2026-fall", "2026-spring"
HEADINGS = {"Service": "How the schools rate our service", "Team": "How our team feels"}


def truth(survey: str) -> Survey:
    return Survey(
        data=SAMPLE / f"{survey}.parquet",
        instrument=ROOT / "data" / "instruments" / f"{survey}.yml",
        headcounts=SAMPLE / f"{survey}_headcounts.csv",
        benchmarks=SAMPLE / f"{survey}_benchmarks.csv",
    )


@pytest.fixture(scope="module")
def packet(packet_run) -> Path:
    return packet_run


def slug_of(run: Path, unit: str) -> str:
    units = json.loads((run / "cache" / "run.json").read_text(encoding="utf-8"))["departments"]
    return next(d["slug"] for d in units if d["name"] == unit)


def page_of(run: Path, unit: str) -> Page:
    return Page.read(run / "departments" / f"{slug_of(run, unit)}.html")


def statement_tables(page: Page, s: Survey) -> pd.DataFrame:
    """The packet's statements table of survey ``s`` (each survey has its own), with item ids."""
    labels = [s.label(i) for i in s.items["id"]]
    for t in page.tables:
        if (
            list(t.columns[:3]) == ["Area", "Statement", "Answered"]
            and list(t["Statement"]) == labels
        ):
            return t.assign(item=list(s.items["id"]))
    raise AssertionError(f"no statements table of {s.ins['title']}")


def oracle_focus(page: Page, unit: str) -> list[dict]:
    """The packet's focus list by its Methods: each survey's candidates (the survey's own rule,
    ``rules.py``), then weighted points = points × importance × (statements - the outcome),
    real problems first, ties: more points, lower % favorable, survey listed first, own rank."""
    rows = []
    for order, (label, survey) in enumerate(SURVEYS.items()):
        s = truth(survey)
        t = statement_tables(page, s)
        hidden = {i for i, v in zip(t["item"], t["% fav"], strict=True) if number(v) is None}
        before = {i for i, v in zip(t["item"], t["Change"], strict=True) if number(v) is None}
        words = outcome_words(s)
        statements = len(s.items) - 1
        chosen = focus_rows(s, unit, WAVE, BEFORE, hidden=hidden, hidden_before=before - hidden,
                            outcome_words=words)  # fmt: skip
        for rank, row in enumerate(chosen, start=1):
            points = row["gap"] + row["decline"]
            weight = row["importance"] * statements
            real = row["basis"] == "below"
            rows.append(
                {**row, "survey": label, "order": order, "rank": rank, "s": s,
                 "points": points, "weight": weight, "real": real,
                 "weighted": round(points * weight, 1) if real else 0.0,
                 "why": reason(row, BEFORE, words)}
            )  # fmt: skip
    rows.sort(
        key=lambda r: (
            not r["real"],
            -r["weighted"],
            -r["points"],
            r["shown"],
            r["order"],
            r["rank"],
        )
    )
    return rows


@pytest.mark.parametrize("unit", ["Finance", "Transportation"])
def test_packet_glance_and_the_one_focus_list(packet, unit):
    page = page_of(packet, unit)
    assert page.title == unit
    blocks = page.soup.find_all("div", class_="ds-packet-survey")
    assert len(blocks) == 2
    for block, (label, survey) in zip(blocks, SURVEYS.items(), strict=True):
        s = truth(survey)
        first = text(block.find("p"))
        assert first.startswith(HEADINGS[label])
        n = s.respondents(unit, WAVE)  # people who answered at least one statement
        rate = whole(100 * n / s.invited(unit, WAVE))
        assert f"respondents: {n:,} · response rate: {rate}%" in first
        lines = [text(li) for li in block.find_all("li")]
        outcome = s.ins["outcome"]
        area = s.area_label(s.items.set_index("id").loc[outcome, "dimension"])
        now, district = s.item(unit, WAVE, outcome), s.item(None, WAVE, outcome)
        want = f"{area}: {whole(now['pct'])}% favorable (district {whole(district['pct'])}%)"
        assert any(line.startswith(want) for line in lines), (want, lines)
        for index in s.ins.get("indices") or []:
            now, district = s.area(unit, WAVE, index["id"]), s.area(None, WAVE, index["id"])
            want = (
                f"{s.area_label(index['id'])}: {whole(now['pct'])}% favorable "
                f"(district {whole(district['pct'])}%)"
            )
            assert any(line.startswith(want) for line in lines), (want, lines)
    expected = oracle_focus(page, unit)
    chosen = expected[:3]
    assert 1 <= len(chosen) <= 3
    t, caption = page.table("#", "Survey", "Statement", "% favorable", "District")
    assert len(t) == len(chosen) <= 3  # at most three in all, not three per survey
    for (_, row), want in zip(t.iterrows(), chosen, strict=True):
        s = want["s"]
        assert row["Survey"] == want["survey"]
        assert row["Statement"] == s.label(want["item"])
        assert row["% favorable"] == pct(s.item(unit, WAVE, want["item"])["pct"])
        assert row["District"] == pct(s.item(None, WAVE, want["item"])["pct"])
        assert row["Why its survey chose it"] == want["why"]
        if want["real"]:
            assert row["Why it won"].startswith(
                f"{want['weighted']:g} weighted points ({want['points']:g} points × importance "
                f"{want['weight']:.2f} against an average {want['survey']} statement)"
            )
    for loser in expected[3:]:  # the caption names what the winners won over
        assert f"{loser['survey']}: {loser['s'].label(loser['item'])}" in caption
    glance = page.list_after("Focus areas (at most 3 in all")
    assert [g.split(" — ")[0] for g in glance] == [
        f"{w['survey']}: {w['s'].label(w['item'])}" for w in chosen
    ]
    # the one plan: the workbook has a row per focus area, with its survey
    ws = load_workbook(packet / "action_plans" / f"{slug_of(packet, unit)}.xlsx").worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    got = [(r[head.index("Survey")], r[head.index("Statement ID")]) for r in rows[1:] if r[0]]
    assert got == [(w["survey"], w["item"]) for w in chosen]


def test_a_department_hidden_in_one_survey(packet):
    page = page_of(packet, "Legal Services")
    team = truth("engagement")
    assert team.respondents("Legal Services", WAVE) < 5  # the reason it is hidden
    block = page.soup.find_all("div", class_="ds-packet-survey")[1]
    words = text(block)
    assert "respondents: not shown" in words and "Results are not shown" in words
    t = statement_tables(page, team)
    assert all(number(v) is None for v in t["% fav"])
    for _, row in page.table("#", "Survey", "Statement")[0].iterrows():
        assert row["Survey"] == "Service"  # no focus on a hidden figure


def test_a_school_gets_its_survey_report_alone(packet):
    page = page_of(packet, "Central High School")
    words = text(page.soup)
    assert "How the schools rate our service" not in words
    assert "Employee Engagement Survey" in words
    s = truth("engagement")
    n = s.respondents("Central High School", WAVE)
    assert f"respondents: {n:,}" in words
    index = (packet / "index.html").read_text(encoding="utf-8")
    assert f'href="departments/{slug_of(packet, "Central High School")}.html"' in index
    assert (packet / "rollout" / f"{slug_of(packet, 'Central High School')}.html").exists()


def test_each_chart_says_whose_figures_it_shows(packet):
    """A packet page draws each kind of chart twice, once per survey, and a screen reader
    announces a chart by its alt text: no two alike, and each names its unit and its survey (the
    instrument's title, read from its file)."""
    titles = [truth(s).ins["title"] for s in SURVEYS.values()]
    for unit in ["Finance", "Transportation"]:
        alts = [c.alt for c in page_of(packet, unit).charts]
        assert len(set(alts)) == len(alts), alts
        for kind in ["Bar chart of % favorable", "Line chart of % favorable", "Diverging bar"]:
            got = [a for a in alts if a.startswith(kind)]
            assert len(got) == len(titles), (kind, got)
            for alt, title in zip(got, titles, strict=True):
                assert f"({unit}, {title})" in alt, alt


def test_quadrant_points_are_both_surveys_figures(packet):
    index = Page.read(packet / "index.html")
    chart = index.chart("Quadrant chart")
    assert chart is not None
    data = chart.data.set_index("Department")
    ss, ee = truth("support_services"), truth("engagement")
    outcome_area = ss.items.set_index("id").loc[ss.ins["outcome"], "dimension"]
    for unit in ["Finance", "Transportation", "Legal Services"]:
        service = ss.area(unit, WAVE, outcome_area)
        team = ee.area(unit, WAVE, "engagement_index")
        row = data.loc[unit]
        assert row["Service (% favorable)"] == pct(service["pct"])
        if team["n"] < 5:
            assert number(row["Engagement index (% favorable)"]) is None
            assert unit in chart.caption.split("Not a point")[1]
        else:
            assert row["Engagement index (% favorable)"] == pct(team["pct"])
    assert "Central High School" not in data.index  # a school is in one survey only
    points = [n for n in data.index if not any(math.isnan(x or math.nan) for x in
              (number(data.loc[n, c]) for c in data.columns))]  # fmt: skip
    assert chart.caption.startswith(f"{len(points)} departments shown in both surveys")


def test_the_packet_index_first_screen_answers_for_both_surveys(packet):
    """The demo's index.html is the packet's summary: its first screen answers the
    superintendent's questions for each survey (who needs support, who excels, what moved, who was
    heard) before any detail; support and excellence recomputed with the Wilson interval of the
    outcome area against the whole district's value (the rule issue 14 states)."""
    page = Page.read(packet / "index.html")
    heads = [text(h) for h in page.soup.find_all(["h2", "h3"])]
    blocks = {"Service": "How the schools rate our service", "Team": "How our teams feel"}
    detail = heads.index("Service and team together")
    units = json.loads((packet / "cache" / "run.json").read_text(encoding="utf-8"))["departments"]
    for label, heading in blocks.items():
        s = truth(SURVEYS[label])
        assert heads.index(heading) < detail, f"{heading} comes before the detail"
        area = s.items.set_index("id").loc[s.ins["outcome"], "dimension"]
        district = s.area(None, WAVE, area)["pct"]
        mine = [u for u in units if label in u["surveys"]]
        cache = packet / "surveys" / SURVEYS[label] / "cache" / "dimensions.parquet"
        dims = pd.read_parquet(cache)
        shown = dims[(dims["wave"] == WAVE) & (dims["dimension"] == area) & ~dims["suppressed"]]
        expect = {"support": [], "excellence": []}
        for u in mine:
            if u["surveys"][label] not in set(shown["department"]):
                continue  # hidden: never named in a list
            f = s.area(u["surveys"][label], WAVE, area)
            lo, hi = s.wilson(f["fav_n"], f["answers"])
            if hi < district:
                expect["support"].append((f["pct"], u))
            elif lo > district:
                expect["excellence"].append((-f["pct"], u))
        # the Team survey covers the sample's 40 schools too (sample/district.yml): its units
        # are "units", not "departments"; the Service survey rates departments only
        word = {"Service": "Departments", "Team": "Units"}[label]
        for group, title in (
            ("support", f"{word} needing support"),
            ("excellence", f"{word} of excellence"),
        ):
            card = page.soup.find("h3", id=f"ds-{group}-{label.lower()}")
            assert card is not None and text(card) == title
            items = card.find_parent("section").find_all("li")
            rows = sorted(expect[group], key=lambda x: x[0])
            assert [text(li.find("a")) for li in items] == [u["name"] for _, u in rows]
            for li, (_, u) in zip(items, rows, strict=True):
                assert li.find("a")["href"] == f"departments/{u['slug']}.html"
                f = s.area(u["surveys"][label], WAVE, area)
                assert f"{u['name']} {pct(f['pct'])}" in text(li)
            if not rows:
                assert f"None: no {word[:-1].lower()}" in text(card.find_parent("section"))
        for card in ("how", "moved", "follow", "rates"):
            assert page.soup.find(id=f"ds-{card}-{label.lower()}") is not None
    # every in-page link of the first screen lands on a heading of the page
    ids = {t["id"] for t in page.soup.find_all(id=True)}
    for a in page.soup.select(".ds-overview a[href^='#']"):
        assert a["href"][1:] in ids, a["href"]


def test_no_packet_page_names_a_wave_by_its_id(packet):
    """A leader reads "Fall 2026", never "2026-fall", on every page the packet run writes."""
    raw = re.compile(r"\b\d{4}-(?:winter|spring|summer|fall|autumn|\d{2}-pulse)\b", re.I)
    pages = [packet / "index.html", *sorted((packet / "departments").glob("*.html"))]
    pages += sorted((packet / "rollout").glob("*.html"))
    for path in pages:
        soup = Page.read(path).soup
        for tag in soup(["style", "script"]):
            tag.decompose()
        found = raw.findall(soup.get_text(" "))
        assert not found, f"{path.name}: {found[:3]}"
