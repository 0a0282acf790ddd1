"""How listings read on the page, in the feed and to search engines: text only, never markup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, url_for

from portal.links import absolute_url
from portal.models import Opportunity
from portal.models.opportunities import OPPORTUNITY_TYPES
from portal.services.listings import PAY_KINDS, SCHOOL_GROUP_TYPES
from portal.services.opportunity_filters import DEFAULT_RADIUS_KM, SearchFilters
from portal.services.opportunity_search import Found, SearchPage, is_open

DEVOLVED_NATIONS = frozenset({"Scotland", "Wales", "Northern Ireland"})

JOB_LIKE = frozenset({"job", "apprenticeship", "training-post"})
EMPLOYMENT_TYPES = {"job": "FULL_TIME", "apprenticeship": "FULL_TIME", "training-post": "FULL_TIME"}
# Characters XML 1.0 forbids outright; a feed holding one is not well formed and readers drop it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SAFE_LINK = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(/[^\s<>\"']*)?")
SUMMARY_LENGTH = 300
RADII = (5, 10, 25, 50, 100)
SORT_LABELS = {
    "relevance": "Best match",
    "closing": "Closing soonest",
    "distance": "Nearest",
    "newest": "Newest",
}


def vocabulary() -> dict[str, dict[str, str]]:
    """The content vocabulary: labels for stages, career levels and the rest."""
    return current_app.extensions["content_reference"].vocabulary


def long_date(day: date) -> str:
    """A date as people write it: 3 January 2027."""
    return f"{day.day} {day:%B %Y}"


def rfc3339(moment: datetime | None) -> str:
    """A timestamp for Atom; SQLite hands back naive datetimes, which the portal stores in UTC."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML cannot hold (escaping is the template's job)."""
    return _NOT_XML.sub("", text or "")


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines), each a list of its lines, for the template to join."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return [[line.strip() for line in block.split("\n") if line.strip()] for block in blocks if block.strip()]


def pay_text(opportunity: Opportunity) -> str:
    """What the listing pays, said plainly."""
    if opportunity.pay_kind == "band" and opportunity.pay_band:
        band = f"Agenda for Change band {opportunity.pay_band}"
        # The table is England's: the other nations set their own rates, so there the band stands alone.
        if opportunity.region in DEVOLVED_NATIONS:
            return band
        pounds = current_app.extensions["content_reference"].pay_scales.range_for(opportunity.pay_band)
        return f"Agenda for Change {pounds.text[0].lower()}{pounds.text[1:]}" if pounds else band
    if opportunity.pay_kind == "salary" and opportunity.salary_min:
        high = opportunity.salary_max or opportunity.salary_min
        if high == opportunity.salary_min:
            return f"£{opportunity.salary_min:,} a year"
        return f"£{opportunity.salary_min:,} to £{high:,} a year"
    if opportunity.pay_kind == "apprentice-wage":
        return "The apprentice wage set by the employer (at least the legal minimum for apprentices)"
    if opportunity.pay_kind == "unpaid":
        return "Unpaid"
    return PAY_KINDS.get(opportunity.pay_kind, "Ask the organisation")


def where_text(found: Found) -> str:
    """Where it happens, with the distance from the place searched near."""
    opportunity = found.opportunity
    if opportunity.online:
        return "Online"
    town = opportunity.town or "Place not given"
    if found.distance_km is None:
        return town
    distance = "less than 1 km" if found.distance_km < 1 else f"{round(found.distance_km)} km"
    return f"{town}, {distance} away"


def area_labels(opportunity: Opportunity, names: dict[str, str]) -> list[str]:
    """The listing's service areas by name, most relevant first."""
    return [names.get(slug, slug) for slug in opportunity.area_slugs]


def result_rows(page: SearchPage, names: dict[str, str]) -> list[dict[str, Any]]:
    """What the search page shows of each listing found, beside the listing itself."""
    return [
        {
            "opportunity": found.opportunity,
            "where": where_text(found),
            "areas": ", ".join(area_labels(found.opportunity, names)),
        }
        for found in page.results
    ]


