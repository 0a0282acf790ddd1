"""What a candidate keeps in their account: saved service areas and listings, and interest in an area.

Saving twice keeps one row (a double click, the back button, two tabs). Registering interest in
an area adds one to the anonymous weekly tally only when the person has chosen to be counted, and
never for 13 to 15 year olds; the tally stays when the interest, or the account, is removed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import AreaInterest, Candidate, Opportunity, SavedArea, SavedListing, ServiceArea
from portal.services.tallies import AREA_INTEREST, add_to_tally

Row = TypeVar("Row", SavedArea, SavedListing, AreaInterest)


def _now() -> datetime:
    return datetime.now(UTC)


def touch(candidate: Candidate) -> None:
    """Changing anything counts as activity, which keeps the account from the inactivity purge."""
    candidate.last_active_at = _now()


def insert_once(row: Row, find_existing: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Add ``row`` unless another request got there first: (the row kept, whether it is new).

    The insert runs in a savepoint, so losing the race to a unique key rolls back only the insert,
    not the rest of the request's transaction.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return row, True


def saved_area(candidate: Candidate, slug: str) -> SavedArea | None:
    """The candidate's saved copy of an area, if they saved it."""
    return db.session.get(SavedArea, (candidate.id, slug))


def save_area(candidate: Candidate, area: ServiceArea) -> tuple[SavedArea, bool]:
    """Save ``area`` to the account; (the saved row, whether it was saved just now)."""
    existing = saved_area(candidate, area.slug)
    if existing is not None:
        return existing, False
    touch(candidate)
    row = SavedArea(candidate_id=candidate.id, service_area_slug=area.slug, created_at=_now())
    return insert_once(row, lambda: saved_area(candidate, area.slug))


def unsave_area(candidate: Candidate, slug: str) -> bool:
    """Take an area out of the account; False when it was not saved."""
    row = saved_area(candidate, slug)
    if row is None:
        return False
    touch(candidate)
    db.session.delete(row)
    db.session.flush()
    return True


def saved_listing(candidate: Candidate, opportunity_id: int) -> SavedListing | None:
    """The candidate's saved copy of a listing, if they saved it."""
    return db.session.get(SavedListing, (candidate.id, opportunity_id))


def save_listing(candidate: Candidate, opportunity: Opportunity) -> tuple[SavedListing, bool]:
    """Save ``opportunity`` to the account; (the saved row, whether it was saved just now)."""
    existing = saved_listing(candidate, opportunity.id)
    if existing is not None:
        return existing, False
    touch(candidate)
    row = SavedListing(candidate_id=candidate.id, opportunity_id=opportunity.id, created_at=_now())
    return insert_once(row, lambda: saved_listing(candidate, opportunity.id))


def unsave_listing(candidate: Candidate, opportunity_id: int) -> bool:
    """Take a listing out of the account; False when it was not saved."""
    row = saved_listing(candidate, opportunity_id)
    if row is None:
        return False
    touch(candidate)
    db.session.delete(row)
    db.session.flush()
    return True


def interest_is_counted(candidate: Candidate) -> bool:
    """Whether the candidate's interest in areas goes into the anonymous workforce figures."""
    return candidate.count_interest_in_figures and not candidate.is_young


def area_interest(candidate: Candidate, slug: str) -> AreaInterest | None:
    """The candidate's registered interest in an area, if any."""
    return db.session.get(AreaInterest, (candidate.id, slug))


def register_area_interest(candidate: Candidate, area: ServiceArea) -> tuple[AreaInterest, bool]:
    """Register interest in ``area``: counted once, anonymously, only for those who chose to be counted."""
    existing = area_interest(candidate, area.slug)
    if existing is not None:
        return existing, False
    touch(candidate)
    row = AreaInterest(candidate_id=candidate.id, service_area_slug=area.slug, created_at=_now())
    row, created = insert_once(row, lambda: area_interest(candidate, area.slug))
    if created and interest_is_counted(candidate):
        add_to_tally(AREA_INTEREST, area.slug)
    return row, created


def remove_area_interest(candidate: Candidate, slug: str) -> bool:
    """Remove registered interest; any anonymous count already made stays. False when there was none."""
    row = area_interest(candidate, slug)
    if row is None:
        return False
    touch(candidate)
    db.session.delete(row)
    db.session.flush()
    return True
