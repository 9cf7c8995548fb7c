"""The batch: prepare a run once, run one notebook per department, export HTML, write the manifest.

How one notebook gets executed is one small seam (``executors.py``: warm kernels by default, a
fresh papermill kernel as the reference); where the jobs run is another (``local`` worker
processes watched by ``supervisor.py``, or a ``dask`` cluster). ``--resume`` reruns only the
departments that are missing or failed, when the inputs, params and notebooks hash the same as in
``manifest.json`` and the cache is whole. Everything a user can get wrong (options, params, the
output folder, ``--only``) is checked before anything is written; a run stopped by a signal
stops its workers and kernels and leaves a truthful manifest (``stopping.py``).
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..contracts.errors import SurveyDataError
from ..contracts.files import sweep_debris
from ..contracts.packet import PacketParams, load_any
from ..contracts.params import RunParams
from ..contracts.paths import NOTEBOOKS
from ..prepare.cache import cache_checksums, cache_problem
from ..prepare.inputs import resolve_only
from ..prepare.packet import prepare_any
from ..prepare.run import prepare
from ..reports.locale import for_run, run_title
from .executors import Job
from .manifest import Manifest, done, fingerprint, previous, versions
from .preflight import check_options, check_output, check_parameters
from .progress import Progress
from .publish import publish_extras
from .stopping import Interrupted, Stopped, deaf, signum_of, stop_signals
from .workers import run_dask, run_local, start_pool

# A process that ran a batch leaves with its heap: without this, the interpreter's last full
# collection walks all of it (pandas, matplotlib, the run's tables), about 0.4 s after a batch.
# Other exit handlers still run.
atexit.register(gc.freeze)

DEPARTMENT_NOTEBOOK = NOTEBOOKS / "department_report.ipynb"
SUMMARY_NOTEBOOK = NOTEBOOKS / "district_summary.ipynb"
PACKET_NOTEBOOKS = (NOTEBOOKS / "packet_report.ipynb", NOTEBOOKS / "packet_summary.ipynb")

__all__ = ["Interrupted", "Job", "check_parameters", "plan", "prepare", "run_batch", "versions"]


def plan(
    run_dir: Path,
    run: dict,
    only: list[str] | None = None,
    *,
    department_notebook: Path = DEPARTMENT_NOTEBOOK,
    summary_notebook: Path = SUMMARY_NOTEBOOK,
    timeout: float | None = None,
) -> list[Job]:
    """The district summary plus one job per selected department (``only``: names or slugs).

    A packet's ``run.json`` names each unit's notebook (``notebook``), and for a unit of one
    survey that survey's run folder (``run_dir``) and its name there (``department``)."""
    wanted = set(resolve_only(only, run["departments"])) if only else None
    departments = [d for d in run["departments"] if wanted is None or d["slug"] in wanted]
    params = {"run_dir": str(run_dir)}
    loc = for_run(run)
    title = run_title(run, loc)  # the run's title, its wave in words

    def notebook(name: str | None, default: Path) -> Path:
        return NOTEBOOKS / f"{name}.ipynb" if name else default

    jobs = [
        Job(
            "index",
            "District summary",
            notebook(run.get("summary_notebook"), summary_notebook),
            run_dir / "notebooks" / "index.ipynb",
            run_dir / "index.html",
            {**params, "department": ""},
            timeout,
            title=title,
            locale=loc.id,
        )
    ]
    jobs += [
        Job(
            d["slug"],
            d["name"],
            notebook(d.get("notebook"), department_notebook),
            run_dir / "notebooks" / f"{d['slug']}.ipynb",
            run_dir / "departments" / f"{d['slug']}.html",
            {
                "run_dir": str(run_dir / d["run_dir"]) if "run_dir" in d else str(run_dir),
                "department": d.get("department", d["slug"]),
            },
            timeout,
            title=f"{d['name']}: {title}",
            locale=loc.id,
        )
        for d in departments
    ]
    return jobs


