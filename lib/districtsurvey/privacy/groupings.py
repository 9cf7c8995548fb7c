"""Every grouping of a table protected at once, so that no output is unsafe beside another.

The ``score`` command can group by any subset of the group columns, in any order, for one wave or
all. Each such output is one level of a lattice: the cells of a level add up, over any of its
columns, to the cells of the level without that column (the district is the level with none).
Protecting each output on its own is not enough — ``--by department`` and ``--by department,role``
together give away a role's hidden cell by subtraction — so the hidden cells are decided once, for
every level together, with the rules of ``suppress.complementary_cells`` (a margin hides none of
its parts, or at least two that together hold ``min_n`` and do not all answer alike, or its
total), and every output shows its level of that one decision.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .suppress import check_min_n


@dataclass
class Lattice:
    """Cells (ids 0..k-1) and the margins between them.

    ``n``: a cell's count (answers of an item, respondents of a group's pooled row); ``size``: the
    respondents of the cell's group (the complement picked is the smallest group first);
    ``profile``: answers, favorable, unfavorable answers, sum and sum of squares of scores;
    ``margins``: (total, parts) with total = sum of parts; ``links``: cells hidden with a cell;
    ``rank``: how much a cell is worth showing (higher: hidden later), e.g. by its grouping.
    """

    n: np.ndarray
    size: np.ndarray
    profile: np.ndarray
    margins: list[tuple[int, np.ndarray]]
    links: dict[int, Sequence[int]]
    rank: np.ndarray | None = None


def _uniform(profile: np.ndarray) -> bool:
    """Whether pooled answers tell every member's answer (all favorable, none, all unfavorable, or
    all the same score) — see ``suppress._uniform``."""
    answers, fav, unfav, total, squares = profile
    if answers <= 0.5:
        return False
    eps = 1e-6 * answers
    variance = squares / answers - (total / answers) ** 2
    return bool(fav < eps or fav > answers - eps or unfav > answers - eps or variance < 1e-9)


def _worth(lattice: Lattice) -> np.ndarray:
    """A cell's rank, raised to that of any cell it equals (a margin with one part: a department
    at one site is the same group at the department and the department x site level)."""
    rank = np.zeros(len(lattice.n)) if lattice.rank is None else lattice.rank.astype(float)
    parent = np.arange(len(rank))

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for total, parts in lattice.margins:
        if len(parts) == 1:
            a, b = root(total), root(int(parts[0]))
            if a != b:
                parent[b] = a
                rank[a] = max(rank[a], rank[b])
    return rank[[root(c) for c in range(len(rank))]]


def hidden_cells(lattice: Lattice, *, min_n: int = 5) -> np.ndarray:
    """Boolean mask of the cells to hide: primary (n under ``min_n``) and every complement the
    margins need. A work list re-checks only the margins of a cell that was just hidden. The
    complement of an unsafe margin is the cell worth least (``rank``, shared by equal cells),
    then the smallest group: one of its shown parts, or its total.

    >>> lat = Lattice(n=np.array([30, 3, 12, 15]), size=np.array([30, 3, 12, 15]),
    ...               profile=np.zeros((4, 5)), margins=[(0, np.array([1, 2, 3]))], links={})
    >>> hidden_cells(lat, min_n=5).tolist()
    [False, True, True, False]
    """
    check_min_n(min_n)
    n, size, worth = lattice.n, lattice.size, _worth(lattice)
    k = len(n)
    hidden = n < min_n
    member: list[list[int]] = [[] for _ in range(k)]
    for m, (total, parts) in enumerate(lattice.margins):
        member[total].append(m)
        for p in parts:
            member[p].append(m)
    queue = deque(range(len(lattice.margins)))
    queued = np.ones(len(lattice.margins), bool)

    def hide(cell: int) -> None:
        stack = [cell]
        while stack:
            c = stack.pop()
            if hidden[c]:
                continue
            hidden[c] = True
            stack.extend(lattice.links.get(c, ()))
            for m in member[c]:
                if not queued[m]:
                    queued[m] = True
                    queue.append(m)

    for c in np.flatnonzero(hidden):  # links of the primary cells
        hidden[c] = False
        hide(int(c))
    while queue:
        m = queue.popleft()
        queued[m] = False
        total, parts = lattice.margins[m]
        hid = parts[hidden[parts] & (n[parts] > 0)]
        if hidden[total]:
            safe = len(hid) > 0
        else:
            pooled = n[hid].sum()
            safe = len(hid) == 0 or (
                len(hid) >= 2 and pooled >= min_n and not _uniform(lattice.profile[hid].sum(axis=0))
            )
        if safe:
            continue
        shown = parts[~hidden[parts]]
        if not hidden[total]:
            shown = np.append(shown, total)
        if len(shown):
            order = np.lexsort((shown, n[shown], size[shown], worth[shown]))
            hide(int(shown[order[0]]))
    return hidden
