"""What the candidate account tests share: addresses, and forms posted as a browser would."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from tests.account_helpers import (
    submit,
    well_formed,
)
from tests.factories import PASSWORD

SAM = "sam.example@example.net"
NEW_PASSWORD = "kidney stones and sodium"
WRONG_DETAILS = "Enter a correct email address and password"
PRIVACY = ("/privacy/young-people", "/privacy/adults")


def count_rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def sign_up(client: FlaskClient, age_band: str, email: str = "Sam.Example@Example.NET", password: str = ""):
    return submit(client, "/account/sign-up", {"age_band": age_band, "email": email, "password": password})


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_page: str = ""):
    return submit(client, "/account/sign-in", {"email": email, "password": password, "next": next_page})


def ask_for_link(client: FlaskClient, email: str, next_page: str = ""):
    return submit(
        client, "/account/sign-in-link", {"link_email": email, "next": next_page}, "/account/sign-in"
    )


def signed_in_as(client: FlaskClient) -> str | None:
    """The address on the dashboard, or None when the dashboard sends the client to sign in."""
    response = client.get("/account/")
    if response.status_code != 200:
        return None
    text = well_formed(response).text
    return text.split("You are signed in as ")[1].split(" ")[0].rstrip(".")


def as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they are all UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def secret_key_of(app: Flask) -> str:
    return app.config["SECRET_KEY"]
