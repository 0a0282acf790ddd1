"""The database goes away: pages answer a friendly 503, the API a JSON 503, and both recover by themselves."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from bench.drills import database_down
from portal import create_app
from portal.extensions import db
from tests.pages import Page


@pytest.fixture
def unreachable_app(tmp_path) -> Iterator[Flask]:
    """The portal pointed at a PostgreSQL port where nothing listens."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{database_down.free_port()}/portal"
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
            "MAIL_OUTBOX_DIR": tmp_path,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_page_answers_the_unavailable_page_when_the_first_query_cannot_connect(unreachable_app, caplog):
    caplog.set_level(logging.WARNING, logger="portal.errors")
    response = unreachable_app.test_client().get("/service-areas/")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    page = Page(response)
    page.assert_well_formed()
    body = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in body and "try again later" in body
    for leak in database_down.LEAKS:
        assert leak.lower() not in body.lower()
    [record] = [r for r in caplog.records if r.name == "portal.errors"]
    assert record.getMessage() == "Database unavailable (OperationalError) on GET public.service_areas"
    assert record.exc_info is None


def test_the_api_answers_its_json_error_when_the_database_cannot_be_reached(unreachable_app):
    response = unreachable_app.test_client().get("/api/v1/service-areas")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "error": {
            "code": "service_unavailable",
            "message": "Sorry, the service is unavailable. Please try again later.",
        }
    }


def test_a_missing_table_on_sqlite_is_a_500_not_an_outage(tmp_path):
    # An unmigrated database: SQLite says "no such table" with an OperationalError, but nothing is down.
    app = create_app(
        {"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "MAIL_OUTBOX_DIR": tmp_path}
    )
    response = app.test_client().get("/api/v1/service-areas")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"


def test_a_locked_sqlite_database_is_an_outage(tmp_path):
    database = tmp_path / "locked.sqlite3"
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.1}},
            "MAIL_OUTBOX_DIR": tmp_path,
        }
    )
    holder = sqlite3.connect(database)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = app.test_client().get("/api/v1/service-areas")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"


def test_a_wrong_query_is_still_a_500_not_an_outage(tmp_path):
    app = create_app({"PORTAL_ENV": "testing", "MAIL_OUTBOX_DIR": tmp_path})

    @app.get("/api/v1/broken-for-this-test")
    def broken() -> str:
        raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    response = app.test_client().get("/api/v1/broken-for-this-test")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"


def test_gunicorn_answers_503_while_a_real_database_is_stopped_and_recovers_when_it_starts():
    reason = database_down.skip_reason()
    if reason:
        pytest.skip(f"the database drill needs its own PostgreSQL cluster: {reason}")
    steps: list[str] = []
    lines = database_down.run_drill(report=steps.append)
    # run_drill raises DrillError on any check that fails; these say that every step was reached.
    assert len(steps) == 6, steps
    assert steps[-1].endswith("no traceback")
    assert lines, "the outage was not logged"
    assert all("Database unavailable (OperationalError) on GET " in line for line in lines), lines
