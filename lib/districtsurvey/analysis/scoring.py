"""Scoring: DataFrame in, DataFrame out — n, mean, sd and percent favorable/neutral/unfavorable.

These are the raw figures, before any suppression: what a report may show is decided one layer up
(``privacy``, applied to a whole run in ``prepare``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..contracts.instrument import Instrument
from ..contracts.waves import previous_waves, wave_order

FIGURES = ["mean", "sd", "pct_favorable", "pct_neutral", "pct_unfavorable"]


def scored(responses: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Answered rows only, with ``score`` (reverse-worded items flipped) and ``dimension``.

    >>> from districtsurvey.contracts.instrument import load_instrument
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


def shown(pct: float | np.ndarray | pd.Series):
    """A percentage as reports show it: a whole number (half to even, as Python prints
    ``f"{x:.0f}"``). Differences of percentages are taken between these, so a change printed
    beside two figures is always their difference.

    >>> float(shown(55.5)), float(shown(56.5)), float(shown(43.6) - shown(55.4))
    (56.0, 56.0, -11.0)
    """
    return np.round(pct)


def add_comparisons(
    table: pd.DataFrame,
    district: pd.DataFrame,
    *,
    on: str,
    group: Sequence[str] = ("department",),
    previous: dict[str, str | None] | None = None,
) -> pd.DataFrame:
    """Add the district's figures and the change since the previous wave.

    ``table`` and ``district`` carry a ``wave`` column and ``on`` (``item`` or ``dimension``).
    Adds ``district_mean``, ``district_pct_favorable``, ``vs_district`` (points of % favorable),
    ``prev_wave``, ``prev_n``, ``prev_pct_favorable``, ``prev_mean`` and ``change_pct_favorable``.
    ``vs_district`` and ``change_pct_favorable`` are differences of the whole-number percentages
    a report shows (:func:`shown`). ``previous`` maps each wave to the one it is compared with
    (default: the wave before it in time, ``contracts.waves``).
    Suppressed cells stay empty: a difference with an empty figure is empty.
    """
    prev = previous or previous_waves(wave_order(table["wave"].unique()))
    ref = district[["wave", on, "mean", "pct_favorable"]].rename(
        columns={"mean": "district_mean", "pct_favorable": "district_pct_favorable"}
    )
    out = table.merge(ref, on=["wave", on], how="left")
    out["vs_district"] = shown(out["pct_favorable"]) - shown(out["district_pct_favorable"])
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
    out["change_pct_favorable"] = shown(out["pct_favorable"]) - shown(out["prev_pct_favorable"])
    return out
