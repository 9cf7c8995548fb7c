"""Goals sized to the group: the smallest rise in % favorable the report itself would call a real
change ("up": two-proportion z-test p < 0.05 and at least 5 points, ``stats.flag_changes``),
stated as a share and as people.

A group of 7 moves 14 points with one answer; a "+5 points" goal cannot be measured there. The
goal is the smallest favorable count next round (same number answering) that the report would flag
as up. Groups below ``small_n`` (where the report says "within noise") get a count goal; so does a
group for which no rise at all could show (then the plan says the survey cannot show it).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import stats
from .scoring import shown

SMALL_N = 30  # as stats.flag_changes: groups of 5-29 read "within noise"


@dataclass(frozen=True)
class Goal:
    """A plan's goal for one statement: now and target as counts of the same ``n``."""

    n: int
    now: int  # favorable answers now
    target: int  # favorable answers to aim for
    kind: str  # "share": a significant rise; "count": a small group; "none": no rise can show
    now_pct: float
    target_pct: float

    @property
    def more(self) -> int:
        return self.target - self.now


def detectable_target(
    favorable: int, n: int, *, alpha: float = 0.05, threshold: float = 5.0
) -> int | None:
    """The smallest favorable count (of the same ``n``) the report would flag "up", or None.

    >>> detectable_target(13, 58), detectable_target(3, 7), detectable_target(5, 6)
    (23, 7, None)
    """
    before = 100 * favorable / n
    for k in range(favorable + 1, n + 1):
        after = 100 * k / n
        if float(shown(after) - shown(before)) < threshold:
            continue
        if stats.compare_proportions(after, n, before, n) < alpha:
            return k
    return None


def sized_goal(pct_favorable: float, n: int, *, small_n: int = SMALL_N) -> Goal:
    """The goal of one focus statement answered by ``n`` people at ``pct_favorable``.

    >>> g = sized_goal(22.4, 58)
    >>> g.kind, g.now, g.target, g.more, round(g.target_pct)
    ('share', 13, 23, 10, 40)
    >>> sized_goal(43, 7).kind, sized_goal(83.3, 6).kind
    ('count', 'none')
    """
    n = int(n)
    now = int(round(pct_favorable * n / 100))
    target = detectable_target(now, n) if n > 0 else None
    if target is None:
        kind, target = "none", n if now < n else now
    else:
        kind = "count" if n < small_n else "share"
    return Goal(n, now, target, kind, 100 * now / n if n else 0.0, 100 * target / n if n else 0.0)


def goal_words(goal: Goal) -> str:
    """The goal in a leader's words.

    >>> goal_words(sized_goal(22.4, 58))
    'From 22% to 40% favorable: about 10 more of your 58 respondents answering favorably by the next survey (the smallest rise this group can show as a real change)'
    >>> goal_words(sized_goal(43, 7))
    'Count goal: 4 more of your 7 respondents answering favorably (from 3 to 7 of 7). With 7 respondents one answer moves the score 14 points, so the goal is in people.'
    """
    people = "respondent" if goal.n == 1 else "respondents"
    if goal.kind == "share":
        return (
            f"From {goal.now_pct:.0f}% to {goal.target_pct:.0f}% favorable: about {goal.more} more"
            f" of your {goal.n} {people} answering favorably by the next survey (the smallest rise"
            " this group can show as a real change)"
        )
    step = f"one answer moves the score {100 / goal.n:.0f} points" if goal.n else ""
    if goal.kind == "count":
        return (
            f"Count goal: {goal.more} more of your {goal.n} {people} answering favorably (from "
            f"{goal.now} to {goal.target} of {goal.n}). With {goal.n} {people} {step}, so the "
            "goal is in people."
        )
    if goal.more == 0:
        return (
            f"Count goal: keep all {goal.n} {people} answering favorably. With {goal.n} {people} "
            "no change can show as significant on the survey."
        )
    return (
        f"Count goal: {goal.more} more of your {goal.n} {people} answering favorably (from "
        f"{goal.now} to {goal.target} of {goal.n}). With {goal.n} {people} no change can show as "
        "significant on the survey, so count people, not the percentage."
    )
