"""A blank group value is its own group, at import and at load, so that every later step (score,
a run's breakdowns, the explorer) counts it; the label is the instrument's ``missing:``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.contracts.validate import load_responses
from districtsurvey.importers import read_export

from .real import MINE

EXPORT = (
    "ID,Role,Gender,Goals are clear.,I have the tools I need.\n"
    "a1,Teacher,Female,Agree,Agree\n"
    "a2,,Male,Disagree,Agree\n"
    "a3,Teacher,,Strongly agree,Agree\n"
    "a4,,Female,Agree,Disagree\n"
    "a5,Principal,Male,Agree,Agree\n"
)


def _instrument(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "ins.yml"
    path.write_text((MINE / "quirks.yml").read_text() + extra, encoding="utf-8")
    return path


def _export(tmp_path: Path, text: str = EXPORT) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_blank_role_is_the_group_not_given_and_counted(tmp_path):
    r = read_export(_export(tmp_path), instrument=_instrument(tmp_path), wave="w", department="HR")
    roles = r.responses.drop_duplicates("respondent_id").set_index("respondent_id")["role"]
    assert roles.to_dict() == {
        "a1": "Teacher",
        "a2": "(not given)",
        "a3": "Teacher",
        "a4": "(not given)",
        "a5": "Principal",
    }
    assert r.summary.blank_groups == {"role": (2, "(not given)")}
    assert "blank role: 2 respondents, counted as the group '(not given)'" in str(r.summary)


def test_the_instrument_names_the_blank_group_and_declares_extra_groups(tmp_path):
    extra = (
        "  gender: Gender\ngroups:\n  role: {missing: Not specified}\n  gender: {label: Gender}\n"
    )
    path = _instrument(tmp_path, extra)
    r = read_export(_export(tmp_path), instrument=path, wave="w", department="HR")
    people = r.responses.drop_duplicates("respondent_id").set_index("respondent_id")
    assert people["role"].tolist().count("Not specified") == 2
    assert people.loc["a3", "gender"] == "(not given)" and people.loc["a1", "gender"] == "Female"
    assert list(r.responses.columns).index("gender") == list(r.responses.columns).index("site") + 1
    # the tidy file keeps the declared group column when loaded with the instrument
    out = tmp_path / "tidy.csv"
    r.responses.to_csv(out, index=False)
    back = load_responses(out, instrument=load_instrument(path))
    assert "gender" in back.columns and back["gender"].notna().all()


def test_a_blank_department_is_an_error_unless_the_instrument_names_it(tmp_path):
    text = (
        EXPORT.replace("ID,Role,", "ID,Team,")
        .replace("a2,,", "a2,Finance,")
        .replace("a1,Teacher", "a1,Finance")
    )
    spec = _instrument(tmp_path).read_text().replace("  role: Role\n", "  department: Team\n")
    ins = tmp_path / "dept.yml"
    ins.write_text(spec, encoding="utf-8")
    with pytest.raises(SurveyDataError) as err:
        read_export(_export(tmp_path, text), instrument=ins, wave="w")
    assert "answers have a blank department" in str(err.value)
    assert "groups: {department: {missing:" in str(err.value)
    ins.write_text(spec + 'groups:\n  department: {missing: "No team given"}\n', encoding="utf-8")
    r = read_export(_export(tmp_path, text), instrument=ins, wave="w")
    counts = r.responses.drop_duplicates("respondent_id")["department"].value_counts().to_dict()
    # the Team column as written, its one blank (a4) named as the instrument says
    expected = pd.read_csv(_export(tmp_path, text), dtype=str)["Team"].fillna("No team given")
    assert counts == expected.value_counts().to_dict()


def test_tidy_files_get_the_same_groups_and_an_unused_column_stays_blank(tmp_path, tiny):
    df = tiny.astype({"role": "string"}).copy()
    df.loc[df["respondent_id"] == "r0", "role"] = None
    df["site"] = None  # a survey that never asked for a site
    path = tmp_path / "tidy.csv"
    df.to_csv(path, index=False)
    out = load_responses(path, instrument=load_instrument("support_services"))
    assert set(out.loc[out["respondent_id"] == "r0", "role"]) == {"(not given)"}
    assert out["site"].isna().all()


def test_score_by_role_counts_the_blank_group(tmp_path):
    rows = [
        {"respondent_id": f"r{i}", "survey": "support_services", "wave": "2026-fall",
         "department": "Finance", "role": role, "item": "ss_overall_quality", "value": v}
        for i, (role, v) in enumerate(
            [("Teacher", 5)] * 4 + [("Principal", 4)] * 4 + [(None, 2), (None, 4), (None, 5)]
        )
    ]  # fmt: skip
    data = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(
        app,
        ["score", str(data), "--instrument", "support_services", "--by", "department,role"]
        + ["--min-n", "3", "-o", str(out)],
    )
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    blank = t[(t["role"] == "(not given)") & (t["item"] == "ss_overall_quality")].iloc[0]
    # three blank roles answered 2, 4, 5: n 3, 2 of 3 favorable
    assert blank["n"] == 3 and blank["pct_favorable"] == pytest.approx(200 / 3)


def test_a_runs_breakdowns_count_the_blank_group(tmp_path):
    from districtsurvey.prepare.score import score_run

    rows = [
        {"respondent_id": f"r{i}", "survey": "engagement", "wave": "2026-fall",
         "department": "Finance", "role": role, "site": "HQ", "item": "ee_recommend", "value": 4}
        for i, role in enumerate(["Teacher"] * 6 + [None] * 6)
    ]  # fmt: skip
    data = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    ins = load_instrument("engagement")
    tables = score_run(load_responses(data, instrument=ins), ins, min_n=5)
    b = tables["breakdowns"]
    assert "(not given)" in set(b.loc[b["by"] == "role", "group"])
