"""`run --pdf` as a leader gets it: tagged PDFs (a structure tree for screen readers) with an
outline and a title, on US Letter unless the params say A4; department reports on at most four
pages, none before the last more than a third empty; a roll-out page on one page."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

SLUGS = ("transportation", "internal-audit", "finance")  # the departments of `small_batch`
LETTER, A4 = (612, 792), (595, 842)  # points (72 to the inch): 8.5 x 11 in, 210 x 297 mm
MARGIN_PT = 12 / 25.4 * 72  # report.css: @page margin 12 mm


def blank_shares(pdf, *, margin_pt: float = MARGIN_PT) -> list[float]:
    """Per page, the share of the printable height (the page less its top and bottom margins)
    below the lowest drawn pixel: what a reader sees as empty. Rendered with PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    shares = []
    for i in range(len(doc)):
        page = doc[i]
        scale = 1.0  # 72 dpi: one pixel per point
        pixels = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_numpy()
        ink = np.flatnonzero((pixels[..., :3].min(axis=2) < 240).any(axis=1))
        height = pixels.shape[0]
        top, bottom = margin_pt * scale, height - margin_pt * scale
        lowest = ink.max() + 1 if len(ink) else top
        shares.append(round(float(max(0.0, bottom - lowest) / (bottom - top)), 3))
        page.close()
    doc.close()
    return shares


def check_accessible(pdf, title: str) -> PdfReader:
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, f"{pdf.name}: untagged"
    assert bool(root["/MarkInfo"]["/Marked"]), f"{pdf.name}: not marked as tagged"
    assert len(reader.outline) >= 1, f"{pdf.name}: no outline"
    assert (reader.metadata or {}).get("/Title") == title, f"{pdf.name}: title"
    return reader


def same_size(reader: PdfReader, paper: tuple[int, int]) -> bool:
    """Every page is ``paper`` to within a point (Chromium's A4 is 595.92 x 842.88 pt)."""
    return all(
        abs(float(p.mediabox.width) - paper[0]) <= 1
        and abs(float(p.mediabox.height) - paper[1]) <= 1
        for p in reader.pages
    )


def html_title(html) -> str:
    return re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8"), re.S).group(1)


@pytest.fixture(scope="module")
def letter(small_batch, browser):
    """The small batch's PDFs as `run --pdf` prints them with the params' default paper."""
    from districtsurvey.batch.publish import publish_extras

    run_dir, _ = small_batch
    publish_extras(run_dir, pdf=True)
    return run_dir


@pytest.fixture(scope="module")
def a4(small_batch, browser, tmp_path_factory):
    """The same run with `paper: a4` in its params, printed again in a copy of the folder."""
    from districtsurvey.batch.publish import publish_extras

    run_dir, _ = small_batch
    copy = tmp_path_factory.mktemp("a4") / "run"
    shutil.copytree(run_dir, copy, ignore=shutil.ignore_patterns("*.pdf"))
    path = copy / "cache" / "run.json"
    run = json.loads(path.read_text(encoding="utf-8"))
    run["params"]["paper"] = "a4"
    path.write_text(json.dumps(run), encoding="utf-8")
    publish_extras(copy, pdf=True)
    return copy


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_pdfs_are_tagged_with_an_outline_a_title_and_the_papers_size(letter, a4, paper):
    run_dir, expected = (letter, LETTER) if paper == "letter" else (a4, A4)
    files = [run_dir / "index.html"]
    files += [run_dir / "departments" / f"{s}.html" for s in SLUGS]
    files += [run_dir / "rollout" / f"{s}.html" for s in SLUGS]
    for html in files:
        reader = check_accessible(html.with_suffix(".pdf"), html_title(html))
        assert same_size(reader, expected), f"{html.name}: {reader.pages[0].mediabox} on {paper}"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_reports_fill_their_pages(letter, a4, paper):
    run_dir = letter if paper == "letter" else a4
    for slug in SLUGS:
        pdf = run_dir / "departments" / f"{slug}.pdf"
        shares = blank_shares(pdf)
        assert 1 <= len(shares) <= 4, f"{slug}: {len(shares)} {paper} pages"
        assert max(shares[:-1], default=0) <= 1 / 3, f"{slug} on {paper}: empty shares {shares}"
        rollout = run_dir / "rollout" / f"{slug}.pdf"
        assert len(PdfReader(str(rollout)).pages) == 1, f"{slug} roll-out page on {paper}"


def test_blank_share_measures_what_is_drawn(tmp_path, browser):
    """The measure itself: a page with a line at the top is almost all empty, a full one is not."""
    page = browser.new_page()
    try:
        page.set_content(
            "<style>@page{margin:12mm} p{margin:0}</style><p>One line.</p>"
            '<div style="break-before:page;height:250mm;background:#000"></div>'
        )
        (tmp_path / "t.pdf").write_bytes(page.pdf(format="Letter", print_background=True))
    finally:
        page.close()
    first, second = blank_shares(tmp_path / "t.pdf")
    assert first > 0.95 and second < 0.05


def test_paper_option_refuses_an_unknown_size(tmp_path):
    from typer.testing import CliRunner

    from districtsurvey.cli import app
    from support import write_params

    result = CliRunner().invoke(app, ["run", str(write_params(tmp_path)), "--paper", "legal"])
    assert result.exit_code == 1
    assert "unknown paper size 'legal'" in result.output and "letter or a4" in result.output
