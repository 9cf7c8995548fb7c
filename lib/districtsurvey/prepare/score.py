"""Every report-safe table of a run at once: scored, then protected by the privacy rules together.

Suppression is applied to all tables of the run together (``privacy.protect_tables``), before any
comparison column is derived, so nothing a report shows can bypass the minimum n.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..analysis.scoring import add_comparisons, aggregate, distinct_counts, scored
from ..contracts.instrument import Instrument
from ..contracts.waves import previous_waves, wave_order
from ..privacy.derived import few_changed, protect_changes
from ..privacy.suppress import suppress_small_groups
from ..privacy.tables import protect_tables

DISTRICT = "District"


def score_items(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    by: Sequence[str] = ("department",),
    min_n: int = 5,
) -> pd.DataFrame:
    """Report-safe table, one row per group x item (see DESIGN.md ``score``).

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ins = load_instrument("support_services")
    >>> item = ins.item_ids[0]
    >>> df = pd.DataFrame({"respondent_id": list("abcdef"), "department": ["HR"] * 5 + ["IT"],
    ...                    "item": [item] * 6, "value": [5, 4, 3, 2, 4, 5]})
    >>> t = score_items(df, ins, by=["department"])
    >>> t[["department", "n", "mean", "pct_favorable", "suppressed"]].to_string(index=False)
    'department    n  mean  pct_favorable  suppressed\\n        HR    5   3.6           60.0       False\\n        IT <NA>   NaN            NaN        True'
    """
    table = aggregate(scored(responses, instrument), [*by, "item"], instrument)
    return suppress_small_groups(table, min_n=min_n)


def score_dimensions(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    by: Sequence[str] = ("department",),
    min_n: int = 5,
    include_indices: bool = True,
) -> pd.DataFrame:
    """Report-safe table, one row per group x dimension (and index), answers pooled.

    ``n`` is the number of distinct respondents; ``kind`` is ``dimension`` or ``index``.
    """
    df = scored(responses, instrument)
    tables = [
        aggregate(df, [*by, "dimension"], instrument, respondents=True).assign(kind="dimension")
    ]
    if include_indices:
        for index_id, items in instrument.indices.items():
            part = df[df["item"].isin(items)].assign(dimension=index_id)
            if not part.empty:
                tables.append(
                    aggregate(part, [*by, "dimension"], instrument, respondents=True).assign(
                        kind="index"
                    )
                )
    return suppress_small_groups(pd.concat(tables, ignore_index=True), min_n=min_n)


def respondent_counts(responses: pd.DataFrame, headcounts: pd.DataFrame | None, min_n: int | None):
    """Respondents per department x wave (and the district), with invited and response rate.

    The district's invitations come from a ``District`` row of the headcounts file, or are the sum
    of the departments' when every respondent belongs to one department (engagement); otherwise
    (support services: one person rates several departments) the district rate is left empty.

    Small groups are suppressed unless ``min_n`` is None (then the raw counts, for ``score_run``).
    """
    answered = responses[responses["value"].notna()]
    per = distinct_counts(answered, ["department", "wave"], "respondent_id")
    district = distinct_counts(answered, ["wave"], "respondent_id")
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


def _unsuppressed(df: pd.DataFrame, instrument: Instrument, by: list[str], level: str):
    """``score_items`` / ``score_dimensions`` before suppression (input of ``protect_tables``),
    over a ``scored()`` frame (scored once per run)."""
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
    waves: list[str] | None = None,
    compare: dict[str, str | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every report-safe table of a run, for all departments and waves at once.

    ``waves`` is their order in time (default: read from their names, ``contracts.waves``);
    each wave is compared with the one before it, unless ``compare`` says otherwise (the run's
    wave with its ``compare_to``).

    Suppression is applied to all tables together (``privacy.protect_tables``): small groups and
    the complementary cells that keep them from being recovered by subtraction, before any
    comparison column is derived; with respondent ids linked across waves, a group whose
    membership changed by fewer than ``min_n`` people gets no change figure
    (``privacy.derived.protect_changes``).
    """
    df = scored(responses, instrument)
    raw = {}
    for level in ("items", "dimensions"):
        raw[level] = _unsuppressed(df, instrument, ["department", "wave"], level)
        raw[f"district_{level}"] = _unsuppressed(df, instrument, ["wave"], level).assign(
            department=DISTRICT
        )
    frames = []
    for by in instrument.breakdowns:
        if by in responses.columns and responses[by].notna().any():
            keys = ["department", "wave", by]
            part = _unsuppressed(df.dropna(subset=[by]), instrument, keys, "dimensions")
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
    previous = previous_waves(wave_order(responses["wave"].unique(), order=waves), compare=compare)
    few = few_changed(responses, previous=previous, min_n=min_n)
    for level in ("items", "dimensions"):
        on = "item" if level == "items" else "dimension"
        district = tables[f"district_{level}"]
        for name, table in ((level, tables[level]), (f"district_{level}", district)):
            compared = add_comparisons(table, district, on=on, previous=previous)
            # linked ids: no change figure where fewer than min_n people joined or left
            tables[name] = protect_changes(compared, few)
    return tables
