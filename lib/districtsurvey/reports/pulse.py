"""Pulse waves in the follow-up: a focus statement across last round, the pulses after it and
this round, in time order, with each pulse marked as a pulse.

A pulse is a short survey between full rounds (only the focus statements, ``2026-09-pulse``).
It is shown as a *reading between rounds*, never given a change verdict ("up (significant)", "no
real change") against a full round: the honest-change rule compares two figures of the same survey
asked of the same population, and a pulse is neither (a few statements, answered by whoever chose
to answer a short survey), so its difference from a full round mixes real movement with who
answered. Each pulse point says so in words beside its figure, its marker is drawn differently
(an open diamond labelled "pulse", not joined to the full rounds' line) and the chart's data
table names its kind. The verdict stays the one between the two full rounds (``followup``).
"""

from __future__ import annotations

import pandas as pd

from . import locale as locales
from .department import Report
from .display import Chart, not_shown_reason, pct, say

NOT_SAME = "a shorter survey, not the same sample as the full rounds, so no change is computed against them"


def timeline(r: Report) -> list[str]:
    """Last round's wave, the pulses after it and this wave, in time order.

    >>> run = {"timeline": ["2026-spring", "2026-09-pulse", "2026-fall"], "pulses": ["2026-09-pulse"],
    ...        "compare_to": "2026-spring", "wave": "2026-fall"}
    >>> timeline(Report(run, None, "", "", *[pd.DataFrame()] * 9))
    ['2026-spring', '2026-09-pulse', '2026-fall']
    """
    order = r.run.get("timeline") or r.run.get("waves") or []
    start, end = r.run.get("compare_to"), r.run.get("wave")
    if start not in order or end not in order:
        return []
    return order[order.index(start) : order.index(end) + 1]


def _count(table: pd.DataFrame, wave: str, column: str = "n") -> float:
    row = table[table["wave"] == wave] if len(table) else table
    if row.empty or column not in row.columns:
        return float("nan")
    value = row.iloc[0][column]
    return float("nan") if pd.isna(value) else float(value)


def points(r: Report, item: str) -> pd.DataFrame:
    """One row per wave of :func:`timeline` holding the statement: ``wave``, ``kind`` (``full``
    or ``pulse``), ``pct_favorable`` and ``n`` (empty when hidden), ``respondents`` and
    ``invited`` (pulses). Empty when no pulse asked the statement (nothing to add)."""
    cols = ["wave", "kind", "pct_favorable", "n", "respondents", "invited"]
    pulses = r.pulse_items[r.pulse_items["item"] == item] if len(r.pulse_items) else pd.DataFrame()
    if pulses.empty:  # no pulse asked it: nothing to add (most runs have no pulses at all)
        return pd.DataFrame(columns=cols)
    rows = []
    for wave in timeline(r):
        pulse = wave in set(r.run.get("pulses", []))
        source = pulses if pulse else r.item_history[r.item_history["item"] == item]
        hit = source[source["wave"] == wave] if len(source) else source
        if hit.empty:
            continue
        row = hit.iloc[0]
        hidden = bool(row.get("suppressed")) or pd.isna(row.get("pct_favorable"))
        rows.append(
            {
                "wave": wave,
                "kind": "pulse" if pulse else "full",
                "pct_favorable": float("nan") if hidden else float(row["pct_favorable"]),
                "n": float("nan") if hidden else float(row["n"]),
                "respondents": _count(r.pulse_respondents, wave) if pulse else float("nan"),
                "invited": _count(r.pulse_respondents, wave, "invited") if pulse else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out if (out["kind"] == "pulse").any() else out.iloc[0:0]


def pulse_words(p: dict, *, min_n: int) -> str:
    """One pulse point in words (the wave named as a leader reads it), saying plainly it is not
    the same sample.

    >>> pulse_words({"wave": "2026-09-pulse", "pct_favorable": 57.6, "n": 41.0,
    ...              "respondents": 43.0, "invited": 60.0}, min_n=5)
    'September 2026 pulse: 58% favorable — 41 answered (43 of 60 invited took it); a shorter survey, not the same sample as the full rounds, so no change is computed against them'
    """
    wave = locales.current().wave(p["wave"])
    if pd.isna(p["pct_favorable"]):
        return f"{wave}: not shown ({not_shown_reason(min_n)})"  # the name says "pulse"
    who = f"{p['n']:.0f} answered"
    if pd.notna(p.get("respondents")):
        took = f"{p['respondents']:.0f}"
        if pd.notna(p.get("invited")):
            took += f" of {p['invited']:.0f} invited"
        who += f" ({took} took it)"
    return say(
        "{wave}: {pct} favorable — {who}; " + NOT_SAME,
        wave=wave,
        pct=pct(p["pct_favorable"]),
        who=who,
    )


def wave_chart(table: pd.DataFrame, *, statement: str) -> Chart:
    """% favorable of one statement by wave: full rounds as filled dots joined by a line, pulses
    as open diamonds labelled "pulse" and not joined; hidden figures get no mark."""
    from .plots import FAVORABLE, _axes

    x = range(len(table))
    names = [locales.current().wave(w) for w in table["wave"]]  # "September 2026 pulse"
    ax = _axes(None, 1.8, width=4.2, margins=(0.5, 0.2, 0.15, 0.45))
    full = table["kind"] == "full"
    xs = [i for i, f in zip(x, full, strict=True) if f]
    ax.plot(xs, table.loc[full, "pct_favorable"], "-o", color=FAVORABLE, markersize=6)
    pulse = [i for i, f in zip(x, full, strict=True) if not f]
    ax.plot(
        pulse,
        table.loc[~full, "pct_favorable"],
        "D",
        markerfacecolor="white",
        markeredgecolor="#555555",
        markersize=6,
        linestyle="none",
    )
    for i, (v, kind) in enumerate(zip(table["pct_favorable"], table["kind"], strict=True)):
        if pd.notna(v):
            ax.annotate(pct(v), (i, v), xytext=(0, 5), textcoords="offset points",
                        ha="center", fontsize=8)  # fmt: skip
            if kind == "pulse":
                ax.annotate("pulse", (i, v), xytext=(0, -12), textcoords="offset points",
                            ha="center", fontsize=8, color="#555555")  # fmt: skip
    ax.set_xticks(list(x), [n.replace(" pulse", "\npulse") for n in names], fontsize=8)
    ax.set_xlim(-0.5, len(table) - 0.5)
    ax.set_ylim(0, 110)
    ax.set_yticks([0, 50, 100], ["0%", "50%", "100%"], fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    data = pd.DataFrame(
        {
            "Wave": names,
            "Kind": [
                "pulse (not the same sample)" if k == "pulse" else "full round"
                for k in table["kind"]
            ],  # fmt: skip
            say("% favorable"): [pct(v) for v in table["pct_favorable"]],
            "Answered": ["—" if pd.isna(n) else f"{n:.0f}" for n in table["n"]],
        }
    )
    alt = say(
        "% favorable by wave ({statement}); pulses are not the same sample: ", statement=statement
    ) + ", ".join(
        f"{w} {v}" if k == "pulse" else f"{w} {k} {v}"  # "September 2026 pulse 58%"
        for w, k, v in zip(data["Wave"], table["kind"], data[say("% favorable")], strict=True)
    )
    return Chart.from_axes(ax, alt=alt, data=data)
