"""The analyst explorer: ipywidgets over a precomputed cube (in ``explore.ipynb`` only).

>>> ex = open_explorer("")  # the demo run  # doctest: +SKIP
>>> ex.w["department"].value = "Transportation"  # redraws  # doctest: +SKIP
>>> ex.view.breakdown  # the rater groups, least favorable first  # doctest: +SKIP

Every widget change computes a ``View`` (``explore_views.compute_view``: min n and complementary
suppression on the combination) and redraws HTML/SVG in place; nothing reads respondent rows.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..contracts.files import safe_csv
from ..contracts.paths import OUTPUTS
from ..contracts.waves import previous_waves
from .cube import Cube
from .render import (
    ITEM_HEADER,
    TABLE_CSS,
    ViewFigure,
    breakdown_html,
    cell_colour,
    comments_html,
    item_cells,
    likert_svg,
    status_html,
    trend_svg,
)
from .source import DEMOS, load_source
from .views import ALL_DEPARTMENTS, Query, View, compute_view

ALL = ""  # dropdown value meaning "all"


def _options(all_label: str, values: list[str], labels=None) -> list[tuple[str, str]]:
    return [(all_label, ALL)] + [(labels(v) if labels else v, v) for v in values]


class Explorer:
    """Widgets, views and their wiring. ``w`` holds the widgets by name, ``view`` the last View."""

    def __init__(self, cube: Cube | None = None, *, source: str | Path = "") -> None:
        self.cubes: dict[str, Cube] = {}
        self.view: View | None = None
        self.figure: ViewFigure | None = None
        self._quiet = False
        dd = {"layout": W.Layout(width="260px")}
        self.w = {
            "survey": W.Dropdown(description="Survey", options=list(DEMOS), **dd),
            "path": W.Text(
                placeholder="run folder, params .yml, or tidy .csv/.parquet",
                layout=W.Layout(width="380px"),
            ),
            "instrument": W.Dropdown(
                options=["support_services", "engagement"], layout=W.Layout(width="170px")
            ),
            "load": W.Button(description="Load", icon="folder-open"),
            "wave": W.Dropdown(description="Wave", **dd),
            "compare": W.Dropdown(description="Compare to", **dd),
            "department": W.Dropdown(description="Department", **dd),
            "role": W.Dropdown(description="Rater role", **dd),
            "site": W.Dropdown(description="Site", **dd),
            "dimension": W.Dropdown(description="Area", **dd),
            "item": W.Dropdown(description="Item", layout=W.Layout(width="530px")),
            "breakdown": W.ToggleButtons(options=[("by role", "role"), ("by site", "site")]),
            "png": W.Button(description="Export PNG", icon="image"),
            "csv": W.Button(description="Export CSV", icon="table"),
        }
        self.status = W.HTML()
        self.heatmap = W.GridBox(layout=W.Layout(grid_gap="1px"))
        self.items = W.GridBox(
            layout=W.Layout(
                grid_template_columns="minmax(300px,3fr) repeat(7, minmax(60px,1fr))",
                grid_gap="1px 4px",
            ),
            _dom_classes=("dsx-items",),
        )
        self.chart = W.HTML()
        self.breakdown = W.HTML()
        self.comments = W.HTML()
        self.exported = W.HTML()
        for name in (
            "wave",
            "compare",
            "department",
            "role",
            "site",
            "dimension",
            "item",
            "breakdown",
        ):
            self.w[name].observe(self._changed, names="value")
        self.w["survey"].observe(self._survey, names="value")
        self.w["load"].on_click(self._load)
        self.w["png"].on_click(lambda _: self.export_png())
        self.w["csv"].on_click(lambda _: self.export_csv())
        self.ui = self._layout()
        if cube is None:
            cube = load_source(source)
        self.use(cube, name=Path(cube.source).name if source else list(DEMOS)[0])

    def _layout(self) -> W.Widget:
        w = self.w
        return W.VBox(
            [
                W.HBox([w["survey"], w["path"], w["instrument"], w["load"]]),
                W.HBox([w["wave"], w["compare"], w["department"]]),
                W.HBox([w["role"], w["site"], w["dimension"]]),
                W.HBox([w["item"], w["breakdown"]]),
                self.status,
                W.HTML(
                    "<b>Departments × areas</b> (% favorable; click a cell to drill in; "
                    "'–' = not shown)"
                ),
                self.heatmap,
                W.HTML("<b>Items</b> (click a statement to drill in)"),
                self.items,
                self.chart,
                self.breakdown,
                W.HBox([w["png"], w["csv"], self.exported]),
                W.HTML("<b>Comments</b>"),
                self.comments,
            ],
            layout=W.Layout(width="100%"),
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui)

    # --- data ---------------------------------------------------------------------------
    def use(self, cube: Cube, *, name: str) -> None:
        """Show ``cube``: reset every option, build the heatmap and item rows, redraw."""
        self.cube = cube
        self.cubes[name] = cube
        ins = cube.instrument
        w = self.w
        self._quiet = True
        try:
            if name not in w["survey"].options:
                w["survey"].options = [*w["survey"].options, name]
            w["survey"].value = name
            w["wave"].options = cube.waves[::-1]
            w["wave"].value = cube.waves[-1]
            w["compare"].options = [("(none)", ALL)] + cube.waves[::-1]
            # the full round before the last one: a pulse is never the default comparison
            w["compare"].value = previous_waves(cube.waves)[cube.waves[-1]] or ALL
            w["department"].options = _options(ALL_DEPARTMENTS, cube.departments)
            w["role"].options = _options("All roles", cube.roles)
            w["site"].options = _options("All sites", cube.sites)
            w["dimension"].options = _options("All areas", cube.dimensions, ins.dimension_label)
            w["item"].options = _options("All items", cube.items, cube.item_labels_by_id.get)
            for name in ("department", "role", "site", "dimension", "item"):
                w[name].value = ALL
        finally:
            self._quiet = False
        view = compute_view(cube, self.query())
        self._build_grids(view)
        self.refresh(view)

    def _survey(self, change) -> None:
        if self._quiet or change["new"] in (None, getattr(self.cube, "_name", None)):
            return
        name = change["new"]
        cube = self.cubes.get(name) or load_source(DEMOS.get(name, name))
        self.use(cube, name=name)

    def _load(self, _=None) -> None:
        path = self.w["path"].value.strip()
        try:
            cube = load_source(path, instrument=self.w["instrument"].value)
        except Exception as exc:  # shown to the analyst, not raised into the notebook
            self.status.value = (
                f"<b style='color:#b00020'>Cannot load {html.escape(path)}: "
                f"{html.escape(str(exc))}</b>"
            )
            return
        self.use(cube, name=path)

    # --- interaction ----------------------------------------------------------------------
    def query(self) -> Query:
        v = {k: self.w[k].value for k in self.w if hasattr(self.w[k], "value")}
        return Query(
            wave=v["wave"],
            compare=v["compare"] or None,
            departments=(v["department"],) if v["department"] else (),
            role=v["role"] or None,
            site=v["site"] or None,
            dimension=v["dimension"] or None,
            item=v["item"] or None,
            breakdown=v["breakdown"],
        )

    def _changed(self, change) -> None:
        if not self._quiet:
            self.refresh()

    def drill(
        self,
        *,
        department: str | None = None,
        dimension: str | None = None,
        item: str | None = None,
    ) -> None:
        """What a click on a heatmap cell or an item row does: set the widgets, redraw once."""
        self._quiet = True
        try:
            if department is not None:
                self.w["department"].value = "" if department == ALL_DEPARTMENTS else department
            if dimension is not None:
                self.w["dimension"].value = dimension
            if item is not None:
                self.w["item"].value = item
        finally:
            self._quiet = False
        self.refresh()

    def _looks(self, view: View) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
        """Each heatmap cell's text and button style in ``view``, by (department, area)."""
        h = view.heatmap
        values = h.to_numpy()
        center = values[-1]
        chosen = set(view.query.departments) or {ALL_DEPARTMENTS}
        looks = {}
        for j, dept in enumerate(h.index):
            for c, k in enumerate(self.cube.dimensions):
                v, mid = values[j, c], center[c]
                bold = dept in chosen and k == view.query.dimension
                style = {
                    "button_color": cell_colour(v, mid),
                    "text_color": "white" if abs(v - mid) > 18 else "black",
                    "font_weight": "bold" if bold else "",
                }
                looks[dept, k] = ("–" if v != v else f"{v:.0f}", style)
        return looks

    def _item_texts(self, view: View) -> dict[str, list[str]]:
        """The item table's figures in ``view``, by item id (the items shown only)."""
        shown = view.items if len(view.items) else pd.DataFrame(columns=["item"])
        return dict(zip(shown["item"], item_cells(shown, self.cube.min_n), strict=True))

    def _build_grids(self, view: View) -> None:
        """The heatmap's and the item table's widgets, made with ``view``'s figures: a widget's
        first state goes with its creation, and ``refresh`` then sends only what changes
        (jupyter_server drops widget updates beyond 3,000 in 3 s; creations do not count).
        Cells of a kind share one layout (and text cells one style): no cell's is ever changed,
        and each would otherwise be a widget of its own for the browser to create."""
        cube = self.cube
        dims = cube.dimensions
        looks = self._looks(view)
        corner = W.HTML("")
        text = {"layout": corner.layout, "style": corner.style}  # shared by every text cell
        cell = W.Layout(width="auto", height="24px")
        self._cells = {}
        header = [corner] + [
            W.HTML(f"<b>{html.escape(cube.instrument.dimension_label(k))}</b>", **text)
            for k in dims
        ]
        cells = header
        for dept in [*cube.departments, ALL_DEPARTMENTS]:
            cells.append(W.HTML(html.escape(dept), **text))
            for k in dims:
                label, style = looks[dept, k]
                b = W.Button(
                    description=label,
                    style=style,
                    layout=cell,
                    tooltip=f"{dept}: {cube.instrument.dimension_label(k)}",
                    _dom_classes=("dsx-cell",),
                )
                b.on_click(lambda _, d=dept, k=k: self.drill(department=d, dimension=k))
                self._cells[dept, k] = b
                cells.append(b)
        self.heatmap.layout.grid_template_columns = f"220px repeat({len(dims)}, 1fr)"
        self.heatmap.children = cells
        texts = self._item_texts(view)
        blank = [""] * (len(ITEM_HEADER) - 1)
        row = W.Layout(width="auto", justify_content="flex-start")
        self._rows = {}
        for item, label in zip(cube.items, cube.item_labels, strict=True):
            b = W.Button(
                description=label[:70],
                tooltip=label,
                layout=row,
                button_style="info" if item == view.query.item else "",
            )
            b.on_click(lambda _, i=item: self.drill(item=i))
            self._rows[item] = [b] + [W.HTML(value=t, **text) for t in texts.get(item, blank)]
        self._header = [W.HTML(f"<b>{h}</b>", **text) for h in ITEM_HEADER]

    def refresh(self, view: View | None = None) -> View:
        """Redraw ``view`` (by default the view of the current widgets); returns the View."""
        cube = self.cube
        view = compute_view(cube, self.query()) if view is None else view
        self.view = view
        self.status.value = status_html(view, cube)
        for key, (text, style) in self._looks(view).items():
            b = self._cells[key]
            b.description = text
            for name, value in style.items():
                setattr(b.style, name, value)
        rows = list(self._header)
        for item, texts in self._item_texts(view).items():
            cells = self._rows[item]
            cells[0].button_style = "info" if item == view.query.item else ""
            for cell, text in zip(cells[1:], texts, strict=True):
                cell.value = text
            rows += cells
        self.items.children = rows
        self.chart.value = (
            ""
            if view.message
            else (
                "<div style='display:flex;gap:16px;flex-wrap:wrap'>"
                + likert_svg(view.items, min_n=cube.min_n)
                + trend_svg(view.trend, title=view.focus)
                + "</div>"
            )
        )
        self.breakdown.value = breakdown_html(view, cube)
        self.comments.value = comments_html(view, cube)
        return view

    # --- export ---------------------------------------------------------------------------
    def _stem(self, folder: Path) -> Path:
        from ..prepare.inputs import slugify

        q = self.view.query
        name = "-".join(
            slugify(x)
            for x in [
                *(q.departments or ["district"]),
                q.role or "",
                q.site or "",
                q.dimension or "",
                q.wave,
            ]
            if x
        )
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def export_csv(self, folder: str | Path = OUTPUTS / "explore") -> list[Path]:
        """The current item table and breakdown (report-safe: suppressed rows carry no figures)."""
        if self.view is None or self.view.message:
            self.exported.value = "Nothing to export: this combination is not shown."
            return []
        stem = self._stem(Path(folder))
        paths = [
            stem.with_name(stem.name + "-items.csv"),
            stem.with_name(stem.name + "-breakdown.csv"),
        ]
        safe_csv(self.view.items).to_csv(paths[0], index=False)
        safe_csv(self.view.breakdown).to_csv(paths[1], index=False)
        self.exported.value = " ".join(f"<code>{html.escape(str(p))}</code>" for p in paths)
        return paths

    def export_png(self, folder: str | Path = OUTPUTS / "explore") -> Path | None:
        """The Likert chart and trend of the current view as a PNG (matplotlib, drawn on demand)."""
        if self.view is None or self.view.message:
            self.exported.value = "Nothing to export: this combination is not shown."
            return None
        self.figure = self.figure or ViewFigure(dpi=100)
        path = self._stem(Path(folder)).with_suffix(".png")
        path.write_bytes(self.figure.draw(self.view, self.cube))
        self.exported.value = f"<code>{html.escape(str(path))}</code>"
        return path


def open_explorer(source: str | Path = "") -> Explorer:
    """What ``explore.ipynb`` calls: the explorer on ``source`` (empty: the demo run)."""
    return Explorer(source=source)


__all__ = ["Explorer", "load_source", "open_explorer", "TABLE_CSS"]
