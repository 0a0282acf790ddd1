"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 200
_hasher = PasswordHasher()
# Checked against when no account matches, so a sign-in takes as long whether or not the email exists.
_UNUSED_HASH = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    """A salted Argon2id hash of ``password``."""
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed; a missing hash costs the same time and is False."""
    try:
        return _hasher.verify(password_hash or _UNUSED_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, in plain words, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    if email and password.strip().lower() == email.strip().lower():
        return "Your password must not be your email address"
    if len(set(password)) < 4:
        return "Your password is too easy to guess: use a few words you will remember"
    return None
