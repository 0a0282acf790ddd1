"""A small per-worker cache for public pages, which are the same for everyone.

Pages are stored with a placeholder where the CSP nonce goes, and each response
gets its own fresh nonce. Entries expire after PUBLIC_CACHE_SECONDS, so a
content load shows up everywhere within that time; any worker can rebuild them."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request

from portal.security import csp_nonce

NONCE_PLACEHOLDER = "__csp_nonce_placeholder__"
MAX_ENTRIES = 1024

_pages: OrderedDict[str, tuple[float, str, int]] = OrderedDict()


def clear_page_cache() -> None:
    """Forget every cached page in this worker."""
    _pages.clear()


def _render_with_placeholder(view: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, int]:
    real = csp_nonce()
    g.csp_nonce = NONCE_PLACEHOLDER
    try:
        result = view(*args, **kwargs)
    finally:
        g.csp_nonce = real
    body, status = result if isinstance(result, tuple) else (result, 200)
    return body, status


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve a GET page from the cache while fresh; render and store it otherwise."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> tuple[str, int]:
        lifetime = current_app.config["PUBLIC_CACHE_SECONDS"]
        if lifetime <= 0:
            return view(*args, **kwargs)
        key = request.full_path
        entry = _pages.get(key)
        if entry is None or time.monotonic() - entry[0] > lifetime:
            body, status = _render_with_placeholder(view, *args, **kwargs)
            entry = (time.monotonic(), body, status)
            _pages[key] = entry
            while len(_pages) > MAX_ENTRIES:
                _pages.popitem(last=False)
        _pages.move_to_end(key)
        return entry[1].replace(NONCE_PLACEHOLDER, csp_nonce()), entry[2]

    return wrapper
