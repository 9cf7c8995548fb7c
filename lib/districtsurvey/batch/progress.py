"""The batch's progress on stderr: one log line per report with its seconds, and a live status line
(done/total, failures so far, ETA) kept at the bottom of a terminal. ``quiet`` prints nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def eta(elapsed: float, done: int, total: int) -> float:
    """Seconds left at the pace so far.

    >>> eta(10.0, 4, 10)
    15.0
    """
    return elapsed / done * (total - done) if done else float("nan")


class Progress:
    """Counts finished reports: a log line per report, and a live status line on a terminal."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.log = log
        self.live = not quiet and log is None and getattr(self.stream, "isatty", lambda: False)()
        self.total = self.done = self.failed = 0
        self.started = time.perf_counter()

    def _emit(self, line: str) -> None:
        if self.quiet:
            return
        if self.log is not None:
            self.log(line)
            return
        clear = "\r\033[K" if self.live else ""
        self.stream.write(f"{clear}{line}\n")
        if self.live:
            self.stream.write(self.status())
        self.stream.flush()

    def note(self, line: str) -> None:
        self._emit(line)

    def start(self, total: int) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.started = time.perf_counter()
        if self.live:
            self.stream.write(self.status())
            self.stream.flush()

    def status(self) -> str:
        left = eta(time.perf_counter() - self.started, self.done, self.total)
        left_text = "--" if left != left else f"{left:.0f}s"
        return f"[{self.done}/{self.total}] failed: {self.failed}  ETA {left_text}"

    def update(self, record: dict) -> None:
        self.done += 1
        self.failed += record["status"] != "ok"
        what = "ok" if record["status"] == "ok" else f"FAILED ({record['error']})"
        line = f"{record['name']}: {what} in {record['seconds']:.1f}s"
        self._emit(line if self.live else f"{self.status()}  {line}")

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()
