"""The public workforce page: headline figures, so schools and trusts can see where help is needed."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for

from portal.caching import cached_page
from portal.public.blueprint import bp
from portal.services.workforce import Figures, FilterError, Filters
from portal.workforce_view import (
    career_level_names,
    cells_now,
    chosen_filters,
    csv_download,
    filter_options,
    workforce_view,
)

# Per-area figures, the divisions and regions the page charts, and the ranking it quotes; the weekly
# trend and the breakdowns by type and level stay on the administrators' dashboard.
PUBLIC_TABLES = ("areas", "divisions", "regions", "shortage")
SHOWN_IN_RANKING = 5


@bp.get("/workforce")
@cached_page
def workforce() -> str | tuple[str, int]:
    """Where places outrun interest and where interest outruns places; listings by division and region."""
    cells = cells_now()
    page = {"options": filter_options(cells.areas), "chosen": chosen_filters(request.args)}
    try:
        filters = Filters.from_args(request.args, cells.areas)
    except FilterError as error:
        return render_template("public/workforce.html", problem=str(error), view=None, **page), 400
    return render_template(
        "public/workforce.html",
        problem=None,
        view=workforce_view(Figures(cells, filters), career_level_names()),
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
    return csv_download(table, request.args, "public, max-age=300")
