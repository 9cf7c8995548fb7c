"""Deterministic sample district: Riverbend Unified School District (fictional).

``generate_sample(out_dir)`` writes tidy responses (parquet), comments and headcounts (CSV) for the
``support_services`` and ``engagement`` instruments over three waves. Same seed, same bytes.

The district and its comment templates are data (``district.yml``, ``comments.yml``); this module
holds the generator only. ``districtsurvey sample`` rewrites ``data/sample/``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..contracts.paths import INSTRUMENTS_DIR, SAMPLE_DIR
from .comments import _comments
from .district import BENCHMARK_SOURCE, WAVES
from .engagement import _engagement
from .support_services import _support_services


def _instrument(instrument_dir: Path, survey: str) -> dict:
    return yaml.safe_load((instrument_dir / f"{survey}.yml").read_text(encoding="utf-8"))


def generate_sample(
    out_dir: Path, *, seed: int = 2026, instrument_dir: Path | None = None
) -> list[Path]:
    """Write the Riverbend sample district into ``out_dir``; return the paths written.

    Deterministic: the same seed gives byte-identical CSVs and equal parquet frames.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    instrument_dir = Path(instrument_dir or INSTRUMENTS_DIR)
    rng = np.random.default_rng(seed)
    written = []
    for survey, build, per_wave in [
        ("support_services", _support_services, 360),
        ("engagement", _engagement, 300),
    ]:
        inst = _instrument(instrument_dir, survey)
        tidy, lat, heads = build(rng, inst)
        comments = _comments(rng, lat, inst, per_wave)
        heads["_w"] = heads["wave"].map(WAVES.index)
        heads = heads.sort_values(["_w", "department"]).drop(columns="_w")
        paths = [
            out_dir / f"{survey}.parquet",
            out_dir / f"{survey}_comments.csv",
            out_dir / f"{survey}_headcounts.csv",
        ]
        tidy.to_parquet(paths[0], index=False)
        comments.to_csv(paths[1], index=False, lineterminator="\n")
        heads.to_csv(paths[2], index=False, lineterminator="\n")
        bench = out_dir / f"{survey}_benchmarks.csv"
        _benchmarks(np.random.default_rng(seed + 1), inst, survey).to_csv(
            bench, index=False, lineterminator="\n"
        )
        written += [*paths, bench]
    return written


def _benchmarks(rng: np.random.Generator, inst: dict, survey: str) -> pd.DataFrame:
    """A fictional external benchmark: percentiles of 48 districts' % favorable per item (own
    rng stream, so the other files do not change with it)."""
    rows = []
    for item in inst["items"]:
        shares = np.clip(rng.normal(62 + rng.normal(0, 7), 9, size=48), 5, 98)
        for q in (5, 10, 25, 50, 75, 90, 95):
            rows.append(
                {
                    "survey": survey,
                    "item": item["id"],
                    "percentile": q,
                    "pct_favorable": round(float(np.percentile(shares, q)), 1),
                    "source": BENCHMARK_SOURCE,
                    "n": 48,
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    for p in generate_sample(SAMPLE_DIR):
        print(f"{p.relative_to(SAMPLE_DIR.parents[1])}  {p.stat().st_size / 1024:.0f} KB")
