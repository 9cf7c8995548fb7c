"""Tests for districtsurvey.stats: each expected number says where it came from."""

import math

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats as st

from districtsurvey.analysis.stats import (
    biggest_gains,
    compare_means,
    compare_proportions,
    cronbach_alpha,
    flag_change,
    flag_changes,
    focus_areas,
    key_drivers,
    mean_interval,
    strengths,
    wilson_interval,
)

# --- Wilson interval ---------------------------------------------------------


def test_wilson_8_of_10_by_hand():
    # z = 1.959964, z² = 3.841459, p = 0.8, n = 10
    # denom  = 1 + z²/n                    = 1.3841459
    # centre = (p + z²/(2n)) / denom       = (0.8 + 0.1920729) / 1.3841459 = 0.716741
    # half   = z/denom · √(p(1-p)/n + z²/(4n²))
    #        = 1.416013 · √(0.016 + 0.0096037) = 1.416013 · 0.160011 = 0.226578
    # → (0.490163, 0.943319) → 49.02 % to 94.33 %
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(49.016, abs=0.01)
    assert hi == pytest.approx(94.332, abs=0.01)
    assert isinstance(lo, float)


@pytest.mark.parametrize("k,n", [(8, 10), (0, 10), (10, 10), (1, 3), (37, 52), (250, 1000)])
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_wilson_matches_scipy(k, n, confidence):
    ci = st.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    lo, hi = wilson_interval(k, n, confidence=confidence)
    assert lo == pytest.approx(ci.low * 100, abs=1e-9)
    assert hi == pytest.approx(ci.high * 100, abs=1e-9)


def test_wilson_zero_successes_by_hand():
    # p = 0: centre = half = (z²/20)/1.3841459 = 0.138767 → (0 %, 27.75 %)
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12)
    assert hi == pytest.approx(27.753, abs=0.01)


def test_wilson_vectorised_and_empty_group():
    lo, hi = wilson_interval(pd.Series([8, 0, 3]), pd.Series([10, 0, 4]))
    assert lo.shape == hi.shape == (3,)
    assert lo[0] == pytest.approx(49.016, abs=0.01)
    assert math.isnan(lo[1]) and math.isnan(hi[1])  # n == 0 → NaN
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


# --- mean interval -----------------------------------------------------------


def test_mean_interval_by_hand():
    # mean 3.0, sd 1.0, n 4: t(0.975, df=3) = 3.182446 (t table: 3.182), se = 1/√4 = 0.5
    # half = 3.182446 · 0.5 = 1.591223 → (1.408777, 4.591223)
    lo, hi = mean_interval(3.0, 1.0, 4)
    assert (lo, hi) == pytest.approx((1.408777, 4.591223), abs=1e-6)
    assert (lo, hi) == pytest.approx(st.t.interval(0.95, 3, loc=3.0, scale=0.5))


def test_mean_interval_vectorised_small_n_is_nan():
    lo, hi = mean_interval(np.array([3.0, 4.0, 2.0]), np.array([1.0, 0.5, 1.0]), [4, 1, 0])
    assert lo[0] == pytest.approx(1.408777, abs=1e-6)
    assert np.isnan(lo[1:]).all() and np.isnan(hi[1:]).all()


# --- comparisons -------------------------------------------------------------


def test_compare_proportions_by_hand():
    # 60 % of 100 vs 50 % of 100: pooled p = 110/200 = 0.55
    # se = √(0.55 · 0.45 · (1/100 + 1/100)) = √0.00495 = 0.0703562
    # z = 0.10 / 0.0703562 = 1.421338 → p = 2 · (1 - Φ(1.4213)) = 0.15522
    assert compare_proportions(60, 100, 50, 100) == pytest.approx(0.15522, abs=1e-5)


def test_compare_proportions_equals_uncorrected_chi_square():
    # The pooled z-test is the 2×2 chi-square test without Yates' correction (z² = χ²).
    for (x1, n1), (x2, n2) in [((45, 60), (30, 55)), ((12, 20), (150, 300)), ((3, 9), (8, 11))]:
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        expected = st.chi2_contingency(table, correction=False).pvalue
        got = compare_proportions(100 * x1 / n1, n1, 100 * x2 / n2, n2)
        assert got == pytest.approx(expected, rel=1e-9)


