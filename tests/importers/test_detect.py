"""Which tool wrote an export: header variants (spacing, localised names), ``format:`` in the
instrument, and a fallback message that says what was detected and which flag to use."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.importers import detect_format, detect_layout, read_export

from .real import MINE


@pytest.mark.parametrize(
    ("rows", "tool"),
    [
        ([["Respondent ID", "Collector ID", "Q1"], ["", "", "Response"]], "surveymonkey"),
        ([["RespondentID", "Q1", "Q2"], ["", "Response", "Open-Ended Response"]], "surveymonkey"),
        ([["respondent_id", "collector_id", "Q1"], ["", "", "Row"]], "surveymonkey"),
        (
            [["ID del encuestado", "ID del recopilador", "P1"], ["", "", "Respuesta"]],
            "surveymonkey",
        ),
        (
            [["ID du répondant", "Date de début", "Date de fin", "Q1"], ["", "", "", "Réponse"]],
            "surveymonkey",
        ),
        ([["ResponseID", "StartDate", "EndDate", "Q1"], ["1", "2", "3", "4"]], "qualtrics"),
        (
            [
                ["Response ID", "Start Date", "End Date", "Finished", "Q1"],
                ["R_1", "", "", "1", "4"],
            ],
            "qualtrics",
        ),
        ([["Marca temporal", "P1"], ["21/8/2019 13:10:31", "Sí"]], "googleforms"),
        ([["Horodateur", "Q1"], ["2019-08-21 13:10", "Oui"]], "googleforms"),
        (
            [["Antwort ID", "Datum Abgeschickt", "Letzte Seite", "F1"], ["1", "", "2", "3"]],
            "limesurvey",
        ),
        ([["id", "q1"], ["1", "5"]], "csv"),
    ],
)
def test_header_variants(rows, tool):
    assert detect_layout(rows) == tool


SM_MATRIX = (
    "RespondentID,Rate the service,,\n"
    ",Responds on time,Overall quality,Courteous\n"
    "1001,Agree,5 - Strongly agree,Agree\n"
    "1002,Disagree,3 - Neither agree nor disagree,Agree\n"
)
INSTRUMENT = """\
id: pulse
scale:
  points: 5
  labels: [Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree]
dimensions: [{id: all, label: All}]
items:
  - {id: on_time, text: Responds on time, dimension: all, match: [Rate the service - Responds on time]}
  - {id: quality, text: Overall quality, dimension: all, match: [Rate the service - Overall quality]}
  - {id: courtesy, text: Courteous, dimension: all, match: [Rate the service - Courteous]}
"""


#: the answers of SM_MATRIX on the agreement scale
EXPECTED = {
    ("1001", "on_time"): 4,
    ("1001", "quality"): 5,
    ("1001", "courtesy"): 4,
    ("1002", "on_time"): 2,
    ("1002", "quality"): 3,
    ("1002", "courtesy"): 4,
}


def _scores(r) -> dict:
    return r.responses.set_index(["respondent_id", "item"])["value"].to_dict()


def _files(tmp_path: Path, spec: str = INSTRUMENT) -> tuple[Path, Path]:
    export, ins = tmp_path / "sm.csv", tmp_path / "pulse.yml"
    export.write_text(SM_MATRIX, encoding="utf-8")
    ins.write_text(spec, encoding="utf-8")
    return export, ins


def test_fallback_names_what_was_detected_and_the_flag_to_use(tmp_path):
    # matrix-only SurveyMonkey export: no Collector ID, no "Response" marker -> read as plain CSV
    export, ins = _files(tmp_path)
    assert detect_format(export) == "csv"
    res = CliRunner().invoke(
        app,
        ["import", str(export), "--instrument", str(ins), "-o", str(tmp_path / "t.csv")]
        + ["--wave", "w", "--department", "d"],
    )
    assert res.exit_code == 1
    first = res.output.strip().splitlines()[0]
    assert "read as a plain table (format csv" in first
    assert "its headers suggest surveymonkey (a header 'RespondentID')" in first
    assert "3 item(s) were not found" in first and "pass --format surveymonkey" in first
    assert res.output.count("is missing from the file") == 3


def test_the_flag_or_the_instruments_format_reads_it(tmp_path):
    export, ins = _files(tmp_path)
    r = read_export(export, fmt="surveymonkey", instrument=ins, wave="w", department="d")
    assert _scores(r) == EXPECTED  # "5 - Strongly agree" -> 5
    _, ins2 = _files(tmp_path, INSTRUMENT + "import:\n  format: surveymonkey\n")
    r2 = read_export(export, instrument=ins2, wave="w", department="d")
    assert r2.summary.format == "surveymonkey" and r2.responses.equals(r.responses)


def test_numbered_labels_the_label_decides(tmp_path):
    # tools number answers in display order: "1 - Strongly agree" is still Strongly agree
    text = SM_MATRIX.replace("5 - Strongly agree", "1 - Strongly agree").replace(
        "3 - Neither agree nor disagree", "Neither agree nor disagree (3)"
    )
    export, ins = _files(tmp_path)
    export.write_text(text, encoding="utf-8")
    r = read_export(export, fmt="surveymonkey", instrument=ins, wave="w", department="d")
    assert _scores(r) == EXPECTED


def test_duplicate_ids_point_to_the_composite_id(tmp_path):
    text = (MINE / "quirks.yml").read_text()
    ins = tmp_path / "q.yml"
    ins.write_text(text, encoding="utf-8")
    export = tmp_path / "dup.csv"
    export.write_text(
        "ID,Role,Goals are clear.,I have the tools I need.\n"
        "7,Teacher,Agree,Agree\n7,Principal,Disagree,Agree\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception) as err:
        read_export(export, instrument=ins, wave="w", department="HR")
    assert "duplicate respondent id '7' on rows 2, 3" in str(err.value)
    assert "import: {respondent_id: {columns: [Wave, ID]}}" in str(err.value)
    ins.write_text(
        text.replace("  respondent_id: ID\n", "  respondent_id: {columns: [ID, Role]}\n")
    )
    r = read_export(export, instrument=ins, wave="w", department="HR")
    assert sorted(r.responses["respondent_id"].unique()) == ["7-Principal", "7-Teacher"]
