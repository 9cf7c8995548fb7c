"""Independent preparations side by side (``prepare.parallel``): the same results as one at a time,
really in other processes at once, the same error as one at a time when a call fails, no child
left when the caller is interrupted or killed; and the demo packet prepared with its surveys side
by side has the same cache, byte for byte, as one prepared a survey at a time.

A process with more than one thread never forks (its child could deadlock), and the test process
may have threads left by earlier tests: every check of the forking path runs in a fresh Python
process of its own, which says what happened on its stdout."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml

from districtsurvey.contracts.paths import PARAMS_DIR
from districtsurvey.prepare.parallel import side_by_side


def fresh(code: str, *args: str, timeout: float = 600) -> dict:
    """Run ``code`` in a new single-threaded Python process; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_calls_run_in_other_processes_at_once_and_come_back_in_order():
    said = fresh("""
        import json, os, threading, time
        from districtsurvey.prepare.parallel import side_by_side
        def pid_after(seconds):
            time.sleep(seconds)
            return os.getpid()
        threads = threading.active_count()
        start = time.monotonic()
        pids = side_by_side({"b": lambda: pid_after(1.0), "a": lambda: pid_after(1.0)}, processes=2)
        print(json.dumps({"threads": threads, "order": list(pids), "pids": list(pids.values()),
                          "me": os.getpid(), "took": time.monotonic() - start}))
    """)
    assert said["threads"] == 1 and said["order"] == ["b", "a"]
    assert said["me"] not in said["pids"] and len(set(said["pids"])) == 2
    assert said["took"] < 1.9  # two 1 s sleeps at once, not one after the other (2 s)


def test_one_process_or_another_thread_running_means_every_call_here():
    assert side_by_side({"a": os.getpid, "b": os.getpid}, processes=1) == {
        "a": os.getpid(),
        "b": os.getpid(),
    }
    other = threading.Thread(target=time.sleep, args=(1.0,))
    other.start()
    try:  # forking a process with another thread running could deadlock the child
        assert set(side_by_side({"a": os.getpid, "b": os.getpid}).values()) == {os.getpid()}
    finally:
        other.join()


def test_a_failing_call_raises_here_what_it_raises_alone(tmp_path):
    said = fresh(
        """
        import json, os, sys
        from pathlib import Path
        from districtsurvey.contracts.errors import Problem, SurveyDataError
        from districtsurvey.prepare.parallel import side_by_side
        seen = Path(sys.argv[1])
        def refuse():
            with seen.open("a") as f:
                f.write(f"{os.getpid()}\\n")
            raise SurveyDataError(Problem("plans/x.xlsx", "'Done-ish' is not a status"))
        try:
            side_by_side({"ok": lambda: 1, "bad": refuse}, processes=2)
            print(json.dumps({"raised": None}))
        except SurveyDataError as exc:
            print(json.dumps({"raised": str(exc), "me": os.getpid(),
                              "tried": [int(p) for p in seen.read_text().split()]}))
        """,
        str(tmp_path / "pids"),
    )
    assert "'Done-ish' is not a status" in said["raised"]
    # in a child first, then here again for its error (the message is the one-at-a-time one)
    assert len(said["tried"]) == 2 and said["tried"][0] != said["me"] == said["tried"][1]


def test_an_interrupted_caller_leaves_no_child(tmp_path):
    said = fresh(
        """
        import json, os, signal, sys, time
        from pathlib import Path
        from districtsurvey.prepare.parallel import side_by_side
        seen = Path(sys.argv[1])
        def tell_and_sleep():
            seen.write_text(str(os.getpid()))
            time.sleep(60)
        def interrupt(signum, frame):
            raise KeyboardInterrupt
        signal.signal(signal.SIGALRM, interrupt)
        signal.alarm(2)  # as Ctrl-C would, while the caller waits for its children
        try:
            side_by_side({"a": tell_and_sleep, "b": lambda: 1}, processes=2)
            print(json.dumps({"interrupted": False}))
        except KeyboardInterrupt:
            print(json.dumps({"interrupted": True, "child": int(seen.read_text())}))
        """,
        str(tmp_path / "child"),
    )
    assert said["interrupted"] and said["child"] != os.getpid()
    assert not _running(said["child"])  # killed and reaped before the caller went on


CALLER = """
import sys, time
from pathlib import Path
from districtsurvey.prepare.parallel import side_by_side
def tell(name):
    import os
    Path(sys.argv[1], name).write_text(str(os.getpid()))
    time.sleep(60)
side_by_side({"a": lambda: tell("a"), "b": lambda: tell("b")}, processes=2)
"""


def test_a_caller_killed_with_sigkill_takes_its_children_along(tmp_path):
    caller = subprocess.Popen([sys.executable, "-c", CALLER, str(tmp_path)])
    try:
        end = time.monotonic() + 60
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        children = [int(f.read_text()) for f in tmp_path.iterdir()]
        assert len(children) == 2 and all(map(_running, children))
    finally:
        caller.kill()
        caller.wait()
    end = time.monotonic() + 10
    while any(map(_running, children)) and time.monotonic() < end:
        time.sleep(0.1)
    assert not any(map(_running, children))  # orphans told by the kernel (PR_SET_PDEATHSIG)


def _cache(run_dir: Path) -> dict[str, str]:
    """sha256 of every table and CSV a prepared packet wrote (run.json names its own folder)."""
    return {
        str(p.relative_to(run_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(run_dir.rglob("*"))
        if p.suffix in {".parquet", ".csv"}
    }


def _demo_params(folder: Path) -> Path:
    """params/demo.yml (both surveys, pulse, plans, comments, benchmarks) writing into ``folder``."""
    params = yaml.safe_load((PARAMS_DIR / "demo.yml").read_text(encoding="utf-8"))
    for block in params["surveys"]:
        for key in ("data", "comments", "headcounts", "benchmarks", "plans"):
            if key in block:
                paths = block[key] if isinstance(block[key], list) else [block[key]]
                resolved = [str((PARAMS_DIR / p).resolve()) for p in paths]
                block[key] = resolved if isinstance(block[key], list) else resolved[0]
    params |= {"output": str(folder / "run"), "report_date": "2026-11-20"}
    folder.mkdir()
    path = folder / "demo.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


PREPARE = """
import json, os, sys
import districtsurvey.prepare.packet as packet
from districtsurvey.contracts.packet import load_any
from districtsurvey.prepare.parallel import side_by_side
params, processes = sys.argv[1], int(sys.argv[2])
prepare_run, pids = packet.prepare_run, []
def recorded(*args, **kwargs):  # which process prepared each survey
    pids.append(os.getpid())
    return prepare_run(*args, **kwargs)
packet.prepare_run = recorded
packet.side_by_side = lambda calls: side_by_side(calls, processes=processes)
packet.prepare_any(load_any(params), params_path=params)
print(json.dumps({"me": os.getpid(), "here": pids}))
"""


@pytest.mark.slow
def test_the_demo_packet_side_by_side_is_the_packet_one_survey_at_a_time(tmp_path):
    together = fresh(PREPARE, str(_demo_params(tmp_path / "together")), "2")
    alone = fresh(PREPARE, str(_demo_params(tmp_path / "alone")), "1")
    assert together["here"] == []  # both surveys were prepared in children
    assert alone["here"] == [alone["me"], alone["me"]]  # one after the other, in the caller
    tables = _cache(tmp_path / "together" / "run")
    assert len([t for t in tables if t.startswith("surveys/")]) > 20  # both surveys' caches
    assert tables == _cache(tmp_path / "alone" / "run")
