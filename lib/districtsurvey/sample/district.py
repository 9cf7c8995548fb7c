"""The sample district as data: ``district.yml`` (departments, schools, rater groups, the stories
its waves tell) and ``comments.yml`` (comment templates and fictional people)."""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).parent
_DISTRICT = yaml.safe_load((HERE / "district.yml").read_text(encoding="utf-8"))
_TEXTS = yaml.safe_load((HERE / "comments.yml").read_text(encoding="utf-8"))


def _stories(table: dict) -> dict[tuple[str, str], list[float]]:
    """``{unit: {dimension: offsets}}`` -> ``{(unit, dimension): offsets}`` (file order kept)."""
    return {(u, k): offs for u, dims in table.items() for k, offs in dims.items()}


WAVES: list[str] = _DISTRICT["waves"]  # chronological
DOMAIN: str = _DISTRICT["domain"]
# name: (support-services popularity, engagement headcount)
DEPARTMENTS: dict[str, tuple[float, int]] = {
    name: (d["popularity"], d["engagement_headcount"])
    for name, d in _DISTRICT["departments"].items()
}
RARE: dict[str, list[int]] = _DISTRICT["rare_raters"]  # raters per wave (support_services)
_SCHOOLS = _DISTRICT["schools"]
SCHOOLS = (
    [f"{n} Elementary" for n in _SCHOOLS["elementary"]]
    + [f"{n} Middle School" for n in _SCHOOLS["middle"]]
    + [f"{n} High School" for n in _SCHOOLS["high"]]
    + ["Horizon Academy"]
)
CENTRAL_SITES: dict[str, str] = _DISTRICT["central_sites"]
ADMIN_SITE: str = _DISTRICT["admin_site"]
_SS = _DISTRICT["support_services"]
# Support services raters per wave: role -> (count, departments used (min, max)).
SS_ROLES = {r: (d["raters"], tuple(d["departments_used"])) for r, d in _SS["roles"].items()}
SS_ROLE_USE: dict[str, dict[str, float]] = _SS["role_use"]  # multipliers on popularity
SS_ROLE_EFFECT: dict[str, float] = _SS["role_effect"]
SS_WEIGHTS: dict[str, float] = _SS["weights"]
SS_STORIES = _stories(_SS["stories"])  # (department, dimension) -> offset per wave
_EE = _DISTRICT["engagement"]
EE_WEIGHTS: dict[str, float] = _EE["weights"]
EE_RESPONSE_RATE: list[float] = _EE["response_rate"]
EE_ROLE_EFFECT: dict[str, float] = _EE["role_effect"]
EE_STORIES = _stories(_EE["stories"])  # (unit, dimension) -> offset per wave
BENCHMARK_SOURCE: str = _DISTRICT["benchmark_source"]

PEOPLE = [(p["first"], p["last"], p["title"]) for p in _TEXTS["people"]]
SS_IMPROVE = _TEXTS["support_services"]["improve"]
SS_IMPROVE_DEPT = _TEXTS["support_services"]["improve_by_department"]
SS_WELL = _TEXTS["support_services"]["well"]
SS_RECOG = _TEXTS["support_services"]["recognition"]
SS_TASKS = _TEXTS["support_services"]["tasks"]
EE_IMPROVE = _TEXTS["engagement"]["improve"]
EE_IMPROVE_ROLE = _TEXTS["engagement"]["improve_by_role"]
EE_VALUE = _TEXTS["engagement"]["value"]
EE_RECOG = _TEXTS["engagement"]["recognition"]
EE_RECOG_ROLE = _TEXTS["engagement"]["recognition_by_role"]
PII_TAILS = _TEXTS["pii_tails"]
