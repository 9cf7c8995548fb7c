"""Comments of the sample district, filled with fictional names, e-mails, phones and staff ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .district import (
    DOMAIN,
    EE_IMPROVE,
    EE_IMPROVE_ROLE,
    EE_RECOG,
    EE_RECOG_ROLE,
    EE_VALUE,
    PEOPLE,
    PII_TAILS,
    SCHOOLS,
    SS_IMPROVE,
    SS_IMPROVE_DEPT,
    SS_RECOG,
    SS_TASKS,
    SS_WELL,
    WAVES,
)


def _fill(rng, text: str, dept: str) -> str:
    def person() -> tuple[str, str]:
        first, last, title = PEOPLE[int(rng.integers(len(PEOPLE)))]
        style = int(rng.integers(4))
        shown = [f"{title} {last}", f"{first} {last}", first, f"{first} {last[0]}."][style]
        return shown, f"{first[0]}.{last}@{DOMAIN}".lower().replace("'", "")

    name, email = person()
    name2, _ = person()
    a, b, c = (int(x) for x in rng.integers([200, 100, 1000], [999, 999, 9999]))
    phone = [
        f"(555) {b:03d}-{c:04d}",
        f"555-{b:03d}-{c:04d}",
        f"555.{b:03d}.{c:04d}",
        f"555-{b:03d}-{c:04d} ext. {a}",
        f"ext. {a}",
    ][int(rng.integers(5))]
    emp = f"EMP-{int(rng.integers(1, 999999)):06d}"
    boss = "principal" if dept in SCHOOLS else "supervisor"
    return text.format(
        name=name,
        name2=name2,
        email=email,
        phone=phone,
        emp=emp,
        dept=dept,
        boss=boss,
        task=SS_TASKS.get(dept, "a difficult request"),
    )


def _comments(rng, lat: pd.DataFrame, inst: dict, per_wave: int) -> pd.DataFrame:
    improve, well, recog = (q["id"] for q in inst["questions"])
    ss = inst["id"] == "support_services"
    rows = []
    for wave in WAVES:
        pool = lat[lat["wave"] == wave].reset_index(drop=True)
        for i in np.sort(rng.choice(len(pool), size=per_wave, replace=False)):
            r = pool.iloc[i]
            low = r["mood"] < 3.6
            q = rng.choice(
                [improve, well, recog], p=[0.6, 0.25, 0.15] if low else [0.25, 0.45, 0.3]
            )
            if q == recog:
                text = str(
                    rng.choice(SS_RECOG if ss else EE_RECOG + 2 * EE_RECOG_ROLE.get(r["role"], []))
                )
            elif q == well:
                text = str(rng.choice(SS_WELL if ss else EE_VALUE))
            else:
                pool_t = (
                    SS_IMPROVE + 2 * SS_IMPROVE_DEPT.get(r["department"], [])
                    if ss
                    else EE_IMPROVE + 2 * EE_IMPROVE_ROLE.get(r["role"], [])
                )
                text = str(rng.choice(pool_t))
                if rng.random() < 0.3:
                    text += str(rng.choice(PII_TAILS))
            rows.append(
                (
                    r["respondent_id"],
                    inst["id"],
                    wave,
                    r["department"],
                    str(q),
                    _fill(rng, text, r["department"]),
                )
            )
    out = pd.DataFrame(
        rows, columns=["respondent_id", "survey", "wave", "department", "question", "text"]
    )
    out["_w"] = out["wave"].map(WAVES.index)
    return (
        out.sort_values(["_w", "department", "respondent_id", "question"])
        .drop(columns="_w")
        .reset_index(drop=True)
    )
