"""Bytes to rows of strings: encodings, delimiters, line endings, Excel sheets, truncation.

A *source* is what a file holds before any survey tool's layout is applied: a list of rows, each a
list of cell strings ("" for blank). Text exports and Excel workbooks both end up as rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.workbooks import MAX_XLSX_CELLS, check_workbook_size
from .encoding import decode, not_text

DELIMITERS = (",", ";", "\t", "|")
SPSS_MAGIC = (b"$FL2", b"$FL3")


def container(raw: bytes) -> str:
    """``xlsx``, ``spss``, ``parquet`` or ``text``, from the first bytes of a file.

    >>> container(b"PK\\x03\\x04...") , container(b"$FL2@(#)"), container(b"a,b\\n")
    ('xlsx', 'spss', 'text')
    """
    if raw.startswith(b"PK\x03\x04"):
        return "xlsx"
    if raw[:4] in SPSS_MAGIC:
        return "spss"
    if raw.startswith(b"PAR1"):
        return "parquet"
    return "text"


def _delimiter(text: str) -> str:
    """The delimiter that splits the first record into the most fields (quotes respected)."""
    first = text[:20000]
    best, fields = ",", 0
    for d in DELIMITERS:
        try:
            row = next(csv.reader(io.StringIO(first, newline=""), delimiter=d), [])
        except csv.Error:
            continue
        if len(row) > fields:
            best, fields = d, len(row)
    return best


def _is_garbage(text: str) -> bool:
    sample = text[:4000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t") or ch == "\ufffd")
    return bool(sample) and bad > max(3, len(sample) // 50)


def text_rows(raw: bytes, path: str) -> tuple[list[list[str]], str, str]:
    """Rows of a delimited text export, a note on encoding and delimiter, and a warning when the
    encoding had to be guessed (empty otherwise)."""
    decoded = decode(raw, path)
    text, encoding = decoded.text, decoded.encoding
    if _is_garbage(text):
        raise SurveyDataError(not_text(path))
    delimiter = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise SurveyDataError(
            Problem(
                path,
                f"the file looks truncated or malformed ({exc})",
                hint="export it again; a quoted cell is never closed",
            )
        ) from exc
    name = {"\t": "tab"}.get(delimiter, delimiter)
    return rows, f"{encoding}, delimiter '{name}'", decoded.warning


def xlsx_sheets(raw: bytes, path: str) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of strings (whole numbers without ``.0``)."""
    from openpyxl import load_workbook

    check_workbook_size(raw, path)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SurveyDataError(
            Problem(
                path,
                f"cannot be read as an Excel workbook: {exc}",
                hint="the file may be truncated; export it again",
            )
        ) from exc
    sheets, cells = {}, 0
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # read every row, not only those a (wrong) dimension declares
            rows = sheets[ws.title] = []
            for row in ws.iter_rows(values_only=True):  # a sheet whose dimension lied
                cells += len(row)
                if cells > MAX_XLSX_CELLS:
                    raise SurveyDataError(
                        Problem(
                            path,
                            f"sheet '{ws.title}' holds more than {MAX_XLSX_CELLS:,} cells: refused",
                            hint="export the responses as CSV, or split the workbook",
                        )
                    )
                rows.append([_cell(v) for v in row])
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
        raise SurveyDataError(
            Problem(path, f"the workbook looks truncated ({exc})", hint="export it again")
        ) from exc
    finally:
        wb.close()
    return sheets


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_bytes(path: Path) -> bytes:
    where = str(path)
    if not path.exists():
        raise SurveyDataError(Problem(where, "file not found", hint="check the path"))
    raw = path.read_bytes()
    if not raw.strip() or not raw.replace(codecs.BOM_UTF8, b"").strip():
        raise SurveyDataError(
            Problem(where, "the file is empty", hint="export the responses again")
        )
    return raw
