"""What a moderator needs beside a listing: automatic checks, public reports, the history, and the decision.

The checks never decide anything: they point a person at what to look at. The decision itself goes
through the lifecycle in ``portal.services.opportunities``, which records the event and the audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.extensions import db
from portal.mail import queue_message
from portal.models import ListingReport, Opportunity, OpportunityEvent, User
from portal.models.organisations import OWNER
from portal.services.audit import record_audit
from portal.services.listings import EMPLOYMENT_TYPES, OPPORTUNITY_TYPES
from portal.services.opportunities import (
    CLOSE_REASONS,
    REFERRAL_REASONS,
    REJECTION_REASONS,
    approve,
    pending_listing_data,
    refer_back,
    reject,
)

# Phrases that scams and unfair listings use; a match is a prompt to read closely, not a verdict.
BANNED_PHRASES = (
    "pay a fee",
    "registration fee",
    "deposit",
    "bank details",
    "send money",
    "guaranteed job",
    "whatsapp",
    "telegram",
    "crypto",
    "cash in hand",
    "no questions asked",
)
SHORT_DESCRIPTION = 80
SOON_DAYS = 3
REPORT_OUTCOMES = {
    "no-action": "Nothing needed changing",
    "acted": "We changed, referred back or took down the listing",
}
DECISIONS = {"approve": "Approve", "refer-back": "Refer back", "reject": "Reject"}
_TEXT_FIELDS = ("title", "description", "site_name", "hours", "apprenticeship_standard", "apply_url")


@dataclass(frozen=True)
class HistoryEntry:
    """One event in a listing's life, with the name of who acted and the reason in words."""

    at: datetime
    action: str
    actor_name: str | None
    by_moderator: bool
    reason: str | None


def _under_review(opportunity: Opportunity) -> Any:
    # A live listing's edit is what the moderator is deciding on, so that is what gets checked.
    return pending_listing_data(opportunity) or opportunity


def _host(url: str | None) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host.removeprefix("www.")


def _phrase_checks(listing: Any) -> list[str]:
    text = " ".join(str(getattr(listing, name) or "") for name in _TEXT_FIELDS).lower()
    found = [phrase for phrase in BANNED_PHRASES if re.search(rf"\b{re.escape(phrase)}\b", text)]
    return [
        f"It mentions “{phrase}”: check it is not asking people for money or moving them off the portal"
        for phrase in found
    ]


def _pay_stated(listing: Any) -> bool:
    if listing.pay_kind == "band":
        return bool(listing.pay_band)
    if listing.pay_kind == "salary":
        return bool(listing.salary_min and listing.salary_max)
    return listing.pay_kind == "apprentice-wage"


def _essential_checks(listing: Any, today: date) -> list[str]:
    messages = []
    if not listing.places:
        messages.append("It does not say how many places there are")
    if len(listing.description or "") < SHORT_DESCRIPTION:
        messages.append(f"The description is short (under {SHORT_DESCRIPTION} characters)")
    if not listing.stages:
        messages.append("It does not say which stages it suits")
    if listing.type in EMPLOYMENT_TYPES and not _pay_stated(listing):
        kind = OPPORTUNITY_TYPES.get(listing.type, listing.type).lower()
        messages.append(f"The pay is not stated, and a {kind} must be paid")
    if listing.closes_on and (listing.closes_on - today).days < SOON_DAYS:
        messages.append(f"It closes in under {SOON_DAYS} days")
    return messages


def _link_checks(listing: Any, website: str | None) -> list[str]:
    apply_host, site_host = _host(listing.apply_url), _host(website)
    if listing.apply_kind != "external" or not apply_host or not site_host:
        return []
    if apply_host == site_host or apply_host.endswith(f".{site_host}"):
        return []
    return [f"The link to apply goes to {apply_host}, not the organisation's website ({site_host})"]


