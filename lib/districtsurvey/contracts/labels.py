"""How a statement is named wherever a reader sees its % favorable.

A reverse-worded statement ("I often think about leaving this district.") is scored flipped: its
favorable answers are the disagreeing ones. Shown bare beside "35%", it reads as "35% often think
about leaving"; so wherever its figures appear, its label says which way they run.
"""

from __future__ import annotations

from .instrument import Instrument

REVERSED = "(% who disagree — favorable)"


def statement_label(instrument: Instrument, item: str) -> str:
    """The item's text, with :data:`REVERSED` after a reverse-worded one.

    >>> from districtsurvey.contracts.instrument import load_instrument
    >>> ins = load_instrument("engagement")
    >>> statement_label(ins, "ee_stay_leave")
    'I often think about leaving this district. (% who disagree — favorable)'
    >>> statement_label(ins, "ee_recommend")
    'I would recommend this district as a great place to work.'
    """
    text = instrument.item_text(item)
    return f"{text} {REVERSED}" if instrument.is_reverse(item) else text


def shorten(label: str, width: int) -> str:
    """``label`` cut to ``width`` characters with "…", keeping :data:`REVERSED` whole: the
    direction of a reverse-worded statement's figures is never cut off.

    >>> shorten("I often think about leaving this district. " + REVERSED, 52)
    'I often think about… (% who disagree — favorable)'
    >>> shorten("Short.", 52)
    'Short.'
    """
    if len(label) <= width:
        return label
    tail = f" {REVERSED}" if label.endswith(REVERSED) else ""
    head = label[: len(label) - len(tail)].rstrip()
    room = max(width - len(tail) - 1, 8)
    cut = head[: room + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut[:room]  # at a word's end
    return cut.rstrip(" ,.;:") + "…" + tail


def statement_labels(instrument: Instrument) -> dict[str, str]:
    """Every item id -> :func:`statement_label`."""
    return {i: statement_label(instrument, i) for i in instrument.item_ids}
