"""An independent attacker against everything a run publishes.

The attacker does not use the library: it reads the run folder (HTML reports, executed notebooks,
CSV files and the report-safe cache tables shipped beside them), and the instrument file. It
writes down the linear equations the published figures imply —

- an item's answers in the district are the sum over all departments (both surveys),
- a dimension pools its items' answers (and an index its items'), in every department,
- a department's answers in a dimension are the sum over its rater groups (role, site),
- in the engagement survey respondents add up: district = sum of departments,

plus the inequalities every count obeys (n >= 1 for a group that is listed, respondents <= answers
<= items x respondents, favorable + neutral + unfavorable = answers, 1..5 scores) — and checks that
no suppressed cell's n, % favorable or mean is pinned to one value by them. Published figures are
taken at full precision (the cache), which is more than the rounded HTML shows; the HTML and
notebooks are parsed to check that they show nothing the cache does not and hide what it hides.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.linalg import null_space
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS = ROOT / "data" / "instruments"
QUANTITIES = ("F", "M", "U", "S")  # favorable, neutral, unfavorable answers; sum of scores


# --- the attacker ---


def read_instrument(survey: str) -> dict:
    raw = yaml.safe_load((INSTRUMENTS / f"{survey}.yml").read_text(encoding="utf-8"))
    groups = defaultdict(list)
    for item in raw["items"]:
        groups[item["dimension"]].append(item["id"])
    for index in raw.get("indices") or []:
        groups[index["id"]] = list(index["items"])
    return {"raw": raw, "groups": dict(groups), "scale": raw["scale"]}


class Attack:
    """Unknowns are the figures of hidden cells; published figures are constants."""

    def __init__(self, scale: dict, min_n: int) -> None:
        self.min_n = min_n
        self.var: dict[tuple, int] = {}
        self.known: dict[tuple, float] = {}
        self.eq: list[tuple[dict, float]] = []
        self.ineq: list[tuple[dict, float]] = []  # sum(coef * x) <= rhs
        self.cells: list[tuple] = []  # hidden cells, each with a count quantity "N"
        fav, neu, unf = scale["favorable"], scale["neutral"], scale["unfavorable"]
        self.bounds = {
            "F": (min(fav), max(fav)),
            "M": (min(neu or [0]), max(neu or [0])),
            "U": (min(unf), max(unf)),
        }

    def term(self, key: tuple) -> tuple[dict, float]:
        """A quantity as (linear part, constant)."""
        if key in self.known:
            return {}, self.known[key]
        if key not in self.var:
            self.var[key] = len(self.var)
        return {self.var[key]: 1.0}, 0.0

    def relation(self, lhs: list[tuple[float, tuple]], rhs: float = 0.0, *, equal: bool = True):
        """sum(coef * quantity) == rhs (or <= rhs)."""
        coefs: dict[int, float] = defaultdict(float)
        for c, key in lhs:
            part, const = self.term(key)
            for i, v in part.items():
                coefs[i] += c * v
            rhs -= c * const
        coefs = {i: v for i, v in coefs.items() if v != 0}
        if coefs:
            (self.eq if equal else self.ineq).append((coefs, rhs))
        elif equal:
            assert abs(rhs) < 1e-6 * (1 + abs(rhs)) + 1e-6, f"published figures disagree: {lhs}"

    def publish(self, cell: tuple, row, *, answers: str, respondents: bool, lower: int = 1) -> None:
        """A row of a published table: known figures, or a hidden cell with its own constraints."""
        if not row["suppressed"]:
            n = float(row[answers])
            self.known[(*cell, "N")] = n
            if respondents:
                self.known[(*cell, "R")] = float(row["n"])
            for q, col in (("F", "pct_favorable"), ("M", "pct_neutral"), ("U", "pct_unfavorable")):
                self.known[(*cell, q)] = float(row[col]) * n / 100
            self.known[(*cell, "S")] = float(row["mean"]) * n
            return
        self.cells.append(cell)
        q = {k: (*cell, k) for k in ("N", "F", "M", "U", "S", "R")}
        self.relation([(1, q["N"]), (-1, q["F"]), (-1, q["M"]), (-1, q["U"])])
        lo = [(-1, q["S"])] + [(self.bounds[k][0], q[k]) for k in "FMU"]
        hi = [(1, q["S"])] + [(-self.bounds[k][1], q[k]) for k in "FMU"]
        self.relation(lo, 0, equal=False)
        self.relation(hi, 0, equal=False)
        for k in "FMU":
            self.relation([(-1, q[k])], 0, equal=False)
        self.relation([(-1, q["N"])], -lower, equal=False)  # a listed group: >= 1 answer
        if respondents:
            self.relation([(-1, q["R"])], -lower, equal=False)
            self.relation([(1, q["R"]), (-1, q["N"])], 0, equal=False)  # respondents <= answers

    def solve(self) -> list[str]:
        """What the equations pin down: hidden counts and hidden % favorable / means."""
        nv = len(self.var)
        if nv == 0:
            return []
        tight, x = _interior(self.eq, self.ineq, nv)
        a_eq, _ = _matrix(self.eq + tight, nv)
        free = _free_directions(a_eq, nv)
        breaches = []
        for cell in self.cells:
            idx = {k: self.var.get((*cell, k)) for k in ("N", "R", "F", "S")}
            for k in ("N", "R"):  # a count pinned to 0 describes nobody; to min_n or more,
                # a group that could be shown (its scores must stay unknown, checked below)
                if (
                    idx[k] is not None
                    and not free[idx[k]][1].any()
                    and 0.5 < x[idx[k]] < self.min_n - 0.5
                ):
                    breaches.append(f"{cell}: {k} = {x[idx[k]]:.2f} is determined")
            n, f, s = idx["N"], idx["F"], idx["S"]
            if n is None or f is None or s is None or x[n] < 0.5:
                continue
            for what, i in (("% favorable", f), ("mean", s)):
                if _fixed_ratio(free, x, i, n):
                    breaches.append(f"{cell}: {what} = {x[i] / x[n]:.3f} is determined")
        return breaches


def _interior(eq_rows, ineq_rows, nv, delta=1e-4):
    """A point where every inequality has slack ``delta`` unless it is tight at every solution;
    returns those always-tight inequalities (as equalities) and the point."""
    a_eq, b_eq = _matrix(eq_rows, nv)
    a_ub, b_ub = _matrix(ineq_rows, nv)
    m = a_ub.shape[0]
    c = np.concatenate([np.zeros(nv), -np.ones(m)])  # maximise the sum of capped slacks
    a_ub_s = sparse.hstack([a_ub, sparse.eye(m)]).tocsr()
    a_eq_s = sparse.hstack([a_eq, sparse.csr_matrix((a_eq.shape[0], m))]).tocsr()
    res = linprog(
        c,
        A_ub=a_ub_s if m else None,
        b_ub=b_ub if m else None,
        A_eq=a_eq_s if eq_rows else None,
        b_eq=b_eq if eq_rows else None,
        bounds=[(None, None)] * nv + [(0, delta)] * m,
        method="highs",
    )
    assert res.status == 0, f"published figures contradict the attacker's model: {res.message}"
    slack = res.x[nv:]
    tight = [row for row, sl in zip(ineq_rows, slack, strict=True) if sl < delta / 2]
    return tight, res.x[:nv]


def _matrix(rows, nv):
    if not rows:
        return sparse.csr_matrix((0, nv)), np.zeros(0)
    data, ri, ci = [], [], []
    for r, (coefs, _) in enumerate(rows):
        for i, v in coefs.items():
            ri.append(r)
            ci.append(i)
            data.append(v)
    return sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), nv)), np.array(
        [b for _, b in rows]
    )


def _free_directions(a_eq, nv) -> list[tuple[int, np.ndarray]]:
    """Per variable: (block, row of a basis of the directions the equalities leave free there)."""
    ncomp, label = (
        connected_components(a_eq.T @ a_eq, directed=False)
        if a_eq.shape[0]
        else (nv, np.arange(nv))
    )
    a_eq = a_eq.tocsc()
    out: list = [None] * nv
    order = np.argsort(label, kind="stable")
    bounds = np.searchsorted(label[order], np.arange(ncomp + 1))
    for comp in range(ncomp):
        cols = order[bounds[comp] : bounds[comp + 1]]
        sub = a_eq[:, cols]
        rows = np.unique(sub.nonzero()[0])
        basis = _null_space(sub[rows].toarray()) if len(rows) else np.eye(len(cols))
        basis = np.where(np.abs(basis) < 1e-9, 0.0, basis)
        for j, col in enumerate(cols):
            out[col] = (comp, basis[j])
    return out


def _null_space(a: np.ndarray) -> np.ndarray:
    try:
        return null_space(a)
    except np.linalg.LinAlgError:  # the divide-and-conquer SVD can fail to converge
        return null_space(a, lapack_driver="gesvd")


def _fixed_ratio(free, x, i, n) -> bool:
    """Whether q_i / q_n keeps its value along every free direction."""
    (bi, ri), (bn, rn) = free[i], free[n]
    scale = 1e-7 * max(1.0, x[n] ** 2)
    if bi == bn:
        return np.abs(x[n] * ri - x[i] * rn).max(initial=0) < scale
    return np.abs(x[n] * ri).max(initial=0) < scale and np.abs(x[i] * rn).max(initial=0) < scale


def complete(table: pd.DataFrame, keys: list[str]) -> bool:
    """Whether the table lists every combination of its keys' values (per ``by`` if any)."""
    if table.empty:
        return True
    parts = table.groupby("by") if "by" in table.columns else [(None, table)]
    for _, t in parts:
        t = t[t["department"] != "District"] if "department" in t else t
        expected = np.prod([t[k].nunique() for k in keys])
        if len(t[keys].drop_duplicates()) != expected:
            return False
    return True


