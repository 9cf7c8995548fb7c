"""contracts.yamlfiles.load_yaml: libyaml's speed, PyYAML's answers and error messages."""

from pathlib import Path

import pytest
import yaml

from districtsurvey.contracts.yamlfiles import load_yaml

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted(
    p
    for folder in ("data", "params", "lib", "tests")
    for p in (ROOT / folder).rglob("*.y*ml")
    if p.suffix in {".yml", ".yaml"}
)


def test_there_are_yaml_files_to_compare():
    # instruments, params, tactics, locales, word lists and test fixtures
    assert len(YAML_FILES) >= 20


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_project_reads_as_pyyaml_reads_it(path):
    text = path.read_text(encoding="utf-8")
    try:
        expected = yaml.safe_load(text)  # the reference: PyYAML's own parser
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            load_yaml(text)
        return
    assert load_yaml(text) == expected


def test_a_broken_file_gets_pyyamls_message_with_the_line_shown():
    text = "items:\n  - a\n  b: [\n"
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as got:
        load_yaml(text)
    assert str(got.value) == str(expected.value)
    assert "b: [" in str(got.value)  # PyYAML quotes the line (libyaml's message does not)
