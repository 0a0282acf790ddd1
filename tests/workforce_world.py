"""A seeded database whose workforce cells are known, for comparing the figures with ``Expected``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import select

from portal.extensions import db
from portal.models import ServiceArea
from portal.models.opportunities import CLOSED, DRAFT, LIVE
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED, add_to_tallies
from portal.services.workforce import (
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    REGION_SLUGS,
)
from tests.factories import make_opportunity, make_organisation
from tests.workforce_expected import REGION_NAMES, Expected, Fact, Key

# --- A seeded world whose cells are known -----------------------------------------------------------


def monday(at: date) -> date:
    """The Monday of ``at``'s week."""
    return at - timedelta(days=at.weekday())


@dataclass
class World:
    """What a test seeded, as plain records: listings and tallies, and the week it was seeded in."""

    today: date
    this_week: date
    areas: dict[str, tuple[str, str]]
    facts: dict[int, Fact] = field(default_factory=dict)
    listing_ids: dict[str, int] = field(default_factory=dict)
    # kind, subject, the Monday of its week, count, whether it is demonstration data
    tallies: list[tuple[str, str, date, int, bool]] = field(default_factory=list)

    def week(self, back: int) -> date:
        return self.this_week - timedelta(weeks=back)

    def cell_of(self, kind: str, subject: str, week: date, is_demo: bool) -> Key | None:
        """The cell a tally belongs in, or None when it names nothing the figures count."""
        if week < self.week(51) or week > self.week(0):
            return None
        if kind == EXPRESSION_OF_INTEREST:
            fact = self.facts.get(int(subject)) if subject.isdigit() else None
            key = None if fact is None else (kind, fact.area, week, fact.region, is_demo)
        else:
            key = (kind, subject, week, None, is_demo)
        return key if key is not None and key[1] in self.areas else None

    def raw(self) -> dict[Key, int]:
        """Every cell with its true count, small ones included."""
        cells: dict[Key, int] = defaultdict(int)
        for kind, subject, week, count, is_demo in self.tallies:
            key = self.cell_of(kind, subject, week, is_demo)
            if key is not None:
                cells[key] += count
        return dict(cells)

    def expected(self, **filters: Any) -> Expected:
        return Expected(self.raw(), self.facts.values(), self.areas, self.this_week, **filters)

    @property
    def includes_demo(self) -> bool:
        return any(is_demo for *_, is_demo in self.tallies)


def all_areas() -> dict[str, tuple[str, str]]:
    """Every service area in the database: slug -> (name, division)."""
    rows = db.session.execute(select(ServiceArea.slug, ServiceArea.name, ServiceArea.division))
    return {slug: (name, division) for slug, name, division in rows}


def region_for(own: str | None, home: str | None) -> str:
    """A listing's region: its own if the figures know it, else its organisation's, else not known."""
    return own if own in REGION_NAMES else home if home in REGION_NAMES else "Not known"


class Seeded(NamedTuple):
    """One listing to seed: its organisation (a key of ORGANISATIONS), areas, own region and the rest."""

    home: str
    areas: tuple[str, ...]
    region: str | None
    type: str = "placement"
    level: str = "practitioner"
    places: int | None = 2
    status: str = LIVE
    closes_in_days: int = 30
    weeks_ago: int | None = 0  # when it went live; None: never


