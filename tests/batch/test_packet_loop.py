"""The packet's action loop, two real rounds: the sample district's spring 2026 packet (both
surveys, against fall 2025), its workbooks edited with openpyxl as leaders would (statuses,
% complete, indicator values, a note naming a person), then the fall 2026 packet run by the CLI
with `previous_run:` pointing at the spring folder. Checked in what a reader gets (the packet
report, index.html, the roll-out page); expected figures come from the raw sample parquet and the
instrument YAML with naive pandas (no import of the code under test for them)."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from support import ROOT, SAMPLE, districtsurvey_run, packet_params, spring_packet

pytestmark = [pytest.mark.notebook, pytest.mark.slow]
SURVEYS = {"Service": "support_services", "Team": "engagement"}
HEADINGS = {"Service": "How the schools rate our service", "Team": "How our team feels"}
#: what each leader marked, by the row's place in the packet's plan (its rank)
EDITS = {
    1: {"Status": "Done", "% complete": 100, "months": [14, 22, 31, 35]},
    2: {"Status": "In progress", "% complete": 40, "months": [8, 11]},
    3: {"Status": "Dropped", "% complete": 10, "months": [5]},
}
NOTE = "Checked with Mr. Okafor at 555-201-3344 in June"  # a name and a phone the rules hide


def edit(book, *, note_rank: int = 1) -> list[dict]:
    """Mark the workbook's rows as a leader would; returns the rows as edited."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Action plan"]
    head = [c.value for c in ws[1]]
    months = [h for h in head if str(h).startswith("Indicator ")]
    rows = []
    for r in range(2, ws.max_row + 1):
        rank = int(ws.cell(row=r, column=head.index("Rank") + 1).value)
        e = EDITS[rank]
        ws.cell(row=r, column=head.index("Status") + 1).value = e["Status"]
        ws.cell(row=r, column=head.index("% complete") + 1).value = e["% complete"]
        for month, value in zip(months, e["months"], strict=False):
            ws.cell(row=r, column=head.index(month) + 1).value = value
        if rank == note_rank:
            ws.cell(row=r, column=head.index("Notes") + 1).value = NOTE
        rows.append({h: ws.cell(row=r, column=i + 1).value for i, h in enumerate(head)})
    wb.save(book)
    return rows


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    one = tmp_path_factory.mktemp("spring")
    r1 = spring_packet(one)
    edited = {p.stem: edit(p) for p in sorted((r1 / "action_plans").glob("*.xlsx"))}
    two = tmp_path_factory.mktemp("fall")
    districtsurvey_run(packet_params(two, previous_run=str(r1)))
    return r1, two / "run", edited


def _soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" "))


def sections(path) -> dict[str, str]:
    """The packet report's text per survey section: from its h2 heading to the next h2."""
    out, current = {}, None
    for node in _soup(path).find_all(["h2", "p", "li", "td", "th", "caption"]):
        if node.name == "h2":
            heading = _text(node).strip()
            current = next((k for k, h in HEADINGS.items() if heading.startswith(h)), None)
            continue
        if current:
            out[current] = out.get(current, "") + " " + _text(node)
    return out


def favorable(survey: str, dept: str, wave: str, item: str) -> int:
    """% favorable as printed: favorable answers over answers, a reverse-worded statement's
    disagreement counting as favorable (flags read from the instrument's YAML)."""
    spec = yaml.safe_load((ROOT / "data" / "instruments" / f"{survey}.yml").read_text())
    reverse = {i["id"]: bool(i.get("reverse")) for i in spec["items"]}[item]
    raw = pd.read_parquet(SAMPLE / f"{survey}.parquet")
    a = raw[(raw["department"] == dept) & (raw["wave"] == wave) & (raw["item"] == item)]
    a = a["value"].dropna()
    hits = (a <= 2) if reverse else (a >= 4)
    return int(f"{100 * hits.sum() / len(a):.0f}")


def test_each_row_is_followed_up_in_its_survey(loop):
    """Finance and Transportation: every row of the packet's plan in the section of the survey
    its Survey column names, with the status and % complete as edited and how the statement
    moved from spring to fall recomputed from the raw answers; no row in the other section."""
    _, r2, edited = loop
    for slug, dept in (("finance", "Finance"), ("transportation", "Transportation")):
        text = sections(r2 / "departments" / f"{slug}.html")
        assert set(text) == {"Service", "Team"}, slug
        for row in edited[slug]:
            label, other = row["Survey"], ({"Service", "Team"} - {row["Survey"]}).pop()
            e = EDITS[row["Rank"]]
            status = f"Status: {e['Status']}, {e['% complete']}% complete"
            planned = f"Planned: {row['Tactic']}"
            assert planned in text[label] and status in text[label], (slug, row["Rank"])
            assert planned not in text[other], (slug, row["Rank"])
            survey = SURVEYS[label]
            then = favorable(survey, dept, "2026-spring", row["Statement ID"])
            now = favorable(survey, dept, "2026-fall", row["Statement ID"])
            assert f"{then}% → {now}%" in text[label], (slug, row["Statement ID"], then, now)
        # exactly the packet's rows are followed up: one "Planned:" per row, none recomputed
        for label in ("Service", "Team"):
            mine = [r for r in edited[slug] if r["Survey"] == label]
            assert text[label].count("Planned: ") == len(mine), (slug, label)
            assert text[label].count("How it moved: ") == len(mine), (slug, label)


