"""``districtsurvey``: a few verbs, each parses, calls one lib function, prints, sets the exit code."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .contracts.errors import Problem, SurveyDataError
from .contracts.paths import PARAMS_DIR, PROJECT, SAMPLE_DIR

_USAGE = (
    typer.Exit,
    typer.Abort,
    TyperException,  # typer's own copy of click's exceptions (usage errors)
    click.exceptions.Exit,
    click.ClickException,
    click.Abort,
)


class Guarded(TyperGroup):
    """Every command: a user's mistake or a fault of the machine is one message and exit 1, never
    a traceback; Ctrl-C is one line and exit 130. ``DISTRICTSURVEY_DEBUG=1`` shows tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except _USAGE:  # usage errors, --help, exit codes: typer's own handling
            raise
        except SurveyDataError as err:
            fail(err)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except OSError as err:  # disk full, read-only folder, permission, file vanished
            if os.environ.get("DISTRICTSURVEY_DEBUG"):
                raise
            where = f"{err.filename}: " if err.filename else ""
            hint = _HINTS.get(err.errno, "")
            typer.echo(f"error: {where}{err.strerror or err}{hint}", err=True)
            raise typer.Exit(1) from None
        except Exception as err:
            if os.environ.get("DISTRICTSURVEY_DEBUG"):
                raise
            typer.echo(
                f"error: unexpected {type(err).__name__}: {str(err)[:500]} (this is a bug: please "
                "report it; DISTRICTSURVEY_DEBUG=1 shows the traceback)",
                err=True,
            )
            raise typer.Exit(1) from None


_NO_ROOM = " (no room to write: files written before are intact; free some space, then run again)"
_READ_ONLY = " (this folder cannot be written to: choose another, or make it writable)"
_HINTS = {
    errno.ENOSPC: _NO_ROOM,
    errno.EFBIG: _NO_ROOM,
    errno.EDQUOT: _NO_ROOM,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _READ_ONLY,
    errno.EPERM: _READ_ONLY,
}

app = typer.Typer(
    cls=Guarded,
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
            kept = f" (notebook kept: {r['notebook']})" if r.get("notebook") else ""
            typer.echo(f"failed: {r['name']}: {r['error']}{kept}", err=True)
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
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="seconds a report may take (default: report_timeout, 300)"),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper", help="PDF paper size: letter | a4 (default: params 'paper', letter)"
        ),
    ] = None,
) -> None:
    """Run the batch: one report per department plus the district summary.

    Ctrl-C, SIGTERM or a closed terminal stop it cleanly (workers and kernels too): one line,
    exit 130 / 143 / 129; `--resume` then runs only the reports that are missing or failed.
    """
    from .batch.run import Interrupted, run_batch
    from .contracts.packet import load_any

    if paper is not None and paper.lower() not in ("letter", "a4"):
        fail(
            SurveyDataError(
                Problem("--paper", f"unknown paper size '{paper}'", hint="letter or a4")
            )
        )
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
            timeout=timeout,
            paper=paper.lower() if paper else None,
        )
        run_dir = load_any(params).output_dir
    except SurveyDataError as err:
        fail(err)
    except Interrupted as stop:
        typer.echo(str(stop), err=True)
        raise typer.Exit(stop.exit_code) from None
    _report_batch(manifest, run_dir)


@app.command()
def demo(
    jobs: Annotated[int | None, typer.Option("--jobs", "-j")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """The sample district's department packets (both surveys) -> outputs/demo/index.html."""
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
        timeout=None,
        paper=None,
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
    group, safe beside every other table this command writes (any --by, any --wave): hidden
    cells are checked with linear programming against all those tables at once."""
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
    from .sample.plans import SURVEYS, write_sample_plans
    from .sample.pulse import write_sample_pulse

    written = generate_sample(out)
    for survey in SURVEYS:
        written += write_sample_plans(out, survey=survey)
    for path in [*written, *write_sample_pulse(out)]:
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
        for name, table in (("comments", result.comments), ("choices", result.choices)):
            if len(table):  # open questions; multi-select, single choice and ranking answers
                write_tidy(table, output.with_name(f"{output.stem}.{name}{output.suffix}"))
    except SurveyDataError as err:
        fail(err)
    typer.echo(str(result.summary))
    typer.echo(f"{len(result.responses)} rows -> {output}")
    if len(result.choices):
        typer.echo(f"{len(result.choices)} choice rows -> {output.stem}.choices{output.suffix}")


instrument_app = typer.Typer(no_args_is_help=True, help="Instruments: draft one from an export.")
app.add_typer(instrument_app, name="instrument")


@instrument_app.command("draft")
def instrument_draft(
    export: Annotated[Path, typer.Argument(help="a survey tool's export, or a Qualtrics .qsf")],
    output: Annotated[Path, typer.Option("-o", "--output", help="draft.yml")],
    wave: Annotated[
        str | None, typer.Option(help="the wave of this export (default: a year from its dates)")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="the sheet of an .xlsx workbook")] = None,
) -> None:
    """Write a draft instrument (items, scales, N/A labels, group columns, multi-select blocks)
    that imports EXPORT unchanged; check it before use."""
    from .contracts.files import write_atomic
    from .importers.draft import draft_instrument

    if output.suffix not in {".yml", ".yaml"}:
        fail(SurveyDataError("the draft must end in .yml or .yaml", path=output))
    try:
        draft = draft_instrument(export, wave=wave, sheet=sheet)
    except SurveyDataError as err:
        fail(err)
    write_atomic(output, draft.to_yaml())
    spec = draft.spec
    counts = ", ".join(
        f"{len(spec.get(k, []))} {k}" for k in ("items", "choices", "questions") if spec.get(k)
    )
    typer.echo(f"{export}: detected {draft.format}; {counts or 'nothing recognized'} -> {output}")
    for note in draft.notes:
        typer.echo(f"  check: {note}")


@app.command()
def explore(
    port: Annotated[int, typer.Option(help="port for JupyterLab")] = 8888,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="print the URL only")] = False,
) -> None:
    """JupyterLab opened on notebooks/explore.ipynb (the analyst explorer).

    The server stops with this command: on Ctrl-C, SIGTERM or a closed terminal (SIGHUP) it is
    asked to stop (then killed after 10 s), and on Linux it is told to stop if this process is
    killed outright.
    """
    import subprocess

    from .batch.stopping import Stopped, deaf, signum_of, stop_child, stop_signals
    from .prepare.parallel import die_with_parent

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
    with stop_signals():
        server = subprocess.Popen(cmd, cwd=PROJECT, preexec_fn=die_with_parent)
        try:
            code = server.wait()
        except (KeyboardInterrupt, Stopped) as exc:
            with deaf():
                stop_child(server)
            raise typer.Exit(128 + signum_of(exc)) from None
    raise typer.Exit(code)
