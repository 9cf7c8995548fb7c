"""Leader-grade figures over scored tables: intervals, honest change flags, key drivers, focus
areas, follow-up of last round's focus, benchmark ranks and instrument reliability.

All of it is computed once per run in ``prepare`` and stored in the cache; reports only read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.instrument import Instrument
from ..contracts.labels import statement_labels
from ..contracts.previous import previous_focus
from . import focus, stats
from .rowgroups import group_numbers, row_groups
from .scoring import scored, shown

DRIVER_MIN_N = 100  # a department needs this many respondents for its own key-driver analysis


def add_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """95% Wilson interval of % favorable and t interval of the mean (empty where suppressed).

    >>> t = pd.DataFrame({"n": [10], "pct_favorable": [80.0], "mean": [4.0], "sd": [1.0]})
    >>> add_intervals(t)[["fav_low", "fav_high"]].round(1).values.tolist()
    [[49.0, 94.3]]
    """
    out = table.copy()
    n = (out["n_answers"] if "n_answers" in out else out["n"]).astype(float)
    fav = out["pct_favorable"].astype(float)
    out["fav_low"], out["fav_high"] = stats.wilson_interval((fav * n / 100).round(), n.fillna(0))
    out["mean_low"], out["mean_high"] = stats.mean_interval(
        out["mean"].astype(float), out["sd"].astype(float), out["n"].astype(float)
    )
    return out


def add_change_flags(table: pd.DataFrame, *, threshold: float = 5.0) -> pd.DataFrame:
    """``change_p`` (two-proportion z-test vs the previous wave) and ``change_flag``.

    A change is "up"/"down" only when p < 0.05 and at least ``threshold`` points; groups of 5-29
    that are not flagged read "within noise".
    """
    out = table.copy()
    args = [out[c].astype(float) for c in ("pct_favorable", "n", "prev_pct_favorable", "prev_n")]
    out["change_p"] = stats.compare_proportions(*args)
    flags = stats.flag_changes(
        out["change_pct_favorable"].astype(float),
        out["change_p"],
        out["n"].astype(float),
        threshold=threshold,
    )
    out["change_flag"] = flags.where(out["change_pct_favorable"].notna(), None).to_numpy()
    return out


def respondent_matrix(responses: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Flipped scores, one row per respondent x department x wave, one column per item (a
    respondent's first answer to it): ``pivot_table(..., aggfunc="first", observed=True)``, filled
    from the groups' numbers in a few numpy steps (the pivot was a third of the leader tables).

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ins = load_instrument("support_services")
    >>> a, b = ins.item_ids[:2]
    >>> df = pd.DataFrame({"wave": "w", "department": "HR", "respondent_id": [1, 1, 2, 1],
    ...                    "item": [b, a, a, a], "value": [4, 5, 2, 1]})
    >>> respondent_matrix(df, ins)[[a, b]].to_numpy().tolist()
    [[5.0, 4.0], [2.0, nan]]
    """
    s = scored(responses, instrument)
    rows, index = group_numbers(s, ["wave", "department", "respondent_id"])
    cols, items = group_numbers(s, ["item"])
    score = s["score"].to_numpy(dtype=float)
    whole = (rows >= 0) & (cols >= 0)
    cell = rows[whole] * len(items) + cols[whole]
    cells, first = np.unique(cell, return_index=True)  # each cell's first answer, as pivot's
    wide = np.full(len(index) * len(items), np.nan)
    wide[cells] = score[whole][first]
    return pd.DataFrame(
        wide.reshape(len(index), len(items)), index=index, columns=[str(c) for c in items]
    )


def key_drivers(wide: pd.DataFrame, instrument: Instrument, *, wave: str) -> pd.DataFrame:
    """Drivers of the outcome item per department (own data when large enough, else district).

    Returns ``department, item, r, n, importance, basis``.
    """
    if instrument.outcome is None or instrument.outcome not in wide.columns:
        return pd.DataFrame(columns=["department", "item", "r", "n", "importance", "basis"])
    now = wide.xs(wave, level="wave")
    values, columns = now.to_numpy(dtype=float), list(now.columns)
    district = stats.drivers_of(values, columns, instrument.outcome)
    units = pd.DataFrame({"department": now.index.get_level_values("department")})
    parts = []  # (department, basis, its drivers)
    for (dept,), rows in row_groups(units, ["department"]):
        if len(rows) >= DRIVER_MIN_N:
            own = stats.drivers_of(values[rows], columns, instrument.outcome)
            parts.append((dept, "department", own))
        else:
            parts.append((dept, "district", district))
    parts.append(("District", "district", district))
    out = pd.concat([f for _, _, f in parts], ignore_index=True)
    out["department"] = [d for d, _, f in parts for _ in range(len(f))]
    out["basis"] = [b for _, b, f in parts for _ in range(len(f))]
    return out[["department", "item", "r", "n", "importance", "basis"]]


