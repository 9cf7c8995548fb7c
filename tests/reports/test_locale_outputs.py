"""What a leader reads in each locale (#14), read from real runs' outputs: every one of our own
words British in an en-GB run (district summary, department and packet reports, roll-out pages,
plan workbooks and CSVs) and American in an en-US run, words from data never respelled, each
page's ``lang``, and pulse waves named in words.

How the scan tells our words from data (an oracle that imports nothing of the package): every
string of the run's inputs is read naively — the instruments' YAML values, the group names of
the tidy data, comments, headcounts, benchmark sources, last round's plan workbooks (every cell),
the params' title and survey labels. In a page's text those strings are removed first (exact,
case-sensitive); a spelling left over still counts as data when it and the three words on one
side of it come together in an input (a comment or a leader's note, shown redacted: "I want to
recognize [name] ..." is the comment "I want to recognize Ana ..."). Everything else is ours.
A run's own plan workbooks are scanned without last round's plans among the data: their tactics
are this round's library words, never a leader's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from support import REPORT_DATE, ROOT, leader_reads

pytestmark = pytest.mark.notebook

LOCALES = ROOT / "lib" / "districtsurvey" / "reports" / "locale"
PULSE_ID = re.compile(r"\b\d{4}-\d{2}-pulse\b", re.I)
#: the single-survey units: Transportation and Enrollment ran the September pulse (its file) and
#: have last round's plans; Internal Audit has neither. "Enrollment" is a name from data
SS_UNITS = ["Transportation", "Enrollment", "Internal Audit"]
#: the packet's units: two of both surveys (Transportation with a pulse), one school
PACKET_UNITS = ["Transportation", "Finance", "Central High School"]
#: the columns of last round's plan workbooks a report shows back (the follow-up, roll-out page)
#: our words after a reverse-worded statement's text (contracts/labels.py), written in US English
REVERSED = "(% who disagree — favorable)"
PLAN_SHOWN = ("Department", "Statement", "Tactic", "Leading indicator", "Owner", "Status", "Notes")


def other_spellings(locale_id: str) -> list[str]:
    """The words a locale must never show in our words: its spelling list's keys (en-GB.yml
    maps US words to British ones)."""
    data = yaml.safe_load((LOCALES / f"{locale_id}.yml").read_text(encoding="utf-8"))
    return sorted(data["spelling"])


def _absolute(value, base: Path):
    if isinstance(value, list):
        return [_absolute(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _absolute(v, base) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("../"):
        return str((base / value).resolve())
    return value


def british_copy(folder: Path, name: str, units: list[str]) -> Path:
    """``params/<name>`` as a coach would copy it with ``locale: en-GB``: a few units, the
    report date pinned, the output in ``folder``."""
    raw = _absolute(yaml.safe_load((ROOT / "params" / name).read_text()), ROOT / "params")
    raw.update(locale="en-GB", departments=units, report_date=REPORT_DATE)
    raw["output"] = str(folder / "run")
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def british(tmp_path_factory) -> dict[str, Path]:
    """The single-survey demo (with its pulse and last round's plans) and the packet demo, both
    copied with ``locale: en-GB`` and run as a coach runs them (notebooks, HTML, plans)."""
    from districtsurvey.batch.run import run_batch

    out = {}
    for key, name, units in (
        ("single", "support-services-demo.yml", SS_UNITS),
        ("packet", "demo.yml", PACKET_UNITS),
    ):
        folder = tmp_path_factory.mktemp(f"gb-{key}")
        manifest = run_batch(british_copy(folder, name, units), jobs=2, quiet=True)
        assert all(r["status"] == "ok" for r in manifest["reports"]), manifest["reports"]
        out[key] = folder / "run"
    return out


def _run(run_dir: Path) -> dict:
    return json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _files(value) -> list[str]:
    value = value if isinstance(value, list) else [value] if value else []
    return [v["path"] if isinstance(v, dict) else v for v in value]


def input_strings(run_dir: Path, *, plans: bool = True) -> list[str]:
    """Every string the run's inputs hold that a page could show (see the module docstring);
    the inputs are the files the run's params name (``run.json``), read with pandas and yaml."""
    params = _run(run_dir)["params"]
    blocks = params.get("surveys") or [params]
    out = set(_strings({k: params.get(k) for k in ("title", "name")}))
    for b in blocks:
        out |= set(_strings(b.get("label")))
        ins = str(b["instrument"])
        ins_path = Path(ins) if ins.endswith(".yml") else ROOT / "data/instruments" / f"{ins}.yml"
        out |= set(_strings(yaml.safe_load(ins_path.read_text(encoding="utf-8"))))
        keys = ("data", "comments", "headcounts", "benchmarks")
        files = [f for k in keys for f in _files(b.get(k))]
        out |= {Path(f).name for f in files}  # Methods lists its sources by file name
        for path in _files(b.get("data")):
            t = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
            for col in ("department", "role", "site"):
                out |= set(t[col].dropna().astype(str)) if col in t else set()
        for key, col in (
            ("comments", "text"),
            ("headcounts", "department"),
            ("benchmarks", "source"),
        ):
            for path in _files(b.get(key)):
                t = pd.read_csv(path)
                out |= set(t[col].dropna().astype(str)) if col in t else set()
        for path in sorted(Path(b["plans"]).glob("*.xlsx")) if plans and b.get("plans") else []:
            out.add(path.name)
            rows = list(load_workbook(path)["Action plan"].iter_rows(values_only=True))
            for row in rows[1:]:  # what the follow-up shows back of a leader's plan
                shown = dict(zip(rows[0], row, strict=False))
                out |= {str(shown[k]) for k in PLAN_SHOWN if shown.get(k)}
    # a plan's Statement cell ends in our words after a reverse-worded statement: not data
    out = {s.replace(REVERSED, "").strip() for s in out}
    return sorted(s for s in out if len(s.strip()) > 2)


def _words(text: str) -> str:
    return re.sub(r"\W+", " ", text).lower().strip()


def our_spellings(text: str, words: list[str], data: list[str]) -> list[str]:
    """The places in ``text`` where one of ``words`` is in our words, not data (with context)."""
    text = " ".join(text.split())
    for s in sorted({" ".join(d.split()) for d in data}, key=len, reverse=True):
        text = text.replace(s, " ¦ ")
    corpus = "\n".join(_words(d) for d in data)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I)
    found = []
    for m in pattern.finditer(text):
        before = _words(text[: m.start()]).split()[-3:]
        after = _words(text[m.end() :]).split()[:3]
        word = m.group().lower()
        if len(before) == 3 and " ".join([*before, word]) in corpus:
            continue
        if len(after) == 3 and " ".join([word, *after]) in corpus:
            continue
        found.append(text[max(0, m.start() - 60) : m.end() + 30])
    return found


