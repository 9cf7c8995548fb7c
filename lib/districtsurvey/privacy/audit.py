"""A linear-programming audit of hidden cells: what an attacker can still work out.

The margin rules of ``privacy.groupings`` look at one sum at a time. An attacker writes down all
sums at once — every grouping's cells add up, per quantity, to the grouping without one column —
with what every count obeys (no quantity below 0, a listed cell has at least one answer, the
answer options make up the answers, the favorable ones the favorable answers, the scores the sum
of scores) and solves them as a linear programme. This module does the same with the truth the
published figures come from (an attacker's model can only be looser, so what stays unknown here
stays unknown to him), and reports every hidden cell whose

- count ``N`` (column 0) is pinned to one value from 1 to ``min_n - 1`` (pinned to ``min_n`` or
  more, it is a group that could have been shown; its shares are still checked), or
- share of a ratio quantity (% favorable, mean: ``ratios``) is pinned,

over all points that satisfy everything published. "Pinned" is exact over the real numbers: the
cell's quantity is constant on the affine hull of the feasible set, found with one LP for all
groups of linked hidden cells (HiGHS: maximise the capped slack of every inequality the truth
meets with equality; those that cannot move are equalities) and the null space of the
equalities per group — the method of an LP attacker.
``audited_cells`` hides one more cell per breach (the cell worth least in a sum with it) and
repeats the margin rules and the audit until nothing is pinned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import null_space
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from .groupings import Lattice, cell_worth, hidden_cells

SLACK = 1e-4  # the capped slack of an inequality that can move (counts move by whole answers)


@dataclass
class Model:
    """What is published per cell, as an attacker writes it.

    ``values``: (cells x quantities) true figures, column 0 the count ``N``; ``kind``: per cell,
    an index into ``maps`` and ``limits``; ``maps[k]``: quantities = map @ unknowns for a cell of
    kind k (e.g. a statement's N, favorable answers and sum of scores are sums of its answer
    options); ``limits[k]``: rows L with L @ quantities <= 0 (besides quantities >= 0 and N >= 1);
    ``margins``: (total, parts), each quantity of the total is the sum of its parts'.
    """

    values: np.ndarray
    kind: np.ndarray
    maps: list[np.ndarray]
    limits: list[np.ndarray]
    margins: list[tuple[int, np.ndarray]]
    ratios: tuple[int, ...] = (1, 4)


def statement_map(scores: np.ndarray, favorable, neutral, unfavorable) -> np.ndarray:
    """Quantities N, F, M, U, S, P1..Pk of a statement from its answer options P1..Pk.

    >>> statement_map(np.array([1, 2, 3]), [3], [2], [1])[:, 2].tolist()
    [1.0, 1.0, 0.0, 0.0, 3.0, 0.0, 0.0, 1.0]
    """
    k = len(scores)
    rows = [np.ones(k), *(np.isin(scores, g).astype(float) for g in (favorable, neutral))]
    rows += [np.isin(scores, unfavorable).astype(float), np.asarray(scores, float)]
    return np.vstack([*rows, np.eye(k)])


def pooled_map(favorable, neutral, unfavorable) -> tuple[np.ndarray, np.ndarray]:
    """Quantities N, F, M, U, S, P1..Pk of a pooled row (statements of both directions) from its
    options P1..Pk and F, U, S; its limits: each answer scores within its category's codes.

    >>> m, lim = pooled_map([2], [], [1]); (m @ np.array([1, 1, 1, 0, 3])).tolist()
    [2.0, 1.0, 1.0, 0.0, 3.0, 1.0, 1.0]
    """
    k = max(*favorable, *neutral, *unfavorable)
    out = np.zeros((5 + k, k + 3))
    out[[0, 2], :k], out[5:, :k] = 1, np.eye(k)
    out[1, k], out[3, k + 1], out[4, k + 2], out[2, k], out[2, k + 1] = 1, 1, 1, -1, -1
    groups = (favorable, neutral or [0], unfavorable)
    low, high = np.zeros((2, 5 + k)), np.zeros((2, 5 + k))
    low[0, [1, 2, 3, 4]] = *(min(g) for g in groups), -1  # S >= sum of lowest scores
    high[0, [1, 2, 3, 4]] = *(-max(g) for g in groups), 1  # S <= sum of highest scores
    return out, np.vstack([low[:1], high[:1]] + ([] if neutral else [np.eye(5 + k)[2:3]]))


def _components(model: Model, hidden: np.ndarray) -> list[tuple[np.ndarray, list[int]]]:
    """Groups of hidden cells linked by the sums that hold them, with the sums touching each."""
    cells = np.flatnonzero(hidden)
    index = -np.ones(len(hidden), int)
    index[cells] = np.arange(len(cells))
    if not hasattr(model, "_flat"):
        sizes = np.array([len(p) + 1 for _, p in model.margins], int)
        flat = np.concatenate([np.append(p, t) for t, p in model.margins] or [np.zeros(0, int)])
        model._flat = (np.repeat(np.arange(len(sizes)), sizes), flat.astype(int))
    which, members = model._flat
    use = hidden[members]
    which, members = which[use], index[members[use]]
    first = np.full(len(model.margins), -1)
    first[which[::-1]] = members[::-1]  # a hidden member of each sum
    graph = sparse.csr_matrix(
        (np.ones(len(members)), (first[which], members)), shape=(len(cells),) * 2
    )
    count, label = connected_components(graph, directed=False)
    groups: list[tuple[np.ndarray, list[int]]] = [([], []) for _ in range(count)]
    for c, g in zip(cells.tolist(), label.tolist(), strict=True):
        groups[g][0].append(c)
    for m in np.flatnonzero(first >= 0).tolist():
        groups[label[first[m]]][1].append(m)
    return [(np.array(c, int), m) for c, m in groups]


def _system(model: Model, hidden: np.ndarray, cells: np.ndarray, margins: list[int]):
    """Equalities and inequalities of one linked group over its cells' unknowns (the cells of
    a sum share a kind): (a_eq, b_eq, a_ub, b_ub, offsets)."""
    maps = [model.maps[model.kind[c]] for c in cells]
    start = np.concatenate([[0], np.cumsum([t.shape[1] for t in maps])]).astype(int)
    where = {int(c): i for i, c in enumerate(cells)}
    inverse = {k: np.linalg.pinv(model.maps[k]) for k in set(model.kind[cells].tolist())}
    truth = [inverse[model.kind[c]] @ model.values[c] for c in cells]  # the cells' unknowns
    eq_r, eq_c, eq_v, b_eq = [], [], [], []
    row = 0
    for m in margins:
        total, parts = model.margins[m]
        rhs = None
        for c, sign in [(int(total), 1.0)] + [(int(p), -1.0) for p in parts]:
            if hidden[c]:
                i = where[c]
                k = start[i + 1] - start[i]
                eq_r += range(row, row + k)
                eq_c += range(start[i], start[i + 1])
                eq_v += [sign] * k
                rhs = sign * truth[i] if rhs is None else rhs + sign * truth[i]
        b_eq.append(rhs)
        row += len(rhs)
    ub, b_ub = [], []
    for i, t in enumerate(maps):
        lim = model.limits[model.kind[cells[i]]]
        signed = ~(t >= 0).all(axis=1) & ~(np.abs(t).sum(axis=1) == 0)
        block = np.vstack([-np.eye(t.shape[1]), -t[signed], -t[:1], lim @ t])
        rhs = np.zeros(len(block))
        rhs[t.shape[1] + signed.sum()] = -1.0  # a listed cell: N >= 1
        full = np.zeros((len(block), start[-1]))
        full[:, start[i] : start[i + 1]] = block
        ub.append(full)
        b_ub.append(rhs)
    a_eq = sparse.csr_matrix((eq_v, (eq_r, eq_c)), shape=(row, start[-1]))
    a_ub, b_ub = sparse.csr_matrix(np.vstack(ub)), np.concatenate(b_ub)
    # only an inequality the truth meets with equality can be tight at every solution
    candidate = b_ub - a_ub @ np.concatenate(truth) < 1e-9
    return a_eq, np.concatenate(b_eq), a_ub, b_ub, start, candidate


def _pinned(model, cells, start, basis, *, min_n: int) -> list[int]:
    """The cells whose count (1..min_n-1) or shares stay put along every free direction."""
    found = []
    for i, c in enumerate(cells):
        moves = model.maps[model.kind[c]] @ basis[start[i] : start[i + 1]]
        v = model.values[c]
        if np.abs(moves[0]).max(initial=0) < 1e-7 and 0.5 < v[0] < min_n - 0.5:
            found.append(int(c))
            continue
        scale = 1e-6 * max(1.0, v[0] ** 2)
        if v[0] > 0.5 and any(
            np.abs(v[0] * moves[q] - v[q] * moves[0]).max(initial=0) < scale for q in model.ratios
        ):
            found.append(int(c))
    return found


def _always_tight(a_eq, b_eq, a_ub, b_ub, candidate: np.ndarray) -> np.ndarray:
    """The inequalities that hold with equality at every feasible point (of the ``candidate``
    ones: the others have slack at a known solution)."""
    nv, m = a_ub.shape[1], int(candidate.sum())
    slack = sparse.csr_matrix(
        (np.ones(m), (np.flatnonzero(candidate), np.arange(m))), shape=(a_ub.shape[0], m)
    )
    res = linprog(
        np.concatenate([np.zeros(nv), -np.ones(m)]),
        A_ub=sparse.hstack([a_ub, slack]).tocsr(),
        b_ub=b_ub,
        A_eq=sparse.hstack([a_eq, sparse.csr_matrix((a_eq.shape[0], m))]).tocsr(),
        b_eq=b_eq,
        bounds=[(None, None)] * nv + [(0, SLACK)] * m,
        method="highs",
    )
    if res.status != 0:  # the truth is feasible; a solver failure hides nothing away
        raise RuntimeError(f"privacy audit: the linear programme failed ({res.message})")
    tight = np.zeros(len(candidate), bool)
    tight[candidate] = res.x[nv:] < SLACK / 2
    return tight


def _free(a) -> np.ndarray:
    """An orthonormal basis of the directions the equalities ``a x = b`` leave free: variables a
    row of one entry fixes first, then the null space of each block of linked variables.

    >>> _free(sparse.csr_matrix([[1.0, 0, 0], [0, 1, 1]])).round(3).tolist()
    [[0.0], [-0.707], [0.707]]
    """
    a = a.toarray() if sparse.issparse(a) else np.asarray(a, float)
    nv = a.shape[1]
    nonzero = np.abs(a) > 1e-12
    fixed = np.zeros(nv, bool)
    while True:
        live = nonzero & ~fixed
        ones = live[live.sum(axis=1) == 1]
        if not len(ones):
            break
        fixed |= ones.any(axis=0)
    cols = np.flatnonzero(~fixed)
    live = nonzero[:, cols]
    count, label = connected_components(sparse.csr_matrix(live.T @ live), directed=False)
    blocks = [np.zeros((nv, 0))]
    for g in range(count):
        mine = cols[label == g]
        rows = live[:, label == g].any(axis=1)
        sub = a[np.ix_(rows, mine)]
        part = _null(sub) if rows.any() else np.eye(len(mine))
        full = np.zeros((nv, part.shape[1]))
        full[mine] = part
        blocks.append(full)
    basis = np.hstack(blocks)
    return np.where(np.abs(basis) < 1e-10, 0.0, basis)


def _null(a: np.ndarray) -> np.ndarray:
    try:
        return null_space(a)
    except np.linalg.LinAlgError:  # the divide-and-conquer SVD can fail to converge
        return null_space(a, lapack_driver="gesvd")


def audit(model: Model, hidden: np.ndarray, *, min_n: int, seen: dict | None = None) -> list[int]:
    """Every hidden cell the published sums pin: count 1..min_n-1 or a share (see the module);
    all linked groups in one LP, and ``seen`` keeps the answer for groups that did not change.

    >>> ones = np.ones((1, 1))
    >>> model = Model(values=np.array([[7.0], [2.0], [5.0]]), kind=np.zeros(3, int), maps=[ones],
    ...               limits=[np.zeros((0, 1))], margins=[(0, np.array([1, 2]))], ratios=())
    >>> audit(model, np.array([False, True, False]), min_n=5)
    [1]
    """
    seen = {} if seen is None else seen
    todo = []
    for cells, margins in _components(model, hidden):
        key = tuple(cells.tolist())
        if key not in seen:
            todo.append((key, cells, _system(model, hidden, cells, margins)))
    if todo:
        systems = [s for _, _, s in todo]
        tight = _always_tight(
            sparse.block_diag([s[0] for s in systems], format="csr"),
            np.concatenate([s[1] for s in systems]),
            sparse.block_diag([s[2] for s in systems], format="csr"),
            np.concatenate([s[3] for s in systems]),
            np.concatenate([s[5] for s in systems]),
        )
        cut = np.cumsum([0] + [s[2].shape[0] for s in systems])
        for j, (key, cells, (a_eq, _, a_ub, _, start, _)) in enumerate(todo):
            rows = a_ub[np.flatnonzero(tight[cut[j] : cut[j + 1]])]
            basis = _free(sparse.vstack([a_eq, rows]))
            seen[key] = _pinned(model, cells, start, basis, min_n=min_n)
    return sorted(c for cells, _ in _components(model, hidden) for c in seen[tuple(cells.tolist())])


def audited_cells(lattice: Lattice, model: Model, *, min_n: int = 5) -> np.ndarray:
    """The margin rules of ``hidden_cells``, then the audit: per pinned cell one more cell is
    hidden — the one worth least (rank, then the smallest group) among the shown cells that
    share a sum with it (or with its linked group) — and both run again until nothing is pinned.

    >>> ones = np.ones((1, 1))
    >>> lat = Lattice(n=np.array([30, 3, 12, 15]), size=np.array([30, 3, 12, 15]),
    ...               profile=np.zeros((4, 5)), margins=[(0, np.array([1, 2, 3]))], links={})
    >>> model = Model(values=lat.n[:, None].astype(float), kind=np.zeros(4, int), maps=[ones],
    ...               limits=[np.zeros((0, 1))], margins=lat.margins, ratios=())
    >>> audited_cells(lat, model, min_n=5).tolist()
    [False, True, True, False]
    """
    hidden = hidden_cells(lattice, min_n=min_n)
    worth, seen = cell_worth(lattice), {}
    while True:
        found = audit(model, hidden, min_n=min_n, seen=seen)
        if not found:
            return hidden
        extra = hidden.copy()
        which, members = model._flat  # (set by audit) sum, cell: every member of every sum
        groups = {int(c): g for g, _ in _components(model, hidden) for c in g}
        for c in found:
            for around in ([c], groups[c]):  # its sums; if all hidden, its linked group's
                near = np.unique(members[np.isin(which, which[np.isin(members, around)])])
                near = near[~hidden[near]]
                if len(near):
                    order = np.lexsort((near, lattice.n[near], lattice.size[near], worth[near]))
                    extra[near[order[0]]] = True
                    break
        if (extra == hidden).all():
            raise RuntimeError("privacy audit: a pinned cell has no shown cell left to hide")
        hidden = hidden_cells(lattice, min_n=min_n, start=extra)
