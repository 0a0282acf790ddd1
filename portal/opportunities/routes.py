"""Finding opportunities: search, one listing, the feed and reports.

The search and listing pages are the same for everyone who asks the same question, so they are
stored (``cached_page``) under the exact query string. A listing that goes live, closes or is taken
down raises the public generation in the same transaction, so it leaves or joins every stored page
within seconds (see ``portal.caching``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from portal.caching import cached_page
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.opportunities import presenters
from portal.opportunities.forms import ReportForm
from portal.services.opportunity_filters import read_search_args
from portal.services.opportunity_search import (
    SearchPage,
    area_names,
    is_open,
    public_opportunity,
    search_live_opportunities,
)
from portal.services.places import AmbiguousPlaceError, PlaceError
from portal.services.reports import ReportError, report_listing

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")
FEED_ENTRIES = 50
# Listings are numbered by an INTEGER column: a bigger number is simply not found.
ID = "<int:opportunity_id>"


def _place_problem(error: PlaceError) -> dict[str, Any]:
    """The place error as the page shows it: the message, and the places it might have meant."""
    kind = "namesakes" if isinstance(error, AmbiguousPlaceError) else "spellings"
    return {"message": error.message, "choices": error.suggestions, "kind": kind}


def expression_of_interest_url(opportunity: Any) -> str | None:
    """Where a candidate expresses interest in the listing (after signing in), while it is open."""
    if not is_open(opportunity):
        return None
    return url_for("candidates.express_interest", opportunity_id=opportunity.id)


@bp.get("/")
@cached_page
def search() -> tuple[str, int]:
    """Search live opportunities by keyword, type, level, area, stage, closing date and place."""
    filters, problems = read_search_args(request.args)
    page: SearchPage | None = None
    place_problem = None
    try:
        page = search_live_opportunities(filters)
    except PlaceError as error:
        place_problem = _place_problem(error)
    names = area_names()
    context = {
        "filters": filters,
        "problems": problems,
        "place_problem": place_problem,
        "errors": presenters.search_errors(problems, place_problem and place_problem["message"]),
        "near_error": place_problem["message"] if place_problem else problems.get("near"),
        "page": page,
        "rows": presenters.result_rows(page, names) if page else [],
        "pagination": presenters.pagination(page) if page else None,
        "form": presenters.search_form(filters, names),
        "feed_url": url_for("opportunities.feed", **filters.as_args(page=1)),
    }
    status = 400 if problems or place_problem else 200
    return render_template("opportunities/search.html", **context), status


@bp.get("/feed.atom")
def feed() -> Response:
    """An Atom feed of the newest live listings matching the same parameters as the search page."""
    filters, _ = read_search_args(request.args)
    subtitle = None
    try:
        newest = filters.model_copy(update={"sort": "newest", "page": 1})
        page = search_live_opportunities(newest, FEED_ENTRIES)
        entries = presenters.feed_entries(page, area_names())
    except PlaceError as error:
        subtitle, entries = error.message, []
    args = filters.as_args(page=1)
    xml = render_template(
        "opportunities/feed.atom",
        entries=entries,
        title=presenters.xml_text(f"Opportunities matching “{filters.q}”" if filters.q else "Opportunities"),
        subtitle=presenters.xml_text(subtitle),
        feed_url=absolute_url("opportunities.feed", **args),
        page_url=absolute_url("opportunities.search", **args),
        updated=max((entry["updated"] for entry in entries), default=presenters.rfc3339(None)),
    )
    response = Response(xml, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get(f"/{ID}")
@cached_page
def detail(opportunity_id: int) -> str:
    """One listing: live, or closed with a notice; anything not yet or never public is a 404."""
    opportunity = public_opportunity(opportunity_id) or abort(404)
    names = area_names()
    return render_template(
        "opportunities/detail.html",
        opportunity=opportunity,
        open=is_open(opportunity),
        paragraphs=presenters.paragraphs(opportunity.description),
        facts=presenters.facts(opportunity, names),
        apply_link=presenters.apply_link(opportunity),
        interest_url=expression_of_interest_url(opportunity),
        posting=presenters.job_posting(opportunity),
        search_url=url_for("opportunities.search", service_area=(opportunity.area_slugs or [None])[0]),
    )


@bp.route(f"/{ID}/report", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"])
@submitted_once
def report(opportunity_id: int) -> Any:
    """Report a listing as wrong, fake or not allowed; the report is stored for the moderators."""
    opportunity = public_opportunity(opportunity_id) or abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            report_listing(opportunity, form.reason.data, form.details.data)
        except ReportError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("opportunities.report_sent", opportunity_id=opportunity.id))
    status = 400 if form.errors else 200
    return render_template("opportunities/report.html", opportunity=opportunity, form=form), status


@bp.get(f"/{ID}/report/sent")
def report_sent(opportunity_id: int) -> str:
    """Thank the person for a report and say what happens next."""
    opportunity = public_opportunity(opportunity_id) or abort(404)
    return render_template("opportunities/report_sent.html", opportunity=opportunity)
