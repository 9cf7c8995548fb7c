"""A prepared run's cache read back: ``run.json`` and report-safe tables, one slice at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..contracts.paths import OUTPUTS, PARAMS_DIR


def run_folder(run_dir: str | Path = "") -> Path:
    """The prepared run folder; an empty value means the demo run (prepared if missing)."""
    if run_dir:
        return Path(run_dir)
    folder = OUTPUTS / "demo"
    if not (folder / "cache" / "run.json").exists():
        from .run import prepare

        prepare(PARAMS_DIR / "demo.yml")
    return folder


def read_run(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "cache" / "run.json").read_text(encoding="utf-8"))


def read_table(run_dir: Path, name: str, **filters) -> pd.DataFrame:
    """One cache table, filtered at read time (only the slice is read)."""
    path = Path(run_dir) / "cache" / f"{name}.parquet"
    if not path.exists():
        return pd.DataFrame()
    return pd.read_parquet(path, filters=[(k, "==", v) for k, v in filters.items()] or None)