def test_compare_proportions_vectorised_edges():
    p = compare_proportions(
        pd.Series([60.0, 0.0, 100.0, 50.0]), [100, 10, 10, 0], [50.0, 0.0, 100.0, 50.0], 100
    )
    assert p[0] == pytest.approx(0.15522, abs=1e-5)
    assert p[1] == 1.0 and p[2] == 1.0  # two identical 0 % / 100 % groups: no difference
    assert math.isnan(p[3])  # an empty group cannot be compared


def test_compare_means_by_hand():
    # 3.0 (sd 1, n 30) vs 3.5 (sd 1, n 30): se = √(1/30 + 1/30) = 0.258199, t = -1.936492;
    # equal sds and ns make Welch's df = 58 → p = 2 · t.sf(1.936492, 58) = 0.0577
    assert compare_means(3.0, 1.0, 30, 3.5, 1.0, 30) == pytest.approx(0.0577, abs=1e-4)


def test_compare_means_matches_scipy_welch_on_every_kind_of_group():
    # scipy.stats.ttest_ind_from_stats(equal_var=False) is the reference; stats.py computes
    # Welch's test with scipy.special alone (scipy.stats costs seconds to import per kernel).
    # Groups without spread, equal means and n < 2 included.
    rng = np.random.default_rng(3)
    m1, m2 = rng.uniform(1, 5, 500), rng.uniform(1, 5, 500)
    s1, s2 = rng.uniform(0, 2, 500), rng.uniform(0, 2, 500)
    n1, n2 = rng.integers(0, 300, 500), rng.integers(0, 300, 500)
    s1[:20], s2[:10], m2[:5] = 0.0, 0.0, m1[:5]
    ok = (n1 >= 2) & (n2 >= 2)
    with np.errstate(all="ignore"):
        ref = st.ttest_ind_from_stats(
            m1, s1, np.where(ok, n1, 2), m2, s2, np.where(ok, n2, 2), equal_var=False
        ).pvalue
    expected = np.where(ok, ref, np.nan)
    got = compare_means(m1, s1, n1, m2, s2, n2)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15, equal_nan=True)


def test_intervals_and_z_test_match_scipy_stats():
    rng = np.random.default_rng(4)
    mean, sd, n = rng.uniform(1, 5, 200), rng.uniform(0, 2, 200), rng.integers(0, 500, 200)
    lo, hi = mean_interval(mean, sd, n)
    ok = n >= 2
    half = st.t.ppf(0.975, np.where(ok, n - 1, 1)) * sd / np.sqrt(np.where(ok, n, 1))
    np.testing.assert_allclose(hi, np.where(ok, mean + half, np.nan), rtol=1e-12, equal_nan=True)
    p1, p2 = rng.uniform(0, 100, 200), rng.uniform(0, 100, 200)
    n2 = rng.integers(1, 500, 200)
    pooled = (p1 * n + p2 * n2) / 100 / (n + n2)
    with np.errstate(all="ignore"):
        z = (p1 - p2) / 100 / np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n2))
    expected = np.where(n > 0, 2 * st.norm.sf(np.abs(z)), np.nan)
    got = compare_proportions(p1, n, p2, n2)
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


def test_a_report_kernel_does_not_import_scipy_stats():
    # what every warm kernel imports (batch.kernels.PRELOAD): scipy.stats alone took ~1.5 s
    import subprocess
    import sys

    code = (
        "import sys, districtsurvey.reports.report, districtsurvey.reports.summary; "
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_compare_means_matches_welch_on_raw_data():
    rng = np.random.default_rng(7)
    a, b = rng.normal(3.2, 0.9, 40), rng.normal(3.6, 1.3, 25)
    expected = st.ttest_ind(a, b, equal_var=False).pvalue
    got = compare_means(a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b))
    assert got == pytest.approx(expected, rel=1e-9)


def test_compare_means_small_n_is_nan():
    p = compare_means([3.0, 3.0], [1.0, 1.0], [30, 1], [3.5, 3.5], [1.0, 1.0], [30, 30])
    assert p[0] == pytest.approx(0.0577, abs=1e-4) and math.isnan(p[1])


