"""The tidy-responses contract in one declarative place; every problem is listed, none fixed silently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem, SurveyDataError
from .files import restore_csv
from .instrument import Instrument
from .schema import NOT_GIVEN


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = True
    nullable: bool = False
    hint: str = ""


#: The tidy contract of DESIGN.md: one row per respondent x item.
RESPONSES = (
    Column("respondent_id", hint="a pseudonymous id per respondent; never a name or e-mail"),
    Column("survey", hint="the instrument id, e.g. support_services"),
    Column("wave", hint="the survey round, e.g. 2026-fall"),
    Column("department", hint="the unit reported on"),
    Column("role", required=False, nullable=True),
    Column("site", required=False, nullable=True),
    Column("item", hint="an item id of the instrument"),
    Column("value", nullable=True, hint="an integer 1..points, blank when not answered or N/A"),
)
COMMENTS = (
    Column("respondent_id"),
    Column("survey"),
    Column("wave"),
    Column("department"),
    Column("question", hint="a question id of the instrument"),
    Column("text", nullable=True),
)
HEADCOUNTS = (
    Column("survey"),
    Column("wave"),
    Column("department"),
    Column("invited", hint="number of people invited, a whole number >= 0"),
)
MAX_LISTED = 10  # per kind of problem; the count of the rest is reported


def more(count: int) -> str:
    """The line that stands for the problems not listed.

    >>> more(2_999_990)
    '… and 2,999,990 more'
    """
    return f"… and {count:,} more"


def listed(values, *, limit: int = MAX_LISTED) -> str:
    """The first ``limit`` values, comma-separated, then how many more there are.

    >>> listed(range(2, 3_000_002))
    '2, 3, 4, 5, 6, 7, 8, 9, 10, 11 … and 2,999,990 more'
    >>> listed(["a", "b"])
    'a, b'
    """
    values = list(values)
    text = ", ".join(map(str, values[:limit]))
    return f"{text} {more(len(values) - limit)}" if len(values) > limit else text


def duplicated_header(names: list[str]) -> list[tuple[str, list[int]]]:
    """Column names that appear more than once, with their 1-based positions.

    >>> duplicated_header(["respondent_id", "value", "item", "value"])
    [('value', [2, 4])]
    """
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        seen.setdefault(str(name).strip(), []).append(i)
    return [(name, where) for name, where in seen.items() if len(where) > 1]


def _header(path: Path) -> list[str]:
    """The column names as written in the file (pandas renames a repeated ``value`` to ``value.1``)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    head = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
    return [] if head.empty else list(head.iloc[0])


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or parquet file with string columns kept as strings."""
    path = Path(path)
    if not path.exists():
        raise SurveyDataError(Problem(str(path), "file not found", hint="check the path"))
    try:
        twice = duplicated_header(_header(path))
        if twice:
            raise SurveyDataError(
                [
                    Problem(
                        str(path),
                        f"column '{name}' appears "
                        f"{'twice' if len(where) == 2 else f'{len(where)} times'} in the header "
                        f"(columns {', '.join(map(str, where[:-1]))} and {where[-1]})",
                        column=name,
                        hint="keep one column of each name; rename or delete the others",
                    )
                    for name, where in twice[:MAX_LISTED]
                ]
            )
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        # a cell we wrote formula-safe ("'=x", contracts.files.safe_csv) reads back as it was
        return restore_csv(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]))
    except SurveyDataError:
        raise
    except UnicodeDecodeError as exc:
        hint = "save it as UTF-8, or use `districtsurvey import` which detects encodings"
        raise SurveyDataError(
            Problem(str(path), f"not UTF-8 text ({exc.reason})", hint=hint)
        ) from exc
    except Exception as exc:  # pyarrow/pandas raise many kinds for a malformed file
        hint = "expected a tidy CSV or parquet file; see DESIGN.md 'Data contracts'"
        raise SurveyDataError(Problem(str(path), f"cannot be read: {exc}", hint=hint)) from exc


def _rows(mask: pd.Series, offset: int) -> list[int]:
    return [int(i) + offset for i in mask[mask].index[:MAX_LISTED]]


def _listed(path: str, message: str, rows: list[int], total: int, column: str, hint: str):
    problems = [Problem(path, message, row=r, column=column, hint=hint) for r in rows]
    if total > len(rows):
        problems.append(Problem(path, f"{more(total - len(rows))} rows like this", column=column))
    return problems


def _blank(column: pd.Series) -> pd.Series:
    """Missing or only spaces; a categorical column (parquet) is checked once per category.

    >>> _blank(pd.Series(["a", " ", None], dtype="category")).tolist()
    [False, True, True]
    >>> _blank(pd.Series([None, None], dtype="category")).tolist()  # no category at all
    [True, True]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = (column.cat.categories.astype("string").str.strip() == "").to_numpy(bool)
        codes = column.cat.codes.to_numpy()  # -1: missing (looks up the False appended)
        return pd.Series((codes < 0) | np.append(cats, False)[codes], index=column.index)
    if pd.api.types.is_numeric_dtype(column):
        return column.isna()
    return column.isna() | (column.astype("string").str.strip() == "")


