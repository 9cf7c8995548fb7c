"""The batch: prepare a run once, run one notebook per department, export HTML, write the manifest.

How one notebook gets executed is one small seam (``executors.py``: warm kernels by default, a
fresh papermill kernel as the reference); where the jobs run is another (``local`` worker
processes, or a ``dask`` cluster). ``--resume`` reruns only the departments that are missing or
failed, when the inputs, params and notebooks hash the same as in ``manifest.json``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.files import write_atomic
from ..contracts.params import RunParams, load_params
from ..contracts.paths import NOTEBOOKS
from ..prepare.inputs import sha256, slugify
from ..prepare.run import prepare, prepare_run
from . import executors
from .executors import Job
from .progress import Progress
from .publish import publish_extras
from .workers import run_dask, run_local, start_pool

DEPARTMENT_NOTEBOOK = NOTEBOOKS / "department_report.ipynb"
SUMMARY_NOTEBOOK = NOTEBOOKS / "district_summary.ipynb"
PARAMETERS = {"run_dir", "department"}

__all__ = ["Job", "check_parameters", "plan", "prepare", "run_batch", "versions"]


def check_parameters(notebook: Path, names: set[str] = PARAMETERS) -> None:
    """papermill only warns on unknown parameters: refuse a notebook that does not declare ours."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    declared: set[str] = set()
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    declared.add(node.id)
            break
    if not names <= declared:
        raise SurveyDataError(
            Problem(
                str(notebook),
                f"parameters cell lacks {sorted(names - declared)}",
                hint="tag a cell 'parameters' declaring run_dir and department",
            )
        )


def plan(
    run_dir: Path,
    run: dict,
    only: list[str] | None = None,
    *,
    department_notebook: Path = DEPARTMENT_NOTEBOOK,
    summary_notebook: Path = SUMMARY_NOTEBOOK,
) -> list[Job]:
    """The district summary plus one job per selected department (``only``: names or slugs)."""
    known = {d["slug"] for d in run["departments"]}
    wanted = {slugify(o) for o in only} if only else None
    if wanted and wanted - known:
        raise SurveyDataError(
            Problem(
                "--only",
                f"unknown department(s) {sorted(wanted - known)}",
                hint=f"departments of this run: {', '.join(sorted(known))}",
            )
        )
    departments = [d for d in run["departments"] if wanted is None or d["slug"] in wanted]
    jobs = [
        Job(
            "index",
            "District summary",
            summary_notebook,
            run_dir / "notebooks" / "index.ipynb",
            run_dir / "index.html",
            {"run_dir": str(run_dir), "department": ""},
        )
    ]
    jobs += [
        Job(
            d["slug"],
            d["name"],
            department_notebook,
            run_dir / "notebooks" / f"{d['slug']}.ipynb",
            run_dir / "departments" / f"{d['slug']}.html",
            {"run_dir": str(run_dir), "department": d["slug"]},
        )
        for d in departments
    ]
    return jobs


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
        "params": json.loads(params.model_dump_json()),
        "notebooks": {
            str(nb): hashlib.sha256(Path(nb).read_bytes()).hexdigest() for nb in notebooks
        },
    }


def _previous(run_dir: Path, current: dict) -> dict | None:
    """The last manifest of this run folder, if it was made from the same inputs."""
    path = run_dir / "manifest.json"
    if not (path.exists() and (run_dir / "cache" / "run.json").exists()):
        return None
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    same = all(before.get(key) == value for key, value in current.items())
    return before if same else None


def _done(report: dict) -> bool:
    return report["status"] == "ok" and bool(report.get("html")) and Path(report["html"]).exists()