# --- flag_change -------------------------------------------------------------


@pytest.mark.parametrize(
    "delta,p,n,expected",
    [
        (8.0, 0.01, 200, "up"),  # significant and ≥ 5 points
        (-6.0, 0.02, 200, "down"),
        (5.0, 0.049, 200, "up"),  # exactly the threshold counts
        (2.0, 0.001, 200, "no change"),  # significant but under 5 points: not worth a flag
        (12.0, 0.20, 200, "no change"),  # large but not significant, big group
        (12.0, 0.05, 200, "no change"),  # p must be strictly below alpha
        (12.0, 0.20, 12, "within noise"),  # small group: too few respondents to tell
        (12.0, 0.20, 5, "within noise"),  # lower edge of [5, 30)
        (12.0, 0.20, 30, "no change"),  # 30 is no longer "small"
        (-9.0, 0.01, 12, "down"),  # a small group can still show a clear change
        (3.0, float("nan"), 100, "no change"),  # no p-value (e.g. no earlier wave)
    ],
)
def test_flag_change_rule(delta, p, n, expected):
    assert flag_change(delta, p, n) == expected


def test_flag_changes_vectorised_keeps_index_and_options():
    idx = ["finance", "hr", "it", "legal"]
    out = flag_changes(pd.Series([8.0, -6.0, 2.0, 3.0], index=idx), [0.01, 0.02, 0.4, 0.5],
                       [99, 99, 99, 12])  # fmt: skip
    assert out.tolist() == ["up", "down", "no change", "within noise"]
    assert out.index.tolist() == idx
    assert flag_change(8.0, 0.01, 200, threshold=10.0) == "no change"
    assert flag_change(8.0, 0.08, 200, alpha=0.10) == "up"


# --- key drivers -------------------------------------------------------------


def _wide() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "overall": [1, 2, 3, 4],
            "a": [1, 2, 3, 5],
            "b": [2, 1, 2, 1],
            "c": [4, np.nan, 2, 1],  # 3 pairs; c = 5 - overall on them → r = -1
            "flat": [3, 3, 3, 3],  # no variation → r undefined
            "sparse": [1, np.nan, np.nan, 2],  # 2 pairs < min_n=3
        }
    )


def test_key_drivers_by_hand():
    # a: dx = (-1.75, -0.75, 0.25, 2.25), dy = (-1.5, -0.5, 0.5, 1.5)
    #    Σdxdy = 6.5, Σdx² = 8.75, Σdy² = 5 → r = 6.5/√43.75 = 0.982708, r² = 0.965714
    # b: dx = (0.5, -0.5, 0.5, -0.5), Σdxdy = -1, Σdx² = 1 → r = -1/√5 = -0.447214, r² = 0.2
    # c: r = -1 on rows 0, 2, 3, r² = 1
    # Σr² = 2.165714 → importance c 0.461741, a 0.445910, b 0.092348; flat, sparse 0
    d = key_drivers(_wide(), "overall")
    assert d.columns.tolist() == ["item", "r", "n", "importance"]
    assert d["item"].tolist() == ["c", "a", "b", "flat", "sparse"]
    got = d.set_index("item")
    assert got.loc[["c", "a", "b"], "r"].tolist() == pytest.approx([-1.0, 0.982708, -0.447214])
    assert got.loc[["c", "a", "b"], "n"].tolist() == [3, 4, 4]
    assert got.loc[["c", "a", "b"], "importance"].tolist() == pytest.approx(
        [0.461741, 0.445910, 0.092348], abs=1e-6
    )
    assert got["importance"].sum() == pytest.approx(1.0)
    assert math.isnan(got.loc["flat", "r"]) and math.isnan(got.loc["sparse", "r"])
    assert got.loc[["flat", "sparse"], "importance"].tolist() == [0.0, 0.0]


def test_key_drivers_ties_go_by_statement_id_not_column_order():
    # "z" and "y" have no variation (r undefined, importance 0): a tie, listed by id; "a" tracks
    # the outcome exactly (r = 1, importance 1) and comes first.
    wide = pd.DataFrame({"o": [1, 2, 3, 4], "z": [2, 2, 2, 2], "a": [1, 2, 3, 4], "y": [5] * 4})
    d = key_drivers(wide, "o")
    assert d["item"].tolist() == ["a", "y", "z"]
    assert d["importance"].tolist() == [1.0, 0.0, 0.0]
    assert d.index.tolist() == [0, 1, 2]


