"""One error family for bad input: every problem names the file, the row or column, and a hint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    >>> str(Problem("data.csv", "value out of range 1..5: 7", row=12, column="value", hint="fix it"))
    'data.csv, row 12, column value: value out of range 1..5: 7 (fix it)'
    """

    path: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        hint = f" ({self.hint})" if self.hint else ""
        return f"{', '.join(where)}: {self.message}{hint}"


class SurveyDataError(Exception):
    """Input that cannot be used; carries every problem found, each with file, row/column and hint.

    >>> err = SurveyDataError([Problem("a.csv", "empty file", hint="export again")])
    >>> print(err)
    a.csv: empty file (export again)
    """

    def __init__(self, problems: list[Problem] | Problem | str, *, path: str | Path = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(str(path), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
