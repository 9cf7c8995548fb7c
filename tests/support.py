"""Test helpers shared by every test module (import as ``from support import ...``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FIXTURES = (
    ROOT.parent / "shared" / "fixtures"
)  # real exports, read in place (CI has shared/ beside)
#: The report date of every test run (the day the checks' dates were worked out from).
REPORT_DATE = "2026-11-22"
RESPONDENT_ID = re.compile(r"\b(?:ss|ee)-[0-9a-f]{8}\b")


def write_params(folder: Path, **overrides) -> Path:
    """A params file over the committed sample, written into ``folder``."""
    params = {
        "name": "t",
        "instrument": "support_services",
        "data": str(SAMPLE / "support_services.parquet"),
        "comments": str(SAMPLE / "support_services_comments.csv"),
        "headcounts": str(SAMPLE / "support_services_headcounts.csv"),
        "wave": "2026-fall",
        "compare_to": "2026-spring",
        "departments": "all",
        "report_date": REPORT_DATE,  # pinned: a test never depends on today's date
        "output": str(folder / "run"),
    }
    params.update(overrides)
    path = folder / "params.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


#: The packet run of the oracle and the cross-survey attack: units and why each is there.
PACKET_UNITS = ["Finance", "Transportation", "Legal Services", "Central High School"]
# Finance, Transportation: both surveys, shown; Legal Services: hidden in the engagement survey
# (3 respondents); Central High School: a school, engagement survey only.
PACKET_SURVEYS = {"Service": "support_services", "Team": "engagement"}
#: The packet run's pages the browser tests open: the packet summary, a packet of both surveys,
#: one hidden in the engagement survey, a school's one-survey report and two roll-out pages.
PACKET_PAGES = [
    "index.html",
    "departments/finance.html",
    "departments/legal-services.html",
    "departments/central-high-school.html",
    "rollout/finance.html",
    "rollout/legal-services.html",
]


def run_packet(tmp: Path) -> Path:
    """``districtsurvey run`` on a two-survey packet of the sample (``PACKET_UNITS``, fall 2026
    against spring); returns the run folder."""
    path = packet_params(tmp, units=PACKET_UNITS, name="oracle-packet", title="Riverbend packets")
    districtsurvey_run(path, timeout=1200)
    return tmp / "run"


def districtsurvey_run(params: Path, *, timeout: int = 1800) -> None:
    """``districtsurvey run params --quiet --jobs 2`` as a coach runs it; fails with its output."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(params), "--quiet", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


#: The packet loop's units (two rounds): two packets of both surveys and a school (one survey).
LOOP_UNITS = ["Finance", "Transportation", "Central High School"]


def packet_params(
    folder: Path, *, units: list[str] = LOOP_UNITS, wave: str = "2026-fall",
    compare_to: str = "2026-spring", date: str = REPORT_DATE, **extra,
) -> Path:  # fmt: skip
    """A two-survey packet params file over the sample (``units``) written into ``folder``;
    ``extra``: more run-wide keys (``previous_run``, ``plans``, or a ``name`` and ``title``)."""
    blocks = [
        {
            "label": label,
            "instrument": survey,
            "data": str(SAMPLE / f"{survey}.parquet"),
            "comments": str(SAMPLE / f"{survey}_comments.csv"),
            "headcounts": str(SAMPLE / f"{survey}_headcounts.csv"),
            "wave": wave,
            "compare_to": compare_to,
        }
        for label, survey in PACKET_SURVEYS.items()
    ]
    params = {
        "name": f"packet-{wave}",
        "title": f"Riverbend packets, {wave}",
        "surveys": blocks,
        "departments": list(units),
        "report_date": date,
        "output": str(folder / "run"),
        **extra,
    }
    path = folder / "packet.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


def spring_packet(folder: Path) -> Path:
    """The sample's spring 2026 packet (against fall 2025, the wave before) prepared and its
    plans and roll-out pages written (no notebooks: the plans come from the caches)."""
    from districtsurvey.batch.packet import publish_packet
    from districtsurvey.contracts.packet import load_any
    from districtsurvey.prepare.packet import prepare_any

    path = packet_params(folder, wave="2026-spring", compare_to="2025-fall", date="2026-05-20")
    run_dir = prepare_any(load_any(path), params_path=str(path))
    publish_packet(run_dir)
    return run_dir


def outputs_text(nb) -> str:
    """Everything a reader of an executed notebook could see, as text."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            parts.append(cell.source)
            for out in cell.get("outputs", []):
                for kind in ("text/html", "text/markdown", "text/plain"):
                    parts.append(json.dumps(out.get("data", {}).get(kind, "")))
                parts.append(out.get("text", ""))
    return "\n".join(parts)


def notebook(path: Path, *cells: str, parameters: str = 'run_dir = ""\ndepartment = ""') -> Path:
    """A batch notebook at ``path``: a tagged parameters cell, then ``cells``."""
    nb = new_notebook(cells=[new_code_cell(parameters), *(new_code_cell(c) for c in cells)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nbformat.write(nb, str(path))
    return path


def leader_reads(run_dir: Path, *, csv: bool = False) -> dict[str, str]:
    """Per file, the words a leader reads in a run's outputs: every exported page's text (its
    title, charts' text and alt text included; not its CSS) and every cell of the action-plan
    workbooks (``csv``: and of the plan CSVs), less the About sheet's 'Wave' values (the ids the
    next round reads back: 'Wave', and a packet's 'Wave (Service)' per survey; the 'Round' row
    names the wave in words)."""
    import csv as csvlib

    from bs4 import BeautifulSoup
    from openpyxl import load_workbook

    out = {}
    pages = [run_dir / "index.html", *sorted(run_dir.glob("departments/*.html"))]
    for path in pages + sorted(run_dir.glob("rollout/*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["style", "script"]):
            tag.decompose()
        said = [el[a] for a in ("aria-label", "alt") for el in soup.find_all(attrs={a: True})]
        out[str(path.relative_to(run_dir))] = " ".join([soup.get_text(" "), *said])
    for path in sorted(run_dir.glob("action_plans/*.xlsx")):
        cells = []
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows(values_only=True):
                if ws.title == "About" and row and re.fullmatch(r"Wave( \(.+\))?", str(row[0])):
                    continue
                cells += [str(v) for v in row if v is not None]
        out[str(path.relative_to(run_dir))] = " ".join(cells)
    for path in sorted(run_dir.glob("action_plans/*.csv")) if csv else []:
        with path.open(encoding="utf-8", newline="") as f:
            out[str(path.relative_to(run_dir))] = " ".join(" ".join(r) for r in csvlib.reader(f))
    return out
