"""HTML that reports write themselves: the templates folder and one autoescaping Jinja environment
(every value rendered through it is escaped unless marked safe)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(folder: str):
    """The Jinja environment of one template folder (``rollout``), autoescaping on."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
