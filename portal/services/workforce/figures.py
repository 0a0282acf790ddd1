"""Workforce figures: rows by area, division and region, weeks, and totals, under one set of filters.

Everything here is computed from ``Cells``, which holds only published counts of people (see
cells.py), so whatever is added up, under whatever filter, no withheld count can be worked out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from portal.services.service_areas import DIVISIONS, slugify
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED
from portal.services.workforce.cells import (
    KINDS_WITHOUT_REGION,
    REGION_SLUGS,
    REGIONS,
    SMALLEST_PUBLISHED,
    Cells,
    Listing,
    PeopleCell,
)

PERIOD_WEEKS = (4, 13, 52)
DEFAULT_PERIOD_WEEKS = 13
DIVISION_SLUGS = {slugify(name): name for name in DIVISIONS}


class FilterError(ValueError):
    """A filter names an area, division, region or period that does not exist."""


@dataclass(frozen=True)
class Filters:
    """Which areas, which region and how many weeks (ending with this one) the figures cover."""

    area: str | None = None
    division: str | None = None
    region: str | None = None
    weeks: int = DEFAULT_PERIOD_WEEKS

    @classmethod
    def from_args(cls, args: Mapping[str, str], area_slugs: Iterable[str]) -> Filters:
        """Filters from a query string (area, division, region, weeks); FilterError if one is unknown."""
        area = args.get("area") or None
        division = args.get("division") or None
        region = args.get("region") or None
        weeks = args.get("weeks") or str(DEFAULT_PERIOD_WEEKS)
        if area is not None and area not in set(area_slugs):
            raise FilterError(f"There is no service area called '{area[:80]}'.")
        if division is not None and division not in DIVISION_SLUGS:
            raise FilterError(f"Choose a division from: {', '.join(DIVISION_SLUGS)}.")
        if region is not None and region not in REGION_SLUGS:
            raise FilterError(f"Choose a region from: {', '.join(REGION_SLUGS)}.")
        if weeks not in {str(n) for n in PERIOD_WEEKS}:
            raise FilterError(f"Choose a period of {', '.join(str(n) for n in PERIOD_WEEKS)} weeks.")
        return cls(area=area, division=division, region=region, weeks=int(weeks))

    def as_args(self) -> dict[str, str]:
        """The filters as a query string would give them (the default period left out)."""
        args = {"area": self.area, "division": self.division, "region": self.region}
        if self.weeks != DEFAULT_PERIOD_WEEKS:
            args["weeks"] = str(self.weeks)
        return {key: value for key, value in args.items() if value}

    @property
    def region_name(self) -> str | None:
        """The region as people say it."""
        return REGION_SLUGS[self.region] if self.region else None


@dataclass(frozen=True)
class Count:
    """A published count of people: ``value`` None when only withheld cells are behind it.

    ``withheld`` is how many cells of 1 to 4 people were left out of the figure.
    """

    value: int | None
    withheld: int = 0

    @property
    def suppressed(self) -> bool:
        """Nothing can be shown: every cell behind it counted 1 to 4 people."""
        return self.value is None

    @property
    def at_least(self) -> int:
        """The fewest people there can be: each withheld cell is at least one."""
        return (self.value or 0) + self.withheld

    @property
    def at_most(self) -> int:
        """The most people there can be: each withheld cell is at most four."""
        return (self.value or 0) + (SMALLEST_PUBLISHED - 1) * self.withheld

    def as_json(self) -> dict[str, Any]:
        """The API's shape: the number or null, whether it is suppressed, and how many cells were left out."""
        return {"value": self.value, "suppressed": self.suppressed, "withheld_cells": self.withheld}


def total(values: Iterable[int | None]) -> Count:
    """Add published cells; withheld ones (None) are counted as left out, never as a number."""
    known, withheld = 0, 0
    for value in values:
        if value is None:
            withheld += 1
        else:
            known += value
    return Count(None if withheld and not known else known, withheld)


def add(*counts: Count) -> Count:
    """Two or more counts together, as ``total`` would add their cells."""
    known = sum(count.value or 0 for count in counts)
    withheld = sum(count.withheld for count in counts)
    return Count(None if withheld and not known else known, withheld)


@dataclass(frozen=True)
class Row:
    """The figures for one area, division, region, week or for everything in the filters."""

    key: str
    label: str
    live_listings: int = 0
    listings_by_type: Mapping[str, int] = field(default_factory=dict)
    listings_by_level: Mapping[str, int] = field(default_factory=dict)
    places: int = 0
    expressions_of_interest: Count = Count(0)
    # None where the figure is not kept by region (a region is filtered on, or this is a region's row).
    registered_interest: Count | None = Count(0)
    suggested: Count | None = Count(0)
    opened: Count | None = Count(0)

    @property
    def interest_per_place(self) -> float | None:
        """Expressions of interest for each place offered, when both are known."""
        if self.expressions_of_interest.value is None or not self.places:
            return None
        return self.expressions_of_interest.value / self.places


@dataclass(frozen=True)
class Week:
    """One week's trend: listings that went live, and the counts of people that week."""

    week: date
    listings_went_live: int
    places_went_live: int
    expressions_of_interest: Count
    registered_interest: Count | None
    suggested: Count | None
    opened: Count | None


