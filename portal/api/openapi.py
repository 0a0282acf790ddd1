"""The OpenAPI 3.1 description of /api/v1: what exists, and nothing more."""

from __future__ import annotations

from typing import Any

from flask import current_app
from pydantic import BaseModel

from portal.api.stats_serializers import STATS_ENDPOINTS
from portal.links import absolute_url
from portal.services.opportunity_filters import SearchFilters
from portal.services.suggestions import MatchParameters
from portal.services.workforce import (
    DEFAULT_PERIOD_WEEKS,
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    REGION_SLUGS,
    SMALLEST_PUBLISHED,
    current_cells,
)

STRINGS = {"type": "array", "items": {"type": "string"}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "items"],
        "properties": {"count": {"type": "integer"}, "items": {"type": "array", "items": _ref(name)}},
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


NOT_FOUND = _json(_ref("Error"), "Not found")
MATCH_RESPONSES = {
    "200": _json(_ref("MatchResult"), "Suggestions, best first"),
    "400": _json(_ref("Error"), "The request was not valid; the message says why"),
    "429": _json(_ref("Error"), "Too many requests"),
    "503": _json(_ref("Error"), "The matching index is not ready"),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "ServiceAreaSummary": {
        "type": "object",
        "required": ["slug", "name", "division", "theme", "summary", "url"],
        "properties": {
            key: {"type": "string"} for key in ("slug", "name", "division", "theme", "summary", "url")
        },
    },
    "ServiceArea": {
        "allOf": [
            _ref("ServiceAreaSummary"),
            {
                "type": "object",
                "required": [
                    "parent",
                    "children",
                    "day_to_day",
                    "work_settings",
                    "patient_contact",
                    "school_subjects",
                    "skills",
                    "alternative_titles",
                    "keywords",
                    "entry_routes",
                    "registration",
                    "pay_bands",
                    "related",
                ],
                "properties": {
                    "parent": {"type": ["string", "null"]},
                    "children": STRINGS,
                    "day_to_day": STRINGS,
                    "work_settings": STRINGS,
                    "patient_contact": {"enum": ["none", "some", "lots"]},
                    "school_subjects": STRINGS,
                    "skills": STRINGS,
                    "alternative_titles": STRINGS,
                    "keywords": STRINGS,
                    "abbreviations": STRINGS,
                    "entry_routes": STRINGS,
                    "entry_route_notes": {"type": "object", "additionalProperties": {"type": "string"}},
                    "registration": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "body": {"type": "string"},
                                "title": {"type": "string"},
                                "protected_title": {"type": "boolean"},
                                "note": {"type": "string"},
                            },
                        },
                    },
                    "pay_bands": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "level": {"type": "string"},
                                "role": {"type": "string"},
                                "bands": {"type": "string"},
                            },
                        },
                    },
                    "related": STRINGS,
                    "did_you_know": {"type": "string"},
                    "sources": STRINGS,
                    "page_url": {"type": "string"},
                },
            },
        ],
    },
    "EntryRouteSummary": {
        "type": "object",
        "required": ["slug", "name", "kind", "level", "career_level", "summary", "url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "level": {"type": ["integer", "null"]},
            "career_level": {"type": "string"},
            "summary": {"type": "string"},
            "url": {"type": "string"},
        },
    },
    "EntryRoute": {
        "allOf": [
            _ref("EntryRouteSummary"),
            {
                "type": "object",
                "properties": {
                    "length": {"type": "string"},
                    "pay_while_training": {"type": "string"},
                    "qualification": {"type": "string"},
                    "registration_outcome": {"type": "string"},
                    "entry_requirements": STRINGS,
                    "how_to_apply": {"type": "string"},
                    "when_to_apply": {"type": "string"},
                    "divisions": STRINGS,
                    "details": STRINGS,
                    "sources": STRINGS,
                    "stages": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "stage": {"type": "string"},
                                "fit": {"type": "integer"},
                                "next_step": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ],
    },
}

SCHEMAS["MatchRequest"] = MatchParameters.model_json_schema()


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A model's fields as OpenAPI query parameters (a query string cannot hold null)."""
    schema = model.model_json_schema()
    parameters = []
    for name, field in schema["properties"].items():
        field = dict(field)
        choices = [option for option in field.pop("anyOf", []) if option.get("type") != "null"]
        if choices:
            field.update(choices[0])
        if field.get("default") is None:
            field.pop("default", None)
        description = field.pop("description", None)
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "description": description,
                "schema": field,
            }
        )
    return parameters


