"""US conventions by default, British on request: dates, spelling and wave names of everything a
leader reads (district summary, roll-out pages, action-plan workbooks, department reports)."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from districtsurvey.reports import html, locale, summary
from support import leader_reads, write_params

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
UK_DATE = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b")  # 22 November 2026
US_DATE = re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}\b")  # November 22, 2026
BRITISH = re.compile(r"\b(?:un)?favourabl|\brecognis|\bcolour|\bcentre|\bbehaviour", re.I)
AMERICAN = re.compile(r"\b(?:un)?favorabl|\brecogniz|\bcolor\b|\bcenter\b", re.I)


def visible(markup: str) -> str:
    markup = re.sub(r"<(svg|style).*?</\1>", " ", markup, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", markup))


def test_dates_spelling_and_waves_per_locale():
    us, gb = locale.load_locale("en-US"), locale.load_locale("en-GB")
    assert us.date("2026-12-01") == "December 1, 2026"  # the example
    assert gb.date("2026-12-01") == "1 December 2026"
    assert us.spell("Favourable; recognised; COLOUR") == "Favorable; recognized; COLOR"
    assert (
        gb.spell("% favorable, unfavorable, recognize") == "% favourable, unfavourable, recognise"
    )
    assert us.wave("2026-fall") == "Fall 2026" and gb.wave("2026-fall") == "Autumn 2026"
    assert us.wave("2026-Q1") == "2026-Q1"  # not a season: shown as named
    with pytest.raises(KeyError, match="en-US"):
        locale.load_locale("fr-FR")


def test_templates_are_respelled_but_values_never_are():
    gb = locale.load_locale("en-GB")
    out = html.spell_template("{{ 'favorable' }} favorable {% if favorable %}{% endif %}", gb)
    assert out == "{{ 'favorable' }} favourable {% if favorable %}{% endif %}"
    # a department named with a US spelling keeps it; the template's own words are British
    shown = str(
        html.render("list.html.j2", locale=gb, lead="Favorable Center", items=["recognize"])
    )
    assert "Favorable Center" in shown and "recognize" in shown


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The sample district prepared in US and British English, with its roll-out pages and plans."""
    from districtsurvey.batch.publish import publish_extras
    from districtsurvey.prepare.run import prepare

    out = {}
    for loc in ("en-US", "en-GB"):
        folder = tmp_path_factory.mktemp(loc)
        kw = {"departments": ["Transportation", "Finance", "Internal Audit"]}
        run = prepare(write_params(folder, **kw, **({"locale": loc} if loc != "en-US" else {})))
        publish_extras(run)
        out[loc] = run
    return out


def index_text(run) -> str:
    """The district summary's first screen and detail as read (captions included)."""
    d = summary.load_district(run)
    parts = [
        summary.at_a_glance(d),
        summary.plot_heatmap(d),
        summary.ranking(d),
        summary.response_rates(d),
    ]
    return "\n".join(visible(p._repr_html_()) for p in parts)


def rollout_text(run) -> str:
    return "\n".join(
        visible(p.read_text(encoding="utf-8")) for p in sorted((run / "rollout").glob("*.html"))
    )


def leader_text(run) -> str:
    return index_text(run) + "\n" + rollout_text(run)


def test_us_output_has_us_dates_and_spelling(runs):
    shown = leader_text(runs["en-US"])
    # report_date 2026-11-22 (pinned in support.py); the roll-out check date is 90 days later
    assert "November 22, 2026" in shown and "February 20, 2027" in shown
    assert not UK_DATE.findall(shown), UK_DATE.findall(shown)[:3]
    assert not BRITISH.findall(shown), BRITISH.findall(shown)[:3]
    assert "favorable" in shown
    # the roll-out header names the wave once (issue 14: "FALL 2026 · 2026-FALL")
    page = (runs["en-US"] / "rollout" / "transportation.html").read_text(encoding="utf-8")
    kicker = re.search(r'<p class="kicker">(.*?)</p>', page, re.S).group(1)
    assert kicker.lower().count("2026") == 1, kicker
    assert '<html lang="en-US">' in page


def test_british_output_on_request(runs):
    shown = leader_text(runs["en-GB"])
    assert "22 November 2026" in shown and "20 February 2027" in shown
    assert not US_DATE.findall(shown), US_DATE.findall(shown)[:3]
    # the district summary's words are British throughout; a roll-out page's own words are
    # (its plan rows and reasons come from the action-plan and focus code, swept later)
    index = index_text(runs["en-GB"])
    assert "favourable" in index and not AMERICAN.findall(index), AMERICAN.findall(index)[:3]
    assert "Autumn 2026" in index
    assert "“% favourable”" in rollout_text(runs["en-GB"])


