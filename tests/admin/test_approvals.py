"""Administrators approve or decline new organisations; the audit log and the owners hear of it."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Organisation
from portal.models.organisations import APPROVED, DECLINED, PENDING
from portal.services import accounts
from tests.account_helpers import (
    SIGN_UP,
    last_mail_to,
    link_in,
    location_path,
    mail_to,
    submit,
    totp_now,
    well_formed,
)
from tests.factories import PASSWORD, make_organisation, make_user, sign_in_as

OWNER_EMAIL = SIGN_UP["email"].lower()


@pytest.fixture
def admin(db_session):
    """An administrator whose authenticator app is set up."""
    return make_user(is_admin=True, totp_secret=pyotp.random_base32(), name="Nadia Admin")


@pytest.fixture
def signed_up(app) -> Organisation:
    """An organisation signed up through the pages, its owner's address confirmed."""
    owner = app.test_client()
    submit(owner, "/organisations/sign-up", SIGN_UP)
    owner.get(link_in(last_mail_to(OWNER_EMAIL), "/organisations/confirm-email/"))
    return accounts.user_by_email(OWNER_EMAIL).membership.organisation


def _decide(
    client, organisation: Organisation, decision: str, reason: str = "", page: str = "/admin/approvals"
):
    data = {"organisation_id": organisation.id, "decision": decision, "reason": reason}
    return submit(client, "/admin/approvals/decide", data, page)


def _audit(organisation: Organisation) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == organisation.id)))


def test_an_administrator_signs_in_and_approves_a_new_organisation(app, client, admin, signed_up, get_page):
    submit(client, "/admin/sign-in", {"email": admin.email, "password": PASSWORD})
    submit(client, "/admin/sign-in/code", {"code": totp_now(admin.totp_secret)})
    assert "(1 waiting)" in get_page("/admin/").text
    page = get_page("/admin/approvals")
    [section] = page.select(".app-approval")
    assert section.select_one("h2").get_text() == SIGN_UP["organisation_name"]
    assert OWNER_EMAIL in section.get_text() and "North East and Yorkshire" in section.get_text()

    approved = _decide(client, signed_up, "approve")
    assert location_path(approved) == "/admin/approvals"
    assert signed_up.status == APPROVED and signed_up.approved_at is not None
    [entry] = _audit(signed_up)
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        "organisation.approved",
        admin.id,
        {"status": PENDING},
        {"status": APPROVED},
    )
    message = last_mail_to(OWNER_EMAIL)
    assert message.subject == "Your organisation has been approved"
    assert "http://localhost/organisations/" in message.text_body
    after = get_page("/admin/approvals")
    assert "is approved" in after.text and not after.select(".app-approval")

    owner = app.test_client()
    submit(owner, "/organisations/sign-in", {"email": OWNER_EMAIL, "password": SIGN_UP["password"]})
    assert "Approved" in well_formed(owner.get("/organisations/")).text


def test_declining_needs_a_reason_which_the_owners_and_the_audit_log_get(app, client, admin, signed_up):
    sign_in_as(client, admin)
    missing = well_formed(_decide(client, signed_up, "decline", "   "))
    assert missing.title.startswith("Error: ")
    assert missing.soup.select_one(".nhsuk-error-summary a")["href"] == f"#reason-{signed_up.id}"
    assert "Say why" in missing.soup.select_one(f"#reason-{signed_up.id}-error").get_text()
    assert (
        signed_up.status == PENDING
        and mail_to(OWNER_EMAIL)[-1].subject != "Your organisation has not been approved"
    )

    reason = "We could not find this trust <b>anywhere</b>."
    declined = _decide(client, signed_up, "decline", reason)
    assert location_path(declined) == "/admin/approvals"
    assert signed_up.status == DECLINED
    [entry] = _audit(signed_up)
    assert (entry.action, entry.reason) == ("organisation.declined", reason)
    message = last_mail_to(OWNER_EMAIL)
    assert message.subject == "Your organisation has not been approved" and reason in message.text_body

    owner = app.test_client()
    submit(owner, "/organisations/sign-in", {"email": OWNER_EMAIL, "password": SIGN_UP["password"]})
    page = well_formed(owner.get("/organisations/"))
    assert "Not approved" in page.text and reason in page.text
    assert "<b>anywhere</b>" not in page.response.get_data(as_text=True), "escaped, never markup"


def test_a_decision_is_made_once(client, admin, signed_up, get_page):
    sign_in_as(client, admin)
    _decide(client, signed_up, "approve")
    _decide(client, signed_up, "decline", "Changed my mind", page="/organisations/sign-up")
    assert signed_up.status == APPROVED
    assert len(_audit(signed_up)) == 1
    assert "already been dealt with" in get_page("/admin/approvals").text


def test_organisations_whose_owner_never_confirmed_are_not_listed(client, admin, get_page):
    unconfirmed = make_organisation(status=PENDING, name="Unconfirmed College")
    make_user(unconfirmed, email_verified_at=None)
    sign_in_as(client, admin)
    assert "Unconfirmed College" not in get_page("/admin/approvals").text
    assert "No organisations are waiting" in get_page("/admin/approvals").text


def test_an_unknown_organisation_or_a_made_up_decision_is_refused(client, admin, signed_up):
    sign_in_as(client, admin)
    missing = submit(
        client,
        "/admin/approvals/decide",
        {"organisation_id": 999999, "decision": "approve"},
        "/admin/approvals",
    )
    assert missing.status_code == 404
    odd = well_formed(_decide(client, signed_up, "delete"))
    assert odd.title.startswith("Error: ") and signed_up.status == PENDING


def test_approvals_refuse_everyone_but_an_administrator_who_gave_the_code(app, admin, signed_up):
    anonymous = app.test_client()
    assert location_path(anonymous.get("/admin/approvals")) == "/admin/sign-in?next=/admin/approvals"
    member = sign_in_as(app.test_client(), make_user(make_organisation()))
    assert member.get("/admin/approvals").status_code == 403
    assert _decide(member, signed_up, "approve", page="/organisations/sign-up").status_code == 403
    halfway = sign_in_as(app.test_client(), admin, second_factor=False)
    assert location_path(halfway.get("/admin/approvals")).startswith("/admin/sign-in/code")
    refused = _decide(halfway, signed_up, "approve", page="/organisations/sign-up")
    assert location_path(refused).startswith("/admin/sign-in/code")
    assert signed_up.status == PENDING
