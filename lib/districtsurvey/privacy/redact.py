"""Comments made safe to show: only for groups of at least ``comment_min_n``, with names, e-mail
addresses, phone numbers and staff ids redacted, shuffled within each question."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import pandas as pd

from .suppress import check_min_n

WORDS = Path(__file__).parent / "words"


EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[\w-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|org|net|edu|gov|us|k12|mil|info|io|co)\b",
    re.IGNORECASE,
)
PLAIN_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}\b"
    r"(?:\s*(?:ext\.?|x)\s*\d{1,5})?"
    r"|(?<![\w/])\+\d{1,3}(?:[\s.-]?\d{2,4}){2,4}\b"
    r"|(?<![\w/.-])\d{10}\b"
    r"|\b(?:ext\.?|extension|x)\s*\d{3,5}\b",
    re.IGNORECASE,
)
STAFF_ID = re.compile(
    r"\b(?:EMP|ID|STAFF|EE|E|EID|employee\s+(?:id|number|no\.?|#))\s*[-#:]?\s*\d{3,}\b"
    r"|#\s?\d{4,}\b|\b\d{6,}\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][a-zA-Z'’-]+"
TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Coach|Principal|Supt|Superintendent|Director|Nurse|Officer|Sr|Sra"
    rf"|Prof)\.?\s+(?:[A-Z]\.\s*)?{_NAME}(?:\s+{_NAME})?"
)
INITIAL_NAME = re.compile(rf"\b(?:[A-Z]\.\s?){{1,2}}{_NAME}\b|\b{_NAME},\s[A-Z]\.(?!\w)")
FULL_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?\s+(?:[A-Z]\.\s+)?(?:Mc|Mac|O['’])?[A-Z][a-z]+"
    r"(?:['’-][A-Z]?[a-z]+)?\b"
)


def redact_text(text: str, *, keep_names: bool = False) -> str:
    """Replace e-mail addresses, phone numbers, staff ids and (unless ``keep_names``) names.

    >>> redact_text("Call Ms. Alvarez at (555) 123-4567 or j.alvarez@rusd.k12.us")
    'Call [name] at [phone] or [email]'
    >>> redact_text("Thanks to Ms. Alvarez! Reach her at 555.123.4567", keep_names=True)
    'Thanks to Ms. Alvarez! Reach her at [phone]'
    """
    text = PLAIN_EMAIL.sub("[email]", str(text))
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = STAFF_ID.sub("[id]", text)
    if not keep_names:
        text = TITLED_NAME.sub("[name]", text)
        text = INITIAL_NAME.sub("[name]", text)
        text = FULL_NAME.sub(_name_or_phrase, text)
    return text


@cache
def _not_names() -> frozenset[str]:
    """Capitalised words that are not names (``words/not_names.txt``)."""
    lines = (WORDS / "not_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _name_or_phrase(match: re.Match) -> str:
    words = re.findall(r"[A-Za-z]+", match.group(0))
    not_names = _not_names()
    return match.group(0) if words[0] in not_names or words[-1] in not_names else "[name]"


def _shuffle_seed(seed: int, *parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).hexdigest()
    return int(digest[:8], 16)


def redact_comments(
    comments: pd.DataFrame,
    *,
    recognition_questions: tuple[str, ...] | list[str] = (),
    respondents: pd.DataFrame | None = None,
    comment_min_n: int = 10,
    group: tuple[str, ...] = ("department", "wave"),
    seed: int = 0,
) -> pd.DataFrame:
    """Report-safe comments: only groups with at least ``comment_min_n`` respondents, redacted,
    shuffled within each question (independently, so answers cannot be linked across questions),
    without respondent ids or any other per-respondent column.

    ``respondents`` has the group columns and ``n`` (respondents per group; empty where the group
    is suppressed); without it the number of distinct commenters is used.
    """
    check_min_n(comment_min_n)
    if respondents is None:
        respondents = (
            comments.groupby(list(group))["respondent_id"].nunique().rename("n").reset_index()
        )
    counts = respondents.assign(n=respondents["n"].astype("Float64").fillna(0))
    ok = counts.loc[counts["n"] >= comment_min_n, list(group)].drop_duplicates()
    keep = [c for c in ("survey", *group, "question", "text") if c in comments.columns]
    out = comments[keep].merge(ok, on=list(group), how="inner")
    out = out[out["text"].notna() & (out["text"].astype(str).str.strip() != "")]
    recognition = out["question"].isin(list(recognition_questions))
    out["text"] = [
        redact_text(t, keep_names=bool(r)) for t, r in zip(out["text"], recognition, strict=True)
    ]
    parts = [
        part.sample(frac=1, random_state=_shuffle_seed(seed, *key))
        for key, part in out.groupby([*group, "question"], sort=True)
    ]
    out = pd.concat(parts) if parts else out
    return out.reset_index(drop=True)
