"""What the packet's district summary calls: both surveys side by side — each survey's own
summary sections (``summary``, called on that survey's ``District``), and a quadrant of the
departments by service score × engagement index.

Every figure is one survey's report-safe figure, published already in that survey's sections; a
department hidden in either survey is not a point of the quadrant (the chart says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..contracts.plans import STATUSES
from ..prepare.cache import read_run
from . import locale as locales
from .display import Chart, Table, count, pct, say, table
from .district import DISTRICT, District, load_district, with_units
from .figures import label_points
from .html import Html, render
from .packet import packet_folder
from .plots import DISTRICT as INK
from .plots import FAVORABLE, _axes, title
from .rollout import serves_others
from .rollup import average_move, plan_moves
from .units import count_units


@dataclass
class PacketDistrict:
    """The packet run and one ``District`` per survey (its links point at the packet's files)."""

    run: dict
    districts: list[District]

    @property
    def service(self) -> District:
        return next(d for d in self.districts if serves_others(d.instrument))

    @property
    def team(self) -> District:
        return next(d for d in self.districts if not serves_others(d.instrument))

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])


def load(run_dir: str | Path = "") -> PacketDistrict:
    """The packet's district summary data; each survey's department links are the packet's."""
    folder = packet_folder(run_dir)
    run = read_run(folder)
    districts = []
    for s in run["surveys"]:
        d = load_district(folder / s["run_dir"])
        slug = {
            u["surveys"][s["label"]]: u["slug"]
            for u in run["departments"]
            if s["label"] in u["surveys"]
        }
        # the packet's units of this survey only (a survey is prepared whole, for the district)
        units = [{**x, "slug": slug[x["name"]]} for x in d.run["departments"] if x["name"] in slug]
        districts.append(with_units(d, units))
    locales.activate(run.get("params", {}).get("locale", locales.DEFAULT))
    return PacketDistrict(run, districts)


def _index(d: District) -> pd.DataFrame:
    """Per department: the engagement index (the instrument's first index), hidden as NaN."""
    dims = d.dimensions[d.dimensions["kind"] == "index"]
    first = next(iter(d.instrument.indices), None)
    dims = dims[dims["dimension"] == first]
    return dims.set_index("department")["pct_favorable"].where(
        ~dims.set_index("department")["suppressed"].fillna(True).astype(bool)
    )


def _outcome(d: District) -> pd.Series:
    dims = d.dimensions[d.dimensions["dimension"] == d.outcome_dimension].set_index("department")
    return dims["pct_favorable"].where(~dims["suppressed"].fillna(True).astype(bool))


def quadrant_table(k: PacketDistrict) -> pd.DataFrame:
    """One row per department of both surveys: its service score (the service survey's outcome
    area, % favorable), its engagement index, and whether it is a point (shown in both)."""
    service, team = _outcome(k.service), _index(k.team)
    s_label = next(s["label"] for s in k.run["surveys"] if s["survey"] == k.service.instrument.id)
    t_label = next(s["label"] for s in k.run["surveys"] if s["survey"] == k.team.instrument.id)
    rows = []
    for u in k.run["departments"]:
        if len(u["surveys"]) < 2:
            continue
        sv = service.get(u["surveys"][s_label], float("nan"))
        tv = team.get(u["surveys"][t_label], float("nan"))
        rows.append({"department": u["name"], "slug": u["slug"], "service": sv, "engagement": tv})
    t = pd.DataFrame(rows, columns=["department", "slug", "service", "engagement"])
    t["point"] = t["service"].notna() & t["engagement"].notna()
    return t


def _district(d: District, dimension: str) -> float:
    row = d.district[d.district["dimension"] == dimension]
    return float(row["pct_favorable"].iloc[0]) if len(row) else float("nan")


