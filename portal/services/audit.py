"""The audit log: every administrative action is appended here, and nothing in the app changes it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.extensions import db
from portal.models import AuditEntry, User


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