class _Resources:
    """What a batch holds while it runs: worker processes, the extras thread, the manifest."""

    def __init__(self) -> None:
        self.pool = None
        self.background: ThreadPoolExecutor | None = None
        self.stop = threading.Event()
        self.manifest: Manifest | None = None

    def close(self) -> None:
        self.stop.set()
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.background is not None:
            self.background.shutdown(wait=True)
            self.background = None


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
    timeout: float | None = None,
    department_notebook: Path = DEPARTMENT_NOTEBOOK,
    summary_notebook: Path = SUMMARY_NOTEBOOK,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Run the batch; returns the manifest (also written to ``manifest.json``).

    ``executor`` is ``local`` (``jobs`` worker processes, default: cores) or ``dask`` (jobs sent
    to the cluster at ``scheduler``); ``kernel`` is ``warm`` (reused kernels) or ``fresh``;
    ``timeout`` (seconds per report) overrides the params' ``report_timeout``.
    After the notebooks, the action plans and roll-out pages are written (and PDFs with ``pdf``,
    on ``paper``: ``letter`` or ``a4``, default the params file's ``paper``).
    Raises :class:`Interrupted` when stopped by Ctrl-C, SIGTERM or SIGHUP, after stopping every
    worker and kernel and writing the manifest.
    """
    started = time.perf_counter()
    check_options(executor, scheduler, kernel, jobs, timeout)
    params: RunParams | PacketParams = load_any(params_path)
    notebooks = (Path(department_notebook), Path(summary_notebook))
    if isinstance(params, PacketParams):  # a packet's own notebooks are part of what it depends on
        notebooks += PACKET_NOTEBOOKS
    for nb in notebooks:
        check_parameters(nb)
    run_dir = params.output_dir.resolve()
    check_output(run_dir, where=str(params_path))
    held = _Resources()
    settings = {
        "executor": executor,
        "scheduler": scheduler,
        "kernel": kernel,
        "jobs": jobs or os.cpu_count() or 1,
        "report_timeout": timeout or params.report_timeout,
        "pdf": pdf,
        "paper": paper or params.paper,
    }
    progress = Progress(quiet=quiet, log=log)
    with stop_signals():
        try:
            return _batch(
                params,
                str(params_path),
                run_dir,
                notebooks,
                only=only,
                resume=resume,
                settings=settings,
                held=held,
                progress=progress,
                started=started,
            )
        except (KeyboardInterrupt, Stopped) as exc:
            with deaf():
                progress.finish()  # a live status line is cleared for the one line to come
                held.close()
                manifest = held.manifest
                if manifest is not None:
                    try:
                        manifest.write(stopped=str(exc) or "SIGINT")
                    except OSError:  # no room even for it: the last one written stays, true
                        pass
            total = None if manifest is None else manifest.total
            done_ = 0 if manifest is None else manifest.done
            raise Interrupted(signum_of(exc), done=done_, total=total) from None
        finally:
            with deaf():
                held.close()


def _batch(
    params: RunParams | PacketParams,
    params_path: str,
    run_dir: Path,
    notebooks: tuple[Path, ...],
    *,
    only: list[str] | None,
    resume: bool,
    settings: dict,
    held: _Resources,
    progress: Progress,
    started: float,
) -> dict:
    sweep_debris(run_dir)  # temporary files of a run that was killed mid-write
    current = fingerprint(params, notebooks)
    earlier = previous(run_dir, current) if resume else None
    if resume and earlier is None:
        progress.note(
            "resume: no earlier run with the same inputs, params and notebooks; running all"
        )
    prepared = False
    if earlier is not None:
        problem = cache_problem(run_dir, earlier.get("cache"))
        if problem:
            progress.note(f"resume: the run's cache cannot be trusted ({problem}); rebuilding it")
            prepare_any(params, params_path=params_path, only=only)
            prepared = True
            if cache_checksums(run_dir) != earlier.get("cache"):
                progress.note("resume: the rebuilt cache differs; running every report again")
                earlier = None
    kernel, jobs = settings["kernel"], settings["jobs"]
    local = settings["executor"] == "local"
    workers = min(jobs, len(only) + 1) if only else jobs  # no kernel without a report to run
    if local and earlier is None:  # forked now: kernels start while the run is prepared
        held.pool = start_pool(kernel, workers)
    if earlier is None and not prepared:
        prepare_any(params, params_path=params_path, only=only)
    if held.pool is not None:
        held.pool.prepared()  # kernels still waiting for a turn start now
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    for warning in run.get("warnings", []):  # e.g. a plan file of an older run, skipped
        progress.note(f"warning: {warning}")
    planned = plan(
        run_dir,
        run,
        only,
        department_notebook=notebooks[0],
        summary_notebook=notebooks[1],
        timeout=settings["report_timeout"],
    )
    kept = {r["slug"]: r for r in (earlier or {}).get("reports", []) if done(r)}
    todo = [j for j in planned if j.slug not in kept]
    for job in todo:  # a report (or log) about to be made again is not left from an earlier run
        for stale in (job.html, job.html.with_suffix(".pdf"), job.ipynb):
            stale.unlink(missing_ok=True)
    order = ["index", *(d["slug"] for d in run["departments"])]
    shown = {j.slug for j in planned} | set(kept)
    jobs_by_slug = {j.slug: j for j in planned}
    for slug, report in kept.items():
        jobs_by_slug.setdefault(
            slug, Job(slug, report["name"], notebooks[0], Path(), Path(report["html"]))
        )
    header = {
        "run": run["name"],
        "title": run["title"],
        "survey": run["survey"],
        "wave": run["wave"],
        **current,
        "cache": cache_checksums(run_dir),
        "versions": versions(),
        **{k: v for k, v in settings.items() if k not in ("pdf", "paper")},
        "resumed": sorted(kept) if earlier is not None else [],
    }
    held.manifest = Manifest(
        run_dir, header, [jobs_by_slug[s] for s in order if s in shown], kept, started=started
    )
    held.manifest.write()
    if earlier is not None:
        progress.note(f"resume: {len(kept)} report(s) up to date, {len(todo)} to run")
    for sub in ("notebooks", "departments"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    if local and todo and held.pool is None:  # resuming: forked before our thread starts
        held.pool = start_pool(kernel, min(workers, len(todo)), preparing=False)
    slugs = [j.slug for j in planned if j.slug != "index"] if only else None
    extras_made = None
    if not settings["pdf"]:  # action plans and roll-out pages read the cache only: made meanwhile
        held.background = ThreadPoolExecutor(1, thread_name_prefix="extras")
        extras_made = held.background.submit(
            publish_extras, run_dir, pdf=False, only=slugs, stop=held.stop
        )
    if todo:
        progress.start(len(todo))
        if local:
            stream = run_local(todo, kernel=kernel, jobs=jobs, pool=held.pool)
        else:
            stream = run_dask(todo, kernel=kernel, scheduler=settings["scheduler"])
        for res in stream:
            held.manifest.record(res)
            progress.update(res)
        progress.finish()
    if held.pool is not None:
        held.pool.close()
        held.pool = None
    extras, extras_error = [], None
    try:  # action plans and roll-out pages (and PDFs of every report with --pdf)
        if extras_made is not None:
            made = extras_made.result()
        else:
            made = publish_extras(
                run_dir, pdf=settings["pdf"], paper=settings["paper"], only=slugs, stop=held.stop
            )
        extras = [str(p.relative_to(run_dir)) for p in made]
    except SurveyDataError as err:
        extras_error = str(err)
    except OSError as err:
        extras_error = f"cannot write {err.filename or ''}: {err.strerror or err}"
    if extras_error:
        progress.note(f"extras failed: {extras_error}")
    return held.manifest.write(complete=True, extras=extras, extras_error=extras_error)
