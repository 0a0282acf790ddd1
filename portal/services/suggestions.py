"""Suggestions for a person's own words: validation, ranking with their preferences, routes by stage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from matching import OutsideField
from portal.services.entry_routes import STAGES, routes_for
from portal.services.matching import current_matcher
from portal.services.opportunity_filters import listing_summary
from portal.services.opportunity_search import live_opportunities_for_areas
from portal.services.service_areas import service_areas_by_slugs

MAX_TEXT = 1000
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
PREFERENCE_BOOST = 0.04
_WHITESPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# No NUL anywhere (the portal refuses it in every request), and one character Python's strip() keeps.
TEXT_PATTERN = rf"^[^\x00]*[^\x00{_WHITESPACE}][^\x00]*$"
FIT_ORDER = {"best": 0, "great": 1, "good": 2}
LAB_SETTINGS = {"hospital-laboratory", "regional-or-national-laboratory", "clean-room"}
COMMUNITY_SETTINGS = {"community", "schools", "patients-homes"}
# Live listings shown beside the suggestions, from the areas of the first few.
MAX_OPPORTUNITIES = 3
OPPORTUNITY_AREAS = 3

# What a person can say matters to them, and how a profile shows it.
MATTERS = {
    "patients": ("Working with patients", lambda p: p["patient_contact"] in ("lots", "some")),
    "lab": ("Laboratory work", lambda p: bool(LAB_SETTINGS & set(p["work_settings"]))),
    "engineering": (
        "Engineering and technology",
        lambda p: (
            "engineering-workshop" in p["work_settings"]
            or bool({"engineering", "design-and-technology"} & set(p["school_subjects"]))
        ),
    ),
    "data": (
        "Data and computers",
        lambda p: "computer-based" in p["work_settings"] or "computer-science" in p["school_subjects"],
    ),
    "community": ("Out in the community", lambda p: bool(COMMUNITY_SETTINGS & set(p["work_settings"]))),
}


class MatchRequestError(ValueError):
    """The request cannot be answered; the message says why, for a person to read."""


class MatchParameters(BaseModel):
    """The wire form of a match request (query string or JSON body): the one definition that both
    validates requests and describes them in the OpenAPI document."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    q: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        # Spelled out because JSON Schema's \S would let "\x85" through, which strip() removes.
        pattern=TEXT_PATTERN,
        description="What the person enjoys, is curious about or has done, in their own words.",
    )
    stage: Literal[STAGES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Where the person is now; orders the ways in."
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many suggestions.")

    @field_validator("stage", mode="before")
    @classmethod
    def _blank_stage_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("limit", mode="before")
    @classmethod
    def _whole_float_is_an_integer(cls, value: Any) -> Any:
        # JSON Schema counts 5.0 as an integer, so the API must too; NaN, Infinity and 5.5 stay refused.
        return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True)
class MatchRequest:
    """What someone asked, checked."""

    text: str
    stage: str | None = None
    limit: int = DEFAULT_LIMIT
    subjects: tuple[str, ...] = ()
    matters: tuple[str, ...] = ()


def _message(error: dict[str, Any]) -> str:
    """A sentence a person can act on, for the first problem pydantic found."""
    field = error["loc"][0] if error["loc"] else None
    kind = error["type"]
    if field == "q":
        if kind == "string_pattern_mismatch" and "\x00" in str(error["input"]):
            return "q cannot contain NUL characters."
        if kind in ("missing", "string_too_short", "string_pattern_mismatch"):
            return "Tell us something about what you enjoy or have done: q is empty."
        if kind == "string_too_long":
            return f"q is {len(error['input'])} characters long; please keep it to {MAX_TEXT}."
        return "q must be text."
    if field == "limit":
        return f"limit must be a whole number from 1 to {MAX_LIMIT}."
    if field == "stage":
        return f"stage must be one of: {', '.join(STAGES)}."
    if kind == "extra_forbidden":
        return f"Unknown field {str(field)[:40]!r}: send only q, stage and limit."
    if kind == "json_invalid":
        return f"The body is not valid JSON ({error['ctx']['error']})."
    return 'Send a JSON object such as {"q": "I like physics"}.'


def _parameters(data: Mapping[str, Any] | str | bytes, strict: bool) -> MatchParameters:
    try:
        if isinstance(data, str | bytes):
            return MatchParameters.model_validate_json(data, strict=strict)
        # A query string or form may carry other parameters (a campaign tag, say); only a body is strict.
        known = {key: data[key] for key in MatchParameters.model_fields if key in data}
        return MatchParameters.model_validate(known, strict=strict)
    except ValidationError as error:
        raise MatchRequestError(_message(error.errors(include_url=False)[0])) from None


