"""Where the batch's jobs run: local worker processes (each with its own warm kernel), or the
workers of a Dask distributed cluster. Both yield one record per job as it finishes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from . import executors
from .executors import Job, run_job


def run_local(
    todo: list[Job], *, kernel: str, jobs: int, pool: ProcessPoolExecutor | None = None
) -> Iterator[dict]:
    """Jobs on local worker processes, each with its own (warm) kernel; yields records as done."""
    own = pool is None
    pool = pool or start_pool(kernel, min(jobs, len(todo)))
    try:
        pending = {pool.submit(run_job, kernel, job): job for job in todo}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                job = pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as exc:  # the worker process itself died
                    yield _lost(job, exc)
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def start_pool(kernel: str, workers: int) -> ProcessPoolExecutor:
    """Worker processes forked now; each starts its kernel while the parent prepares the run."""
    import multiprocessing
    import threading

    if threading.active_count() == 1:  # forking is safe: workers inherit the imports below
        context = multiprocessing.get_context("fork")
        executors.preimport(kernel)
    else:  # other threads (a Dask client, a test runner's): fork from a clean server instead
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["districtsurvey.batch.executors"])
    pool = ProcessPoolExecutor(
        max_workers=max(1, workers),
        initializer=executors.warm_up,
        initargs=(kernel,),
        mp_context=context,
    )
    pool.submit(int)  # forks the workers (and runs their initializer) right away
    return pool


def run_dask(todo: list[Job], *, kernel: str, scheduler: str) -> Iterator[dict]:
    """The same jobs on a Dask distributed cluster; the run folder must be on a shared path."""
    from distributed import Client, as_completed

    with Client(scheduler, timeout="60s") as client:
        futures = {
            client.submit(
                run_job,
                kernel,
                job,
                pure=False,
                key=f"districtsurvey-{job.slug}-{os.urandom(4).hex()}",
            ): job
            for job in todo
        }
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # KilledWorker and friends
                    yield _lost(futures[fut], exc)
        finally:
            try:
                client.run(executors.stop_kernels)  # workers stay up; their kernels need not
            except Exception:
                pass


def _lost(job: Job, exc: BaseException) -> dict:
    return {
        "slug": job.slug,
        "name": job.name,
        "status": "failed",
        "error": f"worker lost: {executors.short_error(exc)}",
        "seconds": 0.0,
        "worker": None,
        "html": None,
        "notebook": str(job.ipynb) if job.ipynb.exists() else None,
    }
