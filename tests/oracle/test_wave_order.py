"""Waves whose text order is not their time order, end to end through a real run's HTML.

The sample's answers with their waves renamed, stored as plain strings (no ordered categorical
to lean on): month names (``2025-11`` < ``2026-4`` < ``2026-10``, read from the names; as text
``2026-10`` sorts before ``2026-4``) and names only an explicit ``waves:`` list can order
(``pilot`` < ``midyear`` < ``annual``, the reverse of their text order).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from oracle.read import Page, number
from oracle.truth import Survey, whole
from support import REPORT_DATE, ROOT, SAMPLE

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
SAMPLE_WAVES = ["2025-fall", "2026-spring", "2026-fall"]  # the sample's waves, oldest first
NAMES = {
    "months": (["2025-11", "2026-4", "2026-10"], None),
    "listed": (["pilot", "midyear", "annual"], ["pilot", "midyear", "annual"]),
}


@pytest.fixture(scope="module", params=list(NAMES))
def renamed(request, tmp_path_factory):
    names, listed = NAMES[request.param]
    tmp = tmp_path_factory.mktemp(request.param)
    df = pd.read_parquet(SAMPLE / "support_services.parquet")
    df = df[df["department"].isin(["Transportation", "Finance", "Payroll"])]  # small and quick
    df["wave"] = df["wave"].astype(str).map(dict(zip(SAMPLE_WAVES, names, strict=True)))
    df = df.sample(frac=1.0, random_state=1)  # rows in no particular order either
    df.to_parquet(tmp / "answers.parquet", index=False)
    params = {
        "name": "renamed",
        "instrument": "support_services",
        "data": str(tmp / "answers.parquet"),
        "wave": names[-1],
        "departments": ["Transportation"],
        "report_date": REPORT_DATE,
        "output": str(tmp / "run"),
    }
    if listed:
        params["waves"] = listed
    (tmp / "params.yml").write_text(yaml.safe_dump(params), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(tmp / "params.yml"), "--quiet"],
        capture_output=True, text=True, timeout=900, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    truth = Survey(
        data=tmp / "answers.parquet",
        instrument=ROOT / "data" / "instruments" / "support_services.yml",
        headcounts=SAMPLE / "support_services_headcounts.csv",
        benchmarks=None,
    )
    return names, truth, Page.read(tmp / "run" / "departments" / "transportation.html")


def test_trends_run_in_time_order(renamed):
    names, s, page = renamed
    trends = next(t for t in page.tables if t.columns[0] == "Area" and names[0] in t.columns)
    assert list(trends.columns) == ["Area", *names, "Latest change"]
    for _, row in trends.iterrows():
        area = next(d["id"] for d in s.ins["dimensions"] if d["label"] == row["Area"])
        for wave in names:
            assert number(row[wave]) == whole(s.area("Transportation", wave, area)["pct"])
    chart = page.chart("Line chart of % favorable by area")
    assert chart.data.equals(trends.drop(columns="Latest change"))
    lines = chart.line_xs()
    assert len(lines) >= 6 and all(xs == sorted(xs) for xs in lines)


def test_previous_wave_and_compare_to_default_follow_time(renamed):
    names, s, page = renamed
    # compare_to was not given: it is the wave before the last in time, not in text
    outcome = s.item("Transportation", names[-1], "ss_overall_quality")
    before = s.item("Transportation", names[-2], "ss_overall_quality")
    line = next(p for p in page.paragraphs() if p.startswith("Overall quality:"))
    assert f"; {whole(before['pct'])}% in {names[-2]}, " in line
    change = whole(outcome["pct"]) - whole(before["pct"])
    assert f"{change:+d} points" in line or change == 0
    areas, caption = page.table("Area", "Answered")
    assert f"Change: since {names[-2]}" in caption
    assert f"Waves are in time order: {', '.join(names)}." in page.section_text("Methods")
