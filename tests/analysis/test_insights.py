"""Issue 6 rules with hand-worked numbers: intervals, significance, focus, follow-up, benchmarks."""

import pandas as pd
import pytest
import yaml

from districtsurvey import load_instrument
from districtsurvey.analysis.insights import (
    add_change_flags,
    add_intervals,
    benchmark_ranks,
    choose_focus,
    reliability,
    respondent_matrix,
)
from districtsurvey.prepare.run import prepare
from support import SAMPLE, write_params


def test_wilson_interval_column_hand_worked():
    # 8 favorable of 10, z = 1.96: centre (8 + 1.9208) / 13.8416 = 0.7168,
    # half-width 1.96 * sqrt(0.16*10 + 0.9604) / 13.8416 = 0.2265 -> 49.0% .. 94.3%
    t = add_intervals(
        pd.DataFrame({"n": [10], "pct_favorable": [80.0], "mean": [4.0], "sd": [1.0]})
    )
    assert (t["fav_low"].iloc[0], t["fav_high"].iloc[0]) == (
        pytest.approx(49.02, abs=0.01),
        pytest.approx(94.33, abs=0.01),
    )
    # mean 4.0, sd 1.0, n 10: t(9) = 2.262 -> 4.0 ± 2.262 * 1/sqrt(10) = 3.285 .. 4.715
    assert t["mean_low"].iloc[0] == pytest.approx(3.2846, abs=1e-3)


def test_change_flag_needs_significance_and_size():
    t = pd.DataFrame(
        {
            "pct_favorable": [60.0, 60.0, 52.0, None],
            "n": [400, 20, 4000, None],
            "prev_pct_favorable": [50.0, 40.0, 50.0, 50.0],
            "prev_n": [400, 20, 4000, 50],
            "change_pct_favorable": [10.0, 20.0, 2.0, None],
        }
    )
    out = add_change_flags(t)
    # row 0: pooled p = 0.55, se = sqrt(.55*.45*(2/400)) = 0.03518, z = 0.10/0.03518 = 2.84, p = .0045
    assert out["change_p"].iloc[0] == pytest.approx(0.0045, abs=3e-4)
    # row 1: 12/20 vs 8/20: z = 0.2 / sqrt(.25*.1) = 1.26, p = .21 -> n 20 is small: within noise
    # row 2: pooled .51, se = sqrt(.51*.49*2/4000) = .01118, z = 1.79, p = .07: not significant
    #        (and 2 points is below the 5-point threshold anyway); row 3 has no current figure
    assert list(out["change_flag"][:3]) == ["up", "within noise", "no change"]
    assert pd.isna(out["change_flag"].iloc[3])
    assert out["change_p"].iloc[2] == pytest.approx(0.073, abs=2e-3)


def test_focus_rule_picks_low_gap_times_importance():
    ins = load_instrument("support_services")
    items = pd.DataFrame(
        {
            "department": "HR",
            "item": [
                "ss_timely_response",
                "ss_access_reach",
                "ss_accuracy_correct",
                "ss_ops_resolve",
                "ss_overall_quality",
            ],
            "pct_favorable": [50.0, 55.0, 70.0, 40.0, 20.0],
            "district_pct_favorable": [70.0, 60.0, 65.0, 60.0, 60.0],
            "suppressed": [False, False, False, True, False],
        }
    )
    drivers = pd.DataFrame(
        {
            "department": "HR",
            "item": items["item"][:4],
            "r": [0.6, 0.5, 0.4, 0.6],
            "importance": [0.4, 0.3, 0.3, 0.0],
        }
    )
    # Issue 13 rule: candidates are below the district (or down significantly);
    # priority = (points below + points of a significant fall) * importance:
    #   timely 20 * .4 = 8.0; reach 5 * .3 = 1.5; accuracy (70 vs 65) is above the district.
    #   ops is suppressed, the outcome item is never a focus area.
    f = choose_focus(items, drivers, ins, max_focus=2)
    assert list(f["item"]) == ["ss_timely_response", "ss_access_reach"]
    assert list(f["priority"]) == [pytest.approx(8.0), pytest.approx(1.5)]
    assert list(f["rank"]) == [1, 2]
    assert "20 points below the district" in f["reason"].iloc[0]


