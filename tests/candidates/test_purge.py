"""`flask privacy purge`: reminders, then deletion, on the periods the privacy notices state."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import AlertSubscription, Candidate, FormSubmission, ListingImport, OutboxMessage
from portal.models.outbox import FAILED, PENDING, SENT
from portal.services.candidates import record_activity
from portal.services.personal_data import (
    INACTIVE_MONTHS,
    REMINDER_GRACE_DAYS,
    SENT_MAIL_DAYS,
    UNCONFIRMED_ALERT_DAYS,
    UNVERIFIED_ACCOUNT_DAYS,
    months_before,
    purge,
)
from tests.account_helpers import mail_to
from tests.factories import make_candidate, make_organisation, make_user, now

LINK = "http://localhost/account/sign-in"
REMINDER = f"Sign in within {REMINDER_GRACE_DAYS} days to keep your account"


def _days_ago(days: float, at: datetime | None = None) -> datetime:
    return (at or now()) - timedelta(days=days)


def _alert(**fields: Any) -> AlertSubscription:
    values = {
        "search": {"q": "genomics"},
        "created_at": now(),
        "unsubscribe_token_hash": secrets.token_hex(32),
    }
    alert = AlertSubscription(**{**values, **fields})
    db.session.add(alert)
    db.session.flush()
    return alert


def _mail(status: str, days_old: float) -> OutboxMessage:
    at = _days_ago(days_old)
    message = OutboxMessage(
        created_at=at,
        to_address=f"someone{secrets.token_hex(3)}@example.net",
        subject="A message",
        text_body="Hello",
        status=status,
        sent_at=at if status == SENT else None,
        failed_at=at if status == FAILED else None,
    )
    db.session.add(message)
    db.session.flush()
    return message


def _submission_key(created_at: datetime) -> FormSubmission:
    row = FormSubmission(key=secrets.token_urlsafe(32), form="test.form", created_at=created_at)
    db.session.add(row)
    db.session.flush()
    return row


def _upload(expires_at: datetime) -> ListingImport:
    organisation = make_organisation()
    upload = ListingImport(
        organisation_id=organisation.id,
        user_id=make_user(organisation).id,
        created_at=_days_ago(1),
        expires_at=expires_at,
        csv_text="title\nA listing",
    )
    db.session.add(upload)
    db.session.flush()
    return upload


@dataclass
class World:
    """One of each case the purge decides about, either side of each period."""

    inactive: Candidate
    active: Candidate
    old_unverified: Candidate
    new_unverified: Candidate
    ids: dict[str, list[Any]]


def _world() -> World:
    inactive = make_candidate(last_active_at=months_before(now(), INACTIVE_MONTHS) - timedelta(days=1))
    active = make_candidate(last_active_at=months_before(now(), INACTIVE_MONTHS) + timedelta(days=1))
    late = _days_ago(UNVERIFIED_ACCOUNT_DAYS + 1)
    old_unverified = make_candidate(email_verified_at=None, created_at=late, last_active_at=late)
    new_unverified = make_candidate(
        email_verified_at=None, created_at=_days_ago(1), last_active_at=_days_ago(1)
    )
    ids = {
        "alerts_kept": [
            _alert(email="new@example.net").id,
            _alert(email="confirmed@example.net", created_at=_days_ago(90), confirmed_at=_days_ago(89)).id,
        ],
        "alerts_gone": [
            _alert(email="stale@example.net", created_at=_days_ago(UNCONFIRMED_ALERT_DAYS + 1)).id
        ],
        # By address: SQLite gives a deleted row's id to the next new row (the reminder).
        "mail_kept": [
            _mail(SENT, SENT_MAIL_DAYS - 1).to_address,
            _mail(FAILED, SENT_MAIL_DAYS - 1).to_address,
            _mail(PENDING, SENT_MAIL_DAYS + 10).to_address,
        ],
        "mail_gone": [
            _mail(SENT, SENT_MAIL_DAYS + 1).to_address,
            _mail(FAILED, SENT_MAIL_DAYS + 1).to_address,
        ],
        "uploads_kept": [_upload(now() + timedelta(hours=1)).id],
        "uploads_gone": [_upload(now() - timedelta(minutes=1)).id],
        "keys_kept": [_submission_key(now() - timedelta(hours=23)).id],
        "keys_gone": [_submission_key(now() - timedelta(hours=25)).id],
    }
    return World(inactive, active, old_unverified, new_unverified, ids)


def _snapshot() -> dict[str, Any]:
    """Everything the purge could change, to prove a dry run changes none of it."""
    return {
        "candidates": sorted(
            (c.id, c.purge_reminder_sent_at is not None) for c in db.session.scalars(select(Candidate))
        ),
        "alerts": sorted(db.session.scalars(select(AlertSubscription.id))),
        "mail": sorted(db.session.scalars(select(OutboxMessage.id))),
        "uploads": sorted(db.session.scalars(select(ListingImport.id))),
    }


def _purge_command(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["privacy", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _exists(model: type, row_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(model, row_id) is not None


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(app, db_session):
    _world()
    before = _snapshot()
    output = _purge_command(app, "--dry-run")
    print(output)
    assert "a dry run, nothing was changed" in output
    assert f"Reminders to accounts unused for {INACTIVE_MONTHS} months: 1 would be sent" in output
    assert f"Accounts not confirmed within {UNVERIFIED_ACCOUNT_DAYS} days: 1 would be deleted" in output
    assert f"not confirmed within {UNCONFIRMED_ALERT_DAYS} days: 1 would be deleted" in output
    assert f"Sent or failed emails older than {SENT_MAIL_DAYS} days: 2 would be deleted" in output
    assert "Expired listing uploads: 1 would be deleted" in output
    assert "One-time form keys older than a day: 1 would be deleted" in output
    assert "@" not in output  # counts, never addresses
    db.session.expire_all()
    assert _snapshot() == before


def test_the_real_run_does_what_the_dry_run_said_and_a_second_run_does_nothing(app, db_session):
    world = _world()
    dry = purge(now(), dry_run=True, sign_in_link=LINK)
    output = _purge_command(app)
    print(output)
    assert "dry run" not in output
    for line in dry.lines()[1:]:
        assert line.replace("would be ", "") in output
    assert f"Reminders to accounts unused for {INACTIVE_MONTHS} months: 1 sent" in output

    assert _exists(Candidate, world.inactive.id)  # reminded, not yet deleted
    assert not _exists(Candidate, world.old_unverified.id)
    assert _exists(Candidate, world.new_unverified.id) and _exists(Candidate, world.active.id)
    for key, model in (("alerts", AlertSubscription), ("uploads", ListingImport), ("keys", FormSubmission)):
        assert all(_exists(model, i) for i in world.ids[f"{key}_kept"]), key
        assert not any(_exists(model, i) for i in world.ids[f"{key}_gone"]), key
    assert all(mail_to(address) for address in world.ids["mail_kept"])
    assert not any(mail_to(address) for address in world.ids["mail_gone"])

    [reminder] = mail_to(world.inactive.email)
    assert reminder.subject == REMINDER
    assert f"{LINK}\n" in reminder.text_body and "we will delete your account" in reminder.text_body
    assert mail_to(world.active.email) == []

    again = _purge_command(app)
    assert [line.split(": ")[1].split()[0] for line in again.splitlines()[1:]] == ["0"] * 8, again
    assert len(mail_to(world.inactive.email)) == 1


def test_an_account_is_deleted_only_once_the_grace_period_after_the_reminder_is_over(db_session):
    world = _world()
    start = now()
    purge(start, sign_in_link=LINK)
    reminded_at = db.session.get(Candidate, world.inactive.id).purge_reminder_sent_at
    assert reminded_at is not None

    early = purge(start + timedelta(days=REMINDER_GRACE_DAYS - 1), sign_in_link=LINK)
    assert early.inactive_accounts_deleted == 0
    assert _exists(Candidate, world.inactive.id) and len(mail_to(world.inactive.email)) == 1

    late = purge(start + timedelta(days=REMINDER_GRACE_DAYS, minutes=1), sign_in_link=LINK)
    assert late.inactive_accounts_deleted == 1
    assert not _exists(Candidate, world.inactive.id)
    # The reminder went with the account: nothing addressed to the person is left.
    assert mail_to(world.inactive.email) == []


def test_anyone_active_since_the_reminder_is_spared(db_session):
    world = _world()
    start = now()
    purge(start, sign_in_link=LINK)
    record_activity(db.session.get(Candidate, world.inactive.id), start + timedelta(days=3))

    later = purge(start + timedelta(days=REMINDER_GRACE_DAYS + 1), sign_in_link=LINK)
    assert later.inactive_accounts_deleted == 0
    assert _exists(Candidate, world.inactive.id) and len(mail_to(world.inactive.email)) == 1


def test_activity_that_left_the_reminder_in_place_still_clears_it(db_session):
    world = _world()
    start = now()
    purge(start, sign_in_link=LINK)
    candidate = db.session.get(Candidate, world.inactive.id)
    candidate.last_active_at = start + timedelta(days=3)  # a change that did not clear the reminder
    db.session.flush()

    later = purge(start + timedelta(days=REMINDER_GRACE_DAYS + 1), sign_in_link=LINK)
    assert later.reminders_cleared == 1 and later.inactive_accounts_deleted == 0
    assert _exists(Candidate, world.inactive.id)
    assert db.session.get(Candidate, world.inactive.id).purge_reminder_sent_at is None


def test_a_second_spell_of_inactivity_gets_a_reminder_of_its_own(db_session):
    world = _world()
    start = now()
    purge(start, sign_in_link=LINK)
    record_activity(db.session.get(Candidate, world.inactive.id), start + timedelta(days=1))
    much_later = months_before(start, -INACTIVE_MONTHS) + timedelta(days=2)
    report = purge(much_later, sign_in_link=LINK)
    assert report.reminders_sent >= 1
    assert len(mail_to(world.inactive.email)) == 2
    assert _exists(Candidate, world.inactive.id)


def test_months_before_counts_calendar_months():
    assert months_before(datetime(2026, 3, 31, 9, tzinfo=UTC), 24) == datetime(2024, 3, 31, 9, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15, tzinfo=UTC)
