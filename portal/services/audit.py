"""The audit log: every administrative action is appended here, and nothing in the app changes it.

Entries are never updated or deleted: the model refuses it through the ORM, and the database itself
refuses UPDATE and DELETE on the table (migration 0010).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import AuditEntry, User

AUDIT_PER_PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    """One entry, with the email address of who acted (None for the system)."""

    entry: AuditEntry
    actor_email: str | None


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and where it sits among the rest."""

    rows: list[AuditRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when nothing matches)."""
        return max(1, -(-self.total // self.per_page))


def record_audit(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who (None for the system), did what, to which record, why, before and after."""
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _counts(column: Any) -> dict[str, int]:
    statement = select(column, func.count()).group_by(column).order_by(column)
    return dict(db.session.execute(statement).all())


def action_counts() -> dict[str, int]:
    """Every action the log holds, A to Z, with how many entries each has."""
    return _counts(AuditEntry.action)


def target_type_counts() -> dict[str, int]:
    """Every kind of record the log names, A to Z, with how many entries each has."""
    return _counts(AuditEntry.target_type)


def _filtered(statement: Select[Any], action: str | None, target_type: str | None) -> Select[Any]:
    if action:
        statement = statement.where(AuditEntry.action == action)
    if target_type:
        statement = statement.where(AuditEntry.target_type == target_type)
    return statement


def audit_page(
    page: int = 1,
    per_page: int = AUDIT_PER_PAGE,
    action: str | None = None,
    target_type: str | None = None,
) -> AuditPage:
    """One page of entries, newest first, optionally of one action and one kind of record.

    A page past the end is the last page.
    """
    total = db.session.scalar(_filtered(select(func.count(AuditEntry.id)), action, target_type))
    page = max(1, min(page, -(-total // per_page)))
    statement = _filtered(
        select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_id), action, target_type
    )
    rows = db.session.execute(
        statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return AuditPage([AuditRow(entry, email) for entry, email in rows], total, page, per_page)
