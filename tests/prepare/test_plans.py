"""Last round's plans come back: edited workbooks read, checked, and shown in the follow-up."""

from __future__ import annotations

import re
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtsurvey.batch.publish import publish_extras
from districtsurvey.cli import app
from districtsurvey.prepare.run import prepare
from districtsurvey.reports import report
from support import SAMPLE, write_params

runner = CliRunner()
#: a leader's note naming a colleague, with contact details and markup (#15: notes are redacted)
HOSTILE = (
    "Blocked by Dana Whitfield (555-201-3344, dana.whitfield@rusd.k12.us), employee number "
    "48213; ask Mr. Okafor <script>alert(1)</script>"
)
EDITS = {  # what Transportation's leader wrote into last round's plan
    1: {"Status": "Done", "% complete": 100, "Owner": "Pat Lee", "Notes": "<b>bold</b> & done",
        "Indicator 2026-12": 40, "Indicator 2027-01": 55, "Indicator 2027-02": "70%"},
    2: {"Status": "dropped", "% complete": 20},
    3: {"Status": "In progress", "% complete": 50, "Indicator 2026-12": 3, "Notes": HOSTILE},
}  # fmt: skip


def edit_plan(path, edits: dict[int, dict], *, sheet: str = "Action plan") -> None:
    """Write edits into a plan workbook as a leader would: {rank: {header: value}}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        rank = ws.cell(row=r, column=head.index("Rank") + 1).value
        for header, value in edits.get(rank, {}).items():
            ws.cell(row=r, column=head.index(header) + 1).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def round1(tmp_path_factory):
    """The sample's spring round, published: the plans leaders then edit."""
    folder = tmp_path_factory.mktemp("round1")
    run = prepare(write_params(folder, wave="2026-spring", compare_to=None))
    publish_extras(run)
    return run


@pytest.fixture(scope="module")
def round2(round1, tmp_path_factory):
    folder = tmp_path_factory.mktemp("round2")
    plans = folder / "plans"
    shutil.copytree(round1 / "action_plans", plans)
    edit_plan(plans / "transportation.xlsx", EDITS)
    run = prepare(write_params(folder, plans=str(plans)))
    publish_extras(run)
    return run


def test_edits_are_read_back_into_the_cache(round1, round2):
    plans = pd.read_parquet(round2 / "cache" / "plans.parquet")
    mine = plans[plans["department"] == "Transportation"].set_index("rank")
    written = pd.read_csv(round1 / "action_plans" / "transportation.csv").set_index("rank")
    assert mine["item"].tolist() == written["item"].tolist()
    assert mine["tactics"].tolist() == written["tactics"].tolist()
    assert mine["status"].tolist() == [
        "Done",
        "Dropped",
        "In progress",
    ]  # "dropped" read as Dropped
    assert mine["pct_complete"].tolist() == [100, 20, 50]
    assert mine.loc[1, "owner"] == "Pat Lee" and mine.loc[1, "notes"] == "<b>bold</b> & done"
    untouched = plans[plans["department"] == "Finance"]
    assert set(untouched["status"]) == {"Not started"}
    values = pd.read_parquet(round2 / "cache" / "plan_indicators.parquet")
    mine = values[values["department"] == "Transportation"].sort_values(["rank", "month"])
    assert mine[["rank", "month", "value"]].values.tolist() == [
        [1, "2026-12", 40.0], [1, "2027-01", 55.0], [1, "2027-02", 70.0], [3, "2026-12", 3.0]
    ]  # fmt: skip


