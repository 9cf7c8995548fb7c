"""Bytes to text without silent mangling: BOMs, UTF-8, UTF-16, then the old 8-bit code pages.

cp1252 decodes almost any byte string, so a MacRoman export (old Excel for Mac) would come out as
``Zo‘, JosŽ, na•ve`` without a word of warning. Each 8-bit candidate is scored by how many of its
non-ASCII characters sit implausibly in words (a capital after a small letter, a bullet inside a
word, an opening quote right after a letter, a control character); the most plausible wins and,
unless it is a clean cp1252, the import carries a warning naming the guessed encoding and the
first words to check.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from ..contracts.errors import Problem, SurveyDataError

#: 8-bit encodings tried after UTF-8, most common first (ties go to the first)
CODE_PAGES = ("cp1252", "mac_roman", "cp850")
APOSTROPHES = "'\u2019\u02bc\u00b7-"  # may sit between two letters
OPENING = "\u2018\u201c\u201e\u00ab"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str = ""


def implausible(text: str) -> list[int]:
    """Positions of non-ASCII characters that real text rarely has where they are.

    >>> len(implausible("Zo\u2018, Jos\u017d, na\u2022ve")), len(implausible("Zo\u00eb, Jos\u00e9, na\u00efve"))
    (3, 0)
    """
    out = []
    for m in re.finditer(r"[^\x00-\x7f]", text):
        i, ch = m.start(), m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        cat = unicodedata.category(ch)
        if cat.startswith("C"):
            out.append(i)
        elif ch.isupper() and before.isalpha() and before.islower():
            out.append(i)  # JosŽ, donÕt
        elif not ch.isalpha() and ch not in APOSTROPHES and before.isalpha() and after.isalpha():
            out.append(i)  # na•ve
        elif ch in OPENING and before.isalpha():
            out.append(i)  # Zo‘,
    return out


def _words(text: str, positions: list[int] | None = None, limit: int = 5) -> list[str]:
    """The first distinct words holding a non-ASCII character (or one of ``positions``)."""
    spots = (
        positions
        if positions is not None
        else [m.start() for m in re.finditer(r"[^\x00-\x7f]", text)]
    )
    words: list[str] = []
    for i in spots:
        start = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i), text.rfind(",", 0, i)) + 1
        ends = [j for j in (text.find(c, i) for c in " \n,;\t") if j >= 0]
        word = (
            text[start : min(ends) if ends else len(text)]
            .strip()
            .strip("\"'()[]\u201c\u201d\u2018\u2019")[:30]
        )
        if any(ch.isalpha() for ch in word) and word not in words:
            words.append(word)
        if len(words) == limit:
            break
    return words


def _eight_bit(raw: bytes) -> Decoded:
    scored = []
    for enc in CODE_PAGES:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        scored.append((len(implausible(text)), enc, text))
    if not scored:
        return Decoded("", "")
    first = scored[0]
    if first[1] == "cp1252" and first[0] == 0:
        return Decoded(first[2], "cp1252")
    bad, enc, text = min(scored, key=lambda s: s[0])  # min keeps the first of equals
    others = ", ".join(f"{e} {n}" for n, e, _ in scored if e != enc)
    check = ", ".join(repr(w) for w in _words(text))
    doubt = f"; still {bad} odd characters" if bad else ""
    return Decoded(
        text,
        enc,
        f"not UTF-8: decoded as {enc} (a guess; odd characters with {others}{doubt}); "
        f"check that these read right: {check} - or save the export as UTF-8",
    )


def decode(raw: bytes, path: str) -> Decoded:
    """Text, the encoding used, and a warning when the encoding is a guess.

    >>> decode("Caf\\u00e9".encode("cp1252"), "x.csv").encoding
    'cp1252'
    >>> d = decode("Zo\\u00eb, Jos\\u00e9, na\\u00efve".encode("mac_roman"), "x.csv")
    >>> d.text, d.encoding, "'Zo\\u00eb'" in d.warning
    ('Zoë, José, naïve', 'mac_roman', True)
    """
    if raw.startswith(codecs.BOM_UTF8):
        return _replaced(raw[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _replaced(raw.decode("utf-16", errors="replace"), "utf-16")
    head = raw[:4000]
    if len(head) >= 4 and head.count(b"\x00") >= len(head) // 3:  # UTF-16 without BOM
        le = head[1::2].count(b"\x00") > head[0::2].count(b"\x00")
        return _replaced(raw.decode("utf-16-le" if le else "utf-16-be", errors="replace"), "utf-16")
    if b"\x00" in head:
        raise SurveyDataError(not_text(path))
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    found = _eight_bit(raw)
    if found.encoding:
        return found
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise SurveyDataError(not_text(path))
    text = str(best)
    check = ", ".join(repr(w) for w in _words(text))
    return Decoded(
        text,
        best.encoding,
        f"not UTF-8: decoded as {best.encoding} (a guess); check that these read right: "
        f"{check} - or save the export as UTF-8",
    )


def _replaced(text: str, encoding: str) -> Decoded:
    n = text.count("\ufffd")
    if not n:
        return Decoded(text, encoding)
    line = text[: text.index("\ufffd")].count("\n") + 1
    return Decoded(
        text,
        encoding,
        f"{n} byte sequence(s) are not valid {encoding} and were replaced by '\ufffd' "
        f"(first on line {line}); export the file again",
    )


def not_text(path: str) -> Problem:
    return Problem(
        path,
        "not a survey export: binary content that is not text, Excel or SPSS",
        hint="export again as CSV, Excel (.xlsx) or SPSS (.sav)",
    )
