"""The smallest cells the workforce figures are built from, and the rule that withholds small ones.

Counts of people (interest registered in an area, expressions of interest in listings, and the
areas Find your fit suggested and people opened) are kept per kind, service area, week and, for
expressions of interest, region. A cell counting 1 to 4 is withheld: it leaves this module as
``None`` and its value never reaches a figure. Every published number (a row, a total, a week, a
ranking, under any filter) is a sum of cells that were themselves published, so no subtraction of
one published number from another can bring a withheld count back.

A listing counts in its first (most relevant) service area only, so areas add up to divisions and
divisions to the whole without counting one listing, or one person's interest in it, twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AnonymousTally, Opportunity, OpportunityArea, Organisation, ServiceArea
from portal.models.opportunities import LIVE
from portal.services.places.regions import (
    EAST,
    LONDON,
    MIDLANDS,
    NE_YORKS,
    NORTH_WEST,
    SOUTH_EAST,
    SOUTH_WEST,
)
from portal.services.service_areas import slugify
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED, week_start

# The smallest count of people that is published; 1 to 4 are withheld (0 is published: nobody).
SMALLEST_PUBLISHED = 5
PEOPLE_KINDS = (AREA_INTEREST, EXPRESSION_OF_INTEREST, SUGGESTED, OPENED)
# Kinds that say nothing about where a person is: they are never broken down by region.
KINDS_WITHOUT_REGION = (AREA_INTEREST, SUGGESTED, OPENED)
NOT_KNOWN = "Not known"
# NHS England's seven regions, then the devolved nations; "England" alone is a town in a county
# that two regions share, and listings with no place at all (online) fall back to their organisation's.
REGIONS = (
    NE_YORKS,
    NORTH_WEST,
    MIDLANDS,
    EAST,
    LONDON,
    SOUTH_EAST,
    SOUTH_WEST,
    "Scotland",
    "Wales",
    "Northern Ireland",
    NOT_KNOWN,
)
REGION_SLUGS = {slugify(name): name for name in REGIONS}
# Events are not places; a listing that does not say how many places it has counts as one.
TYPES_WITHOUT_PLACES = frozenset({"event"})
LONGEST_PERIOD_WEEKS = 52


def published(count: int) -> int | None:
    """``count`` as it may be published: None when it is 1 to 4 people."""
    return None if 0 < count < SMALLEST_PUBLISHED else count


def region_of(opportunity_region: str | None, organisation_region: str | None) -> str:
    """One of REGIONS for a listing: its own place's region, else its organisation's, else not known."""
    for region in (opportunity_region, organisation_region):
        if region in REGIONS:
            return region
    return NOT_KNOWN


@dataclass(frozen=True)
class PeopleCell:
    """Where one published count of people belongs. ``region`` is None for kinds without a region.

    Made-up counts are a cell of their own: added to a real count before withholding, a real 2
    beside a demonstration 3 would publish 5, and anyone who reruns the seed knows the 3.
    """

    kind: str
    area: str
    week: date
    region: str | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class Listing:
    """One listing as the figures see it: no title, no text, nothing about who posted it."""

    area: str
    region: str
    type: str
    level: str
    places: int
    live_now: bool
    went_live_week: date | None


@dataclass(frozen=True)
class Area:
    """A service area's name and division, for labelling rows."""

    slug: str
    name: str
    division: str


@dataclass(frozen=True)
class Cells:
    """Everything the figures may use: published people cells (None = withheld) and the listings."""

    this_week: date
    people: Mapping[PeopleCell, int | None]
    listings: tuple[Listing, ...]
    areas: Mapping[str, Area]
    includes_demo: bool


def _week(at: datetime) -> date:
    return week_start(at if at.tzinfo else at.replace(tzinfo=UTC)).date()


