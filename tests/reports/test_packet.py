"""A hostile packet: department names, survey labels, the title, statement texts and comments
carry markup, script and formulas; every packet section, the packet summary, the roll-out page
and the plan workbook show them as text (``test_html.check``), never as markup or a formula."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from districtsurvey.batch.packet import publish_packet
from districtsurvey.contracts.packet import load_any
from districtsurvey.prepare.packet import prepare_packet
from districtsurvey.reports import packet, packet_summary, report
from hostile import HOSTILE_DEPARTMENT, HOSTILE_ITEM, HOSTILE_TITLE, hostile_district
from reports.test_html import OURS, Tags, check
from support import SAMPLE

HOSTILE_LABEL = '=HYPERLINK("https://evil.example.com","<b>Team</b>")'


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-packet")
    service = yaml.safe_load(hostile_district(tmp / "service").read_text(encoding="utf-8"))
    ee = pd.read_parquet(SAMPLE / "engagement.parquet")
    ee = ee[ee["department"].isin(["Transportation", "Finance", "Central High School"])].copy()
    ee["department"] = ee["department"].astype(str).replace("Finance", HOSTILE_DEPARTMENT)
    ee.to_parquet(tmp / "ee.parquet", index=False)
    block = {k: service[k] for k in ("instrument", "data", "comments", "wave", "compare_to")}
    params = {
        "name": "hostile-packet",
        "title": HOSTILE_TITLE,
        "surveys": [
            {"label": "Service", **block},
            {
                "label": HOSTILE_LABEL,
                "instrument": "engagement",
                "data": str(tmp / "ee.parquet"),
                "wave": "2026-fall",
            },
        ],
        "report_date": service["report_date"],
        "output": str(tmp / "run"),
    }
    path = tmp / "packet.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return prepare_packet(load_any(path), params_path=str(path))


SECTIONS = [packet.at_a_glance, packet.focus_table, packet.action_plan, packet.methods]


def test_every_packet_section_escapes_what_came_from_data(run_dir):
    p = packet.load(run_dir, HOSTILE_DEPARTMENT)
    shown = []
    for section in SECTIONS:
        parsed = check(section(p)._repr_html_())
        shown.append("".join(parsed.text))
        if section is not packet.at_a_glance:
            assert not [t for t, _ in parsed.tags if t == "h1"], section.__name__
    for r in (p.service, p.team):  # each survey's own sections, called on the packet's reports
        for section in (report.item_table, report.comments, report.strengths):
            shown.append("".join(check(section(r)._repr_html_()).text))
    words = "\n".join(shown)
    assert HOSTILE_DEPARTMENT in words and HOSTILE_TITLE in words and HOSTILE_ITEM in words
    assert HOSTILE_LABEL in words  # the survey's label, as the text it is


def test_the_packet_summary_escapes_what_came_from_data(run_dir):
    k = packet_summary.load(run_dir)
    shown = [
        "".join(check(section(k)._repr_html_()).text)
        for section in (
            packet_summary.at_a_glance,
            packet_summary.plot_quadrant,
            packet_summary.department_links,
        )
    ]
    words = "\n".join(shown)
    assert HOSTILE_TITLE in words and HOSTILE_DEPARTMENT in words


def test_roll_out_page_and_workbook_keep_data_as_text(run_dir):
    written = publish_packet(run_dir)
    slug = packet.load(run_dir, HOSTILE_DEPARTMENT).slug
    page = (run_dir / "rollout" / f"{slug}.html").read_text(encoding="utf-8")
    parsed = Tags(page)
    page_tags = OURS | {*"html head meta title body main header footer section h3 span".split()}
    for tag, attrs in parsed.tags:  # the roll-out template's own elements, nothing from data
        assert tag in page_tags, f"<{tag}> came from data"
        assert not [a for a in attrs if a.startswith("on")], f"event handler on <{tag}>"
    assert page.count("<style>") == 1  # the page's own stylesheet only
    assert HOSTILE_DEPARTMENT in "".join(parsed.text)
    book = load_workbook(run_dir / "action_plans" / f"{slug}.xlsx")
    ws = book.worksheets[0]
    head = [c.value for c in ws[1]]
    surveys = [ws.cell(row=i, column=head.index("Survey") + 1) for i in range(2, ws.max_row + 1)]
    assert surveys, "the hostile department has a focus area"
    for cell in surveys:  # text with Excel's quote prefix, never a formula
        assert cell.data_type == "s" and cell.value in {"Service", HOSTILE_LABEL}
        assert cell.quotePrefix == (cell.value == HOSTILE_LABEL)
    assert any(p.name == f"{slug}.csv" for p in written)
