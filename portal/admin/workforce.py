"""Workforce intelligence: listings, places and interest by area, division, region and week."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for

from portal.admin.blueprint import bp
from portal.auth import admin_required
from portal.services.workforce import Figures, FilterError, Filters
from portal.workforce_tables import (
    TABLE_NAMES,
)
from portal.workforce_view import (
    career_level_names,
    cells_now,
    chosen_filters,
    csv_download,
    filter_options,
    workforce_view,
)


@bp.get("/workforce")
@admin_required
def workforce() -> str | tuple[str, int]:
    """The dashboard: headline figures, charts with their tables, per-area figures and the shortage signal."""
    cells = cells_now()
    page = {"options": filter_options(cells.areas), "chosen": chosen_filters(request.args)}
    try:
        filters = Filters.from_args(request.args, cells.areas)
    except FilterError as error:
        return render_template("admin/workforce.html", problem=str(error), view=None, **page), 400
    view = workforce_view(Figures(cells, filters), career_level_names())
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
    return csv_download(table, request.args, "no-store")
