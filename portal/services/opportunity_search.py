"""Finding live opportunities: SQL narrows, Python scores a light column select, full rows for one page.

Only listings with status ``live`` and a closing date of today or later are ever returned: the date
is checked in every query, so a listing whose date has passed disappears before the
``close-expired`` job records its closing. Keyword relevance comes from the matcher's service-area
index (a listing scores as its best area) plus a boost for the words found in its ``search_text``.

Online listings are included in searches near a place wherever they are run from, shown as
"Online" instead of a distance and placed after the located ones when sorting by distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.models import Opportunity, OpportunityArea, ServiceArea
from portal.models.opportunities import CLOSED, LIVE
from portal.services.listings import SCHOOL_GROUP_TYPES
from portal.services.opportunity_filters import CLOSING_SOON_DAYS, PER_PAGE, SearchFilters
from portal.services.opportunity_relevance import Keyword, best_area_scores, in_areas
from portal.services.places import Place, distance_km, find_place

KM_PER_DEGREE = 6371.0088 * math.pi / 180


class _Point(NamedTuple):
    lat: float
    lon: float


@dataclass(frozen=True)
class Found:
    """A listing found, with its distance from the place searched near (None when online or no place)."""

    opportunity: Opportunity
    distance_km: float | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the listings shown, how many matched in all, and the place searched near."""

    filters: SearchFilters
    results: list[Found]
    count: int
    page: int
    per_page: int
    sort: str
    place: Place | None = None

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least one, so "page 1 of 1" reads right when empty)."""
        return max(1, math.ceil(self.count / self.per_page))


def _live(today: date) -> list[ColumnElement[bool]]:
    return [Opportunity.status == LIVE, Opportunity.closes_on >= today]


def area_family(slug: str) -> list[str]:
    """``slug`` and every area beneath it (children, their children ...), from ``parent_slug``."""
    pairs = db.session.execute(select(ServiceArea.slug, ServiceArea.parent_slug)).all()
    children: dict[str | None, list[str]] = {}
    for child, parent in pairs:
        children.setdefault(parent, []).append(child)
    family, frontier = [slug], [slug]
    while frontier:
        frontier = [c for parent in frontier for c in children.get(parent, []) if c not in family]
        family += frontier
    return family


def area_names() -> dict[str, str]:
    """Every service area's name by slug (two columns, not whole profiles), for labelling listings."""
    return {slug: name for slug, name in db.session.execute(select(ServiceArea.slug, ServiceArea.name))}


def _near(place: Place, radius_km: float) -> ColumnElement[bool]:
    # A box around the circle lets the database use the coordinates; haversine trims the corners later.
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(place.lat))))
    box = and_(
        Opportunity.latitude.between(place.lat - dlat, place.lat + dlat),
        Opportunity.longitude.between(place.lon - dlon, place.lon + dlon),
    )
    return or_(Opportunity.online.is_(True), box)


def _conditions(filters: SearchFilters, today: date, place: Place | None) -> list[ColumnElement[bool]]:
    conditions = _live(today)
    if filters.type:
        conditions.append(Opportunity.type.in_(filters.type))
    if filters.level:
        conditions.append(Opportunity.level == filters.level)
    if filters.stage:
        # Stages are fixed slugs stored as a JSON list, so the quoted slug appears in its text exactly once.
        conditions.append(cast(Opportunity.stages, String).contains(f'"{filters.stage}"'))
    if filters.closing_soon:
        conditions.append(Opportunity.closes_on <= today + timedelta(days=CLOSING_SOON_DAYS))
    if filters.school_groups:
        # The box means something only for these types, whatever an older listing may hold.
        conditions.append(Opportunity.open_to_school_groups.is_(True))
        conditions.append(Opportunity.type.in_(SCHOOL_GROUP_TYPES))
    if filters.service_area:
        conditions.append(in_areas(area_family(filters.service_area)))
    if place is not None:
        conditions.append(_near(place, filters.radius))
    return conditions


class _Row(NamedTuple):
    id: int
    closes: str
    since: str
    distance: float | None
    score: float


def _ordered(rows: list[_Row], sort: str) -> list[_Row]:
    if sort == "newest":
        return sorted(rows, key=lambda row: (row.since, row.id), reverse=True)
    keys = {
        "relevance": lambda row: (-row.score, row.closes, row.id),
        "distance": lambda row: (row.distance is None, row.distance or 0.0, row.closes, row.id),
    }
    return sorted(rows, key=keys.get(sort, lambda row: (row.closes, row.id)))


def _ranked(
    conditions: list[ColumnElement[bool]], filters: SearchFilters, place: Place | None
) -> list[tuple[int, float | None]]:
    """(id, distance) of every match, in order, scored in Python on a light column select."""
    keyword = Keyword.read(filters.q) if filters.q else None
    if keyword is not None:
        condition = keyword.condition()
        if condition is None:
            return []
        conditions = [*conditions, condition]
    # Dates as ISO text sort the same and skip turning every row's value into a date object.
    since = cast(func.coalesce(Opportunity.live_since, Opportunity.created_at), String)
    columns = (Opportunity.id, cast(Opportunity.closes_on, String), since, Opportunity.latitude)
    text = Opportunity.search_text if keyword is not None else literal("")
    statement = select(*columns, Opportunity.longitude, Opportunity.online, text).where(*conditions)
    best = best_area_scores(keyword) if keyword is not None else {}
    rows = []
    for oid, closes, live_since, lat, lon, online, listing_text in db.session.execute(statement):
        distance = None
        if place is not None and not online:
            distance = distance_km(place, _Point(lat, lon))
            if distance > filters.radius:
                continue
        score = keyword.score(best.get(oid, 0.0), listing_text) if keyword is not None else 0.0
        if keyword is None or score > 0:
            rows.append(_Row(oid, closes, live_since or "", distance, score))
    return [(row.id, row.distance) for row in _ordered(rows, filters.effective_sort)]


