"""The explorer headless: widget values set from Python, assertions on the tables it shows.

Counts are checked against the respondent rows directly (pandas ``nunique``), and privacy against
``privacy.check_query`` (the other implementation of the same rule) and a subtraction attack.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections import Counter

import comm
import numpy as np
import pandas as pd
import pytest
from comm.base_comm import BaseComm

from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.explore.app import Explorer
from districtsurvey.explore.cube import build_cube, protect
from districtsurvey.explore.source import load_source
from districtsurvey.explore.views import Query, compute_view
from districtsurvey.prepare.score import score_items
from districtsurvey.privacy import query as privacy
from support import ROOT, SAMPLE, write_params

FALL, SPRING = "2026-fall", "2026-spring"


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / "support_services.parquet")


@pytest.fixture(scope="module")
def cube(responses):
    comments = pd.read_csv(SAMPLE / "support_services_comments.csv")
    return build_cube(responses, load_instrument("support_services"), comments=comments)


@pytest.fixture
def explorer(cube) -> Explorer:
    return Explorer(cube)


def test_protect_hides_the_next_smallest_when_one_group_is_small():
    # roles of one department: 40, 20, 3 -> 3 is small; 60 shown as the total would give it away
    # by subtraction, so 20 is hidden with it (pooled 23 >= 5)
    assert protect(np.array([40, 20, 3]), 5).tolist() == [False, True, True]
    # 3 + 4 = 7 respondents pooled: the two small groups together are not small
    assert protect(np.array([40, 20, 3, 4]), 5).tolist() == [False, False, True, True]
    # departments share respondents: 3 and 4 may be the same 4 people -> hide one more (max rule)
    assert protect(np.array([40, 20, 3, 4]), 5, combine="max").tolist() == [False, True, True, True]


def test_cube_counts_match_the_respondent_rows(cube, responses):
    ins = load_instrument("support_services")
    part = responses[(responses["wave"] == FALL) & (responses["department"] == "Transportation")]
    expected = score_items(part, ins, by=["department"])  # the batch's own scoring
    view = compute_view(cube, Query(FALL, departments=("Transportation",)))
    got = view.items.set_index("item")
    want = expected.set_index("item")
    assert (got["n"] == want["n"]).all()
    assert np.allclose(got["pct_favorable"], want["pct_favorable"])
    assert np.allclose(got["mean"], want["mean"])
    answered = part[part["value"].notna()]
    assert view.n == answered["respondent_id"].nunique()
    everyone = responses[(responses["wave"] == FALL) & responses["value"].notna()]
    assert compute_view(cube, Query(FALL)).n == everyone["respondent_id"].nunique()


def test_changing_the_department_changes_every_view(explorer):
    explorer.w["department"].value = "Transportation"
    first = explorer.view
    html_before = [c.value for c in explorer.items.children if hasattr(c, "value")]
    explorer.w["department"].value = "Payroll"
    second = explorer.view
    assert second.query.departments == ("Payroll",)
    assert not first.items["pct_favorable"].equals(second.items["pct_favorable"])
    assert html_before != [c.value for c in explorer.items.children if hasattr(c, "value")]
    assert "Payroll" in explorer.status.value


def test_which_rater_group_is_least_satisfied_with_transportation_timeliness(explorer):
    explorer.w["department"].value = "Transportation"
    explorer.w["dimension"].value = "timeliness"
    explorer.w["compare"].value = SPRING
    b = explorer.view.breakdown
    shown = b[~b["suppressed"]]
    assert list(shown["pct_favorable"]) == sorted(shown["pct_favorable"])  # least favorable first
    least = shown.iloc[0]
    # issue 13: a change is the difference of the whole numbers shown beside it
    shown_now, shown_before = round(least["pct_favorable"]), round(least["prev_pct_favorable"])
    assert least["change"] == shown_now - shown_before
    assert "Timeliness" in explorer.breakdown.value and least["group"] in explorer.breakdown.value


def test_a_small_department_is_refused_with_a_clear_message(explorer):
    explorer.w["department"].value = "Internal Audit"  # 2 raters in fall 2026
    assert "fewer than 5 respondents" in explorer.view.message
    assert explorer.view.items.empty and explorer.view.breakdown.empty
    assert "Not shown" in explorer.status.value
    assert explorer.chart.value == "" and len(explorer.items.children) == 8  # header only


def test_a_combination_of_allowed_widgets_is_refused(explorer, responses):
    explorer.w["department"].value = "Transportation"
    explorer.w["role"].value = "Principal"
    assert not explorer.view.message  # 7 principals rated Transportation
    explorer.w["site"].value = "Oak Hill Elementary"
    assert "fewer than 5" in explorer.view.message
    explorer.w["role"].value = ""  # the whole site is fine
    explorer.w["department"].value = ""
    assert not explorer.view.message


def test_a_group_recoverable_by_subtraction_is_refused():
    # one department: 40 teachers, 20 staff, 3 principals. The principals are hidden; showing
    # the department (63) and the teachers (40) and the staff (20) would give them away.
    rows = [
        (f"{role[0]}{j}", role)
        for role, k in (("Teacher", 40), ("Staff", 20), ("Principal", 3))
        for j in range(k)
    ]
    df = pd.DataFrame(rows, columns=["respondent_id", "role"]).assign(
        survey="support_services",
        wave=FALL,
        department="Finance",
        site="Oak Hill",
        item="ss_timely_response",
        value=4,
    )
    cube = build_cube(df, load_instrument("support_services"))
    assert compute_view(cube, Query(FALL, departments=("Finance",))).message == ""
    assert compute_view(cube, Query(FALL, departments=("Finance",), role="Teacher")).message == ""
    staff = compute_view(cube, Query(FALL, departments=("Finance",), role="Staff")).message
    assert "subtraction" in staff
    b = compute_view(cube, Query(FALL, departments=("Finance",))).breakdown
    assert b.set_index("group")["suppressed"].to_dict() == {
        "Teacher": False,
        "Staff": True,
        "Principal": True,
    }


def _combinations(cube, k: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    for _ in range(k):
        yield Query(
            rng.choice(cube.waves),
            departments=(rng.choice(cube.departments),) if rng.random() < 0.8 else (),
            role=rng.choice(cube.roles) if rng.random() < 0.6 else None,
            site=rng.choice(cube.sites) if rng.random() < 0.5 else None,
        )


def test_no_shown_combination_fails_the_privacy_query_check(cube, responses):
    """Whatever the widgets, a shown view passes ``privacy.check_query`` on the raw rows."""
    answered = responses[responses["value"].notna()]
    shown = refused = 0
    for q in _combinations(cube, 150):
        filters = {"wave": q.wave}
        filters |= {"department": q.departments[0]} if q.departments else {}
        filters |= {k: v for k, v in (("role", q.role), ("site", q.site)) if v}
        view = compute_view(cube, q)
        if view.message:
            refused += 1
            continue
        shown += 1
        assert privacy.check_query(answered, filters, min_n=5) == view.n
        items = view.items[~view.items["suppressed"]]
        assert (items["n"] >= 5).all()
    assert shown > 20 and refused > 20  # both branches exercised


def test_subtraction_never_isolates_a_small_group(cube, responses):
    """For each department and wave, total minus the shown roles never leaves 1..4 people."""
    answered = responses[responses["value"].notna()]
    n = answered.groupby(["wave", "department", "role"], observed=True)["respondent_id"].nunique()
    for wave, dept in itertools.product(cube.waves, cube.departments):
        if compute_view(cube, Query(wave, departments=(dept,))).message:
            continue
        hidden = [
            r
            for r in cube.roles
            if n.get((wave, dept, r), 0) > 0
            and compute_view(cube, Query(wave, departments=(dept,), role=r)).message
        ]
        assert not hidden or sum(n[(wave, dept, r)] for r in hidden) >= 5, (wave, dept, hidden)


def test_breakdown_rows_agree_with_the_dropdown(cube):
    for q in _combinations(cube, 40, seed=3):
        q = Query(q.wave, departments=q.departments, site=q.site)
        view = compute_view(cube, q)
        if view.message:
            continue
        for row in view.breakdown.itertuples():
            alone = compute_view(
                cube, Query(q.wave, departments=q.departments, site=q.site, role=row.group)
            )
            assert bool(alone.message) == row.suppressed, (q, row.group)


def test_heatmap_click_and_item_row_click_drill_in(explorer):
    explorer._cells["Transportation", "timeliness"].click()
    q = explorer.query()
    assert q.departments == ("Transportation",) and q.dimension == "timeliness"
    assert set(explorer.view.items["dimension"]) == {"timeliness"}
    explorer._rows["ss_timely_updates"][0].click()
    assert explorer.query().item == "ss_timely_updates"
    assert explorer.view.focus.startswith("This department keeps me informed")


def test_heatmap_hides_small_cells(explorer):
    h = explorer.view.heatmap
    assert h.loc["Internal Audit"].isna().all()  # 2 raters in fall 2026
    assert h.loc["Transportation"].notna().all()
    assert any(b.description == "–" for b in explorer._cells.values())


class Recorder(BaseComm):
    """A comm that keeps what a widget would send the browser in ``sent``: (message type,
    method), and for a creation (method None) the widget's model name as a third item."""

    def __init__(self, sent: list, *args, **kwargs):
        self.sent = sent
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        data = data or {}
        model = (data.get("state") or {}).get("_model_name") if msg_type == "comm_open" else None
        self.sent.append((msg_type, data.get("method"), *([model] if model else [])))


