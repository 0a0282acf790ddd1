"""Building a message: one checked recipient, a one-line subject, plain text and an optional HTML part."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

SENDER_NAME = "Healthcare Science Careers"
# The only headers a caller may add: a one-click unsubscribe link (RFC 2369 and RFC 8058).
EXTRA_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post"})


class InvalidMessageError(ValueError):
    """A message that must not be sent as given (its text never names the recipient)."""


def clean_subject(subject: str) -> str:
    """The subject on one line: every run of whitespace, line breaks included, becomes one space."""
    # A line break in a header would start a new header (Bcc: ...): folding it away is the safe result.
    one_line = " ".join(subject.split())
    if not one_line:
        raise InvalidMessageError("a message needs a subject")
    if not one_line.isprintable():
        raise InvalidMessageError("the subject holds control or format characters")
    return one_line


def clean_address(address: str) -> str:
    """The recipient's bare address, checked (syntax only, no DNS) and normalised."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        # The address itself stays out of the error: errors end up in logs.
        raise InvalidMessageError("the recipient's address is not a valid email address") from None


def default_sender(public_url: str | None) -> str:
    """``Healthcare Science Careers <no-reply@HOST>`` for the host of ``PUBLIC_URL``."""
    host = urlsplit(public_url or "").hostname or "localhost"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        domain = host
    else:
        # A bare IP is no domain: mail addresses write it as a domain literal.
        domain = f"[{host}]" if address.version == 4 else f"[IPv6:{host}]"
    return f"{SENDER_NAME} <no-reply@{domain}>"


def sender_domain(sender: str) -> str:
    """The domain of the sender's address, used for Message-IDs and the SMTP greeting."""
    # A domain literal such as [127.0.0.1] is valid in both places, so it is kept as it is.
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers that let a mail program offer one-click unsubscribe: it POSTs to ``url`` (RFC 8058)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A MIME message; the standard library itself refuses a header value holding CR or LF."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid would otherwise ask DNS for this host's name on every message.
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    for name, value in (headers or {}).items():
        if name not in EXTRA_HEADERS:
            raise InvalidMessageError(f"a message may not set the header {name[:40]!r}")
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message
