"""Prepare a run once: read and validate the inputs, score every department, write the cache.

The cache (``<run>/cache/``) holds report-safe tables only: suppression is applied here, so every
notebook of the batch reads a slice of tables that can be shown as they are.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from ..analysis.insights import focus_file, leader_tables_for_run
from ..contracts.files import atomic_path, safe_csv, sha256_file, write_atomic
from ..contracts.instrument import load_instrument
from ..contracts.params import RunParams, load_params
from ..contracts.previous import FOCUS_FILE, packet_names
from ..contracts.tactics import load_tactics
from ..contracts.validate import COMMENTS, HEADCOUNTS, load_table
from ..contracts.waves import by_wave, full_waves, is_pulse, wave_order
from ..privacy.derived import protect_drivers
from ..privacy.redact import redact_comments
from .inputs import check_selection, read_inputs, resolve_only, sha256, unique_slugs
from .plans import plans_folder, read_plans, redact_plan_notes
from .score import DISTRICT, respondent_counts, score_items, score_run


def hidden_groups(responses: pd.DataFrame, breakdowns: pd.DataFrame | None) -> pd.DataFrame:
    """Per department, wave and breakdown: whether a group that has answers is hidden in every
    area (``hidden``), so a report says "other groups are not shown" only when that is true.

    Says no more than what is published already: a hidden group's answers are the department's
    minus the groups shown, and privacy keeps that remainder at least ``min_n`` or spread.
    """
    cols = ["department", "wave", "by", "hidden"]
    if breakdowns is None or breakdowns.empty:
        return pd.DataFrame(columns=cols)
    answered = responses[responses["value"].notna()]
    rows = []
    for by, part in breakdowns[breakdowns["kind"] == "dimension"].groupby("by"):
        shown = part[~part["suppressed"]][["department", "wave", "group"]].drop_duplicates()
        shown = shown.astype(str).assign(seen=True)
        present = answered[["department", "wave", by]].dropna().drop_duplicates().astype(str)
        present = present.rename(columns={by: "group"}).merge(
            shown, on=["department", "wave", "group"], how="left"
        )
        present["hidden"] = present["seen"].isna()
        per = present.groupby(["department", "wave"])["hidden"].any().reset_index()
        rows.append(per.assign(by=by))
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)


#: the names a run groups by (respondent ids are numbered instead: ``respondent_numbers``)
KEYS = ("survey", "wave", "department", "role", "site", "item")


def respondent_numbers(responses: pd.DataFrame) -> pd.DataFrame:
    """Respondent ids as numbers (one per distinct id, the same in every wave): a run only counts
    and matches them, and counting distinct text ids was about a fifth of preparing a large run
    (pyarrow strings are hashed again in every groupby). A category per person cost more to build
    than it saved. Ids never reach the cache; validation has refused blank ones.

    >>> respondent_numbers(pd.DataFrame({"respondent_id": ["r9", "r2", "r9"]}))["respondent_id"].tolist()
    [0, 1, 0]
    """
    return responses.assign(respondent_id=pd.factorize(responses["respondent_id"])[0])


def as_categories(responses: pd.DataFrame, *, drop_unused: bool = False) -> pd.DataFrame:
    """The key columns as categoricals: every groupby, merge and lookup of the run hashes each
    distinct name once instead of once per answer (the cache is written as text again).

    >>> t = as_categories(pd.DataFrame({"wave": ["a", "b"]}))[:1]
    >>> list(as_categories(t, drop_unused=True)["wave"].cat.categories)
    ['a']
    """
    out = responses.astype({c: "category" for c in KEYS if c in responses.columns})
    for c in KEYS:
        if c in out.columns:
            column = out[c].cat.remove_unused_categories() if drop_unused else out[c]
            # categories in text order (a parquet file brings its own): rows sort as names do
            out[c] = column.cat.reorder_categories(sorted(column.cat.categories, key=str))
    return out


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns back to text, so the cache's types do not depend on how it was made."""
    cats = [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)]
    return table.astype({c: "string" for c in cats}) if cats else table


