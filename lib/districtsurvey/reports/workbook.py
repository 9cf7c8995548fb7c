"""The action plan as a workbook a leader uses for 90 days and the next round reads back: an
"Action plan" sheet (status from a list, owner, % complete 0-100, 30/60/90-day checkpoints, the
leading indicator's values by month, notes; data validation on the list, numbers and dates) and
an "About" sheet (what the plan is for, how to use it). The columns are the contract of
``contracts.plans``.

Every cell is written as a value: text that starts like a formula ("=", "+", "-", "@") is stored
as text with Excel's quote prefix, never as a formula (``as_text``).
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd

from ..contracts.files import FORMULA_START
from ..contracts.plans import (
    ABOUT_SHEET,
    NOTES,
    PLAN_FIELDS,
    PLAN_SHEET,
    STATUSES,
    month_header,
)
from . import locale as locales
from .records import records

MONTHS = 4  # indicator columns: the months from the plan's start to its 90-day check


def plan_months(start: dt.date, *, months: int = MONTHS) -> list[str]:
    """The months (YYYY-MM) a plan starting on ``start`` tracks its indicator in.

    >>> plan_months(dt.date(2026, 11, 22))
    ['2026-12', '2027-01', '2027-02', '2027-03']
    """
    out, y, m = [], start.year, start.month
    for _ in range(months):
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append(f"{y}-{m:02d}")
    return out


def _rows(plan: pd.DataFrame, start: dt.date) -> list[list]:
    rows = []
    for p in records(plan):
        values = {
            **p,
            "status": "Not started",
            "pct_complete": 0,
            "check_30": start + dt.timedelta(days=30),
            "check_60": start + dt.timedelta(days=60),
            "check_date": dt.date.fromisoformat(str(p["check_date"])),
        }
        rows.append([values.get(k, "") for k in PLAN_FIELDS])
    return rows


def plan_xlsx(plan: pd.DataFrame, *, run: dict, department: str, note: str = "") -> bytes:
    """The plan as a styled, validated workbook: an "Action plan" sheet and an "About" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    loc = locales.for_run(run)
    start = dt.date.fromisoformat(run["date"])
    months = plan_months(start)
    header = [h for h, _, _ in PLAN_FIELDS.values()] + [month_header(m) for m in months]
    header.append(NOTES[1])
    widths = [w for _, w, _ in PLAN_FIELDS.values()] + [12] * len(months) + [NOTES[2]]
    wb = Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    ws.append(header)
    for row in _rows(plan, start):
        ws.append(row + [None] * len(months) + [""])
    wrap = Alignment(wrap_text=True, vertical="top")
    last = max(ws.max_row, 2)
    col = {k: i + 1 for i, k in enumerate(PLAN_FIELDS)}
    for c, width in enumerate(widths, start=1):
        letter = ws.cell(row=1, column=c).column_letter
        ws.column_dimensions[letter].width = width
        head = ws.cell(row=1, column=c)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor="0F4C81")
        head.alignment = Alignment(wrap_text=True, vertical="center")
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=c).alignment = wrap
    for key in ("check_30", "check_60", "check_date"):
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=col[key]).number_format = loc.excel_date
    for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        lines = max(
            math.ceil(len(str(v or "")) / (w * 1.1)) for v, w in zip(values, widths, strict=True)
        )
        ws.row_dimensions[r].height = 15 * max(lines, 1) + 4

    def letter(c: int) -> str:
        return ws.cell(row=1, column=c).column_letter

    def validate(dv: DataValidation, first: int, last_col: int | None = None) -> None:
        dv.error_title, dv.showErrorMessage = "Not allowed", True
        ws.add_data_validation(dv)
        dv.add(f"{letter(first)}2:{letter(last_col or first)}{last}")

    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    status.error = "Choose a status from the list: " + ", ".join(STATUSES)
    validate(status, col["status"])
    done = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    done.error = "% complete is a whole number from 0 to 100"
    validate(done, col["pct_complete"])
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dates.error = "A checkpoint is a date"
    validate(dates, col["check_30"], col["check_date"])
    first_month = len(PLAN_FIELDS) + 1
    numbers = DataValidation(type="decimal", operator="between", formula1="-1E+9", formula2="1E+9")
    numbers.error, numbers.allow_blank = "An indicator value is a number (count or %)", True
    validate(numbers, first_month, first_month + len(months) - 1)
    ws.freeze_panes = "E2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    info = wb.create_sheet(ABOUT_SHEET)
    for label, value in _about(run, department, note, loc, months):
        info.append([label, value])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 16, 100
    for (cell,) in info.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    for (cell,) in info.iter_rows(min_col=2, max_col=2):
        cell.alignment = wrap
    for sheet in wb.worksheets:
        as_text(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _about(run: dict, department: str, note: str, loc, months: list[str]) -> list[tuple]:
    survey_id = run.get("survey") or run.get("params", {}).get("instrument", "")
    return [
        ("Department", department),
        ("Survey", locales.run_title(run, loc)),
        ("Survey id", survey_id),
        ("Round", loc.wave(run["wave"])),
        ("Wave", run["wave"]),  # the id the next round reads back
        ("Run", run.get("name", "")),
        ("Made on", loc.date(run["date"])),
        (
            "How to use",
            "A starting point: edit the goal, tactic, owner and indicator with your team. One row"
            " per focus area (at most three). Through the 90 days keep Status (a list: "
            + ", ".join(STATUSES)
            + "), % complete (0 to 100) and the checkpoint dates current, and write the leading"
            f" indicator's value for each month ({months[0]} to {months[-1]}) in its column.",
        ),
        (
            "Next round",
            "Keep this file (its name, sheets and header row unchanged): the next survey round "
            "reads it back and reports, for each focus statement, the tactic, its status, the "
            "indicator's values and how the statement moved.",
        ),
        ("Note", note or "Prefilled from the survey's focus areas."),
    ]


def as_text(ws) -> int:
    """Make every text cell that starts like a formula plain text: openpyxl turns a str starting
    with "=" into a formula; the quote prefix keeps Excel from reading "=", "+", "-", "@" as one
    when the cell is edited. Returns how many cells it changed.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> ws["A1"], ws["A2"] = '=HYPERLINK("http://x")', "@SUM(1)"
    >>> as_text(ws), ws["A1"].data_type, ws["A1"].value, ws["A2"].quotePrefix
    (2, 's', '=HYPERLINK("http://x")', True)
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed
