"""People who sign in: accounts, passwords, email confirmation and password resets.

Nothing here says whether an email address is registered: callers get ``None`` for a wrong
password and for an unknown address alike, and each takes the same Argon2 time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User
from portal.services.audit import record_audit
from portal.services.passwords import hash_password, needs_rehash, password_matches, password_problem
from portal.services.tokens import (
    CONFIRM_EMAIL,
    RESET_PASSWORD,
    TokenError,
    fingerprint,
    make_token,
    read_token,
)

CONFIRM_EMAIL_SECONDS = 3 * 24 * 3600
RESET_PASSWORD_SECONDS = 3600
ADMIN_NAME = "Administrator"


class AccountError(ValueError):
    """An account cannot be made as asked; the message is fit to show."""


class EmailInUseError(AccountError):
    """The address already has an account (only ever told to the address's owner, by email)."""

    def __init__(self, user: User) -> None:
        super().__init__("An account with that email address already exists")
        self.user = user


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    """The form an address is stored and looked up in: trimmed and lower-cased."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account for ``email``, however it was typed, or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def user_by_id(user_id: int) -> User | None:
    """The account with this id, or None."""
    return db.session.get(User, user_id)


def authenticate(email: str, password: str) -> User | None:
    """The account whose email and password these are, or None; as slow for an unknown address."""
    user = user_by_email(email)
    # Checked even when there is no account, so the answer takes as long either way.
    matches = password_matches(user.password_hash if user is not None else None, password)
    if user is None or not matches:
        return None
    if needs_rehash(user.password_hash):
        # Parameters grow stronger over the years: the password is at hand only now, so rehash now.
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def record_sign_in(user: User, now: datetime | None = None) -> None:
    """Note when the person last signed in."""
    user.last_signed_in_at = now or utcnow()
    db.session.flush()


def create_user(
    email: str, name: str, password: str, *, verified: bool = False, now: datetime | None = None
) -> User:
    """A new account; raises EmailInUseError when the address has one, AccountError for a weak password."""
    email = normalise_email(email)
    existing = user_by_email(email)
    if existing is not None:
        raise EmailInUseError(existing)
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    now = now or utcnow()
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        created_at=now,
        email_verified_at=now if verified else None,
        session_version=1,
        is_admin=False,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_admin(email: str, password: str, name: str = ADMIN_NAME) -> User:
    """A new administrator, confirmed already; they set up their second factor at first sign-in.

    Only someone with the server's command line can do this, so the audit entry has no actor.
    """
    user = create_user(email, name, password, verified=True)
    user.is_admin = True
    db.session.flush()
    action = "admin-created-from-command-line"
    record_audit(None, action, "user", user.id, before={"is_admin": False}, after={"is_admin": True})
    return user


def confirmation_token(secret_key: str, user: User, now: float | None = None) -> str:
    """The token in the link that confirms ``user``'s email address (it names no address)."""
    return make_token(secret_key, CONFIRM_EMAIL, {"u": user.id, "e": fingerprint(user.email)}, now)


def confirm_email(secret_key: str, token: str, now: float | None = None) -> User:
    """Mark the address in ``token`` as confirmed and return its account; raises TokenError."""
    payload = read_token(secret_key, CONFIRM_EMAIL, token, CONFIRM_EMAIL_SECONDS, now)
    user = _user_in(payload)
    if user is None or payload.get("e") != fingerprint(user.email):
        raise TokenError(expired=False)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
    return user


def _reset_fingerprint(user: User) -> str:
    # A new password or a raised session version changes this, so a used link opens nothing.
    return fingerprint(user.password_hash, user.session_version)


def reset_token(secret_key: str, user: User, now: float | None = None) -> str:
    """The token in a password-reset link; it works once, for an hour."""
    return make_token(secret_key, RESET_PASSWORD, {"u": user.id, "f": _reset_fingerprint(user)}, now)


def user_for_reset_token(secret_key: str, token: str, now: float | None = None) -> User:
    """The account a reset token is for, while it is still unused and in date; raises TokenError."""
    payload = read_token(secret_key, RESET_PASSWORD, token, RESET_PASSWORD_SECONDS, now)
    user = _user_in(payload)
    if user is None or payload.get("f") != _reset_fingerprint(user):
        raise TokenError(expired=False)
    return user


def set_new_password(user: User, password: str) -> None:
    """Change the password and end every other session (raises AccountError for a weak one)."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_version += 1
    # The reset link reached their inbox, which is all that confirming the address proves.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()


def _user_in(payload: dict[str, object]) -> User | None:
    user_id = payload.get("u")
    return user_by_id(user_id) if isinstance(user_id, int) else None


def email_limit_key(email: str) -> str:
    """The rate-limit key for attempts on one address: a digest, so the limiter's store holds no address."""
    return f"email:{fingerprint(normalise_email(email))}"


def safe_next(value: str | None) -> str | None:
    """``value`` when it is a path on this site (so ``next`` can never send a person elsewhere), else None."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return None
    # Browsers read a backslash as a slash, and drop tabs and newlines, so "/\\evil.example" leaves the site.
    if "\\" in value or any(ch < " " or ch == "\x7f" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
