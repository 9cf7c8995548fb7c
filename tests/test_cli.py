import pandas as pd
from typer.testing import CliRunner

from districtsurvey.cli import app
from support import SAMPLE, write_params

runner = CliRunner()


def test_validate_clean_and_problems(tmp_path, tiny):
    ok = runner.invoke(
        app,
        ["validate", str(SAMPLE / "support_services.parquet"), "--instrument", "support_services"],
    )
    assert ok.exit_code == 0, ok.output
    bad = tiny.astype({"value": "string"})
    bad.loc[0, "value"] = "9"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    res = runner.invoke(app, ["validate", str(path), "--instrument", "support_services"])
    assert res.exit_code == 1
    assert "row 2, column value: value out of range 1..5: 9" in res.output


def test_score_writes_report_safe_table(tmp_path, tiny):
    path = tmp_path / "t.csv"
    tiny.to_csv(path, index=False)
    out = tmp_path / "scores.csv"
    res = runner.invoke(
        app,
        [
            "score",
            str(path),
            "--instrument",
            "support_services",
            "--by",
            "department,role",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert {
        "department",
        "role",
        "item",
        "n",
        "mean",
        "pct_favorable",
        "pct_neutral",
        "pct_unfavorable",
        "suppressed",
    } <= set(t.columns)
    assert t["suppressed"].all() and t["mean"].isna().all()  # 4 teachers, 2 principals < 5


def test_score_bad_options_exit_1_and_write_nothing(tmp_path, tiny):
    path = tmp_path / "t.csv"
    tiny.to_csv(path, index=False)
    out = tmp_path / "scores.csv"
    for extra, msg in (
        (["--by", "deparment"], "unknown column"),
        (["--wave", "1999"], "not in the data"),
        (["--min-n", "2"], ""),
    ):
        res = runner.invoke(
            app, ["score", str(path), "--instrument", "support_services", "-o", str(out), *extra]
        )
        assert res.exit_code != 0 and msg in res.output
    assert not out.exists()


def test_run_with_bad_params_exits_1_with_one_message(tmp_path):
    path = write_params(tmp_path, departments=["Nowhere Dept"])
    res = runner.invoke(app, ["run", str(path)])
    assert res.exit_code == 1
    assert "unknown department 'Nowhere Dept'" in res.output
    assert not (tmp_path / "run" / "index.html").exists()


def test_malformed_data_file_in_params(tmp_path):
    data = tmp_path / "broken.csv"
    data.write_text("respondent_id,survey\nr1\n")
    res = runner.invoke(app, ["run", str(write_params(tmp_path, data=str(data)))])
    assert res.exit_code == 1
    assert "broken.csv" in res.output and "required column is missing" in res.output
