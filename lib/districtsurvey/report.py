"""What report notebooks call: load a prepared run's slice, return display-ready objects.

Every table here comes from the run cache, where suppression was already applied; the display
helpers only format. ``load("", "finance")`` prepares the demo run first, so a notebook's Run All
works on a fresh clone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from . import plots
from .instrument import Instrument, load_instrument

PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Report:
    """One department's report-safe slice of a prepared run."""

    run: dict
    instrument: Instrument
    department: str
    slug: str
    items: pd.DataFrame  # current wave, one row per item
    dimensions: pd.DataFrame  # current wave, one row per dimension / index
    history: pd.DataFrame  # dimensions over all waves
    breakdowns: pd.DataFrame
    respondents: pd.DataFrame  # all waves
    comments: pd.DataFrame

    @property
    def min_n(self) -> int:
        return int(self.run["min_n"])


def run_folder(run_dir: str | Path = "") -> Path:
    """The prepared run folder; an empty value means the demo run (prepared if missing)."""
    if run_dir:
        return Path(run_dir)
    folder = PROJECT / "outputs" / "demo"
    if not (folder / "cache" / "run.json").exists():
        from .batch import prepare

        prepare(PROJECT / "params" / "demo.yml")
    return folder


def read_run(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "cache" / "run.json").read_text(encoding="utf-8"))


def _read(run_dir: Path, name: str, **filters) -> pd.DataFrame:
    path = run_dir / "cache" / f"{name}.parquet"
    if not path.exists():
        return pd.DataFrame()
    pushdown = [(k, "==", v) for k, v in filters.items()] or None
    return pd.read_parquet(path, filters=pushdown)


def load(run_dir: str | Path = "", department: str = "") -> Report:
    """Load one department (by slug or name) of a prepared run."""
    folder = run_folder(run_dir)
    run = read_run(folder)
    by_slug = {d["slug"]: d["name"] for d in run["departments"]}
    names = {d["name"] for d in run["departments"]}
    department = department or run["departments"][0]["slug"]
    name = by_slug.get(department) or (department if department in names else None)
    if name is None:
        raise KeyError(f"unknown department '{department}'; known: {', '.join(sorted(by_slug))}")
    instrument = load_instrument(run["instrument"])
    wave = run["wave"]
    items = _read(folder, "items", department=name, wave=wave)
    items = items.assign(
        label=items["item"].map(instrument.item_text),
        dimension=items["item"].map(instrument.items.set_index("id")["dimension"]),
    )
    order = {d: i for i, d in enumerate(instrument.dimensions["id"])}
    history = _read(folder, "dimensions", department=name)
    history = history.assign(label=history["dimension"].map(instrument.dimension_label))
    dims = history[history["wave"] == wave].sort_values("dimension", key=lambda s: s.map(order))
    comments = _read(folder, "comments", department=name, wave=wave)
    return Report(run, instrument, name, slug=[s for s, n in by_slug.items() if n == name][0],
                  items=items.reset_index(drop=True), dimensions=dims.reset_index(drop=True),
                  history=history, breakdowns=_read(folder, "breakdowns", department=name, wave=wave),
                  respondents=_read(folder, "respondents", department=name), comments=comments)


def _pct(v) -> str:
    return "—" if pd.isna(v) else f"{v:.0f}%"


def _pts(v) -> str:
    return "—" if pd.isna(v) else f"{v:+.0f}"


def _n(r: Report, v) -> str:
    return f"fewer than {r.min_n}" if pd.isna(v) else f"{int(v):,}"


def headline(r: Report) -> Markdown:
    """The first screen: who, how many, the overall score and its change."""
    now = r.respondents[r.respondents["wave"] == r.run["wave"]]
    n = now["n"].iloc[0] if len(now) else pd.NA
    rate = now["response_rate"].iloc[0] if len(now) else float("nan")
    outcome = r.items[r.items["item"] == r.instrument.outcome]
    overall = outcome.iloc[0] if len(outcome) else None
    lines = [
        f"# {r.department}",
        f"**{r.instrument.title}, {r.run['wave']}** · respondents: **{_n(r, n)}**"
        + ("" if pd.isna(rate) else f" · response rate: **{rate:.0f}%**"),
    ]
    if overall is not None and not overall["suppressed"]:
        change = overall["change_pct_favorable"]
        since = "" if pd.isna(change) else f", **{_pts(change)} points** since {overall['prev_wave']}"
        lines.append(
            f"Overall: **{_pct(overall['pct_favorable'])} favorable** "
            f"(district {_pct(overall['district_pct_favorable'])}){since}."
        )
    elif overall is not None:
        lines.append(f"Overall: not shown — fewer than {r.min_n} answers.")
    return Markdown("\n\n".join(lines))


def _style(df: pd.DataFrame) -> Styler:
    return df.style.hide(axis="index").set_table_attributes('class="ds-table"')


def dimension_table(r: Report) -> Styler:
    """Dimension scores against the district and the previous wave."""
    d = r.dimensions
    return _style(pd.DataFrame({
        "Area": d["label"], "Respondents": [_n(r, v) for v in d["n"]],
        "% favorable": d["pct_favorable"].map(_pct), "District": d["district_pct_favorable"].map(_pct),
        "vs district (points)": d["vs_district"].map(_pts),
        "Change since last wave": d["change_pct_favorable"].map(_pts),
    }))


