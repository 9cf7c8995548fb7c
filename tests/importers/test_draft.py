"""``instrument draft``: a draft from every real export imports that export with ``--format auto``,
and what it imports reproduces the fixtures' reference figures (recomputed naively here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.importers import read_export
from districtsurvey.importers.draft import draft_instrument

from .real import REAL, needs_real

#: documentation tables beside the exports (codebooks, item maps): not exports
DOCS = {
    "codebook.csv",
    "metadata_summary.csv",
    "item_map.csv",
    "index_definitions.csv",
    "likert_scale_labels.csv",
    "population.csv",
}


def exports() -> list[Path]:
    """Every raw export in shared/fixtures (.csv, .xlsx, .sav; reference figures and docs aside)."""
    if not REAL.exists():
        return []
    return [
        p
        for p in sorted(REAL.rglob("*"))
        if p.suffix in {".csv", ".xlsx", ".sav"}
        and not p.name.startswith("reference_")
        and p.name not in DOCS
    ]


def _slow(p: Path):
    return pytest.param(p, marks=pytest.mark.slow) if p.suffix == ".xlsx" else p


def draft_and_import(tmp_path: Path, export: Path, definition: Path | None = None):
    """The CLI as a coach runs it: draft, then import the export with the draft, --format auto."""
    runner = CliRunner()
    draft = tmp_path / "draft.yml"
    res = runner.invoke(app, ["instrument", "draft", str(definition or export), "-o", str(draft)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "tidy.csv"
    res = runner.invoke(
        app, ["import", str(export), "--instrument", str(draft), "--format", "auto", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    ins = load_instrument(draft)
    result = read_export(export, instrument=ins)
    return ins, result


@needs_real
@pytest.mark.parametrize(
    "export", [_slow(p) for p in exports()], ids=lambda p: str(p.relative_to(REAL))
)
def test_draft_of_every_fixture_imports_it_with_format_auto(tmp_path, export):
    ins, result = draft_and_import(tmp_path, export)
    assert len(ins.items) + len(ins.choices) > 0
    assert len(result.responses) + len(result.choices) > 0
    if len(ins.items):  # every drafted item was found in the file
        assert set(result.summary.items_mapped) == set(ins.item_ids)


QT = REAL / "02_qualtrics_QualtricsTools_samples"


@needs_real
@pytest.mark.parametrize(
    "export",
    [
        "original/No_Basis_for_Evaluation (Insights).csv",
        "original/No_Basis_for_Evaluation (Legacy).csv",
        "data_no_basis_insights_flat.csv",
        "data_no_basis_legacy_flat.csv",
    ],
)
def test_draft_from_qsf_imports_every_export_of_the_survey_and_matches_reference(tmp_path, export):
    # the .qsf says 1 = Like (favorable end first), -1/-2 are N/A recodes
    ins, r = draft_and_import(tmp_path, QT / export, QT / "original/No_Basis_for_Evaluation.qsf")
    like = ins.scale_of("Q3_1")
    assert like.labels == ("Like", "Neither like nor dislike", "Dislike") and like.favorable == (1,)
    ref = pd.read_csv(QT / "reference_computed_no_basis_matrix.csv").set_index("item")
    ok = r.responses.dropna(subset=["value"]).astype({"value": float})
    got = ok.groupby("item")["value"].agg(["count", "mean"])
    got["like"] = ok.groupby("item")["value"].apply(lambda v: 100 * (v == 1).mean())
    got = got.reindex(ref.index)
    assert got["count"].tolist() == ref["n_valid_1to3"].tolist()
    assert got["mean"].tolist() == pytest.approx(ref["mean_1to3_excluding_negative_codes"].tolist())
    assert got["like"].tolist() == pytest.approx(ref["pct_like_of_valid"].tolist())


@needs_real
def test_draft_from_qsf_matches_qualtricstools_published_tables(tmp_path):
    # QualtricsTools' own result tables (another tool's output): choice N per option for single
    # and multi-answer questions, and the per-answer % of matrix questions the draft scores
    ins, r = draft_and_import(
        tmp_path,
        QT / "original/Long_Exhaustive_Sample_Survey.csv",
        QT / "original/Long_Exhaustive_Sample_Survey.qsf",
    )
    pub = pd.read_csv(QT / "reference_published_qualtricstools_results_tables_long_exhaustive.csv")
    norm = lambda s: " ".join(str(s).replace("&gt;", "").replace(">", "").split())  # noqa: E731
    checked = 0
    chosen = r.choices[r.choices["value"] == 1]
    for c in ins.choices:
        rows = pub[pub["question"].str.lower() == c.id.lower()]
        counts = chosen[chosen["question"] == c.id].groupby("option").size()
        counts.index = counts.index.map(norm)
        answered = r.choices.loc[r.choices["question"] == c.id, "respondent_id"].nunique()
        for row in rows.itertuples():
            n = counts.get(norm(row.choice), 0)
            if row.column == "choice_N":
                assert n == int(row.value), (c.id, row.choice)
            elif c.kind == "single":  # % of those who answered (multi: QualtricsTools differs)
                assert f"{100 * n / answered:.1f}%" == row.value, (c.id, row.choice)
            else:
                continue
            checked += 1
    for item in ins.item_ids:  # matrix statements: % per answer over valid answers
        question, statement = item.rsplit("_", 1)
        label = ins.item_text(item).rsplit(" - ", 1)[1]
        rows = pub[(pub["question"] == question) & (pub["row_label"] == label)]
        values = r.responses.loc[r.responses["item"] == item, "value"].dropna().astype(int)
        scale = ins.scale_of(item)
        for row in rows.itertuples():
            if row.column == "N":
                assert len(values) == int(row.value)
            elif row.column in scale.labels:
                pct = 100 * (values == scale.labels.index(row.column) + 1).mean()
                assert f"{pct:.1f}%" == row.value, (item, row.column)
            else:
                continue
            checked += 1
    assert checked >= 150  # 161 when written: every published figure the draft covers


@needs_real
def test_draft_of_ibm_hr_scores_match_reference_by_department(tmp_path):
    # codes 1..4 without labels: a 4-point scale, favorable = top-2 of 4 (reference pct_fav)
    folder = REAL / "14_ibm_hr_attrition"
    ins, r = draft_and_import(tmp_path, folder / "data.csv")
    assert ins.scale_of("JobSatisfaction").points == 4
    assert ins.scale_of("Education").points == 5  # the same file mixes 4- and 5-point codes
    assert ins.import_spec["department"] == "Department" and ins.import_spec["role"] == "JobRole"
    ref = pd.read_csv(folder / "reference_computed.csv")
    ref = ref[ref["group_var"] == "Department"].set_index(["group", "item"])
    ok = r.responses.dropna(subset=["value"]).astype({"value": float})
    g = ok.groupby(["department", "item"])["value"]
    got = pd.DataFrame(
        {"n": g.count(), "mean": g.mean(), "fav": g.apply(lambda v: 100 * v.isin([3, 4]).mean())}
    ).reindex(ref.index)
    assert got["n"].tolist() == ref["n_valid"].tolist()
    assert got["mean"].tolist() == pytest.approx(ref["mean"].tolist(), abs=1e-5)
    assert got["fav"].tolist() == pytest.approx(ref["pct_fav"].tolist(), abs=1e-5)


@needs_real
def test_draft_of_google_forms_multiselect_in_one_cell_matches_reference(tmp_path):
    folder = REAL / "06_googleforms_autistica"
    ins, r = draft_and_import(tmp_path, folder / "data_flat.csv")
    (q2,) = [c for c in ins.choices if c.kind == "multi"]
    ref = pd.read_csv(folder / "reference_computed_q2_multiselect.csv")
    assert set(q2.options) == set(ref["option"])
    rows = r.choices[r.choices["question"] == q2.id]
    assert rows["respondent_id"].nunique() == 42
    got = rows.groupby("option")["value"].agg(["sum", "mean"])
    for row in ref.itertuples():
        assert got.loc[row.option, "sum"] == row.n_respondents_selecting
        assert 100 * got.loc[row.option, "mean"] == pytest.approx(row.pct_of_answering)


@needs_real
@pytest.mark.parametrize("name", ["original/TACC_Demographics_Results.csv", "data_flat.csv"])
def test_draft_of_tacc_finds_teams_gender_and_the_race_block(tmp_path, name):
    folder = REAL / "04_qualtrics_legacy_tacc_teams"
    ins, r = draft_and_import(tmp_path, folder / name)
    race = [c for c in ins.choices if c.kind == "multi"]
    assert [c.options for c in race] == [("Asian", "Black", "Hispanic", "White", "Other")]
    (gender,) = [c for c in ins.choices if c.kind == "single" and "Male" in c.options]
    ref = pd.read_csv(folder / "reference_computed_team_counts.csv").set_index("team")
    g = r.choices[(r.choices["question"] == gender.id) & (r.choices["value"] == 1)]
    counts = pd.crosstab(g["department"], g["option"])
    assert counts.loc[ref.index, ["Female", "Male"]].values.tolist() == (
        ref[["Female", "Male"]].values.tolist()
    )
    # the race columns hold the option text or blank: count of each race from the raw cells
    chosen = r.choices[(r.choices["question"] == race[0].id) & (r.choices["value"] == 1)]
    assert chosen.groupby("option").size().sum() == (
        r.choices.loc[r.choices["question"] == race[0].id]
        .groupby("respondent_id")["value"]
        .sum()
        .sum()
    )


@needs_real
def test_draft_of_fevs_joins_fy_and_response_id(tmp_path):
    folder = REAL / "16_fevs_classroom_sample_3waves"
    ins, r = draft_and_import(tmp_path, folder / "data.csv")
    assert ins.import_spec["respondent_id"] == {"columns": ["FY", "Response.ID"]}
    assert ins.import_spec["wave"] == "FY" and r.summary.respondents == 7711
    ref = pd.read_csv(folder / "reference_computed.csv", dtype={"group": str})
    ref = ref[ref["group_var"] == "FY"].set_index(["group", "item"])
    ok = r.responses.dropna(subset=["value"]).astype({"value": float})
    g = ok.groupby(["wave", "item"])["value"]
    got = pd.DataFrame({"n": g.count(), "fav": g.apply(lambda v: 100 * (v >= 4).mean())})
    got = got.reindex(ref.index)
    assert got["n"].tolist() == ref["n_valid"].tolist()
    assert got["fav"].tolist() == pytest.approx(ref["pct_fav"].tolist(), abs=1e-5)


def test_draft_of_a_surveymonkey_export_with_numbered_labels(tmp_path):
    # own realistic export: RespondentID without Collector ID, "5 - Strongly agree" labels, a
    # 4-point and a 5-point block, an N/A answer, a multi-select over columns, a role column.
    # (A file never using a middle label cannot tell a 4- from a 5-point scale: the draft then
    # takes the scale listed first in scales.yml, the 5-point one, and says to check.)
    text = (
        "RespondentID,Start Date,End Date,What is your role?,Please rate:,,"
        "How much say do you have?,Which apply?,,Comments\n"
        ",,,Response,Clear goals,Right tools,In your pay,Remote,Hybrid,Open-Ended Response\n"
        "11,1/5/2026,1/5/2026,Teacher,5 - Strongly agree,4 - Agree,High,Remote,,"
        '"Great place to work, thanks to my principal"\n'
        "12,1/5/2026,1/5/2026,Principal,2 - Disagree,N/A,Very High,,Hybrid,\n"
        "13,1/5/2026,1/5/2026,Teacher,3 - Neither agree nor disagree,5 - Strongly agree,"
        "Medium,Remote,Hybrid,The copier on the second floor has been broken since August\n"
    )
    export = tmp_path / "sm.csv"
    export.write_text(text, encoding="utf-8")
    draft = draft_instrument(export)
    assert draft.format == "surveymonkey"
    spec = yaml.safe_load(draft.to_yaml())
    assert set(spec["scales"]) == {"agree5", "level4"}
    assert spec["import"]["role"] == "What is your role?"
    (multi,) = spec["choices"]
    assert multi["kind"] == "multi" and list(multi["columns"]) == ["Remote", "Hybrid"]
    assert multi["text"] == "Which apply?"
    path = tmp_path / "draft.yml"
    path.write_text(draft.to_yaml(), encoding="utf-8")
    r = read_export(export, instrument=path)
    got = r.responses.set_index(["respondent_id", "item"])["value"]
    assert got.loc[("11", "please_rate_clear_goals")] == 5
    assert pd.isna(got.loc[("12", "please_rate_right_tools")])  # N/A
    assert got.loc[("13", "how_much_say_do_you_have_in_your_pay")] == 2  # Medium of 4
    assert r.comments["text"].str.contains("copier").any()


def test_draft_refuses_what_it_cannot_read(tmp_path):
    bad = tmp_path / "x.yml"
    res = CliRunner().invoke(
        app, ["instrument", "draft", str(tmp_path / "nope.csv"), "-o", str(bad)]
    )
    assert res.exit_code == 1 and "file not found" in res.output and not bad.exists()
    qsf = tmp_path / "s.qsf"
    qsf.write_text("{not json", encoding="utf-8")
    res = CliRunner().invoke(app, ["instrument", "draft", str(qsf), "-o", str(bad)])
    assert res.exit_code == 1 and "not a Qualtrics survey definition" in res.output
    assert "Traceback" not in res.output and not bad.exists()