def _all_listings(today: date) -> dict[int, Listing]:
    """Every listing by id, live or not: interest in a listing that has closed still counts."""
    first_area = (
        select(OpportunityArea.opportunity_id, func.min(OpportunityArea.position).label("position"))
        .group_by(OpportunityArea.opportunity_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Opportunity.id,
            OpportunityArea.service_area_slug,
            Opportunity.region,
            Organisation.region,
            Opportunity.type,
            Opportunity.level,
            Opportunity.places,
            Opportunity.status,
            Opportunity.closes_on,
            Opportunity.live_since,
        )
        .join(Organisation, Organisation.id == Opportunity.organisation_id)
        .join(OpportunityArea, OpportunityArea.opportunity_id == Opportunity.id)
        .join(
            first_area,
            (first_area.c.opportunity_id == OpportunityArea.opportunity_id)
            & (first_area.c.position == OpportunityArea.position),
        )
    )
    return {
        listing_id: Listing(
            area=area,
            region=region_of(own_region, home_region),
            type=kind,
            level=level,
            places=0 if kind in TYPES_WITHOUT_PLACES else (places or 1),
            live_now=status == LIVE and closes_on >= today,
            went_live_week=_week(live_since) if live_since else None,
        )
        for (
            listing_id,
            area,
            own_region,
            home_region,
            kind,
            level,
            places,
            status,
            closes_on,
            live_since,
        ) in rows
    }


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _raw_people(first_week: date, this_week: date, listings: Mapping[int, Listing]) -> dict[PeopleCell, int]:
    """Counts of people per cell, from the first week to this one (a tally dated later is left out)."""
    raw: dict[PeopleCell, int] = defaultdict(int)
    rows = db.session.execute(
        select(
            AnonymousTally.kind,
            AnonymousTally.subject,
            AnonymousTally.week_start,
            AnonymousTally.count,
            AnonymousTally.is_demo,
        ).where(
            AnonymousTally.kind.in_(PEOPLE_KINDS),
            AnonymousTally.week_start >= _midnight(first_week),
            AnonymousTally.week_start < _midnight(this_week + timedelta(weeks=1)),
        )
    )
    monday: dict[datetime, date] = {}  # a few dozen distinct weeks among thousands of rows
    for kind, subject, stored_week, count, is_demo in rows:
        week = monday.get(stored_week) or monday.setdefault(stored_week, _week(stored_week))
        if kind == EXPRESSION_OF_INTEREST:
            listing = listings.get(int(subject)) if subject.isdigit() else None
            if listing is None:
                continue  # the listing has gone (demonstration listings are removed with their tallies)
            raw[PeopleCell(kind, listing.area, week, listing.region, is_demo)] += count
        else:
            raw[PeopleCell(kind, subject, week, None, is_demo)] += count
    return raw


def load_cells(today: date | None = None) -> Cells:
    """Read the tallies and listings, withholding every small count before anything else sees it."""
    today = today or datetime.now(UTC).date()
    this_week = today - timedelta(days=today.weekday())
    since = this_week - timedelta(weeks=LONGEST_PERIOD_WEEKS - 1)
    listings = _all_listings(today)
    raw = _raw_people(since, this_week, listings)
    areas = {
        slug: Area(slug, name, division)
        for slug, name, division in db.session.execute(
            select(ServiceArea.slug, ServiceArea.name, ServiceArea.division)
        )
    }
    includes_demo = bool(
        db.session.scalar(select(func.count()).select_from(AnonymousTally).where(AnonymousTally.is_demo))
        or db.session.scalar(select(func.count()).select_from(Opportunity).where(Opportunity.is_demo))
    )
    return Cells(
        this_week=this_week,
        people={cell: published(count) for cell, count in raw.items() if cell.area in areas},
        # Drafts and listings never approved are not offers: only those that have been live count.
        listings=tuple(
            listing for listing in listings.values() if listing.went_live_week and listing.area in areas
        ),
        areas=areas,
        includes_demo=includes_demo,
    )


@dataclass
class _Kept:
    """This worker's last cells, with when they were loaded (a cache any worker can rebuild)."""

    at: float = 0.0
    cells: Cells | None = None


_kept = _Kept()


def current_cells(lifetime: float) -> Cells:
    """The cells as of at most ``lifetime`` seconds ago (WORKFORCE_CACHE_SECONDS): the same for everyone."""
    today = datetime.now(UTC).date()
    fresh = _kept.cells is not None and time.monotonic() - _kept.at <= lifetime
    if lifetime <= 0 or not fresh or _kept.cells.this_week != today - timedelta(days=today.weekday()):
        _kept.cells, _kept.at = load_cells(today), time.monotonic()
    return _kept.cells
