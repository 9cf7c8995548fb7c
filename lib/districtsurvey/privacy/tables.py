"""Suppression applied to whole tables: every table of a run together (``protect_tables``), or one
display table on its own (``protect``)."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.rowgroups import group_numbers, row_groups
from .suppress import DISTRICT, Margin, check_min_n, complementary_cells, mask_rows


def _profiles(table: pd.DataFrame) -> list[tuple]:
    """Per row: answers, favorable, unfavorable answers, sum and sum of squares of scores."""
    if table.empty:
        return []
    n = table["n"].astype(float).fillna(0)
    if "n_answers" in table.columns:
        n = table["n_answers"].astype(float).fillna(n)
    mean = table["mean"].astype(float).fillna(0) if "mean" in table else n * 0
    sd = table["sd"].astype(float).fillna(0) if "sd" in table else n * 0
    fav = (
        table["pct_favorable"].astype(float).fillna(0) * n / 100 if "pct_favorable" in table else n
    )
    unf = (
        table["pct_unfavorable"].astype(float).fillna(0) * n / 100
        if "pct_unfavorable" in table
        else n * 0
    )
    squares = (n - 1).clip(lower=0) * sd**2 + n * mean**2
    columns = (n, fav, unf, n * mean, squares)
    return list(zip(*(c.to_numpy(dtype=float).tolist() for c in columns), strict=True))


#: the tables ``protect_tables`` protects: key, cell name, the columns naming a cell, and the
#: department of every row of a district table
_TABLES = (
    ("items", "item", ["department", "wave", "item"], None),
    ("district_items", "item", ["department", "wave", "item"], DISTRICT),
    ("dimensions", "dim", ["department", "wave", "dimension"], None),
    ("district_dimensions", "dim", ["department", "wave", "dimension"], DISTRICT),
    ("breakdowns", "bd", ["department", "wave", "by", "group", "dimension"], None),
    ("respondents", "resp", ["department", "wave"], None),
)


class _Cells:
    """The cells of a run's tables numbered in ``_TABLES`` order, each table's rows in order.

    >>> items = pd.DataFrame({"department": ["HR", "IT"], "wave": ["a", "a"], "item": ["q", "q"]})
    >>> resp = pd.DataFrame({"department": ["HR"], "wave": ["a"]})
    >>> cells = _Cells({"items": items, "respondents": resp})
    >>> cells.total, cells.start["respondents"], cells.name(1), cells.name(2)
    (3, 2, ('item', 'IT', 'a', 'q'), ('resp', 'HR', 'a'))
    """

    def __init__(self, framed: Mapping[str, pd.DataFrame]) -> None:
        self.framed = framed
        self.start, self._starts, self._keys = {}, [], []
        position = 0
        for key, *_ in _TABLES:
            self.start[key] = position
            if len(framed.get(key, ())):
                self._starts.append(position)
                self._keys.append(key)
                position += len(framed[key])
        self.total = position
        self._columns: dict[str, tuple[str, list[list]]] = {}

    def name(self, cell: int) -> tuple:
        """A cell's name, ``(cell name, *key values)``: the greedy breaks its ties by it."""
        key = self._keys[bisect.bisect_right(self._starts, cell) - 1]
        if key not in self._columns:
            name, keys = next((name, keys) for k, name, keys, _ in _TABLES if k == key)
            self._columns[key] = (name, [self.framed[key][k].tolist() for k in keys])
        name, columns = self._columns[key]
        row = cell - self.start[key]
        return (name, *(column[row] for column in columns))


def _numbered(table: pd.DataFrame, keys: list[str], first: int) -> dict[tuple, int]:
    """Each row's key values and its cell number (rows numbered from ``first``).

    >>> _numbered(pd.DataFrame({"d": ["HR", "IT"], "w": ["a", "a"]}), ["d", "w"], 5)
    {('HR', 'a'): 5, ('IT', 'a'): 6}
    """
    columns = [table[k].tolist() for k in keys]
    return {key: first + r for r, key in enumerate(zip(*columns, strict=True))}


def _to_district(table: pd.DataFrame, keys: list[str], first: int) -> list[Margin]:
    """Per group of ``keys``: the departments' cells add up to the district's (None when the
    table has no district row). Cells are numbered by row from ``first``.

    >>> t = pd.DataFrame({"department": ["HR", DISTRICT, "IT"], "wave": ["a", "a", "a"]})
    >>> _to_district(t, ["wave"], 10)
    [Margin(total=11, parts=(10, 12), rest=0, rest_profile=())]
    """
    department = table["department"].tolist()
    margins = []
    for _, rows in row_groups(table, keys):
        parts = tuple(first + r for r in rows if department[r] != DISTRICT)
        total = next((first + r for r in rows if department[r] == DISTRICT), None)
        margins.append(Margin(total, parts))
    return margins


