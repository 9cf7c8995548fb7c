"""What a batch checks before it does any work: its options, the notebooks' parameters cell, and
an output folder it can write to. Each mistake is a :class:`SurveyDataError` naming what to fix,
raised before a worker starts or a file is written."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from . import executors

PARAMETERS = {"run_dir", "department"}
OUTPUT_FOLDERS = ("cache", "notebooks", "departments", "action_plans", "rollout")


def check_parameters(notebook: Path, names: set[str] = PARAMETERS) -> None:
    """papermill only warns on unknown parameters: refuse a notebook that does not declare ours."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    declared: set[str] = set()
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    declared.add(node.id)
            break
    if not names <= declared:
        raise SurveyDataError(
            Problem(
                str(notebook),
                f"parameters cell lacks {sorted(names - declared)}",
                hint="tag a cell 'parameters' declaring run_dir and department",
            )
        )


def check_output(run_dir: Path, *, where: str) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be written to (a
    read-only file system, no permission, an immutable folder): each is a message, not a
    traceback halfway through the run. Writes and removes one small file per folder."""
    hint = "set `output:` in the params file to a folder you can write to"
    existing = run_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = (
            "the output folder" if existing == run_dir else f"a part of the output path {run_dir}"
        )
        raise SurveyDataError(Problem(where, f"output: {what} {existing} is a file", hint=hint))
    folders = [existing] + [run_dir / sub for sub in OUTPUT_FOLDERS if (run_dir / sub).is_dir()]
    for folder in folders:
        probe = folder / f".write-check.{os.getpid()}.tmp"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"x")
            finally:
                os.close(fd)
                probe.unlink()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise SurveyDataError(
                Problem(where, f"output: cannot write to {folder} ({reason})", hint=hint)
            ) from None


def check_options(executor: str, scheduler: str | None, kernel: str, jobs, timeout) -> None:
    problems = []
    if executor not in ("local", "dask"):
        problems.append(
            Problem("--executor", f"unknown executor '{executor}'", hint="local or dask")
        )
    if executor == "dask" and not scheduler:
        problems.append(
            Problem(
                "--scheduler",
                "--executor dask needs --scheduler ADDRESS",
                hint="e.g. tcp://10.0.0.5:8786",
            )
        )
    if kernel not in executors.EXECUTORS:
        problems.append(
            Problem("--kernel", f"unknown kernel mode '{kernel}'", hint="warm or fresh")
        )
    if jobs is not None and jobs < 1:
        problems.append(Problem("--jobs", f"must be 1 or more, not {jobs}", hint="e.g. --jobs 2"))
    if timeout is not None and not timeout > 0:
        problems.append(Problem("--timeout", f"must be more than 0 seconds, not {timeout}"))
    if problems:
        raise SurveyDataError(problems)
