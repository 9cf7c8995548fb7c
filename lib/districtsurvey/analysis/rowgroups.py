"""A table's groups as row positions, without a DataFrame per group."""

from __future__ import annotations

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
    number = table.groupby(keys, sort=True).ngroup().to_numpy(dtype=float, na_value=np.nan)
    rows = np.flatnonzero(~np.isnan(number))  # a row with a missing key is in no group
    order = rows[np.argsort(number[rows], kind="stable")].tolist()
    columns = [table[k].tolist() for k in keys]
    start = 0
    for end in np.cumsum(np.bincount(number[rows].astype(int))).tolist():
        if end > start:
            first = order[start]
            yield tuple(c[first] for c in columns), order[start:end]
        start = end
