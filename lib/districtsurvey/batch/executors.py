"""How one notebook of the batch is executed: a one-method seam, ``execute(job)``.

* ``warm`` (the default): the worker's :class:`~districtsurvey.batch.kernels.WarmKernel`, reused from
  one notebook to the next with a clean namespace, and one in-process HTML exporter.
* ``fresh``: papermill with a new kernel per notebook, the reference the warm output is checked
  against (``districtsurvey run --kernel fresh``).

Executors live one per worker process (``executor(name)``), so a warm kernel outlives the job.
Every output is written atomically; a failed notebook is kept, with its outputs up to the error,
as the department's log.
"""

from __future__ import annotations

import atexit
import copy
import os
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .kernels import ReportTimeout, WarmKernel  # first: hides rfc3987_syntax from nbformat

# isort: split
import nbformat

from ..contracts.files import temporary_name, write_atomic
from ..contracts.paths import NOTEBOOKS
from .export import to_html


@dataclass
class Job:
    """One notebook to execute and export."""

    slug: str
    name: str
    notebook: Path
    ipynb: Path
    html: Path
    parameters: dict = field(default_factory=dict)
    timeout: float | None = None  # seconds for the whole notebook (params report_timeout)
    title: str = ""  # the HTML's <title> (and the PDF's): ``name`` when empty
    locale: str = "en-US"  # the run's locale: the page's lang and its Markdown's spelling


@cache
def _source(path: str, mtime: float) -> nbformat.NotebookNode:
    from papermill.iorw import load_notebook_node

    return load_notebook_node(path)  # read and validated once per worker


def parameterized(job: Job) -> nbformat.NotebookNode:
    """The job's notebook with papermill's injected-parameters cell, as ``papermill`` makes it."""
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(_source(str(job.notebook), os.stat(job.notebook).st_mtime))
    nb = parameterize_notebook(nb, job.parameters, kernel_name="python3", language="python")
    nb.metadata.papermill.update(input_path=str(job.notebook), output_path=str(job.ipynb))
    return nb


class WarmExecutor:
    """Notebooks run one after another on this worker's warm kernel; HTML exported in-process."""

    def __init__(self, *, cwd: Path = NOTEBOOKS, max_uses: int = 0) -> None:
        from multiprocessing.util import Finalize

        self.kernel = _Reported(cwd=cwd, max_uses=max_uses)
        atexit.register(self.kernel.close)
        Finalize(self, self.kernel.close, exitpriority=10)  # pool workers end without atexit
        _WARM.append(self)

    def warm_up(self) -> None:
        self.kernel.start()
        from .export import exporter

        exporter()  # template loaded and compiled while the parent prepares the run

    def execute(self, job: Job) -> None:
        nb = parameterized(job)
        try:
            self.kernel.run(nb, limit=job.timeout)
        finally:  # the notebook is kept either way: on failure it is the department's log
            write_atomic(job.ipynb, nbformat.writes(nb))
        to_html(nb, job.html, title=job.title or job.name, locale=job.locale)


class _Reported(WarmKernel):
    """A warm kernel that tells :data:`on_kernel` (the worker's supervisor) its pid on start."""

    async def _start(self) -> None:
        await super()._start()
        if on_kernel is not None:
            on_kernel(self.pid, self.connection_file, self._ipc)


#: Called with (pid, connection file, socket folder) when a warm kernel starts; a local worker
#: sets it.
on_kernel = None


class FreshExecutor:
    """A fresh papermill kernel per notebook (the reference behaviour)."""

    def warm_up(self) -> None:
        pass

    def execute(self, job: Job) -> None:
        import papermill as pm
        from nbclient.exceptions import CellTimeoutError

        tmp = temporary_name(job.ipynb, suffix=".ipynb")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:  # papermill's limit is per cell; the local workers also stop the whole report
            # in a thread of its own: nbclient then leaves SIGINT and SIGTERM to the batch
            with ThreadPoolExecutor(1) as helper:
                nb = helper.submit(
                    pm.execute_notebook,
                    str(job.notebook),
                    str(tmp),
                    parameters=job.parameters,
                    progress_bar=False,
                    cwd=str(NOTEBOOKS),
                    kernel_name="python3",
                    execution_timeout=job.timeout,
                ).result()
        except CellTimeoutError as exc:
            raise ReportTimeout(job.timeout or 0) from exc
        finally:
            if tmp.exists():
                os.replace(tmp, job.ipynb)
        to_html(nb, job.html, title=job.title or job.name, locale=job.locale)


EXECUTORS = {"warm": WarmExecutor, "fresh": FreshExecutor}
_LOCAL = threading.local()  # one executor (one warm kernel) per worker thread: Dask runs several
_WARM: list[WarmExecutor] = []  # every warm executor of this process, for stop_kernels()


def kill_kernels() -> None:
    """Kill this process's warm kernels at once (a worker's SIGTERM handler)."""
    for ex in _WARM:
        ex.kernel.kill()


def stop_kernels() -> int:
    """Stop this process's warm kernels (they start again on the next job); e.g. from
    ``distributed.Client.run`` at the end of a batch, so that workers leave no kernels behind."""

    def stop() -> None:  # in a thread of its own: the caller may be running an event loop
        for ex in _WARM:
            ex.kernel.shutdown()

    thread = threading.Thread(target=stop)
    thread.start()
    thread.join()
    return len(_WARM)


def executor(name: str):
    """This thread's executor ``name`` (created on first use, kept for the next jobs)."""
    instances = _LOCAL.__dict__.setdefault("instances", {})
    if name not in instances:
        instances[name] = EXECUTORS[name]()
    return instances[name]


def preimport(name: str) -> None:
    """Import what executor ``name`` needs, so that forked workers inherit it instead of paying."""
    import nbclient  # noqa: F401
    import papermill.iorw  # noqa: F401
    import papermill.parameterize  # noqa: F401
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401

    from .export import exporter

    exporter()
    if name == "fresh":
        import papermill  # noqa: F401


def warm_up(name: str) -> None:
    """Pool initializer: start the worker's kernel before the first job arrives."""
    try:
        executor(name).warm_up()
    except Exception:  # the first job retries and records the error
        pass


def short_error(exc: BaseException) -> str:
    """One line for the manifest: exception name and message (nbclient's cell errors included)."""
    text = getattr(exc, "evalue", None)
    if text is None:
        lines = str(exc).strip().splitlines()
        text = lines[0] if lines else ""
    ename = getattr(exc, "ename", None) or type(exc).__name__
    return f"{ename}: {text}".strip()[:2000] or traceback.format_exc(limit=1)


def run_job(name: str, job: Job) -> dict:
    """Execute one job with this process's executor ``name``; never raises, returns its record.

    ``lost`` is true when the kernel died (the out-of-memory killer's usual victim): the batch
    tries such a job once more.
    """
    from nbclient.exceptions import DeadKernelError

    start = time.perf_counter()
    lost = False
    try:
        executor(name).execute(job)
        status, error = "ok", None
    except Exception as exc:  # recorded per department; the batch goes on
        status, error = "failed", short_error(exc)
        if isinstance(exc, ReportTimeout):
            error = str(exc)
        lost = isinstance(exc, DeadKernelError)
        job.html.unlink(missing_ok=True)  # no stale report from an earlier run
    return {
        "slug": job.slug,
        "name": job.name,
        "status": status,
        "error": error,
        "seconds": round(time.perf_counter() - start, 2),
        "worker": os.getpid(),
        "html": str(job.html) if status == "ok" else None,
        "notebook": str(job.ipynb) if job.ipynb.exists() else None,
        "lost": lost,
    }
