"""The OpenAPI description of the open workforce figures (/api/v1/stats/...)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.api.openapi_parts import STRINGS
from portal.api.openapi_parts import json_response as _json
from portal.api.openapi_parts import ref as _ref
from portal.api.stats_serializers import STATS_ENDPOINTS
from portal.services.workforce import (
    DEFAULT_PERIOD_WEEKS,
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    REGION_SLUGS,
    SMALLEST_PUBLISHED,
    current_cells,
)

STATS_SCHEMAS: dict[str, Any] = {}
INTEGER = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}
COUNTS_BY_NAME = {"type": "object", "additionalProperties": INTEGER}


def _closed(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object with exactly these keys: the figures carry nothing that is not documented."""
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    return {"description": description, **schema} if description else schema


def _stats_list_of(name: str) -> dict[str, Any]:
    return _closed(
        {
            "count": INTEGER,
            "items": {"type": "array", "items": _ref(name)},
            "filters": _ref("StatsFilters"),
            "period": _ref("StatsPeriod"),
            "includes_demo": _ref("IncludesDemo"),
        }
    )


NOT_KEPT_BY_REGION = (
    "null (not a count) where the figure is not kept by region: on region rows, and in every row and "
    "week when a region is chosen. Registered interest, suggestions and openings say nothing about "
    "where a person is."
)
PEOPLE_BY_AREA = {"anyOf": [_ref("Count"), {"type": "null"}], "description": NOT_KEPT_BY_REGION}
STATS_SCHEMAS["Count"] = {
    "description": (
        f"A count of people. No count of 1 to {SMALLEST_PUBLISHED - 1} is ever published: people are "
        "counted in cells (one kind, one service area, one week and, for expressions of interest, one "
        "region), a cell of 1 to 4 is withheld, and value is the sum of the published cells only. "
        "withheld_cells says how many were left out, so the true count lies between value + "
        "withheld_cells and value + 4 × withheld_cells (taking a null value as 0)."
    ),
    "oneOf": [
        _closed(
            {
                "value": {"type": "null"},
                "suppressed": {"const": True},
                "withheld_cells": {"type": "integer", "minimum": 1},
            },
            "Only withheld cells are behind this figure",
        ),
        _closed(
            {
                "value": {"type": "integer", "not": {"minimum": 1, "maximum": SMALLEST_PUBLISHED - 1}},
                "suppressed": {"const": False},
                "withheld_cells": INTEGER,
            },
            "The sum of the published cells (0 or at least 5)",
        ),
    ],
}
STATS_SCHEMAS["IncludesDemo"] = {
    "type": "boolean",
    "description": "true when the database holds demonstration data, so these figures may be made up",
}
STATS_SCHEMAS["StatsFilters"] = _closed(
    {
        "area": {"type": ["string", "null"]},
        "division": {"enum": [*DIVISION_SLUGS, None]},
        "region": {"enum": [*REGION_SLUGS, None]},
        "weeks": {"enum": list(PERIOD_WEEKS)},
    },
    "The filters the figures are for, as the query string gave them",
)
STATS_SCHEMAS["StatsPeriod"] = _closed(
    {"weeks": INTEGER, "first_week": DATE, "last_week": DATE},
    "The weeks covered, each named by its Monday (UTC); the last is this week, still being counted",
)
STATS_SCHEMAS["StatsRow"] = _closed(
    {
        "key": {"type": "string", "description": "The area, division or region slug, or all"},
        "label": {"type": "string"},
        "live_listings": {**INTEGER, "description": "Live now; a listing counts in its first area only"},
        "listings_by_type": COUNTS_BY_NAME,
        "listings_by_level": COUNTS_BY_NAME,
        "places": {
            **INTEGER,
            "description": "On live listings; events have none, a listing silent on it one",
        },
        "expressions_of_interest": _ref("Count"),
        "interest_per_place": {
            "type": ["number", "null"],
            "description": "Published expressions of interest for each place; null without either",
        },
        "registered_interest": {
            **PEOPLE_BY_AREA,
            "description": f"People who registered interest in the area. {NOT_KEPT_BY_REGION}",
        },
        "suggested": {**PEOPLE_BY_AREA, "description": f"Shown by Find your fit. {NOT_KEPT_BY_REGION}"},
        "opened": {**PEOPLE_BY_AREA, "description": f"Opened from Find your fit. {NOT_KEPT_BY_REGION}"},
    },
    "The figures for one area, division or region, or for everything the filters cover",
)
STATS_SCHEMAS["StatsWeek"] = _closed(
    {
        "week": {**DATE, "description": "The Monday (UTC) the week starts on"},
        "listings_went_live": INTEGER,
        "places_went_live": INTEGER,
        "expressions_of_interest": _ref("Count"),
        "registered_interest": PEOPLE_BY_AREA,
        "suggested": PEOPLE_BY_AREA,
        "opened": PEOPLE_BY_AREA,
    }
)
STATS_SCHEMAS["StatsSummary"] = _closed(
    {
        "overall": _ref("StatsRow"),
        "filters": _ref("StatsFilters"),
        "period": _ref("StatsPeriod"),
        "includes_demo": _ref("IncludesDemo"),
        "suppression": {"type": "string", "description": "The rule that withholds small counts, in words"},
        "links": _closed(
            {name: {"type": "string"} for name in STATS_ENDPOINTS},
            "The other figures for the same filters",
        ),
    }
)
STATS_SCHEMAS["ShortageRow"] = _closed(
    {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "places": INTEGER,
        "interest": {
            **_ref("Count"),
            "description": "Registered interest and expressions of interest together (within a region, "
            "expressions of interest only)",
        },
        "places_per_person": {
            "type": "number",
            "description": "(places + 1) / (people + 1), taking the end of the interest range that makes "
            "the case weakest",
        },
        "sentence": {"type": "string"},
        "small_numbers": {"type": "boolean", "description": "Fewer than 20 places or people"},
    }
)
STATS_SCHEMAS["Shortage"] = _closed(
    {
        "places_outrun_interest": {"type": "array", "items": _ref("ShortageRow")},
        "interest_outruns_places": {"type": "array", "items": _ref("ShortageRow")},
        "cautions": STRINGS,
        "filters": _ref("StatsFilters"),
        "period": _ref("StatsPeriod"),
        "includes_demo": _ref("IncludesDemo"),
    }
)
STATS_SCHEMAS["StatsRows"] = _stats_list_of("StatsRow")
STATS_SCHEMAS["StatsWeeks"] = _stats_list_of("StatsWeek")


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


