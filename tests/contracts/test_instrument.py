import pytest

from districtsurvey import SurveyDataError, load_instrument


def test_support_services_dimensions_and_outcome():
    ins = load_instrument("support_services")
    dims = set(ins.dimensions["id"])
    assert {"accessibility", "accuracy", "attitude", "operations", "timeliness"} <= dims
    assert ins.outcome in ins.item_ids
    assert "Did not use" in ins.scale.na_labels
    assert ins.scale.favorable == (4, 5)


def test_engagement_has_reverse_items_index_and_recognition_question():
    ins = load_instrument("engagement")
    assert 14 <= len(ins.items) <= 20
    assert ins.items["reverse"].sum() >= 1
    assert set(ins.indices["engagement_index"]) <= set(ins.item_ids)
    assert ins.recognition_questions


def test_bad_instrument_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("id: x\nitems: []\n")
    with pytest.raises(SurveyDataError) as err:
        load_instrument(bad)
    assert "missing key 'scale'" in str(err.value)
    with pytest.raises(SurveyDataError, match="not found"):
        load_instrument(tmp_path / "nope.yml")
