import pandas as pd
import pytest

from districtsurvey import SurveyDataError, load_instrument, load_responses, validate_responses


@pytest.fixture
def ins():
    return load_instrument("support_services")


def test_clean_frame_has_no_problems(tiny, ins):
    assert validate_responses(tiny, instrument=ins) == []


def test_every_problem_listed_with_row_and_column(tiny, ins, tmp_path):
    bad = tiny.astype({"value": "string"}).copy()
    bad.loc[1, "value"] = "7"  # out of range -> file row 3 (header is row 1)
    bad.loc[2, "value"] = "Agree"  # a label, not a number -> row 4
    bad.loc[3, "item"] = "ss_nope"  # unknown item -> row 5
    bad.loc[4, "department"] = None  # blank department -> row 6
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(SurveyDataError) as err:
        load_responses(path, instrument=ins)
    text = str(err.value)
    assert "row 3, column value: value out of range 1..5: 7" in text
    assert "row 4, column value: value is not a number" in text
    assert "row 5, column item: unknown item 'ss_nope'" in text
    assert "row 6, column department: blank value" in text
    assert str(path) in text


def test_missing_column_and_empty_file(tmp_path, tiny):
    path = tmp_path / "x.csv"
    tiny.drop(columns=["wave"]).to_csv(path, index=False)
    with pytest.raises(SurveyDataError, match="column wave: required column is missing"):
        load_responses(path)
    path.write_text("respondent_id,survey,wave,department,item,value\n")
    with pytest.raises(SurveyDataError, match="no rows"):
        load_responses(path)


def test_wrong_encoding_and_garbage(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "respondent_id,survey,wave,department,item,value\nr1,s,w,Caf\xe9,x,1\n".encode("latin-1")
    )
    with pytest.raises(SurveyDataError, match="not UTF-8"):
        load_responses(path)
    garbage = tmp_path / "g.parquet"
    garbage.write_bytes(b"\x00\x01garbage")
    with pytest.raises(SurveyDataError, match="cannot be read"):
        load_responses(garbage)


def test_duplicate_answers_are_refused(tiny):
    dup = pd.concat([tiny, tiny.iloc[[0]]], ignore_index=True)
    problems = validate_responses(dup)
    assert [p.row for p in problems if "duplicate" in p.message] == [len(dup) + 1]


def test_sample_loads_clean():
    from support import SAMPLE

    for survey in ("support_services", "engagement"):
        df = load_responses(SAMPLE / f"{survey}.parquet", instrument=load_instrument(survey))
        assert str(df["value"].dtype) == "Int8"


def test_a_column_named_twice_is_refused_not_renamed(tmp_path, tiny):
    """pandas reads a second ``value`` column as ``value.1``: the header itself is checked."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv = tmp_path / "twice.csv"
    header = "respondent_id,survey,wave,department,value,role,site,item,value"
    csv.write_text(header + "\nr1,support_services,2026-fall,Finance,4,,,ss_timely_response,5\n")
    with pytest.raises(SurveyDataError) as err:
        load_responses(csv)
    assert str(err.value) == (
        f"{csv}, column value: column 'value' appears twice in the header (columns 5 and 9) "
        "(keep one column of each name; rename or delete the others)"
    )
    table = pa.Table.from_arrays(
        [pa.array(["r1"]), pa.array(["4"]), pa.array(["5"])],
        names=["respondent_id", "value", "value"],
    )
    parquet = tmp_path / "twice.parquet"
    pq.write_table(table, parquet)
    with pytest.raises(SurveyDataError, match="column 'value' appears twice"):
        load_responses(parquet)


def test_every_list_of_problems_is_capped(tiny, ins):
    many = pd.concat([tiny] * 3, ignore_index=True).astype({"value": "string"})
    many["respondent_id"] = [f"r{i}" for i in range(len(many))]  # 36 rows, no duplicates
    many["item"] = [f"ss_unknown_{i}" for i in range(len(many))]  # 36 unknown items
    many["value"] = "7"  # 36 out of range
    problems = [str(p) for p in validate_responses(many, instrument=ins, path="x.csv")]
    out_of_range = [p for p in problems if "out of range" in p]
    unknown = [p for p in problems if "unknown item '" in p]
    assert len(out_of_range) == 10 and len(unknown) == 10  # the first 10 of each kind
    # 36 - 10 listed = 26 more of each
    assert "x.csv, column value: … and 26 more rows like this" in problems
    assert "x.csv, column item: … and 26 more unknown items" in problems
