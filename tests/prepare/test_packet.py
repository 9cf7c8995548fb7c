"""A packet prepared: departments matched across the surveys (exact name, then the mapping
file), a unit of one survey only, the focus list of at most three, and the errors that stop it."""

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from districtsurvey import SurveyDataError
from districtsurvey.contracts.packet import load_any
from districtsurvey.prepare.packet import match_units, prepare_any
from support import REPORT_DATE, SAMPLE


def test_exact_names_match_and_the_mapping_renames_first():
    m = pd.DataFrame({"survey": ["Team"], "department": ["IT Dept"], "packet": ["IT"]})
    names = {"Service": ["IT", "Payroll"], "Team": ["IT Dept", "Payroll", "Oak Elementary"]}
    units = {u["name"]: u["surveys"] for u in match_units(names, m)}
    assert units == {
        "IT": {"Service": "IT", "Team": "IT Dept"},
        "Oak Elementary": {"Team": "Oak Elementary"},
        "Payroll": {"Service": "Payroll", "Team": "Payroll"},
    }
    without = {u["name"]: u["surveys"] for u in match_units(names)}
    assert without["IT"] == {"Service": "IT"} and without["IT Dept"] == {"Team": "IT Dept"}


def test_two_departments_of_one_survey_cannot_become_one_unit():
    m = pd.DataFrame({"survey": ["Team"], "department": ["IT Dept"], "packet": ["IT"]})
    with pytest.raises(SurveyDataError, match="Team: 'IT' and 'IT Dept' both become 'IT'"):
        match_units({"Team": ["IT", "IT Dept"]}, m, where="map.csv")
    typo = pd.DataFrame({"survey": ["Team"], "department": ["IT Dpt"], "packet": ["IT"]})
    with pytest.raises(SurveyDataError, match="department_map names department.s. not in the"):
        match_units({"Team": ["IT Dept"]}, typo, where="map.csv")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Both surveys cut to a few units, the engagement survey calling IT 'IT Department'."""
    tmp = tmp_path_factory.mktemp("packet")
    ss = pd.read_parquet(SAMPLE / "support_services.parquet")
    ss = ss[ss["department"].isin(["Information Technology", "Payroll", "Finance"])]
    ee = pd.read_parquet(SAMPLE / "engagement.parquet")
    ee = ee[ee["department"].isin(["Information Technology", "Payroll", "Central High School"])]
    ee["department"] = (
        ee["department"].astype(str).replace({"Information Technology": "IT Department"})
    )
    ss.to_parquet(tmp / "ss.parquet")
    ee.to_parquet(tmp / "ee.parquet")
    (tmp / "map.csv").write_text(
        "survey,department,packet\nTeam,IT Department,Information Technology\n", encoding="utf-8"
    )
    return tmp


def packet_params(tmp, **overrides):
    params = {
        "name": "small",
        "surveys": [
            {
                "instrument": "support_services",
                "data": str(tmp / "ss.parquet"),
                "wave": "2026-fall",
            },
            {"instrument": "engagement", "data": str(tmp / "ee.parquet"), "wave": "2026-fall"},
        ],
        "department_map": str(tmp / "map.csv"),
        "report_date": REPORT_DATE,
        "output": str(tmp / "run"),
        **overrides,
    }
    path = tmp / "packet.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


def test_prepared_packet_units_and_focus(small):
    path = packet_params(small)
    run_dir = prepare_any(load_any(path), params_path=str(path))
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    units = {d["name"]: d for d in run["departments"]}
    assert sorted(units) == ["Central High School", "Finance", "Information Technology", "Payroll"]
    it = units["Information Technology"]
    assert it["surveys"] == {"Service": "Information Technology", "Team": "IT Department"}
    assert it["notebook"] == "packet_report"
    school = units["Central High School"]  # engagement only: its survey's own report
    assert school["notebook"] == "department_report"
    assert (school["run_dir"], school["department"]) == (
        "surveys/engagement",
        "Central High School",
    )
    assert units["Finance"]["run_dir"] == "surveys/support_services"
    focus = pd.read_parquet(run_dir / "cache" / "packet_focus.parquet")
    assert set(focus["department"]) <= {"Information Technology", "Payroll"}
    for _, part in focus.groupby("department"):
        assert part["chosen"].sum() <= 3
        assert part["packet_rank"].tolist() == list(range(1, len(part) + 1))
    it_focus = focus[focus["department"] == "Information Technology"]
    # the Team candidates of IT come from the engagement survey's 'IT Department'
    team = pd.read_parquet(run_dir / "surveys" / "engagement" / "cache" / "focus.parquet")
    team = team[(team["department"] == "IT Department") & (team["wave"] == "2026-fall")]
    assert set(it_focus.loc[it_focus["survey"] == "Team", "item"]) == set(team["item"])


def test_unknown_departments_and_only_are_refused_by_the_command(small):
    path = packet_params(small, departments=["Payroll", "Nowhere"], output=str(small / "bad"))
    done = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(path), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1
    assert "departments: not in any survey: Nowhere" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (small / "bad").exists()  # checked before anything is written
    path = packet_params(small, output=str(small / "bad"))
    done = subprocess.run(
        [sys.executable, "-m", "districtsurvey", "run", str(path), "--quiet", "--only", "Nowhere"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1 and "unknown department(s) 'Nowhere'" in done.stderr
    assert not (small / "bad").exists()


def test_a_single_survey_run_reads_a_mapped_units_plan_of_a_packet(small, tmp_path):
    """Last round was a packet that mapped the engagement survey's 'IT Department' to the
    packet's 'Information Technology' (map.csv): its workbook is the packet's, named and headed
    'Information Technology'. An engagement run alone this round, pointed at that packet, follows
    up the workbook's Team rows as 'IT Department' (its own name), not dropping them."""
    from districtsurvey.batch.packet import publish_packet
    from districtsurvey.contracts.params import load_params
    from districtsurvey.prepare.run import prepare_run
    from support import write_params

    doc = yaml.safe_load(packet_params(small).read_text(encoding="utf-8"))
    for block in doc["surveys"]:
        block.update(wave="2026-spring", compare_to="2025-fall")
    doc["output"] = str(tmp_path / "spring")
    spring = tmp_path / "spring.yml"
    spring.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    packet = prepare_any(load_any(spring), params_path=str(spring))
    publish_packet(packet)
    book = pd.read_excel(packet / "action_plans" / "information-technology.xlsx")
    team = book[book["Survey"] == "Team"]
    assert len(team), "the IT packet's plan has a Team row to follow up (the fixture's data)"

    params = load_params(
        write_params(
            tmp_path,
            instrument="engagement",
            data=str(small / "ee.parquet"),
            previous_run=str(packet),
            output=str(tmp_path / "fall"),
        )
    )
    run_dir = prepare_run(params)
    plans = pd.read_parquet(run_dir / "cache" / "plans.parquet")
    it = plans[plans["department"] == "IT Department"]
    assert sorted(it["item"]) == sorted(team["Statement ID"])
    assert "Information Technology" not in set(plans["department"])
