"""Posting opportunities: write a listing, send it for review, see what the moderator said, edit, close."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from portal.auth import current_membership, member_required, signed_in_user
from portal.extensions import db
from portal.forms import submitted_once
from portal.organisations.blueprint import bp
from portal.organisations.listing_forms import CloseForm, ListingForm, initial_values
from portal.services.listing_facts import listing_facts
from portal.services.listings import ListingData, check_listing
from portal.services.moderation import history, reason_words
from portal.services.opportunities import (
    EDITABLE,
    LifecycleError,
    close_listing,
    create_listing,
    latest_decision,
    listing_for_organisation,
    pending_listing_data,
    submit_listing,
    update_listing,
)
from portal.services.service_areas import all_service_areas

LIVE, REJECTED, REFERRED_BACK = "live", "rejected", "referred-back"


def _labels() -> dict[str, dict[str, str]]:
    return current_app.extensions["content_reference"].vocabulary


def _form(**initial: Any) -> ListingForm:
    return ListingForm(data=initial or None).with_choices(_labels(), all_service_areas())


def _own_listing(opportunity_id: int) -> Any:
    opportunity = listing_for_organisation(opportunity_id, current_membership().organisation_id)
    if opportunity is None:
        abort(404)
    return opportunity


def _checked(form: ListingForm) -> ListingData | None:
    """The listing the form describes, or None with every problem put on its field."""
    form.validate()  # CSRF only: the fields carry no validators, check_listing holds the rules
    data, problems = check_listing(form.values(), date.today())
    form.show_problems(problems)
    return data


def _send_for_review(opportunity: Any) -> None:
    try:
        submit_listing(opportunity, signed_in_user())
    except LifecycleError as error:
        flash(f"Saved as a draft, not sent: {error}")
    else:
        flash("Listing live." if opportunity.status == LIVE else "Listing sent for review.")


@bp.route("/opportunities/new", methods=["GET", "POST"])
@member_required
@submitted_once
def listing_new() -> Any:
    """The empty listing form; posting it saves a draft, and the second button also sends it for review."""
    form = _form()
    organisation = current_membership().organisation
    if request.method == "POST":
        data = _checked(form)
        if data is not None:
            opportunity = create_listing(organisation, signed_in_user(), data)
            if request.form.get("action") == "submit":
                _send_for_review(opportunity)
            else:
                flash("Listing saved as a draft.")
            db.session.commit()
            return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))
    status = 400 if form.errors else 200
    return render_template("organisations/listing_new.html", form=form, organisation=organisation), status


def _decision_to_show(opportunity: Any) -> Any:
    # An old referral that was since dealt with must not read as something still to do.
    if opportunity.status in (REFERRED_BACK, REJECTED) or opportunity.pending_status == REFERRED_BACK:
        return latest_decision(opportunity)
    return None


def _listing_page(opportunity: Any, close_form: CloseForm | None = None, status: int = 200) -> Any:
    pending = pending_listing_data(opportunity)
    decision = _decision_to_show(opportunity)
    page = render_template(
        "organisations/listing.html",
        opportunity=opportunity,
        organisation=opportunity.organisation,
        facts=listing_facts(opportunity, _labels()),
        pending_facts=listing_facts(pending, _labels()) if pending else None,
        decision=decision,
        decision_reason=reason_words(decision) if decision else None,
        dashboard_href=url_for("organisations.dashboard"),
        history=history(opportunity),
        close_form=close_form or CloseForm(),
        editable=opportunity.status in (*EDITABLE, LIVE),
    )
    return page, status


@bp.get("/opportunities/<int:opportunity_id>")
@member_required
def listing(opportunity_id: int) -> Any:
    """The poster's view: the status in words, what to change, any pending change, and the history."""
    return _listing_page(_own_listing(opportunity_id))


@bp.route("/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
@member_required
def listing_edit(opportunity_id: int) -> Any:
    """The listing form, filled in; a live listing's change goes to review while the live version stays up."""
    opportunity = _own_listing(opportunity_id)
    if opportunity.status not in (*EDITABLE, LIVE):
        flash("This listing cannot be changed now.")
        return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))
    source = pending_listing_data(opportunity) or opportunity
    slugs = source.service_areas if isinstance(source, ListingData) else opportunity.area_slugs
    form = _form(**initial_values(source, slugs)) if request.method == "GET" else _form()
    if request.method == "POST":
        data = _checked(form)
        if data is not None:
            return _save_edit(opportunity, data)
    return render_template("organisations/listing_edit.html", form=form, opportunity=opportunity), (
        400 if form.errors else 200
    )


def _save_edit(opportunity: Any, data: ListingData) -> Any:
    was_live = opportunity.status == LIVE
    update_listing(opportunity, signed_in_user(), data)
    if request.form.get("action") == "submit" and opportunity.status in EDITABLE:
        _send_for_review(opportunity)
    elif was_live and opportunity.pending_status is None:
        flash("Your changes are live.")
    elif was_live:
        flash("Your changes were sent for review. The current version stays up until they are approved.")
    else:
        flash("Your changes were saved.")
    db.session.commit()
    return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))


@bp.post("/opportunities/<int:opportunity_id>/submit")
@member_required
@submitted_once
def listing_submit(opportunity_id: int) -> Any:
    """Send a draft, or a listing referred back, for review."""
    opportunity = _own_listing(opportunity_id)
    try:
        submit_listing(opportunity, signed_in_user())
    except LifecycleError as error:
        flash(str(error))
        return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))
    db.session.commit()
    flash("Listing live." if opportunity.status == LIVE else "Listing sent for review.")
    return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))


@bp.post("/opportunities/<int:opportunity_id>/close")
@member_required
@submitted_once
def listing_close(opportunity_id: int) -> Any:
    """Take a live listing down, saying why."""
    opportunity = _own_listing(opportunity_id)
    form = CloseForm()
    form.validate()
    reason = form.chosen_reason()
    if reason is None:
        return _listing_page(opportunity, form, 400)
    try:
        close_listing(opportunity, signed_in_user(), reason)
    except LifecycleError as error:
        form.reason.errors = [str(error)]
        return _listing_page(opportunity, form, 400)
    db.session.commit()
    flash("Listing closed.")
    return redirect(url_for("organisations.listing", opportunity_id=opportunity.id))
