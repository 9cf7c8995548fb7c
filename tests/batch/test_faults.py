"""Faults a batch must survive, each caused for real: a worker killed with SIGKILL (found by its
pid), Ctrl-C / SIGTERM / SIGKILL sent to a ``districtsurvey run`` process, a file-size limit set
with ``resource.setrlimit`` in the run's process, a hung cell, a read-only output folder, clashing
and overlong department names. Each outcome is read from the files on disk (manifest, reports,
``*.tmp`` debris), the exit code and the message; leftover processes are found by an environment
tag that every worker and kernel of the run inherits."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from districtsurvey.batch.run import run_batch
from support import ROOT, SAMPLE, notebook, write_params

FOUR = ["Transportation", "Finance", "Payroll", "Internal Audit"]
SIX = [*FOUR, "Athletics", "Benefits"]


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """Six departments of the sample district (of 30): a run prepares in a few seconds."""
    data = pd.read_parquet(SAMPLE / "support_services.parquet")
    path = tmp_path_factory.mktemp("district") / "six.parquet"
    data[data["department"].isin(SIX)].to_parquet(path, index=False)
    return path


def small(tmp_path: Path, district: Path, **overrides) -> Path:
    """A params file over the six departments (no comments or headcounts)."""
    return write_params(tmp_path, data=str(district), comments=[], headcounts=None, **overrides)


# -- helpers -------------------------------------------------------------------------------------
def resume(params: Path, tag: str) -> None:
    """``districtsurvey run PARAMS --resume --quiet``, which must succeed."""
    again = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(params), "--resume", "--quiet"],
        env=tagged(tag),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr


def tagged(tag: str) -> dict:
    """The environment of a run whose processes (workers, kernels) can be found afterwards."""
    env = dict(os.environ, DISTRICTSURVEY_TEST_TAG=tag)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")])
    return env


def alive_with(tag: str) -> list[str]:
    """Processes (not zombies) whose environment carries ``tag``: what a run left running."""
    found = []
    needle = f"DISTRICTSURVEY_TEST_TAG={tag}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle not in (proc / "environ").read_bytes():
                continue
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            found.append(f"{proc.name}: {(proc / 'cmdline').read_bytes()[:120]!r}")
    return found


def wait_until(condition, timeout: float, what: str, step: float = 0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def ok_count(run_dir: Path) -> int:
    try:
        return sum(r["status"] == "ok" for r in manifest(run_dir)["reports"])
    except (OSError, ValueError):  # not written yet
        return 0


def html_of(run_dir: Path, slug: str) -> Path:
    return run_dir / "index.html" if slug == "index" else run_dir / "departments" / f"{slug}.html"


def assert_truthful(run_dir: Path) -> dict:
    """The manifest matches the disk: every ok report has its HTML, no other report has one,
    and no temporary file is left anywhere in the run folder."""
    m = manifest(run_dir)
    for r in m["reports"]:
        assert html_of(run_dir, r["slug"]).exists() == (r["status"] == "ok"), r
        assert (r["html"] is not None) == (r["status"] == "ok"), r
    assert not [p for p in run_dir.rglob("*") if ".tmp" in p.name]
    return m


def cli(*args: str, tag: str, **kw) -> subprocess.Popen:
    """``python -m districtsurvey ...`` as its own process (stdout/stderr to files in kw), with
    Ctrl-C (SIGINT) working as in a terminal: a test suite started as a background job (``&``
    in a script) ignores SIGINT and its children inherit that, as shells do."""
    return subprocess.Popen(
        [sys.executable, "-m", "districtsurvey", *args],
        env=tagged(tag),
        cwd=ROOT,
        preexec_fn=_default_sigint,
        **kw,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# -- a worker killed (the out-of-memory killer's kill -9) -----------------------------------------
KILLABLE = """
import os, time
from pathlib import Path
seen = Path(run_dir, "seen-" + department)
first = not seen.exists()
seen.write_text(f"{os.getppid()} {os.getpid()}")  # this kernel's worker process and itself
if department == "payroll":  # a report written before its worker dies must not stay on disk
    Path(run_dir, "departments", "payroll.html").write_text("half a report")
