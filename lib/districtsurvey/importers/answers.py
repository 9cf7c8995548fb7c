"""One answer cell to a score on its item's scale: labels, numbered labels, N/A labels and codes.

An instrument may have several scales; each gets one :class:`AnswerReader`. A cell is read as a
scale label ("Agree"), a numbered label as SurveyMonkey and others write them ("5 - Strongly
agree", "Strongly agree (5)": the label decides, the number is only display order), an N/A label,
or a number 1..points; anything else is an error message naming the label.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..contracts.instrument import Scale
from .normalize import norm

#: labels that mean "no score" in every instrument (besides the instrument's own ``na_labels``)
COMMON_NA = tuple(
    line
    for line in (Path(__file__).parent / "na_labels.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
NUMBER_FIRST = re.compile(r"^\(?(\d{1,2})\)?\s*[-\u2013\u2014=:.)]?\s+(\D.*)$", re.DOTALL)
NUMBER_LAST = re.compile(r"^(\D.*?)\s*(?:[-\u2013\u2014=:]\s*|\()(\d{1,2})\)?$", re.DOTALL)


def split_number(cell: str) -> tuple[str, str] | None:
    """``("5", "Strongly agree")`` from "5 - Strongly agree" or "Strongly agree (5)".

    >>> split_number("5 - Strongly agree"), split_number("Agree (4)"), split_number("1st Year")
    (('5', 'Strongly agree'), ('4', 'Agree'), None)
    """
    if m := NUMBER_FIRST.match(cell.strip()):
        return m[1], m[2].strip()
    if m := NUMBER_LAST.match(cell.strip()):
        return m[2], m[1].strip()
    return None


class AnswerReader:
    """Reads cells on one scale (see the module docstring)."""

    def __init__(
        self,
        scale: Scale,
        *,
        labels: dict | None = None,
        na_labels: tuple[str, ...] = (),
        na_codes: tuple[float, ...] = (),
        negative_na: bool = False,
    ) -> None:
        self.scale = scale
        self.labels: dict[str, int | str] = {norm(lab): i + 1 for i, lab in enumerate(scale.labels)}
        own = dict(self.labels)
        for code, target in (labels or {}).items():
            self.labels[norm(code)] = (
                target if isinstance(target, int) else own.get(norm(target), target)
            )
        self.na = {norm(x) for x in (*COMMON_NA, *scale.na_labels, *na_labels)}
        self.na_codes = set(na_codes)
        self.negative_na = negative_na
        self.numeric_labels = all(lab.strip().isdigit() for lab in scale.labels)

    def _label(self, text: str) -> int | str | None:
        key = norm(text)
        if key in self.labels:
            v = self.labels[key]
            return v if isinstance(v, int) else f"label '{text}' maps to '{v}', not a scale label"
        if key in self.na:
            return "na"
        return None

    def score(self, cell: str, value_label: str | None = None) -> int | str | None:
        """1..points, None for blank, "na" for an N/A answer, or an error message."""
        if not cell.strip():
            return None
        for text in (value_label, cell) if value_label is not None else (cell,):
            found = self._label(text)
            if found is not None:
                return found
        parts = split_number(cell)
        if parts is not None and not self.numeric_labels:
            found = self._label(parts[1])
            if found is not None:
                return found
        try:
            number = float(cell)
        except ValueError:
            return self._unknown(cell)
        if number in self.na_codes or (number < 0 and self.negative_na):
            return "na"
        if number.is_integer() and 1 <= number <= self.scale.points:
            return int(number)
        return f"value out of the scale 1..{self.scale.points}: '{cell.strip()}'"

    def _unknown(self, cell: str) -> str:
        s = self.scale
        name = f" {s.name}" if s.name != "default" else ""
        known = ", ".join(map(str, s.labels))
        na = ", ".join(map(str, s.na_labels)) or "none"
        return f"unknown answer label '{cell.strip()}' (scale{name}: {known}; N/A labels: {na})"
