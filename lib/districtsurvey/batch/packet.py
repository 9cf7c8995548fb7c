"""A packet's extras beside its reports: per unit one action plan (``action_plans/<slug>.xlsx`` and
``.csv``, with a Survey column) and one roll-out page (``rollout/<slug>.html``), from the caches.

A unit of both surveys gets the packet's plan (its ≤ 3 focus areas, whichever survey) and one
roll-out page putting both surveys' "what we heard" side by side; a unit of one survey gets
exactly what a single-survey run gives it (``publish.department_tables``, ``plan_for``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from copy import copy
from pathlib import Path

import pandas as pd

from ..contracts.files import safe_csv, write_atomic
from ..contracts.instrument import load_instrument
from ..contracts.plans import ABOUT_SHEET, SURVEY_COLUMN, packet_about
from ..prepare.cache import read_run
from ..reports import packet as packets
from ..reports.rollout import Rollout, build_rollout, render_rollout
from ..reports.workbook import as_text, plan_xlsx
from .publish import department_extras, print_pdfs


def with_survey_column(
    book: bytes, surveys: list[str], *, about: dict[str, tuple[str, str]] | None = None
) -> bytes:
    """The plan workbook with a "Survey" column after "Rank" (one label per plan row) and, on
    its About sheet, each survey's id and wave by its label (``about``: label -> (id, wave)),
    so the next round reads each row back in its survey (``contracts.plans``)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    wb = load_workbook(io.BytesIO(book))
    ws = wb.worksheets[0]
    width = {
        c: ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)
    }
    ws.insert_cols(3)  # moves the cells only: widths, validation ranges and panes follow here
    for c in range(ws.max_column, 3, -1):
        ws.column_dimensions[get_column_letter(c)].width = width[c - 1]
    for dv in ws.data_validations.dataValidation:
        moved = [CellRange(r.coord) for r in dv.sqref.ranges]
        for r in moved:
            if r.min_col >= 3:
                r.shift(col_shift=1)
        dv.sqref = MultiCellRange(" ".join(r.coord for r in moved))
    ws.freeze_panes = "F2"  # Department to Statement stay in view, as before the insert
    ws.cell(row=1, column=3, value=SURVEY_COLUMN)
    for i, label in enumerate(surveys, start=2):
        ws.cell(row=i, column=3, value=label)
    for r in range(1, ws.max_row + 1):  # styled as its neighbour (the header's colours)
        ws.cell(row=r, column=3)._style = copy(ws.cell(row=r, column=2)._style)
    ws.column_dimensions["C"].width = 10
    as_text(ws)
    if about:
        info = wb[ABOUT_SHEET]
        at = next(c.row for c in info["A"] if c.value == "Wave") + 1
        rows = packet_about(about)
        info.insert_rows(at, len(rows))
        for k, (label, value) in enumerate(rows):
            info.cell(row=at + k, column=1, value=label).font = copy(
                info.cell(row=1, column=1).font
            )
            info.cell(row=at + k, column=2, value=value)
        as_text(info)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def packet_rollout(p: packets.Packet, plan: pd.DataFrame) -> Rollout:
    """One roll-out page for a unit of both surveys: each survey's page built as usual from its
    chosen focus areas and plan rows, then joined (focus and plan in packet order)."""
    pages = []
    focus = p.focus.drop(columns=["rank"], errors="ignore").rename(columns={"packet_rank": "rank"})
    for label, r in zip(p.labels, p.reports, strict=True):
        mine = plan[plan["survey"] == label].drop(columns="survey")
        page = build_rollout(
            {**r.run, "title": p.run.get("title", "")},
            r.instrument,
            department=p.department,
            items=r.items,
            focus=focus[focus["survey"] == label],
            respondents=r.respondents[r.respondents["wave"] == r.wave],
            plan=mine.reset_index(drop=True),
            plans=r.plans,
            comments=r.comments,
        )
        pages.append((label, page))
    first = pages[0][1]
    joined = Rollout(
        department=p.department,
        title=first.title,
        wave=first.wave,
        date=first.date,
        shown=any(pg.shown for _, pg in pages),
        served=True,
        locale=first.locale,
        dense=True,
    )
    joined.check, joined.check_detail = first.check, first.check_detail
    joined.not_shown_reason = "; ".join(
        dict.fromkeys(pg.not_shown_reason for _, pg in pages if pg.not_shown_reason)
    )
    joined.respondents = " · ".join(
        f"{label}: {pg.respondents}" for label, pg in pages if pg.respondents
    )
    joined.strengths = [s for i, (_, pg) in enumerate(pages) for s in pg.strengths[: 2 - min(i, 1)]]
    ranks = list(plan["rank"])
    order = {
        label: [r for r, s in zip(ranks, plan["survey"], strict=True) if s == label]
        for label, _ in pages
    }
    focus_rows, plan_rows = [], []
    for label, pg in pages:
        for rank, f in zip(order[label], pg.focus, strict=False):
            focus_rows.append((rank, {**f, "area": f"{label} · {f['area']}"}))
        for rank, row in zip(order[label], pg.plan, strict=False):
            plan_rows.append((rank, {**row, "area": f"{label} · {row['area']}"}))
        joined.did += pg.did
        joined.shout_outs += pg.shout_outs[:1]
    joined.focus = [f for _, f in sorted(focus_rows, key=lambda x: x[0])]
    joined.plan = [f for _, f in sorted(plan_rows, key=lambda x: x[0])]
    joined.did_wave = first.did_wave
    return joined


