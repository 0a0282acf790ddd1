"""Candidates' accounts: signing up (never under 13), confirming, signing in and out, settings."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.auth import candidate_required, current_candidate, sign_in_limits
from portal.auth import sign_in as start_session
from portal.auth import sign_out as end_session
from portal.candidates.account_forms import (
    AGE_BAND,
    FIGURES,
    PASSWORD,
    AgeBandForm,
    ButtonForm,
    FiguresForm,
    PasswordForm,
    SignInForm,
    SignInLinkForm,
    SignUpForm,
)
from portal.candidates.blueprint import bp
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.models import Candidate
from portal.models.candidates import UNDER_13
from portal.services import candidate_mail, candidates
from portal.services.accounts import email_limit_key, safe_next
from portal.services.tokens import TokenError

TOO_MANY = "You have tried this too many times. Wait a few minutes, then try again."
TOO_MANY_FOR_ADDRESS = (
    "We have sent several emails to that address in the last hour. Wait an hour before asking for another."
)
TOO_MANY_FOR_ACCOUNT = (
    "There have been too many attempts to sign in to this account. Wait an hour and try again, "
    "or ask for a link to sign in instead."
)
WRONG_DETAILS = "Enter a correct email address and password"
LINK_SENT = "link"


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def _sign_up_email_key() -> str:
    # A digest of the address posted, never the address.
    return email_limit_key(request.form.get("email", ""))


def _link_email_key() -> str:
    return email_limit_key(request.form.get("link_email", ""))


def _send_confirmation(candidate: Candidate) -> None:
    token = candidates.confirmation_token(_secret_key(), candidate)
    candidate_mail.send_confirm_address(candidate, absolute_url("candidates.confirm", token=token))


def _sign_in_page(form: SignInForm, link_form: SignInLinkForm, status: int = 200) -> tuple[str, int]:
    return render_template("candidates/sign_in.html", form=form, link_form=link_form), status


def _signed_in(candidate: Candidate, next_page: str | None, message: str) -> Response:
    # The commit comes first: a session must never name a version of the account that was not saved.
    db.session.commit()
    start_session(candidate)
    flash(message)
    return redirect(safe_next(next_page) or url_for("candidates.dashboard"))


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(shared_limit(5), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    shared_limit(3, "hour"), key_func=_sign_up_email_key, methods=["POST"], error_message=TOO_MANY_FOR_ADDRESS
)
@submitted_once
def sign_up() -> str | Response | tuple[str, int]:
    """Make an account from an age band and an email address; under 13s are told why they cannot."""
    form = SignUpForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("candidates/sign_up.html", form=form), status
    if form.age_band.data == UNDER_13:
        # Nothing they typed is kept, looked up or logged.
        return redirect(url_for("candidates.too_young"))
    try:
        candidate = candidates.create_candidate(
            form.email.data, form.age_band.data, form.password.data or None
        )
    except candidates.CandidateEmailInUseError as taken:
        # The page says the same either way; only the address's owner learns it has an account.
        candidate_mail.send_already_have_account(taken.candidate, absolute_url("candidates.sign_in"))
    except candidates.CandidateAccountError as problem:
        form.password.errors.append(str(problem))
        return render_template("candidates/sign_up.html", form=form), 400
    else:
        _send_confirmation(candidate)
    db.session.commit()
    return redirect(url_for("candidates.check_your_email"))


@bp.get("/under-13")
def too_young() -> str:
    """Why there is no account for under 13s, and everything they can still do."""
    return render_template("candidates/too_young.html")


@bp.get("/check-your-email")
def check_your_email() -> str:
    """What to do next: open the link we have just emailed (to confirm, or to sign in)."""
    return render_template(
        "candidates/check_your_email.html", sign_in_link=request.args.get("sent") == LINK_SENT
    )


@bp.get("/confirm/<token>")
def confirm(token: str) -> str | Response | tuple[str, int]:
    """Confirm the address a link was sent to, and sign the person in (the first time it is opened)."""
    try:
        candidate = candidates.confirm_address(_secret_key(), token)
    except TokenError as error:
        return render_template("candidates/link_problem.html", kind="confirm", expired=error.expired), 400
    if candidate is None:
        flash("Your email address is already confirmed. Sign in to carry on.")
        return redirect(url_for("candidates.sign_in"))
    return _signed_in(candidate, None, "Thank you. Your email address is confirmed and you are signed in.")


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits(TOO_MANY_FOR_ACCOUNT)
def sign_in() -> str | Response | tuple[str, int]:
    """Sign in with an email address and password; the answer never says which of them was wrong."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    link_form = SignInLinkForm(formdata=None, next=form.next.data)
    if not form.validate_on_submit():
        return _sign_in_page(form, link_form, 400 if form.is_submitted() else 200)
    candidate = candidates.authenticate(form.email.data, form.password.data)
    if candidate is None:
        # A 200, so the per-account limit counts it as a failed attempt.
        form.email.errors.append(WRONG_DETAILS)
        return _sign_in_page(form, link_form)
    if candidate.email_verified_at is None:
        # Only someone who knows the password learns the address is waiting for confirmation.
        _send_confirmation(candidate)
        db.session.commit()
        flash("You need to confirm your email address before you can sign in. We have sent you a new link.")
        return redirect(url_for("candidates.check_your_email"))
    candidates.record_activity(candidate)
    return _signed_in(candidate, form.next.data, "You are signed in.")


