"""Text normalisation for matching column names and answer labels."""

from __future__ import annotations

import re
import unicodedata

QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def norm(text: object) -> str:
    """Case-, whitespace-, curly-quote- and Unicode-form-insensitive key.

    >>> norm("  Don\u2019t   KNOW ") == norm("don't know")
    True
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(QUOTES)
    return re.sub(r"\s+", " ", s).strip().casefold()
