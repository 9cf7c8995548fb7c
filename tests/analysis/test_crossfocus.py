"""The packet's one focus rule across surveys (analysis.crossfocus), on small hand-made tables.

Every expected order below is worked out by hand from the rule in the module docstring:
weighted points = (gap + decline) × importance × statements of the survey."""

import pandas as pd
import pytest

from districtsurvey.analysis.crossfocus import rank_across


def cands(*rows):
    cols = ["survey", "order", "rank", "item", "pct_favorable", "gap", "decline", "importance",
            "basis", "reason"]  # fmt: skip
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


def test_a_survey_with_more_statements_does_not_lose_for_that_alone():
    # Service: 20 statements, importance 0.05 = an average one; Team: 5, importance 0.2 = average.
    # Both 10 points below: 10 × 1.0 each -> a tie on weighted points and on points; the lower
    # % favorable (Team, 40) wins. Without the × statements, Service would have 0.5 against 2.
    c = cands(
        ("Service", 0, 1, "s1", 50.0, 10.0, 0.0, 0.05, "below", "r"),
        ("Team", 1, 1, "t1", 40.0, 10.0, 0.0, 0.2, "below", "r"),
    )
    top = rank_across(c, statements={"Service": 20, "Team": 5}, max_focus=1)
    assert top["weighted"].tolist() == [10.0, 10.0]
    assert top.loc[top["chosen"], "item"].tolist() == ["t1"]


def test_real_problems_come_before_lowest_rated_and_at_most_three_in_all():
    c = cands(
        ("Service", 0, 1, "s1", 20.0, 0.0, 0.0, 0.5, "fallback", "lowest"),  # lowest of all
        ("Service", 0, 2, "s2", 30.0, 0.0, 0.0, 0.4, "fallback", "lowest"),
        ("Team", 1, 1, "t1", 70.0, 2.0, 0.0, 0.01, "below", "r"),  # 2 × 0.1 = 0.2 weighted
        ("Team", 1, 2, "t2", 60.0, 0.0, 6.0, 0.02, "below", "r"),  # 6 × 0.2 = 1.2 weighted
    )
    top = rank_across(c, statements={"Service": 3, "Team": 10}, max_focus=3)
    assert top["item"].tolist() == ["t2", "t1", "s1", "s2"]
    assert top["chosen"].tolist() == [True, True, True, False]
    assert top.loc[2, "won"].startswith("not below the district and not fallen")
    assert (
        "1.2 weighted points (6 points × importance 0.20 against an average Team"
        in (top.loc[0, "won"])
    )


def test_ties_go_to_the_survey_listed_first_then_its_own_rank():
    c = cands(
        ("Team", 1, 1, "t1", 50.0, 5.0, 0.0, 0.1, "below", "r"),
        ("Service", 0, 2, "s2", 50.0, 5.0, 0.0, 0.1, "below", "r"),
        ("Service", 0, 1, "s1", 50.0, 5.0, 0.0, 0.1, "below", "r"),
    )
    top = rank_across(c, statements={"Service": 10, "Team": 10}, max_focus=2)
    assert top["item"].tolist() == ["s1", "s2", "t1"]


def test_no_candidate_and_a_bad_max_focus():
    assert rank_across(cands(), statements={}, max_focus=3).empty
    with pytest.raises(ValueError, match="1, 2 or 3 in all"):
        rank_across(cands(), statements={}, max_focus=4)
