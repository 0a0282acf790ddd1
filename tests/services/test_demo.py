"""Demonstration data: deterministic, spread across the UK, every listing within the listing rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AnonymousTally, Opportunity, OpportunityEvent, Organisation, ServiceArea
from portal.models.opportunities import LIVE, OPPORTUNITY_TYPES
from portal.models.organisations import APPROVED, ORGANISATION_KINDS
from portal.services.demo import DemoRefusedError, remove_demo, seed_demo
from portal.services.demo_interest import WEEKS
from portal.services.listings import EMPLOYMENT_TYPES, LEVELS, PAY_BANDS, check_listing
from portal.services.places import NATIONS, NHS_ENGLAND_REGIONS, gazetteer
from portal.services.tallies import (
    AREA_INTEREST,
    EXPRESSION_OF_INTEREST,
    OPENED,
    SUGGESTED,
    add_to_tally,
    tally_total,
)
from tests.factories import make_organisation

YOUNG_STAGES = {"ks3", "gcse", "post16"}


def _listings() -> list[Opportunity]:
    return list(db.session.scalars(select(Opportunity).order_by(Opportunity.id)))


def _fingerprint() -> list[tuple]:
    return [(o.type, o.title, o.town, tuple(o.area_slugs), o.closes_on) for o in _listings()]


def test_the_same_seed_makes_the_same_data_and_replaces_the_last(db_session):
    first = seed_demo(seed=7, opportunities=150)
    before = _fingerprint()
    second = seed_demo(seed=7, opportunities=150)
    assert _fingerprint() == before
    assert len(before) == 150
    assert (second.replaced_organisations, second.replaced_opportunities) == (first.organisations, 150)
    assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == first.organisations


def test_a_different_seed_makes_different_data(db_session):
    seed_demo(seed=1, opportunities=100)
    one = _fingerprint()
    seed_demo(seed=2, opportunities=100)
    assert _fingerprint() != one


def test_organisations_cover_every_region_and_nation_and_kind(db_session):
    report = seed_demo(seed=1, opportunities=60)
    organisations = list(db.session.scalars(select(Organisation)))
    assert 35 <= report.organisations == len(organisations) <= 45
    assert {o.region for o in organisations} == set(NHS_ENGLAND_REGIONS) | (set(NATIONS) - {"England"})
    assert {o.kind for o in organisations} == set(ORGANISATION_KINDS)
    assert all(o.is_demo and o.status == APPROVED for o in organisations)
    assert len({o.name for o in organisations}) == len(organisations)
    listing_regions = {o.region for o in _listings() if o.region}
    assert set(NHS_ENGLAND_REGIONS) <= listing_regions
    assert {"Scotland", "Wales", "Northern Ireland"} <= listing_regions


def test_every_type_and_every_service_area_appears(db_session):
    seed_demo(seed=3, opportunities=400)
    listings = _listings()
    assert {o.type for o in listings} == set(OPPORTUNITY_TYPES)
    slugs = set(db.session.scalars(select(ServiceArea.slug)))
    assert len(slugs) == 172
    assert {slug for o in listings for slug in o.area_slugs} == slugs


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float


def opportunity_point(opportunity: Opportunity) -> _Point:
    """Where a listing is."""
    return _Point(opportunity.latitude, opportunity.longitude)


def _as_typed(opportunity: Opportunity) -> dict:
    """The stored listing as the form would post it again."""
    values = {name: getattr(opportunity, name) for name in ("title", "type", "level", "description")}
    values.update(
        service_areas=opportunity.area_slugs,
        stages=opportunity.stages,
        online="yes" if opportunity.online else "no",
        closes_on=opportunity.closes_on,
        starts_on=opportunity.starts_on,
        town=opportunity.town or "",
        site_name=opportunity.site_name or "",
        pay_kind=opportunity.pay_kind,
        pay_band=opportunity.pay_band or "",
        apply_kind=opportunity.apply_kind,
        apply_url=opportunity.apply_url,
        hours=opportunity.hours or "",
        places=str(opportunity.places or ""),
        minimum_age=str(opportunity.minimum_age or ""),
        apprenticeship_level=str(opportunity.apprenticeship_level or ""),
        apprenticeship_standard=opportunity.apprenticeship_standard or "",
    )
    if opportunity.town:
        # Towns are stored by name; a namesake ("Kingswood") needs its label to be found again.
        values["town"] = gazetteer().nearest(opportunity_point(opportunity), limit=1)[0][0].label
    if opportunity.event_starts_at:
        values["event_date"] = opportunity.event_starts_at.date()
        values["event_time"] = opportunity.event_starts_at.strftime("%H:%M")
    return values


def _check_consistency(o: Opportunity, today: date) -> None:
    assert o.is_demo and o.status == LIVE and o.level in LEVELS
    assert 1 <= (o.closes_on - today).days <= 120
    assert o.apply_kind == "external" and o.apply_url.startswith("https://example.org/")
    assert 1 <= len(o.area_slugs) <= 3
    assert [event.action for event in o.events] == ["seeded"]
    assert o.organisation.name.lower() in o.search_text
    if o.type in EMPLOYMENT_TYPES:
        assert o.minimum_age >= 16 and o.pay_kind != "unpaid"
    if o.type in ("job", "training-post"):
        assert o.pay_kind == "band" and o.pay_band in PAY_BANDS
    if o.type == "apprenticeship":
        assert 2 <= o.apprenticeship_level <= 7 and o.apprenticeship_standard
        assert o.pay_kind == "apprentice-wage"
    if o.type in ("work-experience", "event"):
        assert o.pay_kind == "unpaid" and o.level == "none" and o.minimum_age
        assert set(o.stages) & YOUNG_STAGES
    if o.type == "event":
        assert o.event_starts_at.date() >= o.closes_on
        assert o.online or o.town
    else:
        assert o.town and o.latitude is not None and not o.online


def test_every_listing_keeps_the_listing_rules(db_session):
    today = date.today()
    seed_demo(seed=5, opportunities=300, today=today)
    listings = _listings()
    for opportunity in listings:
        _check_consistency(opportunity, today)
    failures = []
    for opportunity in listings:
        _, problems = check_listing(_as_typed(opportunity), today)
        failures += [(opportunity.title, opportunity.town, p) for p in problems]
    assert not failures
    events = db.session.scalars(select(OpportunityEvent).where(OpportunityEvent.action == "seeded")).all()
    assert len(events) == 300


def test_refuses_when_a_real_organisation_is_present(db_session):
    make_organisation(name="A real trust")
    with pytest.raises(DemoRefusedError, match="real organisations"):
        seed_demo(seed=1, opportunities=10)
    assert db.session.scalar(select(db.func.count()).select_from(Opportunity)) == 0


def test_zero_listings_still_makes_the_organisations(db_session):
    report = seed_demo(seed=1, opportunities=0)
    assert report.opportunities == 0 and report.organisations > 0
    assert any("0" in line for line in report.lines())


def _tallies() -> list[tuple]:
    rows = db.session.execute(
        select(AnonymousTally.kind, AnonymousTally.subject, AnonymousTally.week_start, AnonymousTally.count)
        .where(AnonymousTally.is_demo)
        .order_by(AnonymousTally.kind, AnonymousTally.subject, AnonymousTally.week_start)
    )
    return [tuple(row) for row in rows]


def test_demonstration_interest_is_marked_replaced_and_kept_apart_from_real_counts(db_session):
    add_to_tally(AREA_INTEREST, "audiology")
    report = seed_demo(seed=3, opportunities=120)
    seeded = _tallies()
    assert report.tallies == len(seeded) > 0
    assert {kind for kind, *_ in seeded} == {AREA_INTEREST, EXPRESSION_OF_INTEREST, SUGGESTED, OPENED}
    listing_ids = {str(listing.id) for listing in _listings()}
    assert {subject for kind, subject, *_ in seeded if kind == EXPRESSION_OF_INTEREST} <= listing_ids
    weeks = {week.date() if hasattr(week, "date") else week for _, _, week, _ in seeded}
    assert len(weeks) == WEEKS and all(week.weekday() == 0 for week in weeks)
    seed_demo(seed=3, opportunities=120)
    assert len(_tallies()) == len(seeded), "seeding again replaces the made-up counts"
    remove_demo()
    assert _tallies() == []
    assert tally_total(AREA_INTEREST, "audiology") == 1, "a real count survives the demonstration data"


def test_demonstration_listings_went_live_over_the_weeks_the_interest_covers(db_session):
    seed_demo(seed=2, opportunities=200)
    went_live = [listing.live_since for listing in _listings()]
    now = datetime.now(UTC).replace(tzinfo=None)
    ages = [(now - when.replace(tzinfo=None)).days for when in went_live]
    assert min(ages) >= 0 and max(ages) < WEEKS * 7
    assert len({age // 7 for age in ages}) >= WEEKS - 1, "spread across the weeks, not all today"
