"""The word lists redaction reads (``words/*.txt``), loaded once, and how the name lists are made.

``first_names.txt`` and ``surnames.txt`` are generated from the person providers of the Faker
package (every locale it ships, single-word names in scripts that separate words with spaces):
``python -m districtsurvey.privacy.wordlists`` rewrites them from the installed Faker.
``common_first_names.txt`` holds the first names of its English and Spanish locales: the ones
taken for a name even alone in lower case ("talk to maria"); ``everyday_names.txt`` the other
locales' first names that are everyday English words (lower-case entries of the english-words
package's Webster list: "Mentor", "Run"), taken for names only in context, like the words of
``name_words.txt``. The other
lists are curated by hand: ``name_words.txt`` (first names that are everyday words: "Will",
"May"), ``function_words.txt`` (never part of a name), ``not_names.txt`` (capitalised words of
department and school names) and ``confusables.txt`` (letters of other scripts that look Latin).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

WORDS = Path(__file__).parent / "words"
#: One word: letters, with an apostrophe or hyphen inside ("O'Brien-Murphy").
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: Locales whose first names are recognised alone in lower case (a US district's commonest).
COMMON_LOCALES = ("en_IN", "en_US", "en_GB", "en_IE", "en_NZ", "es", "es_ES", "es_MX")
_NO_SPACES = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "YI ")


#: Letters that carry no separate accent mark, read as their plain form ("Małgorzata").
_PLAIN = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
    | {"ð": "d", "þ": "th"}
)


def fold(word: str) -> str:
    """The form names are compared in: case-folded, without accents, plain apostrophe.

    >>> fold("O’BRIEN"), fold("Núñez"), fold("Zoë")
    ("o'brien", 'nunez', 'zoe')
    """
    if word.isascii():  # no accent, curly apostrophe or ligature: only the case to fold
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.casefold().replace("’", "'").translate(_PLAIN))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _read(name: str) -> list[str]:
    lines = (WORDS / name).read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


@cache
def first_names() -> frozenset[str]:
    """Folded first names (Faker, all locales)."""
    return frozenset(fold(w) for w in _read("first_names.txt"))


@cache
def common_first_names() -> frozenset[str]:
    """Folded first names of Faker's English and Spanish locales."""
    return frozenset(fold(w) for w in _read("common_first_names.txt"))


@cache
def surnames() -> frozenset[str]:
    """Folded surnames (Faker, all locales)."""
    return frozenset(fold(w) for w in _read("surnames.txt"))


@cache
def name_words() -> frozenset[str]:
    """First names that are everyday words: names only in context."""
    return frozenset(fold(w) for f in ("name_words.txt", "everyday_names.txt") for w in _read(f))


@cache
def function_words() -> frozenset[str]:
    """Words never taken for part of a name."""
    return frozenset(fold(w) for w in _read("function_words.txt"))


@cache
def not_names() -> frozenset[str]:
    """Capitalised words of department, school and calendar names (folded)."""
    return frozenset(fold(w) for w in _read("not_names.txt"))


@cache
def confusables() -> dict[int, str]:
    """``str.translate`` table: look-alike letters of other scripts -> the Latin letter."""
    table = {}
    for line in _read("confusables.txt"):
        char, latin = line.split()[:2]
        table[ord(char)] = latin
    return table


def _usable(name: str) -> bool:
    """A single word of a script that separates words with spaces."""
    if not WORD.fullmatch(name) or len(name) < 2:
        return False
    return not any(unicodedata.name(c, "").startswith(_NO_SPACES) for c in name)


def faker_names() -> tuple[str, set[str], set[str], set[str]]:
    """Faker's version, its first names and surnames over every person locale, and the first
    names of ``COMMON_LOCALES``."""
    import importlib
    import pkgutil

    import faker
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    common: set[str] = set()
    attrs = {
        "first_names": first,
        "first_names_female": first,
        "first_names_male": first,
        "first_names_nonbinary": first,
        "last_names": last,
        "last_names_female": last,
        "last_names_male": last,
    }
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr, into in attrs.items():
            for base in provider.__mro__:  # class attributes only (some locales use properties)
                value = base.__dict__.get(attr)
                if value is not None:
                    if not isinstance(value, property):
                        names = {unicodedata.normalize("NFC", str(v)) for v in value}
                        into.update(names)
                        if into is first and module.name in COMMON_LOCALES:
                            common.update(names)
                    break
    keep = lambda names: {n for n in names if _usable(n)}  # noqa: E731
    return faker.VERSION, keep(first), keep(last), keep(common)


def everyday(first: set[str], common: set[str]) -> set[str]:
    """First names outside ``common`` that are everyday English words (english-words' web2)."""
    from english_words import get_english_words_set

    words = {w for w in get_english_words_set(["web2"]) if w.islower()}
    usual = {fold(n) for n in common}
    return {n for n in first if fold(n) in words and fold(n) not in usual}


def write_name_lists(folder: Path = WORDS) -> list[Path]:
    """Rewrite the generated lists from the installed Faker (and english-words)."""
    version, first, last, common = faker_names()
    out = []
    for name, names in (
        ("first_names.txt", first),
        ("surnames.txt", last),
        ("common_first_names.txt", common),
        ("everyday_names.txt", everyday(first, common)),
    ):
        path = folder / name
        head = (
            f"# {name[:-4].replace('_', ' ')} from Faker {version} (faker.providers.person, "
            f"{'locales ' + ', '.join(COMMON_LOCALES) if 'common' in name else 'every locale'}"
            f"{', lower-case words of english-words web2' if 'everyday' in name else ''}; "
            "single words in scripts with spaces).\n"
            "# Generated by `python -m districtsurvey.privacy.wordlists`: do not edit by hand.\n"
        )
        path.write_text(head + "\n".join(sorted(names)) + "\n", encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for p in write_name_lists():
        print(p)
