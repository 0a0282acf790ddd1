"""Candidates' accounts: making one, signing in by password or emailed link, and their settings.

Nothing here says whether an address has an account: ``authenticate`` returns None for a wrong
password, an unknown address and a link-only account alike, and takes the same Argon2 time for each.
Under 13s never get a row: ``create_candidate`` refuses their band before anything is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Candidate
from portal.models.candidates import ACCOUNT_AGE_BANDS
from portal.services.accounts import normalise_email
from portal.services.passwords import hash_password, needs_rehash, password_matches, password_problem
from portal.services.tokens import TokenError, fingerprint, make_token, read_token

# Purposes of their own, so no staff token (or the other candidate token) can pass for these.
CONFIRM_CANDIDATE, CANDIDATE_SIGN_IN = "candidate-confirm", "candidate-sign-in"
CONFIRM_SECONDS = 3 * 24 * 3600
SIGN_IN_LINK_SECONDS = 15 * 60
YOUNG_FIGURES_FIXED_OFF = (
    "People aged 13 to 15 cannot have their interest counted in the figures. This keeps you safe."
)


class CandidateAccountError(ValueError):
    """An account or a setting cannot be as asked; the message is fit to show."""


class CandidateEmailInUseError(CandidateAccountError):
    """The address already has an account (only ever told to the address's owner, by email)."""

    def __init__(self, candidate: Candidate) -> None:
        super().__init__("An account with that email address already exists")
        self.candidate = candidate


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def candidate_by_email(email: str) -> Candidate | None:
    """The candidate account for ``email``, however it was typed, or None."""
    return db.session.scalar(select(Candidate).where(Candidate.email == normalise_email(email)))


def create_candidate(
    email: str, age_band: str, password: str | None = None, *, now: datetime | None = None
) -> Candidate:
    """A new, unconfirmed account with the most protective settings; a blank password means link-only.

    Raises CandidateAccountError for an age band that cannot have an account or a weak password,
    and CandidateEmailInUseError when the address has an account already.
    """
    if age_band not in ACCOUNT_AGE_BANDS:
        raise CandidateAccountError("Choose an age band that can have an account")
    email = normalise_email(email)
    if password:
        problem = password_problem(password, email)
        if problem:
            raise CandidateAccountError(problem)
    # Hashed before looking for the address, so a taken address answers no faster than a new one.
    password_hash = hash_password(password) if password else None
    existing = candidate_by_email(email)
    if existing is not None:
        raise CandidateEmailInUseError(existing)
    now = now or utcnow()
    candidate = Candidate(
        email=email,
        password_hash=password_hash,
        age_band=age_band,
        created_at=now,
        email_verified_at=None,
        last_active_at=now,
        session_version=1,
        count_interest_in_figures=False,
    )
    try:
        # A savepoint, so two sign-ups racing for one address end as "in use", not as an error page.
        with db.session.begin_nested():
            db.session.add(candidate)
    except IntegrityError:
        winner = candidate_by_email(email)
        if winner is None:
            raise
        raise CandidateEmailInUseError(winner) from None
    return candidate


def authenticate(email: str, password: str) -> Candidate | None:
    """The account whose address and password these are, or None; as slow for an unknown address."""
    candidate = candidate_by_email(email)
    # Checked even without an account or a password, so every answer takes as long.
    stored = candidate.password_hash if candidate is not None else None
    if not password_matches(stored, password) or candidate is None or stored is None:
        return None
    if needs_rehash(stored):
        # Parameters grow stronger over the years: the password is at hand only now.
        candidate.password_hash = hash_password(password)
        db.session.flush()
    return candidate


def record_activity(candidate: Candidate, now: datetime | None = None) -> None:
    """Note that the person used their account: it keeps the account from the inactivity purge."""
    candidate.last_active_at = now or utcnow()
    # A reminder belongs to one spell of inactivity; a later spell gets a reminder of its own.
    candidate.purge_reminder_sent_at = None
    db.session.flush()


def mark_verified(candidate: Candidate, now: datetime | None = None) -> None:
    """Note that the address is the person's own (they opened a link sent to it)."""
    if candidate.email_verified_at is None:
        candidate.email_verified_at = now or utcnow()
        db.session.flush()


def confirmation_token(secret_key: str, candidate: Candidate, now: float | None = None) -> str:
    """The token in the link that confirms a new account's address (it names no address)."""
    return make_token(
        secret_key, CONFIRM_CANDIDATE, {"c": candidate.id, "e": fingerprint(candidate.email)}, now
    )


def candidate_for_confirmation(secret_key: str, token: str, now: float | None = None) -> Candidate:
    """The account a confirmation token is for, while it is in date; raises TokenError."""
    payload = read_token(secret_key, CONFIRM_CANDIDATE, token, CONFIRM_SECONDS, now)
    candidate = _candidate_in(payload)
    if candidate is None or payload.get("e") != fingerprint(candidate.email):
        raise TokenError(expired=False)
    return candidate


def confirm_address(secret_key: str, token: str, now: float | None = None) -> Candidate | None:
    """Confirm the address a token is for: the account to sign in, or None if it was confirmed already.

    A confirmation link signs in only once, so a link left in an inbox cannot open the account later.
    Raises TokenError for a broken or expired link.
    """
    candidate = candidate_for_confirmation(secret_key, token, now)
    if candidate.email_verified_at is not None:
        return None
    mark_verified(candidate)
    record_activity(candidate)
    return candidate


def _moment(value: datetime) -> str:
    # SQLite hands back naive datetimes and PostgreSQL aware ones: both are UTC.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _sign_in_fingerprint(candidate: Candidate) -> str:
    # Signing in moves last_active_at on, and raising the session version ends everything: either
    # changes this, so a link that has been used (or any link sent before) opens nothing.
    return fingerprint(candidate.id, _moment(candidate.last_active_at), candidate.session_version)


def sign_in_token(secret_key: str, candidate: Candidate, now: float | None = None) -> str:
    """The token in a one-time sign-in link; it works once, for 15 minutes."""
    payload = {"c": candidate.id, "f": _sign_in_fingerprint(candidate)}
    return make_token(secret_key, CANDIDATE_SIGN_IN, payload, now)


def candidate_for_sign_in_token(secret_key: str, token: str, now: float | None = None) -> Candidate:
    """The account a sign-in token is for, while it is unused and in date; raises TokenError."""
    payload = read_token(secret_key, CANDIDATE_SIGN_IN, token, SIGN_IN_LINK_SECONDS, now)
    candidate = _candidate_in(payload)
    if candidate is None or payload.get("f") != _sign_in_fingerprint(candidate):
        raise TokenError(expired=False)
    return candidate


def use_sign_in_token(secret_key: str, token: str, now: float | None = None) -> Candidate:
    """Spend a sign-in token: the link reached the inbox, so the address is confirmed too."""
    candidate = candidate_for_sign_in_token(secret_key, token, now)
    mark_verified(candidate)
    record_activity(candidate)
    return candidate


def set_count_interest_in_figures(candidate: Candidate, count: bool) -> None:
    """Turn counting in the anonymous figures on or off (13 to 15s: fixed off)."""
    if count and candidate.is_young:
        raise CandidateAccountError(YOUNG_FIGURES_FIXED_OFF)
    candidate.count_interest_in_figures = count
    record_activity(candidate)


def older_age_bands(candidate: Candidate) -> list[str]:
    """The bands a person can move up to as they grow older (never down: that would lift protections)."""
    bands = list(ACCOUNT_AGE_BANDS)
    return bands[bands.index(candidate.age_band) + 1 :] if candidate.age_band in bands else []


def move_up_age_band(candidate: Candidate, age_band: str) -> None:
    """Move to an older age band, after a birthday; anything else raises CandidateAccountError."""
    if age_band not in older_age_bands(candidate):
        raise CandidateAccountError("Choose an age band older than the one you have now")
    candidate.age_band = age_band
    record_activity(candidate)


def set_password(candidate: Candidate, password: str) -> None:
    """Set or change the password and end every other session (raises CandidateAccountError if weak)."""
    problem = password_problem(password, candidate.email)
    if problem:
        raise CandidateAccountError(problem)
    candidate.password_hash = hash_password(password)
    candidate.session_version += 1
    record_activity(candidate)


def _candidate_in(payload: dict[str, object]) -> Candidate | None:
    candidate_id = payload.get("c")
    return db.session.get(Candidate, candidate_id) if isinstance(candidate_id, int) else None
