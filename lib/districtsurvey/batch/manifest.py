"""``manifest.json``: what a run was made from and what became of each report.

It records the inputs, notebooks and params (sha256; ``--resume`` trusts an earlier run only when
they are the same), the sha256 of every cache file (``--resume`` rebuilds a cache that is not
whole), versions, and per report ``status`` (``ok``, ``failed``, or ``not run`` while the batch is
under way or after it was stopped), ``error``, ``seconds`` and ``attempts``. It is written
atomically when the reports are planned and again after every report, so a run stopped at any
moment — Ctrl-C, SIGTERM, SIGKILL, a power cut between two reports — leaves a manifest that tells
the truth: every ``ok`` report is on disk, and no report on disk is recorded otherwise.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ..contracts.files import write_atomic
from ..contracts.params import RunParams
from ..prepare.inputs import sha256
from .executors import Job

#: Params that change how a run is carried out, not what it makes: not part of the fingerprint.
NOT_FINGERPRINTED = {"report_timeout"}


def versions() -> dict[str, str]:
    names = [
        "districtsurvey",
        "pandas",
        "numpy",
        "matplotlib",
        "seaborn",
        "papermill",
        "nbclient",
        "nbconvert",
        "ipykernel",
        "pyarrow",
        "pydantic",
        "distributed",
    ]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def fingerprint(params: RunParams, notebooks: Iterable[Path]) -> dict:
    """What a report depends on: input files and notebooks (sha256) and the resolved params."""
    return {
        "inputs": [{"path": str(p), "sha256": sha256(Path(p))} for p in params.files()],
        "params": json.loads(params.model_dump_json(exclude=NOT_FINGERPRINTED)),
        "notebooks": {
            str(nb): hashlib.sha256(Path(nb).read_bytes()).hexdigest() for nb in notebooks
        },
    }


def previous(run_dir: Path, current: dict) -> dict | None:
    """The last manifest of this run folder, if it was made from the same inputs."""
    path = run_dir / "manifest.json"
    if not (path.exists() and (run_dir / "cache" / "run.json").exists()):
        return None
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(before, dict) or not isinstance(before.get("reports"), list):
        return None
    same = all(before.get(key) == value for key, value in current.items())
    return before if same else None


def done(report: dict) -> bool:
    """An earlier report that ``--resume`` keeps: ok, and its HTML still on disk."""
    return (
        report.get("status") == "ok" and bool(report.get("html")) and Path(report["html"]).exists()
    )


def not_run(job: Job) -> dict:
    return {
        "slug": job.slug,
        "name": job.name,
        "status": "not run",
        "error": None,
        "seconds": 0.0,
        "worker": None,
        "html": None,
        "notebook": None,
        "attempts": 0,
    }


class Manifest:
    """The manifest of one batch, rewritten (atomically) after every report."""

    def __init__(
        self,
        run_dir: Path,
        header: dict,
        planned: list[Job],
        kept: dict[str, dict],
        *,
        started: float | None = None,
    ) -> None:
        self.path = run_dir / "manifest.json"
        self.header = header
        self.order = [job.slug for job in planned]
        self.html = {job.slug: job.html for job in planned}
        self.reports = {job.slug: kept.get(job.slug) or not_run(job) for job in planned}
        self.started = time.perf_counter() if started is None else started

    @property
    def done(self) -> int:
        return sum(r["status"] == "ok" for r in self.reports.values())

    @property
    def total(self) -> int:
        return len(self.order)

    def record(self, report: dict) -> None:
        self.reports[report["slug"]] = report
        self.write()

    def write(
        self,
        *,
        complete: bool = False,
        stopped: str | None = None,
        extras: list[str] | None = None,
        extras_error: str | None = None,
    ) -> dict:
        """Write the manifest; ``complete`` or ``stopped`` (the workers are gone then): also remove
        the HTML of every report not recorded ok (one a stopped worker wrote but did not report)."""
        reports = [self.reports[slug] for slug in self.order]
        if complete or stopped:
            for r in reports:
                if r["status"] != "ok":
                    self.html[r["slug"]].unlink(missing_ok=True)
        manifest = {
            **self.header,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "seconds": round(time.perf_counter() - self.started, 2),
            "complete": complete,
            "stopped": stopped,
            "reports": reports,
            "extras": extras or [],
            "extras_error": extras_error,
            "failed": [r["slug"] for r in reports if r["status"] == "failed"]
            + (["extras"] if extras_error else []),
            "not_run": [r["slug"] for r in reports if r["status"] == "not run"],
        }
        write_atomic(self.path, json.dumps(manifest, indent=2))
        return manifest