def attack_tables(
    tables: dict[str, pd.DataFrame],
    survey: str,
    *,
    min_n: int,
    groups_complete: bool = True,
    additive_respondents: bool | None = None,
    wave: str | None = None,
) -> list[str]:
    """Every determination the published tables allow (empty list: nothing recoverable);
    ``wave``: the run's wave, whose key drivers (``tables["drivers"]``) are read too."""
    ins = read_instrument(survey)
    run_wave = wave  # (the loops below reuse the name)
    additive = survey == "engagement" if additive_respondents is None else additive_respondents
    a = Attack(ins["scale"], min_n)
    items = pd.concat([tables["items"], tables["district_items"].assign(department="District")])
    dims = pd.concat(
        [tables["dimensions"], tables["district_dimensions"].assign(department="District")]
    )
    bd = tables.get("breakdowns", pd.DataFrame(columns=["department"]))
    resp = tables["respondents"]
    # a hidden row proves someone answered, unless every combination is listed anyway
    low = {
        name: 0 if complete(t, keys) else 1
        for name, t, keys in (
            ("item", items, ["department", "wave", "item"]),
            ("dim", dims, ["department", "wave", "dimension"]),
            ("bd", bd, ["department", "wave", "group", "dimension"]),
            ("resp", resp, ["department", "wave"]),
        )
    }
    for row in items.to_dict("records"):
        a.publish(
            ("item", row["department"], row["wave"], row["item"]),
            row,
            answers="n",
            respondents=False,
            lower=low["item"],
        )
    for row in dims.to_dict("records"):
        a.publish(
            ("dim", row["department"], row["wave"], row["dimension"]),
            row,
            answers="n_answers",
            respondents=True,
            lower=low["dim"],
        )
    for row in bd.to_dict("records"):
        a.publish(
            ("bd", row["department"], row["wave"], row["by"], row["group"], row["dimension"]),
            row,
            answers="n_answers",
            respondents=True,
            lower=low["bd"],
        )
    for row in resp.to_dict("records"):
        cell = ("resp", row["department"], row["wave"])
        if row["suppressed"]:
            a.cells.append(cell)
            a.relation([(-1, (*cell, "R"))], -low["resp"], equal=False)
        else:
            a.known[(*cell, "R")] = float(row["n"])
    quantities = ("N", *QUANTITIES)
    # departments -> district, per item (answers add up in both surveys)
    for (wave, item), part in items.groupby(["wave", "item"]):
        depts = [d for d in part["department"] if d != "District"]
        for q in quantities:
            a.relation(
                [(1, ("item", "District", wave, item, q))]
                + [(-1, ("item", d, wave, item, q)) for d in depts]
            )
    # items -> dimension / index, per department and the district
    for (dept, wave), part in items.groupby(["department", "wave"]):
        present = set(part["item"])
        shown = set(dims.loc[(dims["department"] == dept) & (dims["wave"] == wave), "dimension"])
        for dim, members in ins["groups"].items():
            members = [i for i in members if i in present]
            if not members or dim not in shown:
                continue
            cell = ("dim", dept, wave, dim)
            for q in quantities:
                a.relation([(1, (*cell, q))] + [(-1, ("item", dept, wave, i, q)) for i in members])
            k = len(members)
            if dept != "District" or additive:  # one answer per item per person in one unit
                a.relation([(1, (*cell, "N")), (-k, (*cell, "R"))], 0, equal=k == 1)
                for i in members:  # everyone who answered an item counts as a respondent
                    a.relation(
                        [(1, ("item", dept, wave, i, "N")), (-1, (*cell, "R"))], 0, equal=False
                    )
            a.relation([(1, (*cell, "R")), (-1, ("resp", dept, wave, "R"))], 0, equal=False)
    # rater groups -> department, per dimension
    if len(bd):
        for (dept, wave, by, dim), part in bd.groupby(["department", "wave", "by", "dimension"]):
            total = ("dim", dept, wave, dim)
            for q in ("N", "R", *QUANTITIES):
                terms = [(1, (*total, q))] + [
                    (-1, ("bd", dept, wave, by, g, dim, q)) for g in part["group"]
                ]
                if groups_complete:
                    a.relation(terms)
                else:
                    a.relation([(-c, key) for c, key in terms], 0, equal=False)
            k = len(ins["groups"].get(dim, [])) or 1
            for g in part["group"]:
                cell = ("bd", dept, wave, by, g, dim)
                a.relation([(1, (*cell, "N")), (-k, (*cell, "R"))], 0, equal=k == 1)
    _driver_relations(a, tables.get("drivers"), items, ins["raw"].get("outcome"), run_wave)
    if additive:
        for wave, part in resp.groupby("wave"):
            depts = [d for d in part["department"] if d != "District"]
            a.relation(
                [(1, ("resp", "District", wave, "R"))]
                + [(-1, ("resp", d, wave, "R")) for d in depts]
            )
        for (wave, dim), part in dims.groupby(["wave", "dimension"]):
            depts = [d for d in part["department"] if d != "District"]
            a.relation(
                [(1, ("dim", "District", wave, dim, "R"))]
                + [(-1, ("dim", d, wave, dim, "R")) for d in depts]
            )
    return a.solve()


