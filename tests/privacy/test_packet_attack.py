"""The cross-survey attack (privacy/packets.py's argument, tried): an attacker holding every file
of a real two-survey packet run tries to recover a respondent count that one survey hides, with
the figures of the other survey.

The attacker reads only published files: each survey's report-safe cache
(``surveys/*/cache/respondents.parquet``), every packet page, roll-out page, plan CSV and the
district summary. The truth (the real counts) comes from the raw sample, never shown to the
attacker. Methods, each an exact deduction:
1. a count printed for the unit (any "respondents: N", "N people answered", "of N invited" ...)
   taken as it is, or minus the other survey's published count for the unit (a total across the
   surveys);
2. a published response rate of the hidden survey times either survey's published invitations;
3. the engagement survey's district total minus its shown units (each employee belongs to one
   unit), which bounds the hidden units' sum: a unit is exposed when the bound pins it or shows it
   is below min n.
The planted-leak test shows the same attacker does recover a count when a page leaks one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from support import PACKET_SURVEYS, SAMPLE

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
WAVE, MIN_N = "2026-fall", 5
COUNTS = [
    r"respondents: ([\d,]+)",
    r"([\d,]+) people answered",
    r"of your ([\d,]+) respondents",
    r"of ([\d,]+) invited",
    r"([\d,]+) respondents",
    r"of the ([\d,]+) who answered",
]


def true_counts(survey: str) -> pd.Series:
    """The oracle's respondents per unit (people with at least one answer), from the raw data."""
    raw = pd.read_parquet(SAMPLE / f"{survey}.parquet")
    raw = raw[(raw["wave"].astype(str) == WAVE) & raw["value"].notna()]
    return raw.groupby(raw["department"].astype(str))["respondent_id"].nunique()


def published(run: Path, survey: str) -> pd.DataFrame:
    """What the attacker reads: the survey's published respondents table (this wave)."""
    t = pd.read_parquet(run / "surveys" / survey / "cache" / "respondents.parquet")
    t = t[t["wave"].astype(str) == WAVE].assign(department=lambda x: x["department"].astype(str))
    return t.set_index("department")


def visible_text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", soup.get_text(" "))


def unit_texts(run: Path, slug: str) -> list[str]:
    """Everything published about one unit: its report, roll-out page and plan CSV."""
    paths = [run / "departments" / f"{slug}.html", run / "rollout" / f"{slug}.html"]
    texts = [visible_text(p) for p in paths if p.exists()]
    plan = run / "action_plans" / f"{slug}.csv"
    if plan.exists():
        texts.append(plan.read_text(encoding="utf-8"))
    return texts


def printed_counts(texts: list[str]) -> set[int]:
    found = set()
    for t in texts:
        for pattern in COUNTS:
            found |= {int(m.replace(",", "")) for m in re.findall(pattern, t)}
    return found


def guesses(texts: list[str], other_n: float | None) -> set[int]:
    """Method 1: every printed count, and every printed count minus the other survey's count."""
    counts = printed_counts(texts)
    out = set(counts)
    if other_n is not None and not pd.isna(other_n):
        out |= {c - int(other_n) for c in counts}
    return {g for g in out if g > 0}


def units(run: Path) -> list[dict]:
    import json

    return json.loads((run / "cache" / "run.json").read_text(encoding="utf-8"))["departments"]


def hidden_cells(run: Path):
    """(survey label, survey id, unit, true count) of every unit a survey hides this wave."""
    for label, survey in PACKET_SURVEYS.items():
        pub, truth = published(run, survey), true_counts(survey)
        for unit, row in pub.iterrows():
            if unit != "District" and bool(row["suppressed"]) and truth.get(unit, 0) > 0:
                yield label, survey, unit, int(truth[unit])


def test_the_run_hides_something_in_each_survey_to_attack(packet_run):
    hidden = list(hidden_cells(packet_run))
    assert {label for label, *_ in hidden} == {"Service", "Team"}
    assert ("Team", "engagement", "Legal Services", 3) in hidden  # a packet unit, hidden in one


def test_no_count_hidden_in_one_survey_comes_out_with_the_other(packet_run):
    run = packet_run
    pubs = {label: published(run, survey) for label, survey in PACKET_SURVEYS.items()}
    by_name = {d["name"]: d for d in units(run)}
    index = [visible_text(run / "index.html")]
    for label, _survey, unit, true_n in hidden_cells(run):
        other = next(x for x in PACKET_SURVEYS if x != label)
        other_n = pubs[other]["n"].get(unit)
        other_n = None if other_n is None or pd.isna(other_n) else float(other_n)
        texts = unit_texts(run, by_name[unit]["slug"]) if unit in by_name else []
        # method 1: counts printed for the unit, alone or minus the other survey's count
        assert true_n not in guesses(texts, other_n), (label, unit)
        # method 2: a published rate of the hidden survey times either survey's invitations
        rate = pubs[label]["response_rate"].get(unit)
        assert rate is None or pd.isna(rate), (label, unit, "rate published")
        invited = [pubs[s]["invited"].get(unit) for s in pubs]
        assert pd.isna(pubs[label]["invited"].get(unit)), (label, unit, "invitations published")
        for text in texts + index:  # no page prints the hidden survey's rate for the unit
            for r in re.findall(
                rf"{re.escape(unit)}[^.]*?(\d+)% (?:response|of those invited)", text
            ):
                for inv in invited:
                    if inv is not None and not pd.isna(inv):
                        assert round(int(r) * inv / 100) != true_n, (label, unit)


def test_engagement_district_total_does_not_pin_a_hidden_unit(packet_run):
    """Method 3 (each employee answers for one unit, so the district total is the units' sum)."""
    pub = published(packet_run, "engagement")
    total = int(pub.loc["District", "n"])
    units_ = pub.drop(index="District")
    hidden = units_[units_["suppressed"].astype(bool)]
    shown = units_[~units_["suppressed"].astype(bool)]
    remainder = total - int(shown["n"].sum())  # the hidden units' sum, known to the attacker
    truth = true_counts("engagement")
    assert remainder == sum(int(truth.get(u, 0)) for u in hidden.index)  # the attacker is right
    answering = [u for u in hidden.index if truth.get(u, 0) > 0]
    # each hidden unit's count lies in [1, remainder - (others, at least 1 each)]: never one value,
    # never a range wholly below min n (that would say "fewer than 5 answered")
    upper = remainder - (len(answering) - 1)
    assert upper > 1 and upper >= MIN_N


def test_the_attacker_finds_a_planted_leak(packet_run, tmp_path):
    """The same methods recover the hidden count of Legal Services' team when a page adds the two
    surveys' counts together: the attack can fail."""
    run = packet_run
    slug = next(d["slug"] for d in units(run) if d["name"] == "Legal Services")
    pub_service = published(run, "support_services")
    service_n = int(pub_service.loc["Legal Services", "n"])
    true_team = int(true_counts("engagement")["Legal Services"])
    texts = unit_texts(run, slug)
    assert true_team not in guesses(texts, service_n)
    leaky = texts + [f"People heard in both surveys: {service_n + true_team:,} respondents"]
    assert true_team in guesses(leaky, service_n)
