"""Notebook to self-contained HTML, in-process, through the project template (no CDN, no code)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).parent / "templates"


@cache
def exporter():
    """One HTMLExporter per process: the template is loaded and compiled once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="district",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path`` then rename: the file appears whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(tmp, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
        f.write(data)
    os.replace(tmp, path)


def to_html(nb: nbformat.NotebookNode | str | Path, html_path: str | Path, *, title: str = "") -> Path:
    """Export an executed notebook to ``html_path``; drops cells tagged ``debug``."""
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if "debug" not in c.get("metadata", {}).get("tags", [])]
    resources = {"metadata": {"name": title or Path(html_path).stem}}
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    write_atomic(Path(html_path), body)
    return Path(html_path)
