"""Questions that are not scored (multi-select, single choice, ranking) to the *choices* table.

One row per respondent x question x option, for respondents who answered the question:
``value`` is 1 (chosen) or 0 (not chosen) for ``multi`` and ``single``, the rank (1 = first) for
``ranking`` (blank when that option was not ranked). A multi-select over columns reads a blank as
"not chosen", ``0``/``false``/``no`` as "not chosen" and anything else (the option text, ``1``, ``x``)
as "chosen"; a respondent with every column blank did not answer. Written beside the tidy
responses as ``OUT.choices.csv``; never scored as Likert.
"""

from __future__ import annotations

import pandas as pd

from ..contracts.errors import Problem
from ..contracts.instrument import Choice
from .mapping import Mapper
from .normalize import norm

NOT_CHOSEN = {"0", "false", "no", "not selected", "unchecked", "not checked"}
COLUMNS = ["question", "kind", "option", "value"]


def _split(cell: str, options: list[str], sep: str) -> tuple[list[str], str]:
    """The options named in one cell (longest first, so options may hold the separator) and
    whatever text is left over."""
    rest = f"{sep}{norm(cell)}{sep}"
    found = []
    for opt in sorted(options, key=len, reverse=True):
        token = f"{sep}{norm(opt)}{sep}"
        if token in rest:
            found.append(opt)
            rest = rest.replace(token, sep, 1)
    return found, rest.strip().strip(sep.strip()).strip()


class ChoiceReader:
    def __init__(self, m: Mapper) -> None:
        self.m = m

    def problem(self, c: Choice, message: str, col: int | None, row: int | None = None) -> None:
        self.m.problems.append(
            Problem(
                self.m.path,
                f"choice {c.id}: {message}",
                row=row,
                column=self.m.t.names[col][0] if col is not None else None,
                hint="add the option to the choice's options: (or labels:) in the instrument",
            )
        )

    def cells(self, col: int) -> pd.Series:
        """The cells of a column; SPSS user-missing values are blank."""
        out = self.m.frame[col].fillna("").str.strip()
        gone = [r for r, c in self.m.t.na_cells if c == col]
        return out.mask(out.index.isin(gone), "") if gone else out

    def read(self, c: Choice) -> pd.DataFrame | None:
        """``value`` per row x option (rows of respondents who answered), or None on problems."""
        if c.columns:
            cols = {
                o: self.m.column(list(n), f"choice {c.id}, option '{o}'")
                for o, n in c.columns.items()
            }
            if None in cols.values():
                return None
            return self.ranking(c, cols) if c.kind == "ranking" else self.over_columns(cols)
        col = self.m.column(list(c.match), f"choice {c.id}")
        if col is None:
            return None
        return self.one_cell(c, col)

    def over_columns(self, cols: dict[str, int]) -> pd.DataFrame:
        cells = pd.DataFrame({o: self.cells(i) for o, i in cols.items()})
        answered = (cells != "").any(axis=1)
        chosen = (cells != "") & ~cells.apply(lambda s: s.map(norm).isin(NOT_CHOSEN))
        return chosen.astype("Int16").where(answered)

    def ranking(self, c: Choice, cols: dict[str, int]) -> pd.DataFrame | None:
        cells = pd.DataFrame({o: self.cells(i) for o, i in cols.items()})
        ranks = cells.apply(pd.to_numeric, errors="coerce")
        bad = (cells != "") & (ranks.isna() | (ranks < 1) | (ranks > len(cols)) | (ranks % 1 != 0))
        for o in cells.columns[bad.any()]:
            r = bad[o].idxmax()
            msg = f"rank '{cells.loc[r, o]}' is not 1..{len(cols)}"
            self.problem(c, msg, cols[o], self.m.t.line[r])
        if bad.any().any():
            return None
        answered = ranks.notna().any(axis=1)
        return ranks.astype("Int16").where(answered)

    def one_cell(self, c: Choice, col: int) -> pd.DataFrame | None:
        spss = self.m.t.value_labels.get(col, {})  # SPSS codes read as their value labels
        cells = self.cells(col).map(lambda v: spss.get(v, v))
        labels = {norm(k): v for k, v in c.labels.items()}
        na = self.m.readers[next(iter(self.m.readers))].na
        options = list(c.options) or sorted(
            {labels.get(norm(v), v) for v in cells if v and norm(v) not in na}
        )
        picked, errors = [], {}
        own = {norm(o) for o in options}  # an option ("Prefer not to say") is never N/A here
        for r, cell in enumerate(cells):
            cell = labels.get(norm(cell), cell)
            if not cell or (norm(cell) in na and norm(cell) not in own):
                picked.append(None)
                continue
            if c.kind == "single":
                hit = [o for o in options if norm(o) == norm(cell)]
                rest = "" if hit else cell
            else:
                hit, rest = _split(cell, options, c.separator)
            if rest:
                errors.setdefault(cell, self.m.t.line[r])
            picked.append(set(hit))
        for text, row in list(errors.items())[:5]:
            self.problem(c, f"'{text}' is not one of its options", col, row)
        if errors:
            return None
        return pd.DataFrame(
            {o: [None if p is None else int(o in p) for p in picked] for o in options},
            dtype="Int16",
        )


