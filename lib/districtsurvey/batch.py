"""The batch: prepare a run once, execute one notebook per department, export HTML, write the manifest.

How one notebook gets executed is one small seam (``Executor.execute``), so faster or remote
executors can be swapped in without touching the rest of the batch.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .errors import Problem, SurveyDataError
from .export import to_html, write_atomic
from .params import RunParams, load_params
from .prepare import prepare_run

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
DEPARTMENT_NOTEBOOK = NOTEBOOKS / "department_report.ipynb"
SUMMARY_NOTEBOOK = NOTEBOOKS / "district_summary.ipynb"
PARAMETERS = {"run_dir", "department"}


@dataclass
class Job:
    """One notebook to execute and export."""

    slug: str
    name: str
    notebook: Path
    ipynb: Path
    html: Path
    parameters: dict = field(default_factory=dict)


def check_parameters(notebook: Path, names: set[str] = PARAMETERS) -> None:
    """papermill only warns on unknown parameters: refuse them here instead."""
    import papermill as pm

    declared = set(pm.inspect_notebook(str(notebook)))
    if not names <= declared:
        raise SurveyDataError(Problem(str(notebook), f"parameters cell lacks {sorted(names - declared)}",
                                      hint="tag a cell 'parameters' declaring run_dir and department"))


class PapermillExecutor:
    """A fresh kernel per notebook (the reference behaviour)."""

    def execute(self, job: Job) -> None:
        import papermill as pm

        nb = pm.execute_notebook(str(job.notebook), str(job.ipynb), parameters=job.parameters,
                                 progress_bar=False, cwd=str(NOTEBOOKS), kernel_name="python3")
        to_html(nb, job.html, title=job.name)


EXECUTORS = {"papermill": PapermillExecutor}


def _run_one(executor_name: str, job: Job) -> dict:
    start = time.perf_counter()
    try:
        EXECUTORS[executor_name]().execute(job)
        status, error = "ok", None
    except Exception as exc:  # recorded per department; the batch goes on
        status, error = "failed", _short_error(exc)
    return {"slug": job.slug, "name": job.name, "status": status, "error": error,
            "seconds": round(time.perf_counter() - start, 2),
            "html": str(job.html) if status == "ok" else None, "notebook": str(job.ipynb)}


def _short_error(exc: Exception) -> str:
    text = getattr(exc, "evalue", None) or str(exc) or type(exc).__name__
    ename = getattr(exc, "ename", type(exc).__name__)
    return f"{ename}: {text}".strip()[:2000] or traceback.format_exc(limit=1)


def plan(run_dir: Path, run: dict, only: list[str] | None = None) -> list[Job]:
    """The district summary plus one job per selected department."""
    from .prepare import slugify

    wanted = {slugify(o) for o in only} if only else None
    departments = [d for d in run["departments"] if wanted is None or d["slug"] in wanted]
    jobs = [Job("index", "District summary", SUMMARY_NOTEBOOK, run_dir / "notebooks" / "index.ipynb",
                run_dir / "index.html", {"run_dir": str(run_dir), "department": ""})]
    jobs += [Job(d["slug"], d["name"], DEPARTMENT_NOTEBOOK, run_dir / "notebooks" / f"{d['slug']}.ipynb",
                 run_dir / "departments" / f"{d['slug']}.html",
                 {"run_dir": str(run_dir), "department": d["slug"]}) for d in departments]
    return jobs


def versions() -> dict[str, str]:
    names = ["districtsurvey", "pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbclient",
             "nbconvert", "ipykernel", "pyarrow", "pydantic"]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def prepare(params_path: str | Path) -> Path:
    """Load the params file and prepare its run folder (used by ``report.load`` for the demo)."""
    params = load_params(params_path)
    return prepare_run(params, params_path=str(params_path))


def _progress(done: int, total: int, failed: int, started: float, line: str, quiet: bool) -> None:
    if quiet:
        return
    elapsed = time.perf_counter() - started
    eta = elapsed / done * (total - done) if done else 0.0
    print(f"[{done}/{total}] {line}  (failed so far: {failed}, ETA {eta:.0f}s)", file=sys.stderr,
          flush=True)


def run_batch(
    params_path: str | Path,
    *,
    jobs: int | None = None,
    only: list[str] | None = None,
    executor: str = "papermill",
    quiet: bool = False,
) -> dict:
    """Run the whole batch; returns the manifest (also written to ``manifest.json``)."""
    started = time.perf_counter()
    params: RunParams = load_params(params_path)
    for nb in (DEPARTMENT_NOTEBOOK, SUMMARY_NOTEBOOK):
        check_parameters(nb)
    run_dir = prepare_run(params, params_path=str(params_path))
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    todo = plan(run_dir, run, only)
    for sub in ("notebooks", "departments"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[dict] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        pending = {pool.submit(_run_one, executor, job) for job in todo}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                res = fut.result()
                results.append(res)
                failed = sum(r["status"] != "ok" for r in results)
                line = f"{res['name']}: {res['status']} in {res['seconds']:.1f}s"
                _progress(len(results), len(todo), failed, started, line, quiet)
    order = {j.slug: i for i, j in enumerate(todo)}
    results.sort(key=lambda r: order[r["slug"]])
    manifest = {
        "run": run["name"], "title": run["title"], "survey": run["survey"], "wave": run["wave"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(time.perf_counter() - started, 2),
        "inputs": run["inputs"], "params": run["params"], "versions": versions(),
        "executor": executor, "jobs": jobs, "reports": results,
        "failed": [r["slug"] for r in results if r["status"] != "ok"],
    }
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2))
    return manifest
