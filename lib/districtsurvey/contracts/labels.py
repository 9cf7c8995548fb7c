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
    reverse = instrument.items.set_index("id")["reverse"].get(item, False)
    return f"{text} {REVERSED}" if bool(reverse) else text


def statement_labels(instrument: Instrument) -> dict[str, str]:
    """Every item id -> :func:`statement_label`."""
    return {i: statement_label(instrument, i) for i in instrument.item_ids}
