"""Security headers and the per-request Content-Security-Policy nonce."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g


def csp_nonce() -> str:
    """Return this request's nonce, creating it on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _content_security_policy(nonce: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response: Response) -> Response:
    """Attach the strict headers every response carries."""
    response.headers["Content-Security-Policy"] = _content_security_policy(csp_nonce())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _fresh_nonce() -> None:
    # An app context can outlive one request (tests, CLI), so each request starts its own nonce.
    g.csp_nonce = secrets.token_urlsafe(18)


def init_app(app: Flask) -> None:
    """Register the nonce for templates and the headers for every response."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(_fresh_nonce)
    app.after_request(add_security_headers)
    if app.config.get("PORTAL_ENV") == "production":

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
            return response
