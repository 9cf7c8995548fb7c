"""One department's report-safe slice of a prepared run, and the phrases its sections share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..contracts.instrument import Instrument, load_instrument
from ..contracts.labels import statement_labels
from ..contracts.waves import by_wave
from ..prepare.cache import read_run, read_table, run_folder
from . import locale as locales
from .display import not_shown_reason, pct, pts
from .units import unit_noun

RUN_WAVE = "<the run's wave>"  # Report.wave_label's default

FLAG_WORDS = {
    "up": "up (significant)",
    "down": "down (significant)",
    "no change": "no real change",
    "within noise": "within noise (group too small to tell)",
}


@dataclass
class Report:
    """One department's report-safe slice of a prepared run (current wave unless said)."""

    run: dict
    instrument: Instrument
    department: str
    slug: str
    items: pd.DataFrame
    dimensions: pd.DataFrame
    history: pd.DataFrame  # dimensions over all waves
    item_history: pd.DataFrame  # items over all waves
    breakdowns: pd.DataFrame
    respondents: pd.DataFrame  # all waves
    comments: pd.DataFrame
    focus: pd.DataFrame
    follow_up: pd.DataFrame = field(default_factory=pd.DataFrame)
    benchmarks: pd.DataFrame = field(default_factory=pd.DataFrame)
    hidden_groups: pd.DataFrame = field(default_factory=pd.DataFrame)  # by, hidden (bool)
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)  # last round's plans, read back
    plan_indicators: pd.DataFrame = field(default_factory=pd.DataFrame)  # their values by month
    pulse_items: pd.DataFrame = field(default_factory=pd.DataFrame)  # pulse waves' statements
    pulse_respondents: pd.DataFrame = field(default_factory=pd.DataFrame)  # and respondents

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])

    @property
    def unit(self) -> str:
        """ "school" or "department" (``units.unit_noun``)."""
        return unit_noun(self.department)

    @property
    def wave(self) -> str:
        return self.run["wave"]

    def wave_label(self, wave: str | None = RUN_WAVE) -> str:
        """A wave as a leader reads it (``2026-fall`` -> "Fall 2026" in en-US, "Autumn 2026" in
        en-GB; a name that is not a season as it is; "" for none), the run's wave by default."""
        return locales.current().wave(self.wave if wave is RUN_WAVE else wave)

    @property
    def shown_items(self) -> pd.DataFrame:
        return self.items[~self.items["suppressed"]]


def _in_order(table: pd.DataFrame, column: str, order: list[str], waves: list[str]) -> pd.DataFrame:
    """Rows in wave order, then in instrument order of ``column`` (unknown values last)."""
    pos = {v: i for i, v in enumerate(order)}
    key = table[column].astype(object).map(lambda v: pos.get(v, len(pos)))
    table = table.iloc[key.argsort(kind="stable").to_numpy()]
    return by_wave(table, waves).reset_index(drop=True)


