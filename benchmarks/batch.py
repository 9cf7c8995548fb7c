"""Batch speed: the naive loop, the floor and ``districtsurvey run``, timed on the same data.

    make bench                                   # 20,000 x 40 and 200,000 x 100, 3 runs each
    .venv/bin/python benchmarks/batch.py --quick # small sizes, about a minute

1. generates a benchmark district (respondents x departments, 3 waves; and a large one),
2. times the naive loop a coach writes by hand over the project's own department notebook:
   ``papermill`` CLI then ``jupyter nbconvert --to html --no-input``, one department after the
   other (on ``--naive-departments`` of them, scaled to all: every department costs the same
   start-up, so the loop is linear),
3. times the floor: the notebook's own lib calls (its code cells, executed with ``exec``), the
   same tables and figures, in plain forked Python processes (as many as cores, with the kernels'
   pandas options), after the same ``prepare_run``, plus the action plans and roll-out pages the
   run also writes; no kernel, no papermill, no nbconvert,
4. times ``districtsurvey run`` (a fresh process, as a coach types it),
5. times the committed sample district (30 departments, 40 schools): the support-services run
   (the demo, also against the naive loop on it), the engagement run and the two-survey packet
   (``params/demo.yml``) beside them
   (``--sample tiny``: one or two units each, a check that it runs; ``--sample off``: skipped),
and prints naive/run, run/floor, seconds per department and peak memory (largest process and
whole process tree). Ratios come from runs taken minutes apart: the VM drifts (PERF-BASELINE §2).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "department_report.ipynb"
SUMMARY = ROOT / "notebooks" / "district_summary.ipynb"
WAVES = ["2025-fall", "2026-spring", "2026-fall"]
GIB = 1024**3


# -- data ----------------------------------------------------------------------------------------
def generate(folder: Path, respondents: int, departments: int, *, seed: int = 42) -> Path:
    """Tidy support-services responses: ``respondents`` respondent-waves over ``departments``
    (uneven, Zipf-like sizes), 3 waves, 5 roles, 40 sites, 14 items, 2.5-8% missing; a params file
    beside them. Returns the params path."""
    import numpy as np
    import pandas as pd

    from districtsurvey.contracts.instrument import load_instrument

    rng = np.random.default_rng(seed)
    items = list(load_instrument("support_services").items["id"])
    names = [f"Department {i:03d}" for i in range(1, departments + 1)]
    weights = 1.0 / np.arange(1, departments + 1) ** 0.8
    dept = rng.choice(departments, size=respondents, p=weights / weights.sum())
    wave = rng.integers(0, len(WAVES), size=respondents)
    roles = np.array(
        ["Teacher", "School Staff", "Principal", "Assistant Principal", "Central Office Staff"]
    )
    role = rng.choice(len(roles), size=respondents, p=[0.55, 0.2, 0.05, 0.05, 0.15])
    site = rng.integers(0, 40, size=respondents)
    level = (
        rng.normal(3.4, 0.4, size=departments)[dept] + 0.1 * wave + rng.normal(0, 0.6, respondents)
    )
    n_items = len(items)
    values = level[:, None] + rng.normal(0, 0.8, size=(respondents, n_items))
    values = np.clip(np.rint(values), 1, 5)
    values[rng.random(values.shape) < rng.uniform(0.025, 0.08, size=n_items)] = np.nan
    rid = np.char.add("r-", np.arange(respondents).astype(str))
    frame = pd.DataFrame(
        {
            "respondent_id": np.repeat(rid, n_items),
            "survey": "support_services",
            "wave": pd.Categorical(
                np.array(WAVES)[np.repeat(wave, n_items)], categories=WAVES, ordered=True
            ),
            "department": pd.Categorical(
                np.array(names)[np.repeat(dept, n_items)], categories=names
            ),
            "role": pd.Categorical(roles[np.repeat(role, n_items)]),
            "site": pd.Categorical(np.char.add("School ", np.repeat(site, n_items).astype(str))),
            "item": pd.Categorical(np.tile(items, respondents), categories=items),
            "value": pd.array(values.ravel(), dtype="Float64").astype("Int8"),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "responses.parquet", index=False)
    params = folder / "params.yml"
    params.write_text(
        "name: bench\ninstrument: support_services\ndata: responses.parquet\nwave: 2026-fall\n"
        "compare_to: 2026-spring\ndepartments: all\noutput: run\n",
        encoding="utf-8",
    )
    return params


# -- measuring a process tree --------------------------------------------------------------------
def measure(cmd: list[str], **kw) -> dict:
    """Wall seconds, CPU seconds, and peak RSS (largest process, whole tree) of ``cmd``."""
    import psutil

    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, **kw)
    peak = {"process": 0, "tree": 0, "child": 0}
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                rss = []
                for p in tree:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
                peak["process"] = max(peak["process"], max(rss, default=0))
                peak["child"] = max(peak["child"], max(rss[1:], default=0))
                peak["tree"] = max(peak["tree"], sum(rss))
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if code:
        raise SystemExit(f"failed ({code}): {' '.join(map(str, cmd))}")
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_process": peak["process"],
        "peak_tree": peak["tree"],
        "peak_child": peak["child"],
    }


def run_dir_departments(run_dir: Path) -> list[str]:
    run = json.loads((run_dir / "cache" / "run.json").read_text())
    return [d["slug"] for d in run["departments"]]


# -- the three contenders ------------------------------------------------------------------------
def naive(run_dir: Path, slugs: list[str], sample: int) -> dict:
    """papermill CLI + nbconvert CLI per department of the prepared run ``run_dir`` (on ``sample``
    of them), as a shell loop."""
    out = run_dir.parent / "naive"
    out.mkdir(exist_ok=True)
    chosen = slugs[:: max(1, len(slugs) // sample)][:sample]
    script = "set -e\n" + "".join(
        f"{BIN}/papermill {NOTEBOOK} {out}/{s}.ipynb -p run_dir {run_dir} -p department {s} "
        f"--cwd {NOTEBOOK.parent} -k python3 --no-progress-bar --log-level ERROR\n"
        f"{BIN}/jupyter nbconvert --to html --no-input --log-level ERROR {out}/{s}.ipynb\n"
        for s in chosen
    )
    log = out / "naive.log"  # papermill's kernels warn of TCP on stderr: kept, shown on failure
    with log.open("w") as err:
        try:
            m = measure(
                ["bash", "-c", script],
                env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"},
                stderr=err,
            )
        except SystemExit:
            print(log.read_text()[-4000:], file=sys.stderr)
            raise
    per = m["wall"] / len(chosen)
    return {**m, "measured": len(chosen), "per_department": per, "wall": per * (len(slugs) + 1)}


def floor_worker(params: str, jobs: int) -> None:
    """(In a subprocess) prepare the run, then execute every notebook's code cells in plain forked
    processes: the same lib calls, tables and figures as the report, written as one HTML file;
    and, as the run does, the action plans and roll-out pages."""
    import multiprocessing

    from districtsurvey.batch.publish import publish_extras
    from districtsurvey.prepare.run import prepare
    from districtsurvey.reports import report, summary  # noqa: F401 - imported once, before forking

    run_dir = prepare(params).resolve()
    run = json.loads((run_dir / "cache" / "run.json").read_text())
    todo = [(str(SUMMARY), str(run_dir), "", str(run_dir / "floor" / "index.html"))]
    todo += [
        (str(NOTEBOOK), str(run_dir), d["slug"], str(run_dir / "floor" / f"{d['slug']}.html"))
        for d in run["departments"]
    ]
    (run_dir / "floor").mkdir(exist_ok=True)
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_kernel_options) as pool:
        results = pool.imap_unordered(_floor_one, todo)
        publish_extras(run_dir)  # action plans and roll-out pages, as the run makes them meanwhile
        for _ in results:
            pass


def _kernel_options() -> None:
    """The pandas options the run's kernels have (``kernels.OPTIONS``): the same work as theirs."""
    import pandas as pd

    from districtsurvey.batch.kernels import OPTIONS

    for key, value in OPTIONS.items():
        pd.set_option(key, value)


