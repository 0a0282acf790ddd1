"""Expressions of interest from the candidate's side: send one, see its status, withdraw it.

A second submission (a double click, the back button) finds the first and shows it. What the
organisation sees is only what the candidate sends here: the message, and their email address
only if they choose to share it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from portal.auth import candidate_required, current_candidate, signed_in_candidate
from portal.candidates.blueprint import bp
from portal.candidates.interest_forms import NO, ButtonForm, ExpressInterestForm
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.services import interest as interest_service
from portal.services.interest_mail import send_new_interest
from portal.services.opportunity_search import public_opportunity

TOO_MANY = (
    "You have sent a lot of expressions of interest in a short while. Wait a few minutes, then try again."
)
NEW_TEMPLATE = "candidates/interest_new.html"


def _candidate_key() -> str:
    # The account's row id, never its email address: one person cannot spread across addresses.
    candidate = signed_in_candidate()
    return f"candidate-{candidate.id}" if candidate is not None else get_remote_address()


def _show_existing(interest: Any) -> Response:
    organisation = interest.opportunity.organisation.name
    flash(f"You have already told {organisation} you are interested. This is what you sent.")
    return redirect(url_for("candidates.interest", interest_id=interest.id))


def _refused(opportunity: Any, problem: str) -> str | Response:
    if request.method == "POST":
        # Closed (or refused) since the form was shown: the page, shown again, says why.
        return redirect(url_for("candidates.express_interest", opportunity_id=opportunity.id), code=303)
    return render_template(
        NEW_TEMPLATE,
        opportunity=opportunity,
        problem=problem,
        age_refused=problem == interest_service.age_problem(current_candidate().age_band, opportunity),
        form=None,
    )


def _send(form: ExpressInterestForm, opportunity: Any) -> Response | None:
    candidate = current_candidate()
    try:
        interest, created = interest_service.express_interest(
            candidate, opportunity, form.message.data, form.shares_email, bool(form.confirm_age.data)
        )
    except interest_service.InterestError as error:
        form.message.errors.append(str(error))
        return None
    if not created:
        return _show_existing(interest)
    send_new_interest(opportunity, absolute_url("organisations.interests"))
    db.session.commit()
    flash(f"Your interest has been sent to {opportunity.organisation.name}.")
    return redirect(url_for("candidates.interest", interest_id=interest.id))


@bp.route("/interest/<int:opportunity_id>", methods=["GET", "POST"])
@candidate_required
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(shared_limit(30, "hour"), key_func=_candidate_key, methods=["POST"], error_message=TOO_MANY)
@submitted_once
def express_interest(opportunity_id: int) -> Any:
    """Tell the organisation behind a listing that you are interested, with a short message."""
    candidate = current_candidate()
    opportunity = public_opportunity(opportunity_id) or abort(404)
    existing = interest_service.interest_in(candidate, opportunity.id)
    if existing is not None:
        return _show_existing(existing)
    problem = interest_service.interest_problem(candidate, opportunity)
    if problem is not None:
        return _refused(opportunity, problem)
    age = interest_service.age_to_confirm(candidate.age_band, opportunity)
    form = ExpressInterestForm().for_listing(opportunity.organisation.name, age)
    if request.method == "GET" and candidate.is_young:
        form.share_email.data = NO
    if form.validate_on_submit():
        sent = _send(form, opportunity)
        if sent is not None:
            return sent
    page = render_template(
        NEW_TEMPLATE, opportunity=opportunity, form=form, young=candidate.is_young, problem=None
    )
    return page, 400 if form.errors else 200


def _own(interest_id: int) -> Any:
    return interest_service.candidates_own_interest(current_candidate(), interest_id) or abort(404)


@bp.get("/interests/<int:interest_id>")
@candidate_required
def interest(interest_id: int) -> str:
    """What the candidate sent, and where the organisation has got to with it."""
    own = _own(interest_id)
    return render_template(
        "candidates/interest.html",
        interest=own,
        listing_public=public_opportunity(own.opportunity_id) is not None,
        form=ButtonForm(),
    )


@bp.post("/interests/<int:interest_id>/withdraw")
@candidate_required
@submitted_once
def withdraw_interest(interest_id: int) -> Response:
    """Withdraw an expression of interest: it is deleted, and the organisation no longer sees it."""
    if not ButtonForm().validate():
        abort(400)
    own = _own(interest_id)
    title, organisation = own.opportunity.title, own.opportunity.organisation.name
    interest_service.withdraw_interest(current_candidate(), own)
    db.session.commit()
    flash(f"You have withdrawn your interest in {title}. {organisation} can no longer see it.")
    return redirect(url_for("candidates.dashboard", _anchor="interests"))
