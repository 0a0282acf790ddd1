"""Expressions of interest: a candidate's short message to the organisation behind one listing.

The rules live here. Minimum ages are enforced from the candidate's age band (never a date of
birth). One candidate has at most one expression per listing, so a second submission finds the
first. Organisations see only what the candidate sent: the message, and the email address only
when the candidate chose to share it; the ``InterestSeen`` shape carries nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Candidate, ExpressionOfInterest, Opportunity
from portal.models.candidates import AGE_BANDS, BAND_AGES, INTEREST_STATUSES, MESSAGE_MAX, NEW
from portal.services.opportunity_search import is_open
from portal.services.saved_items import insert_once, touch
from portal.services.tallies import EXPRESSION_OF_INTEREST, add_to_tally

# The youngest age each kind of listing is ever open to, whatever the listing itself says.
DEFAULT_MINIMUM_AGES = {"job": 16, "apprenticeship": 16, "placement": 16, "training-post": 18}
# Listings whose organisation takes applications through the portal (the others link to their own site).
PORTAL = "portal"
CLOSED_PROBLEM = "This opportunity has closed, so it is no longer taking expressions of interest."


class InterestError(ValueError):
    """An expression of interest that the rules do not allow, in words to show the candidate."""


def minimum_age(opportunity: Opportunity) -> int | None:
    """The youngest age the listing is open to: its own minimum or its type's, whichever is higher."""
    ages = [age for age in (opportunity.minimum_age, DEFAULT_MINIMUM_AGES.get(opportunity.type)) if age]
    return max(ages) if ages else None


def age_problem(age_band: str, opportunity: Opportunity) -> str | None:
    """Why someone in ``age_band`` cannot express interest in the listing, in plain words, or None."""
    least = minimum_age(opportunity)
    oldest = BAND_AGES[age_band][1]
    if least is None or oldest is None or oldest >= least:
        return None
    band = AGE_BANDS[age_band].lower()
    return (
        f"This {opportunity.type_label.lower()} is for people aged {least} or over, and your account "
        f"says you are {band}, so you cannot express interest in it yet. "
        "Events and work experience are often open to younger people: look for ones that welcome your age."
    )


def age_to_confirm(age_band: str, opportunity: Opportunity) -> int | None:
    """The age to ask the candidate to confirm ("I am 14 or older") when their band straddles the minimum."""
    least = minimum_age(opportunity)
    youngest, oldest = BAND_AGES[age_band]
    if least is None or youngest >= least or (oldest is not None and oldest < least):
        return None
    return least


def interest_problem(candidate: Candidate, opportunity: Opportunity) -> str | None:
    """Why the candidate cannot express interest in the listing now, in plain words; None if they can."""
    if not is_open(opportunity):
        return CLOSED_PROBLEM
    if opportunity.is_demo:
        return "This is a demonstration listing, so there is nothing to express interest in."
    if opportunity.apply_kind != PORTAL:
        return (
            f"{opportunity.organisation.name} takes applications for this on its own website, "
            "not through this portal. The listing links to it."
        )
    return age_problem(candidate.age_band, opportunity)


def interest_in(candidate: Candidate, opportunity_id: int) -> ExpressionOfInterest | None:
    """The candidate's expression of interest in a listing, if they made one."""
    return db.session.scalar(
        select(ExpressionOfInterest).where(
            ExpressionOfInterest.candidate_id == candidate.id,
            ExpressionOfInterest.opportunity_id == opportunity_id,
        )
    )


def candidates_own_interest(candidate: Candidate, interest_id: int) -> ExpressionOfInterest | None:
    """One of the candidate's own expressions of interest; someone else's is None."""
    interest = db.session.get(ExpressionOfInterest, interest_id)
    if interest is None or interest.candidate_id != candidate.id:
        return None
    return interest


def express_interest(
    candidate: Candidate,
    opportunity: Opportunity,
    message: str,
    share_email: bool,
    age_confirmed: bool = False,
) -> tuple[ExpressionOfInterest, bool]:
    """Send the candidate's interest in ``opportunity``: (the expression kept, whether it is new).

    A second submission returns the first without changing it. Raises ``InterestError`` when the
    listing has closed, the candidate is too young, or their age needed confirming and was not.
    """
    existing = interest_in(candidate, opportunity.id)
    if existing is not None:
        return existing, False
    problem = interest_problem(candidate, opportunity)
    if problem is None and age_to_confirm(candidate.age_band, opportunity) and not age_confirmed:
        problem = "Confirm that you are old enough for this opportunity."
    message = message.strip()
    if problem is None and not 1 <= len(message) <= MESSAGE_MAX:
        problem = f"Your message must be between 1 and {MESSAGE_MAX:,} characters."
    if problem is not None:
        raise InterestError(problem)
    touch(candidate)
    row = ExpressionOfInterest(
        candidate_id=candidate.id,
        opportunity_id=opportunity.id,
        message=message,
        share_email=share_email,
        status=NEW,
        created_at=datetime.now(UTC),
    )
    interest, created = insert_once(row, lambda: interest_in(candidate, opportunity.id))
    if created:
        add_to_tally(EXPRESSION_OF_INTEREST, str(opportunity.id))
    return interest, created