def automatic_checks(opportunity: Opportunity, today: date | None = None) -> list[str]:
    """Plain-words warnings about the version under review; empty when nothing stands out."""
    listing = _under_review(opportunity)
    today = today or date.today()
    return [
        *_phrase_checks(listing),
        *_essential_checks(listing, today),
        *_link_checks(listing, opportunity.organisation.website),
    ]


def find_listing(opportunity_id: int) -> Opportunity | None:
    """Any organisation's listing, for a moderator, or None."""
    return db.session.get(Opportunity, opportunity_id)


def find_report(report_id: int) -> ListingReport | None:
    """One public report, or None."""
    return db.session.get(ListingReport, report_id)


def open_reports() -> list[ListingReport]:
    """Reports from the public not yet dealt with, oldest first."""
    statement = select(ListingReport).where(ListingReport.resolved_at.is_(None))
    return list(db.session.scalars(statement.order_by(ListingReport.created_at, ListingReport.id)))


def reports_for(opportunity: Opportunity) -> list[ListingReport]:
    """Every report about one listing, open ones first, then newest."""
    statement = select(ListingReport).where(ListingReport.opportunity_id == opportunity.id)
    reports = db.session.scalars(statement.order_by(ListingReport.created_at.desc(), ListingReport.id.desc()))
    return sorted(reports, key=lambda report: report.resolved_at is not None)


def resolve_report(report: ListingReport, moderator: User, outcome: str) -> ListingReport:
    """Mark a report dealt with, saying how, and write that to the audit log."""
    if outcome not in REPORT_OUTCOMES:
        raise ValueError("Choose what happened about the report")
    if report.resolved_at is not None:
        raise ValueError("This report has already been dealt with")
    report.resolved_at = datetime.now(UTC)
    report.resolved_by_id = moderator.id
    report.outcome = outcome
    record_audit(
        moderator,
        "report-resolved",
        "listing_report",
        report.id,
        outcome,
        {"outcome": None},
        {"outcome": outcome},
    )
    return report


def reason_words(event: OpportunityEvent) -> str | None:
    """The reason given for an event, the listed wording first, then any explanation."""
    # Only "other" is shared between the lists, and its label adds nothing to the explanation.
    reasons = {**CLOSE_REASONS, **REJECTION_REASONS, **REFERRAL_REASONS}
    label = reasons.get(event.reason_code or "") if event.reason_code != "other" else None
    parts = [part for part in (label, event.reason_text) if part]
    return ". ".join(parts) or None


def history(opportunity: Opportunity) -> list[HistoryEntry]:
    """The listing's events, oldest first, with who acted and why."""
    ids = {event.actor_id for event in opportunity.events if event.actor_id}
    people = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    entries = []
    for event in opportunity.events:
        person = people.get(event.actor_id or 0)
        entries.append(
            HistoryEntry(
                at=event.at,
                action=event.action,
                actor_name=person.name if person else None,
                by_moderator=bool(person and person.is_admin and person.membership is None),
                reason=reason_words(event),
            )
        )
    return entries


def decide(
    opportunity: Opportunity, moderator: User, decision: str, code: str | None, text: str | None
) -> Opportunity:
    """Approve, refer back or reject; LifecycleError says why the decision cannot be made."""
    if decision == "approve":
        return approve(opportunity, moderator)
    if decision == "refer-back":
        return refer_back(opportunity, moderator, code or "", text)
    if decision == "reject":
        return reject(opportunity, moderator, code or "", text)
    raise ValueError(f"Unknown decision {decision!r}")


def owner_addresses(opportunity: Opportunity) -> list[str]:
    """The email addresses of the owners of the organisation that posted the listing."""
    return [m.user.email for m in opportunity.organisation.memberships if m.role == OWNER]


def tell_owners(opportunity: Opportunity, subject: str, text: str) -> int:
    """Queue one message to each owner of the listing's organisation; how many were queued."""
    addresses = owner_addresses(opportunity)
    for address in addresses:
        queue_message(address, subject, text)
    return len(addresses)