def test_action_plan_workbooks_show_the_locales_dates(runs):
    for loc, fmt, made in (
        ("en-US", "mmmm d, yyyy", "November 22, 2026"),
        ("en-GB", "d mmmm yyyy", "22 November 2026"),
    ):
        wb = load_workbook(io.BytesIO((runs[loc] / "action_plans" / "finance.xlsx").read_bytes()))
        plan, about = wb["Action plan"], wb["About"]
        header = [c.value for c in plan[1]]
        assert plan.cell(row=2, column=header.index("90-day check") + 1).number_format == fmt
        assert made in [c.value for c in about["B"]]


@pytest.mark.notebook
def test_no_page_or_workbook_names_a_wave_by_its_id(small_batch):
    """Issue 14: department reports said '2026-fall' where the district summary said 'Fall 2026'.
    Every wave of the run (2025-fall, 2026-spring, 2026-fall) is read in words."""
    import json

    run_dir, _ = small_batch
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    ids = run["waves"]
    assert ids == ["2025-fall", "2026-spring", "2026-fall"]
    raw = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])", re.I)
    texts = leader_reads(run_dir)
    assert len(texts) == 1 + 3 + 3 + 3  # index, 3 reports, 3 roll-out pages, 3 workbooks
    for name, words in texts.items():
        found = [words[max(0, m.start() - 40) : m.end() + 10] for m in raw.finditer(words)]
        assert not found, f"{name}: {found[:3]}"
    # the words instead, worked out by hand: '2026-spring' is 'Spring 2026'
    report = texts["departments/transportation.html"]
    for words in ("Fall 2025", "Spring 2026", "Fall 2026"):
        assert words in report, words
    assert "Round Fall 2026" in texts["action_plans/finance.xlsx"]


def test_a_wave_the_locale_does_not_know_is_shown_as_named():
    """Names that are neither a season nor a pulse pass through unchanged, never an error."""
    us, gb = locale.load_locale("en-US"), locale.load_locale("en-GB")
    for name in ("FY2025", "2026-Q1", "pilot", "2026-10", "2026-13-pulse"):
        assert us.wave(name) == name and gb.wave(name) == name
    assert us.wave(None) == "" and us.wave("") == ""
    assert gb.wave("2026-FALL") == "Autumn 2026" and us.wave("2026_spring") == "Spring 2026"
    assert locale.name_waves("since 2026-spring and 2026-springtime", ["2026-spring"]) == (
        "since Spring 2026 and 2026-springtime"
    )


def test_a_pulse_wave_is_named_in_words():
    """#14 after #15: a pulse (``YYYY-MM-pulse``, contracts/waves.py) was shown as its id; it
    reads as its month and year in the locale's month names (the same words in en-GB)."""
    us, gb = locale.load_locale("en-US"), locale.load_locale("en-GB")
    assert us.wave("2026-09-pulse") == gb.wave("2026-09-pulse") == "September 2026 pulse"
    assert us.wave("2027-01-Pulse") == "January 2027 pulse"
    assert (
        locale.name_waves(
            "between 2026-spring and 2026-fall: 2026-09-pulse", ["2026-spring", "2026-09-pulse"], gb
        )
        == "between Spring 2026 and 2026-fall: September 2026 pulse"
    )


def test_our_words_are_respelled_before_data_is_put_in():
    gb = locale.load_locale("en-GB")
    # a department named with US words keeps them; the sentence around it is British
    said = gb.words(
        "{unit} is the lowest-rated area: {pct} favorable", unit="Color Center", pct="5%"
    )
    assert said == "Color Center is the lowest-rated area: 5% favourable"
    assert gb.spell("Service: lower % favorable first", keep=["Service", "Behavior"]) == (
        "Service: lower % favourable first"
    )
    assert gb.spell("Behavior: color", keep=["Behavior"]) == "Behavior: colour"
    assert locale.statement_words("Colors. (% who disagree — favorable)", gb) == (
        "Colors. (% who disagree — favourable)"
    )


def test_a_roll_out_pages_style_sheet_is_never_respelled(runs):
    """The template's words are respelled, its CSS is not ('colour:' is no CSS property)."""
    styles = {}
    for loc, run in runs.items():
        page = (run / "rollout" / "finance.html").read_text(encoding="utf-8")
        styles[loc] = re.findall(r"<style>.*?</style>", page, re.S)
        assert f'<html lang="{loc}">' in page
    assert styles["en-GB"] == styles["en-US"] and "color:" in styles["en-GB"][0]
