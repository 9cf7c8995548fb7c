"""The instrument file as one declarative schema (pydantic): every key, its type, its default.

``contracts.instrument`` validates a YAML file against :class:`InstrumentFile`, then checks the
references between its parts (an item's dimension and scale, the outcome, index members ...).
Unknown keys are refused everywhere, so a typo such as ``revers: true`` is an error, not a no-op.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

#: every ``--format`` value (and ``import.format``); "auto" detects, "excel" is any layout in .xlsx
FORMATS = (
    "auto",
    "qualtrics",
    "surveymonkey",
    "googleforms",
    "limesurvey",
    "spss",
    "excel",
    "csv",
    "tidy",
)
#: the tidy contract's group columns; an instrument may declare more under ``groups:``
GROUP_COLUMNS = ("department", "role", "site")
#: a blank group value is its own group, named this unless the instrument says otherwise
NOT_GIVEN = "(not given)"
BOOLEAN_HINT = (
    'YAML reads unquoted No/Yes/On/Off/True/False as a true/false value: quote "No" and "Yes" '
    "in the instrument"
)


class YamlBoolean(ValueError):
    """A label that YAML read as true/false (unquoted ``No``, ``Yes``, ``Off`` ...)."""


def _text(value: object) -> object:
    """Labels, ids and texts: numbers become text; a YAML boolean is refused with a hint."""
    if isinstance(value, bool):
        raise YamlBoolean(f"{str(value).lower()} is a YAML true/false, not text")
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_text), Field(pattern=r"^[A-Za-z0-9_][\w.\-]*$")]
Names = Annotated[list[Text], BeforeValidator(lambda v: [v] if isinstance(v, str | int) else v)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ScaleSpec(Strict):
    """A response scale: codes 1..points, their labels, and which codes count as favorable."""

    points: int = Field(ge=2, le=11)
    labels: list[Text] | None = None
    favorable: list[int] | None = None
    neutral: list[int] | None = None
    unfavorable: list[int] | None = None
    na_labels: list[Text] = []
    title: Text = ""  # e.g. "agreement", used in the Methods text


class Dimension(Strict):
    id: Name
    label: Text | None = None
    scale: Text | None = None  # the scale of every item in this area, unless an item says


class Item(Strict):
    id: Name
    text: Text
    dimension: Text
    reverse: bool = False
    scale: Text | None = None
    match: Names | None = None
    option: Text | None = None  # a multi-select option read as a yes/no item (legacy)


class Index(Strict):
    id: Name
    label: Text | None = None
    items: list[Text] = Field(min_length=1)


class Question(Strict):
    id: Name
    text: Text
    recognition: bool = False
    match: Names | None = None


class Choice(Strict):
    """A question that is not scored: multi-select, single choice, or ranking."""

    id: Name
    text: Text
    kind: Literal["multi", "single", "ranking"]
    options: list[Text] = []
    columns: dict[Text, Names] | None = None  # option -> its column (multi / ranking over columns)
    match: Names | None = None  # the one column (single choice; multi-select in one cell)
    separator: Text = ", "  # multi-select in one cell: how the tool joins the chosen options
    labels: dict[Text, Text] = {}  # code in the file -> option text


class Group(Strict):
    """A group column: what to call a blank answer (its own group, never dropped)."""

    label: Text | None = None
    missing: Text = NOT_GIVEN


class ColumnRef(Strict):
    column: Names | None = None
    columns: list[Text] | None = None  # several columns joined with "-" (a composite id)
    labels: dict[Text, Text] = {}
    value: Text | None = None


def _shape(value: object) -> str:
    """The branch of a union a YAML value takes: a mapping, a list, or one value."""
    return "~mapping" if isinstance(value, dict) else "~list" if isinstance(value, list) else "~one"


def either(one, mapping, many=None):
    """A union chosen by the YAML shape, so an error names one branch, not every one tried."""
    branches = [Annotated[one, Tag("~one")], Annotated[mapping, Tag("~mapping")]]
    branches.append(Annotated[many if many is not None else one, Tag("~list")])
    return Annotated[branches[0] | branches[1] | branches[2], Discriminator(_shape)]


Ref = either(Text, ColumnRef, list[Text])


class DepartmentBlock(Strict):
    department: Text
    columns: dict[Text, Names] = {}


class DepartmentTemplate(Strict):
    names: list[Text] = Field(min_length=1)
    columns: dict[Text, Names]


class ImportSpec(BaseModel):
    """The ``import:`` section: how a raw export's columns map to the tidy contract."""

    model_config = ConfigDict(extra="allow")  # declared group columns; checked by the loader
    format: Literal[FORMATS] = "auto"  # type: ignore[valid-type]
    sheet: Text | None = None
    respondent_id: Ref | None = None
    wave: Ref | None = None
    department: Ref | None = None
    role: Ref | None = None
    site: Ref | None = None
    unfinished: Literal["keep", "drop"] = "keep"
    na_labels: list[Text] = []
    na_codes: list[float] = []
    optional: list[Text] = []
    items: dict[Text, Names] = {}
    labels: dict[Text, int | Text] = {}
    departments: either(DepartmentTemplate, DepartmentTemplate, list[DepartmentBlock]) | None = None


class InstrumentFile(Strict):
    """The whole instrument file. ``scale`` is one scale, or the name of the default one of
    ``scales``."""

    id: Name
    title: Text | None = None
    description: Text = ""
    unit: Text = "department"
    breakdowns: list[Text] = []
    scale: either(Text, ScaleSpec) | None = None
    scales: dict[Text, ScaleSpec] = {}
    dimensions: list[Dimension] = []
    items: list[Item] = []
    reverse: list[Text] = []  # another way to flag reverse-worded items
    outcome: Text | None = None
    indices: list[Index] = []
    questions: list[Question] = []
    choices: list[Choice] = []
    groups: dict[Text, Group] = {}
    import_: ImportSpec = Field(default_factory=ImportSpec, alias="import")


def key_path(loc: tuple, raw: object) -> str:
    """``items[3] (q_tools).revers`` from a pydantic location, naming list entries by their id.

    >>> key_path(("items", 1, "revers"), {"items": [{"id": "a"}, {"id": "b"}]})
    'items[2] (b).revers'
    """
    out, node = "", raw
    for part in loc:
        if isinstance(part, int):
            entry = node[part] if isinstance(node, list) and part < len(node) else None
            name = entry.get("id") if isinstance(entry, dict) else None
            out += f"[{part + 1}]" + (f" ({name})" if name is not None else "")
            node = entry
        elif str(part).startswith("~"):
            continue  # the branch of a union (see ``either``), not a key of the file
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"
