"""A run's inputs: read and validated once, and the departments it reports on."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

import pandas as pd

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.instrument import Instrument
from ..contracts.params import RawExport, RunParams
from ..contracts.validate import load_responses


def slugify(name: str) -> str:
    """File-safe slug of a department name.

    >>> slugify("Facilities & Maintenance")
    'facilities-maintenance'
    """
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "unnamed"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_inputs(params: RunParams, instrument: Instrument) -> pd.DataFrame:
    """All response files of the run, validated, as one tidy frame."""
    frames = []
    for source in params.data:
        if isinstance(source, RawExport):
            from ..importers import read_export  # imported only when a raw export is used

            result = read_export(
                source.path, fmt=source.format, instrument=instrument, wave=params.wave
            )
            frames.append(result.responses)
        else:
            frames.append(load_responses(source, instrument=instrument))
    return pd.concat(frames, ignore_index=True)


def check_selection(
    responses: pd.DataFrame, params: RunParams, where: str, *, order: list[str]
) -> list[str]:
    """The departments to report on; unknown departments or waves are errors naming the params.

    ``order`` is the data's waves in time order (``contracts.waves.wave_order``).
    """
    waves = set(order)
    known = sorted(responses["department"].dropna().unique())
    problems = []
    for key in ("wave", "compare_to"):
        value = getattr(params, key)
        if value is not None and value not in waves:
            problems.append(
                Problem(
                    where,
                    f"{key}: wave '{value}' is not in the data",
                    hint=f"waves in the data: {', '.join(order)}",
                )
            )
    if (
        params.compare_to in waves
        and params.wave in waves
        and order.index(params.compare_to) >= order.index(params.wave)
    ):
        problems.append(
            Problem(
                where,
                f"compare_to: wave '{params.compare_to}' does not come before '{params.wave}'",
                hint=f"waves in the data, oldest first: {', '.join(order)}",
            )
        )
    if params.departments == "all":
        chosen = known
    else:
        by_slug = {slugify(d): d for d in known}
        chosen = []
        for d in params.departments:
            name = d if d in known else by_slug.get(slugify(d))
            if name is None:
                close = difflib.get_close_matches(d, known, n=3)
                hint = f"did you mean {', '.join(close)}?" if close else "see the department column"
                problems.append(Problem(where, f"departments: unknown department '{d}'", hint=hint))
            else:
                chosen.append(name)
    if problems:
        raise SurveyDataError(problems)
    return chosen
