"""HTML that reports write themselves, escaped by construction.

Every value that reaches a report (department names, item texts, comments, titles) comes from data
or from an instrument/params file, so it is untrusted. Report sections are rendered through one
autoescaping Jinja environment (``templates/sections/``): a value is escaped unless the code marks
it safe, and only HTML built here is marked safe. Comments are text, never Markdown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(folder: str):
    """The Jinja environment of one template folder (``sections``, ``rollout``), autoescaping on."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


class Html:
    """A block of report HTML that displays as itself in a notebook (``text/html``).

    >>> Html.text("Grants <script>alert(1)</script>")._repr_html_()
    '<p>Grants &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    """

    def __init__(self, markup: str | Markup) -> None:
        self.markup = Markup(markup)

    @classmethod
    def text(cls, words: str, *, css: str = "") -> Html:
        """One paragraph of plain words (escaped)."""
        attr = Markup(' class="{}"').format(css) if css else ""
        return cls(Markup("<p{}>{}</p>").format(attr, words))

    def _repr_html_(self) -> str:
        return str(self.markup)

    def __str__(self) -> str:
        return str(self.markup)

    def __repr__(self) -> str:  # text/plain beside the HTML: short, no markup
        return "<report section>"


def render(template: str, **context) -> Html:
    """A section template of ``templates/sections/`` rendered with ``context`` (all escaped).

    >>> render("paragraphs.html.j2", paragraphs=["A & B"]).markup
    Markup('<p>A &amp; B</p>\\n')
    """
    return Html(environment("sections").get_template(template).render(**context))


__all__ = ["Html", "Markup", "TEMPLATES", "environment", "escape", "render"]