def scan(run_dir: Path, locale_id: str) -> dict[str, list[str]]:
    """Per file of the run, our words spelled the other locale's way (empty lists: clean)."""
    words = other_spellings(locale_id)
    data, ours = input_strings(run_dir), input_strings(run_dir, plans=False)
    out = {}
    for name, text in leader_reads(run_dir, csv=True).items():
        hits = our_spellings(text, words, ours if name.startswith("action_plans/") else data)
        if hits:
            out[name] = hits
    return out


@pytest.mark.parametrize("kind", ["single", "packet"])
def test_an_en_gb_run_is_british_in_every_word_of_ours(british, kind):
    run_dir = british[kind]
    texts = leader_reads(run_dir, csv=True)
    units = len(SS_UNITS if kind == "single" else PACKET_UNITS)
    assert len(texts) == 1 + 4 * units  # index, reports, roll-out pages, workbooks, CSVs
    assert scan(run_dir, "en-GB") == {}
    # not vacuous: the British words are there, in every page and in the plans (Internal
    # Audit's results are all hidden: its workbook has no plan row to word)
    british = re.compile(r"\bfavourabl[ey]\b")
    for name, text in texts.items():
        assert british.search(text) or not name.endswith(".html"), name
    for kind in (".xlsx", ".csv"):
        assert sum(bool(british.search(t)) for n, t in texts.items() if n.endswith(kind)) >= 2


