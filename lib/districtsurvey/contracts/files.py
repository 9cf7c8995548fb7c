"""How every output file is written: to a temporary file beside it, then renamed into place.

A reader (or the next run) sees the old file or the new one, never half of one; a write that fails
(disk full, a size limit, a read-only folder) removes its temporary file and leaves the old file as
it was. A process killed mid-write (kill -9) can leave a temporary file: :func:`sweep_debris`
removes those, by their name pattern, before the next run writes into the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