LISTINGS = {
    "hearing-london-a": Seeded("london", ("audiology", "andrology"), "London", places=3, weeks_ago=2),
    "hearing-online": Seeded(
        "london", ("audiology",), None, "apprenticeship", "assistant", None, weeks_ago=5
    ),
    "hearing-north-west": Seeded("london", ("audiology",), "North West", "job", places=10),
    "hearing-london-b": Seeded(
        "london", ("audiology",), "London", "training-post", "clinical-scientist", weeks_ago=9
    ),
    "hearing-old": Seeded("north-west", ("audiology",), "North West", "job", places=1, weeks_ago=60),
    "screening-event": Seeded(
        "north-west", ("aaa-screening",), "North West", "event", "none", 50, weeks_ago=1
    ),
    "allergy-closed": Seeded(
        "north-west", ("allergy-diagnostics",), "North West", "job", places=4, status=CLOSED, weeks_ago=3
    ),
    "andrology-expired": Seeded(
        "scotland", ("andrology",), "Scotland", places=3, closes_in_days=-1, weeks_ago=20
    ),
    "andrology-draft": Seeded("london", ("andrology",), "London", places=9, status=DRAFT, weeks_ago=None),
    "andrology-first": Seeded(
        "london", ("andrology", "audiology"), "London", "work-experience", "none", 1, weeks_ago=1
    ),
    "bone-nowhere": Seeded("nowhere", ("bone-densitometry",), None, level="associate", weeks_ago=6),
    "bone-england": Seeded("england", ("bone-densitometry",), "England", places=None, weeks_ago=6),
    "aseptic-many": Seeded(
        "north-west", ("aseptic-services",), "North West", "apprenticeship", places=40, weeks_ago=4
    ),
    "informatics-scotland": Seeded("scotland", ("clinical-informatics",), None, "work-experience", "none", 6),
}
ORGANISATIONS = {
    "london": "London",
    "north-west": "North West",
    "scotland": "Scotland",
    "nowhere": None,
    "england": "England",
}
# kind, subject (an area slug, or a listing named above), weeks ago, count, demonstration
TALLIES = [
    (AREA_INTEREST, "audiology", 0, 7, False),
    (AREA_INTEREST, "audiology", 1, 3, False),
    (AREA_INTEREST, "audiology", 2, 2, False),
    (AREA_INTEREST, "audiology", 2, 3, True),  # beside the real 2, a cell of its own: both withheld
    (AREA_INTEREST, "audiology", 5, 1, False),
    (AREA_INTEREST, "audiology", 10, 12, False),
    (AREA_INTEREST, "audiology", 20, 4, False),
    (AREA_INTEREST, "audiology", 30, 9, False),
    (AREA_INTEREST, "audiology", 60, 8, False),  # older than 52 weeks: not counted
    (AREA_INTEREST, "aaa-screening", 0, 4, False),
    (AREA_INTEREST, "aaa-screening", 3, 0, False),
    (AREA_INTEREST, "andrology", 1, 6, False),
    (AREA_INTEREST, "andrology", 8, 2, False),
    (AREA_INTEREST, "allergy-diagnostics", 2, 25, False),
    (AREA_INTEREST, "not-an-area", 0, 9, False),
    (SUGGESTED, "audiology", 0, 30, False),
    (SUGGESTED, "audiology", 1, 2, False),
    (SUGGESTED, "clinical-informatics", 4, 5, False),
    (SUGGESTED, "bone-densitometry", 12, 3, False),
    (OPENED, "audiology", 0, 4, False),
    (OPENED, "audiology", 3, 2, False),
    (OPENED, "audiology", 3, 2, False),  # added to the last: 4, withheld
    (OPENED, "andrology", 2, 11, False),
    (EXPRESSION_OF_INTEREST, "hearing-london-a", 2, 2, False),
    (EXPRESSION_OF_INTEREST, "hearing-london-b", 2, 3, False),  # London audiology that week: 5
    (EXPRESSION_OF_INTEREST, "hearing-london-a", 0, 1, False),
    (EXPRESSION_OF_INTEREST, "hearing-online", 0, 2, False),  # London audiology that week: 3
    (EXPRESSION_OF_INTEREST, "hearing-north-west", 0, 6, False),
    (EXPRESSION_OF_INTEREST, "hearing-north-west", 6, 3, False),
    (EXPRESSION_OF_INTEREST, "andrology-first", 1, 8, False),
    (EXPRESSION_OF_INTEREST, "allergy-closed", 3, 5, False),
    (EXPRESSION_OF_INTEREST, "bone-nowhere", 1, 2, False),
    (EXPRESSION_OF_INTEREST, "bone-england", 1, 1, False),  # with bone-nowhere, Not known: 3
    (EXPRESSION_OF_INTEREST, "bone-nowhere", 14, 7, False),
    (EXPRESSION_OF_INTEREST, "informatics-scotland", 0, 5, False),
    (EXPRESSION_OF_INTEREST, "screening-event", 1, 1, False),
    (EXPRESSION_OF_INTEREST, "andrology-expired", 20, 4, False),
    (EXPRESSION_OF_INTEREST, "999999999", 0, 20, False),  # no such listing
    (EXPRESSION_OF_INTEREST, "abc", 0, 9, False),
]


