"""Figures derived beside the scored tables, made as safe as the tables: key drivers (a
department's own analysis publishes its count) and changes between waves of linked respondents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .suppress import DISTRICT, check_min_n
from .tables import protect

#: Columns of a comparison with the previous wave (``analysis.scoring.add_comparisons``).
CHANGE_COLUMNS = ("prev_n", "prev_mean", "prev_pct_favorable", "change_pct_favorable")


def protect_drivers(
    drivers: pd.DataFrame,
    *,
    respondents: pd.DataFrame,
    items: pd.DataFrame,
    wave: str,
    outcome: str | None,
    min_n: int = 5,
) -> pd.DataFrame:
    """Key drivers only where the department's figures are shown, and safe as a table.

    Rows are kept for the district and for departments whose respondent count is shown in
    ``wave`` and whose statement and outcome are shown there. A department's own analysis
    (``basis`` department) publishes its number of pairs ``n``; those counts and the district's
    add up, so they go through ``protect`` (the district's pairs are the total, the departments
    without their own analysis a rest): a row it hides falls back to the district's drivers,
    as for a small department.

    >>> d = pd.DataFrame({"department": ["A", "B", "District"], "item": "i", "r": [.5, .4, .45],
    ...                   "n": [120, 123, 123], "importance": 1.0,
    ...                   "basis": ["department", "district", "district"]})
    >>> resp = pd.DataFrame({"department": ["A", "B"], "wave": "w", "suppressed": [False, True]})
    >>> it = pd.DataFrame({"department": ["A"], "wave": "w", "item": "i", "suppressed": False})
    >>> protect_drivers(d, respondents=resp, items=it, wave="w", outcome=None)["basis"].tolist()
    ['district', 'district']
    """
    check_min_n(min_n)
    r = respondents[(respondents["wave"] == wave) & (respondents["department"] != DISTRICT)]
    shown = set(r.loc[~r["suppressed"].fillna(True).astype(bool), "department"])
    it = items[items["wave"] == wave]
    item_shown = {
        (d, i)
        for d, i, s in zip(it["department"], it["item"], it["suppressed"], strict=True)
        if not (pd.isna(s) or s)
    }
    district = drivers[drivers["department"] == DISTRICT]
    keep = drivers["department"].isin(shown).to_numpy() & np.array(
        [
            (d, i) in item_shown and (outcome is None or (d, outcome) in item_shown)
            for d, i in zip(drivers["department"], drivers["item"], strict=True)
        ],
        dtype=bool,
    )
    mine = drivers[keep]
    own = mine[mine["basis"] == "department"]
    if not own.empty:
        totals = {"department": district[["item", "n"]]}
        guarded = protect(
            own.reset_index(drop=True), keys=["department", "item"], totals=totals, min_n=min_n
        )
        gone = set(guarded.loc[guarded["suppressed"], "department"])
        if gone:  # that department's own analysis goes whole: the district's drivers instead
            base = district.drop(columns="department")
            subs = [base.assign(department=d) for d in sorted(gone)]
            mine = pd.concat([mine[~mine["department"].isin(gone)], *subs], ignore_index=True)
            pairs = zip(mine["department"], mine["item"], strict=True)
            mine = mine[[(d, i) in item_shown for d, i in pairs]]
    out = pd.concat([mine, district], ignore_index=True)
    return out[drivers.columns].reset_index(drop=True)


def membership_changes(responses: pd.DataFrame, *, previous: dict) -> pd.DataFrame:
    """Per department (and the district) and wave: respondents who joined and who left since the
    wave it is compared with (``previous``: wave -> earlier wave or None, as
    ``contracts.waves.previous_waves`` gives; by respondent id, only meaningful when ids are
    linked across waves).

    >>> df = pd.DataFrame({"respondent_id": ["a", "b", "a", "c"], "wave": ["1", "1", "2", "2"],
    ...                    "department": "X", "value": 3})
    >>> moved = membership_changes(df, previous={"1": None, "2": "1"})
    >>> moved.iloc[-1][["joined", "left"]].astype(int).tolist()
    [1, 1]
    """
    answered = responses[responses["value"].notna()]
    people = {
        (d, w): set(ids)
        for (d, w), ids in answered.groupby(["department", "wave"], observed=True)["respondent_id"]
    }
    for w, ids in answered.groupby("wave", observed=True)["respondent_id"]:
        people[(DISTRICT, w)] = set(ids)
    rows = []
    for (dept, w), ids in sorted(people.items()):
        if previous.get(w) is None:
            continue
        before = people.get((dept, previous[w]), set())
        rows.append((dept, w, len(ids - before), len(before - ids)))
    return pd.DataFrame(rows, columns=["department", "wave", "joined", "left"])


def few_changed(responses: pd.DataFrame, *, previous: dict, min_n: int = 5) -> set | None:
    """The (department, wave) pairs whose membership changed by 1 to ``min_n - 1`` people since
    the wave they are compared with (``protect_changes`` takes their change figures away); None
    when no respondent id is in two waves (unlinked ids: nothing to protect).

    Worked out once per run for all its tables.

    >>> df = pd.DataFrame({"respondent_id": ["a", "b", "a", "c"], "wave": ["1", "1", "2", "2"],
    ...                    "department": "X", "value": 3})
    >>> sorted(few_changed(df, previous={"1": None, "2": "1"}))
    [('District', '2'), ('X', '2')]
    """
    check_min_n(min_n)
    answered = responses[responses["value"].notna()]
    if not (answered.groupby("respondent_id", observed=True)["wave"].nunique() > 1).any():
        return None
    moved = membership_changes(responses, previous=previous)
    moved["few"] = (moved["joined"] + moved["left"]).between(1, min_n - 1)
    return set(
        zip(moved.loc[moved["few"], "department"], moved.loc[moved["few"], "wave"], strict=True)
    )


def protect_changes(table: pd.DataFrame, few: set | None) -> pd.DataFrame:
    """No change figure for a group whose membership changed by 1 to ``min_n - 1`` people
    (``few``: those groups, from ``few_changed``).

    When respondent ids repeat across waves (a linked, "confidential" survey), the difference
    between two waves of a group is, beside the stayers' own changes, the answers of those who
    joined and left it: with fewer than ``min_n`` of them (joiners and leavers counted together)
    the change would mostly describe them. Such rows keep each wave's own figures (each a group
    of ``min_n`` or more) and lose ``prev_*`` and ``change_pct_favorable``. Unlinked ids (``few``
    None: nobody in two waves) leave the table as it is.
    """
    if few is None:
        return table
    out = table.copy()
    dept = out["department"] if "department" in out else pd.Series(DISTRICT, index=out.index)
    mask = pd.Series(
        [(d, w) in few for d, w in zip(dept, out["wave"], strict=True)], index=out.index
    )
    for col in CHANGE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype("Float64" if col == "prev_n" else float).mask(mask)
    return out