def test_key_drivers_matches_pandas_pairwise_corr():
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.integers(1, 6, size=(60, 5)).astype(float), columns=list("oabcd"))
    wide = wide.mask(rng.random(wide.shape) < 0.15)
    expected = wide.corr()["o"].drop("o")  # pandas uses pairwise-complete observations
    got = key_drivers(wide, "o").set_index("item")["r"]
    assert got.loc[expected.index].tolist() == pytest.approx(expected.tolist())


def test_key_drivers_unknown_outcome():
    with pytest.raises(KeyError):
        key_drivers(_wide(), "nope")


# --- focus areas, strengths, gains ------------------------------------------


def _items() -> pd.DataFrame:
    # Hand-made table (importance values chosen by hand, not from key_drivers).
    return pd.DataFrame(
        {
            "item": ["A", "B", "C", "D", "E"],
            "pct_favorable": [50.0, 60.0, 80.0, 55.0, 40.0],
            "district_pct_favorable": [70.0, 65.0, 75.0, 60.0, 80.0],
            "suppressed": [False, False, False, False, True],
            "change_pct_favorable": [9.0, 6.0, 12.0, 2.0, 20.0],
            "change_flag": ["up", "up", "within noise", "no change", "up"],
        }
    )


def _drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["A", "B", "C", "D", "E"],
            "r": [0.35, 0.70, 0.60, 0.25, 0.80],
            "importance": [0.10, 0.30, 0.20, 0.10, 0.30],
        }
    )


def test_focus_areas_gap_x_importance_by_hand():
    # Issue 13: only statements below the district (or down significantly) are candidates.
    # gap = district - pct (whole numbers): A 20, B 5, C 0 (80 is above 75), D 5; E suppressed.
    # No "down" flag, so no decline. priority = (gap + decline) x importance:
    # A: 20 x 0.10 = 2.0   B: 5 x 0.30 = 1.5   D: 5 x 0.10 = 0.5   (C is not a candidate)
    f = focus_areas(_items(), _drivers())
    assert f.columns.tolist() == (
        "item pct_favorable gap decline importance priority basis reason".split()
    )
    assert f["item"].tolist() == ["A", "B", "D"]
    assert f["gap"].tolist() == [20.0, 5.0, 5.0]
    assert f["priority"].tolist() == pytest.approx([2.0, 1.5, 0.5])
    assert f["reason"].tolist() == [
        "20 points below the district; moderately related to overall quality",  # r 0.35
        "5 points below the district; strongly related to overall quality",  # r 0.70
        "5 points below the district; weakly related to overall quality",  # r 0.25
    ]


def test_focus_areas_max_focus_and_validation():
    assert focus_areas(_items(), _drivers(), max_focus=2)["item"].tolist() == ["A", "B"]
    for bad in (0, 4, 10):
        with pytest.raises(ValueError, match="max_focus"):
            focus_areas(_items(), _drivers(), max_focus=bad)
    with pytest.raises(ValueError, match="rule"):
        focus_areas(_items(), _drivers(), rule="random")


def test_focus_areas_lowest_rule_skips_suppressed():
    # lowest pct_favorable, E (40 %) suppressed: A 50, D 55, B 60
    f = focus_areas(_items(), _drivers(), rule="lowest")
    assert f["item"].tolist() == ["A", "D", "B"]
    assert f["priority"].tolist() == [50.0, 45.0, 40.0]


def test_focus_areas_never_picks_suppressed_or_at_or_above_the_district():
    items = _items().assign(suppressed=[True, True, True, True, True])
    assert focus_areas(items, _drivers()).empty
    # B missing from the drivers: importance 0, still below the district, so still a candidate
    # (ranked last: A 2.0, D 0.5, B 0); C (above the district, not down) is never chosen
    f = focus_areas(_items(), _drivers()[_drivers()["item"] != "B"])
    assert f["item"].tolist() == ["A", "D", "B"]
    assert f["reason"].iloc[-1] == (
        "5 points below the district; not clearly related to overall quality"
    )


