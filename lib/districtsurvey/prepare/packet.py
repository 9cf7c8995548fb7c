"""Prepare a packet: each survey as its own run (``<run>/surveys/<instrument>/``), then the units
matched across the surveys and one focus list of at most three per unit (``analysis.crossfocus``).

The packet's cache (``<run>/cache/``) holds ``run.json`` (``kind: packet``: the surveys, the units
and which notebook reports each) and ``packet_focus.parquet``; every figure a packet shows comes
from one survey's report-safe cache. A unit in one survey only is reported by that survey's own
department notebook, as in a single-survey run.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from pathlib import Path

import pandas as pd

from ..analysis.crossfocus import rank_across
from ..contracts.errors import Problem, SurveyDataError
from ..contracts.files import atomic_path, safe_csv, sha256_file, write_atomic
from ..contracts.instrument import load_instrument
from ..contracts.packet import PacketParams, read_department_map, survey_key, survey_params
from ..contracts.params import RunParams
from ..contracts.previous import previous_focus
from ..privacy.packets import shown_candidates
from .cache import read_run, read_table
from .inputs import read_inputs, resolve_only, sha256, unique_slugs
from .parallel import side_by_side
from .plans import plans_folder, read_plans
from .run import prepare_run

PACKET_NOTEBOOK = "packet_report"
DEPARTMENT_NOTEBOOK = "department_report"
SUMMARY_NOTEBOOK = "packet_summary"


def match_units(
    names: dict[str, list[str]], mapping: pd.DataFrame | None = None, *, where: str = "params"
) -> list[dict]:
    """Units of the packet: each survey's departments (``names``: survey label -> names) under
    the packet's name for them — the ``mapping`` (``survey, department, packet``) first, else the
    exact name. A unit has ``name`` and ``surveys`` (label -> the name in that survey); a name
    no other survey has is a unit of one survey (a school in the engagement survey).

    >>> m = pd.DataFrame({"survey": ["Team"], "department": ["IT Dept"],
    ...                   "packet": ["Information Technology"]})
    >>> units = match_units({"Service": ["Information Technology", "Payroll"],
    ...                      "Team": ["IT Dept", "Oak Elementary", "Payroll"]}, m)
    >>> [(u["name"], sorted(u["surveys"])) for u in units]
    [('Information Technology', ['Service', 'Team']), ('Oak Elementary', ['Team']), ('Payroll', ['Service', 'Team'])]
    """
    mapping = mapping if mapping is not None else pd.DataFrame(columns=["survey", "department"])
    to_packet = {(r.survey, r.department): r.packet for r in mapping.itertuples(index=False)}
    units: dict[str, dict] = {}
    problems = []
    for label, depts in names.items():
        for dept in depts:
            name = to_packet.get((label, dept), dept)
            unit = units.setdefault(name, {"name": name, "surveys": {}})
            if label in unit["surveys"]:
                problems.append(
                    Problem(
                        where,
                        f"{label}: '{unit['surveys'][label]}' and '{dept}' both become '{name}'",
                        hint="map one department of a survey to each packet name",
                    )
                )
            unit["surveys"][label] = dept
    unused = [f"{s}: {d}" for (s, d) in to_packet if s in names and d not in set(names.get(s, []))]
    if unused:
        problems.append(
            Problem(
                where,
                f"department_map names department(s) not in the data: {'; '.join(unused[:5])}",
                hint="check the spelling against the survey's department names",
            )
        )
    if problems:
        raise SurveyDataError(problems)
    return [units[k] for k in sorted(units)]


def survey_candidates(runs: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """Every survey's own focus areas of this wave on shown statements only, read and checked
    once per survey (not once per unit)."""
    out = {}
    for label, folder in runs.items():
        wave = read_run(folder)["wave"]
        focus = read_table(folder, "focus", wave=wave)
        items = read_table(folder, "items", wave=wave)
        out[label] = shown_candidates(focus, items)  # never a focus on a hidden figure
    return out


def packet_candidates(
    candidates: dict[str, pd.DataFrame], unit: dict, order: list[str]
) -> pd.DataFrame:
    """A unit's focus areas in every survey it is in (``candidates``: ``survey_candidates``).

    >>> service = pd.DataFrame({"department": ["IT", "HR"], "item": ["a", "b"]})
    >>> cands = packet_candidates({"Service": service}, {"surveys": {"Service": "HR"}}, ["Service"])
    >>> cands[["item", "survey", "order", "survey_department"]].values.tolist()
    [['b', 'Service', 0, 'HR']]
    """
    frames = []
    for i, label in enumerate(order):
        if label not in unit["surveys"]:
            continue
        name, focus = unit["surveys"][label], candidates[label]
        focus = focus[focus["department"] == name]
        frames.append(focus.assign(survey=label, order=i, survey_department=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _aliases(mapping: pd.DataFrame, label: str) -> dict[str, str]:
    """The packet's names of units -> survey ``label``'s names for them (``department_map``).

    >>> m = pd.DataFrame({"survey": ["Team"], "department": ["IT Dept"], "packet": ["IT"]})
    >>> _aliases(m, "Team"), _aliases(m, "Service")
    ({'IT': 'IT Dept'}, {})
    """
    mine = mapping[mapping["survey"] == label]
    return dict(zip(mine["packet"], mine["department"], strict=True))


def _sharing(subs: dict[str, RunParams], ids: dict[str, str], label: str) -> set[str]:
    """The other surveys that read the same plans folder as survey ``label``: their workbooks
    there are theirs to read (a workbook of a survey no block reads from it is refused)."""
    mine = plans_folder(subs[label])
    return {
        ids[other]
        for other, sub in subs.items()
        if other != label and mine is not None and plans_folder(sub) == mine
    }


def _check_previous(subs: dict[str, RunParams], ids: dict[str, str], mapping) -> None:
    """Last round's plans and focus (a packet's too) read for every survey of the packet, so a
    broken workbook or focus file stops the run before any survey's cache is written."""
    for label, sub in subs.items():
        if sub.previous_run is not None:
            previous_focus(sub.previous_run, survey=ids[label])
        folder = plans_folder(sub)
        if folder is not None:
            read_plans(
                folder,
                load_instrument(sub.instrument),
                slugs={},
                wave=sub.compare_to,
                strict=sub.plans is not None,
                surveys=_sharing(subs, ids, label),
                aliases=_aliases(mapping, label),
            )


