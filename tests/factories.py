"""Rows for tests, built straight into the rolled-back session with sensible defaults."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from portal.auth import session_id_for
from portal.extensions import db
from portal.models import Candidate, Membership, Opportunity, OpportunityArea, Organisation, User
from portal.models.candidates import AGE_18_PLUS
from portal.models.opportunities import LIVE
from portal.models.organisations import APPROVED, OWNER
from portal.services.passwords import hash_password

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared test password once per run.
    return hash_password(PASSWORD)


def now() -> datetime:
    """The current time, as the models store it."""
    return datetime.now(UTC)


def make_organisation(**fields: Any) -> Organisation:
    """An approved NHS trust in Leeds unless told otherwise."""
    number = next(_serial)
    values = {
        "name": f"Test Hospitals NHS Trust {number}",
        "kind": "nhs-trust",
        "town": "Leeds",
        "region": "North East and Yorkshire",
        "status": APPROVED,
        "created_at": now(),
        "approved_at": now(),
    }
    organisation = Organisation(**{**values, **fields})
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(organisation: Organisation | None = None, role: str = OWNER, **fields: Any) -> User:
    """A verified person with the shared test password, in ``organisation`` when one is given."""
    number = next(_serial)
    values = {
        "email": f"person{number}@example.org",
        "name": f"Test Person {number}",
        "password_hash": _password_hash(),
        "created_at": now(),
        "email_verified_at": now(),
    }
    user = User(**{**values, **fields})
    db.session.add(user)
    db.session.flush()
    if organisation is not None:
        db.session.add(Membership(organisation=organisation, user=user, role=role, created_at=now()))
        db.session.flush()
    return user


def make_opportunity(
    organisation: Organisation | None = None, areas: tuple[str, ...] = ("audiology",), **fields: Any
) -> Opportunity:
    """A live placement in Leeds closing in a month, in ``areas``."""
    organisation = organisation or make_organisation()
    values = {
        "organisation": organisation,
        "status": LIVE,
        "type": "placement",
        "title": f"Audiology placement {next(_serial)}",
        "level": "practitioner",
        "description": "Spend six weeks in a hearing clinic.",
        "stages": ["undergraduate"],
        "town": "Leeds",
        "region": "North East and Yorkshire",
        "latitude": 53.79648,
        "longitude": -1.54785,
        "closes_on": date.today() + timedelta(days=30),
        "places": 2,
        "pay_kind": "unpaid",
        "apply_kind": "external",
        "apply_url": "https://example.org/apply",
        "created_at": now(),
        "updated_at": now(),
        "live_since": now(),
    }
    values.update(fields)
    opportunity = Opportunity(**values)
    opportunity.search_text = f"{opportunity.title} {organisation.name} {opportunity.town}".lower()
    opportunity.areas = [OpportunityArea(service_area_slug=slug, position=i) for i, slug in enumerate(areas)]
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def sign_in_as(client: FlaskClient, user: User, second_factor: bool = True) -> FlaskClient:
    """Put ``user`` into the client's session as a real sign-in would (with the second factor given)."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True
        session["second_factor"] = second_factor
    return client


def make_candidate(age_band: str = AGE_18_PLUS, **fields: Any) -> Candidate:
    """A verified candidate with the shared test password (18 and over unless told otherwise)."""
    number = next(_serial)
    values = {
        "email": f"candidate{number}@example.net",
        "password_hash": _password_hash(),
        "age_band": age_band,
        "created_at": now(),
        "email_verified_at": now(),
        "last_active_at": now(),
    }
    candidate = Candidate(**{**values, **fields})
    db.session.add(candidate)
    db.session.flush()
    return candidate


def sign_in_candidate_as(client: FlaskClient, candidate: Candidate) -> FlaskClient:
    """Put ``candidate`` into the client's session as a real sign-in would."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = session_id_for(candidate)
        session["_fresh"] = True
    return client