def test_first_draw_sends_each_widget_with_its_figures(responses, cube, monkeypatch):
    """jupyter_server passes the browser at most 3,000 widget updates in 3 s
    (``iopub_msg_rate_limit`` 1,000 a second over ``rate_limit_window`` 3 s; creations do not
    count) and drops the rest. A heatmap set cell by cell after its creation sends 5 updates a
    cell, so about 100 departments would lose figures. Each widget is created with its figures:
    the first draw's updates do not grow with the district, and the cells show the view."""
    sent: list[tuple] = []
    monkeypatch.setattr(comm, "create_comm", lambda *a, **kw: Recorder(sent, *a, **kw))
    again = responses.assign(department=responses["department"].astype(str) + " 2")
    twice = pd.concat([responses.assign(department=responses["department"].astype(str)), again])
    big = build_cube(twice, load_instrument("support_services"))
    updates, made = [], []
    for c in [cube, big]:
        sent.clear()
        explorer = Explorer(c)
        made.append(Counter(m[2] for m in sent if m[0] == "comm_open"))
        # each cell opens two: its button and the button's style (the cells share one layout)
        assert made[-1]["ButtonModel"] + made[-1]["ButtonStyleModel"] > 2 * len(explorer._cells)
        updates.append(sent.count(("comm_msg", "update")))
        h = explorer.view.heatmap
        for (dept, area), button in explorer._cells.items():
            v = h.loc[dept].iloc[c.dimensions.index(area)]  # columns: the areas' labels
            assert button.description == ("–" if pd.isna(v) else str(round(v)))
    assert len(big.departments) == 2 * len(cube.departments)
    assert updates[0] == updates[1] < 40, updates
    # the browser creates each widget one after another (about 1,100 took 2-9 s in JupyterLab):
    # cells of a kind share a layout, text cells a style, so these do not grow with the district
    for model in ["LayoutModel", "HTMLStyleModel"]:
        assert made[0][model] == made[1][model] < 40, (model, made)
    assert made[1]["ButtonModel"] > made[0]["ButtonModel"]  # the counter counts


