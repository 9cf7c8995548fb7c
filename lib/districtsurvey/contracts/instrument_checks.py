"""What the instrument schema cannot say on its own: readable messages for schema errors, the
scales with their defaults, and every reference between parts (each problem listed, none fixed)."""

from __future__ import annotations

import difflib
import types
import typing

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import Problem
from .schema import (
    BOOLEAN_HINT,
    GROUP_COLUMNS,
    ImportSpec,
    InstrumentFile,
    Ref,
    YamlBoolean,
    key_path,
)

#: columns of the tidy tables that a declared group column may not take the name of
RESERVED = {"respondent_id", "survey", "wave", "item", "value", "question", "option", "text"}
EXAMPLE = "see data/instruments/engagement.yml"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The schema model that the location ``loc`` (without its last key) points into."""
    node: object = InstrumentFile
    for part in loc:
        if isinstance(part, str) and part.startswith("~"):
            continue
        models = _models(node)
        if not models:
            return None
        model = models[0]
        if isinstance(part, int) or part not in _fields(model):
            node = _element(node)  # a list index or a dict key
            continue
        node = _fields(model)[part].annotation
    found = _models(node)
    return found[0] if found else None


def _fields(model: type[BaseModel]) -> dict:
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _models(tp) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for a in typing.get_args(tp) for m in _models(a)]


def _element(tp):
    """The element type of a list / dict annotation (unions and Annotated unwrapped)."""
    origin = typing.get_origin(tp)
    if origin in (list, dict):
        return typing.get_args(tp)[-1]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(tp):
            if typing.get_origin(arg) in (list, dict):
                return _element(arg)
        return typing.get_args(tp)[0]
    return tp


def _known(model: type[BaseModel] | None) -> list[str]:
    return list(_fields(model)) if model else []


def pydantic_problem(where: str, error: dict, raw: dict) -> Problem:
    """One readable problem from one pydantic error, naming the key path in the file."""
    loc = tuple(error["loc"])
    kind, value = error["type"], error.get("input")
    path = key_path(loc, raw)
    if loc and loc[-1] == "[key]":  # a mapping's key: name it, not its position
        shown = str(value).lower() if isinstance(value, bool) else value
        path = f"{key_path(loc[:-2], raw)}.{shown} (a key)"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _known(_model_at(loc[:-1]))
        close = difflib.get_close_matches(key, known, n=1)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"known keys: {', '.join(known)}"
        if len(loc) == 1:
            return Problem(where, f"unknown top-level key '{key}'", hint=hint)
        return Problem(where, f"{key_path(loc[:-1], raw)}: unknown key '{key}'", hint=hint)
    if kind == "missing":
        key = loc[-1]
        parent = key_path(loc[:-1], raw) if len(loc) > 1 else ""
        hint = {
            "dimension": "every item names its dimension (an id listed under dimensions:)",
            "text": "every item and question has the text respondents saw",
        }.get(str(key), EXAMPLE)
        return Problem(where, f"{parent + ': ' if parent else ''}missing key '{key}'", hint=hint)
    if isinstance((error.get("ctx") or {}).get("error"), YamlBoolean):
        word = "No/Off/False" if value is False else "Yes/On/True"
        return Problem(
            where,
            f"{path}: read as {str(value).lower()} (an unquoted {word}), not as a label",
            hint=BOOLEAN_HINT,
        )
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return Problem(where, f"{path}: '{value}' is not a whole number", hint="e.g. points: 5")
    if kind == "literal_error":
        return Problem(where, f"{path}: '{value}' is not one of {error['ctx']['expected']}")
    if kind == "bool_parsing":
        return Problem(where, f"{path}: '{value}' is not true or false")
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        want = {"list_type": "a list", "dict_type": "a mapping"}.get(kind, "a mapping of keys")
        return Problem(where, f"{path}: expected {want}, got {value!r}", hint=EXAMPLE)
    if kind == "string_type":
        return Problem(
            where, f"{path}: expected text, got {value}", hint="quote it in the instrument"
        )
    if kind == "string_pattern_mismatch":
        return Problem(
            where,
            f"{path}: '{value}' is not a valid id",
            hint="use letters, digits, _ . - (no spaces)",
        )
    return Problem(where, f"{path}: {error['msg']}")


def _default_codes(points: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Favorable and unfavorable codes when a scale does not say: top-2 / bottom-2 from 4 points,
    top-1 / bottom-1 below."""
    k = 2 if points >= 4 else 1
    return tuple(range(points - k + 1, points + 1)), tuple(range(1, k + 1))


