"""Which survey tool wrote an export, from its header rows (``headers.yml`` holds the names).

Header names are compared as *keys*: case, spaces and punctuation removed, so ``RespondentID``,
``Respondent ID`` and ``respondent_id`` are one name. When nothing is recognised the file is read as
a plain table, and :func:`likely_tools` says which tool it may still be, for the error message.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from .normalize import norm

IMPORT_ID = re.compile(r"""\{\s*['"]ImportId['"]\s*:\s*['"]([^'"]*)['"]""", re.IGNORECASE)


def key(text: object) -> str:
    """A header name without case, spaces or punctuation.

    >>> key("RespondentID") == key("Respondent ID") == key("respondent_id")
    True
    """
    return re.sub(r"[\W_]+", "", norm(text))


@cache
def markers() -> dict[str, dict[str, frozenset[str]]]:
    """Per tool, per kind of marker: the header keys of ``headers.yml``."""
    raw = yaml.safe_load((Path(__file__).parent / "headers.yml").read_text(encoding="utf-8"))
    return {
        tool: {k: frozenset(map(key, v)) for k, v in kinds.items()} for tool, kinds in raw.items()
    }


def detect_layout(rows: list[list[str]]) -> str:
    """The survey tool whose header rows these are; ``csv`` for a plain wide table.

    >>> detect_layout([["Timestamp", "How are you?"], ["8/21/2019 13:10:31", "Fine"]])
    'googleforms'
    >>> detect_layout([["RespondentID", "Q1"], ["", "Response"], ["1", "Agree"]])
    'surveymonkey'
    >>> detect_layout([["id", "q1"], ["1", "5"]])
    'csv'
    """
    m = markers()
    head = [{key(c) for c in r} for r in rows[:3]] + [set(), set(), set()]
    first = [key(c) for c in rows[0]] if rows else []
    if len(rows) >= 3 and any(IMPORT_ID.match(c.strip()) for c in rows[2]):
        return "qualtrics"
    sm = m["surveymonkey"]
    if head[0] & sm["id"] and (
        head[0] & sm["collector"] or head[1] & sm["response"] or len(head[0] & sm["meta"]) >= 2
    ):
        return "surveymonkey"
    if len(head[0] & m["qualtrics"]["meta"]) >= 3 or (
        first[:2] == ["v1", "v2"] and "responseid" in head[1]
    ):
        return "qualtrics"
    if first[:2] == ["v1", "v2"] and len(rows) > 1 and rows[1][0].startswith("R_"):
        return "qualtrics"  # legacy export with the text row removed
    if first and first[0] in m["googleforms"]["timestamp"]:
        return "googleforms"
    lime = m["limesurvey"]
    if len(head[0] & lime["meta"]) >= 2 or (head[0] & lime["id"] and head[0] & lime["meta"]):
        return "limesurvey"
    if m["tidy"]["columns"] <= head[0]:
        return "tidy"
    return "csv"


def likely_tools(rows: list[list[str]]) -> list[tuple[str, str]]:
    """Tools a plain-looking table may still come from, each with the header that suggests it.

    >>> likely_tools([["RespondentID", "Q1"], ["1", "Agree"]])
    [('surveymonkey', "a header 'RespondentID'")]
    """
    m = markers()
    found: list[tuple[str, str]] = []
    for tool, kinds in m.items():
        if tool == "tidy":
            continue
        for row in rows[:2]:
            hit = next((c for c in row for k in kinds.values() if key(c) and key(c) in k), None)
            if hit and tool not in {t for t, _ in found}:
                found.append((tool, f"a header '{hit}'"))
    order = ["surveymonkey", "qualtrics", "googleforms", "limesurvey"]
    return sorted(found, key=lambda f: order.index(f[0]))
