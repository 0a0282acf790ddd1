"""Every administrative action in the console lands in the audit log, exactly once, saying what changed.

The endpoints are found in the URL map, so an action added to the admin blueprint without being
added here fails the first test: add a way to perform it below, with the entry it must write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, ListingReport
from portal.services import admin_roles
from tests.account_helpers import submit
from tests.factories import make_opportunity, make_organisation, make_user, now, sign_in_as

# POST endpoints of the admin blueprint that are steps of signing in, not administrative actions:
# they change nothing but the signed-in person's own session or second factor.
NOT_ACTIONS = {
    "admin.sign_in": "the password step of signing in",
    "admin.second_factor": "the authenticator code step of signing in",
    "admin.set_up_second_factor": "setting up one's own authenticator app at the first sign-in",
}
# Any admin page with a form gives the client a CSRF token.
TOKEN_PAGE = "/admin/"


@dataclass(frozen=True)
class Expected:
    """The one audit entry an action must write."""

    action: str
    target_type: str
    target_id: int
    reason: str | None
    before: dict[str, Any]
    after: dict[str, Any]


def _decide(client, admin, ready) -> Expected:
    organisation = make_organisation(status="pending", approved_at=None)
    make_user(organisation)
    data = {"organisation_id": organisation.id, "decision": "decline", "reason": "Not a real trust"}
    ready()
    assert submit(client, "/admin/approvals/decide", data, TOKEN_PAGE).status_code == 302
    return Expected(
        "organisation.declined",
        "organisation",
        organisation.id,
        "Not a real trust",
        {"status": "pending"},
        {"status": "declined"},
    )


def _moderation_item(client, admin, ready) -> Expected:
    listing = make_opportunity(status="submitted", live_since=None, title="Cardiology placement")
    path = f"/admin/moderation/{listing.id}"
    data = {"decision": "reject", "rejection_reason": "charges-fee", "detail": "No fees."}
    ready()
    assert submit(client, path, data, TOKEN_PAGE).status_code == 302
    return Expected(
        "listing-rejected",
        "opportunity",
        listing.id,
        "charges-fee: No fees.",
        {"status": "submitted", "pending_status": None, "title": "Cardiology placement"},
        {"status": "rejected", "pending_status": None, "title": "Cardiology placement"},
    )


def _moderation_report(client, admin, ready) -> Expected:
    report = ListingReport(opportunity=make_opportunity(), reason="scam", created_at=now())
    db.session.add(report)
    db.session.flush()
    data = {"outcome": "no-action"}
    ready()
    assert submit(client, f"/admin/moderation/reports/{report.id}", data, TOKEN_PAGE).status_code == 302
    return Expected(
        "report-resolved",
        "listing_report",
        report.id,
        "no-action",
        {"outcome": None},
        {"outcome": "no-action"},
    )


def _trusted(client, admin, ready) -> Expected:
    organisation = make_organisation()
    data = {"organisation_id": organisation.id, "change": "trust", "reason": "Years of good listings"}
    ready()
    assert submit(client, "/admin/trusted", data, TOKEN_PAGE).status_code == 302
    return Expected(
        "organisation.trusted",
        "organisation",
        organisation.id,
        "Years of good listings",
        {"trusted": False},
        {"trusted": True},
    )


def _request_admin(client, admin, ready) -> Expected:
    person = make_user()
    data = {"email": person.email, "reason": "Joins the national team"}
    ready()
    assert submit(client, "/admin/users/admin-requests", data, TOKEN_PAGE).status_code == 302
    grant = admin_roles.waiting_grant_for(person)
    return Expected(
        "admin.requested",
        "user",
        person.id,
        "Joins the national team",
        {"is_admin": False, "admin_request": None},
        {"is_admin": False, "admin_request": "waiting", "admin_request_id": grant.id},
    )


def _waiting_grant(reason: str = "Joins the national team"):
    person, other_admin = make_user(), make_user(is_admin=True)
    return person, admin_roles.request_admin(person.email, other_admin, reason)


def _confirm_admin(client, admin, ready) -> Expected:
    person, grant = _waiting_grant()
    path = f"/admin/users/admin-requests/{grant.id}/confirm"
    ready()
    assert submit(client, path, {}, TOKEN_PAGE).status_code == 302
    return Expected(
        "admin.confirmed",
        "user",
        person.id,
        "Joins the national team",
        {"is_admin": False, "admin_request": "waiting", "admin_request_id": grant.id},
        {"is_admin": True, "admin_request": "confirmed", "admin_request_id": grant.id},
    )


def _cancel_admin(client, admin, ready) -> Expected:
    person, grant = _waiting_grant()
    path = f"/admin/users/admin-requests/{grant.id}/cancel"
    ready()
    assert submit(client, path, {"reason": "Asked for the wrong person"}, TOKEN_PAGE).status_code == 302
    return Expected(
        "admin.cancelled",
        "user",
        person.id,
        "Asked for the wrong person",
        {"is_admin": False, "admin_request": "waiting", "admin_request_id": grant.id},
        {"is_admin": False, "admin_request": "cancelled", "admin_request_id": grant.id},
    )


def _remove_admin(client, admin, ready) -> Expected:
    person = make_user(is_admin=True)
    path = f"/admin/users/{person.id}/remove-admin"
    ready()
    assert submit(client, path, {"reason": "Moved to another team"}, TOKEN_PAGE).status_code == 302
    return Expected(
        "admin.removed", "user", person.id, "Moved to another team", {"is_admin": True}, {"is_admin": False}
    )


PERFORM: dict[str, Callable[[Any, Any, Callable[[], None]], Expected]] = {
    "admin.decide": _decide,
    "admin.moderation_item": _moderation_item,
    "admin.moderation_report": _moderation_report,
    "admin.trusted": _trusted,
    "admin.request_admin": _request_admin,
    "admin.confirm_admin": _confirm_admin,
    "admin.cancel_admin": _cancel_admin,
    "admin.remove_admin": _remove_admin,
}


def _posting_admin_endpoints(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and rule.methods and "POST" in rule.methods
    }


def test_every_administrative_action_is_known_to_this_test(app):
    found = _posting_admin_endpoints(app)
    assert NOT_ACTIONS.keys() <= found, "an excluded sign-in step no longer exists: update NOT_ACTIONS"
    actions = found - NOT_ACTIONS.keys()
    assert actions == set(PERFORM), (
        f"admin endpoints that take a POST but are not performed here: {sorted(actions - set(PERFORM))}; "
        f"performed here but gone: {sorted(set(PERFORM) - actions)}"
    )


@pytest.mark.parametrize("endpoint", sorted(PERFORM))
def test_each_action_writes_exactly_one_audit_entry(client, db_session, endpoint):
    admin = make_user(is_admin=True)
    sign_in_as(client, admin)
    last = []

    def ready() -> None:
        # Setting up may itself be audited (a request to confirm): count only what the action adds.
        last.append(db.session.scalar(select(func.max(AuditEntry.id))) or 0)

    expected = PERFORM[endpoint](client, admin, ready)
    assert len(last) == 1, "the action must call ready() once, just before it acts"
    new = db.session.scalars(select(AuditEntry).where(AuditEntry.id > last[0])).all()
    assert len(new) == 1, f"{endpoint} wrote {len(new)} audit entries"
    [entry] = new
    assert entry.actor_id == admin.id and entry.at is not None
    assert (
        Expected(entry.action, entry.target_type, entry.target_id, entry.reason, entry.before, entry.after)
        == expected
    )
