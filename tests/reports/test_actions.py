"""Action plans over the sample district's runs, read from the CSV files a leader gets."""

from __future__ import annotations

import pandas as pd
import pytest

from districtsurvey.batch.publish import publish_extras
from districtsurvey.prepare.run import prepare
from support import SAMPLE, write_params


@pytest.fixture(scope="module")
def engagement_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engagement")
    run = prepare(
        write_params(
            folder,
            instrument="engagement",
            data=str(SAMPLE / "engagement.parquet"),
            comments=str(SAMPLE / "engagement_comments.csv"),
            headcounts=str(SAMPLE / "engagement_headcounts.csv"),
        )
    )
    publish_extras(run)
    return run


@pytest.fixture(scope="module")
def support_run(prepared_run):
    publish_extras(prepared_run)
    return prepared_run


def _plans(run) -> pd.DataFrame:
    return pd.concat(
        [pd.read_csv(p) for p in sorted((run / "action_plans").glob("*.csv"))], ignore_index=True
    )


@pytest.mark.parametrize("which", ["support_run", "engagement_run"])
def test_no_plan_repeats_a_tactic_and_tactics_are_many(request, which):
    plans = _plans(request.getfixturevalue(which))
    assert len(plans) > 20
    for dept, plan in plans.groupby("department"):
        assert plan["tactics"].is_unique, (dept, plan["tactics"].tolist())
        assert plan["leading_indicator"].is_unique, dept
        assert plan["tactics"].str.len().gt(20).all() and plan["why"].str.len().gt(10).all()
    # issue 15: the whole support run used 5 distinct tactics (engagement 7)
    # now one per distinct focus statement (13 of the 13 non-outcome support statements)
    assert plans["tactics"].nunique() >= min(10, plans["item"].nunique()), plans[
        "tactics"
    ].nunique()
    assert plans["tactics"].nunique() == plans["item"].nunique()
    # the choice is explained: the library's first choice, or why a later one
    assert (
        plans["choice"].str.match(r"(Tactic \d+ of \d+ for this statement|A general tactic)").all()
    )


def test_the_choice_is_the_first_unused_tactic_of_the_statement(support_run):
    import yaml

    from support import ROOT

    library = yaml.safe_load((ROOT / "data" / "tactics" / "default.yml").read_text())["items"]
    for _, plan in _plans(support_run).groupby("department"):
        used: set[str] = set()
        for row in plan.sort_values("rank").itertuples():
            expected = next(t for t in library[row.item] if t["tactic"] not in used)
            assert (
                row.tactics == expected["tactic"] and row.leading_indicator == expected["indicator"]
            )
            used.add(row.tactics)


def test_a_plan_is_in_the_runs_spelling_but_a_districts_tactics_never_are(tmp_path):
    """en-GB: the goal and the library's tactic (our words) British; a district's own tactic
    (its words) as written; the statement's text never respelled."""
    import datetime as dt

    from districtsurvey.contracts.instrument import load_instrument
    from districtsurvey.reports.actions import action_plan
    from districtsurvey.reports.locale import load_locale

    ins = load_instrument("support_services")
    # 58 answered, 22% favorable: the share goal "From 22% to 40% favorable ... favorably"
    focus = pd.DataFrame({"rank": [1], "item": ["ss_attitude_courteous"],
                          "pct_favorable": [22.4], "n": [58]})  # fmt: skip
    kw = {"department": "Finance", "start": dt.date(2026, 11, 22)}
    # the library's first choice for it was done last round, so its second is picked:
    # "Recognize one staff member each week ..." (data/tactics/default.yml)
    tried = ["Agree three service standards with the team (greeting, name, next step) and "
             "practice them"]  # fmt: skip
    us = action_plan(focus, ins, **kw, tried=tried, locale=load_locale("en-US")).iloc[0]
    gb = action_plan(focus, ins, **kw, tried=tried, locale=load_locale("en-GB")).iloc[0]
    assert us["tactics"].startswith("Recognize one staff member") and "favorably" in us["goal"]
    assert gb["tactics"].startswith("Recognise one staff member")
    assert gb["why"] == "Behaviour that is noticed is repeated."
    assert "22% to 40% favourable" in gb["goal"] and "answering favourably" in gb["goal"]
    assert gb["statement"] == us["statement"] == ins.item_text("ss_attitude_courteous")
    # a district's own tactic for the statement comes first and keeps its spelling
    own = tmp_path / "our.yml"
    own.write_text(
        "items:\n  ss_attitude_courteous:\n    - id: our-color\n"
        "      tactic: Recognize good service in our color newsletter\n"
        "      indicator: issues favorably reviewed\n      why: Behavior we honor grows.\n",
        encoding="utf-8",
    )
    mine = action_plan(focus, ins, **kw, tactics=own, locale=load_locale("en-GB")).iloc[0]
    assert mine["tactics"] == "Recognize good service in our color newsletter"
    assert (mine["leading_indicator"], mine["why"]) == (
        "issues favorably reviewed",
        "Behavior we honor grows.",
    )
    # last round's plan written in the other spelling still counts as tried
    again = action_plan(
        focus, ins, **kw, tried=[*tried, us["tactics"]], locale=load_locale("en-GB")
    ).iloc[0]
    assert again["tactic_id"] not in {"courtesy-standards", "courtesy-recognition"}


def test_a_district_tactics_file_edited_between_plans_is_read_again(tmp_path):
    """The library is kept between plans (a run plans department after department), but a
    district file edited in place, replaced, or removed is seen by the next plan, as in a
    long-lived kernel or the explorer."""
    import datetime as dt

    from districtsurvey.contracts.errors import SurveyDataError
    from districtsurvey.contracts.instrument import load_instrument
    from districtsurvey.reports.actions import action_plan

    ins = load_instrument("support_services")
    focus = pd.DataFrame({"rank": [1], "item": ["ss_attitude_courteous"],
                          "pct_favorable": [40.0], "n": [50]})  # fmt: skip
    own = tmp_path / "ours.yml"

    def ours(tactic_id: str) -> str:
        own.write_text(
            f"items:\n  ss_attitude_courteous:\n    - id: {tactic_id}\n      tactic: T {tactic_id}\n"
            "      indicator: i\n      why: w\n",
            encoding="utf-8",
        )
        return action_plan(
            focus, ins, department="Finance", start=dt.date(2026, 11, 22), tactics=own
        ).loc[0, "tactic_id"]

    assert ours("first") == "first"
    assert ours("again") == "again"  # written again in place, the same size
    assert ours("third-one") == "third-one"
    own.unlink()
    with pytest.raises(SurveyDataError, match="tactics file not found"):
        action_plan(focus, ins, department="Finance", start=dt.date(2026, 11, 22), tactics=own)
