"""Error pages: HTML for people, JSON under /api/."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, SecurityError

from portal.extensions import db

logger = logging.getLogger(__name__)
# How long a client should wait before asking again while the database cannot be reached.
RETRY_AFTER_SECONDS = 30
# SQLite's result code for a statement it cannot run, as opposed to a database it cannot use.
SQLITE_ERROR = 1
UNAVAILABLE_MESSAGE = "Sorry, the service is unavailable. Please try again later."


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


def database_unreachable(error: Exception) -> bool:
    """True when ``error`` says the database cannot be reached, rather than that a query was wrong."""
    if isinstance(error, PoolTimeoutError | InterfaceError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    # SQLite reports a wrong statement (no such table, say) as an OperationalError too, with the
    # generic SQLITE_ERROR code; busy, locked, unreadable or full databases have codes of their own.
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return isinstance(error, OperationalError) and sqlite_code & 0xFF != SQLITE_ERROR
    return isinstance(error, OperationalError)


def _forget_failed_transaction() -> None:
    # The session's transaction died with its connection: without a rollback every later use of the
    # session in this app context raises PendingRollbackError instead of trying a fresh connection.
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    db.session.remove()


def _handle_database_error(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    if not database_unreachable(error):
        return _handle_unexpected(error)
    _forget_failed_transaction()
    # The driver's class only: its message names hosts and may quote the statement's parameters.
    cause = type(getattr(error, "orig", None) or error).__name__
    logger.warning("Database unavailable (%s) on %s %s", cause, request.method, request.endpoint)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json():
        body, status = json_error(503, "service_unavailable", UNAVAILABLE_MESSAGE)
        return body, status, headers
    return render_template("errors/503.html"), 503, headers


def init_app(app: Flask) -> None:
    """Register the handlers for HTTP errors, an unreachable database and anything unexpected."""
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(DBAPIError, _handle_database_error)
    app.register_error_handler(PoolTimeoutError, _handle_database_error)
    app.register_error_handler(Exception, _handle_unexpected)
