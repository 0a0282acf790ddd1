"""JSON API v1: service areas, entry routes and the OpenAPI description."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from portal.api import (
    serializers,
    stats,  # noqa: F401  (adds /stats/... to the blueprint)
)
from portal.api.blueprint import bp
from portal.api.openapi import openapi_document
from portal.errors import json_error
from portal.extensions import limiter, shared_limit
from portal.links import absolute_url
from portal.services import entry_routes as route_service
from portal.services import service_areas as area_service
from portal.services.matching import IndexUnavailableError
from portal.services.opportunity_filters import SearchRequestError, parse_search_args
from portal.services.opportunity_search import search_live_opportunities
from portal.services.places import AmbiguousPlaceError, PlaceError
from portal.services.suggestions import MatchRequestError, parse_match_request, suggest


@bp.get("/service-areas")
def service_areas() -> Response:
    """Every service area in short form."""
    items = [serializers.service_area_summary(a) for a in area_service.all_service_areas()]
    return jsonify({"count": len(items), "items": items})


@bp.get("/service-areas/<slug>")
def service_area(slug: str):
    """One whole profile, or a 404 error."""
    area = area_service.get_service_area(slug)
    if area is None:
        return json_error(404, "not_found", f"There is no service area called '{slug}'.")
    return jsonify(serializers.service_area_detail(area))


@bp.get("/entry-routes")
def entry_routes() -> Response:
    """Every entry route in short form."""
    items = [serializers.entry_route_summary(r) for r in route_service.all_entry_routes()]
    return jsonify({"count": len(items), "items": items})


@bp.get("/entry-routes/<slug>")
def entry_route(slug: str):
    """One whole entry route, or a 404 error."""
    route = route_service.get_entry_route(slug)
    if route is None:
        return json_error(404, "not_found", f"There is no entry route called '{slug}'.")
    return jsonify(serializers.entry_route_detail(route))


@bp.route("/match", methods=["GET", "POST"])
@limiter.limit(shared_limit(60))
def match() -> Response:
    """Suggest service areas for free text: ``q``, optional ``stage`` and ``limit``."""
    response, status = _match_answer()
    response.status_code = status
    # The answer repeats what the person typed: no browser or shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _match_answer() -> tuple[Response, int]:
    if request.method == "POST" and not request.is_json:
        return json_error(
            400, "bad_request", 'Send JSON (Content-Type: application/json) such as {"q": "x"}.'
        )
    # The raw body goes to the strict parser: Flask's own JSON parsing accepts NaN and has no depth limit.
    data = request.get_data(cache=False) if request.method == "POST" else request.args
    try:
        match_request = parse_match_request(data)
        reference = current_app.extensions["content_reference"]
        answer = suggest(match_request, reference.vocabulary["school_subjects"], _opportunity_url)
        return jsonify(answer), 200
    except MatchRequestError as error:
        return json_error(400, "bad_request", str(error))
    except IndexUnavailableError:
        return json_error(503, "index_unavailable", "Matching is not ready yet. Please try again shortly.")


def _opportunity_url(opportunity_id: int) -> str:
    return absolute_url("opportunities.detail", opportunity_id=opportunity_id)


@bp.get("/opportunities")
@limiter.limit(shared_limit(120))
def opportunities():
    """Live opportunities by keyword, type, level, area, stage, closing date and place, a page at a time."""
    try:
        page = search_live_opportunities(parse_search_args(request.args))
    except SearchRequestError as error:
        return json_error(400, "bad_request", str(error))
    except PlaceError as error:
        code = "ambiguous_place" if isinstance(error, AmbiguousPlaceError) else "unknown_place"
        body = {"code": code, "message": error.message, "suggestions": error.suggestions}
        return jsonify({"error": body}), 400
    return jsonify(serializers.opportunity_page(page))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