def build_scales(spec: InstrumentFile, where: str, scale_cls) -> tuple[dict, str, list[Problem]]:
    """Every named scale (``scale:`` alone is named ``default``), the default's name, problems."""
    problems: list[Problem] = []
    specs = dict(spec.scales)
    default = None
    if isinstance(spec.scale, str):
        default = spec.scale
        if default not in specs:
            problems.append(
                Problem(
                    where,
                    f"scale: '{default}' is not one of the scales ({', '.join(specs) or 'none'})",
                    hint="name a scale listed under scales:",
                )
            )
    elif spec.scale is not None:
        if "default" in specs:
            problems.append(Problem(where, "scales: 'default' is the name of `scale:`"))
        specs = {"default": spec.scale, **specs}
        default = "default"
    if not specs:
        if spec.items or not spec.choices:
            problems.append(
                Problem(where, "missing key 'scale'", hint="give the answer scale; " + EXAMPLE)
            )
        return {"default": scale_cls(5, tuple("12345"), (4, 5), (3,), (1, 2))}, "default", problems
    default = default if default in specs else next(iter(specs))
    scales = {}
    for name, s in specs.items():
        at = "scale" if name == "default" and spec.scale is not None else f"scales.{name}"
        fav, unf = _default_codes(s.points)
        fav = tuple(s.favorable) if s.favorable is not None else fav
        unf = tuple(s.unfavorable) if s.unfavorable is not None else unf
        neu = (
            tuple(s.neutral)
            if s.neutral is not None
            else tuple(c for c in range(1, s.points + 1) if c not in fav + unf)
        )
        labels = tuple(s.labels) if s.labels else tuple(str(v) for v in range(1, s.points + 1))
        if len(labels) != s.points:
            problems.append(
                Problem(
                    where,
                    f"{at}.labels: {len(labels)} labels for {s.points} points",
                    hint="one label per point, lowest code first",
                )
            )
        twice = sorted(
            {x for x in labels if [y.casefold() for y in labels].count(x.casefold()) > 1}
        )
        if twice:
            problems.append(Problem(where, f"{at}.labels: '{twice[0]}' is listed twice"))
        for key, codes in (("favorable", fav), ("neutral", neu), ("unfavorable", unf)):
            bad = [c for c in codes if not 1 <= c <= s.points]
            if bad:
                problems.append(
                    Problem(where, f"{at}.{key}: code {bad[0]} is outside 1..{s.points}")
                )
        if set(fav) & set(unf) or set(neu) & set(fav + unf):
            problems.append(
                Problem(where, f"{at}: a code is in more than one of favorable/neutral/unfavorable")
            )
        if not fav:
            problems.append(Problem(where, f"{at}.favorable: no favorable code"))
        scales[name] = scale_cls(
            s.points, labels, fav, neu, unf, tuple(s.na_labels), name=name, title=s.title
        )
    return scales, default, problems