@pytest.mark.parametrize("fixture", ["small_batch", "packet_run"])
def test_an_en_us_run_is_american_in_every_word_of_ours(request, fixture):
    run_dir = request.getfixturevalue(fixture)
    run_dir = run_dir[0] if isinstance(run_dir, tuple) else run_dir
    assert scan(run_dir, "en-US") == {}
    assert "favorable" in leader_reads(run_dir)["index.html"]


def test_data_is_never_respelled(british):
    """Words from data keep their spelling in an en-GB run: the US words the inputs hold (a
    department's site, a comment, a leader's tactic of last round) appear as written, never
    respelled in the context they came with."""
    us = other_spellings("en-GB")
    respell = yaml.safe_load((LOCALES / "en-GB.yml").read_text(encoding="utf-8"))["spelling"]
    shown = 0
    for run_dir in british.values():
        pages = {k: " ".join(v.split()) for k, v in leader_reads(run_dir).items()}
        every = _words(" ".join(pages.values()))
        for s in input_strings(run_dir):
            for m in re.finditer(r"\b(" + "|".join(us) + r")\b", s, re.I):
                window = _words(s[max(0, m.start() - 25) : m.end() + 25])
                if len(window.split()) < 4:
                    continue
                british_window = re.sub(
                    r"\b(" + "|".join(us) + r")\b", lambda w: respell[w.group().lower()], window
                )
                assert british_window not in every, (s, british_window)
                shown += window in every
    assert shown >= 1  # at least one such data string is shown, as written
    single = leader_reads(british["single"])  # the department named "Enrollment", as named
    assert "Enrollment" in single["departments/enrollment.html"]
    assert not any("Enrolment" in text for text in single.values())


def _html_files(run_dir: Path) -> list[Path]:
    return [
        run_dir / "index.html",
        *run_dir.glob("departments/*.html"),
        *run_dir.glob("rollout/*.html"),
    ]


def test_every_page_says_its_language(british, small_batch, packet_run):
    runs = {"en-GB": list(british.values()), "en-US": [small_batch[0], packet_run]}
    for lang, folders in runs.items():
        for run_dir in folders:
            pages = _html_files(run_dir)
            assert len(pages) > 3
            for page in pages:
                html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("html")
                assert html.get("lang") == lang, page


def test_a_pulse_is_named_in_words_and_no_wave_by_its_id(british):
    """The September 2026 pulse of the sample (``2026-09-pulse``) reads "September 2026 pulse"
    in the follow-up (its words, its chart's axis and data table); no page, workbook or CSV
    names any wave of the run by its id (the About sheet's 'Wave' row aside)."""
    pulse = pd.read_parquet(ROOT / "data/sample/support_services_pulse.parquet")
    assert set(pulse["wave"]) == {"2026-09-pulse"}
    for run_dir in british.values():
        run = _run(run_dir)
        sub = [_run(run_dir / s["run_dir"]) for s in run.get("surveys", [])] or [run]
        ids = {w for r in sub for w in [*r["waves"], *r.get("timeline", []), *r.get("pulses", [])]}
        assert "2026-09-pulse" in ids
        raw = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])", re.I)
        texts = leader_reads(run_dir, csv=True)
        for name, words in texts.items():
            assert not PULSE_ID.search(words), (name, PULSE_ID.search(words).group())
            found = [words[max(0, m.start() - 40) : m.end() + 10] for m in raw.finditer(words)]
            assert not found, (name, found[:3])
        report = texts["departments/transportation.html"]
        # the pulse's line, in British spelling: "September 2026 pulse: 58% favourable — ..."
        assert re.search(r"September 2026 pulse: \d+% favourable — \d+ answered", report), report
        soup = BeautifulSoup(
            (run_dir / "departments/transportation.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        svg_text = " ".join(t.get_text(" ") for t in soup.select("section.ds-follow svg text"))
        assert "September 2026" in svg_text and "Autumn 2026" in svg_text, svg_text[:300]
