"""``analysis.rowgroups.row_groups`` walks the groups of a table exactly as
``DataFrame.groupby(keys, sort=True)`` iterates them (same order, same rows), without a frame per
group: the margins that ``privacy.tables.protect_tables`` builds from them, and so what it hides,
depend on that order, and key drivers are computed per department from them. The expected
groups come from pandas' own groupby iteration."""

import numpy as np
import pandas as pd
import pytest

from districtsurvey.analysis.rowgroups import row_groups


def _pandas(table: pd.DataFrame, keys: list[str]) -> list[tuple[tuple, list[int]]]:
    """Each group's key and row positions, from pandas' groupby iteration (a unique index)."""
    position = dict(zip(table.index, range(len(table)), strict=True))
    return [
        (key, [position[i] for i in part.index]) for key, part in table.groupby(keys, sort=True)
    ]


def _frames():
    rng = np.random.default_rng(7)
    size = 300
    waves = rng.choice(["2026-fall", "2025-fall", "2026-spring"], size)
    depts = rng.choice(["Transportation", "HR", "District", "IT", "Zoning"], size)
    items = rng.choice([f"q{i}" for i in range(12)], size)
    yield pd.DataFrame({"department": depts, "wave": waves, "item": items})
    with_gaps = pd.DataFrame({"department": depts, "wave": waves, "item": items}).astype(object)
    with_gaps.loc[rng.random(size) < 0.1, "item"] = None  # a missing key: in no group
    with_gaps.loc[rng.random(size) < 0.1, "wave"] = np.nan
    yield with_gaps
    categorical = pd.DataFrame(
        {
            "department": pd.Categorical(
                depts, categories=["Zoning", "IT", "Transportation", "HR", "District", "X"]
            ),
            "wave": pd.Categorical(waves, categories=["2025-fall", "2026-spring", "2026-fall"]),
            "item": pd.Series(items, dtype="string[pyarrow]"),
        }
    )
    yield categorical  # sorted by category order, not by spelling; unused categories skipped
    yield categorical.iloc[::-1].set_axis(range(size))


@pytest.mark.parametrize("keys", [["wave"], ["wave", "item"], ["department", "wave"]])
def test_groups_follow_pandas_groupby(keys):
    for table in _frames():
        expected = [(tuple(k), rows) for k, rows in _pandas(table, keys)]
        assert list(row_groups(table, keys)) == expected


def test_groups_of_an_empty_table():
    assert list(row_groups(pd.DataFrame({"wave": [], "item": []}), ["wave", "item"])) == []
