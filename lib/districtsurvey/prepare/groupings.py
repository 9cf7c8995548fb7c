"""The ``score`` command's table: one row per group x statement plus a pooled row per group,
safe against every other table the command can write.

Every grouping the command accepts (the district or departments, optionally split by role or
by site; always per wave; in any order) is a level of one lattice of cells; ``privacy.groupings.hidden_cells``
decides the hidden cells of all levels at once, and an output shows its own level of that one
decision. So ``--by department`` and ``--by department,role`` (or ``--wave W``) can be published
side by side: the coarser grouping, and the district, are margins the protection already counted.
``privacy.audit.audited_cells`` then checks the decision with linear programming over all levels
(per statement, and the pooled row) and hides more until no hidden cell is pinned.
A blank group value is its own group, "(not given)", never dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..analysis.scoring import scored
from ..contracts.errors import SurveyDataError
from ..contracts.instrument import Instrument
from ..contracts.waves import wave_order
from ..privacy.audit import Model, audited_cells, pooled_map, statement_map
from ..privacy.groupings import Lattice

GROUP_COLUMNS = ("department", "role", "site", "wave")
NOT_GIVEN = "(not given)"
ALL_ITEMS = "(all statements)"
_ROOT = "_district"


def option_shares(counts: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    """Percent of answers per answer option, as answered (columns ``pct_1`` .. ``pct_<points>``).

    The one place that knows the options (``instrument.scale`` today; a per-item scale later).

    >>> option_shares(np.array([[1, 0, 1, 2, 0]]), ["a", "b", "c", "d", "e"]).iloc[0].tolist()
    [25.0, 0.0, 25.0, 50.0, 0.0]
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = 100 * counts / np.where(total > 0, total, np.nan)
    return pd.DataFrame(shares, columns=[f"pct_{k}" for k in range(1, len(labels) + 1)])


def group_columns(responses: pd.DataFrame) -> list[str]:
    """The group columns of the data that ``--by`` accepts (those with any value)."""
    return [c for c in GROUP_COLUMNS if c in responses.columns and responses[c].notna().any()]


#: Rater columns: a grouping takes at most one, and only within departments (as the reports
#: do). Rater groups across the district beside departments make a two-way table whose hidden
#: cells the other cells pin down by subtraction and bounds; crossing role and site makes cells
#: of one or two people.
RATER_COLUMNS = ("role", "site")


def allowed_grouping(by: Sequence[str]) -> bool:
    """Whether ``score`` writes this grouping: the district or departments, optionally split by
    one rater column, per wave or not.

    >>> [allowed_grouping(b) for b in (["department", "role"], ["role"], ["role", "site"])]
    [True, False, False]
    """
    raters = [c for c in by if c in RATER_COLUMNS]
    return len(raters) <= 1 and (not raters or "department" in by)


def _levels(dims: Sequence[str]) -> list[tuple[str, ...]]:
    """The groupings written: always per wave (waves are never pooled: with ids linked across
    waves, pooled and per-wave figures would be two overlapping tables)."""
    masks = itertools.product([False, True], repeat=len(dims))
    levels = [tuple(d for d, m in zip(dims, mask, strict=True) if m) for mask in masks]
    return [lv for lv in levels if allowed_grouping(lv) and ("wave" in lv or "wave" not in dims)]


