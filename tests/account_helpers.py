"""Helpers for the account tests: forms posted as a browser would, mail read from the outbox, TOTP codes."""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pyotp
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import scoped_session
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import OutboxMessage
from tests.pages import Page

LINK = re.compile(r"http://localhost(/\S+)")
SIGN_UP = {
    "organisation_name": "Northdale Teaching Hospitals NHS Trust",
    "kind": "nhs-trust",
    "town": "Leeds",
    "website": "www.northdale.example.nhs.uk",
    "name": "Ada Lovelace",
    "email": "Ada.Lovelace@Northdale.example.org",
    "password": "analytical engine notes",
}


_FIXED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def roll_back_sqlite_commits(engine: Engine) -> None:
    """Make the rolled-back test session hold on SQLite too, even when a route commits.

    pysqlite opens no transaction until the first write, so the SAVEPOINT that ``db_session`` relies
    on started a transaction of its own and RELEASE committed it: every commit in a test outlived
    the test. SQLAlchemy's recipe: let SQLAlchemy emit BEGIN itself. (tests/conftest.py should do
    this for every test; until it does, the account tests' own ``db_session`` does.)
    """
    if engine.dialect.name != "sqlite" or engine in _FIXED_ENGINES:
        return

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_to_us(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    _FIXED_ENGINES.add(engine)
    engine.dispose()  # pooled connections were made without the fix


class _BoundSession(FlaskSession):
    """A Flask-SQLAlchemy session that uses the connection it was given."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):  # type: ignore[no-untyped-def]
        # Flask-SQLAlchemy chooses an engine per table and never looks at the session's own bind,
        # so a session "bound" to the test's connection used a fresh connection and its commits stayed.
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


def _fresh_g(sender: Flask, **extra: object) -> None:
    # The test holds an app context open, and Flask reuses it for every request the test makes, so
    # ``g`` outlived each request: Flask-Login's cached user and Flask-WTF's CSRF token leaked from
    # one client to the next. In production each request has an app context, and so a ``g``, of its own.
    for name in list(g):
        g.pop(name)


def rolled_back_session(app: Flask) -> Iterator[scoped_session]:
    """A session on one connection whose transaction is rolled back at the end, whatever was committed."""
    with app.app_context():
        roll_back_sqlite_commits(db.engine)
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _BoundSession}
        )
        request_started.connect(_fresh_g, app)
        try:
            yield db.session
        finally:
            request_started.disconnect(_fresh_g, app)
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token on the page at ``path`` (the session keeps it, as a browser would)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def submit(
    client: FlaskClient, path: str, data: dict[str, Any], form_page: str | None = None
) -> TestResponse:
    """Post ``data`` to ``path`` with the CSRF token from ``form_page`` (default: the same path)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})


def well_formed(response: TestResponse) -> Page:
    """The response parsed, after the checks every page must pass."""
    page = Page(response)
    page.assert_well_formed()
    return page


def mail_to(address: str) -> list[OutboxMessage]:
    """Messages queued to ``address`` in this test, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
        )
    )


def last_mail_to(address: str) -> OutboxMessage:
    """The newest message to ``address``; fails the test if there is none."""
    messages = mail_to(address)
    assert messages, f"no mail to {address}"
    return messages[-1]


def link_in(message: OutboxMessage, starting: str = "/") -> str:
    """The path of the first absolute link in the message that starts with ``starting``."""
    for path in LINK.findall(message.text_body):
        if path.startswith(starting):
            return path
    raise AssertionError(f"no link starting {starting} in {message.subject!r}")


def location_path(response: TestResponse) -> str:
    """Where a redirect goes, as a path with its query."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def totp_now(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)
