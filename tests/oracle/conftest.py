"""Two real runs for the oracle, made once: the support services demo and the engagement survey,
each on a handful of units chosen to cover what can go wrong, through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from oracle.read import Page
from oracle.truth import Survey
from support import REPORT_DATE, ROOT, SAMPLE

#: Units of each survey and why each is there (figures from the committed sample, 2026-fall).
UNITS = {
    "support_services": {
        "Information Technology": "large (1,188 respondents); above the district everywhere",
        "Transportation": "areas tied for lowest (Operations and Timeliness 26%)",
        "Finance": "above the district everywhere, but significant falls",
        "Internal Audit": "fully hidden (fewer than 5 respondents)",
        "Grants": "7 respondents, every figure hidden as a complement",
    },
    "engagement": {
        "Central High School": "a school; reverse-worded statements",
        "Meadowbrook Elementary": "a school above the district everywhere",
        "Transportation": "a department with one site",
        "Printing Services": "some areas hidden",
        "Legal Services": "fully hidden",
    },
}
#: The schools among them (the sample district's list of schools): "school", not "department".
SCHOOLS = {"Central High School", "Meadowbrook Elementary"}


@dataclass
class Run:
    survey: str
    folder: Path
    truth: Survey
    run: dict  # cache/run.json as the run wrote it

    @property
    def wave(self) -> str:
        return self.run["wave"]

    @property
    def compare_to(self) -> str:
        return self.run["compare_to"]

    def page(self, unit: str) -> Page:
        slug = next(d["slug"] for d in self.run["departments"] if d["name"] == unit)
        return Page.read(self.folder / "departments" / f"{slug}.html")

    def slug(self, unit: str) -> str:
        return next(d["slug"] for d in self.run["departments"] if d["name"] == unit)


def _execute(tmp: Path, survey: str) -> Path:
    """``districtsurvey run`` on the sample: the units of ``UNITS`` and the district summary."""
    params = {
        "name": f"oracle-{survey}",
        "instrument": survey,
        "data": str(SAMPLE / f"{survey}.parquet"),
        "comments": str(SAMPLE / f"{survey}_comments.csv"),
        "headcounts": str(SAMPLE / f"{survey}_headcounts.csv"),
        "benchmarks": str(SAMPLE / f"{survey}_benchmarks.csv"),
        "wave": "2026-fall",
        "compare_to": "2026-spring",
        "departments": list(UNITS[survey]),
        "report_date": REPORT_DATE,
        "output": str(tmp / "run"),
    }
    path = tmp / "params.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(path), "--quiet", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return tmp / "run"


def _load(folder: Path, survey: str) -> Run:
    truth = Survey(
        data=SAMPLE / f"{survey}.parquet",
        instrument=ROOT / "data" / "instruments" / f"{survey}.yml",
        headcounts=SAMPLE / f"{survey}_headcounts.csv",
        benchmarks=SAMPLE / f"{survey}_benchmarks.csv",
    )
    run = json.loads((folder / "cache" / "run.json").read_text(encoding="utf-8"))
    return Run(survey, folder, truth, run)


@pytest.fixture(scope="package")
def runs(tmp_path_factory) -> dict[str, Run]:
    """The two runs. ``ORACLE_RUNS=/some/folder`` keeps them there and reuses them while the
    oracle itself is being written (never in CI: a reused run does not test the code)."""
    keep = os.environ.get("ORACLE_RUNS")
    out = {}
    for survey in UNITS:
        tmp = Path(keep) / survey if keep else tmp_path_factory.mktemp(survey)
        tmp.mkdir(parents=True, exist_ok=True)
        folder = tmp / "run"
        if not (keep and (folder / "index.html").exists()):
            folder = _execute(tmp, survey)
        out[survey] = _load(folder, survey)
    return out
