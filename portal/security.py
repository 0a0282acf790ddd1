"""Security headers, and a Content-Security-Policy built from hashes of the templates' own scripts.

The only inline scripts allowed are the fixed ones written in the templates themselves: their
SHA-256 hashes go into the policy once, at start-up. A page therefore needs no per-response nonce,
so a cached page is byte-for-byte the same for everyone and nothing is ever substituted into it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from flask import Flask, Response, abort, current_app, request
from jinja2 import BaseLoader, TemplateNotFound

# Data blocks (JSON-LD) are never executed, so the policy need not and does not list them.
_INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)
_DATA_BLOCK = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""")
# Package templates whose inline scripts the portal renders.
PACKAGE_TEMPLATES = ("nhsuk/template.jinja",)
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
UPLOAD_CHUNK = 64 * 1024


class InlineScriptError(RuntimeError):
    """A template's inline script changes from one page to the next, so it cannot be hashed."""


def script_hash(body: str) -> str:
    """The CSP source expression (``'sha256-...'``) that allows exactly this inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_scripts(source: str) -> list[str]:
    """Bodies of the executable inline scripts in one template's source."""
    bodies = []
    for match in _INLINE_SCRIPT.finditer(source):
        if "src=" in match["attributes"] or _DATA_BLOCK.search(match["attributes"]):
            continue
        bodies.append(match["body"])
    return bodies


def template_script_hashes(loader: BaseLoader, names: Iterable[str]) -> list[str]:
    """Hashes of every executable inline script in the named templates; refuses ones built at runtime."""
    hashes: set[str] = set()
    for name in names:
        try:
            source, _, _ = loader.get_source(None, name)  # type: ignore[arg-type]
        except TemplateNotFound:
            continue
        for body in inline_scripts(source):
            if "{{" in body or "{%" in body:
                raise InlineScriptError(f"{name} has an inline script with template code: move it to a file")
            hashes.add(script_hash(body))
    return sorted(hashes)


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy every response carries."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
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


# What every response carries besides its script policy, static files included.
STRICT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# A static file opened on its own (an SVG can hold a script) runs nothing and cannot be framed.
STATIC_FILE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# The headers WhiteNoise adds to every static file.
STATIC_FILE_HEADERS = {"Content-Security-Policy": STATIC_FILE_POLICY, **STRICT_HEADERS}


def add_security_headers(response: Response) -> Response:
    """Attach the strict headers every response carries."""
    response.headers["Content-Security-Policy"] = current_app.extensions["content_security_policy"]
    response.headers.update(STRICT_HEADERS)
    # A page, or a refusal of any kind (a 429 or 404 belongs to its own request), is kept by no cache
    # unless its view says otherwise.
    if response.mimetype == "text/html" or response.status_code >= 400:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _body_limit() -> int | None:
    """MAX_CONTENT_LENGTH, or the larger allowance UPLOAD_LIMITS gives this endpoint."""
    allowance = current_app.config.get("UPLOAD_LIMITS", {}).get(request.endpoint)
    if allowance is None:
        return current_app.config.get("MAX_CONTENT_LENGTH")
    # Werkzeug reads the body up to this request's own limit, so the view can read the whole file.
    request.max_content_length = allowance
    # Werkzeug's multipart parser takes the body in 64 KiB chunks and refuses any chunk larger than
    # the form memory limit, even one that is part of a file.
    request.max_form_memory_size = max(current_app.config.get("MAX_FORM_MEMORY_SIZE") or 0, UPLOAD_CHUNK)
    return allowance


def _too_large() -> None:
    if request.endpoint in current_app.config.get("UPLOAD_LIMITS", {}):
        abort(413, description="The file is too large to upload: a file can be at most 1 MB.")
    abort(413)


def refuse_oversized_bodies() -> None:
    """Answer 413 before any view runs when the declared body is larger than the endpoint's limit."""
    # Werkzeug enforces the limit only when a view reads the body; this covers the views that do not.
    limit = _body_limit()
    if limit is None:
        return
    if (request.content_length or 0) > limit:
        _too_large()
    # A chunked body declares no length, and Werkzeug silently cuts it at the limit: read it (bounded)
    # and refuse it if it reached the limit, rather than answer from a truncated body.
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if request.content_length is None and chunked and len(request.get_data(cache=True)) >= limit:
        _too_large()


def _request_texts() -> list[str]:
    texts = [request.path, *request.args.keys()]
    texts += [value for values in request.args.listvalues() for value in values]
    if request.mimetype in FORM_TYPES:
        texts += [*request.form.keys(), *(v for values in request.form.listvalues() for v in values)]
    return texts


def refuse_nul_characters() -> None:
    """Answer 400 when the path, a parameter or a body holds a NUL character, which no text needs."""
    # PostgreSQL cannot store or even compare text holding NUL, so it would otherwise surface as a 500.
    json_nul = request.is_json and b"\\u0000" in request.get_data(cache=True)
    if json_nul or any("\x00" in text for text in _request_texts()):
        abort(400, description="Text cannot contain NUL characters.")


def _all_template_names(app: Flask) -> list[str]:
    own = app.jinja_env.list_templates(filter_func=lambda name: not name.startswith("nhsuk/"))
    return [*own, *PACKAGE_TEMPLATES]


def init_app(app: Flask) -> None:
    """Hash the templates' inline scripts into the policy and register the headers for every response."""
    hashes = template_script_hashes(app.jinja_env.loader, _all_template_names(app))
    app.extensions["content_security_policy"] = content_security_policy(hashes)
    # First of all hooks: CSRFProtect reads the form, and must already see this endpoint's body limit.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_bodies)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    if app.config.get("PORTAL_ENV") == "production":

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
            return response