def _sql_ranked(conditions: list[ColumnElement[bool]], sort: str, offset: int, limit: int) -> list[int]:
    """One page of ids ordered by the database, for searches with no keyword and no place."""
    if sort == "newest":
        since = func.coalesce(Opportunity.live_since, Opportunity.created_at)
        order = (since.desc(), Opportunity.id.desc())
    else:
        order = (Opportunity.closes_on, Opportunity.id)
    statement = select(Opportunity.id).where(*conditions).order_by(*order).offset(offset).limit(limit)
    return list(db.session.scalars(statement))


def load_opportunities(ids: Sequence[int]) -> dict[int, Opportunity]:
    """Whole listings with their organisation and areas, by id, for the few shown."""
    if not ids:
        return {}
    statement = (
        select(Opportunity)
        .where(Opportunity.id.in_(list(ids)))
        .options(joinedload(Opportunity.organisation), selectinload(Opportunity.areas))
    )
    return {opportunity.id: opportunity for opportunity in db.session.scalars(statement)}


def search_live_opportunities(
    filters: SearchFilters, per_page: int = PER_PAGE, today: date | None = None
) -> SearchPage:
    """One page of the live listings matching ``filters``; raises PlaceError for a place it cannot find."""
    today = today or date.today()
    place = find_place(filters.near) if filters.near else None
    conditions = _conditions(filters, today, place)
    sort = filters.effective_sort
    offset = (filters.page - 1) * per_page
    if filters.q is None and place is None:
        count = db.session.scalar(select(func.count(Opportunity.id)).where(*conditions)) or 0
        shown = [(oid, None) for oid in _sql_ranked(conditions, sort, offset, per_page)]
    else:
        ranked = _ranked(conditions, filters, place)
        count, shown = len(ranked), ranked[offset : offset + per_page]
    loaded = load_opportunities([oid for oid, _ in shown])
    results = [Found(loaded[oid], distance) for oid, distance in shown if oid in loaded]
    return SearchPage(filters, results, count, filters.page, per_page, sort, place)


def live_ids_gone_live_after(filters: SearchFilters, since: datetime, today: date | None = None) -> list[int]:
    """Ids of the live listings matching ``filters`` that went live after ``since``, oldest first.

    The same conditions as the search page (page and sort aside); raises PlaceError for an unknown place.
    """
    today = today or date.today()
    place = find_place(filters.near) if filters.near else None
    went_live = func.coalesce(Opportunity.live_since, Opportunity.created_at)
    conditions = [*_conditions(filters, today, place), went_live > since]
    if filters.q is None and place is None:
        statement = select(Opportunity.id).where(*conditions).order_by(went_live, Opportunity.id)
        return list(db.session.scalars(statement))
    newest_first = filters.model_copy(update={"sort": "newest", "page": 1})
    return [oid for oid, _ in reversed(_ranked(conditions, newest_first, place))]


def live_opportunities_for_areas(
    slugs: Sequence[str], place: Place | None = None, limit: int = 3, today: date | None = None
) -> list[Found]:
    """Up to ``limit`` live listings in ``slugs``, best area first (nearest first when a place is given)."""
    if not slugs or limit <= 0:
        return []
    rank = {slug: position for position, slug in enumerate(slugs)}
    statement = (
        select(OpportunityArea.opportunity_id, OpportunityArea.service_area_slug, Opportunity.closes_on)
        .add_columns(Opportunity.latitude, Opportunity.longitude, Opportunity.online)
        .join(Opportunity, Opportunity.id == OpportunityArea.opportunity_id)
        .where(OpportunityArea.service_area_slug.in_(list(slugs)), *_live(today or date.today()))
    )
    best: dict[int, tuple[Any, ...]] = {}
    for oid, slug, closes_on, lat, lon, online in db.session.execute(statement):
        located = place is not None and not online and lat is not None and lon is not None
        distance = distance_km(place, _Point(lat, lon)) if located else None  # type: ignore[arg-type]
        key = (distance is None, distance or 0.0) if place is not None else (rank[slug],)
        candidate = (*key, closes_on, oid, distance)
        best[oid] = min(best.get(oid, candidate), candidate)
    chosen = sorted(best.values())[:limit]
    loaded = load_opportunities([item[-2] for item in chosen])
    return [Found(loaded[item[-2]], item[-1]) for item in chosen if item[-2] in loaded]


def public_opportunity(opportunity_id: int) -> Opportunity | None:
    """A listing the public may see at its address: live, or closed (shown with a notice); else None."""
    opportunity = load_opportunities([opportunity_id]).get(opportunity_id)
    if opportunity is None or opportunity.status not in (LIVE, CLOSED):
        return None
    return opportunity


def is_open(opportunity: Opportunity, today: date | None = None) -> bool:
    """Whether people can still apply: live and the closing date not passed."""
    return opportunity.status == LIVE and opportunity.closes_on >= (today or date.today())