def _driver_relations(a: Attack, drivers, items: pd.DataFrame, outcome, wave) -> None:
    """Key drivers: a department's own analysis publishes its pairs (people who answered the
    statement and the outcome); the district's pairs are the sum over every department."""
    if drivers is None or drivers.empty or wave is None:  # drivers are for the run's wave
        return
    now = items[(items["wave"] == wave) & (items["department"] != "District")]
    depts = sorted(set(now["department"]))
    for item, part in drivers.groupby("item"):
        district = part[part["department"] == "District"]
        if district.empty:
            continue
        a.known[("pairs", "District", item)] = float(district["n"].iloc[0])
        for row in part[part["basis"] == "department"].to_dict("records"):
            a.known[("pairs", row["department"], item)] = float(row["n"])
        a.relation([(1, ("pairs", "District", item))] + [(-1, ("pairs", d, item)) for d in depts])
        for d in depts:  # 0 <= pairs <= answers of the statement and of the outcome
            a.relation([(-1, ("pairs", d, item))], 0, equal=False)
            for it in {item, outcome} - {None}:
                if ((now["department"] == d) & (now["item"] == it)).any():
                    a.relation(
                        [(1, ("pairs", d, item)), (-1, ("item", d, wave, it, "N"))], 0, equal=False
                    )


def test_attacker_recovers_a_lone_hidden_department():
    """The attacker is not toothless: without complementary suppression it finds the cell."""
    item = read_instrument("support_services")["raw"]["items"][-1]["id"]  # overall, own dimension

    def row(d, n, fav, sup=False):  # answers are 4 (favorable) or 3 (neutral)
        return {
            "department": d,
            "wave": "w",
            "item": item,
            "dimension": "overall",
            "n": n,
            "n_answers": n,
            "mean": 3 + fav / 100,
            "pct_favorable": fav,
            "pct_neutral": 100 - fav,
            "pct_unfavorable": 0.0,
            "suppressed": sup,
        }

    shown = [row("A", 20, 50.0), row("B", 10, 40.0)]
    hidden = {**row("C", 3, 0.0, True), "n": None}
    total = row("District", 33, (10 + 4 + 0) / 33 * 100)
    items = pd.DataFrame([*shown, hidden])
    district = pd.DataFrame([total])
    tables = {
        "items": items,
        "district_items": district,
        "dimensions": items,
        "district_dimensions": district,
        "respondents": pd.DataFrame(
            [{**r, "suppressed": r["suppressed"]} for r in [*shown, hidden, total]]
        ),
    }
    found = attack_tables(tables, "support_services", min_n=5)
    assert any("('item', 'C', 'w'" in b and "N = 3.00" in b for b in found), found
    assert any("('item', 'C', 'w'" in b and "% favorable" in b for b in found), found


