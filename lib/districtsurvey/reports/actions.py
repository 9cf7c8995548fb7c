"""Prefilled 90-day action plans, one row per focus area: goal, tactic, owner, leading indicator.

The plan is a starting point the leader edits (the run writes it as .xlsx and .csv). Tactics come
from the tactics library (``data/tactics/default.yml``, plus a district's own file, params
``tactics:``): for each focus statement in rank order, the first of its tactics (library order)
not already in this plan and not tried in last round's plan; the plan says which one and why.

The plan is in the run's locale: its goals and the library's tactics are our own words, respelled
(``en-GB``: "favourable"); a district's own tactics are its words, kept as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..analysis.goals import goal_words, sized_goal
from ..contracts.files import file_version
from ..contracts.instrument import Instrument
from ..contracts.labels import statement_label
from ..contracts.tactics import DEFAULT_TACTICS, load_tactics
from . import locale as locales
from .records import records

COLUMNS = [
    "department",
    "rank",
    "item",
    "area",
    "statement",
    "goal",
    "goal_kind",
    "n",
    "favorable_now",
    "favorable_target",
    "target_pct",
    "tactics",
    "tactic_id",
    "why",
    "choice",
    "owner",
    "leading_indicator",
    "check_date",
]


def tactics_file(run: dict) -> str | None:
    """The district tactics file of a run (``run.json``'s params), or None."""
    return (run.get("params") or {}).get("tactics")


def finished(plans: pd.DataFrame) -> list[str]:
    """The tactics last round's plans (read back) marked Done or Dropped: not chosen again while
    another is left; a tactic not started or in progress may be kept.

    >>> finished(pd.DataFrame({"tactics": ["A", "B", "C"], "status": ["Done", "In progress",
    ...                                                            "Dropped"]}))
    ['A', 'C']
    """
    if plans is None or plans.empty:
        return []
    return plans.loc[plans["status"].isin(["Done", "Dropped"]), "tactics"].tolist()


def choose_tactics(
    items: list[str],
    library: pd.DataFrame,
    generic: pd.DataFrame,
    *,
    tried: Iterable[str] = (),
) -> list[dict]:
    """One tactic per statement, never the same twice: the first of the statement's tactics (file
    order) not already chosen and not ``tried`` last round (ids or texts); then the generic ones; a tried tactic
    only when nothing else is left. Each pick says why (``choice``).

    >>> lib = pd.DataFrame({"item": ["a", "a", "b"], "id": ["x", "y", "x"], "tactic": ["X", "Y",
    ...     "X"], "indicator": "i", "why": "w", "source": "default.yml"})
    >>> [t["id"] for t in choose_tactics(["a", "b"], lib, lib.iloc[:0])]
    ['x', None]
    >>> [t["id"] for t in choose_tactics(["a", "b"], lib, lib.iloc[:0], tried=["x"])]
    ['y', 'x']
    """
    tried, used, picks = set(tried), set(), []
    general, every = records(generic), records(library)
    for item in items:
        own = [t for t in every if t["item"] == item]
        pool = own + general
        fresh = [t for t in pool if t["id"] not in used and t["tactic"] not in used]
        new = (t for t in fresh if t["id"] not in tried and t["tactic"] not in tried)
        pick = next(new, fresh[0] if fresh else None)
        if pick is None:
            picks.append({"id": None, "tactic": "", "indicator": "", "why": "", "choice": ""})
            continue
        used |= {pick["id"], pick["tactic"]}
        picks.append({**pick, "choice": _choice_words(pick, own, tried)})
    return picks


def _choice_words(pick: dict, own: list[dict], tried: set[str]) -> str:
    ids = [t["id"] for t in own]
    if pick["id"] not in ids:
        return (
            f"A general tactic ({pick['source']}): every tactic for this statement "
            "is already in this plan or was tried last round."
        )
    k = ids.index(pick["id"]) + 1
    where = f"Tactic {k} of {len(ids)} for this statement in {pick['source']}"
    if k == 1:
        return f"{where} (the library's first choice)."
    was_tried = [t["id"] in tried or t["tactic"] in tried for t in own[: k - 1]]
    why = "done or dropped last round" if all(was_tried) else "already in this plan"
    if any(was_tried) and not all(was_tried):
        why = "done or dropped last round, or already in this plan"
    return f"{where}: the earlier one{'s' if k > 2 else ''} {'were' if k > 2 else 'was'} {why}."


def action_plan(
    focus: pd.DataFrame,
    instrument: Instrument,
    *,
    department: str,
    start: dt.date,
    tactics: str | Path | None = None,
    items: pd.DataFrame | None = None,
    tried: Iterable[str] = (),
    days: int = 90,
    locale: locales.Locale | None = None,
) -> pd.DataFrame:
    """One prefilled plan row per focus area (ordered by rank), the goal sized to the number who
    answered the statement (``n`` of ``focus``, else of the department's ``items`` rows), in
    ``locale``'s spelling (default: the active locale).

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> f = pd.DataFrame({"rank": [1], "item": ["ss_timely_response"], "pct_favorable": [58.0],
    ...                   "n": [50]})
    >>> p = action_plan(f, load_instrument("support_services"), department="Finance",
    ...                 start=dt.date(2026, 11, 22))
    >>> p.loc[0, "tactic_id"], p.loc[0, "check_date"], p.loc[0, "goal"][:36]
    ('timely-acknowledge', '2027-02-20', 'From 58% to 78% favorable: about 10 ')
    """
    loc = locales.current(locale)
    dims = instrument.items.set_index("id")["dimension"]
    library, generic = tactic_library(instrument.item_ids, tactics, loc)
    tried = list(tried)
    tried += [loc.spell(str(t)) for t in tried]  # last round's plan, written in another spelling
    focus = focus.sort_values("rank")
    if "n" not in focus.columns:
        focus = focus.merge(items[["item", "n"]], on="item", how="left")
    picks = choose_tactics(list(focus["item"]), library, generic, tried=tried)
    rows = []
    for row, pick in zip(focus.itertuples(), picks, strict=True):
        goal = sized_goal(float(row.pct_favorable), int(row.n))
        rows.append(
            {
                "department": department,
                "rank": int(row.rank),
                "item": row.item,
                "area": instrument.dimension_label(dims.get(row.item, "")),
                "statement": locales.statement_words(statement_label(instrument, row.item), loc),
                "goal": loc.spell(goal_words(goal)),  # numbers only put in: all our words
                "goal_kind": goal.kind,
                "n": goal.n,
                "favorable_now": goal.now,
                "favorable_target": goal.target,
                "target_pct": round(goal.target_pct),
                "tactics": pick["tactic"],
                "tactic_id": pick["id"],
                "why": pick["why"],
                "choice": pick["choice"],
                "owner": f"{department} leader (name a person)",
                "leading_indicator": pick["indicator"],
                "check_date": (start + dt.timedelta(days=days)).isoformat(),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


_LIBRARIES: dict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = {}


def tactic_library(
    item_ids: Iterable[str], tactics: str | Path | None, locale: locales.Locale
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the statements' tactics, the generic ones) of ``load_tactics``, in ``locale``'s spelling
    (``library_spelled``); kept while the tactics files and the spelling are the same (a run plans
    department after department from one library). Shared: read them, never change them.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ids = load_instrument("support_services").item_ids
    >>> us = tactic_library(ids, None, locales.load_locale("en-US"))
    >>> us is tactic_library(ids, None, locales.load_locale("en-US"))
    True
    >>> gb = tactic_library(ids, None, locales.load_locale("en-GB"))
    >>> gb is us, len(gb[0]) == len(us[0])
    (False, True)
    """
    ids = tuple(item_ids)
    try:  # a file replaced or edited is read again
        files = (file_version(DEFAULT_TACTICS), tactics and file_version(tactics))
    except OSError:  # a missing file: load_tactics raises the error that names it
        return _spelled(ids, tactics, locale)
    key = (ids, str(tactics or ""), files, tuple(locale.spelling.items()))
    kept = _LIBRARIES.get(key)
    if kept is None:
        if len(_LIBRARIES) >= 16:
            _LIBRARIES.clear()
        kept = _LIBRARIES[key] = _spelled(ids, tactics, locale)
    return kept


def _spelled(ids: tuple[str, ...], tactics: str | Path | None, locale: locales.Locale) -> tuple:
    library, generic = load_tactics(ids, extra=tactics)
    return library_spelled(library, locale, tactics), library_spelled(generic, locale, tactics)


def library_spelled(
    tactics: pd.DataFrame, locale: locales.Locale, district_file: str | Path | None = None
) -> pd.DataFrame:
    """``tactics`` with the library's own (``default.yml``) tactic, indicator and reason in
    ``locale``'s spelling; a district file's tactics are its own words, never respelled.

    >>> t = pd.DataFrame({"tactic": ["Recognize a colleague"], "indicator": ["i"], "why": ["w"],
    ...                   "source": ["default.yml"]})
    >>> library_spelled(t, locales.load_locale("en-GB"))["tactic"].tolist()
    ['Recognise a colleague']
    """
    if not locale.spelling:  # the library's own spelling (en-US): nothing to respell
        return tactics
    ours = tactics["source"] == DEFAULT_TACTICS.name
    if district_file is not None and Path(district_file).name == DEFAULT_TACTICS.name:
        ours &= False  # a district file of the same name: its words cannot be told from ours
    out = tactics.copy()
    for column in ("tactic", "indicator", "why"):  # each distinct text respelled once
        values = out[column].tolist()
        spelled = {v: locale.spell(v) for v, o in zip(values, ours, strict=True) if o}
        out[column] = [spelled[v] if o else v for v, o in zip(values, ours, strict=True)]
    return out
