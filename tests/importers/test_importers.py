"""Importers: real exports from ../shared/fixtures against their reference figures, own quirk files,
and the bad-input list of issue 3 (each a clear SurveyDataError)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.importers import detect_format, read_export, write_tidy

from .real import MINE, REAL, needs_real


def figures(df: pd.DataFrame, by: list[str], favorable) -> pd.DataFrame:
    """n, mean and percent favorable per group and item, straight from tidy rows."""
    ok = df[df["value"].notna()].assign(v=lambda d: d["value"].astype(float))
    ok["fav"] = ok["v"].isin(favorable) * 100.0
    return (
        ok.groupby(by + ["item"])[["v", "fav"]]
        .agg(["count", "mean"])
        .pipe(
            lambda t: pd.DataFrame(
                {"n": t[("v", "count")], "mean": t[("v", "mean")], "pct_fav": t[("fav", "mean")]}
            )
        )
    )


def assert_matches(ours: pd.DataFrame, ref: pd.DataFrame, keys: list[str]) -> None:
    """Reference columns n_valid, mean, pct_fav (rounded to 6 dp) against ours."""
    ref = ref.set_index(keys)
    got = ours.reindex(ref.index)
    assert got["n"].tolist() == ref["n_valid"].tolist()
    assert got["mean"].tolist() == pytest.approx(ref["mean"].tolist(), abs=1e-5)
    assert got["pct_fav"].tolist() == pytest.approx(ref["pct_fav"].tolist(), abs=1e-5)


def imported(path: Path, instrument: str, **kw):
    return read_export(path, instrument=MINE / f"{instrument}.yml", **kw)


# -- real exports ------------------------------------------------------------------------------
@needs_real
@pytest.mark.parametrize(
    "name",
    [
        "original/No_Basis_for_Evaluation (Insights).csv",
        "original/No_Basis_for_Evaluation (Legacy).csv",
        "data_no_basis_insights_flat.csv",
        "data_no_basis_legacy_flat.csv",
    ],
)
def test_qualtrics_no_basis_matrix_matches_reference(name):
    # reference_computed_no_basis_matrix.csv: 1 = Like is favourable; -1/-2 recodes are missing
    folder = REAL / "02_qualtrics_QualtricsTools_samples"
    r = imported(folder / name, "qualtrics_no_basis", wave="w", department="d")
    assert r.summary.format == "qualtrics"
    ref = pd.read_csv(folder / "reference_computed_no_basis_matrix.csv").rename(
        columns={
            "n_valid_1to3": "n_valid",
            "mean_1to3_excluding_negative_codes": "mean",
            "pct_like_of_valid": "pct_fav",
        }
    )
    ours = figures(r.responses, [], favorable=[1]).reset_index()
    assert_matches(ours.set_index("item"), ref, ["item"])
    negatives = ref["n_code_-1_no_opinion"].sum() + ref["n_code_-2_never_tried"].sum()
    assert r.summary.answers_na == negatives == 44


@needs_real
@pytest.mark.parametrize(
    "name",
    [
        "original/sample.csv",
        "original/sample_legacy.csv",
        "data_sample_flat.csv",
        "data_sample_legacy_flat.csv",
    ],
)
def test_qualtrics_sample_current_legacy_and_flat(name):
    # one response: Q1 = 2, Q2 = "Hello World!" (German text row, BOM in the legacy file)
    r = imported(
        REAL / "01_qualtrics_qualtRics_samples" / name, "qualtrics_sample", wave="w", department="d"
    )
    assert r.summary.format == "qualtrics"
    assert r.responses[["respondent_id", "item", "value"]].values.tolist() == [
        ["R_2YPOQ602ER1jkf1", "q1", 2]
    ]
    assert r.comments["text"].tolist() == ["Hello World!"]


@needs_real
@pytest.mark.parametrize("name", ["original/TACC_Demographics_Results.csv", "data_flat.csv"])
def test_tacc_team_counts_match_reference(name):
    # no Likert items: gender read as a 2-point item (1 Female, 2 Male), team = department
    folder = REAL / "04_qualtrics_legacy_tacc_teams"
    r = imported(folder / name, "tacc_teams", wave="2015")
    ref = pd.read_csv(folder / "reference_computed_team_counts.csv").set_index("team")
    df = r.responses
    counts = pd.crosstab(df["department"], df["value"]).rename(columns={1: "Female", 2: "Male"})
    counts["n"] = df.groupby("department")["respondent_id"].nunique()
    assert (
        counts.loc[ref.index, ["n", "Female", "Male"]].values.tolist()
        == ref[["n", "Female", "Male"]].values.tolist()
    )
    assert r.summary.respondents == 117 and r.summary.departments == 23


@needs_real
@pytest.mark.parametrize(
    "name",
    [
        "original/Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv",
        "data_flat.csv",
    ],
)
def test_googleforms_multiselect_counts_match_reference(name):
    # each Q2 option is a yes/no item (2 = chosen); n = respondents answering Q2 (42)
    folder = REAL / "06_googleforms_autistica"
    r = imported(folder / name, "googleforms_autistica", wave="w", department="d")
    assert r.summary.format == "googleforms"
    ins = load_instrument(MINE / "googleforms_autistica.yml")
    option = {m["option"]: i for i, m in ins.item_match.items() if "option" in m}
    ref = pd.read_csv(folder / "reference_computed_q2_multiselect.csv")
    ours = figures(r.responses, [], favorable=[2])
    for row in ref.itertuples():
        got = ours.loc[option[row.option]]
        assert got["n"] == 42
        assert round(got["n"] * got["pct_fav"] / 100) == row.n_respondents_selecting
        assert got["pct_fav"] == pytest.approx(row.pct_of_answering)
    assert len(r.comments) > 0 and r.comments["text"].str.contains("\n").any()  # embedded newlines


@needs_real
@pytest.mark.parametrize("name", ["original/survey_184695_R_data_file.csv", "data.csv"])
def test_limesurvey_matches_reference_by_gender_and_education(name):
    # BOM, question texts (original) or codes (data.csv); AO codes decoded with the codebook
    folder = REAL / "07_limesurvey_scicompod"
    r = imported(folder / name, "limesurvey_scicompod", wave="2022", department="all")
    assert r.summary.format == "limesurvey"
    ref = pd.read_csv(folder / "reference_computed.csv")
    df = r.responses.assign(all="__ALL__")
    for var, col in [("__ALL__", "all"), ("gender_label", "role"), ("education_label", "site")]:
        part = ref[(ref["group_var"] == var) & (ref["group"] != "__MISSING__")]
        ours = figures(df, [col], favorable=[4, 5])
        ours.index.names = ["group", "item"]
        assert_matches(ours, part, ["group", "item"])


@needs_real
def test_likert_gap_offices_blocks_match_reference():
    # one block of columns per office -> one department per block
    folder = REAL / "12_likert_gap_offices"
    r = imported(folder / "data_wide.csv", "gap_offices", wave="w")
    assert r.summary.format == "csv" and r.summary.departments == 5
    ref = pd.read_csv(folder / "reference_computed.csv")
    ours = figures(r.responses, ["department"], favorable=[6, 7])
    ours.index.names = ["group", "item"]
    assert_matches(ours, ref[ref["group_var"] == "office"], ["group", "item"])
    assert_matches(
        figures(r.responses, [], favorable=[6, 7]).rename_axis("item"),
        ref[ref["group_var"] == "__ALL__"],
        ["item"],
    )


@needs_real
@pytest.mark.parametrize("name", ["original/WA_Fn-UseC_-HR-Employee-Attrition.csv", "data.csv"])
def test_ibm_hr_matches_reference_by_department_role_and_both(name):
    folder = REAL / "14_ibm_hr_attrition"
    r = imported(folder / name, "ibm_hr", wave="w")
    ref = pd.read_csv(folder / "reference_computed.csv")
    for var, col in [("Department", "department"), ("JobRole", "role")]:
        ours = figures(r.responses, [col], favorable=[3, 4])
        ours.index.names = ["group", "item"]
        assert_matches(ours, ref[ref["group_var"] == var], ["group", "item"])
    both = pd.read_csv(folder / "reference_computed_dept_x_role.csv")
    df = r.responses.assign(group=r.responses["department"] + " / " + r.responses["role"])
    assert_matches(figures(df, ["group"], favorable=[3, 4]), both, ["group", "item"])


@needs_real
def test_fevs_three_waves_match_reference():
    # Response.ID restarts every wave: the id joins FY and Response.ID; wave = FY
    folder = REAL / "16_fevs_classroom_sample_3waves"
    r = imported(folder / "data.csv", "fevs_3waves")
    assert r.summary.respondents == 7711
    ref = pd.read_csv(folder / "reference_computed.csv", dtype={"group": str})
    ours = figures(r.responses, ["wave"], favorable=[4, 5])
    ours.index.names = ["group", "item"]
    assert_matches(ours, ref[ref["group_var"] == "FY"], ["group", "item"])


@needs_real
@pytest.mark.slow
def test_fevs_workbook_picks_the_data_sheet():
    folder = REAL / "16_fevs_classroom_sample_3waves"
    r = imported(folder / "original" / "fevs_sample_data_3FYs_DataSet_1.xlsx", "fevs_3waves")
    assert r.summary.format == "excel" and r.summary.respondents == 7711
    csv = imported(folder / "data.csv", "fevs_3waves").responses
    pd.testing.assert_frame_equal(r.responses, csv)


@needs_real
@pytest.mark.parametrize(
    ("name", "instrument", "expected"),
    [
        # expected counts from *__labels_user_missing_as_NaN.csv beside each .sav
        ("pyreadstat_ordered_category", "spss_ordered", {1: 2, 2: 1, 3: 1}),  # 2 low, medium, high
        ("pyreadstat_sample_missing", "spss_sample_missing", {1: 3, 2: 1, 3: 1}),  # -1, -3 missing
        (
            "pyreadstat_sample",
            "spss_sample_missing",
            {1: 3, 2: 1, 3: 1},
        ),  # myord low x3, medium, high
        ("haven_labelled-str", "spss_labelled", {1: 1, 2: 1}),  # F, M
        ("haven_umlauts", "spss_labelled", {1: 2, 2: 1, 3: 1}),  # ä ü ä ö
        ("haven_labelled-num-na", "spss_labelled", {1: 1}),  # 9 is user-missing
        ("haven_labelled-num", "spss_labelled", {1: 1}),  # 1 = "This is one"
        ("pyreadstat_missing_test", "spss_labelled", {2: 1}),  # 1 is user-missing
    ],
)
def test_spss_value_labels_and_user_missing(name, instrument, expected):
    folder = REAL / "08_spss_sav_fixtures"
    path = folder / "original" / f"{name}.sav"
    assert detect_format(path) == "spss"
    r = imported(path, instrument, wave="w", department="d")
    assert r.responses["value"].value_counts().to_dict() == expected
    labelled = pd.read_csv(folder / f"{name}__labels_user_missing_as_NaN.csv")
    assert r.summary.answers == int(
        labelled.iloc[:, 5 if name.startswith("pyreadstat_sample") else -1].notna().sum()
    )


@needs_real
def test_spss_roles_from_value_labels():
    r = imported(
        REAL / "08_spss_sav_fixtures/original/pyreadstat_sample_missing.sav",
        "spss_sample_missing",
        wave="w",
        department="d",
    )
    assert r.responses["role"].tolist() == ["Male", "Female", "Male", "Female", "Male"]
    assert r.summary.rows_dropped == {"no answer to any mapped item": 2}


@needs_real
def test_spss_unlabelled_code_outside_scale_is_an_error():
    with pytest.raises(SurveyDataError) as err:
        imported(
            REAL / "08_spss_sav_fixtures/original/pyreadstat_simple_alltypes.sav",
            "spss_alltypes",
            wave="w",
            department="d",
        )
    assert "value out of the scale 1..3: '4'" in str(err.value) and "column x" in str(err.value)


# -- own quirk fixtures ------------------------------------------------------------------------
QUIRKS = MINE / "quirks.yml"
GOOD = (
    "ID,Role,Goals are clear.,I have the tools I need.,Anything else?\n"
    "a1,Teacher,Strongly Agree,agree ,Fine\n"
    "a2,Principal,  strongly   agree,Unfamiliar (N/A),\n"
    'a3,Teacher,Don\u2019t know,Disagree,"two\nlines"\n'
)


def write(tmp_path: Path, data: bytes | str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def quirks(path: Path, **kw):
    return read_export(path, instrument=QUIRKS, wave="2026-fall", department="HR", **kw)


def test_labels_are_case_whitespace_and_curly_quote_insensitive(tmp_path):
    r = quirks(write(tmp_path, GOOD))
    got = r.responses.set_index(["respondent_id", "item"])["value"].fillna(0)
    # Strongly Agree / strongly agree -> 5, "agree " -> 4, Don't know / Unfamiliar (N/A) -> missing
    assert got.to_dict() == {
        ("a1", "q_clear"): 5,
        ("a1", "q_tools"): 4,
        ("a2", "q_clear"): 5,
        ("a2", "q_tools"): 0,
        ("a3", "q_clear"): 0,
        ("a3", "q_tools"): 2,
    }
    assert r.summary.answers_na == 2 and r.summary.respondents == 3
    assert r.comments["text"].tolist() == ["Fine", "two\nlines"]
    assert r.responses["role"].tolist()[:2] == ["Teacher", "Principal"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings(tmp_path, encoding):
    text = GOOD.replace("Fine", "Caf\u00e9 \u2013 fine")
    if encoding == "utf-16":  # Excel "Unicode text": UTF-16 with BOM, tab-delimited
        text = text.replace(",", "\t")
    r = quirks(write(tmp_path, text.encode(encoding)))
    assert r.comments["text"].iloc[0] == "Caf\u00e9 \u2013 fine"
    assert r.summary.answers == 4


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_sniffing_and_old_mac_line_endings(tmp_path, delimiter):
    text = GOOD.replace('"two\nlines"', "two").replace(",", delimiter).replace("\n", "\r")
    assert quirks(write(tmp_path, text)).summary.answers == 4


def test_empty_rows_are_dropped_and_counted(tmp_path):
    r = quirks(write(tmp_path, GOOD.replace("a2,", ",,,,\n\na2,")))
    assert r.summary.rows_dropped == {"entirely empty row": 2}
    assert "2 x entirely empty row" in str(r.summary)


def test_google_forms_grid_columns(tmp_path):
    text = (
        "Timestamp,Grid [Goals are clear.],I have the tools I need.,ID,Role\n"
        "8/21/2019 13:10:31,Agree,Agree,x1,Teacher\n"
    )
    path = write(tmp_path, text)
    assert detect_format(path) == "googleforms"
    assert quirks(path).responses["value"].tolist() == [4, 4]


def test_surveymonkey_matrix_per_department(tmp_path):
    path = MINE / "surveymonkey_support.csv"
    assert detect_format(path) == "surveymonkey"
    r = read_export(path, instrument=MINE / "support_services_sm.yml", wave="2026-spring")
    got = r.responses.set_index(["respondent_id", "department", "item"])["value"].to_dict()
    assert got == {
        ("1001", "Finance", "ss_timely"): 4,
        ("1001", "Finance", "ss_quality"): 5,
        ("1002", "Finance", "ss_timely"): 2,
        ("1002", "Finance", "ss_quality"): 3,
        ("1002", "Transportation", "ss_timely"): 5,
        ("1002", "Transportation", "ss_quality"): 5,
    }
    assert r.summary.answers_na == 2  # "Did not use" twice: 1001 did not rate Transportation
    assert r.summary.rows_dropped == {"'Finance' not rated": 1, "'Transportation' not rated": 2}
    assert sorted(r.comments["text"]) == ["Buses on time", "Quick, friendly"]


def test_qualtrics_xlsx_and_unfinished_rule(tmp_path):
    rows = [
        ["StartDate", "Finished", "ResponseId", "Q1", "Q2"],
        ["Start Date", "Finished", "Response ID", "Goals are clear.", "I have the tools I need."],
        [
            '{"ImportId":"startDate"}',
            '{"ImportId":"finished"}',
            '{"ImportId":"_recordId"}',
            '{"ImportId":"QID1"}',
            '{"ImportId":"QID2"}',
        ],
        ["2026-01-01", "1", "R_1", "5", "-99"],
        ["2026-01-01", "0", "R_2", "4", ""],
    ]
    path = tmp_path / "export.xlsx"
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    ins = tmp_path / "q.yml"
    ins.write_text(QUIRKS.read_text().replace("ID\n", "ResponseId\n").replace("  role: Role\n", ""))
    r = read_export(path, instrument=ins, wave="w", department="d")
    assert r.summary.format == "qualtrics"
    assert r.responses["value"].fillna(0).tolist() == [5, 4, 0, 0]  # -99 recode -> N/A
    ins.write_text(ins.read_text() + "  unfinished: drop\n")
    from districtsurvey.contracts.instrument import _load

    _load.cache_clear()  # the instrument file changed in place
    r = read_export(path, instrument=ins, wave="w", department="d")
    assert r.summary.respondents == 1
    assert r.summary.rows_dropped == {"unfinished response (import.unfinished: drop)": 1}


def test_write_tidy_is_atomic_and_round_trips(tmp_path):
    r = quirks(write(tmp_path, GOOD))
    out = write_tidy(r.responses, tmp_path / "out" / "tidy.parquet")
    assert pd.read_parquet(out)["value"].tolist() == r.responses["value"].tolist()
    assert [p.name for p in out.parent.iterdir()] == ["tidy.parquet"]


# -- bad input: each a clear error, exit 1, nothing written --------------------------------------
def _xlsx_truncated(tmp_path: Path) -> bytes:
    path = tmp_path / "full.xlsx"
    pd.DataFrame({"ID": ["a"], "Goals are clear.": ["Agree"]}).to_excel(path, index=False)
    return path.read_bytes()[:600]


BAD = {
    "empty file": (b"", {}, "the file is empty"),
    "header only": ("ID,Role,Goals are clear.,I have the tools I need.\n", {}, "no responses"),
    "another format": (
        "Timestamp,Goals are clear.\n8/1/2026 10:00:00,Agree\n",
        {"fmt": "qualtrics"},
        "looks like a googleforms export, not qualtrics",
    ),
    "duplicate ids": (GOOD.replace("a2,", "a1,"), {}, "duplicate respondent id 'a1'"),
    "out of scale": (GOOD.replace("Disagree", "7"), {}, "value out of the scale 1..5: '7'"),
    "unknown label": (
        GOOD.replace("Disagree", "Sorta agree"),
        {},
        "column I have the tools I need.: unknown answer label 'Sorta agree'",
    ),
    "missing item": (
        GOOD.replace("I have the tools I need.", "Tools"),
        {},
        "item q_tools of instrument quirks is missing from the file",
    ),
    "column mapped twice": (
        GOOD,
        {"spec": "  items: {q_tools: [Goals are clear.]}\n"},
        "column mapped twice",
    ),
    "wave column missing": (
        GOOD,
        {"spec": "  wave: Survey round\n"},
        "import.wave: no column named 'Survey round'",
    ),
    "department column missing": (
        GOOD,
        {"spec": "  department: School\n"},
        "import.department: no column named 'School'",
    ),
    "binary garbage": (bytes(range(256)) * 8, {}, "not a survey export"),
    "truncated csv": (GOOD[:-5], {}, "truncated"),
    "truncated row": (GOOD + "a4,Teacher", {}, "truncated"),
    "truncated xlsx": (None, {}, "truncated"),
}


def _bad_case(tmp_path: Path, case: str) -> tuple[Path, Path, dict, str]:
    data, opts, message = BAD[case]
    opts = dict(opts)
    if data is None:
        data = _xlsx_truncated(tmp_path)
    ins = QUIRKS
    if "spec" in opts:
        ins = tmp_path / "ins.yml"
        ins.write_text(QUIRKS.read_text() + opts.pop("spec"))
    name = "export.xlsx" if case == "truncated xlsx" else "export.csv"
    return write(tmp_path, data, name), ins, opts, message


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_clear_error(tmp_path, case):
    path, ins, opts, message = _bad_case(tmp_path, case)
    given = {"department": "HR"} if "wave" in case else {"department": "HR", "wave": "w"}
    with pytest.raises(SurveyDataError) as err:
        read_export(path, instrument=ins, **given, **opts)
    assert message in str(err.value)
    assert all(p.path == str(path) for p in err.value.problems)


@pytest.mark.parametrize("case", sorted(BAD))
def test_cli_bad_input_exits_1_and_writes_nothing(tmp_path, case):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    path, ins, opts, message = _bad_case(tmp_path, case)
    out = tmp_path / "out" / "tidy.csv"
    args = [
        "import",
        str(path),
        "--instrument",
        str(ins),
        "-o",
        str(out),
        "--format",
        opts.get("fmt", "auto"),
        "--department",
        "HR",
    ]
    if "wave" not in case:
        args += ["--wave", "w"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


def test_cli_import_prints_summary_and_writes(tmp_path):
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    out = tmp_path / "tidy.csv"
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(write(tmp_path, GOOD)),
            "--instrument",
            str(QUIRKS),
            "-o",
            str(out),
            "--wave",
            "w",
            "--department",
            "HR",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "detected format csv" in result.output and "respondents:      3" in result.output
    assert len(pd.read_csv(out)) == 6
    assert (tmp_path / "tidy.comments.csv").exists()


def test_write_tidy_csv_cells_are_never_formulas_and_read_back_as_they_were(tmp_path):
    """OWASP CSV injection: a tidy CSV a leader may open in a spreadsheet; the run reads it back
    unchanged (contracts.validate undoes the leading quote)."""
    from districtsurvey.contracts.validate import load_responses

    r = quirks(write(tmp_path, GOOD))
    hostile = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
    df = r.responses.copy()
    df["department"] = [hostile[i % len(hostile)] for i in range(len(df))]
    out = write_tidy(df, tmp_path / "tidy.csv")
    cells = pd.read_csv(out, dtype=str)["department"]
    assert all(c.startswith("'") for c in cells)  # a spreadsheet shows text, runs nothing
    back = load_responses(out, instrument=load_instrument(QUIRKS))
    assert sorted(set(back["department"])) == sorted(set(df["department"]))