if department == "payroll" or (department in ("finance", "internal-audit") and first):
    time.sleep(300)  # killed before it wakes
print("report of", department)
"""


@pytest.mark.notebook
def test_a_killed_worker_or_kernel_costs_one_retry_and_at_most_its_report(tmp_path, district):
    params = small(tmp_path, district, departments=FOUR)
    dept = notebook(tmp_path / "dept.ipynb", KILLABLE)
    summary = notebook(tmp_path / "summary.ipynb", "print('summary')")
    run_dir = tmp_path / "run"
    killed: dict[str, list[int]] = {"finance": [], "payroll": [], "internal-audit": []}
    kernels: list[int] = []
    plan = {"finance": 1, "payroll": 2, "internal-audit": 1}  # kills per department
    sockets = socket_folders()

    def killer():  # kill -9 the worker of finance once and of payroll every time (twice), and
        end = time.monotonic() + 240  # the kernel (not its worker) of internal-audit once
        while time.monotonic() < end and any(len(killed[s]) < n for s, n in plan.items()):
            for slug, times in plan.items():
                seen = run_dir / f"seen-{slug}"
                if seen.exists() and len(killed[slug]) < times:
                    worker, kernel = map(int, seen.read_text().split())
                    victim = kernel if slug == "internal-audit" else worker
                    if victim not in killed[slug]:
                        time.sleep(0.3)  # the cell is asleep by now
                        os.kill(victim, signal.SIGKILL)
                        killed[slug].append(victim)
                        kernels.append(kernel)
            time.sleep(0.1)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    m = run_batch(params, jobs=2, quiet=True, department_notebook=dept, summary_notebook=summary)
    thread.join(10)
    assert {slug: len(pids) for slug, pids in killed.items()} == plan
    status = {r["slug"]: (r["status"], r["attempts"]) for r in m["reports"]}
    # finance: lost once, then done on a fresh worker; payroll lost twice: failed; internal-audit:
    # its kernel killed, done again on a fresh kernel; the others untouched
    assert status == {
        "index": ("ok", 1),
        "transportation": ("ok", 1),
        "finance": ("ok", 2),
        "payroll": ("failed", 2),
        "internal-audit": ("ok", 2),
    }
    by_slug = {r["slug"]: r for r in m["reports"]}
    assert by_slug["finance"]["worker"] not in killed["finance"]  # a fresh worker did it
    assert "worker lost (killed by signal 9)" in by_slug["payroll"]["error"]
    assert m["failed"] == ["payroll"]
    assert manifest(run_dir) == m
    assert_truthful(run_dir)  # payroll's half report is gone; every ok report is there
    assert "report of finance" in (run_dir / "departments" / "finance.html").read_text()
    for pid in kernels:  # the killed workers' kernels did not outlive them
        wait_until(lambda pid=pid: not _running(pid), 10, f"kernel {pid} to end")
    assert socket_folders() <= sockets  # nor their Unix-socket folders (batch.kernels)


@pytest.mark.notebook
def test_a_kernel_killed_between_notebooks_is_replaced(tmp_path):
    from districtsurvey.batch.kernels import WarmKernel

    kernel = WarmKernel(cwd=tmp_path, preload="")
    try:
        first = kernel.run(new_notebook(cells=[new_code_cell("6 * 7")]))
        dead = kernel.pid
        os.kill(dead, signal.SIGKILL)  # idle, as the out-of-memory killer may pick it
        wait_until(lambda: not _running(dead), 10, "the kernel to die")
        second = kernel.run(new_notebook(cells=[new_code_cell("6 * 9")]))
        assert kernel.pid != dead
    finally:
        kernel.close()
    assert first.cells[0].outputs[0]["data"]["text/plain"] == "42"
    assert second.cells[0].outputs[0]["data"]["text/plain"] == "54"


def socket_folders() -> set[Path]:
    """The warm kernels' private Unix-socket folders that exist now."""
    return set(Path(tempfile.gettempdir()).glob("districtsurvey-kernel-*"))


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# -- a hung kernel ---------------------------------------------------------------------------------
HANGS = """
import os, time
from pathlib import Path
print("started", department)
if department == "finance":
    Path(run_dir, "kernel-finance").write_text(str(os.getpid()))
    time.sleep(600)
print("finished", department)
"""


