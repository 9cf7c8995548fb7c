"""The support services survey of the sample district: staff rate the departments they used."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .answers import _answers, _assemble, _ids
from .district import (
    ADMIN_SITE,
    DEPARTMENTS,
    RARE,
    SCHOOLS,
    SS_ROLE_EFFECT,
    SS_ROLE_USE,
    SS_ROLES,
    SS_STORIES,
    SS_WEIGHTS,
    WAVES,
)


def _support_services(rng, inst: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    depts = list(DEPARTMENTS)
    dims = list(SS_WEIGHTS)
    items = inst["items"]
    base_pop = np.array([DEPARTMENTS[d][0] for d in depts])
    quality = rng.normal(0, 0.35, len(depts))
    dim_q = rng.normal(0, 0.25, (len(depts), len(dims)))
    drift = rng.normal(0, 0.12, (len(depts), len(dims)))  # per-wave random walk step
    item_eff = {it["id"]: e for it, e in zip(items, rng.normal(0, 0.12, len(items)), strict=True)}
    taken: set[str] = set()
    frames, headcounts = [], []
    for w, wave in enumerate(WAVES):
        pairs = []
        roles = [
            r
            for r, (n, _) in SS_ROLES.items()
            for _ in range(n + int(rng.integers(-n // 20, n // 20 + 1)))
        ]
        rids = _ids(rng, "ss", len(roles), taken)
        for rid, role in zip(rids, roles, strict=True):
            if role in ("Central Office Staff",):
                site = ADMIN_SITE
            else:
                site = SCHOOLS[int(rng.integers(len(SCHOOLS)))]
            mult = np.array([SS_ROLE_USE[role].get(d, 1.0) for d in depts])
            p = base_pop * mult / (base_pop * mult).sum()
            lo, hi = SS_ROLES[role][1]
            for di in rng.choice(
                len(depts), size=int(rng.integers(lo, hi + 1)), replace=False, p=p
            ):
                pairs.append((rid, wave, depts[di], role, site))
        leads = list(dict.fromkeys((r, ro, si) for r, _, _, ro, si in pairs if ro != "Teacher"))
        for dept, counts in RARE.items():
            for i in rng.choice(len(leads), size=counts[w], replace=False):
                rid, role, site = leads[i]
                pairs.append((rid, wave, dept, role, site))
        frame = pd.DataFrame(pairs, columns=["respondent_id", "wave", "department", "role", "site"])
        di = frame["department"].map({d: i for i, d in enumerate(depts)}).to_numpy()
        raters = list(dict.fromkeys(frame["respondent_id"]))
        per_rater = dict(zip(raters, rng.normal(0, 0.3, len(raters)), strict=True))
        leniency = frame["respondent_id"].map(per_rater).to_numpy()
        role_eff = frame["role"].map(SS_ROLE_EFFECT).to_numpy()
        story = np.zeros((len(depts), len(dims)))
        for (d, k), offs in SS_STORIES.items():
            story[depts.index(d), dims.index(k)] = offs[w]
        dept_dim = quality[:, None] + dim_q + drift * w + story
        halo = rng.normal(0, 0.4, len(frame))  # general impression of this department
        lat_dim = (
            3.75
            + dept_dim[di]
            + (leniency + role_eff + halo)[:, None]
            + rng.normal(0, 0.45, (len(frame), len(dims)))
        )
        outcome = (lat_dim * np.array(list(SS_WEIGHTS.values()))).sum(axis=1)
        cols = [
            outcome if it["dimension"] == "overall" else lat_dim[:, dims.index(it["dimension"])]
            for it in items
        ]
        latent = np.column_stack(cols) + np.array([item_eff[it["id"]] for it in items])
        vals = _answers(
            rng,
            latent,
            items,
            na_rate={
                "ss_accuracy_first_time": 0.04,
                "ss_timely_deadlines": 0.06,
                "ss_ops_supports_schools": 0.05,
            },
        )
        frames.append((frame, vals, outcome))
        n_by = frame["department"].value_counts()
        for d in depts:
            n = int(n_by.get(d, 0))
            rate = rng.uniform(0.42, 0.88)
            headcounts.append(("support_services", wave, d, max(n + 1, int(np.ceil(n / rate)))))
        # everyone invited to the survey (raters rate several departments, so the district's
        # invitation count is its own row, not a sum); no rng draw, so the data stays the same
        raters_n = frame["respondent_id"].nunique()
        headcounts.append(("support_services", wave, "District", int(np.ceil(raters_n / 0.74))))
    return _assemble(frames, items, "support_services", headcounts)
