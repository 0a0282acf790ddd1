"""A session on the test's own connection, so a request that commits is still rolled back.

The shared ``db_session`` fixture passes ``bind=connection``, but Flask-SQLAlchemy's ``get_bind``
answers with the engine whatever the session was bound to, so a view's ``commit()`` (the report
form's) committed the test's rows for good, and rows other tests committed that way showed up in
these searches. Here every session uses the connection, and live listings already in the database
are hidden for the test (inside its transaction, so nothing outside it changes).
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from flask_sqlalchemy.session import Session
from sqlalchemy import update

from portal.extensions import db
from portal.models import Opportunity
from portal.models.opportunities import DRAFT, LIVE


class ConnectionSession(Session):
    """A Flask-SQLAlchemy session that uses the connection it was bound to."""

    def get_bind(self, *args, **kwargs):
        """The test's connection, always."""
        return self.bind


def isolated_session(app: Flask) -> Iterator:
    """Yield a scoped session whose every change, committed or not, is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        # Also the first statement, so pysqlite opens the transaction itself and savepoints nest in it.
        connection.execute(update(Opportunity).where(Opportunity.status == LIVE).values(status=DRAFT))
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionSession}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
