"""Run parameters: one pydantic model, validated on load with one clear message per mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import Problem, SurveyDataError
from .instrument import instrument_path
from .waves import is_pulse
from .yamlfiles import load_yaml


class RawExport(BaseModel):
    """A survey tool's export, imported on the fly (see ``districtsurvey import``)."""

    model_config = ConfigDict(extra="forbid")
    path: Path
    format: str = "auto"
    #: the wave of an export without a wave column (default: the run's ``wave``), e.g. a pulse
    wave: str | None = None


class RunParams(BaseModel):
    """A run: which data, which instrument, which wave, which departments, which privacy rules.

    Relative paths are relative to the folder of the params file.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = ""
    instrument: str
    data: list[Path | RawExport]
    wave: str
    compare_to: str | None = None
    waves: list[str] | None = None  # the waves oldest first (default: read from their names)
    departments: Literal["all"] | list[str] = "all"
    min_n: int = Field(5, ge=3)
    comment_min_n: int = Field(10, ge=3)
    max_focus: int = Field(3, ge=1, le=3)
    focus_rule: Literal["gap_x_importance", "lowest"] = "gap_x_importance"
    previous_run: Path | None = None
    #: a folder of last round's edited action-plan workbooks (default: previous_run's action_plans)
    plans: Path | None = None
    #: a district's own tactics file, adding to or overriding data/tactics/default.yml
    tactics: Path | None = None
    report_date: dt.date | None = None  # default: the day the run is prepared
    next_survey: str = ""  # when results will be checked again, e.g. "2027-spring pulse"
    comments: list[Path] = []
    headcounts: Path | None = None
    benchmarks: Path | None = None
    output: Path | None = None
    #: seconds one report may take in the batch before it is stopped and recorded as failed
    report_timeout: float = Field(300, gt=0)
    #: dates and spelling of everything a leader reads (``en-US``, or ``en-GB``)
    locale: Literal["en-US", "en-GB"] = "en-US"
    #: paper size of ``run --pdf`` (``run --paper`` overrides it)
    paper: Literal["letter", "a4"] = "letter"
    #: response rates below this (%) are flagged on the district summary
    low_response_rate: float = Field(60, ge=0, le=100)

    @field_validator("paper", mode="before")
    @classmethod
    def _paper_any_case(cls, value):
        return value.lower() if isinstance(value, str) else value

    @field_validator("data", "comments", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return value if isinstance(value, list) else [value]

    @model_validator(mode="after")
    def _comment_threshold(self) -> RunParams:
        if self.comment_min_n < self.min_n:
            raise ValueError(
                f"comment_min_n ({self.comment_min_n}) must be >= min_n ({self.min_n})"
            )
        return self

    @model_validator(mode="after")
    def _full_rounds(self) -> RunParams:
        """A run reports a full round and compares it with a full round: a pulse wave (a short
        survey of a few statements, not the same sample) is shown only in the follow-up."""
        if is_pulse(self.wave):
            raise ValueError(
                f"wave '{self.wave}' is a pulse wave: a run reports a full round; name the full "
                "wave after it (its follow-up shows the pulse)"
            )
        if self.compare_to is not None and is_pulse(self.compare_to):
            raise ValueError(
                f"compare_to '{self.compare_to}' is a pulse wave: a shorter survey, not the same "
                "sample as a full round, so no change is computed against it; name a full wave "
                "(the follow-up shows the pulse beside it)"
            )
        return self

    @model_validator(mode="after")
    def _wave_list(self) -> RunParams:
        """The ``waves:`` list names each wave once and holds ``wave`` and ``compare_to``."""
        if self.waves is None:
            return self
        twice = sorted({w for w in self.waves if self.waves.count(w) > 1})
        if twice:
            raise ValueError(f"waves: {', '.join(twice)} listed more than once")
        for key in ("wave", "compare_to"):
            value = getattr(self, key)
            if value is not None and value not in self.waves:
                raise ValueError(f"{key} '{value}' is not in the waves list")
        if self.compare_to is not None and self.waves.index(self.compare_to) >= self.waves.index(
            self.wave
        ):
            raise ValueError(f"compare_to '{self.compare_to}' must come before wave '{self.wave}'")
        return self

    @property
    def output_dir(self) -> Path:
        return self.output or Path("outputs") / self.name

    def files(self) -> list[Path]:
        """Every input file the run reads."""
        paths = [d.path if isinstance(d, RawExport) else d for d in self.data]
        paths += list(self.comments)
        paths += [p for p in (self.headcounts, self.benchmarks, self.tactics) if p is not None]
        return paths


def _resolve(params: RunParams, base: Path) -> RunParams:
    def r(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else (base / p).resolve())

    data = [
        d.model_copy(update={"path": r(d.path)}) if isinstance(d, RawExport) else r(d)
        for d in params.data
    ]
    instrument = params.instrument
    if Path(instrument).suffix in {".yml", ".yaml"}:
        instrument = str(r(Path(instrument)))
    return params.model_copy(
        update={
            "data": data,
            "instrument": instrument,
            "comments": [r(p) for p in params.comments],
            "headcounts": r(params.headcounts),
            "benchmarks": r(params.benchmarks),
            "previous_run": r(params.previous_run),
            "plans": r(params.plans),
            "tactics": r(params.tactics),
            "output": r(params.output)
            if params.output
            else (base.parent / "outputs" / params.name),
        }
    )


def load_params(path: str | Path) -> RunParams:
    """Load and check a params file; raise SurveyDataError naming the file and each bad field."""
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise SurveyDataError(Problem(where, "params file not found", hint="see params/demo.yml"))
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SurveyDataError(Problem(where, f"not valid YAML: {exc}")) from exc
    if not isinstance(raw, dict):
        raise SurveyDataError(
            Problem(where, "expected a mapping of keys to values", hint="see params/demo.yml")
        )
    try:
        params = RunParams.model_validate(raw)
    except ValidationError as exc:
        raise SurveyDataError([_problem(where, e) for e in exc.errors()]) from None
    params = _resolve(params, path.resolve().parent)
    missing = [
        Problem(where, f"file not found: {p}", hint="paths are relative to the params file")
        for p in params.files()
        if not p.exists()
    ]
    if params.previous_run and not (params.previous_run / "focus_areas.csv").exists():
        missing.append(
            Problem(
                where,
                f"previous_run: no focus_areas.csv in {params.previous_run}",
                hint="point at the output folder of an earlier run",
            )
        )
    if not instrument_path(params.instrument).exists():
        missing.append(
            Problem(
                where,
                f"instrument: no such instrument '{params.instrument}'",
                hint="an id in data/instruments/ or a path to a .yml",
            )
        )
    if missing:
        raise SurveyDataError(missing)
    return params


def _problem(where: str, error: dict) -> Problem:
    field = ".".join(str(x) for x in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        known = ", ".join(RunParams.model_fields)
        return Problem(where, f"unknown key '{field}'", hint=f"known keys: {known}")
    if error["type"] == "missing":
        return Problem(where, f"missing required key '{field}'")
    return Problem(where, f"{field}: {error['msg']}")
