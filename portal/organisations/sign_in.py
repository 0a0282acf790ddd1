"""Signing in and out, and choosing a new password through an emailed link."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.auth import sign_in as start_session
from portal.auth import sign_in_limits
from portal.auth import sign_out as end_session
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.models import User
from portal.organisations.account_forms import EmailForm, NewPasswordForm, SignInForm
from portal.organisations.accounts import (
    TOO_MANY,
    TOO_MANY_FOR_ADDRESS,
    email_key,
    secret_key,
    send_confirmation,
)
from portal.organisations.blueprint import bp
from portal.services import account_mail, accounts
from portal.services.tokens import TokenError

WRONG_DETAILS = "Enter a correct email address and password"
# The admin sign-in counts against the same scope, so two pages do not give twice the guesses.
TOO_MANY_FOR_ACCOUNT = (
    "There have been too many attempts to sign in to this account. Wait an hour and try again, "
    "or reset your password."
)


def _after_sign_in(user: User, next_page: str | None) -> str:
    if next_page:
        return next_page
    if user.membership is not None:
        return url_for("organisations.dashboard")
    if user.is_admin:
        return url_for("admin.second_factor")
    flash("You are signed in, but you are not part of an organisation yet. Ask its owner to invite you.")
    return url_for("public.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits(TOO_MANY_FOR_ACCOUNT)
def sign_in() -> str | Response:
    """Sign in with an email address and password; the answer never says which of them was wrong."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = accounts.safe_next(request.args.get("next")) or ""
    if not form.validate_on_submit():
        return render_template("organisations/sign_in.html", form=form)
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        form.email.errors.append(WRONG_DETAILS)
        return render_template("organisations/sign_in.html", form=form)
    if user.email_verified_at is None:
        # Only someone who knows the password learns the address is waiting for confirmation.
        send_confirmation(user)
        db.session.commit()
        flash("You need to confirm your email address before you can sign in. We have sent you a new link.")
        return redirect(url_for("organisations.check_your_email"))
    accounts.record_sign_in(user)
    db.session.commit()
    start_session(user, second_factor=False)
    return redirect(_after_sign_in(user, accounts.safe_next(form.next.data)))


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the session (a POST with a CSRF token, so another site cannot sign a person out)."""
    end_session()
    flash("You have signed out.")
    return redirect(url_for("public.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(shared_limit(5), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    shared_limit(3, "hour"), key_func=email_key, methods=["POST"], error_message=TOO_MANY_FOR_ADDRESS
)
@submitted_once
def reset_password() -> str | Response:
    """Email a link to choose a new password; the page says the same whether or not the address is known."""
    form = EmailForm()
    if not form.validate_on_submit():
        return render_template("organisations/reset_password.html", form=form)
    user = accounts.user_by_email(form.email.data)
    if user is not None:
        token = accounts.reset_token(secret_key(), user)
        account_mail.send_reset_password(user, absolute_url("organisations.choose_new_password", token=token))
        db.session.commit()
    return redirect(url_for("organisations.reset_password_sent"))


# Not under /reset-password/: a POST there would reach the token route and not be a 405.
@bp.get("/reset-password-sent")
def reset_password_sent() -> str:
    """What to do next: open the link in the email, if the address has an account."""
    return render_template("organisations/reset_password_sent.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
def choose_new_password(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password through a reset link; it signs out every session, this one included."""
    try:
        user = accounts.user_for_reset_token(secret_key(), token)
    except TokenError as error:
        return render_template(
            "organisations/choose_new_password.html", form=None, expired=error.expired
        ), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_new_password(user, form.password.data)
        except accounts.AccountError as problem:
            form.password.errors.append(str(problem))
        else:
            account_mail.send_password_changed(user, absolute_url("organisations.reset_password"))
            db.session.commit()
            end_session()
            flash("Your password has been changed. Sign in with your new password.")
            return redirect(url_for("organisations.sign_in"))
    return render_template("organisations/choose_new_password.html", form=form, expired=False)
