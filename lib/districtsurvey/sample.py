"""Deterministic sample district: Riverbend Unified School District (fictional).

``generate_sample(out_dir)`` writes tidy responses (parquet), comments and headcounts (CSV) for the
``support_services`` and ``engagement`` instruments over three waves. Same seed, same bytes.

Run ``python -m districtsurvey.sample`` to rewrite ``data/sample/``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

__all__ = ["generate_sample", "DEPARTMENTS", "SCHOOLS", "WAVES"]

ROOT = Path(__file__).resolve().parents[2]
WAVES = ["2025-fall", "2026-spring", "2026-fall"]  # chronological
DOMAIN = "riverbend.k12.us"

# name: (support-services popularity, engagement headcount)
DEPARTMENTS: dict[str, tuple[float, int]] = {
    "Human Resources": (1.0, 24),
    "Benefits": (0.6, 7),
    "Payroll": (1.0, 11),
    "Finance": (0.5, 16),
    "Purchasing": (0.5, 8),
    "Risk Management": (0.15, 5),
    "Legal Services": (0.08, 4),
    "Internal Audit": (0.0, 3),
    "Grants": (0.0, 4),
    "Title I": (0.2, 9),
    "Information Technology": (1.0, 46),
    "Communications": (0.35, 8),
    "Transportation": (0.45, 140),
    "Facilities & Maintenance": (0.7, 72),
    "Custodial Services": (0.6, 160),
    "Energy Management": (0.08, 2),
    "Warehouse": (0.25, 14),
    "Printing Services": (0.35, 6),
    "Food & Nutrition Services": (0.4, 190),
    "Safety & Security": (0.35, 30),
    "Curriculum & Instruction": (0.8, 28),
    "Special Education": (0.6, 55),
    "English Learner Services": (0.35, 18),
    "Assessment & Accountability": (0.45, 10),
    "Professional Development": (0.6, 9),
    "Student Services": (0.4, 22),
    "Health Services": (0.35, 38),
    "Athletics": (0.15, 5),
    "Enrollment": (0.2, 8),
    "Records": (0.2, 6),
}
# Rated by only a handful of people: raters per wave (support_services).
RARE = {"Internal Audit": [3, 6, 2], "Grants": [4, 2, 7]}
ELEMENTARY = [
    "Oak Hill",
    "Maple Grove",
    "Cedar Park",
    "Willow Creek",
    "Riverside",
    "Pinecrest",
    "Lakeview",
    "Brookside",
    "Meadowbrook",
    "Fairview",
    "Hillcrest",
    "Sycamore",
    "Valley View",
    "Eastwood",
    "Westfield",
    "Northgate",
    "Southridge",
    "Heritage",
    "Prairie Wind",
    "Clearwater",
    "Stonebridge",
    "Juniper",
    "Aspen Ridge",
    "Cottonwood",
    "Harbor Point",
    "Lincoln",
]
MIDDLE = [
    "Washington",
    "Roosevelt",
    "Canyon Ridge",
    "Mill Creek",
    "Franklin",
    "Summit",
    "Lakeside",
    "Deer Park",
]
HIGH = ["Riverbend", "Central", "North Valley", "Eastlake", "Westview"]
SCHOOLS = (
    [f"{n} Elementary" for n in ELEMENTARY]
    + [f"{n} Middle School" for n in MIDDLE]
    + [f"{n} High School" for n in HIGH]
    + ["Horizon Academy"]
)
CENTRAL_SITES = {
    "Transportation": "Transportation Center",
    "Facilities & Maintenance": "Maintenance & Operations Yard",
    "Energy Management": "Maintenance & Operations Yard",
    "Warehouse": "Warehouse & Distribution Center",
    "Printing Services": "Warehouse & Distribution Center",
    "Food & Nutrition Services": "Central Kitchen",
}
ADMIN_SITE = "District Administration Center"

# Support services raters per wave: role -> (count, departments used (min, max)).
SS_ROLES = {
    "Principal": (36, (7, 10)),
    "Assistant Principal": (52, (6, 10)),
    "Teacher": (1880, (4, 6)),
    "School Staff": (640, (4, 7)),
    "Central Office Staff": (380, (4, 9)),
}
SS_ROLE_USE = {  # multipliers on popularity
    "Principal": {
        "Finance": 3,
        "Purchasing": 2,
        "Legal Services": 4,
        "Risk Management": 3,
        "Title I": 3,
        "Safety & Security": 2,
        "Facilities & Maintenance": 1.5,
    },
    "Assistant Principal": {
        "Safety & Security": 3,
        "Student Services": 2,
        "Athletics": 2,
        "Transportation": 2,
        "Enrollment": 2,
    },
    "Teacher": {"Finance": 0.2, "Purchasing": 0.3, "Warehouse": 0.3, "Risk Management": 0.3},
    "School Staff": {
        "Enrollment": 3,
        "Records": 3,
        "Health Services": 2,
        "Food & Nutrition Services": 2,
    },
    "Central Office Staff": {
        "Finance": 2,
        "Purchasing": 2,
        "Warehouse": 2,
        "Curriculum & Instruction": 0.4,
        "Special Education": 0.4,
    },
}
SS_ROLE_EFFECT = {
    "Principal": -0.15,
    "Assistant Principal": -0.05,
    "Teacher": 0.0,
    "School Staff": 0.1,
    "Central Office Staff": 0.2,
}
SS_WEIGHTS = {
    "accessibility": 0.1,
    "accuracy": 0.25,
    "attitude": 0.15,
    "operations": 0.05,
    "timeliness": 0.45,
}
# Stories the sample tells: (department, dimension) -> offset per wave.
SS_STORIES = {
    ("Information Technology", "timeliness"): [-0.45, -0.1, 0.3],  # new ticket system
    ("Payroll", "accuracy"): [0.2, -0.6, -0.1],  # payroll conversion
    ("Transportation", "timeliness"): [0.0, -0.3, -0.55],  # driver shortage
    ("Human Resources", "accessibility"): [-0.35, 0.0, 0.3],  # new help desk
    ("Facilities & Maintenance", "operations"): [-0.3, -0.05, 0.25],  # work-order portal
    ("Special Education", "attitude"): [0.3, 0.1, -0.2],
    ("Benefits", "timeliness"): [0.2, -0.25, 0.1],  # open enrollment
}
EE_WEIGHTS = {
    "supervisor": 0.35,
    "recognition": 0.15,
    "growth": 0.12,
    "resources": 0.05,
    "purpose": 0.25,
    "communication": 0.08,
}
EE_RESPONSE_RATE = [0.62, 0.67, 0.72]


def _instrument(instrument_dir: Path, survey: str) -> dict:
    return yaml.safe_load((instrument_dir / f"{survey}.yml").read_text(encoding="utf-8"))


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


EE_ROLE_EFFECT = {
    "Teacher": -0.1,
    "Support Staff": 0.0,
    "Administrator": 0.25,
    "Custodial/Maintenance": -0.05,
    "Transportation": -0.2,
    "Food Service": -0.1,
}
EE_STORIES = {  # (unit, dimension) -> offset per wave
    ("Roosevelt Middle School", "supervisor"): [0.2, 0.15, -0.7],  # new principal
    ("Transportation", "resources"): [0.0, -0.35, -0.6],
    ("Maple Grove Elementary", "recognition"): [-0.4, 0.0, 0.35],
    ("Information Technology", "communication"): [-0.3, -0.1, 0.25],
    ("Central High School", "growth"): [-0.2, 0.1, 0.4],
}


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


# ---- comments -------------------------------------------------------------------------------
PEOPLE = [
    ("Maria", "Alvarez", "Ms."),
    ("David", "Nguyen", "Mr."),
    ("Keisha", "Johnson", "Mrs."),
    ("Robert", "Smith", "Mr."),
    ("Linda", "Okafor", "Dr."),
    ("James", "O'Brien", "Mr."),
    ("Priya", "Patel", "Ms."),
    ("Carlos", "Mendoza", "Mr."),
    ("Susan", "Whitfield", "Mrs."),
    ("Tom", "Kowalski", "Mr."),
    ("Angela", "Reyes", "Ms."),
    ("Denise", "Carter", "Mrs."),
    ("Kevin", "Tran", "Mr."),
    ("Rachel", "Goldberg", "Ms."),
    ("Marcus", "Hill", "Mr."),
    ("Yolanda", "Brooks", "Ms."),
    ("Jennifer", "Lee", "Ms."),
    ("Hector", "Ramirez", "Mr."),
]
SS_IMPROVE = [
    "It takes too long to get a response. I emailed three times before anyone answered.",
    "Please put all the forms and deadlines in one place on the website.",
    "Return phone calls. I left two voicemails and never heard back.",
    "Two people in {dept} told me two different things. Consistent answers would help.",
    "Let us know when a request is closed instead of just closing the ticket.",
    "Someone from {dept} should visit the school sites more often.",
    "Training for new principals on {dept} procedures would save everyone time.",
    "The online system is confusing; a short how-to video would help.",
    "Staff are friendly, but follow-through is lacking.",
    "I was transferred to three different people before anyone could help me.",
    "Stop changing the process in the middle of the school year.",
    "Response time has gotten worse since last year.",
    "Put a direct line or extension in your e-mail signatures.",
]
SS_IMPROVE_DEPT = {
    "Payroll": [
        "My paycheck was wrong twice this semester and it took weeks to fix.",
        "Stipends for after-school work are always paid late.",
    ],
    "Information Technology": [
        "Tickets sit for weeks. My projector has been broken since October.",
        "Teacher laptops need to be replaced before they fail.",
    ],
    "Transportation": [
        "Buses arrive late to our school almost every morning.",
        "Field trip requests are denied too late to make other plans.",
    ],
    "Human Resources": [
        "Substitute requests are not filled on time.",
        "It took a month to process my new hire's paperwork.",
    ],
    "Facilities & Maintenance": [
        "Our HVAC work order has been open since August.",
        "Classrooms are too hot in the afternoon and nobody comes out.",
    ],
    "Food & Nutrition Services": ["Lunch lines are too long; we need another serving line."],
    "Benefits": ["Open enrollment information came out too late to compare plans."],
    "Special Education": ["We need faster turnaround on IEP support requests."],
}
SS_WELL = [
    "Quick, friendly responses.",
    "The new online request form is easy to use.",
    "Everyone I dealt with in {dept} was courteous and helpful.",
    "They follow up to make sure the problem is really solved.",
    "Clear instructions and reminders before deadlines.",
    "Very responsive during the start of the school year.",
    "They treat school staff like partners.",
    "Keep the monthly newsletter, it is useful.",
    "{name} in {dept} fixed my problem the same day.",
]
SS_RECOG = [
    "{name} went above and beyond to help me with {task}.",
    "{name} stayed late to help us get ready for the first day of school.",
    "{name} ({email}) always responds within the hour.",
    "{name} is patient and kind every single time I call.",
    "Shout out to {name}! Took care of {task} in one visit.",
    "I want to recognize {name} and {name2} for their help with {task}.",
]
SS_TASKS = {
    "Payroll": "a missing stipend",
    "Information Technology": "my classroom projector",
    "Human Resources": "my transfer paperwork",
    "Benefits": "my insurance enrollment",
    "Transportation": "a last-minute field trip",
    "Custodial Services": "a flooded classroom",
    "Facilities & Maintenance": "a leaking roof in our gym",
    "Food & Nutrition Services": "a student's allergy plan",
}
EE_IMPROVE = [
    "Fewer meetings that could have been e-mails.",
    "Fix the copier, it has been broken for weeks.",
    "More communication from the district office before changes happen.",
    "Ask us before new programs are rolled out.",
    "Our supervisor needs to follow through on what is promised.",
    "Better lighting in the parking lot at night.",
    "Pay that keeps up with the cost of living.",
]
EE_IMPROVE_ROLE = {
    "Teacher": [
        "Smaller class sizes.",
        "More planning time during the day.",
        "More substitutes so we don't lose our prep periods.",
        "Consistent discipline support from administration.",
    ],
    "Support Staff": [
        "Better pay for support staff.",
        "Include paraprofessionals in staff training.",
    ],
    "Transportation": [
        "Routes that can be finished on time.",
        "Hire more drivers; we are always covering.",
    ],
    "Food Service": ["Working equipment in the kitchen.", "Enough staff on the serving line."],
    "Custodial/Maintenance": ["Enough custodians to cover absences.", "Newer floor machines."],
}
EE_VALUE = [
    "My colleagues.",
    "The students and seeing them grow.",
    "Flexibility and a team that cares.",
    "Knowing my work makes a difference for kids.",
    "The benefits and stability.",
    "{name} is the best supervisor I have had.",
    "Our {boss} supports us.",
]
EE_RECOG = [
    "{name} ({emp}) deserves a raise!",
    "{name} always jumps in to help when we are short-staffed.",
    "{name} organized the winter food drive for our families.",
    "{name} and {name2} make this a better place to work every day.",
]
EE_RECOG_ROLE = {
    "Teacher": [
        "{name} is an amazing mentor to new teachers.",
        "{name} covers classes without complaint whenever we are short.",
        "{name} and {name2} stayed late every night during testing week.",
    ],
    "Custodial/Maintenance": ["{name} keeps our building clean and always has a smile."],
    "Transportation": ["{name} knows every student on the route by name."],
    "Food Service": ["{name} remembers every student's allergy and never misses one."],
}
PII_TAILS = [
    " You can reach me at {email}.",
    " Call me at {phone}.",
    " My employee ID is {emp} if you need to look it up.",
    " {name} said they would call back but never did.",
]


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


def generate_sample(
    out_dir: Path, *, seed: int = 2026, instrument_dir: Path | None = None
) -> list[Path]:
    """Write the Riverbend sample district into ``out_dir``; return the paths written.

    Deterministic: the same seed gives byte-identical CSVs and equal parquet frames.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    instrument_dir = Path(instrument_dir or ROOT / "data" / "instruments")
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


BENCHMARK_SOURCE = (
    "Fictional consortium of 48 districts, 2025 (made up for the sample; not real data)"
)


def _benchmarks(rng: np.random.Generator, inst: dict, survey: str) -> pd.DataFrame:
    """A fictional external benchmark: percentiles of 48 districts' item means (own rng stream)."""
    rows = []
    for item in inst["items"]:
        means = np.clip(rng.normal(3.75 + rng.normal(0, 0.12), 0.22, size=48), 1, 5)
        for q in (5, 10, 25, 50, 75, 90, 95):
            rows.append(
                {
                    "survey": survey,
                    "item": item["id"],
                    "percentile": q,
                    "mean": round(float(np.percentile(means, q)), 3),
                    "source": BENCHMARK_SOURCE,
                    "n": 48,
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    for p in generate_sample(ROOT / "data" / "sample"):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size / 1024:.0f} KB")
