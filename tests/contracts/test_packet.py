"""Packet params (``surveys:``): the demo loads; each mistake is one message naming the file,
the survey block and the key; single-survey params still load as before."""

import pytest
import yaml

from districtsurvey import SurveyDataError
from districtsurvey.contracts.packet import PacketParams, load_any, survey_params
from districtsurvey.contracts.params import RunParams
from support import REPORT_DATE, ROOT, SAMPLE


def block(survey: str, **overrides) -> dict:
    return {
        "instrument": survey,
        "data": str(SAMPLE / f"{survey}.parquet"),
        "wave": "2026-fall",
        **overrides,
    }


def write_packet(folder, *, surveys=None, **overrides):
    params = {
        "name": "p",
        "surveys": surveys
        if surveys is not None
        else [block("support_services"), block("engagement")],
        "report_date": REPORT_DATE,
        "output": str(folder / "run"),
        **overrides,
    }
    path = folder / "packet.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


def test_the_demo_is_a_packet_of_both_surveys_and_the_single_survey_demo_is_not():
    p = load_any(ROOT / "params" / "demo.yml")
    assert isinstance(p, PacketParams)
    assert [b.label for b in p.surveys] == ["Service", "Team"]
    assert p.output_dir == (ROOT / "outputs" / "demo").resolve()
    service = survey_params(p, 0)  # an ordinary run in the packet's own folder
    assert service.output_dir == (ROOT / "outputs" / "demo" / "surveys" / "support_services")
    assert service.plans == (ROOT / "data" / "sample" / "plans" / "support_services-2026-spring")
    assert (service.min_n, service.max_focus, service.departments) == (5, 3, "all")
    single = load_any(ROOT / "params" / "support-services-demo.yml")
    assert isinstance(single, RunParams) and single.instrument == "support_services"


def test_labels_default_from_the_instrument(tmp_path):
    p = load_any(write_packet(tmp_path))
    assert [b.label for b in p.surveys] == ["Service", "Team"]
    assert p.files()[0] == SAMPLE / "support_services.parquet"


@pytest.mark.parametrize(
    "surveys, top, message",
    [
        (
            [block("support_services", min_n=7), block("engagement")],
            {},
            "surveys[1] (support_services): unknown key 'min_n' ('min_n' is run-wide: put it at "
            "the top of the file, not in a survey)",
        ),
        (
            [block("support_services"), {"instrument": "engagement", "data": "x.csv"}],
            {},
            "surveys[2] (engagement): missing required key 'wave'",
        ),
        (
            [block("support_services"), block("engagement", wav="2026-fall")],
            {},
            "surveys[2] (engagement): unknown key 'wav' (keys of a survey block: label,",
        ),
        (
            [block("support_services", label="A"), block("engagement", label="A")],
            {},
            "surveys: label A used twice",
        ),
        ([block("engagement")] * 3, {}, "surveys: List should have at most 2 items"),
        (None, {"instrument": "engagement"}, "'instrument' is a survey's key (with surveys: it"),
        (None, {"max_focus": 6}, "max_focus: Input should be less than or equal to 3"),
        ([block("engagement", data="nowhere.csv")], {}, "file not found: "),
        (None, {"department_map": "nope.csv"}, "file not found: "),
    ],
)
def test_each_mistake_named(tmp_path, surveys, top, message):
    path = write_packet(tmp_path, surveys=surveys, **top)
    with pytest.raises(SurveyDataError) as err:
        load_any(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_a_surveys_key_that_is_not_a_list(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text("name: p\nsurveys: engagement\n", encoding="utf-8")
    with pytest.raises(SurveyDataError, match="surveys: expected a list of survey blocks"):
        load_any(path)


def test_a_broken_mapping_file_is_one_message_per_row(tmp_path):
    from districtsurvey.contracts.packet import read_department_map

    bad = tmp_path / "map.csv"
    bad.write_text(
        "survey,department,packet\nTeam,IT Dept,Information Technology\n"
        "Nobody,X,Y\nTeam,IT Dept,Technology\n",
        encoding="utf-8",
    )
    p = load_any(write_packet(tmp_path, department_map=str(bad)))
    with pytest.raises(SurveyDataError) as err:
        read_department_map(p)
    lines = str(err.value).splitlines()
    assert f"{bad}, row 3, column survey: unknown survey 'Nobody'" in lines[0]
    assert f"{bad}, row 4, column department: 'IT Dept' is mapped twice" in lines[1]
    bad.write_text("survey,name\nTeam,IT\n", encoding="utf-8")
    with pytest.raises(SurveyDataError, match="missing column.s.: department, packet"):
        read_department_map(p)