def publish_packet(
    run_dir: str | Path,
    *,
    pdf: bool = False,
    paper: str | None = None,
    only: Iterable[str] | None = None,
    stop: threading.Event | None = None,
) -> list[Path]:
    """Write every unit's action plan and roll-out page (and PDFs); return the paths."""
    run_dir = Path(run_dir)
    run = read_run(run_dir)
    wanted = None if only is None else set(only)
    units = [
        d
        for d in run["departments"]
        if wanted is None or d["slug"] in wanted or d["name"] in wanted
    ]
    surveys = {s["label"]: s for s in run["surveys"]}
    single: dict[str, tuple] = {}
    written: list[Path] = []
    plans_dir = run_dir / "action_plans"
    for unit in units:
        if stop is not None and stop.is_set():
            return written
        slug = unit["slug"]
        if len(unit["surveys"]) > 1:
            p = packets.load(run_dir, slug)
            plan = packets.packet_plan(p)
            page = packet_rollout(p, plan)
            about = {**p.reports[0].run, **{k: run[k] for k in ("name", "title", "survey")}}
            note = "" if page.shown else f"Results are not shown: {page.not_shown_reason}."
            book = plan_xlsx(
                plan.drop(columns="survey"), run=about, department=p.department, note=note
            )
            ids = {
                label: (r.instrument.id, r.run["wave"])
                for label, r in zip(p.labels, p.reports, strict=True)
            }
            book = with_survey_column(book, list(plan["survey"]), about=ids)
        else:
            ((label, name),) = unit["surveys"].items()
            if label not in single:
                folder = run_dir / surveys[label]["run_dir"]
                sub = read_run(folder)
                single[label] = (sub, load_instrument(sub["instrument"]), folder)
            sub, instrument, folder = single[label]
            plan, page, book = department_extras(sub, instrument, folder, name)
        write_atomic(plans_dir / f"{slug}.xlsx", book)
        write_atomic(plans_dir / f"{slug}.csv", safe_csv(plan).to_csv(index=False))
        write_atomic(run_dir / "rollout" / f"{slug}.html", render_rollout(page))
        written += [
            plans_dir / f"{slug}.xlsx",
            plans_dir / f"{slug}.csv",
            run_dir / "rollout" / f"{slug}.html",
        ]
    if pdf:
        paper = paper or run.get("params", {}).get("paper") or "letter"
        written += print_pdfs(run_dir, [u["slug"] for u in units], paper=paper, stop=stop)
    return written
