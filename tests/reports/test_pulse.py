"""Pulse waves in a department's follow-up (#15): the pulse point beside the two full rounds, its
figure recomputed from the raw pulse rows, "not the same sample" said, no change verdict across
kinds; the full rounds' tables unchanged by the pulse; a pulse refused as wave or compare_to."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from districtsurvey import SurveyDataError
from districtsurvey.contracts.params import load_params
from districtsurvey.prepare.run import prepare
from districtsurvey.reports import report
from support import ROOT, SAMPLE, write_params

PULSE = "2026-09-pulse"
NAMED = "September 2026 pulse"  # how a leader reads it (#14: never the id)
DEPARTMENTS = ["Transportation", "Finance", "Payroll"]
VERDICTS = ["significant", "no real change", "within noise", "points", "no change"]


def _reverse() -> set[str]:
    ins = yaml.safe_load((ROOT / "data" / "instruments" / "support_services.yml").read_text())
    return {i["id"] for i in ins["items"] if i.get("reverse")}


def _pulse_rows(focus: pd.DataFrame) -> pd.DataFrame:
    """Transportation: 41 people on its spring focus statements, answers cycling 5,4,4,3,2,1 and
    one skip; Finance: 4 people (below min n 5); Payroll ran no pulse."""
    rows = []
    for dept, people in (("Transportation", 41), ("Finance", 4)):
        items = focus[(focus["department"] == dept) & (focus["wave"] == "2026-spring")]["item"]
        for k, item in enumerate(items):
            for p in range(people):
                value = [5, 4, 4, 3, 2, 1][(p + k) % 6] if p != 7 else None
                rows.append(
                    {"respondent_id": f"pulse-{dept[:3]}-{p:03d}", "survey": "support_services",
                     "wave": PULSE, "department": dept, "role": "Teacher", "site": "A",
                     "item": item, "value": value}
                )  # fmt: skip
    return pd.DataFrame(rows).astype({"value": "Int64"})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same three departments prepared without and with a pulse between the rounds."""
    folder = tmp_path_factory.mktemp("pulse")
    full = pd.read_parquet(SAMPLE / "support_services.parquet")
    full = full[full["department"].isin(DEPARTMENTS)]
    full.to_parquet(folder / "full.parquet", index=False)
    common = {"data": str(folder / "full.parquet"), "departments": DEPARTMENTS}
    (folder / "a").mkdir()
    without = prepare(write_params(folder / "a", **common))
    focus = pd.read_parquet(without / "cache" / "previous_focus.parquet")
    pulse = _pulse_rows(focus)
    pulse.to_csv(folder / "pulse.csv", index=False)  # the tidy contract, as a CSV
    (folder / "b").mkdir()
    data = [str(folder / "full.parquet"), str(folder / "pulse.csv")]
    with_pulse = prepare(write_params(folder / "b", **{**common, "data": data}))
    return without, with_pulse, pulse


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S))


def test_the_full_rounds_are_the_same_with_or_without_a_pulse(runs):
    without, with_pulse, _ = runs
    for name in ("items", "dimensions", "respondents", "follow_up", "focus", "breakdowns"):
        a = pd.read_parquet(without / "cache" / f"{name}.parquet")
        b = pd.read_parquet(with_pulse / "cache" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b, obj=name)
    import json

    run = json.loads((with_pulse / "cache" / "run.json").read_text())
    assert run["waves"] == ["2025-fall", "2026-spring", "2026-fall"]  # trends: full rounds only
    assert run["pulses"] == [PULSE] and run["compare_to"] == "2026-spring"
    assert run["timeline"] == ["2025-fall", "2026-spring", PULSE, "2026-fall"]


