"""What a run hands to leaders beside the reports, made from the run cache only.

Per department: the editable action plan (``action_plans/<slug>.xlsx`` and ``.csv``), the
one-page team roll-out summary (``rollout/<slug>.html``) and, with ``pdf=True``, PDFs of the
department report (``departments/<slug>.pdf``) and of the roll-out page (``rollout/<slug>.pdf``),
and of the district summary (``index.pdf``).
Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..contracts.files import safe_csv, write_atomic
from ..contracts.instrument import Instrument, load_instrument
from ..prepare.cache import read_table
from ..reports.actions import action_plan, finished, tactics_file
from ..reports.locale import for_run
from ..reports.rollout import build_rollout, render_rollout
from ..reports.workbook import plan_xlsx

log = logging.getLogger(__name__)


def department_tables(run_dir: str | Path, name: str, wave: str) -> dict:
    """One department's rows of a run's cache: items, focus, respondents and comments of the
    current ``wave``, and last round's plans (read back); each table is read once per process
    and looked up by department (``prepare.cache.read_table``), not scanned per department."""
    out = {
        key: read_table(Path(run_dir), key, department=name, wave=wave)
        for key in ("items", "focus", "respondents", "comments")
    }
    out["plans"] = read_table(Path(run_dir), "plans", department=name)
    shown = out["items"].loc[~out["items"]["suppressed"].fillna(True).astype(bool), "item"]
    out["focus"] = out["focus"][out["focus"]["item"].isin(shown)]  # never plan on a hidden figure
    return out


def plan_for(tables: dict, instrument: Instrument, *, department: str, run: dict) -> pd.DataFrame:
    """The prefilled plan of one department (empty when no focus area can be shown)."""
    return action_plan(
        tables["focus"],
        instrument,
        department=department,
        start=dt.date.fromisoformat(run["date"]),
        tactics=tactics_file(run),
        items=tables["items"],
        tried=finished(tables.get("plans", pd.DataFrame())),
        locale=for_run(run),
    )


def department_extras(run: dict, instrument: Instrument, run_dir: Path, name: str):
    """One department's action plan, roll-out page and plan workbook (bytes) of the run in
    ``run_dir``: what ``publish_extras`` writes for it (and a packet for a unit of one survey)."""
    mine = department_tables(run_dir, name, run["wave"])
    plan = plan_for(mine, instrument, department=name, run=run)
    page = build_rollout(
        run,
        instrument,
        department=name,
        items=mine["items"],
        focus=mine["focus"],
        respondents=mine["respondents"],
        plan=plan,
        plans=mine["plans"],
        comments=mine["comments"],
    )
    note = "" if page.shown else f"Results are not shown: {page.not_shown_reason}."
    return plan, page, plan_xlsx(plan, run=run, department=name, note=note)


def publish_extras(
    run_dir: str | Path,
    *,
    pdf: bool = False,
    paper: str | None = None,
    only: Iterable[str] | None = None,
    stop: threading.Event | None = None,
) -> list[Path]:
    """Write every department's action plan and roll-out page (and PDFs); return the paths.

    Reads ``<run>/cache`` only. With ``pdf=True`` one headless Chromium prints the district
    summary ``index.html``, each existing ``departments/<slug>.html`` and each roll-out page
    (``paper``: ``letter`` or ``a4``, default the run's ``paper`` param; the roll-out page fits
    one page of either). ``only`` limits it to some departments (slugs or names), as
    ``run --only`` does. ``stop`` (set when the batch is stopped) ends it between two departments.
    """
    run_dir = Path(run_dir)
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    if run.get("kind") == "packet":  # one plan and roll-out page per unit of the packet
        from .packet import publish_packet

        return publish_packet(run_dir, pdf=pdf, paper=paper, only=only, stop=stop)
    instrument = load_instrument(run["instrument"])
    wanted = None if only is None else set(only)
    departments = [
        d
        for d in run["departments"]
        if wanted is None or d["slug"] in wanted or d["name"] in wanted
    ]
    written: list[Path] = []
    for dept in departments:
        if stop is not None and stop.is_set():
            return written
        name, slug = dept["name"], dept["slug"]
        plan, page, book = department_extras(run, instrument, run_dir, name)
        plans = run_dir / "action_plans"
        write_atomic(plans / f"{slug}.xlsx", book)
        write_atomic(plans / f"{slug}.csv", safe_csv(plan).to_csv(index=False))
        write_atomic(run_dir / "rollout" / f"{slug}.html", render_rollout(page))
        written += [plans / f"{slug}.xlsx", plans / f"{slug}.csv"]
        written.append(run_dir / "rollout" / f"{slug}.html")
    if pdf:
        paper = paper or run.get("params", {}).get("paper") or "letter"
        written += print_pdfs(run_dir, [d["slug"] for d in departments], paper=paper, stop=stop)
    return written


def print_pdfs(
    run_dir: Path, slugs: list[str], *, paper: str = "letter", stop: threading.Event | None = None
) -> list[Path]:
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
    written, blocked = print_all(jobs, paper=paper, stop=stop)
    if blocked:
        log.warning(
            "blocked %d network request(s) while printing: %s",
            len(blocked),
            ", ".join(sorted(set(blocked))[:5]),
        )
    return written
