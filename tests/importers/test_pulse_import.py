"""Importing a pulse survey's export (#15): a short survey of a few statements, imported by the
ordinary import path as a wave of its own kind (``--wave 2026-09-pulse``); the statements it did
not ask are not errors, but a full wave's file still must hold every statement."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from districtsurvey.cli import app

# the export as a survey tool writes it: statement texts as headers, answers as labels
HEADER = [
    "This department responds to my requests within a reasonable time.",
    "This department keeps me informed about the status of my request.",
    "This department completes its work by the deadlines it sets.",
]
ROWS = [
    ["Agree", "Strongly agree", "Disagree"],
    ["Disagree", "N/A", "Neither agree nor disagree"],
    ["Strongly agree", "Agree", ""],
]
ITEMS = ["ss_timely_response", "ss_timely_updates", "ss_timely_deadlines"]


def _export(folder, header=HEADER, rows=ROWS):
    path = folder / "pulse export.csv"
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path, out, wave):
    args = ["import", str(path), "--instrument", "support_services", "-o", str(out)]
    return CliRunner().invoke(app, [*args, "--wave", wave, "--department", "Transportation"])


def test_a_pulse_export_imports_its_few_statements(tmp_path):
    out = tmp_path / "pulse.csv"
    res = _import(_export(tmp_path), out, "2026-09-pulse")
    assert res.exit_code == 0, res.output
    assert "items mapped:     3" in res.output
    tidy = pd.read_csv(out)
    assert set(tidy["wave"]) == {"2026-09-pulse"} and set(tidy["department"]) == {"Transportation"}
    # oracle, by hand from ROWS: labels 1..5 on the agree scale, N/A and blank missing
    got = tidy.pivot(index="respondent_id", columns="item", values="value")[ITEMS]
    want = [[4, 5, 2], [2, None, 3], [5, 4, None]]
    assert (
        got.astype("Float64").values.tolist()
        == pd.DataFrame(want).astype("Float64").values.tolist()
    )


def test_a_full_waves_file_must_still_hold_every_statement(tmp_path):
    out = tmp_path / "fall.csv"
    res = _import(_export(tmp_path), out, "2026-fall")
    assert res.exit_code == 1
    assert (
        "item ss_access_reach of instrument support_services is missing from the file" in res.output
    )
    assert not out.exists()


def test_a_pulse_file_with_no_statement_is_refused(tmp_path):
    out = tmp_path / "pulse.csv"
    path = _export(tmp_path, header=["How was your summer?"], rows=[["Fine"], ["Busy"]])
    res = _import(path, out, "2026-09-pulse")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "a pulse file with none of the items of instrument support_services" in res.output
    assert not out.exists()
