"""Open workforce figures: aggregates only, with every count of 1 to 4 people withheld."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request

from portal.api import stats_serializers as shapes
from portal.api.blueprint import bp
from portal.errors import json_error
from portal.extensions import limiter, shared_limit
from portal.services.workforce import Figures, FilterError, shortage
from portal.workforce_view import figures_for


def _answer(shape: Callable[[Figures], dict[str, Any]]) -> Response | tuple[Response, int]:
    """The figures for the query string's filters in ``shape``, or a 400 naming the filter that is wrong."""
    try:
        figures = figures_for(request.args)
    except FilterError as error:
        return json_error(400, "bad_request", str(error))
    response = jsonify(shape(figures))
    seconds = current_app.config["WORKFORCE_CACHE_SECONDS"]
    # The same for everyone, and no fresher than the cells each worker keeps for this long.
    response.headers["Cache-Control"] = f"public, max-age={max(0, seconds)}"
    return response


@bp.get("/stats/summary")
@limiter.limit(shared_limit(60))
def stats_summary() -> Response | tuple[Response, int]:
    """Everything the filters cover in one row, the period, the suppression rule and links."""
    return _answer(shapes.summary)


@bp.get("/stats/areas")
@limiter.limit(shared_limit(60))
def stats_areas() -> Response | tuple[Response, int]:
    """One row per service area in the filters."""
    return _answer(lambda figures: shapes.rows(figures, [shapes.row(r) for r in figures.by_area()]))


@bp.get("/stats/divisions")
@limiter.limit(shared_limit(60))
def stats_divisions() -> Response | tuple[Response, int]:
    """One row per division with areas in the filters."""
    return _answer(lambda figures: shapes.rows(figures, [shapes.row(r) for r in figures.by_division()]))


@bp.get("/stats/regions")
@limiter.limit(shared_limit(60))
def stats_regions() -> Response | tuple[Response, int]:
    """One row per region: listings, places and expressions of interest."""
    return _answer(lambda figures: shapes.rows(figures, [shapes.row(r) for r in figures.by_region()]))


@bp.get("/stats/weeks")
@limiter.limit(shared_limit(60))
def stats_weeks() -> Response | tuple[Response, int]:
    """One item per week of the period, oldest first."""
    return _answer(lambda figures: shapes.rows(figures, [shapes.week(w) for w in figures.by_week()]))


@bp.get("/stats/shortage")
@limiter.limit(shared_limit(60))
def stats_shortage() -> Response | tuple[Response, int]:
    """Where places outrun interest and where interest outruns places, with the cautions."""
    return _answer(lambda figures: shapes.shortage(figures, shortage(figures)))
