"""Goals sized to the group, against a naive oracle of the report's own change rule."""

from __future__ import annotations

import math

import pytest

from districtsurvey.analysis.goals import detectable_target, goal_words, sized_goal


def _p(p1: float, n1: int, p2: float, n2: int) -> float:
    """Two-sided pooled two-proportion z-test (percent inputs), written out by hand."""
    p1, p2 = p1 / 100, p2 / 100
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(0 if se == 0 else (p1 - p2) / se) / math.sqrt(2))


def _flagged_up(k_before: int, k_after: int, n: int) -> bool:
    """The report's rule (Methods): p < 0.05 and at least 5 points between the whole numbers shown."""
    before, after = 100 * k_before / n, 100 * k_after / n
    return _p(after, n, before, n) < 0.05 and int(f"{after:.0f}") - int(f"{before:.0f}") >= 5


def _oracle(k: int, n: int) -> int | None:
    return next((j for j in range(k + 1, n + 1) if _flagged_up(k, j, n)), None)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 7, 8, 12, 20, 29, 30, 31, 58, 99, 150, 400])
def test_target_is_the_smallest_count_the_report_would_call_up(n):
    for k in range(n + 1):
        expected = _oracle(k, n)
        assert detectable_target(k, n) == expected, (k, n)
        if expected is not None:  # never smaller than what the group's size can show
            assert not any(_flagged_up(k, j, n) for j in range(k + 1, expected))


def test_words_in_share_and_people():
    # 13 of 58 favorable (22%): the oracle's smallest flagged count, stated as share and people
    target = _oracle(13, 58)
    words = goal_words(sized_goal(100 * 13 / 58, 58))
    assert words.startswith(
        f"From 22% to {100 * target / 58:.0f}% favorable: about {target - 13} more of your 58 "
        "respondents answering favorably"
    )


def test_small_groups_get_a_count_goal_and_are_told_why():
    g = sized_goal(100 * 3 / 7, 7)  # 3 of 7
    assert g.kind == "count" and g.target == _oracle(3, 7)
    assert goal_words(g).startswith(f"Count goal: {_oracle(3, 7) - 3} more of your 7 respondents")
    assert "one answer moves the score 14 points" in goal_words(g)
    none = sized_goal(100 * 5 / 6, 6)  # 5 of 6: even 6 of 6 is not significant
    assert _oracle(5, 6) is None and none.kind == "none"
    assert "no change can show as significant" in goal_words(none)
    assert "keep all 6" in goal_words(sized_goal(100.0, 6))


def test_a_big_group_gets_a_share_goal_of_at_least_5_points():
    for k in range(0, 380, 7):
        g = sized_goal(100 * k / 400, 400)
        assert g.kind == "share"
        assert int(f"{g.target_pct:.0f}") - int(f"{g.now_pct:.0f}") >= 5