def _cells(path: str) -> list[str]:
    cells = json.loads(Path(path).read_text())["cells"]
    return [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
    ]


def _floor_one(args: tuple[str, str, str, str]) -> None:
    notebook, run_dir, department, html_path = args
    ns = {"run_dir": run_dir, "department": department}
    parts = []
    for source in _cells(notebook):
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<cell>", "exec"), ns)
        if last is not None and not source.rstrip().endswith(";"):
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns)
            for method in ("_repr_html_", "_repr_markdown_"):
                if hasattr(value, method):
                    parts.append(getattr(value, method)() or "")
                    break
    Path(html_path).write_text("<!DOCTYPE html><html><body>" + "\n".join(parts) + "</body></html>")


def floor(params: Path, jobs: int) -> dict:
    return measure([sys.executable, __file__, "--floor-worker", str(params), "--jobs", str(jobs)])


def districtsurvey_run(params: Path, jobs: int) -> dict:
    m = measure(
        [str(BIN / "districtsurvey"), "run", str(params), "--quiet", "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
    )
    manifest = json.loads((params.parent / "run" / "manifest.json").read_text())
    failed = manifest["failed"]
    if failed:
        raise SystemExit(f"districtsurvey run: {len(failed)} failed: {failed[:5]}")
    return m


def prepare_seconds(params: Path) -> float:
    """Wall seconds of ``prepare_run`` itself, in a fresh process (its imports not counted: a
    run overlaps them with kernel start-up)."""
    code = (
        "import sys, time; from districtsurvey.prepare.run import prepare; "
        "t = time.perf_counter(); prepare(sys.argv[1]); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(params)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[-1])


def median(items: list, key=None):
    """The middle one of ``items`` sorted (by ``key``); of an even number, the upper middle."""
    return sorted(items, key=key)[len(items) // 2]


def spread(values: list[float]) -> str:
    """Median and range: ``9.1 s (8.8-9.6 s, 3 runs)``."""
    v = sorted(values)
    return f"{median(v):.1f} s ({v[0]:.1f}-{v[-1]:.1f} s, {len(v)} run{'s' if len(v) > 1 else ''})"


# -- the sample district: single-survey runs and the packet of both -----------------------------
SAMPLE_RUNS = {  # name -> (params file, units of a tiny check with --sample tiny)
    "support services (single)": ("support-services-demo.yml", ["Finance"]),
    "engagement (single)": ("engagement-2026-fall.yml", ["Finance", "Central High School"]),
    "packet (both surveys)": ("demo.yml", ["Finance", "Central High School"]),
}
DEMO = "support services (single)"  # the demo district a coach runs, timed against the naive loop
PATH_KEYS = ("data", "comments", "headcounts", "benchmarks", "plans", "department_map", "tactics")


def _absolute(spec: dict, base: Path) -> dict:
    """A params mapping with its paths made absolute (relative to ``base``), surveys included."""
    out = dict(spec)
    for key in PATH_KEYS:
        value = out.get(key)
        if isinstance(value, list):
            out[key] = [str((base / v).resolve()) for v in value]
        elif isinstance(value, str):
            out[key] = str((base / value).resolve())
    if "surveys" in out:
        out["surveys"] = [_absolute(b, base) for b in out["surveys"]]
    return out


def sample_district(
    folder: Path, *, jobs: int, tiny: bool = False, repeat: int = 1, naive_sample: int = 0
) -> dict:
    """``districtsurvey run`` on the committed sample district (30 departments, 40 schools): the
    support-services run, the engagement run and the packet of both (one report per department
    in both surveys, the schools' engagement reports), each timed as a coach runs it; and the
    naive loop on ``naive_sample`` departments of the support-services run (the demo), against
    its run (skipped with ``tiny``)."""
    import yaml

    print(f"\n== sample district: single-survey runs and the packet, {jobs} jobs ==", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, (file, units) in SAMPLE_RUNS.items():
        spec = yaml.safe_load((ROOT / "params" / file).read_text(encoding="utf-8"))
        spec = _absolute(spec, ROOT / "params") | {
            "output": str(folder / file.removesuffix(".yml"))
        }
        spec["report_date"] = "2026-11-22"
        params = folder / file
        params.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        only = [a for u in units for a in ("--only", u)] if tiny else []
        cmd = [str(BIN / "districtsurvey"), "run", str(params), "--quiet", "--jobs", str(jobs)]
        runs = []
        for _ in range(max(1, repeat)):
            runs.append(measure(cmd + only, stdout=subprocess.DEVNULL))
            manifest = json.loads((Path(spec["output"]) / "manifest.json").read_text())
            if manifest["failed"]:
                failed = manifest["failed"]
                raise SystemExit(f"{name}: {len(failed)} failed: {failed[:5]}")
        m = median(runs, key=lambda r: r["wall"])
        n = len(manifest["reports"])
        print(line(f"{name}, {n} reports", m, n) + f"; {spread([r['wall'] for r in runs])}")
        results[name] = m
        if name == DEMO and naive_sample and not tiny:
            run_dir = Path(spec["output"])
            naive_m = naive(run_dir, run_dir_departments(run_dir), naive_sample)
            print(naive_line(naive_m, n), flush=True)
            print(naive_ratio(naive_m, m, n), flush=True)
    singles = sum(results[k]["wall"] for k in list(SAMPLE_RUNS)[:2])
    packet = results["packet (both surveys)"]["wall"]
    print(f"  packet / (the two single-survey runs) = {packet / singles:.2f}x wall")
    return results


# -- report --------------------------------------------------------------------------------------
def mib(b: int) -> str:
    return f"{b / 2**20:,.0f} MiB"


def line(name: str, m: dict, n: int) -> str:
    return (
        f"  {name:<28} {m['wall']:8.1f} s  {m['wall'] / n:6.2f} s/dept  cpu {m['cpu']:7.1f} s  "
        f"peak {mib(m['peak_process'])} (tree {mib(m['peak_tree'])})"
    )


#: The goals of issue 17, printed beside what was measured.
GOALS = {"naive_over_run": 18.0, "run_over_floor": 1.2, "largest_process": 2 * GIB}


def verdict(ok: bool) -> str:
    return "meets the goal" if ok else "MISSES the goal"


def naive_line(m: dict, n: int) -> str:
    return (
        f"  naive loop timed on {m['measured']} departments: {m['per_department']:.2f} s each"
        f" -> {m['wall']:.0f} s for {n} reports"
    )


def naive_ratio(naive_m: dict, run_m: dict, n: int) -> str:
    """naive/run in wall and CPU seconds, against the goal."""
    ratio = naive_m["wall"] / run_m["wall"]
    cpu_naive = naive_m["cpu"] / naive_m["measured"] * n
    return (
        f"  naive/run = {ratio:.1f}x wall, {cpu_naive / run_m['cpu']:.1f}x cpu-seconds   "
        f"(goal >= {GOALS['naive_over_run']:.0f}x: {verdict(ratio >= GOALS['naive_over_run'])})"
    )


def bench(
    folder: Path,
    respondents: int,
    departments: int,
    *,
    jobs: int,
    naive_sample: int,
    repeat: int = 1,
    prepare_goal: float | None = None,
    run_goal: float | None = None,
) -> dict:
    print(
        f"\n== {respondents:,} respondents x {departments} departments, 3 waves, {jobs} jobs ==",
        flush=True,
    )
    t = time.perf_counter()
    params = generate(folder, respondents, departments)
    print(
        f"  generated in {time.perf_counter() - t:.1f} s "
        f"({(folder / 'responses.parquet').stat().st_size / 2**20:.1f} MiB parquet)",
        flush=True,
    )
    preps = [prepare_seconds(params) for _ in range(max(1, repeat))]  # leaves the cache too
    prep = median(preps)
    goal = (
        f" (goal <= {prepare_goal:.0f} s: {verdict(prep <= prepare_goal)})" if prepare_goal else ""
    )
    print(f"  prepare_run, in process: {spread(preps)}{goal}", flush=True)
    run_dir = params.parent / "run"  # prepare_seconds left the cache there
    slugs = run_dir_departments(run_dir)
    n = len(slugs) + 1  # the district summary is a report too
    results = {"prepare": prep}
    if naive_sample:
        results["naive"] = naive(run_dir, slugs, naive_sample)
        print(naive_line(results["naive"], n), flush=True)
    pairs = []
    for _ in range(repeat):  # floor and run alternate, so that a ratio survives the VM's drift
        fl_m = floor(params, jobs)
        print(line("floor (plain processes)", fl_m, n), flush=True)
        run_m = districtsurvey_run(params, jobs)
        print(line("districtsurvey run", run_m, n), flush=True)
        pairs.append((run_m["wall"] / fl_m["wall"], fl_m, run_m))
    # run/floor from the pair with the median ratio (a pair shares the host's speed of the
    # moment); run's seconds and naive/run from the median run, not that pair's run (which may
    # be the fastest); memory from the largest of all runs
    _, results["floor"], results["run"] = median(pairs, key=lambda p: p[0])
    median_run = median([p[2] for p in pairs], key=lambda m: m["wall"])
    which = "  (run/floor below: the median pair; run and naive/run: the median run)"
    print(
        f"  over {repeat} pair(s): run {spread([p[2]['wall'] for p in pairs])}, "
        f"floor {spread([p[1]['wall'] for p in pairs])}, run/floor "
        + ", ".join(f"{p[0]:.2f}x" for p in pairs)
        + (which if repeat > 1 else "")
    )
    run, fl = results["run"]["wall"], results["floor"]["wall"]
    cpu_run, cpu_fl = results["run"]["cpu"], results["floor"]["cpu"]
    if run_goal:
        wall = median_run["wall"]
        print(
            f"  run: {wall:.1f} s for {n} reports (goal < {run_goal:.0f} s: {verdict(wall < run_goal)})"
        )
    if "naive" in results:
        print(naive_ratio(results["naive"], median_run, n))
    ok = run / fl <= GOALS["run_over_floor"]
    print(
        f"  run/floor = {run / fl:.2f}x wall, {cpu_run / cpu_fl:.2f}x cpu-seconds   "
        f"(goal <= {GOALS['run_over_floor']}x: {verdict(ok)})"
    )
    peak = max(p[2]["peak_process"] for p in pairs)
    child = max(p[2]["peak_child"] for p in pairs)
    print(
        f"  run: {median_run['wall'] / n:.2f} s per report; largest process {mib(peak)} "
        f"(goal < 2 GiB: {verdict(peak < GOALS['largest_process'])}); largest worker or kernel "
        f"{mib(child)}"
    )
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument("--respondents", type=int, default=20_000)
    ap.add_argument("--departments", type=int, default=40, help="0: skip this district")
    ap.add_argument("--large-respondents", type=int, default=200_000)
    ap.add_argument("--large-departments", type=int, default=100, help="0: skip the large run")
    ap.add_argument(
        "--naive-departments",
        type=int,
        default=8,
        help="departments the naive loop is timed on (0: skip)",
    )
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="floor/run pairs per district")
    ap.add_argument("--keep", type=Path, help="keep the generated data and outputs here")
    ap.add_argument(
        "--sample",
        choices=["full", "tiny", "off"],
        default="full",
        help="the sample district's single-survey runs and packet (tiny: 1-2 units each)",
    )
    ap.add_argument("--floor-worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor_worker:
        return floor_worker(args.floor_worker, args.jobs)
    if args.quick:
        args.respondents, args.departments = 3_000, 8
        if args.large_departments:
            args.large_respondents, args.large_departments = 20_000, 12
        args.naive_departments = min(args.naive_departments, 2)
        args.sample = "off" if args.sample == "off" else "tiny"
    folder = args.keep or Path(tempfile.mkdtemp(prefix="districtsurvey-bench-"))
    print(f"districtsurvey batch benchmark: {os.cpu_count()} cores, data in {folder}")
    try:
        if args.departments:
            bench(
                folder / "district",
                args.respondents,
                args.departments,
                jobs=args.jobs,
                naive_sample=args.naive_departments,
                repeat=args.repeat,
                prepare_goal=None if args.quick else 1.0,
                run_goal=None if args.quick else 10.0,
            )
        if args.large_departments:
            bench(
                folder / "large",
                args.large_respondents,
                args.large_departments,
                jobs=args.jobs,
                naive_sample=0,
                repeat=args.repeat,
                prepare_goal=None if args.quick else 10.0,
            )
        if args.sample != "off":
            sample_district(
                folder / "sample",
                jobs=args.jobs,
                tiny=args.sample == "tiny",
                repeat=args.repeat,
                naive_sample=args.naive_departments,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
