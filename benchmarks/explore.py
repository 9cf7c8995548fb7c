"""Explorer latency: widget change -> redrawn view on a generated 200,000-respondent district.

Generates the district (support services: every respondent rates 1-3 of 40 departments on the 14
items, 3 waves, 5 roles, 120 sites), builds the cube once, then changes widgets the way an analyst
does and times each change from the assignment to the end of the redraw (every view recomputed
and every widget value set). Prints the median and the 95th percentile; the target is 200 ms.

    python benchmarks/explore.py [--respondents 200000] [--changes 300]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from districtsurvey.contracts.instrument import load_instrument
from districtsurvey.explore.app import Explorer
from districtsurvey.explore.cube import build_cube

TARGET = 0.200


def generate(respondents: int, *, seed: int = 0) -> pd.DataFrame:
    """Tidy responses of a large district, with categorical columns (as a parquet read gives)."""
    rng = np.random.default_rng(seed)
    ins = load_instrument("support_services")
    items = ins.item_ids
    waves = ["2025-fall", "2026-spring", "2026-fall"]
    depts = [f"Department {k:02d}" for k in range(40)]
    roles = ["Teacher", "School Staff", "Central Office Staff", "Assistant Principal", "Principal"]
    sites = [f"School {k:03d}" for k in range(120)]
    who = np.arange(respondents * len(waves))
    wave = who // respondents
    role = rng.choice(len(roles), who.size, p=[0.55, 0.2, 0.15, 0.06, 0.04])
    site = rng.integers(0, len(sites), who.size)
    k = rng.integers(1, 4, who.size)  # departments rated
    rater = np.repeat(who, k)
    popularity = rng.dirichlet(np.ones(len(depts)) * 0.7)
    dept = rng.choice(len(depts), rater.size, p=popularity)
    rows = np.repeat(np.arange(rater.size), len(items))
    item = np.tile(np.arange(len(items)), rater.size)
    r = rater[rows]
    latent = rng.normal(3.4, 0.6, len(depts))[dept[rows]] + rng.normal(0, 0.9, rows.size)
    value = np.clip(np.rint(latent), 1, 5).astype("float32")
    value[rng.random(rows.size) < 0.1] = np.nan  # N/A
    cat = pd.Categorical.from_codes
    return pd.DataFrame(
        {
            "respondent_id": cat(r, [f"r{j}" for j in range(who.size)]),
            "survey": "support_services",
            "wave": cat(wave[r], waves),
            "department": cat(dept[rows], depts),
            "role": cat(role[r], roles),
            "site": cat(site[r], sites),
            "item": cat(item, items),
            "value": pd.array(value, dtype="Float32").astype("Int8"),
        }
    )


def changes(ex: Explorer, n: int, seed: int = 1):
    """(widget, value) pairs an analyst might choose, drawn at random."""
    rng = np.random.default_rng(seed)
    cube = ex.cube
    pick = {
        "department": ["", *cube.departments],
        "role": ["", *cube.roles],
        "site": ["", *cube.sites[:10]],
        "dimension": ["", *cube.dimensions],
        "item": ["", *cube.items],
        "wave": cube.waves,
        "breakdown": ["role", "site"],
    }
    weights = np.array([5, 3, 2, 3, 2, 1, 1], float)
    names = list(pick)
    for _ in range(n):
        name = names[rng.choice(len(names), p=weights / weights.sum())]
        yield name, pick[name][rng.integers(len(pick[name]))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200_000, help="per wave")
    parser.add_argument("--changes", type=int, default=300)
    args = parser.parse_args()

    start = time.perf_counter()
    df = generate(args.respondents)
    print(
        f"generated {len(df):,} answers from {args.respondents:,} respondents per wave "
        f"x 3 waves in {time.perf_counter() - start:.1f}s"
    )
    start = time.perf_counter()
    cube = build_cube(df, load_instrument("support_services"), source="generated")
    del df
    print(
        f"cube built once in {time.perf_counter() - start:.1f}s: answers {cube.answers.shape}, "
        f"{cube.answers.nbytes / 1e6:.0f} MB"
    )
    ex = Explorer(cube)
    times, refused = [], 0
    for name, value in changes(ex, args.changes):
        if ex.w[name].value == value:
            continue
        t = time.perf_counter()
        ex.w[name].value = value
        times.append(time.perf_counter() - t)
        refused += bool(ex.view.message)
    med = statistics.median(times)
    p95 = float(np.percentile(times, 95))
    print(
        f"{len(times)} widget changes ({refused} refused combinations): "
        f"median {med * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
        f"(target {TARGET * 1000:.0f} ms): {'OK' if p95 < TARGET else 'TOO SLOW'}"
    )


if __name__ == "__main__":
    main()
