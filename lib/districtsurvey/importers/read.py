"""read_export(): any supported export to tidy responses (+ comments) and a summary."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.files import safe_csv
from ..contracts.instrument import Instrument, load_instrument
from ..contracts.schema import FORMATS
from ..contracts.validate import load_responses, validate_responses
from . import sources
from .assemble import Mapped, map_table
from .detect import likely_tools
from .layouts import LAYOUTS, RawTable, detect_layout
from .normalize import norm
from .spss import read_spss

__all__ = ["FORMATS", "ImportResult", "ImportSummary", "detect_format", "read_export", "write_tidy"]
GENERIC = {"csv", "excel"}
TOOLS = "qualtrics|surveymonkey|googleforms|limesurvey"


@dataclass
class ImportSummary:
    path: str
    format: str
    rows_read: int = 0
    respondents: int = 0
    items_mapped: dict[str, str] = field(default_factory=dict)  # item -> column
    answers: int = 0
    answers_na: int = 0
    rows_dropped: dict[str, int] = field(default_factory=dict)
    departments: int = 0
    comments: int = 0
    note: str = ""
    warnings: list[str] = field(default_factory=list)
    blank_groups: dict[str, tuple[int, str]] = field(default_factory=dict)  # column -> (n, label)
    choices: dict[str, int] = field(default_factory=dict)  # question -> respondents answering

    def __str__(self) -> str:
        lines = [
            f"{self.path}: detected format {self.format}"
            + (f" ({self.note})" if self.note else ""),
            f"  rows read:        {self.rows_read}",
            f"  respondents:      {self.respondents}",
            f"  departments:      {self.departments}",
            f"  items mapped:     {len(self.items_mapped)}",
            f"  answers:          {self.answers} scored, {self.answers_na} N/A (kept as missing)",
        ]
        if self.comments:
            lines.append(f"  comments:         {self.comments}")
        for q, n in self.choices.items():
            lines.append(f"  choice {q}: {n} respondents answered")
        for col, (n, label) in self.blank_groups.items():
            lines.append(f"  blank {col}: {n} respondents, counted as the group '{label}'")
        dropped = sum(self.rows_dropped.values())
        lines.append(f"  rows dropped:     {dropped}")
        lines += [f"    {n} x {why}" for why, n in self.rows_dropped.items() if n]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class ImportResult:
    responses: pd.DataFrame
    comments: pd.DataFrame
    summary: ImportSummary
    choices: pd.DataFrame = field(default_factory=pd.DataFrame)  # multi / single / ranking


def _open(path: Path) -> tuple[str, object, str, list[str]]:
    """(container, rows or raw bytes, note, warnings) of a file."""
    raw = sources.read_bytes(path)
    kind = sources.container(raw)
    if kind == "text":
        rows, note, warning = sources.text_rows(raw, str(path))
        return kind, rows, note, [warning] if warning else []
    if kind == "xlsx":
        return kind, sources.xlsx_sheets(raw, str(path)), "xlsx", []
    return kind, raw, kind, []


def _pick_sheet(sheets: dict[str, list[list[str]]], wanted: str | None, instrument, path: str):
    if wanted:
        if wanted not in sheets:
            raise SurveyDataError(
                Problem(path, f"no sheet '{wanted}' (sheets: {', '.join(sheets)})")
            )
        return wanted
    keys = {norm(x) for x in instrument.item_ids} if instrument else set()

    def hits(name: str) -> int:
        head = [norm(c) for r in sheets[name][:3] for c in r]
        return sum(c in keys for c in head) + sum(1 for c in head if c) / 1000

    return max(sheets, key=hits) if sheets else None


def detect_format(path: str | Path, *, instrument: Instrument | None = None) -> str:
    """The survey tool that produced an export: qualtrics, surveymonkey, googleforms, limesurvey,
    spss, tidy, excel (a plain table in a workbook) or csv (a plain wide text table)."""
    path = Path(path)
    kind, content, _, _ = _open(path)
    return _detect(kind, content, path, instrument)[0]


def _detect(kind: str, content, path: Path, instrument, sheet: str | None = None):
    if kind == "spss":
        return "spss", None
    if kind == "parquet":
        return "tidy", None
    if kind == "xlsx":
        name = _pick_sheet(content, sheet, instrument, str(path))
        rows = content.get(name) or []
        rows = [r for r in rows if any(c.strip() for c in r)] and rows
        while rows and not any(c.strip() for c in rows[0]):
            rows = rows[1:]
        if not rows:
            raise SurveyDataError(Problem(str(path), "the workbook is empty"))
        layout = detect_layout(rows)
        return ("excel" if layout == "csv" else layout), rows
    if not content:
        raise SurveyDataError(Problem(str(path), "the file is empty"))
    return detect_layout(content), content


def _tidy(path: Path, instrument: Instrument) -> ImportResult:
    df = load_responses(path, instrument=instrument)
    summary = ImportSummary(
        str(path),
        "tidy",
        rows_read=len(df),
        respondents=df["respondent_id"].nunique(),
        items_mapped={i: "item" for i in df["item"].unique()},
        answers=int(df["value"].notna().sum()),
        departments=df["department"].nunique(),
    )
    return ImportResult(df, pd.DataFrame(), summary)


def read_export(
    path: str | Path,
    *,
    fmt: str = "auto",
    instrument: Instrument | str | Path,
    wave: str | None = None,
    department: str | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Read a survey tool's export into tidy responses; raise SurveyDataError listing every problem.

    ``wave`` and ``department`` fill in values the file does not carry (the instrument's
    ``import:`` section names columns for them when it does).
    """
    path = Path(path)
    where = str(path)
    ins = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if fmt not in FORMATS:
        raise SurveyDataError(
            Problem(where, f"unknown format '{fmt}'", hint=f"one of {', '.join(FORMATS)}")
        )
    asked = fmt if fmt != "auto" else ins.import_spec.get("format", "auto")  # --format wins
    fmt = asked
    kind, content, note, warnings = _open(path)
    detected, rows = _detect(kind, content, path, ins, sheet or ins.import_spec.get("sheet"))
    if fmt != "auto" and fmt != detected:
        ok = (fmt == "excel" and kind == "xlsx") or (
            detected in GENERIC and fmt not in {"spss", "tidy"}
        )
        if not ok:
            raise SurveyDataError(
                Problem(
                    where,
                    f"this looks like a {detected} export, not {fmt}",
                    hint=f"use --format {detected} or --format auto",
                )
            )
        if fmt != "excel":
            detected = fmt
    if detected == "tidy":
        return _tidy(path, ins)
    table: RawTable
    if detected == "spss":
        table = read_spss(content, where)
    else:
        layout = "csv" if detected == "excel" else detected
        table = LAYOUTS[layout](rows, where)
        table.note = note
    if not table.rows:
        raise SurveyDataError(
            Problem(
                where,
                "no responses: the file has a header but no answers",
                hint="export again after responses came in",
            )
        )
    mapped = map_table(table, ins, path=where, wave=wave, department=department)
    if mapped.problems:
        raise SurveyDataError(_explain(mapped, detected, asked, rows, where))
    if len(ins.items):  # an instrument of choices only has no scored responses
        problems = validate_responses(mapped.responses, instrument=ins, path=where)
        if problems:
            raise SurveyDataError(problems)
    df = mapped.responses
    summary = ImportSummary(
        where,
        detected,
        rows_read=len(table.rows) + sum(table.dropped.values()),
        respondents=df["respondent_id"].nunique(),
        items_mapped=mapped.columns,
        answers=int(df["value"].notna().sum()),
        answers_na=mapped.answers_na,
        rows_dropped=mapped.dropped,
        departments=df["department"].nunique(),
        comments=len(mapped.comments),
        note=table.note,
        warnings=warnings,
        blank_groups=mapped.blank_groups,
        choices=(
            mapped.choices.groupby("question", sort=False)["respondent_id"].nunique().to_dict()
            if len(mapped.choices)
            else {}
        ),
    )
    return ImportResult(df, mapped.comments, summary, mapped.choices)


