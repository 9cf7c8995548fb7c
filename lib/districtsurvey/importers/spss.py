"""SPSS ``.sav`` files: value labels, user-defined missing values, string and numeric codes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from .layouts import RawTable


def _code(v) -> str:
    if v is None or v != v:  # None or NaN
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _in_ranges(v, ranges) -> bool:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return v in {r["lo"] for r in ranges}
    return any(float(r["lo"]) <= x <= float(r["hi"]) for r in ranges)


def read_spss(raw: bytes, path: str) -> RawTable:
    """Raw codes with user-missing values flagged N/A; value labels kept per column.

    A code whose label is a scale label scores as that label (so ``1 = high, 2 = low`` is read
    right); otherwise the numeric code is the score.
    """
    import pyreadstat

    with tempfile.TemporaryDirectory() as tmp:  # pyreadstat reads paths only
        file = Path(tmp) / "export.sav"
        file.write_bytes(raw)
        try:
            df, meta = pyreadstat.read_sav(str(file), user_missing=True)
        except Exception as exc:  # pyreadstat.ReadstatError and friends
            raise SurveyDataError(
                Problem(
                    path,
                    f"cannot be read as SPSS .sav: {exc}",
                    hint="the file may be truncated; export it again",
                )
            ) from exc
    labels = meta.column_names_to_labels or {}
    names = [[c] + ([labels[c]] if labels.get(c) else []) for c in df.columns]
    rows = [[_code(v) for v in rec] for rec in df.itertuples(index=False)]
    na = set()
    for j, col in enumerate(df.columns):
        ranges = (meta.missing_ranges or {}).get(col) or []
        discrete = (getattr(meta, "missing_user_values", None) or {}).get(col) or []
        ranges = ranges + [{"lo": v, "hi": v} for v in discrete]
        if ranges:
            na |= {(i, j) for i, v in enumerate(df[col]) if _code(v) and _in_ranges(v, ranges)}
    value_labels = {}
    for j, col in enumerate(df.columns):
        vl = (meta.variable_value_labels or {}).get(col)
        if vl:
            value_labels[j] = {_code(k): str(v) for k, v in vl.items()}
    keep = [i for i, r in enumerate(rows) if any(r)]
    table = RawTable(
        "spss",
        names,
        [rows[i] for i in keep],
        [i + 2 for i in keep],
        value_labels=value_labels,
        na_cells={(keep.index(i), j) for i, j in na if i in keep},
        note=f"SPSS, {meta.file_encoding or 'unknown'} encoding",
    )
    if len(keep) < len(rows):
        table.dropped["entirely empty row"] = len(rows) - len(keep)
    return table
