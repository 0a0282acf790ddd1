"""Who is signed in, and the checks that keep every non-public route to the people it is for.

Each guard marks the view it wraps with the role it demands (``view.required_role``), so a test can
prove that every endpoint is either public or guarded, and that the guard is the one declared.
Roles: ``member`` (anyone in an approved or pending organisation), ``owner`` (an owner of it) and
``admin`` (an administrator who has also given their second factor in this session).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.extensions import db, limiter, login_manager, shared_limit
from portal.models import Membership, User
from portal.models.organisations import OWNER
from portal.services.accounts import email_limit_key

SECOND_FACTOR_KEY = "second_factor"
# One count per account for every sign-in page, so two pages do not give twice the guesses at one account.
SIGN_IN_EMAIL_SCOPE = "sign-in-by-email"
TOO_MANY_SIGN_INS = "You have tried this too many times. Wait a few minutes, then try again."
MEMBER, ADMIN = "member", "admin"


def init_app(app: Flask) -> None:
    """Wire Flask-Login to the user table."""
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.login_view = "organisations.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    # The id carries the session version, so a password reset signs out every other session.
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return _SignedIn(user)


class _SignedIn:
    """The Flask-Login view of a user: the id it keeps in the session includes the session version."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"


def sign_in(user: User, second_factor: bool = False) -> None:
    """Start a fresh session for ``user``: whatever the session held before is dropped."""
    session.clear()
    login_user(_SignedIn(user))
    session[SECOND_FACTOR_KEY] = second_factor
    session.permanent = True


def sign_out() -> None:
    """End the session entirely."""
    logout_user()
    session.clear()


def signed_in_user() -> User | None:
    """The person signed in, or None."""
    return current_user.user if current_user.is_authenticated else None


def current_membership() -> Membership:
    """The signed-in person's membership; only call inside a view guarded by ``member_required``."""
    return g.membership


def _mark(view: Callable[..., Any], role: str) -> None:
    view.required_role = role  # type: ignore[attr-defined]


def _to_sign_in(endpoint: str) -> Any:
    return redirect(url_for(endpoint, next=request.full_path.rstrip("?")))


def member_required(view: Callable[..., Any] | None = None, *, role: str = MEMBER) -> Callable[..., Any]:
    """Only people in an organisation (``role="owner"``: only its owners) may use the view."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = signed_in_user()
            if user is None:
                return _to_sign_in("organisations.sign_in")
            if user.membership is None or (role == OWNER and user.membership.role != OWNER):
                abort(403)
            g.membership = user.membership
            return view(*args, **kwargs)

        _mark(wrapper, role)
        return wrapper

    return decorate(view) if view is not None else decorate


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only administrators who have given their second factor in this session may use the view."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = signed_in_user()
        if user is None:
            return _to_sign_in("admin.sign_in")
        if not user.is_admin:
            abort(403)
        if not session.get(SECOND_FACTOR_KEY):
            return _to_sign_in("admin.second_factor")
        return view(*args, **kwargs)

    _mark(wrapper, ADMIN)
    return wrapper


def signed_in_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anyone signed in may use the view (their own account pages)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if signed_in_user() is None:
            return _to_sign_in("organisations.sign_in")
        return view(*args, **kwargs)

    _mark(wrapper, "signed-in")
    return wrapper


def _posted_email_key() -> str:
    # A digest of the address posted, never the address itself.
    return email_limit_key(request.form.get("email", ""))


def _sign_in_failed(response: Any) -> bool:
    # A sign-in page shown again (200) is a failed attempt; a redirect means it worked.
    return response.status_code == 200


def sign_in_limits(too_many_for_account: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Sign-in limits: 10 posts a minute from one address, 10 failures an hour on one account."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        per_account = limiter.shared_limit(
            shared_limit(10, "hour"),
            scope=SIGN_IN_EMAIL_SCOPE,
            key_func=_posted_email_key,
            methods=["POST"],
            deduct_when=_sign_in_failed,
            error_message=too_many_for_account,
        )
        per_address = limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY_SIGN_INS)
        return per_address(per_account(view))

    return decorate
