"""Independent preparations side by side (``prepare.parallel``): the same results as one at a time,
really in other processes at once, the same error as one at a time when a call fails, no child
left when the caller is interrupted; and a packet prepared with its surveys side by side has the
same cache, byte for byte, as one prepared a survey at a time."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from districtsurvey.contracts.errors import Problem, SurveyDataError
from districtsurvey.contracts.packet import load_any
from districtsurvey.contracts.paths import PARAMS_DIR
from districtsurvey.prepare import packet as packet_module
from districtsurvey.prepare.parallel import side_by_side


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_calls_run_in_other_processes_at_once_and_come_back_in_order():
    start = time.monotonic()
    pids = side_by_side({"b": lambda: _pid_after(1.0), "a": lambda: _pid_after(1.0)}, processes=2)
    took = time.monotonic() - start
    assert list(pids) == ["b", "a"]
    assert os.getpid() not in pids.values() and pids["a"] != pids["b"]
    assert took < 1.9  # two 1 s sleeps at once, not one after the other (2 s)


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


def _refuse(seen: Path) -> None:
    with seen.open("a") as f:
        f.write(f"{os.getpid()}\n")
    raise SurveyDataError(Problem("plans/x.xlsx", "'Done-ish' is not a status", hint="pick one"))


def test_a_failing_call_raises_here_what_it_raises_alone(tmp_path):
    seen = tmp_path / "pids"
    with pytest.raises(SurveyDataError) as caught:
        side_by_side({"ok": lambda: 1, "bad": lambda: _refuse(seen)}, processes=2)
    assert "'Done-ish' is not a status" in str(caught.value)
    tried = seen.read_text().split()
    assert len(tried) == 2 and tried[-1] == str(os.getpid())  # in a child, then here for its error


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def _sleep_and_tell(seen: Path) -> None:
    seen.write_text(str(os.getpid()))
    time.sleep(60)


def test_an_interrupted_caller_leaves_no_child(tmp_path):
    seen = tmp_path / "child"
    alarm = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    signal.alarm(2)
    try:
        with pytest.raises(KeyboardInterrupt):
            side_by_side({"a": lambda: _sleep_and_tell(seen), "b": lambda: 1}, processes=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, alarm)
    assert not _running(int(seen.read_text()))


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


@pytest.mark.slow
def test_the_demo_packet_side_by_side_is_the_packet_one_survey_at_a_time(tmp_path, monkeypatch):
    together = _demo_params(tmp_path / "together")
    packet_module.prepare_any(load_any(together), params_path=str(together))
    alone = _demo_params(tmp_path / "alone")
    one_at_a_time = lambda calls: side_by_side(calls, processes=1)  # noqa: E731
    monkeypatch.setattr(packet_module, "side_by_side", one_at_a_time)
    packet_module.prepare_any(load_any(alone), params_path=str(alone))
    tables = _cache(tmp_path / "together" / "run")
    assert len([t for t in tables if t.startswith("surveys/")]) > 20  # both surveys' caches
    assert tables == _cache(tmp_path / "alone" / "run")
