"""Prepare a run once: read and validate the inputs, score every department, write the cache.

The cache (``<run>/cache/``) holds report-safe tables only: suppression is applied here, so every
notebook of the batch reads a slice of tables that can be shown as they are.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from pathlib import Path

import pandas as pd

from .errors import Problem, SurveyDataError
from .insights import FOCUS_FILE, focus_file, leader_tables_for_run
from .instrument import Instrument, load_instrument
from .params import RawExport, RunParams
from .privacy import protect_tables, redact_comments, suppress_small_groups
from .scoring import add_comparisons, aggregate, scored, sort_waves, wave_key
from .validate import COMMENTS, HEADCOUNTS, load_responses, load_table

DISTRICT = "District"


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
            from .importers import read_export  # imported only when a raw export is used

            result = read_export(
                source.path, fmt=source.format, instrument=instrument, wave=params.wave
            )
            frames.append(result.responses)
        else:
            frames.append(load_responses(source, instrument=instrument))
    return pd.concat(frames, ignore_index=True)


def check_selection(responses: pd.DataFrame, params: RunParams, where: str) -> list[str]:
    """The departments to report on; unknown departments or waves are errors naming the params."""
    waves = set(responses["wave"].dropna().unique())
    known = sorted(responses["department"].dropna().unique())
    problems = []
    for key in ("wave", "compare_to"):
        value = getattr(params, key)
        if value is not None and value not in waves:
            problems.append(
                Problem(
                    where,
                    f"{key}: wave '{value}' is not in the data",
                    hint=f"waves in the data: {', '.join(sort_waves(waves))}",
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


def respondent_counts(responses: pd.DataFrame, headcounts: pd.DataFrame | None, min_n: int | None):
    """Respondents per department x wave (and the district), with invited and response rate.

    The district's invitations come from a ``District`` row of the headcounts file, or are the sum
    of the departments' when every respondent belongs to one department (engagement); otherwise
    (support services: one person rates several departments) the district rate is left empty.

    Small groups are suppressed unless ``min_n`` is None (then the raw counts, for ``score_run``).
    """
    answered = responses[responses["value"].notna()]
    per = answered.groupby(["department", "wave"], observed=True)["respondent_id"].nunique()
    district = answered.groupby("wave", observed=True)["respondent_id"].nunique()
    table = pd.concat(
        [per.reset_index(name="n"), district.reset_index(name="n").assign(department=DISTRICT)]
    )
    if headcounts is not None:
        hc = headcounts.groupby(["department", "wave"])["invited"].sum().reset_index()
        given = hc["department"] == DISTRICT
        one_unit = answered.groupby(["wave", "respondent_id"], observed=True)[
            "department"
        ].nunique()
        if not given.any() and (one_unit <= 1).all():  # each person in one unit: invitations add up
            hc = pd.concat(
                [hc, hc.groupby("wave")["invited"].sum().reset_index().assign(department=DISTRICT)]
            )
        table = table.merge(hc, on=["department", "wave"], how="left")
        table["response_rate"] = 100 * table["n"] / table["invited"]
    else:
        table["invited"] = float("nan")
        table["response_rate"] = float("nan")
    table = table.reset_index(drop=True)
    return table if min_n is None else suppress_small_groups(table, min_n=min_n)


def _unsuppressed(responses: pd.DataFrame, instrument: Instrument, by: list[str], level: str):
    """``score_items`` / ``score_dimensions`` before suppression (input of ``protect_tables``)."""
    df = scored(responses, instrument)
    if level == "items":
        return aggregate(df, [*by, "item"], instrument)
    keys = [*by, "dimension"]
    tables = [aggregate(df, keys, instrument, respondents=True).assign(kind="dimension")]
    for index_id, members in instrument.indices.items():
        part = df[df["item"].isin(members)].assign(dimension=index_id)
        if not part.empty:
            tables.append(aggregate(part, keys, instrument, respondents=True).assign(kind="index"))
    return pd.concat(tables, ignore_index=True)


def score_run(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    min_n: int,
    headcounts: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every report-safe table of a run, for all departments and waves at once.

    Suppression is applied to all tables together (``privacy.protect_tables``): small groups and
    the complementary cells that keep them from being recovered by subtraction, before any
    comparison column is derived.
    """
    raw = {}
    for level in ("items", "dimensions"):
        raw[level] = _unsuppressed(responses, instrument, ["department", "wave"], level)
        raw[f"district_{level}"] = _unsuppressed(responses, instrument, ["wave"], level).assign(
            department=DISTRICT
        )
    frames = []
    for by in instrument.breakdowns:
        if by in responses.columns and responses[by].notna().any():
            keys = ["department", "wave", by]
            part = _unsuppressed(responses.dropna(subset=[by]), instrument, keys, "dimensions")
            frames.append(part.rename(columns={by: "group"}).assign(by=by))
    if frames:
        raw["breakdowns"] = pd.concat(frames, ignore_index=True)
    raw["respondents"] = respondent_counts(responses, headcounts, None)
    answered = responses[responses["value"].notna()]
    per_respondent = answered.groupby(["wave", "respondent_id"], observed=True)
    one_department = per_respondent["department"].nunique()
    tables = protect_tables(
        raw,
        min_n=min_n,
        respondents_additive=bool((one_department <= 1).all()),
        item_dimension=instrument.items.set_index("id")["dimension"].to_dict(),
        indices=instrument.indices,
    )
    for level in ("items", "dimensions"):
        on = "item" if level == "items" else "dimension"
        district = tables[f"district_{level}"]
        tables[level] = add_comparisons(tables[level], district, on=on)
        tables[f"district_{level}"] = add_comparisons(district, district, on=on)
    return tables


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
    if params.comments:
        comments = pd.concat([load_table(p, COMMENTS) for p in params.comments], ignore_index=True)
        counts = tables["respondents"].fillna({"n": 0})
        tables["comments"] = redact_comments(
            comments[comments["wave"].isin(waves)],
            recognition_questions=instrument.recognition_questions,
            respondents=counts,
            comment_min_n=params.comment_min_n,
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
    focus_file(tables["focus"], instrument).to_csv(run_dir / FOCUS_FILE, index=False)
    return run_dir
