"""The sample's edited spring plans: what the generator writes, a realistic mix, read by the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from districtsurvey.prepare.run import prepare
from districtsurvey.sample.plans import write_sample_plans

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "sample" / "plans" / "support_services-2026-spring"
ENGAGEMENT_PLANS = ROOT / "data" / "sample" / "plans" / "engagement-2026-spring"


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _rows(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)["Action plan"]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]


def test_regenerating_gives_the_committed_plans(tmp_path):
    shutil.copy(ROOT / "data" / "sample" / "support_services.parquet", tmp_path)
    written = write_sample_plans(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in PLANS.glob("*.xlsx"))
    for path in written:  # xlsx bytes carry zip times: compare every cell instead
        assert _cells(path) == _cells(PLANS / path.name), path.name


def test_a_realistic_mix_of_statuses_and_indicator_values():
    rows = [r for p in sorted(PLANS.glob("*.xlsx")) for r in _rows(p)]
    status = pd.Series([r["Status"] for r in rows]).value_counts()
    assert set(status.index) == {"Done", "In progress", "Not started", "Dropped"}
    assert status["Done"] >= 10 and status["Dropped"] >= 5
    for r in rows:
        values = [v for k, v in r.items() if k.startswith("Indicator ") and v is not None]
        if r["Status"] == "Done":
            assert r["% complete"] == 100 and len(values) >= 3 and r["Notes"]
        if r["Status"] == "Not started":
            assert r["% complete"] == 0 and not values
        if r["Status"] == "Dropped":
            assert len(values) <= 1


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    spec = yaml.safe_load(
        (ROOT / "params" / "support-services-demo.yml").read_text(encoding="utf-8")
    )
    base = ROOT / "params"
    for key in ("data", "comments", "headcounts", "benchmarks", "plans"):  # data: a list
        value = spec[key]
        spec[key] = (
            [str((base / v).resolve()) for v in value]
            if isinstance(value, list)
            else str((base / value).resolve())
        )
    spec.update(output=str(folder / "run"), report_date="2026-11-22")
    params = folder / "demo.yml"
    params.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return prepare(params)


def test_the_demo_reads_the_sample_plans_back(demo_run):
    cached = pd.read_parquet(demo_run / "cache" / "plans.parquet")
    # oracle: the committed workbooks, read with openpyxl
    rows = [{"file": p.name, **r} for p in sorted(PLANS.glob("*.xlsx")) for r in _rows(p)]
    assert len(cached) == len(rows)
    want = pd.Series([r["Status"] for r in rows]).value_counts().sort_index()
    assert cached["status"].value_counts().sort_index().to_dict() == want.to_dict()
    values = pd.read_parquet(demo_run / "cache" / "plan_indicators.parquet")
    n_values = sum(
        1 for r in rows for k, v in r.items() if k.startswith("Indicator ") and v is not None
    )
    assert len(values) == n_values


def test_regenerating_gives_the_committed_engagement_plans(tmp_path):
    shutil.copy(ROOT / "data" / "sample" / "engagement.parquet", tmp_path)
    written = write_sample_plans(tmp_path, survey="engagement")
    committed = sorted(p.name for p in ENGAGEMENT_PLANS.glob("*.xlsx"))
    assert sorted(p.name for p in written) == committed and len(committed) >= 20
    for path in written:
        assert _cells(path) == _cells(ENGAGEMENT_PLANS / path.name), path.name


def test_engagement_plans_are_a_realistic_mix_owned_by_the_unit():
    rows = [r for p in sorted(ENGAGEMENT_PLANS.glob("*.xlsx")) for r in _rows(p)]
    status = pd.Series([r["Status"] for r in rows]).value_counts()
    assert set(status.index) == {"Done", "In progress", "Not started", "Dropped"}
    for r in rows:
        assert r["Owner"].startswith(r["Department"]) and r["Notes"]
        school = r["Department"].endswith(("School", "Elementary", "Academy"))
        if school:
            assert "director" not in r["Owner"]


def test_the_engagement_run_reads_its_plans_back(tmp_path):
    """params/engagement-2026-fall.yml names the plans; its run reads every row back."""
    spec = yaml.safe_load((ROOT / "params" / "engagement-2026-fall.yml").read_text())
    base = ROOT / "params"
    for key in ("data", "comments", "headcounts", "benchmarks", "plans"):
        spec[key] = str((base / spec[key]).resolve())
    spec.update(output=str(tmp_path / "run"), report_date="2026-11-22")
    (tmp_path / "e.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    run = prepare(tmp_path / "e.yml")
    cached = pd.read_parquet(run / "cache" / "plans.parquet")
    rows = [r for p in sorted(ENGAGEMENT_PLANS.glob("*.xlsx")) for r in _rows(p)]
    assert len(cached) == len(rows)  # oracle: the workbooks, read with openpyxl
    assert sorted(zip(cached["department"], cached["status"], strict=True)) == sorted(
        (r["Department"], r["Status"]) for r in rows
    )
