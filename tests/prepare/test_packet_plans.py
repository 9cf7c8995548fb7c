"""A packet's plans read back next round (``contracts.plans``, ``prepare.plans``): each row by the
survey its Survey column names, a single-survey run of one survey reading only its own rows of a
packet's workbooks, mixed folders, and every bad edit refused with one message naming the file,
row and column before anything is written. Round one is the sample's spring 2026 packet."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.packet import load_any
from districtsurvey.contracts.params import load_params
from districtsurvey.prepare.packet import prepare_any
from districtsurvey.prepare.run import prepare_run
from support import SAMPLE, packet_params, spring_packet, write_params

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spring(tmp_path_factory):
    return spring_packet(tmp_path_factory.mktemp("spring"))


def rows(book) -> list[dict]:
    ws = openpyxl.load_workbook(book)["Action plan"]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


def about(book) -> dict:
    ws = openpyxl.load_workbook(book)["About"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True)}


def test_the_packet_workbook_says_which_survey_each_row_is(spring):
    """Its About sheet names each survey's id and wave by the label in the Survey column."""
    info = about(spring / "action_plans" / "finance.xlsx")
    assert info["Survey id (Service)"] == "support_services"
    assert info["Survey id (Team)"] == "engagement"
    assert info["Wave (Service)"] == info["Wave (Team)"] == "2026-spring"
    # the packet's run, not its first survey's ("spring-support_services")
    assert info["Run"] == json.loads((spring / "cache" / "run.json").read_text())["name"]
    labels = {r["Survey"] for r in rows(spring / "action_plans" / "finance.xlsx")}
    assert labels <= {"Service", "Team"} and labels
    focus = pd.read_csv(spring / "focus_areas.csv")
    fin = focus[(focus["department"] == "Finance") & focus["chosen"]].sort_values("packet_rank")
    assert [
        (r["Survey"], r["Statement ID"]) for r in rows(spring / "action_plans" / "finance.xlsx")
    ] == list(zip(fin["survey"], fin["item"], strict=True))


