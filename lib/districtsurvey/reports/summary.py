"""What the district summary notebook calls: the first screen (``overview``), then the detail —
system-wide focus, the heatmap, the full ranking, response rates, reliability, report links.

Every figure comes from the run cache's report-safe tables: a figure hidden there stays hidden.
"""

from __future__ import annotations

import math

import pandas as pd

from . import plots
from .display import Chart, Charts, Table, count, interval, pct, say, table
from .district import (
    DISTRICT,
    HIDDEN,
    District,
    change,
    district_value,
    load_district,
    ranking_table,
    signed,
)
from .html import Html, render
from .overview import at_a_glance, district_focus, district_scores, verdict_rule
from .rollup import plan_rollup

HEATMAP_ROWS = 28  # rows per heatmap part (the district's included): one printed page each

__all__ = [
    "HEATMAP_ROWS",
    "District",
    "at_a_glance",
    "department_links",
    "district_focus",
    "district_scores",
    "heatmap_matrix",
    "load_district",
    "plan_rollup",
    "plot_heatmap",
    "ranking",
    "ranking_table",
    "reliability",
    "response_rates",
]


def heatmap_matrix(d: District) -> pd.DataFrame:
    """Departments x areas, % favorable, with the district's row first; hidden cells are empty."""
    dims = d.dimensions[d.dimensions["kind"] == "dimension"]
    m = dims.pivot_table(
        index="department", columns="dimension", values="pct_favorable", dropna=False
    )
    order = [c for c in d.instrument.dimensions["id"] if c in m.columns]
    m = m.reindex(columns=order).reindex(sorted(d.dimensions["department"].unique()))
    ref = d.district.set_index("dimension")["pct_favorable"].reindex(order)
    m = pd.concat([ref.to_frame(DISTRICT).T, m])
    m.columns = [d.instrument.dimension_label(c) for c in m.columns]
    return m


def plot_heatmap(d: District) -> Chart | Charts:
    """The departments x areas heatmap, colored by points above (blue) or below (orange) the
    district's value of each area; the district's row comes first in every part. A long map
    is cut into parts of at most ``HEATMAP_ROWS`` rows, so each part prints on one page."""
    m = heatmap_matrix(d)
    district, rows = m.loc[[DISTRICT]], m.drop(index=DISTRICT)
    per = max(1, HEATMAP_ROWS - 1)
    parts = max(1, math.ceil(len(rows) / per))
    size = max(1, math.ceil(len(rows) / parts))
    charts = []
    for k in range(parts):
        part = rows.iloc[k * size : (k + 1) * size]
        where = (
            "" if parts == 1 else f"Part {k + 1} of {parts}: {part.index[0]} to {part.index[-1]}. "
        )
        shown = pd.concat([district, part])
        caption = where + _heatmap_caption(d, part, district.iloc[0])
        charts.append(
            Chart.from_axes(
                plots.plot_heatmap(shown, reference=district.iloc[0], min_n=d.min_n),
                alt=f"{where}"
                + say(
                    f"Heatmap of % favorable for {len(part)} {d.units[1]} by {m.shape[1]} areas, "
                )
                + say("colored by points above or below the district. ")
                + caption,
                caption=caption,
                data=shown.map(pct).rename_axis("Department").reset_index(),
            )
        )
    return charts[0] if parts == 1 else Charts(charts)


def _heatmap_caption(d: District, part: pd.DataFrame, ref: pd.Series) -> str:
    """What one part of the map shows: its furthest cell below the district, its hidden cells."""
    gap = part.round() - ref.round()  # points, as the displayed figures differ
    hidden = int(part.isna().sum().sum())
    words = ""
    if gap.notna().any().any():
        dept, area = gap.stack().idxmin()
        below = -gap.loc[dept, area]
        words = (
            f"Furthest below the district here: {dept}, {area} ({pct(part.loc[dept, area])}, "
            + (f"{below:.0f} points below). " if below > 0 else "not below it). ")
        )
    return (
        words
        + say("Color: points above (blue) or below (orange) the district's value of each area; ")
        + (
            f"{hidden} cells are hidden ('–'): fewer than {d.min_n} respondents, or hidden so a "
            "smaller group cannot be worked out by subtraction."
            if hidden
            else "no cell is hidden."
        )
    )


