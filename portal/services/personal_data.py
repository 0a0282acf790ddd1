"""Everything held about a candidate: exported on request, deleted on request, and purged when stale.

The retention periods below are the ones the privacy notices quote (they read them from here), so
a change to a period changes what people are told in the same commit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select

from portal.extensions import db
from portal.models import (
    AlertSubscription,
    Candidate,
    FormSubmission,
    ListingImport,
    Opportunity,
    OutboxMessage,
    ServiceArea,
)
from portal.models.candidates import ALERT_FREQUENCIES
from portal.models.outbox import FAILED, SENT
from portal.models.schools import CLASS_THRESHOLD
from portal.services.privacy_mail import send_purge_reminder
from portal.services.submissions import KEPT_FOR as SUBMISSION_KEYS_KEPT_FOR

# How long things are kept: the privacy notices say these numbers.
INACTIVE_MONTHS = 24
REMINDER_GRACE_DAYS = 30
UNVERIFIED_ACCOUNT_DAYS = 7
UNCONFIRMED_ALERT_DAYS = 7
SENT_MAIL_DAYS = 30
# A quoted message shorter than this is too common to say whose it is, and matching it would delete
# other people's mail.
QUOTE_MIN_LENGTH = 8

PASSWORD_SET, PASSWORD_NOT_SET = "set", "not set"
_SCRAMBLED_SIGN_IN = (
    "Your password is kept only in a scrambled form that cannot be turned back into it. "
    "The file says whether you have one (password: set or not set)."
)
_UNSUBSCRIBE_LINKS = "A scrambled copy of the secret in your unsubscribe links, kept so that the links work."
_YOUR_ROW = "Links the row to your account."
# Columns held but not copied into the export, and why; every other column is exported by name.
WITHHELD_COLUMNS: dict[str, dict[str, str]] = {
    "candidate": {"password_hash": _SCRAMBLED_SIGN_IN},
    "saved_area": {"candidate_id": _YOUR_ROW},
    "saved_listing": {"candidate_id": _YOUR_ROW},
    "area_interest": {"candidate_id": _YOUR_ROW},
    "expression_of_interest": {"candidate_id": _YOUR_ROW},
    "alert_subscription": {"candidate_id": _YOUR_ROW, "unsubscribe_token_hash": _UNSUBSCRIBE_LINKS},
    "alert_delivery": {"subscription_id": "Links the row to its alert."},
}


@dataclass(frozen=True)
class PrivacyFacts:
    """The numbers the privacy notices and the account pages quote."""

    inactive_months: int = INACTIVE_MONTHS
    reminder_grace_days: int = REMINDER_GRACE_DAYS
    unverified_account_days: int = UNVERIFIED_ACCOUNT_DAYS
    unconfirmed_alert_days: int = UNCONFIRMED_ALERT_DAYS
    sent_mail_days: int = SENT_MAIL_DAYS
    class_threshold: int = CLASS_THRESHOLD

    @property
    def inactive_years(self) -> int:
        """The inactivity period in whole years, as people say it."""
        return self.inactive_months // 12


PRIVACY_FACTS = PrivacyFacts()


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC, or None."""
    moment = _utc(moment)
    return moment.isoformat() if moment is not None else None


def _columns(row: Any, **context: Any) -> dict[str, Any]:
    """Every column of ``row`` not withheld, by name, times as ISO 8601, plus ``context``."""
    withheld = WITHHELD_COLUMNS.get(row.__table__.name, {})
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in withheld:
            continue
        value = getattr(row, column.key)
        values[column.key] = iso(value) if isinstance(value, datetime) else value
    return {**values, **context}


def _listing(opportunity: Opportunity | None) -> dict[str, Any]:
    if opportunity is None:
        return {"listing_title": None, "organisation": None}
    return {"listing_title": opportunity.title, "organisation": opportunity.organisation.name}


def _area_name(area: ServiceArea | None) -> dict[str, Any]:
    return {"service_area_name": area.name if area is not None else None}


def _alert(subscription: AlertSubscription) -> dict[str, Any]:
    deliveries = [
        _columns(delivery, **_listing(db.session.get(Opportunity, delivery.opportunity_id)))
        for delivery in subscription.deliveries
    ]
    frequency = ALERT_FREQUENCIES.get(subscription.frequency, subscription.frequency)
    return _columns(subscription, frequency_label=frequency, listings_sent=deliveries)


def _same_address(column: Any, email: str) -> Any:
    return func.lower(column) == email.lower()


def alerts_without_account(email: str) -> list[AlertSubscription]:
    """Alerts set up without an account that go to ``email``."""
    return list(
        db.session.scalars(
            select(AlertSubscription)
            .where(AlertSubscription.candidate_id.is_(None), _same_address(AlertSubscription.email, email))
            .order_by(AlertSubscription.created_at)
        )
    )