def test_reliability_matches_pingouin():
    import pingouin as pg

    ins = load_instrument("support_services")
    df = pd.read_parquet(SAMPLE / "support_services.parquet")
    wide = respondent_matrix(df[df["wave"] == "2026-fall"], ins)
    got = reliability(wide, ins).set_index("dimension")
    cols = list(ins.items.loc[ins.items["dimension"] == "timeliness", "id"])
    expected, _ = pg.cronbach_alpha(data=wide[cols], nan_policy="listwise")
    assert got.loc["timeliness", "alpha"] == pytest.approx(expected, abs=1e-9)


def test_benchmark_percentile_rank_interpolates():
    b = pd.DataFrame(
        {"survey": "s", "item": "a", "percentile": [10, 50, 90], "mean": [3.0, 3.6, 4.2]}
    )
    out = benchmark_ranks(
        pd.DataFrame({"item": ["a", "a", "a"], "mean": [3.3, 5.0, None]}), b, survey="s"
    )
    # an older file of means: 3.3 is half-way between 3.0 (p10) and 3.6 (p50) -> 30;
    # above the top point it is "above the 90th", not "90"
    assert out["percentile_rank"].tolist()[:2] == [pytest.approx(30.0), 90.0]
    assert out["rank_bound"].tolist() == ["", "above", ""]
    assert pd.isna(out["percentile_rank"].iloc[2])


def test_benchmark_percentiles_of_pct_favorable_with_honest_bounds():
    b = pd.DataFrame(
        {"survey": "s", "item": "a", "percentile": [5, 50, 95], "pct_favorable": [40.0, 60.0, 80.0]}
    )
    items = pd.DataFrame({"item": ["a"] * 4, "pct_favorable": [49.6, 85.0, 30.0, 80.4]})
    out = benchmark_ranks(items, b, survey="s")
    # the whole numbers shown are compared: 50 is half-way from 40 (p5) to 60 (p50) -> 27.5;
    # 85 is above the top point (95th), 30 below the bottom (5th); 80.4 shows as 80 = the 95th
    assert out["percentile_rank"].tolist() == [pytest.approx(27.5), 95.0, 5.0, 95.0]
    assert out["rank_bound"].tolist() == ["", "above", "below", ""]
    assert set(out["benchmark_basis"]) == {"pct_favorable"}


def test_the_sample_benchmarks_are_pct_favorable_percentiles():
    for survey in ("support_services", "engagement"):
        b = pd.read_csv(SAMPLE / f"{survey}_benchmarks.csv")
        assert list(b.columns) == ["survey", "item", "percentile", "pct_favorable", "source", "n"]
        assert b["pct_favorable"].between(0, 100).all()
        # percentiles rise with the share, item by item
        for _, part in b.groupby("item"):
            assert part.sort_values("percentile")["pct_favorable"].is_monotonic_increasing


def test_follow_up_carries_last_runs_focus_into_the_next(tmp_path):
    spring = tmp_path / "spring"
    spring.mkdir()
    first = prepare(
        write_params(spring, wave="2026-spring", compare_to=None, departments=["Payroll"])
    )
    chosen = pd.read_csv(first / "focus_areas.csv")
    payroll = chosen[chosen["department"] == "Payroll"]
    assert 1 <= len(payroll) <= 3 and set(chosen["wave"]) == {"2026-spring"}
    # a leader edits the file to keep only the first focus area; the next run follows that up
    payroll.head(1).to_csv(first / "focus_areas.csv", index=False)
    fall = tmp_path / "fall"
    fall.mkdir()
    params = write_params(fall, departments=["Payroll"], previous_run=str(first))
    second = prepare(params)
    follow = pd.read_parquet(second / "cache" / "follow_up.parquet")
    assert follow["item"].tolist() == payroll["item"].head(1).tolist()
    items = pd.read_parquet(second / "cache" / "items.parquet")
    now = items[(items["department"] == "Payroll") & (items["wave"] == "2026-fall")].set_index(
        "item"
    )
    row = follow.iloc[0]
    assert row["pct_favorable"] == pytest.approx(now.loc[row["item"], "pct_favorable"])
    assert row["change_pct_favorable"] == pytest.approx(
        now.loc[row["item"], "change_pct_favorable"]
    )
    assert yaml.safe_load(params.read_text())["previous_run"] == str(first)


def test_focus_never_exceeds_max_and_district_has_its_own(prepared_run):
    focus = pd.read_parquet(prepared_run / "cache" / "focus.parquet")
    assert focus.groupby("department").size().max() <= 3
    assert "District" in set(focus["department"])
