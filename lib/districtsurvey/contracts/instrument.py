"""Survey instruments as data: items, dimensions, reverse flags, indices, scale and N/A labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .errors import Problem, SurveyDataError
from .paths import INSTRUMENTS_DIR


@dataclass(frozen=True)
class Scale:
    points: int
    labels: tuple[str, ...]
    favorable: tuple[int, ...]
    neutral: tuple[int, ...]
    unfavorable: tuple[int, ...]
    na_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    """A loaded instrument. ``items`` has columns id, text, dimension, reverse."""

    id: str
    title: str
    unit: str
    breakdowns: tuple[str, ...]
    scale: Scale
    dimensions: pd.DataFrame  # id, label
    items: pd.DataFrame  # id, text, dimension, reverse
    outcome: str | None
    indices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    index_labels: dict[str, str] = field(default_factory=dict)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)  # id, text, recognition
    description: str = ""
    path: str = ""
    import_spec: dict = field(default_factory=dict)  # raw `import:` section (see importers)
    item_match: dict[str, dict] = field(default_factory=dict)  # item/question id -> match, option

    @property
    def item_ids(self) -> list[str]:
        return list(self.items["id"])

    def dimension_label(self, dimension: str) -> str:
        labels = dict(zip(self.dimensions["id"], self.dimensions["label"], strict=True))
        return labels.get(dimension, self.index_labels.get(dimension, dimension))

    def item_text(self, item: str) -> str:
        return dict(zip(self.items["id"], self.items["text"], strict=True)).get(item, item)

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


@cache
def _load(path: Path) -> Instrument:
    where = str(path)
    if not path.exists():
        raise SurveyDataError(
            Problem(
                where, "instrument file not found", hint="give an id in data/instruments/ or a path"
            )
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SurveyDataError(Problem(where, f"not valid YAML: {exc}")) from exc
    problems = [
        Problem(where, f"missing key '{key}'", hint="see data/instruments/engagement.yml")
        for key in ("id", "scale", "items", "dimensions")
        if not isinstance(raw, dict) or key not in raw
    ]
    if problems:
        raise SurveyDataError(problems)
    sc = raw["scale"]
    points = int(sc["points"])
    scale = Scale(
        points=points,
        labels=tuple(sc.get("labels") or [str(v) for v in range(1, points + 1)]),
        favorable=tuple(sc.get("favorable", (points - 1, points))),
        neutral=tuple(sc.get("neutral", ())),
        unfavorable=tuple(sc.get("unfavorable", (1, 2))),
        na_labels=tuple(sc.get("na_labels", ())),
    )
    items = pd.DataFrame(raw["items"])
    items["reverse"] = items.get("reverse", False)
    items["reverse"] = items["reverse"].fillna(False).astype(bool)
    dimensions = pd.DataFrame(raw["dimensions"])
    unknown = sorted(set(items["dimension"]) - set(dimensions["id"]))
    dupes = sorted(items.loc[items["id"].duplicated(), "id"])
    if unknown or dupes:
        raise SurveyDataError(
            [Problem(where, f"item dimension '{d}' is not a listed dimension") for d in unknown]
            + [Problem(where, f"item id '{i}' is listed twice") for i in dupes]
        )
    indices = {ix["id"]: tuple(ix["items"]) for ix in raw.get("indices") or []}
    questions = pd.DataFrame(raw.get("questions") or [], columns=["id", "text", "recognition"])
    questions["recognition"] = questions["recognition"].fillna(False).astype(bool)
    return Instrument(
        id=str(raw["id"]),
        title=str(raw.get("title", raw["id"])),
        unit=str(raw.get("unit", "department")),
        breakdowns=tuple(raw.get("breakdowns") or ()),
        scale=scale,
        dimensions=dimensions[["id", "label"]],
        items=items[["id", "text", "dimension", "reverse"]],
        outcome=raw.get("outcome"),
        indices=indices,
        index_labels={ix["id"]: ix.get("label", ix["id"]) for ix in raw.get("indices") or []},
        questions=questions,
        description=str(raw.get("description", "")),
        path=where,
        import_spec=dict(raw.get("import") or {}),
        item_match={
            str(e["id"]): {k: e[k] for k in ("match", "option") if k in e}
            for e in [*raw["items"], *(raw.get("questions") or [])]
            if isinstance(e, dict) and ("match" in e or "option" in e)
        },
    )


def load_instrument(name: str | Path) -> Instrument:
    """Load an instrument by id or path (cached).

    >>> load_instrument("engagement").scale.points
    5
    """
    return _load(instrument_path(name).resolve())
