"""Every published table through the privacy step (issue 12): the `score` command's groupings,
key drivers, rater counts, linked waves, the roll-out wording — each checked with a naive oracle
written here from the raw rows or the published files."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.instrument import load_instrument
from support import SAMPLE

runner = CliRunner()
DIMS = ("department", "role", "site", "wave")


def _score(path, *args) -> pd.DataFrame:
    res = runner.invoke(app, ["score", str(path), *args])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), dtype={d: str for d in DIMS}, keep_default_na=False,
                       na_values=[""])  # fmt: skip


def _subtraction_breaches(outputs: dict[tuple, pd.DataFrame], min_n: int) -> list[str]:
    """Naive attacker: a shown total minus its shown parts is a hidden part, or a pooled group of
    hidden parts under min_n or answering alike (all favorable, or none)."""
    found = []
    for level, child in outputs.items():
        for d in level:
            parent_level = tuple(x for x in level if x != d)
            if parent_level not in outputs:
                continue
            parent = outputs[parent_level].set_index([*parent_level, "item"] or ["item"])
            for key, part in child.groupby([*parent_level, "item"]):
                key = key if isinstance(key, tuple) else (key,)
                total = parent.loc[key] if key in parent.index else None
                if total is None or total["suppressed"]:
                    continue
                hid = part[part["suppressed"]]
                if hid.empty:
                    continue
                shown = part[~part["suppressed"]]
                rest = total["n_answers"] - shown["n_answers"].sum()
                fav = (
                    total["pct_favorable"] * total["n_answers"]
                    - (shown["pct_favorable"] * shown["n_answers"]).sum()
                )
                if len(hid) == 1 or rest < min_n or abs(fav) < 1e-6 or abs(fav - 100 * rest) < 1e-6:
                    found.append(f"{level} {key}: {len(hid)} hidden, {rest} answers")
    return found


@pytest.fixture(scope="module")
def engagement_outputs():
    # every grouping of the sample engagement survey's current wave, read back from the CLI
    path = SAMPLE / "engagement.parquet"
    outputs = {}
    for k in range(4):
        for level in itertools.combinations(DIMS[:3], k):
            if len(level) > 1 and "department" not in level or len(level) > 2:
                continue  # refused (test_score_refuses_crossed_rater_groups_...)
            if level in (("role",), ("site",)):
                continue
            by = ",".join(level)
            outputs[level] = _score(path, "--instrument", "engagement", "--by", by,
                                    "--wave", "2026-fall")  # fmt: skip
    return outputs


def test_score_groupings_are_safe_beside_each_other(engagement_outputs):
    breaches = _subtraction_breaches(engagement_outputs, 5)
    assert not breaches, breaches[:10]


def test_score_by_department_and_by_department_role_together_reveal_nothing():
    # issue 12: on the sample support-services survey these two outputs together gave away 106
    # hidden cells by subtraction (e.g. the single principal who rated Athletics)
    path = SAMPLE / "support_services.parquet"
    args = ["--instrument", "support_services", "--wave", "2026-fall", "--by"]
    outputs = {
        ("department",): _score(path, *args, "department"),
        ("department", "role"): _score(path, *args, "department,role"),
        (): _score(path, *args, ""),
    }
    outputs = {k: v[v["item"] != "(all statements)"] for k, v in outputs.items()}
    assert not _subtraction_breaches(outputs, 5)
    athletics = outputs[("department", "role")]
    lone = athletics[(athletics["department"] == "Athletics") & (athletics["role"] == "Principal")]
    assert lone["suppressed"].all() and lone["n"].isna().all()


def test_score_order_of_by_does_not_change_the_figures():
    path = SAMPLE / "engagement.parquet"
    a = _score(path, "--instrument", "engagement", "--by", "department,role")
    b = _score(path, "--instrument", "engagement", "--by", "role,department")
    assert list(b.columns[:2]) == ["role", "department"]
    key = ["department", "role", "item"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True),
        b[a.columns].sort_values(key).reset_index(drop=True),
    )


def test_pooled_row_and_option_shares_recomputed_from_raw_rows(engagement_outputs):
    raw = pd.read_parquet(SAMPLE / "engagement.parquet")
    raw = raw[(raw["wave"] == "2026-fall") & raw["value"].notna()]
    reverse = set(load_instrument("engagement").items.query("reverse")["id"])
    score = np.where(raw["item"].isin(reverse), 6 - raw["value"].astype(int), raw["value"])
    raw = raw.assign(score=score)
    t = engagement_outputs[("department",)]
    pooled = t[(t["item"] == "(all statements)") & ~t["suppressed"]]
    assert len(pooled) > 20
    for row in pooled.head(15).itertuples():
        mine = raw[raw["department"] == row.department]
        # favourable answers (4-5 after flipping reverse items) over all answers
        assert row.pct_favorable == pytest.approx(100 * (mine["score"] >= 4).mean())
        assert row.n == mine["respondent_id"].nunique() and row.n_answers == len(mine)
        for k in range(1, 6):  # share per answer option, as answered
            assert getattr(row, f"pct_{k}") == pytest.approx(100 * (mine["value"] == k).mean())
    hidden = t[t["suppressed"]]
    assert hidden[["n", "mean", "pct_favorable", "pct_1", "pct_5"]].isna().all().all()


def test_blank_group_is_its_own_group_never_dropped(tiny, tmp_path):
    df = pd.concat([tiny.assign(respondent_id=tiny["respondent_id"] + s) for s in "abcd"])
    df.loc[df["respondent_id"].str[-1].isin(["c", "d"]), "role"] = None  # 12 with no role
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    t = _score(path, "--instrument", "support_services", "--by", "department,role")
    pooled = t[t["item"] == "(all statements)"].set_index("role")
    # Finance: Teacher 8, Principal 4 (hidden), no role 12: the 12 are a group of their own;
    # Teacher is hidden as the complement of Principal (Finance, 24, is published)
    assert sorted(pooled.index) == ["(not given)", "Principal", "Teacher"]
    assert pooled.loc["(not given)", "n"] == 12
    assert pooled.loc["Principal", "suppressed"] and pooled.loc["Teacher", "suppressed"]


def test_score_refuses_crossed_rater_groups_and_columns_that_are_not_groups(tiny, tmp_path):
    path = tmp_path / "t.csv"
    tiny.to_csv(path, index=False)
    for by in ("respondent_id", "item", "value", "role,role", "role,site", "department,site,role",
               "role", "site,wave"):  # fmt: skip
        res = runner.invoke(app, ["score", str(path), "--instrument", "support_services",
                                  "--by", by])  # fmt: skip
        assert res.exit_code == 1 and "--by" in res.output, by


# --- drivers, rater counts, roll-out wording on the sample run ---


def test_drivers_only_for_departments_whose_counts_are_shown(prepared_run):
    cache = prepared_run / "cache"
    drivers = pd.read_parquet(cache / "drivers.parquet")
    resp = pd.read_parquet(cache / "respondents.parquet")
    now = resp[resp["wave"] == "2026-fall"]
    shown = set(now.loc[~now["suppressed"], "department"])
    assert set(drivers["department"]) <= shown | {"District"}
    hidden = set(now.loc[now["suppressed"], "department"]) - {"District"}
    assert hidden and not hidden & set(drivers["department"])


def test_rater_count_hidden_with_its_department_statements(prepared_run):
    cache = prepared_run / "cache"
    items = pd.read_parquet(cache / "items.parquet")
    resp = pd.read_parquet(cache / "respondents.parquet").set_index(["department", "wave"])
    for (dept, wave), part in items.groupby(["department", "wave"]):
        if part["suppressed"].all():
            assert resp.loc[(dept, wave), "suppressed"], (dept, wave)
            assert pd.isna(resp.loc[(dept, wave), "n"])


def test_rollout_of_a_large_hidden_department_says_not_shown_not_fewer(prepared_run):
    from districtsurvey.prepare.cache import read_run
    from districtsurvey.reports.rollout import build_rollout, render_rollout

    run = read_run(prepared_run)
    ins = load_instrument(run["instrument"])
    items = pd.DataFrame({"item": ins.item_ids, "pct_favorable": np.nan, "suppressed": True})
    resp = pd.DataFrame({"n": [pd.NA], "suppressed": [True], "response_rate": [np.nan]})
    page = build_rollout(run, ins, department="Big Dept", items=items, focus=items.head(0),
                         respondents=resp, plan=pd.DataFrame(columns=["check_date"]))  # fmt: skip
    html = render_rollout(page)
    assert "fewer than 5 answers, or hidden so that a smaller group cannot be worked out" in html
    assert "people answered" not in html and "work out" not in html


# --- linked respondent ids across waves ---


def _linked_waves() -> pd.DataFrame:
    """Two waves of one engagement district whose respondent ids repeat (a linked survey).

    A: the same 20 people and 1 who joined (membership change 1: no change figure);
    B: 20 people of whom 6 left and 6 joined (change 12: shown); C: 15 then 12, 3 left (3: none).
    """
    items = load_instrument("engagement").item_ids[:4]
    rng = np.random.default_rng(3)
    people = {
        ("A", "2026-spring"): [f"a{i}" for i in range(20)],
        ("A", "2026-fall"): [f"a{i}" for i in range(21)],
        ("B", "2026-spring"): [f"b{i}" for i in range(20)],
        ("B", "2026-fall"): [f"b{i}" for i in range(6, 26)],
        ("C", "2026-spring"): [f"c{i}" for i in range(15)],
        ("C", "2026-fall"): [f"c{i}" for i in range(12)],
    }
    rows = [
        (rid, "engagement", wave, dept, "Teacher", "North", item, int(rng.integers(1, 6)))
        for (dept, wave), ids in people.items()
        for rid in ids
        for item in items
    ]
    cols = ["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]
    return pd.DataFrame(rows, columns=cols)


def test_no_change_figure_where_few_people_joined_or_left():
    from districtsurvey.prepare.score import score_run

    df = _linked_waves()
    tables = score_run(df, load_instrument("engagement"), min_n=5)
    # oracle: joiners + leavers per department from the raw ids
    ids = df.groupby(["department", "wave"])["respondent_id"].agg(set)
    moved = {d: len(ids[(d, "2026-fall")] ^ ids[(d, "2026-spring")]) for d in ("A", "B", "C")}
    assert moved == {"A": 1, "B": 12, "C": 3}
    for name in ("items", "dimensions"):
        t = tables[name]
        fall = t[t["wave"] == "2026-fall"].set_index("department")
        for dept, change in moved.items():
            rows = fall.loc[[dept]]
            assert not rows["suppressed"].any()  # each wave's own figures stay
            has_change = rows["change_pct_favorable"].notna().all()
            assert has_change == (change >= 5), (name, dept, change)
            if change < 5:
                assert rows[["prev_n", "prev_mean", "prev_pct_favorable"]].isna().all().all()
    # the district: 1 + 12 + 3 = 16 people joined or left, its change is shown
    district = tables["district_items"]
    assert district.loc[district["wave"] == "2026-fall", "change_pct_favorable"].notna().all()


def test_unlinked_ids_keep_every_change_figure():
    from districtsurvey.prepare.score import score_run

    df = _linked_waves()
    df["respondent_id"] = df["respondent_id"] + "-" + df["wave"]  # nobody in two waves
    t = score_run(df, load_instrument("engagement"), min_n=5)["items"]
    assert t.loc[t["wave"] == "2026-fall", "change_pct_favorable"].notna().all()
