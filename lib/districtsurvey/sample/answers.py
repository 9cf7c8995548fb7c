"""Shared steps of both survey generators: ids, answers from latent scores, the tidy frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .district import DEPARTMENTS, SCHOOLS, WAVES


def _ids(rng: np.random.Generator, prefix: str, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        for v in rng.integers(0, 2**32, size=n - len(out)):
            rid = f"{prefix}-{int(v):08x}"
            if rid not in taken:
                taken.add(rid)
                out.append(rid)
    return out


def _answers(
    rng, latent: np.ndarray, items: list[dict], *, na_rate: dict[str, float]
) -> np.ndarray:
    """Latent (rows x items, agreement if positively worded) -> 1..5 with 0 for missing."""
    vals = np.clip(np.rint(latent + rng.normal(0, 0.5, latent.shape)), 1, 5).astype(np.int8)
    rev = np.array([bool(it.get("reverse")) for it in items])
    vals[:, rev] = 6 - vals[:, rev]
    skip = rng.random(latent.shape) < 0.03
    na = rng.random(latent.shape) < np.array([na_rate.get(it["id"], 0.01) for it in items])
    # ~2% break off: last third of the items left blank
    stop = rng.random(latent.shape[0]) < 0.02
    tail = np.arange(len(items)) >= (2 * len(items)) // 3
    vals[skip | na | (stop[:, None] & tail[None, :])] = 0
    return vals


def _tidy(frame: pd.DataFrame, vals: np.ndarray, items: list[dict], survey: str) -> pd.DataFrame:
    ids = [it["id"] for it in items]
    n, k = vals.shape
    out = frame.loc[frame.index.repeat(k)].reset_index(drop=True)
    out.insert(1, "survey", survey)
    out["item"] = pd.Categorical(np.tile(ids, n), categories=ids)
    out["value"] = pd.array(vals.ravel(), dtype="Int8")
    out.loc[out["value"] == 0, "value"] = pd.NA
    out["respondent_id"] = out["respondent_id"].astype("string")
    for col, cats in [
        ("survey", [survey]),
        ("wave", WAVES),
        ("department", list(DEPARTMENTS) + SCHOOLS),
        ("role", None),
        ("site", None),
    ]:
        present = list(dict.fromkeys(out[col]))
        cats = [c for c in cats if c in present] if cats else sorted(present)
        out[col] = pd.Categorical(out[col], categories=cats, ordered=col == "wave")
    out = out[["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]]
    return out.sort_values(["wave", "department", "respondent_id", "item"]).reset_index(drop=True)


def _assemble(
    frames: list[tuple[pd.DataFrame, np.ndarray, np.ndarray]],
    items: list[dict],
    survey: str,
    headcounts: list[tuple],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A generator's (respondents, answers, mood) frames as tidy answers, the respondents with
    their mood (which drives their comments), and the headcounts table."""
    tidy = _tidy(
        pd.concat([f for f, _, _ in frames], ignore_index=True),
        np.vstack([v for _, v, _ in frames]),
        items,
        survey,
    )
    lat = pd.concat([f.assign(mood=m) for f, _, m in frames], ignore_index=True)
    return tidy, lat, pd.DataFrame(headcounts, columns=["survey", "wave", "department", "invited"])
