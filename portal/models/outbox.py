"""Outgoing mail, written in the caller's transaction so that no message is lost before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
ERROR_LENGTH = 200


class OutboxMessage(db.Model):
    """One message to one recipient: pending until sent, or failed (and kept) after the last attempt."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "to" is a reserved word in PostgreSQL: a plain name keeps hand-written SQL simple.
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # Extra headers from a short allowed list (List-Unsubscribe for alerts), or None.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The kind of failure and an SMTP code at most, never the server's text (it may name the recipient).
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    # When the next attempt is due; while a worker holds the message, the end of its lease.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status}>"
