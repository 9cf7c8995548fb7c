"""The order of survey waves: one definition, used wherever waves are ordered.

Waves are ordered in time, never as text (``2026-fall`` sorts before ``2026-spring`` as text).
The order comes from the run's ``waves:`` list when one is given; otherwise it is read from the
names, when every name has one of the usual forms:

- a season, ``2026-spring`` (``winter`` < ``spring`` < ``summer`` < ``fall``/``autumn``; a winter
  wave is the start of its year: ``2026-winter`` comes before ``2026-spring``),
- a quarter, ``2026-Q1``, or a month, ``2026-03`` (these mix with seasons: winter ~ January,
  spring ~ April, summer ~ July, fall ~ October),
- a fiscal year, ``FY2025``; a year, ``2025``; a school year, ``2025-26`` or ``2025-2026``
  (each of these orders only among its own kind: they do not mix with each other or with the
  calendar forms).

A single wave needs no order. Anything else is an error that asks for the ``waves:`` list.

**Pulse waves.** A wave whose name ends in ``-pulse`` (``2027-01-pulse``: year, month, pulse) is a
short pulse survey between full rounds, asking only last round's focus statements. It is ordered
by the rest of its name like any calendar wave, so it mixes with seasons by month: spring ~ April
and fall ~ October, hence ``2026-09-pulse`` comes after ``2026-spring`` and before ``2026-fall``,
and ``2027-01-pulse`` after ``2026-fall``. A pulse in a season's own month (``2026-10-pulse`` with
``2026-fall``) cannot be placed and asks for the ``waves:`` list; in that list a pulse is still
known by its name. A pulse is never a full wave's "previous wave" and has none of its own
(:func:`previous_waves`): it is a different, shorter survey answered by whoever answered it, not
the same sample as the full rounds, so no change is computed across kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import Problem, SurveyDataError

SEASONS = {"winter": 1, "spring": 4, "summer": 7, "fall": 10, "autumn": 10}  # ~ month
_SEASON = re.compile(r"(\d{4})[-_ ]?(winter|spring|summer|fall|autumn)", re.I)
_QUARTER = re.compile(r"(\d{4})[-_ ]?Q([1-4])", re.I)
_MONTH = re.compile(r"(\d{4})[-_/](0?[1-9]|1[0-2])")
_FISCAL = re.compile(r"FY[-_ ]?(\d{4})", re.I)
_YEAR = re.compile(r"(\d{4})")
_SCHOOL_YEAR = re.compile(r"(\d{4})[-/](\d{2}|\d{4})")
_PULSE = re.compile(r"(.+?)[-_ ]pulse", re.I)
HINT = "list the waves oldest first in the params file, e.g. waves: [2025-fall, 2026-spring]"


def parse_wave(wave: str) -> tuple[str, tuple[int, int]] | None:
    """``(kind, (year, month))`` of a wave name of a usual form, else None.

    >>> parse_wave("2026-spring"), parse_wave("2026-Q1"), parse_wave("FY2025")
    (('calendar', (2026, 4)), ('calendar', (2026, 2)), ('fiscal', (2025, 0)))
    >>> parse_wave("2025-26"), parse_wave("Baseline"), parse_wave("2026-09-pulse")
    (('school year', (2025, 0)), None, ('calendar', (2026, 9)))
    """
    text = str(wave).strip()
    if m := _PULSE.fullmatch(text):
        return parse_wave(m.group(1))
    if m := _SEASON.fullmatch(text):
        return "calendar", (int(m.group(1)), SEASONS[m.group(2).lower()])
    if m := _QUARTER.fullmatch(text):
        return "calendar", (int(m.group(1)), 3 * int(m.group(2)) - 1)  # the quarter's middle
    if m := _MONTH.fullmatch(text):
        return "calendar", (int(m.group(1)), int(m.group(2)))
    if m := _FISCAL.fullmatch(text):
        return "fiscal", (int(m.group(1)), 0)
    if m := _YEAR.fullmatch(text):
        return "year", (int(m.group(1)), 0)
    if (m := _SCHOOL_YEAR.fullmatch(text)) and int(m.group(2)[-2:]) == (int(m.group(1)) + 1) % 100:
        return "school year", (int(m.group(1)), 0)
    return None


def is_pulse(wave: str) -> bool:
    """Whether ``wave`` names a pulse survey (its name ends in ``-pulse``).

    >>> is_pulse("2027-01-pulse"), is_pulse("2026-fall"), is_pulse("Pulse")
    (True, False, False)
    """
    return _PULSE.fullmatch(str(wave).strip()) is not None


def full_waves(order: Sequence[str]) -> list[str]:
    """The full rounds of ``order`` (pulse waves left out), in the same order.

    >>> full_waves(["2026-spring", "2026-09-pulse", "2026-fall"])
    ['2026-spring', '2026-fall']
    """
    return [w for w in order if not is_pulse(w)]


def _present(waves: Iterable) -> list[str]:
    return list(dict.fromkeys(str(w) for w in waves if w is not None and not pd.isna(w)))


def wave_order(
    waves: Iterable[str], *, order: Sequence[str] | None = None, where: str = "waves"
) -> list[str]:
    """The distinct ``waves`` in chronological order (see the module docstring).

    ``order`` is an explicit list (the params' ``waves:``): every wave must be in it. ``where``
    names the file the error is about. Raises :class:`SurveyDataError` asking for the list when
    the order cannot be read from the names.

    >>> wave_order(["2026-fall", "2025-fall", "2026-spring", "2026-fall"])
    ['2025-fall', '2026-spring', '2026-fall']
    >>> wave_order(["annual", "pilot"], order=["pilot", "midyear", "annual"])
    ['pilot', 'annual']
    """
    present = _present(waves)
    if order is not None:
        listed = [str(w) for w in order]
        missing = [w for w in present if w not in listed]
        if missing:
            raise SurveyDataError(
                Problem(
                    where,
                    f"waves: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} in the "
                    "data but not in the list",
                    hint="add every wave of the data to `waves:`, oldest first",
                )
            )
        return [w for w in listed if w in present]
    if len(present) <= 1:
        return present
    parsed = {w: parse_wave(w) for w in present}
    unknown = [w for w, p in parsed.items() if p is None]
    if unknown:
        raise SurveyDataError(
            Problem(
                where,
                f"cannot tell the order of the waves from their names: {', '.join(unknown)}",
                hint=HINT,
            )
        )
    kinds = {p[0] for p in parsed.values()}
    if len(kinds) > 1:
        raise SurveyDataError(
            Problem(
                where,
                f"waves mix kinds of names ({', '.join(sorted(kinds))}): " + ", ".join(present),
                hint=HINT,
            )
        )
    by_key: dict[tuple, list[str]] = {}
    for w, (_, key) in parsed.items():
        by_key.setdefault(key, []).append(w)
    same = [names for names in by_key.values() if len(names) > 1]
    if same:
        raise SurveyDataError(
            Problem(
                where,
                "cannot tell which came first: " + "; ".join(" and ".join(s) for s in same),
                hint=HINT,
            )
        )
    return sorted(present, key=lambda w: parsed[w][1])


def sort_waves(waves: Sequence[str], *, order: Sequence[str] | None = None) -> list[str]:
    """Unique waves in chronological order (:func:`wave_order`).

    >>> sort_waves(["2026-fall", "2025-fall", "2026-spring"])
    ['2025-fall', '2026-spring', '2026-fall']
    """
    return wave_order(waves, order=order)


def previous_waves(order: Sequence[str], *, compare: dict[str, str | None] | None = None) -> dict:
    """Each wave's previous wave in ``order`` (None for the first); ``compare`` overrides some,
    e.g. ``{"2026-fall": "2025-fall"}`` when a run compares with an earlier wave than the last.

    A full wave's previous wave is the full wave before it; a pulse has none (see the module
    docstring: no change is computed between a pulse and a full wave, nor from a pulse).

    >>> previous_waves(["2025-fall", "2026-spring", "2026-fall"])
    {'2025-fall': None, '2026-spring': '2025-fall', '2026-fall': '2026-spring'}
    >>> previous_waves(["2026-spring", "2026-09-pulse", "2026-fall"])
    {'2026-spring': None, '2026-09-pulse': None, '2026-fall': '2026-spring'}
    """
    full = full_waves(order)
    out = {w: None for w in order}
    out.update({w: (full[i - 1] if i else None) for i, w in enumerate(full)})
    out.update(compare or {})
    return out


def by_wave(table: pd.DataFrame, order: Sequence[str], *, column: str = "wave") -> pd.DataFrame:
    """``table`` with its rows in wave order (stable: rows of one wave keep their order).

    >>> t = pd.DataFrame({"wave": ["2026-fall", "2025-fall", "2026-spring"], "x": [3, 1, 2]})
    >>> by_wave(t, ["2025-fall", "2026-spring", "2026-fall"])["x"].tolist()
    [1, 2, 3]
    """
    if column not in table.columns or table.empty:
        return table
    pos = {w: i for i, w in enumerate(order)}
    codes, waves = pd.factorize(table[column], use_na_sentinel=False)  # each wave looked up once
    rank = np.array([pos.get(str(w), len(pos)) for w in waves], dtype=np.int64)
    return table.iloc[rank[codes].argsort(kind="stable")]
