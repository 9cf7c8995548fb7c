"""Several named scales in one instrument, on a real file (fixture 14: 4-point Low..Very High and
Bad..Best items beside a 5-point education code): import, validation, scoring, the explorer cube
and the Methods text, each against the fixture's reference or a naive recomputation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from districtsurvey.analysis.scoring import aggregate, describe_scales, scored
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.contracts.validate import validate_responses
from districtsurvey.explore.cube import build_cube
from districtsurvey.explore.views import Query, compute_view, heatmap
from districtsurvey.importers import read_export

from .real import MINE, REAL, needs_real

FOLDER = REAL / "14_ibm_hr_attrition"
INSTRUMENT = MINE / "ibm_hr_mixed.yml"
FAV = {"level4": {3, 4}, "balance4": {3, 4}, "education5": {4, 5}}  # as the instrument says


@pytest.fixture(scope="module")
def tidy():
    return read_export(FOLDER / "data.csv", instrument=INSTRUMENT, wave="2026-fall").responses


@pytest.fixture(scope="module")
def ins():
    return load_instrument(INSTRUMENT)


def test_items_take_their_scale_from_the_item_the_block_or_the_default(ins):
    assert ins.scale_of("JobSatisfaction").name == "level4"  # from its dimension (the block)
    assert ins.scale_of("WorkLifeBalance").name == "balance4"  # named on the item
    assert ins.scale_of("Education").points == 5
    assert ins.scale.name == "level4" and ins.mixed_scales


@needs_real
def test_import_matches_the_reference_for_the_4_point_items(tidy):
    ref = pd.read_csv(FOLDER / "reference_computed.csv")
    ref = ref[ref["group_var"] == "Department"].set_index(["group", "item"])
    ok = tidy.dropna(subset=["value"]).astype({"value": float})
    g = ok.groupby(["department", "item"])["value"]
    got = pd.DataFrame({"n": g.count(), "mean": g.mean()}).reindex(ref.index)
    assert got["n"].tolist() == ref["n_valid"].tolist()
    assert got["mean"].tolist() == pytest.approx(ref["mean"].tolist(), abs=1e-5)
    raw = pd.read_csv(FOLDER / "data.csv")  # Education: the raw codes, counted naively
    edu = tidy[tidy["item"] == "Education"]["value"].astype(int).value_counts().sort_index()
    assert edu.tolist() == raw["Education"].value_counts().sort_index().tolist()


@needs_real
def test_scores_per_item_use_each_items_scale(tidy, ins):
    t = aggregate(scored(tidy, ins), ["department", "item"], ins).set_index(["department", "item"])
    ref = pd.read_csv(FOLDER / "reference_computed.csv")
    ref = ref[ref["group_var"] == "Department"].set_index(["group", "item"])
    got = t.reindex(ref.index)
    assert got["pct_favorable"].tolist() == pytest.approx(ref["pct_fav"].tolist(), abs=1e-5)
    assert got["sd"].tolist() == pytest.approx(ref["sd"].tolist(), abs=1e-5)
    # Education: favorable = Master, Doctor (top-2 of 5), recomputed from the raw file
    raw = pd.read_csv(FOLDER / "data.csv")
    for dept, part in raw.groupby("Department"):
        want = 100 * part["Education"].isin([4, 5]).mean()
        assert t.loc[(dept, "Education"), "pct_favorable"] == pytest.approx(want)
        assert t.loc[(dept, "Education"), "mean"] == pytest.approx(part["Education"].mean())


@needs_real
def test_an_area_mixing_scales_pools_favorable_answers_and_rescales_the_mean(tidy, ins):
    t = aggregate(scored(tidy, ins), ["department", "dimension"], ins, respondents=True)
    t = t.set_index(["department", "dimension"])
    raw = pd.read_csv(FOLDER / "data.csv")
    for dept, part in raw.groupby("Department"):
        # "life": WorkLifeBalance (1..4, favorable 3-4) and Education (1..5, favorable 4-5)
        fav = part["WorkLifeBalance"].isin([3, 4]).sum() + part["Education"].isin([4, 5]).sum()
        assert t.loc[(dept, "life"), "pct_favorable"] == pytest.approx(100 * fav / (2 * len(part)))
        # the mean on the default scale's 1..4 range: 1..5 mapped linearly (5 -> 4)
        even = np.concatenate([part["WorkLifeBalance"], 1 + (part["Education"] - 1) * 3 / 4])
        assert t.loc[(dept, "life"), "mean"] == pytest.approx(even.mean())
        assert t.loc[(dept, "life"), "sd"] == pytest.approx(even.std(ddof=1))
        assert t.loc[(dept, "life"), "n"] == len(part)


def test_validate_checks_each_value_against_its_items_scale(ins):
    df = pd.DataFrame(
        {
            "respondent_id": ["a", "a", "b"],
            "survey": "ibm_hr_mixed",
            "wave": "w",
            "department": "Sales",
            "item": ["Education", "JobSatisfaction", "JobSatisfaction"],
            "value": ["5", "5", "4"],
        }
    )
    problems = validate_responses(df, instrument=ins)
    assert [str(p) for p in problems] == [
        "<data>, row 3, column value: value out of range 1..4: 5 "
        "(check the scale; N/A must be blank, not a code)"
    ]


def test_methods_say_top_2_of_4_and_top_2_of_5(ins):
    title, text = describe_scales(ins)
    assert title == "Scales"
    assert "top-2 of 4 (High, Very High)" in text and "top-2 of 5 (Master, Doctor)" in text
    assert "4 statements on a 4-point satisfaction" in text
    one = describe_scales(load_instrument("engagement"))  # one scale: the sentence as before
    assert one[0] == "Scale"
    assert one[1].startswith("5-point agreement scale (Strongly disagree = 1")


@needs_real
def test_the_explorer_cube_keeps_each_scale(tidy, ins):
    cube = build_cube(tidy, ins, min_n=5)
    assert len(cube.axis.values) == 4 + 4 + 5  # three scales side by side
    view = compute_view(cube, Query(wave="2026-fall", departments=("Sales",)))
    items = view.items.set_index("item")
    raw = pd.read_csv(FOLDER / "data.csv")
    sales = raw[raw["Department"] == "Sales"]
    assert items.loc["Education", "mean"] == pytest.approx(sales["Education"].mean())
    assert items.loc["Education", "pct_favorable"] == pytest.approx(
        100 * sales["Education"].isin([4, 5]).mean()
    )
    assert items.loc["WorkLifeBalance", "pct_favorable"] == pytest.approx(
        100 * sales["WorkLifeBalance"].isin([3, 4]).mean()
    )
    assert "(5-point)" in items.loc["Education", "label"]
    h = heatmap(cube, Query(wave="2026-fall"))
    fav = sales["WorkLifeBalance"].isin([3, 4]).sum() + sales["Education"].isin([4, 5]).sum()
    assert h.loc["Sales", "Life and learning"] == pytest.approx(100 * fav / (2 * len(sales)))


@needs_real
def test_a_run_prepares_with_mixed_scales(tmp_path, tidy):
    from districtsurvey.contracts.params import load_params
    from districtsurvey.prepare.run import prepare_run
    from support import write_params

    data = tmp_path / "ibm.parquet"
    tidy.to_parquet(data)
    params = write_params(
        tmp_path,
        instrument=str(INSTRUMENT),
        data=str(data),
        comments=[],
        headcounts=None,
        wave="2026-fall",
        compare_to=None,
    )
    run = prepare_run(load_params(params))
    items = pd.read_parquet(run / "cache" / "items.parquet")
    edu = items[(items["item"] == "Education") & (items["department"] == "Sales")].iloc[0]
    raw = pd.read_csv(FOLDER / "data.csv")
    sales = raw[raw["Department"] == "Sales"]
    assert edu["pct_favorable"] == pytest.approx(100 * sales["Education"].isin([4, 5]).mean())
