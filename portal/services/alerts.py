"""Saved searches and their alerts: new listings that match, emailed daily or weekly, each one only once.

``send_alert`` does one alert's whole work in the caller's transaction: it records a delivery row for
every listing it puts in the email and queues that email in the outbox, so a run stopped anywhere
leaves each alert either fully sent or untouched, and the next run carries on from there.

Every email carries one unsubscribe link that works without signing in. Its token is derived from
the secret key, the alert's id and the moment it was made, so each email can carry it again while
only its digest is stored (``unsubscribe_token_hash``); it stops working when the alert is deleted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, delete, or_, select

from portal.extensions import db
from portal.models import AlertDelivery, AlertSubscription, Candidate
from portal.models.candidates import ALERT_FREQUENCIES, DAILY, NO_EMAILS, WEEKLY
from portal.services import alert_mail
from portal.services.accounts import normalise_email
from portal.services.alert_mail import AlertLinks
from portal.services.opportunity_filters import SearchFilters
from portal.services.opportunity_search import live_ids_gone_live_after, load_opportunities
from portal.services.places import PlaceError, find_place
from portal.services.tokens import TokenError, make_token, random_token, read_token, token_digest

# A little under a day and a week, so a cron run a few minutes early still finds yesterday's alerts due.
DAILY_GAP = timedelta(hours=23)
WEEKLY_GAP = timedelta(days=6, hours=23)
GAPS = {DAILY: DAILY_GAP, WEEKLY: WEEKLY_GAP}
MAX_LISTINGS_PER_EMAIL = 25
MAX_ALERTS_PER_ADDRESS = 20
CONFIRM_ALERT = "confirm-alert"
CONFIRM_DAYS = 7
EMAILED, NOTHING_NEW, NOT_DUE, UNUSABLE = "emailed", "nothing-new", "not-due", "unusable"
# The search's own controls, which say nothing about which listings match.
NOT_PART_OF_A_SEARCH = ("page", "sort")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AlertError(ValueError):
    """An alert that cannot be made or changed as asked; the message is fit to show."""


@dataclass(frozen=True)
class AlertOutcome:
    """What one alert's turn did: ids and counts only, never an address."""

    subscription_id: int
    status: str
    emailed: int = 0
    waiting: int = 0

    def line(self) -> str:
        """One line for the run log."""
        if self.status == EMAILED:
            listings = "1 new listing" if self.emailed == 1 else f"{self.emailed} new listings"
            more = f", {self.waiting} more kept for the next email" if self.waiting else ""
            return f"alert {self.subscription_id}: {listings} emailed{more}"
        return {
            NOTHING_NEW: f"alert {self.subscription_id}: nothing new",
            NOT_DUE: f"alert {self.subscription_id}: not due (already handled, cancelled or not confirmed)",
            UNUSABLE: f"alert {self.subscription_id}: its search can no longer be run, nothing sent",
        }[self.status]


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def saved_search(filters: SearchFilters) -> dict[str, Any]:
    """The search as stored: the arguments that choose listings, sorted, so equal searches compare equal."""
    args = filters.as_args()
    for name in NOT_PART_OF_A_SEARCH:
        args.pop(name, None)
    if "type" in args:
        args["type"] = sorted(args["type"])
    return dict(sorted(args.items()))


def search_filters(subscription: AlertSubscription) -> SearchFilters | None:
    """The alert's search, or None when it no longer reads as one (a value the site has since dropped)."""
    try:
        return SearchFilters.model_validate(subscription.search or {})
    except ValidationError:
        return None


def check_search(filters: SearchFilters) -> None:
    """Raise PlaceError when the search names a place the gazetteer does not know."""
    if filters.near:
        find_place(filters.near)


def unsubscribe_token(secret_key: str, subscription: AlertSubscription) -> str:
    """The token in every email's unsubscribe link for ``subscription`` (the row must have its id)."""
    made = (as_utc(subscription.created_at) - _EPOCH) // timedelta(microseconds=1)
    message = f"portal.alert-unsubscribe\x1f{subscription.id}\x1f{made}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _new_subscription(
    search: dict[str, Any], frequency: str, now: datetime, **owner: Any
) -> AlertSubscription:
    # A random digest holds the unique column until the id, which the real token needs, exists.
    subscription = AlertSubscription(
        search=search,
        frequency=frequency,
        created_at=now,
        unsubscribe_token_hash=token_digest(random_token()),
        **owner,
    )
    db.session.add(subscription)
    db.session.flush()
    return subscription


