"""The package layout shows the architecture: layers import only downward, modules stay small.

The layers are the import-linter contract in ``pyproject.toml`` (``[tool.importlinter]``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "lib" / "districtsurvey"
MAX_LINES = 400  # the model codebases keep modules near 300 lines; past 400 a module must split


def lint_imports(root: Path, lib: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(script), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(lib), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_layers_run_downward():
    done = lint_imports(ROOT, ROOT / "lib")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The contract can fail: the same package with one upward import (contracts -> batch)."""
    shutil.copytree(PACKAGE, tmp_path / "lib" / "districtsurvey")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "lib" / "districtsurvey" / "contracts" / "errors.py"
    errors.write_text(errors.read_text() + "\nfrom ..batch import run  # noqa\n")
    done = lint_imports(tmp_path, tmp_path / "lib")
    assert done.returncode != 0
    assert "districtsurvey.contracts.errors -> districtsurvey.batch.run" in done.stdout


@pytest.mark.parametrize(
    "module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_modules_stay_small(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines: split it"


def test_each_layer_says_what_it_is_for():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{init.relative_to(ROOT)}: start with a docstring"
        assert len(text.splitlines()) <= 20, f"{init.relative_to(ROOT)}: keep __init__ small"