# -- the batch ---------------------------------------------------------------------------------
def run_batch(
    params_path: str | Path,
    *,
    jobs: int | None = None,
    only: list[str] | None = None,
    resume: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    kernel: str = "warm",
    pdf: bool = False,
    paper: str | None = None,
    quiet: bool = False,
    department_notebook: Path = DEPARTMENT_NOTEBOOK,
    summary_notebook: Path = SUMMARY_NOTEBOOK,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Run the batch; returns the manifest (also written to ``manifest.json``).

    ``executor`` is ``local`` (``jobs`` worker processes, default: cores) or ``dask`` (jobs sent
    to the cluster at ``scheduler``); ``kernel`` is ``warm`` (reused kernels) or ``fresh``.
    After the notebooks, the action plans and roll-out pages are written (and PDFs with ``pdf``,
    on ``paper``: ``letter`` or ``a4``, default the params file's ``paper``).
    """
    started = time.perf_counter()
    if executor not in ("local", "dask"):
        raise SurveyDataError(
            Problem("--executor", f"unknown executor '{executor}'", hint="local or dask")
        )
    if executor == "dask" and not scheduler:
        raise SurveyDataError(
            Problem(
                "--scheduler",
                "--executor dask needs --scheduler ADDRESS",
                hint="e.g. tcp://10.0.0.5:8786",
            )
        )
    if kernel not in executors.EXECUTORS:
        raise SurveyDataError(
            Problem("--kernel", f"unknown kernel mode '{kernel}'", hint="warm or fresh")
        )
    params: RunParams = load_params(params_path)
    notebooks = (Path(department_notebook), Path(summary_notebook))
    for nb in notebooks:
        check_parameters(nb)
    run_dir = params.output_dir.resolve()
    current = fingerprint(params, notebooks)
    previous = _previous(run_dir, current) if resume else None
    progress = Progress(quiet=quiet, log=log)
    if resume and previous is None:
        progress.note(
            "resume: no earlier run with the same inputs, params and notebooks; running all"
        )
    jobs = max(1, jobs or os.cpu_count() or 1)
    workers = min(jobs, len(only) + 1) if only else jobs  # no kernel without a report to run
    pool = start_pool(kernel, workers) if executor == "local" and previous is None else None
    background = extras_made = None
    try:
        if previous is None:
            prepare_run(params, params_path=str(params_path))
        run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
        planned = plan(
            run_dir, run, only, department_notebook=notebooks[0], summary_notebook=notebooks[1]
        )
        kept = {r["slug"]: r for r in (previous or {}).get("reports", []) if _done(r)}
        todo = [j for j in planned if j.slug not in kept]
        if previous is not None:
            progress.note(f"resume: {len(kept)} report(s) up to date, {len(todo)} to run")
        for sub in ("notebooks", "departments"):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        if executor == "local" and todo and pool is None:  # resuming: forked before our thread
            pool = start_pool(kernel, min(workers, len(todo)))
        if not pdf:  # action plans and roll-out pages read the cache only: made meanwhile
            background = ThreadPoolExecutor(1, thread_name_prefix="extras")
            extras_made = background.submit(publish_extras, run_dir, pdf=False, only=only)
        results: list[dict] = []
        if todo:
            progress.start(len(todo))
            if executor == "dask":
                stream = run_dask(todo, kernel=kernel, scheduler=scheduler)
            else:
                stream = run_local(todo, kernel=kernel, jobs=jobs, pool=pool)
            for res in stream:
                results.append(res)
                progress.update(res)
            progress.finish()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if background is not None:
            background.shutdown(wait=True)
    reports = _merge(run, kept, results)
    extras, extras_error = [], None
    try:  # action plans and roll-out pages (and PDFs of every report with --pdf)
        made = (
            extras_made.result()
            if extras_made
            else publish_extras(run_dir, pdf=pdf, paper=paper, only=only)
        )
        extras = [str(p.relative_to(run_dir)) for p in made]
    except SurveyDataError as err:
        extras_error = str(err)
        progress.note(f"extras failed: {err}")
    manifest = {
        "run": run["name"],
        "title": run["title"],
        "survey": run["survey"],
        "wave": run["wave"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.perf_counter() - started, 2),
        **current,
        "versions": versions(),
        "executor": executor,
        "scheduler": scheduler,
        "kernel": kernel,
        "jobs": jobs,
        "resumed": sorted(kept) if previous is not None else [],
        "reports": reports,
        "extras": extras,
        "extras_error": extras_error,
        "failed": [r["slug"] for r in reports if r["status"] != "ok"]
        + (["extras"] if extras_error else []),
    }
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2))
    return manifest


def _merge(run: dict, kept: dict[str, dict], results: list[dict]) -> list[dict]:
    """The reports kept from the earlier run and this run's, in plan order."""
    by_slug = {**kept, **{r["slug"]: r for r in results}}
    order = ["index", *(d["slug"] for d in run["departments"])]
    return [by_slug[s] for s in order if s in by_slug]
