"""The report notebooks, executed by real kernels through papermill, on the sample district."""

import json
import re

import papermill as pm
import pytest

from support import RESPONDENT_ID, ROOT, outputs_text

pytestmark = pytest.mark.notebook


def test_parameter_names_match_what_the_batch_passes():
    for name in ("department_report", "district_summary"):
        params = pm.inspect_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"))
        assert set(params) == {"run_dir", "department"}


def test_notebooks_committed_without_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("slug", ["internal-audit", "transportation"])
def test_department_report_executes_and_shows_no_respondent_data(prepared_run, tmp_path, slug):
    out = tmp_path / f"{slug}.ipynb"
    nb = pm.execute_notebook(
        str(ROOT / "notebooks" / "department_report.ipynb"),
        str(out),
        parameters={"run_dir": str(prepared_run), "department": slug},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    text = outputs_text(nb)
    assert not RESPONDENT_ID.search(text)
    charts = re.findall(
        r'<figure class=\\"ds-chart\\">\\n(?:<div [^>]*>\\n)?<svg role=\\"img\\" aria-label=\\"([^"\\]+)',
        text,
    )
    if slug == "internal-audit":  # too few respondents in every wave of the sample
        assert "<h1>Internal Audit</h1>" in text and "fewer than 5" in text
        assert charts == [], "a chart with every group hidden is empty: say so in words"
    else:
        assert len(charts) == 3 and all(alt.strip() for alt in charts)  # each carries alt text


def test_notebooks_run_as_is_on_a_fresh_clone():
    """With empty parameters the notebooks prepare and use the demo run (JupyterLab's Run All)."""
    for name in ("district_summary", "department_report", "packet_summary", "packet_report"):
        nb = pm.execute_notebook(
            str(ROOT / "notebooks" / f"{name}.ipynb"),
            None,
            cwd=str(ROOT / "notebooks"),
            progress_bar=False,
        )
        assert not RESPONDENT_ID.search(outputs_text(nb))