# --- reading what a run published ---


def read_cache(run_dir: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in (run_dir / "cache").glob("*.parquet")}


def html_tables(html: str) -> list[pd.DataFrame]:
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for table in soup.find_all("table"):
        rows = [
            [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.find_all("tr")
        ]
        rows = [r for r in rows if r]
        if len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows):
            out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


def published_files(run_dir: Path) -> dict[Path, str]:
    """Every text a reader of the run folder sees: HTML, notebook outputs, CSV, JSON."""
    out = {}
    for path in sorted(run_dir.rglob("*")):
        if path.suffix in {".html", ".csv", ".json", ".md", ".txt"}:
            out[path] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".ipynb":
            out[path] = notebook_text(path)
    return out


def notebook_text(path: Path, *, sources: bool = True) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if sources:
            parts.append("".join(cell.get("source", "")))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for mime, value in output.get("data", {}).items():
                if not mime.startswith("image/"):
                    parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def number(text: str) -> float | None:
    m = re.fullmatch(r"\s*([+-]?[\d,]+(?:\.\d+)?)\s*%?\s*", str(text))
    return float(m.group(1).replace(",", "")) if m else None


FIGURE_COLUMNS = {
    "n",
    "Respondents",
    "Answered",
    "Mean",
    "% fav",
    "% favorable",
    "% neutral",
    "% unfav",
    "95% interval",
    "vs district",
    "Change",
    "Response rate",
    "Invited",
}


def html_figures(run_dir: Path, survey: str) -> list[dict]:
    """Every figure shown in a report or the summary, named by the cell it is about."""
    ins = read_instrument(survey)["raw"]
    item_by_text = {i["text"]: i["id"] for i in ins["items"]}
    # a reverse-worded statement is labeled with the direction of its figures (issue 13)
    item_by_text.update(
        {
            f"{i['text']} (% who disagree — favorable)": i["id"]
            for i in ins["items"]
            if i.get("reverse")
        }
    )
    dim_by_label = {d["label"]: d["id"] for d in ins["dimensions"]}
    dim_by_label.update({i.get("label", i["id"]): i["id"] for i in ins.get("indices") or []})
    outcome = {i["id"]: i["dimension"] for i in ins["items"]}.get(ins.get("outcome"))
    run = json.loads((run_dir / "cache" / "run.json").read_text(encoding="utf-8"))
    wave = run["wave"]
    figures = []
    sources = {p: p.read_text(encoding="utf-8") for p in run_dir.rglob("*.html")}
    sources.update({p: notebook_text(p, sources=False) for p in run_dir.rglob("*.ipynb")})

    def add(path, cell, r, n=None, pct=None, **extra):
        others = {k: v for k, v in r.items() if k in FIGURE_COLUMNS}
        figures.append(
            {
                "file": path,
                "cell": cell,
                "n": r.get(n) if n else None,
                "pct": r.get(pct) if pct else None,
                "others": others,
                **extra,
            }
        )

    for path, html in sources.items():
        dept = BeautifulSoup(html, "html.parser").find("h1")
        dept = dept.get_text(strip=True).rstrip("¶") if dept else None
        if dept is None:
            m = re.search(r"^# (.+)$", html, re.M)
            dept = m.group(1).strip() if m else path.stem
        for t in html_tables(html):
            cols = list(t.columns)
            rows = t.to_dict("records")
            if "Statement" in cols and ("% fav" in cols or "% favorable" in cols):
                pct = "% fav" if "% fav" in cols else "% favorable"
                for r in rows:
                    item = item_by_text.get(r["Statement"])
                    if item:
                        count = next((c for c in ("Answered", "n") if c in cols), None)
                        add(path, ("item", dept, wave, item), r, count, pct)
            elif cols[:2] in (["Area", "Respondents"], ["Area", "Answered"]):
                for r in rows:
                    add(
                        path,
                        ("dim", dept, wave, dim_by_label[r["Area"]]),
                        r,
                        cols[1],
                        "% favorable",
                    )
            elif cols[0] == "Area":  # change across waves (the district's in the summary)
                unit = "District" if path.stem == "index" else dept
                waves = [c for c in cols if re.fullmatch(r"\d{4}\W?\w+", c)]
                if not all("%" in str(r[w]) or number(r[w]) is None for r in rows for w in waves):
                    continue  # not percentages (e.g. reliability per area)
                for r in rows:
                    for w in waves:
                        figures.append(
                            {
                                "file": path,
                                "cell": ("dim", unit, w, dim_by_label[r["Area"]]),
                                "n": None,
                                "pct": r[w],
                                "others": {},
                            }
                        )
            elif cols[:2] == ["Department", "Respondents"]:  # response rates
                for r in rows:
                    add(path, ("resp", r["Department"], wave), r, "Respondents")
            elif "Department" in cols and {"Respondents", "Answered"} & set(cols) and outcome:
                count = "Answered" if "Answered" in cols else "Respondents"  # ranking
                for r in rows:
                    add(
                        path,
                        ("dim", r["Department"], wave, outcome),
                        r,
                        count,
                        "% favorable",
                    )
            elif len(cols) > 1 and cols[1] in ("Respondents", "Answered"):  # rater groups
                by = cols[0].lower()
                for r in rows:
                    for label in cols[2:]:
                        cell = ("bd", dept, wave, by, r[cols[0]], dim_by_label[label])
                        figures.append(
                            {
                                "file": path,
                                "cell": cell,
                                "n": None,
                                "pct": r[label],
                                "group_n": r[cols[1]],
                                "others": {},
                            }
                        )
    return figures