def load(run_dir: str | Path = "", department: str = "") -> Report:
    """Load one department (by slug or name) of a prepared run: its tables in wave order and, in
    a wave, in instrument order (areas, then indices; statements)."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    locales.activate(run)  # the run's dates and spelling for every section
    slugs = {d["slug"]: d["name"] for d in run["departments"]}
    names = {v: k for k, v in slugs.items()}
    department = department or run["departments"][0]["slug"]
    name = slugs.get(department) or (department if department in names else None)
    if name is None:
        raise KeyError(f"unknown department '{department}'; known: {', '.join(sorted(slugs))}")
    ins = load_instrument(run["instrument"])
    wave, waves = run["wave"], run["waves"]
    item_dim = ins.items.set_index("id")["dimension"]
    labels = {i: locales.statement_words(t) for i, t in statement_labels(ins).items()}
    item_history = _in_order(
        read_table(folder, "items", department=name), "item", ins.item_ids, waves
    )
    item_history = item_history.assign(
        label=item_history["item"].map(labels), dimension=item_history["item"].map(item_dim)
    )
    items = item_history[item_history["wave"] == wave]
    areas = [*ins.dimensions["id"], *ins.indices]
    history = _in_order(
        read_table(folder, "dimensions", department=name), "dimension", areas, waves
    )
    history = history.assign(label=history["dimension"].map(ins.dimension_label))
    dims = history[history["wave"] == wave]
    return Report(
        run,
        ins,
        name,
        names[name],
        items=items.reset_index(drop=True),
        dimensions=dims.reset_index(drop=True),
        history=history,
        item_history=item_history,
        breakdowns=read_table(folder, "breakdowns", department=name, wave=wave),
        respondents=read_table(folder, "respondents", department=name),
        comments=read_table(folder, "comments", department=name, wave=wave),
        focus=read_table(folder, "focus", department=name),
        follow_up=read_table(folder, "follow_up", department=name),
        benchmarks=read_table(folder, "benchmarks", department=name),
        hidden_groups=read_table(folder, "hidden_groups", department=name, wave=wave),
        plans=read_table(folder, "plans", department=name),
        plan_indicators=read_table(folder, "plan_indicators", department=name),
        pulse_items=read_table(folder, "pulse_items", department=name),
        pulse_respondents=read_table(folder, "pulse_respondents", department=name),
    )


def _now(r: Report) -> pd.Series | None:
    now = r.respondents[r.respondents["wave"] == r.wave]
    return now.iloc[0] if len(now) else None


def _outcome(r: Report) -> pd.Series | None:
    row = r.items[r.items["item"] == r.instrument.outcome]
    return row.iloc[0] if len(row) and not row.iloc[0]["suppressed"] else None


def _change_words(row) -> str:
    """ "97% in Spring 2026, -2 points, no real change" (the change is the difference of the two
    whole numbers shown), or "" when there is no earlier figure."""
    if pd.isna(row["change_pct_favorable"]):
        return ""
    flag = FLAG_WORDS.get(row.get("change_flag"), "")
    change = pts(row["change_pct_favorable"])
    moved = "no change" if change == "0" else f"{change} points"
    since = locales.current().wave(row["prev_wave"])
    return f"{pct(row['prev_pct_favorable'])} in {since}, {moved}" + (
        f", {flag}" if flag and change != "0" else ""
    )


def _statement(row) -> dict:
    """A statement and its % favorable, for a template list item."""
    return {"label": row["label"], "pct": pct(row["pct_favorable"])}


def _not_shown(r: Report, what: str = "") -> str:
    """Why something is missing: the one "not shown" sentence of every report."""
    lead = f"{what} not shown" if what else "Not shown"
    return f"{lead}: {not_shown_reason(r.min_n)}."


def ranked(table: pd.DataFrame, column: str = "pct_favorable", *, ascending: bool = False):
    """Rows with a figure, by the whole number shown (``ascending`` or not), ties kept in the
    table's (instrument) order: 80.4 and 79.6 both show as 80, so the first listed comes first.

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "pct_favorable": [79.6, 80.4, 91.0]})
    >>> ranked(t)["item"].tolist(), ranked(t, ascending=True)["item"].tolist()
    (['c', 'a', 'b'], ['a', 'b', 'c'])
    >>> t = pd.DataFrame({"item": list("abcd"), "pct_favorable": [50.5, None, 90.0, 49.5],
    ...                   "suppressed": [False, False, True, None]}, index=[9, 8, 7, 6])
    >>> ranked(t)  # no figure, hidden: left out; 50.5 and 49.5 both show as 50 (halves to even)
      item  pct_favorable suppressed
    9    a           50.5      False
    6    d           49.5       None
    """
    values = table[column].to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(values)
    if "suppressed" in table.columns:
        keep &= ~table["suppressed"].fillna(False).to_numpy(dtype=bool)
    rows = np.flatnonzero(keep)  # positions: one take, not a copy per condition
    key = np.round(values[rows])  # halves to even, as pandas' round
    return table.iloc[rows[np.argsort(key if ascending else -key, kind="stable")]]


def tied_first(table: pd.DataFrame, column: str = "pct_favorable", *, lowest: bool) -> pd.DataFrame:
    """The rows tied for the lowest (or highest) whole number shown.

    >>> t = pd.DataFrame({"label": ["Operations", "Timeliness", "Accuracy"],
    ...                   "pct_favorable": [26.2, 25.8, 43.0]})
    >>> tied_first(t, lowest=True)["label"].tolist()
    ['Operations', 'Timeliness']
    """
    t = ranked(table, column, ascending=lowest)
    if t.empty:
        return t
    first = round(float(t[column].iloc[0]))
    return t[t[column].astype(float).round() == first]
