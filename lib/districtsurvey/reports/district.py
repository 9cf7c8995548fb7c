"""The district-level slice of a prepared run (all departments side by side), and the figures
the district summary's sections share: the ranking with its verdicts, rounded changes.

Everything comes from the run cache's report-safe tables: a figure hidden there stays hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..contracts.instrument import Instrument, load_instrument
from ..prepare.cache import read_run, read_table, run_folder
from . import locale as locales
from .display import pct
from .records import records
from .units import unit_words

DISTRICT = "District"
EXCELLENCE, SUPPORT, ABOUT, HIDDEN = (
    "excellence",
    "needs support",
    "about the district",
    "not shown",
)


@dataclass
class District:
    run: dict
    instrument: Instrument
    dimensions: pd.DataFrame  # current wave, department x dimension
    district: pd.DataFrame  # current wave, district x dimension
    history: pd.DataFrame  # every wave, district x dimension
    respondents: pd.DataFrame  # current wave, per department and the district
    focus: pd.DataFrame  # the district's system-wide focus areas
    follow_up: pd.DataFrame  # how last round's system-wide focus moved
    reliability: pd.DataFrame  # Cronbach's alpha per dimension per wave
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)  # last round's plans, read back
    plan_follow: pd.DataFrame = field(default_factory=pd.DataFrame)  # departments' follow-up

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])

    @property
    def locale(self) -> locales.Locale:
        return locales.for_run(self.run)

    @property
    def low_rate(self) -> float:
        """Response rates below this (%) are flagged (params ``low_response_rate``)."""
        return float((self.run.get("params") or {}).get("low_response_rate", 60))

    @property
    def outcome_dimension(self) -> str:
        items = self.instrument.items.set_index("id")
        return items.loc[self.instrument.outcome or items.index[0], "dimension"]

    @property
    def outcome_label(self) -> str:
        return self.instrument.dimension_label(self.outcome_dimension)

    @property
    def slugs(self) -> dict[str, str]:
        return {d["name"]: d["slug"] for d in self.run["departments"]}

    @cached_property
    def units(self) -> tuple[str, str, str]:
        """What the run's units are called: one, many, and how many (``units.unit_words``;
        "units" and "30 departments and 40 schools" when schools are among them: the engagement
        survey). Read by every section of the summary: worked out once.

        >>> District({"departments": [{"name": "Payroll"}, {"name": "Lakeside Elementary"}]},
        ...          *[None] * 8).units
        ('unit', 'units', '1 department and 1 school')
        """
        return unit_words(d["name"] for d in self.run["departments"])

    def wave(self, wave: str | None = None) -> str:
        """A wave for reading (``2026-fall`` -> ``Fall 2026``); the run's wave by default."""
        return self.locale.wave(wave or self.run["wave"])

    def report(self, department: str) -> str:
        """The relative link to a department's report."""
        return f"departments/{self.slugs[department]}.html"


def load_district(run_dir: str | Path = "") -> District:
    """Load the district-level slice of a prepared run (the demo run when empty) and make its
    locale the active one."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    locales.activate(run)
    wave = run["wave"]
    names = [d["name"] for d in run["departments"]]
    dims = read_table(folder, "dimensions", wave=wave)
    resp = read_table(folder, "respondents", wave=wave)
    history = read_table(folder, "district_dimensions")
    follow = read_table(folder, "follow_up", department=DISTRICT)
    return District(
        run,
        load_instrument(run["instrument"]),
        dims[dims["department"].isin(names)],
        history[history["wave"] == wave],
        history,
        resp[resp["department"].isin([*names, DISTRICT])],
        read_table(folder, "focus", department=DISTRICT),
        follow,
        read_table(folder, "reliability"),
        plans=read_table(folder, "plans"),
        plan_follow=_departments(read_table(folder, "follow_up"), names),
    )


def _departments(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    return table[table["department"].isin(names)] if len(table) else table


def with_units(d: District, units: list[dict]) -> District:
    """``d`` as a run of these units only (``name``, ``slug``: where each one's report is), e.g. a
    packet's units of one survey: the district's own figures stay whole, as a run with
    ``departments:`` keeps them.

    >>> d = District({"departments": [{"name": "HR", "slug": "hr"}]}, None, *[pd.DataFrame()] * 7)
    >>> with_units(d, [{"name": "HR", "slug": "human-resources"}]).report("HR")
    'departments/human-resources.html'
    """
    names = [u["name"] for u in units]
    return replace(
        d,
        run={**d.run, "departments": units},
        dimensions=_departments(d.dimensions, names),
        respondents=_departments(d.respondents, [*names, DISTRICT]),
        plans=_departments(d.plans, names),
        plan_follow=_departments(d.plan_follow, names),
    )


def district_value(d: District, dimension: str | None = None) -> float:
    """The district's % favorable on one area (the outcome area by default); NaN when absent."""
    row = d.district[d.district["dimension"] == (dimension or d.outcome_dimension)]
    return float(row["pct_favorable"].iloc[0]) if len(row) else float("nan")


def ranking_table(d: District) -> pd.DataFrame:
    """Departments by % favorable on the outcome area, with the verdict and why.

    A department is "excellence" / "needs support" only when its whole 95% interval lies above /
    below the district's value; otherwise it is "about the district" (its interval includes it).
    """
    t = d.dimensions[d.dimensions["dimension"] == d.outcome_dimension].copy()
    ref = district_value(d)
    t["verdict"] = ABOUT
    t.loc[t["fav_low"] > ref, "verdict"] = EXCELLENCE
    t.loc[t["fav_high"] < ref, "verdict"] = SUPPORT
    t.loc[t["suppressed"] | t["pct_favorable"].isna(), "verdict"] = HIDDEN
    t["why"] = [_why(row, ref) for row in records(t)]
    return t.sort_values(
        ["pct_favorable", "department"], ascending=[False, True], na_position="last"
    )


def _why(row: dict, ref: float) -> str:
    """The interval that justifies a verdict, in words."""
    if row["verdict"] == HIDDEN:
        return "not shown: too few answers, or hidden to protect a smaller group"
    where = {
        EXCELLENCE: "entirely above",
        SUPPORT: "entirely below",
        ABOUT: "includes",
    }[row["verdict"]]
    return (
        f"95% interval {row['fav_low']:.0f}–{row['fav_high']:.0f}% {where} the district's "
        f"{pct(ref)}"
    )


def change(now, before) -> float:
    """A change as the difference of the displayed (rounded) figures, never "-0".

    >>> change(56.4, 44.6), change(50.2, 50.4)
    (11.0, 0.0)
    """
    if pd.isna(now) or pd.isna(before):
        return float("nan")
    return float(round(now) - round(before)) + 0.0


def signed(points: float) -> str:
    """Signed whole points; '0' never carries a sign.

    >>> signed(4.0), signed(-12.0), signed(-0.0), signed(float("nan"))
    ('+4', '-12', '0', '—')
    """
    if pd.isna(points):
        return "—"
    return "0" if round(points) == 0 else f"{points:+.0f}"


def points(value: float) -> str:
    """A change in words: '+4 points', '-1 point', '0 points'.

    >>> points(4.0), points(-1.0), points(0.0)
    ('+4 points', '-1 point', '0 points')
    """
    return f"{signed(value)} point{'' if abs(round(value)) == 1 else 's'}"