def test_follow_up_shows_the_pulse_point_not_the_same_sample_and_no_verdict(runs):
    _, with_pulse, pulse = runs
    reverse = _reverse()
    r = report.load(with_pulse, "transportation")
    html = report.follow_up(r)._repr_html_()
    sections = html.split('<section class="ds-follow">')[1:]
    assert len(sections) == len(r.follow_up) == 3
    mine_all = pulse[(pulse["department"] == "Transportation") & pulse["value"].notna()]
    took = mine_all["respondent_id"].nunique()  # people who answered at least one statement
    assert took == 40  # 41 took it, one of them (p == 7) skipped every statement
    records = r.follow_up.sort_values("rank").to_dict("records")
    for f, section in zip(records, sections, strict=True):
        mine = pulse[(pulse["department"] == "Transportation") & (pulse["item"] == f["item"])]
        answered = mine["value"].dropna().astype(int)
        if f["item"] in reverse:
            answered = 6 - answered
        want = round(100 * answered.isin([4, 5]).mean())  # oracle: naive % favorable
        line = (
            f"{NAMED}: {want}% favorable — {len(answered)} answered ({took} took it); "
            "a shorter survey, not the same sample as the full rounds, so no change is "
            "computed against them"
        )
        assert line in _text(section), (line, _text(section))
        pulse_list = re.search(r'<ul class="ds-pulse">(.*?)</ul>', section, re.S).group(1)
        for verdict in VERDICTS:  # no honest-change verdict across kinds
            assert verdict not in pulse_list.replace("no change is computed", ""), verdict
        # the verdict stays between the two full rounds (spring -> fall), from the cache's row
        before, now = round(f["prev_pct_favorable"]), round(f["pct_favorable"])
        assert f"How it moved: {before}% → {now}% " in _text(section)
        # the chart's data table: time order, the pulse named as such
        table = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
                           section)  # fmt: skip
        assert table[:3] == [
            ("Spring 2026", "full round", f"{before}%", table[0][3]),
            (NAMED, "pulse (not the same sample)", f"{want}%", str(len(answered))),
            ("Fall 2026", "full round", f"{now}%", table[2][3]),
        ]
    assert PULSE not in _text(html) and "2026-spring" not in _text(html)


def test_a_pulse_below_min_n_is_not_shown_and_no_pulse_adds_nothing(runs):
    _, with_pulse, _ = runs
    finance = _text(report.follow_up(report.load(with_pulse, "finance"))._repr_html_())
    assert f"{NAMED}: not shown (" in finance
    assert f"{NAMED}: " not in finance.replace(f"{NAMED}: not shown", "")
    # 4 people: no figure and no count of them anywhere in the follow-up
    assert "4 took it" not in finance and "took it" not in finance
    payroll = report.follow_up(report.load(with_pulse, "payroll"))._repr_html_()
    assert "pulse" not in payroll


@pytest.mark.parametrize(
    "override, message",
    [
        ({"compare_to": PULSE}, f"compare_to '{PULSE}' is a pulse wave: a shorter survey, not "
                                "the same sample as a full round"),
        ({"wave": PULSE, "compare_to": None}, f"wave '{PULSE}' is a pulse wave"),
    ],
)  # fmt: skip
def test_a_pulse_is_refused_as_the_runs_wave_or_compare_to(tmp_path, override, message):
    with pytest.raises(SurveyDataError) as err:
        load_params(write_params(tmp_path, **override))
    assert message in str(err.value) and str(tmp_path) in str(err.value)


def test_the_cli_refuses_compare_to_a_pulse_exit_1_nothing_written(tmp_path):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    res = CliRunner().invoke(app, ["run", str(write_params(tmp_path, compare_to=PULSE))])
    assert res.exit_code == 1 and "is a pulse wave" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "run").exists()


def test_a_hostile_pulse_name_is_escaped_everywhere_it_is_shown(runs, tmp_path):
    """A pulse named by a ``waves:`` list can be any text: it reaches the follow-up's words, the
    chart (SVG text) and its data table as text, never as markup."""
    from html.parser import HTMLParser

    without, _, pulse = runs
    name = "<img src=x onerror=alert(1)>-pulse"
    pulse.assign(wave=name).to_csv(tmp_path / "pulse.csv", index=False)
    data = [str(without.parent.parent / "full.parquet"), str(tmp_path / "pulse.csv")]
    waves = ["2025-fall", "2026-spring", name, "2026-fall"]
    run = prepare(write_params(tmp_path, data=data, departments=DEPARTMENTS, waves=waves))
    html = report.follow_up(report.load(run, "transportation"))._repr_html_()
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Tags().feed(html)
    assert "img" not in {t for t, _ in tags}
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;-pulse: " in html  # the words, escaped
    assert html.count("&lt;img src=x onerror=alert(1)&gt;-pulse") >= 3 * 3  # words, chart, table
