"""No test depends on today's date: the checks that involve dates hold on any day.

Every test run pins ``report_date`` (``support.REPORT_DATE``); here the clock itself is moved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import time_machine

from support import ROOT, write_params

A_YEAR_AHEAD = dt.datetime(2027, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_report_date_defaults_to_the_day_of_the_run(tmp_path):
    from districtsurvey.batch.publish import publish_extras
    from districtsurvey.prepare.run import prepare

    params = write_params(tmp_path, departments=["Finance"], report_date=None)
    with time_machine.travel(A_YEAR_AHEAD, tick=False):
        run_dir = prepare(params)
        publish_extras(run_dir)
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    assert run["date"] == "2027-12-01"
    plan = pd.read_csv(run_dir / "action_plans" / "finance.csv")
    # 90 days after 2027-12-01 is the leap day 2028-02-29 (31 Dec + 31 Jan + 28 Feb)
    assert set(plan["check_date"]) == {"2028-02-29"}


def test_date_sensitive_checks_pass_a_year_ahead():
    """The suite's date-sensitive modules, run again with today moved a year ahead."""
    env = {**os.environ, "DISTRICTSURVEY_TEST_TODAY": A_YEAR_AHEAD.isoformat()}
    modules = ["tests/batch/test_publish.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "today moved to 2027-12-01" in done.stdout
