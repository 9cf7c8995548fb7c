"""A packet's params: several surveys (``surveys:``) reported together, one leader, one packet.

A params file with a ``surveys:`` list is a packet: each block holds one survey's keys (instrument,
data, comments, headcounts, benchmarks, wave, compare_to, waves, plans, previous_run, focus_rule,
label); the rest of the file is run-wide (name, title, departments, min_n, comment_min_n,
max_focus — at most three in all, across the surveys —, output, locale, paper, report_date,
next_survey, tactics, report_timeout, low_response_rate, department_map; and previous_run /
plans for every block that names none). Each block becomes an ordinary :class:`RunParams`
(``survey_params``), so every survey is prepared as a run of its own.

``previous_run`` may be last round's packet: each survey then follows up the packet's focus areas
of that survey and reads its rows of the packet's plans (``contracts.previous``, ``.plans``).

``department_map`` (optional CSV ``survey, department, packet``) names, per survey (its label or
instrument id), a department whose name differs from the packet's name for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import Problem, SurveyDataError
from .params import RawExport, RunParams, _resolve, load_params
from .params import _problem as _run_problem
from .yamlfiles import load_yaml

#: A survey's label in the packet when the block gives none.
LABELS = {"support_services": "Service", "engagement": "Team"}
MAX_SURVEYS = 2
MAP_COLUMNS = ["survey", "department", "packet"]


class SurveyBlock(BaseModel):
    """One survey of a packet: the per-survey keys of an ordinary params file, and a label."""

    model_config = ConfigDict(extra="forbid")
    label: str = ""
    instrument: str
    data: list[Path | RawExport]
    wave: str
    compare_to: str | None = None
    waves: list[str] | None = None
    focus_rule: Literal["gap_x_importance", "lowest"] = "gap_x_importance"
    previous_run: Path | None = None
    plans: Path | None = None
    comments: list[Path] = []
    headcounts: Path | None = None
    benchmarks: Path | None = None

    @field_validator("data", "comments", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return value if isinstance(value, list) else [value]


RUN_WIDE = {
    "name", "title", "departments", "min_n", "comment_min_n", "max_focus", "output", "locale",
    "paper", "report_date", "next_survey", "tactics", "report_timeout", "low_response_rate",
}  # fmt: skip


class PacketParams(BaseModel):
    """A packet run: the run-wide keys and one block per survey (one or two)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = ""
    surveys: list[SurveyBlock] = Field(min_length=1, max_length=MAX_SURVEYS)
    departments: Literal["all"] | list[str] = "all"
    department_map: Path | None = None
    min_n: int = Field(5, ge=3)
    comment_min_n: int = Field(10, ge=3)
    max_focus: int = Field(3, ge=1, le=3)
    report_date: dt.date | None = None
    next_survey: str = ""
    tactics: Path | None = None
    output: Path | None = None
    report_timeout: float = Field(300, gt=0)
    locale: Literal["en-US", "en-GB"] = "en-US"
    paper: Literal["letter", "a4"] = "letter"
    low_response_rate: float = Field(60, ge=0, le=100)
    #: last round's run folder (a packet's or one survey's), for every block that names none
    previous_run: Path | None = None
    #: a folder of last round's edited plans (packets' and one survey's), for every block too
    plans: Path | None = None

    @model_validator(mode="after")
    def _labels(self) -> PacketParams:
        for block in self.surveys:
            if not block.label:
                block.label = LABELS.get(Path(block.instrument).stem, Path(block.instrument).stem)
        labels = [b.label for b in self.surveys]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise ValueError(f"surveys: label {', '.join(twice)} used twice (give each a label:)")
        if self.comment_min_n < self.min_n:
            raise ValueError(f"comment_min_n ({self.comment_min_n}) must be >= min_n")
        return self

    @property
    def output_dir(self) -> Path:
        return self.output or Path("outputs") / self.name

    def files(self) -> list[Path]:
        """Every input file the packet reads (each survey's, the mapping, the tactics)."""
        paths = [p for i in range(len(self.surveys)) for p in survey_params(self, i).files()]
        return paths + ([self.department_map] if self.department_map else [])


def survey_key(block: SurveyBlock) -> str:
    """The folder name of a survey's own run inside the packet (``surveys/<key>``)."""
    return Path(block.instrument).stem


def survey_params(packet: PacketParams, index: int) -> RunParams:
    """Survey ``index`` of the packet as an ordinary run: its own folder ``surveys/<instrument>``
    of the packet's output, every department (the packet picks its units), the run-wide keys."""
    block = packet.surveys[index]
    keys = block.model_dump(exclude={"label"})
    for key in ("previous_run", "plans"):  # a block's own folder first, else the run-wide one
        keys[key] = keys[key] or getattr(packet, key)
    shared = packet.model_dump(include=RUN_WIDE - {"name", "title", "departments", "output"})
    title = f"{packet.title or packet.name} — {block.label}"
    return RunParams(
        name=f"{packet.name}-{survey_key(block)}",
        title=title,
        departments="all",
        output=packet.output_dir / "surveys" / survey_key(block),
        **keys,
        **shared,
    )


