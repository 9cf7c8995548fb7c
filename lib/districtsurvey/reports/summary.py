"""What the district summary notebook calls: all departments of a prepared run side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..contracts.instrument import Instrument, load_instrument
from ..prepare.cache import read_run, read_table, run_folder
from . import plots
from .display import Chart, Charts, Table, count, pct, pts, score_columns, table
from .html import Html, render

HEATMAP_ROWS = 28  # departments per heatmap part: one printed page each


@dataclass
class District:
    run: dict
    instrument: Instrument
    dimensions: pd.DataFrame  # current wave, department x dimension
    district: pd.DataFrame  # current wave, district x dimension
    respondents: pd.DataFrame  # current wave, per department and the district
    focus: pd.DataFrame  # the district's system-wide focus areas
    reliability: pd.DataFrame  # Cronbach's alpha per dimension per wave

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])

    @property
    def outcome_dimension(self) -> str:
        items = self.instrument.items.set_index("id")
        return items.loc[self.instrument.outcome or items.index[0], "dimension"]


def load_district(run_dir: str | Path = "") -> District:
    """Load the district-level slice of a prepared run (the demo run when empty)."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    wave = run["wave"]
    names = [d["name"] for d in run["departments"]]
    dims = read_table(folder, "dimensions", wave=wave)
    resp = read_table(folder, "respondents", wave=wave)
    return District(
        run,
        load_instrument(run["instrument"]),
        dims[dims["department"].isin(names)],
        read_table(folder, "district_dimensions", wave=wave),
        resp[resp["department"].isin([*names, "District"])],
        read_table(folder, "focus", department="District"),
        read_table(folder, "reliability"),
    )


def headline(d: District) -> Html:
    total = d.respondents[d.respondents["department"] == "District"]
    n = total["n"].iloc[0] if len(total) else pd.NA
    rate = total["response_rate"].iloc[0] if len(total) else float("nan")
    overall = d.district[d.district["dimension"] == d.outcome_dimension]
    facts = (
        f"{len(d.run['departments'])} departments · {count(n, d.min_n)} respondents"
        + ("" if pd.isna(rate) else f" · response rate {pct(rate)}")
        + f" · wave {d.run['wave']}"
        + (f", compared with {d.run['compare_to']}" if d.run.get("compare_to") else "")
    )
    line = ""
    if len(overall):
        o = overall.iloc[0]
        line = f"District overall: {pct(o['pct_favorable'])} favorable" + (
            ""
            if pd.isna(o["change_pct_favorable"])
            else f", {pts(o['change_pct_favorable'])} points since {o['prev_wave']}"
        )
    return render("headline.html.j2", title=d.run["title"], facts=facts, overall=line)


def heatmap_matrix(d: District) -> pd.DataFrame:
    """Departments x dimensions, % favorable; suppressed cells are empty."""
    dims = d.dimensions[d.dimensions["kind"] == "dimension"]
    m = dims.pivot_table(
        index="department", columns="dimension", values="pct_favorable", dropna=False
    )
    order = [c for c in d.instrument.dimensions["id"] if c in m.columns]
    m = m.reindex(columns=order).reindex(sorted(d.dimensions["department"].unique()))
    m.columns = [d.instrument.dimension_label(c) for c in m.columns]
    return m


def plot_heatmap(d: District) -> Chart | Charts:
    """The departments x areas heatmap; a long one is cut into parts of at most
    ``HEATMAP_ROWS`` departments, on one colour scale, so each part prints on one page."""
    m = heatmap_matrix(d)
    hidden = int(m.isna().sum().sum())
    lowest = m.stack().idxmin() if m.notna().any().any() else None
    caption = (
        (f"Lowest cell: {lowest[0]}, {lowest[1]} ({pct(m.loc[lowest])}). " if lowest else "")
        + f"{hidden} cells are hidden ('–'): fewer than {d.min_n} respondents, or hidden so a small group "
        "cannot be worked out by subtraction."
    )
    center = float(m.stack().mean()) if lowest else None
    parts = max(1, math.ceil(len(m) / HEATMAP_ROWS))
    size = max(1, math.ceil(len(m) / parts))
    charts = []
    for k in range(parts):
        part = m.iloc[k * size : (k + 1) * size]
        where = (
            "" if parts == 1 else f"Part {k + 1} of {parts}: {part.index[0]} to {part.index[-1]}. "
        )
        charts.append(
            Chart.from_axes(
                plots.plot_heatmap(part, min_n=d.min_n, center=center),
                alt=f"{where}Heatmap of % favorable for {len(part)} departments by "
                f"{m.shape[1]} areas. {caption}",
                caption=where + caption,
                data=part.map(pct).rename_axis("Department").reset_index(),
            )
        )
    return charts[0] if parts == 1 else Charts(charts)


