"""Survey instruments as data: scales, items, dimensions, reverse flags, indices, group columns.

An instrument file is a contract, validated as strictly as params (``contracts.schema``): unknown
keys, missing references and unquoted ``No``/``Yes`` labels are each one message naming the file
and the key path. ``validate``, ``import`` and ``run`` all load instruments here, so they agree on
what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from .errors import Problem, SurveyDataError
from .files import file_version
from .instrument_checks import build_scales, check_references, pydantic_problem
from .paths import INSTRUMENTS_DIR
from .schema import GROUP_COLUMNS, NOT_GIVEN, InstrumentFile
from .yamlfiles import load_yaml


@dataclass(frozen=True)
class Scale:
    """Codes 1..points with their labels; which codes are favorable, neutral, unfavorable."""

    points: int
    labels: tuple[str, ...]
    favorable: tuple[int, ...]
    neutral: tuple[int, ...]
    unfavorable: tuple[int, ...]
    na_labels: tuple[str, ...] = ()
    name: str = "default"
    title: str = ""

    def top(self) -> str:
        """What "favorable" means on this scale, e.g. ``top-2 of 5``.

        >>> Scale(5, tuple("abcde"), (4, 5), (3,), (1, 2)).top()
        'top-2 of 5'
        """
        fav = sorted(self.favorable)
        if fav and fav == list(range(self.points - len(fav) + 1, self.points + 1)):
            return f"top-{len(fav)} of {self.points}"
        if fav and fav == list(range(1, len(fav) + 1)):
            return f"bottom-{len(fav)} of {self.points}"
        return f"codes {', '.join(map(str, fav))} of {self.points}"


@dataclass(frozen=True)
class Choice:
    """A question that is not scored: ``multi`` (over columns or in one cell), ``single``,
    ``ranking``. Its answers go to the choices table, never to the scores."""

    id: str
    text: str
    kind: str
    options: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # option -> column names
    match: tuple[str, ...] = ()
    separator: str = ", "
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    """A loaded instrument. ``items`` has columns id, text, dimension, reverse, scale, points."""

    id: str
    title: str
    unit: str
    breakdowns: tuple[str, ...]
    scale: Scale  # the default scale (the only one of most instruments)
    dimensions: pd.DataFrame  # id, label
    items: pd.DataFrame  # id, text, dimension, reverse, scale, points
    outcome: str | None
    indices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    index_labels: dict[str, str] = field(default_factory=dict)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)  # id, text, recognition
    description: str = ""
    path: str = ""
    import_spec: dict = field(default_factory=dict)  # the validated `import:` section
    item_match: dict[str, dict] = field(default_factory=dict)  # item/question id -> match, option
    scales: dict[str, Scale] = field(default_factory=dict)  # name -> scale (default included)
    groups: dict[str, str] = field(default_factory=dict)  # group column -> label of a blank
    group_labels: dict[str, str] = field(default_factory=dict)  # extra group column -> title
    choices: tuple[Choice, ...] = ()

    @property
    def item_ids(self) -> list[str]:
        return list(self.items["id"])

    @cached_property
    def _lookup(self) -> dict[str, dict]:
        """Id -> label, text, reverse and scale, built once (reports ask thousands of times)."""
        items = self.items
        return {
            "label": dict(zip(self.dimensions["id"], self.dimensions["label"], strict=True)),
            "text": dict(zip(items["id"], items["text"], strict=True)),
            "reverse": dict(zip(items["id"], items["reverse"].astype(bool), strict=True)),
            "scale": dict(zip(items["id"], items["scale"], strict=True)),
        }

    def dimension_label(self, dimension: str) -> str:
        labels = self._lookup["label"]
        return labels.get(dimension, self.index_labels.get(dimension, dimension))

    def item_text(self, item: str) -> str:
        return self._lookup["text"].get(item, item)

    def is_reverse(self, item: str) -> bool:
        """Whether ``item`` is reverse-worded (False for an unknown id).

        >>> load_instrument("engagement").is_reverse("ee_stay_leave")
        True
        """
        return bool(self._lookup["reverse"].get(item, False))

    def scale_of(self, item: str) -> Scale:
        """The scale an item is answered on (the default scale for an unknown item).

        >>> load_instrument("engagement").scale_of("ee_recommend").points
        5
        """
        name = self._item_scales.get(item)
        return self.scales.get(name, self.scale) if name else self.scale

    @property
    def _item_scales(self) -> dict[str, str]:
        return self._lookup["scale"]

    @property
    def mixed_scales(self) -> bool:
        """True when the items do not all share one scale."""
        return self.items["scale"].nunique() > 1

    @property
    def group_columns(self) -> tuple[str, ...]:
        """department, role, site and any extra group column the instrument declares."""
        return (*GROUP_COLUMNS, *(g for g in self.groups if g not in GROUP_COLUMNS))

    def missing_label(self, column: str) -> str | None:
        """The group a blank ``column`` value belongs to; None for a blank department that the
        instrument does not name (a blank unit is an error, not a group, unless declared).

        >>> load_instrument("engagement").missing_label("role")
        '(not given)'
        """
        if column in self.groups:
            return self.groups[column]
        return None if column == "department" else NOT_GIVEN

    @property
    def recognition_questions(self) -> list[str]:
        if self.questions.empty:
            return []
        return list(self.questions.loc[self.questions["recognition"], "id"])


def instrument_path(name: str | Path) -> Path:
    """Resolve an instrument id (``engagement``) or a path to its YAML file."""
    path = Path(name)
    if path.suffix in {".yml", ".yaml"} or path.exists():
        return path
    return INSTRUMENTS_DIR / f"{name}.yml"


def read_instrument_file(path: Path) -> dict:
    """The YAML of an instrument file as a mapping; a clear error for anything else."""
    where = str(path)
    if not path.exists():
        raise SurveyDataError(
            Problem(
                where, "instrument file not found", hint="give an id in data/instruments/ or a path"
            )
        )
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SurveyDataError(Problem(where, "not UTF-8 text", hint="save it as UTF-8")) from exc
    except yaml.YAMLError as exc:
        raise SurveyDataError(Problem(where, f"not valid YAML: {exc}")) from exc
    if not isinstance(raw, dict):
        raise SurveyDataError(
            Problem(
                where,
                "expected a mapping of keys (id, scale, items ...)",
                hint="see data/instruments/engagement.yml",
            )
        )
    return raw


def parse_instrument(raw: dict, where: str) -> Instrument:
    """Validate an instrument's YAML mapping and build the :class:`Instrument`."""
    try:
        spec = InstrumentFile.model_validate(raw)
    except ValidationError as exc:
        problems = [pydantic_problem(where, e, raw) for e in exc.errors()]
        raise SurveyDataError(list(dict.fromkeys(problems))) from None
    scales, default, problems = build_scales(spec, where, Scale)
    problems += check_references(spec, where, scales)
    if problems:
        raise SurveyDataError(problems)
    return _build(spec, raw, where, scales, default)


