"""Expressions of interest from the organisation's side: read them, and say where each has got to.

Members see only what candidates sent: a reference, the listing, the date, the message, and an
email address only when the candidate chose to share it. Nothing else about the person.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.auth import current_membership, member_required
from portal.extensions import db
from portal.forms import PortalForm, submitted_once
from portal.models.candidates import INTEREST_STATUSES
from portal.models.organisations import APPROVED
from portal.organisations.blueprint import bp
from portal.services import interest as interest_service


class InterestStatusForm(PortalForm):
    """Where the organisation has got to with an expression of interest."""

    status = RadioField(
        "Status",
        choices=[SelectChoice(value, label) for value, label in INTEREST_STATUSES.items()],
        validators=[InputRequired("Choose a status")],
    )


def _chosen_listing(value: str | None, listings: list[tuple[int, str]]) -> int | None:
    # Only the organisation's own listings can be chosen; anything else shows every listing.
    if not value or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    return int(value) if int(value) in {listing_id for listing_id, _ in listings} else None


def _approved_organisation() -> Any:
    # A suspended organisation keeps its account but no longer reads what candidates sent it.
    organisation = current_membership().organisation
    return organisation if organisation.status == APPROVED else None


@bp.get("/interest")
@member_required
def interests() -> str:
    """Expressions of interest in the organisation's listings, filterable by listing and status."""
    organisation = _approved_organisation()
    if organisation is None:
        return render_template("organisations/interests.html", organisation=current_membership().organisation)
    listings = interest_service.listings_with_interest(organisation.id)
    listing_id = _chosen_listing(request.args.get("listing"), listings)
    status = request.args.get("status")
    status = status if status in INTEREST_STATUSES else None
    return render_template(
        "organisations/interests.html",
        organisation=organisation,
        interests=interest_service.interests_for_organisation(organisation.id, listing_id, status),
        listings=listings,
        chosen_listing=listing_id,
        chosen_status=status,
        statuses=INTEREST_STATUSES,
    )


@bp.route("/interest/<int:interest_id>", methods=["GET", "POST"])
@member_required
@submitted_once
def interest(interest_id: int) -> Any:
    """One expression of interest, and the status the candidate will see."""
    organisation = _approved_organisation() or abort(404)
    row = interest_service.organisations_interest(organisation.id, interest_id) or abort(404)
    form = InterestStatusForm(data={"status": row.status})
    if form.validate_on_submit():
        changed = interest_service.set_status(row, form.status.data)
        db.session.commit()
        label = INTEREST_STATUSES[form.status.data].lower()
        flash(
            f"Status changed to {label}. The candidate can see it."
            if changed
            else f"The status was already {label}."
        )
        return redirect(url_for("organisations.interest", interest_id=interest_id))
    page = render_template(
        "organisations/interest.html",
        organisation=organisation,
        interest=interest_service.seen_by_organisation(row),
        form=form,
    )
    return page, 400 if form.errors else 200
