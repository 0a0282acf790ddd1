"""A small per-worker cache for public pages, which are the same for everyone.

A page is stored only when nothing in it can belong to one visitor: a request that has a flash
message waiting is rendered fresh, and a render that touched the session (a CSRF token, say) is
not kept. Pages need no per-response nonce (the policy lists script hashes), so a stored page is
served exactly as rendered, with no substitution into text a visitor could have influenced.
Entries expire after PUBLIC_CACHE_SECONDS, so a content load shows everywhere within that time,
and any worker or host can rebuild them from the database.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request, session

MAX_ENTRIES = 1024
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})

_pages: OrderedDict[str, tuple[float, str]] = OrderedDict()


def clear_page_cache() -> None:
    """Forget every cached page in this worker."""
    _pages.clear()


def _belongs_to_one_visitor() -> bool:
    return "_flashes" in session


def _store(key: str, body: str) -> None:
    _pages[key] = (time.monotonic(), body)
    while len(_pages) > MAX_ENTRIES:
        _pages.popitem(last=False)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve a public GET page from the cache while fresh; render it, and store it if it is safe to."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lifetime = current_app.config["PUBLIC_CACHE_SECONDS"]
        if lifetime <= 0 or request.method not in CACHEABLE_METHODS or _belongs_to_one_visitor():
            return view(*args, **kwargs)
        key = request.full_path
        entry = _pages.get(key)
        if entry is not None and time.monotonic() - entry[0] <= lifetime:
            _pages.move_to_end(key)
            return entry[1]
        result = view(*args, **kwargs)
        if isinstance(result, str) and not session.modified:
            _store(key, result)
        return result

    return wrapper


def init_app(app) -> None:  # placeholder while the shared cache is written
    from portal.services.public_generation import watch_public_changes

    watch_public_changes()
