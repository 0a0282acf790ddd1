"""The audit log: every administrative action, appended and never changed.

The ORM refuses to update or delete an entry (the events at the end of this module), and migration
0010 makes the database refuse UPDATE and DELETE on the table as well, for anything that goes around
the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from portal.extensions import db


class AuditEntry(db.Model):
    """Who did what to which record, when, why, and the record before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AdminGrant(db.Model):
    """A request to make someone an administrator, which takes effect only when a second admin confirms it."""

    __tablename__ = "admin_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # None while waiting; "confirmed" or "cancelled" once decided.
    outcome: Mapped[str | None] = mapped_column(String(20))


class AuditLogAppendOnlyError(RuntimeError):
    """Something tried to change or remove an audit entry; the log only ever grows."""


def _refuse(verb: str) -> AuditLogAppendOnlyError:
    return AuditLogAppendOnlyError(f"The audit log is append-only: an entry cannot be {verb}")


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Any, _entry: AuditEntry) -> None:
    raise _refuse("changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Any, _entry: AuditEntry) -> None:
    raise _refuse("deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # update(AuditEntry) and delete(AuditEntry) skip the per-object events above.
    if (state.is_update or state.is_delete) and getattr(state.statement.table, "name", None) == (
        AuditEntry.__tablename__
    ):
        raise _refuse("changed" if state.is_update else "deleted")
