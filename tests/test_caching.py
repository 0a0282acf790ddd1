"""Cached public pages are the same for everyone, and nothing of one visitor's ever gets into them."""

from __future__ import annotations

import gzip
import json
import pickle  # nosec B403: only to build a payload the store must not unpickle
import re
import secrets
import socket

import brotli
import pytest
import redis
from flask import render_template_string
from sqlalchemy import select, update

from portal import create_app
from portal.caching import BytesOnly, StoredPage, cached_page, clear_page_cache, forget_generation
from portal.extensions import db
from portal.models import ServiceArea
from tests.pages import Page


def _clear(app) -> None:
    with app.app_context():
        clear_page_cache()


@pytest.fixture
def caching_app(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    _clear(app)
    yield app
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    _clear(app)


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


def test_a_render_that_carries_a_csrf_token_is_not_stored(app):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    app = create_app(
        {"PORTAL_ENV": "testing", "PUBLIC_CACHE_SECONDS": 60, "SQLALCHEMY_DATABASE_URI": database}
    )

    @app.get("/with-a-token-for-test")
    @cached_page
    def with_a_token() -> str:
        return render_template_string("{{ csrf_token() }}")

    _clear(app)
    first, second = app.test_client(), app.test_client()
    assert first.get("/with-a-token-for-test").text != second.get("/with-a-token-for-test").text
    # The second time, the token is already in the visitor's session, which is therefore unchanged:
    # the page is still theirs alone.
    again = first.get("/with-a-token-for-test").text
    assert app.test_client().get("/with-a-token-for-test").text != again
    _clear(app)


def test_invented_query_strings_can_fill_only_a_bounded_part_of_the_store(visitor, caching_app):
    share = caching_app.config["PAGE_CACHE_QUERY_PAGES"]
    caching_app.config["PAGE_CACHE_QUERY_PAGES"] = 2
    state = caching_app.extensions["page_store_state"]
    state.query_window_started, state.query_pages_stored = float("-inf"), 0
    try:
        first = [visitor().get(f"/service-areas/?junk={i}") for i in range(4)]
        assert [r.headers["Cache-Control"].split(",")[0] for r in first] == [
            "public",
            "public",
            "no-store",
            "no-store",
        ]
        assert all(r.status_code == 200 and "Healthcare science" in r.text for r in first)
        assert visitor().get("/service-areas/?junk=0").headers["ETag"] == first[0].headers["ETag"]
        assert visitor().get("/service-areas/?junk=3").headers["Cache-Control"] == "no-store"
        assert visitor().get("/service-areas/").headers["Cache-Control"].startswith("public")
        state.query_window_started -= caching_app.config["PUBLIC_CACHE_SECONDS"]  # the next window
        assert visitor().get("/service-areas/?junk=3").headers["Cache-Control"].startswith("public")
    finally:
        caching_app.config["PAGE_CACHE_QUERY_PAGES"] = share


def test_a_missing_page_is_not_cached_as_a_success(visitor):
    assert visitor().get("/service-areas/nope").status_code == 404
    assert visitor().get("/service-areas/nope").status_code == 404


def test_a_public_page_carries_an_etag_and_revalidates_with_a_304(visitor, caching_app):
    first = visitor().get("/service-areas/audiology")
    assert first.headers["Cache-Control"] == f"public, max-age={caching_app.config['PUBLIC_MAX_AGE_SECONDS']}"
    etag = first.headers["ETag"]
    again = visitor().get("/service-areas/audiology", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert "Set-Cookie" not in again.headers
    other = visitor().get("/service-areas/clinical-biochemistry", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_each_coding_is_stored_and_decodes_to_the_same_page(visitor):
    plain = visitor().get("/service-areas/", headers={"Accept-Encoding": "identity"})
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        for _ in range(2):  # compressed and stored, then sent from the store
            response = visitor().get("/service-areas/", headers={"Accept-Encoding": f"{coding}, identity"})
            assert response.headers["Content-Encoding"] == coding
            assert response.headers["Vary"] == "Accept-Encoding"
            assert decode(response.get_data()) == plain.get_data()
            assert len(response.get_data()) < len(plain.get_data()) / 3
            assert response.headers["ETag"] == plain.headers["ETag"][:-1] + f':{coding}"'


def test_a_committed_change_shows_at_once_and_a_private_page_stays_private(visitor, caching_app):
    before = visitor().get("/service-areas/audiology").text
    assert "A summary changed by an editor." not in before
    with caching_app.app_context():
        area = db.session.scalars(select(ServiceArea).where(ServiceArea.slug == "audiology")).one()
        area.summary = "A summary changed by an editor."
        db.session.commit()
        forget_generation()  # as every worker does within GENERATION_CHECK_SECONDS
    assert "A summary changed by an editor." in visitor().get("/service-areas/audiology").text
    private = visitor().get("/organisations/sign-in")
    assert private.headers["Cache-Control"] == "no-store"
    assert "ETag" not in private.headers


def test_a_page_with_a_csrf_token_is_never_compressed_but_the_api_is(visitor):
    form = visitor().get("/find-your-fit", headers={"Accept-Encoding": "br, gzip"})
    assert 'name="csrf_token"' in form.text
    assert "Content-Encoding" not in form.headers
    listing = visitor().get("/api/v1/service-areas", headers={"Accept-Encoding": "gzip"})
    assert listing.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(listing.get_data()))["items"]


def test_a_public_page_never_sets_a_cookie_even_for_a_signed_in_visitor(visitor, caching_app):
    client = visitor()
    with client.session_transaction() as session:
        session.permanent = True  # Flask would refresh this cookie on every response
        session["_user_id"] = "someone"
    response = client.get("/service-areas/audiology")
    assert response.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in response.headers


def test_stored_pages_are_bytes_and_nothing_stored_is_unpickled():
    serializer = BytesOnly()
    payload = b"!" + pickle.dumps({"not": "a page"})
    assert serializer.loads(payload) == payload
    with pytest.raises(TypeError):
        serializer.dumps({"not": "bytes"})
    assert StoredPage.from_bytes(b"no separator") is None
    page = StoredPage('"abc"', b"<p>hello</p>")
    assert StoredPage.from_bytes(page.to_bytes()) == page


@pytest.fixture
def shared_apps(app, redis_url):
    """Two apps, as on two hosts, sharing the test database and one Redis under a prefix of their own."""
    prefix = f"portal-test-{secrets.token_hex(6)}:"
    settings = {
        "PORTAL_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "PUBLIC_CACHE_SECONDS": 60,
        "REDIS_URL": redis_url,
        "PAGE_CACHE_PREFIX": prefix,
    }
    apps = [create_app(settings), create_app(settings)]
    yield apps
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def test_two_hosts_share_stored_pages_and_retire_them_together(shared_apps):
    first, second = shared_apps
    original = first.test_client().get("/service-areas/audiology").text
    with first.app_context():
        summary = db.session.scalar(select(ServiceArea.summary).where(ServiceArea.slug == "audiology"))
    with first.app_context():
        # A change made behind the portal's back raises nothing: the second host still sends the
        # page the first one stored, which shows the store is shared.
        table = ServiceArea.__table__
        with db.engine.begin() as connection:
            connection.execute(
                update(table).where(table.c.slug == "audiology").values(summary="Changed quietly.")
            )
    try:
        assert second.test_client().get("/service-areas/audiology").text == original
        with first.app_context():
            area = db.session.scalars(select(ServiceArea).where(ServiceArea.slug == "audiology")).one()
            area.summary = "Changed through the portal."
            db.session.commit()
        with second.app_context():
            forget_generation()
        assert "Changed through the portal." in second.test_client().get("/service-areas/audiology").text
    finally:
        with first.app_context(), db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.slug == "audiology").values(summary=summary))


def test_pages_are_rendered_when_the_store_cannot_be_reached(app, caplog):
    closed = f"redis://127.0.0.1:{_closed_port()}/0"
    settings = {
        "PORTAL_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "PUBLIC_CACHE_SECONDS": 60,
        "REDIS_URL": closed,
    }
    client = create_app(settings).test_client()
    for _ in range(3):
        response = client.get("/service-areas/audiology")
        assert response.status_code == 200
        assert "Audiology" in response.text
    warnings = [r for r in caplog.records if "page store" in r.getMessage()]
    assert len(warnings) == 1  # then the store is left alone for a while, and nothing more is logged
    assert "ConnectionError" in warnings[0].getMessage()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