@pytest.mark.notebook
def test_a_hung_report_times_out_and_the_others_finish(tmp_path, district):
    params = small(tmp_path, district, departments=["Finance", "Payroll"], report_timeout=4)
    dept = notebook(tmp_path / "dept.ipynb", HANGS)
    summary = notebook(tmp_path / "summary.ipynb", "print('summary')")
    started = time.monotonic()
    m = run_batch(params, jobs=1, quiet=True, department_notebook=dept, summary_notebook=summary)
    assert time.monotonic() - started < 120  # not the 600 s of the sleeping cell
    run_dir = tmp_path / "run"
    by_slug = {r["slug"]: r for r in m["reports"]}
    assert by_slug["finance"]["status"] == "failed"
    assert by_slug["finance"]["error"] == "timed out after 4 s (report_timeout)"
    assert by_slug["payroll"]["status"] == "ok" and by_slug["index"]["status"] == "ok"
    assert m["report_timeout"] == 4
    # the kept notebook is the log: it shows the cell that hung
    kept = nbformat.read(run_dir / "notebooks" / "finance.ipynb", as_version=4)
    assert "started finance" in json.dumps(kept.cells[-1].outputs)
    assert "finished finance" not in json.dumps(kept.cells[-1].outputs)
    # the hung kernel was stopped, and a fresh one (same single worker) ran payroll after it
    hung = int((run_dir / "kernel-finance").read_text())
    wait_until(lambda: not _running(hung), 10, "the hung kernel to be stopped")
    assert_truthful(run_dir)


# -- Ctrl-C, SIGTERM, SIGKILL of `districtsurvey run` ----------------------------------------------
def _start(
    tmp_path: Path, district: Path, sig_name: str
) -> tuple[subprocess.Popen, Path, str, Path]:
    params = small(tmp_path, district, departments=SIX[:5])
    tag = f"{sig_name}-{uuid.uuid4().hex}"
    err = tmp_path / "stderr.txt"
    with open(err, "wb") as stream:
        proc = cli("run", str(params), "--jobs", "1", "--quiet", tag=tag, stderr=stream)
    return proc, tmp_path / "run", tag, params


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"]
)
def test_stopping_run_leaves_a_truthful_manifest_and_no_process(tmp_path, district, sig):
    proc, run_dir, tag, params = _start(tmp_path, district, sig.name)
    try:
        done = wait_until(lambda: ok_count(run_dir) >= 2, 180, "two reports")
        assert wait_until(lambda: alive_with(tag), 5, "the run's processes")
        proc.send_signal(sig)
        code = proc.wait(60)
    finally:
        proc.kill()
    assert code == 128 + sig  # 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP
    m = assert_truthful(run_dir)
    done = sum(r["status"] == "ok" for r in m["reports"])
    assert done >= 2 and m["complete"] is False and m["stopped"] == sig.name
    assert m["not_run"] and m["failed"] == []
    # exactly one line, no traceback (--quiet: no progress lines either)
    err = (tmp_path / "stderr.txt").read_text()
    assert err == f"interrupted: {done}/6 reports done; `--resume` continues\n"
    wait_until(lambda: not alive_with(tag), 15, "every worker and kernel to end")
    if sig == signal.SIGINT:  # --resume redoes only what is missing
        kept = {
            r["slug"]: html_of(run_dir, r["slug"]).stat().st_mtime_ns
            for r in m["reports"]
            if r["status"] == "ok"
        }
        resume(params, tag)
        m2 = assert_truthful(run_dir)
        assert m2["resumed"] == sorted(kept) and m2["complete"] is True
        assert all(r["status"] == "ok" for r in m2["reports"])
        for slug, mtime in kept.items():  # kept as they were, not made again
            assert html_of(run_dir, slug).stat().st_mtime_ns == mtime


