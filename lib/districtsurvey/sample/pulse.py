"""The sample district's pulse survey between its spring and fall 2026 rounds (support services).

Some departments ran a short pulse in September 2026 (``2026-09-pulse``: year, month, pulse;
September sorts after spring ~ April and before fall ~ October, ``contracts.waves``) asking only
their spring focus statements. It is its own tidy file, ``support_services_pulse.parquet`` (the
tidy contract, read like any other data file), so no row of the full rounds changes.

Made deterministically from the committed sample: the spring round is prepared to find each
department's focus statements; a seeded draw picks the departments that ran the pulse, how many
of their raters took it (45-75% of spring's), who they are (new ids, never one of the full rounds: a pulse is anonymous and not
linked to the full rounds) and their answers, drawn from the department's own spring (1 in 4)
and fall (3 in 4) answers to the statement, since September lies closer to the fall round.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..contracts.files import atomic_path
from ..contracts.paths import SAMPLE_DIR
from ..prepare.run import prepare_run
from .answers import _ids
from .plans import _params

PULSE, SPRING, FALL = "2026-09-pulse", "2026-spring", "2026-fall"
FILE = "support_services_pulse.parquet"
DEPARTMENTS = 9  # how many departments ran the pulse
COLUMNS = ["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]


def _spring_focus(sample_dir: Path) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = prepare_run(_params(Path(tmp) / "run", sample_dir, "support_services"))
        focus = pd.read_parquet(run_dir / "cache" / "focus.parquet")
    return focus[(focus["wave"] == SPRING) & (focus["department"] != "District")]


def sample_pulse(tidy: pd.DataFrame, focus: pd.DataFrame, *, seed: int = 2026) -> pd.DataFrame:
    """The pulse's tidy rows, from the full rounds' answers ``tidy`` and spring's ``focus``."""
    rng = np.random.default_rng(seed + 2)  # its own stream: nothing else changes with it
    tidy = tidy.astype({"wave": str, "department": str})
    raters = tidy.drop_duplicates(["wave", "department", "respondent_id"])
    spring_n = raters[raters["wave"] == SPRING].groupby("department").size()
    candidates = sorted(d for d in focus["department"].unique() if spring_n.get(d, 0) >= 40)
    chosen = sorted(rng.choice(candidates, size=DEPARTMENTS, replace=False).tolist())
    taken = set(tidy["respondent_id"].unique())
    frames = []
    for dept in chosen:
        items = focus[focus["department"] == dept].sort_values("rank")["item"].tolist()
        n = int(round(spring_n[dept] * rng.uniform(0.45, 0.75)))
        fall = raters[(raters["wave"] == FALL) & (raters["department"] == dept)]
        who = fall.iloc[rng.integers(0, len(fall), size=n)][["role", "site"]]
        people = who.reset_index(drop=True).assign(respondent_id=_ids(rng, "ss", n, taken))
        mine = tidy[(tidy["department"] == dept) & tidy["value"].notna()]
        for item in items:
            pool = {
                w: mine[(mine["wave"] == w) & (mine["item"] == item)]["value"]
                for w in (SPRING, FALL)
            }
            if min(len(v) for v in pool.values()) == 0:
                continue
            source = np.where(rng.random(n) < 0.25, SPRING, FALL)
            values = [int(pool[w].iloc[rng.integers(0, len(pool[w]))]) for w in source]
            answers = pd.array(values, dtype="Int64")
            answers[rng.random(n) < 0.03] = pd.NA  # skipped
            frames.append(people.assign(department=dept, item=item, value=answers))
    out = pd.concat(frames, ignore_index=True).assign(survey="support_services", wave=PULSE)
    return out[COLUMNS]


def write_sample_pulse(sample_dir: Path = SAMPLE_DIR, *, seed: int = 2026) -> list[Path]:
    """Write ``support_services_pulse.parquet`` into ``sample_dir`` (see the module docstring)."""
    sample_dir = Path(sample_dir)
    tidy = pd.read_parquet(sample_dir / "support_services.parquet")
    pulse = sample_pulse(tidy, _spring_focus(sample_dir), seed=seed)
    path = sample_dir / FILE
    with atomic_path(path) as tmp:
        pulse.to_parquet(tmp, index=False)
    return [path]
