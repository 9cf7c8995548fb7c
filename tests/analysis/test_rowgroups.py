"""``analysis.rowgroups.row_groups`` walks the groups of a table exactly as
``DataFrame.groupby(keys, sort=True)`` iterates them (same order, same rows), without a frame per
group: the margins that ``privacy.tables.protect_tables`` builds from them, and so what it hides,
depend on that order, and key drivers are computed per department from them. The expected
groups come from pandas' own groupby iteration."""

import numpy as np
import pandas as pd
import pytest

from districtsurvey.analysis.rowgroups import group_numbers, row_groups


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


@pytest.mark.parametrize(
    "keys", [["wave"], ["wave", "item"], ["department", "wave"], ["department", "wave", "item"]]
)
def test_group_numbers_are_pandas_ngroup_and_its_groups(keys):
    """Each row's number is pandas' ``ngroup()`` (-1 where a key is missing, NaN there), and the
    groups are the index of ``groupby(...).size()``: same order, values and dtypes."""
    for table in _frames():
        groups = table.groupby(keys, observed=True, sort=True)
        numbers, index = group_numbers(table, keys)
        want = groups.ngroup().to_numpy(dtype=float, na_value=-1).astype(int)
        assert numbers.tolist() == want.tolist()
        pd.testing.assert_index_equal(index, groups.size().index)
        sizes = groups.size()  # as columns too (what ``reset_index`` makes of them)
        mine = pd.DataFrame({"size": sizes.to_numpy()}, index=index).reset_index()
        pd.testing.assert_frame_equal(mine, sizes.reset_index(name="size"))


@pytest.mark.parametrize("width", [5, 16])
def test_group_numbers_with_more_possible_groups_than_rows(width):
    """Many keys of many values: numbered by hashing, then sorting the distinct groups instead of
    counting (5 keys), or by pandas when the combined number would overflow (16 keys of up to 50
    values), the same groups; 40 groups over 120 rows in shuffled order, so most groups recur."""
    rng = np.random.default_rng(3)
    table = pd.DataFrame({f"k{i}": rng.integers(0, 50, 40).astype(str) for i in range(width)})
    table = table.iloc[rng.integers(0, 40, 120)].reset_index(drop=True)
    keys = list(table.columns)
    numbers, index = group_numbers(table, keys)
    assert numbers.tolist() == table.groupby(keys, sort=True).ngroup().tolist()
    pd.testing.assert_index_equal(index, table.groupby(keys, sort=True).size().index)


def test_group_numbers_of_an_empty_table():
    numbers, index = group_numbers(pd.DataFrame({"wave": [], "item": []}), ["wave", "item"])
    assert numbers.tolist() == [] and len(index) == 0
