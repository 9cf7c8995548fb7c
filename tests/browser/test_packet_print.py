"""The packet on paper (`run --pdf`, Letter and A4): each department's packet — both surveys in one
report — within its page limit with no page before the last more than a third empty; a school's
one-survey report within the single-survey limit; tagged PDFs with a title and an outline naming
both surveys; every roll-out page on one page, a packet's (both surveys) too: all 30 of the demo's
in a ``slow`` test. Measured with ``test_pdf.blank_shares``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from .test_pdf import (
    A4,
    LETTER,
    absolute_paths,
    blank_shares,
    check_accessible,
    html_title,
    same_size,
)

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

#: A packet replaces two single-survey reports (at most 4 pages each) with one: both surveys'
#: sections as their own reports print them (about 2 pages each), and once only what they would
#: both print (the first screen and plan, about 1 page; Methods, the rules the surveys share
#: given once, about 1 page). Limit: never longer than the two reports it replaces less one page,
#: 2 x 4 - 1 = 7. Measured on the demo's 30 packets (`run --pdf`, README "The packet on paper"):
#: Letter 3-6 pages but one on 7 (two lines over), A4 3-6; before Methods was printed once and
#: the glance trimmed, 20 of 30 took 7 pages (Letter).
PACKET_PAGES = 7
SINGLE_PAGES = 4
PAPERS = {"letter": LETTER, "a4": A4}


@pytest.fixture(scope="module", params=list(PAPERS))
def printed(request, packet_run, browser, tmp_path_factory):
    """A copy of the packet run printed as `run --pdf` prints it, on each paper."""
    from districtsurvey.batch.packet import publish_packet

    copy = tmp_path_factory.mktemp(request.param) / "run"
    shutil.copytree(packet_run, copy, ignore=shutil.ignore_patterns("*.pdf"))
    path = copy / "cache" / "run.json"
    run = json.loads(path.read_text(encoding="utf-8"))
    run["params"]["paper"] = request.param
    path.write_text(json.dumps(run), encoding="utf-8")
    publish_packet(copy, pdf=True)
    return request.param, copy, run


def titles(outline) -> list[str]:
    """Every entry of a PDF outline, nested ones included (a report's sections are its h1's)."""
    return [t for o in outline for t in (titles(o) if isinstance(o, list) else [str(o.title)])]


def test_packets_fill_their_pages_within_the_limit(printed):
    paper, run_dir, run = printed
    packets = [d for d in run["departments"] if len(d["surveys"]) > 1]
    assert len(packets) >= 3  # Finance, Transportation, Legal Services (hidden in one survey)
    for d in run["departments"]:
        shares = blank_shares(run_dir / "departments" / f"{d['slug']}.pdf")
        limit = PACKET_PAGES if d in packets else SINGLE_PAGES
        assert 1 <= len(shares) <= limit, f"{d['slug']}: {len(shares)} {paper} pages"
        assert max(shares[:-1], default=0) <= 1 / 3, f"{d['slug']} on {paper}: empty {shares}"


def test_packet_pdfs_are_tagged_titled_and_outlined_by_survey(printed):
    paper, run_dir, run = printed
    for d in run["departments"]:
        html = run_dir / "departments" / f"{d['slug']}.html"
        reader = check_accessible(html.with_suffix(".pdf"), html_title(html))
        assert same_size(reader, PAPERS[paper]), f"{d['slug']} on {paper}"
        outline = " · ".join(titles(reader.outline))
        if len(d["surveys"]) > 1:
            assert "How the schools rate our service" in outline, outline
            assert "How our team feels" in outline, outline
        rollout = run_dir / "rollout" / f"{d['slug']}.pdf"
        check_accessible(rollout, html_title(rollout.with_suffix(".html")))
        pages = len(PdfReader(str(rollout)).pages)
        assert pages == 1, f"{d['slug']} roll-out page on {paper}: {pages} pages"
    check_accessible(run_dir / "index.pdf", run["title"])


def demo_packet(folder: Path) -> Path:
    """``params/demo.yml`` (both surveys, last round's plans read back) with its paths made
    absolute and the tests' report date, written into ``folder``."""
    import yaml

    from support import REPORT_DATE, ROOT

    params = yaml.safe_load((ROOT / "params" / "demo.yml").read_text(encoding="utf-8"))
    for block in params["surveys"]:
        absolute_paths(block)
    params.update(report_date=REPORT_DATE, output=str(folder / "run"))
    path = folder / "demo.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.slow
def test_every_packet_roll_out_page_of_the_demo_prints_on_one_page(demo_packet_run, browser):
    """Issue 18: one roll-out page per packet. A packet's page puts both surveys side by side,
    with last round's plans of both ("last time we said": up to six); printed at the single-survey
    page's size, 20 of the demo's 30 took two Letter pages (11 on A4). Prepared and published as
    the batch does (the pages come from the caches; no notebook runs), then printed."""
    from districtsurvey.batch.pdf import page_count, print_all

    run_dir = demo_packet_run
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    packets = [d["slug"] for d in run["departments"] if len(d["surveys"]) > 1]
    assert len(packets) == 30
    long = []
    for paper in PAPERS:
        pages = run_dir / paper
        jobs = [(run_dir / "rollout" / f"{s}.html", pages / f"{s}.pdf") for s in packets]
        written, blocked = print_all(jobs, paper=paper)
        assert len(written) == 30 and blocked == []
        counts = {p.stem: page_count(p) for p in written}
        long += [f"{slug} on {paper}: {n} pages" for slug, n in counts.items() if n > 1]
    assert long == []