def test_follow_up_shows_plan_status_indicator_and_movement(round2):
    r = report.load(round2, "transportation")
    html = report.follow_up(r)._repr_html_()
    text = re.sub(r"\s+", " ", re.sub(r"<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S))
    plans = r.plans.set_index("rank")
    for f in r.follow_up.to_dict("records"):
        plan = r.plans[r.plans["item"] == f["item"]].iloc[0]
        assert f"Planned: {plan['tactics']}" in text.replace("&#39;", "'")
        # the honest-change words come from the cache's follow-up row
        now, before = round(f["pct_favorable"]), round(f["prev_pct_favorable"])
        assert f"How it moved: {before}% → {now}% " in text
    assert "Status: Done, 100% complete" in text and "Status: Dropped, 20% complete" in text
    assert "Notes: &lt;b&gt;bold&lt;/b&gt; &amp; done" in html and "<b>bold" not in html
    assert html.count("<svg") == 2  # ranks 1 and 3 wrote indicator values
    # the chart's data table holds the values the leader wrote, by month
    assert re.search(
        r"<td>Dec 2026</td><td>40</td>\s*</tr>\s*<tr><td>Jan 2027</td><td>55</td>", html
    )
    assert plans.loc[2, "status"] == "Dropped"


def test_next_plan_skips_tactics_done_or_dropped(round1, round2):
    before = pd.read_csv(round1 / "action_plans" / "transportation.csv")
    now = pd.read_csv(round2 / "action_plans" / "transportation.csv")
    finished = set(before.loc[before["rank"].isin([1, 2]), "tactics"])  # Done, Dropped
    assert not finished & set(now["tactics"])
    kept = before.loc[before["rank"] == 3]  # In progress: may be kept when its item is focus again
    for row in now.itertuples():
        if row.item in kept["item"].tolist():
            assert row.tactics == kept["tactics"].iloc[0]
        if row.item in set(before.loc[before["rank"].isin([1, 2]), "item"]):
            assert "done or dropped last round" in row.choice


def _broken(round1, tmp_path, change) -> CliRunner:
    plans = tmp_path / "plans"
    shutil.copytree(round1 / "action_plans", plans)
    change(plans)
    return runner.invoke(app, ["run", str(write_params(tmp_path, plans=str(plans)))])


def _set(path, sheet, cell, value):
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def _bomb(path, megabytes: int = 96) -> None:
    """A decompression bomb in a plan's place: its first sheet is ``megabytes`` of one repeated
    row once unpacked, under a megabyte on disk."""
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Done</t></is></c></row>' * 16_384
    with zipfile.ZipFile(path) as old:
        parts = {info: old.read(info) for info in old.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts.items():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info, data)
                continue
            with new.open(info.filename, "w", force_zip64=True) as f:
                f.write(data[: data.index(b"<sheetData>") + len(b"<sheetData>")])
                for _ in range(megabytes * 2**20 // len(row)):
                    f.write(row)
                f.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2**20


def _about(path, label, value):
    """The About sheet's value beside ``label`` (found by its label: rows may be added)."""
    wb = openpyxl.load_workbook(path)
    row = next(r for r in wb["About"].iter_rows() if r[0].value == label)
    row[1].value = value
    wb.save(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: edit_plan(p / "finance.xlsx", {1: {"Status": "Finished"}}),
         ["finance.xlsx, sheet 'Action plan', row 2, column Status: 'Finished' is not a status"]),
        (lambda p: edit_plan(p / "finance.xlsx", {2: {"% complete": 150}}),
         ["finance.xlsx, sheet 'Action plan', row 3, column % complete: 150 is not a number from 0 to 100"]),
        (lambda p: edit_plan(p / "finance.xlsx", {1: {"Indicator 2027-01": "lots"}}),
         ["row 2, column Indicator 2027-01: 'lots' is not a number"]),
        (lambda p: edit_plan(p / "finance.xlsx", {1: {"60-day check": "soon"}}),
         ["row 2, column 60-day check: 'soon' is not a date"]),
        (lambda p: _about(p / "finance.xlsx", "Survey id", "engagement"),
         ["finance.xlsx, sheet 'About'", "for the survey 'engagement', not 'support_services'"]),
        (lambda p: _about(p / "finance.xlsx", "Wave", "2025-fall"),
         ["finance.xlsx, sheet 'About'", "for the round '2025-fall', not '2026-spring'"]),
        (lambda p: shutil.copy(p / "transportation.xlsx", p / "finance.xlsx"),
         ["finance.xlsx, sheet 'About': the file is named for Finance but holds the plan of Transportation"]),
        (lambda p: shutil.copy(p / "finance.xlsx", p / "finance (edited).xlsx"),
         ["a second plan for Finance"]),
        (lambda p: _set(p / "finance.xlsx", "Action plan", "J1", "State"),
         ["finance.xlsx, sheet 'Action plan', row 1: column 'Status' is missing"]),
        (lambda p: (p / "finance.xlsx").write_text("not a workbook"),
         ["finance.xlsx: not an .xlsx workbook that can be read"]),
        (lambda p: _bomb(p / "finance.xlsx"),
         ["finance.xlsx: the workbook unpacks to 9", "MB on disk (limit 32 MB): refused before "
          "reading", "far larger than an action plan"]),
    ],
)  # fmt: skip
def test_a_broken_workbook_is_one_message_exit_1_nothing_written(
    round1, tmp_path, change, expected
):
    res = _broken(round1, tmp_path, change)
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    for text in expected:
        assert text in res.output, (text, res.output)
    assert not (tmp_path / "run" / "cache" / "run.json").exists()


def test_a_missing_plans_folder_is_refused(tmp_path):
    res = runner.invoke(app, ["run", str(write_params(tmp_path, plans=str(tmp_path / "nope")))])
    assert res.exit_code == 1 and "plans folder not found" in res.output


def test_district_rollup_counts_statuses_and_compares_moves(round1, round2):
    from districtsurvey.reports import summary

    html = summary.plan_rollup(summary.load_district(round2))._repr_html_()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # oracle: round 1's plan rows (its CSVs) with Transportation's three edits
    rows = pd.concat(pd.read_csv(p) for p in sorted((round1 / "action_plans").glob("*.csv")))
    others = int((rows["department"] != "Transportation").sum())
    for status, n in (("Not started", others), ("In progress", 1), ("Done", 1), ("Dropped", 1)):
        assert f"{status} {n} " in text + " ", (status, n, text)
    # how the Done statement moved: the cache's follow-up row of Transportation's rank 1 item
    follow = pd.read_parquet(round2 / "cache" / "follow_up.parquet")
    done_item = rows[(rows["department"] == "Transportation") & (rows["rank"] == 1)]["item"].iloc[0]
    f = follow[(follow["department"] == "Transportation") & (follow["item"] == done_item)].iloc[0]
    change = round(f["pct_favorable"]) - round(f["prev_pct_favorable"])
    up = int(f["change_flag"] == "up")
    signed = "0" if change == 0 else f"{change:+d}"
    assert (
        f"Statements with a plan marked Done: {signed} point{'s' if abs(change) != 1 else ''} "
        f"on average over 1 statement, {up} significantly up."
    ) in text
    assert "does not show that a plan caused the change" in text


def _page(run, slug) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    html = (run / "rollout" / f"{slug}.html").read_text(encoding="utf-8")
    return html, re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text(" "))


