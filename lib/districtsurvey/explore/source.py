"""Where the explorer's data comes from: a params file, a prepared run folder, or a tidy file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..contracts.paths import PARAMS_DIR
from .cube import Cube, build_cube

DEMOS = {
    "Support services (demo)": PARAMS_DIR / "support-services-demo.yml",
    "Engagement (demo)": PARAMS_DIR / "engagement-2026-fall.yml",
}


def load_source(source: str | Path = "", *, instrument: str | None = None) -> Cube:
    """A cube from a params file, a prepared run folder, or a tidy data file + instrument.

    An empty source is the demo. A run folder is read through its ``cache/run.json`` (the inputs
    and privacy settings the run used); its cache holds no respondent rows, so the data is re-read.
    """
    from ..contracts.params import load_params
    from ..contracts.validate import COMMENTS, load_responses, load_table

    path = Path(source) if source else DEMOS["Support services (demo)"]
    if path.is_dir():
        import json

        from ..contracts.params import RunParams

        params = RunParams(**json.loads((path / "cache" / "run.json").read_text())["params"])
    elif path.suffix in {".yml", ".yaml"}:
        params = load_params(path)
    else:
        from ..contracts.instrument import load_instrument

        ins = load_instrument(instrument or "support_services")
        return build_cube(load_responses(path, instrument=ins), ins, source=str(path))
    from ..contracts.instrument import load_instrument
    from ..prepare.inputs import read_inputs

    ins = load_instrument(params.instrument)
    comments = (
        pd.concat([load_table(p, COMMENTS) for p in params.comments], ignore_index=True)
        if params.comments
        else None
    )
    return build_cube(
        read_inputs(params, ins),
        ins,
        comments=comments,
        min_n=params.min_n,
        comment_min_n=params.comment_min_n,
        source=str(path),
        waves=params.waves,
    )
