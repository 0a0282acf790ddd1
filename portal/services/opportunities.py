"""A listing's life: draft, submitted, live, referred back, rejected, closed, and every step recorded.

Only ``live`` listings are public. Editing a live listing keeps the approved version up and sends
the change to review (``pending_changes``). A trusted, approved organisation's listings and changes
skip review. Nothing is deleted: each change of state adds an ``OpportunityEvent`` saying who, when
and why, and each moderator's decision is also written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import Opportunity, OpportunityArea, OpportunityEvent, Organisation, ServiceArea, User
from portal.models.opportunities import CLOSED, DRAFT, LIVE, REFERRED_BACK, REJECTED, SUBMITTED
from portal.models.organisations import APPROVED
from portal.services.audit import record_audit
from portal.services.listings import ListingData

EDITABLE = (DRAFT, REFERRED_BACK)
# Reasons a moderator can give, shown to the poster in these words beside any free text.
REFERRAL_REASONS = {
    "missing-details": "Some essential details are missing or unclear",
    "pay-unclear": "The pay is not stated clearly and honestly",
    "wrong-area": "The service areas or level do not match the description",
    "dates": "The dates do not make sense",
    "link": "The link to apply does not work or goes somewhere unexpected",
    "wording": "Some wording needs to change (for example, it could put people off unfairly)",
    "other": "Another reason, explained below",
}
REJECTION_REASONS = {
    "not-healthcare-science": "It is not a healthcare science opportunity",
    "not-genuine": "It does not look like a genuine opportunity",
    "charges-fee": "It asks people to pay to apply or take part",
    "discriminatory": "It is discriminatory or offensive",
    "duplicate": "It repeats a listing that is already up",
    "other": "Another reason, explained below",
}
CLOSE_REASONS = {
    "filled": "All places are filled",
    "withdrawn": "We withdrew it",
    "expired": "Its closing date passed",
}


class LifecycleError(ValueError):
    """The change asked for cannot happen to a listing in its current state; the message says why."""


def _now() -> datetime:
    return datetime.now(UTC)


def _search_text(opportunity: Opportunity, organisation: Organisation, area_names: Sequence[str]) -> str:
    parts = [
        opportunity.title,
        organisation.name,
        *area_names,
        opportunity.town or "",
        opportunity.site_name or "",
    ]
    if opportunity.online:
        parts.append("online")
    if opportunity.open_to_school_groups:
        # So that a keyword search for "school groups" finds them as the filter does.
        parts.append("open to school groups")
    return " ".join(parts).lower()


def _apply(opportunity: Opportunity, data: ListingData) -> None:
    for name, value in data.column_values().items():
        setattr(opportunity, name, value)
    opportunity.areas = [
        OpportunityArea(service_area_slug=slug, position=position)
        for position, slug in enumerate(data.service_areas)
    ]
    with db.session.no_autoflush:
        names = db.session.scalars(
            select(ServiceArea.name).where(ServiceArea.slug.in_(data.service_areas))
        ).all()
    opportunity.search_text = _search_text(opportunity, opportunity.organisation, names)
    opportunity.updated_at = _now()


def _record(
    opportunity: Opportunity,
    actor: User | None,
    action: str,
    to_status: str,
    reason_code: str | None = None,
    reason_text: str | None = None,
) -> OpportunityEvent:
    event = OpportunityEvent(
        at=_now(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        from_status=opportunity.status,
        to_status=to_status,
        reason_code=reason_code,
        reason_text=reason_text,
    )
    opportunity.events.append(event)
    opportunity.status = to_status
    return event


def skips_review(organisation: Organisation) -> bool:
    """Whether an organisation's listings go live without a moderator."""
    return organisation.trusted and organisation.status == APPROVED


def create_listing(
    organisation: Organisation, author: User, data: ListingData, is_demo: bool = False
) -> Opportunity:
    """A new draft listing for ``organisation``."""
    now = _now()
    opportunity = Opportunity(
        organisation=organisation,
        created_by_id=author.id,
        created_at=now,
        updated_at=now,
        status=DRAFT,
        is_demo=is_demo,
    )
    db.session.add(opportunity)
    _apply(opportunity, data)
    opportunity.events.append(
        OpportunityEvent(at=now, actor_id=author.id, action="created", from_status=None, to_status=DRAFT)
    )
    db.session.flush()
    return opportunity


