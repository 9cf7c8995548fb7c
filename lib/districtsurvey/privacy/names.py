"""Where the names of people are in a comment: the spans that redaction replaces with ``[name]``.

A word is a name when it is a first name of the lists (``wordlists``: Faker's, every locale),
capitalised ("Maria", "MARIA") or, for the names of Faker's English, Spanish and Indian-English
locales, the commonest here, in lower case ("maria") — except first names that are everyday words ("Will", "May",
"Grant"), which are names only in context: a title before them, a surname or an initial after
them, "Okafor, Will", or "Will said". From a name the span grows over a surname (a capitalised
word; in lower case a surname of the lists), an initial ("Linda O."), a title before it and a
"Surname," before it. Titles ("Ms. Alvarez"), initials ("J. Smith") and two capitalised words of
which one is a name of the lists ("Siobhán O'Brien-Murphy") are names too. Words of department,
school and calendar names (``not_names.txt``) and the phrases in ``keep`` (the run's department
and site names) are never names. Markup (HTML tags, Markdown emphasis) separates nothing, letters
of other scripts that look Latin are read as Latin, and a name spelled out letter by letter
("L.i.n.d.a") is found too. Zero-width characters are removed before (see ``redact.clean``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .wordlists import (
    WORD,
    common_first_names,
    confusables,
    first_names,
    fold,
    function_words,
    name_words,
    not_names,
    surnames,
)

TITLES = frozenset(
    "mr mrs ms miss mx dr coach principal supt superintendent director nurse officer sr sra srta "
    "prof professor dean sister brother father pastor rev sgt capt".split()
)
SAID = frozenset("said says told tells emailed e-mailed promised called texted replied".split())
PARTICLES = frozenset("van von de da del della der den di du la le al el bin ibn st".split())
#: Markup that separates nothing: tag names and brackets (attribute values stay: a name can hide
#: there), character entities, Markdown emphasis, links and headings.
_MARKUP = re.compile(r"</?[a-zA-Z][\w-]*|/?>|&[#\w]{1,10};|[*_~`#|\[\](){}<>=/\\]")
_SPELLED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*·]{1,2}){2,}[^\W\d_](?![^\W\d_])")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")


@dataclass
class Token:
    start: int
    end: int
    text: str
    key: str  # folded, confusables read as Latin, possessive 's dropped
    keep: bool = False  # inside a protected phrase

    @property
    def lower(self) -> bool:
        return self.text.islower()

    def cap(self, *, shouting: bool) -> bool:
        """Capitalised ("Linda", "O'Brien"), or all caps when not an acronym ("LINDA")."""
        if self.text.isupper():
            return shouting or len(self.text) > 3
        return self.text[:1].isupper()


@lru_cache(maxsize=1 << 16)  # a district's comments repeat their words
def _key(word: str) -> str:
    if _LATIN.search(word):
        word = word.translate(confusables())
    key = fold(word)
    return key[:-2] if key.endswith("'s") and len(key) > 3 else key


def _view(text: str, keep: Iterable[str]) -> tuple[str, list[tuple[int, int]]]:
    """The text with markup blanked (same length), and the spans of protected phrases."""
    view = _MARKUP.sub(lambda m: " " * len(m.group(0)), text)
    # in ASCII text a phrase can match only where its lower case is (the regex's ignored case
    # also pairs ASCII letters with four others, "ſ" with "s": text with those is searched whole)
    folded = view.lower() if view.isascii() else None
    spans = []
    for pattern, needle in _phrases(frozenset(str(p) for p in keep)):
        if folded is None or needle is None or needle in folded:
            spans.extend(m.span() for m in pattern.finditer(view))
    return view, spans


@lru_cache(maxsize=8)
def _phrases(keep: frozenset[str]) -> list[tuple[re.Pattern, str | None]]:
    """One pattern per protected phrase, longest first (a run redacts every comment with the
    same phrases: built once, not once per comment), with the phrase in lower case when it is
    ASCII (most comments name none of a district's ~80 phrases: a substring test rules it out)."""
    phrases = sorted((p for p in keep if p.strip()), key=len, reverse=True)
    return [
        (
            re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.IGNORECASE),
            p.lower() if p.isascii() else None,
        )
        for p in phrases
    ]


def _tokens(view: str, protected: list[tuple[int, int]]) -> list[Token]:
    out = []
    for m in WORD.finditer(view):
        keep = any(a <= m.start() < b for a, b in protected)
        out.append(Token(m.start(), m.end(), m.group(0), _key(m.group(0)), keep))
    return out


def _is_first(t: Token) -> bool:
    """A first name of the lists (a month, "May", only as an everyday word, in context)."""
    in_lists = t.key in first_names() and (t.key not in not_names() or t.key in name_words())
    return in_lists and not t.keep


def _ambiguous(t: Token) -> bool:
    return t.key in name_words() or t.key in function_words() or len(t.key) <= 2


def _known(t: Token) -> bool:
    """The word, or a part of a hyphenated one, is in a name list."""
    parts = [t.key, *re.split(r"['\-]", t.key)]
    return any(p in first_names() or p in surnames() for p in parts if len(p) > 1)


