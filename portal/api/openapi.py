"""The OpenAPI 3.1 description of /api/v1: what exists, and nothing more."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from portal.api.openapi_parts import STRINGS
from portal.api.openapi_parts import json_response as _json
from portal.api.openapi_parts import list_of as _list_of
from portal.api.openapi_parts import ref as _ref
from portal.api.stats_openapi import STATS_PATHS, STATS_SCHEMAS, area_slugs
from portal.links import absolute_url
from portal.services.opportunity_filters import SearchFilters
from portal.services.suggestions import MatchParameters

NOT_FOUND = _json(_ref("Error"), "Not found")
MATCH_RESPONSES = {
    "200": _json(_ref("MatchResult"), "Suggestions, best first"),
    "400": _json(_ref("Error"), "The request was not valid; the message says why"),
    "429": _json(_ref("Error"), "Too many requests"),
    "503": _json(_ref("Error"), "The matching index is not ready"),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
# Null when a band is not in the pay table, so the band is still given without pounds.
PAY_OR_NULL = {"anyOf": [_ref("Pay"), {"type": "null"}]}

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
    "Pay": {
        "type": "object",
        "description": "Full-time Agenda for Change pay a year, from the entry point of the lowest band "
        "to the top of the highest, for one nation and NHS financial year",
        "required": ["from", "to", "currency", "period", "nation", "year"],
        "properties": {
            "from": {"type": "integer"},
            "to": {"type": "integer"},
            "currency": {"const": "GBP"},
            "period": {"const": "year"},
            "nation": {"type": "string"},
            "year": {"type": "string", "pattern": "^[0-9]{4}/[0-9]{2}$"},
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
                            "required": ["level", "role", "bands", "pay"],
                            "properties": {
                                "level": {"type": "string"},
                                "role": {"type": "string"},
                                "bands": {"type": "string"},
                                "uncertain": {"type": "boolean"},
                                "note": {"type": "string"},
                                "pay": PAY_OR_NULL,
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
                    "pay_bands": {
                        "type": "array",
                        "description": "Bands the route's pay text and details mention, with pay in pounds",
                        "items": {
                            "type": "object",
                            "required": ["bands", "pay"],
                            "properties": {"bands": {"type": "string"}, "pay": _ref("Pay")},
                        },
                    },
                    "stages": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "stage": {"type": "string"},
                                "fit": {"type": "integer"},
                                "next_step": {"type": "string"},
                                "fit_reason": {
                                    "type": "string",
                                    "description": "Why the route is suggested this early at this stage, "
                                    "where that needs saying (only some routes carry it)",
                                },
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
    "required": ["query", "stage", "confident", "outside_field", "suggestions", "opportunities"],
    "properties": {
        "query": {"type": "string"},
        "stage": {"type": ["string", "null"]},
        "confident": {
            "type": "boolean",
            "description": "false when nothing in healthcare science fits well, or when outside_field is set",
        },
        "outside_field": {
            "description": (
                "The profession outside healthcare science that the words name (nursing, medicine, "
                "radiography ...), or null. When set, confident is false and the suggestions start with "
                "the healthcare science areas that work beside that profession."
            ),
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["name", "why", "learn_more_url"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string", "description": "The profession, e.g. 'Nursing'"},
                        "why": {"type": "string", "description": "One plain sentence on how it differs"},
                        "learn_more_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The NHS Health Careers page that explains the profession",
                        },
                    },
                },
            ],
        },
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
            "description": (
                "Service-area profiles and entry routes into NHS healthcare science, suggestions for "
                "free text, live opportunities, and open workforce figures (no count of 1 to 4 people)."
            ),
        },
        "servers": [{"url": absolute_url("api.service_areas").removesuffix("/service-areas")}],
        "paths": {**PATHS, **STATS_PATHS},
        "components": {"schemas": {**SCHEMAS, **STATS_SCHEMAS, "ServiceAreaSlug": area_slugs()}},
    }