def _explain(mapped: Mapped, detected: str, asked: str, rows, where: str) -> list[Problem]:
    """The mapping's problems, led by what was detected when a plain-table reading may be why."""
    missing = [p for p in mapped.problems if "is missing from the file" in p.message]
    if detected not in GENERIC or asked != "auto" or not missing or rows is None:
        return mapped.problems
    likely = likely_tools(rows)
    found = f"; its headers suggest {likely[0][0]} ({likely[0][1]})" if likely else ""
    hint = (
        f"if this is a {likely[0][0]} export, pass --format {likely[0][0]} "
        f"(or `format: {likely[0][0]}` under import: in the instrument)"
        if likely
        else f"if the export has more than one header row, name its tool: --format {TOOLS}"
    )
    lead = Problem(
        where,
        f"read as a plain table (format {detected}: no survey tool's header rows recognized)"
        f"{found}; {len(missing)} item(s) were not found",
        hint=hint,
    )
    return [lead, *mapped.problems]


def write_tidy(df: pd.DataFrame, out: str | Path) -> Path:
    """Write a frame to ``.csv`` or ``.parquet`` atomically (a temp file renamed into place); a
    CSV text cell a spreadsheet would run as a formula gets a leading ``'`` (``safe_csv``; the
    workbench reads it back as it was)."""
    out = Path(out)
    if out.suffix not in {".csv", ".parquet"}:
        raise SurveyDataError(Problem(str(out), "output must end in .csv or .parquet"))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if out.suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            safe_csv(df).to_csv(tmp, index=False)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out
