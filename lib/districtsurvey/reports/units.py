"""Schools and central-office departments told apart in words: "this school", "this department".

The engagement survey reports on every unit people work in, schools among them; support services
rate central-office departments only. Which names are schools is a word list
(``words/school_words.txt``), not code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

WORDS = Path(__file__).parent / "words" / "school_words.txt"


@cache
def _school_pattern() -> re.Pattern:
    lines = WORDS.read_text(encoding="utf-8").splitlines()
    words = [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


def unit_noun(name: str) -> str:
    """``"school"`` for a school's name, else ``"department"``.

    >>> unit_noun("Central High School"), unit_noun("Horizon Academy"), unit_noun("Payroll")
    ('school', 'school', 'department')
    """
    return "school" if _school_pattern().search(str(name)) else "department"


def unit_nouns(names) -> tuple[str, str]:
    """How to call a set of units: ``("departments", "")``, ``("schools", "")`` or
    ``("units", "12 departments and 40 schools")``.

    >>> unit_nouns(["Payroll", "Finance"]), unit_nouns(["Payroll", "Lakeside Elementary"])
    (('departments', ''), ('units', '1 department and 1 school'))
    """
    kinds = [unit_noun(n) for n in names]
    depts, schools = kinds.count("department"), kinds.count("school")
    if not schools:
        return "departments", ""
    if not depts:
        return "schools", ""
    plural = lambda k, word: f"{k} {word}{'' if k == 1 else 's'}"  # noqa: E731
    return "units", f"{plural(depts, 'department')} and {plural(schools, 'school')}"


def unit_words(names) -> tuple[str, str, str]:
    """How to call a set of units, one and many, and how many there are:
    ``("department", "departments", "30 departments")``, or ``("unit", "units",
    "30 departments and 40 schools")`` when both kinds are among them.

    >>> unit_words(["Payroll"]), unit_words(["Payroll", "Finance", "Oak Elementary"])
    (('department', 'departments', '1 department'), ('unit', 'units', '2 departments and 1 school'))
    """
    names = list(names)
    many, detail = unit_nouns(names)
    one = many.removesuffix("s")
    return one, many, detail or f"{len(names)} {one if len(names) == 1 else many}"


def count_units(names) -> str:
    """How many units, in words (:func:`unit_words`): ``"1 school"``, ``"30 departments"``,
    ``"30 departments and 40 schools"``.

    >>> count_units(["Payroll", "Finance", "Oak Elementary"])
    '2 departments and 1 school'
    """
    return unit_words(names)[2]
