"""Turn rows into the JSON shapes of the API contract (DESIGN.md section 4)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.content.pay import PayScales
from portal.links import absolute_url
from portal.models import EntryRoute, ServiceArea
from portal.services.opportunity_filters import listing_summary, with_distance
from portal.services.opportunity_search import SearchPage

PROFILE_LIST_FIELDS = (
    "day_to_day",
    "work_settings",
    "school_subjects",
    "skills",
    "alternative_titles",
    "keywords",
    "abbreviations",
    "registration",
    "pay_bands",
)


def _pay_scales() -> PayScales:
    return current_app.extensions["content_reference"].pay_scales


def pay_bands_with_pounds(rows: list[dict[str, Any]], scales: PayScales) -> list[dict[str, Any]]:
    """A profile's ``pay_bands`` rows, each with ``pay`` in pounds (null for a band the table lacks)."""
    with_pay = []
    for row in rows:
        found = scales.range_for(row.get("bands", ""))
        with_pay.append({**row, "pay": found.as_json() if found else None})
    return with_pay


def route_pay_bands(route: EntryRoute, scales: PayScales) -> list[dict[str, Any]]:
    """The bands a route's pay text and details mention, each with its pay in pounds."""
    sentences = [route.route.get("pay_while_training", ""), *route.field("details")]
    return [{"bands": found.bands, "pay": found.as_json()} for found in scales.ranges_in(sentences)]


def service_area_summary(area: ServiceArea) -> dict[str, Any]:
    """The short form used in lists."""
    return {
        "slug": area.slug,
        "name": area.name,
        "division": area.division,
        "theme": area.theme,
        "summary": area.summary,
        "url": absolute_url("api.service_area", slug=area.slug),
    }


def service_area_detail(area: ServiceArea) -> dict[str, Any]:
    """The whole profile."""
    detail = service_area_summary(area)
    detail.update({key: area.field(key) for key in PROFILE_LIST_FIELDS})
    detail["pay_bands"] = pay_bands_with_pounds(detail["pay_bands"], _pay_scales())
    detail.update(
        {
            "parent": area.parent_slug,
            "children": area.field("children"),
            "patient_contact": area.field("patient_contact"),
            "entry_routes": [link.route_slug for link in area.routes],
            "entry_route_notes": {link.route_slug: link.note for link in area.routes},
            "related": area.field("related"),
            "did_you_know": area.field("did_you_know"),
            "sources": area.field("sources"),
            "page_url": absolute_url("public.service_area", slug=area.slug),
        }
    )
    return detail


def entry_route_summary(route: EntryRoute) -> dict[str, Any]:
    """The short form used in lists."""
    return {
        "slug": route.slug,
        "name": route.name,
        "kind": route.kind,
        "level": route.level,
        "career_level": route.career_level,
        "summary": route.summary,
        "url": absolute_url("api.entry_route", slug=route.slug),
    }


def entry_route_detail(route: EntryRoute) -> dict[str, Any]:
    """The whole route, as written in content/entry-routes."""
    detail = entry_route_summary(route)
    detail.update(
        {
            key: value
            for key, value in route.route.items()
            if key not in detail and key != "uncertain_left_out"
        }
    )
    detail["pay_bands"] = route_pay_bands(route, _pay_scales())
    detail["page_url"] = absolute_url("public.entry_route", slug=route.slug)
    return detail


def opportunity_page(page: SearchPage) -> dict[str, Any]:
    """One page of a search: the total ``count``, the page's ``items``, and where the page is."""
    items = []
    for found in page.results:
        url = absolute_url("opportunities.detail", opportunity_id=found.opportunity.id)
        item = listing_summary(found.opportunity, url)
        items.append(with_distance(item, found.distance_km) if page.place else item)
    return {"count": page.count, "page": page.page, "pages": page.pages, "items": items}
