"""Query checks for views built on the fly (the explorer): refuse a filter combination that would
show a small group, directly or as the difference from a wider query."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..contracts.errors import Problem, SurveyDataError
from .suppress import check_min_n


def check_query(
    responses: pd.DataFrame,
    filters: Mapping[str, object],
    *,
    min_n: int = 5,
    respondent: str = "respondent_id",
) -> int:
    """Respondents matching ``filters``; refuse (SurveyDataError) a group too small to show.

    Refused: fewer than ``min_n`` respondents, or a group whose difference from a wider query
    (the same filters with one left out) has between 1 and ``min_n - 1`` respondents — that
    difference is a small group too. A filter value may be a list (any of).

    >>> df = pd.DataFrame({"respondent_id": list("abcdefg"), "department": ["HR"] * 7,
    ...                    "role": ["Teacher"] * 6 + ["Principal"]})
    >>> check_query(df, {"department": "HR"})
    7
    >>> check_query(df, {"department": "HR", "role": "Teacher"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    districtsurvey.contracts.errors.SurveyDataError: query: the rest of department=HR (without ...
    """
    check_min_n(min_n)

    def count(f: Mapping[str, object]) -> int:
        mask = pd.Series(True, index=responses.index)
        for col, value in f.items():
            if col not in responses.columns:
                raise SurveyDataError(
                    Problem(
                        "query",
                        f"unknown column '{col}'",
                        hint=f"columns: {', '.join(map(str, responses.columns))}",
                    )
                )
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= responses[col].isin(list(values))
        return int(responses.loc[mask, respondent].nunique())

    hint = (
        f"add or remove a filter; groups under {min_n} and differences under {min_n} are not shown"
    )
    n = count(filters)
    described = ", ".join(f"{k}={v}" for k, v in filters.items()) or "everyone"
    if n < min_n:
        raise SurveyDataError(
            Problem("query", f"{described} has fewer than {min_n} respondents", hint=hint)
        )
    for col in filters:
        wider = {k: v for k, v in filters.items() if k != col}
        rest = count(wider) - n
        if 0 < rest < min_n:
            base = ", ".join(f"{k}={v}" for k, v in wider.items()) or "everyone"
            raise SurveyDataError(
                Problem(
                    "query",
                    f"the rest of {base} (without {col}={filters[col]}) has fewer than "
                    f"{min_n} respondents",
                    hint=hint,
                )
            )
    return n
