"""Turn rows into the JSON shapes of the API contract (DESIGN.md section 4)."""

from __future__ import annotations

from typing import Any

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
