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