def cache_cells(tables: dict[str, pd.DataFrame]) -> dict[tuple, dict]:
    out = {}
    dims = pd.concat(
        [tables["dimensions"], tables["district_dimensions"].assign(department="District")]
    )
    for table, kind, keys in (
        (tables["items"], "item", ["item"]),
        (dims, "dim", ["dimension"]),
        (tables.get("breakdowns", pd.DataFrame()), "bd", ["by", "group", "dimension"]),
        (tables["respondents"], "resp", []),
    ):
        for r in table.to_dict("records"):
            out[(kind, r["department"], r["wave"], *(r[k] for k in keys))] = r
    return out


# --- the attack on a real batch ---


@pytest.fixture(scope="module")
def batch(small_batch):
    run_dir, manifest = small_batch
    return run_dir, manifest, read_cache(run_dir)


def test_no_respondent_ids_or_rows_in_any_output(batch):
    run_dir, manifest, _ = batch
    data = pd.read_parquet(
        ROOT / "data" / "sample" / "support_services.parquet", columns=["respondent_id"]
    )
    ids = set(data["respondent_id"].unique())
    pattern = re.compile(r"\b(?:ss|ee)-[0-9a-f]{8}\b")
    for path, text in published_files(run_dir).items():
        found = set(pattern.findall(text)) | (set(re.findall(r"[\w-]+", text)) & ids)
        assert not found, f"{path} shows respondent ids {sorted(found)[:3]}"
        assert "respondent_id" not in text, path
    for path in (run_dir / "cache").glob("*.parquet"):
        assert "respondent_id" not in pd.read_parquet(path).columns, path
    for path in (run_dir / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        injected = [
            c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
        ]
        names = re.findall(r"^(\w+)\s*=", "".join(injected[0]["source"]), re.M) if injected else []
        assert set(names) <= {"run_dir", "department"}, (path, names)
        params = nb["metadata"].get("papermill", {}).get("parameters", {})
        assert set(params) <= {"run_dir", "department"}, (path, params)


def test_no_figure_for_a_small_group_in_any_output(batch):
    run_dir, _, tables = batch
    min_n = json.loads((run_dir / "cache" / "run.json").read_text())["min_n"]
    for name, t in tables.items():
        for col in ("n", "n_answers", "invited"):
            if col in t.columns and "suppressed" in t.columns:
                assert not (t.loc[~t["suppressed"], "n"] < min_n).any(), (name, col)
                assert t.loc[t["suppressed"], col].isna().all(), (name, col)
        if "suppressed" in t.columns:
            figs = [
                c
                for c in (
                    "mean",
                    "pct_favorable",
                    "response_rate",
                    "change_pct_favorable",
                    "vs_district",
                    "fav_low",
                    "fav_high",
                )
                if c in t.columns
            ]
            assert t.loc[t["suppressed"], figs].isna().all().all(), name
    figures = html_figures(run_dir, "support_services")
    assert figures, "no tables found in the reports"
    for f in figures:
        for key in ("n", "group_n"):
            v = number(f.get(key) or "")
            assert v is None or v >= min_n, f
    for path, _text in published_files(run_dir).items():
        if path.suffix == ".csv":
            t = pd.read_csv(path)
            for col in [c for c in t.columns if c.lower() in {"n", "respondents", "n_answers"}]:
                assert not (pd.to_numeric(t[col], errors="coerce") < min_n).any(), (path, col)


def test_reports_show_what_the_cache_shows_and_hide_what_it_hides(batch):
    run_dir, _, tables = batch
    cells = cache_cells(tables)
    figures = html_figures(run_dir, "support_services")
    kinds = {f["cell"][0] for f in figures}
    assert {"item", "dim", "bd", "resp"} <= kinds, kinds
    hidden_seen = 0
    for f in figures:
        row = cells[f["cell"]]
        shown = number(f["pct"]) if f["pct"] is not None else None
        where = f"{f['file'].relative_to(run_dir)}: {f['cell']}"
        if row["suppressed"]:
            hidden_seen += 1
            assert shown is None, f"{where} is hidden in the cache, shows {f['pct']}"
            for col, text in f["others"].items():
                assert not re.search(r"\d", str(text)) or str(text).startswith("fewer than"), (
                    f"{where}: {col} shows {text}"
                )
        elif f["pct"] is not None:
            assert shown is not None and abs(shown - row["pct_favorable"]) <= 0.5 + 1e-9, where
        if not row["suppressed"] and f["n"] is not None:
            assert number(f["n"]) == row["n"], where
    assert hidden_seen > 0, "the batch should include hidden cells (Internal Audit is tiny)"


def test_attack_on_the_published_run_recovers_nothing(batch):
    run_dir, _, tables = batch
    assert tables["items"]["suppressed"].any() and tables["breakdowns"]["suppressed"].any()
    run = json.loads((run_dir / "cache" / "run.json").read_text())
    assert "drivers" in tables
    breaches = attack_tables(tables, "support_services", min_n=run["min_n"], wave=run["wave"])
    assert not breaches, "\n".join(breaches[:20])


# --- generated districts ---


EXAMPLES = int(os.environ.get("PRIVACY_EXAMPLES", "200"))  # more in a slower benchmark run


@st.composite
def districts(draw):
    """A district of many tiny groups: departments x roles x sites, some with 1-4 respondents."""
    survey = draw(st.sampled_from(["support_services", "engagement"]))
    ins = read_instrument(survey)["raw"]
    items = [i["id"] for i in ins["items"]][: draw(st.integers(3, 5))]
    waves = ["2025-fall", "2026-fall"][: draw(st.sampled_from([1, 1, 2]))]  # waves add up apart
    n_depts = draw(st.integers(2, 4))
    roles = ["Teacher", "Principal", "Staff"]
    rows = []
    rid = 0
    for wave in waves:
        for d in range(n_depts):
            size = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 8, 12, 20, 35]))
            for _ in range(size):
                rid += 1
                role = draw(st.sampled_from(roles))
                site = draw(st.sampled_from(["North", "South"]))
                rated = [f"Dept {d}"]
                if survey == "support_services" and draw(st.booleans()):
                    rated.append(f"Dept {(d + 1) % n_depts}")
                for dept in rated:
                    for item in items:
                        value = draw(st.sampled_from([1, 2, 3, 4, 5, 5, 4, None]))
                        rows.append((f"x-{rid:05d}", survey, wave, dept, role, site, item, value))
    df = pd.DataFrame(
        rows,
        columns=["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"],
    )
    df["value"] = df["value"].astype("Int8")
    return survey, df, draw(st.sampled_from([3, 5, 5, 5, 7]))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(districts())
