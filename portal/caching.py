"""Public pages, which are the same for everyone: stored once, shared by every worker, sent with ETags.

A page is stored only when nothing in it can belong to one visitor: a request that has a flash
message waiting is rendered fresh, and a render that changed the session or carries a CSRF token
is not kept. Pages need no per-response nonce (the policy lists script hashes), so a stored page is
served exactly as rendered, with no substitution into text a visitor could have influenced.

Where pages are stored: in Redis through Flask-Caching when ``REDIS_URL`` is set, so every worker
and host shares them; otherwise in each worker's memory. Keys carry the public generation
(``portal.services.public_generation``), which the transaction of any change that public pages show
raises: a content load or a listing going live retires every stored page at once, everywhere. A
worker re-reads the generation at most every ``GENERATION_CHECK_SECONDS``, which is therefore the
bound on how long another worker can show the old page. Entries also expire after
``PUBLIC_CACHE_SECONDS``, for what changes with time alone (a closing date passing).

Each page is stored once per content coding (plain, gzip, brotli), compressed when first asked for,
so a cached page costs no compression. Browsers and proxies get an ``ETag`` and a short public
``Cache-Control`` and revalidate with ``If-None-Match`` (answered ``304``). Values are bytes in and
bytes out: nothing stored is ever unpickled, so whoever can write to Redis cannot run code here.
If the store cannot be reached, pages are rendered as if nothing were stored.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import brotli
import redis
from cachelib.serializers import BaseSerializer
from flask import Flask, Request, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_caching.backends import RedisCache, SimpleCache

from portal.config import REDIS_TIMEOUT_SECONDS
from portal.extensions import compress, page_store

logger = logging.getLogger(__name__)

CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
# How often a worker asks the database whether public pages have changed.
GENERATION_CHECK_SECONDS = 2.0
# Entries a worker keeps in memory when there is no Redis (each page has up to three codings).
LOCAL_ENTRIES = 1024
CODINGS = ("br", "gzip")
# Stored pages are compressed once, so they can afford the slower, smaller settings.
BROTLI_QUALITY = 9
GZIP_LEVEL = 9
# A warning about an unreachable store at most this often, not once per request.
WARNING_INTERVAL_SECONDS = 60.0
# After a failed call the store is left alone this long, so a hung Redis costs one timeout, not two
# on every request.
STORE_RETRY_SECONDS = 5.0


class BytesOnly(BaseSerializer):
    """Stores bytes as they are and refuses anything else: no pickle in either direction."""

    def dumps(self, value: Any, protocol: int | None = None) -> bytes:
        """The bytes themselves."""
        if not isinstance(value, bytes):
            raise TypeError(f"the page store keeps bytes, not {type(value).__name__}")
        return value

    def loads(self, bvalue: Any) -> bytes | None:
        """The bytes stored, or None for anything that is not bytes."""
        return bvalue if isinstance(bvalue, bytes) else None


class SharedPageStore(RedisCache):
    """Flask-Caching's Redis store, keeping bytes only."""

    serializer = BytesOnly()


class LocalPageStore(SimpleCache):
    """Flask-Caching's in-memory store (one per worker), keeping bytes only."""

    serializer = BytesOnly()


@dataclass
class _PageStoreState:
    """What this worker knows of the store: the generation it last read, and when the store last failed."""

    value: int = 0
    checked_at: float = float("-inf")
    warned_at: float = float("-inf")
    store_failed_at: float = float("-inf")
    query_window_started: float = float("-inf")
    query_pages_stored: int = 0


@dataclass(frozen=True)
class StoredPage:
    """One coding of one page: its validator and the bytes sent."""

    etag: str
    body: bytes

    def to_bytes(self) -> bytes:
        """The stored form: the ETag on the first line, then the body."""
        return self.etag.encode("ascii") + b"\n" + self.body

    @classmethod
    def from_bytes(cls, stored: bytes) -> StoredPage | None:
        """The page kept as ``stored``, or None if it is not in the stored form."""
        etag, separator, body = stored.partition(b"\n")
        if not separator:
            return None
        return cls(etag.decode("ascii", "replace"), body)