def _build(spec: InstrumentFile, raw: dict, where: str, scales: dict, default: str) -> Instrument:
    dim_scale = {d.id: d.scale for d in spec.dimensions}
    flipped = set(spec.reverse)
    items = pd.DataFrame(
        [
            {
                "id": i.id,
                "text": i.text,
                "dimension": i.dimension,
                "reverse": bool(i.reverse or i.id in flipped),
                "scale": i.scale or dim_scale.get(i.dimension) or default,
            }
            for i in spec.items
        ],
        columns=["id", "text", "dimension", "reverse", "scale"],
    )
    items["reverse"] = items["reverse"].astype(bool)
    items["points"] = [scales[s].points for s in items["scale"]]
    dimensions = pd.DataFrame(
        [{"id": d.id, "label": d.label or d.id} for d in spec.dimensions], columns=["id", "label"]
    )
    questions = pd.DataFrame(
        [{"id": q.id, "text": q.text, "recognition": q.recognition} for q in spec.questions],
        columns=["id", "text", "recognition"],
    ).astype({"recognition": bool})
    match = {
        e.id: {k: v for k, v in (("match", e.match), ("option", getattr(e, "option", None))) if v}
        for e in [*spec.items, *spec.questions]
    }
    choices = tuple(
        Choice(
            c.id,
            c.text,
            c.kind,
            tuple(c.options or (c.columns or {}).keys()),
            {k: tuple(v) for k, v in (c.columns or {}).items()},
            tuple(c.match or ()),
            c.separator,
            dict(c.labels),
        )
        for c in spec.choices
    )
    return Instrument(
        id=spec.id,
        title=spec.title or spec.id,
        unit=spec.unit,
        breakdowns=tuple(spec.breakdowns),
        scale=scales[default],
        dimensions=dimensions,
        items=items,
        outcome=spec.outcome,
        indices={ix.id: tuple(ix.items) for ix in spec.indices},
        index_labels={ix.id: ix.label or ix.id for ix in spec.indices},
        questions=questions,
        description=spec.description,
        path=where,
        import_spec=dict(raw.get("import") or {}),
        item_match={k: v for k, v in match.items() if v},
        scales=scales,
        groups={g: s.missing for g, s in spec.groups.items()},
        group_labels={g: s.label or g for g, s in spec.groups.items()},
        choices=choices,
    )


@cache
def _load(path: Path, stamp: tuple[int, int, int] | None = None) -> Instrument:
    """One instrument file, cached per path and (mtime, size): an edited file is read again."""
    return parse_instrument(read_instrument_file(path), str(path))


def load_instrument(name: str | Path) -> Instrument:
    """Load an instrument by id or path (cached until the file changes).

    >>> load_instrument("engagement").scale.points
    5
    """
    path = instrument_path(name).resolve()
    try:
        stamp = file_version(path)
    except OSError:
        stamp = None
    return _load(path, stamp)
