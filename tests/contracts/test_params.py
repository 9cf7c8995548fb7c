import pytest

from districtsurvey import SurveyDataError
from districtsurvey.contracts.params import load_params
from districtsurvey.prepare.run import prepare
from support import write_params


def test_demo_params_load_with_paths_relative_to_the_file():
    from support import ROOT

    p = load_params(ROOT / "params" / "support-services-demo.yml")
    assert p.data[0] == (ROOT / "data" / "sample" / "support_services.parquet").resolve()
    assert p.output_dir == (ROOT / "outputs" / "support-services-demo").resolve()
    assert (p.min_n, p.comment_min_n, p.max_focus) == (5, 10, 3)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"deparments": "all"}, "unknown key 'deparments'"),
        ({"min_n": 2}, "min_n: Input should be greater than or equal to 3"),
        ({"max_focus": 5}, "max_focus: Input should be less than or equal to 3"),
        ({"data": "missing.csv"}, "file not found"),
        ({"instrument": "no_such_survey"}, "no such instrument 'no_such_survey'"),
        ({"comment_min_n": 4}, "comment_min_n (4) must be >= min_n (5)"),
    ],
)
def test_each_mistake_named(tmp_path, override, message):
    path = write_params(tmp_path, **override)
    with pytest.raises(SurveyDataError) as err:
        load_params(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_key_and_not_yaml(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text("name: x\ninstrument: engagement\ndata: a.csv\n")
    with pytest.raises(SurveyDataError, match="missing required key 'wave'"):
        load_params(path)
    path.write_text("name: [unclosed\n")
    with pytest.raises(SurveyDataError, match="not valid YAML"):
        load_params(path)


def test_unknown_department_and_wave_named_at_prepare(tmp_path):
    path = write_params(tmp_path, departments=["Transportaton"], wave="2031-fall")
    with pytest.raises(SurveyDataError) as err:
        prepare(path)
    text = str(err.value)
    assert "unknown department 'Transportaton'" in text and "did you mean Transportation" in text
    assert "wave: wave '2031-fall' is not in the data" in text
