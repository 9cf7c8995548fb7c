"""Privacy: small-group suppression, complementary suppression, query checks and comment redaction.

Every figure a run publishes passes through here first. Three rules:

- **Primary suppression.** A group with fewer than ``min_n`` respondents shows no figure.
- **Complementary suppression.** Where published figures add up (departments to the district,
  rater groups to their department, items to their dimension), a hidden cell must not be
  recoverable by subtraction: in every such margin the hidden cells are none, or at least two whose
  n adds up to at least ``min_n`` — otherwise the next-smallest cell is hidden too.
- **Comments** only for groups of at least ``comment_min_n``, redacted and shuffled.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .errors import Problem, SurveyDataError

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


# --- complementary suppression ---


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
) -> set:
    """Every cell to hide: ``hidden`` plus what each margin needs so nothing is recoverable.

    A margin is safe when its hidden terms (hidden parts, the ``rest``, the total) are none, or
    when the total is published and at least two parts are hidden whose n adds to ``min_n`` or
    more and whose pooled answers are not unanimous (``profile``: answers, favorable, unfavorable,
    sum and sum of squares of scores per cell), or when the total is hidden with at least one
    part. Otherwise the smallest published part (by ``size``, then n) is hidden too; with no part
    left, the total. Empty cells (n 0) are hidden but need no protection. ``links`` hides
    dependent cells with a cell (a department's items with its respondent count). Repeats until
    every margin is safe.

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
        return (size.get(c, n.get(c, 0)), n.get(c, 0), str(c))

    def unanimous(m: Margin, parts: list) -> bool:
        if not all(p in profile for p in parts) or (m.rest and not m.rest_profile):
            return False
        pooled = [sum(x) for x in zip(*(profile[p] for p in parts), strict=True)] or [0] * 5
        if m.rest_profile:
            pooled = [a + b for a, b in zip(pooled, m.rest_profile, strict=True)]
        return _uniform(pooled)

    changed = True
    while changed:
        changed = False
        for cell in list(hidden):
            for dep in links.get(cell, ()):
                if dep not in hidden:
                    hidden.add(dep)
                    changed = True
        for m in margins:
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
                hidden.add(nxt)
                changed = True
    return hidden


def _profiles(table: pd.DataFrame) -> list[tuple]:
    """Per row: answers, favorable, unfavorable answers, sum and sum of squares of scores."""
    if table.empty:
        return []
    n = table["n"].astype(float).fillna(0)
    if "n_answers" in table.columns:
        n = table["n_answers"].astype(float).fillna(n)
    mean = table["mean"].astype(float).fillna(0) if "mean" in table else n * 0
    sd = table["sd"].astype(float).fillna(0) if "sd" in table else n * 0
    fav = (
        table["pct_favorable"].astype(float).fillna(0) * n / 100 if "pct_favorable" in table else n
    )
    unf = (
        table["pct_unfavorable"].astype(float).fillna(0) * n / 100
        if "pct_unfavorable" in table
        else n * 0
    )
    squares = (n - 1).clip(lower=0) * sd**2 + n * mean**2
    return list(zip(n, fav, unf, n * mean, squares, strict=True))


def _complete(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add an empty row (n 0) for every department x wave x item / dimension / rater group that is
    missing, so that a listed hidden row does not tell that anyone answered."""
    present = [t for k, t in tables.items() if k in ("items", "dimensions", "respondents")]
    if not present:
        return tables
    both = pd.concat([t[["department", "wave"]] for t in present])
    depts = sorted(set(both["department"]) - {DISTRICT})
    waves = sorted(set(both["wave"]))

    def pad(table, keys, values, fill=None):
        grid = pd.MultiIndex.from_product(values, names=keys).to_frame(index=False)
        out = grid.merge(table, on=keys, how="left", sort=False)
        out["n"] = out["n"].astype("Float64").fillna(0)
        for col, mapping in (fill or {}).items():
            out[col] = out[col].fillna(out[keys[-1]].map(mapping))
        return out

    out = dict(tables)
    if "items" in tables and not tables["items"].empty:
        t = tables["items"]
        out["items"] = pad(
            t, ["department", "wave", "item"], [depts, waves, sorted(set(t["item"]))]
        )
    kind = {}
    if "dimensions" in tables and not tables["dimensions"].empty:
        t = tables["dimensions"]
        kind = dict(zip(t["dimension"], t["kind"], strict=True)) if "kind" in t else {}
        fill = {"kind": kind} if "kind" in t else None
        out["dimensions"] = pad(
            t,
            ["department", "wave", "dimension"],
            [depts, waves, sorted(set(t["dimension"]))],
            fill,
        )
    if "breakdowns" in tables and not tables["breakdowns"].empty:
        t = tables["breakdowns"]
        parts = []
        for by, part in t.groupby("by", sort=False):
            keys = ["department", "wave", "group", "dimension"]
            values = [depts, waves, sorted(set(part["group"])), sorted(set(part["dimension"]))]
            fill = {"kind": kind} if "kind" in part and kind else None
            parts.append(pad(part.drop(columns="by"), keys, values, fill).assign(by=by))
        out["breakdowns"] = pd.concat(parts, ignore_index=True)[t.columns]
    if "respondents" in tables and not tables["respondents"].empty:
        t = tables["respondents"]
        district = t[t["department"] == DISTRICT]
        out["respondents"] = pd.concat(
            [pad(t[t["department"] != DISTRICT], ["department", "wave"], [depts, waves]), district],
            ignore_index=True,
        )
    return out


def protect_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    min_n: int = 5,
    item_dimension: Mapping[str, str],
    indices: Mapping[str, Sequence[str]] | None = None,
    respondents_additive: bool = False,
) -> dict[str, pd.DataFrame]:
    """Primary and complementary suppression over every table of a run, consistently.

    ``tables`` are unsuppressed: ``items`` / ``district_items`` (department, wave, item, n ...),
    ``dimensions`` / ``district_dimensions`` (department, wave, dimension, n ...), ``breakdowns``
    (department, wave, by, group, dimension, n ...) and ``respondents`` (department incl. the
    District, wave, n ...). Margins: departments -> district (items and dimensions; respondents
    too when each respondent belongs to one department, ``respondents_additive``); rater groups ->
    department per dimension (respondents without a group are a hidden rest); items -> dimension
    and index within every department. A hidden respondent count hides that department's figures
    for the wave; a hidden department x dimension hides its rater groups. Missing combinations
    are added as empty hidden rows, so a listed "fewer than" row does not tell that anyone
    answered. Returns the same tables with ``suppressed`` set and the figures emptied.
    """
    check_min_n(min_n)
    t = _complete({k: v.reset_index(drop=True) for k, v in tables.items()})
    empty = pd.DataFrame(columns=["department", "wave", "item", "dimension", "n", "by", "group"])
    items = pd.concat(
        [t.get("items", empty), t.get("district_items", empty).assign(department=DISTRICT)]
    )
    dims = pd.concat(
        [
            t.get("dimensions", empty),
            t.get("district_dimensions", empty).assign(department=DISTRICT),
        ]
    )
    bd, resp = t.get("breakdowns", empty), t.get("respondents", empty)
    n = {}
    for name, table, keys in (
        ("item", items, ["department", "wave", "item"]),
        ("dim", dims, ["department", "wave", "dimension"]),
        ("bd", bd, ["department", "wave", "by", "group", "dimension"]),
        ("resp", resp, ["department", "wave"]),
    ):
        for row in table[[*keys, "n"]].itertuples(index=False):
            n[(name, *row[:-1])] = 0 if pd.isna(row[-1]) else int(row[-1])
    profile = {}
    for name, table, keys in (
        ("item", items, ["department", "wave", "item"]),
        ("dim", dims, ["department", "wave", "dimension"]),
        ("bd", bd, ["department", "wave", "by", "group", "dimension"]),
    ):
        for cell, p in zip(table[keys].itertuples(index=False), _profiles(table), strict=True):
            profile[(name, *cell)] = p
    dept_size = {(d, w): v for (name, d, w, *_), v in n.items() if name == "resp"}
    size = {c: dept_size.get((c[1], c[2]), n[c]) for c in n if c[0] in ("item", "dim")}
    group_size = {}
    for c, v in n.items():
        if c[0] == "bd":
            g = c[:5]
            group_size[g] = max(group_size.get(g, 0), v)
    size.update({c: group_size[c[:5]] for c in n if c[0] == "bd"})

    margins: list[Margin] = []
    # departments -> district
    for name, table, on in (("item", items, "item"), ("dim", dims, "dimension")):
        for (wave, what), part in table.groupby(["wave", on], sort=True):
            depts = [d for d in part["department"] if d != DISTRICT]
            total = (name, DISTRICT, wave, what)
            margins.append(
                Margin(total if total in n else None, tuple((name, d, wave, what) for d in depts))
            )
    if respondents_additive and not resp.empty:
        for wave, part in resp.groupby("wave", sort=True):
            depts = [d for d in part["department"] if d != DISTRICT]
            total = ("resp", DISTRICT, wave)
            margins.append(
                Margin(total if total in n else None, tuple(("resp", d, wave) for d in depts))
            )
    # rater groups -> department (per dimension)
    if not bd.empty:
        for (dept, wave, by, what), part in bd.groupby(
            ["department", "wave", "by", "dimension"], sort=True
        ):
            total = ("dim", dept, wave, what)
            parts = tuple(("bd", dept, wave, by, g, what) for g in part["group"])
            rest = max(0, n.get(total, 0) - sum(n[p] for p in parts))
            rest_profile = ()
            if rest and total in profile:
                rest_profile = tuple(
                    a - sum(x)
                    for a, x in zip(
                        profile[total], zip(*(profile[p] for p in parts), strict=True), strict=True
                    )
                )
            margins.append(Margin(total if total in n else None, parts, rest, rest_profile))
    # items -> dimension / index within each department and the district
    groups = {}
    for item, dim in item_dimension.items():
        groups.setdefault(dim, []).append(item)
    for index_id, members in (indices or {}).items():
        groups[index_id] = list(members)
    links = {}  # a hidden count hides the unit's figures; a hidden dimension its rater groups;
    # a hidden item its dimension (else the dimension's answers, with every item bounded by the
    # unit's respondents, can pin the hidden items)
    for (dept, wave), part in items.groupby(["department", "wave"], sort=True):
        present = set(part["item"])
        for what, members in groups.items():
            parts = tuple(("item", dept, wave, i) for i in members if i in present)
            total = ("dim", dept, wave, what)
            if parts and total in n:
                margins.append(Margin(total, parts))
                for p in parts:
                    if dept != DISTRICT:
                        links.setdefault(p, []).append(total)
    for c in n:
        if c[0] != "resp" and c[1] != DISTRICT:
            links.setdefault(("resp", c[1], c[2]), []).append(c)
        if c[0] == "bd":
            links.setdefault(("dim", c[1], c[2], c[5]), []).append(c)

    primary = {c for c, v in n.items() if v < min_n}
    hidden = complementary_cells(
        n, primary, margins, min_n=min_n, size=size, links=links, profile=profile
    )

    def hide(table, name, keys):
        ids = [(name, *row) for row in table[keys].itertuples(index=False)]
        return mask_rows(table, pd.Series([i in hidden for i in ids], index=table.index))

    out = dict(t)
    for key, name, keys, dept in (
        ("items", "item", ["department", "wave", "item"], None),
        ("district_items", "item", ["department", "wave", "item"], DISTRICT),
        ("dimensions", "dim", ["department", "wave", "dimension"], None),
        ("district_dimensions", "dim", ["department", "wave", "dimension"], DISTRICT),
        ("breakdowns", "bd", ["department", "wave", "by", "group", "dimension"], None),
        ("respondents", "resp", ["department", "wave"], None),
    ):
        if key not in t:
            continue
        table = t[key]
        if dept is not None:
            had = "department" in table.columns
            table = table.assign(department=DISTRICT)
            masked = hide(table, name, keys)
            out[key] = masked if had else masked.drop(columns="department")
        else:
            out[key] = hide(table, name, keys)
    return out


def protect(
    table: pd.DataFrame,
    *,
    keys: Sequence[str],
    margins: Sequence[str] = ("department",),
    min_n: int = 5,
    n_column: str = "n",
    totals: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """A display table made safe on its own: primary plus complementary suppression.

    ``keys`` identify a row (e.g. ``["department", "item"]``). For each column in ``margins`` the
    rows that differ only in that column are assumed to add up to a total the viewer can see
    elsewhere (the district, the department); ``totals[column]`` may give those totals' n (rows
    keyed by the other keys) so respondents outside every row count as a hidden rest. This is what
    the explorer calls before showing anything.

    >>> t = pd.DataFrame({"department": ["HR", "IT", "Legal"], "n": [40, 3, 12]})
    >>> protect(t, keys=["department"])["suppressed"].tolist()
    [False, True, True]
    """
    check_min_n(min_n)
    t = table.reset_index(drop=True)
    ids = [tuple(r) for r in t[list(keys)].itertuples(index=False)]
    n = {i: (0 if pd.isna(v) else int(v)) for i, v in zip(ids, t[n_column], strict=True)}
    ms = []
    for col in margins:
        others = [k for k in keys if k != col]
        pos = keys.index(col)
        total_n = {}
        if totals and col in totals:
            tt = totals[col]
            total_n = {
                tuple(r[:-1]): r[-1] for r in tt[[*others, n_column]].itertuples(index=False)
            }
        groups = {}
        for i in ids:
            groups.setdefault(tuple(x for j, x in enumerate(i) if j != pos), []).append(i)
        for g, parts in groups.items():
            rest = max(0, int(total_n.get(g, 0) or 0) - sum(n[p] for p in parts)) if total_n else 0
            ms.append(Margin(("total", col, g), tuple(parts), rest))
    hidden = complementary_cells(n, {i for i, v in n.items() if v < min_n}, ms, min_n=min_n)
    return mask_rows(t, pd.Series([i in hidden for i in ids], index=t.index))


def check_query(
    responses: pd.DataFrame,
    filters: Mapping[str, object],
    *,
    min_n: int = 5,
    respondent: str = "respondent_id",
) -> int:
    """Respondents matching ``filters``; refuse (SurveyDataError) a group too small to show.

    Refused: fewer than ``min_n`` respondents, or a group whose difference from a wider query
    (the same filters with one left out) has between 1 and ``min_n - 1`` respondents — that
    difference is a small group too. A filter value may be a list (any of).

    >>> df = pd.DataFrame({"respondent_id": list("abcdefg"), "department": ["HR"] * 7,
    ...                    "role": ["Teacher"] * 6 + ["Principal"]})
    >>> check_query(df, {"department": "HR"})
    7
    >>> check_query(df, {"department": "HR", "role": "Teacher"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    districtsurvey.errors.SurveyDataError: query: the rest of department=HR (without ...
    """
    check_min_n(min_n)

    def count(f: Mapping[str, object]) -> int:
        mask = pd.Series(True, index=responses.index)
        for col, value in f.items():
            if col not in responses.columns:
                raise SurveyDataError(
                    Problem(
                        "query",
                        f"unknown column '{col}'",
                        hint=f"columns: {', '.join(map(str, responses.columns))}",
                    )
                )
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= responses[col].isin(list(values))
        return int(responses.loc[mask, respondent].nunique())

    hint = (
        f"add or remove a filter; groups under {min_n} and differences under {min_n} are not shown"
    )
    n = count(filters)
    described = ", ".join(f"{k}={v}" for k, v in filters.items()) or "everyone"
    if n < min_n:
        raise SurveyDataError(
            Problem("query", f"{described} has fewer than {min_n} respondents", hint=hint)
        )
    for col in filters:
        wider = {k: v for k, v in filters.items() if k != col}
        rest = count(wider) - n
        if 0 < rest < min_n:
            base = ", ".join(f"{k}={v}" for k, v in wider.items()) or "everyone"
            raise SurveyDataError(
                Problem(
                    "query",
                    f"the rest of {base} (without {col}={filters[col]}) has fewer than "
                    f"{min_n} respondents",
                    hint=hint,
                )
            )
    return n


# --- comments ---

EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[\w-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|org|net|edu|gov|us|k12|mil|info|io|co)\b",
    re.IGNORECASE,
)
PLAIN_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}\b"
    r"(?:\s*(?:ext\.?|x)\s*\d{1,5})?"
    r"|(?<![\w/])\+\d{1,3}(?:[\s.-]?\d{2,4}){2,4}\b"
    r"|(?<![\w/.-])\d{10}\b"
    r"|\b(?:ext\.?|extension|x)\s*\d{3,5}\b",
    re.IGNORECASE,
)
STAFF_ID = re.compile(
    r"\b(?:EMP|ID|STAFF|EE|E|EID|employee\s+(?:id|number|no\.?|#))\s*[-#:]?\s*\d{3,}\b"
    r"|#\s?\d{4,}\b|\b\d{6,}\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][a-zA-Z'’-]+"
TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Coach|Principal|Supt|Superintendent|Director|Nurse|Officer|Sr|Sra"
    rf"|Prof)\.?\s+(?:[A-Z]\.\s*)?{_NAME}(?:\s+{_NAME})?"
)
INITIAL_NAME = re.compile(rf"\b(?:[A-Z]\.\s?){{1,2}}{_NAME}\b|\b{_NAME},\s[A-Z]\.(?!\w)")
FULL_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?\s+(?:[A-Z]\.\s+)?(?:Mc|Mac|O['’])?[A-Z][a-z]+"
    r"(?:['’-][A-Z]?[a-z]+)?\b"
)


def redact_text(text: str, *, keep_names: bool = False) -> str:
    """Replace e-mail addresses, phone numbers, staff ids and (unless ``keep_names``) names.

    >>> redact_text("Call Ms. Alvarez at (555) 123-4567 or j.alvarez@rusd.k12.us")
    'Call [name] at [phone] or [email]'
    >>> redact_text("Thanks to Ms. Alvarez! Reach her at 555.123.4567", keep_names=True)
    'Thanks to Ms. Alvarez! Reach her at [phone]'
    """
    text = PLAIN_EMAIL.sub("[email]", str(text))
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = STAFF_ID.sub("[id]", text)
    if not keep_names:
        text = TITLED_NAME.sub("[name]", text)
        text = INITIAL_NAME.sub("[name]", text)
        text = FULL_NAME.sub(_name_or_phrase, text)
    return text


_NOT_NAMES = {
    "The",
    "This",
    "That",
    "When",
    "They",
    "Thank",
    "Thanks",
    "Our",
    "Their",
    "Please",
    "Human",
    "Resources",
    "Information",
    "Technology",
    "Special",
    "Education",
    "Food",
    "Nutrition",
    "Services",
    "Service",
    "Central",
    "Office",
    "District",
    "School",
    "High",
    "Middle",
    "Elementary",
    "Great",
    "Very",
    "Every",
    "Help",
    "Desk",
    "Risk",
    "Management",
    "Internal",
    "Audit",
    "Title",
    "Payroll",
    "Benefits",
    "Finance",
    "Purchasing",
    "Legal",
    "Grants",
    "Communications",
    "Transportation",
    "Facilities",
    "Maintenance",
    "Custodial",
    "Energy",
    "Warehouse",
    "Printing",
    "Safety",
    "Security",
    "Curriculum",
    "Instruction",
    "English",
    "Learner",
    "Assessment",
    "Accountability",
    "Professional",
    "Development",
    "Student",
    "Health",
    "Athletics",
    "Enrollment",
    "Records",
    "Board",
    "Superintendent",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Spring",
    "Fall",
    "Winter",
    "Summer",
    "Academy",
    "Center",
    "Team",
    "Staff",
    "Department",
    "Also",
    "And",
    "But",
    "Not",
    "Some",
    "Most",
    "More",
    "Less",
    "All",
    "Any",
    "Overall",
    "However",
    "It",
    "I",
    "We",
    "He",
    "She",
}


def _name_or_phrase(match: re.Match) -> str:
    words = re.findall(r"[A-Za-z]+", match.group(0))
    return match.group(0) if words[0] in _NOT_NAMES or words[-1] in _NOT_NAMES else "[name]"


def _shuffle_seed(seed: int, *parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).hexdigest()
    return int(digest[:8], 16)


def redact_comments(
    comments: pd.DataFrame,
    *,
    recognition_questions: tuple[str, ...] | list[str] = (),
    respondents: pd.DataFrame | None = None,
    comment_min_n: int = 10,
    group: tuple[str, ...] = ("department", "wave"),
    seed: int = 0,
) -> pd.DataFrame:
    """Report-safe comments: only groups with at least ``comment_min_n`` respondents, redacted,
    shuffled within each question (independently, so answers cannot be linked across questions),
    without respondent ids or any other per-respondent column.

    ``respondents`` has the group columns and ``n`` (respondents per group; empty where the group
    is suppressed); without it the number of distinct commenters is used.
    """
    check_min_n(comment_min_n)
    if respondents is None:
        respondents = (
            comments.groupby(list(group))["respondent_id"].nunique().rename("n").reset_index()
        )
    counts = respondents.assign(n=respondents["n"].astype("Float64").fillna(0))
    ok = counts.loc[counts["n"] >= comment_min_n, list(group)].drop_duplicates()
    keep = [c for c in ("survey", *group, "question", "text") if c in comments.columns]
    out = comments[keep].merge(ok, on=list(group), how="inner")
    out = out[out["text"].notna() & (out["text"].astype(str).str.strip() != "")]
    recognition = out["question"].isin(list(recognition_questions))
    out["text"] = [
        redact_text(t, keep_names=bool(r)) for t, r in zip(out["text"], recognition, strict=True)
    ]
    parts = [
        part.sample(frac=1, random_state=_shuffle_seed(seed, *key))
        for key, part in out.groupby([*group, "question"], sort=True)
    ]
    out = pd.concat(parts) if parts else out
    return out.reset_index(drop=True)
