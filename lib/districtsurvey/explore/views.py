"""What the explorer shows for one combination of widgets: report-safe tables from the cube.

``compute_view(cube, query)`` is pure (no widgets), so tests set a query from Python and assert on
the tables. A refused combination returns a ``View`` whose ``message`` says why and whose tables
are empty; every row of every table has already been through ``Cube.visible`` (min n and
complementary suppression), so suppressed rows carry no figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..analysis.scoring import shown as whole
from ..analysis.stats import wilson_interval
from ..contracts.waves import full_waves, is_pulse
from .cube import EACH, Cube, protect, scale_axis

ALL_DEPARTMENTS = "All departments"
FIGURES = ["n", "mean", "pct_favorable", "pct_neutral", "pct_unfavorable", "low", "high"]


@dataclass(frozen=True)
class Query:
    """One combination of widget values; ``None`` / ``()`` means all."""

    wave: str
    compare: str | None = None
    departments: tuple[str, ...] = ()
    role: str | None = None
    site: str | None = None
    dimension: str | None = None
    item: str | None = None
    breakdown: str = "role"

    def describe(self) -> str:
        parts = [", ".join(self.departments) or ALL_DEPARTMENTS]
        parts += [v for v in (self.role, self.site) if v]
        return " × ".join(parts) + f" × {self.wave}"


@dataclass
class View:
    query: Query
    message: str = ""  # why the combination is refused; empty when shown
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    heatmap: pd.DataFrame = field(default_factory=pd.DataFrame)  # department x dimension, % fav
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)
    comments: pd.DataFrame = field(default_factory=pd.DataFrame)
    focus: str = ""  # what trend and breakdown are about
    n: int | None = None  # respondents of the selection (None when refused)
    note: str = ""


def figures(dist: np.ndarray, cube: Cube) -> dict[str, np.ndarray]:
    """n, mean, percentages and the 95% Wilson interval of % favorable from answers x score.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> cube = type("C", (), {"instrument": load_instrument("engagement")})()
    >>> f = figures(np.array([[0, 1, 1, 2, 1]]), cube)  # answers 2, 3, 4, 4, 5
    >>> float(f["mean"][0]), float(f["pct_favorable"][0])
    (3.6, 60.0)
    """
    axis = scale_axis(cube)  # one slot per code of each scale (items may mix scales)
    dist = np.atleast_2d(dist).astype(float)
    n = dist.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = dist @ axis.values / n
        pct = {
            name: 100 * dist[:, slots].sum(1) / n if slots else 0 * n
            for name, slots in (
                ("pct_favorable", axis.favorable),
                ("pct_neutral", axis.neutral),
                ("pct_unfavorable", axis.unfavorable),
            )
        }
    fav = dist[:, axis.favorable].sum(1)
    low, high = wilson_interval(fav, n)
    return {"n": n, "mean": mean, **pct, "low": np.atleast_1d(low), "high": np.atleast_1d(high)}


def _blank(table: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    table["suppressed"] = hidden
    for col in FIGURES:
        if col in table:
            table[col] = table[col].astype(float).mask(hidden)
    table["n"] = table["n"].astype("Int64")
    return table


def _where(cube: Cube, q: Query, wave: str):
    w = cube.index("wave", wave)
    depts = [cube.index("department", d) for d in q.departments] or [cube.district]
    return w, depts, cube.index("role", q.role), cube.index("site", q.site)


def refusal(cube: Cube, q: Query, wave: str | None = None) -> str:
    """Why a combination may not be shown ('' when it may); the combination is checked whole."""
    w, depts, r, s = _where(cube, q, wave or q.wave)
    n, ok = cube.pooled(cube.n_group, w, depts, r, s)
    if ok[0]:
        return ""
    label = replace(q, wave=wave or q.wave).describe()
    if n[0] < cube.min_n:
        return (
            f"Not shown: {label} has fewer than {cube.min_n} respondents. "
            "Choose a wider group (fewer filters)."
        )
    return (
        f"Not shown: {label} would let a group of fewer than {cube.min_n} respondents be "
        "worked out by subtraction from groups already shown (complementary suppression). "
        "Choose a wider group (fewer filters)."
    )


def _focus(cube: Cube, q: Query) -> tuple[np.ndarray, np.ndarray | None, str]:
    """The counts trend and breakdown use: the item, the dimension, or all items."""
    if q.item:
        i = cube.index("item", q.item)
        return cube.n_item[..., [i]], np.eye(len(cube.items))[i], cube.item_labels[i]
    if q.dimension:
        k = cube.index("dimension", q.dimension)
        return (
            cube.n_dim[..., [k]],
            (cube.item_dimension == k).astype(float),
            cube.instrument.dimension_label(q.dimension),
        )
    return cube.n_group, None, "All items"


def _pct_fav(cube: Cube, dist: np.ndarray, weights: np.ndarray | None) -> float:
    pooled = dist.sum(0) if weights is None else weights @ dist
    return float(figures(pooled, cube)["pct_favorable"][0])


def item_table(cube: Cube, q: Query, wave: str) -> pd.DataFrame:
    """Every item of the selection; hidden: small, protecting a small group in a partition, or
    recoverable from its dimension (or from all items) minus the items shown."""
    w, depts, r, s = _where(cube, q, wave)
    n, ok = cube.pooled(cube.n_item, w, depts, r, s)
    hide = ~ok | (n == 0)
    for k in range(len(cube.dimensions)):  # items -> their dimension
        members = cube.item_dimension == k
        hide[members] = protect(n[members], cube.min_n, combine="max", hidden=hide[members])
    hide = protect(n, cube.min_n, combine="max", hidden=hide)  # items -> all items
    # "max": the answers of hidden items may come from the same people, a safe lower bound
    table = pd.DataFrame({"item": cube.items, **figures(cube.distribution(w, depts, r, s), cube)})
    table["n"] = table["n"].astype(int)
    return _blank(table, hide | (n == 0))


def heatmap(cube: Cube, q: Query) -> pd.DataFrame:
    """% favorable per department x dimension for the wave, role and site (each cell checked)."""
    w, _, r, s = _where(cube, q, q.wave)
    a = cube.answers[w]
    a = a.sum(1) if r is None else a[:, r]
    a = a.sum(1) if s is None else a[:, s]  # departments x items x score
    member = np.eye(len(cube.dimensions))[cube.item_dimension]  # items x dimensions
    by_dim = np.einsum("dip,ik->dkp", a, member)
    fav = scale_axis(cube).favorable
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100 * by_dim[..., fav].sum(-1) / by_dim.sum(-1)
        district = 100 * by_dim.sum(0)[:, fav].sum(-1) / by_dim.sum(0).sum(-1)
    shown = cube.visible(cube.n_dim, w, EACH, r, s)
    n = cube.counts(cube.n_dim, w, EACH, r, s)  # dimensions -> all items, per department
    shown &= ~protect(n, cube.min_n, axis=1, combine="max", hidden=~shown)
    values = np.vstack([pct, district]).astype(float)
    values[~shown] = np.nan
    return pd.DataFrame(
        values, index=[*cube.departments, ALL_DEPARTMENTS], columns=cube.dimension_labels
    )


def trend(cube: Cube, q: Query) -> pd.DataFrame:
    """% favorable of the focus per full round (a pulse asks a few statements of another sample:
    it is chosen as a wave of its own, never drawn as a point of the trend)."""
    n_focus, weights, _ = _focus(cube, q)
    rows = []
    for wave in full_waves(cube.waves):
        w, depts, r, s = _where(cube, q, wave)
        _, ok = cube.pooled(n_focus, w, depts, r, s)
        ok_district = cube.visible(n_focus, w, cube.district, None, None)
        dist = cube.distribution(w, depts, r, s)
        rows.append(
            {
                "wave": wave,
                "pct_favorable": _pct_fav(cube, dist, weights) if ok[0] else np.nan,
                "district_pct_favorable": _pct_fav(
                    cube, cube.distribution(w, [cube.district], None, None), weights
                )
                if ok_district[0]
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


def across_kinds(q: Query) -> bool:
    """Whether ``q`` compares a pulse wave with a full round: not the same sample (a shorter
    survey answered by whoever took it), so the explorer shows both figures and no change.

    >>> across_kinds(Query(wave="2026-fall", compare="2026-09-pulse"))
    True
    """
    return bool(q.compare) and q.compare != q.wave and is_pulse(q.wave) != is_pulse(q.compare)


def breakdown(cube: Cube, q: Query) -> pd.DataFrame:
    """% favorable of the focus per role (or site) within the selection, now and in ``compare``.

    Each row is checked exactly as if that role (or site) had been chosen in its dropdown.
    """
    n_focus, weights, _ = _focus(cube, q)
    groups = cube.roles if q.breakdown == "role" else cube.sites
    table = pd.DataFrame({"group": groups})
    for key, wave in (("", q.wave), ("prev_", q.compare)):
        if wave is None:
            continue
        w, depts, r, s = _where(cube, replace(q, role=None, site=None), wave)
        r, s = (
            (EACH, cube.index("site", q.site))
            if q.breakdown == "role"
            else (cube.index("role", q.role), EACH)
        )
        n, ok = cube.pooled(n_focus, w, depts, r, s)
        dist = cube.distribution(w, depts, r, s)  # groups x items x score
        pooled = dist.sum(1) if weights is None else np.einsum("gip,i->gp", dist, weights)
        shown = ok[:, 0] & (n[:, 0] > 0)
        table[f"{key}n"] = pd.array(np.where(shown, n[:, 0], 0), dtype="Int64")
        table[f"{key}n"] = table[f"{key}n"].mask(~shown)
        table[f"{key}pct_favorable"] = np.where(
            shown, figures(pooled, cube)["pct_favorable"], np.nan
        )
        if not key:
            table["suppressed"] = ~shown
            present = n[:, 0] > 0
    if q.compare:
        table["change"] = whole(table["pct_favorable"]) - whole(table["prev_pct_favorable"])
        if across_kinds(q):
            table["change"] = np.nan
    table = table[present]
    return table.sort_values(["suppressed", "pct_favorable"]).reset_index(drop=True)


def compute_view(cube: Cube, q: Query) -> View:
    """Every table of the explorer for one combination of widgets, privacy applied."""
    view = View(q, heatmap=heatmap(cube, q), focus=_focus(cube, q)[2])
    view.message = refusal(cube, q)
    if view.message:
        return view
    w, depts, r, s = _where(cube, q, q.wave)
    view.n = int(cube.pooled(cube.n_group, w, depts, r, s)[0][0])
    items = item_table(cube, q, q.wave)
    items.insert(1, "label", cube.item_labels)
    items.insert(2, "dimension", [cube.dimensions[k] for k in cube.item_dimension])
    if q.compare and q.compare != q.wave and not refusal(cube, q, q.compare):
        before = item_table(cube, q, q.compare)
        items["prev_pct_favorable"] = before["pct_favorable"].to_numpy()
    else:
        items["prev_pct_favorable"] = np.nan
    items["change"] = whole(items["pct_favorable"]) - whole(items["prev_pct_favorable"])
    if across_kinds(q):  # a pulse beside a full round: both figures, no change between them
        items["change"] = np.nan
    if q.dimension:
        items = items[items["dimension"] == q.dimension].reset_index(drop=True)
    view.items = items
    view.trend = trend(cube, q)
    view.breakdown = breakdown(cube, q)
    c = cube.comments
    if len(c):
        c = c[c["wave"] == q.wave]
        if q.departments:
            c = c[c["department"].isin(q.departments)]
        view.comments = c.reset_index(drop=True)
    if q.role or q.site:
        view.note = (
            "Comments are shown for the whole department, never filtered by role or site, "
            "so that no comment can be traced to a small group."
        )
    return view
