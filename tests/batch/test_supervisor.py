"""The local workers' kernel start while the run is prepared: the kernels take turns on the cores
the parent leaves free, and all start once the parent says the run is prepared. The workers are
real forked processes; their kernel start is replaced (before the fork) by one that writes a line
and waits, so the test sees who started when without a kernel."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from districtsurvey.batch import executors, supervisor


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _wait_for(path: Path, count: int, seconds: float = 10.0) -> list[str]:
    end = time.monotonic() + seconds
    while len(_lines(path)) < count and time.monotonic() < end:
        time.sleep(0.02)
    return _lines(path)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers are forked here")
def test_kernels_take_turns_until_the_run_is_prepared(tmp_path, monkeypatch):
    log = tmp_path / "starts.txt"
    go = multiprocessing.get_context("fork").Event()

    def warm_up(kernel: str) -> None:  # runs in each worker: "started", then hold the turn
        with open(log, "a") as f:
            f.write("start\n")
        go.wait(60)

    monkeypatch.setattr(executors, "warm_up", warm_up)
    monkeypatch.setattr(supervisor, "_cores", lambda: 2)  # the parent's core and one more
    monkeypatch.setattr(supervisor, "_context", lambda: multiprocessing.get_context("fork"))
    workers = supervisor.Workers("warm", 2, preparing=True)
    try:
        assert _wait_for(log, 1) == ["start"]
        time.sleep(0.5)  # the second worker waits for a turn while the first holds it
        assert _lines(log) == ["start"]
        workers.prepared()
        # the second starts now, while the first still holds its turn
        assert _wait_for(log, 2, seconds=5) == ["start", "start"]
    finally:
        go.set()
        workers.close()


def test_without_preparing_every_kernel_starts_at_once(tmp_path, monkeypatch):
    log = tmp_path / "starts.txt"
    go = multiprocessing.get_context("fork").Event()

    def warm_up(kernel: str) -> None:
        with open(log, "a") as f:
            f.write("start\n")
        go.wait(60)

    monkeypatch.setattr(executors, "warm_up", warm_up)
    monkeypatch.setattr(supervisor, "_cores", lambda: 2)
    monkeypatch.setattr(supervisor, "_context", lambda: multiprocessing.get_context("fork"))
    workers = supervisor.Workers("warm", 2)
    try:
        assert _wait_for(log, 2) == ["start", "start"]
    finally:
        go.set()
        workers.close()