def withdraw_interest(candidate: Candidate, interest: ExpressionOfInterest) -> None:
    """Delete the expression of interest: the organisation no longer sees it (the anonymous count stays)."""
    if interest.candidate_id != candidate.id:
        raise InterestError("That is not your expression of interest.")
    touch(candidate)
    db.session.delete(interest)
    db.session.flush()


@dataclass(frozen=True)
class InterestSeen:
    """An expression of interest as its organisation sees it: what was sent, and nothing else."""

    id: int
    opportunity_id: int
    listing_title: str
    sent_at: datetime
    message: str
    status: str
    status_changed_at: datetime | None
    # None unless the candidate chose to share it.
    email: str | None

    @property
    def reference(self) -> str:
        """A number to talk about it by, which says nothing about the person."""
        return f"EOI-{self.id:06d}"

    @property
    def status_label(self) -> str:
        """The status as people say it."""
        return INTEREST_STATUSES.get(self.status, self.status)


def _seen(interest: ExpressionOfInterest) -> InterestSeen:
    return InterestSeen(
        id=interest.id,
        opportunity_id=interest.opportunity_id,
        listing_title=interest.opportunity.title,
        sent_at=interest.created_at,
        message=interest.message,
        status=interest.status,
        status_changed_at=interest.status_changed_at,
        email=interest.candidate.email if interest.share_email else None,
    )


def _organisations_interest(organisation_id: int) -> Select[tuple[ExpressionOfInterest]]:
    return (
        select(ExpressionOfInterest)
        .join(Opportunity, Opportunity.id == ExpressionOfInterest.opportunity_id)
        .where(Opportunity.organisation_id == organisation_id)
    )


def interests_for_organisation(
    organisation_id: int, opportunity_id: int | None = None, status: str | None = None
) -> list[InterestSeen]:
    """The expressions of interest in an organisation's listings, newest first, optionally filtered."""
    statement = _organisations_interest(organisation_id).options(joinedload(ExpressionOfInterest.opportunity))
    if opportunity_id is not None:
        statement = statement.where(ExpressionOfInterest.opportunity_id == opportunity_id)
    if status is not None:
        statement = statement.where(ExpressionOfInterest.status == status)
    statement = statement.order_by(ExpressionOfInterest.created_at.desc(), ExpressionOfInterest.id.desc())
    return [_seen(interest) for interest in db.session.scalars(statement)]


def organisations_interest(organisation_id: int, interest_id: int) -> ExpressionOfInterest | None:
    """One expression of interest in the organisation's listings; another organisation's is None."""
    return db.session.scalar(
        _organisations_interest(organisation_id).where(ExpressionOfInterest.id == interest_id)
    )


def seen_by_organisation(interest: ExpressionOfInterest) -> InterestSeen:
    """What the organisation may see of an expression of interest."""
    return _seen(interest)


def listings_with_interest(organisation_id: int) -> list[tuple[int, str]]:
    """(id, title) of each of the organisation's listings that has expressions of interest, by title."""
    statement = (
        select(Opportunity.id, Opportunity.title)
        .join(ExpressionOfInterest, ExpressionOfInterest.opportunity_id == Opportunity.id)
        .where(Opportunity.organisation_id == organisation_id)
        .group_by(Opportunity.id, Opportunity.title)
        .order_by(Opportunity.title, Opportunity.id)
    )
    return [(row.id, row.title) for row in db.session.execute(statement)]


def new_interest_count(organisation_id: int) -> int:
    """How many expressions of interest in the organisation's listings nobody has looked at yet."""
    statement = (
        select(func.count())
        .select_from(ExpressionOfInterest)
        .join(Opportunity, Opportunity.id == ExpressionOfInterest.opportunity_id)
        .where(Opportunity.organisation_id == organisation_id, ExpressionOfInterest.status == NEW)
    )
    return db.session.scalar(statement) or 0


def set_status(interest: ExpressionOfInterest, status: str) -> bool:
    """Set where the organisation has got to; the candidate sees it. False when it was already that."""
    if status not in INTEREST_STATUSES:
        raise InterestError("Choose a status from the list.")
    if interest.status == status:
        return False
    interest.status = status
    interest.status_changed_at = datetime.now(UTC)
    db.session.flush()
    return True
