"""A small table's rows as dicts, without pandas' cost per call."""

from __future__ import annotations

import pandas as pd


def records(table: pd.DataFrame) -> list[dict]:
    """``table.to_dict("records")`` (the same Python values) for tables of a few rows: pandas
    builds each row from every column through ``iloc`` (about 3 ms for a plan of three rows),
    this reads each column once.

    >>> t = pd.DataFrame({"rank": [1, 2], "item": ["a", "b"], "pct": [58.0, 61.5]})
    >>> records(t)
    [{'rank': 1, 'item': 'a', 'pct': 58.0}, {'rank': 2, 'item': 'b', 'pct': 61.5}]
    >>> records(t) == t.to_dict("records"), type(records(t)[0]["rank"]), records(t.iloc[:0])
    (True, <class 'int'>, [])
    """
    columns = list(table.columns)
    values = zip(*(table[c].tolist() for c in columns), strict=True)
    return [dict(zip(columns, row, strict=True)) for row in values]