def update_listing(opportunity: Opportunity, author: User, data: ListingData) -> Opportunity:
    """Change a listing: in place while it is a draft or referred back; through review while it is live."""
    if opportunity.status in EDITABLE:
        _apply(opportunity, data)
        _record(opportunity, author, "edited", opportunity.status)
    elif opportunity.status == LIVE:
        opportunity.pending_changes = _to_json(data)
        opportunity.pending_status = SUBMITTED
        _record(opportunity, author, "change-submitted", LIVE)
        if skips_review(opportunity.organisation):
            _apply_pending(opportunity, author, "change-published")
    else:
        raise LifecycleError(f"A {opportunity.status.replace('-', ' ')} listing cannot be edited")
    db.session.flush()
    return opportunity


def _to_json(data: ListingData) -> dict[str, Any]:
    values = {**data.column_values(), "service_areas": data.service_areas}
    for name in ("closes_on", "starts_on", "event_starts_at"):
        if values[name] is not None:
            values[name] = values[name].isoformat()
    return values


def pending_listing_data(opportunity: Opportunity) -> ListingData | None:
    """The change waiting for review, as listing data, or None."""
    if not opportunity.pending_changes:
        return None
    values = dict(opportunity.pending_changes)
    for name in ("closes_on", "starts_on"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    if values["event_starts_at"]:
        values["event_starts_at"] = datetime.fromisoformat(values["event_starts_at"])
    return ListingData(**values)


def _apply_pending(opportunity: Opportunity, moderator: User | None, action: str) -> None:
    data = pending_listing_data(opportunity)
    if data is not None:
        _apply(opportunity, data)
    opportunity.pending_changes = None
    opportunity.pending_status = None
    _record(opportunity, moderator, action, LIVE)


def submit_listing(opportunity: Opportunity, author: User) -> Opportunity:
    """Send a draft or referred-back listing to review (or straight live for a trusted organisation)."""
    if opportunity.status not in EDITABLE:
        raise LifecycleError("Only a draft or a listing referred back to you can be sent for review")
    if opportunity.closes_on < date.today():
        raise LifecycleError("The closing date has passed: change it before you send the listing")
    _record(opportunity, author, "submitted", SUBMITTED)
    if skips_review(opportunity.organisation):
        _go_live(opportunity, None, "published")
    db.session.flush()
    return opportunity


def _go_live(opportunity: Opportunity, moderator: User | None, action: str) -> None:
    _record(opportunity, moderator, action, LIVE)
    opportunity.live_since = opportunity.live_since or _now()


def _snapshot(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "status": opportunity.status,
        "pending_status": opportunity.pending_status,
        "title": opportunity.title,
    }


def _moderate(
    opportunity: Opportunity, moderator: User, action: str, reason: str | None, change
) -> Opportunity:
    before = _snapshot(opportunity)
    change()
    record_audit(moderator, action, "opportunity", opportunity.id, reason, before, _snapshot(opportunity))
    db.session.flush()
    return opportunity


def _reason_text(reasons: dict[str, str], code: str, text: str | None) -> str:
    if code not in reasons:
        raise LifecycleError("Choose a reason from the list")
    if code == "other" and not (text or "").strip():
        raise LifecycleError("Explain the reason: the poster needs to know what to change")
    return (text or "").strip()


def approve(opportunity: Opportunity, moderator: User) -> Opportunity:
    """Put a submitted listing live, or publish a live listing's submitted change."""
    if opportunity.organisation.status != APPROVED:
        raise LifecycleError("Approve the organisation first: nothing it posts can go live until then")
    if opportunity.status == SUBMITTED:
        return _moderate(
            opportunity,
            moderator,
            "listing-approved",
            None,
            lambda: _go_live(opportunity, moderator, "approved"),
        )
    if opportunity.status == LIVE and opportunity.pending_status == SUBMITTED:
        return _moderate(
            opportunity,
            moderator,
            "change-approved",
            None,
            lambda: _apply_pending(opportunity, moderator, "change-approved"),
        )
    raise LifecycleError("There is nothing waiting for review on this listing")


def refer_back(opportunity: Opportunity, moderator: User, code: str, text: str | None = None) -> Opportunity:
    """Return a submitted listing (or a live listing's change) to its poster with the reason."""
    detail = _reason_text(REFERRAL_REASONS, code, text)

    def change() -> None:
        if opportunity.status == SUBMITTED:
            _record(opportunity, moderator, "referred-back", REFERRED_BACK, code, detail)
        elif opportunity.status == LIVE and opportunity.pending_status == SUBMITTED:
            opportunity.pending_status = REFERRED_BACK
            _record(opportunity, moderator, "change-referred-back", LIVE, code, detail)
        else:
            raise LifecycleError("There is nothing waiting for review on this listing")

    return _moderate(opportunity, moderator, "listing-referred-back", f"{code}: {detail}", change)


def reject(opportunity: Opportunity, moderator: User, code: str, text: str | None = None) -> Opportunity:
    """Refuse a submitted listing for good, with the reason; a live one is closed instead."""
    detail = _reason_text(REJECTION_REASONS, code, text)

    def change() -> None:
        if opportunity.status not in (SUBMITTED, LIVE):
            raise LifecycleError("Only a submitted or live listing can be rejected")
        opportunity.pending_changes = None
        opportunity.pending_status = None
        _record(opportunity, moderator, "rejected", REJECTED, code, detail)

    return _moderate(opportunity, moderator, "listing-rejected", f"{code}: {detail}", change)


def close_listing(
    opportunity: Opportunity, actor: User | None, code: str, text: str | None = None
) -> Opportunity:
    """Take a live listing down (places filled, withdrawn, or its closing date passed)."""
    if code not in CLOSE_REASONS:
        raise LifecycleError("Choose why the listing is closing")
    if opportunity.status != LIVE:
        raise LifecycleError("Only a live listing can be closed")
    opportunity.pending_changes = None
    opportunity.pending_status = None
    _record(opportunity, actor, "closed", CLOSED, code, (text or "").strip() or None)
    db.session.flush()
    return opportunity


def close_expired(today: date | None = None) -> int:
    """Record the closing of every live listing whose closing date has passed; safe to run again."""
    today = today or date.today()
    expired = db.session.scalars(
        select(Opportunity).where(Opportunity.status == LIVE, Opportunity.closes_on < today)
    )
    count = 0
    for opportunity in expired:
        close_listing(opportunity, None, "expired")
        count += 1
    return count


def listings_for_organisation(organisation_id: int) -> list[Opportunity]:
    """Every listing an organisation has made, newest change first."""
    return list(
        db.session.scalars(
            select(Opportunity)
            .where(Opportunity.organisation_id == organisation_id)
            .order_by(Opportunity.updated_at.desc(), Opportunity.id.desc())
        )
    )


def listing_for_organisation(opportunity_id: int, organisation_id: int) -> Opportunity | None:
    """One of the organisation's own listings, or None (another organisation's listing is not theirs)."""
    opportunity = db.session.get(Opportunity, opportunity_id)
    if opportunity is None or opportunity.organisation_id != organisation_id:
        return None
    return opportunity


def latest_decision(opportunity: Opportunity) -> OpportunityEvent | None:
    """The last moderator's referral or rejection, which the poster must see and act on."""
    for event in reversed(opportunity.events):
        if event.action in ("referred-back", "change-referred-back", "rejected"):
            return event
    return None


def awaiting_review() -> list[Opportunity]:
    """Submitted listings and live listings with a submitted change, oldest first."""
    waiting = select(Opportunity).where(
        (Opportunity.status == SUBMITTED)
        | ((Opportunity.status == LIVE) & (Opportunity.pending_status == SUBMITTED))
    )
    return list(db.session.scalars(waiting.order_by(Opportunity.updated_at, Opportunity.id)))
