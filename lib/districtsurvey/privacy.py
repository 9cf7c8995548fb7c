"""Privacy: small-group suppression and comment redaction, applied before anything is displayed."""

from __future__ import annotations

import re

import pandas as pd

#: Columns that carry a figure about a group; all are emptied when the group is suppressed.
FIGURE_COLUMNS = ("n", "n_answers", "mean", "sd", "pct_favorable", "pct_neutral", "pct_unfavorable")
MIN_N_FLOOR = 3


def check_min_n(min_n: int) -> int:
    """The configured minimum n, refusing anything below the floor of 3."""
    if min_n < MIN_N_FLOOR:
        raise ValueError(f"min_n must be at least {MIN_N_FLOOR}, got {min_n}")
    return min_n


def suppress_small_groups(table: pd.DataFrame, *, min_n: int = 5, n_column: str = "n") -> pd.DataFrame:
    """Mark rows with fewer than ``min_n`` respondents as suppressed and empty their figures.

    >>> t = pd.DataFrame({"department": ["HR", "IT"], "n": [12, 3], "mean": [4.1, 2.0]})
    >>> suppress_small_groups(t, min_n=5)[["n", "mean", "suppressed"]].to_dict("list")
    {'n': [12, None], 'mean': [4.1, nan], 'suppressed': [False, True]}
    """
    check_min_n(min_n)
    out = table.copy()
    small = out[n_column].isna() | (out[n_column] < min_n)
    out["suppressed"] = small.astype(bool)
    for col in FIGURE_COLUMNS:
        if col in out.columns:
            if col in ("n", "n_answers"):
                out[col] = out[col].astype("Int64").mask(small)
            else:
                out[col] = out[col].astype(float).mask(small)
    return out


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b(?:\s*(?:ext\.?|x)\s*\d{1,5})?"
    r"|\b(?:ext\.?|extension)\s*\d{2,5}\b",
    re.IGNORECASE,
)
STAFF_ID = re.compile(r"\b(?:EMP|ID|STAFF|EE)[-# ]?\d{3,}\b|\b\d{6,}\b", re.IGNORECASE)
TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Coach|Principal|Supt|Superintendent)\.?\s+[A-Z][a-zA-Z'’-]+"
    r"(?:\s+[A-Z][a-zA-Z'’-]+)?"
)
FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?\s+[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?\b")


def redact_text(text: str, *, keep_names: bool = False) -> str:
    """Replace e-mail addresses, phone numbers, staff ids and (unless ``keep_names``) names.

    >>> redact_text("Call Ms. Alvarez at (555) 123-4567 or j.alvarez@rusd.k12.us")
    'Call [name] at [phone] or [email]'
    >>> redact_text("Thanks to Ms. Alvarez!", keep_names=True)
    'Thanks to Ms. Alvarez!'
    """
    text = EMAIL.sub("[email]", str(text))
    text = PHONE.sub("[phone]", text)
    text = STAFF_ID.sub("[id]", text)
    if not keep_names:
        text = TITLED_NAME.sub("[name]", text)
        text = FULL_NAME.sub(_name_or_phrase, text)
    return text


_NOT_NAMES = {"The", "This", "That", "When", "They", "Thank", "Thanks", "Our", "Their", "Please",
              "Human", "Resources", "Information", "Technology", "Special", "Education", "Food",
              "Nutrition", "Services", "Central", "Office", "District", "School", "High", "Middle",
              "Elementary", "Great", "Very", "Every", "Help", "Desk", "Risk", "Management"}


def _name_or_phrase(match: re.Match) -> str:
    first, last = match.group(0).split()[:2]
    return match.group(0) if first in _NOT_NAMES or last in _NOT_NAMES else "[name]"


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
    shuffled, without respondent ids.

    ``respondents`` has the group columns and ``n`` (respondents per group); without it the
    number of distinct commenters is used.
    """
    if respondents is None:
        respondents = comments.groupby(list(group))["respondent_id"].nunique().rename("n").reset_index()
    ok = respondents.loc[respondents["n"] >= comment_min_n, list(group)]
    out = comments.merge(ok, on=list(group), how="inner")
    out = out[out["text"].notna() & (out["text"].astype(str).str.strip() != "")]
    recognition = out["question"].isin(list(recognition_questions))
    out["text"] = [
        redact_text(t, keep_names=bool(r)) for t, r in zip(out["text"], recognition, strict=True)
    ]
    out = out.drop(columns=["respondent_id"]).sample(frac=1, random_state=seed)
    return out.reset_index(drop=True)
