"""Last round's action plans read back: the edited workbooks of ``plans:`` (or of
``previous_run``'s ``action_plans/``), checked, as two cache tables.

``plans``: one row per department x focus statement (tactic, owner, status, % complete,
checkpoints, notes, file); ``plan_indicators``: the leading indicator's value by month.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from ..contracts.errors import Problem, SurveyDataError
from ..contracts.instrument import Instrument
from ..contracts.params import RunParams
from ..contracts.plans import OlderPlan, OtherRound, OtherSurvey, read_plan_workbook
from ..privacy.redact import redact_text


def plans_folder(params: RunParams) -> Path | None:
    """Where last round's plans are: ``plans:``, else ``previous_run``/action_plans when it
    exists, else None. A ``plans:`` folder that does not exist is an error."""
    if params.plans is not None:
        if not params.plans.is_dir():
            raise SurveyDataError(
                Problem(str(params.plans), "plans folder not found",
                        hint="params plans: names a folder of last round's edited .xlsx plans")
            )  # fmt: skip
        return params.plans
    if params.previous_run is not None and (params.previous_run / "action_plans").is_dir():
        return params.previous_run / "action_plans"
    return None


def read_plans(
    folder: Path,
    instrument: Instrument,
    *,
    slugs: dict[str, str],
    wave: str | None,
    strict: bool = True,
    warnings: list[str] | None = None,
    surveys: Collection[str] = (),
    aliases: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """(plans, plan_indicators, files read) of the workbooks in ``folder`` for this run's
    departments (``slugs``: name -> slug). A workbook named for one department that holds
    another's plan, or a second workbook for one department, is refused. Not ``strict`` (the
    folder came with ``previous_run``, which may hold older runs' files), a workbook of an older
    format (no survey id), another survey or another round is skipped, never silently: one line
    naming the file and why is added to ``warnings`` (the run prints them).

    A packet's plan gives its rows of this survey (its Survey column); its rows of a survey that
    is not this run's are left out with a warning line. ``surveys``: the other surveys of this
    run (a packet's), whose workbooks in a shared folder are theirs to read, not refused.
    ``aliases``: a packet's name of a unit -> this survey's name for it (``department_map``).
    """
    by_slug = {s: n for n, s in slugs.items()}
    aliases = aliases or {}
    plans, values, files, owner = [], [], [], {}
    for path in sorted(folder.glob("*.xlsx"), key=lambda p: p.name):
        if path.name.startswith("~$"):  # Excel's lock file of an open workbook
            continue
        try:
            about, plan, indicators = read_plan_workbook(
                path, survey=instrument.id, wave=wave, items=instrument.item_ids
            )
        except (OlderPlan, OtherRound) as exc:
            if isinstance(exc, OtherSurvey) and set(exc.survey.split("+")) & set(surveys):
                continue  # another survey of this run reads it
            if strict:
                raise
            if warnings is not None:
                problem = exc.problems[0]
                warnings.append(f"{path}: skipped, {problem.message}")
            continue
        others = plan[plan["survey"] != instrument.id] if len(plan) else plan
        left = sorted(set(others["survey"]) - set(surveys)) if len(others) else []
        if left and warnings is not None:
            rows = len(others[others["survey"].isin(left)])
            warnings.append(
                f"{path}: {rows} plan row{'s' if rows != 1 else ''} of {', '.join(left)} not "
                f"followed up (this run does not report {'that survey' if len(left) == 1 else 'those surveys'})"
            )
        if len(plan):
            plan = plan[plan["survey"] == instrument.id].drop(columns="survey")
            indicators = indicators[indicators["survey"] == instrument.id]
        indicators = indicators.drop(columns="survey")
        name = aliases.get(about["Department"], about["Department"])
        plan = plan.assign(department=name) if len(plan) else plan
        indicators = indicators.assign(department=name)
        named = by_slug.get(path.stem)
        if named is not None and named != name:
            raise SurveyDataError(
                Problem(f"{path}, sheet 'About'", f"the file is named for {named} but holds the "
                        f"plan of {name}", hint="keep each department's plan in its own file")
            )  # fmt: skip
        if name not in slugs or plan.empty:
            continue  # a department this run does not report on, or no row of this survey
        if name in owner:
            raise SurveyDataError(
                Problem(str(path), f"a second plan for {name} (the first is {owner[name].name})",
                        hint="keep one workbook per department in the folder")
            )  # fmt: skip
        owner[name] = path
        files.append(path)
        plans.append(plan)
        values.append(indicators)
    plan_cols = ["department", "rank", "item", "statement", "goal", "tactics", "leading_indicator",
                 "owner", "status", "pct_complete", "check_30", "check_60", "check_date", "notes",
                 "file"]  # fmt: skip
    out = pd.concat(plans, ignore_index=True) if plans else pd.DataFrame(columns=plan_cols)
    out = out.reindex(columns=plan_cols)
    for col in ("check_30", "check_60", "check_date"):
        out[col] = out[col].map(lambda d: None if d is None or pd.isna(d) else d.isoformat())
    out["pct_complete"] = out["pct_complete"].astype(float)
    ind_cols = ["department", "rank", "item", "month", "value"]
    ind = [v for v in values if len(v)]
    ind = pd.concat(ind, ignore_index=True) if ind else pd.DataFrame(columns=ind_cols)
    ind["value"] = ind["value"].astype(float)
    return out.sort_values(["department", "rank"]).reset_index(drop=True), ind, files


def redact_plan_notes(plans: pd.DataFrame, *, keep: list[str] = ()) -> pd.DataFrame:
    """``plans`` with the leaders' notes redacted by the comment rules (names, e-mail addresses,
    phone numbers and staff ids replaced; ``keep``: the run's department, site and role names).

    The owner is left as written: a leader names the staff member who owns the plan, and showing
    that name in the department's own report and roll-out page is the point of the column. Notes
    are free text typed for the department's eyes that may name anyone else (a colleague, a
    principal who complained); they are shown beside survey results, so they get the comments'
    redaction. (They need no ``comment_min_n``: a note is the leader's text, not an answer.)

    >>> p = pd.DataFrame({"owner": ["Ana Ruiz"], "notes": ["Mr. Okafor at 555-201-3344 said no"]})
    >>> redact_plan_notes(p)[["owner", "notes"]].values.tolist()
    [['Ana Ruiz', '[name] at [phone] said no']]
    """
    out = plans.copy()
    out["notes"] = [
        n if not isinstance(n, str) or not n else redact_text(n, keep=keep) for n in out["notes"]
    ]
    return out