class Figures:
    """The figures for one set of filters, worked out from published cells."""

    def __init__(self, cells: Cells, filters: Filters) -> None:
        self.cells = cells
        self.filters = filters
        self.weeks = [cells.this_week - timedelta(weeks=n) for n in range(filters.weeks)][::-1]
        self.first_week = self.weeks[0]
        self.area_slugs = [slug for slug, area in sorted(cells.areas.items()) if self._area_chosen(area)]
        chosen = set(self.area_slugs)
        self._people = [
            (cell, value)
            for cell, value in cells.people.items()
            if cell.area in chosen and cell.week >= self.first_week and self._region_chosen(cell)
        ]
        self._listings = [
            listing
            for listing in cells.listings
            if listing.area in chosen and (filters.region is None or listing.region == filters.region_name)
        ]

    def _area_chosen(self, area: Any) -> bool:
        if self.filters.area is not None and area.slug != self.filters.area:
            return False
        return self.filters.division is None or slugify(area.division) == self.filters.division

    def _region_chosen(self, cell: PeopleCell) -> bool:
        if self.filters.region is None:
            return True
        return cell.kind not in KINDS_WITHOUT_REGION and cell.region == self.filters.region_name

    @property
    def includes_demo(self) -> bool:
        """Whether demonstration data is in the database, and so perhaps in these figures."""
        return self.cells.includes_demo

    def _people_count(self, kind: str, cells: list[tuple[PeopleCell, int | None]]) -> Count | None:
        """None for a kind kept without a region while a region is chosen: it cannot be split that way."""
        if self.filters.region is not None and kind in KINDS_WITHOUT_REGION:
            return None
        return total(value for cell, value in cells if cell.kind == kind)

    @staticmethod
    def _interest_expressed(cells: list[tuple[PeopleCell, int | None]]) -> Count:
        return total(value for cell, value in cells if cell.kind == EXPRESSION_OF_INTEREST)

    def _row(
        self,
        key: str,
        label: str,
        people: list[tuple[PeopleCell, int | None]],
        listings: list[Listing],
        *,
        by_region: bool = False,
    ) -> Row:
        live = [listing for listing in listings if listing.live_now]

        def kept_without_region(kind: str) -> Count | None:
            return None if by_region else self._people_count(kind, people)

        return Row(
            key=key,
            label=label,
            live_listings=len(live),
            listings_by_type=dict(Counter(listing.type for listing in live)),
            listings_by_level=dict(Counter(listing.level for listing in live)),
            places=sum(listing.places for listing in live),
            expressions_of_interest=self._interest_expressed(people),
            registered_interest=kept_without_region(AREA_INTEREST),
            suggested=kept_without_region(SUGGESTED),
            opened=kept_without_region(OPENED),
        )

    def overall(self) -> Row:
        """Everything the filters cover, in one row."""
        return self._row("all", "All chosen areas", self._people, self._listings)

    def _grouped(
        self,
        keys: Iterable[Any],
        cell_key: Callable[[PeopleCell], Any],
        listing_key: Callable[[Listing], Any],
    ) -> tuple[dict[Any, list[tuple[PeopleCell, int | None]]], dict[Any, list[Listing]]]:
        """The cells and listings in the filters, sorted in one pass into ``keys`` (others dropped)."""
        people: dict[Any, list[tuple[PeopleCell, int | None]]] = {key: [] for key in keys}
        listings: dict[Any, list[Listing]] = {key: [] for key in people}
        for cell, value in self._people:
            people.get(cell_key(cell), []).append((cell, value))
        for listing in self._listings:
            listings.get(listing_key(listing), []).append(listing)
        return people, listings

    def by_area(self) -> list[Row]:
        """One row per service area in the filters, in slug order."""
        people, listings = self._grouped(self.area_slugs, lambda c: c.area, lambda listing: listing.area)
        return [
            self._row(slug, self.cells.areas[slug].name, people[slug], listings[slug])
            for slug in self.area_slugs
        ]

    def by_division(self) -> list[Row]:
        """One row per division that has areas in the filters."""
        division_of = {slug: self.cells.areas[slug].division for slug in self.area_slugs}
        names = [name for name in DIVISIONS if name in division_of.values()]
        people, listings = self._grouped(
            names, lambda c: division_of[c.area], lambda listing: division_of[listing.area]
        )
        return [self._row(slugify(name), name, people[name], listings[name]) for name in names]

    def by_region(self) -> list[Row]:
        """One row per region: listings, places and expressions of interest (nothing else has a region)."""
        names = [name for name in REGIONS if self.filters.region in (None, slugify(name))]
        people, listings = self._grouped(names, lambda c: c.region, lambda listing: listing.region)
        return [
            self._row(slugify(name), name, people[name], listings[name], by_region=True) for name in names
        ]

    def by_week(self) -> list[Week]:
        """One row per week of the period, oldest first."""
        people, listings = self._grouped(self.weeks, lambda c: c.week, lambda listing: listing.went_live_week)
        return [
            Week(
                week=week,
                listings_went_live=len(listings[week]),
                places_went_live=sum(listing.places for listing in listings[week]),
                expressions_of_interest=self._interest_expressed(people[week]),
                registered_interest=self._people_count(AREA_INTEREST, people[week]),
                suggested=self._people_count(SUGGESTED, people[week]),
                opened=self._people_count(OPENED, people[week]),
            )
            for week in self.weeks
        ]