def parse_match_request(
    data: Mapping[str, Any] | str | bytes, subjects: Iterable[str] = (), matters: Iterable[str] = ()
) -> MatchRequest:
    """Check ``q``, ``stage`` and ``limit``; raise MatchRequestError with a readable message.

    ``data`` is a mapping of text values (a query string or a form, converted as needed) or a raw JSON
    body, which is parsed strictly: no NaN or Infinity, no deep nesting, no numbers as strings.
    """
    unknown = [m for m in matters if m not in MATTERS]
    if unknown:
        raise MatchRequestError(f"Unknown preference: {', '.join(unknown)}.")
    parameters = _parameters(data, strict=isinstance(data, str | bytes))
    return MatchRequest(
        text=parameters.q,
        stage=parameters.stage,
        limit=parameters.limit,
        subjects=tuple(subjects),
        matters=tuple(matters),
    )


def _preference_reasons(
    profile: dict[str, Any], request: MatchRequest, labels: Mapping[str, str]
) -> list[str]:
    reasons = []
    shared = [s for s in request.subjects if s in profile["school_subjects"]]
    if shared:
        names = ", ".join(labels.get(s, s) for s in shared)
        reasons.append(f"You enjoy {names.lower()}, which helps in this work.")
    for key in request.matters:
        label, shows = MATTERS[key]
        if shows(profile):
            reasons.append(f"You said {label.lower()} matters to you, and this work involves it.")
    return reasons


def _opportunity_path(opportunity_id: int) -> str:
    # The listing's address is fixed by the URL contract (DESIGN.md section 4); the API passes absolute ones.
    return f"/opportunities/{opportunity_id}"


def _outside_field(outside: OutsideField | None) -> dict[str, str] | None:
    """The neighbouring profession the words name, as the answer shows it, or None."""
    if outside is None:
        return None
    return {"name": outside.name, "why": outside.why, "learn_more_url": outside.learn_more_url}


def suggest(
    request: MatchRequest,
    subject_labels: Mapping[str, str] | None = None,
    opportunity_url: Callable[[int], str] = _opportunity_path,
) -> dict[str, Any]:
    """Ranked service areas with fit, reasons and routes for the stage; the API's response body.

    When the words name a neighbouring profession (a nurse, a radiologist), ``outside_field`` says so
    and the areas that work beside it come first; otherwise it is None.
    """
    result = current_matcher().query(request.text, k=max(request.limit * 2, 20))
    areas = {a.slug: a for a in service_areas_by_slugs([m.id for m in result.matches])}
    ranked = []
    for match in result.matches:
        area = areas.get(match.id)
        if area is None:
            continue
        extra = _preference_reasons(area.profile, request, subject_labels or {})
        ranked.append(
            (FIT_ORDER[match.fit], -(match.score + PREFERENCE_BOOST * len(extra)), match, area, extra)
        )
    if result.outside_field is None:
        ranked.sort(key=lambda item: item[:2])
    else:
        # The areas that work beside the profession come first, in the order the content gives them.
        beside = {slug: position for position, slug in enumerate(result.outside_field.related)}
        ranked.sort(key=lambda item: beside.get(item[3].slug, len(beside)))
    suggestions = [
        {
            "slug": area.slug,
            "name": area.name,
            "score": round(match.score, 4),
            "fit": match.fit,
            "reasons": [reason.text for reason in match.reasons] + extra,
            "entry_routes": routes_for(area, request.stage),
        }
        for _, _, match, area, extra in ranked[: request.limit]
    ]
    # Listings beside a guess would look like advice: only a confident answer shows them.
    # Words that name another profession are never a confident answer, whatever the scores say.
    confident = result.confident and result.outside_field is None
    areas = [item["slug"] for item in suggestions[:OPPORTUNITY_AREAS]] if confident else []
    found = live_opportunities_for_areas(areas, limit=MAX_OPPORTUNITIES)
    return {
        "query": request.text,
        "stage": request.stage,
        "confident": confident,
        "outside_field": _outside_field(result.outside_field),
        "suggestions": suggestions,
        "opportunities": [listing_summary(f.opportunity, opportunity_url(f.opportunity.id)) for f in found],
    }
