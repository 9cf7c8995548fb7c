"""Where the batch's jobs run: local worker processes (each with its own warm kernel), or the
workers of a Dask distributed cluster. Both yield one record per job as it finishes."""

from __future__ import annotations

import os
from collections.abc import Iterator

from . import executors
from .executors import Job, run_job
from .supervisor import Workers


def run_local(
    todo: list[Job], *, kernel: str, jobs: int, pool: Workers | None = None
) -> Iterator[dict]:
    """Jobs on local worker processes, each with its own (warm) kernel; yields records as done."""
    own = pool is None
    pool = pool or Workers(kernel, min(jobs, len(todo)))
    try:
        yield from pool.run(todo)
    finally:
        if own:
            pool.close()


def start_pool(kernel: str, workers: int, *, preparing: bool = True) -> Workers:
    """Worker processes started now; each starts its kernel while the parent prepares the run
    (``preparing``: they take turns until ``Workers.prepared``)."""
    return Workers(kernel, workers, preparing=preparing)


def run_dask(todo: list[Job], *, kernel: str, scheduler: str) -> Iterator[dict]:
    """The same jobs on a Dask distributed cluster; the run folder must be on a shared path."""
    from distributed import Client, as_completed

    with Client(scheduler, timeout="60s") as client:
        futures = {
            client.submit(run_job, kernel, job, pure=False, key=_key(job)): job for job in todo
        }
        try:
            tried: set[str] = set()
            pending = as_completed(futures)
            for fut in pending:
                job = futures[fut]
                try:
                    record = fut.result()
                except Exception as exc:  # KilledWorker and friends (Dask retried already)
                    yield _lost(job, exc)
                    continue
                if record.pop("lost", False) and job.slug not in tried:
                    tried.add(job.slug)  # the kernel died: once more
                    again = client.submit(run_job, kernel, job, pure=False, key=_key(job))
                    futures[again] = job
                    pending.add(again)
                    continue
                record["attempts"] = 1 + (job.slug in tried)
                yield record
        except BaseException:
            client.cancel(list(futures))
            raise
        finally:
            try:
                client.run(executors.stop_kernels)  # workers stay up; their kernels need not
            except Exception:
                pass


def _key(job: Job) -> str:
    return f"districtsurvey-{job.slug}-{os.urandom(4).hex()}"


def _lost(job: Job, exc: BaseException) -> dict:
    job.html.unlink(missing_ok=True)  # never a report on disk for a job recorded as failed
    return {
        "slug": job.slug,
        "name": job.name,
        "status": "failed",
        "error": f"worker lost: {executors.short_error(exc)}",
        "seconds": 0.0,
        "worker": None,
        "html": None,
        "notebook": str(job.ipynb) if job.ipynb.exists() else None,
        "attempts": 1,
    }