@bp.post("/sign-in-link")
@limiter.limit(shared_limit(5), methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    shared_limit(3, "hour"), key_func=_link_email_key, methods=["POST"], error_message=TOO_MANY_FOR_ADDRESS
)
@submitted_once
def request_sign_in_link() -> Response | tuple[str, int]:
    """Email a one-time sign-in link; the answer is the same whether or not the address has an account."""
    link_form = SignInLinkForm()
    if not link_form.validate_on_submit():
        form = SignInForm(formdata=None, next=link_form.next.data)
        return _sign_in_page(form, link_form, 400)
    candidate = candidates.candidate_by_email(link_form.link_email.data)
    if candidate is not None:
        token = candidates.sign_in_token(_secret_key(), candidate)
        values = {"token": token}
        if link_form.next.data:
            values["next"] = link_form.next.data
        candidate_mail.send_sign_in_link(candidate, absolute_url("candidates.use_sign_in_link", **values))
        db.session.commit()
    return redirect(url_for("candidates.check_your_email", sent=LINK_SENT))


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
def use_sign_in_link(token: str) -> str | Response | tuple[str, int]:
    """A sign-in link: a button to press (a GET spends nothing, so mail scanners cannot use it up)."""
    try:
        candidates.candidate_for_sign_in_token(_secret_key(), token)
    except TokenError as error:
        return render_template("candidates/link_problem.html", kind="sign-in", expired=error.expired), 400
    form = ButtonForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("candidates/use_sign_in_link.html", form=form), status
    candidate = candidates.use_sign_in_token(_secret_key(), token)
    return _signed_in(candidate, form.next.data, "You are signed in.")


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the session (a POST with a CSRF token, so another site cannot sign a person out)."""
    end_session()
    flash("You have signed out.")
    return redirect(url_for("public.home"))


@bp.get("/")
@candidate_required
def dashboard() -> str:
    """The person's account: what they saved, their interest, alerts and their data."""
    return render_template("candidates/dashboard.html", candidate=current_candidate())


def _change_figures(candidate: Candidate, form: FiguresForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        candidates.set_count_interest_in_figures(candidate, form.count_interest.data == "yes")
    except candidates.CandidateAccountError as problem:
        form.count_interest.errors.append(str(problem))
        return False
    db.session.commit()
    flash("Your choice is saved.")
    return True


def _change_age_band(candidate: Candidate, form: AgeBandForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        candidates.move_up_age_band(candidate, form.age_band.data)
    except candidates.CandidateAccountError as problem:
        form.age_band.errors.append(str(problem))
        return False
    db.session.commit()
    flash(f"Your age band is now {candidate.age_band_label}.")
    return True


def _change_password(candidate: Candidate, form: PasswordForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        candidates.set_password(candidate, form.password.data)
    except candidates.CandidateAccountError as problem:
        form.password.errors.append(str(problem))
        return False
    candidate_mail.send_password_changed(candidate, absolute_url("candidates.sign_in"))
    db.session.commit()
    # The new session version signed out every session; this one carries on under it.
    start_session(candidate)
    flash("Your password is saved. Anyone else signed in to your account has been signed out.")
    return True


@bp.route("/settings", methods=["GET", "POST"])
@candidate_required
def settings() -> str | Response | tuple[str, int]:
    """Whether interest is counted in the anonymous figures (fixed off for 13 to 15), and a password."""
    candidate = current_candidate()
    posted = request.form.get("change") if request.method == "POST" else None
    if request.method == "POST" and posted not in (FIGURES, PASSWORD, AGE_BAND):
        abort(400)
    saved_choice = "yes" if candidate.count_interest_in_figures else "no"
    figures = FiguresForm() if posted == FIGURES else FiguresForm(formdata=None, count_interest=saved_choice)
    password_form = PasswordForm() if posted == PASSWORD else PasswordForm(formdata=None)
    age_form = (AgeBandForm() if posted == AGE_BAND else AgeBandForm(formdata=None)).older_than(
        candidates.older_age_bands(candidate)
    )
    if posted == FIGURES and _change_figures(candidate, figures):
        return redirect(url_for("candidates.settings"))
    if posted == AGE_BAND and _change_age_band(candidate, age_form):
        return redirect(url_for("candidates.settings"))
    if posted == PASSWORD and _change_password(candidate, password_form):
        return redirect(url_for("candidates.settings"))
    page = render_template(
        "candidates/settings.html",
        candidate=candidate,
        figures=figures,
        password_form=password_form,
        age_form=age_form,
    )
    return page, 400 if posted else 200
