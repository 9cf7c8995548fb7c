import pandas as pd
import pytest
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


def test_score_lists_each_departments_waves_in_time_order(tmp_path):
    """#14: waves came in text order (2025-fall, 2026-09-pulse, 2026-fall, 2026-spring).
    Transportation has the three full rounds and the September pulse (its own file), whose
    order README and contracts/waves.py state: spring ~ April, the pulse in September, fall ~
    October."""
    full = pd.read_parquet(SAMPLE / "support_services.parquet")
    pulse = pd.read_parquet(SAMPLE / "support_services_pulse.parquet")
    units = ["Transportation", "Finance"]
    tidy = pd.concat([full, pulse], ignore_index=True)
    tidy = tidy[tidy["department"].astype(str).isin(units)]
    path = tmp_path / "tidy.csv"
    tidy.to_csv(path, index=False)
    assert set(pulse.loc[pulse["department"] == "Transportation", "wave"]) == {"2026-09-pulse"}
    out = tmp_path / "scores.csv"
    res = runner.invoke(
        app, ["score", str(path), "--instrument", "support_services", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    waves = {
        d: list(dict.fromkeys(part["wave"])) for d, part in t.groupby("department", sort=False)
    }
    assert waves["Transportation"] == ["2025-fall", "2026-spring", "2026-09-pulse", "2026-fall"]
    assert (
        waves["Finance"][:2] == ["2025-fall", "2026-spring"] and waves["Finance"][-1] == "2026-fall"
    )
    assert list(dict.fromkeys(t["department"])) == sorted(units)  # departments as before
    # within a department and wave, one block: its statements, then the pooled row
    first = t[(t["department"] == "Transportation") & (t["wave"] == "2026-spring")]
    assert first.index.is_monotonic_increasing and first["item"].iloc[-1] == "(all statements)"
    assert (first.index.to_series().diff().dropna() == 1).all()


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


# -- bad input: one message each, exit 1, nothing written (issue 19) ---------------------------
def _one_message(res, *expected: str) -> None:
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    for text in expected:
        assert text in res.output, (text, res.output)


def test_duplicated_column_name_is_refused(tmp_path, tiny):
    path = tmp_path / "twice.csv"
    tiny.assign(extra=tiny["value"]).to_csv(path, index=False)
    # the header as a survey tool might write it: `value` twice (pandas would read value.1)
    text = path.read_text().splitlines()
    text[0] = text[0].replace(",extra", ",value")
    path.write_text("\n".join(text) + "\n")
    res = runner.invoke(app, ["validate", str(path), "--instrument", "support_services"])
    _one_message(res, "column 'value' appears twice in the header (columns 8 and 9)")
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(write_params(tmp_path, data=str(path)))])
    _one_message(res, "column 'value' appears twice")
    assert not out.exists()


def test_jobs_and_timeout_below_one_are_refused_before_anything_is_written(tmp_path):
    params = write_params(tmp_path)
    for args, message in (
        (["--jobs", "0"], "--jobs: must be 1 or more, not 0"),
        (["-j", "-3"], "--jobs: must be 1 or more, not -3"),
        (["--timeout", "0"], "--timeout: must be more than 0 seconds"),
    ):
        _one_message(runner.invoke(app, ["run", str(params), *args]), message)
    assert not (tmp_path / "run").exists()


def test_unknown_only_is_refused_before_anything_is_written(tmp_path):
    data = pd.read_parquet(SAMPLE / "support_services.parquet")
    small = tmp_path / "small.parquet"
    data[data["department"].isin(["Finance", "Payroll"])].to_parquet(small, index=False)
    params = write_params(tmp_path, data=str(small), comments=[], headcounts=None)
    res = runner.invoke(app, ["run", str(params), "--only", "Finanse", "--only", "Payroll"])
    _one_message(res, "--only: unknown department(s) 'Finanse'", "did you mean Finance?")
    assert not (tmp_path / "run").exists()  # no cache, no folder


