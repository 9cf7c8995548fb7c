"""Where the real exports live: ``shared/fixtures`` beside the checkout (CI) or above a worktree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]  # tests/
MINE = HERE / "fixtures" / "import"


def _real() -> Path:
    given = os.environ.get("DISTRICTSURVEY_FIXTURES")
    if given:
        return Path(given)
    for parent in HERE.parents:  # the repo's parent in CI, /work for a worktree in /work/wt/...
        if (parent / "shared" / "fixtures").is_dir():
            return parent / "shared" / "fixtures"
    return HERE.parents[1] / "shared" / "fixtures"


REAL = _real()
needs_real = pytest.mark.skipif(not REAL.exists(), reason="shared/fixtures not present")