@pytest.mark.notebook
@pytest.mark.slow
def test_sigkill_of_run_takes_workers_and_kernels_along_and_resume_finishes(tmp_path, district):
    proc, run_dir, tag, params = _start(tmp_path, district, "SIGKILL")
    try:
        wait_until(lambda: ok_count(run_dir) >= 2, 180, "two reports")
        proc.kill()  # nothing can be cleaned up by the run itself
        proc.wait(30)
    finally:
        proc.kill()
    # the workers notice their parent is gone and take their kernels with them
    wait_until(lambda: not alive_with(tag), 15, "orphaned workers and kernels to end")
    m = manifest(run_dir)
    for r in m["reports"]:  # every report recorded ok is there (one in flight may be too)
        if r["status"] == "ok":
            assert html_of(run_dir, r["slug"]).exists()
    assert m["complete"] is False
    resume(params, tag)
    m2 = assert_truthful(run_dir)  # also: no .tmp left by the killed writer
    assert set(m2["resumed"]) == {r["slug"] for r in m["reports"] if r["status"] == "ok"}
    assert all(r["status"] == "ok" for r in m2["reports"])


# -- disk full: a real file-size limit (RLIMIT_FSIZE) -----------------------------------------------
def _limited(limit: int):
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def _snapshot(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}


@pytest.mark.notebook
@pytest.mark.slow
def test_a_write_that_fails_truncates_nothing_and_leaves_no_debris(tmp_path, district):
    params = small(tmp_path, district, departments=["Finance", "Payroll"])
    limit = 100_000  # bytes per file: more than the manifest, less than a report
    run_dir = tmp_path / "run"
    tag = uuid.uuid4().hex

    def run(*args: str, limit: int | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "districtsurvey", "run", str(params), "--quiet", *args],
            env=tagged(tag),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=_limited(limit) if limit else None,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    before = _snapshot(run_dir)
    biggest = max(len(v) for k, v in before.items() if k.startswith("cache/"))
    assert biggest > limit  # the breakdowns table (~180 kB): the limit below hits it
    assert len(json.dumps(manifest(run_dir))) < limit / 4

    # 1. a full run again, with the limit: preparing the cache fails on its biggest table
    full = run(limit=limit)
    assert full.returncode == 1
    assert "File too large" in full.stderr and "Traceback" not in full.stderr
    assert len(full.stderr.splitlines()) == 1, full.stderr
    after = _snapshot(run_dir)
    for name, data in before.items():  # nothing truncated: each file as it was (the cache is
        assert after.get(name) == data, name  # rebuilt from the same inputs, byte for byte)
    assert not [p for p in run_dir.rglob("*") if ".tmp" in p.name]

    # 2. --resume with one report to redo, with the limit: that report cannot be written
    (run_dir / "departments" / "payroll.html").unlink()
    resumed = run("--resume", limit=limit)
    assert resumed.returncode == 1 and "Traceback" not in resumed.stderr
    m = assert_truthful(run_dir)  # payroll failed, has no HTML, no half file anywhere
    payroll = {r["slug"]: r for r in m["reports"]}["payroll"]
    assert payroll["status"] == "failed" and "File too large" in payroll["error"]
    assert m["resumed"] == ["finance", "index"]
    for name in ("departments/finance.html", "index.html", "cache/breakdowns.parquet"):
        assert (run_dir / name).read_bytes() == before[name], name

    # 3. with room again, --resume makes only the missing report
    last = run("--resume")
    assert last.returncode == 0, last.stderr
    m = assert_truthful(run_dir)
    assert m["resumed"] == ["finance", "index"] and m["failed"] == []


