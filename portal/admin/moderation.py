"""Moderation: the queue of listings and reports, one listing with its checks, and the decision."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for

from portal.admin.blueprint import bp
from portal.admin.moderation_forms import DecisionForm, ReportForm
from portal.auth import admin_required, signed_in_user
from portal.extensions import db
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.services.listing_facts import compare_facts, listing_facts
from portal.services.moderation import (
    automatic_checks,
    decide,
    find_listing,
    find_report,
    history,
    open_reports,
    reports_for,
    resolve_report,
    tell_owners,
)
from portal.services.opportunities import (
    REFERRAL_REASONS,
    REJECTION_REASONS,
    LifecycleError,
    awaiting_review,
    pending_listing_data,
)

SUBJECTS = {
    "approve": "Your listing is approved",
    "refer-back": "Your listing needs changes",
    "reject": "Your listing was not accepted",
}


def _labels() -> dict[str, dict[str, str]]:
    return current_app.extensions["content_reference"].vocabulary


@bp.get("/moderation")
@admin_required
def moderation() -> str:
    """Listings waiting for review and open reports, each with its automatic checks."""
    waiting = [(opportunity, automatic_checks(opportunity)) for opportunity in awaiting_review()]
    return render_template(
        "admin/moderation.html", waiting=waiting, reports=open_reports(), home_href=url_for("admin.home")
    )


def _item_page(opportunity: Any, form: DecisionForm, status: int = 200) -> tuple[str, int]:
    pending = pending_listing_data(opportunity)
    page = render_template(
        "admin/moderation_item.html",
        opportunity=opportunity,
        organisation=opportunity.organisation,
        facts=listing_facts(opportunity, _labels()),
        compared=compare_facts(opportunity, pending, _labels()) if pending else None,
        checks=automatic_checks(opportunity),
        reports=reports_for(opportunity),
        history=history(opportunity),
        form=form,
        report_form=ReportForm(),
    )
    return page, status


def _email_text(opportunity: Any, decision: str, code: str | None, detail: str | None) -> str:
    reasons = REFERRAL_REASONS if decision == "refer-back" else REJECTION_REASONS
    lines = [f"Listing: {opportunity.title}", ""]
    if decision == "approve":
        lines.append("A moderator approved it. It is live on Healthcare Science Careers now.")
    else:
        lines.append(f"A moderator {'referred it back' if decision == 'refer-back' else 'rejected it'}.")
        if code and code != "other":
            lines.append(f"Reason: {reasons.get(code, code)}")
        if detail:
            lines.append(f"What the moderator said: {detail}")
    link = absolute_url("organisations.listing", opportunity_id=opportunity.id)
    lines += ["", f"See the listing: {link}"]
    return "\n".join(lines)


@bp.route("/moderation/<int:opportunity_id>", methods=["GET", "POST"])
@admin_required
@submitted_once
def moderation_item(opportunity_id: int) -> Any:
    """One listing in full, its change beside the live version, checks, reports, history and the decision."""
    opportunity = find_listing(opportunity_id) or abort(404)
    form = DecisionForm()
    if not form.is_submitted():
        return _item_page(opportunity, form)
    if not form.check():
        return _item_page(opportunity, form, 400)
    decision, code, detail = form.decision.data, form.reason_code(), (form.detail.data or "").strip()
    try:
        decide(opportunity, signed_in_user(), decision, code, detail or None)
    except LifecycleError as error:
        form.decision.errors = [str(error)]
        return _item_page(opportunity, form, 400)
    tell_owners(opportunity, SUBJECTS[decision], _email_text(opportunity, decision, code, detail))
    db.session.commit()
    flash(
        f"Decision recorded: {form.decision.data.replace('-', ' ')}. The organisation's owners were emailed."
    )
    return redirect(url_for("admin.moderation"))


@bp.post("/moderation/reports/<int:report_id>")
@admin_required
@submitted_once
def moderation_report(report_id: int) -> Any:
    """Record what was done about a public report."""
    report = find_report(report_id) or abort(404)
    form = ReportForm()
    form.validate()
    try:
        resolve_report(report, signed_in_user(), form.outcome.data or "")
    except ValueError as error:
        flash(str(error))
    else:
        db.session.commit()
        flash("Report marked as dealt with.")
    return redirect(url_for("admin.moderation_item", opportunity_id=report.opportunity_id))
