"""How every output file is written: to a temporary file beside it, then renamed into place.

A reader (or the next run) sees the old file or the new one, never half of one; a write that fails
(disk full, a size limit, a read-only folder) removes its temporary file and leaves the old file as
it was. A process killed mid-write (kill -9) can leave a temporary file: :func:`sweep_debris`
removes those, by their name pattern, before the next run writes into the folder.

CSV cells that a spreadsheet would run as formulas are neutralized (``safe_csv``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

#: ``.<name>.<pid>.tmp`` (and ``.<stem>.<pid>.tmp.ipynb``, the name papermill is given).
DEBRIS = re.compile(r"^\..+\.(\d+)\.tmp(?:\.ipynb)?$")


def temporary_name(path: Path, *, suffix: str = "") -> Path:
    """The temporary file beside ``path`` that this process writes before the rename.

    >>> temporary_name(Path("out/report.html"), suffix="").name.startswith(".report.html.")
    True
    >>> bool(DEBRIS.match(temporary_name(Path("a.html")).name))
    True
    """
    return path.with_name(f".{path.name}.{os.getpid()}.tmp{suffix}")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write to; renamed to ``path`` when the block ends without error, and
    removed when it raises (also on KeyboardInterrupt).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_path(Path(folder) / "t.txt") as tmp:
    ...         _ = tmp.write_text("whole")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['t.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:  # named after the file meant, not its temporary name (or none)
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` then rename: the file appears whole or not at all.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_atomic(Path(folder) / "a.txt", "hello")
    ...     (Path(folder) / "a.txt").read_text()
    'hello'
    """
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")


def file_version(path: str | Path) -> tuple[int, int, int]:
    """What tells one version of a file from the next, for caches kept while a file is unchanged:
    (inode, size, modification time in ns). A file replaced atomically (``write_atomic``) has a
    new inode even when its size and time are the same. Raises OSError when there is no file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.txt"
    ...     write_atomic(path, "one")
    ...     before = file_version(path)
    ...     write_atomic(path, "two")
    ...     before != file_version(path)
    True
    """
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sweep_debris(folder: str | Path, *, pid: int | None = None) -> list[Path]:
    """Remove temporary files left by killed writers under ``folder`` (only those of ``pid`` when
    given); returns what was removed."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for dirpath, _, names in os.walk(folder):
        for name in names:
            m = DEBRIS.match(name)
            if m and (pid is None or int(m.group(1)) == pid):
                path = Path(dirpath) / name
                try:
                    path.unlink()
                    removed.append(path)
                except OSError:
                    pass
    return removed


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
            values = out[col].tolist()
            if any(neutralize(v) is not v for v in values):  # else the column stays as it is
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
