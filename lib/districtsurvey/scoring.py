"""Scoring: DataFrame in, DataFrame out — n, mean, sd and percent favorable/neutral/unfavorable.

Every public function that returns a table for display applies suppression (``privacy``) before
returning it, so nothing a report shows can bypass the minimum n.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .instrument import Instrument
from .privacy import suppress_small_groups

FIGURES = ["mean", "sd", "pct_favorable", "pct_neutral", "pct_unfavorable"]
SEASONS = {"winter": 0, "spring": 1, "summer": 2, "fall": 3, "autumn": 3}


def wave_key(wave: str) -> tuple:
    """Chronological sort key for wave names such as ``2026-spring`` (spring before fall).

    >>> sorted(["2026-fall", "2025-fall", "2026-spring"], key=wave_key)
    ['2025-fall', '2026-spring', '2026-fall']
    """
    m = re.fullmatch(r"(\d{4})[-_ ]?([A-Za-z]+)", str(wave).strip())
    if m and m.group(2).lower() in SEASONS:
        return (int(m.group(1)), SEASONS[m.group(2).lower()], "")
    return (0, 0, str(wave))


def sort_waves(waves: Sequence[str]) -> list[str]:
    """Unique waves in chronological order."""
    return sorted(set(waves), key=wave_key)


def scored(responses: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Answered rows only, with ``score`` (reverse-worded items flipped) and ``dimension``.

    >>> from districtsurvey.instrument import load_instrument
    >>> ins = load_instrument("engagement")
    >>> rev = ins.items.loc[ins.items["reverse"], "id"].iloc[0]
    >>> df = pd.DataFrame({"respondent_id": ["a"], "item": [rev], "value": [5]})
    >>> int(scored(df, ins)["score"].iloc[0])
    1
    """
    items = instrument.items.set_index("id")
    out = responses[responses["value"].notna()].copy()
    value = out["value"].astype("int16")
    reverse = out["item"].map(items["reverse"]).fillna(False).astype(bool)
    out["score"] = np.where(reverse, instrument.scale.points + 1 - value, value).astype("int16")
    out["dimension"] = out["item"].map(items["dimension"]).astype("string")
    return out


def aggregate(
    df: pd.DataFrame, keys: list[str], instrument: Instrument, *, respondents: bool = False
) -> pd.DataFrame:
    """n, mean, sd, percentages per ``keys`` over a ``scored()`` frame (no suppression).

    With ``respondents=True`` n counts distinct respondents (answers are pooled for the figures),
    as for dimensions; otherwise n counts answers.
    """
    scale = instrument.scale
    counts = (
        df.groupby(keys + ["score"], observed=True, sort=True).size().unstack("score", fill_value=0)
    )
    counts = counts.reindex(columns=range(1, scale.points + 1), fill_value=0)
    v = np.arange(1, scale.points + 1, dtype=float)
    c = counts.to_numpy(dtype=float)
    answers = c.sum(axis=1)
    mean = (c @ v) / answers
    var = (c @ v**2 - answers * mean**2) / np.where(answers > 1, answers - 1, np.nan)
    out = pd.DataFrame(index=counts.index)
    if respondents:
        out["n"] = df.groupby(keys, observed=True)["respondent_id"].nunique().reindex(counts.index)
        out["n_answers"] = answers.astype(int)
    else:
        out["n"] = answers.astype(int)
    out["mean"] = mean
    out["sd"] = np.sqrt(np.clip(var, 0, None))
    for name, codes in (
        ("pct_favorable", scale.favorable),
        ("pct_neutral", scale.neutral),
        ("pct_unfavorable", scale.unfavorable),
    ):
        out[name] = 100 * counts[list(codes)].sum(axis=1).to_numpy() / answers if codes else 0.0
    out["n"] = out["n"].astype("Int64")
    return out.reset_index()


def score_items(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    by: Sequence[str] = ("department",),
    min_n: int = 5,
) -> pd.DataFrame:
    """Report-safe table, one row per group x item (see DESIGN.md ``score``).

    >>> from districtsurvey.instrument import load_instrument
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


def add_comparisons(
    table: pd.DataFrame,
    district: pd.DataFrame,
    *,
    on: str,
    group: Sequence[str] = ("department",),
) -> pd.DataFrame:
    """Add the district's figures and the change since the previous wave.

    ``table`` and ``district`` carry a ``wave`` column and ``on`` (``item`` or ``dimension``).
    Adds ``district_mean``, ``district_pct_favorable``, ``vs_district`` (points of % favorable),
    ``prev_wave``, ``prev_n``, ``prev_pct_favorable``, ``prev_mean`` and ``change_pct_favorable``.
    Suppressed cells stay empty: a difference with an empty figure is empty.
    """
    waves = sort_waves(table["wave"].dropna())
    prev = {w: waves[i - 1] if i else None for i, w in enumerate(waves)}
    ref = district[["wave", on, "mean", "pct_favorable"]].rename(
        columns={"mean": "district_mean", "pct_favorable": "district_pct_favorable"}
    )
    out = table.merge(ref, on=["wave", on], how="left")
    out["vs_district"] = out["pct_favorable"] - out["district_pct_favorable"]
    out["prev_wave"] = out["wave"].map(prev).astype("string")
    earlier = table[[*group, "wave", on, "n", "mean", "pct_favorable"]].rename(
        columns={
            "wave": "prev_wave",
            "n": "prev_n",
            "mean": "prev_mean",
            "pct_favorable": "prev_pct_favorable",
        }
    )
    out = out.merge(earlier, on=[*group, "prev_wave", on], how="left")
    out["change_pct_favorable"] = out["pct_favorable"] - out["prev_pct_favorable"]
    return out