def test_comments_follow_the_department_not_role_or_site(explorer):
    explorer.w["department"].value = "Transportation"
    assert set(explorer.view.comments["department"]) == {"Transportation"}
    assert "respondent_id" not in explorer.view.comments.columns
    explorer.w["role"].value = "Teacher"
    assert "never filtered by role or site" in explorer.comments.value


def test_export_writes_report_safe_tables(explorer, tmp_path):
    explorer.w["department"].value = "Transportation"
    explorer.w["site"].value = "Oak Hill Elementary"  # small cells inside a shown group
    csv, breakdown = explorer.export_csv(tmp_path)
    table = pd.read_csv(csv)
    assert "respondent_id" not in table.columns
    assert table.loc[table["suppressed"], ["n", "mean", "pct_favorable"]].isna().all().all()
    assert (table.loc[~table["suppressed"], "n"] >= 5).all()
    png = explorer.export_png(tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    explorer.w["department"].value = "Internal Audit"
    assert explorer.export_csv(tmp_path) == [] and "Nothing to export" in explorer.exported.value


def test_an_update_is_fast(explorer):
    times = []
    for dept in ["Transportation", "Payroll", "", "Finance"] * 5:
        start = time.perf_counter()
        explorer.w["department"].value = dept
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.2  # benchmarks/explore.py measures 200,000 respondents


def test_switching_survey_rebuilds_the_widgets(explorer):
    explorer.w["survey"].value = "Engagement (demo)"
    assert explorer.cube.instrument.id == "engagement"
    assert explorer.cube.additive  # one home department per employee
    assert "Supervisor" in explorer.heatmap.children[1].value
    assert len(explorer.w["department"].options) > 31  # departments and schools
    assert explorer.view.n > 0


def test_load_a_prepared_run_folder_and_a_tidy_file(tmp_path, responses):
    params = write_params(tmp_path)
    from districtsurvey.prepare.run import prepare

    run = prepare(params)
    cube = load_source(run)
    assert json.loads((run / "cache" / "run.json").read_text())["min_n"] == cube.min_n
    assert len(cube.comments) > 0
    tidy = tmp_path / "tidy.csv"
    responses[responses["department"] == "Payroll"].to_csv(tidy, index=False)
    assert load_source(tidy, instrument="support_services").departments == ["Payroll"]
    with pytest.raises(SurveyDataError):
        load_source(tmp_path / "missing.csv")


def test_report_notebooks_never_create_widgets():

    for name in ("department_report.ipynb", "district_summary.ipynb"):
        text = (ROOT / "notebooks" / name).read_text()
        assert "ipywidgets" not in text and "explore" not in text and "tqdm" not in text
    for module in (ROOT / "lib" / "districtsurvey" / "reports").glob("*.py"):
        assert "ipywidgets" not in module.read_text(), module.name
    nb = json.loads((ROOT / "notebooks" / "explore.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_waves_in_time_order_and_reverse_statements_labeled():
    """Issue 13: the explorer orders waves in time (here months, whose text order differs, and
    an explicit list) and labels a reverse-worded statement with the direction of its figures."""
    df = pd.read_parquet(SAMPLE / "engagement.parquet")
    df = df[df["department"] == "Transportation"].copy()
    months = dict(
        zip(
            ["2025-fall", "2026-spring", "2026-fall"], ["2025-11", "2026-4", "2026-10"], strict=True
        )
    )
    df["wave"] = df["wave"].astype(str).map(months)
    ins = load_instrument("engagement")
    cube = build_cube(df, ins)
    assert cube.waves == ["2025-11", "2026-4", "2026-10"]  # as text: 2025-11, 2026-10, 2026-4
    assert build_cube(df, ins, waves=["2026-4", "2025-11", "2026-10"]).waves[0] == "2026-4"
    labels = dict(zip(cube.items, cube.item_labels, strict=True))
    assert labels["ee_stay_leave"] == (
        "I often think about leaving this district. (% who disagree — favorable)"
    )
    assert labels["ee_recommend"] == "I would recommend this district as a great place to work."
    explorer = Explorer(cube)
    assert explorer.w["wave"].value == "2026-10"  # the latest wave, not the last as text
    view = explorer.view
    assert list(view.trend["wave"]) == ["2025-11", "2026-4", "2026-10"]
    assert "(% who disagree — favorable)" in " ".join(view.items["label"])
    with pytest.raises(SurveyDataError, match="waves:"):
        build_cube(df.assign(wave=df["wave"].map(lambda w: f"round {w}")), ins)  # needs the list
