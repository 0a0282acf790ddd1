"""A database session per test that is rolled back at the end, whatever the routes committed."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

from flask import Flask, g, request_started
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Engine, event
from sqlalchemy.orm import scoped_session

from portal.extensions import db

_FIXED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def roll_back_sqlite_commits(engine: Engine) -> None:
    """Make the rolled-back test session hold on SQLite too, even when a route commits.

    pysqlite opens no transaction until the first write, so the SAVEPOINT that ``db_session`` relies
    on started a transaction of its own and RELEASE committed it: every commit in a test outlived
    the test. SQLAlchemy's recipe: let SQLAlchemy emit BEGIN itself.
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
