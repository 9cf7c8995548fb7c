"""Importers: real exports from ../shared/fixtures against their reference figures, own quirk files,
and the bad-input list of issue 3 (each a clear SurveyDataError)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from districtsurvey.errors import SurveyDataError
from districtsurvey.importers import detect_format, read_export, write_tidy
from districtsurvey.instrument import load_instrument

HERE = Path(__file__).resolve().parent
MINE = HERE / "fixtures" / "import"
REAL = HERE.parents[1] / "shared" / "fixtures"  # CI clones the repo with shared/ beside it
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/fixtures not present")


def figures(df: pd.DataFrame, by: list[str], favorable) -> pd.DataFrame:
    """n, mean and percent favorable per group and item, straight from tidy rows."""
    ok = df[df["value"].notna()].assign(v=lambda d: d["value"].astype(float))
    ok["fav"] = ok["v"].isin(favorable) * 100.0
    return ok.groupby(by + ["item"])[["v", "fav"]].agg(["count", "mean"]).pipe(
        lambda t: pd.DataFrame({"n": t[("v", "count")], "mean": t[("v", "mean")],
                                "pct_fav": t[("fav", "mean")]}))


def assert_matches(ours: pd.DataFrame, ref: pd.DataFrame, keys: list[str]) -> None:
    """Reference columns n_valid, mean, pct_fav (rounded to 6 dp) against ours."""
    ref = ref.set_index(keys)
    got = ours.reindex(ref.index)
    assert got["n"].tolist() == ref["n_valid"].tolist()
    assert got["mean"].tolist() == pytest.approx(ref["mean"].tolist(), abs=1e-5)
    assert got["pct_fav"].tolist() == pytest.approx(ref["pct_fav"].tolist(), abs=1e-5)


def imported(path: Path, instrument: str, **kw):
    result = read_export(path, instrument=MINE / f"{instrument}.yml", **kw)
    return result


# -- real exports ------------------------------------------------------------------------------
@needs_real
@pytest.mark.parametrize("name", ["original/No_Basis_for_Evaluation (Insights).csv",
                                  "original/No_Basis_for_Evaluation (Legacy).csv",
                                  "data_no_basis_insights_flat.csv", "data_no_basis_legacy_flat.csv"])
def test_qualtrics_no_basis_matrix_matches_reference(name):
    # reference_computed_no_basis_matrix.csv: 1 = Like is favourable; -1/-2 recodes are missing
    folder = REAL / "02_qualtrics_QualtricsTools_samples"
    r = imported(folder / name, "qualtrics_no_basis", wave="w", department="d")
    assert r.summary.format == "qualtrics"
    ref = pd.read_csv(folder / "reference_computed_no_basis_matrix.csv").rename(
        columns={"n_valid_1to3": "n_valid", "mean_1to3_excluding_negative_codes": "mean",
                 "pct_like_of_valid": "pct_fav"})
    ours = figures(r.responses, [], favorable=[1]).reset_index()
    assert_matches(ours.set_index("item"), ref, ["item"])
    negatives = ref["n_code_-1_no_opinion"].sum() + ref["n_code_-2_never_tried"].sum()
    assert r.summary.answers_na == negatives == 44


@needs_real
@pytest.mark.parametrize("name", ["original/sample.csv", "original/sample_legacy.csv",
                                  "data_sample_flat.csv", "data_sample_legacy_flat.csv"])
def test_qualtrics_sample_current_legacy_and_flat(name):
    # one response: Q1 = 2, Q2 = "Hello World!" (German text row, BOM in the legacy file)
    r = imported(REAL / "01_qualtrics_qualtRics_samples" / name, "qualtrics_sample",
                 wave="w", department="d")
    assert r.summary.format == "qualtrics"
    assert r.responses[["respondent_id", "item", "value"]].values.tolist() == [
        ["R_2YPOQ602ER1jkf1", "q1", 2]]
    assert r.comments["text"].tolist() == ["Hello World!"]


@needs_real
@pytest.mark.parametrize("name", ["original/TACC_Demographics_Results.csv", "data_flat.csv"])
def test_tacc_team_counts_match_reference(name):
    # no Likert items: gender read as a 2-point item (1 Female, 2 Male), team = department
    folder = REAL / "04_qualtrics_legacy_tacc_teams"
    r = imported(folder / name, "tacc_teams", wave="2015")
    ref = pd.read_csv(folder / "reference_computed_team_counts.csv").set_index("team")
    df = r.responses
    counts = pd.crosstab(df["department"], df["value"]).rename(columns={1: "Female", 2: "Male"})
    counts["n"] = df.groupby("department")["respondent_id"].nunique()
    assert counts.loc[ref.index, ["n", "Female", "Male"]].values.tolist() == ref[
        ["n", "Female", "Male"]].values.tolist()
    assert r.summary.respondents == 117 and r.summary.departments == 23


@needs_real
@pytest.mark.parametrize("name", ["original/Autistica_Turing Citizen Science Platform "
                                  "(Responses) - Form Responses 1(3).csv", "data_flat.csv"])
def test_googleforms_multiselect_counts_match_reference(name):
    # each Q2 option is a yes/no item (2 = chosen); n = respondents answering Q2 (42)
    folder = REAL / "06_googleforms_autistica"
    r = imported(folder / name, "googleforms_autistica", wave="w", department="d")
    assert r.summary.format == "googleforms"
    ins = load_instrument(MINE / "googleforms_autistica.yml")
    option = dict(ins.item_match[i]["option"] for i in [] ) or {
        ins.item_match[i]["option"]: i for i in ins.item_match if "option" in ins.item_match[i]}
    ref = pd.read_csv(folder / "reference_computed_q2_multiselect.csv")
    ours = figures(r.responses, [], favorable=[2])
    for row in ref.itertuples():
        got = ours.loc[option[row.option]]
        assert got["n"] == 42
        assert round(got["n"] * got["pct_fav"] / 100) == row.n_respondents_selecting
        assert got["pct_fav"] == pytest.approx(row.pct_of_answering)
    assert len(r.comments) > 0 and r.comments["text"].str.contains("\n").any()  # embedded newlines


@needs_real
@pytest.mark.parametrize("name", ["original/survey_184695_R_data_file.csv", "data.csv"])
def test_limesurvey_matches_reference_by_gender_and_education(name):
    # BOM, question texts (original) or codes (data.csv); AO codes decoded with the codebook
    folder = REAL / "07_limesurvey_scicompod"
    r = imported(folder / name, "limesurvey_scicompod", wave="2022", department="all")
    assert r.summary.format == "limesurvey"
    ref = pd.read_csv(folder / "reference_computed.csv")
    df = r.responses.assign(all="__ALL__")
    for var, col in [("__ALL__", "all"), ("gender_label", "role"), ("education_label", "site")]:
        part = ref[(ref["group_var"] == var) & (ref["group"] != "__MISSING__")]
        ours = figures(df, [col], favorable=[4, 5])
        ours.index.names = ["group", "item"]
        assert_matches(ours, part, ["group", "item"])


@needs_real
def test_likert_gap_offices_blocks_match_reference():
    # one block of columns per office -> one department per block
    folder = REAL / "12_likert_gap_offices"
    r = imported(folder / "data_wide.csv", "gap_offices", wave="w")
    assert r.summary.format == "csv" and r.summary.departments == 5
    ref = pd.read_csv(folder / "reference_computed.csv")
    ours = figures(r.responses, ["department"], favorable=[6, 7])
    ours.index.names = ["group", "item"]
    assert_matches(ours, ref[ref["group_var"] == "office"], ["group", "item"])
    assert_matches(figures(r.responses, [], favorable=[6, 7]).rename_axis("item"),
                   ref[ref["group_var"] == "__ALL__"], ["item"])


@needs_real
@pytest.mark.parametrize("name", ["original/WA_Fn-UseC_-HR-Employee-Attrition.csv", "data.csv"])
def test_ibm_hr_matches_reference_by_department_role_and_both(name):
    folder = REAL / "14_ibm_hr_attrition"
    r = imported(folder / name, "ibm_hr", wave="w")
    ref = pd.read_csv(folder / "reference_computed.csv")
    for var, col in [("Department", "department"), ("JobRole", "role")]:
        ours = figures(r.responses, [col], favorable=[3, 4])
        ours.index.names = ["group", "item"]
        assert_matches(ours, ref[ref["group_var"] == var], ["group", "item"])
    both = pd.read_csv(folder / "reference_computed_dept_x_role.csv")
    df = r.responses.assign(group=r.responses["department"] + " / " + r.responses["role"])
    assert_matches(figures(df, ["group"], favorable=[3, 4]), both, ["group", "item"])


@needs_real
def test_fevs_three_waves_match_reference():
    # Response.ID restarts every wave: the id joins FY and Response.ID; wave = FY
    folder = REAL / "16_fevs_classroom_sample_3waves"
    r = imported(folder / "data.csv", "fevs_3waves")
    assert r.summary.respondents == 7711
    ref = pd.read_csv(folder / "reference_computed.csv", dtype={"group": str})
    ours = figures(r.responses, ["wave"], favorable=[4, 5])
    ours.index.names = ["group", "item"]
    assert_matches(ours, ref[ref["group_var"] == "FY"], ["group", "item"])


@needs_real
@pytest.mark.slow
def test_fevs_workbook_picks_the_data_sheet():
    folder = REAL / "16_fevs_classroom_sample_3waves"
    r = imported(folder / "original" / "fevs_sample_data_3FYs_DataSet_1.xlsx", "fevs_3waves")
    assert r.summary.format == "excel" and r.summary.respondents == 7711
    csv = imported(folder / "data.csv", "fevs_3waves").responses
    pd.testing.assert_frame_equal(r.responses, csv)


@needs_real
@pytest.mark.parametrize(("name", "instrument", "expected"), [
    # expected counts from *__labels_user_missing_as_NaN.csv beside each .sav
    ("pyreadstat_ordered_category", "spss_ordered", {1: 2, 2: 1, 3: 1}),  # 2 low, medium, high
    ("pyreadstat_sample_missing", "spss_sample_missing", {1: 3, 2: 1, 3: 1}),  # -1, -3 missing
    ("haven_labelled-str", "spss_labelled", {1: 1, 2: 1}),  # F, M
    ("haven_umlauts", "spss_labelled", {1: 2, 2: 1, 3: 1}),  # ä ü ä ö
    ("haven_labelled-num-na", "spss_labelled", {1: 1}),  # 9 is user-missing
    ("pyreadstat_missing_test", "spss_labelled", {2: 1}),  # 1 is user-missing
])
def test_spss_value_labels_and_user_missing(name, instrument, expected):
    folder = REAL / "08_spss_sav_fixtures"
    path = folder / "original" / f"{name}.sav"
    assert detect_format(path) == "spss"
    r = imported(path, instrument, wave="w", department="d")
    assert r.responses["value"].value_counts().to_dict() == expected
    labelled = pd.read_csv(folder / f"{name}__labels_user_missing_as_NaN.csv")
    assert r.summary.answers == int(labelled.iloc[:, -1 if name != "pyreadstat_sample_missing"
                                                  else 5].notna().sum())


@needs_real
def test_spss_roles_from_value_labels():
    r = imported(REAL / "08_spss_sav_fixtures/original/pyreadstat_sample_missing.sav",
                 "spss_sample_missing", wave="w", department="d")
    assert r.responses["role"].tolist() == ["Male", "Female", "Male", "Female", "Male"]
    assert r.summary.rows_dropped == {"no answer to any mapped item": 2}


@needs_real
def test_spss_unlabelled_code_outside_scale_is_an_error():
    with pytest.raises(SurveyDataError) as err:
        imported(REAL / "08_spss_sav_fixtures/original/pyreadstat_simple_alltypes.sav",
                 "spss_alltypes", wave="w", department="d")
    assert "value out of the scale 1..3: '4'" in str(err.value) and "column x" in str(err.value)
