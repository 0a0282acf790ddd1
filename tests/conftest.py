"""Shared fixtures: an app per database, a rolled-back session per test, a page parser."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.content.files import read_content
from portal.extensions import db, limiter
from portal.services.content_loader import load_content
from portal.services.matching import build_index, forget_loaded_index
from tests.database import rolled_back_session
from tests.pages import Page

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _reset_postgresql() -> None:
    # A reused PostgreSQL test database starts from nothing, like a fresh one.
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


@pytest.fixture(scope="session", params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The portal on a migrated database holding the real content."""
    if request.param == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SERVER_NAME": "localhost",
            "PUBLIC_URL": "http://localhost",
            "MAIL_OUTBOX_DIR": tmp_path_factory.mktemp("outbox"),
        }
    )
    with app.app_context():
        if request.param == "postgresql":
            _reset_postgresql()
        upgrade()
        load_content(read_content(app.config["CONTENT_DIR"]))
        build_index(app.extensions["content_reference"].abbreviations)
        db.session.commit()
        forget_loaded_index()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator:
    """A session whose changes, committed or not, are rolled back when the test ends."""
    yield from rolled_back_session(app)


@pytest.fixture
def client(app: Flask, db_session):
    """A test client whose requests share the rolled-back session."""
    return app.test_client()


@pytest.fixture
def get_page(client):
    """Fetch a path and return it parsed, after the checks every page must pass."""

    def fetch(path: str, status: int = 200) -> Page:
        response = client.get(path)
        assert response.status_code == status, f"{path} returned {response.status_code}"
        parsed = Page(response)
        parsed.assert_well_formed()
        return parsed

    return fetch


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL when that Redis answers; in CI an unreachable Redis is a failure, elsewhere a skip."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        message = f"Redis at {url} cannot be reached ({error}); start redis-server or set TEST_REDIS_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def limited(app: Flask, db_session) -> Iterator[FlaskClient]:
    """A client of the portal with rate limits on, as in production (one worker, in memory)."""
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "PUBLIC_URL", "MAIL_OUTBOX_DIR")
    }
    limited_app = create_app(
        {"PORTAL_ENV": "testing", **settings, "RATELIMIT_ENABLED": True, "WEB_CONCURRENCY": 1}
    )
    limiter.reset()
    try:
        yield limited_app.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False
