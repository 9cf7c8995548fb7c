"""The explorer's precomputed cube and the privacy guard every explorer view goes through.

``build_cube()`` reads the respondent rows once and keeps only counts: answers per wave x
department x role x site x item x score, and distinct respondents per wave x department x role x
site (x dimension, x item). Afterwards a widget change is a few array slices and sums, never a pass
over respondent rows, so a view redraws in milliseconds even for a 200,000-respondent district.

Privacy (``Cube.visible``): a cell is shown only when it has at least ``min_n`` respondents AND it
stays shown under complementary suppression in every partition the analyst could subtract it
from: the departments (with the same role / site), the roles within its department (and site),
the sites within its department (and role). So ``total - visible groups`` never isolates a group
below ``min_n``, whatever combination of widgets is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..contracts.instrument import Instrument
from ..contracts.labels import statement_label
from ..contracts.waves import wave_order
from ..privacy.redact import redact_comments
from ..privacy.suppress import check_min_n

NOT_GIVEN = "(not given)"
EACH = slice(None)  # "one entry per member" for Cube.counts / Cube.visible


@dataclass(frozen=True)
class Axis:
    """The cube's last axis: one slot per code of every scale its items use (one scale: the
    codes 1..points themselves). ``values`` is each slot's code; the other fields list slots."""

    values: np.ndarray
    favorable: list[int]
    neutral: list[int]
    unfavorable: list[int]

    @classmethod
    def of(cls, scales: list) -> Axis:
        """Slots for ``scales`` side by side.

        >>> from districtsurvey.contracts.instrument import Scale
        >>> a = Axis.of([Scale(4, tuple("abcd"), (3, 4), (), (1, 2)),
        ...              Scale(5, tuple("abcde"), (4, 5), (3,), (1, 2))])
        >>> a.values.tolist(), a.favorable, a.neutral
        ([1, 2, 3, 4, 1, 2, 3, 4, 5], [2, 3, 7, 8], [6])
        """
        values, kinds, offset = [], {"favorable": [], "neutral": [], "unfavorable": []}, 0
        for s in scales:
            values += range(1, s.points + 1)
            for kind, slots in kinds.items():
                slots += [offset + c - 1 for c in getattr(s, kind)]
            offset += s.points
        return cls(np.array(values), **kinds)


def scale_axis(cube) -> Axis:
    """The answer axis of a cube (built from the instrument's one scale for a bare object)."""
    axis = getattr(cube, "axis", None)
    return axis if axis is not None else Axis.of([cube.instrument.scale])


def protect(
    counts: np.ndarray, min_n: int, *, axis: int = 0, combine: str = "sum", hidden=None
) -> np.ndarray:
    """Cells to hide along axis 0 (the members of a partition), complementary suppression included.

    A member with 1..min_n-1 respondents is hidden; while the hidden members of a column pool to
    fewer than ``min_n`` (``combine="sum"``; ``"max"`` when members can share respondents, a safe
    lower bound), the smallest shown member is hidden too: ``total - shown`` reveals no small group.

    >>> protect(np.array([40, 20, 3]), 5).tolist()      # 3 alone is small: 20 goes with it
    [False, True, True]
    >>> protect(np.array([40, 20, 3, 4]), 5).tolist()   # 3 + 4 = 7 pooled: safe
    [False, False, True, True]
    >>> protect(np.array([[9, 0], [2, 0]]), 5).tolist() # a member with nobody is not a group
    [[True, False], [True, False]]
    """
    c = np.moveaxis(np.asarray(counts), axis, 0)
    shape = c.shape
    c = c.reshape(shape[0], -1).astype(np.int64)
    hide = (c > 0) & (c < min_n)
    if hidden is not None:
        hide |= np.moveaxis(np.asarray(hidden, bool), axis, 0).reshape(c.shape) & (c > 0)
    for _ in range(shape[0]):
        hidden = np.where(hide, c, 0)
        pooled = hidden.sum(0) if combine == "sum" else hidden.max(0)
        need = (pooled > 0) & (pooled < min_n)
        candidates = np.where(~hide & (c > 0), c, np.iinfo(np.int64).max)
        cols = np.nonzero(need & (candidates.min(0) < np.iinfo(np.int64).max))[0]
        if cols.size == 0:
            break
        hide[candidates[:, cols].argmin(0), cols] = True
    return np.moveaxis(hide.reshape(shape), 0, axis)


