"""Saving service areas and listings, and registering interest in an area.

Public pages are cached and the same for everyone, so they link here with plain GET links: each
page asks the signed-in candidate to confirm with a POST button (an anonymous visitor is sent to
sign in and comes back). Saving or registering twice keeps one row.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.auth import candidate_required, current_candidate
from portal.candidates.blueprint import bp
from portal.candidates.interest_forms import ButtonForm
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.models import ServiceArea
from portal.services import saved_items
from portal.services.opportunity_search import is_open, public_opportunity
from portal.services.service_areas import get_service_area

TOO_MANY = "You have done this too many times in a short while. Wait a minute, then try again."
SAVES_PER_MINUTE = 20


def _area(slug: str) -> ServiceArea:
    return get_service_area(slug) or abort(404)


def _to_dashboard(anchor: str) -> Response:
    return redirect(url_for("candidates.dashboard", _anchor=anchor))


def _checked_button() -> None:
    if not ButtonForm().validate():
        abort(400)


@bp.route("/saved-areas/<slug>", methods=["GET", "POST"])
@candidate_required
@limiter.limit(shared_limit(SAVES_PER_MINUTE), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def save_area(slug: str) -> str | Response:
    """Ask the candidate to confirm saving a service area; posting saves it."""
    candidate = current_candidate()
    area = _area(slug)
    form = ButtonForm()
    if form.validate_on_submit():
        _, created = saved_items.save_area(candidate, area)
        db.session.commit()
        flash(f"{area.name} is saved in your account." if created else f"{area.name} was already saved.")
        return _to_dashboard("saved-areas")
    saved = saved_items.saved_area(candidate, area.slug)
    return render_template("candidates/saved_area.html", area=area, saved=saved, form=form)


@bp.post("/saved-areas/<slug>/remove")
@candidate_required
def unsave_area(slug: str) -> Response:
    """Take a service area out of the candidate's saved items."""
    _checked_button()
    candidate = current_candidate()
    area = get_service_area(slug)
    removed = saved_items.unsave_area(candidate, slug)
    if not removed and area is None:
        abort(404)
    db.session.commit()
    flash(f"{area.name if area else 'That area'} is no longer saved in your account.")
    return _to_dashboard("saved-areas")


@bp.route("/saved-listings/<int:opportunity_id>", methods=["GET", "POST"])
@candidate_required
@limiter.limit(shared_limit(SAVES_PER_MINUTE), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def save_listing(opportunity_id: int) -> str | Response:
    """Ask the candidate to confirm saving a listing; posting saves it (only while it is open)."""
    candidate = current_candidate()
    opportunity = public_opportunity(opportunity_id) or abort(404)
    saved = saved_items.saved_listing(candidate, opportunity.id)
    listing_open = is_open(opportunity)
    form = ButtonForm()
    if form.validate_on_submit():
        if not (listing_open or saved):
            # Closed since the page was shown: the page, shown again, says so.
            return redirect(url_for("candidates.save_listing", opportunity_id=opportunity.id), code=303)
        _, created = saved_items.save_listing(candidate, opportunity)
        db.session.commit()
        title = opportunity.title
        flash(f"{title} is saved in your account." if created else f"{title} was already saved.")
        return _to_dashboard("saved-listings")
    return render_template(
        "candidates/saved_listing.html", opportunity=opportunity, saved=saved, open=listing_open, form=form
    )


@bp.post("/saved-listings/<int:opportunity_id>/remove")
@candidate_required
def unsave_listing(opportunity_id: int) -> Response:
    """Take a listing out of the candidate's saved items (whatever has happened to the listing since)."""
    _checked_button()
    row = saved_items.saved_listing(current_candidate(), opportunity_id)
    if row is None:
        if public_opportunity(opportunity_id) is None:
            abort(404)
        flash("That listing is no longer saved in your account.")
        return _to_dashboard("saved-listings")
    title = row.opportunity.title
    saved_items.unsave_listing(current_candidate(), opportunity_id)
    db.session.commit()
    flash(f"{title} is no longer saved in your account.")
    return _to_dashboard("saved-listings")


@bp.route("/interest-in/<slug>", methods=["GET", "POST"])
@candidate_required
@limiter.limit(shared_limit(SAVES_PER_MINUTE), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def register_interest(slug: str) -> str | Response:
    """Explain what registering interest in an area means, and whether it is counted; posting registers it."""
    candidate = current_candidate()
    area = _area(slug)
    form = ButtonForm()
    if form.validate_on_submit():
        _, created = saved_items.register_area_interest(candidate, area)
        db.session.commit()
        flash(
            f"Your interest in {area.name} is registered."
            if created
            else f"You had already registered your interest in {area.name}."
        )
        return _to_dashboard("area-interests")
    return render_template(
        "candidates/interest_in_area.html",
        area=area,
        registered=saved_items.area_interest(candidate, area.slug),
        counted=saved_items.interest_is_counted(candidate),
        young=candidate.is_young,
        form=form,
    )


@bp.post("/interest-in/<slug>/remove")
@candidate_required
def remove_area_interest(slug: str) -> Response:
    """Remove registered interest in an area (any anonymous count already made stays)."""
    _checked_button()
    area = get_service_area(slug)
    removed = saved_items.remove_area_interest(current_candidate(), slug)
    if not removed and area is None:
        abort(404)
    db.session.commit()
    flash(f"Your interest in {area.name if area else 'that area'} is no longer registered.")
    return _to_dashboard("area-interests")
