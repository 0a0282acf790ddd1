"""Workforce intelligence: listings, places and interest by area, division, region and week."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for

from portal.admin.blueprint import bp
from portal.auth import admin_required
from portal.services.workforce import Cells, Figures, FilterError, Filters, current_cells
from portal.workforce_tables import (
    TABLE_NAMES,
    Period,
    table_csv,
    table_named,
)
from portal.workforce_view import chosen_filters, filter_options, workforce_view


def _cells() -> Cells:
    return current_cells(current_app.config["WORKFORCE_CACHE_SECONDS"])


def _level_names() -> dict[str, str]:
    return current_app.extensions["content_reference"].vocabulary["career_levels"]


@bp.get("/workforce")
@admin_required
def workforce() -> str | tuple[str, int]:
    """The dashboard: headline figures, charts with their tables, per-area figures and the shortage signal."""
    cells = _cells()
    page = {"options": filter_options(cells.areas), "chosen": chosen_filters(request.args)}
    try:
        filters = Filters.from_args(request.args, cells.areas)
    except FilterError as error:
        return render_template("admin/workforce.html", problem=str(error), view=None, **page), 400
    view = workforce_view(Figures(cells, filters), _level_names())
    return render_template(
        "admin/workforce.html",
        problem=None,
        view=view,
        csv_hrefs={
            name: url_for("admin.workforce_csv", table=name, **filters.as_args()) for name in TABLE_NAMES
        },
        **page,
    )


@bp.get("/workforce/<table>.csv")
@admin_required
def workforce_csv(table: str) -> Response:
    """One of the dashboard's tables as CSV, under the same filters."""
    if table not in TABLE_NAMES:
        abort(404)
    cells = _cells()
    try:
        filters = Filters.from_args(request.args, cells.areas)
    except FilterError as error:
        abort(400, description=str(error))
    figures = Figures(cells, filters)
    built = table_named(table, figures, _level_names())
    response = Response("\ufeff" + table_csv(built, Period.of(figures)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="workforce-{table}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