SCHEMAS["MatchResult"] = {
    "type": "object",
    "required": ["query", "stage", "confident", "suggestions", "opportunities"],
    "properties": {
        "query": {"type": "string"},
        "stage": {"type": ["string", "null"]},
        "confident": {"type": "boolean", "description": "false when nothing in healthcare science fits well"},
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name", "score", "fit", "reasons", "entry_routes"],
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "score": {"type": "number", "minimum": 0, "maximum": 1},
                    "fit": {"enum": ["best", "great", "good"]},
                    "reasons": STRINGS,
                    "entry_routes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["slug", "name", "why"],
                            "properties": {
                                "slug": {"type": "string"},
                                "name": {"type": "string"},
                                "why": {"type": "string"},
                                "fit": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
        "opportunities": {"type": "array", "items": _ref("OpportunitySummary")},
    },
}

NULLABLE_NUMBER = {"type": ["number", "null"]}
SCHEMAS["OpportunitySummary"] = {
    "type": "object",
    "required": [
        "id",
        "title",
        "type",
        "level",
        "service_areas",
        "organisation",
        "location",
        "closing_date",
        "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "type": {"enum": list(SearchFilters.model_json_schema()["properties"]["type"]["items"]["enum"])},
        "level": {"type": "string"},
        "service_areas": STRINGS,
        "organisation": {"type": "string"},
        "location": {
            "type": "object",
            "description": 'An online listing\'s name is "Online", with no district or coordinates.',
            "required": ["name", "postcode_district", "lat", "lon"],
            "properties": {
                "name": {"type": ["string", "null"]},
                "postcode_district": {"type": ["string", "null"]},
                "lat": NULLABLE_NUMBER,
                "lon": NULLABLE_NUMBER,
            },
        },
        "closing_date": {"type": "string", "format": "date"},
        "url": {"type": "string", "description": "The listing's page"},
        "distance_km": {
            "type": ["number", "null"],
            "description": "Only when near is given; null for an online listing",
        },
    },
}
SCHEMAS["OpportunityPage"] = {
    "type": "object",
    "required": ["count", "page", "pages", "items"],
    "properties": {
        "count": {"type": "integer", "description": "Live listings matching, on every page"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "items": {"type": "array", "items": _ref("OpportunitySummary")},
    },
}
SCHEMAS["PlaceError"] = {
    "allOf": [
        _ref("Error"),
        {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"enum": ["unknown_place", "ambiguous_place"]},
                        "suggestions": {**STRINGS, "description": "Nearest spellings, or the namesakes"},
                    },
                }
            },
        },
    ]
}


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
SCHEMAS["Count"] = {
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
SCHEMAS["IncludesDemo"] = {
    "type": "boolean",
    "description": "true when the database holds demonstration data, so these figures may be made up",
}
SCHEMAS["StatsFilters"] = _closed(
    {
        "area": {"type": ["string", "null"]},
        "division": {"enum": [*DIVISION_SLUGS, None]},
        "region": {"enum": [*REGION_SLUGS, None]},
        "weeks": {"enum": list(PERIOD_WEEKS)},
    },
    "The filters the figures are for, as the query string gave them",
)
SCHEMAS["StatsPeriod"] = _closed(
    {"weeks": INTEGER, "first_week": DATE, "last_week": DATE},
    "The weeks covered, each named by its Monday (UTC); the last is this week, still being counted",
)
SCHEMAS["StatsRow"] = _closed(
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
SCHEMAS["StatsWeek"] = _closed(
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
SCHEMAS["StatsSummary"] = _closed(
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
SCHEMAS["ShortageRow"] = _closed(
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
SCHEMAS["Shortage"] = _closed(
    {
        "places_outrun_interest": {"type": "array", "items": _ref("ShortageRow")},
        "interest_outruns_places": {"type": "array", "items": _ref("ShortageRow")},
        "cautions": STRINGS,
        "filters": _ref("StatsFilters"),
        "period": _ref("StatsPeriod"),
        "includes_demo": _ref("IncludesDemo"),
    }
)
SCHEMAS["StatsRows"] = _stats_list_of("StatsRow")
SCHEMAS["StatsWeeks"] = _stats_list_of("StatsWeek")


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

PATHS: dict[str, Any] = {
    "/service-areas": {
        "get": {
            "operationId": "listServiceAreas",
            "summary": "Every service area",
            "responses": {"200": _json(_list_of("ServiceAreaSummary"), "All service areas")},
        }
    },
    "/service-areas/{slug}": {
        "get": {
            "operationId": "getServiceArea",
            "summary": "One whole profile",
            "parameters": [SLUG],
            "responses": {"200": _json(_ref("ServiceArea"), "The profile"), "404": NOT_FOUND},
        }
    },
    "/entry-routes": {
        "get": {
            "operationId": "listEntryRoutes",
            "summary": "Every entry route",
            "responses": {"200": _json(_list_of("EntryRouteSummary"), "All entry routes")},
        }
    },
    "/entry-routes/{slug}": {
        "get": {
            "operationId": "getEntryRoute",
            "summary": "One entry route",
            "parameters": [SLUG],
            "responses": {"200": _json(_ref("EntryRoute"), "The route"), "404": NOT_FOUND},
        }
    },
    "/match": {
        "get": {
            "operationId": "matchGet",
            "summary": "Suggest service areas for free text",
            "parameters": query_parameters(MatchParameters),
            "responses": MATCH_RESPONSES,
        },
        "post": {
            "operationId": "matchPost",
            "summary": "Suggest service areas for free text (JSON body)",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("MatchRequest")}},
            },
            "responses": MATCH_RESPONSES,
        },
    },
    "/opportunities": {
        "get": {
            "operationId": "searchOpportunities",
            "summary": "Live opportunities, 20 a page",
            "description": (
                "Only live listings whose closing date has not passed. Near a place, online listings are "
                "included with a null distance_km, after the located ones when sorted by distance."
            ),
            "parameters": query_parameters(SearchFilters),
            "responses": {
                "200": _json(_ref("OpportunityPage"), "One page of live listings"),
                "400": _json(
                    {"anyOf": [_ref("Error"), _ref("PlaceError")]},
                    "A parameter is not valid, or the place is unknown or ambiguous; the message says why",
                ),
                "429": _json(_ref("Error"), "Too many requests"),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def openapi_document() -> dict[str, Any]:
    """Build the document with this server's own base URL."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Healthcare Science Careers API",
            "version": "1.0.0",
            "description": "Service-area profiles and entry routes into NHS healthcare science.",
        },
        "servers": [{"url": absolute_url("api.service_areas").removesuffix("/service-areas")}],
        "paths": {**PATHS, **STATS_PATHS},
        "components": {"schemas": {**SCHEMAS, "ServiceAreaSlug": _stats_area_slugs()}},
    }


def _stats_area_slugs() -> dict[str, Any]:
    """The areas the stats filters accept, from the very cells that check them."""
    areas = current_cells(current_app.config["WORKFORCE_CACHE_SECONDS"]).areas
    return {"type": "string", "enum": sorted(areas)}