def test_rollout_says_what_we_said_and_what_we_did(round1, round2):
    import yaml

    from support import ROOT

    html, text = _page(round2, "transportation")
    assert "Last time we said, here is what we did (Spring 2026)" in text
    said = pd.read_csv(round1 / "action_plans" / "transportation.csv").sort_values("rank")
    status = {1: "Done, 100% complete", 2: "Dropped, 20% complete", 3: "In progress, 50% complete"}
    for row in said.itertuples():
        assert f"We said: {row.tactics}. What we did: {status[row.rank]}" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; done" in html  # the leader's note, escaped
    # three questions per focus area (data/tactics/discussion.yml), once per area
    questions = yaml.safe_load((ROOT / "data" / "tactics" / "discussion.yml").read_text())
    now = pd.read_csv(round2 / "action_plans" / "transportation.csv")
    ins = yaml.safe_load((ROOT / "data" / "instruments" / "support_services.yml").read_text())
    dims = {i["id"]: i["dimension"] for i in ins["items"]}
    for area in {dims[i] for i in now["item"]}:
        for q in questions["by_area"][area]:
            assert text.count(q) == 1, q
    _, first = _page(round1, "transportation")
    assert "Last time we said" not in first  # round 1 had no earlier plan


def test_shout_outs_only_from_report_safe_recognition_comments(round2):
    import json

    run = json.loads((round2 / "cache" / "run.json").read_text())
    comments = pd.read_parquet(round2 / "cache" / "comments.parquet")
    resp = pd.read_parquet(round2 / "cache" / "respondents.parquet")
    recog = comments[comments["question"] == "ss_comment_recognize"]
    raw = pd.read_csv(SAMPLE / "support_services_comments.csv")
    raw = raw[(raw["wave"] == run["wave"]) & (raw["question"] == "ss_comment_recognize")]
    seen = 0
    for dept in run["departments"]:
        _, text = _page(round2, dept["slug"])
        r = resp[(resp["department"] == dept["name"]) & (resp["wave"] == run["wave"])]
        n = r["n"].fillna(0).iloc[0] if len(r) else 0
        mine = recog[(recog["department"] == dept["name"]) & (recog["wave"] == run["wave"])]
        if n < run["comment_min_n"] or mine.empty:
            assert "Shout-outs" not in text, dept["name"]
            for t in raw.loc[raw["department"] == dept["name"], "text"]:
                assert str(t) not in text, (dept["name"], t)
            continue
        section = text.split("Shout-outs", 1)[1].split("When we will check", 1)[0]
        shown = re.findall(r"“([^”]*)”", section)
        assert 1 <= len(shown) <= 3 and set(shown) <= set(mine["text"]), dept["name"]
        seen += 1
    assert seen >= 3