def plot_quadrant(k: PacketDistrict) -> Chart | Html:
    """Departments by service score (x) × engagement index (y), split at the district's values;
    a department hidden in either survey is no point, and the caption names it."""
    t = quadrant_table(k)
    shown, hidden = t[t["point"]], t[~t["point"]]
    if shown.empty:
        return Html.text("No department is shown in both surveys: no quadrant.")
    x0 = _district(k.service, k.service.outcome_dimension)
    y0 = (
        _district(k.team, next(iter(k.team.instrument.indices)))
        if k.team.instrument.indices
        else float("nan")
    )
    ax = _axes(None, 6.5, width=8.0, margins=(0.9, 0.3, 0.6, 0.7))
    ax.scatter(
        shown["service"].round(), shown["engagement"].round(), s=28, color=FAVORABLE, zorder=3
    )
    ax.axvline(round(x0), color=INK, linewidth=1, linestyle="--")
    ax.axhline(round(y0), color=INK, linewidth=1, linestyle="--")
    x, y = shown["service"].round(), shown["engagement"].round()
    label_points(ax, x, y, shown["department"], lines=([round(x0)], [round(y0)]))
    service_label, team_label = k.service.outcome_label, "engagement index"
    ax.set_xlabel(
        say(
            "Service: {area}, % favorable (district {pct}: dashed)", area=service_label, pct=pct(x0)
        ),
        fontsize=9,
    )
    ax.set_ylabel(
        say("Team: {area}, % favorable (district {pct}: dashed)", area=team_label, pct=pct(y0)),
        fontsize=9,
    )
    ax.tick_params(labelsize=9)
    title(ax, say("Service as the schools see it × how the team feels"))
    plt.setp(ax.title, fontsize=10)
    caption = (
        f"{len(shown)} departments shown in both surveys. Right of the dashed line: rated above "
        "the district's service; above it: a team more engaged than the district's. "
        + (
            f"Not a point ({len(hidden)}): {', '.join(hidden['department'])} — hidden in at least "
            f"one survey (fewer than {k.min_n} respondents, or hidden so a smaller group cannot be "
            "worked out by subtraction)."
            if len(hidden)
            else "Every department is a point."
        )
    )
    data = pd.DataFrame(
        {
            "Department": t["department"],
            say("Service (% favorable)"): t["service"].map(pct),
            say("Engagement index (% favorable)"): t["engagement"].map(pct),
        }
    )
    return Chart.from_axes(
        ax, alt=say("Quadrant chart of departments. ") + caption, caption=caption, data=data
    )


def at_a_glance(k: PacketDistrict) -> Html:
    """The first screen: what the packet holds, each survey's respondents and district score."""
    facts = []
    for s, d in zip(k.run["surveys"], k.districts, strict=True):
        total = d.respondents[d.respondents["department"] == DISTRICT]
        n = total["n"].iloc[0] if len(total) else pd.NA
        overall = d.district[d.district["dimension"] == d.outcome_dimension]
        score = pct(overall["pct_favorable"].iloc[0]) if len(overall) else "–"
        facts.append(
            f"{s['label']} ({d.instrument.title}, {d.wave()}): {count(n, d.min_n)} respondents; "
            f"district {d.outcome_label.lower()} {score}"
        )
    both = sum(len(u["surveys"]) > 1 for u in k.run["departments"])
    one = len(k.run["departments"]) - both
    facts.append(
        f"{both} departments get one packet with both surveys; {one} units in one survey only "
        "(schools) get that survey's report"
    )
    return render("packet_overview.html.j2", title=k.run["title"], facts=facts)


def plan_rollup(k: PacketDistrict) -> Table | Html:
    """Last round's plans of the packet's units counted by status, per survey (a packet's plan
    rows each in the survey its Survey column named), and per survey how the statements with a
    plan marked Done moved against the others (no figure of two surveys is combined)."""
    counts, lines, units = {}, [], set()
    for s, d in zip(k.run["surveys"], k.districts, strict=True):
        label = s["label"]
        names = {
            u["surveys"][label]: u["name"] for u in k.run["departments"] if label in u["surveys"]
        }
        plans = d.plans[d.plans["department"].isin(names)] if len(d.plans) else d.plans
        if plans.empty:
            continue
        moved = plan_moves(plans, d.plan_follow)
        counts[label] = moved["status"].value_counts()
        units |= {names[n] for n in moved["department"]}
        done, rest = moved[moved["status"] == "Done"], moved[moved["status"] != "Done"]
        lines += [
            f"{label}: statements with a plan marked Done: {average_move(done)}; in progress, not "
            f"started or dropped: {average_move(rest)}."
        ]
    if not counts:
        return Html.text(
            "No action plans of last round were read back (params previous_run: or plans:)."
        )
    lines.append("This compares the groups within each survey; it does not show that a plan "
                 "caused the change.")  # fmt: skip
    rollup = table(
        pd.DataFrame(
            {"Status": list(STATUSES)}
            | {label: [int(c.get(st, 0)) for st in STATUSES] for label, c in counts.items()}
        ),
        caption=f"Last round's plans of {count_units(sorted(units))}, one row per focus "
        "statement, as the leaders marked them, counted in the survey each statement is from.",
    )
    return Html.join(rollup, render("paragraphs.html.j2", paragraphs=lines))


def department_links(k: PacketDistrict) -> Html:
    """Links to every unit's report (a packet, or one survey's report) and roll-out page."""
    return render("links.html.j2", departments=k.run["departments"])


__all__ = [
    "PacketDistrict",
    "at_a_glance",
    "department_links",
    "load",
    "plan_rollup",
    "plot_quadrant",
    "quadrant_table",
    "table",
]
