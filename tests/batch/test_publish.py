"""Action plans (.xlsx, .csv) and the one-page roll-out summary, made from the run cache only."""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pandas as pd
import pytest

from districtsurvey.batch.publish import department_tables, plan_for, publish_extras
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.reports.rollout import build_rollout, plain_result, render_rollout


@pytest.fixture(scope="module")
def published(prepared_run):
    return publish_extras(prepared_run)


@pytest.fixture(scope="module")
def run(prepared_run) -> dict:
    return json.loads((prepared_run / "cache" / "run.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cache(prepared_run, run) -> dict[str, pd.DataFrame]:
    c = prepared_run / "cache"
    return {k: pd.read_parquet(c / f"{k}.parquet") for k in ("items", "focus", "respondents")}


def _now(table: pd.DataFrame, run: dict, department: str) -> pd.DataFrame:
    return table[(table["department"] == department) & (table["wave"] == run["wave"])]


def _text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_every_department_gets_plan_and_rollout(published, prepared_run, run):
    slugs = [d["slug"] for d in run["departments"]]
    assert len(published) == 3 * len(slugs)
    for slug in slugs:
        for path in (
            f"action_plans/{slug}.xlsx",
            f"action_plans/{slug}.csv",
            f"rollout/{slug}.html",
        ):
            assert (prepared_run / path).stat().st_size > 0, path
    assert list(prepared_run.rglob("*.tmp")) == []  # atomic writes leave no temporary file behind


def test_action_plan_xlsx_is_readable_and_editable(published, prepared_run, run, cache):
    focus = _now(cache["focus"], run, "Transportation").sort_values("rank")
    assert len(focus) == 3  # the sample's Transportation is far below the district on timeliness
    wb = openpyxl.load_workbook(prepared_run / "action_plans" / "transportation.xlsx")
    assert wb.sheetnames == ["Action plan", "About"]
    ws = wb["Action plan"]
    header = [c.value for c in ws[1]]
    for name in ("Goal", "Tactic", "Owner", "Leading indicator", "90-day check", "Status"):
        assert name in header
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(focus)
    check = dt.date.fromisoformat(run["date"]) + dt.timedelta(days=90)
    instrument = load_instrument(run["instrument"])
    for row, item in zip(rows, focus.itertuples(), strict=True):
        assert row["Statement"] == instrument.item_text(item.item)
        # goals sized to the group (#15): a share goal from the shown % favorable, or a count goal
        assert row["Goal"].startswith((f"From {item.pct_favorable:.0f}% to ", "Count goal: ")), row[
            "Goal"
        ]
        assert row["Tactic"] and row["Owner"] and row["Leading indicator"]
        assert isinstance(row["90-day check"], dt.datetime) and row["90-day check"].date() == check
    assert ws[1][0].font.bold
    assert ws.cell(row=2, column=header.index("Tactic") + 1).alignment.wrap_text
    assert ws.column_dimensions["F"].width >= 30  # the Tactic column (F) has room
    assert (
        ws.cell(row=2, column=header.index("90-day check") + 1).number_format == "mmmm d, yyyy"
    )  # US: "February 20, 2027"
    assert ws.freeze_panes == "E2"  # department, rank, statement id and statement stay in view


def test_action_plan_csv_matches(published, prepared_run, run, cache):
    plan = pd.read_csv(prepared_run / "action_plans" / "transportation.csv")
    focus = _now(cache["focus"], run, "Transportation").sort_values("rank")
    assert list(plan.columns) == [
        "department",
        "rank",
        "item",
        "area",
        "statement",
        "goal",
        "goal_kind",
        "n",
        "favorable_now",
        "favorable_target",
        "target_pct",
        "tactics",
        "tactic_id",
        "why",
        "choice",
        "owner",
        "leading_indicator",
        "check_date",
    ]
    assert plan["rank"].tolist() == focus["rank"].tolist()
    assert plan["check_date"].nunique() == 1
    share = plan["goal_kind"] == "share"
    assert plan.loc[share, "goal"].str.contains("by the next survey").all()
    assert plan.loc[~share, "goal"].str.startswith("Count goal: ").all()
    # the people in the goal add up: target - now more of n (the figures beside it)
    for row in plan.itertuples():
        assert f"{row.favorable_target - row.favorable_now} more of your {row.n} " in row.goal


def test_rollout_page_in_plain_words(published, prepared_run, run, cache):
    html = (prepared_run / "rollout" / "transportation.html").read_text(encoding="utf-8")
    text = _text(html)
    for heading in ("What we heard", "What we will do", "When we will check"):
        assert f"<h2>{heading}</h2>" in html
    # Transportation's first focus item (sample, 2026-fall): 23% favorable on response time
    assert (
        "23% of the people we serve agree that our department responds to their requests "
        "within a reasonable time"
    ) in text
    assert len(re.findall(r"<li>\d+% of the people we serve agree", html)) == 3  # strengths
    # the plan's goals, in people (#15)
    assert len(re.findall(r"about \d+ more of the \d+ who answered", text)) == 3
    assert (
        "February 20, 2027" in text
    )  # US date; report_date 2026-11-22 (pinned in support.py) + 90 days
    # self-contained and printable: no script, no external resource, print CSS
    assert "<script" not in html and "http" not in html and "<link" not in html
    assert "@page" in html and "break-inside: avoid" in html


def test_rollout_shows_no_suppressed_figure(published, prepared_run, run, cache):
    for dept in run["departments"]:
        items = _now(cache["items"], run, dept["name"])
        shown = items[~items["suppressed"]]
        allowed = {round(v) for v in shown["pct_favorable"]}
        plan = pd.read_csv(prepared_run / "action_plans" / f"{dept['slug']}.csv")
        # plan targets (#15): the favorable count to aim for, of the same n, as a whole %
        allowed |= {
            round(100 * t / n) for t, n in zip(plan["favorable_target"], plan["n"], strict=True)
        }
        resp = _now(cache["respondents"], run, dept["name"])
        allowed |= {round(v) for v in resp.loc[~resp["suppressed"], "response_rate"].dropna()}
        text = _text(
            (prepared_run / "rollout" / f"{dept['slug']}.html").read_text(encoding="utf-8")
        )
        figures = {int(x) for x in re.findall(r"(\d+)%", text)}
        assert figures <= allowed, (dept["name"], figures - allowed)
        if shown.empty:
            assert figures == set() and "Results are not shown" in text, dept["name"]


def test_small_department_gets_not_shown_page(published, prepared_run, run, cache):
    items = _now(cache["items"], run, "Internal Audit")
    assert items["suppressed"].all()  # the sample's Internal Audit is below min_n
    text = _text((prepared_run / "rollout" / "internal-audit.html").read_text(encoding="utf-8"))
    assert "Results are not shown for Internal Audit" in text
    # the one "not shown" sentence of every page: it does not tell which rule hid the results
    assert (
        f"fewer than {run['min_n']} answers, or hidden so that a smaller group cannot be worked out"
        in text
    )
    assert "people answered" not in text
    assert not re.search(r"\d+%", text) and "people answered (" not in text
    plan = pd.read_csv(prepared_run / "action_plans" / "internal-audit.csv")
    assert plan.empty
    wb = openpyxl.load_workbook(prepared_run / "action_plans" / "internal-audit.xlsx")
    assert wb["Action plan"].max_row == 1  # header only: nothing to plan on
    assert "Results are not shown" in " ".join(str(c.value) for c in wb["About"]["B"])


def test_only_some_departments(prepared_run, tmp_path):
    import shutil

    shutil.copytree(prepared_run / "cache", tmp_path / "cache")
    written = publish_extras(tmp_path, only=["finance", "Internal Audit"])
    assert sorted(p.name for p in written) == sorted(
        f"{s}.{x}" for s in ("finance", "internal-audit") for x in ("xlsx", "csv", "html")
    )


def test_check_date_uses_next_survey_when_given(prepared_run, run):
    instrument = load_instrument(run["instrument"])
    tables = department_tables(prepared_run, "Finance", run["wave"])
    with_survey = {**run, "next_survey": "2027-spring pulse"}
    for r, expected in ((run, "On February 20, 2027"), (with_survey, "2027-spring pulse")):
        plan = plan_for(tables, instrument, department="Finance", run=r)
        page = build_rollout(
            r,
            instrument,
            department="Finance",
            plan=plan,
            **{k: tables[k] for k in ("items", "focus", "respondents")},
        )
        assert expected in page.check
        assert expected in render_rollout(page)


def test_plain_words_for_the_team_and_reverse_items():
    # engagement: the team answered about itself; a reverse item is favorable when disagreed with
    assert (
        plain_result(64.6, "I often think about leaving this district.", served=False, reverse=True)
        == "65% of us disagree that we often think about leaving this district"
    )
    assert plain_result(80, "I am proud to work for this district.", served=False) == (
        "80% of us agree that we are proud to work for this district"
    )