@pytest.mark.browser
def test_rollout_with_last_rounds_plan_still_prints_on_one_page(round2, tmp_path):
    from pypdf import PdfReader

    from districtsurvey.batch.pdf import print_all

    slugs = ["transportation", "assessment-accountability", "information-technology"]
    for paper in ("letter", "a4"):
        jobs = [(round2 / "rollout" / f"{s}.html", tmp_path / f"{s}-{paper}.pdf") for s in slugs]
        print_all(jobs, paper=paper)
        for _, pdf in jobs:
            assert len(PdfReader(str(pdf)).pages) == 1, pdf.name


def test_leaders_notes_are_redacted_like_comments_the_owner_kept(round2):
    """A hostile note: the names, phone, e-mail and staff number it holds reach no page and no
    cache table; its markup is escaped; the owner the leader named is shown as written."""
    plans = pd.read_parquet(round2 / "cache" / "plans.parquet")
    note = plans[(plans["department"] == "Transportation") & (plans["rank"] == 3)]["notes"].iloc[0]
    r = report.load(round2, "transportation")
    follow = report.follow_up(r)._repr_html_()
    rollout, _ = _page(round2, "transportation")
    secrets = ["Dana", "Whitfield", "555-201-3344", "rusd.k12", "48213", "Okafor"]
    for where in (note, follow, rollout):
        for secret in secrets:
            assert secret not in where, secret
    assert note.startswith("Blocked by [name] ([phone], [email]), [id]; ask [name]")
    for page in (follow, rollout):
        assert "Blocked by [name]" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "owner: Pat Lee" in follow  # the owner the leader chose, by name


def test_previous_run_plan_files_of_another_round_or_older_format_are_named(round1, tmp_path):
    """With previous_run, a plan workbook of another round or of the older format is skipped with
    a warning naming the file (kept in run.json, printed by the run), never silently."""
    earlier = tmp_path / "earlier"
    shutil.copytree(round1, earlier)
    plans = earlier / "action_plans"
    _about(plans / "finance.xlsx", "Wave", "2025-fall")  # another round
    wb = openpyxl.load_workbook(plans / "payroll.xlsx")  # the older format: no "Survey id"
    about = wb["About"]
    row = next(c.row for c in about["A"] if c.value == "Survey id")
    about.delete_rows(row)
    wb.save(plans / "payroll.xlsx")
    run = prepare(write_params(tmp_path, previous_run=str(earlier)))
    import json

    warnings = json.loads((run / "cache" / "run.json").read_text())["warnings"]
    assert len(warnings) == 2, warnings
    finance = next(w for w in warnings if "finance.xlsx" in w)
    payroll = next(w for w in warnings if "payroll.xlsx" in w)
    assert "skipped, this plan is for the round '2025-fall', not '2026-spring'" in finance
    assert "skipped, an action plan from before plans were read back" in payroll
    read = set(pd.read_parquet(run / "cache" / "plans.parquet")["department"])
    assert "Finance" not in read and "Payroll" not in read and "Transportation" in read
