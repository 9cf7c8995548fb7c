"""A hostile district: every text a respondent or a coach can type carries markup, script or
Markdown. Built from the committed sample, for the escaping tests (``tests/reports/test_html.py``,
``tests/browser/test_hostile.py``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from support import ROOT, SAMPLE, write_params

#: Each payload would do something visible if it ran or rendered as markup: a dialog, a changed
#: title, a request, a heading, a hidden page.
PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=\"alert('img')\">",
    "<svg onload=\"alert('svg')\"></svg>",
    "<details open ontoggle=\"alert('details')\">x</details>",
    '<iframe src="javascript:alert(`iframe`)"></iframe>',
    "<style>body{display:none}</style>",
    "![tracking pixel](https://tracker.example.com/pixel.png)",
    "[click me](javascript:alert('link'))",
    "# Focus areas\nInjected heading",
    '<a href="https://evil.example.com" onclick="document.title=\'PWNED\'">help</a>',
    '<object data="https://evil.example.com/x.swf"></object>',
    '=HYPERLINK("https://evil.example.com","click")',
]
HOSTILE_DEPARTMENT = "<img src=x onerror=\"document.title='PWNED'\">Finance"
HOSTILE_TITLE = "Survey <script>document.title='PWNED'</script>"
HOSTILE_ITEM = "Staff <b onmouseover=\"alert('item')\">treat</b> me with courtesy & respect."
DEPARTMENTS = ["Transportation", HOSTILE_DEPARTMENT, "Internal Audit"]


def hostile_district(folder: Path) -> Path:
    """Params of a three-department run whose names, instrument texts and comments are hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    data = pd.read_parquet(SAMPLE / "support_services.parquet")
    data = data[data["department"].isin(["Transportation", "Finance", "Internal Audit"])].copy()
    data["department"] = data["department"].astype(str).replace("Finance", HOSTILE_DEPARTMENT)
    data.to_parquet(folder / "responses.parquet", index=False)

    instrument = yaml.safe_load((ROOT / "data/instruments/support_services.yml").read_text())
    instrument["title"] = HOSTILE_TITLE
    instrument["items"][7]["text"] = HOSTILE_ITEM
    instrument["dimensions"][0]["label"] = "Access <i onclick=alert(1)>ibility</i>"
    (folder / "instrument.yml").write_text(yaml.safe_dump(instrument, sort_keys=False))

    ids = data.loc[data["wave"] == "2026-fall"].groupby("department", observed=True)
    rows = []
    for dept, part in ids:
        people = part["respondent_id"].drop_duplicates().tolist()
        for k, text in enumerate(PAYLOADS):
            question = ("ss_comment_improve", "ss_comment_works_well")[k % 2]
            rows.append((people[k % len(people)], dept, question, text))
        rows.append((people[0], dept, "ss_comment_recognize", PAYLOADS[1] + " Thanks, Maria!"))
    comments = pd.DataFrame(rows, columns=["respondent_id", "department", "question", "text"])
    comments.insert(1, "survey", "support_services")
    comments.insert(2, "wave", "2026-fall")
    comments.to_csv(folder / "comments.csv", index=False)
    return write_params(
        folder,
        title=HOSTILE_TITLE,
        instrument=str(folder / "instrument.yml"),
        data=str(folder / "responses.parquet"),
        comments=str(folder / "comments.csv"),
        departments="all",
    )
