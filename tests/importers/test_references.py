"""Every figure of every ``reference_computed*.csv`` in shared/fixtures, recomputed naively from
what the importer produced (tidy rows and the choices table) with the fixtures' convention: top-2
favorable, codes 1-2 unfavorable, neutral the rest, sample SD. The test counts what it compared
and fails on any difference; blank groups (``__MISSING__``) are the importer's "(not given)".
9,170 figures in all (07: 1,456 per export x 2; 14: 1,950; 12: 171; 16: 3,793; 02/04/06: 344)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from districtsurvey.importers import read_export

from .real import MINE, REAL, needs_real

FIGURES = ["n_valid", "mean", "sd", "pct_fav", "pct_unfav", "pct_neutral"]
MISSING = "(not given)"


def naive(tidy: pd.DataFrame, by: str, points: int) -> pd.DataFrame:
    """The reference convention, from tidy rows (blank values are not answers)."""
    ok = tidy.dropna(subset=["value"]).assign(v=lambda d: d["value"].astype(float))
    rows = []
    for (group, item), v in ok.groupby([by, "item"])["v"]:
        fav = 100 * v.isin([points - 1, points]).mean()
        unfav = 100 * v.isin([1, 2]).mean()
        row = {"group": group, "item": item, "n_valid": len(v), "mean": v.mean(), "sd": v.std()}
        row |= {"pct_fav": fav, "pct_unfav": unfav, "pct_neutral": 100 - fav - unfav}
        row |= {f"count_{c}": int((v == c).sum()) for c in range(1, points + 1)}
        rows.append(row)
    return pd.DataFrame(rows).set_index(["group", "item"])


def compare(ours: pd.DataFrame, ref: pd.DataFrame) -> int:
    """Figures compared (each must match); a reference group with no valid answers must have
    no rows in ours."""
    ref = ref.assign(group=ref["group"].astype(str).replace("__MISSING__", MISSING))
    n = 0
    for row in ref.itertuples():
        key = (row.group, row.item)
        cols = [c for c in [*FIGURES, *(c for c in ref.columns if c.startswith("count_"))]]
        if row.n_valid == 0:
            assert key not in ours.index
            n += 1
            continue
        got = ours.loc[key]
        for c in cols:
            want = getattr(row, c)
            if pd.isna(want):
                continue
            assert got[c] == pytest.approx(want, abs=1e-5), (key, c)
            n += 1
    return n


def imported(path, instrument, **kw):
    return read_export(path, instrument=MINE / f"{instrument}.yml", **kw).responses


@needs_real
def test_limesurvey_every_group_including_the_blank_one():
    folder = REAL / "07_limesurvey_scicompod"
    ref = pd.read_csv(folder / "reference_computed.csv")
    for name in ("data.csv", "original/survey_184695_R_data_file.csv"):
        tidy = imported(folder / name, "limesurvey_scicompod", wave="2022", department="all")
        tidy = tidy.assign(all="__ALL__")
        n = 0
        for var, col in [("__ALL__", "all"), ("gender_label", "role"), ("education_label", "site"), ("G03Q1", "consent")]:  # fmt: skip
            n += compare(naive(tidy, col, 5), ref[ref["group_var"] == var])
        # 13 items x 13 groups: 39 blank-group rows with no answers, 130 rows of 6 figures and 5
        # counts (13 SDs of single answers are empty in the reference)
        assert n == 39 + 130 * 11 - 13


@needs_real
def test_ibm_hr_every_group_column_as_a_declared_group():
    folder = REAL / "14_ibm_hr_attrition"
    tidy = imported(folder / "data.csv", "ibm_hr_mixed", wave="w").assign(all="__ALL__")
    tidy = tidy[tidy["item"] != "Education"]  # not in the reference
    ref = pd.read_csv(folder / "reference_computed.csv")
    columns = {"__ALL__": "all", "Department": "department", "JobRole": "role", "Gender": "gender",
               "EducationField": "education_field", "Attrition": "attrition",
               "BusinessTravel": "business_travel", "OverTime": "over_time"}  # fmt: skip
    n = sum(
        compare(naive(tidy, col, 4), ref[ref["group_var"] == var]) for var, col in columns.items()
    )
    both = pd.read_csv(folder / "reference_computed_dept_x_role.csv")
    tidy = tidy.assign(pair=tidy["department"] + " / " + tidy["role"])
    n += compare(naive(tidy, "pair", 4), both)
    assert set(ref["group_var"]) == set(columns)
    assert n == (140 + 55) * 10  # 5 items x 28 groups, 55 department x role rows; 10 figures each


@needs_real
def test_gap_offices_per_office_and_the_importance_gap():
    folder = REAL / "12_likert_gap_offices"
    tidy = imported(folder / "data_wide.csv", "gap_offices", wave="w").assign(all="__ALL__")
    ref = pd.read_csv(folder / "reference_computed.csv")
    n = compare(naive(tidy, "all", 7), ref[ref["group_var"] == "__ALL__"])
    n += compare(naive(tidy, "department", 7), ref[ref["group_var"] == "office"])
    gap = pd.read_csv(folder / "reference_computed_gap.csv").set_index("office")
    means = tidy.dropna(subset=["value"]).astype({"value": float})
    means = means.groupby(["department", "item"])["value"].mean().unstack()
    for office, row in gap.iterrows():
        for col in ("importance", "satisfaction"):
            assert means.loc[office, col] == pytest.approx(row[col], abs=1e-5)
        diff = means.loc[office, "importance"] - means.loc[office, "satisfaction"]
        assert diff == pytest.approx(row["gap_importance_minus_satisfaction"], abs=1e-5)
        n += 3
    assert n == 12 * 13 + 5 * 3  # 2 items x 6 groups, 13 figures each; the gap file


@needs_real
def test_fevs_by_fiscal_year_trend_and_subindex():
    folder = REAL / "16_fevs_classroom_sample_3waves"
    tidy = imported(folder / "data.csv", "fevs_3waves").assign(all="__ALL__")
    ref = pd.read_csv(folder / "reference_computed.csv", dtype={"group": str})
    n = compare(naive(tidy, "all", 5), ref[ref["group_var"] == "__ALL__"])
    n += compare(naive(tidy, "wave", 5), ref[ref["group_var"] == "FY"])
    fav = naive(tidy, "wave", 5)["pct_fav"].unstack("group")  # item x FY
    trend = pd.read_csv(folder / "reference_computed_trend.csv").set_index("item")
    for item, row in trend.iterrows():
        for fy in ("2023", "2024", "2025"):
            assert fav.loc[item, fy] == pytest.approx(row[f"pct_fav_FY{fy}"], abs=1e-5)
        assert fav.loc[item, "2024"] - fav.loc[item, "2023"] == pytest.approx(row["change_2024_vs_2023_pp"], abs=1e-5)  # fmt: skip
        assert fav.loc[item, "2025"] - fav.loc[item, "2024"] == pytest.approx(row["change_2025_vs_2024_pp"], abs=1e-5)  # fmt: skip
        n += 5
    sub = pd.read_csv(folder / "reference_computed_subindex.csv", dtype={"FY": str})
    for row in sub.itertuples():
        members = row.items.split()
        assert np.mean([fav.loc[i, row.FY] for i in members]) == pytest.approx(row.mean_item_pct_fav, abs=1e-5)  # fmt: skip
        n += 1
    assert n == 76 * 4 * 11 + 76 * 5 + len(sub)  # by FY and overall; the trend; the sub-indices


@needs_real
def test_no_basis_tacc_and_autistica():
    n = 0
    folder = REAL / "02_qualtrics_QualtricsTools_samples"
    ref = pd.read_csv(folder / "reference_computed_no_basis_matrix.csv").set_index("item")
    for name in ("original/No_Basis_for_Evaluation (Insights).csv", "original/No_Basis_for_Evaluation (Legacy).csv", "data_no_basis_insights_flat.csv", "data_no_basis_legacy_flat.csv"):  # fmt: skip
        ok = imported(folder / name, "qualtrics_no_basis", wave="w", department="d")
        ok = ok.dropna(subset=["value"]).astype({"value": int})
        for item, row in ref.iterrows():
            v = ok.loc[ok["item"] == item, "value"]
            got = [
                len(v),
                *(int((v == c).sum()) for c in (1, 2, 3)),
                100 * (v == 1).mean(),
                v.mean(),
            ]
            want = [row["n_valid_1to3"], row["count_1_like"], row["count_2_neither"], row["count_3_dislike"], row["pct_like_of_valid"], row["mean_1to3_excluding_negative_codes"]]  # fmt: skip
            assert got == pytest.approx(want, abs=1e-5), item
            n += len(want)
    folder = REAL / "04_qualtrics_legacy_tacc_teams"
    teams = pd.read_csv(folder / "reference_computed_team_counts.csv").set_index("team")
    for name in ("original/TACC_Demographics_Results.csv", "data_flat.csv"):
        tidy = imported(folder / name, "tacc_teams", wave="2015")
        for team, row in teams.iterrows():
            v = tidy.loc[tidy["department"] == team, "value"]
            assert [len(v), (v == 1).sum(), (v == 2).sum()] == [
                row["n"],
                row["Female"],
                row["Male"],
            ]
            n += 3
    folder = REAL / "06_googleforms_autistica"
    multi = pd.read_csv(folder / "reference_computed_q2_multiselect.csv")
    tidy = imported(folder / "data_flat.csv", "googleforms_autistica", wave="w", department="d")
    from districtsurvey.contracts.instrument import load_instrument

    option = {m["option"]: i for i, m in load_instrument(MINE / "googleforms_autistica.yml").item_match.items() if "option" in m}  # fmt: skip
    for row in multi.itertuples():
        v = tidy.loc[tidy["item"] == option[row.option], "value"].dropna()
        assert [(v == 2).sum(), 100 * (v == 2).mean()] == pytest.approx([row.n_respondents_selecting, row.pct_of_answering])  # fmt: skip
        n += 2
    assert n == 4 * 8 * 6 + 2 * 23 * 3 + 7 * 2  # No_Basis x4 exports, TACC x2, Autistica
