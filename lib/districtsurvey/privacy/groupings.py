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
    ``rank``: how much a cell is worth showing (higher: hidden later), e.g. by its grouping;
    ``atoms``: answers per category of one or more partitions of a cell's answers (answer
    options; favorable / neutral / unfavorable), ``partitions``: the columns of each, and
    ``favorable`` / ``unfavorable``: per cell, the columns that are (un)favorable answers
    (none: the partition says nothing about favorability, as a pooled row's options).
    """

    n: np.ndarray
    size: np.ndarray
    profile: np.ndarray
    margins: list[tuple[int, np.ndarray]]
    links: dict[int, Sequence[int]]
    rank: np.ndarray | None = None
    atoms: np.ndarray | None = None
    partitions: tuple[tuple[int, ...], ...] = ()
    favorable: np.ndarray | None = None
    unfavorable: np.ndarray | None = None


def _uniform(profile: np.ndarray) -> bool:
    """Whether pooled answers tell every member's answer (all favorable, none, all unfavorable, or
    all the same score) — see ``suppress._uniform``."""
    answers, fav, unfav, total, squares = profile
    if answers <= 0.5:
        return False
    eps = 1e-6 * answers
    variance = squares / answers - (total / answers) ** 2
    return bool(fav < eps or fav > answers - eps or unfav > answers - eps or variance < 1e-9)


def cell_worth(lattice: Lattice) -> np.ndarray:
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


def hidden_cells(
    lattice: Lattice, *, min_n: int = 5, start: np.ndarray | None = None
) -> np.ndarray:
    """Boolean mask of the cells to hide: primary (n under ``min_n``, and ``start`` if given)
    and every complement the margins need. A work list re-checks only the margins of a cell that was just hidden. The
    complement of an unsafe margin is the cell worth least (``rank``, shared by equal cells),
    then the smallest group: one of its shown parts, or its total.

    >>> lat = Lattice(n=np.array([30, 3, 12, 15]), size=np.array([30, 3, 12, 15]),
    ...               profile=np.zeros((4, 5)), margins=[(0, np.array([1, 2, 3]))], links={})
    >>> hidden_cells(lat, min_n=5).tolist()
    [False, True, True, False]
    """
    check_min_n(min_n)
    n, size, worth = lattice.n, lattice.size, cell_worth(lattice)
    k = len(n)
    hidden = n < min_n if start is None else (n < min_n) | start
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

    def cheapest(cells: np.ndarray) -> int:
        order = np.lexsort((cells, n[cells], size[cells], worth[cells]))
        return int(cells[order[0]])

    while True:
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
                    len(hid) >= 2
                    and pooled >= min_n
                    and not _uniform(lattice.profile[hid].sum(axis=0))
                )
            if safe:
                continue
            shown = parts[~hidden[parts]]
            if not hidden[total]:
                shown = np.append(shown, total)
            if len(shown):
                hide(cheapest(shown))
        complements = _told_apart(lattice, hidden)
        if not complements:
            return hidden
        for candidates in complements:
            candidates = candidates[~hidden[candidates]]
            if len(candidates):
                hide(cheapest(candidates))


def _told_apart(lattice: Lattice, hidden: np.ndarray) -> list[np.ndarray]:
    """Hidden cells whose answers the shown totals tell, though every margin is safe alone.

    A shown total minus its shown parts gives the hidden parts' pooled answers per category;
    a category with none there has none in each of them. Over all its margins a hidden cell
    may be left with categories that are all favorable, none favorable, all unfavorable, or
    one: its answers are known. For each such cell: the cells whose hiding would give one of
    its missing categories back (shown parts that have it, or the total), one list per cell.
    """
    if lattice.atoms is None or not lattice.partitions:
        return []
    from scipy import sparse

    if not hasattr(lattice, "_rows"):
        rows = np.repeat(np.arange(len(lattice.margins)), [len(p) for _, p in lattice.margins])
        cols = np.concatenate([p for _, p in lattice.margins]) if len(rows) else rows
        lattice._rows, lattice._cols = rows, cols
        lattice._totals = np.array([t for t, _ in lattice.margins], dtype=int)
    rows, cols, totals = lattice._rows, lattice._cols, lattice._totals
    atoms, n = lattice.atoms > 0, lattice.n
    use = hidden[cols] & (n[cols] > 0) & ~hidden[totals[rows]]
    shape = (len(lattice.margins), len(n))
    member = sparse.csr_matrix((np.ones(use.sum()), (rows[use], cols[use])), shape=shape)
    pooled = member @ atoms.astype(float)  # hidden parts' answers per category, per margin
    active = np.asarray(member.sum(axis=1)).ravel() > 0
    empty = sparse.csr_matrix((pooled < 0.5) & active[:, None])
    missing = np.asarray((member.T @ empty).todense()) > 0.5
    missing |= ~hidden[:, None] & ~atoms  # a shown cell's empty categories are published
    # a part has none of what its total has none of; a total none of what all its parts lack
    down = sparse.csr_matrix((np.ones(len(rows)), (cols, totals[rows])), shape=(len(n), len(n)))
    whole = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    size = np.asarray(whole.sum(axis=1)).ravel()
    up = sparse.csr_matrix(
        (np.ones(len(totals)), (totals, np.arange(len(totals)))), shape=(len(n), len(totals))
    )
    for _ in range(8):
        before = missing.sum()
        missing |= (down @ missing.astype(float)) > 0.5
        all_parts = (whole @ missing.astype(float)) > size[:, None] - 0.5
        missing |= (up @ (all_parts & (size[:, None] > 0)).astype(float)) > 0.5
        if missing.sum() == before:
            break
    allowed = ~missing
    told = np.flatnonzero(hidden & (n > 0) & _known_answers(lattice, allowed))
    parents = sparse.csr_matrix(
        (np.arange(len(rows)) + 1, (cols, rows)), shape=(len(n), len(lattice.margins))
    )

    def sources(c: int, j: np.ndarray, seen: set) -> list[np.ndarray]:
        """Cells whose hiding takes away a reason cell c is known to lack categories j."""
        out = []
        for m in parents.indices[parents.indptr[c] : parents.indptr[c + 1]]:
            total, parts = lattice.margins[m]
            if hidden[total]:
                if total not in seen and missing[total][j].any():
                    seen.add(total)
                    out += sources(int(total), j & missing[total], seen)
                continue
            if not atoms[total][j].all():
                out.append(np.array([total]))  # a shown total with none of them
            elif (pooled[m][j] < 0.5).any():
                shown = parts[~hidden[parts]]
                out += [shown[atoms[shown][:, j].any(axis=1)], np.array([total])]
        return out

    out = []
    for c in told:
        found = sources(int(c), missing[c], {int(c)})
        if found:
            out.append(np.concatenate(found).astype(int))
    return out


def _known_answers(lattice: Lattice, allowed: np.ndarray) -> np.ndarray:
    """Per cell: whether the categories left tell its answers (one category; all favorable,
    none favorable or all unfavorable, where the partition grades them)."""
    known = np.zeros(len(allowed), bool)
    none = np.zeros_like(allowed)
    fav_all = none if lattice.favorable is None else lattice.favorable
    unf_all = none if lattice.unfavorable is None else lattice.unfavorable
    for cols in lattice.partitions:
        cols = list(cols)
        al, fav, unf = allowed[:, cols], fav_all[:, cols], unf_all[:, cols]
        known |= al.sum(axis=1) <= 1
        graded = fav.any(axis=1)
        known |= graded & (~(al & ~fav).any(axis=1) | ~(al & fav).any(axis=1))
        known |= unf.any(axis=1) & ~(al & ~unf).any(axis=1)
    return known