def _statements(folder: Path) -> int:
    ins = load_instrument(read_run(folder)["instrument"])
    return len([i for i in ins.item_ids if i != ins.outcome])


def _data_names(sub: RunParams) -> list[str]:
    """The department names of a survey's data (read once more, before anything is written)."""
    responses = read_inputs(sub, load_instrument(sub.instrument))
    return sorted(responses["department"].dropna().astype(str).unique())


def _select(
    packet: PacketParams,
    names: dict[str, list[str]],
    mapping: pd.DataFrame,
    *,
    params_path: str,
    only: list[str] | None = None,
) -> list[dict]:
    """The packet's units (matched, the ``departments`` asked for, with slugs); ``only`` checked."""
    units = match_units(names, mapping, where=str(packet.department_map or params_path))
    if packet.departments != "all":
        known = {u["name"] for u in units}
        unknown = [d for d in packet.departments if d not in known]
        if unknown:
            raise SurveyDataError(
                Problem(
                    params_path,
                    f"departments: not in any survey: {', '.join(unknown)}",
                    hint="use the packet's names (department_map maps the others)",
                )
            )
        units = [u for u in units if u["name"] in set(packet.departments)]
    for u, slug in zip(units, unique_slugs([u["name"] for u in units]), strict=True):
        u["slug"] = slug
    if only:
        resolve_only(only, units)
    return units


def prepare_any(params, *, params_path: str = "<params>", only: list[str] | None = None) -> Path:
    """``prepare_run`` for an ordinary run, ``prepare_packet`` for a packet."""
    if isinstance(params, PacketParams):
        return prepare_packet(params, params_path=params_path, only=only)
    return prepare_run(params, params_path=params_path, only=only)