def map_choices(m: Mapper, base: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """The choices table of one raw table (``base``: the meta columns per row)."""
    reader, frames = ChoiceReader(m), []
    for c in m.ins.choices:
        wide = reader.read(c)
        if wide is None:
            continue
        rows = (keep & wide.notna().any(axis=1)).to_numpy()  # answered: a blank rank stays blank
        long = (
            wide[rows]
            .join(base[rows].add_prefix("\0"))
            .melt(id_vars=["\0" + k for k in base.columns], var_name="option", value_name="value")
        )
        long.columns = [col.lstrip("\0") for col in long.columns]
        frames.append(long.assign(question=c.id, kind=c.kind))
    cols = [*base.columns, *COLUMNS]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    out["value"] = out["value"].astype("Int16")
    return out


def summarise_choices(
    choices: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ()
) -> pd.DataFrame:
    """Per question x option (and ``by`` groups): respondents who answered the question ``n``;
    for multi / single ``chosen`` and ``pct`` (of ``n``); for rankings ``mean_rank`` and
    ``pct_first`` (ranked first, % of ``n``). Raw counts: what may be shown is for privacy to say.

    >>> t = pd.DataFrame({"respondent_id": ["a", "a", "b", "b"], "question": "q", "kind": "multi",
    ...     "option": ["x", "y", "x", "y"], "value": [1, 0, 1, 1]})
    >>> summarise_choices(t)[["option", "n", "chosen", "pct"]].values.tolist()
    [['x', 2, 2, 100.0], ['y', 2, 1, 50.0]]
    """
    keys = [*by, "question", "kind", "option"]
    df = choices.assign(value=choices["value"].astype("Float64"))
    answered = df.groupby([*by, "question"], observed=True)["respondent_id"].nunique()
    g = df.groupby(keys, observed=True, sort=False)["value"]
    out = pd.DataFrame(
        {
            "chosen": g.apply(lambda v: int((v == 1).sum())),
            "mean_rank": g.mean(),
            "first": g.apply(lambda v: int((v == 1).sum())),
        }
    ).reset_index()
    out["n"] = [
        answered[tuple(r)] if by else answered[r[-1]]
        for r in out[[*by, "question"]].itertuples(index=False)
    ]
    ranking = out["kind"] == "ranking"
    out["pct"] = (100 * out["chosen"] / out["n"]).where(~ranking)
    out["pct_first"] = (100 * out["first"] / out["n"]).where(ranking)
    out["mean_rank"] = out["mean_rank"].where(ranking)
    out["chosen"] = out["chosen"].where(~ranking)
    return out[[*keys, "n", "chosen", "pct", "mean_rank", "pct_first"]]
