"""Local worker processes, each with its own warm kernel, watched one by one.

A ``ProcessPoolExecutor`` breaks as a whole when one worker dies (every job of the pool ends as
"worker lost"); here each worker is a process of its own with a pipe, and the parent watches its
pipe and its exit together. When a worker is killed (kill -9, the out-of-memory killer) its job is
tried once more on a new worker that replaces it; the other workers go on. A worker whose report
runs past its time limit (plus a grace period for the kernel to be stopped in the worker) is
killed and replaced. Every worker leaves with its kernel: on SIGTERM it kills the kernel and exits;
when its parent dies (even by SIGKILL) it notices within half a second and does the same; the
kernels also watch their worker.

While the caller prepares the run, the kernels start on the cores it leaves free (on 2 cores, one
after another), not all at once against it: its preparation is the batch's critical path, and
every report waits for it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from ..contracts.files import sweep_debris
from . import executors
from .executors import Job
from .kernels import kill_kernel

GRACE = 30.0  # seconds past a report's limit before its worker is killed (the worker stops first)
START_WAIT = 30.0  # at most this long a worker waits for its turn to start its kernel
TRIES = 2  # a job whose worker or kernel dies runs once more


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: Job | None = None
    since: float = 0.0
    kernels: dict[int, tuple[str, str]] = field(default_factory=dict)  # pid -> (file, folder)

    @property
    def pid(self) -> int:
        return self.process.pid


def _context():
    """fork while this process has one thread (workers inherit the imports), else forkserver:
    forking a process with other threads running can deadlock the child."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["districtsurvey.batch.executors"])
    return context


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _main(conn: Connection, kernel: str, turns=None) -> None:
    """A worker: warm its kernel (when ``turns``, a semaphore, gives it a turn), then run the jobs
    its pipe brings until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent acts

    def leave(signum, frame):  # the parent stops us: kernels first, then at once
        executors.kill_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)
    parent = os.getppid()

    def watch() -> None:  # the parent was killed (SIGKILL): do not outlive it
        while os.getppid() == parent:
            time.sleep(0.5)
        leave(signal.SIGTERM, None)

    threading.Thread(target=watch, daemon=True).start()
    executors.on_kernel = lambda pid, path, folder: conn.send(("kernel", pid, path, folder))
    turn = turns is not None and turns.acquire(timeout=START_WAIT)
    try:
        executors.warm_up(kernel)
    finally:
        if turn:
            turns.release()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        conn.send(("done", executors.run_job(kernel, job)))
    executors.stop_kernels()


class Workers:
    """``n`` worker processes started now (their kernels warm while the caller prepares the run).

    With ``preparing``, the kernels take turns to start, on the cores the caller leaves free,
    until the caller says :meth:`prepared`.

    >>> with Workers("warm", 2) as workers:             # doctest: +SKIP
    ...     records = list(workers.run(jobs))
    """

    def __init__(
        self, kernel: str, n: int, *, grace: float = GRACE, preparing: bool = False
    ) -> None:
        self.kernel = kernel
        self.n = max(1, n)
        self.grace = grace
        self.workers: list[_Worker] = []
        self._frozen = False
        if threading.active_count() == 1:
            executors.preimport(kernel)  # before the fork: every worker inherits the imports
            # and out of the collector's sight (a full collection no longer walks them, here
            # while the run is prepared, nor in the workers, whose pages stay shared)
            gc.freeze()
            self._frozen = True
        self._turns = _context().Semaphore(max(1, _cores() - 1)) if preparing else None
        for _ in range(self.n):
            self._spawn(self._turns)

    def prepared(self) -> None:
        """The caller has prepared the run: workers still waiting for a turn start their kernels."""
        turns, self._turns = self._turns, None
        for _ in range(self.n if turns is not None else 0):
            turns.release()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn(self, turns=None) -> _Worker:
        parent_end, child_end = multiprocessing.Pipe()
        process = _context().Process(
            target=_main,
            args=(child_end, self.kernel, turns),
            daemon=True,
            name="districtsurvey-worker",
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    # -- running jobs ------------------------------------------------------------------------
    def run(self, todo: list[Job]) -> Iterator[dict]:
        """Run ``todo``; yield one record per job as it finishes (``attempts`` counts tries)."""
        queue = deque(todo)
        tries: dict[str, int] = {}
        spawns = 2 * (self.n + len(todo)) + 2  # more new workers than that: they cannot start
        while queue or any(w.job is not None for w in self.workers):
            for worker in self.workers:
                if worker.job is None and worker.process.is_alive() and queue:
                    self._send(worker, queue.popleft(), tries)
            waiting = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
            ready = set(wait(waiting, timeout=1.0))
            for worker in list(self.workers):
                if worker.conn in ready or worker.process.sentinel in ready:
                    yield from self._collect(worker, tries)
                if worker.job is not None and self._overdue(worker):
                    yield self._give_up(worker, tries)
                if not worker.process.is_alive() or worker.conn.closed:
                    job = self._bury(worker)
                    if job is not None and tries[job.slug] < TRIES and spawns > 0:
                        spawns -= 1
                        self._send(self._spawn(), job, tries)  # once more, on a fresh worker
                    elif job is not None:
                        yield _lost(job, worker, tries[job.slug])
            live = sum(w.process.is_alive() for w in self.workers)
            busy = sum(w.job is not None for w in self.workers)
            missing = min(self.n, len(queue) + busy) - live
            if missing > 0 and spawns <= 0:  # workers die as they start: give the rest up
                while queue:
                    yield _unstarted(queue.popleft())
            for _ in range(max(0, min(missing, spawns))):
                spawns -= 1
                self._spawn()  # a worker died or was stopped and work is left: replace it

    def _send(self, worker: _Worker, job: Job, tries: dict[str, int]) -> None:
        tries[job.slug] = tries.get(job.slug, 0) + 1
        worker.job, worker.since = job, time.monotonic()
        try:
            worker.conn.send(job)
        except OSError:  # it just died: the loop buries it and tries the job again
            pass

    def _collect(self, worker: _Worker, tries: dict[str, int]) -> Iterator[dict]:
        """Every message waiting on a worker's pipe (also one sent just before it died)."""
        while True:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.conn.close()
                return
            if message[0] == "kernel":
                worker.kernels[message[1]] = message[2:]
            elif message[0] == "done" and worker.job is not None:
                record, job = message[1], worker.job
                worker.job = None
                lost = record.pop("lost", False)
                if lost and tries[job.slug] < TRIES:
                    self._send(worker, job, tries)  # the kernel died: once more, a fresh kernel
                    continue
                record["attempts"] = tries[job.slug]
                if record["status"] != "ok":
                    job.html.unlink(missing_ok=True)
                yield record

    def _overdue(self, worker: _Worker) -> bool:
        limit = worker.job.timeout
        return limit is not None and time.monotonic() - worker.since > limit + self.grace

    def _give_up(self, worker: _Worker, tries: dict[str, int]) -> dict:
        """Kill a worker stuck on its job; record the job as failed (not tried again)."""
        job = worker.job
        self._kill(worker)
        worker.job = None
        for folder in {job.html.parent, job.ipynb.parent}:
            sweep_debris(folder, pid=worker.pid)
        record = _lost(job, worker, tries[job.slug])
        record["error"] = f"timed out after {job.timeout:g} s (report_timeout); worker stopped"
        return record

    def _bury(self, worker: _Worker) -> Job | None:
        """A dead worker: kill its kernels, remove its half-written files; return its job."""
        self._kill(worker)
        self.workers.remove(worker)
        job, worker.job = worker.job, None
        if job is not None:
            for folder in {job.html.parent, job.ipynb.parent}:
                sweep_debris(folder, pid=worker.pid)
        return job

    def _kill(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        for pid, (path, folder) in worker.kernels.items():
            kill_kernel(pid, path, folder)
        worker.kernels.clear()
        if not worker.conn.closed:
            worker.conn.close()

    # -- the end -----------------------------------------------------------------------------
    def close(self, timeout: float = 5.0) -> None:
        """Stop every worker and its kernel: a stop message to idle ones, SIGTERM to busy ones,
        SIGKILL to any still there after ``timeout`` seconds."""
        for worker in self.workers:
            try:
                if worker.job is None and not worker.conn.closed:
                    worker.conn.send(None)
                elif worker.process.is_alive():
                    worker.process.terminate()
            except (OSError, ValueError):
                pass
        end = time.monotonic() + timeout
        for worker in self.workers:
            worker.process.join(max(0.0, end - time.monotonic()))
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(1)
        for worker in self.workers:
            self._kill(worker)
        self.workers.clear()
        if self._frozen:  # a caller that runs batch after batch collects as before between them
            gc.unfreeze()
            self._frozen = False


def _lost(job: Job, worker: _Worker, attempts: int) -> dict:
    code = worker.process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    job.html.unlink(missing_ok=True)  # never a report on disk for a job recorded as failed
    return {
        "slug": job.slug,
        "name": job.name,
        "status": "failed",
        "error": f"worker lost ({how}) on {attempts} tries",
        "seconds": 0.0,
        "worker": worker.pid,
        "html": None,
        "notebook": str(job.ipynb) if _written_since(job, worker.since) else None,
        "attempts": attempts,
    }


def _unstarted(job: Job) -> dict:
    return {
        "slug": job.slug,
        "name": job.name,
        "status": "failed",
        "error": "not run: new worker processes kept dying as they started",
        "seconds": 0.0,
        "worker": None,
        "html": None,
        "notebook": None,
        "attempts": 0,
    }


def _written_since(job: Job, since: float) -> bool:
    """Whether the job's notebook on disk was written by this run's try (not an earlier run)."""
    try:
        age = time.time() - job.ipynb.stat().st_mtime
    except OSError:
        return False
    return age <= time.monotonic() - since + 1