def test_indicator_values_and_notes_are_shown_as_edited_and_redacted(loop):
    _, r2, edited = loop
    html = (r2 / "departments" / "finance.html").read_text(encoding="utf-8")
    first = next(r for r in edited["finance"] if r["Rank"] == 1)
    months = [h for h in first if str(h).startswith("Indicator ")]
    cells = "".join(
        rf"<tr><td>[A-Z][a-z]{{2}} {m[10:14]}</td><td>{v}</td>\s*</tr>\s*"
        for m, v in zip(months, EDITS[1]["months"], strict=False)
    )
    assert re.search(cells.removesuffix(r"\s*"), html), "Done row's indicator values"
    assert "Okafor" not in html and "555-201-3344" not in html
    assert "Notes: Checked with [name] at [phone] in June" in _text(
        _soup(r2 / "departments" / "finance.html")
    )


def test_school_plan_of_one_survey_is_read_in_the_packet_run(loop):
    """The mixed folder: the school's one-survey (engagement) workbook beside the packets'."""
    _, r2, edited = loop
    text = _text(_soup(r2 / "departments" / "central-high-school.html"))
    for row in edited["central-high-school"]:
        e = EDITS[row["Rank"]]
        assert f"Planned: {row['Tactic']}" in text
        assert f"Status: {e['Status']}, {e['% complete']}% complete" in text


def test_district_summary_counts_every_plan_row_in_its_survey(loop):
    """The roll-up's counts per survey and status, counted naively from the edited workbooks
    (a packet row in the survey its Survey cell names; the school's rows in engagement)."""
    _, r2, edited = loop
    counts: dict[tuple[str, str], int] = {}
    for rows in edited.values():
        for row in rows:
            label = row.get("Survey") or "Team"  # the school's workbook is the engagement one
            counts[(label, row["Status"])] = counts.get((label, row["Status"]), 0) + 1
    soup = _soup(r2 / "index.html")
    table = next(
        t for t in soup.find_all("table") if "Last round's plans" in _text(t.find("caption") or t)
    )
    head = [_text(th).strip() for th in table.find("thead").find_all("th")]
    assert head == ["Status", "Service", "Team"], head
    for tr in table.find("tbody").find_all("tr"):
        cells = [_text(c).strip() for c in tr.find_all(["th", "td"])]
        status = cells[0]
        for label, value in zip(head[1:], cells[1:], strict=True):
            assert int(value) == counts.get((label, status), 0), (status, label, value)
    # the loop's 3 units (support.LOOP_UNITS), each kind by its name
    assert "of 2 departments and 1 school," in _text(table.find("caption"))


def test_rollout_page_says_what_was_done_per_survey(loop):
    _, r2, edited = loop
    text = _text(_soup(r2 / "rollout" / "finance.html"))
    assert "Last time we said, here is what we did" in text
    for row in edited["finance"]:
        e = EDITS[row["Rank"]]
        assert (
            f"We said: {row['Tactic']}. What we did: {e['Status']}, {e['% complete']}% complete"
            in text
        )
    assert "Okafor" not in text


def test_next_plans_leave_out_finished_tactics(loop):
    """A statement that is a focus again this round is not offered the tactic its plan marked
    Done or Dropped last round (Transportation's three Service statements are all chosen again
    in the sample, so the check is never empty)."""
    _, r2, edited = loop
    again = 0
    for slug, rows in edited.items():
        ws = openpyxl.load_workbook(r2 / "action_plans" / f"{slug}.xlsx")["Action plan"]
        head = [c.value for c in ws[1]]
        now = {
            r[head.index("Statement ID")]: r[head.index("Tactic")]
            for r in ws.iter_rows(min_row=2, values_only=True)
        }
        for row in rows:
            if row["Statement ID"] in now and row["Status"] in ("Done", "Dropped"):
                again += 1
                assert now[row["Statement ID"]] != row["Tactic"], (slug, row["Statement ID"])
    assert again >= 2


def test_the_first_screen_follows_last_rounds_focus_up_under_each_survey(loop):
    """What prints: the at-a-glance block, per survey, names each of last round's focus
    statements with how it moved and its plan's status as the leader marked it."""
    _, r2, edited = loop
    soup = _soup(r2 / "departments" / "finance.html")
    blocks = {
        label: _text(div)
        for div in soup.select("div.ds-packet-survey")
        for label, heading in HEADINGS.items()
        if _text(div).strip().startswith(heading)
    }
    assert set(blocks) == {"Service", "Team"}
    for row in edited["finance"]:
        label, e = row["Survey"], EDITS[row["Rank"]]
        survey = SURVEYS[label]
        then = favorable(survey, "Finance", "2026-spring", row["Statement ID"])
        now = favorable(survey, "Finance", "2026-fall", row["Statement ID"])
        line = f"{then}% → {now}%"
        status = f"plan: {e['Status']}, {e['% complete']}% complete"
        assert line in blocks[label] and status in blocks[label], (label, row["Statement ID"])
