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


def decode(raw: bytes, path: str) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then UTF-8, then cp1252 (old Windows exports).

    >>> decode("Caf\\u00e9".encode("cp1252"), "x.csv")
    ('Café', 'cp1252')
    >>> decode(codecs.BOM_UTF16_LE + "a\\tb".encode("utf-16-le"), "x.txt")
    ('a\\tb', 'utf-16')
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    head = raw[:4000]
    if len(head) >= 4 and head.count(b"\x00") >= len(head) // 3:  # UTF-16 without BOM
        le = head[1::2].count(b"\x00") > head[0::2].count(b"\x00")
        return raw.decode("utf-16-le" if le else "utf-16-be", errors="replace"), "utf-16"
    if b"\x00" in head:
        raise SurveyDataError(_not_text(path))
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is None:
            raise SurveyDataError(_not_text(path)) from None
        return str(best), best.encoding
    return text, "cp1252"


def _not_text(path: str) -> Problem:
    return Problem(
        path,
        "not a survey export: binary content that is not text, Excel or SPSS",
        hint="export again as CSV, Excel (.xlsx) or SPSS (.sav)",
    )


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


def text_rows(raw: bytes, path: str) -> tuple[list[list[str]], str]:
    """Rows of a delimited text export, and a note on encoding and delimiter."""
    text, encoding = decode(raw, path)
    if _is_garbage(text):
        raise SurveyDataError(_not_text(path))
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
    return rows, f"{encoding}, delimiter '{name}'"


def xlsx_sheets(raw: bytes, path: str) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of strings (whole numbers without ``.0``)."""
    from openpyxl import load_workbook

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
    sheets = {}
    try:
        for ws in wb.worksheets:
            sheets[ws.title] = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
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
