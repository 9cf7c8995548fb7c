"""Prepare a run once: read and validate the inputs, score every department, write the cache.

The cache (``<run>/cache/``) holds report-safe tables only: suppression is applied here, so every
notebook of the batch reads a slice of tables that can be shown as they are.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from ..analysis.insights import FOCUS_FILE, focus_file, leader_tables_for_run
from ..contracts.files import safe_csv
from ..contracts.instrument import load_instrument
from ..contracts.params import RunParams, load_params
from ..contracts.validate import COMMENTS, HEADCOUNTS, load_table
from ..contracts.waves import sort_waves, wave_key
from ..privacy.derived import protect_drivers
from ..privacy.redact import redact_comments
from .inputs import check_selection, read_inputs, sha256, slugify
from .score import score_run


def prepare_run(params: RunParams, *, params_path: str = "<params>") -> Path:
    """Validate the inputs once and write the run's cache; returns the run folder."""
    instrument = load_instrument(params.instrument)
    responses = read_inputs(params, instrument)
    departments = check_selection(responses, params, params_path)
    waves = sort_waves(responses["wave"].dropna().unique())
    waves = [w for w in waves if wave_key(w) <= wave_key(params.wave)]
    responses = responses[responses["wave"].isin(waves)]
    compare_to = params.compare_to or (waves[-2] if len(waves) > 1 else None)

    headcounts = load_table(params.headcounts, HEADCOUNTS) if params.headcounts else None
    tables = score_run(responses, instrument, min_n=params.min_n, headcounts=headcounts)
    tables = leader_tables_for_run(responses, instrument, tables, params, compare_to=compare_to)
    tables["drivers"] = protect_drivers(  # only shown departments; their counts protected
        tables["drivers"],
        respondents=tables["respondents"],
        items=tables["items"],
        wave=params.wave,
        outcome=instrument.outcome,
        min_n=params.min_n,
    )
    if params.comments:
        comments = pd.concat([load_table(p, COMMENTS) for p in params.comments], ignore_index=True)
        counts = tables["respondents"].fillna({"n": 0})
        tables["comments"] = redact_comments(
            comments[comments["wave"].isin(waves)],
            recognition_questions=instrument.recognition_questions,
            respondents=counts,
            comment_min_n=params.comment_min_n,
            protected=_group_names(responses, comments),
        )

    run_dir = params.output_dir
    cache = run_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_parquet(cache / f"{name}.parquet", index=False)
    run = {
        "name": params.name,
        "title": params.title or f"{instrument.title}, {params.wave}",
        "instrument": str(Path(instrument.path)),
        "survey": instrument.id,
        "wave": params.wave,
        "compare_to": compare_to,
        "waves": waves,
        "min_n": params.min_n,
        "comment_min_n": params.comment_min_n,
        "max_focus": params.max_focus,
        "focus_rule": params.focus_rule,
        "date": (params.report_date or dt.date.today()).isoformat(),
        "next_survey": params.next_survey,
        "departments": [{"name": d, "slug": slugify(d)} for d in departments],
        "inputs": [{"path": str(p), "sha256": sha256(p)} for p in params.files()],
        "params": json.loads(params.model_dump_json()),
    }
    (cache / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    safe_csv(focus_file(tables["focus"], instrument)).to_csv(run_dir / FOCUS_FILE, index=False)
    return run_dir


def _group_names(responses: pd.DataFrame, comments: pd.DataFrame) -> list[str]:
    """Department, site and role names: never redacted as people's names ("Grant Elementary")."""
    names = set(comments["department"].dropna().astype(str))
    for col in ("department", "site", "role"):
        if col in responses.columns:
            names |= set(responses[col].dropna().astype(str).unique())
    return sorted(names)


def prepare(params_path: str | Path) -> Path:
    """Load the params file and prepare its run folder (used by ``report.load`` for the demo)."""
    params = load_params(params_path)
    return prepare_run(params, params_path=str(params_path))
