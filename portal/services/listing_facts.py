"""A listing's facts as (label, plain words) pairs, so posters and moderators read the same summary.

Works on a live ``Opportunity`` and on a pending change (``ListingData``) alike, which is what lets
a moderator see an edit beside the version that is up now. Values are text, never HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.services.listings import APPLY_KINDS, OPPORTUNITY_TYPES, PAY_KINDS
from portal.services.service_areas import service_areas_by_slugs


@dataclass(frozen=True)
class ComparedFact:
    """One fact of the live version beside the same fact of the change waiting for review."""

    label: str
    live: str
    proposed: str

    @property
    def changed(self) -> bool:
        """Whether the change alters this fact."""
        return self.live != self.proposed


def _slugs(listing: Any) -> list[str]:
    return list(getattr(listing, "service_areas", None) or getattr(listing, "area_slugs", []))


def _pay(listing: Any) -> str:
    if listing.pay_kind == "band" and listing.pay_band:
        return f"Agenda for Change band {listing.pay_band}"
    if listing.pay_kind == "salary" and listing.salary_min:
        return f"£{listing.salary_min:,} to £{listing.salary_max or listing.salary_min:,} a year"
    return PAY_KINDS.get(listing.pay_kind or "", listing.pay_kind or "")


def _where(listing: Any) -> str:
    parts = [listing.site_name, listing.town, listing.postcode]
    place = ", ".join(part for part in parts if part)
    if listing.online:
        return f"Online ({place})" if place else "Online"
    return place


def _day(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def listing_facts(listing: Any, labels: Mapping[str, Mapping[str, str]]) -> list[tuple[str, str]]:
    """The listing's facts in the order a reader needs them; empty values are left for the caller to skip."""
    areas = ", ".join(area.name for area in service_areas_by_slugs(_slugs(listing)))
    stages = ", ".join(labels["stages"].get(stage, stage) for stage in listing.stages or [])
    event = listing.event_starts_at.strftime("%-d %B %Y at %H:%M") if listing.event_starts_at else ""
    apprenticeship = f"Level {listing.apprenticeship_level}" if listing.apprenticeship_level else ""
    if apprenticeship and listing.apprenticeship_standard:
        apprenticeship = f"{apprenticeship}: {listing.apprenticeship_standard}"
    apply = APPLY_KINDS.get(listing.apply_kind or "", "")
    if listing.apply_url:
        apply = f"{apply}: {listing.apply_url}"
    return [
        ("Title", listing.title or ""),
        ("Type", OPPORTUNITY_TYPES.get(listing.type, listing.type or "")),
        ("Service areas", areas),
        ("Career level", labels["career_levels"].get(listing.level, listing.level or "")),
        ("Apprenticeship", apprenticeship),
        ("Description", listing.description or ""),
        ("Who it suits", stages),
        ("Minimum age", str(listing.minimum_age or "")),
        ("Open to school groups", "Yes" if listing.open_to_school_groups else ""),
        ("Where", _where(listing)),
        ("Event", event),
        ("Starts", _day(listing.starts_on)),
        ("Closes", _day(listing.closes_on)),
        ("Places", str(listing.places or "")),
        ("Pay", _pay(listing)),
        ("Hours", listing.hours or ""),
        ("How to apply", apply),
    ]


def compare_facts(live: Any, proposed: Any, labels: Mapping[str, Mapping[str, str]]) -> list[ComparedFact]:
    """The live version's facts beside the proposed change's, fact by fact."""
    pairs = zip(listing_facts(live, labels), listing_facts(proposed, labels), strict=True)
    return [ComparedFact(label, now, then) for (label, now), (_, then) in pairs if now or then]
