"""Demonstration data: invented organisations and live listings, the same for the same seed.

``seed_demo`` refuses to touch a database that holds any real (non-demo) organisation. Run again,
it replaces the previous demonstration data (every row marked ``is_demo``) rather than adding to it,
so a second run with the same seed leaves the same listings. Each listing is built as a person would
type it and passes through ``check_listing``, the one set of listing rules; the listings are then
stored in bulk (each with its areas, search text and a "seeded" history event), since 3,000 trips
through the review lifecycle would slow down ``make run`` and need an author account.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import (
    AlertDelivery,
    AnonymousTally,
    ClassCode,
    ClassResponse,
    ExpressionOfInterest,
    ListingReport,
    Opportunity,
    OpportunityArea,
    OpportunityEvent,
    Organisation,
    SavedListing,
    ServiceArea,
)
from portal.models.opportunities import LIVE
from portal.models.organisations import APPROVED
from portal.services import demo_data as words
from portal.services.demo_interest import WEEKS, seed_demo_tallies
from portal.services.demo_listings import DemoHome, ListingMaker, slug
from portal.services.listings import ListingData, check_listing
from portal.services.opportunities import _search_text  # one definition of what a keyword search reads
from portal.services.places import Place, find_place, gazetteer

NEARBY_KM = 25
NEARBY_TOWNS = 12
MIN_TOWN_POPULATION = 3000
BATCH = 500


class DemoRefusedError(RuntimeError):
    """The database holds real organisations, so demonstration data must not be mixed in."""


@dataclass
class DemoReport:
    """What ``seed_demo`` made (and what it replaced)."""

    organisations: int = 0
    opportunities: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    regions: list[str] = field(default_factory=list)
    replaced_organisations: int = 0
    replaced_opportunities: int = 0
    tallies: int = 0

    def lines(self) -> list[str]:
        """The report as lines for the command line."""
        types = ", ".join(f"{count} {kind}" for kind, count in sorted(self.by_type.items()))
        lines = []
        if self.replaced_organisations:
            lines.append(
                f"Replaced the previous demonstration data ({self.replaced_organisations} organisations, "
                f"{self.replaced_opportunities} listings)."
            )
        lines.append(f"Demonstration organisations: {self.organisations} in {', '.join(self.regions)}.")
        lines.append(f"Demonstration listings (live): {self.opportunities}: {types}.")
        lines.append(f"Demonstration interest: {self.tallies} anonymous weekly counts.")
        return lines


def real_organisation_count() -> int:
    """How many organisations are not demonstration data."""
    return db.session.scalar(select(func.count()).select_from(Organisation).where(~Organisation.is_demo))


def organisation_count() -> int:
    """How many organisations there are, demonstration or real."""
    return db.session.scalar(select(func.count()).select_from(Organisation))


def remove_demo() -> tuple[int, int]:
    """Delete every demonstration organisation and listing; returns how many of each went.

    What real people did with demonstration listings (saved them, expressed interest, were sent
    them in an alert) goes with them: those listings never existed. So do the made-up tallies.
    """
    ids = select(Opportunity.id).where(Opportunity.is_demo)
    listings = db.session.scalar(select(func.count()).select_from(Opportunity).where(Opportunity.is_demo))
    for model in (
        OpportunityEvent,
        OpportunityArea,
        ListingReport,
        SavedListing,
        ExpressionOfInterest,
        AlertDelivery,
    ):
        db.session.execute(delete(model).where(model.opportunity_id.in_(ids)))
    demo_codes = select(ClassCode.id).join(Organisation).where(Organisation.is_demo)
    db.session.execute(delete(ClassResponse).where(ClassResponse.class_code_id.in_(demo_codes)))
    db.session.execute(delete(ClassCode).where(ClassCode.id.in_(demo_codes)))
    db.session.execute(delete(Opportunity).where(Opportunity.is_demo))
    db.session.execute(delete(AnonymousTally).where(AnonymousTally.is_demo))
    organisations = db.session.execute(delete(Organisation).where(Organisation.is_demo)).rowcount
    db.session.expire_all()
    return organisations, listings


def seed_demo(seed: int = 1, opportunities: int = 3000, today: date | None = None) -> DemoReport:
    """Replace the demonstration data with ``opportunities`` live listings made from ``seed``."""
    if real_organisation_count():
        raise DemoRefusedError(
            "This database holds real organisations: demonstration data is only for an empty "
            "database (or one holding demonstration data alone)."
        )
    if opportunities < 0:
        raise ValueError("The number of listings cannot be negative")
    today = today or datetime.now(UTC).date()
    report = DemoReport()
    report.replaced_organisations, report.replaced_opportunities = remove_demo()
    homes = _create_organisations()
    report.organisations = len(homes)
    report.regions = sorted({home.organisation.region or "" for home in homes})
    areas = dict(
        db.session.execute(select(ServiceArea.slug, ServiceArea.name).order_by(ServiceArea.slug)).all()
    )
    # A seeded generator makes the same data every time; nothing here is secret.
    maker = ListingMaker(random.Random(seed), today, areas, homes)  # nosec B311
    # Its own generator, so spreading the go-live dates leaves the listings a seed makes as they were.
    spread = random.Random(seed)  # nosec B311
    batch: list[Opportunity] = []
    for number in range(opportunities):
        home, values = maker.listing(number)
        data, problems = check_listing(values, today)
        if data is None:
            raise RuntimeError(f"demonstration listing {number} breaks the listing rules: {problems}")
        # Spread over the weeks the made-up interest covers, so the weekly trend has a shape.
        went_live = datetime.now(UTC) - timedelta(days=spread.randrange(WEEKS * 7))
        batch.append(_opportunity(home.organisation, data, areas, went_live))
        report.by_type[data.type] += 1
        if len(batch) == BATCH:
            _store(batch)
    _store(batch)
    report.opportunities = opportunities
    first_areas = db.session.execute(
        select(OpportunityArea.opportunity_id, OpportunityArea.service_area_slug)
        .join(Opportunity)
        .where(Opportunity.is_demo, OpportunityArea.position == 0)
    ).all()
    report.tallies = seed_demo_tallies(random.Random(seed), today, sorted(areas), first_areas)  # nosec B311
    return report


def _create_organisations() -> list[DemoHome]:
    now = datetime.now(UTC)
    homes = []
    for spec in words.ORGANISATIONS:
        place = find_place(spec.town)
        organisation = Organisation(
            name=spec.name,
            kind=spec.kind,
            town=place.name,
            region=place.region or place.nation,
            website=f"https://example.org/demo/{slug(spec.name)}",
            status=APPROVED,
            trusted=True,
            is_demo=True,
            created_at=now,
            approved_at=now,
        )
        db.session.add(organisation)
        homes.append(DemoHome(organisation, spec, place, _nearby_towns(place)))
    db.session.flush()
    return homes


def _nearby_towns(place: Place) -> tuple[str, ...]:
    """Labels of towns near ``place`` that the gazetteer reads back as exactly that town."""
    towns = [place.label]
    for town, _ in gazetteer().nearest(place, limit=NEARBY_TOWNS, within_km=NEARBY_KM):
        if town.population < MIN_TOWN_POPULATION or town.label in towns:
            continue
        try:
            found = find_place(town.label)
        except ValueError:
            continue
        if (found.lat, found.lon) == (town.lat, town.lon):
            towns.append(town.label)
    return tuple(towns)


def _opportunity(
    organisation: Organisation, data: ListingData, areas: dict[str, str], went_live: datetime
) -> Opportunity:
    opportunity = Opportunity(
        organisation=organisation,
        status=LIVE,
        is_demo=True,
        created_at=went_live,
        updated_at=went_live,
        live_since=went_live,
        **data.column_values(),
    )
    opportunity.areas = [
        OpportunityArea(service_area_slug=slug, position=position)
        for position, slug in enumerate(data.service_areas)
    ]
    opportunity.search_text = _search_text(opportunity, organisation, [areas[s] for s in data.service_areas])
    opportunity.events = [OpportunityEvent(at=went_live, action="seeded", from_status=None, to_status=LIVE)]
    return opportunity


def _store(batch: list[Opportunity]) -> None:
    db.session.add_all(batch)
    db.session.flush()
    batch.clear()
