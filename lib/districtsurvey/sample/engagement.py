"""The employee engagement survey of the sample district: staff rate their own unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .answers import _answers, _assemble, _ids
from .district import (
    ADMIN_SITE,
    CENTRAL_SITES,
    DEPARTMENTS,
    EE_RESPONSE_RATE,
    EE_ROLE_EFFECT,
    EE_STORIES,
    EE_WEIGHTS,
    SCHOOLS,
    WAVES,
)


def _ee_units(rng) -> dict[str, int]:
    """Engagement units (own department or school) -> base headcount."""
    units = {d: size for d, (_, size) in DEPARTMENTS.items()}
    for s in SCHOOLS:
        lo, hi = (
            (110, 160)
            if "High" in s
            else (65, 95)
            if "Middle" in s
            else (18, 26)
            if "Academy" in s
            else (36, 62)
        )
        units[s] = int(rng.integers(lo, hi + 1))
    return units


def _ee_role_site(rng, unit: str, n: int) -> tuple[list[str], list[str]]:
    if unit in SCHOOLS:
        roles = rng.choice(
            ["Teacher", "Support Staff", "Administrator", "Custodial/Maintenance"],
            size=n,
            p=[0.68, 0.21, 0.04, 0.07],
        )
        return list(roles), [unit] * n
    main = {
        "Transportation": "Transportation",
        "Food & Nutrition Services": "Food Service",
        "Custodial Services": "Custodial/Maintenance",
        "Facilities & Maintenance": "Custodial/Maintenance",
        "Energy Management": "Custodial/Maintenance",
    }.get(unit)
    if main:
        roles = rng.choice([main, "Administrator", "Support Staff"], size=n, p=[0.88, 0.05, 0.07])
    else:
        roles = rng.choice(["Support Staff", "Administrator"], size=n, p=[0.7, 0.3])
    home = CENTRAL_SITES.get(unit, ADMIN_SITE)
    spread = unit in ("Food & Nutrition Services", "Custodial Services")  # work at schools
    sites = [
        SCHOOLS[int(rng.integers(len(SCHOOLS)))] if spread and r == main else home for r in roles
    ]
    return [str(r) for r in roles], sites


def _engagement(rng, inst: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    items = inst["items"]
    dims = [d["id"] for d in inst["dimensions"] if d["id"] not in ("overall", "intent_to_stay")]
    units = _ee_units(rng)
    names = list(units)
    climate = rng.normal(0, 0.3, len(names))
    unit_dim = rng.normal(0, 0.22, (len(names), len(dims)))
    drift = rng.normal(0, 0.1, (len(names), len(dims)))
    rr_unit = rng.normal(0, 0.08, len(names))
    item_eff = {it["id"]: e for it, e in zip(items, rng.normal(0, 0.12, len(items)), strict=True)}
    item_eff.update(
        {
            "ee_res_time": -0.5,
            "ee_res_workload": -0.6,
            "ee_recog_recent": -0.3,
            "ee_purpose_mission": 0.45,
            "ee_purpose_difference": 0.4,
            "ee_stay_leave": -0.45,
        }
    )
    weights = np.array([EE_WEIGHTS[d] for d in dims])
    taken: set[str] = set()
    frames, heads = [], []
    for w, wave in enumerate(WAVES):
        rows, ui = [], []
        for u, unit in enumerate(names):
            invited = max(2, units[unit] + int(rng.integers(-2, 3)))
            rate = np.clip(EE_RESPONSE_RATE[w] + rr_unit[u] + rng.normal(0, 0.05), 0.42, 0.9)
            lo, hi = max(1, int(np.ceil(0.4 * invited))), max(1, int(np.floor(0.9 * invited)))
            n = int(np.clip(round(invited * rate), lo, hi))
            heads.append(("engagement", wave, unit, invited))
            roles, sites = _ee_role_site(rng, unit, n)
            rows += [
                (rid, wave, unit, r, s)
                for rid, r, s in zip(_ids(rng, "ee", n, taken), roles, sites, strict=True)
            ]
            ui += [u] * n
        frame = pd.DataFrame(rows, columns=["respondent_id", "wave", "department", "role", "site"])
        ui = np.array(ui)
        story = np.zeros((len(names), len(dims)))
        for (unit, k), offs in EE_STORIES.items():
            story[names.index(unit), dims.index(k)] = offs[w]
        person = rng.normal(0, 0.5, len(frame)) + frame["role"].map(EE_ROLE_EFFECT).to_numpy()
        lat_dim = (
            3.7
            + (climate[:, None] + unit_dim + drift * w + story)[ui]
            + person[:, None]
            + rng.normal(0, 0.5, (len(frame), len(dims)))
        )
        teacher = (frame["role"] == "Teacher").to_numpy()
        lat_dim[teacher, dims.index("resources")] -= 0.35
        mood = 3.7 + (lat_dim - 3.7) @ weights / weights.sum()
        stay = 3.8 + 0.9 * (mood - 3.7) + rng.normal(0, 0.45, len(frame))
        cols = []
        for it in items:
            d = it["dimension"]
            cols.append(
                mood
                if d == "overall"
                else stay
                if d == "intent_to_stay"
                else lat_dim[:, dims.index(d)]
            )
        latent = np.column_stack(cols) + np.array([item_eff[it["id"]] for it in items])
        vals = _answers(rng, latent, items, na_rate={"ee_growth_pd": 0.05, "ee_sup_feedback": 0.02})
        frames.append((frame, vals, mood))
    return _assemble(frames, items, "engagement", heads)