def choose_focus(
    items: pd.DataFrame,
    drivers: pd.DataFrame,
    instrument: Instrument,
    *,
    max_focus: int = 3,
    rule: str = "gap_x_importance",
) -> pd.DataFrame:
    """At most ``max_focus`` focus items per department of one wave (the rule of ``focus.py``;
    the ``District`` rows are ranked as the district, with no district to compare with)."""
    outcome_label = "the overall rating"
    if instrument.outcome:
        dim = instrument.items.set_index("id").loc[instrument.outcome, "dimension"]
        label = instrument.dimension_label(dim).lower()
        outcome_label = outcome_label if label == "overall" else label  # "overall quality"
    position = {item: i for i, item in enumerate(instrument.item_ids)}
    cols = [
        "department",
        "rank",
        "item",
        "pct_favorable",
        "gap",
        "decline",
        "importance",
        "priority",
        "basis",
        "reason",
    ]
    candidates = items[items["item"] != instrument.outcome]
    if candidates.empty:
        return pd.DataFrame(columns=cols)
    candidates = candidates.iloc[candidates["item"].map(position).argsort(kind="stable")]
    return focus.focus_table(
        candidates,
        drivers,
        max_focus=max_focus,
        rule=rule,
        outcome_label=outcome_label,
        districts={"District"},
    )[cols]


def _focus(
    items: pd.DataFrame,
    district: pd.DataFrame,
    drivers: pd.DataFrame,
    instrument: Instrument,
    **kw,
) -> pd.DataFrame:
    """``choose_focus`` of the departments' ``items`` and the ``district``'s rows in one pass (one
    pass costs about half of two), the district's rows last."""
    both = choose_focus(pd.concat([items, district], ignore_index=True), drivers, instrument, **kw)
    last = both["department"].eq("District")
    return pd.concat([both[~last], both[last]], ignore_index=True)


