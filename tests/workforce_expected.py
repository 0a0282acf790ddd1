"""The workforce figures as the contract states them, worked out afresh with plain loops.

``Expected`` knows nothing of the service's code: it loops over raw cells applying the rule. A
cell is one kind × one service area × one week (× one region, for expressions of interest; and
made-up counts apart from real ones); a cell of 1 to 4 people is withheld; every total is the sum
of the published cells behind it, and is null only when withheld cells alone are behind it.
``make_cells`` builds cells with no database at all. tests/workforce_world.py seeds a database
whose cells are known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED
from portal.services.workforce import (
    DIVISION_SLUGS,
    REGION_SLUGS,
    Cells,
    Count,
    Figures,
    Row,
    Week,
    shortage,
)
from portal.services.workforce.cells import Area, Listing, PeopleCell, published

PEOPLE = (AREA_INTEREST, EXPRESSION_OF_INTEREST, SUGGESTED, OPENED)
NOT_BY_REGION = (AREA_INTEREST, SUGGESTED, OPENED)
REGION_NAMES = list(REGION_SLUGS.values())
DIVISION_NAMES = list(DIVISION_SLUGS.values())
# kind, area, week (a Monday), region (expressions of interest), and for a seeded world whether made up
Key = tuple


# --- What the figures must say, worked out afresh -------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A listing as the figures should see it, derived by the test from what it seeded."""

    area: str
    region: str
    type: str
    level: str
    places: int
    live_now: bool
    went_live_week: date | None


class Expected:
    """The figures for one set of filters, from raw (not yet withheld) cells, with plain loops."""

    def __init__(
        self,
        raw: dict[Key, int],
        facts: Iterable[Fact],
        areas: dict[str, tuple[str, str]],
        this_week: date,
        *,
        area: str | None = None,
        division: str | None = None,
        region: str | None = None,
        weeks: int = 13,
    ) -> None:
        self.raw, self.areas, self.region = raw, areas, REGION_SLUGS.get(region)
        self.period = [this_week - timedelta(weeks=n) for n in reversed(range(weeks))]
        self.chosen = sorted(
            slug
            for slug, (_, division_name) in areas.items()
            if (area is None or slug == area)
            and (division is None or DIVISION_SLUGS[division] == division_name)
        )
        self.facts = [
            fact
            for fact in facts
            if fact.went_live_week is not None
            and fact.area in self.chosen
            and (self.region is None or fact.region == self.region)
        ]

    def count(self, kind: str, keep: Callable[[Key], bool] = lambda key: True) -> dict[str, Any] | None:
        """The published sum of the cells of ``kind`` the filters and ``keep`` choose."""
        if self.region is not None and kind in NOT_BY_REGION:
            return None
        value = withheld = 0
        for key, people in self.raw.items():
            cell_kind, area, week, region = key[:4]
            if cell_kind != kind or area not in self.chosen or week not in self.period:
                continue
            if (self.region is not None and region != self.region) or not keep(key):
                continue
            if 1 <= people <= 4:
                withheld += 1
            else:
                value += people
        if withheld and not value:
            return {"value": None, "suppressed": True, "withheld_cells": withheld}
        return {"value": value, "suppressed": False, "withheld_cells": withheld}

    def row(
        self,
        key: str,
        label: str,
        cell: Callable[[Key], bool] = lambda key: True,
        listing: Callable[[Fact], bool] = lambda fact: True,
        *,
        by_region: bool = False,
    ) -> dict[str, Any]:
        """One row in the API's shape."""
        live = [fact for fact in self.facts if fact.live_now and listing(fact)]
        places = sum(fact.places for fact in live)
        interest = self.count(EXPRESSION_OF_INTEREST, cell)
        return {
            "key": key,
            "label": label,
            "live_listings": len(live),
            "listings_by_type": dict(Counter(fact.type for fact in live)),
            "listings_by_level": dict(Counter(fact.level for fact in live)),
            "places": places,
            "expressions_of_interest": interest,
            "interest_per_place": interest["value"] / places
            if interest["value"] is not None and places
            else None,
            "registered_interest": None if by_region else self.count(AREA_INTEREST, cell),
            "suggested": None if by_region else self.count(SUGGESTED, cell),
            "opened": None if by_region else self.count(OPENED, cell),
        }

    def overall(self) -> dict[str, Any]:
        return self.row("all", "All chosen areas")

    def by_area(self) -> list[dict[str, Any]]:
        return [
            self.row(
                slug, self.areas[slug][0], lambda key, s=slug: key[1] == s, lambda f, s=slug: f.area == s
            )
            for slug in self.chosen
        ]

    def by_division(self) -> list[dict[str, Any]]:
        rows = []
        for slug, name in DIVISION_SLUGS.items():
            members = {area for area in self.chosen if self.areas[area][1] == name}
            if members:
                rows.append(
                    self.row(slug, name, lambda key, m=members: key[1] in m, lambda f, m=members: f.area in m)
                )
        return rows

    def by_region(self) -> list[dict[str, Any]]:
        return [
            self.row(
                slug, name, lambda key, n=name: key[3] == n, lambda f, n=name: f.region == n, by_region=True
            )
            for slug, name in REGION_SLUGS.items()
            if self.region is None or name == self.region
        ]

    def by_week(self) -> list[dict[str, Any]]:
        weeks = []
        for week in self.period:
            went_live = [fact for fact in self.facts if fact.went_live_week == week]

            def in_week(key: Key, w: date = week) -> bool:
                return key[2] == w

            weeks.append(
                {
                    "week": week.isoformat(),
                    "listings_went_live": len(went_live),
                    "places_went_live": sum(fact.places for fact in went_live),
                    "expressions_of_interest": self.count(EXPRESSION_OF_INTEREST, in_week),
                    "registered_interest": self.count(AREA_INTEREST, in_week),
                    "suggested": self.count(SUGGESTED, in_week),
                    "opened": self.count(OPENED, in_week),
                }
            )
        return weeks


