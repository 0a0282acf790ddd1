"""The moderation queue and one listing's review, as an administrator sees them."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import AuditEntry, ListingReport, OutboxMessage
from portal.services.listings import check_listing
from portal.services.opportunities import update_listing
from tests.factories import make_opportunity, make_organisation, make_user, now, sign_in_as
from tests.hostile import PAYLOADS, problems_in
from tests.organisations.test_listings import listing_values, page, post


@pytest.fixture
def admin(client):
    """An administrator, signed in with the second factor."""
    user = make_user(is_admin=True, name="Mod Erator")
    sign_in_as(client, user)
    return user


def _review(client, opportunity_id: int, **form: str):
    path = f"/admin/moderation/{opportunity_id}"
    return post(client, path, form, token_page=path)


def test_the_queue_shows_listings_with_their_checks_and_open_reports(client, admin):
    pending = make_organisation(status="pending", approved_at=None, name="Pending Trust")
    waiting = make_opportunity(pending, status="submitted", title="Pay a fee to join", description="Short.")
    reported = make_opportunity(title="Reported listing")
    db.session.add(ListingReport(opportunity=reported, reason="scam", details="<b>odd</b>", created_at=now()))
    db.session.flush()
    shown = page(client.get("/admin/moderation"))
    assert "Pay a fee to join" in shown.text and "Not approved yet" in shown.text
    assert "It mentions “pay a fee”" in shown.text and "description is short" in shown.text
    assert "Reported listing" in shown.text and "<b>odd</b>" in shown.text
    assert f"/admin/moderation/{waiting.id}" in shown.links()


def test_a_live_edit_is_shown_beside_the_live_version(client, admin):
    listing = make_opportunity(description="Six weeks in a hearing clinic with our team. " * 3)
    values = {**listing_values(title="A better title"), "closes_on": listing.closes_on.isoformat()}
    data, problems = check_listing(values, listing.created_at.date())
    assert not problems
    update_listing(listing, make_user(listing.organisation), data)
    shown = page(client.get(f"/admin/moderation/{listing.id}"))
    row = next(r for r in shown.select("tr.app-changed") if "Title" in r.get_text())
    assert listing.title in row.get_text() and "A better title" in row.get_text()


def test_decisions_need_their_reasons(client, admin):
    listing = make_opportunity(status="submitted")
    for form, message in [
        ({}, "Choose approve, refer back or reject"),
        ({"decision": "refer-back"}, "Choose a reason from the list"),
        ({"decision": "reject", "rejection_reason": "other"}, "Explain the reason"),
        (
            {"decision": "refer-back", "referral_reason": "dates", "detail": "x" * 1001},
            "1,000 characters or fewer",
        ),
    ]:
        shown = page(_review(client, listing.id, **form), 400)
        assert message in shown.select(".nhsuk-error-summary")[0].get_text()
    assert listing.status == "submitted"


def test_rejecting_records_audit_and_emails_owners(client, admin):
    organisation = make_organisation()
    owner = make_user(organisation)
    listing = make_opportunity(organisation, status="submitted")
    response = _review(
        client, listing.id, decision="reject", rejection_reason="charges-fee", detail="No fees."
    )
    assert response.status_code == 302 and listing.status == "rejected"
    audit = db.session.scalars(db.select(AuditEntry).where(AuditEntry.target_id == listing.id)).one()
    assert audit.actor_id == admin.id and audit.reason == "charges-fee: No fees."
    mail = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == owner.email)).one()
    assert "It asks people to pay to apply" in mail.text_body and "No fees." in mail.text_body
    assert f"http://localhost/organisations/opportunities/{listing.id}" in mail.text_body


def test_a_refused_decision_shows_the_reason(client, admin):
    listing = make_opportunity(status="draft")
    shown = page(_review(client, listing.id, decision="approve"), 400)
    assert "There is nothing waiting for review" in shown.text


def test_a_report_is_resolved(client, admin):
    listing = make_opportunity()
    report = ListingReport(opportunity=listing, reason="out-of-date", created_at=now())
    db.session.add(report)
    db.session.flush()
    path = f"/admin/moderation/{listing.id}"
    response = post(
        client, f"/admin/moderation/reports/{report.id}", {"outcome": "no-action"}, token_page=path
    )
    assert response.status_code == 302 and report.outcome == "no-action" and report.resolved_by_id == admin.id


def test_who_may_moderate(app, client):
    listing = make_opportunity(status="submitted")
    member = make_user(make_organisation())
    sign_in_as(client, member)
    assert client.get("/admin/moderation").status_code == 403
    assert client.get(f"/admin/moderation/{listing.id}").status_code == 403
    sign_in_as(client, make_user(is_admin=True), second_factor=False)
    response = client.get("/admin/moderation")
    with app.test_request_context():
        from flask import url_for

        second_factor, sign_in = url_for("admin.second_factor"), url_for("admin.sign_in")
    assert response.status_code == 302 and response.headers["Location"].startswith(second_factor)
    anonymous = app.test_client()
    response = anonymous.get("/admin/moderation")
    assert response.status_code == 302 and response.headers["Location"].startswith(sign_in)
    assert anonymous.get(f"/admin/moderation/{listing.id}").status_code == 302


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_decision_form_survives_hostile_input(client, admin, payload):
    listing = make_opportunity(status="submitted")
    valid = {"decision": "refer-back", "referral_reason": "other", "detail": "Fine."}
    for name in (*valid, "rejection_reason"):
        response = _review(client, listing.id, **{**valid, name: payload})
        assert not problems_in(response, payload), (name, problems_in(response, payload))
        if response.status_code == 302:
            listing.status = "submitted"  # let the next field be tried on a listing still under review
    page(client.get(f"/admin/moderation/{listing.id}"))
    assert not problems_in(client.get(f"/admin/moderation/{listing.id}"), payload)