def test_generated_districts_reveal_nothing(district):
    from districtsurvey.contracts.instrument import load_instrument
    from districtsurvey.prepare.score import score_run

    survey, responses, min_n = district
    tables = score_run(responses, load_instrument(survey), min_n=min_n)
    for name, t in tables.items():
        if "suppressed" in t.columns and "n" in t.columns:
            assert not (t.loc[~t["suppressed"], "n"] < min_n).any(), name
            assert "respondent_id" not in t.columns
    breaches = attack_tables(tables, survey, min_n=min_n)
    if breaches:
        responses.to_parquet(Path("/tmp") / "attack_failure.parquet")
    assert not breaches, survey + describe(responses, min_n, breaches)


def describe(responses: pd.DataFrame, min_n: int, breaches: list[str]) -> str:
    answered = responses[responses["value"].notna()]
    sizes = answered.groupby(["wave", "department", "role"])["respondent_id"].nunique()
    return f"min_n {min_n}\n{sizes.to_string()}\n" + "\n".join(breaches[:10])


# --- everything else a run writes: drivers, rater counts, plans, focus areas, roll-out pages ---


def test_plans_focus_areas_and_rollout_pages_show_only_shown_figures(batch):
    import openpyxl

    run_dir, _, tables = batch
    run = json.loads((run_dir / "cache" / "run.json").read_text())
    items = tables["items"][tables["items"]["wave"] == run["wave"]]
    shown = items[~items["suppressed"]]
    resp = tables["respondents"][tables["respondents"]["wave"] == run["wave"]]
    # focus areas: only statements shown in the cache, with the cache's figure
    focus = pd.read_csv(run_dir / "focus_areas.csv")
    fig = shown.set_index(["department", "item"])["pct_favorable"]
    district = tables["district_items"]
    district = district[district["wave"] == run["wave"]].set_index("item")["pct_favorable"]
    for r in focus.itertuples():
        ref = district[r.item] if r.department == "District" else fig.get((r.department, r.item))
        assert ref is not None and abs(ref - r.pct_favorable) < 1e-6, (r.department, r.item)
    for dept in run["departments"]:
        mine = shown[shown["department"] == dept["name"]]
        allowed = {round(v) for v in mine["pct_favorable"]}
        csv_plan = run_dir / "action_plans" / f"{dept['slug']}.csv"
        if csv_plan.exists():  # plan targets (#15): the favorable count aimed for, of the same n
            p = pd.read_csv(csv_plan)
            allowed |= {
                round(100 * t / n) for t, n in zip(p["favorable_target"], p["n"], strict=True)
            }
        r = resp[(resp["department"] == dept["name"]) & ~resp["suppressed"]]
        allowed |= {round(v) for v in r["response_rate"].dropna()}
        counts = {int(v) for v in r["n"].dropna()}
        texts = []
        plan = run_dir / "action_plans" / f"{dept['slug']}.xlsx"
        if plan.exists():
            wb = openpyxl.load_workbook(plan)
            texts += [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
            texts.append((run_dir / "action_plans" / f"{dept['slug']}.csv").read_text("utf-8"))
        page = run_dir / "rollout" / f"{dept['slug']}.html"
        if page.exists():
            texts.append(BeautifulSoup(page.read_text("utf-8"), "html.parser").get_text(" "))
        text = " ".join(texts)
        assert {int(x) for x in re.findall(r"(\d+)%", text)} <= allowed, dept["name"]
        said = {int(x.replace(",", "")) for x in re.findall(r"([\d,]+) people answered", text)}
        assert said <= counts, dept["name"]
        if mine.empty:  # a hidden department: no figure and no count, whatever hid it
            assert not re.search(r"\d+%|people answered", text), dept["name"]


def test_drivers_only_where_the_department_is_shown(batch):
    run_dir, _, tables = batch
    run = json.loads((run_dir / "cache" / "run.json").read_text())
    resp = tables["respondents"]
    now = resp[resp["wave"] == run["wave"]]
    shown = set(now.loc[~now["suppressed"], "department"]) | {"District"}
    assert set(tables["drivers"]["department"]) <= shown


# --- the score command, under every --by it accepts ---

SCORE_DIMS = ("department", "role", "site", "wave")
ALL_ITEMS = "(all statements)"


def accepted(order) -> bool:
    """The groupings `score` writes: district or departments, split by one rater column."""
    raters = [c for c in order if c in ("role", "site")]
    return len(raters) <= 1 and (not raters or "department" in order)


def score_outputs(path: Path, survey: str, *, min_n: int = 5, wave: str | None = None) -> dict:
    """Every table `districtsurvey score` writes for the file: all subsets and orders of the
    group columns it accepts (the others must be refused); one table per set of columns (the
    orders must agree)."""
    from typer.testing import CliRunner

    from districtsurvey.cli import app

    runner = CliRunner()
    outputs: dict[tuple, pd.DataFrame] = {}
    for k in range(len(SCORE_DIMS) + 1):
        for order in itertools.permutations(SCORE_DIMS, k):
            if not accepted(order):  # refused, with a message
                res = runner.invoke(app, ["score", str(path), "--instrument", survey,
                                          "--by", ",".join(order)])  # fmt: skip
                assert res.exit_code == 1 and "--by" in res.output, order
                continue
            args = ["score", str(path), "--instrument", survey, "--min-n", str(min_n)]
            args += ["--by", ",".join(order)] + (["--wave", wave] if wave else [])
            res = runner.invoke(app, args)
            assert res.exit_code == 0, res.output
            t = pd.read_csv(
                io.StringIO(res.stdout),
                dtype={d: str for d in SCORE_DIMS},
                keep_default_na=False,
                na_values=[""],
            )
            assert list(t.columns[:k]) == list(order)
            level = tuple(d for d in SCORE_DIMS if d in order or d == "wave")  # always per wave
            t = t[[*level, *[c for c in t.columns if c not in level]]]
            t = t.sort_values([*level, "item"]).reset_index(drop=True)
            if level in outputs:
                pd.testing.assert_frame_equal(outputs[level], t)
            else:
                outputs[level] = t
    return outputs


def attack_score(outputs: dict, survey: str, *, min_n: int, pooled: bool = True) -> list[str]:
    """Linear attack on the score tables, one statement (and the pooled row) at a time: a level's
    cells add up, over each of its columns, to the level without it; per cell the answer
    options add up to the answers and give the favorable answers and the sum of scores. The
    pooled row is attacked as a statement of its own, and against its statements by subtraction
    (``pooled_breaches``)."""
    items = sorted({i for t in outputs.values() for i in t["item"]})
    found = []
    for item in items:
        if item == ALL_ITEMS and not pooled:
            continue
        mine = {k: t[t["item"] == item] for k, t in outputs.items()}
        found += _attack_statement(mine, survey, item, min_n=min_n)
    return found + (pooled_breaches(outputs, min_n) if pooled else [])


def _attack_statement(outputs: dict, survey: str, item: str, *, min_n: int) -> list[str]:
    raw = read_instrument(survey)
    scale, points = raw["scale"], int(raw["scale"]["points"])
    a = Attack(scale, min_n)
    opts = [f"P{k}" for k in range(1, points + 1)]
    reverse = item in {i["id"] for i in raw["raw"]["items"] if i.get("reverse")}
    score = {k: points + 1 - k if reverse else k for k in range(1, points + 1)}
    for level, t in outputs.items():
        for row in t.to_dict("records"):
            cell = ("s", level, tuple(row[d] for d in level), item)
            row = {**row, "suppressed": str(row["suppressed"]) == "True"}
            a.publish(cell, row, answers="n_answers", respondents=item == ALL_ITEMS)
            if not row["suppressed"]:
                for k, q in enumerate(opts, start=1):
                    a.known[(*cell, q)] = float(row[f"pct_{k}"]) * float(row["n_answers"]) / 100
                continue
            a.relation([(1, (*cell, "N"))] + [(-1, (*cell, q)) for q in opts])
            for q in opts:
                a.relation([(-1, (*cell, q))], 0, equal=False)
            if item != ALL_ITEMS:  # a statement's options give its favorable answers and scores
                fav = [q for k, q in enumerate(opts, 1) if score[k] in scale["favorable"]]
                a.relation([(1, (*cell, "F"))] + [(-1, (*cell, q)) for q in fav])
                a.relation(
                    [(1, (*cell, "S"))] + [(-score[k], (*cell, q)) for k, q in enumerate(opts, 1)]
                )
    for level, t in outputs.items():
        for d in level:
            up = tuple(x for x in level if x != d)
            for key, part in t.groupby(list(up)) if up else [((), t)]:
                key = key if isinstance(key, tuple) else (key,)
                for q in ("N", *QUANTITIES, *opts):
                    a.relation(
                        [(1, ("s", up, key, item, q))]
                        + [
                            (-1, ("s", level, tuple(r[x] for x in level), item, q))
                            for r in part.to_dict("records")
                        ]  # fmt: skip
                    )
    return a.solve()


def pooled_breaches(outputs: dict, min_n: int) -> list[str]:
    """A shown pooled row minus its shown statements is the hidden statements' answers: one
    hidden statement, or hidden ones pooling under min_n answers or all (un)favorable."""
    found = []
    for level, t in outputs.items():
        groups = t.groupby(list(level)) if level else [((), t)]
        for key, part in groups:
            total = part[part["item"] == ALL_ITEMS]
            items = part[part["item"] != ALL_ITEMS]
            hid = items[items["suppressed"].astype(str) == "True"]
            if total.empty or str(total["suppressed"].iloc[0]) == "True" or hid.empty:
                continue
            shown = items.drop(hid.index)
            rest = float(total["n_answers"].iloc[0]) - shown["n_answers"].astype(float).sum()
            fav = float(total["pct_favorable"].iloc[0]) * float(total["n_answers"].iloc[0]) / 100
            fav -= (shown["pct_favorable"].astype(float) * shown["n_answers"] / 100).sum()
            if len(hid) == 1 or rest < min_n or abs(fav) < 1e-6 or abs(fav - rest) < 1e-6:
                found.append(f"pooled row of {level} {key}: {len(hid)} hidden, {rest} answers")
    return found


def test_attacker_recovers_what_separate_score_outputs_gave_away():
    """The attack is not toothless: outputs each protected on its own (the old `score`) leak."""
    from districtsurvey.contracts.instrument import load_instrument
    from districtsurvey.prepare.score import score_items

    rows = [
        (f"r{i}", "support_services", "w", "HR", "Teacher" if i < 9 else "Principal", "X",
         "ss_overall_quality", 4 + (i % 2))
        for i in range(10)
    ]  # fmt: skip
    cols = ["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]
    df = pd.DataFrame(rows, columns=cols)
    ins = load_instrument("support_services")
    outputs = {}
    for level in ((), ("department",), ("department", "role")):
        keys = list(level) or ["survey"]
        t = score_items(df, ins, by=keys, min_n=5).assign(n_answers=lambda x: x["n"])
        shares = df.groupby([*keys, "item"])["value"].value_counts(normalize=True).unstack()
        shares = (100 * shares.reindex(columns=range(1, 6)).fillna(0)).add_prefix("pct_")
        t = t.merge(shares.reset_index(), on=[*keys, "item"])
        outputs[level] = t.drop(columns="survey", errors="ignore")
    found = attack_score(outputs, "support_services", min_n=5, pooled=False)
    assert any("Principal" in b and "N = 1.00" in b for b in found), found


def _write(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "responses.parquet"
    df.to_parquet(path, index=False)
    return path


@settings(
    max_examples=max(EXAMPLES // 20, 5),
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(district=districts())
def test_generated_districts_score_cli_reveals_nothing(district):
    import tempfile

    survey, responses, min_n = district
    with tempfile.TemporaryDirectory() as folder:
        outputs = score_outputs(_write(responses, Path(folder)), survey, min_n=min_n)
    for t in outputs.values():
        shown = t[t["suppressed"].astype(str) == "False"]
        assert not (shown["n"] < min_n).any()
    breaches = attack_score(outputs, survey, min_n=min_n)
    assert not breaches, survey + describe(responses, min_n, breaches)


# --- districts made to break things: a department of 100+ beside a tiny one, linked waves ---


def special_district(kind: str) -> tuple[str, pd.DataFrame]:
    rng = np.random.default_rng(sum(map(ord, kind)))
    survey = "engagement" if kind != "services" else "support_services"
    ins = read_instrument(survey)["raw"]
    items = [i["id"] for i in ins["items"]]
    sizes = {"Big": 120, "Tiny": 2, "Small": 7, "Mid": 30}
    waves = ["2026-spring", "2026-fall"]
    rows = []
    for w, wave in enumerate(waves):
        for dept, size in sizes.items():
            for i in range(size + (w if kind == "linked" else 0)):
                rid = f"{dept}-{i}" if kind == "linked" else f"{dept}-{wave}-{i}"
                role = ["Teacher", "Principal", "Staff"][i % 3 if dept != "Big" else i % 2]
                for item in items:
                    value = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.15, 0.2, 0.3, 0.25]))
                    rows.append((rid, survey, wave, dept, role, f"Site {i % 2}", item, value))
    cols = ["respondent_id", "survey", "wave", "department", "role", "site", "item", "value"]
    return survey, pd.DataFrame(rows, columns=cols)


@pytest.mark.parametrize("kind", ["services", "engagement", "linked"])
def test_special_districts_reveal_nothing_in_any_file(kind, tmp_path):
    import yaml as _yaml

    from districtsurvey.batch.publish import publish_extras
    from districtsurvey.prepare.run import prepare

    survey, df = special_district(kind)
    path = _write(df, tmp_path)
    params = tmp_path / "params.yml"
    spec = {"name": kind, "instrument": survey, "data": str(path), "wave": "2026-fall",
            "departments": "all", "report_date": "2026-11-22", "output": str(tmp_path / "run")}  # fmt: skip
    params.write_text(_yaml.safe_dump(spec), encoding="utf-8")
    run_dir = prepare(params)
    publish_extras(run_dir)
    tables = read_cache(run_dir)
    drivers = tables["drivers"]
    assert (drivers["basis"] == "department").any() or kind != "engagement"  # Big: its own
    breaches = attack_tables(tables, survey, min_n=5, wave="2026-fall")
    assert not breaches, "\n".join(breaches[:10])
    resp = tables["respondents"]
    now = resp[resp["wave"] == "2026-fall"].set_index("department")
    assert now.loc["Tiny", "suppressed"]
    assert set(drivers["department"]) <= set(now.index[~now["suppressed"]]) | {"District"}
    outputs = score_outputs(path, survey, min_n=5, wave="2026-fall")
    breaches = attack_score(outputs, survey, min_n=5)
    assert not breaches, "\n".join(breaches[:10])


# --- the sample district under every --by ---


@pytest.mark.slow
def test_sample_score_cli_under_every_grouping_reveals_nothing():
    path = ROOT / "data" / "sample" / "support_services.parquet"
    outputs = score_outputs(path, "support_services", wave="2026-fall")
    assert len(outputs) == 4
    coarse = {k: v for k, v in outputs.items() if "site" not in k}
    hidden = coarse[("department", "role", "wave")]["suppressed"].astype(str).eq("True").sum()
    assert hidden > 100  # the cells separate outputs gave away are there, and stay hidden
    breaches = attack_score(coarse, "support_services", min_n=5, pooled=False)
    breaches += pooled_breaches(outputs, 5)
    assert not breaches, "\n".join(breaches[:10])
