"""The batch runner: warm kernels (isolation, same output as fresh ones), failure isolation, resume,
atomic writes, progress, and the Dask executor on a real local cluster. No timing assertions:
speed lives in ``make bench``."""

from __future__ import annotations

import io
import json
import re

import nbformat
import pytest
import typer
from nbformat.v4 import new_code_cell, new_notebook

from districtsurvey.batch import executors
from districtsurvey.batch import manifest as batch_manifest
from districtsurvey.batch import run as batch
from districtsurvey.batch.kernels import WarmKernel
from districtsurvey.batch.progress import Progress
from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.files import write_atomic
from districtsurvey.prepare.inputs import slugify
from support import notebook, write_params

ONLY = ["Transportation", "Internal Audit", "Finance", "Payroll"]


def outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def figures(nb) -> list[str]:
    """Every figure of a notebook: the inline SVG charts in its HTML outputs."""
    found = []
    for o in outputs(nb):
        found += re.findall(r"<svg .*?</svg>", o.get("data", {}).get("text/html", ""), re.S)
    return found


VOLATILE = re.compile(r"T_[0-9a-f]{5}|at 0x[0-9a-f]+")  # Styler's random table ids, addresses


def texts(nb) -> list[str]:
    """What a reader sees, with pandas Styler's random table ids and object addresses masked."""
    out = []
    for o in outputs(nb):
        for kind in ("text/html", "text/markdown", "text/plain"):
            if kind in o.get("data", {}):
                out.append(VOLATILE.sub("~", o["data"][kind]))
        out.append(o.get("text", ""))
    return out


# -- warm kernels --------------------------------------------------------------------------------
LEAKY = """
import os, sys, warnings
import matplotlib, pandas as pd
leaked_variable = "from the first notebook"
matplotlib.rcParams["axes.titlesize"] = 31
pd.set_option("display.max_rows", 3)
pd.set_option("mode.string_storage", "pyarrow")
warnings.simplefilter("error")
os.chdir("/")
os.environ["DS_LEAK"] = "1"
sys.path.insert(0, "/leak")
"""
CHECK = """
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt, pandas as pd
print(json.dumps({
    "names": sorted(k for k in globals() if not k.startswith("_") and k not in
                    ("In", "Out", "exit", "quit", "get_ipython", "open", "json", "os", "sys",
                     "warnings", "matplotlib", "plt", "pd", "run_dir", "department")),
    "titlesize": matplotlib.rcParams["axes.titlesize"],
    "max_rows": pd.get_option("display.max_rows"),
    "strings": pd.Series(["a"]).dtype.storage,
    "error_filter": any(f[0] == "error" for f in warnings.filters),
    "cwd": os.getcwd(), "env": os.environ.get("DS_LEAK"), "path": "/leak" in sys.path,
    "figures": len(plt.get_fignums()),
}))
"""


@pytest.mark.notebook
def test_warm_kernel_leaves_nothing_behind_for_the_next_notebook(tmp_path):
    leaky = new_notebook(
        cells=[
            new_code_cell(LEAKY),
            new_code_cell("import matplotlib.pyplot as plt\nfig = plt.figure()"),
        ]
    )
    check = new_notebook(cells=[new_code_cell(CHECK)])
    kernel = WarmKernel(cwd=tmp_path, preload="import pandas, matplotlib.pyplot")
    try:
        kernel.run(check)  # the state of a kernel that has run nothing yet
        clean = json.loads(check.cells[0].outputs[0]["text"])
        kernel.run(leaky)
        check = new_notebook(cells=[new_code_cell(CHECK)])
        kernel.run(check)
        after = json.loads(check.cells[0].outputs[0]["text"])
        assert kernel.uses == 3  # one kernel served all three notebooks
    finally:
        kernel.close()
    assert clean["names"] == [] and clean["cwd"] == str(tmp_path)
    assert clean["strings"] == "python"  # the kernels' own pandas options (kernels.OPTIONS)
    assert after == clean
    assert check.cells[0].execution_count == 1  # numbered as in a fresh kernel


@pytest.mark.notebook
def test_warm_kernel_runs_where_an_event_loop_is_running(tmp_path):
    """As inside a Jupyter kernel, or beside playwright's sync API."""
    import asyncio

    async def inside_a_loop():
        kernel = WarmKernel(cwd=tmp_path, preload="")
        try:
            return kernel.run(new_notebook(cells=[new_code_cell("6 * 7")]))
        finally:
            kernel.close()

    nb = asyncio.run(inside_a_loop())
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "42"


FAILING = """
import os
from pathlib import Path
print("seen before:", globals().get("previous_department"))
previous_department = department
if Path(run_dir, "fail-" + department).exists():
    raise ValueError("planned failure in " + department)
if Path(run_dir, "die-" + department).exists():
    os._exit(3)  # the kernel process dies
"""


