"""Tokens sent in emails: signed, expiring ones for links, and random ones stored only as hashes.

Signed tokens (``make_token`` / ``read_token``) carry a small JSON payload under the app's secret key
with a purpose of their own, so a password-reset token can never pass for an email-confirmation one.
The secret key is passed in by the caller: services never reach for the web framework.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

RANDOM_TOKEN_BYTES = 32
CONFIRM_EMAIL, RESET_PASSWORD = "confirm-email", "reset-password"


class TokenError(ValueError):
    """A token that cannot be used; ``expired`` tells a late link from a broken or forged one."""

    def __init__(self, expired: bool) -> None:
        super().__init__("the link has expired" if expired else "the link is not valid")
        self.expired = expired


class _ClockedSigner(TimestampSigner):
    """A timestamp signer whose clock a caller may set, so expiry can be proven without waiting."""

    def __init__(self, *args: Any, now: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        """The time a token is signed at, or checked against."""
        return int(self._now) if self._now is not None else super().get_timestamp()


def _serializer(secret_key: str, purpose: str, now: float | None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key,
        salt=f"portal.{purpose}",
        signer=_ClockedSigner,
        signer_kwargs={"now": now, "digest_method": hashlib.sha256},
    )


def make_token(secret_key: str, purpose: str, payload: dict[str, Any], now: float | None = None) -> str:
    """A URL-safe token holding ``payload``, signed for ``purpose`` at ``now`` (default: the current time)."""
    return _serializer(secret_key, purpose, now).dumps(payload)


def read_token(
    secret_key: str, purpose: str, token: str, max_age_seconds: int, now: float | None = None
) -> dict[str, Any]:
    """The payload of a token signed for ``purpose`` no more than ``max_age_seconds`` ago; else TokenError."""
    try:
        payload = _serializer(secret_key, purpose, now).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except (BadData, UnicodeError, ValueError):
        raise TokenError(expired=False) from None
    if not isinstance(payload, dict):
        raise TokenError(expired=False)
    return payload


def random_token() -> str:
    """A new unguessable token for a link (256 bits)."""
    return secrets.token_urlsafe(RANDOM_TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored in place of a random token (high entropy needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(*parts: object) -> str:
    """A short digest of values a token must still match when used (a password hash, a session version)."""
    joined = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]
