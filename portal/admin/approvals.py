"""Approving organisations that have signed up: approve, or decline with a reason; owners are emailed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.admin.account_forms import APPROVE, DecisionForm
from portal.admin.blueprint import bp
from portal.auth import admin_required, signed_in_user
from portal.extensions import db
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.services import account_mail, organisations


def _approvals_page(form: DecisionForm, failed_id: int | None = None) -> str:
    return render_template(
        "admin/approvals.html",
        organisations=organisations.pending_organisations(),
        owners=organisations.owners,
        form=form,
        failed_id=failed_id,
    )


@bp.get("/approvals")
@admin_required
def approvals() -> str:
    """Organisations waiting for approval, oldest first."""
    return _approvals_page(DecisionForm())


@bp.post("/approvals/decide")
@admin_required
@submitted_once
def decide() -> str | Response:
    """Approve or decline one organisation: recorded in the audit log, and its owners told by email."""
    form = DecisionForm()
    if not form.validate():
        return _approvals_page(form, form.organisation_id.data)
    organisation = organisations.organisation_by_id(form.organisation_id.data)
    if organisation is None:
        abort(404)
    admin = signed_in_user()
    try:
        if form.decision.data == APPROVE:
            organisations.approve_organisation(organisation, admin)
            account_mail.send_organisation_approved(organisation, absolute_url("organisations.dashboard"))
            message = f"{organisation.name} is approved. Its owners have been emailed."
        else:
            organisations.decline_organisation(organisation, admin, form.reason.data)
            account_mail.send_organisation_declined(organisation, form.reason.data)
            message = f"{organisation.name} has been declined. Its owners have been emailed the reason."
    except organisations.OrganisationError as problem:
        flash(f"{problem}.")
        return redirect(url_for("admin.approvals"))
    db.session.commit()
    flash(message)
    return redirect(url_for("admin.approvals"))
