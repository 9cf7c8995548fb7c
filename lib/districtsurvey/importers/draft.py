"""``districtsurvey instrument draft EXPORT``: a draft instrument from an export (or a ``.qsf``).

The draft names every column it recognised: Likert items with the scale their answers imply (a
known label set from ``scales.yml``, or codes 1..k), N/A labels, multi-select blocks (over columns
or in one cell), single choices (candidate group columns), open questions, the respondent id, the
wave and the department / role / site columns. It is then imported from the same file; anything
that does not import is left out and listed in the draft's header, so the draft always imports
the file it came from, unchanged, with ``--format auto``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.instrument import parse_instrument
from .detect import key
from .guess import (
    ID_KEYS,
    WAVE_KEYS,
    Col,
    block_base,
    classify,
    columns,
    group_role,
    known_scale_of,
    known_scales,
    short_name,
    slug,
)
from .layouts import LAYOUTS, RawTable
from .spss import read_spss

MAX_ROUNDS = 8


@dataclass
class Draft:
    spec: dict
    notes: list[str] = field(default_factory=list)
    source: str = ""
    format: str = ""

    def to_yaml(self) -> str:
        head = [
            f"# Draft instrument from {Path(self.source).name} (detected format: {self.format}),",
            "# written by `districtsurvey instrument draft`. Check before use: the scales' favorable",
            "# ends, the areas (dimensions) the items belong to, the outcome item, the group columns.",
            *(f"# - {' '.join(n.split())}" for n in self.notes),  # one line each, always
        ]
        body = yaml.safe_dump(
            self.spec, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
        )
        return "\n".join(head) + "\n" + body


def _scale(labels: list[str] | None, points: int, *, low_is_good: bool = False) -> dict:
    k = 2 if points >= 4 else 1
    fav = list(range(points - k + 1, points + 1))
    unf = list(range(1, k + 1))
    if low_is_good:
        fav, unf = unf, fav
    out: dict = {"points": points}
    if labels:
        out["labels"] = list(labels)
    return {**out, "favorable": fav, "unfavorable": unf}


def _read(path: Path, sheet: str | None) -> tuple[str, RawTable]:
    from .read import _detect, _open

    kind, content, note, _ = _open(path)
    detected, rows = _detect(kind, content, path, None, sheet)
    if detected == "tidy":
        raise SurveyDataError(
            Problem(str(path), "this is a tidy file already", hint="give the survey tool's export")
        )
    table = (
        read_spss(content, str(path))
        if detected == "spss"
        else LAYOUTS["csv" if detected == "excel" else detected](rows, str(path))
    )
    return detected, table


def _pick(cols: list[Col], test) -> Col | None:
    return next((c for c in cols if test(c)), None)


def _ids(table: RawTable, wave: Col | None) -> tuple[object, int | None]:
    """The respondent id reference (None: the tool's own id, or row numbers) and its column."""
    if table.id_column is not None:
        ids = [r[table.id_column].strip() for r in table.rows]
        if len(set(ids)) == len(ids) and all(ids):
            return None, table.id_column
    for i, names in enumerate(table.names):
        k = key(names[0]) if names else ""
        ids = [r[i].strip() for r in table.rows]
        if (k not in ID_KEYS and not k.endswith("id")) or not all(ids):
            continue
        match = next((n for n in names if table.find(n) == [i]), None)
        if match is None:
            continue
        if len(set(ids)) == len(ids):
            return match, i
        if wave is not None:
            pairs = {(r[wave.index], r[i]) for r in table.rows}
            if len(pairs) == len(ids):
                return {"columns": [wave.match, match]}, i
    return None, None


def draft_instrument(
    path: str | Path, *, wave: str | None = None, sheet: str | None = None
) -> Draft:
    """A draft instrument for an export (or a Qualtrics ``.qsf`` survey definition)."""
    path = Path(path)
    if path.suffix.lower() == ".qsf":
        from .qsf import draft_from_qsf

        return draft_from_qsf(path)
    fmt, table = _read(path, sheet)
    if not table.rows:
        raise SurveyDataError(Problem(str(path), "no responses: the file has a header only"))
    cols, notes = columns(table)
    for c in cols:
        classify(c, negative_na=table.negative_na)
    spec = _assemble(path, fmt, table, cols, notes, wave)
    draft = Draft(spec, notes, str(path), fmt)
    return verify(path, draft, sheet)


def _assemble(path, fmt, table, cols, notes, wave) -> dict:
    wave_col = _pick(cols, lambda c: key(c.name) in WAVE_KEYS and len(c.distinct) <= 20)
    id_ref, id_at = _ids(table, wave_col)
    id_col = _pick(cols, lambda c: c.index == id_at)
    groups: dict[str, Col] = {}
    for c in cols:
        role = group_role(c)
        if role and role not in groups and c is not id_col and c.kind in {"single", "open"}:
            if len(c.distinct) <= 500 and sum(map(len, c.values)) / len(c.values) <= 80:
                groups[role] = c
    used = {id(c) for c in (wave_col, id_col, *groups.values()) if c is not None}
    rest = [c for c in cols if id(c) not in used]
    imp: dict = {"format": fmt}
    if id_ref is not None:
        imp["respondent_id"] = id_ref
    imp["wave"] = wave_col.match if wave_col else {"value": wave or _year(table) or "wave-1"}
    imp["department"] = groups["department"].match if "department" in groups else {"value": "All"}
    for role in ("role", "site"):
        if role in groups:
            imp[role] = groups[role].match
    spec: dict = {"id": slug(path.stem, set()).lower(), "title": f"Draft: {path.stem}"}
    taken: set[str] = set()
    scales, items, choices, questions = {}, [], [], []
    votes = _votes(rest)
    for c in rest:
        if c.kind == "item":
            name, labels = _item_scale(c, votes)
            if name not in scales:
                scales[name] = _scale(labels, c.points or len(labels))
            text = c.text if c.text != c.name else c.name
            items.append({"id": slug(short_name(c), taken), "text": text, "dimension": name,
                          "scale": name, "match": [c.match]})  # fmt: skip
        elif c.kind == "single":
            choices.append({"id": slug(short_name(c), taken), "text": c.text, "kind": "single",
                            "options": c.options, "match": [c.match]})  # fmt: skip
        elif c.kind == "multi_cell":
            choices.append({"id": slug(short_name(c), taken), "text": c.text, "kind": "multi",
                            "options": c.options, "match": [c.match]})  # fmt: skip
        elif c.kind == "open":
            questions.append({"id": slug(short_name(c), taken), "text": c.text, "match": [c.match]})
    choices += _blocks([c for c in rest if c.kind == "multi_part"], taken, notes)
    if not items and not choices:  # nothing recognised: every column as a single choice
        for c in rest:
            if c.kind in {"skip", "multi_part"}:
                choices.append({"id": slug(short_name(c), taken), "text": c.text,
                                "kind": "single", "options": c.distinct, "match": [c.match]})  # fmt: skip
        notes.append("no scale or choice recognized: each column is read as a single choice")
    skipped = [c.name for c in rest if c.kind == "skip"]
    if skipped:
        notes.append(f"not imported (numbers, dates or ids): {', '.join(skipped[:12])}"
                     + (f" and {len(skipped) - 12} more" if len(skipped) > 12 else ""))  # fmt: skip
    candidates = [c["id"] for c in choices if c["kind"] == "single"]
    if candidates:
        notes.append("candidate group columns (single choices; map one under import: and "
                     f"groups: to break results down by it): {', '.join(candidates[:10])}")  # fmt: skip
    dims: list[dict] = []
    if len(scales) == 1:
        only = next(iter(scales))
        spec["scale"] = scales[only]
        for i in items:
            i["dimension"], i.pop("scale")
        dims = [{"id": "all", "label": "All items"}]
        for i in items:
            i["dimension"] = "all"
    elif scales:
        spec["scales"] = scales
        dims = [{"id": n, "label": f"Items on the {n} scale"} for n in scales]
    if items:
        spec["dimensions"] = dims
        spec["items"] = items
    if questions:
        spec["questions"] = questions
    if choices:
        spec["choices"] = choices
    spec["import"] = imp
    return spec


def _votes(cols: list[Col]) -> dict[str, int]:
    """How many columns each known scale covers (the most common covering scale wins a tie)."""
    votes: dict[str, int] = {}
    for c in cols:
        if c.kind == "item":
            for name in known_scale_of(c.values):
                votes[name] = votes.get(name, 0) + 1
    return votes


def _item_scale(c: Col, votes: dict[str, int]) -> tuple[str, list[str] | None]:
    fits = known_scale_of(c.values)
    if fits:
        name = max(fits, key=lambda n: (votes.get(n, 0), -list(known_scales()).index(n)))
        c.points = len(known_scales()[name])
        return name, list(known_scales()[name])
    return f"points{c.points}", None


def _blocks(parts: list[Col], taken: set[str], notes: list[str]) -> list[dict]:
    """Adjacent multi-select columns of one question as one ``multi`` choice."""
    out, block = [], []
    for c in [*parts, None]:
        if block and (
            c is None
            or block_base(c)[0] != block_base(block[-1])[0]
            or c.index != block[-1].index + 1
        ):
            if len(block) == 1 and len(set(block[0].codes)) == 1:
                notes.append(f"not imported: '{block[0].name}' holds one value only")
            else:
                cols: dict[str, list[str]] = {}
                for b in block:
                    option = block_base(b)[1] or b.name
                    while option in cols:
                        option += "'"
                    cols[option] = [b.match]
                base = block_base(block[0])[0]
                text = (
                    re.split(r"\s*-\s*[^-]*$", block[0].text)[0]
                    if block[0].text != block[0].name
                    else base
                )
                out.append(
                    {"id": slug(base, taken), "text": text, "kind": "multi", "columns": cols}
                )
            block = []
        if c is not None:
            block.append(c)
    return out


def _year(table: RawTable) -> str | None:
    for row in table.rows[:50]:
        for cell in row:
            m = re.match(r"^(20\d\d)-\d\d-\d\d|^\d{1,2}/\d{1,2}/(20\d\d)\b", cell.strip())
            if m:
                return m[1] or m[2]
    return None


def _culprit(p: Problem, spec: dict) -> tuple[str, str] | None:
    """(section, id) of the draft entry a problem is about."""
    text = f"{p.message} {p.hint}"
    for section in ("items", "choices", "questions"):
        for e in spec.get(section, []):
            if re.search(rf"(?:item|choice|question) {re.escape(e['id'])}\b", text):
                return section, e["id"]
    return None


def verify(path: Path, draft: Draft, sheet: str | None) -> Draft:
    """Import the export with the draft; leave out what does not import, and say why."""
    from .read import read_export

    spec = draft.spec
    for _ in range(MAX_ROUNDS):
        ins = parse_instrument(spec, str(path))
        try:
            read_export(path, instrument=ins, sheet=sheet)
            return draft
        except SurveyDataError as err:
            fixed = False
            for p in err.problems:
                hit = _culprit(p, spec)
                if hit:
                    section, gone = hit
                    spec[section] = [e for e in spec[section] if e["id"] != gone]
                    draft.notes.append(f"left out {section[:-1]} {gone}: {p.message}")
                    fixed = True
                elif "duplicate respondent id" in p.message and "respondent_id" in spec["import"]:
                    spec["import"].pop("respondent_id")
                    draft.notes.append(
                        "respondent ids repeat in the file: rows are numbered instead"
                    )
                    fixed = True
                elif "blank department" in p.message:
                    spec.setdefault("groups", {})["department"] = {"missing": "(not given)"}
                    fixed = True
            if not fixed:
                raise
            _tidy_up(spec)
    raise SurveyDataError(Problem(str(path), "no draft instrument imports this file"))


def _tidy_up(spec: dict) -> None:
    """After entries were left out: drop empty sections and scales no item uses."""
    for section in ("items", "choices", "questions"):
        if section in spec and not spec[section]:
            del spec[section]
    if "scales" in spec:
        used = {i["scale"] for i in spec.get("items", [])}
        spec["scales"] = {k: v for k, v in spec["scales"].items() if k in used}
        spec["dimensions"] = [d for d in spec.get("dimensions", []) if d["id"] in used]
        if not spec["scales"]:
            del spec["scales"]
    if "items" not in spec:
        spec.pop("dimensions", None)
        if "choices" in spec:
            spec.pop("scale", None)
            spec.pop("scales", None)