def _problem(where: str, error: dict, raw: dict) -> Problem:
    loc = list(error["loc"])
    if len(loc) >= 2 and loc[0] == "surveys" and isinstance(loc[1], int):
        block = raw["surveys"][loc[1]] if loc[1] < len(raw["surveys"]) else {}
        label = block.get("label") or block.get("instrument") or ""
        name = f"surveys[{loc[1] + 1}]" + (f" ({label})" if label else "")
        field = ".".join(str(x) for x in loc[2:]) or "(the block)"
        if error["type"] == "extra_forbidden":
            hint = "keys of a survey block: " + ", ".join(SurveyBlock.model_fields)
            if loc[2] in RUN_WIDE:
                hint = f"'{loc[2]}' is run-wide: put it at the top of the file, not in a survey"
            return Problem(where, f"{name}: unknown key '{field}'", hint=hint)
        if error["type"] == "missing":
            return Problem(where, f"{name}: missing required key '{field}'")
        return Problem(where, f"{name}: {field}: {error['msg']}")
    if error["type"] == "extra_forbidden" and loc and loc[0] in SurveyBlock.model_fields:
        return Problem(
            where,
            f"'{loc[0]}' is a survey's key",
            hint="with surveys: it goes in each survey block (see params/demo.yml)",
        )
    return _run_problem(where, error)


def load_packet(path: str | Path, raw: dict) -> PacketParams:
    """Check a packet params file (already read as ``raw``); paths resolved against its folder."""
    where = str(path)
    if not isinstance(raw.get("surveys"), list) or not all(
        isinstance(b, dict) for b in raw["surveys"]
    ):
        raise SurveyDataError(
            Problem(where, "surveys: expected a list of survey blocks (instrument, data, wave ...)")
        )
    try:
        packet = PacketParams.model_validate(raw)
    except ValidationError as exc:
        raise SurveyDataError([_problem(where, e, raw) for e in exc.errors()]) from None
    base = Path(path).resolve().parent
    blocks = []
    for block in packet.surveys:
        run = RunParams.model_construct(**{**block.model_dump(), "name": "x", "output": None})
        done = _resolve(run, base)
        blocks.append(block.model_copy(update={k: getattr(done, k) for k in _PATH_KEYS}))
    r = lambda p: None if p is None else (p if p.is_absolute() else (base / p).resolve())  # noqa: E731
    packet = packet.model_copy(
        update={
            "surveys": blocks,
            "department_map": r(packet.department_map),
            "tactics": r(packet.tactics),
            "previous_run": r(packet.previous_run),
            "plans": r(packet.plans),
            "output": r(packet.output) if packet.output else base.parent / "outputs" / packet.name,
        }
    )
    missing = [
        Problem(where, f"file not found: {p}", hint="paths are relative to the params file")
        for p in packet.files()
        if not p.exists()
    ]
    missing += _folders(packet, where)
    if missing:
        raise SurveyDataError(missing)
    return packet


def _folders(packet: PacketParams, where: str) -> list[Problem]:
    """``previous_run`` and ``plans`` folders (run-wide or a block's) checked before any work."""
    problems = []
    for name, block in [("", packet), *((f"surveys[{i + 1}] ", b) for i, b in
                                        enumerate(packet.surveys))]:  # fmt: skip
        run, plans = block.previous_run, block.plans
        if run is not None and not (
            (run / "focus_areas.csv").exists() or (run / "cache" / "run.json").exists()
        ):
            problems.append(
                Problem(where, f"{name}previous_run: no focus_areas.csv in {run}",
                        hint="point at the output folder of an earlier run (a packet's too)")
            )  # fmt: skip
        if plans is not None and not plans.is_dir():
            problems.append(
                Problem(where, f"{name}plans: folder not found: {plans}",
                        hint="a folder of last round's edited .xlsx plans")
            )  # fmt: skip
    return problems


_PATH_KEYS = (
    "data", "instrument", "comments", "headcounts", "benchmarks", "previous_run", "plans",
)  # fmt: skip


def load_any(path: str | Path) -> RunParams | PacketParams:
    """A params file: a packet when it has ``surveys:``, else an ordinary run (``load_params``)."""
    path = Path(path)
    raw = None
    if path.exists():
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            raw = None  # load_params says what is wrong
    if isinstance(raw, dict) and "surveys" in raw:
        return load_packet(path, raw)
    return load_params(path)


def read_department_map(packet: PacketParams) -> pd.DataFrame:
    """The mapping file checked: columns ``survey, department, packet``; each survey a label or
    instrument of the packet; a department mapped once per survey. Empty without a file."""
    if packet.department_map is None:
        return pd.DataFrame(columns=MAP_COLUMNS)
    where = str(packet.department_map)
    try:
        table = pd.read_csv(packet.department_map, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SurveyDataError(Problem(where, f"not a readable CSV: {exc}")) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    lacking = [c for c in MAP_COLUMNS if c not in table.columns]
    if lacking:
        raise SurveyDataError(
            Problem(
                where, f"missing column(s): {', '.join(lacking)}", hint="survey,department,packet"
            )
        )
    table = table[MAP_COLUMNS].apply(lambda c: c.str.strip())
    names = {}
    for b in packet.surveys:
        names[b.label] = b.label
        names[survey_key(b)] = b.label
    problems = []
    for i, row in enumerate(table.itertuples(index=False), start=2):
        if row.survey not in names:
            problems.append(
                Problem(
                    where,
                    f"unknown survey '{row.survey}'",
                    row=i,
                    column="survey",
                    hint=f"one of {', '.join(sorted(names))}",
                )  # fmt: skip
            )
        for col in ("department", "packet"):
            if not getattr(row, col):
                problems.append(Problem(where, "empty name", row=i, column=col))
    table["survey"] = table["survey"].map(names)
    twice = table.duplicated(["survey", "department"], keep="first")
    for i in table.index[twice]:
        problems.append(
            Problem(
                where,
                f"'{table.at[i, 'department']}' is mapped twice",
                row=i + 2,
                column="department",
                hint="map each department once per survey",
            )  # fmt: skip
        )
    if problems:
        raise SurveyDataError(problems)
    return table.reset_index(drop=True)
