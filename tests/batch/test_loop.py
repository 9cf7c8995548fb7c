"""Two rounds end to end: a first run, its workbooks edited with openpyxl as a leader would, and a
second real batch (notebooks, nbconvert) that reads them back; checked in the HTML and xlsx a
reader gets. Expected figures come from the raw sample data with naive pandas (no library code)."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from districtsurvey.batch.publish import publish_extras
from districtsurvey.batch.run import run_batch
from districtsurvey.prepare.run import prepare
from support import SAMPLE, write_params

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
DEPARTMENTS = ["Transportation", "Finance"]


def _text(path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", soup.get_text(" "))


def _pct(dept: str, wave: str, item: str) -> int:
    """% favorable as printed: answers 4-5 over answers 1-5 (the sample has no N/A codes)."""
    raw = pd.read_parquet(SAMPLE / "support_services.parquet")
    a = raw[(raw["department"] == dept) & (raw["wave"] == wave) & (raw["item"] == item)]
    a = a[a["value"].notna()]
    return int(f"{100 * (a['value'] >= 4).sum() / len(a):.0f}")


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    one = tmp_path_factory.mktemp("round1")
    r1 = prepare(write_params(one, wave="2026-spring", compare_to=None, departments=DEPARTMENTS))
    publish_extras(r1)
    two = tmp_path_factory.mktemp("round2")
    plans = two / "plans"
    shutil.copytree(r1 / "action_plans", plans)
    wb = openpyxl.load_workbook(plans / "transportation.xlsx")
    ws = wb["Action plan"]
    head = [c.value for c in ws[1]]
    edits = {"Status": "Done", "% complete": 100, "Indicator 2026-12": 12, "Indicator 2027-01": 30}
    for header, value in edits.items():
        ws.cell(row=2, column=head.index(header) + 1).value = value
    ws.cell(row=3, column=head.index("Status") + 1).value = "Dropped"
    wb.save(plans / "transportation.xlsx")
    params = write_params(two, departments=DEPARTMENTS, plans=str(plans))
    run_batch(params, jobs=2, quiet=True)
    return r1, two / "run"


def test_department_report_follows_up_the_plan(loop):
    r1, r2 = loop
    before = pd.read_csv(r1 / "action_plans" / "transportation.csv").sort_values("rank")
    text = _text(r2 / "departments" / "transportation.html")
    html = (r2 / "departments" / "transportation.html").read_text(encoding="utf-8")
    statuses = {1: "Done, 100% complete", 2: "Dropped, 0% complete", 3: "Not started, 0% complete"}
    for row in before.itertuples():
        assert f"Planned: {row.tactics}" in text
        assert f"Status: {statuses[row.rank]}" in text
        then, now = (
            _pct("Transportation", "2026-spring", row.item),
            _pct("Transportation", "2026-fall", row.item),
        )
        assert f"How it moved: {then}% → {now}% " in text, row.item
    # the indicator values the leader wrote, in the chart's data table
    assert re.search(
        r"<td>Dec 2026</td><td>12</td>\s*</tr>\s*<tr><td>Jan 2027</td><td>30</td>", html
    )


def test_district_summary_rolls_the_plans_up(loop):
    r1, r2 = loop
    text = _text(r2 / "index.html")
    rows = pd.concat(pd.read_csv(p) for p in sorted((r1 / "action_plans").glob("*.csv")))
    not_started = len(rows) - 2  # two of Transportation's rows were edited
    assert "Last round's action plans" in text
    for status, n in (
        ("Not started", not_started),
        ("In progress", 0),
        ("Done", 1),
        ("Dropped", 1),
    ):
        assert f"{status} {n} " in text, (status, n)
    assert "Statements with a plan marked Done:" in text


def test_rollout_and_next_plan_close_the_loop(loop):
    r1, r2 = loop
    text = _text(r2 / "rollout" / "transportation.html")
    before = pd.read_csv(r1 / "action_plans" / "transportation.csv").sort_values("rank")
    assert "Last time we said, here is what we did (Spring 2026)" in text
    assert f"We said: {before['tactics'].iloc[0]}. What we did: Done, 100% complete" in text
    ws = openpyxl.load_workbook(r2 / "action_plans" / "transportation.xlsx")["Action plan"]
    head = [c.value for c in ws[1]]
    now = [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    finished = set(before["tactics"].iloc[:2])  # Done and Dropped
    assert not finished & {r["Tactic"] for r in now}
    assert len({r["Tactic"] for r in now}) == len(now)
