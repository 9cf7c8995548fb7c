"""The action-plan workbook as a contract: what the run writes (``reports.workbook``) and what the
next round reads back (``read_plan_workbook``) after leaders edited it.

Sheet "Action plan": one row per focus statement, the columns of ``PLAN_FIELDS`` in order, then
one "Indicator YYYY-MM" column per month, then "Notes". Sheet "About": label / value rows naming
the department, the survey and the wave the plan is for (a workbook for another one is refused).

A packet's plan (one leader, both surveys: ≤ 3 rows in all) has a "Survey" column after "Rank"
naming each row's survey by its label, and About rows "Survey id (<label>)" and "Wave (<label>)"
per survey (``packet_about``): each row is read back by the survey its Survey cell names.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import Problem, SurveyDataError
from .files import file_version
from .workbooks import check_workbook_size

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
SURVEY_COLUMN = "Survey"  # a packet's plan: the label of the survey each row follows up
PACKET_ID, PACKET_WAVE = re.compile(r"^Survey id \((.+)\)$"), "Wave ({})"
NOTES = ("notes", "Notes", 36)
ABOUT_KEYS = ("Department", "Survey", "Survey id", "Wave", "Run", "Made on")


class OlderPlan(SurveyDataError):
    """A workbook written before plans were read back (no "Survey id" on its About sheet)."""


class OtherRound(SurveyDataError):
    """A workbook of another survey or another round than the one the run compares with."""


class OtherSurvey(OtherRound):
    """A workbook of another survey (``survey``: its id; a packet's: its ids joined by "+")."""

    def __init__(self, problem: Problem, survey: str):
        super().__init__(problem)
        self.survey = survey


def packet_about(surveys: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """The About rows that let the next round read a packet's plan: per survey (``label`` ->
    (survey id, wave)) the id and wave of the rows whose Survey cell is that label.

    >>> packet_about({"Service": ("support_services", "2026-spring")})
    [('Survey id (Service)', 'support_services'), ('Wave (Service)', '2026-spring')]
    """
    rows = []
    for label, (survey, wave) in surveys.items():
        rows += [(f"Survey id ({label})", survey), (PACKET_WAVE.format(label), wave)]
    return rows


def packet_surveys(about: dict[str, str]) -> dict[str, tuple[str, str]]:
    """label -> (survey id, wave) of a packet's plan, from its About rows; {} for one survey's.

    >>> packet_surveys({"Survey id (Team)": "engagement", "Wave (Team)": "2026-spring"})
    {'Team': ('engagement', '2026-spring')}
    """
    out = {}
    for key, value in about.items():
        if m := PACKET_ID.match(key):
            out[m.group(1)] = (value, about.get(PACKET_WAVE.format(m.group(1)), ""))
    return out


def _statements_of(survey: str) -> list[str] | None:
    """The statement ids of the survey ``survey`` names, or None when it is not an instrument
    this install knows (a district's own file, named by its path in the run's params)."""
    from .instrument import instrument_path, load_instrument

    if not instrument_path(survey).exists():
        return None
    try:
        return load_instrument(survey).item_ids
    except SurveyDataError:
        return None


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


#: an edited plan beyond these is refused before it is parsed (a plan is a few kilobytes)
PLAN_MAX_BYTES = 32 * 2**20
PLAN_MAX_CELLS = 1_000_000


def _open(path: Path):
    """The workbook, parsed once per process and file version: a packet's plans are checked
    for every survey before any is prepared, then read again by each survey's preparation (a
    forked process, which inherits what was parsed here); openpyxl takes most of a plan's
    reading time. Only read from: the callers never change a workbook. A workbook far larger than
    a plan (a decompression bomb) is refused before it is parsed."""
    try:
        return _parsed(path.resolve(), file_version(path))
    except SurveyDataError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise SurveyDataError(
            Problem(
                str(path),
                f"not an .xlsx workbook that can be read ({type(exc).__name__})",
                hint="save it as Excel Workbook (.xlsx)",
            )
        ) from exc


@lru_cache(maxsize=256)
def _parsed(path: Path, stamp: tuple[int, int, int]):
    from openpyxl import load_workbook

    check_workbook_size(
        path,
        str(path),
        max_bytes=PLAN_MAX_BYTES,
        max_cells=PLAN_MAX_CELLS,
        what="an action plan",
        hint="use the plan workbook the last run wrote, with your edits",
    )
    return load_workbook(path, data_only=True)


def _check_about(path: Path, about: dict[str, str], *, survey: str, wave: str | None) -> str:
    """The label of ``survey`` in a packet's plan ("" for one survey's plan), once the About
    sheet says the plan is this survey's and this round's; else OlderPlan / OtherRound."""
    packet = packet_surveys(about)
    if "+" in about.get("Survey id", "") and not packet:
        raise OlderPlan(
            Problem(
                str(path),
                "a packet's action plan from before packet plans were read back (no 'Survey id "
                "(<label>)' rows on its About sheet)",
                hint="fill in last round's plans again in a workbook the run wrote",
            )
        )
    if packet:
        label = next((k for k, (s, _) in packet.items() if s == survey), None)
        what, whose = "surveys", "this run's surveys'"
    else:
        label = "" if about["Survey id"] == survey else None
        what, whose = "survey", "this survey's"
    if label is None:
        raise OtherSurvey(
            Problem(f"{path}, sheet 'About'", f"this plan is for the {what} "
                    f"'{about['Survey id']}', not '{survey}'",
                    hint=f"put only {whose} plans in the folder"),
            about["Survey id"],
        )  # fmt: skip
    plan_wave = packet[label][1] if packet else about["Wave"]
    if wave is not None and plan_wave != wave:
        raise _other(
            path,
            ABOUT_SHEET,
            f"this plan is for the round '{plan_wave}', not "
            f"'{wave}' (the round this run compares with)",
            hint="use last round's plans",
        )
    return label


def _row_survey(path: Path, value, r: int, packet: dict[str, tuple[str, str]]) -> str:
    """The survey id of a packet plan's row, from its Survey cell (a label of the plan)."""
    text = "" if value is None else str(value).strip()
    if text not in packet:
        raise _bad(
            path,
            PLAN_SHEET,
            f"'{text}' names no survey of this plan (it has {', '.join(packet)})",
            row=r,
            column=SURVEY_COLUMN,
            hint="do not edit this column: it says which survey the row follows up",
        )
    return packet[text][0]


def read_plan_workbook(
    path: str | Path, *, survey: str, wave: str | None, items: list[str]
) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """(About, plan rows, indicator values by month) of one edited workbook, checked.

    Refused with one message naming the file, sheet, row and column: a workbook that is not the
    run's (another survey, another wave), a status not in the list, % complete outside 0-100, a
    date or indicator value that is not one, a statement not in the instrument. A packet's plan
    (both surveys) is this survey's when one of its surveys is: its rows carry the ``survey``
    (id) their Survey cell names, and each row's statement must be one of that survey's (a row
    moved to the other survey, or a Survey cell edited, is refused); the caller keeps its own.
    """
    path = Path(path)
    wb = _open(path)
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
    _check_about(path, about, survey=survey, wave=wave)
    packet = packet_surveys(about)
    statements = {survey: items}
    for other, _ in packet.values():
        statements.setdefault(other, _statements_of(other))
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
    if packet and SURVEY_COLUMN not in header:
        raise _bad(
            path,
            PLAN_SHEET,
            f"column '{SURVEY_COLUMN}' is missing (a plan for {', '.join(packet)})",
            row=1,
            hint="do not rename or delete the header row's columns",
        )
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
        own = about["Survey id"]
        if packet:
            own = _row_survey(path, row[header.index(SURVEY_COLUMN)], r, packet)
        known = statements.get(own)
        if known is not None and out["item"] not in known:
            which = f"the {row[header.index(SURVEY_COLUMN)]} survey ({own})" if packet else ""
            raise _bad(
                path,
                PLAN_SHEET,
                f"'{out['item']}' is not a statement of {which or 'this survey'}",
                row=r,
                column=SURVEY_COLUMN if packet else "Statement ID",
                hint="do not edit the Survey and Statement ID columns: a row follows up "
                "the statement of the survey it was written for"
                if packet
                else "do not edit this column",
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
                        "survey": own,
                    }
                )
        plan.append({**out, "file": path.name, "survey": own})
    if len({p["rank"] for p in plan}) != len(plan):
        raise _bad(path, PLAN_SHEET, "two rows have the same rank", column="Rank")
    cols = ["department", "rank", "item", "month", "value", "survey"]
    return about, pd.DataFrame(plan), pd.DataFrame(values, columns=cols)
