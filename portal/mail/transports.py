"""Where messages go: an SMTP server named by ``MAIL_URL``, or readable ``.eml`` files in development."""

from __future__ import annotations

import ipaddress
import os
import secrets
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from portal.mail.messages import default_sender, sender_domain

SMTP_TIMEOUT_SECONDS = 30
# scheme -> (how the connection is protected, default port)
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


class MailConfigError(RuntimeError):
    """MAIL_URL (or its absence) does not say how to send mail here."""


class Transport(Protocol):
    """Something that delivers a built message or raises."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise (smtplib.SMTPException, OSError)."""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _tls_context() -> ssl.SSLContext:
    # Certificates and host names are checked; loading the system's CAs costs tens of ms, so only for TLS.
    return ssl.create_default_context()


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP server: plain (``smtp://``), upgraded with STARTTLS (``smtp+starttls://``) or TLS (``smtps://``)."""

    host: str
    port: int
    security: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    local_hostname: str = "localhost"
    timeout: float = SMTP_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str, local_hostname: str = "localhost") -> SmtpTransport:
        """Parse ``smtp://user:pass@host:port`` and the like; errors never repeat the URL or password."""
        parts = urlsplit(url.strip())
        if parts.scheme not in SCHEMES:
            raise MailConfigError(
                f"MAIL_URL must start smtp://, smtp+starttls:// or smtps://, not {parts.scheme}://"
            )
        try:
            port = parts.port
        except ValueError:
            raise MailConfigError("MAIL_URL has an invalid port") from None
        if not parts.hostname:
            raise MailConfigError("MAIL_URL names no host")
        security, default_port = SCHEMES[parts.scheme]
        username = unquote(parts.username) if parts.username else None
        if username and security == "plain" and not _is_loopback(parts.hostname):
            raise MailConfigError(
                "smtp:// would send the password unencrypted: use smtp+starttls:// or smtps://"
            )
        return cls(
            host=parts.hostname,
            port=port or default_port,
            security=security,
            username=username,
            password=unquote(parts.password) if parts.password else None,
            local_hostname=local_hostname,
        )

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, self.local_hostname, timeout=self.timeout, context=_tls_context()
            )
        client = smtplib.SMTP(self.host, self.port, self.local_hostname, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=_tls_context())
        return client

    def send(self, message: EmailMessage) -> None:
        """Deliver over one connection of its own."""
        with self._connect() as client:
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


@dataclass(frozen=True)
class FileTransport:
    """A folder of ``.eml`` files, one per message, that a person (or a mail program) can open."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        """Write the message to ``<UTC time>-<random>.eml``, atomically and readable by its owner only."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".eml")
        try:
            # Messages carry personal data: 0600, like the instance's secret key.
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(message.as_bytes())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def sender_for(config: Mapping[str, Any]) -> str:
    """``MAIL_FROM``, else a no-reply address at the host of ``PUBLIC_URL``."""
    return config.get("MAIL_FROM") or default_sender(config.get("PUBLIC_URL"))


def transport_for(config: Mapping[str, Any], instance_path: str | Path) -> Transport:
    """SMTP when ``MAIL_URL`` is set; otherwise files in ``MAIL_OUTBOX_DIR`` (default instance/outbox/)."""
    url = config.get("MAIL_URL")
    if url:
        return SmtpTransport.from_url(url, local_hostname=sender_domain(sender_for(config)))
    if config.get("PORTAL_ENV") == "production":
        raise MailConfigError("MAIL_URL is not set: production sends mail through SMTP only")
    return FileTransport(Path(config.get("MAIL_OUTBOX_DIR") or Path(instance_path) / "outbox"))
