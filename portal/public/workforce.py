"""The public workforce page: headline figures, so schools and trusts can see where help is needed."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for

from portal.caching import cached_page
from portal.public.blueprint import bp
from portal.services.workforce import Cells, Figures, FilterError, Filters, current_cells
from portal.workforce_tables import (
    Period,
    table_csv,
    table_named,
)
from portal.workforce_view import chosen_filters, filter_options, workforce_view

# Per-area figures, the divisions and regions the page charts, and the ranking it quotes; the weekly
# trend and the breakdowns by type and level stay on the administrators' dashboard.
PUBLIC_TABLES = ("areas", "divisions", "regions", "shortage")
SHOWN_IN_RANKING = 5


def _cells() -> Cells:
    return current_cells(current_app.config["WORKFORCE_CACHE_SECONDS"])


def _level_names() -> dict[str, str]:
    return current_app.extensions["content_reference"].vocabulary["career_levels"]


@bp.get("/workforce")
@cached_page
def workforce() -> str | tuple[str, int]:
    """Where places outrun interest and where interest outruns places; listings by division and region."""
    cells = _cells()
    page = {"options": filter_options(cells.areas), "chosen": chosen_filters(request.args)}
    try:
        filters = Filters.from_args(request.args, cells.areas)
    except FilterError as error:
        return render_template("public/workforce.html", problem=str(error), view=None, **page), 400
    return render_template(
        "public/workforce.html",
        problem=None,
        view=workforce_view(Figures(cells, filters), _level_names()),
        filtered=bool(filters.as_args()),
        csv_hrefs={
            name: url_for("public.workforce_csv", table=name, **filters.as_args()) for name in PUBLIC_TABLES
        },
        shown=SHOWN_IN_RANKING,
        **page,
    )


@bp.get("/workforce/<table>.csv")
def workforce_csv(table: str) -> Response:
    """One of the public tables as CSV, under the same filters as the page."""
    if table not in PUBLIC_TABLES:
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
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
