"""Who is signed in, and the checks that keep every non-public route to the people it is for.

Each guard marks the view it wraps with the role it demands (``view.required_role``), so a test can
prove that every endpoint is either public or guarded, and that the guard is the one declared.
Roles: ``member`` (anyone in an approved or pending organisation), ``owner`` (an owner of it),
``teacher`` (a member of a school or college), ``admin`` (an administrator who has also given their
second factor in this session) and ``candidate`` (a candidate signed in to their own account).
Candidates are kept in a table of their own; their session id starts with "c" so the two never mix.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.extensions import db, limiter, login_manager, shared_limit
from portal.models import Candidate, Membership, User
from portal.models.organisations import APPROVED, OWNER
from portal.services.accounts import email_limit_key

SECOND_FACTOR_KEY = "second_factor"
# One count per account for every sign-in page, so two pages do not give twice the guesses at one account.
SIGN_IN_EMAIL_SCOPE = "sign-in-by-email"
TOO_MANY_SIGN_INS = "You have tried this too many times. Wait a few minutes, then try again."
MEMBER, ADMIN, TEACHER, CANDIDATE = "member", "admin", "teacher", "candidate"
CANDIDATE_PREFIX = "c"
SCHOOL_KIND = "college-or-school"


def init_app(app: Flask) -> None:
    """Wire Flask-Login to the user table."""
    # No template reads current_user: Flask-Login's context processor would load the person (and open
    # the session, so public pages would vary by cookie) on every page rendered.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.session_protection = "basic"
    login_manager.login_view = "organisations.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(session_id: str) -> _SignedIn | None:
    # The id carries the session version, so a password reset signs out every other session.
    is_candidate = session_id.startswith(CANDIDATE_PREFIX)
    row_id, _, version = session_id.removeprefix(CANDIDATE_PREFIX).partition(":")
    if not (row_id.isdigit() and version.isdigit()):
        return None
    person = db.session.get(Candidate if is_candidate else User, int(row_id))
    if person is None or person.session_version != int(version):
        return None
    return _SignedIn(person)


class _SignedIn:
    """The Flask-Login view of a person: the id it keeps in the session includes the session version."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, person: User | Candidate) -> None:
        self.person = person

    @property
    def user(self) -> User | None:
        """The organisation member or administrator signed in, if that is who it is."""
        return self.person if isinstance(self.person, User) else None

    @property
    def candidate(self) -> Candidate | None:
        """The candidate signed in, if that is who it is."""
        return self.person if isinstance(self.person, Candidate) else None

    def get_id(self) -> str:
        return session_id_for(self.person)


def session_id_for(person: User | Candidate) -> str:
    """What the session keeps to say who is signed in (tests build sessions with it too)."""
    prefix = CANDIDATE_PREFIX if isinstance(person, Candidate) else ""
    return f"{prefix}{person.id}:{person.session_version}"


def sign_in(user: User | Candidate, second_factor: bool = False) -> None:
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
    """The organisation member or administrator signed in, or None (also when a candidate is)."""
    return current_user.user if current_user.is_authenticated else None


def signed_in_candidate() -> Candidate | None:
    """The candidate signed in, or None (also when organisation staff are)."""
    return current_user.candidate if current_user.is_authenticated else None


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


def teacher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only members of an approved school or college may use the view (class codes)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = signed_in_user()
        if user is None:
            return _to_sign_in("organisations.sign_in")
        membership = user.membership
        if (
            membership is None
            or membership.organisation.kind != SCHOOL_KIND
            or membership.organisation.status != APPROVED
        ):
            abort(403)
        g.membership = membership
        return view(*args, **kwargs)

    _mark(wrapper, TEACHER)
    return wrapper


def candidate_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a signed-in candidate may use the view (their own account); staff get 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if signed_in_candidate() is None:
            if signed_in_user() is not None:
                abort(403)
            return _to_sign_in("candidates.sign_in")
        return view(*args, **kwargs)

    _mark(wrapper, CANDIDATE)
    return wrapper


def current_candidate() -> Candidate:
    """The signed-in candidate; only call inside a view guarded by ``candidate_required``."""
    candidate = signed_in_candidate()
    if candidate is None:
        raise RuntimeError("current_candidate() called outside a candidate_required view")
    return candidate


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
