"""What the district summary notebook calls: all departments of a prepared run side by side."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from . import plots
from .instrument import Instrument, load_instrument
from .report import _n, _pct, _read, _style, read_run, run_folder


@dataclass
class District:
    run: dict
    instrument: Instrument
    dimensions: pd.DataFrame  # current wave, department x dimension
    district: pd.DataFrame  # current wave, district x dimension
    respondents: pd.DataFrame  # current wave, per department and the district

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])


def load_district(run_dir: str | Path = "") -> District:
    """Load the district-level slice of a prepared run (the demo run when empty)."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    wave = run["wave"]
    names = [d["name"] for d in run["departments"]]
    dims = _read(folder, "dimensions", wave=wave)
    resp = _read(folder, "respondents", wave=wave)
    return District(run, load_instrument(run["instrument"]), dims[dims["department"].isin(names)],
                    _read(folder, "district_dimensions", wave=wave),
                    resp[resp["department"].isin([*names, "District"])])


def headline(d: District) -> Markdown:
    total = d.respondents[d.respondents["department"] == "District"]
    n = total["n"].iloc[0] if len(total) else pd.NA
    return Markdown(
        f"# {d.run['title']}\n\n**{len(d.run['departments'])} departments** · "
        f"**{_n(d, n)} respondents** · wave {d.run['wave']}"
        + (f", compared with {d.run['compare_to']}" if d.run.get("compare_to") else "")
    )


def heatmap_matrix(d: District) -> pd.DataFrame:
    """Departments x dimensions, % favorable; suppressed cells are empty."""
    dims = d.dimensions[d.dimensions["kind"] == "dimension"]
    m = dims.pivot_table(index="department", columns="dimension", values="pct_favorable", dropna=False)
    order = [c for c in d.instrument.dimensions["id"] if c in m.columns]
    m = m.reindex(columns=order).reindex(sorted(d.dimensions["department"].unique()))
    m.columns = [d.instrument.dimension_label(c) for c in m.columns]
    return m


def plot_heatmap(d: District, *, ax=None):
    ax = plots.plot_heatmap(heatmap_matrix(d), min_n=d.min_n, ax=ax)
    return ax


def ranking(d: District) -> Styler:
    """Departments ranked by % favorable on the outcome's dimension (else the first item's)."""
    items = d.instrument.items.set_index("id")
    outcome = items.loc[d.instrument.outcome or items.index[0], "dimension"]
    t = d.dimensions[d.dimensions["dimension"] == outcome].sort_values(
        "pct_favorable", ascending=False, na_position="last")
    return _style(pd.DataFrame({
        "Rank": range(1, len(t) + 1), "Department": t["department"],
        "Respondents": [_n(d, v) for v in t["n"]], "% favorable": t["pct_favorable"].map(_pct),
        "vs district": t["vs_district"].map(lambda v: "—" if pd.isna(v) else f"{v:+.0f}"),
        "Change": t["change_pct_favorable"].map(lambda v: "—" if pd.isna(v) else f"{v:+.0f}"),
    }))


def response_rates(d: District) -> Styler:
    t = d.respondents.sort_values("department", key=lambda s: s.eq("District"))
    return _style(pd.DataFrame({
        "Department": t["department"], "Respondents": [_n(d, v) for v in t["n"]],
        "Invited": t["invited"].map(lambda v: "—" if pd.isna(v) else f"{int(v):,}"),
        "Response rate": t["response_rate"].map(_pct),
    }))


def department_links(d: District) -> Markdown:
    """Links to every department report (relative, so the run folder can be moved or zipped)."""
    return Markdown("\n".join(
        f"- [{x['name']}](departments/{x['slug']}.html)" for x in d.run["departments"]))
