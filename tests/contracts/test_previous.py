"""Last round's focus read back from a run folder (``contracts.previous``): a single-survey run's
file as it is, a packet's chosen rows per survey under each survey's own name for the unit, a run
of another survey giving none. Small folders written here, expected rows worked out by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.previous import previous_focus

OWN = ["department", "wave", "rank", "item", "text", "pct_favorable", "reason"]


def _run(folder, run: dict) -> None:
    (folder / "cache").mkdir(parents=True)
    (folder / "cache" / "run.json").write_text(json.dumps(run), encoding="utf-8")


def _own(folder, rows) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=OWN).to_csv(folder / "focus_areas.csv", index=False)


@pytest.fixture
def packet(tmp_path):
    """A packet of two surveys: "IT" is "IT Dept" in the Team survey; "Oak School" is a unit of
    the Team survey alone. The packet chose two Team rows and one Service row for IT (ranks 1-3),
    the fourth candidate lost."""
    run = {
        "kind": "packet",
        "max_focus": 3,
        "surveys": [
            {"label": "Service", "survey": "support_services", "run_dir": "surveys/ss",
             "wave": "2026-spring"},
            {"label": "Team", "survey": "engagement", "run_dir": "surveys/ee",
             "wave": "2026-spring"},
        ],
        "departments": [
            {"name": "IT", "surveys": {"Service": "IT", "Team": "IT Dept"}},
            {"name": "Oak School", "surveys": {"Team": "Oak School"}},
        ],
    }  # fmt: skip
    _run(tmp_path, run)
    pd.DataFrame(
        {
            "department": ["IT"] * 4,
            "packet_rank": [1, 2, 3, 4],
            "survey": ["Team", "Service", "Team", "Service"],
            "item": ["ee_a", "ss_a", "ee_b", "ss_b"],
            "pct_favorable": [20.0, 30.0, 40.0, 50.0],
            "reason": ["r"] * 4,
            "won": ["w"] * 4,
            "chosen": [True, True, True, False],
        }
    ).to_csv(tmp_path / "focus_areas.csv", index=False)
    _own(tmp_path / "surveys" / "ee", [
        ["IT Dept", "2026-spring", 1, "ee_c", "C", 10.0, "own"],  # the survey's own, not chosen
        ["Oak School", "2026-spring", 1, "ee_a", "A", 15.0, "own"],
        ["District", "2026-spring", 1, "ee_d", "D", 50.0, "own"],
    ])  # fmt: skip
    _own(tmp_path / "surveys" / "ss", [["IT", "2026-spring", 1, "ss_b", "B", 50.0, "own"]])
    return tmp_path


def test_a_packet_gives_each_survey_its_chosen_rows_and_its_own_for_the_rest(packet):
    team = previous_focus(packet, survey="engagement")
    got = sorted(zip(team["department"], team["rank"], team["item"], strict=True))
    # IT Dept: the packet's Team rows at their packet ranks 1 and 3 (not its own ee_c);
    # Oak School and the district: the Team survey's own file
    assert got == [("District", 1, "ee_d"), ("IT Dept", 1, "ee_a"), ("IT Dept", 3, "ee_b"),
                   ("Oak School", 1, "ee_a")]  # fmt: skip
    assert set(team["wave"]) == {"2026-spring"}
    service = previous_focus(packet, survey="support_services")
    assert list(zip(service["department"], service["rank"], service["item"], strict=True)) == [
        ("IT", 2, "ss_a")  # ss_b lost (not chosen), though it is the survey's own focus
    ]
    assert previous_focus(packet, survey="climate") is None


def test_an_edited_chosen_column_is_followed(packet):
    focus = pd.read_csv(packet / "focus_areas.csv")
    focus["chosen"] = [True, False, True, True]  # the leaders took ss_b instead of ss_a
    focus.to_csv(packet / "focus_areas.csv", index=False)
    service = previous_focus(packet, survey="support_services")
    assert list(service["item"]) == ["ss_b"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("survey", "Climate", "row 3, column survey: 'Climate' names no survey of that packet"),
        ("packet_rank", "first", "row 3, column packet_rank: 'first' is not a rank"),
    ],
)
def test_a_broken_packet_focus_file_is_refused(packet, column, value, message):
    focus = pd.read_csv(packet / "focus_areas.csv", dtype=str)
    focus.loc[1, column] = value
    focus.to_csv(packet / "focus_areas.csv", index=False)
    with pytest.raises(SurveyDataError) as err:
        previous_focus(packet, survey="engagement")
    assert message in str(err.value) and "focus_areas.csv" in str(err.value)


def test_more_than_three_chosen_for_a_unit_is_refused(packet):
    focus = pd.read_csv(packet / "focus_areas.csv")
    focus["chosen"] = True
    focus.to_csv(packet / "focus_areas.csv", index=False)
    with pytest.raises(SurveyDataError, match="more than 3 focus areas chosen for IT"):
        previous_focus(packet, survey="engagement")


def test_a_single_survey_run_gives_its_file_or_nothing_for_another_survey(tmp_path):
    _run(tmp_path, {"survey": "support_services"})
    _own(tmp_path, [["IT", "2026-spring", 1, "ss_a", "A", 30.0, "r"]])
    assert list(previous_focus(tmp_path, survey="support_services")["item"]) == ["ss_a"]
    # a fall packet pointed at a spring run of support services alone recomputes its Team focus
    assert previous_focus(tmp_path, survey="engagement") is None
