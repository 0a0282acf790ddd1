"""Error pages: HTML for people, JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

logger = logging.getLogger(__name__)


def wants_json() -> bool:
    """True for requests to the JSON API."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str):
    """The API's error shape: ``{"error": {"code", "message"}}`` with ``status``."""
    return jsonify({"error": {"code": code, "message": message}}), status


def _handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        return json_error(status, code, error.description or error.name)
    template = {404: "errors/404.html", 500: "errors/500.html"}.get(status, "errors/generic.html")
    return render_template(template, error=error, status=status), status


def _handle_unexpected(error: Exception):
    # Log the type and path only: request data may hold personal details.
    logger.exception("Unhandled %s on %s", type(error).__name__, request.path)
    return _handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers for HTTP errors and for anything unexpected."""
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