def _pad(
    table: pd.DataFrame, keys: list[str], values: list[list], fill: Mapping | None = None
) -> pd.DataFrame:
    """One row for every combination of the keys' ``values`` (in that order), with ``table``'s row
    where it has one and n 0 where not; ``fill`` fills a column from the last key's value.
    ``table`` has one row per key (a scored table); a row whose key is not among ``values`` is
    left out, as a merge on the grid would. (Each row is placed by its position in the grid: that
    merge, on string keys, took most of ``_complete``.)

    >>> t = pd.DataFrame({"d": ["IT"], "w": ["b"], "n": [7]})
    >>> _pad(t, ["d", "w"], [["HR", "IT"], ["a", "b"]])["n"].tolist()
    [0.0, 0.0, 0.0, 7.0]
    """
    grid = pd.MultiIndex.from_product(values, names=keys)
    codes = [
        pd.Categorical(table[k], categories=v).codes for k, v in zip(keys, values, strict=True)
    ]
    inside = np.logical_and.reduce([c >= 0 for c in codes])
    at = np.ravel_multi_index([c[inside] for c in codes], grid.levshape)
    rows = table.drop(columns=keys)[inside].set_axis(at).reindex(range(len(grid)))
    out = pd.concat([grid.to_frame(index=False), rows.reset_index(drop=True)], axis=1)
    out["n"] = out["n"].astype("Float64").fillna(0)
    for col, mapping in (fill or {}).items():
        out[col] = out[col].fillna(out[keys[-1]].map(mapping))
    return out