@pytest.mark.notebook
def test_failures_are_isolated_recorded_and_resumed(tmp_path, capsys):
    params = write_params(tmp_path, departments=ONLY)
    dept_nb = notebook(tmp_path / "dept.ipynb", FAILING)
    summary_nb = notebook(tmp_path / "summary.ipynb", "print('summary of', run_dir)")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "fail-finance").touch()
    (run_dir / "die-internal-audit").touch()
    kw = {"department_notebook": dept_nb, "summary_notebook": summary_nb}
    # one worker: every department runs on the same kernel, after the one before it
    manifest = batch.run_batch(params, jobs=1, **kw)
    status = {r["slug"]: r["status"] for r in manifest["reports"]}
    assert status == {
        "index": "ok",
        "transportation": "ok",
        "internal-audit": "failed",
        "finance": "failed",
        "payroll": "ok",
    }
    errors = {r["slug"]: r["error"] for r in manifest["reports"]}
    assert "planned failure in finance" in errors["finance"]
    assert "ValueError" in errors["finance"]
    assert "died" in errors["internal-audit"].lower()
    attempts = {r["slug"]: r["attempts"] for r in manifest["reports"]}
    assert attempts["internal-audit"] == 2  # a dead kernel: once more on a fresh one, then failed
    assert attempts["finance"] == 1  # an error in a cell is not tried again
    assert manifest["failed"] == ["internal-audit", "finance"]
    # the failed notebooks are kept as the log, without a report
    kept = nbformat.read(run_dir / "notebooks" / "finance.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for o in outputs(kept))
    assert not (run_dir / "departments" / "finance.html").exists()
    # no state leaked from one department to the next on the shared kernel
    for slug in ("transportation", "payroll"):
        nb = nbformat.read(run_dir / "notebooks" / f"{slug}.ipynb", as_version=4)
        assert "seen before: None" in "".join(texts(nb)), slug
        assert (run_dir / "departments" / f"{slug}.html").exists()
    assert not list(run_dir.rglob("*.tmp"))
    # one log line per department, with its seconds and the running count
    err = capsys.readouterr().err
    assert re.search(r"\[5/5\] failed: 2 .*Payroll: ok in \d+\.\d+s", err)
    assert "Kernel is running over TCP" not in err  # kernel chatter kept out of the log
    with pytest.raises(typer.Exit) as exit_:
        from districtsurvey.cli import _report_batch

        _report_batch(manifest, run_dir)
    assert exit_.value.exit_code == 1
    capsys.readouterr()

    # --resume: only the failed departments run again; the others are kept as they are
    (run_dir / "fail-finance").unlink()
    (run_dir / "die-internal-audit").unlink()
    before = (run_dir / "departments" / "payroll.html").stat().st_mtime_ns
    again = batch.run_batch(params, jobs=1, resume=True, quiet=True, **kw)
    assert again["failed"] == []
    assert again["resumed"] == ["index", "payroll", "transportation"]
    assert [r["slug"] for r in again["reports"]] == ["index", *map(slugify, ONLY)]
    assert (run_dir / "departments" / "payroll.html").stat().st_mtime_ns == before
    assert (run_dir / "departments" / "finance.html").exists()
    assert json.loads((run_dir / "manifest.json").read_text()) == again
    assert capsys.readouterr().err == ""  # quiet


def test_resume_reruns_everything_when_inputs_change(tmp_path):
    params = write_params(tmp_path)
    from districtsurvey.contracts.params import load_params

    current = batch.fingerprint(load_params(params), [batch.DEPARTMENT_NOTEBOOK])
    run_dir = tmp_path / "run"
    (run_dir / "cache").mkdir(parents=True)
    (run_dir / "cache" / "run.json").write_text("{}")
    write_atomic(run_dir / "manifest.json", json.dumps({**current, "reports": []}))
    assert batch_manifest.previous(run_dir, current) is not None
    assert all(len(i["sha256"]) == 64 for i in current["inputs"])
    for key, change in [
        ("inputs", [{"path": "x.csv", "sha256": "0" * 64}]),
        ("params", {**current["params"], "min_n": 7}),
        ("notebooks", {"department_report.ipynb": "0" * 64}),
    ]:
        assert batch_manifest.previous(run_dir, {**current, key: change}) is None, key


@pytest.mark.notebook
def test_warm_kernel_output_matches_a_fresh_kernel(prepared_run, tmp_path):
    run = json.loads((prepared_run / "cache" / "run.json").read_text())
    jobs = batch.plan(tmp_path / "warm", run, ["Transportation", "Finance"])
    for job in jobs:  # all on one kernel, in plan order: Transportation runs third on it
        job.parameters["run_dir"] = str(prepared_run)
        assert executors.run_job("warm", job)["status"] == "ok"
    assert [j.slug for j in jobs][-1] == "transportation"
    fresh = batch.plan(tmp_path / "fresh", run, ["Transportation"])[1]
    fresh.parameters["run_dir"] = str(prepared_run)
    assert executors.run_job("fresh", fresh)["status"] == "ok"

    warm_nb = nbformat.read(jobs[-1].ipynb, as_version=4)
    fresh_nb = nbformat.read(fresh.ipynb, as_version=4)
    assert len(figures(warm_nb)) >= 2
    assert figures(warm_nb) == figures(fresh_nb)  # byte-identical figures
    assert texts(warm_nb) == texts(fresh_nb)
    for nb in (warm_nb, fresh_nb):  # report notebooks create no widgets
        assert "widgets" not in nb.metadata
        assert not any(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs(nb)
        )
    strip = re.compile(r"T_[0-9a-f]{5}|at 0x[0-9a-f]+|cell-id=[0-9a-f-]+")  # + injected cell id
    warm_html, fresh_html = (strip.sub("", j.html.read_text()) for j in (jobs[-1], fresh))
    assert warm_html == fresh_html


# -- small pieces --------------------------------------------------------------------------------
def test_write_atomic_leaves_the_old_file_or_the_new_one(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_atomic(target, "old")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("districtsurvey.contracts.files.os.replace", crash)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"  # never half-written
    monkeypatch.undo()
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [
        p.name for p in tmp_path.iterdir() if p.name != "report.html" and ".tmp" not in p.name
    ] == []


def test_parameters_and_only_are_checked(tmp_path):
    bad = notebook(tmp_path / "bad.ipynb", "pass", parameters="run_dir = ''")
    with pytest.raises(SurveyDataError, match="department"):
        batch.check_parameters(bad)
    batch.check_parameters(batch.DEPARTMENT_NOTEBOOK)
    run = {"departments": [{"name": "Finance", "slug": "finance"}]}
    assert [j.slug for j in batch.plan(tmp_path, run, ["FINANCE"])] == ["index", "finance"]
    with pytest.raises(SurveyDataError, match="unknown department.*Payrol"):
        batch.plan(tmp_path, run, ["Payrol"])
    with pytest.raises(SurveyDataError, match="scheduler"):
        batch.run_batch(write_params(tmp_path), executor="dask")


def test_progress_lines_count_failures_and_can_be_quiet():
    stream = io.StringIO()
    p = Progress(stream=stream)
    p.start(2)
    p.update({"name": "Finance", "status": "ok", "error": None, "seconds": 1.25})
    p.update({"name": "Payroll", "status": "failed", "error": "ValueError: x", "seconds": 0.5})
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2] failed: 0  ETA") and lines[0].endswith("Finance: ok in 1.2s")
    assert lines[1].startswith("[2/2] failed: 1  ETA 0s") and "FAILED (ValueError: x)" in lines[1]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    live = Terminal()
    t = Progress(stream=live)
    t.start(2)
    t.update({"name": "Finance", "status": "ok", "error": None, "seconds": 1.0})
    t.finish()
    # a log line above, the live status line rewritten in place, cleared at the end
    assert live.getvalue().startswith("[0/2] failed: 0  ETA --\r\x1b[KFinance: ok in 1.0s\n[1/2]")
    assert live.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()
    q = Progress(quiet=True, stream=quiet)
    q.start(1)
    q.update({"name": "Finance", "status": "ok", "error": None, "seconds": 1.0})
    assert quiet.getvalue() == ""


# -- scale-out -----------------------------------------------------------------------------------
@pytest.mark.notebook
@pytest.mark.slow
def test_dask_executor_runs_the_batch_on_a_local_cluster(tmp_path):
    from distributed import LocalCluster

    params = write_params(tmp_path, departments=["Transportation", "Finance"])
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        worker_dashboard_address=None,
    ) as cluster:
        manifest = batch.run_batch(
            params, executor="dask", scheduler=cluster.scheduler_address, quiet=True
        )
    assert manifest["failed"] == []
    assert manifest["executor"] == "dask"
    workers = {r["worker"] for r in manifest["reports"]}
    assert len(workers) == 1 and None not in workers and workers != {__import__("os").getpid()}
    run_dir = tmp_path / "run"
    for slug in ("transportation", "finance"):
        html = (run_dir / "departments" / f"{slug}.html").read_text()
        assert '<figure class="ds-chart">' in html and "<svg " in html
    assert (run_dir / "index.html").exists()
