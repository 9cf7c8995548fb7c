"""Comments made safe to show: only for groups of at least ``comment_min_n``, with names, e-mail
addresses, phone numbers and staff ids redacted, shuffled within each question."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from .names import find_names
from .suppress import check_min_n

_DOT = r"(?:\.|\s*\(dot\)\s*|\s*\[dot\]\s*|\s+dot\s+)"
_AT = r"\s*(?:@|\(at\)|\[at\])\s*|\s+at\s+"
EMAIL = re.compile(
    rf"[\w+-]+(?:{_DOT}[\w+-]+)*(?:{_AT})[\w-]+(?:{_DOT}[\w-]+)*"
    rf"{_DOT}(?:com|org|net|edu|gov|us|k12|mil|info|io|co)\b",
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
#: "my employee number is 4821", "badge no. 4821", "staff ID: AB-4821", "payroll # 4821"
STAFF_PHRASE = re.compile(
    r"\b(?:employee|staff|badge|personnel|payroll|worker|teacher|emp|badge)\s*"
    r"(?:id|identification|number|no\.?|num|#|code)?\s*(?:is|was|=|:|#|-)?\s*(?:is\s+)?#?\s*"
    r"[A-Z]{0,3}-?\d{3,}\b",
    re.IGNORECASE,
)
#: Characters that change nothing a reader sees but split a word for a pattern (zero-width space,
#: joiners, soft hyphen, word joiner, BOM, bidi controls).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def clean(text: str) -> str:
    """The text as a reader sees it: NFKC (full-width and styled letters read as plain ones) and
    no invisible characters.

    >>> clean("Li\u200bnda Ｏｋａｆｏｒ")
    'Linda Okafor'
    """
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text)))


def redact_text(text: str, *, keep_names: bool = False, keep: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, phone numbers, staff ids and (unless ``keep_names``) names.

    ``keep``: phrases that are never names (the run's department and site names).

    >>> redact_text("Call Ms. Alvarez at (555) 123-4567 or j.alvarez@rusd.k12.us")
    'Call [name] at [phone] or [email]'
    >>> redact_text("Thanks to Ms. Alvarez! Reach her at 555.123.4567", keep_names=True)
    'Thanks to Ms. Alvarez! Reach her at [phone]'
    >>> redact_text("write to jane dot doe at district dot org, employee number is 4821")
    'write to [email], [id]'
    """
    text = PLAIN_EMAIL.sub("[email]", clean(text))
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = STAFF_ID.sub("[id]", text)
    text = STAFF_PHRASE.sub("[id]", text)
    if not keep_names:
        for a, b in reversed(find_names(text, keep=keep)):
            text = text[:a] + "[name]" + text[b:]
    return text


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
    protected: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Report-safe comments: only groups with at least ``comment_min_n`` respondents, redacted,
    shuffled within each question (independently, so answers cannot be linked across questions),
    without respondent ids or any other per-respondent column.

    ``respondents`` has the group columns and ``n`` (respondents per group; empty where the group
    is suppressed); without it the number of distinct commenters is used. ``protected``: phrases
    that are never names (default: the department names of ``comments`` and ``respondents``).
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
    if protected is None:
        protected = set(comments["department"].dropna().astype(str))
        protected |= set(respondents["department"].dropna().astype(str))
    protected = sorted(set(protected))
    recognition = out["question"].isin(list(recognition_questions))
    out["text"] = [
        redact_text(t, keep_names=bool(r), keep=protected)
        for t, r in zip(out["text"], recognition, strict=True)
    ]
    parts = [
        part.sample(frac=1, random_state=_shuffle_seed(seed, *key))
        for key, part in out.groupby([*group, "question"], sort=True)
    ]
    out = pd.concat(parts) if parts else out
    return out.reset_index(drop=True)
