"""The JSON shapes of the open workforce figures (/api/v1/stats/...): aggregates, nothing about anyone."""

from __future__ import annotations

from typing import Any

from portal.links import absolute_url
from portal.services.workforce import Count, Figures, Row, Shortage, ShortageRow, Week

SUPPRESSION_RULE = (
    "No count of 1 to 4 people is ever published. People are counted in cells of one kind, one "
    "service area and one week (and one region, for expressions of interest); a cell of 1 to 4 "
    "people is withheld. Every figure is the sum of the published cells behind it, with "
    "withheld_cells saying how many were left out, and is null with suppressed true when only "
    "withheld cells are behind it. So no figure subtracted from another, across filters, totals "
    "or periods, can bring a withheld count back."
)
# The other figures, in the order the summary links to them.
STATS_ENDPOINTS = ("areas", "divisions", "regions", "weeks", "shortage")


def count(value: Count | None) -> dict[str, Any] | None:
    """A count of people as ``Count.as_json`` gives it; None where the figure is not kept."""
    return None if value is None else value.as_json()


def row(figures_row: Row) -> dict[str, Any]:
    """One row of figures: listings and places, then the counts of people."""
    return {
        "key": figures_row.key,
        "label": figures_row.label,
        "live_listings": figures_row.live_listings,
        "listings_by_type": dict(figures_row.listings_by_type),
        "listings_by_level": dict(figures_row.listings_by_level),
        "places": figures_row.places,
        "expressions_of_interest": count(figures_row.expressions_of_interest),
        "interest_per_place": figures_row.interest_per_place,
        "registered_interest": count(figures_row.registered_interest),
        "suggested": count(figures_row.suggested),
        "opened": count(figures_row.opened),
    }


def week(figures_week: Week) -> dict[str, Any]:
    """One week of the trend, named by the Monday it starts on."""
    return {
        "week": figures_week.week.isoformat(),
        "listings_went_live": figures_week.listings_went_live,
        "places_went_live": figures_week.places_went_live,
        "expressions_of_interest": count(figures_week.expressions_of_interest),
        "registered_interest": count(figures_week.registered_interest),
        "suggested": count(figures_week.suggested),
        "opened": count(figures_week.opened),
    }


def shortage_row(ranked: ShortageRow) -> dict[str, Any]:
    """One ranked area with the numbers behind its place."""
    return {
        "slug": ranked.slug,
        "name": ranked.name,
        "places": ranked.places,
        "interest": count(ranked.interest),
        "places_per_person": ranked.places_per_person,
        "sentence": ranked.sentence,
        "small_numbers": ranked.small_numbers,
    }


def _context(figures: Figures) -> dict[str, Any]:
    """What every stats answer says about itself: its filters, its weeks, and whether it holds demo data."""
    filters = figures.filters
    return {
        "filters": {
            "area": filters.area,
            "division": filters.division,
            "region": filters.region,
            "weeks": filters.weeks,
        },
        "period": {
            "weeks": len(figures.weeks),
            "first_week": figures.first_week.isoformat(),
            "last_week": figures.weeks[-1].isoformat(),
        },
        "includes_demo": figures.includes_demo,
    }


def rows(figures: Figures, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A list of rows or weeks, with the context every stats answer carries."""
    return {"count": len(items), "items": items, **_context(figures)}


def summary(figures: Figures) -> dict[str, Any]:
    """The overall row, the rule that withholds small counts, and links to the rest (same filters)."""
    args = figures.filters.as_args()
    return {
        "overall": row(figures.overall()),
        **_context(figures),
        "suppression": SUPPRESSION_RULE,
        "links": {name: absolute_url(f"api.stats_{name}", **args) for name in STATS_ENDPOINTS},
    }


def shortage(figures: Figures, ranked: Shortage) -> dict[str, Any]:
    """Both rankings and the cautions that go with them."""
    return {
        "places_outrun_interest": [shortage_row(r) for r in ranked.places_outrun_interest],
        "interest_outruns_places": [shortage_row(r) for r in ranked.interest_outruns_places],
        "cautions": list(ranked.cautions),
        **_context(figures),
    }
