"""Suppression applied to whole tables: every table of a run together (``protect_tables``), or one
display table on its own (``protect``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.rowgroups import row_groups
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


def _cells(table: pd.DataFrame, name: str, keys: list[str]) -> list[tuple]:
    """The cell id of every row: ``(name, *key values)``.

    >>> _cells(pd.DataFrame({"d": ["HR"], "w": ["2026-fall"]}), "resp", ["d", "w"])
    [('resp', 'HR', '2026-fall')]
    """
    columns = [table[k].tolist() for k in keys]
    return [(name, *row) for row in zip(*columns, strict=True)] if keys else []


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
    ids = {key: _cells(framed[key], name, keys) for key, name, keys, _ in _TABLES if key in t}
    by_name = {
        "item": ids.get("items", []) + ids.get("district_items", []),
        "dim": ids.get("dimensions", []) + ids.get("district_dimensions", []),
        "bd": ids.get("breakdowns", []),
        "resp": ids.get("respondents", []),
    }
    n = {}
    for name, table in (("item", items), ("dim", dims), ("bd", bd), ("resp", resp)):
        counts = table["n"].astype("Float64").fillna(0).astype(int).tolist()
        n.update(zip(by_name[name], counts, strict=True))
    profile = {}
    for name, table in (("item", items), ("dim", dims), ("bd", bd)):
        profile.update(zip(by_name[name], _profiles(table), strict=True))
    dept_size = {(d, w): v for (name, d, w, *_), v in n.items() if name == "resp"}
    size = {c: dept_size.get((c[1], c[2]), n[c]) for c in n if c[0] in ("item", "dim")}
    group_size = {}
    for c, v in n.items():
        if c[0] == "bd":
            g = c[:5]
            group_size[g] = max(group_size.get(g, 0), v)
    size.update({c: group_size[c[:5]] for c in n if c[0] == "bd"})

    margins: list[Margin] = []
    # departments -> district
    for name, table, on in (("item", items, "item"), ("dim", dims, "dimension")):
        department = table["department"].tolist()
        for (wave, what), rows in row_groups(table, ["wave", on]):
            depts = [department[r] for r in rows if department[r] != DISTRICT]
            total = (name, DISTRICT, wave, what)
            margins.append(
                Margin(total if total in n else None, tuple((name, d, wave, what) for d in depts))
            )
    if respondents_additive and not resp.empty:
        department = resp["department"].tolist()
        for (wave,), rows in row_groups(resp, ["wave"]):
            depts = [department[r] for r in rows if department[r] != DISTRICT]
            total = ("resp", DISTRICT, wave)
            margins.append(
                Margin(total if total in n else None, tuple(("resp", d, wave) for d in depts))
            )
    # rater groups -> department (per dimension)
    if not bd.empty:
        group = bd["group"].tolist()
        for (dept, wave, by, what), rows in row_groups(
            bd, ["department", "wave", "by", "dimension"]
        ):
            total = ("dim", dept, wave, what)
            parts = tuple(("bd", dept, wave, by, group[r], what) for r in rows)
            rest = max(0, n.get(total, 0) - sum(n[p] for p in parts))
            rest_profile = ()
            if rest and total in profile:
                rest_profile = tuple(
                    a - sum(x)
                    for a, x in zip(
                        profile[total], zip(*(profile[p] for p in parts), strict=True), strict=True
                    )
                )
            margins.append(Margin(total if total in n else None, parts, rest, rest_profile))
    # items -> dimension / index within each department and the district
    groups = {}
    for item, dim in item_dimension.items():
        groups.setdefault(dim, []).append(item)
    for index_id, members in (indices or {}).items():
        groups[index_id] = list(members)
    links = {}  # a hidden count hides the unit's figures; a hidden dimension its rater groups;
    # a hidden item its dimension (else the dimension's answers, with every item bounded by the
    # unit's respondents, can pin the hidden items)
    item_of = items["item"].tolist()
    for (dept, wave), rows in row_groups(items, ["department", "wave"]):
        present = {item_of[r] for r in rows}
        for what, members in groups.items():
            parts = tuple(("item", dept, wave, i) for i in members if i in present)
            total = ("dim", dept, wave, what)
            if parts and total in n:
                margins.append(Margin(total, parts))
                for p in parts:
                    if dept != DISTRICT:
                        links.setdefault(p, []).append(total)
    for c in n:
        if c[0] != "resp" and c[1] != DISTRICT:
            links.setdefault(("resp", c[1], c[2]), []).append(c)
        if c[0] == "bd":
            links.setdefault(("dim", c[1], c[2], c[5]), []).append(c)

    primary = {c for c, v in n.items() if v < min_n}
    unit_items = {}  # a department's rater count is hidden with its statements (all hidden)
    for c, v in n.items():
        if c[0] == "item" and c[1] != DISTRICT and v > 0:
            unit_items.setdefault(("resp", c[1], c[2]), []).append(c)
    while True:
        hidden = complementary_cells(
            n, primary, margins, min_n=min_n, size=size, links=links, profile=profile
        )
        bare = {r for r, cells in unit_items.items() if r not in hidden and set(cells) <= hidden}
        if not bare:
            break
        primary |= bare

    out = dict(t)
    for key, _, _, dept in _TABLES:
        if key not in t:
            continue
        table = framed[key]
        masked = mask_rows(table, pd.Series([i in hidden for i in ids[key]], index=table.index))
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
