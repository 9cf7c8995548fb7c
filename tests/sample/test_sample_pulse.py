"""The sample's September pulse (#15): what the generator writes, between the spring and fall
rounds, only spring focus statements, and not a row of the full rounds changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from districtsurvey.contracts.waves import wave_order
from districtsurvey.sample.pulse import write_sample_pulse

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
PLANS = SAMPLE / "plans" / "support_services-2026-spring"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("pulse")
    shutil.copy(SAMPLE / "support_services.parquet", folder)
    before_bytes = hashlib.sha256((folder / "support_services.parquet").read_bytes()).hexdigest()
    before = pd.read_parquet(folder / "support_services.parquet")
    write_sample_pulse(folder)
    return folder, before_bytes, before


@pytest.fixture(scope="module")
def pulse() -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / "support_services_pulse.parquet")


def test_regenerating_gives_the_committed_pulse(regenerated, pulse):
    folder, _, _ = regenerated
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "support_services_pulse.parquet"), pulse)


def test_no_row_of_the_full_rounds_changes(regenerated):
    folder, before_bytes, before = regenerated
    after = folder / "support_services.parquet"
    assert hashlib.sha256(after.read_bytes()).hexdigest() == before_bytes
    pd.testing.assert_frame_equal(pd.read_parquet(after), before)
    committed = pd.read_parquet(SAMPLE / "support_services.parquet")
    assert set(committed["wave"].astype(str)) == {"2025-fall", "2026-spring", "2026-fall"}


def test_the_pulse_lies_between_spring_and_fall(pulse):
    assert set(pulse["wave"]) == {"2026-09-pulse"}
    waves = ["2026-fall", "2026-09-pulse", "2025-fall", "2026-spring"]
    # oracle by hand: September after spring (~April), before fall (~October)
    assert wave_order(waves) == ["2025-fall", "2026-spring", "2026-09-pulse", "2026-fall"]


def test_only_spring_focus_statements_of_a_subset_of_departments(pulse):
    full = pd.read_parquet(SAMPLE / "support_services.parquet")
    asked = pulse.groupby("department")["item"].apply(set)
    assert 5 <= len(asked) < full["department"].nunique()
    for dept, items in asked.items():
        # oracle: the spring plan the leaders edited (its Statement ID column) lists the focus
        slug = dept.lower().replace(" & ", "-").replace(" ", "-")
        ws = openpyxl.load_workbook(PLANS / f"{slug}.xlsx")["Action plan"]
        head = [c.value for c in ws[1]]
        planned = {r[head.index("Statement ID")] for r in ws.iter_rows(min_row=2, values_only=True)}
        assert items <= planned and 1 <= len(items) <= 3, dept
    spring = full[full["wave"] == "2026-spring"].groupby("department")["respondent_id"].nunique()
    took = pulse.groupby("department")["respondent_id"].nunique()
    for dept, n in took.items():
        assert 0.44 * spring[dept] <= n <= 0.76 * spring[dept], dept  # 45-75% of spring's
    # new people: no pulse id is one of the full rounds' (a pulse is not linked to them)
    assert not set(pulse["respondent_id"]) & set(full["respondent_id"])
    assert pulse["respondent_id"].str.fullmatch(r"ss-[0-9a-f]{8}").all()
    assert pulse["value"].dropna().between(1, 5).all()