def _cells(df: pd.DataFrame, dims: list[str], points: int) -> pd.DataFrame:
    """Answer counts per value (``v1..``) and per score (``s1..``) and the group's respondents,
    for every level x group x statement and every level x group (the pooled row)."""
    codes = range(1, points + 1)
    df = df[[_ROOT, *dims, "item", "value", "score", "respondent_id"]].astype(
        {c: "category" for c in [*dims, "item", "respondent_id"]}
    )
    fine = df.groupby([_ROOT, *dims, "item", "value", "score"], observed=True).size()
    fine = fine[fine > 0].rename("k").reset_index()
    # one row per respondent x group (respondents of a group are counted once)
    who = df[[_ROOT, *dims, "respondent_id"]].drop_duplicates()
    frames = []
    for level in _levels(dims):
        keys = [_ROOT, *level]
        people = who[[*keys, "respondent_id"]].drop_duplicates().groupby(keys, observed=True)
        people = people.size().rename("people")
        for by, item in (([*keys, "item"], None), (keys, ALL_ITEMS)):
            v = fine.groupby([*by, "value"], observed=True)["k"].sum().unstack(fill_value=0)
            s = fine.groupby([*by, "score"], observed=True)["k"].sum().unstack(fill_value=0)
            v = v.reindex(columns=codes, fill_value=0).add_prefix("v")
            s = s.reindex(index=v.index, columns=codes, fill_value=0).add_prefix("s")
            t = v.join(s).reset_index().merge(people.reset_index(), on=keys)
            t = t.assign(item=item) if item else t
            frames.append(t.assign(level="|".join(level)))
    out = pd.concat(frames, ignore_index=True)
    out.columns = [str(c) for c in out.columns]
    return out.astype({c: object for c in [*dims, "item"]})


def _lattice(cells: pd.DataFrame, dims: list[str], instrument: Instrument) -> tuple[Lattice, Model]:
    """Counts, profiles, margins (level -> level without one column; statements -> pooled row)
    and links (a hidden pooled row hides its group's statements) of the cells; and what an
    attacker reads of them (each statement, and the pooled row, across the levels)."""
    scale, points = instrument.scale, instrument.scale.points
    v = cells[[f"v{k}" for k in range(1, points + 1)]].to_numpy(float)
    s = cells[[f"s{k}" for k in range(1, points + 1)]].to_numpy(float)
    answers = v.sum(axis=1)
    pooled = (cells["item"] == ALL_ITEMS).to_numpy()
    k = np.arange(1, points + 1, dtype=float)
    profile = np.column_stack(
        [
            answers,
            s[:, [c - 1 for c in scale.favorable]].sum(axis=1),
            s[:, [c - 1 for c in scale.unfavorable]].sum(axis=1),
            s @ k,
            s @ k**2,
        ]
    )
    people = cells["people"].to_numpy(float)
    ids = cells.assign(_id=np.arange(len(cells)))
    margins: list[tuple[int, np.ndarray]] = []

    def pairs(child: pd.DataFrame, parent: pd.DataFrame, on: list[str]):
        both = child[[*on, "_id"]].merge(parent[[*on, "_id"]], on=on, suffixes=("", "_p"))
        return _grouped(both["_id_p"].to_numpy(), both["_id"].to_numpy())

    by_level = {lvl: part for lvl, part in ids.groupby("level", sort=False)}
    links, across = {}, []
    for level in _levels(dims):
        here = by_level["|".join(level)]
        for d in level:
            parent = "|".join(x for x in level if x != d)
            if parent in by_level:  # (sites across the district are not published)
                up = by_level[parent]
                sums = pairs(here, up, [_ROOT, *(x for x in level if x != d), "item"])
                margins += sums
                across += sums
        items, rows = here[here["item"] != ALL_ITEMS], here[here["item"] == ALL_ITEMS]
        statements = pairs(items, rows.drop(columns="item"), [_ROOT, *level])
        margins += statements
        links.update(statements)
    n = np.where(pooled, people, answers)
    worth = cells["level"].map({"|".join(lv): _worth(lv) for lv in _levels(dims)}).to_numpy()
    # categories an attacker can count: answer options (as answered) and fav / neutral / unfav
    fav, neu, unf = (profile[:, 1], answers - profile[:, 1] - profile[:, 2], profile[:, 2])
    atoms = np.column_stack([v, fav, neu, unf])
    reverse = cells["item"].isin(set(instrument.items.loc[instrument.items["reverse"], "id"]))
    score = np.where(reverse.to_numpy()[:, None], points + 1 - k[None, :], k[None, :])
    opt_fav = np.isin(score, scale.favorable) & ~pooled[:, None]  # pooled rows mix items
    opt_unf = np.isin(score, scale.unfavorable) & ~pooled[:, None]
    ones = np.ones((len(cells), 1), bool)
    favorable = np.hstack([opt_fav, ones, ~ones, ~ones])
    unfavorable = np.hstack([opt_unf, ~ones, ~ones, ones])
    lattice = Lattice(
        n=n,
        size=people,
        profile=profile,
        margins=margins,
        links=links,
        rank=worth.astype(float),
        atoms=atoms,
        partitions=(tuple(range(points)), (points, points + 1, points + 2)),
        favorable=favorable,
        unfavorable=unfavorable,
    )
    groups = (scale.favorable, scale.neutral, scale.unfavorable)
    full, limits = pooled_map(*groups)
    maps = [statement_map(k, *groups), statement_map(points + 1 - k, *groups), full]
    none = np.zeros((0, 5 + points))
    model = Model(
        values=np.column_stack([answers, fav, neu, unf, profile[:, 3], v]),
        kind=np.where(pooled, 2, reverse.to_numpy().astype(int)),
        maps=maps,
        limits=[none, none, limits],
        margins=across,
    )
    return lattice, model


