"""The order of survey waves: one definition, used wherever waves are sorted."""

from __future__ import annotations

import re
from collections.abc import Sequence

SEASONS = {"winter": 0, "spring": 1, "summer": 2, "fall": 3, "autumn": 3}


def wave_key(wave: str) -> tuple:
    """Chronological sort key for wave names such as ``2026-spring`` (spring before fall).

    >>> sorted(["2026-fall", "2025-fall", "2026-spring"], key=wave_key)
    ['2025-fall', '2026-spring', '2026-fall']
    """
    m = re.fullmatch(r"(\d{4})[-_ ]?([A-Za-z]+)", str(wave).strip())
    if m and m.group(2).lower() in SEASONS:
        return (int(m.group(1)), SEASONS[m.group(2).lower()], "")
    return (0, 0, str(wave))


def sort_waves(waves: Sequence[str]) -> list[str]:
    """Unique waves in chronological order."""
    return sorted(set(waves), key=wave_key)
