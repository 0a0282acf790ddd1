"""An organisation's home page: its status, the member's role, and (soon) its listings."""

from __future__ import annotations

from flask import render_template

from portal.auth import current_membership, member_required
from portal.models.organisations import APPROVED, DECLINED
from portal.organisations.blueprint import bp
from portal.services import organisations
from portal.services.interest import new_interest_count
from portal.services.opportunities import listings_for_organisation


@bp.get("/")
@member_required
def dashboard() -> str:
    """Where a member lands after signing in."""
    membership = current_membership()
    organisation = membership.organisation
    reason = organisations.decline_reason(organisation) if organisation.status == DECLINED else None
    return render_template(
        "organisations/dashboard.html",
        membership=membership,
        organisation=organisation,
        decline_reason=reason,
        listings=listings_for_organisation(organisation.id),
        new_interests=new_interest_count(organisation.id) if organisation.status == APPROVED else 0,
    )
