"""The action-plan workbook leaders use: read back with openpyxl as Excel would show it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.reports.actions import action_plan
from districtsurvey.reports.workbook import plan_xlsx

RUN = {
    "name": "t",
    "title": "Support Services Survey, 2026-fall",
    "survey": "support_services",
    "wave": "2026-fall",
    "date": "2026-11-22",
    "params": {},
}


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    focus = pd.DataFrame(
        {"rank": [1, 2], "item": ["ss_timely_response", "ss_ops_resolve"],
         "pct_favorable": [23.0, 40.0], "n": [58, 7]}
    )  # fmt: skip
    plan = action_plan(
        focus, load_instrument("support_services"), department="=Transport",
        start=dt.date(2026, 11, 22),
    )  # fmt: skip
    data = plan_xlsx(plan, run=RUN, department="=Transport")
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # no formula element anywhere in the sheets
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]


def test_columns_a_leader_tracks(book):
    assert book.sheetnames == ["Action plan", "About"]
    ws = book["Action plan"]
    head = [c.value for c in ws[1]]
    for name in ("Statement", "Goal", "Tactic", "Owner", "Status", "% complete",
                 "30-day check", "60-day check", "90-day check", "Notes"):  # fmt: skip
        assert name in head, name
    # indicator columns: the four months after the report date 2026-11-22
    assert [h for h in head if h.startswith("Indicator ")] == [
        "Indicator 2026-12", "Indicator 2027-01", "Indicator 2027-02", "Indicator 2027-03"
    ]  # fmt: skip
    rows = _rows(ws)
    assert [r["Status"] for r in rows] == ["Not started", "Not started"]
    assert [r["% complete"] for r in rows] == [0, 0]
    # checkpoints: 2026-11-22 + 30, 60, 90 days
    assert rows[0]["30-day check"].date() == dt.date(2026, 12, 22)
    assert rows[0]["60-day check"].date() == dt.date(2027, 1, 21)
    assert rows[0]["90-day check"].date() == dt.date(2027, 2, 20)
    assert rows[0]["Tactic"] != rows[1]["Tactic"]
    assert rows[1]["Goal"].startswith("Count goal:")  # 7 answered: a count goal


def _validation(ws, column: str):
    letter = openpyxl.utils.get_column_letter([c.value for c in ws[1]].index(column) + 1)
    hits = [dv for dv in ws.data_validations.dataValidation if f"{letter}2" in dv.sqref]
    assert len(hits) == 1, column
    return hits[0]


def test_data_validation_on_the_list_the_numbers_and_the_dates(book):
    ws = book["Action plan"]
    status = _validation(ws, "Status")
    assert status.type == "list"
    assert status.formula1 == '"Not started,In progress,Done,Dropped"'
    done = _validation(ws, "% complete")
    assert (done.type, done.operator, done.formula1, done.formula2) == (
        "whole",
        "between",
        "0",
        "100",
    )
    assert _validation(ws, "60-day check").type == "date"
    assert _validation(ws, "Indicator 2027-01").type == "decimal"
    for dv in ws.data_validations.dataValidation:
        assert dv.showErrorMessage and dv.error


def test_text_never_a_formula_and_about_names_the_plan(book):
    ws = book["Action plan"]
    cell = ws.cell(row=2, column=1)
    assert cell.value == "=Transport" and cell.data_type == "s" and cell.quotePrefix
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["Department"] == "=Transport" and book["About"]["B1"].quotePrefix
    assert about["Survey id"] == "support_services" and about["Wave"] == "2026-fall"
    assert about["Made on"] == "November 22, 2026"  # US date by default
    assert "Not started, In progress, Done, Dropped" in about["How to use"]
