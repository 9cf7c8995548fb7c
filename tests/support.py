"""Test helpers shared by every test module (import as ``from support import ...``)."""

from __future__ import annotations

import json
import re
import shutil
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


def copy_params(tmp_path: Path, name: str = "support-services-demo.yml") -> Path:
    shutil.copy(ROOT / "params" / name, tmp_path / name)
    return tmp_path / name


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
