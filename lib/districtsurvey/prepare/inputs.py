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
from ..contracts.validate import listed, load_responses

#: Longest slug a department gets: its files (``<slug>.html``, ``.<slug>.xlsx.<pid>.tmp``) stay
#: far below the 255-byte name limit of common file systems.
MAX_SLUG = 60


def _tag(name: str) -> str:
    return hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:8]


def slugify(name: str) -> str:
    """File-safe slug of a department name, at most ``MAX_SLUG`` characters (a longer one is cut
    and ends with a short hash of the whole name, so two long names never share a slug).

    >>> slugify("Facilities & Maintenance")
    'facilities-maintenance'
    >>> len(slugify("Office of " + "Very " * 60 + "Long Names"))
    60
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-") or "unnamed"
    if len(slug) > MAX_SLUG:
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{_tag(name)}"
    return slug


def unique_slugs(names: list[str]) -> list[str]:
    """One slug per name, all different: names whose slugs would clash (``Food & Nutrition``,
    ``Food / Nutrition``; ``HR`` and ``hr``) each get a short hash of the name, whatever their
    order; every other name keeps its ordinary slug.

    >>> unique_slugs(["Finance", "Food & Nutrition", "Food / Nutrition"])
    ['finance', 'food-nutrition-a9243a73', 'food-nutrition-78b02589']
    """
    base = [slugify(n) for n in names]
    clash = {s for s in base if base.count(s) > 1}
    out = [
        f"{s[: MAX_SLUG - 9].rstrip('-')}-{_tag(n)}" if s in clash else s
        for n, s in zip(names, base, strict=True)
    ]
    if len(set(out)) < len(out):  # a name that is literally another's slug-and-hash
        out = [
            f"{s}-{hashlib.sha256(str(n).encode()).hexdigest()[:16]}"
            for n, s in zip(names, out, strict=True)
        ]
    return out


def resolve_only(only: list[str], departments: list[dict], *, where: str = "--only") -> list[str]:
    """The slugs ``run --only`` names: each value a department name, or a slug (any case).

    >>> deps = [{"name": "Finance", "slug": "finance"}, {"name": "Payroll", "slug": "payroll"}]
    >>> resolve_only(["FINANCE", "Payroll"], deps)
    ['finance', 'payroll']
    """
    by_name = {d["name"]: d["slug"] for d in departments}
    by_slug = {d["slug"]: d["slug"] for d in departments}
    chosen, unknown = [], []
    for value in only:
        slug = by_name.get(value) or by_slug.get(value) or by_slug.get(slugify(value))
        if slug is None:
            unknown.append(value)
        elif slug not in chosen:
            chosen.append(slug)
    if unknown:
        known = sorted(by_name)
        close = difflib.get_close_matches(unknown[0], known, n=3)
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else f"departments of this run: {listed(known)}"
        )
        raise SurveyDataError(
            Problem(
                where, f"unknown department(s) {', '.join(repr(u) for u in unknown)}", hint=hint
            )
        )
    return chosen


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_inputs(params: RunParams, instrument: Instrument) -> pd.DataFrame:
    """All response files of the run, validated, as one tidy frame (key columns may be
    categoricals or text: ``prepare_run`` makes them categoricals)."""
    frames = []
    for source in params.data:
        if isinstance(source, RawExport):
            from ..importers import read_export  # imported only when a raw export is used

            result = read_export(
                source.path,
                fmt=source.format,
                instrument=instrument,
                wave=source.wave or params.wave,
            )
            frames.append(result.responses)
        else:
            frames.append(load_responses(source, instrument=instrument, categories=True))
    return concat_categories(frames)


def concat_categories(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``frames`` one under the other; a column that is categorical in every frame stays so, with
    the union of their categories (pandas would turn it into text, row by row: about 0.4 s
    for the sample's file and its pulse). Categories come unordered: a run orders waves itself.

    >>> a = pd.DataFrame({"wave": pd.Categorical(["2026-fall"])})
    >>> b = pd.DataFrame({"wave": pd.Categorical(["2026-09-pulse"])})
    >>> concat_categories([a, b])["wave"].cat.categories.tolist()
    ['2026-fall', '2026-09-pulse']
    """
    if len(frames) > 1:
        for col in frames[0].columns:
            columns = [f[col] for f in frames if col in f.columns]
            if len(columns) == len(frames) and all(
                isinstance(c.dtype, pd.CategoricalDtype) for c in columns
            ):
                union = columns[0].cat.categories.append([c.cat.categories for c in columns[1:]])
                for f in frames:
                    f[col] = f[col].cat.as_unordered().cat.set_categories(union.unique())
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
