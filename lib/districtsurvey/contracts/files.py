"""How every output file is written: to a temporary file beside it, then renamed into place; and
CSV cells that a spreadsheet would run as formulas neutralized (``safe_csv``)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` then rename: the file appears whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(tmp, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
        f.write(data)
    os.replace(tmp, path)


#: A cell that starts with one of these is a formula to a spreadsheet (OWASP "CSV injection"):
#: = + - @, tab, carriage return (and their full-width forms).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(value: object) -> object:
    """A text cell a spreadsheet reads as text: one ``'`` before a formula start (as OWASP
    recommends); other values unchanged. ``restore`` undoes it exactly.

    >>> neutralize("=HYPERLINK(\\"http://x\\")"), neutralize("-5 days"), neutralize("Finance")
    ('\\'=HYPERLINK("http://x")', "'-5 days", 'Finance')
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value: object) -> object:
    """The value ``neutralize`` was given (for files a later run reads back)."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:].lstrip("'").startswith(FORMULA_START)
    ):
        return value[1:]
    return value


def safe_csv(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell (and header) neutralized: write this, never the table.

    >>> safe_csv(pd.DataFrame({"owner": ["@admin", "Ms. Lee"], "n": [-3, 4]})).to_csv(index=False)
    "owner,n\\n'@admin,-3\\nMs. Lee,4\\n"
    """
    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    out.columns = [neutralize(c) for c in out.columns]
    return out


def restore_csv(table: pd.DataFrame) -> pd.DataFrame:
    """A table read back from a file ``safe_csv`` wrote, as it was."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(restore)
    out.columns = [restore(c) for c in out.columns]
    return out
