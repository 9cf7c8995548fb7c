"""Primary and complementary suppression: the rules that decide which figures may be shown.

- **Primary suppression.** A group with fewer than ``min_n`` respondents shows no figure.
- **Complementary suppression.** Where published figures add up (departments to the district,
  rater groups to their department, items to their dimension), a hidden cell must not be
  recoverable by subtraction: in every such margin the hidden cells are none, or at least two whose
  n adds up to at least ``min_n`` — otherwise the next-smallest cell is hidden too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

#: Columns that carry a figure about a group; all are emptied when the group is suppressed.
FIGURE_COLUMNS = (
    "n",
    "n_answers",
    "mean",
    "sd",
    "pct_favorable",
    "pct_neutral",
    "pct_unfavorable",
    "invited",
    "response_rate",
)
MIN_N_FLOOR = 3
DISTRICT = "District"


def not_shown_reason(min_n: int) -> str:
    """Why a figure is not shown, the same words everywhere: it never tells which rule applied
    (a small group, or a large one hidden so a smaller one cannot be worked out).

    >>> not_shown_reason(5)
    'fewer than 5 answers, or hidden so that a smaller group cannot be worked out'
    """
    return f"fewer than {min_n} answers, or hidden so that a smaller group cannot be worked out"


def check_min_n(min_n: int) -> int:
    """The configured minimum n, refusing anything below the floor of 3."""
    if min_n < MIN_N_FLOOR:
        raise ValueError(f"min_n must be at least {MIN_N_FLOOR}, got {min_n}")
    return min_n


def mask_rows(table: pd.DataFrame, hide: pd.Series) -> pd.DataFrame:
    """Set ``suppressed`` where ``hide`` is true (keeping earlier marks) and empty the figures."""
    out = table.copy()
    hide = hide.reindex(out.index).fillna(False).astype(bool)
    if "suppressed" in out.columns:
        hide = hide | out["suppressed"].fillna(True).astype(bool)
    out["suppressed"] = hide
    for col in FIGURE_COLUMNS:
        if col in out.columns:
            if col in ("n", "n_answers"):
                out[col] = out[col].astype("Int64").mask(hide)
            else:
                out[col] = out[col].astype(float).mask(hide)
    return out


def suppress_small_groups(
    table: pd.DataFrame, *, min_n: int = 5, n_column: str = "n"
) -> pd.DataFrame:
    """Mark rows with fewer than ``min_n`` respondents as suppressed and empty their figures.

    >>> t = pd.DataFrame({"department": ["HR", "IT"], "n": [12, 3], "mean": [4.1, 2.0]})
    >>> suppress_small_groups(t, min_n=5)[["n", "mean", "suppressed"]].to_dict("list")
    {'n': [12, None], 'mean': [4.1, nan], 'suppressed': [False, True]}
    """
    check_min_n(min_n)
    small = table[n_column].isna() | (table[n_column] < min_n)
    return mask_rows(table.drop(columns=["suppressed"], errors="ignore"), small)


@dataclass(frozen=True)
class Margin:
    """``total`` = sum of ``parts`` + ``rest`` (respondents in no published part: no role given).

    ``total`` is ``None`` when the total is not published anywhere (the margin reveals nothing).
    ``rest_profile`` is the rest's answer profile (see ``complementary_cells``), when known.
    """

    total: Hashable | None
    parts: tuple[Hashable, ...]
    rest: int = 0
    rest_profile: tuple = ()


def _uniform(profile: Sequence[float]) -> bool:
    """Whether a pooled answer profile (answers, favorable, unfavorable, sum, sum of squares) tells
    every member's answer: all favorable, none favorable, all unfavorable, or all the same score."""
    answers, fav, unfav, total, squares = profile
    if answers <= 0.5:
        return False
    eps = 1e-6 * answers
    variance = squares / answers - (total / answers) ** 2
    return fav < eps or fav > answers - eps or unfav > answers - eps or variance < 1e-9


