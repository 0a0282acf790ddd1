"""Saved searches and email alerts: making one (with or without an account), managing, unsubscribing."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.auth import candidate_required, current_candidate, signed_in_candidate
from portal.candidates.alert_forms import ButtonForm, EmailAlertForm, FrequencyForm
from portal.candidates.blueprint import bp
from portal.extensions import csrf, db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.models import AlertSubscription, Candidate
from portal.models.candidates import UNDER_13
from portal.services import alert_mail
from portal.services import alerts as alert_service
from portal.services.accounts import email_limit_key
from portal.services.opportunity_filters import SearchFilters, read_search_args
from portal.services.places import PlaceError
from portal.services.tokens import TokenError

TOO_MANY = "You have tried this too many times. Wait a few minutes, then try again."
TOO_MANY_FOR_ADDRESS = (
    "We have sent several emails to that address in the last hour. Wait an hour before asking for another."
)
TOO_MANY_SAVED = "You have saved a lot of searches in the last hour. Wait an hour, then try again."
ALERT = "<int:alert_id>"


def _vocabulary() -> dict[str, dict[str, str]]:
    return current_app.extensions["content_reference"].vocabulary


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


@bp.app_template_filter("alert_in_words")
def alert_in_words(subscription: AlertSubscription) -> str:
    """A saved search as people say it, for templates."""
    return alert_mail.describe_search(alert_service.search_filters(subscription), _vocabulary())


def _posted_address_key() -> str:
    # A digest of the address posted, never the address itself.
    return email_limit_key(request.form.get("email", ""))


def _signed_in_candidate_key() -> str:
    candidate = signed_in_candidate()
    return f"candidate:{candidate.id}" if candidate is not None else "nobody"


def _confirmation_was_sent(_response: Any) -> bool:
    # Only an email actually queued counts against the address: a refused or mistyped form stores nothing.
    return bool(g.get("alert_confirmation_sent"))


def _search_context(filters: SearchFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "words": alert_mail.describe_search(filters, _vocabulary()),
        "search_url": url_for("opportunities.search", **filters.as_args(page=1)),
        "action": url_for("candidates.new_alert", **filters.as_args(page=1)),
    }


def _save_for_candidate(candidate: Candidate, context: dict[str, Any]) -> str | Response | tuple[str, int]:
    form = FrequencyForm(data={"frequency": alert_service.default_frequency(candidate)})
    if form.validate_on_submit():
        try:
            alert_service.save_search_for_candidate(
                candidate, context["filters"], form.frequency.data, _secret_key()
            )
        except alert_service.AlertError as error:
            form.frequency.errors.append(str(error))
        else:
            db.session.commit()
            flash("Your search is saved. You can change how often we email you about it here.")
            return redirect(url_for("candidates.alerts"))
    status = 400 if form.errors else 200
    return render_template("candidates/alert_new.html", form=form, candidate=candidate, **context), status


def _ask_by_email(context: dict[str, Any]) -> str | tuple[str, int]:
    form = EmailAlertForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("candidates/alert_new.html", form=form, candidate=None, **context), status
    if form.age_band.data == UNDER_13:
        return render_template("candidates/alert_too_young.html")
    subscription = alert_service.request_alert_by_email(
        form.email.data, context["filters"], form.frequency.data, _secret_key()
    )
    if subscription is not None and subscription.email:
        token = alert_service.confirmation_token(_secret_key(), subscription)
        link = absolute_url("candidates.confirm_alert", token=token)
        alert_mail.send_alert_confirmation(subscription.email, context["words"], subscription.frequency, link)
        g.alert_confirmation_sent = True
    db.session.commit()
    return render_template("candidates/alert_check_email.html")


@bp.route("/alerts/new", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    shared_limit(3, "hour"),
    key_func=_posted_address_key,
    methods=["POST"],
    exempt_when=lambda: signed_in_candidate() is not None,
    deduct_when=_confirmation_was_sent,
    error_message=TOO_MANY_FOR_ADDRESS,
)
@limiter.limit(
    shared_limit(30, "hour"),
    key_func=_signed_in_candidate_key,
    methods=["POST"],
    exempt_when=lambda: signed_in_candidate() is None,
    error_message=TOO_MANY_SAVED,
)
@submitted_once
def new_alert() -> str | Response | tuple[str, int]:
    """Save the search in the query string; signed out, the emails start once the address is confirmed."""
    filters, _ = read_search_args(request.args)
    context = _search_context(filters)
    try:
        alert_service.check_search(filters)
    except PlaceError as error:
        return render_template("candidates/alert_new.html", place_problem=error.message, **context), 400
    candidate = signed_in_candidate()
    if candidate is not None:
        return _save_for_candidate(candidate, context)
    return _ask_by_email(context)


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
def confirm_alert(token: str) -> str | tuple[str, int]:
    """Turn on an alert asked for without an account: the page has a button, so link checkers do not."""
    try:
        subscription = alert_service.alert_for_confirmation(_secret_key(), token)
    except TokenError as error:
        return render_template("candidates/alert_link_problem.html", expired=error.expired), 404
    form = ButtonForm()
    words = alert_in_words(subscription)
    if form.validate_on_submit():
        alert_service.confirm_alert(subscription)
        db.session.commit()
        return render_template("candidates/alert_confirmed.html", words=words, subscription=subscription)
    return render_template("candidates/alert_confirm.html", words=words, subscription=subscription)


def _alerts_page(candidate: Candidate, forms: dict[int, FrequencyForm] | None = None) -> str:
    forms = forms or {}
    rows = [
        {
            "alert": alert,
            "words": alert_in_words(alert),
            "search_url": url_for("opportunities.search", **alert.search),
            "form": forms.get(alert.id)
            or FrequencyForm(prefix=f"alert-{alert.id}", frequency=alert.frequency),
        }
        for alert in candidate.alerts
    ]
    return render_template("candidates/alerts.html", candidate=candidate, rows=rows, has_errors=bool(forms))


@bp.get("/alerts")
@candidate_required
def alerts() -> str:
    """The candidate's saved searches: run each one, choose how often it is emailed, or delete it."""
    return _alerts_page(current_candidate())


