"""Queries and rules for service-area profiles."""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, fields
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import EntryRoute, ServiceArea

DIVISIONS = (
    "Life sciences",
    "Physiological sciences",
    "Physical sciences and biomedical engineering",
    "Clinical bioinformatics and data science",
)
ENTRY_LEVELS = {
    "school-leaver": "Straight from school or college",
    "degree": "With a degree",
    "postgraduate": "Graduate scientist training",
}
MAX_QUERY_TERMS = 12


def slugify(text: str) -> str:
    """Turn a division or theme name into a URL-safe key."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class BrowseFilters:
    """What a person asked for on the browse page; empty strings mean 'any'."""

    q: str = ""
    division: str = ""
    theme: str = ""
    subject: str = ""
    contact: str = ""
    setting: str = ""
    entry_level: str = ""

    @classmethod
    def from_args(cls, args: dict[str, str]) -> BrowseFilters:
        """Read filters from query-string arguments, trimming and bounding each."""
        values = {f.name: (args.get(f.name) or "").strip()[:200] for f in fields(cls)}
        return cls(**values)

    def as_args(self) -> dict[str, str]:
        """The filters that are set, as query-string arguments for links that keep them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @property
    def active(self) -> bool:
        """True when any filter or search is set."""
        return any(getattr(self, f.name) for f in fields(self))


def route_entry_level(route: EntryRoute) -> str | None:
    """The browse 'entry level' a route gives, or None for experience and equivalence."""
    if route.kind in ("experience", "equivalence"):
        return None
    if route.kind == "in-service" and route.career_level == "assistant":
        return "school-leaver"
    if route.level is None:
        return None
    if route.level <= 4:
        return "school-leaver"
    return "degree" if route.level <= 6 else "postgraduate"


def entry_levels(area: ServiceArea) -> set[str]:
    """Every entry level reachable through an area's routes."""
    levels = {route_entry_level(link.route) for link in area.routes}
    return {level for level in levels if level}


def _matches(area: ServiceArea, filters: BrowseFilters) -> bool:
    checks = (
        (filters.division, lambda: slugify(area.division) == filters.division),
        (filters.theme, lambda: slugify(area.theme) == filters.theme),
        (filters.subject, lambda: filters.subject in area.field("school_subjects")),
        (filters.contact, lambda: area.field("patient_contact") == filters.contact),
        (filters.setting, lambda: filters.setting in area.field("work_settings")),
        (filters.entry_level, lambda: filters.entry_level in entry_levels(area)),
    )
    return all(check() for wanted, check in checks if wanted)


def query_terms(text: str) -> list[str]:
    """Lower-cased words of a search, punctuation removed, at most MAX_QUERY_TERMS."""
    cleaned = text.lower().translate(str.maketrans(string.punctuation, " " * len(string.punctuation)))
    return cleaned.split()[:MAX_QUERY_TERMS]


def all_service_areas() -> list[ServiceArea]:
    """Every profile with its routes, ordered by division, theme and name."""
    statement = select(ServiceArea).options(selectinload(ServiceArea.routes))
    areas = list(db.session.scalars(statement))
    order = {name: index for index, name in enumerate(DIVISIONS)}
    return sorted(areas, key=lambda a: (order.get(a.division, 99), a.theme, a.name.lower()))


def browse(filters: BrowseFilters) -> list[ServiceArea]:
    """Profiles matching every filter and containing every search word."""
    statement = select(ServiceArea.slug)
    for term in query_terms(filters.q):
        statement = statement.where(ServiceArea.search_text.contains(term, autoescape=True))
    wanted = set(db.session.scalars(statement))
    return [a for a in all_service_areas() if a.slug in wanted and _matches(a, filters)]


def grouped(areas: list[ServiceArea]) -> list[tuple[str, list[tuple[str, list[ServiceArea]]]]]:
    """Areas grouped by division, then by theme, keeping the given order."""
    result = []
    for division, in_division in groupby(areas, key=lambda a: a.division):
        themes = [(theme, list(items)) for theme, items in groupby(in_division, key=lambda a: a.theme)]
        result.append((division, themes))
    return result


def a_to_z(areas: list[ServiceArea]) -> list[tuple[str, list[ServiceArea]]]:
    """Areas by first letter of their name."""
    ordered = sorted(areas, key=lambda a: a.name.lower())
    return [(letter, list(items)) for letter, items in groupby(ordered, key=lambda a: a.name[0].upper())]


def facet_counts(areas: list[ServiceArea]) -> dict[str, Counter]:
    """How many of ``areas`` fall under each filter value."""
    counts: dict[str, Counter] = {
        key: Counter() for key in ("division", "theme", "subject", "contact", "setting", "entry_level")
    }
    for area in areas:
        counts["division"][slugify(area.division)] += 1
        counts["theme"][slugify(area.theme)] += 1
        counts["contact"][area.field("patient_contact")] += 1
        counts["subject"].update(area.field("school_subjects"))
        counts["setting"].update(area.field("work_settings"))
        counts["entry_level"].update(entry_levels(area))
    return counts


def filter_options(
    areas: list[ServiceArea], labels: dict[str, dict[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for each browse filter, in a sensible order."""
    themes = dict.fromkeys(area.theme for area in areas)
    return {
        "division": [(slugify(name), name) for name in DIVISIONS],
        "theme": [(slugify(name), name) for name in themes],
        "subject": list(labels["school_subjects"].items()),
        "contact": list(labels["patient_contact"].items()),
        "setting": list(labels["work_settings"].items()),
        "entry_level": list(ENTRY_LEVELS.items()),
    }


def get_service_area(slug: str) -> ServiceArea | None:
    """One profile by slug, or None."""
    return db.session.get(ServiceArea, slug, options=[selectinload(ServiceArea.routes)])


def service_areas_by_slugs(slugs: list[str]) -> list[ServiceArea]:
    """The profiles for ``slugs`` in the order given, skipping unknown ones."""
    # Their routes come in one more query, not one per area: every caller shows each area's routes.
    query = select(ServiceArea).where(ServiceArea.slug.in_(slugs)).options(selectinload(ServiceArea.routes))
    found = {a.slug: a for a in db.session.scalars(query)}
    return [found[slug] for slug in slugs if slug in found]


def areas_using_route(route_slug: str) -> list[ServiceArea]:
    """Profiles that list a given entry route, by name."""
    areas = [a for a in all_service_areas() if any(link.route_slug == route_slug for link in a.routes)]
    return sorted(areas, key=lambda a: a.name.lower())