def test_focus_areas_from_key_drivers_end_to_end():
    drivers = key_drivers(_wide(), "overall")
    items = pd.DataFrame(
        {"item": ["a", "b", "c"], "pct_favorable": [40.0, 40.0, 70.0],
         "district_pct_favorable": [60.0, 60.0, 60.0]}
    )  # fmt: skip
    f = focus_areas(items, drivers, outcome_label="the overall rating")
    # a: 20 x 0.445910 = 8.92, b: 20 x 0.092348 = 1.85; c is above the district
    assert f["item"].tolist() == ["a", "b"]
    assert f["reason"][0].endswith("strongly related to the overall rating")


def test_strengths_skips_suppressed():
    # highest pct_favorable: E 40 suppressed anyway; C 80, B 60, D 55
    assert strengths(_items())["item"].tolist() == ["C", "B", "D"]
    top1 = strengths(_items().assign(suppressed=[False, False, True, False, False]), top=1)
    assert top1["item"].tolist() == ["B"]


def test_biggest_gains_uses_flag_when_present():
    # ≥ 5 points, flagged "up", not suppressed: A +9, B +6 (C +12 "within noise"; E suppressed)
    assert biggest_gains(_items())["item"].tolist() == ["A", "B"]
    # without a flag column, only the threshold applies: C +12, A +9, B +6
    no_flag = _items().drop(columns="change_flag")
    assert biggest_gains(no_flag)["item"].tolist() == ["C", "A", "B"]
    assert biggest_gains(no_flag, top=1, threshold=10)["item"].tolist() == ["C"]


# --- Cronbach's alpha ----------------------------------------------------------


def test_cronbach_alpha_by_hand():
    # a = 1 2 3 4, b = 2 3 4 5, c = 1 3 2 4; ddof cancels, so use sums of squares:
    # SS_a = SS_b = SS_c = 5  (deviations ±1.5, ±0.5);  totals 4 8 9 13, mean 8.5
    # SS_total = 4.5² + 0.5² + 0.5² + 4.5² = 41
    # alpha = 3/2 · (1 - 15/41) = 39/41 = 0.951220
    wide = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 4, 5], "c": [1, 3, 2, 4]})
    assert cronbach_alpha(wide) == pytest.approx(39 / 41)
    assert cronbach_alpha(wide) == pytest.approx(pingouin.cronbach_alpha(wide)[0])


def test_cronbach_alpha_matches_pingouin_listwise():
    rng = np.random.default_rng(11)
    trait = rng.normal(size=80)
    wide = pd.DataFrame({f"q{i}": trait + rng.normal(scale=1.0, size=80) for i in range(5)})
    wide = wide.mask(rng.random(wide.shape) < 0.1)
    expected = pingouin.cronbach_alpha(data=wide, nan_policy="listwise")[0]
    assert cronbach_alpha(wide) == pytest.approx(expected, rel=1e-9)


def test_cronbach_alpha_degenerate():
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})))  # one item
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, np.nan], "b": [2, 3]})))  # one row


def test_flag_changes_index_from_any_series_argument():
    n = pd.Series([200, 12], index=["it", "hr"])
    assert flag_changes([8.0, 3.0], [0.01, 0.5], n).to_dict() == {"it": "up", "hr": "within noise"}


def test_focus_areas_lowest_needs_no_drivers():
    # rule="lowest" works with an empty drivers frame; importance is then 0
    f = focus_areas(_items(), pd.DataFrame(), rule="lowest", max_focus=1)
    assert f["item"].tolist() == ["A"] and f["importance"].tolist() == [0.0]
    assert f["reason"][0] == "among the lowest-rated statements here"


def test_key_drivers_nothing_defined_gives_zero_importance():
    wide = pd.DataFrame({"o": [1.0, 2.0, np.nan, 4.0], "x": [2.0, 1.0, 3.0, np.nan]})  # 2 pairs
    d = key_drivers(wide, "o")
    assert d["n"].tolist() == [2] and math.isnan(d["r"][0]) and d["importance"].tolist() == [0.0]
