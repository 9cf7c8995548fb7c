"""Shared fixtures: tiny hand-made frames, the sample district, and a prepared run in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from support import run_packet, write_params


def pytest_configure(config):
    """``DISTRICTSURVEY_TEST_TODAY=2027-12-01T09:30:00+00:00`` runs the tests with the clock moved
    (``tests/test_dates.py`` does so for the date-sensitive modules)."""
    today = os.environ.get("DISTRICTSURVEY_TEST_TODAY")
    if today:
        import time_machine

        config._districtsurvey_clock = time_machine.travel(today, tick=True)
        config._districtsurvey_clock.start()


def pytest_report_header(config):
    clock = getattr(config, "_districtsurvey_clock", None)
    if clock is not None:
        import datetime as dt

        return f"today moved to {dt.date.today().isoformat()}"
    return None


def pytest_unconfigure(config):
    clock = getattr(config, "_districtsurvey_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(scope="session")
def packet_run(tmp_path_factory) -> Path:
    """One real two-survey packet run (``support.run_packet``) for the oracle and the attack.
    ``ORACLE_RUNS=/some/folder`` reuses it while tests are written (never in CI)."""
    keep = os.environ.get("ORACLE_RUNS")
    tmp = Path(keep) / "packet" if keep else tmp_path_factory.mktemp("packet")
    tmp.mkdir(parents=True, exist_ok=True)
    if keep and (tmp / "run" / "index.html").exists():
        return tmp / "run"
    return run_packet(tmp)


@pytest.fixture
def tiny() -> pd.DataFrame:
    """Six respondents of one department answering two support-services items.

    ss_timely_response: 5, 4, 4, 3, 2, <NA>  -> n 5, mean 3.6, 60% fav, 20% neutral, 20% unfav
    ss_overall_quality: 5, 5, 4, 4, 1, 2     -> n 6, mean 3.5, 66.7% fav, 0% neutral, 33.3% unfav
    """
    rows = []
    answers = {
        "ss_timely_response": [5, 4, 4, 3, 2, None],
        "ss_overall_quality": [5, 5, 4, 4, 1, 2],
    }
    for item, values in answers.items():
        for i, v in enumerate(values):
            rows.append(
                {
                    "respondent_id": f"r{i}",
                    "survey": "support_services",
                    "wave": "2026-fall",
                    "department": "Finance",
                    "role": "Teacher" if i < 4 else "Principal",
                    "site": "Oak Hill Elementary",
                    "item": item,
                    "value": v,
                }
            )
    df = pd.DataFrame(rows)
    df["value"] = df["value"].astype("Int8")
    return df


@pytest.fixture(scope="session")
def prepared_run(tmp_path_factory) -> Path:
    """The sample district prepared once per test session (cache only, no notebooks)."""
    from districtsurvey.prepare.run import prepare

    folder = tmp_path_factory.mktemp("prepared")
    return prepare(write_params(folder))


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory) -> tuple[Path, dict]:
    """A real batch (papermill, nbconvert) over two departments and the district summary."""
    from districtsurvey.batch.run import run_batch

    folder = tmp_path_factory.mktemp("batch")
    params = write_params(folder, departments=["Transportation", "Internal Audit", "Finance"])
    manifest = run_batch(params, jobs=2, quiet=True)
    return folder / "run", manifest
