"""Privacy across the surveys of a packet: why a figure hidden in one survey cannot be recovered
with the figures of the other, and the one filter the packet applies (``shown_candidates``).

**What a packet publishes.** Each survey is prepared as a run of its own over *every* unit of its
data (``surveys/<instrument>/``), so its suppression — min n, complementary cells, the district
total as published — is decided over the whole survey, whatever units the packet reports. Every
figure of a packet file (department packets, the district summary and its quadrant, roll-out
pages, plan workbooks, ``packet_focus.parquet``, ``focus_areas.csv``) is a cell copied from one
survey's report-safe tables, or words about such cells; the packet computes no figure from
answers, and no sum, difference or ratio of figures of two surveys or of two units. What it adds
is choice, not data: which shown statements are focus areas (``shown_candidates``: a candidate on
a hidden statement is never kept), the unit list, and the quadrant's points, each the pair of a
department's two published figures (no point when either is hidden).

**Why the other survey does not help.** Take a cell ``x`` hidden in survey A (a count, a %
favorable, a mean). Survey A's own protection leaves ``x`` undetermined by A's published figures.
Survey B's figures are functions of B's answers only (even when one person answered both, their
answers in one survey are no term of any figure of the other), so no figure of B contains ``x``
and no equation in ``x`` can be formed from B's figures with A's. The figures that *name the same unit* in both surveys are
totals of different things: A's respondents and invitations for the unit, B's respondents and
invitations for the unit. They would only become dangerous if something published a total across
the surveys (e.g. "people heard: 418" beside "Service: 415") or a rate of one survey over the
other's headcount: the packet publishes neither — the roll-out page and the glance give each
survey's count on its own, and a survey's response rate and invitations are shown only where its
count is (the single-survey rule). The engagement survey's hidden invitations stay hidden: the
packet never shows a unit's staff count from the other survey's headcounts.

**Matching does not merge.** The mapping file may rename a department of one survey to the
packet's name; two departments of one survey can never become one unit (refused), so no packet
figure pools groups that a survey kept apart.

``tests/privacy/test_packet_attack.py`` attacks a real packet run with both surveys' published
files: subtraction from each survey's district total over the units the other survey names,
cross-survey totals and differences read from every packet page, and rates times either
survey's invitations; it recovers nothing hidden (and recovers a planted leak, so it can fail).
"""

from __future__ import annotations

import pandas as pd


def shown_candidates(focus: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The focus rows whose statement is shown for that unit and wave (``items``: the survey's
    report-safe item rows), so no packet focus ever rests on a hidden figure.

    >>> focus = pd.DataFrame({"department": ["HR", "HR"], "wave": ["w", "w"], "item": ["a", "b"]})
    >>> items = pd.DataFrame({"department": ["HR", "HR"], "wave": ["w", "w"], "item": ["a", "b"],
    ...                       "suppressed": [False, True]})
    >>> shown_candidates(focus, items)["item"].tolist()
    ['a']
    """
    shown = items[~items["suppressed"].fillna(True).astype(bool)]
    keys = ["department", "wave", "item"]
    return focus.merge(shown[keys].drop_duplicates(), on=keys, how="inner")
