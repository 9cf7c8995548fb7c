"""A batch stopped from outside: Ctrl-C (SIGINT), SIGTERM (``kill``, a scheduler, a shutdown) or
SIGHUP (its terminal closed). Each becomes an exception in the main thread, so the batch stops its
workers and kernels and writes its manifest on the way out; the CLI prints one line and exits
with 128 + the signal number (130, 143, 129), as shells do.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived (SIGINT arrives as KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interrupted(Exception):
    """The batch was stopped; the manifest holds what was done.

    >>> str(Interrupted(signal.SIGINT, done=12, total=31))
    'interrupted: 12/31 reports done; `--resume` continues'
    >>> Interrupted(signal.SIGTERM, done=0, total=None).exit_code
    143
    """

    def __init__(self, signum: int, *, done: int, total: int | None) -> None:
        self.signum, self.done, self.total = int(signum), done, total
        self.exit_code = 128 + self.signum
        what = "while preparing the run" if total is None else f"{done}/{total} reports done"
        super().__init__(f"interrupted: {what}; `--resume` continues")


def signum_of(exc: BaseException) -> int:
    return exc.signum if isinstance(exc, Stopped) else int(signal.SIGINT)


def _raise(signum, frame):
    raise Stopped(signum)


@contextmanager
def stop_signals() -> Iterator[None]:
    """While the block runs (in the main thread), SIGTERM and SIGHUP raise :class:`Stopped`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.signal(s, _raise) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


@contextmanager
def deaf() -> Iterator[None]:
    """While cleaning up after a stop, a second Ctrl-C or SIGTERM is ignored: it must not cut the
    clean-up short (which would leave kernels behind and the manifest unwritten)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {s: signal.signal(s, signal.SIG_IGN) for s in sigs}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def stop_child(server) -> None:
    """Ask a child server to stop (SIGTERM: JupyterLab shuts its kernels down), then kill it."""
    import subprocess

    if server.poll() is None:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
