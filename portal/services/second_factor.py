"""Administrators' second factor: TOTP codes from an authenticator app, and one-use recovery codes.

A TOTP code is accepted for the current 30-second step or one either side (clocks drift), and
never for a step at or before the last one accepted, so a code seen over someone's shoulder
cannot be replayed. Recovery codes are stored as Argon2 hashes and each works once.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import UTC, datetime

import pyotp

from portal.extensions import db
from portal.models import RecoveryCode, User
from portal.services.passwords import hash_password, password_matches

ISSUER = "Healthcare Science Careers"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper must read back the same.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_TOTP_CODE = re.compile(r"\d{6}")
_DRIFT_STEPS = (0, -1, 1)


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def totp_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed or pasted: no QR service is involved)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(code: str) -> str:
    """A typed code without spaces or hyphens, lower-cased."""
    return re.sub(r"[\s-]", "", code).lower()


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for offset in _DRIFT_STEPS:
        step = current + offset
        # A constant-time comparison: the code must not be learnt digit by digit from response times.
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, secret: str, code: str, at: datetime | None) -> bool:
    code = clean_code(code)
    if not _TOTP_CODE.fullmatch(code):
        return False
    step = _matching_step(secret, code, at or utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    db.session.flush()
    return True


def check_totp(user: User, code: str, at: datetime | None = None) -> bool:
    """Whether ``code`` is a fresh code from the user's authenticator app (recording its time step)."""
    if not user.totp_secret:
        return False
    return _accept_totp(user, user.totp_secret, code, at)


def confirm_totp_secret(user: User, secret: str, code: str, at: datetime | None = None) -> bool:
    """Keep ``secret`` as the user's once a code from it proves the app holds it."""
    if not _accept_totp(user, secret, code, at):
        return False
    user.totp_secret = secret
    db.session.flush()
    return True


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones, returned once and stored only as hashes."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = [RecoveryCode(code_hash=hash_password(clean_code(code))) for code in codes]
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str, at: datetime | None = None) -> bool:
    """Whether ``code`` is one of the user's unused recovery codes; if so it is used up."""
    code = clean_code(code)
    if len(code) != _RECOVERY_LENGTH:
        return False
    for stored in user.recovery_codes:
        if stored.used_at is None and password_matches(stored.code_hash, code):
            stored.used_at = at or utcnow()
            db.session.flush()
            return True
    return False


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return sum(1 for stored in user.recovery_codes if stored.used_at is None)


def check_second_factor(user: User, code: str, at: datetime | None = None) -> bool:
    """A TOTP code or, failing that, a recovery code."""
    if _TOTP_CODE.fullmatch(clean_code(code)):
        return check_totp(user, code, at)
    return use_recovery_code(user, code, at)
