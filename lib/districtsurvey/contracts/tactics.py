"""The tactics library (``data/tactics/default.yml``) and a district's own file (params
``tactics:``), read and checked: per statement, several tactics, each with an ``id``, the
``tactic``, a leading ``indicator`` and a one-line ``why``.

A district tactic with the same ``id`` as a library tactic of that statement replaces it in place;
a new ``id`` comes before the library's tactics of the statement (the district's choice first).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .errors import Problem, SurveyDataError
from .files import file_version
from .paths import TACTICS_DIR
from .yamlfiles import load_yaml

DEFAULT_TACTICS = TACTICS_DIR / "default.yml"
DISCUSSION = TACTICS_DIR / "discussion.yml"
TACTIC_KEYS = ("id", "tactic", "indicator", "why")
COLUMNS = ["item", "id", "tactic", "indicator", "why", "source"]
HINT = (
    "a tactics file has `items:` (statement id -> a list of tactics) and optionally `generic:`; "
    "each tactic has id, tactic, indicator and why (see data/tactics/default.yml)"
)


def _fail(path: Path, message: str) -> SurveyDataError:
    return SurveyDataError(Problem(str(path), message, hint=HINT))


def _entries(path: Path, where: str, value) -> list[dict]:
    if not isinstance(value, list) or not value:
        raise _fail(path, f"{where}: expected a list of tactics")
    out, seen = [], set()
    for i, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise _fail(path, f"{where}, tactic {i}: expected id, tactic, indicator and why")
        extra = sorted(set(entry) - set(TACTIC_KEYS))
        if extra:
            raise _fail(path, f"{where}, tactic {i}: unknown key(s) {', '.join(map(str, extra))}")
        for key in TACTIC_KEYS:
            text = entry.get(key)
            if not isinstance(text, str) or not text.strip():
                raise _fail(path, f"{where}, tactic {i}: '{key}' is missing or empty")
        if entry["id"] in seen:
            raise _fail(path, f"{where}, tactic {i}: id '{entry['id']}' is used twice")
        seen.add(entry["id"])
        out.append({k: " ".join(entry[k].split()) for k in TACTIC_KEYS})
    return out


@cache
def _read(path: Path, stamp: tuple[int, int, int]) -> tuple[dict[str, list[dict]], list[dict]]:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _fail(path, "tactics file not found") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not set(raw) <= {"items", "generic"} or not raw:
        raise _fail(path, "expected a mapping with `items:` and/or `generic:`")
    items = raw.get("items") or {}
    if not isinstance(items, dict):
        raise _fail(path, "`items:` must map statement ids to lists of tactics")
    parsed = {str(k): _entries(path, f"items: {k}", v) for k, v in items.items()}
    generic = _entries(path, "generic", raw["generic"]) if raw.get("generic") else []
    return parsed, generic


def read_tactics_file(path: str | Path) -> tuple[dict[str, list[dict]], list[dict]]:
    """(statement id -> its tactics in file order, the generic tactics) of one checked file.

    >>> items, generic = read_tactics_file(DEFAULT_TACTICS)
    >>> items["ss_timely_response"][0]["id"], len(generic) >= 1
    ('timely-acknowledge', True)
    """
    path = Path(path)
    return _read(path, file_version(path) if path.exists() else (0, 0, 0))


def _merge(base: list[dict], own: list[dict], source: str) -> list[dict]:
    own_ids = {t["id"]: t for t in own}
    kept = [{**own_ids[t["id"]], "source": source} if t["id"] in own_ids else t for t in base]
    base_ids = {t["id"] for t in base}
    return [{**t, "source": source} for t in own if t["id"] not in base_ids] + kept


def load_tactics(
    item_ids: Iterable[str], *, extra: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the tactics of the instrument's statements, the generic tactics), library order, with a
    district file's tactics merged in; a district file naming a statement the instrument does not
    have is refused (naming the file and the statement).

    >>> t, g = load_tactics(["ss_timely_response"])
    >>> t["id"].tolist()[:2], t["source"].iloc[0]
    (['timely-acknowledge', 'timely-daily-triage'], 'default.yml')
    """
    ids = list(item_ids)
    library, generic = read_tactics_file(DEFAULT_TACTICS)
    tag = lambda ts, s: [{**t, "source": s} for t in ts]  # noqa: E731
    merged = {i: tag(library.get(i, []), DEFAULT_TACTICS.name) for i in ids}
    generic = tag(generic, DEFAULT_TACTICS.name)
    if extra is not None:
        extra = Path(extra)
        own, own_generic = read_tactics_file(extra)
        unknown = sorted(set(own) - set(ids))
        if unknown:
            raise SurveyDataError(
                Problem(
                    str(extra),
                    f"statement(s) not in this survey's instrument: {', '.join(unknown)}",
                    hint="use the statement ids of the instrument's `items:`",
                )
            )
        merged = {i: _merge(merged[i], own.get(i, []), extra.name) for i in ids}
        generic = _merge(generic, own_generic, extra.name)
    rows = [{"item": i, **t} for i in ids for t in merged[i]]
    return (
        pd.DataFrame(rows, columns=COLUMNS),
        pd.DataFrame([{"item": "", **t} for t in generic], columns=COLUMNS),
    )


@cache
def _discussion() -> dict:
    return load_yaml(DISCUSSION.read_text(encoding="utf-8"))


def discussion_questions(area: str) -> list[str]:
    """Three questions for a team's conversation about one focus area (``data/tactics/
    discussion.yml``; the generic ones for an area without its own).

    >>> discussion_questions("timeliness")[0]
    'How long do people wait before they hear from us, and how do we know?'
    >>> len(discussion_questions("no-such-area"))
    3
    """
    data = _discussion()
    return list(data["by_area"].get(area) or data["generic"])[:3]
