"""Statistics for the leader reports: intervals, change tests, drivers, strengths and gains
(the focus rule is ``focus.py``; ``focus_areas`` is re-exported here).

Percentages are on the 0-100 scale throughout; "points" means percentage points.
Functions taking numbers are vectorised: scalars in give floats out, arrays or
Series in give numpy arrays out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special as _sp  # the distributions' functions, without scipy.stats' import

from .focus import focus_areas  # noqa: F401  (the focus rule lives in focus.py)

Num = float | np.ndarray | pd.Series  # scalars in give floats out, arrays give arrays
CHANGE_FLAGS = ("up", "down", "no change", "within noise")  # the labels flag_change returns


def _out(values: np.ndarray) -> float | np.ndarray:
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(_sp.ndtri(0.5 + confidence / 2))  # the normal quantile


def wilson_interval(successes: Num, n: Num, *, confidence: float = 0.95) -> tuple[Num, Num]:
    """Wilson score interval for a proportion, in percent (0-100).

    Vectorised: arrays or Series of counts give two arrays. ``n == 0`` gives NaN.

    >>> lo, hi = wilson_interval(8, 10)
    >>> round(lo, 1), round(hi, 1)
    (49.0, 94.3)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any((x < 0) | (x > n)):
        raise ValueError("successes must lie between 0 and n")
    z2 = _z(confidence) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = np.sqrt(z2) / denom * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2))
    bad = n <= 0
    low = np.where(bad, np.nan, np.clip(centre - half, 0, 1) * 100)
    high = np.where(bad, np.nan, np.clip(centre + half, 0, 1) * 100)
    return _out(low), _out(high)


def mean_interval(mean: Num, sd: Num, n: Num, *, confidence: float = 0.95) -> tuple[Num, Num]:
    """t-based interval for a mean: ``mean ± t(n-1) · sd / √n``, same units as ``mean``.

    Vectorised; ``n < 2`` gives NaN.

    >>> lo, hi = mean_interval(3.0, 1.0, 4)
    >>> round(lo, 3), round(hi, 3)
    (1.409, 4.591)
    """
    _z(confidence)  # validates confidence
    mean, sd, n = (np.asarray(a, dtype=float) for a in (mean, sd, n))
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    half = _sp.stdtrit(df, 0.5 + confidence / 2) * sd / np.sqrt(np.where(ok, n, 1.0))  # t quantile
    return _out(np.where(ok, mean - half, np.nan)), _out(np.where(ok, mean + half, np.nan))


def compare_proportions(p1_pct: Num, n1: Num, p2_pct: Num, n2: Num) -> Num:
    """Two-sided p-value of the pooled two-proportion z-test (percent inputs).

    Vectorised. Any ``n == 0`` gives NaN; two identical 0% or 100% groups give 1.0.

    >>> round(compare_proportions(60, 100, 50, 100), 4)
    0.1552
    """
    p1, n1, p2, n2 = (np.asarray(a, dtype=float) for a in (p1_pct, n1, p2_pct, n2))
    p1, p2 = p1 / 100, p2 / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    pval = 2 * _sp.ndtr(-np.abs(z))  # the normal's upper tail
    return _out(np.where((n1 > 0) & (n2 > 0), pval, np.nan))


