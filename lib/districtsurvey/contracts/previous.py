"""Last round's run folder (``previous_run``) read back: the focus areas it chose for one survey,
whether it was a run of that survey or a packet of several.

A single-survey run's ``focus_areas.csv`` is read as it is. A packet (``cache/run.json`` with
``kind: packet``) chose at most three focus areas in all for each unit of both surveys; its
``focus_areas.csv`` lists every candidate (``packet_rank``), names each row's survey by its
label and marks the winners ``chosen`` (a coach may edit it if the leaders chose differently). The focus of ``survey`` in a packet is
then: for each unit of both surveys, the packet's rows of that survey (ranked as in the packet,
under the survey's own name for the unit: the rows the leader's workbook follows up); for a unit
of that survey alone (a school) and for the district, the survey's own focus file
(``surveys/<key>/focus_areas.csv``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .errors import Problem, SurveyDataError
from .files import restore_csv

FOCUS_FILE = "focus_areas.csv"  # written by every run, read by the next one (follow-up)
PACKET_COLUMNS = ["department", "packet_rank", "survey", "item"]


def _run_json(folder: Path) -> dict | None:
    path = Path(folder) / "cache" / "run.json"
    if not path.exists():
        return None
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return run if isinstance(run, dict) else None


def packet_run(folder: Path) -> dict | None:
    """The ``run.json`` of a packet's run folder, or None when ``folder`` is not a packet's."""
    run = _run_json(folder)
    return run if run is not None and run.get("kind") == "packet" else None


def _read(path: Path) -> pd.DataFrame:
    try:
        return restore_csv(pd.read_csv(path, dtype={"department": str, "item": str}))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SurveyDataError(Problem(str(path), f"not a readable CSV: {exc}")) from None


def _packet_rows(path: Path, run: dict, labels: dict[str, str]) -> pd.DataFrame:
    """The packet's focus file checked: its columns, each row's survey a label of the packet."""
    if not path.exists():  # a packet that chose no focus area at all writes no file
        return pd.DataFrame(columns=PACKET_COLUMNS)
    table = _read(path)
    lacking = [c for c in PACKET_COLUMNS if c not in table.columns]
    if lacking:
        raise SurveyDataError(
            Problem(str(path), f"missing column(s): {', '.join(lacking)}",
                    hint="a packet's focus file as the run wrote it")
        )  # fmt: skip
    problems = []
    for i, row in enumerate(table.itertuples(index=False), start=2):
        if str(row.survey) not in labels:
            problems.append(
                Problem(str(path), f"'{row.survey}' names no survey of that packet", row=i,
                        column="survey", hint=f"one of {', '.join(labels)}")
            )  # fmt: skip
        rank = pd.to_numeric(pd.Series([row.packet_rank]), errors="coerce").iloc[0]
        if pd.isna(rank) or rank < 1 or rank != int(rank):
            problems.append(
                Problem(str(path), f"'{row.packet_rank}' is not a rank (1, 2, 3 ...)", row=i,
                        column="packet_rank")
            )  # fmt: skip
    if problems:
        raise SurveyDataError(problems)
    table = table.assign(packet_rank=table["packet_rank"].astype(int))
    if "chosen" in table.columns:  # the leaders may have chosen differently: edit this column
        chosen = table["chosen"].astype(str).str.strip().str.lower().isin({"true", "1", "yes"})
    else:
        chosen = table["packet_rank"] <= int(run.get("max_focus", 3))
    table = table[chosen]
    many = table.groupby("department").size()
    if (many > 3).any():
        raise SurveyDataError(
            Problem(str(path), f"more than 3 focus areas chosen for {many[many > 3].index[0]}",
                    column="chosen", hint="at most three in all, across the surveys")
        )  # fmt: skip
    return table


def packet_names(folder: str | Path, *, survey: str) -> dict[str, str]:
    """A packet run's names of its units -> survey ``survey``'s own names for them, where the
    two differ (the packet's ``department_map``); empty when ``folder`` is not a packet's run.
    A run of that survey alone reads the packet's plans, headed with the packet's names, by it.

    >>> packet_names("no/such/run", survey="engagement")
    {}
    """
    run = packet_run(Path(folder))
    if run is None:
        return {}
    label = next((s["label"] for s in run.get("surveys", []) if s.get("survey") == survey), None)
    return {
        u["name"]: u["surveys"][label]
        for u in run.get("departments", [])
        if label in u.get("surveys", {}) and u["surveys"][label] != u["name"]
    }


def previous_focus(folder: str | Path, *, survey: str) -> pd.DataFrame | None:
    """Last round's focus areas of ``survey`` (department, wave, rank, item, ...) from the run
    folder ``folder``; None when that run (a packet or one survey's) did not have this survey
    (the run then recomputes last round's focus, as without ``previous_run``)."""
    folder = Path(folder)
    run = packet_run(folder)
    if run is None:
        one = _run_json(folder)  # a run of another survey has no focus of this one
        if one is not None and one.get("survey") not in (None, survey):
            return None
        return _read(folder / FOCUS_FILE)
    mine = next((s for s in run.get("surveys", []) if s.get("survey") == survey), None)
    if mine is None:
        return None
    label = mine["label"]
    own = _read(folder / mine["run_dir"] / FOCUS_FILE)
    rows = _packet_rows(folder / FOCUS_FILE, run, {s["label"]: s["survey"] for s in run["surveys"]})
    both = {
        u["name"]: u["surveys"][label]
        for u in run.get("departments", [])
        if len(u.get("surveys", {})) > 1 and label in u["surveys"]
    }
    rows = rows[(rows["survey"] == label) & rows["department"].isin(both)]
    texts = own.drop_duplicates("item").set_index("item")["text"] if "text" in own else {}
    chosen = pd.DataFrame(
        {
            "department": rows["department"].map(both),
            "wave": mine["wave"],
            "rank": rows["packet_rank"],
            "item": rows["item"],
            "text": rows["item"].map(lambda i: texts.get(i, i)),
            "pct_favorable": rows.get("pct_favorable"),
            "reason": rows.get("reason"),
        }
    )
    rest = own[~own["department"].isin(set(both.values()))]  # schools and the district
    return pd.concat([chosen, rest], ignore_index=True).reindex(columns=own.columns)