def pulse_tables(
    responses: pd.DataFrame,
    instrument,
    *,
    min_n: int,
    headcounts: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    """The pulse waves' report-safe tables: ``pulse_items`` (per department, pulse and statement)
    and ``pulse_respondents`` (per department and pulse), each cell below ``min_n`` hidden.

    A pulse is scored apart from the full rounds: its respondents are another sample, so no
    figure of a full round can be subtracted from a pulse's (and it gets no change figure,
    ``contracts.waves.previous_waves``). Only departments' own cells are published (no district
    or pooled figure of a pulse, no breakdown), so no published total contains a hidden cell:
    the min n rule per cell is the whole rule, as it is for any table without totals. Only the
    statements a department's pulse asked have rows (asked: the file has rows for it, answered
    or not, which says nothing about how many answered).
    """
    items = score_items(responses, instrument, by=["department", "wave"], min_n=min_n)
    asked = responses[["department", "wave", "item"]].drop_duplicates().astype(str)
    items = items.astype({"department": str, "wave": str, "item": str}).merge(
        asked, on=["department", "wave", "item"]
    )
    counts = respondent_counts(responses, headcounts, min_n)
    counts = counts[counts["department"] != DISTRICT].reset_index(drop=True)
    return {"pulse_items": items, "pulse_respondents": counts}


def prepare_run(
    params: RunParams,
    *,
    params_path: str = "<params>",
    only: list[str] | None = None,
    packet: dict | None = None,
) -> Path:
    """Validate the inputs once and write the run's cache; returns the run folder.

    ``packet``: for a survey of a packet, ``surveys`` (the packet's survey ids, whose plans in a
    shared folder are not refused) and ``aliases`` (the packet's unit names -> this survey's).

    Nothing is written before the inputs, the departments and ``only`` (``run --only``: names or
    slugs) are checked. Every file is written atomically, ``run.json`` last, with the sha256 of
    each cache table in it (``cache``), so a reader can tell a whole cache from a damaged one.
    """
    instrument = load_instrument(params.instrument)
    load_tactics(instrument.item_ids, extra=params.tactics)  # a bad tactics file stops the run here
    responses = respondent_numbers(as_categories(read_inputs(params, instrument)))
    order = wave_order(responses["wave"].unique(), order=params.waves, where=params_path)
    departments = check_selection(responses, params, params_path, order=order)
    slugs = unique_slugs(departments)
    if only:
        resolve_only(
            only, [{"name": d, "slug": s} for d, s in zip(departments, slugs, strict=True)]
        )
    before = order[: order.index(params.wave) + 1]  # this wave and the ones before it
    waves = full_waves(before)  # the full rounds; pulses only feed the follow-up
    pulses = [w for w in before if is_pulse(w)]
    pulse_responses = as_categories(responses[responses["wave"].isin(pulses)], drop_unused=True)
    responses = as_categories(responses[responses["wave"].isin(waves)], drop_unused=True)
    compare_to = params.compare_to or (waves[-2] if len(waves) > 1 else None)
    folder = plans_folder(params)  # last round's edited plans, checked before anything is written
    plan_files: list[Path] = []
    warnings: list[str] = []  # said by the run (batch) and kept in run.json
    if folder is not None:
        if packet is None and params.previous_run is not None:  # this survey alone, last round
            packet = {"aliases": packet_names(params.previous_run, survey=instrument.id)}
        plans, plan_indicators, plan_files = read_plans(  # in a packet: headed with its names
            folder,
            instrument,
            slugs=dict(zip(departments, slugs, strict=True)),
            wave=compare_to,
            strict=params.plans is not None,
            warnings=warnings,
            **(packet or {}),
        )

    headcounts = load_table(params.headcounts, HEADCOUNTS) if params.headcounts else None
    tables = score_run(
        responses,
        instrument,
        min_n=params.min_n,
        headcounts=headcounts,
        waves=waves,
        compare={params.wave: compare_to},
    )
    tables = leader_tables_for_run(responses, instrument, tables, params, compare_to=compare_to)
    if folder is not None:  # leaders' notes redacted like comments (the owner kept: see there)
        keep = _group_names(responses, pd.DataFrame({"department": []}))
        tables["plans"] = redact_plan_notes(plans, keep=keep)
        tables["plan_indicators"] = plan_indicators
    if len(pulse_responses):
        tables.update(
            pulse_tables(pulse_responses, instrument, min_n=params.min_n, headcounts=headcounts)
        )
    tables["hidden_groups"] = hidden_groups(responses, tables.get("breakdowns"))
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
    checksums = {}
    for name, table in tables.items():  # rows in wave order (never the text order of names)
        with atomic_path(cache / f"{name}.parquet") as tmp:
            by_wave(as_text(table), before).to_parquet(tmp, index=False)
            checksums[f"{name}.parquet"] = sha256_file(tmp)
    for stale in cache.glob("*.parquet"):  # a table an earlier run had and this one has not
        if stale.name not in checksums:
            stale.unlink()
    run = {
        "name": params.name,
        "title": params.title or f"{instrument.title}, {params.wave}",
        "instrument": str(Path(instrument.path)),
        "survey": instrument.id,
        "wave": params.wave,
        "compare_to": compare_to,
        "waves": waves,
        "pulses": pulses,
        "timeline": before,  # full and pulse waves up to this one, oldest first
        "min_n": params.min_n,
        "comment_min_n": params.comment_min_n,
        "max_focus": params.max_focus,
        "focus_rule": params.focus_rule,
        "date": (params.report_date or dt.date.today()).isoformat(),
        "next_survey": params.next_survey,
        "departments": [{"name": d, "slug": s} for d, s in zip(departments, slugs, strict=True)],
        "inputs": [{"path": str(p), "sha256": sha256(p)} for p in [*params.files(), *plan_files]],
        "params": json.loads(params.model_dump_json()),
        "cache": checksums,
        "warnings": warnings,
    }
    write_atomic(
        run_dir / FOCUS_FILE,
        safe_csv(focus_file(tables["focus"], instrument)).to_csv(index=False),
    )
    write_atomic(cache / "run.json", json.dumps(run, indent=2))  # last: the cache is complete
    return run_dir


def _group_names(responses: pd.DataFrame, comments: pd.DataFrame) -> list[str]:
    """Department, site and role names: never redacted as people's names ("Grant Elementary")."""
    names = set(comments["department"].dropna().astype(str))
    for col in ("department", "site", "role"):
        if col in responses.columns:
            names |= {str(v) for v in responses[col].dropna().unique()}  # distinct, then text
    return sorted(names)


def prepare(params_path: str | Path) -> Path:
    """Load the params file and prepare its run folder (used by ``report.load`` for the demo)."""
    params = load_params(params_path)
    return prepare_run(params, params_path=str(params_path))
