"""A prepared run's cache read back: ``run.json`` and report-safe tables, one slice at a time; and
whether a cache is whole (every file as its checksum says)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..contracts.files import file_version, sha256_file
from ..contracts.paths import OUTPUTS, PARAMS_DIR


def run_folder(run_dir: str | Path = "") -> Path:
    """The prepared run folder; an empty value means the single-survey demo run (prepared if
    missing)."""
    if run_dir:
        return Path(run_dir)
    folder = OUTPUTS / "support-services-demo"
    if not (folder / "cache" / "run.json").exists():
        from .run import prepare

        prepare(PARAMS_DIR / "support-services-demo.yml")
    return folder


def read_run(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "cache" / "run.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def _whole(path: Path, stamp: tuple[int, int, int]) -> pd.DataFrame:
    """A whole cache table, read once per process and file version (a warm kernel reports on
    many departments of one run: one read, not one per department)."""
    return pd.read_parquet(path)


@lru_cache(maxsize=64)
def _rows(path: Path, stamp: tuple[int, int, int], columns: tuple[str, ...]) -> dict:
    """Where each value (tuple of values) of ``columns`` sits in a cache table: row positions in
    file order, found once per file version (a report's sections and a packet's extras ask the
    same table for one department after another: a lookup, not a scan of every row each time)."""
    table = _whole(path, stamp)
    by = list(columns)[0] if len(columns) == 1 else list(columns)
    return table.groupby(by, sort=False, observed=True, dropna=True).indices


def read_table(run_dir: Path, name: str, **filters) -> pd.DataFrame:
    """One cache table, the rows whose columns equal ``filters`` (in file order).

    A table is read once per process and kept while the file is unchanged (same inode, size and
    modification time: a new run replaces each file atomically, so it is read again).
    """
    path = Path(run_dir) / "cache" / f"{name}.parquet"
    try:
        stamp = file_version(path)
    except FileNotFoundError:
        return pd.DataFrame()
    path = path.resolve()
    table = _whole(path, stamp)
    if not filters:
        return table.reset_index(drop=True).copy()
    key = tuple(filters.values())
    rows = _rows(path, stamp, tuple(filters)).get(key[0] if len(key) == 1 else key)
    return table.take([] if rows is None else rows).reset_index(drop=True)


def cache_checksums(run_dir: str | Path) -> dict[str, str]:
    """sha256 of every file of a prepared cache: ``run.json`` and the tables it lists."""
    cache = Path(run_dir) / "cache"
    run = read_run(run_dir)
    return {"run.json": sha256_file(cache / "run.json"), **run.get("cache", {})}


def cache_problem(run_dir: str | Path, recorded: dict[str, str] | None) -> str | None:
    """Why the cache of ``run_dir`` cannot be trusted, or None when every file recorded (name ->
    sha256, as in ``manifest.json``) is there, readable and unchanged.

    >>> cache_problem("/nonexistent", None)
    'no checksums were recorded for it'
    """
    if not recorded:
        return "no checksums were recorded for it"
    cache = Path(run_dir) / "cache"
    for name, digest in recorded.items():
        path = cache / name
        try:
            if sha256_file(path) != digest:
                return f"{path} has changed or is damaged"
        except OSError as exc:
            return f"{path} cannot be read ({exc.strerror or exc})"
    try:
        listed = read_run(run_dir).get("cache")
    except (OSError, ValueError) as exc:
        return f"{cache / 'run.json'} cannot be read ({exc})"
    if listed is None or set(listed) | {"run.json"} != set(recorded):
        return f"{cache} does not hold the tables recorded for it"
    return None
