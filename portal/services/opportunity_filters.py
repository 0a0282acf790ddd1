"""The wire form of a search for opportunities: what it may ask, and the shape of what it finds.

``SearchFilters`` is the one definition: it validates requests and generates the API's OpenAPI
parameters. The API reads it strictly (``parse_search_args``: unknown or bad parameters are a 400
with a message); the page reads it leniently (``read_search_args``: unknown parameters and values a
person cannot have chosen are dropped, and only what they typed is explained back to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from portal.models import Opportunity
from portal.models.opportunities import OPPORTUNITY_TYPES
from portal.services.entry_routes import STAGES
from portal.services.listings import LEVELS, SCHOOL_GROUP_TYPES
from portal.services.places import MAX_LENGTH as MAX_PLACE_LENGTH
from portal.services.places import parse_postcode

TYPES = tuple(OPPORTUNITY_TYPES)
SORTS = ("relevance", "closing", "distance", "newest")
MAX_QUERY = 200
PER_PAGE = 20
MAX_PAGE = 500
DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 200
CLOSING_SOON_DAYS = 14
# NUL is refused by every request before a view runs; saying so here keeps the OpenAPI document honest.
NO_NUL = r"^[^\x00]*$"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LIST_FIELDS = frozenset({"type"})
# Fields a person types on the page: a problem with these is explained, not silently dropped.
TYPED_FIELDS = {
    "q": f"Keep your search to {MAX_QUERY} characters or fewer",
    "near": f"Enter a town, city or postcode district of {MAX_PLACE_LENGTH} characters or fewer",
}


class SearchRequestError(ValueError):
    """A search the API cannot answer; the message says why, for a person to read."""


class SearchFilters(BaseModel):
    """A search for live opportunities, as query-string parameters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    q: str | None = Field(
        default=None, max_length=MAX_QUERY, pattern=NO_NUL, description="Words to look for, like 'audiology'."
    )
    type: tuple[Literal[TYPES], ...] = Field(  # type: ignore[valid-type]
        default=(), description="Kinds of opportunity; repeat the parameter for more than one."
    )
    level: Literal[LEVELS] | None = Field(  # type: ignore[valid-type]
        default=None, description="A career level from the content vocabulary."
    )
    service_area: str | None = Field(
        default=None,
        max_length=80,
        pattern=SLUG,
        description="A service area's slug; its child areas are included.",
    )
    stage: Literal[STAGES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Only listings that suit this stage."
    )
    closing_soon: bool = Field(
        default=False, description=f"Only listings closing within {CLOSING_SOON_DAYS} days."
    )
    school_groups: bool = Field(
        default=False,
        description=f"Only listings open to school groups (types: {', '.join(SCHOOL_GROUP_TYPES)}).",
    )
    near: str | None = Field(
        default=None,
        max_length=MAX_PLACE_LENGTH,
        pattern=NO_NUL,
        description="A UK town, city or postcode district; unknown places are a 400 with suggestions.",
    )
    radius_km: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RADIUS_KM,
        description=f"How far from near, in km (default {DEFAULT_RADIUS_KM}); only with near.",
    )
    sort: Literal[SORTS] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Default: relevance with q, distance with near, else closing (soonest first).",
    )
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description=f"Page number, {PER_PAGE} listings a page.")

    @field_validator("q", "level", "service_area", "stage", "near", "radius_km", "sort", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("radius_km", "page", mode="before")
    @classmethod
    def _whole_float_is_an_integer(cls, value: Any) -> Any:
        # JSON Schema counts 5.0 as an integer, so the API must too; NaN, Infinity and 5.5 stay refused.
        return int(value) if isinstance(value, float) and value.is_integer() else value

    @model_validator(mode="after")
    def _radius_needs_a_place(self) -> SearchFilters:
        if self.radius_km is not None and self.near is None:
            raise ValueError("radius_km can only be used with near.")
        return self

    @property
    def radius(self) -> int:
        """The radius to search within, in km."""
        return self.radius_km or DEFAULT_RADIUS_KM

    @property
    def effective_sort(self) -> str:
        """The order used: the one asked for when it makes sense, else the default for the search."""
        usable = {"relevance": bool(self.q), "distance": bool(self.near), "closing": True, "newest": True}
        if self.sort is not None and usable[self.sort]:
            return self.sort
        return "relevance" if self.q else "distance" if self.near else "closing"

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """The filters that are set, as query-string arguments for links that keep them."""
        values = {**self.model_dump(exclude_defaults=True), **changes}
        values = {key: value for key, value in values.items() if value not in (None, (), False, "")}
        if "type" in values:
            values["type"] = list(values["type"])
        for flag in ("closing_soon", "school_groups"):
            if values.get(flag):
                values[flag] = "true"
        if values.get("page") == 1:
            values.pop("page")
        return values


def _message(error: dict[str, Any]) -> str:
    """A sentence for the first problem pydantic found, naming the parameter as the API does."""
    field = str(error["loc"][0]) if error["loc"] else None
    if error["type"] == "extra_forbidden":
        return f"Unknown parameter {field[:40]!r}: send only {', '.join(SearchFilters.model_fields)}."
    messages = {
        "q": f"q can be at most {MAX_QUERY} characters long.",
        "type": f"type must be one of: {', '.join(TYPES)}.",
        "level": f"level must be one of: {', '.join(LEVELS)}.",
        "service_area": "service_area must be a service area's slug, like audiology.",
        "stage": f"stage must be one of: {', '.join(STAGES)}.",
        "closing_soon": "closing_soon must be true or false.",
        "school_groups": "school_groups must be true or false.",
        "near": f"near must be a place name of at most {MAX_PLACE_LENGTH} characters.",
        "radius_km": f"radius_km must be a whole number of kilometres from 1 to {MAX_RADIUS_KM}.",
        "sort": f"sort must be one of: {', '.join(SORTS)}.",
        "page": f"page must be a whole number from 1 to {MAX_PAGE}.",
    }
    return messages.get(field or "", str(error.get("msg", "")).removeprefix("Value error, "))


def _values(args: Mapping[str, Any], name: str) -> Any:
    getlist = getattr(args, "getlist", None)
    values = getlist(name) if getlist else ([args[name]] if name in args else [])
    if name in LIST_FIELDS:
        return [value for value in values if value != ""]
    return values[0] if values else None


def parse_search_args(args: Mapping[str, Any]) -> SearchFilters:
    """The API's reading of a query string: every parameter must be known and valid (SearchRequestError)."""
    names = list(args.keys())
    raw = {name: _values(args, name) for name in names}
    try:
        return SearchFilters.model_validate(raw)
    except ValidationError as error:
        raise SearchRequestError(_message(error.errors(include_url=False)[0])) from None


def read_search_args(args: Mapping[str, Any]) -> tuple[SearchFilters, dict[str, str]]:
    """The page's reading: unknown parameters ignored, bad values dropped; problems with typed fields."""
    raw = {name: _values(args, name) for name in SearchFilters.model_fields}
    raw = {name: value for name, value in raw.items() if value not in (None, [])}
    if not str(raw.get("near") or "").strip():
        # The page always sends a radius, which means nothing until a place is typed.
        raw.pop("radius_km", None)
    problems: dict[str, str] = {}
    for _ in SearchFilters.model_fields:
        try:
            return SearchFilters.model_validate(raw), problems
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                name = str(detail["loc"][0]) if detail["loc"] else "radius_km"
                raw.pop(name, None)
                if name in TYPED_FIELDS:
                    problems[name] = TYPED_FIELDS[name]
    return SearchFilters(), problems


def listing_summary(opportunity: Opportunity, url: str) -> dict[str, Any]:
    """One live listing in the API contract's shape (DESIGN.md section 4), without ``distance_km``."""
    if opportunity.online:
        location = {"name": "Online", "postcode_district": None, "lat": None, "lon": None}
    else:
        postcode = parse_postcode(opportunity.postcode) if opportunity.postcode else None
        location = {
            "name": opportunity.town,
            "postcode_district": postcode.outward if postcode else None,
            "lat": opportunity.latitude,
            "lon": opportunity.longitude,
        }
    return {
        "id": opportunity.id,
        "title": opportunity.title,
        "type": opportunity.type,
        "level": opportunity.level,
        "service_areas": opportunity.area_slugs,
        "organisation": opportunity.organisation.name,
        "location": location,
        "closing_date": opportunity.closes_on.isoformat(),
        "url": url,
    }


def with_distance(summary: dict[str, Any], distance: float | None) -> dict[str, Any]:
    """``summary`` with ``distance_km`` (to 0.1 km; null for an online listing), for searches near a place."""
    return {**summary, "distance_km": None if distance is None else round(distance, 1)}