def _complete(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add an empty row (n 0) for every department x wave x item / dimension / rater group that is
    missing, so that a listed hidden row does not tell that anyone answered. (Each column's
    names are read from its ``unique()`` values: a set of a pyarrow column walks every row.)"""
    present = [t for k, t in tables.items() if k in ("items", "dimensions", "respondents")]
    if not present:
        return tables
    both = pd.concat([t[["department", "wave"]] for t in present])
    depts = sorted(set(both["department"].unique()) - {DISTRICT})
    waves = sorted(set(both["wave"].unique()))

    out = dict(tables)
    if "items" in tables and not tables["items"].empty:
        t = tables["items"]
        out["items"] = _pad(
            t, ["department", "wave", "item"], [depts, waves, sorted(set(t["item"].unique()))]
        )
    kind = {}
    if "dimensions" in tables and not tables["dimensions"].empty:
        t = tables["dimensions"]
        kind = dict(zip(t["dimension"], t["kind"], strict=True)) if "kind" in t else {}
        fill = {"kind": kind} if "kind" in t else None
        out["dimensions"] = _pad(
            t,
            ["department", "wave", "dimension"],
            [depts, waves, sorted(set(t["dimension"].unique()))],
            fill,
        )
    if "breakdowns" in tables and not tables["breakdowns"].empty:
        t = tables["breakdowns"]
        parts = []
        for by, part in t.groupby("by", sort=False):
            keys = ["department", "wave", "group", "dimension"]
            values = [depts, waves, *(sorted(set(part[k].unique())) for k in keys[2:])]
            fill = {"kind": kind} if "kind" in part and kind else None
            parts.append(_pad(part.drop(columns="by"), keys, values, fill).assign(by=by))
        out["breakdowns"] = pd.concat(parts, ignore_index=True)[t.columns]
    if "respondents" in tables and not tables["respondents"].empty:
        t = tables["respondents"]
        district = t[t["department"] == DISTRICT]
        out["respondents"] = pd.concat(
            [
                _pad(t[t["department"] != DISTRICT], ["department", "wave"], [depts, waves]),
                district,
            ],
            ignore_index=True,
        )
    return out


def protect_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    min_n: int = 5,
    item_dimension: Mapping[str, str],
    indices: Mapping[str, Sequence[str]] | None = None,
    respondents_additive: bool = False,
) -> dict[str, pd.DataFrame]:
    """Primary and complementary suppression over every table of a run, consistently.

    ``tables`` are unsuppressed: ``items`` / ``district_items`` (department, wave, item, n ...),
    ``dimensions`` / ``district_dimensions`` (department, wave, dimension, n ...), ``breakdowns``
    (department, wave, by, group, dimension, n ...) and ``respondents`` (department incl. the
    District, wave, n ...). Margins: departments -> district (items and dimensions; respondents
    too when each respondent belongs to one department, ``respondents_additive``); rater groups ->
    department per dimension (respondents without a group are a hidden rest); items -> dimension
    and index within every department. A hidden respondent count hides that department's figures
    for the wave, and a department whose statements are all hidden has its count hidden too (a
    rater count shown beside hidden scores bounds them); a hidden department x dimension hides
    its rater groups. Missing combinations
    are added as empty hidden rows, so a listed "fewer than" row does not tell that anyone
    answered. Returns the same tables with ``suppressed`` set and the figures emptied.
    """
    check_min_n(min_n)
    t = _complete({k: v.reset_index(drop=True) for k, v in tables.items()})
    framed = {  # the district's tables with department District, as their cells name it
        key: t[key] if dept is None else t[key].assign(department=dept)
        for key, _, _, dept in _TABLES
        if key in t
    }
    empty = pd.DataFrame(columns=["department", "wave", "item", "dimension", "n", "by", "group"])
    items = pd.concat([framed.get("items", empty), framed.get("district_items", empty)])
    dims = pd.concat([framed.get("dimensions", empty), framed.get("district_dimensions", empty)])
    bd, resp = framed.get("breakdowns", empty), framed.get("respondents", empty)
    # Cells are numbered: items (the departments', then the district's), dimensions likewise,
    # breakdowns, respondents; each block's rows in order. Numbers hash fast where key tuples did
    # not (their dictionaries took most of this function); ``cells.name`` gives a cell's name.
    cells = _Cells(framed)
    start = cells.start
    first = {  # each block's first cell
        "item": start["items"],
        "dim": start["dimensions"],
        "bd": start["breakdowns"],
        "resp": start["respondents"],
    }
    counts = [
        table["n"].astype("Float64").fillna(0).astype(int).to_numpy()
        for table in (items, dims, bd, resp)
    ]
    count = np.concatenate(counts)
    n = dict(enumerate(count.tolist()))
    profile = {}
    for name, table in (("item", items), ("dim", dims), ("bd", bd)):
        profile.update(enumerate(_profiles(table), start=first[name]))

    resp_id = _numbered(resp, ["department", "wave"], first["resp"])
    dim_id = _numbered(dims, ["department", "wave", "dimension"], first["dim"])
    phantom: dict = {}  # a unit with statements but no respondent row: its count is a cell too

    def resp_of(dept, wave) -> int:
        if (dept, wave) in resp_id:
            return resp_id[dept, wave]
        return phantom.setdefault((dept, wave), cells.total + len(phantom))

    # size: a department's cells rank by its respondents, a rater group's by its largest count
    dept_size = {k: n[i] for k, i in resp_id.items()}
    size = {}
    for name, table in (("item", items), ("dim", dims)):
        units = zip(table["department"], table["wave"], strict=True)
        size.update({c: dept_size.get(k, n[c]) for c, k in enumerate(units, start=first[name])})
    if not bd.empty:
        number, _ = group_numbers(bd, ["department", "wave", "by", "group"])
        bd_count = count[first["bd"] : first["bd"] + len(bd)]
        largest = np.zeros(number.max() + 2, int)  # the last place: rows with a missing key
        np.maximum.at(largest, number, bd_count)
        bd_size = np.where(number >= 0, largest[number], bd_count)
        size.update(enumerate(bd_size.tolist(), start=first["bd"]))

    # departments -> district
    margins = _to_district(items, ["wave", "item"], first["item"])
    margins += _to_district(dims, ["wave", "dimension"], first["dim"])
    if respondents_additive and not resp.empty:
        margins += _to_district(resp, ["wave"], first["resp"])
    links: dict[int, list] = {}  # a hidden count hides the unit's figures; a hidden dimension
    # its rater groups; a hidden item its dimension (else the dimension's answers, with every
    # item bounded by the unit's respondents, can pin the hidden items)
    # rater groups -> department (per dimension)
    if not bd.empty:
        for (dept, wave, _, what), rows in row_groups(
            bd, ["department", "wave", "by", "dimension"]
        ):
            total = dim_id.get((dept, wave, what))
            parts = tuple(first["bd"] + r for r in rows)
            rest = max(0, n.get(total, 0) - sum(n[p] for p in parts))
            rest_profile = ()
            if rest and total in profile:
                rest_profile = tuple(
                    a - sum(x)
                    for a, x in zip(
                        profile[total], zip(*(profile[p] for p in parts), strict=True), strict=True
                    )
                )
            margins.append(Margin(total, parts, rest, rest_profile))
            if total is not None:
                links.setdefault(total, []).extend(parts)
    # items -> dimension / index within each department and the district
    groups = {}
    for item, dim in item_dimension.items():
        groups.setdefault(dim, []).append(item)
    for index_id, members in (indices or {}).items():
        groups[index_id] = list(members)
    item_of = items["item"].tolist()
    unit_items = {}  # a department's rater count is hidden with its statements (all hidden)
    for (dept, wave), rows in row_groups(items, ["department", "wave"]):
        present = {item_of[r]: first["item"] + r for r in rows}
        for what, members in groups.items():
            parts = tuple(present[i] for i in members if i in present)
            total = dim_id.get((dept, wave, what))
            if parts and total is not None:
                margins.append(Margin(total, parts))
                for p in parts:
                    if dept != DISTRICT:
                        links.setdefault(p, []).append(total)
        answered = [first["item"] + r for r in rows if count[first["item"] + r] > 0]
        if dept != DISTRICT and answered:
            unit_items[resp_of(dept, wave)] = answered
    unit = pd.concat([table[["department", "wave"]] for table in (items, dims, bd)])
    for (dept, wave), rows in row_groups(unit, ["department", "wave"]):
        if dept != DISTRICT:  # the block's cells are numbered from 0 in this order
            links.setdefault(resp_of(dept, wave), []).extend(rows)

    primary = set(np.flatnonzero(count < min_n).tolist())
    while True:
        hidden = complementary_cells(
            n,
            primary,
            margins,
            min_n=min_n,
            size=size,
            links=links,
            profile=profile,
            label=cells.name,
        )
        bare = {r for r, its in unit_items.items() if r not in hidden and set(its) <= hidden}
        if not bare:
            break
        primary |= bare

    shown = np.ones(cells.total, bool)
    shown[[c for c in hidden if c < cells.total]] = False
    out = dict(t)
    for key, _, _, dept in _TABLES:
        if key not in t:
            continue
        table = framed[key]
        hide = pd.Series(~shown[start[key] : start[key] + len(table)], index=table.index)
        masked = mask_rows(table, hide)
        out[key] = (
            masked if dept is None or "department" in t[key] else masked.drop(columns="department")
        )
    return out


def protect(
    table: pd.DataFrame,
    *,
    keys: Sequence[str],
    margins: Sequence[str] = ("department",),
    min_n: int = 5,
    n_column: str = "n",
    totals: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """A display table made safe on its own: primary plus complementary suppression.

    ``keys`` identify a row (e.g. ``["department", "item"]``). For each column in ``margins`` the
    rows that differ only in that column are assumed to add up to a total the viewer can see
    elsewhere (the district, the department); ``totals[column]`` may give those totals' n (rows
    keyed by the other keys) so respondents outside every row count as a hidden rest. This is what
    the explorer calls before showing anything.

    >>> t = pd.DataFrame({"department": ["HR", "IT", "Legal"], "n": [40, 3, 12]})
    >>> protect(t, keys=["department"])["suppressed"].tolist()
    [False, True, True]
    """
    check_min_n(min_n)
    t = table.reset_index(drop=True)
    ids = [tuple(r) for r in t[list(keys)].itertuples(index=False)]
    n = {i: (0 if pd.isna(v) else int(v)) for i, v in zip(ids, t[n_column], strict=True)}
    ms = []
    for col in margins:
        others = [k for k in keys if k != col]
        pos = keys.index(col)
        total_n = {}
        if totals and col in totals:
            tt = totals[col]
            total_n = {
                tuple(r[:-1]): r[-1] for r in tt[[*others, n_column]].itertuples(index=False)
            }
        groups = {}
        for i in ids:
            groups.setdefault(tuple(x for j, x in enumerate(i) if j != pos), []).append(i)
        for g, parts in groups.items():
            rest = max(0, int(total_n.get(g, 0) or 0) - sum(n[p] for p in parts)) if total_n else 0
            ms.append(Margin(("total", col, g), tuple(parts), rest))
    hidden = complementary_cells(n, {i for i, v in n.items() if v < min_n}, ms, min_n=min_n)
    return mask_rows(t, pd.Series([i in hidden for i in ids], index=t.index))
