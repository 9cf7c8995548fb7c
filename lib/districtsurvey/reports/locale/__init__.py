"""A run's language conventions: dates, spelling and season names, read from ``<id>.yml`` beside
this module (``en-US``, the default, and ``en-GB``).

Our own words (templates, captions, headings) are written in US English and pass through
:meth:`Locale.spell`; values from data (item texts, department names, comments) are never
respelled. A notebook's ``load`` activates its run's locale, so helpers called without one
(``html.render``, ``display.table``) use it.

>>> us, gb = load_locale("en-US"), load_locale("en-GB")
>>> us.date("2026-12-01"), gb.date("2026-12-01")
('December 1, 2026', '1 December 2026')
>>> gb.spell("% favorable; Recognized"), us.spell("favourable")
('% favourable; Recognised', 'favorable')
>>> us.wave("2026-fall"), gb.wave("2026-fall"), us.wave("FY2025")
('Fall 2026', 'Autumn 2026', 'FY2025')
>>> us.wave("2026-09-pulse"), gb.words("{n}% favorable", n=58)
('September 2026 pulse', '58% favourable')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ...contracts.labels import REVERSED
from ...contracts.waves import SEASONS
from ...contracts.yamlfiles import load_yaml

FOLDER = Path(__file__).parent
DEFAULT = "en-US"
LOCALES = tuple(sorted(p.stem for p in FOLDER.glob("*.yml")))


@dataclass(frozen=True)
class Locale:
    """Dates, spelling and season names of one locale (see the module docstring)."""

    id: str
    name: str
    date_format: str
    excel_date: str
    months: tuple[str, ...]
    seasons: dict[str, str] = field(default_factory=dict)
    spelling: dict[str, str] = field(default_factory=dict)
    pulse: str = "{month} {year} pulse"  # a pulse wave named for reading

    @property
    def pattern(self) -> re.Pattern | None:
        return _pattern(tuple(sorted(self.spelling, key=len, reverse=True)))

    def date(self, value: str | dt.date) -> str:
        """A long date: ``December 1, 2026`` (en-US) or ``1 December 2026`` (en-GB)."""
        d = dt.date.fromisoformat(str(value)[:10]) if not isinstance(value, dt.date) else value
        return self.date_format.format(day=d.day, month=self.months[d.month - 1], year=d.year)

    def spell(self, text: str, *, keep: Iterable[str] = ()) -> str:
        """Our own words in this locale's spelling (whole words; capitals kept). ``keep``: values
        from data inside ``text`` (a sentence a lower layer wrote, with a name in it), left as
        they are.

        >>> load_locale("en-GB").spell("Color: lower % favorable first", keep=["Color"])
        'Color: lower % favourable first'
        """
        if not self.spelling or not text:
            return text
        keep = sorted({str(k) for k in keep if k}, key=len, reverse=True)
        if keep:
            parts = re.split("(" + "|".join(map(re.escape, keep)) + ")", text)
            return "".join(p if i % 2 else self.spell(p) for i, p in enumerate(parts))
        return self.pattern.sub(lambda m: _same_case(m.group(0), self.spelling), text)

    def words(self, template: str, /, **values) -> str:
        """Our own words with values from data put in: ``template`` is respelled *before* the
        values are filled in (``str.format``), so a value is never respelled.

        >>> load_locale("en-GB").words("{name}: % favorable", name="Color Center")
        'Color Center: % favourable'
        """
        if not values:
            return self.spell(template)
        parts = _FIELD.split(template)  # "{name}": a place for a value, never respelled
        text = "".join(p if i % 2 else self.spell(p) for i, p in enumerate(parts))
        return text.format(**values)

    def wave(self, wave: str | None) -> str:
        """A wave name for reading: ``2026-fall`` -> ``Fall 2026``, a pulse ``2026-09-pulse``
        (``YYYY-MM-pulse``, ``contracts.waves``) -> ``September 2026 pulse``; any other name
        (``FY2025``, ``2026-Q1``) as it is, nothing for none."""
        if not wave:
            return ""
        text = str(wave).strip()
        m = re.fullmatch(r"(\d{4})[-_ ]?([A-Za-z]+)", text)
        if m and m.group(2).lower() in SEASONS:
            season = m.group(2).lower()
            return f"{self.seasons.get(season, season.title())} {m.group(1)}"
        m = _PULSE.fullmatch(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return self.pulse.format(month=self.months[int(m.group(2)) - 1], year=m.group(1))
        return str(wave)

    @property
    def lang(self) -> str:
        """The HTML ``lang`` of pages in this locale (``en-US``, ``en-GB``)."""
        return self.id


_FIELD = re.compile(r"(\{[^{}]*\})")
_PULSE = re.compile(r"(\d{4})[-_/ ](\d{1,2})[-_ ]pulse", re.I)  # contracts.waves: YYYY-MM-pulse


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def _same_case(word: str, spelling: dict[str, str]) -> str:
    new = spelling[word.lower()]
    if word.isupper() and len(word) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


@cache
def load_locale(locale_id: str = DEFAULT) -> Locale:
    """The locale ``locale_id`` (``en-US`` or ``en-GB``); an unknown id raises ``KeyError``."""
    if locale_id not in LOCALES:
        raise KeyError(f"unknown locale '{locale_id}'; known: {', '.join(LOCALES)}")
    data = load_yaml((FOLDER / f"{locale_id}.yml").read_text(encoding="utf-8"))
    return Locale(
        id=data["id"],
        name=data["name"],
        date_format=data["date"],
        excel_date=data["excel_date"],
        months=tuple(data["months"]),
        seasons=dict(data.get("seasons") or {}),
        spelling={k.lower(): v for k, v in (data.get("spelling") or {}).items()},
        pulse=data.get("pulse") or Locale.pulse,
    )


def run_title(run: dict, locale: Locale | None = None) -> str:
    """The run's title as a leader reads it: params ``title:`` as written, else the survey and its
    wave in words (the prepared default names the wave by its id).

    >>> run_title({"title": "Support Services Survey, 2026-fall", "wave": "2026-fall"})
    'Support Services Survey, Fall 2026'
    """
    title = str(run.get("title") or "")
    if (run.get("params") or {}).get("title") or not run.get("wave"):
        return title
    return title.replace(str(run["wave"]), current(locale).wave(run["wave"]))


def name_waves(text: str, waves, locale: Locale | None = None) -> str:
    """``text`` (our words written by a lower layer, such as a focus area's reason) with each
    of ``waves`` named as a leader reads it.

    >>> name_waves("down 21 points since 2026-spring", ["2026-spring", "2026-fall"])
    'down 21 points since Spring 2026'
    """
    loc = current(locale)
    ids = sorted((str(w) for w in waves if w), key=len, reverse=True)
    if not ids or not text:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return pattern.sub(lambda m: loc.wave(m.group(1)), str(text))


def statement_words(label: str, locale: Locale | None = None) -> str:
    """A statement's label as shown: the statement (data) as written, and the words a
    reverse-worded one carries after it (``contracts.labels.REVERSED``) in the locale's spelling.

    >>> statement_words("Color counts. (% who disagree — favorable)", load_locale("en-GB"))
    'Color counts. (% who disagree — favourable)'
    """
    text = str(label)
    if text.endswith(REVERSED):
        return text[: -len(REVERSED)] + current(locale).spell(REVERSED)
    return text


def for_run(run: dict) -> Locale:
    """The locale a prepared run asked for (``run.json``'s params), en-US when it names none."""
    params = run.get("params") or {}
    return load_locale(run.get("locale") or params.get("locale") or DEFAULT)


# One run per notebook kernel: a plain module variable (a context variable set in one Jupyter
# cell would not be seen by the next, which runs in a copy of the context).
_active: list[Locale] = []


def activate(run_or_id: dict | str) -> Locale:
    """Make a run's locale (or a locale id) the one helpers use when given none; returns it."""
    loc = load_locale(run_or_id) if isinstance(run_or_id, str) else for_run(run_or_id)
    _active[:] = [loc]
    return loc


def current(locale: Locale | None = None) -> Locale:
    """``locale`` when given, else the active one, else en-US."""
    return locale or (_active[0] if _active else load_locale(DEFAULT))


__all__ = [
    "DEFAULT",
    "LOCALES",
    "Locale",
    "activate",
    "current",
    "for_run",
    "load_locale",
    "name_waves",
    "run_title",
    "statement_words",
]