def find_names(text: str, *, keep: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Character spans of people's names in ``text`` (merged, in order).

    >>> t = "Talk to maria garcia or Okafor, Linda; Will May fix it? Linda O. said no."
    >>> [t[a:b] for a, b in find_names(t)]
    ['maria garcia', 'Okafor, Linda', 'Linda O.']
    """
    view, protected = _view(text, keep)
    tokens = _tokens(view, protected)
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.7 * len(letters)
    stop = function_words() | not_names()
    name = [False] * len(tokens)

    def gap(i: int) -> str:  # what separates token i from token i + 1
        return view[tokens[i].end : tokens[i + 1].start] if i + 1 < len(tokens) else ""

    def cap(t: Token) -> bool:
        return t.cap(shouting=shouting)

    def surname_like(t: Token) -> bool:
        return cap(t) and not t.keep and t.key not in stop and len(t.key) > 1

    def initial(i: int) -> bool:
        t = tokens[i]
        return len(t.text) == 1 and t.text.isupper() and view[t.end : t.end + 1] == "."

    def title(i: int) -> bool:
        return i >= 0 and tokens[i].key in TITLES and cap(tokens[i])

    def near(i: int) -> bool:  # token i + 1 follows token i as part of one name
        return re.fullmatch(r"[ \t.\-_]{1,3}|\.?[ \t]*", gap(i)) is not None and "\n" not in gap(i)

    def lower_surname(j: int) -> bool:
        t = tokens[j] if j < len(tokens) else None
        ok = t is not None and t.lower and near(j - 1) and t.key in surnames()
        return ok and t.key not in stop and t.key not in name_words()

    for i, t in enumerate(tokens):
        if t.keep or not _is_first(t):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        common = t.key in common_first_names()
        if not _ambiguous(t):
            if cap(t):
                name[i] = True  # "Maria", "Zoë", "MARIA": a first name
            elif t.lower:
                name[i] = (common and len(t.key) > 2) or lower_surname(i + 1)
            if name[i] or t.lower:
                continue
        if t.lower or not cap(t):
            continue
        context = (
            title(i - 1)
            or (nxt is not None and near(i) and surname_like(nxt) and _known(nxt))
            or (nxt is not None and near(i) and initial(i + 1))
            or (nxt is not None and nxt.key in SAID and gap(i).strip() == "")
            or (i > 0 and re.fullmatch(r",\s*", gap(i - 1)) and surname_like(tokens[i - 1]))
        )
        name[i] = bool(context) and (i == 0 or not tokens[i - 1].keep)
    # titles and initials before any capitalised word: "Ms. Alvarez", "J. Smith"
    for i in range(len(tokens) - 1):
        if (title(i) or initial(i)) and near(i) and surname_like(tokens[i + 1]):
            name[i + 1] = True
    # two capitalised words, one of them a name of the lists: "Siobhán O'Brien-Murphy"
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if gap(i) == " " and surname_like(a) and surname_like(b) and not (_ambiguous(a)):
            if (_known(a) and _known(b)) or (_is_first(a) and b.key not in name_words()):
                name[i] = name[i + 1] = True
    # grow every name: surnames and initials after it, titles and "Surname," before it
    for _ in range(2):
        for i in [k for k, v in enumerate(name) if v]:
            j = i + 1
            if j < len(tokens) and near(i) and not name[j]:
                nxt = tokens[j]
                k = j  # "de la Cruz", "van der Berg"
                while k < min(j + 2, len(tokens) - 1) and tokens[k].key in PARTICLES and near(k):
                    k += 1
                if k > j and surname_like(tokens[k]):
                    for m in range(j, k + 1):
                        name[m] = True
                elif initial(j) or surname_like(nxt):
                    name[j] = True
                elif tokens[i].lower and nxt.lower and nxt.key in surnames():
                    name[j] = nxt.key not in stop and nxt.key not in name_words()
            if i > 0 and not name[i - 1]:
                before = gap(i - 1)
                if title(i - 1) and re.fullmatch(r"\.?\s+", before):
                    name[i - 1] = True
                elif initial(i - 1) and near(i - 1):
                    name[i - 1] = True
                elif re.fullmatch(r",\s*", before) and surname_like(tokens[i - 1]):
                    name[i - 1] = True
    spans = []
    for i, t in enumerate(tokens):
        if not name[i]:
            continue
        end = t.end - 2 if t.key != fold(t.text) and t.text[-2:] in ("'s", "’s") else t.end
        if initial(i):
            end += 1
        if spans and i > 0 and name[i - 1] and (near(i - 1) or gap(i - 1).strip() == ","):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((t.start, end))
    spans += [m.span() for m in _SPELLED.finditer(view) if _spelled_name(m.group(0))]
    return _merge(spans)


def _spelled_name(text: str) -> bool:
    """A name spelled letter by letter ("L.i.n.d.a", "M A R I A")."""
    word = re.sub(r"[^\w]", "", text)
    key = _key(word)
    return len(key) > 2 and key in first_names() and key not in name_words()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out