def messages_to(email: str) -> list[OutboxMessage]:
    """Every email to ``email`` still in the outbox, whatever its status."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(_same_address(OutboxMessage.to_address, email))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def export_candidate(candidate: Candidate) -> dict[str, Any]:
    """Everything held about ``candidate``, as plain JSON values: what the download contains."""
    account = _columns(
        candidate,
        password=PASSWORD_SET if candidate.password_hash else PASSWORD_NOT_SET,
        age_band_label=candidate.age_band_label,
    )
    return {
        "about": "Everything Healthcare Science Careers holds about you.",
        "exported_at": iso(datetime.now(UTC)),
        "account": account,
        "saved_areas": [_columns(row, **_area_name(row.service_area)) for row in candidate.saved_areas],
        "saved_listings": [_columns(row, **_listing(row.opportunity)) for row in candidate.saved_listings],
        "area_interests": [_columns(row, **_area_name(row.service_area)) for row in candidate.area_interests],
        "expressions_of_interest": [
            _columns(row, status_label=row.status_label, **_listing(row.opportunity))
            for row in candidate.expressions_of_interest
        ],
        "alerts": [_alert(row) for row in candidate.alerts],
        "alerts_without_account": [_alert(row) for row in alerts_without_account(candidate.email)],
        "emails": [_columns(row) for row in messages_to(candidate.email)],
        "not_included": [
            {"table": table, "column": column, "why": why}
            for table, columns in WITHHELD_COLUMNS.items()
            for column, why in columns.items()
        ],
        "kept_for": {
            "unused_account_months_before_a_reminder": INACTIVE_MONTHS,
            "days_after_the_reminder_before_deletion": REMINDER_GRACE_DAYS,
            "unconfirmed_account_days": UNVERIFIED_ACCOUNT_DAYS,
            "unconfirmed_alert_days": UNCONFIRMED_ALERT_DAYS,
            "sent_email_days": SENT_MAIL_DAYS,
        },
    }


def _quoted_texts(candidate: Candidate) -> list[str]:
    """Text of the candidate's that other people's mail may quote: the address and long messages."""
    quoted = [candidate.email]
    for interest in candidate.expressions_of_interest:
        message = interest.message.strip()
        if len(message) >= QUOTE_MIN_LENGTH:
            quoted.append(message)
    return quoted


def _mentions(text: str) -> Any:
    return or_(
        *(
            func.lower(column).contains(text.lower(), autoescape=True)
            for column in (OutboxMessage.subject, OutboxMessage.text_body, OutboxMessage.html_body)
        )
    )


def delete_candidate(candidate: Candidate) -> None:
    """Delete the candidate and everything about them; anonymous tallies stay (they hold nobody)."""
    email = candidate.email
    quoted = _quoted_texts(candidate)
    for subscription in alerts_without_account(email):
        db.session.delete(subscription)
    # Mail to them, and mail to anyone else (an organisation, say) that quotes their address or message.
    db.session.execute(
        delete(OutboxMessage)
        .where(or_(_same_address(OutboxMessage.to_address, email), *(_mentions(text) for text in quoted)))
        .execution_options(synchronize_session="fetch")
    )
    db.session.delete(candidate)
    db.session.flush()


def months_before(moment: datetime, months: int) -> datetime:
    """The same time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _reminder_current() -> Any:
    # A reminder counts only until the next activity: signing in again clears it.
    return and_(
        Candidate.purge_reminder_sent_at.is_not(None),
        Candidate.purge_reminder_sent_at >= Candidate.last_active_at,
    )


def _due_reminders(now: datetime) -> Select[Any]:
    return select(Candidate).where(
        Candidate.email_verified_at.is_not(None),
        Candidate.last_active_at < months_before(now, INACTIVE_MONTHS),
        ~_reminder_current(),
    )


def _reminders_outdated() -> Select[Any]:
    return select(Candidate).where(
        Candidate.purge_reminder_sent_at.is_not(None),
        Candidate.purge_reminder_sent_at < Candidate.last_active_at,
    )


def _inactive_after_reminder(now: datetime) -> Select[Any]:
    return select(Candidate).where(
        Candidate.email_verified_at.is_not(None),
        Candidate.last_active_at < months_before(now, INACTIVE_MONTHS),
        _reminder_current(),
        Candidate.purge_reminder_sent_at <= now - timedelta(days=REMINDER_GRACE_DAYS),
    )


def _never_verified(now: datetime) -> Select[Any]:
    return select(Candidate).where(
        Candidate.email_verified_at.is_(None),
        Candidate.created_at < now - timedelta(days=UNVERIFIED_ACCOUNT_DAYS),
    )


def _unconfirmed_alerts(now: datetime) -> Select[Any]:
    return select(AlertSubscription).where(
        AlertSubscription.candidate_id.is_(None),
        AlertSubscription.confirmed_at.is_(None),
        AlertSubscription.created_at < now - timedelta(days=UNCONFIRMED_ALERT_DAYS),
    )


