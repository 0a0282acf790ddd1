"""Signing an organisation up, and confirming its first owner's email address."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.models import User
from portal.organisations.account_forms import EmailForm, SignUpForm
from portal.organisations.blueprint import bp
from portal.services import account_mail, accounts, organisations
from portal.services.places import PlaceError
from portal.services.tokens import TokenError

TOO_MANY = "You have tried this too many times. Wait a few minutes, then try again."
TOO_MANY_FOR_ADDRESS = (
    "We have sent several emails to that address in the last hour. Wait an hour before asking for another."
)


def secret_key() -> str:
    """The key that signs the links in emails."""
    return current_app.config["SECRET_KEY"]


def email_key() -> str:
    """Rate-limit key for the email address posted (a digest of it, never the address)."""
    return accounts.email_limit_key(request.form.get("email", ""))


def send_confirmation(user: User) -> None:
    """Queue a fresh confirmation link to ``user``."""
    token = accounts.confirmation_token(secret_key(), user)
    account_mail.send_confirm_email(user, absolute_url("organisations.confirm_email", token=token))


def _place_problem(error: PlaceError) -> str:
    # An ambiguous name's message already lists the namesakes; a misspelt one gets the near spellings.
    if not error.suggestions or "Did you mean" in error.message:
        return error.message
    return f"{error.message} Did you mean {' or '.join(error.suggestions[:3])}?"


def _register(form: SignUpForm, town: str, region: str) -> None:
    try:
        membership = organisations.register_organisation(
            name=form.organisation_name.data,
            kind=form.kind.data,
            town=town,
            region=region,
            website=form.website.data,
            owner_name=form.name.data,
            email=form.email.data,
            password=form.password.data,
        )
    except accounts.EmailInUseError as taken:
        # The page says the same either way; only the address's owner learns it has an account.
        account_mail.send_already_registered(
            taken.user, absolute_url("organisations.sign_in"), absolute_url("organisations.reset_password")
        )
    else:
        send_confirmation(membership.user)


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(shared_limit(5), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def sign_up() -> str | Response:
    """Sign an organisation up with its first owner; a confirmation link goes to their email."""
    form = SignUpForm()
    if not form.validate_on_submit():
        return render_template("organisations/sign_up.html", form=form)
    try:
        town, region = organisations.resolve_town(form.town.data)
    except PlaceError as error:
        form.town.errors.append(_place_problem(error))
        return render_template("organisations/sign_up.html", form=form)
    try:
        _register(form, town, region)
    except accounts.AccountError as problem:
        form.password.errors.append(str(problem))
        return render_template("organisations/sign_up.html", form=form)
    db.session.commit()
    return redirect(url_for("organisations.check_your_email"))


@bp.get("/check-your-email")
def check_your_email() -> str:
    """What to do next: open the link we have just emailed."""
    return render_template("organisations/check_your_email.html")


@bp.get("/confirm-email/<token>")
def confirm_email(token: str) -> str | Response | tuple[str, int]:
    """Confirm the email address a link was sent to, then ask the person to sign in."""
    try:
        accounts.confirm_email(secret_key(), token)
    except TokenError as error:
        return render_template("organisations/confirm_email.html", expired=error.expired), 400
    db.session.commit()
    flash("Thank you. Your email address is confirmed: sign in to carry on.")
    return redirect(url_for("organisations.sign_in"))


@bp.route("/resend-confirmation", methods=["GET", "POST"])
@limiter.limit(shared_limit(5), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    shared_limit(3, "hour"), key_func=email_key, methods=["POST"], error_message=TOO_MANY_FOR_ADDRESS
)
@submitted_once
def resend_confirmation() -> str | Response:
    """Send a new confirmation link, saying the same whether or not the address has an account."""
    form = EmailForm()
    if not form.validate_on_submit():
        return render_template("organisations/resend_confirmation.html", form=form)
    user = accounts.user_by_email(form.email.data)
    if user is not None and user.email_verified_at is None:
        send_confirmation(user)
        db.session.commit()
    return redirect(url_for("organisations.check_your_email"))
