"""HTML that reports write themselves, escaped by construction.

Every value that reaches a report (department names, item texts, comments, titles) comes from data
or from an instrument/params file, so it is untrusted. Report sections are rendered through one
autoescaping Jinja environment (``templates/sections/``): a value is escaped unless the code marks
it safe, and only HTML built here is marked safe. Comments are text, never Markdown.

Templates are written in US English; a run in another locale (``locale: en-GB``) gets the
templates' own words respelled when they are loaded, never the values put into them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from . import locale as locales

TEMPLATES = Path(__file__).parent / "templates"
# code, not words: never respelled (Jinja, and a page's own style sheet)
_JINJA = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#}|<style\b.*?</style>)", re.S)


def spell_template(source: str, locale: locales.Locale) -> str:
    """The words of a template source in ``locale``'s spelling (its Jinja code and style sheet
    untouched).

    >>> spell_template("<p>% favorable {{ favorable }}</p>", locales.load_locale("en-GB"))
    '<p>% favourable {{ favorable }}</p>'
    >>> spell_template("<style>p { color: red }</style>", locales.load_locale("en-GB"))
    '<style>p { color: red }</style>'
    """
    return "".join(
        part if _JINJA.fullmatch(part) else locale.spell(part) for part in _JINJA.split(source)
    )


@cache
def environment(folder: str, locale_id: str = locales.DEFAULT):
    """The Jinja environment of one template folder (``sections``, ``rollout``), autoescaping on,
    its templates' words in the spelling of ``locale_id``; ``loc`` (the locale) is a global."""
    import jinja2

    loc = locales.load_locale(locale_id)

    class Loader(jinja2.FileSystemLoader):
        def get_source(self, env, template):
            source, filename, uptodate = super().get_source(env, template)
            if not template.endswith(".j2"):  # an included style sheet: CSS, not words
                return source, filename, uptodate
            return spell_template(source, loc), filename, uptodate

    env = jinja2.Environment(
        loader=Loader(str(TEMPLATES / folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["loc"] = loc
    return env


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

    @classmethod
    def join(cls, *parts) -> Html:
        """Display objects (tables, charts, words) as one block, in order: a section of several
        parts is one notebook cell and one output (each cell costs its kernel and the batch a
        round of messages).

        >>> Html.join(Html.text("A"), Html.text("B & C"))._repr_html_()
        '<p>A</p><p>B &amp; C</p>'
        """
        return cls(Markup("").join(Markup(part._repr_html_()) for part in parts))

    def _repr_html_(self) -> str:
        return str(self.markup)

    def __str__(self) -> str:
        return str(self.markup)

    def __repr__(self) -> str:  # text/plain beside the HTML: short, no markup
        return "<report section>"


def render(template: str, *, locale: locales.Locale | None = None, **context) -> Html:
    """A section template of ``templates/sections/`` rendered with ``context`` (all escaped), in
    ``locale`` (default: the active locale, see ``reports.locale``).

    >>> render("paragraphs.html.j2", paragraphs=["A & B"]).markup
    Markup('<p>A &amp; B</p>\\n')
    """
    env = environment("sections", locales.current(locale).id)
    return Html(env.get_template(template).render(**context))


__all__ = ["Html", "Markup", "TEMPLATES", "environment", "escape", "render"]
