import json

import pandas as pd
import pytest

from districtsurvey.prepare.inputs import slugify
from districtsurvey.prepare.score import DISTRICT


def test_cache_tables_are_report_safe(prepared_run):
    cache = prepared_run / "cache"
    run = json.loads((cache / "run.json").read_text())
    assert run["waves"] == ["2025-fall", "2026-spring", "2026-fall"]
    assert run["compare_to"] == "2026-spring"
    assert len(run["departments"]) >= 25
    assert all(len(i["sha256"]) == 64 for i in run["inputs"])
    for name in ("items", "dimensions", "breakdowns", "respondents", "district_items"):
        t = pd.read_parquet(cache / f"{name}.parquet")
        assert "respondent_id" not in t.columns
        shown = t[~t["suppressed"]]
        assert (shown["n"] >= run["min_n"]).all(), name
        figures = [c for c in ("n", "pct_favorable", "response_rate") if c in t.columns]
        assert t.loc[t["suppressed"], figures].isna().all().all(), name
    # the sample has tiny groups, so something must be suppressed
    assert pd.read_parquet(cache / "breakdowns.parquet")["suppressed"].any()


def test_comments_have_no_ids_and_only_big_groups(prepared_run):
    cache = prepared_run / "cache"
    comments = pd.read_parquet(cache / "comments.parquet")
    resp = pd.read_parquet(cache / "respondents.parquet")
    assert "respondent_id" not in comments.columns
    big = resp.loc[resp["n"] >= 10, ["department", "wave"]]
    assert len(comments.merge(big, on=["department", "wave"])) == len(comments)
    assert not comments["text"].str.contains(r"@\w+\.", regex=True).any()


def test_district_row_and_response_rates(prepared_run):
    resp = pd.read_parquet(prepared_run / "cache" / "respondents.parquet")
    district = resp[(resp["department"] == DISTRICT) & (resp["wave"] == "2026-fall")].iloc[0]
    assert 1000 < district["n"] and 0 < district["response_rate"] <= 100
    # raters rate several departments: the district's invitations are its own row, never a sum
    assert district["invited"] == 4079


def test_district_response_rate_is_not_a_sum_of_overlapping_invitations(tiny):
    from districtsurvey.prepare.score import respondent_counts

    two = pd.concat([tiny, tiny.assign(department="Payroll")], ignore_index=True)  # same people
    heads = pd.DataFrame(
        {
            "survey": "support_services",
            "wave": "2026-fall",
            "department": ["Finance", "Payroll"],
            "invited": [10, 10],
        }
    )
    t = respondent_counts(two, heads, 5).set_index("department")
    assert t.loc["Finance", "response_rate"] == pytest.approx(60.0)  # 6 of 10
    assert pd.isna(t.loc["District", "response_rate"])  # 6 people, not 6 of 20
    with_row = pd.concat([heads, heads.iloc[[0]].assign(department="District", invited=8)])
    assert (
        respondent_counts(two, with_row, 5).set_index("department").loc["District", "response_rate"]
        == 75.0
    )


def test_slugify():
    assert slugify("Food & Nutrition Services") == "food-nutrition-services"


def test_params_can_point_at_a_raw_export(tmp_path):
    """A real export (IBM HR, fixture 14) read through the importer by the run itself."""
    import yaml

    from districtsurvey.prepare.run import prepare
    from support import FIXTURES, ROOT

    params = {
        "name": "ibm",
        "wave": "2026-fall",
        "instrument": str(ROOT / "tests" / "fixtures" / "import" / "ibm_hr.yml"),
        "data": [{"path": str(FIXTURES / "14_ibm_hr_attrition" / "data.csv"), "format": "auto"}],
        "output": str(tmp_path / "run"),
    }
    path = tmp_path / "ibm.yml"
    path.write_text(yaml.safe_dump(params))
    run_dir = prepare(path)
    items = pd.read_parquet(run_dir / "cache" / "items.parquet").set_index(["department", "item"])
    ref = pd.read_csv(FIXTURES / "14_ibm_hr_attrition" / "reference_computed.csv")
    ref = ref[ref["group_var"] == "Department"].set_index(["group", "item"])
    for (dept, item), row in ref.iterrows():
        got = items.loc[(dept, item)]
        assert got["n"] == row["n_valid"]
        assert got["mean"] == pytest.approx(row["mean"], abs=1e-6)
        assert got["pct_favorable"] == pytest.approx(row["pct_fav"], abs=1e-6)
