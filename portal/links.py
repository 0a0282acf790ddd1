"""Absolute links, built from the PUBLIC_URL setting and never from the request's Host header."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """``url_for`` as a full URL on the portal's configured origin."""
    # A forged Host header must never reach a link that a cache or a feed hands to other people.
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)