def _state() -> _PageStoreState:
    return current_app.extensions["page_store_state"]


def _store_failed(message: str, error: Exception) -> None:
    state = _state()
    now = time.monotonic()
    state.store_failed_at = now
    if now - state.warned_at >= WARNING_INTERVAL_SECONDS:
        state.warned_at = now
        logger.warning("%s: %s; pages are rendered without it", message, type(error).__name__)


def _store_resting() -> bool:
    return time.monotonic() - _state().store_failed_at < STORE_RETRY_SECONDS


def public_generation() -> int:
    """The generation stored pages are filed under, re-read from the database every few seconds."""
    from portal.services.public_generation import current_generation

    state = _state()
    now = time.monotonic()
    if now - state.checked_at >= GENERATION_CHECK_SECONDS:
        state.value = current_generation()
        state.checked_at = now
    return state.value


def forget_generation() -> None:
    """Read the generation again on the next request (after a change made in this process)."""
    _state().checked_at = float("-inf")


def clear_page_cache() -> None:
    """Forget every stored page of this app (only its own keys, never the rest of a shared Redis)."""
    page_store.clear()
    forget_generation()


def _belongs_to_one_visitor() -> bool:
    # Without a session cookie there can be no flash: the session is not even opened.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return "_flashes" in session


def _rendered_for_one_visitor() -> bool:
    # A CSRF token is this visitor's own even when their session already held it (and so was not
    # modified): a page carrying one must never reach anyone else.
    return session.modified or "csrf_token" in g


def _chosen_coding() -> str | None:
    coding = request.accept_encodings.best_match(CODINGS)
    return coding if coding in CODINGS else None


def _encode(body: bytes, coding: str | None) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    if coding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return body


def _etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _key(generation: int, coding: str | None) -> str:
    return f"{generation}:{coding or 'identity'}:{request.full_path}"


def _get(key: str) -> StoredPage | None:
    if _store_resting():
        return None
    try:
        stored = page_store.get(key)
    except (redis.RedisError, OSError) as error:
        _store_failed("The page store cannot be read", error)
        return None
    return StoredPage.from_bytes(stored) if stored else None


def _put(key: str, page: StoredPage) -> None:
    if _store_resting():
        return
    try:
        page_store.set(key, page.to_bytes(), timeout=current_app.config["PUBLIC_CACHE_SECONDS"])
    except (redis.RedisError, OSError) as error:
        _store_failed("The page store cannot be written", error)


def _room_for_this_page() -> bool:
    """Whether this page may be stored: always without a query string, else within this worker's share.

    Anyone can invent query strings (``/?x=1``, ``/?x=2``, ...); each would be one more page kept for
    PUBLIC_CACHE_SECONDS, so a worker stores at most PAGE_CACHE_QUERY_PAGES new ones in that time.
    """
    if not request.query_string:
        return True
    state, now = _state(), time.monotonic()
    if now - state.query_window_started >= current_app.config["PUBLIC_CACHE_SECONDS"]:
        state.query_window_started, state.query_pages_stored = now, 0
    if state.query_pages_stored >= current_app.config["PAGE_CACHE_QUERY_PAGES"]:
        return False
    state.query_pages_stored += 1
    return True


def _stored_or_encoded(generation: int, coding: str | None, plain: StoredPage) -> StoredPage:
    """The page in ``coding``: from the store, or compressed now from ``plain`` and stored."""
    if coding is None:
        return plain
    key = _key(generation, coding)
    page = _get(key)
    if page is None:
        page = StoredPage(f"{plain.etag}:{coding}", _encode(plain.body, coding))
        _put(key, page)
    return page


