"""Helpers for the account tests: forms posted as a browser would, mail read from the outbox, TOTP codes."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import OutboxMessage
from tests.pages import Page

LINK = re.compile(r"http://localhost(/\S+)")
SIGN_UP = {
    "organisation_name": "Northdale Teaching Hospitals NHS Trust",
    "kind": "nhs-trust",
    "town": "Leeds",
    "website": "www.northdale.example.nhs.uk",
    "name": "Ada Lovelace",
    "email": "Ada.Lovelace@Northdale.example.org",
    "password": "analytical engine notes",
}


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token on the page at ``path`` (the session keeps it, as a browser would)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def submit(
    client: FlaskClient, path: str, data: dict[str, Any], form_page: str | None = None
) -> TestResponse:
    """Post ``data`` to ``path`` with the CSRF token from ``form_page`` (default: the same path)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})


def well_formed(response: TestResponse) -> Page:
    """The response parsed, after the checks every page must pass."""
    page = Page(response)
    page.assert_well_formed()
    return page


def mail_to(address: str) -> list[OutboxMessage]:
    """Messages queued to ``address`` in this test, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
        )
    )


def last_mail_to(address: str) -> OutboxMessage:
    """The newest message to ``address``; fails the test if there is none."""
    messages = mail_to(address)
    assert messages, f"no mail to {address}"
    return messages[-1]


def link_in(message: OutboxMessage, starting: str = "/") -> str:
    """The path of the first absolute link in the message that starts with ``starting``."""
    for path in LINK.findall(message.text_body):
        if path.startswith(starting):
            return path
    raise AssertionError(f"no link starting {starting} in {message.subject!r}")


def location_path(response: TestResponse) -> str:
    """Where a redirect goes, as a path with its query."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def totp_now(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)
