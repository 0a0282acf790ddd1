"""Cached public pages are the same for everyone, and nothing of one visitor's ever gets into them."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from portal import create_app
from portal.caching import cached_page, clear_page_cache
from tests.pages import Page


@pytest.fixture
def caching_app(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    clear_page_cache()
    yield app
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    clear_page_cache()


@pytest.fixture
def visitor(caching_app, db_session):
    return caching_app.test_client


def test_a_cached_page_is_identical_for_everyone_and_needs_no_nonce(visitor):
    first = visitor().get("/service-areas/audiology")
    second = visitor().get("/service-areas/audiology")
    assert first.get_data() == second.get_data()
    assert first.headers["Content-Security-Policy"] == second.headers["Content-Security-Policy"]
    assert "nonce" not in first.get_data(as_text=True)
    assert "'nonce-" not in first.headers["Content-Security-Policy"]


def test_a_flash_is_shown_once_to_its_own_visitor_and_never_cached(visitor, caching_app):
    caching_app.config["WTF_CSRF_ENABLED"] = False
    try:
        giver, other = visitor(), visitor()
        giver.post("/find-your-fit/feedback", data={"useful": "yes"})
        assert "Thank you" in Page(giver.get("/")).text
        assert "Thank you" not in Page(other.get("/")).text
        assert "Thank you" not in Page(giver.get("/")).text
        assert other.get("/").get_data() == visitor().get("/").get_data()
    finally:
        caching_app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def any_host(caching_app):
    """No SERVER_NAME, as in production, so the request's own Host is what Flask would use."""
    server_name, caching_app.config["SERVER_NAME"] = caching_app.config["SERVER_NAME"], None
    yield
    caching_app.config["SERVER_NAME"] = server_name


def test_a_forged_host_never_reaches_a_cached_page(visitor, any_host):
    forged = visitor().get("/service-areas/audiology", headers={"Host": "evil.example"})
    honest = visitor().get("/service-areas/audiology")
    for response in (forged, honest):
        html = response.get_data(as_text=True)
        assert "evil.example" not in html
        assert '"url": "http://localhost/service-areas/audiology"' in html
    assert "evil.example" not in visitor().get("/sitemap.xml", headers={"Host": "evil.example"}).text


def test_the_old_nonce_placeholder_comes_back_as_text(visitor):
    placeholder = '<script nonce="__csp_nonce_placeholder__">alert(1)</script>'
    for _ in range(2):  # rendered, then served from the cache
        html = visitor().get("/service-areas/compare", query_string={"slugs": placeholder}).text
        assert placeholder not in html
        assert "&lt;script nonce=&#34;__csp_nonce_placeholder__&#34;&gt;alert(1)&lt;/script&gt;" in html
        assert not re.search(r"<script[^>]*nonce=", html)


def test_a_render_that_touches_the_session_is_not_stored():
    app = create_app({"PORTAL_ENV": "testing", "PUBLIC_CACHE_SECONDS": 60, "PUBLIC_URL": "http://localhost"})

    @app.get("/with-a-token-for-test")
    @cached_page
    def with_a_token() -> str:
        return render_template_string("{{ csrf_token() }}")

    clear_page_cache()
    first, second = app.test_client(), app.test_client()
    assert first.get("/with-a-token-for-test").text != second.get("/with-a-token-for-test").text
    clear_page_cache()


def test_a_missing_page_is_not_cached_as_a_success(visitor):
    assert visitor().get("/service-areas/nope").status_code == 404
    assert visitor().get("/service-areas/nope").status_code == 404
