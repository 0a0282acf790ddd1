"""Public pages: home, service areas, entry routes, sitemap."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request

from portal.caching import cached_page
from portal.links import absolute_url
from portal.public import (
    glossary,  # noqa: F401  (adds /glossary and /accessibility to the blueprint)
    start,  # noqa: F401  (adds /start/ and /start/<stage> to the blueprint)
    workforce,  # noqa: F401  (adds /workforce to the blueprint)
)
from portal.public.blueprint import bp
from portal.services import entry_routes as route_service
from portal.services import service_areas as area_service
from portal.services.entry_routes import STAGES
from portal.services.opportunity_filters import SearchFilters
from portal.services.opportunity_search import search_live_opportunities

MAX_COMPARE = 3
PROFILE_OPPORTUNITIES = 5


@bp.get("/")
@cached_page
def home() -> str:
    """The front door: what healthcare science is, and ways into the service."""
    areas = area_service.all_service_areas()
    return render_template(
        "public/home.html",
        area_count=len(areas),
        divisions=area_service.grouped(areas),
    )


@bp.get("/what-is-healthcare-science")
@cached_page
def about() -> str:
    """Healthcare science explained for a 14-year-old."""
    return render_template(
        "public/about.html", divisions=area_service.grouped(area_service.all_service_areas())
    )


@bp.get("/service-areas/")
@cached_page
def service_areas() -> str:
    """Browse and search every service area, with filters that work without JavaScript."""
    filters = area_service.BrowseFilters.from_args(request.args)
    everything = area_service.all_service_areas()
    found = area_service.browse(filters) if filters.active else everything
    view = "a-z" if request.args.get("view") == "a-z" else "groups"
    labels = current_app.extensions["content_reference"].vocabulary
    return render_template(
        "public/service_areas.html",
        filters=filters,
        areas=found,
        total=len(everything),
        groups=area_service.grouped(found),
        letters=area_service.a_to_z(found),
        view=view,
        counts=area_service.facet_counts(everything),
        options=area_service.filter_options(everything, labels),
    )


@bp.get("/service-areas/compare")
@cached_page
def compare() -> str:
    """Up to three service areas side by side."""
    # ?slugs=a,b,c is the shareable form; the page's own form sends ?slug=a&slug=b.
    asked = request.args.get("slugs", "").split(",") + request.args.getlist("slug")
    wanted = list(dict.fromkeys(s.strip() for s in asked if s.strip()))
    areas = area_service.service_areas_by_slugs(wanted[:MAX_COMPARE])
    unknown = [slug for slug in wanted if slug not in {a.slug for a in areas}]
    return render_template(
        "public/compare.html",
        areas=areas,
        unknown=unknown[:5],
        too_many=len(wanted) > MAX_COMPARE,
        all_areas=area_service.all_service_areas(),
    )


@bp.get("/service-areas/<slug>")
@cached_page
def service_area(slug: str) -> str:
    """One profile, with its ways in for the reader's stage."""
    area = area_service.get_service_area(slug) or abort(404)
    stage = request.args.get("stage", "")
    stage = stage if stage in STAGES else ""
    family = area_service.service_areas_by_slugs(
        ([area.parent_slug] if area.parent_slug else []) + area.field("children")
    )
    return render_template(
        "public/service_area.html",
        area=area,
        stage=stage,
        stages=STAGES,
        plan=route_service.plan_for_stage(area, stage) if stage else [],
        parent=next((a for a in family if a.slug == area.parent_slug), None),
        children=[a for a in family if a.slug != area.parent_slug],
        related=area_service.service_areas_by_slugs(area.field("related")),
        # Cached with the page for up to PUBLIC_CACHE_SECONDS: a listing that closes may linger that long.
        opportunities=search_live_opportunities(
            SearchFilters(service_area=area.slug), per_page=PROFILE_OPPORTUNITIES
        ),
    )


@bp.get("/entry-routes/")
@cached_page
def entry_routes() -> str:
    """Every route in, from a first taste of the work to consultant training."""
    return render_template("public/entry_routes.html", routes=route_service.all_entry_routes(), stages=STAGES)


@bp.get("/entry-routes/<slug>")
@cached_page
def entry_route(slug: str) -> str:
    """One route in detail, with the areas it leads into."""
    route = route_service.get_entry_route(slug) or abort(404)
    return render_template(
        "public/entry_route.html",
        route=route,
        areas=area_service.areas_using_route(slug),
    )


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page, for search engines."""
    pages = [
        absolute_url("public.home"),
        absolute_url("public.about"),
        absolute_url("public.service_areas"),
        absolute_url("public.entry_routes"),
        absolute_url("public.workforce"),
        absolute_url("public.start"),
        absolute_url("public.glossary"),
        absolute_url("public.accessibility"),
    ]
    pages += [absolute_url("public.start_stage", stage=stage) for stage in STAGES]
    pages += [absolute_url("public.service_area", slug=a.slug) for a in area_service.all_service_areas()]
    pages += [absolute_url("public.entry_route", slug=r.slug) for r in route_service.all_entry_routes()]
    xml = render_template("public/sitemap.xml", pages=pages)
    return Response(xml, mimetype="application/xml")


@bp.get("/privacy")
@cached_page
def privacy() -> str:
    """The privacy notices: one for young people, one for adults."""
    return render_template("public/privacy.html")


@bp.get("/privacy/young-people")
@cached_page
def privacy_young_people() -> str:
    """What we collect, why, for how long and who sees it, written for 13 to 17 year olds."""
    return render_template("public/privacy_young_people.html")


@bp.get("/privacy/adults")
@cached_page
def privacy_adults() -> str:
    """What we collect, why, for how long and who sees it, for adults."""
    return render_template("public/privacy_adults.html")
