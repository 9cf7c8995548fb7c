"""Privacy: suppression, complementary suppression, query checks, redaction of real comments."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.privacy.query import check_query
from districtsurvey.privacy.redact import redact_comments, redact_text
from districtsurvey.privacy.suppress import (
    Margin,
    check_min_n,
    complementary_cells,
    suppress_small_groups,
)
from districtsurvey.privacy.tables import protect, protect_tables

# --- primary suppression ---


def test_min_n_never_below_three():
    assert check_min_n(3) == 3
    with pytest.raises(ValueError, match="at least 3"):
        check_min_n(2)
    with pytest.raises(ValueError):
        suppress_small_groups(pd.DataFrame({"n": [1]}), min_n=2)


def test_suppression_empties_every_figure():
    t = pd.DataFrame(
        {
            "n": [4, 5],
            "mean": [2.0, 3.0],
            "sd": [1.0, 1.0],
            "pct_favorable": [25.0, 40.0],
            "invited": [10, 10],
            "response_rate": [40.0, 50.0],
        }
    )
    out = suppress_small_groups(t, min_n=5)
    assert out["suppressed"].tolist() == [True, False]
    assert out.loc[0, ["n", "mean", "sd", "pct_favorable", "invited", "response_rate"]].isna().all()
    assert out.loc[1, "n"] == 5


# --- complementary suppression ---


def test_lone_hidden_cell_gets_the_next_smallest_as_complement():
    # district 30 = a 3 + b 12 + c 15: with only a hidden, a = 30 - 12 - 15
    n = {"D": 30, "a": 3, "b": 12, "c": 15}
    assert complementary_cells(n, {"a"}, [Margin("D", ("a", "b", "c"))]) == {"a", "b"}


def test_a_tie_goes_to_the_cell_whose_name_comes_first():
    # 3 + 12 + 12 = 27: cells 2 and 3 tie on size and n; by their numbers 2 would go, by their
    # names ("item b" after "item a") 3 does: numbered cells keep the order of their names
    n = {0: 27, 1: 3, 2: 12, 3: 12}
    margin = [Margin(0, (1, 2, 3))]
    assert complementary_cells(n, {1}, margin) == {1, 2}
    names = {0: "total", 1: "item c", 2: "item b", 3: "item a"}
    assert complementary_cells(n, {1}, margin, label=names.get) == {1, 3}


def test_two_hidden_cells_pooling_under_min_n_need_a_third():
    # a 1 + b 2 = 3 < 5: the pooled pair would show a group of 3
    n = {"D": 23, "a": 1, "b": 2, "c": 8, "d": 12}
    assert complementary_cells(n, {"a", "b"}, [Margin("D", ("a", "b", "c", "d"))]) == {
        "a",
        "b",
        "c",
    }


def test_no_part_left_hides_the_total_and_cascades_upwards():
    # department X (a total) has one rater group hidden and one shown: hide the other group; X is
    # then still published. With a single group, the total itself must go, then a sibling.
    n = {"D": 40, "X": 4, "Y": 16, "Z": 20, "x1": 4}
    margins = [Margin("D", ("X", "Y", "Z")), Margin("X", ("x1",))]
    assert complementary_cells(n, {"x1"}, margins) == {"x1", "X", "Y"}


def test_hidden_rest_counts_as_a_hidden_term():
    # 3 respondents gave no role: T 20 = r1 9 + r2 8 + rest 3; nothing hidden yet but rest alone is
    # recoverable, so the smallest published group is hidden with it (3 + 8 >= 5)
    n = {"T": 20, "r1": 9, "r2": 8}
    assert complementary_cells(n, set(), [Margin("T", ("r1", "r2"), rest=3)]) == {"r2"}
    # a rest of 5 or more is a group that could be shown anyway
    assert complementary_cells(n, set(), [Margin("T", ("r1", "r2"), rest=6)]) == set()


def test_unpublished_total_needs_no_complement():
    n = {"a": 2, "b": 10}
    assert complementary_cells(n, {"a"}, [Margin(None, ("a", "b"))]) == {"a"}


def test_links_hide_a_units_figures_with_its_count():
    n = {"D": 30, "a": 3, "b": 12, "c": 15, "b_item": 11}
    hidden = complementary_cells(n, {"a"}, [Margin("D", ("a", "b", "c"))], links={"b": ["b_item"]})
    assert hidden == {"a", "b", "b_item"}


def test_a_cell_hidden_by_a_link_hides_its_own_links_and_is_protected_in_its_margins():
    # "u" (n 3) hides "x" by a link; "x" hides "y" by its own link. "y" (n 20) is a part of
    # margin Y = y + z: alone hidden, it is recoverable as Y - z, so z (n 9) is hidden too.
    n = {"u": 3, "x": 12, "y": 20, "z": 9, "Y": 29}
    links = {"u": ["x"], "x": ["y"]}
    hidden = complementary_cells(n, {"u"}, [Margin("Y", ("y", "z"))], links=links)
    assert hidden == {"u", "x", "y", "z"}


def _safe(margin: Margin, hidden: set, n: dict, min_n: int) -> bool:
    parts = [p for p in margin.parts if p in hidden]
    terms = len(parts) + (margin.rest > 0)
    if margin.total is None or margin.total in hidden:
        return margin.total is None or terms > 0
    pooled = sum(n[p] for p in parts) + margin.rest
    return terms == 0 or (terms >= 2 and pooled >= min_n) or (not parts and margin.rest >= min_n)


@st.composite
def two_level_tables(draw):
    """A district of departments, each split into rater groups (some with no group)."""
    n, margins = {}, []
    depts = []
    for d in range(draw(st.integers(1, 7))):
        groups = draw(st.lists(st.integers(1, 30), min_size=1, max_size=5))
        rest = draw(st.sampled_from([0, 0, 0, 1, 2, 6]))
        dept = f"d{d}"
        parts = tuple(f"d{d}g{g}" for g in range(len(groups)))
        n.update(dict(zip(parts, groups, strict=True)))
        n[dept] = sum(groups) + rest
        margins.append(Margin(dept, parts, rest))
        depts.append(dept)
    n["D"] = sum(n[d] for d in depts)
    margins.append(Margin("D", tuple(depts)))
    return n, margins


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_level_tables(), st.integers(3, 10))
def test_every_margin_is_safe_after_complementary_suppression(table, min_n):
    n, margins = table
    primary = {c for c, v in n.items() if v < min_n}
    hidden = complementary_cells(n, primary, margins, min_n=min_n)
    assert primary <= hidden
    assert all(_safe(m, hidden, n, min_n) for m in margins)


# --- whole-run tables ---


def _run_tables():
    """Three departments of one wave, two items in one dimension; Tiny has 3 respondents."""
    depts = {"Big": 40, "Mid": 9, "Tiny": 3}
    rows = lambda extra: pd.DataFrame(  # noqa: E731
        [
            {
                "department": d,
                "wave": "w",
                "n": v,
                "mean": 3.5,
                "sd": 1.0,
                "pct_favorable": 50.0,
                "pct_unfavorable": 20.0,
                **extra,
            }
            for d, v in depts.items()
        ]
    )
    items = pd.concat([rows({"item": "i1"}), rows({"item": "i2"})], ignore_index=True)
    dims = rows({"dimension": "dim", "kind": "dimension"})
    total = sum(depts.values())
    district = lambda key, val: pd.DataFrame(  # noqa: E731
        {
            "department": ["District"],
            "wave": ["w"],
            key: [val],
            "n": [total],
            "mean": [4.0],
            "pct_favorable": [50.0],
        }
    )
    resp = pd.concat([rows({}), district("x", 0).drop(columns="x")], ignore_index=True)
    return {
        "items": items,
        "district_items": pd.concat([district("item", "i1"), district("item", "i2")]),
        "dimensions": dims,
        "district_dimensions": district("dimension", "dim"),
        "respondents": resp,
    }


def test_protect_tables_hides_the_next_smallest_department_everywhere():
    out = protect_tables(
        _run_tables(), min_n=5, item_dimension={"i1": "dim", "i2": "dim"}, respondents_additive=True
    )
    for name in ("items", "dimensions", "respondents"):
        t = out[name]
        hidden = set(t.loc[t["suppressed"], "department"])
        assert hidden == {"Tiny", "Mid"}, name
        assert t.loc[t["suppressed"], "n"].isna().all()
        assert t.loc[t["suppressed"], "mean"].isna().all()
    assert not out["district_items"]["suppressed"].any()


def test_protect_tables_hides_the_rater_count_of_a_department_whose_items_are_all_hidden():
    # support services: a respondent rates several departments, so counts do not add up; Mid's
    # scores are hidden (they add up to the district's) and, all its statements being hidden,
    # its rater count goes with them (issue 12: it was shown); Big keeps its count
    out = protect_tables(_run_tables(), min_n=5, item_dimension={"i1": "dim", "i2": "dim"})
    r = out["respondents"].set_index("department")
    assert r.loc["Tiny", "suppressed"] and r.loc["Mid", "suppressed"]
    assert pd.isna(r.loc["Mid", "n"]) and not r.loc["Big", "suppressed"]
    assert out["items"].set_index("department").loc["Mid", "suppressed"].all()


def test_without_a_respondents_table_a_unit_whose_statements_are_all_hidden_hides_its_areas():
    # HR's two statements have 4 answers each (hidden); its area "dim" 8 raters would show on
    # its own (the statements belong to another area, so no margin or link of theirs reaches
    # it). The unit's count is not among the tables, yet it is hidden with its statements and
    # takes the unit's figures with it, as when it is listed; IT, 9 answers each, shows all
    def table(key: str, value: str, n: dict) -> pd.DataFrame:
        rows = [{"department": d, "wave": "w", key: value, "n": v} for d, v in n.items()]
        return pd.DataFrame(rows).assign(mean=3.0, sd=1.0, pct_favorable=50.0)

    items = pd.concat(
        [table("item", "i1", {"HR": 4, "IT": 9}), table("item", "i2", {"HR": 4, "IT": 9})]
    )
    out = protect_tables(
        {"items": items, "dimensions": table("dimension", "dim", {"HR": 8, "IT": 9})},
        min_n=5,
        item_dimension={"i1": "other", "i2": "other"},
    )
    assert out["items"].groupby("department")["suppressed"].all().to_dict() == {
        "HR": True,
        "IT": False,
    }
    assert out["dimensions"].set_index("department")["suppressed"].to_dict() == {
        "HR": True,
        "IT": False,
    }


def test_protect_display_table_for_the_explorer():
    t = pd.DataFrame(
        {
            "department": ["A", "A", "A", "B", "B"],
            "role": ["T", "P", "S", "T", "P"],
            "n": [20, 3, 9, 30, 12],
            "mean": [4.0, 3.0, 2.0, 4.0, 3.5],
        }
    )
    out = protect(t, keys=["department", "role"], margins=["role"])
    assert out["suppressed"].tolist() == [False, True, True, False, False]
    # totals given: 2 in B answered without a role, B: 30 + 12 + 2 -> rest 2 alone is recoverable
    totals = {"role": pd.DataFrame({"department": ["A", "B"], "n": [32, 44]})}
    out = protect(t, keys=["department", "role"], margins=["role"], totals=totals)
    assert out["suppressed"].tolist() == [False, True, True, False, True]


def test_check_query_refuses_small_groups_and_small_differences():
    df = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(12)],
            "department": ["HR"] * 12,
            "role": ["Teacher"] * 8 + ["Principal"] * 4,
        }
    )
    assert check_query(df, {"department": "HR"}) == 12
    with pytest.raises(SurveyDataError, match="role=Principal has fewer than 5"):
        check_query(df, {"department": "HR", "role": "Principal"})
    with pytest.raises(SurveyDataError, match="the rest of department=HR"):
        check_query(df, {"department": "HR", "role": "Teacher"})
    with pytest.raises(SurveyDataError, match="unknown column"):
        check_query(df, {"school": "x"})
    assert check_query(df, {"role": ["Teacher", "Principal"]}) == 12


# --- redaction ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ms. Alvarez never calls back.", "[name] never calls back."),
        ("Mrs O'Brien in payroll was rude", "[name] in payroll was rude"),
        ("Dr. J. Smith fixed it", "[name] fixed it"),
        ("Ask for Maria Lopez-Garcia.", "Ask for [name]."),
        ("J. Smith and K.L. Jones", "[name] and [name]"),
        ("Talk to Patrick McDonald today", "Talk to [name] today"),
        ("mail jane.doe@rusd.k12.ca.us now", "mail [email] now"),
        ("write to jdoe at rusd dot org", "write to [email]"),
        ("call 555-123-4567", "call [phone]"),
        ("call (555) 123-4567 ext. 204", "call [phone]"),
        ("call +1 555.123.4567", "call [phone]"),
        ("call 5551234567", "call [phone]"),
        ("call +44 20 7946 0958", "call [phone]"),
        ("call x4521", "call [phone]"),
        ("my employee id 204518", "my [id]"),
        ("badge EMP-20451", "badge [id]"),
        (
            "Human Resources and Special Education were slow",
            "Human Resources and Special Education were slow",
        ),
        ("Food Services is great", "Food Services is great"),
        (
            "Ticket took 3 days on Monday in March 2026",
            "Ticket took 3 days on Monday in March 2026",
        ),
    ],
)
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def test_recognition_keeps_the_name_but_not_contact_details():
    text = "Thanks to Ms. Alvarez (alvarez@rusd.org, 555-123-4567) for fixing payroll"
    assert (
        redact_text(text, keep_names=True)
        == "Thanks to Ms. Alvarez ([email], [phone]) for fixing payroll"
    )


def _comments():
    rows = []
    for i in range(12):
        for q in ("q_improve", "q_recognize"):
            rows.append(
                {
                    "respondent_id": f"r{i:02d}",
                    "survey": "s",
                    "wave": "w",
                    "department": "HR",
                    "role": "Teacher",
                    "question": q,
                    "text": f"answer {i} to {q} from Jane Doe",
                }
            )
    rows.append(
        {
            "respondent_id": "x1",
            "survey": "s",
            "wave": "w",
            "department": "Tiny",
            "role": "Teacher",
            "question": "q_improve",
            "text": "secret from a small group",
        }
    )
    return pd.DataFrame(rows)


def test_redact_comments_threshold_ids_and_recognition():
    counts = pd.DataFrame({"department": ["HR", "Tiny"], "wave": ["w", "w"], "n": [12, pd.NA]})
    out = redact_comments(
        _comments(), recognition_questions=["q_recognize"], respondents=counts, comment_min_n=10
    )
    assert "Tiny" not in set(out["department"])
    assert not {"respondent_id", "role"} & set(out.columns)
    improve = out[out["question"] == "q_improve"]["text"]
    assert improve.str.endswith("from [name]").all()
    assert out[out["question"] == "q_recognize"]["text"].str.endswith("Jane Doe").all()


def test_redact_comments_order_cannot_link_answers_across_questions():
    out = redact_comments(_comments(), comment_min_n=10)
    order = {q: [int(t.split()[1]) for t in part["text"]] for q, part in out.groupby("question")}
    assert sorted(order["q_improve"]) == list(range(12))
    assert order["q_improve"] != list(range(12))
    assert order["q_improve"] != order["q_recognize"]


def test_pooled_hidden_cells_that_answered_alike_get_another_complement():
    # a 3 + b 4 hidden: pooled 7 >= 5, but all 7 answered favorably, so each is "100%" by
    # subtraction; c (not unanimous) is hidden too
    n = {"D": 40, "a": 3, "b": 4, "c": 8, "d": 25}
    prof = {
        "a": (3, 3, 0, 15, 75),
        "b": (4, 4, 0, 20, 100),
        "c": (8, 4, 2, 26, 96),
        "d": (25, 10, 5, 80, 280),
    }
    margin = [Margin("D", ("a", "b", "c", "d"))]
    assert complementary_cells(n, {"a", "b"}, margin) == {"a", "b"}
    assert complementary_cells(n, {"a", "b"}, margin, profile=prof) == {"a", "b", "c"}


def test_protect_tables_lists_every_group_and_hides_groups_of_a_hidden_area():
    tables = _run_tables()
    base = {
        "wave": "w",
        "dimension": "dim",
        "kind": "dimension",
        "by": "role",
        "mean": 3.5,
        "sd": 1.0,
        "pct_favorable": 50.0,
        "pct_unfavorable": 20.0,
    }
    tables["breakdowns"] = pd.DataFrame(
        [
            {**base, "department": "Big", "group": "Teacher", "n": 30},
            {**base, "department": "Big", "group": "Principal", "n": 10},
            {**base, "department": "Mid", "group": "Teacher", "n": 9},
        ]
    )
    out = protect_tables(tables, min_n=5, item_dimension={"i1": "dim", "i2": "dim"})
    bd = out["breakdowns"].set_index(["department", "group"])
    assert len(bd) == 6  # 3 departments x 2 roles, the missing ones as empty hidden rows
    assert bd.loc[("Tiny", "Teacher"), "suppressed"] and pd.isna(bd.loc[("Tiny", "Teacher"), "n"])
    # Mid's area is hidden (complement of Tiny), so its only rater group is hidden with it
    assert bd.loc[("Mid", "Teacher"), "suppressed"]
    assert not bd.loc[("Big", "Teacher"), "suppressed"]