def pagination(page: SearchPage, endpoint: str = "opportunities.search") -> dict[str, Any] | None:
    """Parameters for the NHS.UK pagination macro: numbered pages near the current one, with gaps."""
    if page.pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for(endpoint, **page.filters.as_args(page=number))

    wanted = sorted({1, page.pages, *range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in wanted:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": href(number), "current": number == page.page})
    params: dict[str, Any] = {"items": items}
    if page.page > 1:
        params["previous"] = {"href": href(min(page.page - 1, page.pages))}
    if page.page < page.pages:
        params["next"] = {"href": href(page.page + 1)}
    return params


def apply_link(opportunity: Opportunity) -> str | None:
    """The external https address to apply at, or None when there is none fit to link to."""
    url = opportunity.apply_url or ""
    return url if opportunity.apply_kind == "external" and _SAFE_LINK.fullmatch(url) else None


def facts(opportunity: Opportunity, names: dict[str, str]) -> list[tuple[str, str]]:
    """The listing's details as (label, text) rows; empty values are left out by the rows macro."""
    labels = vocabulary()
    stages = ", ".join(labels["stages"].get(stage, stage) for stage in opportunity.stages or [])
    parts = (opportunity.site_name, opportunity.town, opportunity.postcode)
    place = "Online" if opportunity.online else ", ".join(part for part in parts if part)
    event = opportunity.event_starts_at
    return [
        ("Organisation", opportunity.organisation.name),
        ("Type", opportunity.type_label),
        ("Service areas", ", ".join(area_labels(opportunity, names))),
        ("Level", labels["career_levels"].get(opportunity.level, opportunity.level)),
        ("Suits", stages),
        ("Minimum age", f"{opportunity.minimum_age} or over" if opportunity.minimum_age else ""),
        ("Where", place),
        ("Starts", long_date(opportunity.starts_on) if opportunity.starts_on else ""),
        ("Event", f"{long_date(event.date())} at {event:%H:%M}" if event else ""),
        ("Closing date", long_date(opportunity.closes_on)),
        ("Places", str(opportunity.places) if opportunity.places else ""),
        ("Pay", pay_text(opportunity)),
        ("Hours", opportunity.hours or ""),
        ("School groups", "Open to school groups" if _open_to_school_groups(opportunity) else ""),
    ]


def _open_to_school_groups(opportunity: Opportunity) -> bool:
    return bool(opportunity.open_to_school_groups) and opportunity.type in SCHOOL_GROUP_TYPES


def job_posting(opportunity: Opportunity, today: date | None = None) -> dict[str, Any] | None:
    """schema.org JobPosting for open job-like listings; None otherwise, and never for a demonstration."""
    # Search engines list JobPostings as real vacancies: a closed or made-up one must not be offered.
    if opportunity.type not in JOB_LIKE or opportunity.is_demo or not is_open(opportunity, today):
        return None
    organisation = {"@type": "Organization", "name": opportunity.organisation.name}
    if opportunity.organisation.website:
        organisation["sameAs"] = opportunity.organisation.website
    posted = opportunity.live_since or opportunity.created_at
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": opportunity.title,
        "description": opportunity.description,
        "datePosted": posted.date().isoformat(),
        "validThrough": f"{opportunity.closes_on.isoformat()}T23:59:59",
        "employmentType": EMPLOYMENT_TYPES[opportunity.type],
        "hiringOrganization": organisation,
        "identifier": {"@type": "PropertyValue", "name": organisation["name"], "value": str(opportunity.id)},
        "url": absolute_url("opportunities.detail", opportunity_id=opportunity.id),
        "directApply": opportunity.apply_kind == "portal",
    }
    if opportunity.online:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "United Kingdom"}
    if opportunity.town:
        address = {"@type": "PostalAddress", "addressLocality": opportunity.town, "addressCountry": "GB"}
        if opportunity.postcode:
            address["postalCode"] = opportunity.postcode
        if opportunity.region:
            address["addressRegion"] = opportunity.region
        posting["jobLocation"] = {"@type": "Place", "address": address}
    if opportunity.pay_kind == "salary" and opportunity.salary_min:
        amount = {"@type": "QuantitativeValue", "minValue": opportunity.salary_min, "unitText": "YEAR"}
        amount["maxValue"] = opportunity.salary_max or opportunity.salary_min
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": "GBP", "value": amount}
    return posting


def feed_entries(page: SearchPage, names: dict[str, str]) -> list[dict[str, Any]]:
    """Atom entries for the listings found, every text cleaned of what XML cannot hold."""
    entries = []
    for found in page.results:
        opportunity = found.opportunity
        summary = " ".join(opportunity.description.split())
        if len(summary) > SUMMARY_LENGTH:
            summary = summary[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
        entries.append(
            {
                "url": absolute_url("opportunities.detail", opportunity_id=opportunity.id),
                "title": xml_text(opportunity.title),
                "organisation": xml_text(opportunity.organisation.name),
                "summary": xml_text(f"{opportunity.type_label}, {where_text(found)}. {summary}"),
                "published": rfc3339(opportunity.live_since or opportunity.created_at),
                "updated": rfc3339(opportunity.updated_at),
                "areas": [(slug, xml_text(names.get(slug, slug))) for slug in opportunity.area_slugs],
                "closes": long_date(opportunity.closes_on),
            }
        )
    return entries


def _options(blank: str, options: Any, selected: Any) -> list[dict[str, Any]]:
    items = [{"value": "", "text": blank}] if blank else []
    return items + [{"value": value, "text": text, "selected": value == selected} for value, text in options]


def search_form(filters: SearchFilters, names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Items for the search form's checkboxes and selects, keeping what the person chose."""
    labels = vocabulary()
    areas = sorted(names.items(), key=lambda item: item[1].lower())
    radius = filters.radius_km or DEFAULT_RADIUS_KM
    return {
        "types": [
            {"value": value, "text": text, "checked": value in filters.type}
            for value, text in OPPORTUNITY_TYPES.items()
        ],
        "levels": _options("Any level", labels["career_levels"].items(), filters.level),
        "areas": _options("Any service area", areas, filters.service_area),
        "stages": _options("Any stage", labels["stages"].items(), filters.stage),
        "radii": _options("", ((km, f"Within {km} km") for km in RADII), radius),
        "sorts": _options("Best order for my search", SORT_LABELS.items(), filters.sort),
        "school_groups": [
            {
                "value": "true",
                "text": "Open to school groups",
                "hint": {"text": "Events and work experience a teacher can bring a class to"},
                "checked": filters.school_groups,
            }
        ],
    }


def search_errors(problems: dict[str, str], place_message: str | None) -> list[dict[str, str]]:
    """The error summary's links: each problem points at the field to correct."""
    errors = [{"text": message, "href": f"#{name}"} for name, message in problems.items()]
    if place_message:
        errors.append({"text": place_message, "href": "#near"})
    return errors