def compare_means(m1: Num, sd1: Num, n1: Num, m2: Num, sd2: Num, n2: Num) -> Num:
    """Two-sided p-value of Welch's t-test from summary statistics.

    As ``scipy.stats.ttest_ind_from_stats(equal_var=False)`` (Welch-Satterthwaite degrees of
    freedom; the tests compare the two); vectorised; either ``n < 2`` gives NaN.

    >>> round(compare_means(3.0, 1.0, 30, 3.5, 1.0, 30), 3)
    0.058
    """
    m1, sd1, n1, m2, sd2, n2 = (np.asarray(a, dtype=float) for a in (m1, sd1, n1, m2, sd2, n2))
    ok = (n1 >= 2) & (n2 >= 2)
    n1, n2 = np.where(ok, n1, 2), np.where(ok, n2, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        v1, v2 = sd1**2 / n1, sd2**2 / n2
        t = (m1 - m2) / np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        df = np.where(np.isnan(df), 1.0, df)  # both groups without spread: as scipy does
        pvalue = 2 * _sp.stdtr(df, -np.abs(t))
    return _out(np.where(ok, pvalue, np.nan))


def flag_changes(
    delta_pct_points: Num,
    p_value: Num,
    n: Num,
    *,
    alpha: float = 0.05,
    threshold: float = 5.0,
    small_n: int = 30,
    min_n: int = 5,
) -> pd.Series:
    """Vectorised :func:`flag_change`; returns a Series of labels (index of the first Series given).

    >>> flag_changes(pd.Series([8.0, -6.0, 2.0, 3.0]), [0.01, 0.02, 0.4, 0.5], [99, 99, 99, 12])
    0              up
    1            down
    2       no change
    3    within noise
    dtype: object
    """
    args = (delta_pct_points, p_value, n)
    delta, pval, size = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
    flagged = (pval < alpha) & (np.abs(delta) >= threshold)
    labels = np.select(
        [flagged & (delta > 0), flagged & (delta < 0), (size >= min_n) & (size < small_n)],
        ["up", "down", "within noise"],
        default="no change",
    )
    index = next((a.index for a in args if isinstance(a, pd.Series)), None)
    return pd.Series(labels, index=index, dtype=object)


def flag_change(
    delta_pct_points: float,
    p_value: float,
    n: float,
    *,
    alpha: float = 0.05,
    threshold: float = 5.0,
    small_n: int = 30,
    min_n: int = 5,
) -> str:
    """Plain-language label for a change in percent favorable since the last survey.

    The rule, applied in order:

    1. ``"up"`` / ``"down"``: the two-proportion z-test (:func:`compare_proportions`)
       gives ``p_value < alpha`` AND the change is at least ``threshold`` points.
    2. ``"within noise"``: not flagged and the group has ``min_n <= n < small_n``
       respondents - too few people to tell a real change from chance.
    3. ``"no change"``: everything else (including a NaN p-value).

    ``n`` is the group's current number of respondents.

    >>> flag_change(8.0, 0.01, 200)
    'up'
    >>> flag_change(8.0, 0.20, 12)
    'within noise'
    """
    opts = {"alpha": alpha, "threshold": threshold, "small_n": small_n, "min_n": min_n}
    return str(flag_changes(delta_pct_points, p_value, n, **opts).iloc[0])


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    denom = np.sqrt((dx**2).sum() * (dy**2).sum())
    return float((dx * dy).sum() / denom) if denom > 0 else float("nan")


def key_drivers(wide: pd.DataFrame, outcome: str, *, min_n: int = 3) -> pd.DataFrame:
    """Correlation of every other item with ``outcome`` and its relative importance.

    ``wide`` is respondent × item (NaN = missing). For each item: the pairwise-complete
    Pearson ``r`` with the outcome, ``n`` pairs, and ``importance`` = r² / Σr² over
    items (sums to 1; items with undefined r - fewer than ``min_n`` pairs or no
    variation - get r NaN and importance 0; all 0 if no r is defined).
    Sorted by importance, highest first.

    >>> wide = pd.DataFrame({"overall": [1, 2, 3, 4], "a": [1, 2, 3, 5], "b": [2, 1, 2, 1]})
    >>> key_drivers(wide, "overall").round(3)
      item      r  n  importance
    0    a  0.983  4       0.828
    1    b -0.447  4       0.172
    """
    if outcome not in wide.columns:
        raise KeyError(f"outcome column {outcome!r} not in the wide frame")
    return drivers_of(wide.to_numpy(dtype=float), list(wide.columns), outcome, min_n=min_n)


def drivers_of(values: np.ndarray, columns: list, outcome, *, min_n: int = 3) -> pd.DataFrame:
    """:func:`key_drivers` of a respondent × item array whose columns are labelled ``columns``
    (one array for many departments' rows: no frame per department or per column).

    >>> values = np.array([[1, 1, 2], [2, 2, 1], [3, 3, 2], [4, 5, 1]], dtype=float)
    >>> drivers_of(values, ["overall", "a", "b"], "overall")["item"].tolist()
    ['a', 'b']
    """
    y_all = values[:, columns.index(outcome)]
    rows = []
    for j, item in enumerate(columns):
        if item == outcome:
            continue
        x_all = values[:, j]
        both = ~np.isnan(x_all) & ~np.isnan(y_all)
        n = int(both.sum())
        r = _pearson(x_all[both], y_all[both]) if n >= min_n else float("nan")
        rows.append({"item": item, "r": r, "n": n})
    r = np.array([row["r"] for row in rows], dtype=float)
    r2 = np.where(np.isnan(r), 0.0, r) ** 2
    importance = r2 / r2.sum() if r2.sum() > 0 else np.zeros(len(rows))
    # sorted by importance, then item, in Python: a frame's sort cost more than the correlations
    order = sorted(range(len(rows)), key=lambda i: (-importance[i], rows[i]["item"]))
    out = pd.DataFrame([rows[i] for i in order], columns=["item", "r", "n"])
    out["importance"] = importance[order]
    return out


def _reportable(items: pd.DataFrame, column: str) -> pd.DataFrame:
    keep = items[column].notna()
    if "suppressed" in items.columns:
        keep &= ~items["suppressed"].fillna(False).astype(bool)
    return items[keep]


def strengths(items: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """The ``top`` non-suppressed items with the highest pct_favorable (all columns kept).

    >>> strengths(pd.DataFrame({"item": ["a", "b", "c"], "pct_favorable": [70, 90, 80]}), top=2)
      item  pct_favorable
    0    b             90
    1    c             80
    """
    t = _reportable(items, "pct_favorable")
    t = t.sort_values(["pct_favorable", "item"], ascending=[False, True])
    return t.head(top).reset_index(drop=True)


def biggest_gains(items: pd.DataFrame, *, top: int = 3, threshold: float = 5.0) -> pd.DataFrame:
    """The ``top`` largest rises in ``change_pct_favorable`` of at least ``threshold`` points.

    Suppressed rows are skipped; if a ``change_flag`` column exists (see
    :func:`flag_changes`) only rows flagged ``"up"`` count. All columns kept.

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "change_pct_favorable": [9.0, 2.0, 6.0]})
    >>> biggest_gains(t)["item"].tolist()
    ['a', 'c']
    """
    t = _reportable(items, "change_pct_favorable")
    t = t[t["change_pct_favorable"] >= threshold]
    if "change_flag" in t.columns:
        t = t[t["change_flag"] == "up"]
    t = t.sort_values(["change_pct_favorable", "item"], ascending=[False, True])
    return t.head(top).reset_index(drop=True)


def cronbach_alpha(wide: pd.DataFrame) -> float:
    """Cronbach's alpha of the items (columns), listwise deletion, ddof=1.

    ``k/(k-1) · (1 - Σ var_i / var_total)``; NaN with fewer than 2 items or 2 complete rows.

    >>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 4, 5],
    ...                                    "c": [1, 3, 2, 4]})), 4)
    0.9512
    """
    data = wide.dropna().astype(float)
    k = data.shape[1]
    if k < 2 or len(data) < 2:
        return float("nan")
    var_total = data.sum(axis=1).var(ddof=1)
    if var_total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - data.var(ddof=1).sum() / var_total))