def _seal(subscription: AlertSubscription, secret_key: str) -> AlertSubscription:
    subscription.unsubscribe_token_hash = token_digest(unsubscribe_token(secret_key, subscription))
    db.session.flush()
    return subscription


def default_frequency(candidate: Candidate) -> str:
    """No emails for 13 to 15 year olds until they switch them on; weekly for everyone else."""
    return NO_EMAILS if candidate.is_young else WEEKLY


def _check_frequency(frequency: str, allowed: Mapping[str, str] = ALERT_FREQUENCIES) -> None:
    if frequency not in allowed:
        raise AlertError("Choose how often you want emails")


def save_search_for_candidate(
    candidate: Candidate, filters: SearchFilters, frequency: str, secret_key: str, now: datetime | None = None
) -> AlertSubscription:
    """Save a search for a signed-in candidate (their address is verified, so it is confirmed at once).

    The same search saved again is the same alert, with the frequency now chosen.
    """
    _check_frequency(frequency)
    search = saved_search(filters)
    for existing in candidate.alerts:
        if existing.search == search:
            existing.frequency = frequency
            db.session.flush()
            return existing
    if len(candidate.alerts) >= MAX_ALERTS_PER_ADDRESS:
        raise AlertError(
            f"You can save up to {MAX_ALERTS_PER_ADDRESS} searches. Delete one to save this one."
        )
    now = now or utcnow()
    subscription = _new_subscription(search, frequency, now, candidate=candidate, confirmed_at=now)
    return _seal(subscription, secret_key)


def request_alert_by_email(
    email: str, filters: SearchFilters, frequency: str, secret_key: str, now: datetime | None = None
) -> AlertSubscription | None:
    """An alert for an address without an account, waiting for its confirmation link to be opened.

    Returns the alert whose confirmation link should be emailed, or None when there is nothing to send:
    the address already has this alert confirmed, or has as many alerts as anyone may. The page says
    the same whichever it is, so it tells nobody what an address has signed up for.
    """
    _check_frequency(frequency, {DAILY: "Daily", WEEKLY: "Weekly"})
    address, search = normalise_email(email), saved_search(filters)
    held = list(db.session.scalars(select(AlertSubscription).where(AlertSubscription.email == address)))
    for existing in held:
        if existing.search == search:
            if existing.confirmed_at is not None:
                return None
            existing.frequency = frequency
            db.session.flush()
            return existing
    if len(held) >= MAX_ALERTS_PER_ADDRESS:
        return None
    subscription = _new_subscription(search, frequency, now or utcnow(), email=address)
    return _seal(subscription, secret_key)


def confirmation_token(secret_key: str, subscription: AlertSubscription) -> str:
    """The token in the link that turns an emailed alert on (it also names the alert's own token)."""
    payload = {"alert": subscription.id, "seal": subscription.unsubscribe_token_hash[:16]}
    return make_token(secret_key, CONFIRM_ALERT, payload)


def alert_for_confirmation(secret_key: str, token: str) -> AlertSubscription:
    """The alert a confirmation link names; TokenError when the link is broken, expired or its alert gone."""
    payload = read_token(secret_key, CONFIRM_ALERT, token, CONFIRM_DAYS * 24 * 3600)
    alert_id = payload.get("alert")
    subscription = db.session.get(AlertSubscription, alert_id) if isinstance(alert_id, int) else None
    if subscription is None or subscription.unsubscribe_token_hash[:16] != payload.get("seal"):
        raise TokenError(expired=False)
    return subscription


