"""A Qualtrics survey definition (``.qsf``) to a draft instrument.

The ``.qsf`` knows what an export does not: each question's type, its answer labels in order, the
recode values behind the codes (negative recodes are Qualtrics' N/A answers) and the export
column names. Matrix single-answer questions become items (one per statement) on the scale their
answers make, multiple-choice questions single or multi choices, rank-order questions rankings,
text entry open questions. A column is matched by its Insights ImportId (``QID3-1``) or its export
name (``Q3_1``, legacy and flat files), so the draft imports either kind of export.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ..contracts.errors import Problem, SurveyDataError
from .answers import COMMON_NA
from .guess import favorable_end, group_role, known_scales, slug
from .normalize import norm

SINGLE = {"SAVR", "SAHR", "DL", "SB", "SACOL", "NPS"}
MULTI = {"MAVR", "MAHR", "MACOL", "MSB"}


def text_of(raw: object) -> str:
    """Display text without HTML tags or entities.

    >>> text_of("Chocolate with &gt;80% cocoa<br>")
    'Chocolate with >80% cocoa'
    """
    s = re.sub(r"<[^>]+>", " ", str(raw or ""))
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


def _ordered(options: dict, order: list | None) -> list[tuple[str, str]]:
    ids = [str(i) for i in (order or options)]
    return [(i, text_of(options[i].get("Display"))) for i in ids if i in options]


def _questions(survey: dict) -> list[dict]:
    """Question payloads in block order, trashed questions left out."""
    elements = survey.get("SurveyElements") or []
    payloads = {
        e["Payload"]["QuestionID"]: e["Payload"] for e in elements if e.get("Element") == "SQ"
    }
    blocks = next((e["Payload"] for e in elements if e.get("Element") == "BL"), None) or []
    blocks = blocks.values() if isinstance(blocks, dict) else blocks
    order = [
        el["QuestionID"]
        for b in blocks
        if b.get("Type") != "Trash"
        for el in b.get("BlockElements", [])
        if el.get("Type") == "Question"
    ]
    return [payloads[q] for q in dict.fromkeys(order) if q in payloads] or list(payloads.values())


def _scale(answers: list[tuple[str, str]], recode: dict) -> tuple[list[str], list[str]] | None:
    """(labels of codes 1..k in order, N/A labels), or None when the codes are not 1..k."""
    labels, na = [], []
    for aid, label in answers:
        code = str(recode.get(aid, aid)).strip()
        if code.startswith("-") or norm(label) in {norm(x) for x in COMMON_NA}:
            na.append(label)
            continue
        if code != str(len(labels) + 1):
            return None
        labels.append(label)
    return (labels, na) if len(labels) >= 2 else None


def _scale_spec(labels: list[str], na: list[str]) -> tuple[str, dict]:
    low = [norm(x) for x in labels]
    for name, known in known_scales().items():
        if [norm(x) for x in known] == low:
            good_low = False
            break
        if [norm(x) for x in reversed(known)] == low:
            name, good_low = f"{name}_reversed", True
            break
    else:
        name, good_low = "", favorable_end(labels) == "low"
    k = 2 if len(labels) >= 4 else 1
    top, bottom = list(range(len(labels) - k + 1, len(labels) + 1)), list(range(1, k + 1))
    spec = {"points": len(labels), "labels": labels}
    spec["favorable"], spec["unfavorable"] = (bottom, top) if good_low else (top, bottom)
    if na:
        spec["na_labels"] = na
    return name, spec


def draft_from_qsf(path: Path):
    """The draft instrument of a ``.qsf`` (see the module docstring)."""
    from .draft import Draft

    try:
        survey = json.loads(path.read_text(encoding="utf-8-sig"))
        questions = _questions(survey)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SurveyDataError(
            Problem(str(path), f"not a Qualtrics survey definition (.qsf): {exc}")
        ) from exc
    entry = survey.get("SurveyEntry") or {}
    notes, taken = [], set()
    scales: dict[str, dict] = {}
    items, choices, texts, imp = [], [], [], {"format": "qualtrics"}
    for p in questions:
        tag, qid = str(p.get("DataExportTag") or p["QuestionID"]), p["QuestionID"]
        kind, sel = p.get("QuestionType"), p.get("Selector")
        sub, text = (
            p.get("SubSelector"),
            text_of(p.get("QuestionText") or p.get("QuestionDescription")),
        )
        recode = {str(k): v for k, v in (p.get("RecodeValues") or {}).items()}
        options = _ordered(p.get("Choices") or {}, p.get("ChoiceOrder"))
        tags = p.get("ChoiceDataExportTags") or {}
        if kind == "Matrix" and sel == "Likert" and sub == "SingleAnswer":
            answers = _ordered(p.get("Answers") or {}, p.get("AnswerOrder"))
            found = _scale(answers, recode)
            if found is None:
                notes.append(
                    f"left out {tag}: its answers are not a scale of codes 1..k "
                    "(two or more answers, recoded 1..k in Qualtrics)"
                )
                continue
            name, spec = _scale_spec(*found)
            same = next((n for n, s in scales.items() if s == spec), None)
            name = same or name or slug(f"{tag}_scale", set(scales))
            scales[name] = spec
            for cid, label in options:
                column = f"{tag}_{tags.get(cid) or cid}"
                items.append({"id": slug(column, taken), "text": f"{text} - {label}", "dimension": name,
                              "scale": name, "match": [f"{qid}-{cid}", column]})  # fmt: skip
        elif kind == "MC" and sel in SINGLE:
            labels = {str(recode.get(cid, cid)): label for cid, label in options}
            entry_ = {"id": slug(tag, taken), "text": text, "kind": "single",
                      "options": [o for _, o in options], "match": [tag, qid], "labels": labels}  # fmt: skip
            role = group_role(type("C", (), {"name": tag, "text": text})())
            if role and role not in imp:
                imp[role] = {"column": [tag, qid], "labels": labels}
                taken.discard(entry_["id"])
            else:
                choices.append(entry_)
        elif kind == "MC" and sel in MULTI:
            cols = {
                label: list(
                    dict.fromkeys([f"{qid}-{cid}", f"{tag}_{recode.get(cid, cid)}", f"{tag}_{cid}"])
                )
                for cid, label in options
            }
            choices.append({"id": slug(tag, taken), "text": text, "kind": "multi", "columns": cols})
        elif kind == "RO":
            cols = {label: [f"{qid}-{cid}", f"{tag}_{cid}"] for cid, label in options}
            choices.append(
                {"id": slug(tag, taken), "text": text, "kind": "ranking", "columns": cols}
            )
        elif kind == "TE" and sel in {"SL", "ML", "ESTB"}:
            texts.append({"id": slug(tag, taken), "text": text, "match": [tag, qid]})
        elif kind != "DB":
            notes.append(f"left out {tag}: {kind} / {sel} questions are not drafted")
    created = str(entry.get("SurveyCreationDate") or "")[:4]
    imp.setdefault("department", {"value": "All"})
    imp["wave"] = {"value": created if created.isdigit() and created != "0000" else "wave-1"}
    spec: dict = {
        "id": slug(path.stem, set()).lower(),
        "title": text_of(entry.get("SurveyName")) or path.stem,
    }
    if scales:
        spec["scales"] = scales
        spec["dimensions"] = [{"id": n, "label": f"Items on the {n} scale"} for n in scales]
        spec["items"] = items
    if texts:
        spec["questions"] = texts
    if choices:
        spec["choices"] = choices
    spec["import"] = imp
    return Draft(spec, notes, str(path), "qualtrics (.qsf)")
