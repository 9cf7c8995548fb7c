import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtsurvey import SurveyDataError, load_instrument
from districtsurvey.cli import app
from support import ROOT, SAMPLE, write_params


def test_support_services_dimensions_and_outcome():
    ins = load_instrument("support_services")
    dims = set(ins.dimensions["id"])
    assert {"accessibility", "accuracy", "attitude", "operations", "timeliness"} <= dims
    assert ins.outcome in ins.item_ids
    assert "Did not use" in ins.scale.na_labels
    assert ins.scale.favorable == (4, 5)


def test_engagement_has_reverse_items_index_and_recognition_question():
    ins = load_instrument("engagement")
    assert 14 <= len(ins.items) <= 20
    assert ins.items["reverse"].sum() >= 1
    assert set(ins.indices["engagement_index"]) <= set(ins.item_ids)
    assert ins.recognition_questions


def test_bad_instrument_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("id: x\nitems: []\n")
    with pytest.raises(SurveyDataError) as err:
        load_instrument(bad)
    assert "missing key 'scale'" in str(err.value)
    with pytest.raises(SurveyDataError, match="not found"):
        load_instrument(tmp_path / "nope.yml")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "data" / "instruments").glob("*.yml"))
    + sorted((ROOT / "tests" / "fixtures" / "import").glob("*.yml")),
    ids=lambda p: p.name,
)
def test_every_committed_instrument_is_valid(path):
    ins = load_instrument(path)
    assert len(ins.items) + len(ins.choices) > 0
    assert set(ins.items["dimension"]) <= set(ins.dimensions["id"])


# -- the instrument as a strict contract (issue 19, section 3) ---------------------------------
BASE = """\
id: pulse
title: Staff pulse
scale:
  points: 5
  labels: [Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree]
  favorable: [4, 5]
  neutral: [3]
  unfavorable: [1, 2]
dimensions:
  - {id: clarity, label: Clarity}
  - {id: stay, label: Intent to stay}
items:
  - {id: q_clear, text: Goals are clear., dimension: clarity}
  - {id: q_leave, text: I often think about leaving., dimension: stay, reverse: true}
outcome: q_clear
indices:
  - {id: engagement, label: Engagement, items: [q_clear, q_leave]}
import:
  respondent_id: ID
"""

#: one mistake each: (old text, new text, what the message must say)
MISTAKES = {
    "typo in reverse": (
        "reverse: true}",
        "revers: true}",
        [
            "items[2] (q_leave): unknown key 'revers'",
            "did you mean 'reverse'?",
            "known keys: id, text, dimension, reverse, scale",
        ],
    ),
    "points in words": (
        "points: 5",
        "points: five",
        ["scale.points: 'five' is not a whole number"],
    ),
    "unquoted No/Yes labels": (
        "labels: [Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree]",
        "labels: [No, Maybe, Neither, Probably, Yes]",
        ["scale.labels[1]: read as false", 'quote "No" and "Yes" in the instrument'],
    ),
    "item without dimension": (
        "dimension: clarity}",
        "}",
        ["items[1] (q_clear): missing key 'dimension'"],
    ),
    "unknown dimension": (
        "dimension: clarity}",
        "dimension: clarty}",
        ["items[1] (q_clear).dimension: 'clarty' is not a listed dimension"],
    ),
    "outcome not an item": (
        "outcome: q_clear",
        "outcome: q_clr",
        ["outcome: 'q_clr' is not an item"],
    ),
    "index member not an item": (
        "items: [q_clear, q_leave]",
        "items: [q_clear, q_gone]",
        ["indices[1] (engagement).items: 'q_gone' is not an item"],
    ),
    "reverse list names no item": (
        "outcome: q_clear",
        "outcome: q_clear\nreverse: [q_lave]",
        ["reverse: 'q_lave' is not an item", "did you mean 'q_leave'?"],
    ),
    "unknown top-level key": (
        "outcome: q_clear",
        "outcom: q_clear",
        ["unknown top-level key 'outcom'"],
    ),
    "unknown import key": (
        "  respondent_id: ID",
        "  respondant_id: ID",
        ["import: unknown key 'respondant_id'"],
    ),
    "unknown format": (
        "  respondent_id: ID",
        "  format: qualtrix",
        ["import.format: 'qualtrix' is not one of"],
    ),
    "item names a missing scale": (
        "dimension: clarity}",
        "dimension: clarity, scale: agree4}",
        ["items[1] (q_clear).scale: no scale named 'agree4'"],
    ),
    "favorable code outside the scale": (
        "favorable: [4, 5]",
        "favorable: [5, 6]",
        ["scale.favorable: code 6 is outside 1..5"],
    ),
    "too few labels": ("Agree, Strongly agree]", "Agree]", ["scale.labels: 4 labels for 5 points"]),
    "a label YAML reads as a date": (
        "favorable: [4, 5]",
        "favorable: [4, 5]\n  na_labels: [2020-01-01]",
        ["scale.na_labels[1]: expected text, got 2020-01-01", "quote it"],
    ),
    "No as a code in import.labels": (
        "  respondent_id: ID",
        "  respondent_id: ID\n  labels: {No: 1}",
        ["import.labels.false (a key): read as false", 'quote "No" and "Yes"'],
    ),
    "breakdown is not a group": (
        "outcome: q_clear",
        "outcome: q_clear\nbreakdowns: [gender]",
        ["breakdowns: 'gender' is not a group column"],
    ),
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pulse.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_base_instrument_is_valid(tmp_path):
    ins = load_instrument(_write(tmp_path, BASE))
    assert ins.items.set_index("id")["reverse"].to_dict() == {"q_clear": False, "q_leave": True}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_each_mistake_is_one_message_naming_file_and_key_path(tmp_path, case):
    old, new, expected = MISTAKES[case]
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(SurveyDataError) as err:
        load_instrument(path)
    text = str(err.value)
    for part in expected:
        assert part in text
    assert "nan" not in text.split()
    assert all(p.path == str(path.resolve()) for p in err.value.problems)
    per_line = 2 if case == "unquoted No/Yes labels" else 1  # No and Yes: one line each
    assert len(err.value.problems) == per_line, text


def test_reverse_list_flips_items(tmp_path):
    path = _write(
        tmp_path, BASE.replace("outcome: q_clear", "outcome: q_clear\nreverse: [q_clear]")
    )
    assert load_instrument(path).items["reverse"].tolist() == [True, True]


def test_an_edited_file_is_read_again(tmp_path):
    path = _write(tmp_path, BASE)
    assert load_instrument(path).title == "Staff pulse"
    path.write_text(BASE.replace("Staff pulse", "Staff pulse, spring"), encoding="utf-8")
    assert load_instrument(path).title == "Staff pulse, spring"


def test_validate_and_run_refuse_the_same_instrument_with_the_same_message(tmp_path, tiny):
    bad = _write(tmp_path, BASE.replace("reverse: true}", "revers: true}"))
    expected = "items[2] (q_leave): unknown key 'revers'"
    data = tmp_path / "tiny.csv"
    tiny.to_csv(data, index=False)
    res = CliRunner().invoke(app, ["validate", str(data), "--instrument", str(bad)])
    assert res.exit_code == 1 and expected in res.output
    params = write_params(
        tmp_path, instrument=str(bad), data=str(SAMPLE / "support_services.parquet")
    )
    run = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(params), "--jobs", "1", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert expected in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "run").exists()