def plot_dimensions(r: Report, *, ax=None):
    """% favorable per dimension, district as a marker."""
    ax = plots.plot_favorability(r.dimensions, min_n=r.min_n, ax=ax)
    ax.set_title(f"{r.department}: % favorable by area, {r.run['wave']}", loc="left")
    return ax


def item_table(r: Report) -> Styler:
    """Every item: n, mean, % favorable / neutral / unfavorable, district and change."""
    t = r.items
    return _style(pd.DataFrame({
        "Area": t["dimension"].map(r.instrument.dimension_label), "Statement": t["label"],
        "n": [_n(r, v) for v in t["n"]], "Mean": t["mean"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
        "% fav": t["pct_favorable"].map(_pct), "% neutral": t["pct_neutral"].map(_pct),
        "% unfav": t["pct_unfavorable"].map(_pct), "District": t["district_pct_favorable"].map(_pct),
        "Change": t["change_pct_favorable"].map(_pts),
    }))


def plot_likert(r: Report, *, ax=None):
    """Diverging Likert chart of every item."""
    ax = plots.plot_likert(r.items, min_n=r.min_n, ax=ax)
    ax.set_title(f"{r.department}: how respondents answered, {r.run['wave']}", loc="left")
    return ax


def change_table(r: Report) -> Styler:
    """Dimensions across all waves (% favorable)."""
    h = r.history.pivot_table(index="label", columns="wave", values="pct_favorable", sort=False)
    waves = [w for w in r.run["waves"] if w in h.columns]
    return _style(h[waves].map(_pct).reset_index().rename(columns={"label": "Area"}))


def strengths_and_opportunities(r: Report, *, top: int = 3) -> Markdown:
    """Highest items (strengths) and lowest items against the district (opportunities)."""
    shown = r.items[~r.items["suppressed"]]
    if shown.empty:
        return Markdown(f"Too few answers to name strengths (fewer than {r.min_n}).")
    best = shown.nlargest(top, "pct_favorable")
    worst = shown.assign(gap=shown["pct_favorable"] - shown["district_pct_favorable"]).nsmallest(top, "gap")
    lines = ["**Strengths** (highest % favorable)"]
    lines += [f"- {row.label} — {_pct(row.pct_favorable)}" for row in best.itertuples()]
    lines += ["", "**Opportunities** (furthest below the district)"]
    lines += [f"- {row.label} — {_pct(row.pct_favorable)}, {_pts(row.gap)} points vs district"
              for row in worst.itertuples()]
    return Markdown("\n".join(lines))


def breakdown_table(r: Report, *, by: str | None = None) -> Styler:
    """% favorable by rater group (role or site) and dimension; small groups shown as '—'."""
    b = r.breakdowns
    by = by or (r.instrument.breakdowns[0] if r.instrument.breakdowns else None)
    if b.empty or by is None:
        return _style(pd.DataFrame({"": ["No breakdown in this run."]}))
    b = b[(b["by"] == by) & (b["kind"] == "dimension")]
    b = b.assign(label=b["dimension"].map(r.instrument.dimension_label))
    wide = b.pivot_table(index="group", columns="label", values="pct_favorable", dropna=False)
    n = b.groupby("group")["n"].max()
    wide = wide.map(_pct)
    wide.insert(0, "Respondents", [_n(r, n.get(g)) for g in wide.index])
    return _style(wide.reset_index().rename(columns={"group": by.title()}))


def comments(r: Report, *, per_question: int = 8) -> Markdown:
    """Redacted comments grouped by question, only for groups above the comment threshold."""
    if r.comments.empty:
        return Markdown(f"No comments are shown: fewer than {r.run['comment_min_n']} respondents, "
                        "or no comments were given.")
    texts = dict(zip(r.instrument.questions["id"], r.instrument.questions["text"], strict=True))
    lines = []
    for q, part in r.comments.groupby("question", sort=False):
        lines += [f"**{texts.get(q, q)}**", ""]
        lines += [f"> {t}\n" for t in part["text"].head(per_question)]
    return Markdown("\n".join(lines))


def methods(r: Report) -> Markdown:
    """How every number was made: scale, favorable, N/A, privacy rules, sources."""
    s = r.instrument.scale
    fav = ", ".join(s.labels[v - 1] for v in s.favorable)
    inputs = "\n".join(f"- `{Path(i['path']).name}` sha256 `{i['sha256'][:16]}…`" for i in r.run["inputs"])
    return Markdown(
        f"**Scale.** {s.points}-point agreement scale ({s.labels[0]} = 1 … {s.labels[-1]} = {s.points}). "
        f"**Favorable** = {fav}; neutral = {', '.join(s.labels[v - 1] for v in s.neutral)}; "
        "percentages are over answered items. Reverse-worded statements are flipped before scoring. "
        f"**N/A** ({', '.join(s.na_labels) or 'none'}) and blanks are not scores.\n\n"
        f"**Privacy.** Groups with fewer than {r.min_n} respondents show no figures; comments are shown "
        f"only for groups of at least {r.run['comment_min_n']} respondents, with names, e-mail "
        "addresses, phone numbers and staff ids removed and the order shuffled.\n\n"
        f"**Comparisons.** District = all respondents of the wave; change = this wave "
        f"({r.run['wave']}) minus {r.run.get('compare_to') or 'the previous wave'}, in points of % favorable.\n\n"
        f"**Data sources.**\n{inputs}"
    )
