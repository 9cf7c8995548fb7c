"""The tactics library as data: every statement of both instruments has several tactics, a
district file adds or overrides them, and a broken file is one clear message."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.tactics import DEFAULT_TACTICS, load_tactics
from support import ROOT, write_params


def _items(instrument: str) -> list[str]:
    # read the instrument file directly (the oracle does not use the instrument loader)
    data = yaml.safe_load((ROOT / "data" / "instruments" / f"{instrument}.yml").read_text())
    return [i["id"] for i in data["items"]]


@pytest.mark.parametrize("instrument", ["support_services", "engagement"])
def test_every_statement_has_several_complete_tactics(instrument):
    library = yaml.safe_load(DEFAULT_TACTICS.read_text(encoding="utf-8"))["items"]
    for item in _items(instrument):
        tactics = library[item]
        assert len(tactics) >= 3, item
        for t in tactics:
            assert t["tactic"].strip() and t["indicator"].strip() and t["why"].strip(), t
    texts = [t["tactic"] for ts in library.values() for t in ts]
    assert len(texts) == len(set(texts))  # no tactic is listed under two statements


def test_district_file_overrides_in_place_and_adds_first(tmp_path):
    own = tmp_path / "ours.yml"
    own.write_text(
        yaml.safe_dump(
            {
                "items": {
                    "ss_timely_response": [
                        {
                            "id": "timely-daily-triage",
                            "tactic": "Triage at 8:00 with the crew",
                            "indicator": "requests started same day",
                            "why": "Ours.",
                        },
                        {
                            "id": "radio-check",
                            "tactic": "Call drivers back by radio",
                            "indicator": "radio callbacks",
                            "why": "Drivers are on the road.",
                        },
                    ]
                }
            }
        )
    )
    library, _ = load_tactics(_items("support_services"), extra=own)
    mine = library[library["item"] == "ss_timely_response"]
    # the new id first, then the library order with the overridden tactic in its place
    assert mine["id"].tolist() == [
        "radio-check",
        "timely-acknowledge",
        "timely-daily-triage",
        "timely-service-target",
    ]
    assert (
        mine.set_index("id").loc["timely-daily-triage", "tactic"] == "Triage at 8:00 with the crew"
    )
    assert mine.set_index("id").loc["timely-daily-triage", "source"] == "ours.yml"
    assert mine.set_index("id").loc["timely-acknowledge", "source"] == "default.yml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("items:\n  ss_nope:\n    - {id: a, tactic: t, indicator: i, why: w}\n", "ss_nope"),
        (
            "items:\n  ss_timely_response:\n    - {id: a, tactic: t, why: w}\n",
            "'indicator' is missing",
        ),
        (
            "items:\n  ss_timely_response:\n    - {id: a, tactic: t, indicator: i, why: w, x: 1}\n",
            "unknown key(s) x",
        ),
        ("items:\n  ss_timely_response: just text\n", "expected a list of tactics"),
        ("items: [\n", "not valid YAML"),
        ("tactics: {}\n", "expected a mapping with `items:`"),
    ],
)
def test_broken_district_file_is_one_message_naming_it(tmp_path, content, message):
    own = tmp_path / "district_tactics.yml"
    own.write_text(content, encoding="utf-8")
    with pytest.raises(SurveyDataError) as err:
        load_tactics(_items("support_services"), extra=own)
    assert "district_tactics.yml" in str(err.value) and message in str(err.value)


def test_run_with_a_broken_tactics_file_exits_1_before_writing(tmp_path):
    own = tmp_path / "tactics.yml"
    own.write_text(
        "items:\n  ss_timely_response:\n    - {id: a, tactic: '', indicator: i, why: w}\n"
    )
    res = CliRunner().invoke(app, ["run", str(write_params(tmp_path, tactics=str(own)))])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    assert "tactics.yml" in res.output and "'tactic' is missing or empty" in res.output
    assert not (tmp_path / "run" / "cache" / "run.json").exists()
