"""The people the hostile-input test visits the portal as, and the real rows their pages need.

Anonymous visitors reach the public pages and the pages behind emailed links; an organisation's
owner, a teacher, candidates (13 to 15, and adult) and administrators (with and without their
second factor, and one setting it up) reach every guarded page. Each gets the URL arguments that
make their pages render: their own listings, reports, imports, interests, alerts, class codes and
real tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from portal.auth import session_id_for
from portal.extensions import db
from portal.models import (
    AreaInterest,
    Candidate,
    ClassCode,
    ExpressionOfInterest,
    Opportunity,
    SavedArea,
    SavedListing,
    User,
)
from portal.models.candidates import AGE_13_15, WEEKLY
from portal.models.opportunities import DRAFT, REFERRED_BACK, SUBMITTED
from portal.models.organisations import EDITOR, PENDING
from portal.services import accounts, admin_roles, alerts, candidates, organisations
from portal.services.listing_import import read_import, store_upload, template_csv
from portal.services.opportunity_filters import SearchFilters
from portal.services.reports import report_listing
from tests.factories import make_candidate, make_opportunity, make_organisation, make_user, now

ANONYMOUS = "anonymous"


@dataclass
class Visitor:
    """Someone the test acts as: who, and whether they gave their second factor."""

    name: str
    user: User | Candidate | None = None
    second_factor: bool = True
    csrf: str | None = None


@dataclass
class Cast:
    """Everyone the test acts as, and real values for each URL argument name."""

    visitors: dict[str, Visitor] = field(default_factory=dict)
    path_values: dict[str, list[str]] = field(default_factory=dict)


def assemble_cast(app: Flask) -> Cast:
    """An owner's organisation with listings in each state, a report, an import and tokens, and admins."""
    trust = make_organisation(name="Hostile Test Trust")
    owner = make_user(trust)
    make_user(trust, role=EDITOR)
    _, invitation_token = organisations.invite_member(trust, owner, "invited@example.org", EDITOR)
    states = (DRAFT, SUBMITTED, REFERRED_BACK)
    listings = [make_opportunity(trust, status=status, live_since=None) for status in states]
    live = make_opportunity(trust, type="job", pay_kind="salary", salary_min=24_000, salary_max=28_000)
    # Open to everyone (no minimum age) and applied for here: every candidate reaches its interest form.
    through_the_portal = make_opportunity(trust, type="event", apply_kind="portal", apply_url=None)
    report = report_listing(live, "wrong-or-out-of-date", "The closing date is wrong")
    upload = store_upload(trust, owner, read_import(template_csv().encode(), date.today()))
    newcomer = make_user(email_verified_at=None)
    make_user(make_organisation(name="Waiting Trust", status=PENDING))  # for the approvals page
    secret = app.config["SECRET_KEY"]
    admin = make_user(is_admin=True, totp_secret=pyotp.random_base32())
    # Listed first on the users page (by email), so the one remove-rights form the walk posts is
    # this spare administrator's, never that of someone in the cast; and a request waiting for a
    # second administrator, so the confirm and cancel forms are there to be found.
    spare = make_user(email="a-spare-administrator@example.org", is_admin=True)
    admin_roles.request_admin(make_user().email, spare, "Joining the national team")
    young, adult = make_candidate(age_band=AGE_13_15), make_candidate()
    interest = _candidate_rows(adult, live)
    alert = alerts.save_search_for_candidate(adult, SearchFilters(q="audiology"), WEEKLY, secret)
    leaving = alerts.request_alert_by_email("leaving@example.net", SearchFilters(q="heart"), WEEKLY, secret)
    by_email = alerts.request_alert_by_email(
        "alerts@example.net", SearchFilters(q="audiology"), WEEKLY, secret
    )
    school = make_organisation(name="Hostile Test Academy", kind="college-or-school", town="York")
    teacher = make_user(school)
    class_code = ClassCode(code="HSTLTEST", organisation=school, label="Year 10", created_at=now())
    db.session.add(class_code)
    db.session.flush()
    cast = Cast()
    for visitor in (
        Visitor(ANONYMOUS),
        Visitor("owner", owner),
        Visitor("teacher", teacher),
        Visitor("candidate aged 13 to 15", young),
        Visitor("adult candidate", adult),
        Visitor("admin", admin),
        Visitor("admin without a second factor", admin, second_factor=False),
        Visitor("admin setting up a second factor", make_user(is_admin=True), second_factor=False),
    ):
        cast.visitors[visitor.name] = visitor
    cast.path_values = {
        "opportunity_id": [
            str(live.id),
            str(through_the_portal.id),
            *(str(listing.id) for listing in listings),
        ],
        "report_id": [str(report.id)],
        "import_id": [str(upload.id)],
        "interest_id": [str(interest.id)],
        "alert_id": [str(alert.id)],
        "class_id": [str(class_code.id)],
        "token": [
            accounts.reset_token(secret, make_user()),
            invitation_token,
            accounts.confirmation_token(secret, newcomer),
            candidates.sign_in_token(secret, young),
            candidates.confirmation_token(secret, make_candidate(email_verified_at=None)),
            alerts.confirmation_token(secret, by_email),
            # Its own alert: unsubscribing deletes it, and the others' pages still need theirs.
            alerts.unsubscribe_token(secret, leaving),
        ],
    }
    return cast


def _candidate_rows(candidate: Candidate, listing: Opportunity) -> ExpressionOfInterest:
    """One of everything a candidate can hold, so each of their pages has something to show."""
    interest = ExpressionOfInterest(
        candidate=candidate, opportunity=listing, message="I would like to visit", created_at=now()
    )
    db.session.add(interest)
    candidate.saved_areas.append(SavedArea(service_area_slug="audiology", created_at=now()))
    candidate.saved_listings.append(SavedListing(opportunity_id=listing.id, created_at=now()))
    candidate.area_interests.append(AreaInterest(service_area_slug="audiology", created_at=now()))
    db.session.flush()
    return interest


def become(client: FlaskClient, visitor: Visitor) -> FlaskClient:
    """Make the client ``visitor``, keeping the CSRF token their forms were rendered with."""
    with client.session_transaction() as session:
        session.clear()
        if visitor.user is not None:
            session["_user_id"] = session_id_for(visitor.user)
            session["_fresh"] = True
            session["second_factor"] = visitor.second_factor
        if visitor.csrf is not None:
            session["csrf_token"] = visitor.csrf
    return client


def remember_csrf(client: FlaskClient, visitor: Visitor) -> None:
    """Keep the session's CSRF secret, so that tokens on the visitor's pages stay valid after sign-outs."""
    with client.session_transaction() as session:
        visitor.csrf = session.get("csrf_token")