def check_columns(df: pd.DataFrame, spec: tuple[Column, ...], path: str) -> list[Problem]:
    """Missing required columns and blanks in non-nullable columns, row numbers as in the file."""
    offset = 2  # header line + 1-based
    missing = [c for c in spec if c.required and c.name not in df.columns]
    problems = [
        Problem(path, "required column is missing", column=c.name, hint=c.hint) for c in missing
    ]
    for c in spec:
        if c.name in df.columns and not c.nullable:
            blank = _blank(df[c.name])
            if blank.any():
                rows = _rows(blank, offset)
                problems += _listed(path, "blank value", rows, int(blank.sum()), c.name, c.hint)
    return problems


def _numbers(value: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``value`` as numbers, where it is not a number, and as it was read (for messages: a row's
    text is ``raw.iloc[[i]].astype("string")``, made only for the rows a message names).

    A numeric column (parquet) is taken as it is; text is stripped and parsed.
    """
    if pd.api.types.is_numeric_dtype(value) and not pd.api.types.is_bool_dtype(value):
        values = value.astype("Float64").astype(float)
        return values, pd.Series(False, index=value.index), value
    raw = value.astype("string").str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    return values, raw.notna() & (raw != "") & values.isna(), raw


def validate_responses(
    df: pd.DataFrame, *, instrument: Instrument | None = None, path: str = "<data>"
) -> list[Problem]:
    """Every problem with a tidy-responses frame (empty list when clean).

    >>> df = pd.DataFrame({"respondent_id": ["r1"], "survey": ["engagement"], "wave": ["2026-fall"],
    ...     "department": ["HR"], "item": ["x"], "value": ["9"]})
    >>> [p.message for p in validate_responses(df)]
    ['value out of range 1..5: 9']
    """
    spec = RESPONSES
    if instrument is not None and instrument.missing_label("department") is not None:
        spec = tuple(Column(c.name, nullable=True) if c.name == "department" else c for c in spec)
    problems = check_columns(df, spec, path)
    if any(p.message == "required column is missing" for p in problems):
        return problems
    if df.empty:
        return [Problem(path, "no rows", hint="the file has a header but no answers")]
    points = instrument.scale.points if instrument else 5
    if instrument is not None and instrument.mixed_scales:  # each item on its own scale
        per_item = instrument.items.set_index("id")["points"]
        points = df["item"].astype(object).map(per_item).fillna(points).astype(int).to_numpy()
    values, not_number, raw = _numbers(df["value"])
    problems += _listed(
        path,
        "value is not a number",
        _rows(not_number, 2),
        int(not_number.sum()),
        "value",
        f"use 1..{points}; leave blank for N/A (or use `districtsurvey import` for text labels)",
    )
    bad = values.notna() & ((values < 1) | (values > points) | (values % 1 != 0))
    for row in _rows(bad, 2):
        top = points if isinstance(points, int) else points[row - 2]
        problems.append(
            Problem(
                path,
                f"value out of range 1..{top}: {raw.iloc[[row - 2]].astype('string').iloc[0]}",
                row=row,
                column="value",
                hint="check the scale; N/A must be blank, not a code",
            )
        )
    if int(bad.sum()) > MAX_LISTED:
        problems.append(
            Problem(path, f"{more(int(bad.sum()) - MAX_LISTED)} rows like this", column="value")
        )
    if instrument is not None:
        unknown = ~df["item"].isin(instrument.item_ids)
        unknown_items = df.loc[unknown, "item"].drop_duplicates()
        for item in unknown_items[:MAX_LISTED]:
            row = int(df.index[df["item"] == item][0]) + 2
            problems.append(
                Problem(
                    path,
                    f"unknown item '{item}'",
                    row=row,
                    column="item",
                    hint=f"not in instrument {instrument.id}",
                )
            )
        if len(unknown_items) > MAX_LISTED:
            extra = more(len(unknown_items) - MAX_LISTED)
            problems.append(Problem(path, f"{extra} unknown items", column="item"))
        wrong = df["survey"] != instrument.id
        if wrong.any():
            problems.append(
                Problem(
                    path,
                    f"survey is '{df.loc[wrong, 'survey'].iloc[0]}', expected '{instrument.id}'",
                    row=int(wrong.idxmax()) + 2,
                    column="survey",
                )
            )
    dup = df.duplicated(["respondent_id", "wave", "department", "item"], keep="first")
    problems += _listed(
        path,
        "duplicate answer (same respondent, wave, department, item)",
        _rows(dup, 2),
        int(dup.sum()),
        "respondent_id",
        "each answer once",
    )
    return problems


def load_responses(
    path: str | Path, *, instrument: Instrument | None = None, categories: bool = False
) -> pd.DataFrame:
    """Read and validate tidy responses; raise SurveyDataError listing every problem.

    Returns the frame with ``value`` as nullable Int8 and text columns as strings (as
    categoricals with ``categories=True``: what a whole run groups by, see ``prepare``).
    """
    df = read_table(path).reset_index(drop=True)
    problems = validate_responses(df, instrument=instrument, path=str(path))
    if problems:
        raise SurveyDataError(problems)
    out = df.copy()
    text = "category" if categories else "string"
    for col in ("respondent_id", "survey", "wave", "department", "role", "site", "item"):
        if col in out.columns:
            out[col] = out[col].astype("string" if col == "respondent_id" else text)
    for col in ("role", "site"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string").astype(text)
    out["value"] = _numbers(out["value"])[0].astype("Int8")
    extra = [g for g in instrument.group_columns[3:] if g in out] if instrument else []
    out = out[[c.name for c in RESPONSES] + extra]
    return fill_blank_groups(out, instrument)


def fill_blank_groups(df: pd.DataFrame, instrument: Instrument | None) -> pd.DataFrame:
    """A blank group value (role, site, a declared group; department when the instrument names
    it) becomes its own group, ``(not given)`` unless ``groups.<column>.missing`` says otherwise,
    so every later step counts it. A column left entirely blank was not collected: it stays blank.

    >>> df = pd.DataFrame({"role": pd.array(["Teacher", None], dtype="string")})
    >>> fill_blank_groups(df, None)["role"].tolist()
    ['Teacher', '(not given)']
    """
    columns = instrument.group_columns if instrument else ("role", "site")
    for col in columns:
        label = instrument.missing_label(col) if instrument else NOT_GIVEN
        if col not in df.columns or label is None:
            continue
        blank = _blank(df[col])
        if blank.any() and not blank.all():
            if isinstance(df[col].dtype, pd.CategoricalDtype):
                keep = df[col].cat.categories[~_blank(pd.Series(df[col].cat.categories))]
                values = df[col].cat.set_categories(keep)
                if label not in keep:
                    values = values.cat.add_categories([label])
                df[col] = values.fillna(label)
            else:
                df[col] = df[col].astype("string").mask(blank, label)
    return df


def load_table(path: str | Path, spec: tuple[Column, ...]) -> pd.DataFrame:
    """Read a comments or headcounts file and check its columns."""
    df = read_table(path)
    problems = check_columns(df, spec, str(path))
    if spec is HEADCOUNTS and not problems:
        invited = pd.to_numeric(df["invited"], errors="coerce")
        bad = invited.isna() | (invited < 0)
        problems += _listed(
            str(path),
            "invited is not a whole number >= 0",
            _rows(bad, 2),
            int(bad.sum()),
            "invited",
            "a count of people invited",
        )
        df["invited"] = invited
    if problems:
        raise SurveyDataError(problems)
    return df
