"""A table's groups as row positions, without a DataFrame per group."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd


def row_groups(table: pd.DataFrame, keys: list[str]) -> Iterator[tuple[tuple, list[int]]]:
    """Each group's key values and row positions, in the order (and with the rows) that
    ``table.groupby(keys, sort=True)`` iterates, without building a frame per group (building
    them took most of ``privacy.tables.protect_tables``).

    >>> t = pd.DataFrame({"w": ["b", "a", "b"], "d": ["x", "y", "z"]})
    >>> list(row_groups(t, ["w"]))
    [(('a',), [1]), (('b',), [0, 2])]
    """
    number, _ = group_numbers(table, keys)  # every group has a row
    rows = np.flatnonzero(number >= 0)  # a row with a missing key is in no group
    order = rows[np.argsort(number[rows], kind="stable")].tolist()
    columns = [table[k].tolist() for k in keys]
    start = 0
    for end in np.cumsum(np.bincount(number[rows])).tolist():
        first = order[start]
        yield tuple(c[first] for c in columns), order[start:end]
        start = end


def group_numbers(table: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Index]:
    """Each row's group number (-1: a key is missing) and the groups, numbered as
    ``table.groupby(keys, observed=True, sort=True)`` orders them (its ``ngroup()`` and the index
    of its results), from the keys' codes in a few numpy steps: pandas' groupby took most of
    scoring a run (profiled on the sample district, where it built the same groups again for
    every table).

    >>> t = pd.DataFrame({"w": ["b", "a", "b", None], "d": pd.Categorical(["x", "y", "x", "x"])})
    >>> numbers, groups = group_numbers(t, ["w", "d"])
    >>> numbers.tolist(), groups.tolist()
    ([1, 0, 1, -1], [('a', 'y'), ('b', 'x')])
    """
    codes, levels = [], []
    for key in keys:
        column = table[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes.append(column.cat.codes.to_numpy().astype(np.int64))
            levels.append(pd.CategoricalIndex(column.cat.categories, dtype=column.dtype, name=key))
        else:
            code, uniques = pd.factorize(column, sort=True)
            codes.append(code.astype(np.int64))
            levels.append(pd.Index(uniques, name=key).infer_objects())  # as groupby infers
    sizes = [len(level) for level in levels]
    possible = math.prod(sizes)  # groups the keys' values could make
    if possible >= 2**62:  # the combined number would overflow: pandas' own numbering
        grouped = table.groupby(keys, observed=True, sort=True)
        number = grouped.ngroup().to_numpy(dtype=float, na_value=-1).astype(np.int64)
        return number, grouped.size().index
    combined = np.zeros(len(table), np.int64)
    whole = np.ones(len(table), bool)
    for code, size in zip(codes, sizes, strict=True):
        whole &= code >= 0
        combined = combined * size + code
    numbers = np.full(len(table), -1, np.int64)
    if possible <= 8 * len(table) + 65536:  # few possible groups: counted, not sorted
        seen = np.bincount(combined[whole], minlength=possible) > 0
        present = np.flatnonzero(seen)  # ascending: groupby's order
        numbers[whole] = (np.cumsum(seen) - 1)[combined[whole]]
    else:  # hashed, then only the distinct numbers sorted (np.unique sorted every row)
        number, present = pd.factorize(combined[whole])
        order = np.argsort(present)
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        numbers[whole] = rank[number]
        present = present[order]  # ascending: groupby's order
    positions = []
    for size in reversed(sizes):  # each group's position in every key's level
        positions.append(present % size)
        present = present // size
    positions.reverse()
    if len(keys) == 1:
        return numbers, levels[0].take(positions[0])
    return numbers, pd.MultiIndex(levels=levels, codes=positions, names=keys)
