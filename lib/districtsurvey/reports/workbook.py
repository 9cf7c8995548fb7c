"""The action plan as a workbook a leader edits: an "Action plan" sheet and an "About" sheet.

Every cell is written as a value: text that starts like a formula ("=", "+", "-", "@") is stored
as text with Excel's quote prefix, never as a formula (``as_text``).
"""

from __future__ import annotations

import io
import math

import pandas as pd

from ..contracts.files import FORMULA_START
from . import locale as locales

# Column headers and widths (characters) of the spreadsheet a leader edits.
PLAN_COLUMNS = {
    "department": ("Department", 18),
    "rank": ("Rank", 6),
    "area": ("Area", 14),
    "statement": ("Statement", 36),
    "goal": ("Goal", 30),
    "tactics": ("Tactics", 44),
    "owner": ("Owner", 22),
    "leading_indicator": ("Leading indicator", 30),
    "check_date": ("Check date", 12),
}


def plan_xlsx(plan: pd.DataFrame, *, run: dict, department: str, note: str = "") -> bytes:
    """The plan as a styled workbook: an "Action plan" sheet and an "About" sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = plan.copy()
    sheet["check_date"] = pd.to_datetime(sheet["check_date"]).dt.date
    sheet = sheet[list(PLAN_COLUMNS)].rename(columns={k: v[0] for k, v in PLAN_COLUMNS.items()})
    about = pd.DataFrame(
        {
            "": ["Department", "Survey", "Wave", "Made on", "How to use", "Note"],
            " ": [
                department,
                run.get("title", ""),
                run["wave"],
                locales.for_run(run).date(run["date"]),
                "A starting point: edit the goal, tactics, owner and indicator "
                "with your team. One row per focus area (at most three).",
                note or "Prefilled from the survey's focus areas.",
            ],
        }
    )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        sheet.to_excel(writer, sheet_name="Action plan", index=False)
        about.to_excel(writer, sheet_name="About", index=False, header=False)
        ws = writer.sheets["Action plan"]
        wrap = Alignment(wrap_text=True, vertical="top")
        for col, (key, (_, width)) in enumerate(PLAN_COLUMNS.items(), start=1):
            letter = ws.cell(row=1, column=col).column_letter
            ws.column_dimensions[letter].width = width
            head = ws.cell(row=1, column=col)
            head.font = Font(bold=True, color="FFFFFF")
            head.fill = PatternFill("solid", fgColor="0F4C81")
            head.alignment = Alignment(wrap_text=True, vertical="center")
            for row in range(2, ws.max_row + 1):
                cell = ws.cell(row=row, column=col)
                cell.alignment = wrap
                if key == "check_date":
                    cell.number_format = locales.for_run(run).excel_date
        for row, values in enumerate(sheet.itertuples(index=False), start=2):
            lines = max(
                math.ceil(len(str(v)) / (w * 1.1))
                for v, (_, w) in zip(values, PLAN_COLUMNS.values(), strict=True)
            )
            ws.row_dimensions[row].height = 15 * max(lines, 1) + 4
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        info = writer.sheets["About"]
        info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 90
        for (cell,) in info.iter_rows(min_col=1, max_col=1):
            cell.font = Font(bold=True)
        for (cell,) in info.iter_rows(min_col=2, max_col=2):
            cell.alignment = wrap
        for ws in writer.sheets.values():
            as_text(ws)
    return buf.getvalue()


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
