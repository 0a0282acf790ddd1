"""Queries and rules for entry routes, including the planner's ordering by stage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.models import EntryRoute, ServiceArea

STAGES = ("ks3", "gcse", "post16", "undergraduate", "graduate", "nhs-staff", "career-changer")
KIND_ORDER = (
    "experience",
    "school-qualification",
    "apprenticeship",
    "in-service",
    "degree",
    "postgraduate-training",
    "equivalence",
)


@dataclass(frozen=True)
class PlannedRoute:
    """One route into an area as it looks from one stage."""

    route: EntryRoute
    fit: int
    next_step: str
    area_note: str
    fit_reason: str = ""


@dataclass(frozen=True)
class StageRoute:
    """One route as it looks from one stage, whatever the area."""

    route: EntryRoute
    fit: int
    next_step: str
    fit_reason: str = ""


def _sort_key(route: EntryRoute) -> tuple[int, int, str]:
    return (route.level or 0, KIND_ORDER.index(route.kind), route.name)


def all_entry_routes() -> list[EntryRoute]:
    """Every route, from the earliest step to the most senior."""
    return sorted(db.session.scalars(select(EntryRoute)), key=_sort_key)


def get_entry_route(slug: str) -> EntryRoute | None:
    """One route by slug, or None."""
    return db.session.get(EntryRoute, slug)


def stage_advice(route: EntryRoute, stage: str) -> dict | None:
    """The route's ``{stage, fit, next_step}`` entry for ``stage``, if it suits that stage."""
    return next((entry for entry in route.field("stages") if entry["stage"] == stage), None)


def plan_for_stage(area: ServiceArea, stage: str) -> list[PlannedRoute]:
    """An area's routes that suit ``stage``, best fit first, then by level."""
    planned = []
    for link in area.routes:
        advice = stage_advice(link.route, stage)
        if advice:
            planned.append(
                PlannedRoute(
                    link.route, advice["fit"], advice["next_step"], link.note, advice.get("fit_reason", "")
                )
            )
    return sorted(planned, key=lambda p: (p.fit, _sort_key(p.route)))


def routes_for_stage(stage: str) -> list[StageRoute]:
    """Every route that suits ``stage``, best fit first, then from the earliest step."""
    found = []
    for route in all_entry_routes():
        advice = stage_advice(route, stage)
        if advice:
            found.append(StageRoute(route, advice["fit"], advice["next_step"], advice.get("fit_reason", "")))
    # all_entry_routes is already in step order, and the sort is stable.
    return sorted(found, key=lambda item: item.fit)


def routes_for(area: ServiceArea, stage: str | None) -> list[dict[str, str | int]]:
    """An area's routes for a stage, best first, each with its next step; or all, with the area's notes."""
    if stage:
        return [
            {"slug": p.route.slug, "name": p.route.name, "why": p.next_step, "fit": p.fit}
            for p in plan_for_stage(area, stage)
        ]
    return [{"slug": link.route_slug, "name": link.route.name, "why": link.note} for link in area.routes]