@pytest.mark.notebook
def test_resume_rebuilds_a_damaged_cache(tmp_path, district):
    params = small(tmp_path, district, departments=["Finance"])
    run_dir = tmp_path / "run"
    run_batch(params, jobs=1, quiet=True)
    items = run_dir / "cache" / "items.parquet"
    good = items.read_bytes()
    items.write_bytes(good[: len(good) // 2])  # a half-copied file
    lines: list[str] = []
    m = run_batch(params, jobs=1, resume=True, log=lines.append)
    assert any("cache cannot be trusted" in line and "items.parquet" in line for line in lines)
    assert items.read_bytes() == good  # rebuilt whole (the same inputs give the same bytes)
    assert m["resumed"] == ["finance", "index"]  # so the reports made from it are kept
    assert pd.read_parquet(items).shape[0] > 0


# -- the output folder and department names --------------------------------------------------------
def _read_only(folder: Path, how: str):
    """Make ``folder`` read-only for real, as this machine allows; returns an undo function."""
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root ignores permission bits")
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if os.geteuid() != 0:
        pytest.skip(f"{how} needs root")
    if how == "immutable":
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode:
            pytest.skip(f"chattr +i not supported here: {done.stderr!r}")
        return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount here: {done.stderr!r}")
    return lambda: subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("how", ["chmod", "immutable", "ro-mount"])
def test_read_only_output_folder_is_refused_before_any_work(tmp_path, how):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    out = tmp_path / "out"
    out.mkdir()
    params = write_params(tmp_path, output=str(out / "run"))
    undo = _read_only(out, how)
    try:
        res = CliRunner().invoke(app, ["run", str(params)])
        listing = list(out.iterdir())
    finally:
        undo()
    assert res.exit_code == 1
    assert f"output: cannot write to {out}" in res.output
    assert "Traceback" not in res.output
    assert listing == []


def test_output_path_that_is_a_file_is_refused(tmp_path):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    a_file = tmp_path / "results.txt"
    a_file.write_text("not a folder")
    for output in (a_file, a_file / "run"):
        res = CliRunner().invoke(app, ["run", str(write_params(tmp_path, output=str(output)))])
        assert res.exit_code == 1, output
        assert f"{a_file} is a file" in res.output and "Traceback" not in res.output
    assert a_file.read_text() == "not a folder"


@pytest.mark.notebook
def test_clashing_and_overlong_department_names_each_get_their_report(tmp_path):
    long_name = "Office of " + "Exceptionally Long Departmental Names and Titles " * 6  # 300+ chars
    names = {
        "Finance": "Food & Nutrition",
        "Payroll": "Food / Nutrition",
        "Transportation": long_name,
    }
    data = pd.read_parquet(SAMPLE / "support_services.parquet")
    data = data[data["department"].isin([*names, "Benefits"])].astype({"department": str})
    data["department"] = data["department"].replace(names)
    data.to_parquet(tmp_path / "data.parquet", index=False)
    params = write_params(
        tmp_path, data=str(tmp_path / "data.parquet"), comments=[], headcounts=None
    )
    m = run_batch(params, jobs=2, quiet=True)
    run_dir = tmp_path / "run"
    assert m["failed"] == [] and len(m["reports"]) == 5  # summary + 4 departments, none lost
    slugs = [r["slug"] for r in m["reports"] if r["slug"] != "index"]
    assert len(set(slugs)) == 4 and "benefits" in slugs  # an ordinary name keeps its slug
    assert all(len(s) <= 60 for s in slugs)
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    for r in m["reports"][1:]:
        page = html_of(run_dir, r["slug"])
        text = page.read_text(encoding="utf-8")
        shown = r["name"].replace("&", "&amp;")
        assert shown in text, r["name"][:40]  # each report is about its own department
        assert f"departments/{r['slug']}.html" in index
        for other in m["reports"][1:]:
            if other is not r and len(other["name"]) > len(r["name"]):
                assert other["name"].replace("&", "&amp;") not in text
        assert (run_dir / "action_plans" / f"{r['slug']}.xlsx").exists()
