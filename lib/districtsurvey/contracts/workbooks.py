"""Excel workbooks from users (survey exports, edited action plans), sized up before they are
parsed: a decompression bomb (a few megabytes on disk that unpack to gigabytes) is refused from
the zip directory, not found out by running out of memory."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .errors import Problem, SurveyDataError

#: a survey export beyond these is refused before it is parsed: its parts' uncompressed size from
#: the zip directory, the cells its sheets declare
MAX_XLSX_BYTES = 512 * 2**20
MAX_XLSX_CELLS = 20_000_000
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: bytes) -> int:
    """``b"AB"`` -> 28.

    >>> _column_number(b"A"), _column_number(b"Z"), _column_number(b"AB")
    (1, 26, 28)
    """
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def check_workbook_size(
    source: bytes | Path,
    path: str,
    *,
    max_bytes: int = MAX_XLSX_BYTES,
    max_cells: int = MAX_XLSX_CELLS,
    what: str = "a survey export",
    hint: str = "export the responses as CSV, or split the workbook",
) -> None:
    """Refuse, before parsing, a workbook (its bytes, or its file) that unpacks beyond
    ``max_bytes`` or whose sheets declare more than ``max_cells`` cells (read from the zip
    directory and each sheet's ``<dimension>``; a few kilobytes are decompressed, never the whole
    sheet). ``what`` the workbook should be, for the message."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError):
        return  # not a whole zip: the parser says it is truncated
    with zf:
        on_disk = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
        mb = 2**20
        total = sum(i.file_size for i in zf.infolist())
        if total > max_bytes:
            raise SurveyDataError(
                Problem(
                    path,
                    f"the workbook unpacks to {total / mb:,.0f} MB from {on_disk / mb:,.1f} MB "
                    f"on disk (limit {max_bytes / mb:,.0f} MB): refused before reading "
                    f"(a decompression bomb, or far larger than {what})",
                    hint=hint,
                )
            )
        cells = 0
        for info in zf.infolist():
            if not re.match(r"xl/worksheets/[^/]+\.xml$", info.filename):
                continue
            with zf.open(info) as part:
                head = part.read(1 << 16)
            m = DIMENSION.search(head)
            if m and m[3]:
                rows = int(m[4]) - int(m[2]) + 1
                cols = _column_number(m[3]) - _column_number(m[1]) + 1
                if info.file_size > 8 * mb:  # a formatted-to-the-end sheet with no data is small
                    cells += rows * cols
    if cells > max_cells:
        raise SurveyDataError(
            Problem(
                path,
                f"the workbook's sheets declare {cells:,} cells (limit {max_cells:,}): "
                "refused before reading",
                hint=hint,
            )
        )
