"""Error pages: HTML for people, JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, SecurityError

logger = logging.getLogger(__name__)


def wants_json() -> bool:
    """True for requests to the JSON API."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    """The API's error shape: ``{"error": {"code", "message"}}`` with ``status``."""
    return jsonify({"error": {"code": code, "message": message}}), status


def _handle_http_error(error: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
    status = error.code or 500
    if isinstance(error, SecurityError):
        # An untrusted Host header: nothing about the request can be used, not even to build links.
        message = "This address is not served here."
        if wants_json():
            body, _ = json_error(400, "bad_request", message)
            return body, 400, {}
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}
    # A 405 must say which methods the URL does take (RFC 9110, section 15.5.6).
    headers = {"Allow": ", ".join(error.valid_methods)} if isinstance(error, MethodNotAllowed) else {}
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        body, _ = json_error(status, code, error.description or error.name)
        return body, status, headers
    template = {404: "errors/404.html", 500: "errors/500.html"}.get(status, "errors/generic.html")
    return render_template(template, error=error, status=status), status, headers


def _handle_unexpected(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    # Log the type and path only: request data may hold personal details.
    logger.exception("Unhandled %s on %s", type(error).__name__, request.path)
    return _handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers for HTTP errors and for anything unexpected."""
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
