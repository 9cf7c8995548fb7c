"""The action-plan workbook as a contract: what the run writes (``reports.workbook``) and what the
next round reads back (``read_plan_workbook``) after leaders edited it.

Sheet "Action plan": one row per focus statement, the columns of ``PLAN_FIELDS`` in order, then
one "Indicator YYYY-MM" column per month, then "Notes". Sheet "About": label / value rows naming
the department, the survey and the wave the plan is for (a workbook for another one is refused).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from .errors import Problem, SurveyDataError

PLAN_SHEET, ABOUT_SHEET = "Action plan", "About"
STATUSES = ("Not started", "In progress", "Done", "Dropped")
# key -> (header, width in characters, kind): kind says how a leader's edit is checked
PLAN_FIELDS = {
    "department": ("Department", 16, "text"),
    "rank": ("Rank", 6, "rank"),
    "item": ("Statement ID", 14, "text"),
    "statement": ("Statement", 34, "text"),
    "goal": ("Goal", 40, "text"),
    "tactics": ("Tactic", 40, "text"),
    "why": ("Why this tactic", 30, "text"),
    "leading_indicator": ("Leading indicator", 28, "text"),
    "owner": ("Owner", 20, "text"),
    "status": ("Status", 13, "status"),
    "pct_complete": ("% complete", 10, "pct"),
    "check_30": ("30-day check", 14, "date"),
    "check_60": ("60-day check", 14, "date"),
    "check_date": ("90-day check", 14, "date"),
}
MONTH_HEADER = re.compile(r"^Indicator (\d{4}-\d{2})$")
NOTES = ("notes", "Notes", 36)
ABOUT_KEYS = ("Department", "Survey", "Survey id", "Wave", "Run", "Made on")


class OlderPlan(SurveyDataError):
    """A workbook written before plans were read back (no "Survey id" on its About sheet)."""


class OtherRound(SurveyDataError):
    """A workbook of another survey or another round than the one the run compares with."""


def month_header(month: str) -> str:
    """The header of one month's indicator column.

    >>> month_header("2027-01")
    'Indicator 2027-01'
    """
    return f"Indicator {month}"


def _bad(
    path: Path, sheet: str, message: str, *, row=None, column=None, hint=""
) -> SurveyDataError:
    where = f"{path}, sheet '{sheet}'"
    return SurveyDataError(Problem(where, message, row=row, column=column, hint=hint))


def _other(path: Path, sheet: str, message: str, *, hint: str = "") -> OtherRound:
    return OtherRound(Problem(f"{path}, sheet '{sheet}'", message, hint=hint))


def _about(path: Path, wb) -> dict[str, str]:
    if ABOUT_SHEET not in wb.sheetnames:
        raise _bad(path, ABOUT_SHEET, "sheet is missing", hint="use the workbook the run wrote")
    out = {}
    for label, value, *_ in wb[ABOUT_SHEET].iter_rows(values_only=True, max_col=2):
        if label is not None:
            out[str(label).strip()] = "" if value is None else str(value).strip()
    return out


def _number(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    return float(str(value).strip().rstrip("%").replace(",", ""))


def _cell(kind: str, value):
    """A leader's edit, checked: returns the clean value or raises ValueError(what is expected)."""
    if kind == "text":
        return "" if value is None else str(value).strip()
    if kind == "status":
        text = "" if value is None else str(value).strip()
        hit = [s for s in STATUSES if s.lower() == text.lower()]
        if text and not hit:
            raise ValueError(f"'{text}' is not a status; use one of: {', '.join(STATUSES)}")
        return hit[0] if hit else "Not started"
    if kind == "rank":
        number = _number(value)
        if number is None or number != int(number) or not 1 <= number <= 3:
            raise ValueError(f"'{value}' is not a rank 1-3; do not edit this column")
        return int(number)
    if kind == "pct":
        try:
            number = _number(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a number from 0 to 100") from None
        if number is not None and not 0 <= number <= 100:
            raise ValueError(f"{number:g} is not a number from 0 to 100")
        return number
    if kind == "date":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD)") from None
    try:  # an indicator value
        return _number(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None


def read_plan_workbook(
    path: str | Path, *, survey: str, wave: str | None, items: list[str]
) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """(About, plan rows, indicator values by month) of one edited workbook, checked.

    Refused with one message naming the file, sheet, row and column: a workbook that is not the
    run's (another survey, another wave), a status not in the list, % complete outside 0-100, a
    date or indicator value that is not one, a statement not in the instrument.
    """
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise SurveyDataError(
            Problem(
                str(path),
                f"not an .xlsx workbook that can be read ({type(exc).__name__})",
                hint="save it as Excel Workbook (.xlsx)",
            )
        ) from exc
    about = _about(path, wb)
    if "Survey id" not in about and PLAN_SHEET in wb.sheetnames:
        raise OlderPlan(
            Problem(
                str(path),
                "an action plan from before plans were read back (an older format: no "
                "'Survey id' on its About sheet)",
                hint="fill in last round's plans again in a workbook the run wrote",
            )
        )
    for key in ("Department", "Survey id", "Wave"):
        if not about.get(key):
            raise _bad(
                path, ABOUT_SHEET, f"'{key}' is missing", hint="use the workbook the run wrote"
            )
    if about["Survey id"] != survey:
        raise _other(
            path,
            ABOUT_SHEET,
            f"this plan is for the survey '{about['Survey id']}', not '{survey}'",
            hint="put only this survey's plans in the folder",
        )
    if wave is not None and about["Wave"] != wave:
        raise _other(
            path,
            ABOUT_SHEET,
            f"this plan is for the round '{about['Wave']}', not "
            f"'{wave}' (the round this run compares with)",
            hint="use last round's plans",
        )
    if PLAN_SHEET not in wb.sheetnames:
        raise _bad(path, PLAN_SHEET, "sheet is missing", hint="do not rename the sheets")
    ws = wb[PLAN_SHEET]
    header = [None if c.value is None else str(c.value).strip() for c in ws[1]]
    columns: dict[str, tuple[int, str, str]] = {}
    for key, (label, _, kind) in PLAN_FIELDS.items():
        if label not in header:
            raise _bad(
                path,
                PLAN_SHEET,
                f"column '{label}' is missing",
                row=1,
                hint="do not rename or delete the header row's columns",
            )
        columns[key] = (header.index(label), label, kind)
    months = {m.group(1): i for i, h in enumerate(header) if h and (m := MONTH_HEADER.match(h))}
    notes = header.index(NOTES[1]) if NOTES[1] in header else None
    plan, values = [], []
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        row = list(row) + [None] * (len(header) - len(row))
        out = {}
        for key, (i, label, kind) in columns.items():
            try:
                out[key] = _cell(kind, row[i])
            except ValueError as exc:
                raise _bad(path, PLAN_SHEET, str(exc), row=r, column=label) from None
        if out["department"] != about["Department"]:
            raise _bad(
                path,
                PLAN_SHEET,
                f"the plan row is for '{out['department']}', the "
                f"workbook for '{about['Department']}'",
                row=r,
                column="Department",
                hint="one workbook per department",
            )
        if out["item"] not in items:
            raise _bad(
                path,
                PLAN_SHEET,
                f"'{out['item']}' is not a statement of this survey",
                row=r,
                column="Statement ID",
                hint="do not edit this column",
            )
        out["notes"] = "" if notes is None or row[notes] is None else str(row[notes]).strip()
        for month, i in months.items():
            try:
                value = _cell("number", row[i])
            except ValueError as exc:
                raise _bad(path, PLAN_SHEET, str(exc), row=r, column=header[i]) from None
            if value is not None:
                values.append(
                    {
                        "department": out["department"],
                        "rank": out["rank"],
                        "item": out["item"],
                        "month": month,
                        "value": value,
                    }
                )
        plan.append({**out, "file": path.name})
    if len({p["rank"] for p in plan}) != len(plan):
        raise _bad(path, PLAN_SHEET, "two rows have the same rank", column="Rank")
    cols = ["department", "rank", "item", "month", "value"]
    return about, pd.DataFrame(plan), pd.DataFrame(values, columns=cols)