def confirm_alert(subscription: AlertSubscription, now: datetime | None = None) -> None:
    """Turn the alert's emails on (opening the link again changes nothing)."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or utcnow()
        db.session.flush()


def alert_by_unsubscribe_token(token: str) -> AlertSubscription | None:
    """The alert an unsubscribe link belongs to, or None for a link that is wrong or already used."""
    if not token or len(token) > 200:
        return None
    digest = token_digest(token)
    return db.session.scalar(
        select(AlertSubscription).where(AlertSubscription.unsubscribe_token_hash == digest)
    )


def candidate_alert(candidate: Candidate, alert_id: int) -> AlertSubscription | None:
    """One of the candidate's own alerts, or None (someone else's is as unknown as one never made)."""
    return db.session.scalar(
        select(AlertSubscription).where(
            AlertSubscription.id == alert_id, AlertSubscription.candidate_id == candidate.id
        )
    )


def change_frequency(subscription: AlertSubscription, frequency: str) -> None:
    """Email the alert daily, weekly or not at all."""
    _check_frequency(frequency)
    subscription.frequency = frequency
    db.session.flush()


def delete_alert(subscription: AlertSubscription) -> None:
    """Delete the saved search and the record of what it sent."""
    db.session.execute(delete(AlertDelivery).where(AlertDelivery.subscription_id == subscription.id))
    # The rows are gone already: the cascade must not look for them again.
    db.session.expire(subscription, ["deliveries"])
    db.session.delete(subscription)
    db.session.flush()


def _quiet_since(cutoff: datetime) -> ColumnElement[bool]:
    sent, checked = AlertSubscription.last_sent_at, AlertSubscription.last_checked_at
    return and_(or_(sent.is_(None), sent <= cutoff), or_(checked.is_(None), checked <= cutoff))


def _due(now: datetime) -> list[ColumnElement[bool]]:
    frequency = AlertSubscription.frequency
    return [
        AlertSubscription.confirmed_at.is_not(None),
        or_(AlertSubscription.candidate_id.is_(None), Candidate.email_verified_at.is_not(None)),
        or_(*(and_(frequency == name, _quiet_since(now - gap)) for name, gap in GAPS.items())),
    ]


def due_alerts(now: datetime) -> list[int]:
    """Ids of the confirmed alerts whose daily or weekly turn has come, oldest first."""
    statement = (
        select(AlertSubscription.id)
        .outerjoin(Candidate, Candidate.id == AlertSubscription.candidate_id)
        .where(*_due(now))
        .order_by(AlertSubscription.id)
    )
    return list(db.session.scalars(statement))


def _due_and_held(subscription_id: int, now: datetime) -> AlertSubscription | None:
    # Checked again under a row lock (PostgreSQL): a second run, or a job queued twice, waits here and
    # then finds the alert already handled, instead of choosing the same listings a second time.
    statement = (
        select(AlertSubscription)
        .outerjoin(Candidate, Candidate.id == AlertSubscription.candidate_id)
        .where(AlertSubscription.id == subscription_id, *_due(now))
        .with_for_update(of=AlertSubscription)
    )
    return db.session.scalar(statement)


def undelivered_listings(subscription: AlertSubscription, filters: SearchFilters, now: datetime) -> list[int]:
    """Ids of live listings matching the alert that went live after it was made and it has not sent."""
    matching = live_ids_gone_live_after(filters, subscription.created_at, today=now.date())
    sent = set(
        db.session.scalars(
            select(AlertDelivery.opportunity_id).where(AlertDelivery.subscription_id == subscription.id)
        )
    )
    return [listing_id for listing_id in matching if listing_id not in sent]


def send_alert(
    subscription_id: int,
    now: datetime,
    secret_key: str,
    links: AlertLinks,
    vocabulary: Mapping[str, Mapping[str, str]],
) -> AlertOutcome:
    """One alert's turn, in the caller's transaction: email what is new (up to 25) and record it as sent."""
    subscription = _due_and_held(subscription_id, now)
    if subscription is None:
        return AlertOutcome(subscription_id, NOT_DUE)
    subscription.last_checked_at = now
    filters = search_filters(subscription)
    try:
        new = undelivered_listings(subscription, filters, now) if filters is not None else None
    except PlaceError:
        new = None
    if new is None:
        db.session.flush()
        return AlertOutcome(subscription_id, UNUSABLE)
    if not new:
        db.session.flush()
        return AlertOutcome(subscription_id, NOTHING_NEW)
    batch = new[:MAX_LISTINGS_PER_EMAIL]
    db.session.add_all(
        AlertDelivery(subscription_id=subscription.id, opportunity_id=i, sent_at=now) for i in batch
    )
    # Made again for each email, so a changed secret key mends the links from here on.
    token = unsubscribe_token(secret_key, subscription)
    subscription.unsubscribe_token_hash = token_digest(token)
    subscription.last_sent_at = now
    loaded = load_opportunities(batch)
    alert_mail.send_new_listings(
        subscription,
        [loaded[listing_id] for listing_id in batch if listing_id in loaded],
        alert_mail.describe_search(filters, vocabulary),
        links,
        token,
        more_waiting=len(new) - len(batch),
    )
    db.session.flush()
    return AlertOutcome(subscription_id, EMAILED, emailed=len(batch), waiting=len(new) - len(batch))