def during(week: date) -> datetime:
    """A Wednesday afternoon in ``week``: tallies are counted by the week they fall in, not the day."""
    return datetime.combine(week + timedelta(days=2), time(13, 45), tzinfo=UTC)


def seed_world(*, demo: bool = True) -> World:
    """Seed ``LISTINGS`` and ``TALLIES`` (the demonstration tally only when ``demo``)."""
    today = datetime.now(UTC).date()
    world = World(today=today, this_week=monday(today), areas=all_areas())
    homes = {key: make_organisation(region=region) for key, region in ORGANISATIONS.items()}
    for name, seeded in LISTINGS.items():
        went_live = None
        if seeded.weeks_ago is not None:
            went_live = datetime.combine(world.week(seeded.weeks_ago), time(1), tzinfo=UTC)
        listing = make_opportunity(
            homes[seeded.home],
            seeded.areas,
            title=f"Test {name}",
            region=seeded.region,
            type=seeded.type,
            level=seeded.level,
            places=seeded.places,
            status=seeded.status,
            closes_on=today + timedelta(days=seeded.closes_in_days),
            live_since=went_live,
        )
        world.listing_ids[name] = listing.id
        world.facts[listing.id] = Fact(
            area=seeded.areas[0],
            region=region_for(seeded.region, ORGANISATIONS[seeded.home]),
            type=seeded.type,
            level=seeded.level,
            places=0 if seeded.type == "event" else seeded.places or 1,
            live_now=seeded.status == LIVE and seeded.closes_in_days >= 0,
            went_live_week=None if went_live is None else world.week(seeded.weeks_ago),
        )
    for kind, subject, weeks_ago, count, is_demo in TALLIES:
        if is_demo and not demo:
            continue
        subject = str(world.listing_ids.get(subject, subject))
        add_to_tallies(kind, [subject], at=during(world.week(weeks_ago)), by=count, is_demo=is_demo)
        world.tallies.append((kind, subject, world.week(weeks_ago), count, is_demo))
    # Half past midnight on a Monday an hour east of UTC is Sunday night in UTC: the week before.
    east = datetime.combine(world.week(3), time(0, 30), tzinfo=timezone(timedelta(hours=1)))
    add_to_tallies(AREA_INTEREST, ["andrology"], at=east, by=7)
    world.tallies.append((AREA_INTEREST, "andrology", world.week(4), 7, False))
    return world


# Filters that, with every period, cover every way of cutting the figures.
FILTER_SETS: list[dict[str, str]] = [
    {},
    *({"division": slug} for slug in DIVISION_SLUGS),
    {"area": "audiology"},
    {"area": "andrology"},
    {"area": "bone-densitometry"},
    *({"region": slug} for slug in REGION_SLUGS),
    {"division": "physiological-sciences", "region": "london"},
    {"area": "audiology", "region": "london"},
    {"area": "audiology", "region": "north-west"},
    {"area": "audiology", "division": "life-sciences"},
]
PERIODS = [None, *(str(weeks) for weeks in PERIOD_WEEKS)]


def every_filter() -> list[dict[str, str]]:
    """FILTER_SETS under every period (None: the default one)."""
    return [{**chosen, **({"weeks": weeks} if weeks else {})} for chosen in FILTER_SETS for weeks in PERIODS]


def expected_for(world: World, args: dict[str, str]) -> Expected:
    """``Expected`` for filters given as a query string would give them."""
    values: dict[str, Any] = {key: value for key, value in args.items() if key != "weeks"}
    return world.expected(**values, weeks=int(args.get("weeks", 13)))
