"""What a run hands to leaders beside the reports, made from the run cache only.

Per department: the editable action plan (``action_plans/<slug>.xlsx`` and ``.csv``), the
one-page team roll-out summary (``rollout/<slug>.html``) and, with ``pdf=True``, PDFs of the
department report (``departments/<slug>.pdf``) and of the roll-out page (``rollout/<slug>.pdf``),
and of the district summary (``index.pdf``).
Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .actions import action_plan
from .export import write_atomic
from .instrument import Instrument, load_instrument
from .rollout import build_rollout, render_rollout

log = logging.getLogger(__name__)

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


def _read(run_dir: Path, name: str) -> pd.DataFrame:
    path = run_dir / "cache" / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def department_tables(tables: dict[str, pd.DataFrame], name: str, wave: str) -> dict:
    """One department's current-wave rows of items, focus and respondents."""
    out = {}
    for key in ("items", "focus", "respondents"):
        t = tables[key]
        out[key] = t[(t["department"] == name) & (t["wave"] == wave)].reset_index(drop=True)
    shown = out["items"].loc[~out["items"]["suppressed"].fillna(True).astype(bool), "item"]
    out["focus"] = out["focus"][out["focus"]["item"].isin(shown)]  # never plan on a hidden figure
    return out


def plan_for(tables: dict, instrument: Instrument, *, department: str, run: dict) -> pd.DataFrame:
    """The prefilled plan of one department (empty when no focus area can be shown)."""
    return action_plan(
        tables["focus"], instrument, department=department, start=dt.date.fromisoformat(run["date"])
    )


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
                run["date"],
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
                    cell.number_format = "yyyy-mm-dd"
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
    return buf.getvalue()


def publish_extras(
    run_dir: str | Path,
    *,
    pdf: bool = False,
    paper: str = "A4",
    only: Iterable[str] | None = None,
) -> list[Path]:
    """Write every department's action plan and roll-out page (and PDFs); return the paths.

    Reads ``<run>/cache`` only. With ``pdf=True`` one headless Chromium prints the district
    summary ``index.html``, each existing ``departments/<slug>.html`` and each roll-out page
    (``paper``: ``A4`` or ``Letter``; the roll-out page fits one page of either). ``only``
    limits it to some departments (slugs or names), as ``run --only`` does.
    """
    run_dir = Path(run_dir)
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    instrument = load_instrument(run["instrument"])
    tables = {k: _read(run_dir, k) for k in ("items", "focus", "respondents")}
    wanted = None if only is None else set(only)
    departments = [
        d
        for d in run["departments"]
        if wanted is None or d["slug"] in wanted or d["name"] in wanted
    ]
    written: list[Path] = []
    for dept in departments:
        name, slug = dept["name"], dept["slug"]
        mine = department_tables(tables, name, run["wave"])
        plan = plan_for(mine, instrument, department=name, run=run)
        page = build_rollout(
            run,
            instrument,
            department=name,
            items=mine["items"],
            focus=mine["focus"],
            respondents=mine["respondents"],
            plan=plan,
        )
        note = "" if page.shown else f"Results are not shown: {page.not_shown_reason}."
        plans = run_dir / "action_plans"
        write_atomic(plans / f"{slug}.xlsx", plan_xlsx(plan, run=run, department=name, note=note))
        write_atomic(plans / f"{slug}.csv", plan.to_csv(index=False))
        write_atomic(run_dir / "rollout" / f"{slug}.html", render_rollout(page))
        written += [plans / f"{slug}.xlsx", plans / f"{slug}.csv"]
        written.append(run_dir / "rollout" / f"{slug}.html")
    if pdf:
        written += print_pdfs(run_dir, [d["slug"] for d in departments], paper=paper)
    return written


def print_pdfs(run_dir: Path, slugs: list[str], *, paper: str = "A4") -> list[Path]:
    """PDFs of the district summary and the department reports that exist, and of every
    roll-out page, with one browser."""
    from .pdf import print_all

    summary = run_dir / "index.html"
    jobs = [(summary, summary.with_suffix(".pdf"))] if summary.exists() else []
    for slug in slugs:
        report = run_dir / "departments" / f"{slug}.html"
        if report.exists():
            jobs.append((report, report.with_suffix(".pdf")))
        else:
            log.warning("no report to print for %s: %s is missing", slug, report)
        jobs.append((run_dir / "rollout" / f"{slug}.html", run_dir / "rollout" / f"{slug}.pdf"))
    written, blocked = print_all(jobs, paper=paper)
    if blocked:
        log.warning(
            "blocked %d network request(s) while printing: %s",
            len(blocked),
            ", ".join(sorted(set(blocked))[:5]),
        )
    return written