@bp.post(f"/alerts/{ALERT}/frequency")
@candidate_required
@limiter.limit(shared_limit(20), error_message=TOO_MANY)
def alert_frequency(alert_id: int) -> Response | tuple[str, int]:
    """Email one of the candidate's saved searches daily, weekly or not at all."""
    candidate = current_candidate()
    subscription = alert_service.candidate_alert(candidate, alert_id) or abort(404)
    form = FrequencyForm(prefix=f"alert-{alert_id}")
    if not form.validate_on_submit():
        return _alerts_page(candidate, {alert_id: form}), 400
    alert_service.change_frequency(subscription, form.frequency.data)
    db.session.commit()
    flash("Saved. We will email you about that search " + _how_often(subscription.frequency) + ".")
    return redirect(url_for("candidates.alerts"))


def _how_often(frequency: str) -> str:
    return {"daily": "once a day", "weekly": "once a week"}.get(frequency, "never: you can still run it here")


@bp.post(f"/alerts/{ALERT}/delete")
@candidate_required
@limiter.limit(shared_limit(20), error_message=TOO_MANY)
def delete_alert(alert_id: int) -> Response:
    """Delete one of the candidate's saved searches."""
    subscription = alert_service.candidate_alert(current_candidate(), alert_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    alert_service.delete_alert(subscription)
    db.session.commit()
    flash("Your saved search has been deleted.")
    return redirect(url_for("candidates.alerts"))


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(shared_limit(60), methods=["POST"], error_message=TOO_MANY)
def unsubscribe(token: str) -> str | tuple[str, int]:
    """Stop an alert from the link in its emails, without signing in; mail programs POST here in one click."""
    subscription = alert_service.alert_by_unsubscribe_token(token)
    if subscription is None:
        return render_template("candidates/alert_unsubscribe_gone.html"), 404
    words = alert_in_words(subscription)
    if request.method == "POST":
        alert_service.delete_alert(subscription)
        db.session.commit()
        return render_template("candidates/alert_unsubscribed.html", words=words)
    return render_template("candidates/alert_unsubscribe.html", words=words)