def ranking(d: District) -> Table:
    """Every department ranked on the outcome area, the district's row among them; each name
    links to its report; 'excellence' / 'needs support' only when the 95% interval clears the
    district (the 'Why' column gives the interval)."""
    t = ranking_table(d)
    ref = district_value(d)
    rows = []
    rank = 0
    placed = False
    for r in t.to_dict("records"):
        if not placed and (pd.isna(r["pct_favorable"]) or r["pct_favorable"] < ref):
            rows.append(_district_row(d, ref))
            placed = True
        shown = r["verdict"] != HIDDEN
        rank += shown
        rows.append(
            {
                "Rank": str(rank) if shown else "—",
                "Department": r["department"],
                say("% favorable"): pct(r["pct_favorable"]),
                "Verdict": r["verdict"],
                "95% interval": interval(r["fav_low"], r["fav_high"]),
                "Change": signed(_shown_change(r)),
                "Answered": count(r["n"], d.min_n),
                "Why": r["why"],
            }
        )
    if not placed:
        rows.append(_district_row(d, ref))
    df = pd.DataFrame(rows)
    hrefs = [None if n == DISTRICT else d.report(n) for n in df["Department"]]
    return table(
        df,
        caption=f"Ranked on '{d.outcome_label}'. Answered: people who answered its statements "
        "(the response-rate table counts everyone who answered any statement). " + verdict_rule(d),
        hrefs={"Department": hrefs},
        label=f"Ranking of every {d.units[0]}",
    )


def _shown_change(r: dict) -> float:
    return change(r["pct_favorable"], r.get("prev_pct_favorable"))


def _district_row(d: District, ref: float) -> dict:
    now = d.district[d.district["dimension"] == d.outcome_dimension]
    o = now.iloc[0] if len(now) else {}
    return {
        "Rank": "",
        "Department": DISTRICT,
        say("% favorable"): pct(ref),
        "Verdict": "(the reference)",
        "95% interval": interval(o.get("fav_low"), o.get("fav_high")) if len(now) else "—",
        "Change": signed(_shown_change(o)) if len(now) else "—",
        "Answered": count(o.get("n", pd.NA), d.min_n) if len(now) else "—",
        "Why": "",
    }


def response_rates(d: District) -> Table:
    """Respondents, invited and response rate per department, lowest rate first, rates below
    the params' ``low_response_rate`` flagged; the district's row last."""
    r = d.respondents
    deps = r[r["department"] != DISTRICT].sort_values(
        ["response_rate", "department"], na_position="last"
    )
    t = pd.concat([deps, r[r["department"] == DISTRICT]])
    low = t["response_rate"].round() < d.low_rate  # as displayed: '60%' is not below 60%
    return table(
        pd.DataFrame(
            {
                "Department": t["department"],
                "Respondents": [count(v, d.min_n) for v in t["n"]],
                "Invited": t["invited"].map(lambda v: "—" if pd.isna(v) else f"{int(v):,}"),
                "Response rate": t["response_rate"].map(pct),
                f"Below {pct(d.low_rate)}": ["low" if x else "" for x in low],
            }
        ),
        caption=f"Lowest first. Respondents: people who answered at least one statement about "
        f"the {d.units[0]}. 'low': a response rate below {pct(d.low_rate)} (params "
        "low_response_rate), where results speak for fewer of those invited.",
        hrefs={"Department": [None if n == DISTRICT else d.report(n) for n in t["department"]]},
        label="Response rates",
    )


def reliability(d: District) -> Table:
    """Cronbach's alpha per dimension and wave (instrument reliability; 0.7+ is usually adequate)."""
    r = d.reliability.assign(area=d.reliability["dimension"].map(d.instrument.dimension_label))
    wide = r.pivot_table(index="area", columns="wave", values="alpha", sort=False)
    waves = [w for w in d.run["waves"] if w in wide.columns]
    return table(
        wide[waves]
        .map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")
        .rename(columns=d.wave)
        .reset_index()
        .rename(columns={"area": "Area"}),
        caption="Cronbach's α over respondents who answered every item of the area "
        "(0.7 or more is usually adequate).",
    )


def department_links(d: District) -> Html:
    """Links to every department report and roll-out page (relative: the folder can be moved)."""
    return render("links.html.j2", departments=d.run["departments"])
