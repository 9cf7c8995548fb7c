"""The sample district's edited action plans of its spring 2026 round, for both surveys (support
services and engagement): what leaders wrote into the workbooks over the summer (some done, some in progress, some dropped, indicator values by month),
so the demo's fall round reads them back and shows the whole loop.

Made deterministically: the spring round is prepared from the committed sample, each
department's plan is written as the run writes it, then edited by a seeded pattern.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..contracts.files import write_atomic
from ..contracts.instrument import load_instrument
from ..contracts.params import RunParams
from ..contracts.paths import SAMPLE_DIR
from ..prepare.run import prepare_run
from ..reports.actions import action_plan
from ..reports.workbook import plan_xlsx

ROUND, BEFORE, REPORT_DATE = "2026-spring", "2025-fall", "2026-05-20"
PLANS = Path("plans") / f"support_services-{ROUND}"  # inside the sample folder
SURVEYS = ("support_services", "engagement")
# status of each plan row: a leader's summer, by (department index + rank) in this cycle
CYCLE = ["Done", "In progress", "Done", "Dropped", "Not started", "Done", "In progress"]
OWNERS = ["Director", "Operations supervisor", "Customer service lead"]
#: engagement plans are a unit's own: a school's by its principal, a department's by its director
UNIT_OWNERS = {
    "school": ["Principal", "Assistant principal", "Staff committee chair"],
    "department": ["Director", "Team lead", "Staff committee chair"],
}
NOTES = {
    "Done": [
        "Piloted with six schools in June; every school from August.",
        "Done by the first day of school; staff trained in the August meeting.",
        "Kept going after the 90 days: now part of the weekly routine.",
    ],
    "In progress": [
        "Started late (summer staffing); half the team on it.",
        "Works for the main requests; the rest by October.",
    ],
    "Dropped": [
        "Dropped after a month: the vendor system could not track it.",
        "Replaced by the district's new help-desk process.",
    ],
    "Not started": ["Not started: the owner left in June."],
}
ENGAGEMENT_NOTES = {
    "Done": [
        "Started at the August staff meeting; now a standing agenda item.",
        "Done: every team member had a one-to-one by the end of September.",
        "Kept going after the 90 days: the staff committee owns it now.",
    ],
    "In progress": [
        "Started late (summer break); half the teams on it.",
        "Monthly check-ins going; the survey follow-up meeting is in October.",
    ],
    "Dropped": [
        "Dropped after a month: too much overlap with the new PD calendar.",
        "Replaced by the district's recognition program.",
    ],
    "Not started": ["Not started: the owner left in June."],
}


def plans_folder(survey: str) -> Path:
    """Where the edited spring plans of ``survey`` live inside the sample folder.

    >>> str(plans_folder("engagement"))
    'plans/engagement-2026-spring'
    """
    return Path("plans") / f"{survey}-{ROUND}"


def _params(out: Path, sample_dir: Path, survey: str = "support_services") -> RunParams:
    return RunParams.model_validate(
        {
            "name": "sample-spring",
            "instrument": survey,
            "data": [str(sample_dir / f"{survey}.parquet")],
            "wave": ROUND,
            "compare_to": BEFORE,
            "report_date": REPORT_DATE,
            "output": str(out),
        }
    )


def _owners(survey: str, department: str) -> list[str]:
    if survey == "support_services":
        return OWNERS
    from ..reports.units import unit_noun

    return UNIT_OWNERS[unit_noun(department)]


def _edit(book: bytes, index: int, rng: np.random.Generator, department: str, survey: str) -> bytes:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book))
    ws = wb["Action plan"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    months = [h for h in head if h and h.startswith("Indicator ")]
    for r in range(2, ws.max_row + 1):
        rank = int(ws.cell(row=r, column=col["Rank"]).value)
        status = CYCLE[(index + rank) % len(CYCLE)]
        share = int(rng.integers(2, 8)) * 10
        done = {"Done": 100, "Not started": 0}.get(status, share)
        ws.cell(row=r, column=col["Status"]).value = status
        ws.cell(row=r, column=col["% complete"]).value = done
        owner = _owners(survey, department)[rank - 1].lower()
        notes = NOTES if survey == "support_services" else ENGAGEMENT_NOTES
        ws.cell(row=r, column=col["Owner"]).value = f"{department} {owner}"
        ws.cell(row=r, column=col["Notes"]).value = notes[status][index % len(notes[status])]
        kept = {"Done": len(months), "In progress": 3, "Dropped": 1}.get(status, 0)
        start, step = int(rng.integers(20, 60)), int(rng.integers(3, 9))
        for k, month in enumerate(months[:kept]):
            value = start + step * k + int(rng.integers(-2, 3))
            ws.cell(row=r, column=col[month]).value = value
    out = io.BytesIO()
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 9, 1)
    wb.save(out)
    return out.getvalue()


def write_sample_plans(
    sample_dir: Path = SAMPLE_DIR, *, seed: int = 2026, survey: str = "support_services"
) -> list[Path]:
    """Write the edited spring plans of ``survey`` of the sample in ``sample_dir`` into its
    ``plans/<survey>-2026-spring/`` (one workbook per department with a plan)."""
    sample_dir = Path(sample_dir)
    out_dir = sample_dir / plans_folder(survey)
    instrument = load_instrument(survey)
    rng = np.random.default_rng(seed)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = prepare_run(_params(Path(tmp) / "run", sample_dir, survey))
        import json

        run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
        focus = pd.read_parquet(run_dir / "cache" / "focus.parquet")
        items = pd.read_parquet(run_dir / "cache" / "items.parquet")
        items = items[(items["wave"] == ROUND) & ~items["suppressed"].fillna(True).astype(bool)]
        for index, dept in enumerate(run["departments"]):
            name = dept["name"]
            mine = items[items["department"] == name]
            f = focus[(focus["department"] == name) & (focus["wave"] == ROUND)]
            f = f[f["item"].isin(mine["item"])]
            if f.empty:
                continue
            plan = action_plan(
                f, instrument, department=name, start=dt.date.fromisoformat(REPORT_DATE), items=mine
            )
            book = _edit(plan_xlsx(plan, run=run, department=name), index, rng, name, survey)
            path = out_dir / f"{dept['slug']}.xlsx"
            write_atomic(path, book)
            written.append(path)
    return written
