"""Absolute links, built from the PUBLIC_URL setting and never from the request's Host header."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from werkzeug.routing import IntegerConverter, Map


def absolute_url(endpoint: str, **values: Any) -> str:
    """``url_for`` as a full URL on the portal's configured origin."""
    # A forged Host header must never reach a link that a cache or a feed hands to other people.
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


# The largest value of a 32-bit signed integer column, as PostgreSQL's INTEGER.
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number a database id column can hold, else a 404.

    Werkzeug's own converter takes any size, and a 30-digit id overflowed the database driver (a 500).
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
