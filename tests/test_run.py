"""A real batch end to end: papermill + nbconvert, manifest, offline HTML without code or ids."""

import json
import re

import pytest

from support import RESPONDENT_ID

pytestmark = pytest.mark.notebook
CODE = re.compile(r'class="[^"]*(?:jp-InputArea-editor|jp-CodeMirrorEditor|highlight)')
URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_batch_writes_every_report_and_the_manifest(small_batch):
    run_dir, manifest = small_batch
    assert manifest["failed"] == []
    slugs = [r["slug"] for r in manifest["reports"]]
    assert slugs == ["index", "transportation", "internal-audit", "finance"]
    assert (run_dir / "index.html").exists()
    for slug in slugs[1:]:
        assert (run_dir / "departments" / f"{slug}.html").exists()
        assert (run_dir / "notebooks" / f"{slug}.ipynb").exists()
    on_disk = json.loads((run_dir / "manifest.json").read_text())
    assert on_disk["reports"] == manifest["reports"]
    assert all(len(i["sha256"]) == 64 for i in on_disk["inputs"])
    assert {"pandas", "papermill", "nbconvert", "python"} <= set(on_disk["versions"])
    assert all(r["status"] == "ok" and r["seconds"] > 0 for r in on_disk["reports"])


def test_html_is_offline_codeless_and_has_no_respondent_data(small_batch):
    run_dir, _ = small_batch
    for html in [run_dir / "index.html", *(run_dir / "departments").glob("*.html")]:
        text = html.read_text(encoding="utf-8")
        assert not URL.search(text), f"{html.name} references the network"
        assert "<script src" not in text
        assert not CODE.search(text) and "report.load(" not in text, f"{html.name} shows code"
        assert not RESPONDENT_ID.search(text)
        assert "respondent_id" not in text


def test_department_report_content(small_batch):
    run_dir, _ = small_batch
    text = (run_dir / "departments" / "transportation.html").read_text(encoding="utf-8")
    for expected in (
        "Transportation",
        "respondents",
        "response rate",
        "Overall",
        "Areas compared with the district",
        "Top strengths",
        "Focus areas",
        "Action plan",
        "Every statement",
        '<svg role="img" aria-label=',
    ):
        assert expected in text, expected
    audit = (run_dir / "departments" / "internal-audit.html").read_text(encoding="utf-8")
    assert "fewer than 5" in audit


def test_index_links_every_department(small_batch):
    run_dir, _ = small_batch
    text = (run_dir / "index.html").read_text(encoding="utf-8")
    for slug in ("transportation", "internal-audit", "finance"):
        assert f'href="departments/{slug}.html"' in text
