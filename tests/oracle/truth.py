"""The oracle's own figures, from the raw tidy data with small, naive pandas code.

Nothing here imports districtsurvey: the instrument is read with yaml, the answers from the
parquet, the invitations from the headcounts CSV, the benchmark from its CSV. Each function says
which rule of the report's Methods it follows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEASON = {"winter": 1, "spring": 4, "summer": 7, "fall": 10}
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def whole(x: float) -> int:
    """A percentage as printed: Python's own formatting of a whole number."""
    return int(f"{x:.0f}")


def time_order(waves) -> list[str]:
    """Waves like '2026-spring' in time order (the oracle's own reading of the names)."""

    def key(w):
        year, season = re.fullmatch(r"(\d{4})-(\w+)", w).groups()
        return int(year), SEASON[season]

    return sorted(set(waves), key=key)


@dataclass
class Survey:
    """One survey's raw data and instrument; every figure is computed on demand."""

    data: Path
    instrument: Path
    headcounts: Path
    benchmarks: Path | None
    min_n: int = 5

    def __post_init__(self) -> None:
        self._memo: dict = {}

    @cached_property
    def ins(self) -> dict:
        return yaml.safe_load(self.instrument.read_text(encoding="utf-8"))

    @cached_property
    def items(self) -> pd.DataFrame:
        return pd.DataFrame(self.ins["items"]).assign(reverse=lambda t: t["reverse"].fillna(False))

    @cached_property
    def answers(self) -> pd.DataFrame:
        """Answered rows only, the score flipped (6 - value) for reverse-worded items."""
        df = pd.read_parquet(self.data)
        for col in ("wave", "department", "role", "site", "item", "respondent_id"):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        df = df[df["value"].notna()].copy()
        points = self.ins["scale"]["points"]
        reverse = df["item"].map(self.items.set_index("id")["reverse"]).astype(bool)
        value = df["value"].astype(int)
        df["score"] = np.where(reverse, points + 1 - value, value)
        df["dimension"] = df["item"].map(self.items.set_index("id")["dimension"])
        df["fav"] = df["score"].isin(self.ins["scale"]["favorable"])
        df["neu"] = df["score"].isin(self.ins["scale"].get("neutral") or [])
        df["unf"] = df["score"].isin(self.ins["scale"]["unfavorable"])
        return df

    @cached_property
    def waves(self) -> list[str]:
        return time_order(self.answers["wave"].unique())

    def label(self, item: str) -> str:
        row = self.items.set_index("id").loc[item]
        return row["text"] + (" (% who disagree — favorable)" if row["reverse"] else "")

    def area_label(self, area: str) -> str:
        labels = {d["id"]: d["label"] for d in self.ins["dimensions"]}
        labels.update({i["id"]: i.get("label", i["id"]) for i in self.ins.get("indices") or []})
        return labels[area]

    @property
    def areas(self) -> list[str]:
        """Areas in instrument order, then the indices."""
        return [d["id"] for d in self.ins["dimensions"]] + [
            i["id"] for i in self.ins.get("indices") or []
        ]

    def members(self, area: str) -> list[str]:
        for index in self.ins.get("indices") or []:
            if index["id"] == area:
                return list(index["items"])
        return list(self.items.loc[self.items["dimension"] == area, "id"])

    @cached_property
    def _slices(self) -> dict:
        """Answers per (wave, unit) and per (wave, None) for the district: filtered once."""
        out = {(w, None): part for w, part in self.answers.groupby("wave")}
        out.update({key: part for key, part in self.answers.groupby(["wave", "department"])})
        return out

    def rows(self, unit: str | None, wave: str, **groups) -> pd.DataFrame:
        """Answers of a unit (None: the whole district) in a wave, optionally one role/site."""
        a = self._slices.get((wave, unit), self.answers.iloc[:0])
        for col, value in groups.items():
            a = a[a[col] == value]
        return a

    @staticmethod
    def figures(a: pd.DataFrame) -> dict:
        """n (answers), % favorable / neutral / unfavorable, mean, favorable answers."""
        n = len(a)
        if n == 0:
            return {"n": 0, "fav_n": 0, "pct": math.nan, "neu": math.nan, "unf": math.nan}
        fav = int(a["fav"].sum())
        return {
            "n": n,
            "fav_n": fav,
            "pct": 100 * fav / n,
            "neu": 100 * int(a["neu"].sum()) / n,
            "unf": 100 * int(a["unf"].sum()) / n,
            "mean": a["score"].sum() / n,
        }

    def item(self, unit, wave, item, **groups) -> dict:
        key = ("item", unit, wave, item, tuple(sorted(groups.items())))
        if key not in self._memo:
            a = self.rows(unit, wave, **groups)
            self._memo[key] = self.figures(a[a["item"] == item])
        return self._memo[key]

    def area(self, unit, wave, area, **groups) -> dict:
        key = ("area", unit, wave, area, tuple(sorted(groups.items())))
        if key not in self._memo:
            self._memo[key] = self._area(unit, wave, area, **groups)
        return self._memo[key]

    def _area(self, unit, wave, area, **groups) -> dict:
        """Answers of the area's statements pooled; n = people who answered at least one."""
        a = self.rows(unit, wave, **groups)
        a = a[a["item"].isin(self.members(area))]
        out = self.figures(a)
        out["answers"], out["n"] = out["n"], a["respondent_id"].nunique()
        return out

    def respondents(self, unit, wave) -> int:
        """People who answered at least one statement about the unit (or in the district)."""
        return self.rows(unit, wave)["respondent_id"].nunique()

    def invited(self, unit, wave) -> float:
        hc = pd.read_csv(self.headcounts)
        hit = hc[(hc["department"] == unit) & (hc["wave"] == wave)]["invited"]
        if len(hit):
            return float(hit.sum())
        if unit == "District":  # each person in one unit (engagement): invitations add up
            one_unit = self.rows(None, wave).groupby("respondent_id")["department"].nunique()
            if (one_unit <= 1).all():
                return float(hc[hc["wave"] == wave]["invited"].sum())
        return math.nan

    # --- the rules of the report's Methods ---

    @staticmethod
    def p_value(p1: float, n1: int, p2: float, n2: int) -> float:
        """Two-sided pooled two-proportion z-test (percent inputs)."""
        p1, p2 = p1 / 100, p2 / 100
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = 0.0 if se == 0 else (p1 - p2) / se
        return math.erfc(abs(z) / math.sqrt(2))

    def flag(self, now: dict, before: dict) -> str:
        """up/down: p < 0.05 and at least 5 points (of the whole numbers shown); else 'within
        noise' for 5-29 people; else 'no change'."""
        change = whole(now["pct"]) - whole(before["pct"])
        p = self.p_value(now["pct"], now["n"], before["pct"], before["n"])
        if p < 0.05 and abs(change) >= 5:
            return "up" if change > 0 else "down"
        return "within noise" if self.min_n <= now["n"] < 30 else "no change"

    @staticmethod
    def wilson(successes: int, n: int) -> tuple[float, float]:
        p = successes / n
        denom = 1 + Z95**2 / n
        centre = (p + Z95**2 / (2 * n)) / denom
        half = Z95 / denom * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2))
        return 100 * max(centre - half, 0), 100 * min(centre + half, 1)

    def importance(self, unit: str | None, wave: str) -> dict[str, tuple[float, float]]:
        """item -> (r with the outcome, share of r²): the unit's own answers from 100 people up,
        else the district's (one row per person and unit rated)."""
        key = ("importance", unit, wave)
        if key not in self._memo:
            self._memo[key] = self._importance(unit, wave)
        return self._memo[key]

    def _importance(self, unit: str | None, wave: str) -> dict[str, tuple[float, float]]:
        a = self.rows(None, wave)
        own = a[a["department"] == unit] if unit else a
        if unit is not None and own["respondent_id"].nunique() >= 100:
            a = own
        wide = a.pivot_table(
            index=["department", "respondent_id"], columns="item", values="score", aggfunc="first"
        ).astype(float)
        outcome = self.ins["outcome"]
        r = {}
        for item in wide.columns.drop(outcome):
            pair = wide[[item, outcome]].dropna()
            ok = len(pair) >= 3 and pair[item].std() > 0 and pair[outcome].std() > 0
            r[item] = pair[item].corr(pair[outcome]) if ok else math.nan
        total = sum(v**2 for v in r.values() if not math.isnan(v))
        return {
            i: (v, (v**2 / total) if total and not math.isnan(v) else 0.0) for i, v in r.items()
        }

    def benchmark(self, item: str, value: int) -> str:
        """'62nd', 'above the 95th', 'below the 5th' from the benchmark CSV's % favorable."""
        b = pd.read_csv(self.benchmarks)
        b = b[b["item"] == item].sort_values(["pct_favorable", "percentile"])
        xs, ps = b["pct_favorable"].tolist(), b["percentile"].tolist()
        if value < xs[0]:
            return f"below the {ordinal(ps[0])}"
        if value > xs[-1]:
            return f"above the {ordinal(ps[-1])}"
        points = list(zip(xs, ps, strict=True))
        for (x0, p0), (x1, p1) in zip(points, points[1:], strict=False):
            if x0 <= value <= x1:
                rank = p0 if x1 == x0 else p0 + (p1 - p0) * (value - x0) / (x1 - x0)
                return ordinal(rank)
        raise AssertionError("unreachable")


def ordinal(p: float) -> str:
    n = round(p)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def relation(r: float) -> str:
    """Cohen's benchmarks, as Methods says: .1 small, .3 medium, .5 large."""
    if math.isnan(r) or abs(r) < 0.1:
        return "not clearly related to"
    return ("strongly" if abs(r) >= 0.5 else "moderately" if abs(r) >= 0.3 else "weakly") + (
        " related to"
    )


SEASONS = ("winter", "spring", "summer", "fall", "autumn")


def shown_wave(wave: str) -> str:
    """A wave as the report names it (issue 14): ``2026-spring`` -> ``Spring 2026``; a name that is
    not year-season (``2026-10``, ``pilot``) as it is."""
    year, _, season = wave.partition("-")
    if year.isdigit() and season.lower() in SEASONS:
        return f"{'Fall' if season.lower() == 'autumn' else season.title()} {year}"
    return wave
