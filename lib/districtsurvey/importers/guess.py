"""What each column of an export probably is, for ``instrument draft``: a Likert item (and on
which scale), part of a multi-select block, a single choice, an open question, a group column,
the respondent id or the wave. Heuristics only; the draft says what to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .answers import COMMON_NA, split_number
from .detect import key, markers
from .layouts import RawTable
from .normalize import norm

HERE = Path(__file__).parent
NOT_CHOSEN = {"0", "false", "no", "not selected", "unchecked"}
DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?$", re.I)
ROLE_WORDS = ("role", "position", "jobtitle", "stafftype", "employeetype", "jobrole")
SITE_WORDS = ("site", "school", "campus", "building", "worklocation")
DEPT_WORDS = ("department", "dept", "team", "unit", "office", "division", "program")
WAVE_KEYS = {"wave", "fy", "fiscalyear", "year", "round", "surveyround", "period", "cycle"}
ID_KEYS = {"id", "respondentid", "responseid", "studentid", "employeeid", "employeenumber",
           "participantid", "userid", "recordid", "record", "staffid"}  # fmt: skip


@cache
def known_scales() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load((HERE / "scales.yml").read_text(encoding="utf-8"))
    return {name: tuple(map(str, labels)) for name, labels in raw.items()}


@cache
def polarity() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load((HERE / "polarity.yml").read_text(encoding="utf-8"))
    return {k: frozenset(norm(w) for w in v) for k, v in raw.items()}


def favorable_end(labels: list[str]) -> str:
    """``high`` or ``low``: which end of ``labels`` (lowest code first) reads as favorable.

    >>> favorable_end(["Like", "Neither like nor dislike", "Dislike"])
    'low'
    """
    words = polarity()

    def score(label: str) -> int:
        toks = set(re.findall(r"[a-z']+", norm(label)))
        return len(toks & words["positive"]) - len(toks & words["negative"])

    return "low" if score(labels[0]) > score(labels[-1]) else "high"


@dataclass
class Col:
    """One column of an export, its answers, and the name that finds exactly this column."""

    index: int
    name: str
    match: str
    text: str
    values: list[str]  # non-blank cells (SPSS: the value label where one is defined)
    codes: list[str] = field(default_factory=list)  # the raw cells behind ``values``
    kind: str = ""
    scale: str = ""
    points: int = 0
    options: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every name of the column

    @property
    def distinct(self) -> list[str]:
        return list(dict.fromkeys(self.values))


def columns(table: RawTable) -> tuple[list[Col], list[str]]:
    """Every column that can be found by one of its names, and notes on those that cannot."""
    meta = set().union(*(k for kinds in markers().values() for k in kinds.values()))
    meta |= {key(x) for x in ("Location Accuracy", "Status", "Name", "Email Address")}
    out, notes = [], []
    for i, names in enumerate(table.names):
        cells = [r[i].strip() for r in table.rows]
        values = [c for k, c in enumerate(cells) if c and (k, i) not in table.na_cells]
        labels = table.value_labels.get(i, {})
        if not names or not values or i == table.id_column:
            continue
        if {key(n) for n in names} & (meta - {"id"}) or key(names[0]).startswith("location"):
            continue
        found = next((n for n in names if table.find(n) == [i]), None)
        if found is None:
            notes.append(f"column {i + 1} '{names[0]}': its name is not unique in the file")
            continue
        aliases = [n for n in names[1:] if not n.startswith(("QID", "{"))]
        text = names[0] if " " in names[0] or not aliases else aliases[0]
        shown = [labels.get(v, v) for v in values]
        out.append(Col(i, names[0], found, text, shown, values, names=list(names)))
    return out, notes


def _number(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def known_scale_of(values: list[str], na: set[str] | None = None) -> list[str]:
    """Names of the known scales whose labels hold every answer (numbers like "5 - " ignored;
    N/A labels aside).

    >>> known_scale_of(["5 - Strongly agree", "2 - Disagree", "N/A"])[0]
    'agree5'
    """
    na = {norm(x) for x in COMMON_NA} if na is None else na
    seen = set()
    for v in values:
        parts = split_number(v)
        text = parts[1] if parts else v
        if norm(text) not in na:
            seen.add(norm(text))
    if len(seen) < 2:
        return []
    return [n for n, labels in known_scales().items() if seen <= {norm(x) for x in labels}]


def classify(col: Col, *, negative_na: bool) -> None:
    """Set ``col.kind``: item (with scale), multi_part, single, open, or skip."""
    na = {norm(x) for x in COMMON_NA}
    distinct = [v for v in col.distinct if norm(v) not in na]
    numbers = [_number(v) for v in col.codes]
    if distinct and all(n is not None for n in numbers):
        if negative_na:
            numbers = [n for n in numbers if n >= 0]
        whole = all(float(n).is_integer() for n in numbers)
        top = max(numbers) if numbers else 0
        if whole and set(numbers) <= {0.0, 1.0} and len(set(col.codes)) <= 2:
            col.kind = "multi_part"
            return
        if whole and numbers and min(numbers) >= 1 and 2 <= top <= 11 and len(set(numbers)) >= 2:
            col.kind, col.points = "item", int(top)
            return
        col.kind = "skip"
        return
    if any(DATE.match(v) for v in distinct[:20]):
        col.kind = "skip"
        return
    if len(col.distinct) == 1 and len(col.values) > 1:
        col.kind = "multi_part"  # one option text, else blank (a multi-select column)
        return
    if known_scale_of(col.values, na):
        col.kind = "item"
        return
    sep = [v for v in col.values if ", " in v]
    tokens = [t.strip() for v in col.values for t in v.split(", ") if t.strip()]
    if (
        len(sep) >= max(2, len(col.values) // 10)
        and len(set(tokens)) <= 25
        and len(tokens) >= 2 * len(set(tokens))
    ):
        col.kind, col.options = "multi_cell", sorted(set(tokens), key=tokens.index)
        return
    long = sum(len(v) for v in col.values) / len(col.values) > 40
    if len(distinct) <= 20 and not long:
        col.kind, col.options = "single", distinct
        return
    spaces = sum(" " in v for v in col.values) > len(col.values) / 2
    col.kind = "open" if spaces else "skip"


def block_base(col: Col) -> tuple[str, str]:
    """(question, option) of a column that may be one option of a multi-select block.

    >>> block_base(Col(0, "Q2_3", "Q2_3", "Race-Hispanic", ["Hispanic"]))
    ('Q2', 'Hispanic')
    """
    text_split = re.compile(r"^(.*\S)\s*(?:-|\[)\s*([^-\[]+?)\]?$")
    m = re.match(r"^(.+)[_.](-?[^_.]+)$", col.name) if " " not in col.name else None
    t = text_split.match(col.text) if col.text != col.name or m is None else None
    base = m[1] if m else (t[1] if t else col.name)
    option = col.distinct[0] if len(col.distinct) == 1 and _number(col.distinct[0]) is None else ""
    if not option:
        option = t[2].strip() if t else (m[2] if m else col.name)
    return base, option


def group_role(col: Col) -> str:
    """department, role, site or '' from a column's name and text."""
    k = key(col.name) + " " + key(col.text)
    for role, words in (("role", ROLE_WORDS), ("site", SITE_WORDS), ("department", DEPT_WORDS)):
        if any(w in k for w in words):
            return role
    return ""


def short_name(col: Col) -> str:
    """The column's shortest id-like name (a tool's code such as ``G02Q02``), else its name."""
    ids = [
        n
        for n in col.names
        if re.fullmatch(r"[A-Za-z0-9_][\w.\-#]{0,23}", n) and not n.startswith("QID")
    ]
    return ids[0] if ids else col.name


def slug(text: str, taken: set[str]) -> str:
    """An item id from a column name: letters, digits and _ (unique among ``taken``).

    >>> slug("Q2: Do you have a personal connection to autism?", set())
    'q2_do_you_have_a_personal_connection'
    """
    if re.fullmatch(r"[A-Za-z0-9_][\w.\-]{0,39}", text):
        base = text
    else:
        words = re.findall(r"[^\W_]+", text.lower())
        base = "_".join(words)[:36].rstrip("_") or "col"
        base = base if base[0].isalnum() else f"q_{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out
