"""Independent preparations side by side, each in a forked process: a packet's surveys share
nothing until their caches are written, and each takes seconds of one core.

Forking is only an accelerator. Any call whose process fails (bad input, a kill, an error that
will not pickle) is made again in this process, so it raises exactly what the one-at-a-time path
raises, with the same message; a process that runs alone (more than one thread: forking could
deadlock the child) makes every call itself.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def die_with_parent() -> None:
    """In a child process: SIGTERM it when its parent dies (Linux prctl), even by SIGKILL."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def side_by_side(
    calls: dict[str, Callable[[], T]], *, processes: int | None = None
) -> dict[str, T]:
    """``{key: call()}`` for every call, run in up to ``processes`` forked processes at once
    (default: the machine's cores), in the order given; results must pickle.

    >>> side_by_side({"a": lambda: 6 * 7, "b": lambda: "b"})
    {'a': 42, 'b': 'b'}
    """
    processes = processes or os.cpu_count() or 1
    if len(calls) < 2 or processes < 2 or threading.active_count() > 1:
        return {key: call() for key, call in calls.items()}
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()  # a child would print what is still buffered here a second time
    sys.stderr.flush()
    results: dict[str, T] = {}
    running: list[tuple[str, multiprocessing.process.BaseProcess, object]] = []
    waiting = list(calls)
    try:
        while waiting or running:
            while waiting and len(running) < processes:
                key = waiting.pop(0)
                receive, send = context.Pipe(duplex=False)
                child = context.Process(
                    target=_child, args=(send, calls[key], os.getpid()), daemon=True
                )
                child.start()
                send.close()
                running.append((key, child, receive))
            key, child, receive = running[0]
            try:
                ok, value = receive.recv()
            except (EOFError, OSError):  # killed, or died before it could answer
                ok, value = False, None
            receive.close()
            child.join()
            running.pop(0)
            results[key] = value if ok else calls[key]()  # failed: again here, for its error
    finally:
        for _, child, _ in running:  # interrupted (Ctrl-C, SIGTERM): none outlives the run
            child.kill()
            child.join()
    return {key: results[key] for key in calls}


def _child(send, call: Callable[[], T], parent: int) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    try:
        answer = (True, call())
    except BaseException:  # noqa: BLE001 - the parent makes the call again and raises
        answer = (False, None)
    for reply in (answer, (False, None)):  # a result that will not pickle: the parent does it
        try:
            send.send(reply)
            return
        except Exception:  # noqa: BLE001, S112 - and a parent gone (BrokenPipe): nothing to say
            continue