def test_error_lists_are_capped(tmp_path, tiny):
    """30,000 bad values: the first 10 rows, then one line for the rest."""
    rows = pd.concat([tiny.iloc[[0]]] * 30_000, ignore_index=True)
    rows["respondent_id"] = [f"r{i}" for i in range(len(rows))]
    rows["value"] = 9
    path = tmp_path / "many.csv"
    rows.to_csv(path, index=False)
    res = runner.invoke(app, ["validate", str(path), "--instrument", "support_services"])
    _one_message(res, "row 11, column value: value out of range 1..5: 9")
    assert "row 12," not in res.output
    # 30,000 bad rows - 10 listed = 29,990 (rows 2..11 are the listed ones)
    assert "column value: … and 29,990 more rows like this" in res.output
    assert len(res.output.splitlines()) == 11 and len(res.output) < 2_000


def test_duplicate_respondent_ids_in_an_export_are_capped(tmp_path):
    """One id on 30,000 rows and 14 more ids twice each: 10 ids listed, 10 rows each."""
    from support import ROOT

    lines = ["ID,Role,Goals are clear.,I have the tools I need."]
    lines += ["same,Teacher,Agree,Agree"] * 30_000
    lines += [f"x{i},Teacher,Agree,Agree" for i in range(14) for _ in range(2)]
    raw = tmp_path / "export.csv"
    raw.write_text("\n".join(lines) + "\n")
    out = tmp_path / "tidy.csv"
    res = runner.invoke(
        app,
        [
            "import",
            str(raw),
            "--instrument",
            str(ROOT / "tests" / "fixtures" / "import" / "quirks.yml"),
            "--wave",
            "w",
            "--department",
            "HR",
            "-o",
            str(out),
        ],
    )
    # rows 2..11 listed of 30,000 (header is row 1): 29,990 more; 15 ids - 10 listed: 5 more
    _one_message(
        res,
        "duplicate respondent id 'same' on rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 … and 29,990 more",
        "… and 5 more duplicate respondent ids",
    )
    assert len(res.output) < 5_000 and not out.exists()


def test_a_write_error_is_a_message_not_a_traceback(tmp_path, tiny):
    path = tmp_path / "t.csv"
    tiny.to_csv(path, index=False)
    folder = tmp_path / "scores.csv"
    folder.mkdir()  # the output name is taken by a folder
    res = runner.invoke(
        app, ["score", str(path), "--instrument", "support_services", "-o", str(folder)]
    )
    _one_message(res, f"error: {folder}: Is a directory")
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


# -- explore stops its server (issue 19) -------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP", "SIGKILL"])
def test_explore_server_stops_with_the_command(tmp_path, sig):
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from support import ROOT

    port, tag = _free_port(), uuid.uuid4().hex
    env = dict(os.environ, DISTRICTSURVEY_TEST_TAG=tag)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")])
    log = tmp_path / "explore.log"
    with open(log, "wb") as stream:
        cli = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "districtsurvey",
                "explore",
                "--port",
                str(port),
                "--no-browser",
            ],
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:
        end = time.monotonic() + 120
        while not _port_open(port):
            assert time.monotonic() < end and cli.poll() is None, log.read_text()
            time.sleep(0.3)
        cli.send_signal(getattr(signal, sig))
        code = cli.wait(30)
        end = time.monotonic() + 20  # JupyterLab stops its kernels and closes the port
        while _port_open(port) or _tagged(tag):
            assert time.monotonic() < end, (sig, _tagged(tag))
            time.sleep(0.3)
    finally:
        cli.kill()
    assert code == -signal.SIGKILL if sig == "SIGKILL" else 128 + getattr(signal, sig)


def _tagged(tag: str) -> list[str]:
    """Live (not zombie) processes whose environment carries ``tag``."""
    import os
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if f"DISTRICTSURVEY_TEST_TAG={tag}".encode() in (proc / "environ").read_bytes():
                if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(proc.name)
        except OSError:
            continue
    return found


def test_usage_errors_stay_usage_errors(tmp_path):
    """A missing option value is typer's usage message (exit 2), not an 'unexpected' error."""
    res = runner.invoke(app, ["run", str(write_params(tmp_path)), "--only"])
    assert res.exit_code == 2
    assert "requires an argument" in res.output and "unexpected" not in res.output
