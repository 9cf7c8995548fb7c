"""``districtsurvey``: a few verbs, each parses, calls one lib function, prints, sets the exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .contracts.errors import SurveyDataError
from .contracts.paths import PARAMS_DIR, PROJECT, SAMPLE_DIR

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="District Survey Workbench: survey data to per-department reports.",
)


def fail(err: SurveyDataError) -> None:
    """Print every problem to stderr and exit 1."""
    for problem in err.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(1)


def _report_batch(manifest: dict, run_dir: Path) -> None:
    ok = sum(r["status"] == "ok" for r in manifest["reports"])
    typer.echo(f"{ok}/{len(manifest['reports'])} reports in {manifest['seconds']:.1f}s")
    for r in manifest["reports"]:
        if r["status"] != "ok":
            typer.echo(
                f"failed: {r['name']}: {r['error']} (notebook kept: {r['notebook']})", err=True
            )
    index = run_dir / "index.html"
    if index.exists():
        typer.echo(str(index))
    if manifest.get("extras_error"):
        typer.echo(
            f"failed: action plans / roll-out pages / PDFs: {manifest['extras_error']}", err=True
        )
    if manifest["failed"]:
        raise typer.Exit(1)


@app.command()
def run(
    params: Annotated[Path, typer.Argument(help="params/<run>.yml")],
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="parallel workers (default: cores)")
    ] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="department(s) to run")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress lines")] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="rerun only missing or failed reports (when inputs and params are unchanged)",
        ),
    ] = False,
    executor: Annotated[str, typer.Option("--executor", help="local | dask")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786"),
    ] = None,
    kernel: Annotated[
        str,
        typer.Option(
            "--kernel",
            help="warm (reused kernels) | fresh (one papermill kernel per report, the reference)",
        ),
    ] = "warm",
    pdf: Annotated[
        bool, typer.Option("--pdf", help="also print every report to PDF (Chromium)")
    ] = False,
) -> None:
    """Run the batch: one report per department plus the district summary."""
    from .batch.run import run_batch
    from .contracts.params import load_params

    try:
        manifest = run_batch(
            params,
            jobs=jobs,
            only=only,
            quiet=quiet,
            resume=resume,
            executor=executor,
            scheduler=scheduler,
            kernel=kernel,
            pdf=pdf,
        )
        run_dir = load_params(params).output_dir
    except SurveyDataError as err:
        fail(err)
    _report_batch(manifest, run_dir)


@app.command()
def demo(
    jobs: Annotated[int | None, typer.Option("--jobs", "-j")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """The sample district's support-services reports -> outputs/demo/index.html."""
    run(
        PARAMS_DIR / "demo.yml",
        jobs=jobs,
        only=None,
        quiet=quiet,
        resume=False,
        executor="local",
        scheduler=None,
        kernel="warm",
        pdf=False,
    )


@app.command()
def validate(
    data: Annotated[Path, typer.Argument(help="tidy responses (.csv or .parquet)")],
    instrument: Annotated[str | None, typer.Option(help="instrument id or .yml")] = None,
) -> None:
    """Check a tidy responses file; list every problem (exit 0 clean, 1 problems)."""
    from .contracts.instrument import load_instrument
    from .contracts.validate import read_table, validate_responses

    try:
        ins = load_instrument(instrument) if instrument else None
        problems = validate_responses(read_table(data), instrument=ins, path=str(data))
    except SurveyDataError as err:
        fail(err)
    if problems:
        fail(SurveyDataError(problems))
    typer.echo(f"{data}: clean")


@app.command()
def score(
    data: Annotated[Path, typer.Argument(help="tidy responses (.csv or .parquet)")],
    instrument: Annotated[str, typer.Option(help="instrument id or .yml")],
    by: Annotated[
        str, typer.Option(help="group columns, comma-separated: department, role, site, wave")
    ] = "department",
    wave: Annotated[str | None, typer.Option(help="only this wave")] = None,
    min_n: Annotated[int, typer.Option("--min-n", min=3)] = 5,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="CSV file (default: stdout)")
    ] = None,
) -> None:
    """Write the report-safe scored table: one row per group x statement and a pooled row per
    group, safe beside every other table this command writes (any --by, any --wave)."""
    from .contracts.files import safe_csv, write_atomic
    from .contracts.instrument import load_instrument
    from .contracts.validate import load_responses
    from .prepare.groupings import allowed_grouping, group_columns, score_groupings

    try:
        ins = load_instrument(instrument)
        responses = load_responses(data, instrument=ins)
    except SurveyDataError as err:
        fail(err)
    groups = [g.strip() for g in by.split(",") if g.strip()]
    allowed = group_columns(responses)
    unknown = [g for g in groups if g not in allowed]
    if unknown or len(set(groups)) < len(groups):
        fail(
            SurveyDataError(
                f"--by: unknown column(s) {', '.join(unknown) or 'repeated'}; group columns of "
                f"this file: {', '.join(allowed)}",
                path=data,
            )
        )
    if not allowed_grouping(groups):
        fail(
            SurveyDataError(
                f"--by {by}: role or site only with department, and not both (groups across "
                "the district by rater would let hidden cells be worked out)",
                path=data,
            )
        )
    if wave is not None and wave not in set(responses["wave"]):
        fail(SurveyDataError(f"--wave: wave '{wave}' is not in the data", path=data))
    table = score_groupings(responses, ins, by=groups, wave=wave, min_n=min_n)
    text = safe_csv(table).to_csv(index=False)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        typer.echo(f"{len(table)} rows -> {output}")


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="folder")] = SAMPLE_DIR,
) -> None:
    """Regenerate the deterministic sample district (data/sample/)."""
    from .sample.generate import generate_sample

    for path in generate_sample(out):
        typer.echo(str(path))


@app.command("import")
def import_(
    raw: Annotated[Path, typer.Argument(help="the survey tool's export")],
    instrument: Annotated[str, typer.Option(help="instrument id or YAML file")],
    output: Annotated[Path, typer.Option("-o", "--output", help="OUT.csv or OUT.parquet")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto|qualtrics|surveymonkey|googleforms|limesurvey|spss|excel|csv|tidy",
        ),
    ] = "auto",
    wave: Annotated[str | None, typer.Option(help="wave, when the file has no wave column")] = None,
    department: Annotated[
        str | None, typer.Option(help="department, when the file has none")
    ] = None,
) -> None:
    """Turn a raw export into tidy responses (+ OUT.comments.csv when comments are mapped)."""
    from .importers import read_export, write_tidy

    try:
        result = read_export(raw, fmt=fmt, instrument=instrument, wave=wave, department=department)
        write_tidy(result.responses, output)
        if len(result.comments):
            write_tidy(result.comments, output.with_name(f"{output.stem}.comments{output.suffix}"))
    except SurveyDataError as err:
        fail(err)
    typer.echo(str(result.summary))
    typer.echo(f"{len(result.responses)} rows -> {output}")


@app.command()
def explore(
    port: Annotated[int, typer.Option(help="port for JupyterLab")] = 8888,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="print the URL only")] = False,
) -> None:
    """JupyterLab opened on notebooks/explore.ipynb (the analyst explorer)."""
    import os
    import subprocess

    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={PROJECT}",
        f"--ServerApp.port={port}",
        "notebooks/explore.ipynb",
    ]
    cmd += ["--no-browser"] if no_browser else []
    cmd += ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    raise typer.Exit(subprocess.call(cmd, cwd=PROJECT))
