"""Administrators sign in with a password, then a second factor: a TOTP code or a recovery code.

At their first sign-in an administrator sets up an authenticator app: the secret is shown as text
and as an ``otpauth://`` URI (no QR service sees it), kept in the session until a code from the app
confirms it, and then ten recovery codes are shown once.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal.admin.account_forms import AdminSignInForm, SecondFactorForm, SetUpSecondFactorForm
from portal.admin.blueprint import bp
from portal.auth import SECOND_FACTOR_KEY, sign_in_limits, signed_in_required, signed_in_user
from portal.auth import sign_in as start_session
from portal.extensions import db, limiter, shared_limit
from portal.models import User
from portal.services import accounts, second_factor

WRONG_DETAILS = "Enter a correct email address and password"
WRONG_CODE = "Enter the 6-digit code your authenticator app shows now, or one of your unused recovery codes"
TOO_MANY = "You have tried this too many times. Wait a few minutes, then try again."
TOO_MANY_FOR_ACCOUNT = (
    "There have been too many attempts to sign in to this account. Wait an hour and try again."
)
PENDING_APP_FIELD = "pending_authenticator"


def _account_key() -> str:
    # Codes are guessed at per account, whatever address the guesses come from.
    user = signed_in_user()
    return f"second-factor:{user.id if user is not None else 'nobody'}"


def _signed_in_admin() -> User:
    user = signed_in_user()
    if user is None or not user.is_admin:
        abort(403)
    return user


def _next_page() -> str | None:
    return accounts.safe_next(request.values.get("next"))


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits(TOO_MANY_FOR_ACCOUNT)
def sign_in() -> str | Response:
    """The first step: email address and password (an account that is not an administrator's fails)."""
    form = AdminSignInForm()
    if request.method == "GET":
        form.next.data = _next_page() or ""
    if not form.validate_on_submit():
        return render_template("admin/sign_in.html", form=form)
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None or not user.is_admin:
        form.email.errors.append(WRONG_DETAILS)
        return render_template("admin/sign_in.html", form=form)
    accounts.record_sign_in(user)
    db.session.commit()
    start_session(user, second_factor=False)
    return redirect(url_for("admin.second_factor", next=accounts.safe_next(form.next.data)))


@bp.route("/sign-in/code", methods=["GET", "POST"], endpoint="second_factor")
@signed_in_required
@limiter.limit(shared_limit(5), key_func=_account_key, methods=["POST"], error_message=TOO_MANY)
def second_factor_code() -> str | Response:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _signed_in_admin()
    next_page = _next_page()
    if session.get(SECOND_FACTOR_KEY):
        return redirect(next_page or url_for("admin.home"))
    if not user.totp_secret:
        return redirect(url_for("admin.set_up_second_factor", next=next_page))
    form = SecondFactorForm()
    if request.method == "GET":
        form.next.data = next_page or ""
    if form.validate_on_submit():
        if second_factor.check_second_factor(user, form.code.data):
            db.session.commit()
            session[SECOND_FACTOR_KEY] = True
            return redirect(next_page or url_for("admin.home"))
        form.code.errors.append(WRONG_CODE)
    return render_template(
        "admin/second_factor.html", form=form, recovery_left=second_factor.unused_recovery_codes(user)
    )


def _setup_secret() -> str:
    # Held in the (signed) session until confirmed: the person is shown it on the page anyway, and
    # nothing is stored against the account until a code proves their app holds it.
    if not session.get(PENDING_APP_FIELD):
        session[PENDING_APP_FIELD] = second_factor.new_totp_secret()
    return session[PENDING_APP_FIELD]


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@signed_in_required
@limiter.limit(shared_limit(5), key_func=_account_key, methods=["POST"], error_message=TOO_MANY)
def set_up_second_factor() -> str | Response:
    """First sign-in: add the portal to an authenticator app, confirm with a code, get recovery codes."""
    user = _signed_in_admin()
    next_page = _next_page()
    if user.totp_secret:
        return redirect(url_for("admin.second_factor", next=next_page))
    secret = _setup_secret()
    form = SetUpSecondFactorForm()
    if request.method == "GET":
        form.next.data = next_page or ""
    if form.validate_on_submit():
        if second_factor.confirm_totp_secret(user, secret, form.code.data):
            codes = second_factor.issue_recovery_codes(user)
            db.session.commit()
            session.pop(PENDING_APP_FIELD, None)
            session[SECOND_FACTOR_KEY] = True
            # Shown in this response only: the codes are stored as hashes and can never be shown again.
            return render_template(
                "admin/recovery_codes.html", codes=codes, continue_to=next_page or url_for("admin.home")
            )
        form.code.errors.append("Enter the 6-digit code your authenticator app shows now")
    return render_template(
        "admin/set_up_second_factor.html",
        form=form,
        secret=second_factor.grouped_secret(secret),
        uri=second_factor.totp_uri(secret, user.email),
        issuer=second_factor.ISSUER,
        account=user.email,
    )