def _shared_response(page: StoredPage, coding: str | None) -> Response:
    # Headers are written out whole rather than through Werkzeug's header objects, which parse and
    # re-serialise on every change: on a stored page that was a sixth of the request.
    quoted = f'"{page.etag}"'
    headers = {
        "ETag": quoted,
        "Vary": "Accept-Encoding",
        "Cache-Control": f"public, max-age={current_app.config['PUBLIC_MAX_AGE_SECONDS']}",
    }
    if coding:
        headers["Content-Encoding"] = coding
    g.shared_response = True
    if _client_holds(quoted, request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return Response(page.body, mimetype="text/html", headers=headers)


def _client_holds(quoted_etag: str, if_none_match: str | None) -> bool:
    """Whether If-None-Match names this entity tag (weak ones compare equal for GET, RFC 9110)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or quoted_etag in tags


class NoCookieOnSharedPages(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a page sent as public leaves the session alone.

    A browser or proxy may keep a public response and give it to others: a Set-Cookie on it (a
    refreshed permanent session, say) would hand one visitor's session to the next, and a
    ``Vary: Cookie`` would stop anyone sharing it. Such a page is only sent when the session holds
    nothing for it, so there is nothing to save.
    """

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """An empty session without the signing work when the visitor sent no session cookie."""
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Nothing for a shared page; otherwise as Flask does."""
        if g.get("shared_response"):
            return
        super().save_session(app, session, response)


def _successful_page(result: Any) -> str | None:
    """The HTML of a view's result if it is a plain 200 page (a string, or a string with status 200)."""
    if isinstance(result, str):
        return result
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str) and result[1] == 200:
        return result[0]
    return None


def _may_share() -> bool:
    return (
        current_app.config["PUBLIC_CACHE_SECONDS"] > 0
        and request.method in CACHEABLE_METHODS
        and not _belongs_to_one_visitor()
    )


def serve_stored_page() -> Response | None:
    """Before anything else runs, answer a request for a stored public page from the store.

    Rate limits, CSRF checks and the view are skipped (public pages have none of the first two);
    the after-request steps (security headers) still run.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "is_cached_page", False) or not _may_share():
        return None
    coding = _chosen_coding()
    page = _get(_key(public_generation(), coding))
    return _shared_response(page, coding) if page is not None else None


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a public GET page as stored: render it, and store it if it is the same for everyone.

    Once stored, ``serve_stored_page`` answers for it before the view is reached.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _may_share():
            return view(*args, **kwargs)
        generation, coding = public_generation(), _chosen_coding()
        plain = _get(_key(generation, None))
        if plain is None:
            result = view(*args, **kwargs)
            text = _successful_page(result)
            if text is None or _rendered_for_one_visitor() or not _room_for_this_page():
                return result
            body = text.encode("utf-8")
            plain = StoredPage(_etag(body), body)
            _put(_key(generation, None), plain)
        return _shared_response(_stored_or_encoded(generation, coding, plain), coding)

    wrapper.is_cached_page = True  # type: ignore[attr-defined]
    return wrapper


def _compress_unless_it_holds_a_token(response: Response) -> Response:
    # A page holding a CSRF token is not compressed: with text a visitor can echo into it, the
    # compressed size would let an eavesdropper guess the token a byte at a time (BREACH).
    if "csrf_token" in g or response.headers.get("Content-Encoding"):
        return response
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    """Choose the page store, compress responses, and watch for changes that public pages show."""
    from portal.services.public_generation import watch_public_changes

    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_KEY_PREFIX", app.config["PAGE_CACHE_PREFIX"])
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", max(app.config["PUBLIC_CACHE_SECONDS"], 1))
    if redis_url:
        app.config.setdefault("CACHE_TYPE", f"{__name__}.SharedPageStore")
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
        app.config.setdefault(
            "CACHE_OPTIONS",
            {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        )
    else:
        app.config.setdefault("CACHE_TYPE", f"{__name__}.LocalPageStore")
        app.config.setdefault("CACHE_THRESHOLD", LOCAL_ENTRIES)
    page_store.init_app(app)
    app.extensions["page_store_state"] = _PageStoreState()

    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_ALGORITHM", list(CODINGS))
    compress.init_app(app)
    app.after_request(_compress_unless_it_holds_a_token)
    # First of all the before-request steps: a stored page needs none of the others.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_stored_page)
    app.session_interface = NoCookieOnSharedPages()
    watch_public_changes()
