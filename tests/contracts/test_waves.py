"""Waves have one order (contracts/waves.py): time, never the text order of their names."""

import pytest

from districtsurvey import SurveyDataError
from districtsurvey.contracts.params import load_params
from districtsurvey.contracts.waves import (
    by_wave,
    full_waves,
    is_pulse,
    parse_wave,
    previous_waves,
    wave_order,
)
from support import write_params


@pytest.mark.parametrize(
    "waves, expected",
    [
        # text order: 2025-fall, 2026-fall, 2026-spring
        (["2026-fall", "2025-fall", "2026-spring"], ["2025-fall", "2026-spring", "2026-fall"]),
        # winter opens the year: 2026-winter < 2026-spring < 2026-summer < 2026-fall
        (["2026-fall", "2026-winter", "2026-summer", "2026-spring"],
         ["2026-winter", "2026-spring", "2026-summer", "2026-fall"]),
        (["2026-Q3", "2025-Q4", "2026-Q1"], ["2025-Q4", "2026-Q1", "2026-Q3"]),
        # months: text order puts 2026-10 before 2026-9
        (["2026-10", "2026-9", "2025-12"], ["2025-12", "2026-9", "2026-10"]),
        # calendar forms mix: 2026-Q1 (~Feb) < 2026-03 < 2026-spring (~Apr)
        (["2026-spring", "2026-03", "2026-Q1"], ["2026-Q1", "2026-03", "2026-spring"]),
        (["FY2026", "FY2024", "FY2025"], ["FY2024", "FY2025", "FY2026"]),
        (["2023", "2021", "2022"], ["2021", "2022", "2023"]),  # plain years (FEVS' FY column)
        (["2025-26", "2024-2025", "2023-24"], ["2023-24", "2024-2025", "2025-26"]),
        (["Baseline"], ["Baseline"]),  # one wave needs no order
        (["2026 Fall", "2026_Spring"], ["2026_Spring", "2026 Fall"]),
    ],
)  # fmt: skip
def test_order_read_from_usual_names(waves, expected):
    assert wave_order(waves) == expected


def test_an_explicit_list_wins_and_must_hold_every_wave():
    # text order of these names is the reverse of time
    order = ["pilot", "midyear", "annual"]
    assert wave_order(["annual", "pilot", "midyear"], order=order) == order
    with pytest.raises(SurveyDataError, match="waves: extra is in the data but not in the list"):
        wave_order(["annual", "extra"], order=order, where="p.yml")


@pytest.mark.parametrize(
    "waves, message",
    [
        (["Baseline", "Follow-up"], "cannot tell the order of the waves from their names"),
        (["FY2025", "2026-spring"], "waves mix kinds of names (calendar, fiscal)"),
        (["2025", "2025-26"], "waves mix kinds of names (school year, year)"),
        (["2026-fall", "2026-10"], "cannot tell which came first: 2026-fall and 2026-10"),
    ],
)
def test_unreadable_orders_ask_for_the_list(waves, message):
    with pytest.raises(SurveyDataError) as err:
        wave_order(waves, where="params.yml")
    assert message in str(err.value)
    assert "params.yml" in str(err.value) and "waves:" in str(err.value)


def test_parse_and_previous_and_rows_in_order():
    assert parse_wave("2026-Q1") == ("calendar", (2026, 2))
    assert parse_wave("Spring 2026") is None  # not a usual form: the list is asked for
    order = ["2025-fall", "2026-spring", "2026-fall"]
    assert previous_waves(order, compare={"2026-fall": "2025-fall"})["2026-fall"] == "2025-fall"
    import pandas as pd

    t = pd.DataFrame(
        {"wave": ["2026-fall", "2025-fall", "2026-spring", "2025-fall"], "x": range(4)}
    )
    assert by_wave(t, order)["x"].tolist() == [1, 3, 2, 0]


@pytest.mark.parametrize(
    "override, message",
    [
        ({"waves": ["2025-fall", "2026-fall"], "compare_to": "2026-spring"},
         "compare_to '2026-spring' is not in the waves list"),
        ({"waves": ["2026-fall", "2026-spring"]}, "compare_to '2026-spring' must come before"),
        ({"waves": ["2025-fall", "2025-fall", "2026-spring", "2026-fall"]},
         "2025-fall listed more than once"),
    ],
)  # fmt: skip
def test_the_params_list_is_checked(tmp_path, override, message):
    with pytest.raises(SurveyDataError) as err:
        load_params(write_params(tmp_path, **override))
    assert message in str(err.value) and str(tmp_path) in str(err.value)


def test_prepare_refuses_data_waves_missing_from_the_list(tmp_path):
    from districtsurvey.prepare.run import prepare

    path = write_params(tmp_path, waves=["2026-spring", "2026-fall"])
    with pytest.raises(SurveyDataError) as err:
        prepare(path)
    assert "waves: 2025-fall is in the data but not in the list" in str(err.value)
    assert str(path) in str(err.value)


def test_compare_to_must_come_before_the_wave(tmp_path):
    from districtsurvey.prepare.run import prepare

    path = write_params(tmp_path, wave="2026-spring", compare_to="2026-fall")
    with pytest.raises(SurveyDataError, match="compare_to: wave '2026-fall' does not come before"):
        prepare(path)


def test_pulses_sort_by_month_between_full_rounds():
    # oracle, by hand: spring ~ April, fall ~ October; a pulse by its month
    shuffled = ["2027-01-pulse", "2026-fall", "2026-09-pulse", "2025-fall", "2026-spring",
                "2026-05-pulse", "2027-spring"]  # fmt: skip
    assert wave_order(shuffled) == [
        "2025-fall", "2026-spring", "2026-05-pulse", "2026-09-pulse", "2026-fall",
        "2027-01-pulse", "2027-spring",
    ]  # fmt: skip
    assert wave_order(["2026-Q3", "2026-Q2-pulse", "2026-Q4-pulse"]) == [
        "2026-Q2-pulse", "2026-Q3", "2026-Q4-pulse"
    ]  # fmt: skip


def test_a_pulse_is_never_a_previous_wave_and_has_none():
    order = ["2026-spring", "2026-05-pulse", "2026-09-pulse", "2026-fall", "2027-01-pulse"]
    assert previous_waves(order) == {
        "2026-spring": None,
        "2026-05-pulse": None,
        "2026-09-pulse": None,
        "2026-fall": "2026-spring",  # the full round before, not the pulse just before
        "2027-01-pulse": None,
    }
    assert full_waves(order) == ["2026-spring", "2026-fall"]
    assert [is_pulse(w) for w in ["2026-09-pulse", "2026-09 Pulse", "pulse", "2026-fall"]] == [
        True, True, False, False
    ]  # fmt: skip


def test_a_pulse_in_a_seasons_month_asks_for_the_list():
    with pytest.raises(SurveyDataError) as err:
        wave_order(["2026-fall", "2026-10-pulse"], where="params.yml")
    assert "cannot tell which came first: 2026-fall and 2026-10-pulse" in str(err.value)
    # the list places it; it is still a pulse by its name
    order = ["2026-10-pulse", "2026-fall"]
    assert wave_order(["2026-fall", "2026-10-pulse"], order=order) == order
    assert previous_waves(order) == {"2026-10-pulse": None, "2026-fall": None}