def test_the_survey_columns_validation_lists_stay_on_their_columns(spring):
    """The Survey column is inserted after the workbook was made: the Status list and the
    number rules must still be on Status, % complete, the dates and the indicator months."""
    wb = openpyxl.load_workbook(spring / "action_plans" / "finance.xlsx")
    ws = wb["Action plan"]
    head = {c.value: c.column_letter for c in ws[1]}
    where = {dv.type: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert where["list"].startswith(f"{head['Status']}2")
    assert where["whole"].startswith(f"{head['% complete']}2")
    assert where["date"].startswith(f"{head['30-day check']}2")
    first = next(h for h in head if str(h).startswith("Indicator "))
    assert where["decimal"].startswith(f"{head[first]}2")


def test_a_single_survey_run_reads_only_its_own_rows_of_a_packet(spring, tmp_path):
    """Support services alone, pointed at the spring packet: its rows of each packet workbook
    are followed up, the engagement rows and the school's engagement workbook are named in
    warnings, and last round's focus is the packet's Service rows (not recomputed)."""
    params = load_params(
        write_params(tmp_path, departments=["Finance", "Transportation"], previous_run=str(spring))
    )
    run_dir = prepare_run(params)
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    plans = pd.read_parquet(run_dir / "cache" / "plans.parquet")
    follow = pd.read_parquet(run_dir / "cache" / "follow_up.parquet")
    focus = pd.read_csv(spring / "focus_areas.csv")
    for slug, name in (("finance", "Finance"), ("transportation", "Transportation")):
        mine = [
            r for r in rows(spring / "action_plans" / f"{slug}.xlsx") if r["Survey"] == "Service"
        ]
        assert sorted(plans[plans["department"] == name]["item"]) == sorted(
            r["Statement ID"] for r in mine
        )
        packet = focus[
            (focus["department"] == name) & (focus["survey"] == "Service") & focus["chosen"]
        ]
        assert sorted(follow[follow["department"] == name]["item"]) == sorted(packet["item"])
        team = sum(r["Survey"] == "Team" for r in rows(spring / "action_plans" / f"{slug}.xlsx"))
        said = [w for w in run["warnings"] if f"{slug}.xlsx" in w]
        assert bool(team) == any("engagement not followed up" in w for w in said), said
    assert any("central-high-school.xlsx: skipped" in w for w in run["warnings"])


def _copy(spring, tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(spring / "action_plans", plans)
    return plans


def _set(book, row: int, header: str, value) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Action plan"]
    head = [c.value for c in ws[1]]
    ws.cell(row=row, column=head.index(header) + 1).value = value
    wb.save(book)


def _refused(tmp_path, **extra) -> str:
    path = packet_params(tmp_path, **extra)
    with pytest.raises(SurveyDataError) as err:
        prepare_any(load_any(path), params_path=str(path))
    assert not (tmp_path / "run").exists(), "nothing is written before the plans are checked"
    return str(err.value)


def test_a_survey_value_that_names_no_survey_is_refused(spring, tmp_path):
    plans = _copy(spring, tmp_path)
    _set(plans / "finance.xlsx", 2, "Survey", "Climate")
    message = _refused(tmp_path, plans=str(plans))
    assert "finance.xlsx, sheet 'Action plan', row 2, column Survey" in message
    assert "'Climate' names no survey of this plan (it has Service, Team)" in message


def test_a_row_moved_to_the_other_survey_is_refused(spring, tmp_path):
    """An edited Survey cell: the row's statement is not one of the survey it now names."""
    plans = _copy(spring, tmp_path)
    book = plans / "finance.xlsx"
    r, row = next((i, r) for i, r in enumerate(rows(book), start=2))
    other = {"Service": "Team", "Team": "Service"}[row["Survey"]]
    _set(book, r, "Survey", other)
    message = _refused(tmp_path, plans=str(plans))
    assert f"finance.xlsx, sheet 'Action plan', row {r}, column Survey" in message
    assert f"'{row['Statement ID']}' is not a statement of the {other} survey" in message


def test_a_deleted_survey_column_is_refused(spring, tmp_path):
    plans = _copy(spring, tmp_path)
    wb = openpyxl.load_workbook(plans / "transportation.xlsx")
    ws = wb["Action plan"]
    ws.delete_cols([c.value for c in ws[1]].index("Survey") + 1)
    wb.save(plans / "transportation.xlsx")
    message = _refused(tmp_path, plans=str(plans))
    assert "transportation.xlsx, sheet 'Action plan', row 1, column Survey" not in message
    assert "column 'Survey' is missing" in message and "transportation.xlsx" in message


def test_a_packet_focus_file_naming_no_survey_is_refused(spring, tmp_path):
    last = tmp_path / "spring"
    shutil.copytree(spring, last)
    focus = pd.read_csv(last / "focus_areas.csv")
    focus.loc[0, "survey"] = "Climate"
    focus.to_csv(last / "focus_areas.csv", index=False)
    message = _refused(tmp_path, previous_run=str(last))
    assert "focus_areas.csv, row 2, column survey: 'Climate' names no survey" in message


def test_the_cli_says_it_in_one_message_and_exits_1(spring, tmp_path):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    plans = _copy(spring, tmp_path)
    _set(plans / "finance.xlsx", 2, "Survey", '=HYPERLINK("x")')
    result = CliRunner().invoke(app, ["run", str(packet_params(tmp_path, plans=str(plans)))])
    assert result.exit_code == 1, result.output
    assert "row 2, column Survey" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_a_folder_of_the_other_surveys_plans_alone_is_still_refused(tmp_path):
    """A block's plans: folder of the other survey's workbooks, read by no block of that survey:
    refused as in a single-survey run, never silently skipped."""
    path = packet_params(tmp_path, date="2026-11-22")
    import yaml

    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["surveys"][0]["plans"] = str(SAMPLE / "plans" / "engagement-2026-spring")
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    with pytest.raises(SurveyDataError) as err:
        prepare_any(load_any(path), params_path=str(path))
    assert "this plan is for the survey 'engagement', not 'support_services'" in str(err.value)
    assert not (tmp_path / "run").exists()
