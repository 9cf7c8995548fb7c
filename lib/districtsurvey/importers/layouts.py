"""Survey tools' layouts: which header rows there are and what they name, one reader per tool.

A reader turns rows of strings into a :class:`RawTable`: the answer cells plus, per column, every
name it can be matched by (column id, question text, ``Question [row]``, ImportId ...). Readers are
registered in :data:`LAYOUTS`; :func:`detect_layout` recognises a tool from its header rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..contracts.errors import Problem, SurveyDataError
from .detect import IMPORT_ID, detect_layout, key, markers
from .normalize import norm

__all__ = ["LAYOUTS", "RawTable", "detect_layout"]


@dataclass
class RawTable:
    """Answer cells of an export with every name of every column."""

    fmt: str
    names: list[list[str]]  # per column: primary name first, then aliases
    rows: list[list[str]]  # data rows, each as long as ``names``
    line: list[int]  # record number in the file of each data row (1-based, header included)
    id_column: int | None = None  # the tool's own response id, used unless the instrument says
    finished: list[bool | None] | None = None  # per row, when the tool records completion
    negative_na: bool = False  # Qualtrics recodes non-answers (N/A, Don't know) as negative
    value_labels: dict[int, dict[str, str]] = field(default_factory=dict)  # SPSS code -> label
    na_cells: set[tuple[int, int]] = field(default_factory=set)  # SPSS user-missing (row, col)
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    note: str = ""
    _index: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    _indexed: int = field(default=-1, repr=False, compare=False)

    def find(self, name: str) -> list[int]:
        """Columns that any of whose names equals ``name`` (normalised)."""
        if self._index is None or self._indexed != len(self.names):
            index: dict[str, list[int]] = {}
            for i, names in enumerate(self.names):
                for key in {norm(n) for n in names}:
                    index.setdefault(key, []).append(i)
            self._index, self._indexed = index, len(self.names)
        return list(self._index.get(norm(name), []))


def find_key(table: RawTable, keys) -> int | None:
    """The first column one of whose names has one of ``keys`` (see ``detect.key``)."""
    wanted = frozenset(keys)
    return next(
        (i for i, names in enumerate(table.names) if {key(n) for n in names} & wanted), None
    )


def _table(
    fmt: str, rows: list[list[str]], header: int, names: list[list[str]], path: str
) -> RawTable:
    width = len(names)
    data, line, empty = [], [], 0
    body = rows[header:]
    for k, row in enumerate(body):
        number = header + k + 1
        if not any(c.strip() for c in row):
            empty += 1
            continue
        if len(row) < width and k == len(body) - 1 and len(row) < width - 1:
            raise SurveyDataError(
                Problem(
                    path,
                    f"the last row has {len(row)} of {width} fields: the file looks truncated",
                    row=number,
                    hint="export the responses again",
                )
            )
        data.append((row + [""] * width)[:width])
        line.append(number)
    table = RawTable(fmt, names, data, line)
    if empty:
        table.dropped["entirely empty row"] = empty
    return table


def _one_row(fmt: str) -> Callable[[list[list[str]], str], RawTable]:
    def read(rows: list[list[str]], path: str) -> RawTable:
        names = [[c] for c in rows[0]]
        for n in names:  # "Question [row]" (Google Forms grids) and "CODE. text" (LimeSurvey)
            if m := re.fullmatch(r"(.*\S)\s*\[(.+)\]", n[0], flags=re.DOTALL):
                n += [f"{m[1]} - {m[2]}", m[2]]
            if m := re.fullmatch(r"(\w+)\.\s+(.+)", n[0], flags=re.DOTALL):
                n += [m[1], m[2]]
        return _table(fmt, rows, 1, names, path)

    return read


def read_qualtrics(rows: list[list[str]], path: str) -> RawTable:
    """Current (ids, texts, ``{"ImportId": ...}``), legacy (V1.., texts) or flat one-row layout."""
    if len(rows) >= 3 and any(IMPORT_ID.match(c.strip()) for c in rows[2]):
        header = 3
    elif len(rows) >= 2 and "responseid" in {norm(c) for c in rows[1]}:
        header = 2
    else:
        header = 1
    width = max(len(r) for r in rows[:header])
    names = [[r[i] for r in rows[:header] if i < len(r) and r[i].strip()] for i in range(width)]
    for n in names:
        n[:] = [IMPORT_ID.match(c)[1] if IMPORT_ID.match(c) else c for c in n]
    table = _table("qualtrics", rows, header, names, path)
    table.negative_na = True
    table.id_column = find_key(table, markers()["qualtrics"]["id"] - {"v1"})
    done = table.find("Finished")
    if done:
        flags = {"1": True, "true": True, "0": False, "false": False}
        table.finished = [flags.get(norm(r[done[0]])) for r in table.rows]
    return table


def read_surveymonkey(rows: list[list[str]], path: str) -> RawTable:
    """Two header rows: question (blank over the rest of a matrix), then row / option / Response."""
    if len(rows) < 2:
        raise SurveyDataError(Problem(path, "a SurveyMonkey export has two header rows; found one"))
    width = max(len(rows[0]), len(rows[1]))
    top, sub = rows[0] + [""] * width, rows[1] + [""] * width
    names, question = [], ""
    for i in range(width):
        question = top[i].strip() or question
        s = sub[i].strip()
        if not s or norm(s) in {"response", "open-ended response"}:
            names.append([question])
        else:
            names.append([f"{question} - {s}", f"{question} [{s}]", s, question])
    table = _table("surveymonkey", rows, 2, names, path)
    table.id_column = find_key(table, markers()["surveymonkey"]["id"])
    return table


def read_limesurvey(rows: list[list[str]], path: str) -> RawTable:
    """Codes (``G02Q02``) or question texts as header; incomplete responses have no submit date."""
    table = _one_row("limesurvey")(rows, path)
    table.id_column = find_key(table, ["id"])
    if table.id_column is None:
        table.id_column = find_key(table, markers()["limesurvey"]["id"])
    sub = (
        table.find("submitdate") or table.find("Date submitted") or table.find("Datum Abgeschickt")
    )
    if sub:
        table.finished = [bool(r[sub[0]].strip()) for r in table.rows]
    return table


#: layout name -> reader of rows of strings
LAYOUTS: dict[str, Callable[[list[list[str]], str], RawTable]] = {
    "qualtrics": read_qualtrics,
    "surveymonkey": read_surveymonkey,
    "googleforms": _one_row("googleforms"),
    "limesurvey": read_limesurvey,
    "csv": _one_row("csv"),
}