def ranking_table(d: District) -> pd.DataFrame:
    """Departments by % favorable on the outcome, with intervals and a plain verdict."""
    t = d.dimensions[d.dimensions["dimension"] == d.outcome_dimension].copy()
    district = d.district[d.district["dimension"] == d.outcome_dimension]["pct_favorable"]
    ref = float(district.iloc[0]) if len(district) else float("nan")
    t["verdict"] = "about the district"
    t.loc[t["fav_low"] > ref, "verdict"] = "excellence: above the district"
    t.loc[t["fav_high"] < ref, "verdict"] = "needs support: below the district"
    t.loc[t["suppressed"], "verdict"] = "not shown"
    return t.sort_values("pct_favorable", ascending=False, na_position="last")


def ranking(d: District) -> Table:
    """Ranked departments; 'excellence'/'needs support' only when the 95% interval clears the district."""
    t = ranking_table(d)
    return table(
        pd.DataFrame(
            {
                "Rank": range(1, len(t) + 1),
                "Department": t["department"],
                **score_columns(t, d.min_n),
                "Verdict": t["verdict"],
            }
        ),
        caption=f"Ranked on '{d.instrument.dimension_label(d.outcome_dimension)}'.",
    )


def excellence_and_support(d: District) -> Html:
    t = ranking_table(d)
    best = t[t["verdict"].str.startswith("excellence")]["department"].tolist()
    need = t[t["verdict"].str.startswith("needs")]["department"].tolist()
    return render(
        "verdicts.html.j2",
        groups=[
            ("Departments of excellence", "95% interval above the district", best),
            ("Departments needing support", "95% interval below the district", need),
        ],
    )


def district_focus(d: District) -> Html:
    """The district's system-wide focus areas (at most three)."""
    if d.focus.empty:
        return Html.text("No system-wide focus area stands out.")
    return render(
        "numbered.html.j2",
        items=[
            f"{d.instrument.item_text(f['item'])} — {pct(f['pct_favorable'])}; {f['reason']}"
            for f in d.focus.to_dict("records")
        ],
    )


def reliability(d: District) -> Table:
    """Cronbach's alpha per dimension and wave (instrument reliability; 0.7+ is usually adequate)."""
    r = d.reliability.assign(area=d.reliability["dimension"].map(d.instrument.dimension_label))
    wide = r.pivot_table(index="area", columns="wave", values="alpha", sort=False)
    waves = [w for w in d.run["waves"] if w in wide.columns]
    return table(
        wide[waves]
        .map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")
        .reset_index()
        .rename(columns={"area": "Area"}),
        caption="Cronbach's α over respondents who answered every item of the area.",
    )


def response_rates(d: District) -> Table:
    t = d.respondents.sort_values("department", key=lambda s: s.eq("District"))
    return table(
        pd.DataFrame(
            {
                "Department": t["department"],
                "Respondents": [count(v, d.min_n) for v in t["n"]],
                "Invited": t["invited"].map(lambda v: "—" if pd.isna(v) else f"{int(v):,}"),
                "Response rate": t["response_rate"].map(pct),
            }
        )
    )


def department_links(d: District) -> Html:
    """Links to every department report and roll-out page (relative: the folder can be moved)."""
    return render("links.html.j2", departments=d.run["departments"])
