"""One raw table to tidy responses and comments: the mapped columns, melted, with what was dropped
and why, and every problem collected (not raised)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

import pandas as pd

from ..contracts.errors import Problem
from ..contracts.instrument import Instrument
from ..contracts.validate import MAX_LISTED as LISTED
from ..contracts.validate import listed, more
from ..contracts.waves import is_pulse
from .choices import map_choices
from .layouts import RawTable
from .mapping import Mapper, meta_keys


@dataclass
class Mapped:
    """What the mapping produced, for the import summary."""

    responses: pd.DataFrame
    comments: pd.DataFrame
    columns: dict[str, str]  # item -> column name (first block)
    answers_na: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    choices: pd.DataFrame = field(default_factory=pd.DataFrame)
    blank_groups: dict[str, tuple[int, str]] = field(default_factory=dict)  # column -> (n, label)


def _fill_blank_groups(meta: dict, instrument: Instrument) -> dict[str, tuple[pd.Series, str]]:
    """A blank group value becomes its own group (``groups.<column>.missing``); a blank department
    stays blank (an error below) unless the instrument names it. Returns the blank rows per column."""
    blanks = {}
    for key in instrument.group_columns:
        label = instrument.missing_label(key)
        if meta.get(key) is None or label is None:
            continue
        blank = meta[key].isna() | (meta[key].astype(str).str.strip() == "")
        if blank.any():
            meta[key] = meta[key].mask(blank, label)
            blanks[key] = (blank, label)
    return blanks


def map_table(
    table: RawTable, instrument: Instrument, *, path: str, wave: str | None, department: str | None
) -> Mapped:
    """The tidy responses and comments of one raw table (problems collected, not raised)."""
    m = Mapper(table, instrument, path)
    dropped = dict(table.dropped)
    keep = pd.Series(True, index=range(len(table.rows)))
    if table.finished is not None and m.spec.get("unfinished", "keep") == "drop":
        unfinished = pd.Series([f is False for f in table.finished])
        keep &= ~unfinished
        if unfinished.any():
            dropped["unfinished response (import.unfinished: drop)"] = int(unfinished.sum())
    keys = meta_keys(instrument)
    meta = {k: m.meta(k, {"wave": wave, "department": department}.get(k)) for k in keys}
    blanks = _fill_blank_groups(meta, instrument)
    waves = meta["wave"].dropna() if meta["wave"] is not None else pd.Series(dtype=object)
    m.pulse = bool(len(waves)) and bool(waves.map(is_pulse).all())  # only some items asked
    for key in ("wave", "department"):
        if meta[key] is None and not (key == "department" and m.spec.get("departments")):
            m.problems.append(
                Problem(
                    path,
                    f"no {key}: the instrument's import section names no {key} column",
                    hint=f"pass --{key} (or `{key}:` in params), "
                    f"or add `{key}: COLUMN` under `import:` in the instrument",
                )
            )
    blocks = m.blocks(meta["department"])
    frames, comments, na_total = [], [], 0
    chosen = pd.DataFrame()
    if instrument.choices and not m.problems:  # asked once per respondent, not per department
        chosen = map_choices(m, pd.DataFrame({k: meta[k] for k in keys}), keep)
    for dept, items, qs in blocks:
        wide = pd.DataFrame(index=range(len(table.rows)))
        for item, col in items.items():
            if col is not None:
                wide[item], n_na = m.values(col, item)
                na_total += n_na
        if m.problems:
            continue
        answered = (
            wide.notna().any(axis=1) if not wide.empty else pd.Series(False, index=wide.index)
        )
        base = pd.DataFrame({k: (dept if k == "department" else meta[k]) for k in keys})
        for q, col in qs.items():
            text = m.frame[col].fillna("").str.strip()
            sel = keep & (text != "")
            comments.append(base[sel].assign(question=q, text=text[sel]))
            answered |= text != ""
        kept = keep & answered
        if len(blocks) > 1:
            dropped[f"'{dept.iloc[0] if len(dept) else ''}' not rated"] = int(
                (keep & ~answered).sum()
            )
        else:
            if int((keep & ~answered).sum()):
                dropped["no answer to any mapped item"] = int((keep & ~answered).sum())
        long = (
            wide[kept]
            .join(base[kept].add_prefix("\0"))
            .melt(id_vars=["\0" + k for k in keys], var_name="item", value_name="\0value")
        )
        long.columns = [c.lstrip("\0") for c in long.columns]
        frames.append(long)
    columns = {i: table.names[c][0] for i, c in blocks[0][1].items() if c is not None}
    if m.problems:
        return Mapped(pd.DataFrame(), pd.DataFrame(), columns, na_total, dropped, m.problems)
    responses = pd.concat(frames, ignore_index=True)
    responses.insert(1, "survey", instrument.id)
    for key in ("respondent_id", "wave", "department"):
        blank = responses[key].isna() | (responses[key].astype(str).str.strip() == "")
        if blank.any():
            hint = f"fill the {key} column or pass --{key}"
            if key == "department":
                hint += ', or count them as a group: groups: {department: {missing: "Not given"}}'
            m.problems.append(
                Problem(
                    path, f"{int(blank.sum())} answers have a blank {key}", column=key, hint=hint
                )
            )
    ids = pd.DataFrame({"id": meta["respondent_id"], "wave": meta["wave"], "line": table.line})[
        keep
    ]
    dup = ids[ids.duplicated(["id", "wave"], keep=False) & ids["id"].notna()]
    groups = dup.groupby("id", sort=False)["line"]
    for rid, rows in islice(groups, LISTED):  # capped: one id may be on 3 million rows
        m.problems.append(
            Problem(
                path,
                f"duplicate respondent id '{rid}' on rows {listed(rows)}",
                row=int(rows.iloc[0]),
                column="respondent_id",
                hint="each respondent once per wave; when an id is only unique together with "
                "another column, join them: import: {respondent_id: {columns: [Wave, ID]}}",
            )
        )
    if groups.ngroups > LISTED:
        extra = more(groups.ngroups - LISTED)
        m.problems.append(
            Problem(path, f"{extra} duplicate respondent ids", column="respondent_id")
        )
    kept_ids = set(responses["respondent_id"])
    blank_groups = {  # respondents in the tidy rows whose group value was blank
        key: (len(set(meta["respondent_id"][blank & keep]) & kept_ids), label)
        for key, (blank, label) in blanks.items()
    }
    order = ["respondent_id", "survey", *keys[1:], "item", "value"]
    responses = responses[order].astype({c: "string" for c in order[:-1]})
    responses["value"] = responses["value"].astype("Int8")
    if len(chosen):
        chosen = chosen.assign(survey=instrument.id)
        first = ["respondent_id", "survey", *keys[1:]]
        chosen = chosen[first + [c for c in chosen.columns if c not in first]]
        chosen = chosen.astype({c: "string" for c in [*first, "question", "kind", "option"]})
    cols = ["respondent_id", "survey", "wave", "department", "question", "text"]
    comm = (
        pd.concat(comments, ignore_index=True).assign(survey=instrument.id)[cols]
        if comments
        else pd.DataFrame(columns=cols)
    )
    return Mapped(responses, comm, columns, na_total, dropped, m.problems, chosen, blank_groups)
