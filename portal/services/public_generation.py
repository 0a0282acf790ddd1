"""Raise the public generation in the same transaction as any change that public pages show.

Public pages are cached under the generation's value (see ``portal.caching``). Rather than each
service remembering to retire them, a listener on every session watches what a flush writes: a new,
changed or deleted row of a table in ``PUBLIC_TABLES``, or a bulk UPDATE or DELETE on one, raises
the counter as the last statement before the transaction commits. The change and the new
generation therefore become visible together, to every worker and host that reads the database, and
the counter's row is locked only for the moment of the commit (so two writers cannot deadlock on it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from portal.extensions import db
from portal.models import PublicGeneration
from portal.models.public_pages import SINGLE_ROW_ID

# What public pages are built from. Interest and tallies feed the public workforce figures too, but
# those are counted, not listed: they refresh when cached pages expire (PUBLIC_CACHE_SECONDS), so a
# busy day of sign-ups does not empty the cache for everyone on every registration.
PUBLIC_TABLES = frozenset(
    {"service_area", "entry_route", "service_area_route", "opportunity", "opportunity_area", "organisation"}
)
_PENDING = "public_generation_pending"


def _table_name(instance: Any) -> str | None:
    return getattr(type(instance), "__tablename__", None)


def _changes_public_rows(session: Session) -> bool:
    for instance in (*session.new, *session.deleted):
        if _table_name(instance) in PUBLIC_TABLES:
            return True
    return any(
        _table_name(instance) in PUBLIC_TABLES and session.is_modified(instance, include_collections=False)
        for instance in session.dirty
    )


def _raise_generation(session: Session) -> None:
    # Core on the session's own connection: no autoflush, and part of the same transaction.
    statement = (
        update(PublicGeneration.__table__)
        .where(PublicGeneration.__table__.c.id == SINGLE_ROW_ID)
        .values(value=PublicGeneration.__table__.c.value + 1)
    )
    session.connection().execute(statement)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_public_rows(session):
        session.info[_PENDING] = True


def _on_bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in PUBLIC_TABLES:
        state.session.info[_PENDING] = True


def _before_commit(session: Session) -> None:
    session.flush()  # what the commit would flush is seen now, so nothing changes after the raise
    if session.info.pop(_PENDING, False):
        _raise_generation(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def watch_public_changes() -> None:
    """Install the listeners (once per process; every session of every app shares them)."""
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _on_bulk_statement)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _after_rollback)


def current_generation() -> int:
    """The generation public pages are filed under now (0 on a database that has never had one)."""
    value = db.session.scalar(select(PublicGeneration.value).where(PublicGeneration.id == SINGLE_ROW_ID))
    return int(value or 0)
