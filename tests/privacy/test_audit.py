"""privacy.audit against a naive oracle: per hidden cell, two linear programmes (min and max) over
the answer-option counts of a two-way table whose row, column and grand totals are published."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from districtsurvey.privacy.audit import Model, audit, audited_cells, statement_map
from districtsurvey.privacy.groupings import Lattice

SCORES = np.arange(1, 6)  # a 1..5 statement: 4, 5 favorable; 3 neutral; 1, 2 unfavorable
FAV = np.isin(SCORES, [4, 5]).astype(float)


def table(options: np.ndarray) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Cells of a rows x cols table of option counts, then row totals, column totals and the
    grand total; the sums between them."""
    rows, cols, _ = options.shape
    inner = options.reshape(rows * cols, -1)
    cells = np.vstack([inner, options.sum(axis=1), options.sum(axis=0), options.sum(axis=(0, 1))])
    ids = np.arange(rows * cols).reshape(rows, cols)
    row_t, col_t, grand = rows * cols, rows * cols + rows, rows * cols + rows + cols
    margins = [(row_t + r, ids[r]) for r in range(rows)]
    margins += [(col_t + c, ids[:, c]) for c in range(cols)]
    margins += [(grand, np.arange(row_t, row_t + rows)), (grand, np.arange(col_t, grand))]
    return cells, margins


def model_of(cells: np.ndarray, margins) -> Model:
    t = statement_map(SCORES, [4, 5], [3], [1, 2])
    return Model(
        values=cells @ t.T, kind=np.zeros(len(cells), int), maps=[t],
        limits=[np.zeros((0, len(t)))], margins=margins,
    )  # fmt: skip


def oracle(cells: np.ndarray, margins, hidden: np.ndarray, min_n: int) -> set[int]:
    """Hidden cells whose answers (N 1..min_n-1), % favorable or mean every solution shares."""
    h = np.flatnonzero(hidden)
    k = cells.shape[1]
    pos = {c: i for i, c in enumerate(h)}
    a_eq, b_eq = [], []
    for total, parts in margins:
        for opt in range(k):
            row, rhs = np.zeros(len(h) * k), 0.0
            for c, sign in [(total, 1)] + [(p, -1) for p in parts]:
                if hidden[c]:
                    row[pos[c] * k + opt] += sign
                else:
                    rhs -= sign * cells[c, opt]
            if row.any():
                a_eq.append(row)
                b_eq.append(rhs)
    a_ub = np.zeros((len(h), len(h) * k))
    for i in range(len(h)):
        a_ub[i, i * k : (i + 1) * k] = -1  # a listed cell has an answer
    found = set()
    for c in h:
        n, fav, total = cells[c].sum(), cells[c] @ FAV, cells[c] @ SCORES
        for what, fixed in (("N", None), ("F", fav / n), ("S", total / n)):
            obj = np.zeros(len(h) * k)
            part = slice(pos[c] * k, (pos[c] + 1) * k)
            obj[part] = {"N": 1.0, "F": FAV, "S": SCORES.astype(float)}[what]
            if fixed is not None:
                obj[part] -= fixed  # F - r N or S - r N: zero everywhere when the share is pinned
            ends = []
            for sign in (1, -1):
                res = linprog(sign * obj, A_ub=a_ub, b_ub=-np.ones(len(h)),
                              A_eq=np.array(a_eq) if a_eq else None,
                              b_eq=np.array(b_eq) if b_eq else None, bounds=(0, None),
                              method="highs")  # fmt: skip
                assert res.status in (0, 3), res.message  # solved, or unbounded
                ends.append(sign * res.fun if res.status == 0 else -sign * np.inf)
            if abs(ends[1] - ends[0]) < 1e-6 and (fixed is not None or 0.5 < n < min_n - 0.5):
                found.add(int(c))
    return found


@st.composite
def tables(draw):
    rows, cols = draw(st.integers(2, 3)), draw(st.integers(2, 4))
    counts = draw(st.lists(st.integers(0, 3), min_size=rows * cols * 5, max_size=rows * cols * 5))
    options = np.array(counts).reshape(rows, cols, 5)
    options[..., 2] += options.sum(axis=2) == 0  # every cell answered
    hidden = np.array(draw(st.lists(st.booleans(), min_size=rows * cols, max_size=rows * cols)))
    return options, hidden, draw(st.sampled_from([3, 5]))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(tables())
def test_audit_finds_what_the_oracle_pins(case):
    options, inner_hidden, min_n = case
    cells, margins = table(options)
    hidden = np.zeros(len(cells), bool)
    hidden[: len(inner_hidden)] = inner_hidden
    expected = oracle(cells, margins, hidden, min_n)
    assert set(audit(model_of(cells, margins), hidden, min_n=min_n)) == expected


@settings(max_examples=25, deadline=None, derandomize=True)
@given(tables())
def test_audited_cells_leave_nothing_pinned(case):
    options, _, min_n = case
    cells, margins = table(options)
    n = cells.sum(axis=1)
    lattice = Lattice(n=n, size=n, profile=np.zeros((len(n), 5)), margins=margins, links={})
    hidden = audited_cells(lattice, model_of(cells, margins), min_n=min_n)
    assert (hidden >= (n < min_n)).all()  # every small cell stays hidden
    assert oracle(cells, margins, hidden, min_n) == set()


def test_two_cells_pooling_all_unfavorable_answers_are_pinned():
    # row 0: cells 0 and 1 hidden, each answered 1 (unfavorable) only; every sum holds 2+ hidden
    # cells, but the row total (shown) says the hidden ones have no favorable answer at all
    options = np.zeros((2, 2, 5), int)
    options[0, 0, 0], options[0, 1, 0] = 3, 4
    options[1, 0, 4], options[1, 1, 3] = 6, 7
    cells, margins = table(options)
    hidden = np.zeros(len(cells), bool)
    hidden[[0, 1, 2, 3]] = True  # the whole inside of the table
    assert oracle(cells, margins, hidden, 5) == {0, 1, 2, 3}  # answers by option: told apart
    assert audit(model_of(cells, margins), hidden, min_n=5) == [0, 1, 2, 3]
