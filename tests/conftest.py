"""Shared fixtures: tiny hand-made frames, the sample district, and a prepared run in a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FIXTURES = ROOT.parent / "shared" / "fixtures"  # real exports, read in place (CI has shared/ beside)


@pytest.fixture
def tiny() -> pd.DataFrame:
    """Six respondents of one department answering two support-services items.

    ss_timely_response: 5, 4, 4, 3, 2, <NA>  -> n 5, mean 3.6, 60% fav, 20% neutral, 20% unfav
    ss_overall_quality: 5, 5, 4, 4, 1, 2     -> n 6, mean 3.5, 66.7% fav, 0% neutral, 33.3% unfav
    """
    rows = []
    answers = {"ss_timely_response": [5, 4, 4, 3, 2, None], "ss_overall_quality": [5, 5, 4, 4, 1, 2]}
    for item, values in answers.items():
        for i, v in enumerate(values):
            rows.append({"respondent_id": f"r{i}", "survey": "support_services", "wave": "2026-fall",
                         "department": "Finance", "role": "Teacher" if i < 4 else "Principal",
                         "site": "Oak Hill Elementary", "item": item, "value": v})
    df = pd.DataFrame(rows)
    df["value"] = df["value"].astype("Int8")
    return df


def write_params(folder: Path, **overrides) -> Path:
    """A params file over the committed sample, written into ``folder``."""
    params = {
        "name": "t", "instrument": "support_services",
        "data": str(SAMPLE / "support_services.parquet"),
        "comments": str(SAMPLE / "support_services_comments.csv"),
        "headcounts": str(SAMPLE / "support_services_headcounts.csv"),
        "wave": "2026-fall", "compare_to": "2026-spring", "departments": "all",
        "output": str(folder / "run"),
    }
    params.update(overrides)
    path = folder / "params.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def prepared_run(tmp_path_factory) -> Path:
    """The sample district prepared once per test session (cache only, no notebooks)."""
    from districtsurvey.batch import prepare

    folder = tmp_path_factory.mktemp("prepared")
    return prepare(write_params(folder))


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory) -> tuple[Path, dict]:
    """A real batch (papermill, nbconvert) over two departments and the district summary."""
    from districtsurvey.batch import run_batch

    folder = tmp_path_factory.mktemp("batch")
    params = write_params(folder, departments=["Transportation", "Internal Audit", "Finance"])
    manifest = run_batch(params, jobs=2, quiet=True)
    return folder / "run", manifest


def copy_params(tmp_path: Path, name: str = "demo.yml") -> Path:
    shutil.copy(ROOT / "params" / name, tmp_path / name)
    return tmp_path / name