def count_dict(count: Count | None) -> dict[str, Any] | None:
    """A service Count in the shape ``Expected`` uses."""
    if count is None:
        return None
    return {"value": count.value, "suppressed": count.value is None, "withheld_cells": count.withheld}


def row_dict(row: Row) -> dict[str, Any]:
    """A service Row in the shape ``Expected`` uses."""
    return {
        "key": row.key,
        "label": row.label,
        "live_listings": row.live_listings,
        "listings_by_type": dict(row.listings_by_type),
        "listings_by_level": dict(row.listings_by_level),
        "places": row.places,
        "expressions_of_interest": count_dict(row.expressions_of_interest),
        "interest_per_place": row.interest_per_place,
        "registered_interest": count_dict(row.registered_interest),
        "suggested": count_dict(row.suggested),
        "opened": count_dict(row.opened),
    }


def week_dict(week: Week) -> dict[str, Any]:
    """A service Week in the shape ``Expected`` uses."""
    return {
        "week": week.week.isoformat(),
        "listings_went_live": week.listings_went_live,
        "places_went_live": week.places_went_live,
        "expressions_of_interest": count_dict(week.expressions_of_interest),
        "registered_interest": count_dict(week.registered_interest),
        "suggested": count_dict(week.suggested),
        "opened": count_dict(week.opened),
    }


def people_counts(value: Any) -> list[dict[str, Any]]:
    """Every count of people anywhere in a JSON value (anything shaped like Count.as_json())."""
    if isinstance(value, dict):
        found = [value] if set(value) == {"value", "suppressed", "withheld_cells"} else []
        return found + [count for inner in value.values() for count in people_counts(inner)]
    if isinstance(value, list):
        return [count for inner in value for count in people_counts(inner)]
    return []


def assert_nothing_from_1_to_4(value: Any, where: str = "") -> int:
    """No count of people in ``value`` is 1 to 4, and null always says it is suppressed; returns how many."""
    counts = people_counts(value)
    for count in counts:
        assert count["value"] is None or count["value"] == 0 or count["value"] >= 5, (where, count)
        assert count["suppressed"] == (count["value"] is None), (where, count)
        assert count["value"] is not None or count["withheld_cells"] >= 1, (where, count)
    return len(counts)


# --- Differencing, on the pure functions ------------------------------------------------------------

THIS_WEEK = date(2024, 6, 3)
TEST_AREAS = {
    "alpha": Area("alpha", "Alpha", DIVISION_NAMES[0]),
    "beta": Area("beta", "Beta", DIVISION_NAMES[0]),
    "gamma": Area("gamma", "Gamma", DIVISION_NAMES[1]),
    "delta": Area("delta", "Delta", DIVISION_NAMES[3]),
}
AREA_TABLE = {slug: (area.name, area.division) for slug, area in TEST_AREAS.items()}


def make_cells(raw: dict[Key, int], listings: Iterable[Listing] = (), *, demo: bool = False) -> Cells:
    """Cells as load_cells makes them: every raw count withheld by the rule before anything sees it."""
    return Cells(
        this_week=THIS_WEEK,
        people={PeopleCell(*key): published(count) for key, count in raw.items()},
        listings=tuple(listings),
        areas=TEST_AREAS,
        includes_demo=demo,
    )


def everything(figures: Figures) -> dict[str, Any]:
    """Every figure one set of filters publishes, shortage included."""
    ranked = shortage(figures)
    return {
        "overall": row_dict(figures.overall()),
        "areas": [row_dict(r) for r in figures.by_area()],
        "divisions": [row_dict(r) for r in figures.by_division()],
        "regions": [row_dict(r) for r in figures.by_region()],
        "weeks": [week_dict(w) for w in figures.by_week()],
        "shortage": [
            [(r.slug, r.places, count_dict(r.interest), r.places_per_person, r.sentence) for r in rows]
            for rows in (ranked.places_outrun_interest, ranked.interest_outruns_places)
        ],
        "cautions": ranked.cautions,
    }


def raw_cell(kind: str, area: str, weeks_ago: int, region: str) -> Key:
    return (
        kind,
        area,
        THIS_WEEK - timedelta(weeks=weeks_ago),
        region if kind == EXPRESSION_OF_INTEREST else None,
    )
