"""Questions that are not scored: multi-select over 0/1 or option-text columns and in one cell,
single choice, ranking; their choices table and its summary (recomputed naively here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.importers import read_export
from districtsurvey.importers.choices import summarise_choices

from .real import REAL, needs_real

INSTRUMENT = """\
id: kinds
title: Question kinds
scale: {points: 5, labels: [Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree]}
dimensions: [{id: all, label: All}]
items:
  - {id: q_clear, text: Goals are clear., dimension: all}
choices:
  - id: tools
    text: Which tools do you use?
    kind: multi
    columns: {Laptop: [Q5_1], Tablet: [Q5_2], Phone: [Q5_3]}
  - id: where
    text: Where do you work?
    kind: multi
    options: [At school, At home, "On the road, mostly"]
    match: ["Where do you work?"]
    separator: "; "
  - id: years
    text: Years in the district
    kind: single
    options: [Less than 2, 2 to 10, More than 10]
    labels: {"1": Less than 2, "2": 2 to 10, "3": More than 10}
    match: [Years]
  - id: priorities
    text: Rank these priorities
    kind: ranking
    columns: {Pay: [Rank_1], Time: [Rank_2], Training: [Rank_3]}
import:
  respondent_id: ID
"""
EXPORT = (
    "ID,Goals are clear.,Q5_1,Q5_2,Q5_3,Where do you work?,Years,Rank_1,Rank_2,Rank_3\n"
    "a1,Agree,1,0,1,At school; At home,1,1,2,3\n"
    'a2,Disagree,0,0,1,"On the road, mostly",3,2,1,3\n'
    "a3,Agree,,,,At school,2,,,\n"
    "a4,Strongly agree,1,1,0,,N/A,3,2,1\n"
    'a5,Agree,0,1,0,"At home; On the road, mostly",2,1,3,2\n'
)


def _files(tmp_path: Path, export: str = EXPORT) -> tuple[Path, Path]:
    ins, data = tmp_path / "kinds.yml", tmp_path / "export.csv"
    ins.write_text(INSTRUMENT, encoding="utf-8")
    data.write_text(export, encoding="utf-8")
    return ins, data


def _table(r) -> dict:
    return r.choices.set_index(["question", "respondent_id", "option"])["value"].to_dict()


def test_each_kind_to_the_choices_table(tmp_path):
    ins, data = _files(tmp_path)
    r = read_export(data, instrument=ins, wave="w", department="HR")
    got = _table(r)
    # multi over 0/1 columns: a3 left all blank (did not answer); 0 = shown, not chosen
    assert {k[2]: v for k, v in got.items() if k[:2] == ("tools", "a1")} == {
        "Laptop": 1,
        "Tablet": 0,
        "Phone": 1,
    }
    assert not any(k[:2] == ("tools", "a3") for k in got)
    # multi in one cell, separator "; ", an option holding a comma
    assert {k[2] for k, v in got.items() if k[:2] == ("where", "a5") and v == 1} == {
        "At home",
        "On the road, mostly",
    }
    # single choice from codes; N/A is not an answer
    assert {k[2] for k, v in got.items() if k[:2] == ("years", "a2") and v == 1} == {"More than 10"}
    assert not any(k[:2] == ("years", "a4") for k in got)
    # ranking: the rank itself; a3 ranked nothing
    assert {k[2]: v for k, v in got.items() if k[:2] == ("priorities", "a4")} == {
        "Pay": 3,
        "Time": 2,
        "Training": 1,
    }
    assert not any(k[:2] == ("priorities", "a3") for k in got)
    assert r.summary.choices == {"tools": 4, "where": 4, "years": 4, "priorities": 4}
    assert set(r.choices.columns) >= {"respondent_id", "wave", "department", "question", "kind"}
    assert r.responses["item"].unique().tolist() == ["q_clear"]  # never scored as Likert


def test_summary_of_choices(tmp_path):
    ins, data = _files(tmp_path)
    s = summarise_choices(read_export(data, instrument=ins, wave="w", department="HR").choices)
    s = s.set_index(["question", "option"])
    # tools, answered by a1 a2 a4 a5: Laptop chosen by a1 a4 -> 2 of 4
    assert (s.loc[("tools", "Laptop"), "n"], s.loc[("tools", "Laptop"), "chosen"]) == (4, 2)
    assert s.loc[("tools", "Laptop"), "pct"] == 50.0
    # priorities ranked by a1 a2 a4 a5: Pay ranks 1, 2, 3, 1 -> mean 1.75, first 2 of 4
    assert s.loc[("priorities", "Pay"), "mean_rank"] == pytest.approx(1.75)
    assert s.loc[("priorities", "Pay"), "pct_first"] == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "a1,Agree,1,0,1,At school; At home,",
            "a1,Agree,1,0,1,At school; In a van,",
            "'At school; In a van' is not one of its options",
        ),
        (",3,2,1,3\n", ",4,2,1,3\n", "'4' is not one of its options"),
        ("1,1,2,3\n", "1,first,2,3\n", "rank 'first' is not 1..3"),
    ],
)
def test_answers_outside_the_options_are_errors(tmp_path, old, new, message):
    ins, data = _files(tmp_path, EXPORT.replace(old, new))
    with pytest.raises(SurveyDataError) as err:
        read_export(data, instrument=ins, wave="w", department="HR")
    assert message in str(err.value) and "choice " in str(err.value)


@needs_real
def test_qualtrics_multi_answer_columns_from_a_real_export(tmp_path):
    # QualtricsTools Long_Exhaustive: Q9 over Q9_1..Q9_6 holding 1 or blank; counts per option
    # from the raw cells, and QualtricsTools' published N per option
    folder = REAL / "02_qualtrics_QualtricsTools_samples"
    export = folder / "original" / "Long_Exhaustive_Sample_Survey.csv"
    options = ["Kale", "Kale chips", "Swiss Chard", "Fancy cheese", "Chocolate", "Tomato paste"]
    cols = ", ".join(f"{o}: [QID9-{k}]" for k, o in enumerate(options, 1))
    ins = tmp_path / "q9.yml"
    ins.write_text(
        f"id: q9\nchoices:\n  - {{id: q9, text: Foods, kind: multi, columns: {{{cols}}}}}\n",
        encoding="utf-8",
    )
    r = read_export(export, instrument=ins, wave="w", department="d")
    raw = pd.read_csv(export, skiprows=[1, 2], dtype=str)
    chosen = r.choices[r.choices["value"] == 1].groupby("option").size()
    for k, option in enumerate(options, 1):
        assert chosen.get(option, 0) == (raw[f"Q9_{k}"] == "1").sum()
    pub = pd.read_csv(
        folder / "reference_published_qualtricstools_results_tables_long_exhaustive.csv"
    )
    pub = pub[(pub["question"] == "Q9") & (pub["column"] == "choice_N")]["value"].astype(int)
    assert chosen.reindex(options).tolist() == pub.tolist()
    assert load_instrument(ins).items.empty  # an instrument of choices only