def _old_mail(now: datetime) -> Select[Any]:
    cutoff = now - timedelta(days=SENT_MAIL_DAYS)
    return select(OutboxMessage).where(
        or_(
            and_(
                OutboxMessage.status == SENT,
                func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
            ),
            and_(
                OutboxMessage.status == FAILED,
                func.coalesce(OutboxMessage.failed_at, OutboxMessage.created_at) < cutoff,
            ),
        )
    )


def _expired_imports(now: datetime) -> Select[Any]:
    return select(ListingImport).where(ListingImport.expires_at < now)


def _old_submission_keys(now: datetime) -> Select[Any]:
    return select(FormSubmission).where(FormSubmission.created_at < now - SUBMISSION_KEYS_KEPT_FOR)


def _count(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


@dataclass
class PurgeReport:
    """How many of each thing one run of the purge changed (or would change): counts, never addresses."""

    dry_run: bool
    reminders_sent: int = 0
    reminders_cleared: int = 0
    inactive_accounts_deleted: int = 0
    unverified_accounts_deleted: int = 0
    unconfirmed_alerts_deleted: int = 0
    old_emails_deleted: int = 0
    expired_imports_deleted: int = 0
    old_submission_keys_deleted: int = 0

    def lines(self) -> list[str]:
        """One line per kind of change, for the command's output."""
        sent, cleared, deleted = (
            ("would be sent", "would be cleared", "would be deleted")
            if self.dry_run
            else ("sent", "cleared", "deleted")
        )
        rows = [
            (f"Reminders to accounts unused for {INACTIVE_MONTHS} months", self.reminders_sent, sent),
            ("Reminders no longer needed (the account was used again)", self.reminders_cleared, cleared),
            (
                f"Accounts still unused {REMINDER_GRACE_DAYS} days after a reminder",
                self.inactive_accounts_deleted,
                deleted,
            ),
            (
                f"Accounts not confirmed within {UNVERIFIED_ACCOUNT_DAYS} days",
                self.unverified_accounts_deleted,
                deleted,
            ),
            (
                f"Alerts without an account not confirmed within {UNCONFIRMED_ALERT_DAYS} days",
                self.unconfirmed_alerts_deleted,
                deleted,
            ),
            (f"Sent or failed emails older than {SENT_MAIL_DAYS} days", self.old_emails_deleted, deleted),
            ("Expired listing uploads", self.expired_imports_deleted, deleted),
            ("One-time form keys older than a day", self.old_submission_keys_deleted, deleted),
        ]
        heading = "Privacy purge: a dry run, nothing was changed." if self.dry_run else "Privacy purge:"
        return [heading, *(f"  {label}: {count} {verb}" for label, count, verb in rows)]


def _count_everything(report: PurgeReport, now: datetime) -> PurgeReport:
    report.reminders_sent = _count(_due_reminders(now))
    report.reminders_cleared = _count(_reminders_outdated())
    report.inactive_accounts_deleted = _count(_inactive_after_reminder(now))
    report.unverified_accounts_deleted = _count(_never_verified(now))
    report.unconfirmed_alerts_deleted = _count(_unconfirmed_alerts(now))
    report.old_emails_deleted = _count(_old_mail(now))
    report.expired_imports_deleted = _count(_expired_imports(now))
    report.old_submission_keys_deleted = _count(_old_submission_keys(now))
    return report


def _delete_all(query: Select[Any]) -> int:
    rows = db.session.scalars(query).all()
    for row in rows:
        if isinstance(row, Candidate):
            delete_candidate(row)
        else:
            db.session.delete(row)
    db.session.flush()
    return len(rows)


def purge(now: datetime, dry_run: bool = False, *, sign_in_link: str) -> PurgeReport:
    """Remind, then delete, what has been kept for as long as the notices say; flushes, never commits.

    Running it again at the same time changes nothing more. ``sign_in_link`` goes in the reminders.
    """
    now = now.astimezone(UTC)
    report = PurgeReport(dry_run=dry_run)
    if dry_run:
        return _count_everything(report, now)
    for candidate in db.session.scalars(_reminders_outdated()).all():
        candidate.purge_reminder_sent_at = None
        report.reminders_cleared += 1
    db.session.flush()
    # Rows that stand alone go first, so that deleting an account (which takes its own mail and
    # alerts with it) leaves these counts equal to a dry run's.
    report.old_emails_deleted = _delete_all(_old_mail(now))
    report.unconfirmed_alerts_deleted = _delete_all(_unconfirmed_alerts(now))
    report.expired_imports_deleted = _delete_all(_expired_imports(now))
    report.old_submission_keys_deleted = _delete_all(_old_submission_keys(now))
    report.inactive_accounts_deleted = _delete_all(_inactive_after_reminder(now))
    report.unverified_accounts_deleted = _delete_all(_never_verified(now))
    for candidate in db.session.scalars(_due_reminders(now)).all():
        send_purge_reminder(
            candidate, sign_in_link, now + timedelta(days=REMINDER_GRACE_DAYS), REMINDER_GRACE_DAYS
        )
        candidate.purge_reminder_sent_at = now
        report.reminders_sent += 1
    db.session.flush()
    return report