STATS_PARAMETERS = [
    _query("area", "Only this service area (a slug from /service-areas)", _ref("ServiceAreaSlug")),
    _query("division", "Only the areas in this division", {"type": "string", "enum": list(DIVISION_SLUGS)}),
    _query(
        "region",
        "Only listings in this region and expressions of interest in them; " + NOT_KEPT_BY_REGION,
        {"type": "string", "enum": list(REGION_SLUGS)},
    ),
    _query(
        "weeks",
        "How many weeks, ending with this one",
        {"type": "integer", "enum": list(PERIOD_WEEKS), "default": DEFAULT_PERIOD_WEEKS},
    ),
]


def _stats(operation_id: str, summary: str, schema: str, description: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": "Open aggregates, the same for everyone. " + description,
            "parameters": STATS_PARAMETERS,
            "responses": {
                "200": _json(_ref(schema), summary),
                "400": _json(_ref("Error"), "A filter names nothing that exists; the message says why"),
                "429": _json(_ref("Error"), "Too many requests"),
            },
        }
    }


STATS_PATHS = {
    "/stats/summary": _stats(
        "getStatsSummary",
        "Workforce figures for everything the filters cover",
        "StatsSummary",
        "With the period, the rule that withholds counts of 1 to 4 people, and links to the rest.",
    ),
    "/stats/areas": _stats(
        "listStatsAreas", "Workforce figures by service area", "StatsRows", "One row per area, by slug."
    ),
    "/stats/divisions": _stats(
        "listStatsDivisions",
        "Workforce figures by division",
        "StatsRows",
        "One row per division with areas in the filters.",
    ),
    "/stats/regions": _stats(
        "listStatsRegions",
        "Workforce figures by region",
        "StatsRows",
        "A listing's region is its own place's, else its organisation's, else not-known.",
    ),
    "/stats/weeks": _stats(
        "listStatsWeeks", "Workforce figures by week", "StatsWeeks", "One item per week, oldest first."
    ),
    "/stats/shortage": _stats(
        "getStatsShortage",
        "Where places outrun interest, and where interest outruns places",
        "Shortage",
        "Up to 10 areas each way; an area is ranked only if the imbalance holds across the whole "
        "range its withheld counts allow.",
    ),
}


def area_slugs() -> dict[str, Any]:
    """The areas the stats filters accept, from the very cells that check them."""
    areas = current_cells(current_app.config["WORKFORCE_CACHE_SECONDS"]).areas
    return {"type": "string", "enum": sorted(areas)}