def follow_up(previous_focus: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """How last round's focus items moved: previous and current % favorable, change and flag."""
    cols = [
        "department",
        "item",
        "pct_favorable",
        "prev_pct_favorable",
        "change_pct_favorable",
        "change_flag",
        "suppressed",
    ]
    now = items.reindex(columns=cols)
    out = previous_focus[["department", "rank", "item"]].merge(
        now, on=["department", "item"], how="left"
    )
    return out.sort_values(["department", "rank"]).reset_index(drop=True)


def reliability(wide: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Cronbach's alpha per dimension (2+ items) per wave, district level, listwise complete."""
    rows = []
    waves = list(wide.groupby(level="wave", observed=True))  # once, not once per dimension
    for dim, part in instrument.items.groupby("dimension", sort=False):
        cols = [c for c in part["id"] if c in wide.columns]
        if len(cols) < 2:
            continue
        for wave, w in waves:
            complete = w[cols].dropna()
            rows.append(
                {
                    "wave": wave,
                    "dimension": dim,
                    "items": len(cols),
                    "n": len(complete),
                    "alpha": stats.cronbach_alpha(complete),
                }
            )
    return pd.DataFrame(rows, columns=["wave", "dimension", "items", "n", "alpha"])


def benchmark_ranks(items: pd.DataFrame, benchmarks: pd.DataFrame, *, survey: str) -> pd.DataFrame:
    """Where each item stands in an external benchmark distribution.

    ``benchmarks`` has ``survey, item, percentile`` and the value at that percentile:
    ``pct_favorable`` (the contract; the whole-number % favorable a report shows is compared), or
    ``mean`` (older files). ``percentile_rank`` is interpolated between the benchmark's points;
    ``rank_bound`` is ``"below"`` / ``"above"`` when the value lies outside them (then
    ``percentile_rank`` is the lowest / highest percentile given: "below the 5th"), else ``""``;
    ``benchmark_basis`` names the column compared.

    >>> b = pd.DataFrame({"survey": "s", "item": "a", "percentile": [25, 50, 75],
    ...                   "pct_favorable": [50.0, 60.0, 70.0]})
    >>> r = benchmark_ranks(pd.DataFrame({"item": ["a"] * 3, "pct_favorable": [65.2, 80, 50]}),
    ...                     b, survey="s")
    >>> r["percentile_rank"].tolist(), r["rank_bound"].tolist()
    ([62.5, 75.0, 25.0], ['', 'above', ''])
    """
    basis = "pct_favorable" if "pct_favorable" in benchmarks.columns else "mean"
    b = benchmarks[benchmarks["survey"] == survey]
    out = items.copy()
    values = out[basis].astype(float)
    if basis == "pct_favorable":
        values = shown(values)
    refs = {  # per item, its points in order (sorted once, not once per row)
        item: (ref[basis].to_numpy(float), ref["percentile"].to_numpy(float))
        for item, ref in b.sort_values([basis, "percentile"]).groupby("item", sort=False)
    }
    ranks, bounds = [], []
    for item, value in zip(out["item"], values, strict=True):
        xs, ps = refs.get(item, ((), ()))
        if len(xs) < 2 or pd.isna(value):
            ranks.append(np.nan)
            bounds.append("")
            continue
        bound = "below" if value < xs[0] else "above" if value > xs[-1] else ""
        ranks.append(float(np.interp(value, xs, ps)))
        bounds.append(bound)
    out["percentile_rank"] = ranks
    out["rank_bound"] = bounds
    out["benchmark_basis"] = basis
    return out


def leader_tables(
    responses: pd.DataFrame,
    instrument: Instrument,
    tables: dict[str, pd.DataFrame],
    *,
    wave: str,
    compare_to: str | None,
    max_focus: int = 3,
    focus_rule: str = "gap_x_importance",
    previous_focus: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Add intervals and change flags to the scored tables and derive the leader tables.

    ``tables`` are the report-safe tables of ``score_run`` (suppression already applied).
    Returns the updated and new tables: drivers, focus (this wave), previous_focus (last wave's,
    from an earlier run when given, else chosen by the same rule on last wave's data), follow_up,
    reliability, and benchmark ranks on the items when a benchmark file is given.
    """
    out = dict(tables)
    for name in ("items", "dimensions", "district_items", "district_dimensions"):
        out[name] = add_change_flags(add_intervals(tables[name]))
    if "breakdowns" in tables:
        out["breakdowns"] = add_intervals(tables["breakdowns"])
    wide = respondent_matrix(responses, instrument)
    out["drivers"] = key_drivers(wide, instrument, wave=wave)
    items = out["items"]
    district_items = out["district_items"].assign(district_pct_favorable=np.nan)
    focus_kw = {"max_focus": max_focus, "rule": focus_rule}
    now = items[items["wave"] == wave]
    district_now = district_items[district_items["wave"] == wave]
    out["focus"] = _focus(now, district_now, out["drivers"], instrument, **focus_kw).assign(
        wave=wave
    )
    if previous_focus is None and compare_to is not None:
        before = key_drivers(wide, instrument, wave=compare_to)
        previous_focus = _focus(  # the district's system-wide focus too (the index follows it up)
            items[items["wave"] == compare_to],
            district_items[district_items["wave"] == compare_to],
            before,
            instrument,
            **focus_kw,
        ).assign(wave=compare_to, source="recomputed")
    if previous_focus is not None:
        out["previous_focus"] = previous_focus
        out["follow_up"] = follow_up(previous_focus, pd.concat([now, district_now]))
    out["reliability"] = reliability(wide, instrument)
    if benchmarks is not None:
        ranked = benchmark_ranks(
            now[["department", "item", "mean", "pct_favorable"]], benchmarks, survey=instrument.id
        )
        meta = benchmarks[benchmarks["survey"] == instrument.id]
        source = meta["source"].iloc[0] if "source" in meta and len(meta) else "benchmark file"
        n = meta["n"].iloc[0] if "n" in meta and len(meta) else np.nan
        out["benchmarks"] = ranked.assign(source=source, benchmark_n=n)
    return out


def read_benchmarks(path) -> pd.DataFrame:
    """A benchmark CSV: ``survey, item, percentile, pct_favorable[, source, n]`` (``mean``
    instead of ``pct_favorable`` is read too); a missing column is an error naming the file."""
    table = pd.read_csv(path)
    need = ["survey", "item", "percentile"]
    missing = [c for c in need if c not in table.columns]
    if not {"pct_favorable", "mean"} & set(table.columns):
        missing.append("pct_favorable")
    if missing:
        raise SurveyDataError(
            Problem(
                str(path),
                f"missing column(s): {', '.join(missing)}",
                hint="a benchmark file has survey, item, percentile, pct_favorable[, source, n]",
            )
        )
    return table


def leader_tables_for_run(responses, instrument, tables, params, *, compare_to) -> dict:
    """``leader_tables`` with the run's params: reads the previous run's focus and benchmarks."""
    previous = None
    if params.previous_run is not None:
        previous = previous_focus(params.previous_run, survey=instrument.id)  # a packet's too
    if previous is not None:
        previous = previous.assign(source=str(params.previous_run))
        previous = previous[
            previous["department"].isin(set(responses["department"].unique()) | {"District"})
        ]
    benchmarks = read_benchmarks(params.benchmarks) if params.benchmarks else None
    return leader_tables(
        responses,
        instrument,
        tables,
        wave=params.wave,
        compare_to=compare_to,
        max_focus=params.max_focus,
        focus_rule=params.focus_rule,
        previous_focus=previous,
        benchmarks=benchmarks,
    )


def focus_file(focus: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """This run's focus areas as the next run reads them (department, wave, rank, item, text)."""
    out = focus[["department", "wave", "rank", "item", "pct_favorable", "reason"]].copy()
    out.insert(4, "text", out["item"].map(statement_labels(instrument)))
    return out
