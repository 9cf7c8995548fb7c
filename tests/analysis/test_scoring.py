import numpy as np
import pandas as pd
import pytest

from districtsurvey import load_instrument
from districtsurvey.analysis.scoring import add_comparisons, distinct_counts
from districtsurvey.contracts.waves import sort_waves
from districtsurvey.prepare.score import score_dimensions, score_items


@pytest.fixture
def ins():
    return load_instrument("support_services")


def test_item_scores_hand_worked(tiny, ins):
    t = score_items(tiny, ins, by=["department"], min_n=5).set_index("item")
    # ss_timely_response: answers 5,4,4,3,2 -> n 5, mean 18/5 = 3.6,
    # sd = sqrt(((1.4)^2 + 0.4^2*2 + 0.6^2 + 1.6^2)/4) = sqrt(5.2/4) = 1.1402
    r = t.loc["ss_timely_response"]
    assert (r["n"], r["mean"], r["pct_favorable"], r["pct_neutral"], r["pct_unfavorable"]) == (
        5,
        pytest.approx(3.6),
        pytest.approx(60.0),
        pytest.approx(20.0),
        pytest.approx(20.0),
    )
    assert r["sd"] == pytest.approx(1.140175, abs=1e-6)
    # ss_overall_quality: 5,5,4,4,1,2 -> n 6, mean 21/6 = 3.5, fav 4/6, unfav 2/6
    o = t.loc["ss_overall_quality"]
    assert (o["n"], o["mean"]) == (6, pytest.approx(3.5))
    assert o["pct_favorable"] == pytest.approx(200 / 3)
    assert o["pct_unfavorable"] == pytest.approx(100 / 3)
    assert not t["suppressed"].any()


def test_small_groups_suppressed(tiny, ins):
    # by role: Teacher has 4 respondents (r0..r3), Principal 2 -> both below min_n 5
    t = score_items(tiny, ins, by=["department", "role"], min_n=5)
    assert t["suppressed"].all()
    assert t[["n", "mean", "pct_favorable"]].isna().all().all()
    # with min_n 3 teachers are shown (4 answers), principals (2) are not
    t3 = score_items(tiny, ins, by=["role"], min_n=3).set_index(["role", "item"])
    assert not t3.loc[("Teacher", "ss_overall_quality"), "suppressed"]
    assert t3.loc[("Principal", "ss_overall_quality"), "suppressed"]
    with pytest.raises(ValueError, match="at least 3"):
        score_items(tiny, ins, min_n=2)


def test_reverse_items_are_flipped():
    ins = load_instrument("engagement")
    rev = ins.items.loc[ins.items["reverse"], "id"].iloc[0]
    df = pd.DataFrame(
        {
            "respondent_id": list("abcde"),
            "department": ["X"] * 5,
            "item": [rev] * 5,
            "value": pd.array([1, 1, 2, 5, 4], dtype="Int8"),
        }
    )
    # flipped: 5,5,4,1,2 -> fav 3/5 = 60%, mean 17/5 = 3.4
    r = score_items(df, ins).iloc[0]
    assert r["pct_favorable"] == pytest.approx(60.0) and r["mean"] == pytest.approx(3.4)


def test_dimension_scores_pool_answers_and_count_respondents(tiny, ins):
    d = score_dimensions(tiny, ins, min_n=5).set_index("dimension")
    # timeliness has only ss_timely_response here: 5 answers from 5 respondents
    assert d.loc["timeliness", "n"] == 5 and d.loc["timeliness", "n_answers"] == 5
    assert d.loc["overall", "pct_favorable"] == pytest.approx(200 / 3)


def test_engagement_index_scored():
    from support import SAMPLE

    ins = load_instrument("engagement")
    df = pd.read_parquet(SAMPLE / "engagement.parquet")
    d = score_dimensions(df[df["wave"] == "2026-fall"], ins, by=["wave"])
    idx = d[d["kind"] == "index"]
    assert list(idx["dimension"]) == ["engagement_index"]
    assert 20 < idx["pct_favorable"].iloc[0] < 95


def test_comparisons_with_district_and_previous_wave(ins):
    rows = []
    for wave, values in (("2026-spring", [5, 5, 2, 2, 2]), ("2026-fall", [5, 5, 5, 2, 2])):
        for i, v in enumerate(values):
            rows.append(
                {
                    "respondent_id": f"{wave}{i}",
                    "wave": wave,
                    "department": "HR",
                    "item": "ss_overall_quality",
                    "value": v,
                }
            )
    df = pd.DataFrame(rows).astype({"value": "Int8"})
    per = score_items(df, ins, by=["department", "wave"])
    district = score_items(df, ins, by=["wave"])
    out = add_comparisons(per, district, on="item").set_index("wave")
    # spring 40% fav, fall 60% fav -> change +20 points; district = the department here
    assert out.loc["2026-fall", "change_pct_favorable"] == pytest.approx(20.0)
    assert out.loc["2026-fall", "prev_wave"] == "2026-spring"
    assert out.loc["2026-fall", "vs_district"] == pytest.approx(0.0)
    assert pd.isna(out.loc["2026-spring", "change_pct_favorable"])


def test_waves_sort_chronologically():
    assert sort_waves(["2026-fall", "2025-fall", "2026-spring", "2026-fall"]) == [
        "2025-fall",
        "2026-spring",
        "2026-fall",
    ]


@pytest.mark.parametrize("seed", range(5))
def test_distinct_counts_is_what_pandas_nunique_says(seed):
    # the oracle is pandas' own groupby nunique, on random groups with missing keys, repeated
    # numbers and one group of one row; text ids take the nunique path itself
    rng = np.random.default_rng(seed)
    n = 400
    df = pd.DataFrame(
        {
            "dept": rng.choice(["HR", "IT", "Finance", None], n),
            "wave": rng.choice(["2026-spring", "2026-fall"], n),
            "respondent_id": rng.integers(0, 60, n),
        }
    )
    df.loc[0, ["dept", "wave"]] = ["Payroll", "2025-fall"]
    df["dept"] = df["dept"].astype("category")
    for keys in (["dept"], ["wave"], ["dept", "wave"]):
        want = df.groupby(keys, observed=True)["respondent_id"].nunique()
        pd.testing.assert_series_equal(distinct_counts(df, keys, "respondent_id"), want)
        text = df.assign(respondent_id="r" + df["respondent_id"].astype(str))
        pd.testing.assert_series_equal(distinct_counts(text, keys, "respondent_id"), want)