def _codes(column: pd.Series, order: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Integer codes and their labels (sorted, or ``order``); missing becomes ``(not given)``."""
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    names = np.array([str(x) for x in cat.cat.categories] + [NOT_GIVEN], dtype=object)
    raw = cat.cat.codes.to_numpy(np.int64)  # -1 (missing) indexes NOT_GIVEN
    present = np.unique(raw)
    labels = list(order) if order is not None else sorted(names[present])
    lookup = np.full(len(names), -1, np.int64)
    where = {name: j for j, name in enumerate(labels)}
    for j in present:
        lookup[j] = where.get(names[j], -1)
    return lookup[raw], labels


def _count(shape: tuple[int, ...], *index: np.ndarray) -> np.ndarray:
    flat = np.ravel_multi_index(index, shape[: len(index)])
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.int32)


def _first(*keys: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    """Row positions of the first occurrence of each distinct combination of ``keys``."""
    key = np.ravel_multi_index(keys, dims)
    return np.unique(key, return_index=True)[1]


@dataclass
class Cube:
    """Counts of one survey; ``n_*`` arrays have a last department slot for the whole district."""

    instrument: Instrument
    waves: list[str]
    departments: list[str]
    roles: list[str]
    sites: list[str]
    items: list[str]
    dimensions: list[str]
    answers: np.ndarray  # (W, D, R, S, I, P) answers by score, reverse items flipped
    n_group: np.ndarray  # (W, D+1, R, S, 1) distinct respondents
    n_dim: np.ndarray  # (W, D+1, R, S, K)
    n_item: np.ndarray  # (W, D+1, R, S, I)
    additive: bool  # every respondent rated one department per wave (respondents add up)
    min_n: int = 5
    comment_min_n: int = 10
    comments: pd.DataFrame = field(default_factory=pd.DataFrame)  # report-safe already
    source: str = ""
    axis: Axis | None = None  # the answer slots (several scales side by side)

    @property
    def district(self) -> int:
        """The department slot holding the whole district."""
        return len(self.departments)

    @cached_property
    def item_dimension(self) -> np.ndarray:
        """Position of each item's dimension."""
        dims = self.instrument.items.set_index("id")["dimension"]
        return np.array([self.dimensions.index(dims[i]) for i in self.items])

    @cached_property
    def item_labels(self) -> list[str]:
        """Statement labels (a reverse-worded one says its favorable share is who disagree);
        when the items mix scales each says its length, e.g. "(4-point)"."""
        ins = self.instrument
        labels = [statement_label(ins, i) for i in self.items]
        if not ins.mixed_scales:
            return labels
        return [
            f"{t} ({ins.scale_of(i).points}-point)" for t, i in zip(labels, self.items, strict=True)
        ]

    @cached_property
    def item_labels_by_id(self) -> dict[str, str]:
        return dict(zip(self.items, self.item_labels, strict=True))

    @cached_property
    def dimension_labels(self) -> list[str]:
        return [self.instrument.dimension_label(k) for k in self.dimensions]

    def index(self, kind: str, value: str | None) -> int | None:
        """Position of a wave / department / role / site / item / dimension; None for 'all'."""
        if value is None:
            return None
        labels = {
            "wave": self.waves,
            "department": self.departments,
            "role": self.roles,
            "site": self.sites,
            "item": self.items,
            "dimension": self.dimensions,
        }[kind]
        if value not in labels:
            raise KeyError(f"unknown {kind} '{value}'; known: {', '.join(labels)}")
        return labels.index(value)

    def counts(self, n: np.ndarray, w: int, d, r, s) -> np.ndarray:
        """Respondents per key (last axis). ``d``, ``r``, ``s``: a position, ``None`` (pooled:
        all roles / sites; for ``d`` use ``district``) or ``EACH`` (keep one entry per member)."""
        x = n[w]
        x = x.sum(1, keepdims=True) if r is None else x
        x = x.sum(2, keepdims=True) if s is None else x
        return (
            x[d, 0 if r is None else r][..., 0 if s is None else s, :]
            if d is not EACH
            else x[:, 0 if r is None else r][..., 0 if s is None else s, :]
        )

    def visible(self, n: np.ndarray, w: int, d, r, s) -> np.ndarray:
        """Which keys may be shown (same arguments and shape as ``counts``)."""
        x = n[w]
        x = x.sum(1, keepdims=True) if r is None else x
        x = x.sum(2, keepdims=True) if s is None else x  # departments+1 x roles x sites x keys
        y = x if d is EACH else x[[d]]
        ok = y >= self.min_n
        if r is not None:  # roles within the department (and site)
            ok &= ~protect(y, self.min_n, axis=1)
        if s is not None:  # sites within the department (and role)
            ok &= ~protect(y, self.min_n, axis=2)
        if d is EACH or d != self.district:  # departments (with the same role and site)
            combine = "sum" if self.additive else "max"  # max: a safe lower bound when shared
            hide = protect(x[: self.district], self.min_n, combine=combine)
            if d is EACH:
                ok[: self.district] &= ~hide
            else:
                ok &= ~hide[[d]]
        ok = ok[:, 0 if r is None else r][..., 0 if s is None else s, :]
        return ok if d is EACH else ok[0]

    def pooled(
        self, n: np.ndarray, w: int, depts: list[int], r, s
    ) -> tuple[np.ndarray, np.ndarray]:
        """Respondents and visibility for several departments pooled (each must be showable)."""
        if len(depts) == 1:
            return self.counts(n, w, depts[0], r, s), self.visible(n, w, depts[0], r, s)
        ns = self.counts(n, w, EACH, r, s)[depts]
        oks = self.visible(n, w, EACH, r, s)[depts]
        total = ns.sum(0) if self.additive else ns.max(0)  # max: a safe lower bound
        return total, (oks | (ns == 0)).all(0) & (ns > 0).any(0)

    def distribution(self, w: int, depts: list[int], r, s) -> np.ndarray:
        """Answers per item x score for the selection (departments pooled; ``EACH`` keeps roles
        or sites as a leading axis)."""
        a = self.answers[w]
        a = a.sum(0) if depts == [self.district] else a[depts].sum(0)
        a = a.sum(0, keepdims=True) if r is None else a
        a = a.sum(1, keepdims=True) if s is None else a
        return a[0 if r is None else r][..., 0 if s is None else s, :, :]


def build_cube(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    comments: pd.DataFrame | None = None,
    min_n: int = 5,
    comment_min_n: int = 10,
    source: str = "",
    waves: list[str] | None = None,
) -> Cube:
    """Count a tidy responses frame once (see DESIGN.md for the columns).

    ``waves`` is their order in time (a run's ``waves:``); by default it is read from the names
    (``contracts.waves.wave_order``), which raises when it cannot be.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ins = load_instrument("support_services")
    >>> df = pd.DataFrame({"respondent_id": list("abcdef"), "wave": "2026-fall",
    ...     "department": ["HR"] * 6, "role": ["Teacher"] * 5 + ["Principal"],
    ...     "site": "Oak Hill", "item": "ss_timely_response", "value": [5, 4, 3, 2, 4, 5]})
    >>> cube = build_cube(df, ins)
    >>> int(cube.n_group[0, 0].sum()), cube.roles
    (6, ['Principal', 'Teacher'])
    """
    check_min_n(min_n)
    df = responses[responses["value"].notna()]
    w, found = _codes(df["wave"])
    waves = wave_order(found, order=waves, where=source or "waves")
    w = np.array([waves.index(x) for x in found])[w]
    d, departments = _codes(df["department"])
    none = pd.Series(pd.NA, index=df.index, dtype="string")
    r, roles = _codes(df["role"] if "role" in df else none)
    s, sites = _codes(df["site"] if "site" in df else none)
    i, found = _codes(df["item"])
    items = [x for x in instrument.item_ids if x in found]
    i, keep = np.array([items.index(x) if x in items else -1 for x in found])[i], None
    if (i < 0).any():  # answers to items the instrument does not know are not scored
        keep = i >= 0
        w, d, r, s, i = (a[keep] for a in (w, d, r, s, i))
    reverse = instrument.items.set_index("id")["reverse"].reindex(items).to_numpy(bool)
    scales = [instrument.scale_of(x) for x in items]
    used = list({s.name: s for s in scales}.values()) or [instrument.scale]
    offsets = dict(
        zip([s.name for s in used], np.cumsum([0] + [s.points for s in used]), strict=False)
    )
    start = np.array([offsets[s.name] for s in scales], dtype=np.int64)
    length = np.array([s.points for s in scales], dtype=np.int64)
    axis = Axis.of(used)
    points = len(axis.values)
    value = df["value"].to_numpy(dtype=np.int64)
    who = pd.factorize(df["respondent_id"])[0].astype(np.int64)
    if keep is not None:
        value, who = value[keep], who[keep]
    p = start[i] + np.where(reverse[i], length[i] - value, value - 1) if len(items) else value - 1
    of_item = instrument.items.set_index("id").loc[items, "dimension"].tolist()
    dims = [x for x in instrument.dimensions["id"] if x in of_item]
    k = np.array([dims.index(x) for x in of_item])[i]
    W, D, R, S = len(waves), len(departments), len(roles), len(sites)
    I, K, N = len(items), len(dims), int(who.max()) + 1  # noqa: E741

    answers = _count((W, D, R, S, I, points), w, d, r, s, i, p)
    n_item = np.zeros((W, D + 1, R, S, I), np.int32)
    n_item[:, :D] = answers.sum(-1)  # one answer per respondent, department, wave and item
    f = _first(who, w, i, dims=(N, W, I))
    n_item[:, D] = _count((W, R, S, I), w[f], r[f], s[f], i[f])
    n_dim = np.zeros((W, D + 1, R, S, K), np.int32)
    f = _first(who, w, d, k, dims=(N, W, D, K))
    n_dim[:, :D] = _count((W, D, R, S, K), w[f], d[f], r[f], s[f], k[f])
    f = _first(who, w, k, dims=(N, W, K))
    n_dim[:, D] = _count((W, R, S, K), w[f], r[f], s[f], k[f])
    n_group = np.zeros((W, D + 1, R, S, 1), np.int32)
    f = _first(who, w, d, dims=(N, W, D))
    n_group[:, :D, ..., 0] = _count((W, D, R, S), w[f], d[f], r[f], s[f])
    fw = _first(who, w, dims=(N, W))
    n_group[:, D, ..., 0] = _count((W, R, S), w[fw], r[fw], s[fw])
    additive = len(f) == len(fw)

    safe = pd.DataFrame(columns=["survey", "wave", "department", "question", "text"])
    if comments is not None and len(comments):
        per = n_group[:, :D, ..., 0].sum((2, 3))
        counts = pd.DataFrame(
            [
                (dep, wave, int(per[a, b]))
                for a, wave in enumerate(waves)
                for b, dep in enumerate(departments)
            ],
            columns=["department", "wave", "n"],
        )
        safe = redact_comments(
            comments.astype({"department": "string", "wave": "string"}),
            recognition_questions=instrument.recognition_questions,
            respondents=counts.astype({"department": "string", "wave": "string"}),
            comment_min_n=comment_min_n,
        )
    return Cube(
        instrument,
        waves,
        departments,
        roles,
        sites,
        items,
        dims,
        answers,
        n_group,
        n_dim,
        n_item,
        additive,
        min_n=min_n,
        comment_min_n=comment_min_n,
        comments=safe,
        source=source,
        axis=axis,
    )
