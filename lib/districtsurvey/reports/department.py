"""One department's report-safe slice of a prepared run, and the phrases its sections share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..contracts.instrument import Instrument, load_instrument
from ..prepare.cache import read_run, read_table, run_folder
from . import locale as locales
from .display import pct, pts

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

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])

    @property
    def wave(self) -> str:
        return self.run["wave"]

    @property
    def shown_items(self) -> pd.DataFrame:
        return self.items[~self.items["suppressed"]]


def load(run_dir: str | Path = "", department: str = "") -> Report:
    """Load one department (by slug or name) of a prepared run."""
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
    wave = run["wave"]
    item_dim = ins.items.set_index("id")["dimension"]
    item_history = read_table(folder, "items", department=name)
    item_history = item_history.assign(
        label=item_history["item"].map(ins.item_text), dimension=item_history["item"].map(item_dim)
    )
    items = item_history[item_history["wave"] == wave]
    order = {d: i for i, d in enumerate(ins.dimensions["id"])}
    history = read_table(folder, "dimensions", department=name)
    history = history.assign(label=history["dimension"].map(ins.dimension_label))
    dims = history[history["wave"] == wave].sort_values("dimension", key=lambda s: s.map(order))
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
    )


def _now(r: Report) -> pd.Series | None:
    now = r.respondents[r.respondents["wave"] == r.wave]
    return now.iloc[0] if len(now) else None


def _outcome(r: Report) -> pd.Series | None:
    row = r.items[r.items["item"] == r.instrument.outcome]
    return row.iloc[0] if len(row) and not row.iloc[0]["suppressed"] else None


def _change_words(row) -> str:
    if pd.isna(row["change_pct_favorable"]):
        return ""
    flag = FLAG_WORDS.get(row.get("change_flag"), "")
    return f"{pts(row['change_pct_favorable'])} points since {row['prev_wave']}" + (
        f", {flag}" if flag else ""
    )


def _statement(row) -> dict:
    """A statement and its % favorable, for a template list item."""
    return {"label": row["label"], "pct": pct(row["pct_favorable"])}


def _not_shown(r: Report, what: str = "") -> str:
    """Why something is missing, e.g. a chart that would be empty: every group in it is hidden."""
    lead = f"{what} not shown" if what else "Not shown"
    return f"{lead}: fewer than {r.min_n} respondents, or hidden to protect a smaller group."