def complementary_cells(
    n: Mapping[Hashable, float],
    hidden: Iterable[Hashable],
    margins: Sequence[Margin],
    *,
    min_n: int = 5,
    size: Mapping[Hashable, float] | None = None,
    links: Mapping[Hashable, Sequence[Hashable]] | None = None,
    profile: Mapping[Hashable, Sequence[float]] | None = None,
    label: Callable[[Hashable], Hashable] | None = None,
) -> set:
    """Every cell to hide: ``hidden`` plus what each margin needs so nothing is recoverable.

    A margin is safe when its hidden terms (hidden parts, the ``rest``, the total) are none, or
    when the total is published and at least two parts are hidden whose n adds to ``min_n`` or
    more and whose pooled answers are not unanimous (``profile``: answers, favorable, unfavorable,
    sum and sum of squares of scores per cell), or when the total is hidden with at least one
    part. Otherwise the smallest published part (by ``size``, then n) is hidden too; with no part
    left, the total. Empty cells (n 0) are hidden but need no protection. ``links`` hides
    dependent cells with a cell (a department's items with its respondent count). Ties go by the
    cell's ``str`` (of ``label(cell)`` when given: numbered cells keep their names' order).
    Repeats until every margin is safe.

    >>> n = {"district": 30, "a": 3, "b": 12, "c": 15}
    >>> sorted(complementary_cells(n, {"a"}, [Margin("district", ("a", "b", "c"))]))
    ['a', 'b']
    """
    check_min_n(min_n)
    size = size or {}
    links = links or {}
    profile = profile or {}
    hidden = set(hidden)

    def key(c):
        return (size.get(c, n.get(c, 0)), n.get(c, 0), str(label(c) if label else c))

    def unanimous(m: Margin, parts: list) -> bool:
        if not all(p in profile for p in parts) or (m.rest and not m.rest_profile):
            return False
        pooled = [sum(x) for x in zip(*(profile[p] for p in parts), strict=True)] or [0] * 5
        if m.rest_profile:
            pooled = [a + b for a, b in zip(pooled, m.rest_profile, strict=True)]
        return _uniform(pooled)

    # Each pass: the links of the cells hidden since the last pass (not of every hidden cell
    # again), then every margin in order. A margin whose cells kept their state since it was last
    # found safe is safe still, so only margins touched by a newly hidden cell are checked again
    # (the same cells end hidden as checking them all).
    touching = defaultdict(list)
    for i, m in enumerate(margins):
        for c in m.parts:
            touching[c].append(i)
        touching[m.total].append(i)
    dirty = set(range(len(margins)))
    unlinked = list(hidden)  # hidden cells whose links are not hidden yet

    def add(cell) -> None:
        hidden.add(cell)
        unlinked.append(cell)
        dirty.update(touching.get(cell, ()))

    changed = True
    while changed:
        changed = False
        batch = unlinked.copy()  # cells a link hides now wait for the next pass, as before
        unlinked.clear()
        for cell in batch:
            for dep in links.get(cell, ()):
                if dep not in hidden:
                    add(dep)
                    changed = True
        for i, m in enumerate(margins):
            if i not in dirty:
                continue
            dirty.discard(i)
            if not m.parts:
                continue
            hidden_parts = [p for p in m.parts if p in hidden and n.get(p, 0) > 0]
            terms = len(hidden_parts) + (m.rest > 0)
            total_hidden = m.total is None or m.total in hidden
            if total_hidden:
                safe = m.total is None or terms > 0
            else:
                pooled = sum(n.get(p, 0) for p in hidden_parts) + m.rest
                safe = (
                    terms == 0
                    or (not hidden_parts and m.rest >= min_n)
                    or (terms >= 2 and pooled >= min_n and not unanimous(m, hidden_parts))
                )
            if safe:
                continue
            shown = sorted((p for p in m.parts if p not in hidden), key=key)
            nxt = shown[0] if shown else m.total
            if nxt not in hidden:
                add(nxt)
                changed = True
    return hidden
