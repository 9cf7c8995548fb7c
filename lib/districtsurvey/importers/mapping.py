"""Columns of a raw export to the tidy contract, as the instrument's ``import:`` section says.

Items are found by their ``match:`` names (default: the item id and text); answers become scores
through the scale labels; N/A labels become missing; anything else is an error that names it.
"""

from __future__ import annotations

import pandas as pd

from ..contracts.errors import Problem
from ..contracts.instrument import Instrument
from .answers import COMMON_NA, AnswerReader
from .layouts import RawTable
from .normalize import norm

__all__ = ["COMMON_NA", "MAX_LISTED", "META_KEYS", "Mapper", "meta_keys"]
MAX_LISTED = 20
META_KEYS = ("respondent_id", "wave", "department", "role", "site")


def meta_keys(instrument: Instrument) -> tuple[str, ...]:
    """respondent_id, wave and every group column (department, role, site, declared extras)."""
    return ("respondent_id", "wave", *instrument.group_columns)


class Mapper:
    def __init__(self, table: RawTable, instrument: Instrument, path: str) -> None:
        self.t, self.ins, self.path = table, instrument, path
        self.spec: dict = dict(getattr(instrument, "import_spec", {}) or {})
        self.problems: list[Problem] = []
        #: a pulse survey's file (every row's wave a pulse, ``contracts.waves``): it asks only
        #: some of the instrument's items, so the others may be missing (at least one is asked)
        self.pulse = False
        self.readers = {
            name: AnswerReader(
                scale,
                labels=self.spec.get("labels") or {},
                na_labels=tuple(map(str, self.spec.get("na_labels") or [])),
                na_codes=tuple(float(x) for x in self.spec.get("na_codes") or []),
                negative_na=table.negative_na,
            )
            for name, scale in (instrument.scales or {"default": instrument.scale}).items()
        }
        self.frame = pd.DataFrame(table.rows, dtype=object) if table.rows else pd.DataFrame()

    # -- columns -----------------------------------------------------------------------------
    def column(self, names, what: str) -> int | None:
        """The one column matching any of ``names``; a problem when none or several do."""
        names = [names] if isinstance(names, str) else list(names)
        for name in names:
            found = self.t.find(str(name))
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                listed = ", ".join(self.t.names[i][0] for i in found[:5])
                self.problems.append(
                    Problem(
                        self.path,
                        f"{what}: '{name}' matches {len(found)} columns ({listed})",
                        column=str(name),
                        hint="name the column by its id in the instrument",
                    )
                )
                return None
        self.problems.append(
            Problem(
                self.path,
                f"{what}: no column named {' or '.join(map(repr, names))}",
                column=str(names[0]),
                hint="check the instrument's import section against the file",
            )
        )
        return None

    def meta(self, key: str, given: str | None) -> pd.Series | None:
        """respondent_id / wave / department / role / site per row, from a column or a value."""
        ref = self.spec.get(key)
        n = len(self.t.rows)
        if ref is None:
            if given is not None:
                return pd.Series([given] * n, dtype=object)
            if key == "respondent_id":
                if self.t.id_column is not None:
                    return self.frame[self.t.id_column].str.strip()
                return pd.Series([f"row{line}" for line in self.t.line], dtype=object)
            return None
        if not isinstance(ref, dict):
            ref = {"column": ref}
        if "value" in ref:
            return pd.Series([str(ref["value"])] * n, dtype=object)
        cols = ref.get("columns") or [ref["column"]]
        idx = [self.column(c, f"import.{key}") for c in cols]
        if None in idx:
            return None
        parts = [self.frame[i].fillna("").str.strip() for i in idx]
        for j, (i, part) in enumerate(zip(idx, parts, strict=True)):  # SPSS labels, user-missing
            vl = self.t.value_labels.get(i, {})
            part = part.map(lambda v, vl=vl: vl.get(v, v))
            gone = [r for r in range(len(part)) if (r, i) in self.t.na_cells]
            parts[j] = part.mask(part.index.isin(gone), "")
        out = parts[0]
        for p in parts[1:]:
            out = out + "-" + p
        out = out.where(out.str.strip("-") != "", None)
        labels = {norm(k): str(v) for k, v in (ref.get("labels") or {}).items()}
        if labels:
            out = out.map(lambda v: labels.get(norm(v), v) if v is not None else None)
        if given is not None:
            out = out.fillna(given)
        return out

    def blocks(self, department: pd.Series | None) -> list[tuple[pd.Series | None, dict, dict]]:
        """(department per row, item -> column, question -> column) per rated block."""
        ids = self.ins.item_ids
        questions = list(self.ins.questions["id"]) if not self.ins.questions.empty else []
        spec = self.spec.get("departments")
        if not spec:
            return [(department, self.match_items(ids, questions), self.match_questions(questions))]
        if isinstance(
            spec, dict
        ):  # a template: {names: [...], columns: {item: "{department} ..."}}
            spec = [
                {
                    "department": d,
                    "columns": {
                        k: [v.format(department=d) for v in _list(t)]
                        for k, t in spec["columns"].items()
                    },
                }
                for d in spec["names"]
            ]
        out = []
        for block in spec:
            name = str(block["department"])
            cols = block.get("columns") or {}
            items = {
                i: self.column(_list(c), f"department '{name}', item {i}")
                for i, c in cols.items()
                if i in ids
            }
            for i, c in cols.items():
                if i not in ids and i not in questions:
                    self.problems.append(
                        Problem(
                            self.path,
                            f"import.departments: '{i}' is not an "
                            f"item or question of {self.ins.id}",
                            column=str(c),
                        )
                    )
            qs = {
                q: self.column(_list(c), f"department '{name}', question {q}")
                for q, c in cols.items()
                if q in questions
            }
            self.check_twice(items, f"department '{name}'")
            out.append((pd.Series([name] * len(self.t.rows), dtype=object), items, qs))
        return out

    def aliases(self, key: str, text: str) -> list[str]:
        own = (getattr(self.ins, "item_match", {}) or {}).get(key, {})
        given = (self.spec.get("items") or {}).get(key) or own.get("match")
        return _list(given) if given else [key, text]

    def match_items(self, ids: list[str], questions: list[str]) -> dict[str, int | None]:
        optional = set(self.spec.get("optional") or [])
        items = {}
        for item in ids:
            names = self.aliases(item, self.ins.item_text(item))
            found = sorted({c for n in names for c in self.t.find(n)})
            if len(found) == 1:
                items[item] = found[0]
            elif len(found) > 1:
                listed = ", ".join(self.t.names[i][0] for i in found[:5])
                self.problems.append(
                    Problem(
                        self.path,
                        f"item {item} matches {len(found)} columns ({listed})",
                        column=self.t.names[found[0]][0],
                        hint="give the item one `match:` name in the instrument",
                    )
                )
            elif item not in optional and not self.pulse:
                self.problems.append(
                    Problem(
                        self.path,
                        f"item {item} of instrument {self.ins.id} is missing from the file",
                        column=names[0],
                        hint=f"looked for {', '.join(map(repr, names[:3]))}; add a "
                        "`match:` name, or list the item under import.optional",
                    )
                )
        if self.pulse and not items:
            self.problems.append(
                Problem(
                    self.path,
                    f"a pulse file with none of the items of instrument {self.ins.id}",
                    hint="a pulse asks some of the instrument's statements: name its columns by "
                    "item id or text, or add `match:` names",
                )
            )
        self.check_twice(items, "items")
        return items

    def match_questions(self, questions: list[str]) -> dict[str, int]:
        text = (
            dict(zip(self.ins.questions["id"], self.ins.questions["text"], strict=True))
            if questions
            else {}
        )
        found = {
            q: sorted({c for n in self.aliases(q, text[q]) for c in self.t.find(n)})
            for q in questions
        }
        return {q: c[0] for q, c in found.items() if len(c) == 1}

    def check_twice(self, items: dict[str, int | None], where: str) -> None:
        seen: dict[int, str] = {}
        options = getattr(self.ins, "item_match", {}) or {}
        for item, col in items.items():
            if col is None or "option" in options.get(item, {}):  # multi-select: one column
                continue
            if col in seen:
                self.problems.append(
                    Problem(
                        self.path,
                        f"{where}: column mapped twice, to {seen[col]} and {item}",
                        column=self.t.names[col][0],
                        hint="each column feeds one item",
                    )
                )
            seen[col] = item

    # -- values ------------------------------------------------------------------------------
    def option(self, cell: str, choice: str, points: int) -> int | None:
        """A multi-select answer in one cell (Google Forms joins choices with ", ")."""
        if not cell.strip():
            return None
        return points if f", {norm(choice)}, " in f", {norm(cell)}, " else 1

    def values(self, col: int, item: str) -> tuple[pd.Series, int]:
        """Scores of one column (Int8) on its item's scale, and how many answers were N/A."""
        cells = self.frame[col].fillna("")
        scale = self.ins.scale_of(item)
        choice = (getattr(self.ins, "item_match", {}) or {}).get(item, {}).get("option")
        if choice:
            scores = [self.option(c, choice, scale.points) for c in cells]
            return pd.Series(scores, dtype="Int8"), 0
        reader = self.readers.get(scale.name) or next(iter(self.readers.values()))
        labels = self.t.value_labels.get(col, {})
        lookup = {c: reader.score(c, labels.get(c.strip())) for c in cells.unique()}
        out = cells.map(lookup)
        na = (
            pd.Series([(r, col) in self.t.na_cells for r in range(len(cells))])
            if self.t.na_cells
            else pd.Series(False, index=cells.index)
        )
        out = out.mask(na, "na")
        bad = out.map(lambda v: isinstance(v, str) and v != "na")
        for message, rows in out[bad].groupby(out[bad]).groups.items():
            first = self.t.line[rows[0]]
            more = f" ({len(rows)} rows)" if len(rows) > 1 else ""
            self.problems.append(
                Problem(
                    self.path,
                    message + more,
                    row=first,
                    column=self.t.names[col][0],
                    hint=f"item {item}; fix the export or add the label to "
                    "the instrument (scale.labels, scale.na_labels)",
                )
            )
        n_na = int((out == "na").sum())
        numbers = pd.to_numeric(out.mask(out.map(lambda v: isinstance(v, str))), errors="coerce")
        return numbers.astype("Int8").reset_index(drop=True), n_na


def _list(value) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]