def prepare_packet(
    packet: PacketParams, *, params_path: str = "<params>", only: list[str] | None = None
) -> Path:
    """Prepare every survey of the packet, match the units, choose each unit's ≤ 3 focus areas
    across the surveys; write ``<run>/cache/run.json`` last. Returns the packet's run folder."""
    mapping = read_department_map(packet)
    subs = {b.label: survey_params(packet, i) for i, b in enumerate(packet.surveys)}
    if len(mapping) or packet.departments != "all" or only:  # checked before anything is written
        names = {label: _data_names(sub) for label, sub in subs.items()}
        _select(packet, names, mapping, params_path=params_path, only=only)
    ids = {label: load_instrument(sub.instrument).id for label, sub in subs.items()}
    _check_previous(subs, ids, mapping)  # every survey's plans before any survey is written
    runs = side_by_side(  # the surveys at once, each on a core of its own (they share nothing)
        {  # a shared plans folder: each survey reads its rows, the packet's names mapped
            label: partial(
                prepare_run,
                sub,
                params_path=params_path,
                packet={"surveys": _sharing(subs, ids, label), "aliases": _aliases(mapping, label)},
            )
            for label, sub in subs.items()
        }
    )
    order = list(runs)
    names = {label: [d["name"] for d in read_run(runs[label])["departments"]] for label in order}
    units = _select(packet, names, mapping, params_path=params_path)
    own = {  # a one-survey unit keeps its survey's slug: its report links its plan by that slug
        (label, d["name"]): d["slug"]
        for label in order
        for d in read_run(runs[label])["departments"]
    }
    taken = {u["slug"] for u in units}
    for u in units:
        if len(u["surveys"]) == 1:
            ((label, name),) = u["surveys"].items()
            if own[(label, name)] == u["slug"] or own[(label, name)] not in taken:
                taken.discard(u["slug"])
                u["slug"] = own[(label, name)]
                taken.add(u["slug"])
    run_dir = packet.output_dir
    statements = {label: _statements(runs[label]) for label in order}
    focus_frames, departments = [], []
    candidates = survey_candidates(runs)
    for u in units:
        both = len(u["surveys"]) > 1
        entry = {"name": u["name"], "slug": u["slug"], "surveys": u["surveys"]}
        if both:
            entry["notebook"] = PACKET_NOTEBOOK
            cands = packet_candidates(candidates, u, order)
            top = rank_across(cands, statements=statements, max_focus=packet.max_focus)
            if len(top):
                focus_frames.append(top.assign(department=u["name"]))
        else:
            (label,) = u["surveys"]
            entry |= {
                "notebook": DEPARTMENT_NOTEBOOK,
                "run_dir": str(runs[label].relative_to(run_dir)),
                "department": u["surveys"][label],
            }
        departments.append(entry)
    focus = pd.concat(focus_frames, ignore_index=True) if focus_frames else pd.DataFrame()
    cache = run_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    checksums = {}
    with atomic_path(cache / "packet_focus.parquet") as tmp:
        focus.drop(columns=["tier"], errors="ignore").to_parquet(tmp, index=False)
        checksums["packet_focus.parquet"] = sha256_file(tmp)
    for label in order:  # each survey's cache, so --resume trusts the packet only when all whole
        sub = read_run(runs[label])
        rel = f"../{runs[label].relative_to(run_dir).as_posix()}/cache"
        for name in [*sub["cache"], "run.json"]:
            checksums[f"{rel}/{name}"] = sha256_file(runs[label] / "cache" / name)
    surveys = []
    for label in order:
        sub = read_run(runs[label])
        surveys.append(
            {
                "label": label,
                "survey": sub["survey"],
                "title": sub["title"],
                "instrument": sub["instrument"],
                "wave": sub["wave"],
                "compare_to": sub["compare_to"],
                "run_dir": str(runs[label].relative_to(run_dir)),
                "key": survey_key(packet.surveys[order.index(label)]),
                "statements": statements[label],
            }
        )
    if len(focus):
        cols = [
            "department", "packet_rank", "survey", "item", "pct_favorable", "reason", "won",
            "chosen",
        ]  # fmt: skip
        write_atomic(run_dir / "focus_areas.csv", safe_csv(focus[cols]).to_csv(index=False))
    run = {
        "kind": "packet",
        "name": packet.name,
        "title": packet.title or packet.name,
        "survey": "+".join(s["survey"] for s in surveys),
        "wave": " / ".join(dict.fromkeys(s["wave"] for s in surveys)),
        "surveys": surveys,
        "min_n": packet.min_n,
        "comment_min_n": packet.comment_min_n,
        "max_focus": packet.max_focus,
        "date": (packet.report_date or dt.date.today()).isoformat(),
        "summary_notebook": SUMMARY_NOTEBOOK,
        "departments": departments,
        "inputs": [{"path": str(p), "sha256": sha256(p)} for p in packet.files()],
        "params": json.loads(packet.model_dump_json()),
        "cache": checksums,
        "warnings": [  # each survey's (a plan file skipped, a packet's rows of another survey)
            f"{label}: {w}" for label in order for w in read_run(runs[label]).get("warnings", [])
        ],
    }
    write_atomic(cache / "run.json", json.dumps(run, indent=2))  # last: the cache is complete
    return run_dir
