"""The outbox: messages are written in the caller's transaction, then sent, and retried until they go.

A worker owns a message only after a conditional UPDATE moved it (attempts + 1, a lease in
``next_attempt_at``) and that change committed, so two workers, hosts or cron runs never both send
it. A worker that dies mid-send loses only its lease: the message is due again when the lease ends.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update

from portal.extensions import db
from portal.jobs import enqueue
from portal.mail.messages import build_message, clean_address, clean_subject
from portal.mail.transports import Transport, sender_for, transport_for
from portal.models.outbox import ERROR_LENGTH, FAILED, PENDING, SENT, OutboxMessage

logger = logging.getLogger(__name__)
# The wait after the 1st, 2nd, ... failed attempt; the last one repeats until MAX_ATTEMPTS.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
)
MAX_ATTEMPTS = 8
# Longer than any one SMTP conversation can take with its timeouts, so a live sender keeps its claim.
LEASE = timedelta(minutes=15)
BATCH_SIZE = 500


@dataclass
class SendReport:
    """What one run of the outbox did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def line(self) -> str:
        """One line for the command's output."""
        return (
            f"outbox: {self.sent} sent, {self.failed} failed (kept for retry or review), "
            f"{self.skipped} taken by another worker"
        )


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def describe_failure(error: BaseException) -> str:
    """The kind of failure and any SMTP codes: enough to act on, and nothing about the recipient."""
    codes: list[int] = []
    if isinstance(error, smtplib.SMTPResponseException):
        codes = [error.smtp_code]
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
    described = " ".join([type(error).__name__, *map(str, codes)])
    return described[:ERROR_LENGTH]


def queue_message(
    to: str, subject: str, text: str, html: str | None = None, headers: dict[str, str] | None = None
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (flushed, not committed); sent after commit."""
    to, subject = clean_address(to), clean_subject(subject)
    # Built once now, so that a message which could never be sent fails in the caller, not in a worker.
    build_message(
        sender=sender_for(current_app.config), to=to, subject=subject, text=text, html=html, headers=headers
    )
    now = utcnow()
    message = OutboxMessage(
        created_at=now,
        to_address=to,
        subject=subject,
        text_body=text,
        html_body=html or None,
        headers=headers or None,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(message)
    db.session.flush()
    enqueue(send_message_job, message.id)
    return message


def _claimable(now: datetime, fresh: bool) -> ColumnElement[bool]:
    due = OutboxMessage.next_attempt_at <= now
    # A job sent for a new message may run on a host whose clock is a little behind the one that queued it.
    return or_(due, OutboxMessage.attempts == 0) if fresh else due


def _claim(message_id: int, now: datetime, fresh: bool) -> int | None:
    """Take the message for one attempt and commit that; the attempt's number, or None if not ours."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING, _claimable(now, fresh))
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get_one(OutboxMessage, message_id).attempts


def _record(message_id: int, attempt: int, **values: object) -> None:
    # Only while the claim is still this attempt's: a worker whose lease ran out must not undo another's.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(message_id: int, attempt: int, now: datetime, error: BaseException) -> None:
    reason = describe_failure(error)
    if attempt >= MAX_ATTEMPTS:
        _record(message_id, attempt, status=FAILED, failed_at=now, next_attempt_at=None, last_error=reason)
        logger.error("outbox message %d failed for good after %d attempts (%s)", message_id, attempt, reason)
        return
    delay = retry_delay(attempt)
    _record(message_id, attempt, next_attempt_at=now + delay, last_error=reason)
    logger.warning(
        "outbox message %d: attempt %d failed (%s); next in %ds",
        message_id,
        attempt,
        reason,
        delay.total_seconds(),
    )


def deliver(message_id: int, now: datetime, transport: Transport, fresh: bool = False) -> bool | None:
    """Claim one message and send it: True if it went, False if this attempt failed, None if not ours."""
    attempt = _claim(message_id, now, fresh)
    if attempt is None:
        return None
    message = db.session.get_one(OutboxMessage, message_id)
    try:
        built = build_message(
            sender=sender_for(current_app.config),
            to=message.to_address,
            subject=message.subject,
            text=message.text_body,
            html=message.html_body,
            headers=message.headers,
        )
        transport.send(built)
    except Exception as error:  # whatever went wrong, the attempt is recorded and the message kept
        _record_failure(message_id, attempt, now, error)
        return False
    _record(message_id, attempt, status=SENT, sent_at=now, next_attempt_at=None)
    logger.info("outbox message %d sent (attempt %d)", message_id, attempt)
    return True


def current_transport() -> Transport:
    """The transport the app's settings name (raises MailConfigError when they name none)."""
    return transport_for(current_app.config, current_app.instance_path)


def send_message_job(message_id: int) -> None:
    """Job: send one newly queued message, unless another worker already has."""
    deliver(message_id, utcnow(), current_transport(), fresh=True)


def send_pending(now: datetime | None = None, limit: int = BATCH_SIZE) -> SendReport:
    """Send every message that is due at ``now`` (default: the current time), oldest first."""
    now = now or utcnow()
    transport = current_transport()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    report = SendReport()
    for message_id in due:
        outcome = deliver(message_id, now, transport)
        if outcome is None:
            report.skipped += 1
        elif outcome:
            report.sent += 1
        else:
            report.failed += 1
    return report
