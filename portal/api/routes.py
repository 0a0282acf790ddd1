"""JSON API v1: service areas, entry routes and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from portal.api import serializers
from portal.api.openapi import openapi_document
from portal.errors import json_error
from portal.extensions import limiter
from portal.services import entry_routes as route_service
from portal.services import service_areas as area_service
from portal.services.matching import IndexUnavailableError
from portal.services.suggestions import MatchRequestError, parse_match_request, suggest

bp = Blueprint("api", __name__)


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
@limiter.limit("60 per minute")
def match():
    """Suggest service areas for free text: ``q``, optional ``stage`` and ``limit``."""
    if request.method == "POST":
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return json_error(400, "bad_request", 'Send a JSON object such as {"q": "I like physics"}.')
    else:
        data = request.args
    try:
        match_request = parse_match_request(data)
        reference = current_app.extensions["content_reference"]
        body = suggest(match_request, reference.vocabulary["school_subjects"])
    except MatchRequestError as error:
        return json_error(400, "bad_request", str(error))
    except IndexUnavailableError:
        return json_error(503, "index_unavailable", "Matching is not ready yet. Please try again shortly.")
    return jsonify(body)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
