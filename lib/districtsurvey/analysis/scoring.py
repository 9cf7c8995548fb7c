"""Scoring: DataFrame in, DataFrame out — n, mean, sd and percent favorable/neutral/unfavorable.

These are the raw figures, before any suppression: what a report may show is decided one layer up
(``privacy``, applied to a whole run in ``prepare``).

Each item is scored on its own scale (``Instrument.scale_of``): reverse-worded items are flipped
within that scale, and favorable / neutral / unfavorable are that scale's codes ("top-2 of 4" for a
4-point item, "top-2 of 5" for a 5-point one). Percentages pool across scales as they are; a mean
over items of different lengths (an area or index mixing a 4- and a 5-point block) is taken after
putting each answer on the default scale's range, linearly (1..4 -> 1..5), and says so in Methods.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..contracts.instrument import Instrument
from ..contracts.waves import previous_waves, wave_order
from .rowgroups import group_numbers

FIGURES = ["mean", "sd", "pct_favorable", "pct_neutral", "pct_unfavorable"]


def _per_item(item: pd.Series, values: pd.Series, default) -> np.ndarray:
    """``values`` (indexed by item id) looked up for every row of ``item`` (fast on categoricals)."""
    if isinstance(item.dtype, pd.CategoricalDtype):
        cats = values.reindex(item.cat.categories.astype(str)).fillna(default).to_numpy()
        codes = item.cat.codes.to_numpy()
        return (
            np.where(codes >= 0, cats[codes], default) if len(cats) else np.full(len(item), default)
        )
    return item.astype(object).map(values).fillna(default).to_numpy()


def distinct_counts(df: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """How many distinct ``column`` values each group of ``keys`` has: what
    ``df.groupby(keys, observed=True)[column].nunique()`` returns, in a few vectorised steps when
    ``column`` holds non-negative integers (a run's respondent numbers,
    ``prepare.run.respondent_numbers``): pandas' ``nunique`` was 7% of preparing the sample
    district (profiled). Other columns go to ``nunique``.

    >>> df = pd.DataFrame({"wave": ["b", "a", "b", "b"], "respondent_id": [7, 7, 7, 2]})
    >>> distinct_counts(df, ["wave"], "respondent_id").to_dict()
    {'a': 1, 'b': 2}
    """
    values = df[column]
    if not _numbered(values):
        return df.groupby(keys, observed=True, sort=True)[column].nunique()
    numbers, groups = group_numbers(df, keys)
    return pd.Series(_distinct(numbers, values.to_numpy(), len(groups)), groups, name=column)


def _numbered(values: pd.Series) -> bool:
    """Non-negative integers (respondent numbers), which ``_distinct`` counts."""
    integers = isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu"
    return integers and not values.empty and values.min() >= 0


def _distinct(numbers: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Distinct non-negative integer ``values`` per group number (rows numbered -1: none).

    >>> _distinct(np.array([0, 0, 1, -1, 1, 0]), np.array([4, 4, 4, 9, 2, 1]), 2).tolist()
    [2, 2]
    >>> _distinct(np.array([0, 0, 1]), np.array([10**9, 10**9, 3]), 2).tolist()  # hashed
    [1, 1]
    """
    kept = numbers >= 0
    values = values[kept].astype(np.int64)
    span = int(values.max(initial=0)) + 1
    pairs = numbers[kept] * span + values  # one number per (group, value)
    if groups * span <= 8 * len(pairs) + 65536:  # few possible pairs: marked, not hashed
        seen = np.zeros(groups * span, bool)
        seen[pairs] = True
        return seen.reshape(groups, span).sum(axis=1)
    return np.bincount(pd.unique(pairs) // span, minlength=groups)


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
    value = out["value"].astype("int16").to_numpy()
    reverse = _per_item(out["item"], items["reverse"], False).astype(bool)
    points = instrument.scale.points
    if instrument.mixed_scales:
        points = _per_item(out["item"], items["points"], points).astype("int16")
    out["score"] = np.where(reverse, points + 1 - value, value).astype("int16")
    out["dimension"] = out["item"].map(items["dimension"]).astype("string")
    return out


def _scales_in(df: pd.DataFrame, instrument: Instrument) -> list[str]:
    if not instrument.mixed_scales or df.empty:
        return [instrument.scale.name]
    scale = instrument.items.set_index("id")["scale"]
    return sorted(set(_per_item(df["item"], scale, instrument.scale.name)))


def aggregate(
    df: pd.DataFrame, keys: list[str], instrument: Instrument, *, respondents: bool = False
) -> pd.DataFrame:
    """n, mean, sd, percentages per ``keys`` over a ``scored()`` frame (no suppression).

    With ``respondents=True`` n counts distinct respondents (answers are pooled for the figures),
    as for dimensions; otherwise n counts answers. Items on different scales: see the module note.
    """
    names = _scales_in(df, instrument)
    if len(names) > 1:
        return _aggregate_mixed(df, keys, instrument, respondents=respondents)
    scale = instrument.scales.get(names[0], instrument.scale)
    numbers, groups = group_numbers(df, keys)
    width = scale.points + 1  # a row per group, a column per answer code 0..points (0: unused)
    score = df["score"].to_numpy().astype(np.int64)
    on_scale = (numbers >= 0) & (score >= 1) & (score <= scale.points)
    counts = np.bincount(
        numbers[on_scale] * width + score[on_scale], minlength=len(groups) * width
    ).reshape(len(groups), width)
    v = np.arange(width, dtype=float)
    c = counts.astype(float)
    answers = c.sum(axis=1)
    mean = (c @ v) / answers
    var = (c @ v**2 - answers * mean**2) / np.where(answers > 1, answers - 1, np.nan)
    out = pd.DataFrame(index=groups)
    if respondents:
        ids = df["respondent_id"]
        if _numbered(ids):
            out["n"] = _distinct(numbers, ids.to_numpy(), len(groups))
        else:  # text ids (a table scored outside a run)
            out["n"] = distinct_counts(df, keys, "respondent_id").reindex(groups)
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
        out[name] = 100 * c[:, list(codes)].sum(axis=1) / answers if codes else 0.0
    out["n"] = out["n"].astype("Int64")
    return out.reset_index()


def _aggregate_mixed(
    df: pd.DataFrame, keys: list[str], instrument: Instrument, *, respondents: bool
) -> pd.DataFrame:
    """``aggregate`` when the rows hold items of several scales: flags per answer, then sums."""
    items = instrument.items.set_index("id")
    order = list(instrument.scales)
    which = pd.Series(range(len(order)), index=order)
    code = _per_item(df["item"], items["scale"].map(which), which[instrument.scale.name])
    code = code.astype(int)
    score = df["score"].to_numpy(dtype=float)
    width = max(s.points for s in instrument.scales.values()) + 1
    points = np.array([instrument.scales[n].points for n in order], dtype=float)[code]
    top = float(instrument.scale.points)
    flags = {}
    for kind in ("favorable", "neutral", "unfavorable"):
        table = np.zeros((len(order), width), bool)  # scale x code -> in this kind
        for k, n in enumerate(order):
            table[k, list(getattr(instrument.scales[n], kind))] = True
        flags[kind] = table[code, score.astype(int)]
    rows = pd.DataFrame(
        {
            "raw": score,
            "raw2": score**2,
            "even": 1 + (score - 1) * (top - 1) / (points - 1),  # on the default scale's range
            "points": points,
            **{k: v.astype(float) for k, v in flags.items()},
        },
        index=df.index,
    )
    rows["even2"] = rows["even"] ** 2
    g = rows.join(df[keys]).groupby(keys, observed=True, sort=True)
    sums = g[["raw", "raw2", "even", "even2", *flags]].sum()
    n = g.size().reindex(sums.index).to_numpy(dtype=float)
    mixed = (g["points"].min() != g["points"].max()).reindex(sums.index).to_numpy()
    x = np.where(mixed, sums["even"], sums["raw"])
    x2 = np.where(mixed, sums["even2"], sums["raw2"])
    mean = x / n
    var = (x2 - n * mean**2) / np.where(n > 1, n - 1, np.nan)
    out = pd.DataFrame(index=sums.index)
    if respondents:
        out["n"] = distinct_counts(df, keys, "respondent_id").reindex(sums.index)
        out["n_answers"] = n.astype(int)
    else:
        out["n"] = n.astype(int)
    out["mean"] = mean
    out["sd"] = np.sqrt(np.clip(var, 0, None))
    for kind in flags:
        out[f"pct_{kind}"] = 100 * sums[kind].to_numpy() / n
    out["n"] = out["n"].astype("Int64")
    return out.reset_index()


def describe_scales(
    instrument: Instrument, *, spell: Callable[[str], str] = str
) -> tuple[str, str]:
    """The Methods paragraph on the scale(s) as (title, text): labels, what counts as favorable, N/A.

    ``spell`` turns our own words into the reader's spelling (a report passes its locale's); it is
    applied to the sentences before the instrument's scale labels are put in, never to them.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> title, text = describe_scales(load_instrument("engagement"))
    >>> title, text.startswith("5-point agreement")
    ('Scale', True)
    >>> british = lambda words: words.replace("Favorable", "Favourable")
    >>> describe_scales(load_instrument("engagement"), spell=british)[1][70:104]
    'Favourable = Agree, Strongly agree'
    """
    label = ", ".join
    scales = [
        instrument.scales.get(n, instrument.scale) for n in dict.fromkeys(instrument.items["scale"])
    ]
    scales = scales or [instrument.scale]
    if len(scales) == 1:
        s = scales[0]
        return "Scale", spell(
            "{points}-point {kind} scale ({first} = 1 … {last} = {points}). Favorable = {fav}; "
            "neutral = {neutral}; unfavorable = {unfav}. Percentages are over answered items; "
            "reverse-worded statements are flipped before scoring. N/A ({na}) and blanks are not "
            "scores."
        ).format(
            points=s.points,
            kind=s.title or spell("agreement"),
            first=s.labels[0],
            last=s.labels[-1],
            fav=label(s.labels[v - 1] for v in s.favorable),
            neutral=label(s.labels[v - 1] for v in s.neutral) or spell("none"),
            unfav=label(s.labels[v - 1] for v in s.unfavorable),
            na=label(s.na_labels) or spell("none"),
        )
    parts = []
    for s in scales:
        n = int((instrument.items["scale"] == s.name).sum())
        parts.append(
            spell(
                "{n} statement{plural} on a {points}-point {kind} ({first} = 1 … {last} = "
                "{points}): favorable = {top} ({fav}), unfavorable = {unfav}"
            ).format(
                n=n,
                plural="s" if n != 1 else "",
                points=s.points,
                kind=s.title or spell("scale"),
                first=s.labels[0],
                last=s.labels[-1],
                top=s.top(),
                fav=label(s.labels[v - 1] for v in s.favorable),
                unfav=label(s.labels[v - 1] for v in s.unfavorable),
            )
        )
    na = sorted({x for s in scales for x in s.na_labels})
    return "Scales", spell(
        "The statements use {k} scales: {parts}. Each statement is scored on its own scale, "
        "reverse-worded statements flipped within it; percentages are over answered items. Means "
        "of an area or index that mixes scales are taken after putting every answer on the "
        "1–{points} range (linearly). N/A ({na}) and blanks are not scores."
    ).format(
        k=len(scales),
        parts="; ".join(parts),
        points=instrument.scale.points,
        na=label(na) or spell("none"),
    )


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
    out["prev_wave"] = out["prev_wave"].astype("string")  # whatever the key types merged were
    out["change_pct_favorable"] = shown(out["pct_favorable"]) - shown(out["prev_pct_favorable"])
    return out