def _worth(level: Sequence[str]) -> int:
    """What a grouping is worth showing: coarser first, then department (the unit reported on),
    role, site; per wave over all waves pooled. Complements are taken from the least worth.

    >>> _worth(("department", "wave")) > _worth(("site", "wave")) > _worth(("department", "role"))
    True
    """
    non_wave = [d for d in level if d != "wave"]
    return (
        10 * (len(GROUP_COLUMNS) - len(non_wave))
        + 5 * ("department" in level)
        + 2 * ("role" in level)
        + ("wave" in level)
    )


def _grouped(parent: np.ndarray, child: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(parent, its children) for every parent id."""
    order = np.argsort(parent, kind="stable")
    p, c = parent[order], child[order]
    cuts = np.flatnonzero(np.diff(p)) + 1
    return list(zip(p[np.r_[0, cuts]].tolist(), np.split(c, cuts), strict=True)) if len(p) else []


_DECIDED: dict[tuple, tuple[pd.DataFrame, np.ndarray]] = {}


def protected_cells(
    responses: pd.DataFrame, instrument: Instrument, *, min_n: int = 5
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every level's cells and which are hidden: the one decision every output shows a level of
    (kept for the last few inputs of this process, so many groupings cost one decision)."""
    key = (
        int(pd.util.hash_pandas_object(responses, index=False).sum()),
        tuple(responses.columns),
        instrument.path or instrument.id,
        min_n,
    )
    if key not in _DECIDED:
        dims = group_columns(responses)
        df = responses.copy()
        for d in dims:
            df[d] = df[d].astype("string").fillna(NOT_GIVEN).astype(str)
        df = scored(df, instrument)
        df[_ROOT] = 0
        cells = _cells(df, dims, instrument.scale.points)
        hidden = audited_cells(*_lattice(cells, dims, instrument), min_n=min_n)
        while len(_DECIDED) >= 4:
            _DECIDED.pop(next(iter(_DECIDED)))
        _DECIDED[key] = (cells, hidden)
    return _DECIDED[key]


def score_groupings(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    by: Sequence[str] = ("department",),
    wave: str | None = None,
    min_n: int = 5,
) -> pd.DataFrame:
    """The ``score`` table: ``by`` columns (and ``wave``: figures are always per wave),
    ``item`` (``(all statements)`` for the pooled row),
    ``n`` (answers; respondents on the pooled row), ``n_answers``, mean, sd, % favorable /
    neutral / unfavorable, ``pct_1..pct_<points>`` (share per answer option, as answered) and
    ``suppressed`` — figures empty where suppressed.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ins = load_instrument("support_services")
    >>> df = pd.DataFrame({"respondent_id": list("abcdefg"), "wave": "w", "item": ins.item_ids[0],
    ...                    "department": ["HR"] * 6 + ["IT"], "value": [5, 4, 3, 2, 4, 5, 1]})
    >>> score_groupings(df, ins)[["department", "item", "n", "suppressed"]].values.tolist()[-2:]
    [['IT', 'ss_access_reach', <NA>, True], ['IT', '(all statements)', <NA>, True]]
    """
    dims = group_columns(responses)
    cells, hidden = protected_cells(responses, instrument, min_n=min_n)
    wanted = [d for d in dims if d in by or d == "wave"]
    mine = (cells["level"] == "|".join(wanted)).to_numpy().copy()
    if wave is not None:
        mine &= (cells["wave"] == wave).to_numpy()
    columns = [*by, *(["wave"] if "wave" in dims and "wave" not in by else [])]
    return _figures(cells[mine], hidden[mine], columns, instrument)


def _figures(cells: pd.DataFrame, hidden: np.ndarray, by: list[str], ins: Instrument):
    points, scale = ins.scale.points, ins.scale
    v = cells[[f"v{k}" for k in range(1, points + 1)]].to_numpy(float)
    s = cells[[f"s{k}" for k in range(1, points + 1)]].to_numpy(float)
    k = np.arange(1, points + 1, dtype=float)
    answers = s.sum(axis=1)
    mean = s @ k / answers
    var = (s @ k**2 - answers * mean**2) / np.where(answers > 1, answers - 1, np.nan)
    pooled = (cells["item"] == ALL_ITEMS).to_numpy()
    out = cells[by + ["item"]].reset_index(drop=True)
    out["n"] = pd.array(np.where(pooled, cells["people"], answers).astype(int), dtype="Int64")
    out["n_answers"] = pd.array(answers.astype(int), dtype="Int64")
    out["mean"], out["sd"] = mean, np.sqrt(np.clip(var, 0, None))
    for name, codes in (
        ("pct_favorable", scale.favorable),
        ("pct_neutral", scale.neutral),
        ("pct_unfavorable", scale.unfavorable),
    ):
        out[name] = 100 * s[:, [c - 1 for c in codes]].sum(axis=1) / answers if codes else 0.0
    shares = option_shares(v, scale.labels)
    out = pd.concat([out, shares], axis=1)
    for col in out.columns[len(by) + 1 :]:
        out[col] = out[col].mask(hidden)
    out["suppressed"] = hidden
    order = {item: i for i, item in enumerate([*ins.item_ids, ALL_ITEMS])}
    out["_order"] = out["item"].map(order).fillna(len(order))
    keys = [*by, "_order", "item"]
    if "wave" in keys:  # waves in time order (seasons, pulses by month), never as text
        when = {w: i for i, w in enumerate(chronological(out["wave"]))}
        out["_wave"] = out["wave"].astype(str).map(when)
        keys = ["_wave" if k == "wave" else k for k in keys]
    out = out.sort_values(keys, kind="stable").drop(columns=["_order", "_wave"], errors="ignore")
    return out.reset_index(drop=True)


def chronological(waves: Iterable) -> list[str]:
    """The distinct ``waves`` in time order (``contracts.waves``); names whose order cannot be
    told (``Baseline``, ``Follow-up``) in text order, as the data gives no other.

    >>> chronological(["2026-fall", "2026-spring", "2026-09-pulse", "2025-fall"])
    ['2025-fall', '2026-spring', '2026-09-pulse', '2026-fall']
    >>> chronological(["Pilot", "Baseline"])
    ['Baseline', 'Pilot']
    """
    present = sorted({str(w) for w in waves})
    try:
        return wave_order(present)
    except SurveyDataError:
        return present