def _twice(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def check_references(spec: InstrumentFile, where: str, scales: dict) -> list[Problem]:
    """Every reference between the parts of an instrument, each broken one a problem."""
    out: list[Problem] = []
    add = out.append
    items = [i.id for i in spec.items]
    item_set, dims = set(items), [d.id for d in spec.dimensions]
    questions = [q.id for q in spec.questions]
    for what, ids in (("dimension", dims), ("item", items), ("question", questions)):
        out += [Problem(where, f"{what} id '{i}' is listed twice") for i in _twice(ids)]
    out += [
        Problem(where, f"choice id '{c}' is listed twice")
        for c in _twice([c.id for c in spec.choices])
    ]
    for k, d in enumerate(spec.dimensions, 1):
        if d.scale and d.scale not in scales:
            add(_no_scale(where, f"dimensions[{k}] ({d.id}).scale", d.scale, scales))
    for k, i in enumerate(spec.items, 1):
        if i.dimension not in dims:
            add(
                Problem(
                    where,
                    f"items[{k}] ({i.id}).dimension: '{i.dimension}' is not a listed dimension",
                    hint=f"dimensions: {', '.join(dims) or 'none listed'}",
                )
            )
        if i.scale and i.scale not in scales:
            add(_no_scale(where, f"items[{k}] ({i.id}).scale", i.scale, scales))
    if not spec.items and not spec.choices:
        add(Problem(where, "no items and no choices", hint="list the questions under items:"))

    def names_items(at: str, names: list[str], known=item_set, what="item") -> None:
        for n in names:
            if n not in known:
                close = difflib.get_close_matches(n, sorted(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"not an {what} id of {spec.id}"
                add(Problem(where, f"{at}: '{n}' is not an {what} of this instrument", hint=hint))

    names_items("reverse", spec.reverse)
    if spec.outcome is not None:
        names_items("outcome", [spec.outcome])
    for k, ix in enumerate(spec.indices, 1):
        names_items(f"indices[{k}] ({ix.id}).items", ix.items)
        if ix.id in dims:
            add(Problem(where, f"indices[{k}] ({ix.id}): the id is also a dimension id"))
    taken = item_set | set(questions)
    for k, c in enumerate(spec.choices, 1):
        at = f"choices[{k}] ({c.id})"
        if c.id in taken:
            add(Problem(where, f"{at}: the id is also an item or question id"))
        if c.kind == "ranking" and not c.columns:
            add(Problem(where, f"{at}: a ranking needs `columns:` (option: column)"))
        if c.kind in {"single", "multi"} and not c.columns and not c.match:
            add(Problem(where, f"{at}: give `match:` (its column) or `columns:` (option: column)"))
        if c.kind == "multi" and not c.columns and not c.options:
            add(Problem(where, f"{at}: a multi-select in one cell needs its `options:`"))
    for name in spec.groups:
        if name in RESERVED or not name.isidentifier():
            add(Problem(where, f"groups.{name}: not a usable group column name"))
    group_names = (*GROUP_COLUMNS, *spec.groups)
    for b in spec.breakdowns:
        if b not in group_names[1:]:
            add(
                Problem(
                    where,
                    f"breakdowns: '{b}' is not a group column",
                    hint=f"one of {', '.join(group_names[1:])} (declare others under groups:)",
                )
            )
    out += _check_import(spec, where, item_set, taken, group_names)
    return out


def _no_scale(where: str, at: str, name: str, scales: dict) -> Problem:
    return Problem(
        where, f"{at}: no scale named '{name}'", hint=f"scales: {', '.join(scales) or 'none'}"
    )


def _check_import(spec, where, item_set, taken, group_names) -> list[Problem]:
    out: list[Problem] = []
    imp = spec.import_
    known = list(ImportSpec.model_fields)
    for key, value in (imp.model_extra or {}).items():
        if key not in group_names:
            close = difflib.get_close_matches(key, known + list(group_names), n=1)
            hint = (f"did you mean '{close[0]}'? " if close else "") + (
                f"known keys: {', '.join(known)}; declare `{key}` under groups: to import it as "
                "a group column"
            )
            out.append(Problem(where, f"import: unknown key '{key}'", hint=hint))
            continue
        try:
            TypeAdapter(Ref).validate_python(value)
        except ValidationError as exc:
            out.append(Problem(where, f"import.{key}: {exc.errors()[0]['msg']}"))
    for key in ("respondent_id", "wave", *group_names):
        ref = getattr(imp, key, None) or (imp.model_extra or {}).get(key)
        labels = getattr(ref, "labels", None) or (
            ref.get("labels") if isinstance(ref, dict) else {}
        )
        if labels and any(not str(k).strip() for k in labels):
            out.append(
                Problem(
                    where,
                    f"import.{key}.labels: a blank code cannot be relabelled here",
                    hint=f'name a blank answer with groups: {{{key}: {{missing: "Not specified"}}}}',
                )
            )
    for n in imp.optional:
        if n not in item_set:
            out.append(Problem(where, f"import.optional: '{n}' is not an item of this instrument"))
    for n in imp.items:
        if n not in taken:
            out.append(Problem(where, f"import.items: '{n}' is not an item or question"))
    blocks = imp.departments
    columns = (
        [blocks.columns]
        if blocks is not None and not isinstance(blocks, list)
        else [b.columns for b in blocks or []]
    )
    for cols in columns:
        for n in cols:
            if n not in taken:
                out.append(Problem(where, f"import.departments: '{n}' is not an item or question"))
    return list(dict.fromkeys(out))
