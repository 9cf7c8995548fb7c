"""The focus rule of issue 13 (analysis/focus.py): its words and its choices agree.

Each expected pick is worked out by hand in a comment: candidates are statements below the
district by the whole numbers shown, or down significantly; priority = (points below + points of
a significant fall) x importance.
"""

import pandas as pd
import pytest

from districtsurvey.analysis.focus import focus_areas


def items(**columns) -> pd.DataFrame:
    base = {
        "item": ["a", "b", "c", "d"],
        "pct_favorable": [70.0, 80.0, 90.0, 85.0],
        "district_pct_favorable": [60.0, 60.0, 60.0, 60.0],
        "change_pct_favorable": [1.0, -9.0, 2.0, -6.0],
        "change_flag": ["no change", "down", "no change", "no change"],
        "prev_wave": "2026-spring",
    }
    return pd.DataFrame({**base, **columns})


DRIVERS = pd.DataFrame(
    {"item": ["a", "b", "c", "d"], "r": [0.6, 0.4, 0.2, 0.5], "importance": [0.4, 0.3, 0.1, 0.2]}
)


def test_a_significant_fall_is_a_candidate_even_above_the_district():
    # every statement is above the district (60); only b fell significantly (-9, "down");
    # d fell 6 points but not significantly, so it is not a candidate
    f = focus_areas(items(), DRIVERS)
    assert f["item"].tolist() == ["b"]
    assert f["decline"].tolist() == [9.0] and f["priority"].tolist() == [pytest.approx(2.7)]
    assert f["reason"][0] == (
        "down 9 points since 2026-spring (a significant fall); moderately related to overall quality"
    )
    assert f["basis"].tolist() == ["below"]


def test_below_the_district_and_a_fall_add_up():
    # a: 70 vs district 80 -> 10 below; b: 80 vs 80 level, down 9; c: 90 vs 80 above
    # a: 10 x .4 = 4.0; b: 9 x .3 = 2.7
    t = items(district_pct_favorable=[80.0, 80.0, 80.0, 90.0])
    # d: 85 vs 90 -> 5 below: 5 x .2 = 1.0
    f = focus_areas(t, DRIVERS)
    assert f["item"].tolist() == ["a", "b", "d"]
    assert f["priority"].tolist() == pytest.approx([4.0, 2.7, 1.0])
    t = items(district_pct_favorable=[80.0, 90.0, 80.0, 60.0])
    # b: 10 below and down 9: (10 + 9) x .3 = 5.7 beats a: 4.0
    f = focus_areas(t, DRIVERS)
    assert f["item"].tolist() == ["b", "a"]
    assert f["reason"][0] == (
        "10 points below the district and down 9 points since 2026-spring (a significant fall); "
        "moderately related to overall quality"
    )


def test_above_the_district_everywhere_and_nothing_fell_gives_the_lowest_with_the_reason():
    t = items(change_flag=["no change"] * 4)
    f = focus_areas(t, DRIVERS)
    # the lowest-rated: a 70, b 80, d 85
    assert f["item"].tolist() == ["a", "b", "d"]
    assert set(f["basis"]) == {"fallback"}
    assert f["reason"][0] == (
        "among the lowest-rated here: level with or above the district on every statement, "
        "none fell significantly; strongly related to overall quality"
    )


def test_gaps_are_taken_between_the_whole_numbers_shown():
    # 55.4 shows as 55, the district's 55.6 as 56: 1 point below, a candidate.
    # 56.5 shows as 56 (half to even), the district's 56.4 as 56: level, not a candidate.
    t = pd.DataFrame(
        {
            "item": ["a", "b"],
            "pct_favorable": [55.4, 56.5],
            "district_pct_favorable": [55.6, 56.4],
        }
    )
    f = focus_areas(t, DRIVERS)
    assert f["item"].tolist() == ["a"] and f["gap"].tolist() == [1.0]
    assert f["reason"][0].startswith("1 point below the district;")


def test_ties_go_to_the_lower_score_then_the_instrument_order():
    # equal priority (5 x .2 = 1.0 each): the lower shown % first, then the row (instrument) order
    t = pd.DataFrame(
        {
            "item": ["d", "c", "b"],
            "pct_favorable": [50.0, 50.0, 40.0],
            "district_pct_favorable": [55.0, 55.0, 45.0],
        }
    )
    same = pd.DataFrame({"item": ["b", "c", "d"], "r": 0.5, "importance": 0.2})
    assert focus_areas(t, same)["item"].tolist() == ["b", "d", "c"]


def test_the_district_ranks_its_room_to_improve_by_importance():
    # no district to compare with: (100 - pct + fall) x importance
    # a: 30 x .4 = 12; b: (20 + 9) x .3 = 8.7; c: 10 x .1 = 1; d: 15 x .2 = 3
    t = items(district_pct_favorable=[float("nan")] * 4)
    f = focus_areas(t, DRIVERS, district=True)
    assert f["item"].tolist() == ["a", "b", "d"]
    assert f["priority"].tolist() == pytest.approx([12.0, 8.7, 3.0])
    assert f["reason"][1] == (
        "20 points of room to improve and down 9 points since 2026-spring (a significant fall); "
        "moderately related to overall quality"
    )
