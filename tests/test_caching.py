"""Cached public pages are identical for everyone yet each gets its own CSP nonce."""

from __future__ import annotations

import re

import pytest

from portal.caching import clear_page_cache


@pytest.fixture
def caching_client(app, db_session):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    clear_page_cache()
    yield app.test_client()
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    clear_page_cache()


def _nonce(response) -> str:
    return response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


def test_a_cached_page_gets_a_fresh_nonce_in_header_and_body(caching_client):
    first = caching_client.get("/service-areas/audiology")
    second = caching_client.get("/service-areas/audiology")
    assert _nonce(first) != _nonce(second)
    for response in (first, second):
        assert f'nonce="{_nonce(response)}"' in response.get_data(as_text=True)
        assert "placeholder" not in response.get_data(as_text=True)
    strip = lambda r: re.sub(r'nonce="[^"]+"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(first) == strip(second)


def test_a_missing_page_is_not_cached_as_a_success(caching_client):
    assert caching_client.get("/service-areas/nope").status_code == 404
    assert caching_client.get("/service-areas/nope").status_code == 404
