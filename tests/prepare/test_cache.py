"""A cache table read back one slice at a time (``prepare.cache.read_table``): for every table of a
prepared sample run and every department (and wave) in it, the rows are exactly those a plain
comparison of the parquet file's columns picks, in file order, with the file's column types; a
rewritten file is read again."""

from __future__ import annotations

import os

import pandas as pd

from districtsurvey.prepare.cache import read_table


def naive(path, **filters) -> pd.DataFrame:
    """The oracle: the whole file read here, each row kept when every column equals its filter."""
    table = pd.read_parquet(path)
    keep = [all(row[c] == v for c, v in filters.items()) for _, row in table.iterrows()]
    return table[keep].reset_index(drop=True)


def test_every_slice_of_every_table_is_the_rows_a_plain_comparison_keeps(prepared_run):
    checked = 0
    for path in sorted((prepared_run / "cache").glob("*.parquet")):
        table = pd.read_parquet(path)
        if "department" not in table.columns or len(table) > 5000:
            continue  # the oracle compares row by row: the tables a report reads by department
        values = [*table["department"].dropna().unique()[:6], "No Such Department"]
        for department in values:
            want = naive(path, department=department)
            pd.testing.assert_frame_equal(
                read_table(prepared_run, path.stem, department=department), want
            )
            if "wave" in table.columns:
                for wave in [*table["wave"].dropna().unique()[:2], "1999-fall"]:
                    got = read_table(prepared_run, path.stem, department=department, wave=wave)
                    pd.testing.assert_frame_equal(
                        got, naive(path, department=department, wave=wave)
                    )
            checked += 1
    assert checked > 30


def test_a_table_is_the_whole_file_and_a_missing_one_is_empty(prepared_run):
    path = prepared_run / "cache" / "respondents.parquet"
    pd.testing.assert_frame_equal(read_table(prepared_run, "respondents"), pd.read_parquet(path))
    assert read_table(prepared_run, "no_such_table", department="Finance").empty


def test_a_slice_is_a_copy_and_a_rewritten_file_is_read_again(tmp_path, prepared_run):
    run = tmp_path / "run"
    (run / "cache").mkdir(parents=True)
    source = pd.read_parquet(prepared_run / "cache" / "respondents.parquet")
    source.to_parquet(run / "cache" / "respondents.parquet", index=False)
    name = source["department"].dropna().iloc[0]
    first = read_table(run, "respondents", department=name)
    first.loc[:, "department"] = "changed by a caller"
    assert (read_table(run, "respondents", department=name)["department"] == name).all()
    smaller = source[source["department"] != name]
    tmp = run / "cache" / "respondents.tmp"
    smaller.to_parquet(tmp, index=False)
    os.replace(tmp, run / "cache" / "respondents.parquet")  # as a new run replaces it
    assert read_table(run, "respondents", department=name).empty
    assert len(read_table(run, "respondents")) == len(smaller)
