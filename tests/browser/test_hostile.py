"""Hostile input cannot hurt a reader: a real batch (with ``--pdf``) over a district whose names,
instrument texts and comments carry script, markup and Markdown, opened in Chromium with
JavaScript ON. No dialog, no script run, no request, no injected heading or element."""

from __future__ import annotations

import pytest

from districtsurvey.batch.pdf import page_count, print_all
from hostile import HOSTILE_DEPARTMENT, PAYLOADS, hostile_district

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

#: What a payload that ran would leave behind; checked on every page after it loaded.
PROBE = """() => ({
  title: document.title,
  scripts: document.querySelectorAll('script').length,
  frames: document.querySelectorAll('iframe, object, embed').length,
  images: document.querySelectorAll('img').length,
  handlers: [...document.querySelectorAll('*')].flatMap(
      e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  h1: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()),
  headings: [...document.querySelectorAll('h1, h2, h3')].map(h => h.innerText.trim()),
  hidden: getComputedStyle(document.body).display === 'none',
  csp: !!document.querySelector('meta[http-equiv="Content-Security-Policy"]'),
})"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from districtsurvey.batch.run import run_batch

    params = hostile_district(tmp_path_factory.mktemp("hostile"))
    manifest = run_batch(params, jobs=2, quiet=True, pdf=True)
    return params.parent / "run", manifest


def pages(run_dir):
    return [
        run_dir / "index.html",
        *sorted((run_dir / "departments").glob("*.html")),
        *sorted((run_dir / "rollout").glob("*.html")),
    ]


def test_hostile_reports_run_nothing_and_show_the_text(browser, hostile_run, tmp_path):
    run_dir, manifest = hostile_run
    assert manifest["failed"] == [], manifest["failed"]
    context = browser.new_context(java_script_enabled=True)
    dialogs, requests, errors = [], [], []
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file://", "data:"))
            else (requests.append(r.request.url), r.abort())
        ),
    )
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    files = pages(run_dir)
    assert len(files) == 1 + 3 + 3
    try:
        for html in files:
            page.goto(html.as_uri(), wait_until="load")
            page.mouse.move(300, 300)  # hover handlers, had any survived
            got = page.evaluate(PROBE)
            where = html.relative_to(run_dir)
            assert got["title"] != "PWNED", where  # what a payload that ran would set
            assert got["scripts"] == 0 and got["frames"] == 0 and got["images"] == 0, where
            assert got["handlers"] == [], (where, got["handlers"])
            assert not got["hidden"], where
            assert "Injected heading" not in " ".join(got["headings"]), where
            assert len(got["h1"]) <= 1, (where, got["h1"])
            if html.parent.name == "departments":
                assert got["csp"], f"{where}: no Content-Security-Policy"
                text = page.evaluate("document.body.innerText")
                if html.stem == "transportation":  # its comments are shown, as text
                    assert "<script>alert('script')</script>" in text
                    assert "# Focus areas" in text
            if "finance" in html.stem:
                assert got["h1"] and HOSTILE_DEPARTMENT in got["h1"][0] + page.title(), where
    finally:
        context.close()
    assert dialogs == [] and requests == [] and errors == [], (dialogs, requests, errors)


def test_hostile_reports_print_without_running_anything(hostile_run, tmp_path):
    """``run --pdf`` printed every page (JavaScript off); printing again with JavaScript on, as a
    browser's own print would, opens no dialog and makes no request either."""
    run_dir, manifest = hostile_run
    printed = [p for p in manifest["extras"] if p.endswith(".pdf")]
    assert len(printed) == 1 + 3 + 3, printed
    jobs = [(html, tmp_path / f"{k}.pdf") for k, html in enumerate(pages(run_dir))]
    pdfs, incidents = print_all(jobs, javascript=True)
    assert incidents == []
    assert all(page_count(p) >= 1 for p in pdfs)
    from pypdf import PdfReader

    for pdf in pdfs:  # the pasted addresses are text, never a live link
        for page in PdfReader(pdf).pages:
            for annot in page.get("/Annots") or []:
                uri = str(annot.get_object().get("/A", {}).get("/URI", ""))
                assert "example.com" not in uri and not uri.startswith("javascript"), uri


def test_payloads_are_all_there():
    assert len(PAYLOADS) >= 10
