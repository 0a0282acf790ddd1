"""Posting through the pages: a draft, review, referral, resubmission, going live, a live edit, closing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import url_for

from portal.extensions import db
from portal.models import AuditEntry, Opportunity, OutboxMessage
from portal.models.organisations import EDITOR, PENDING
from portal.services.listings import FIELDS
from tests.factories import make_opportunity, make_organisation, make_user, sign_in_as
from tests.hostile import MARKUP, PAYLOADS, problems_in
from tests.pages import Page

NEW = "/organisations/opportunities/new"


def day(offset: int) -> str:
    """A date ``offset`` days from today, as people type it."""
    value = date.today() + timedelta(days=offset)
    return f"{value.day}/{value.month}/{value.year}"


def listing_values(**changes: object) -> dict[str, object]:
    """A complete, valid placement as the form posts it."""
    values: dict[str, object] = {
        "title": "Audiology placement in Leeds",
        "type": "placement",
        "service_areas": ["audiology"],
        "level": "practitioner",
        "description": "Six weeks in a busy hearing clinic, testing hearing and fitting aids with our team. "
        * 2,
        "stages": ["undergraduate"],
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "closes_on": day(30),
        "starts_on": day(60),
        "places": "2",
        "pay_kind": "unpaid",
        "apply_kind": "external",
        "apply_url": "https://example.org/apply",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def csrf_token(client, path: str = NEW) -> str:
    """The client's CSRF token, read once from a page that renders a form."""
    if not hasattr(client, "csrf"):
        html = client.get(path).get_data(as_text=True)
        client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.csrf


def post(client, path: str, data: dict | None = None, token_page: str = NEW, **options):
    """POST ``data`` with the client's CSRF token, as a browser submitting the form would."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, token_page)}, **options)


def page(response, status: int = 200) -> Page:
    """The response parsed, after the checks every page passes."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    parsed = Page(response)
    parsed.assert_well_formed()
    return parsed


@pytest.fixture
def editor(client):
    """An editor of an approved organisation (which has an owner too), signed in."""
    organisation = make_organisation(website="https://example.org")
    make_user(organisation, email="owner@example.org")
    user = make_user(organisation, role=EDITOR)
    sign_in_as(client, user)
    return user


@pytest.fixture
def admin_client(app, db_session):
    """A second client, signed in as an administrator with the second factor."""
    other = app.test_client()
    sign_in_as(other, make_user(is_admin=True))
    return other


def _only_listing(user) -> Opportunity:
    return db.session.scalars(
        db.select(Opportunity).where(Opportunity.organisation_id == user.membership.organisation_id)
    ).one()


def _decide(admin_client, opportunity_id: int, **form: str):
    path = f"/admin/moderation/{opportunity_id}"
    return post(admin_client, path, form, token_page=path, follow_redirects=True)


def test_the_whole_life_of_a_listing(client, editor, admin_client):
    assert "Post an opportunity" in page(client.get(NEW)).h1
    response = post(client, NEW, data=listing_values(action="submit"), follow_redirects=True)
    listing = _only_listing(editor)
    assert listing.status == "submitted"
    assert "Waiting for review" in page(response).text

    _decide(
        admin_client,
        listing.id,
        decision="refer-back",
        referral_reason="pay-unclear",
        detail="Say the hours.",
    )
    shown = page(client.get(f"/organisations/opportunities/{listing.id}"))
    assert "What to change" in shown.text and "Say the hours." in shown.text
    assert "The pay is not stated clearly and honestly" in shown.text
    assert listing.status == "referred-back"

    edit = f"/organisations/opportunities/{listing.id}/edit"
    assert page(client.get(edit)).select("#title")[0]["value"] == "Audiology placement in Leeds"
    post(client, edit, data=listing_values(hours="9am to 3pm", action="submit"))
    assert listing.status == "submitted" and listing.hours == "9am to 3pm"
    page(_decide(admin_client, listing.id, decision="approve"))
    assert listing.status == "live"
    assert "What to change" not in page(client.get(f"/organisations/opportunities/{listing.id}")).text

    edit_page = page(client.get(edit))
    assert "the current version stays up" in edit_page.text
    post(client, edit, data=listing_values(title="Audiology placement, new title"))
    assert listing.title == "Audiology placement in Leeds" and listing.pending_status == "submitted"
    shown = page(client.get(f"/organisations/opportunities/{listing.id}"))
    assert "Audiology placement, new title" in shown.text and "waiting for review" in shown.text
    review = page(admin_client.get(f"/admin/moderation/{listing.id}"))
    assert "Live now" in review.text and "Changed" in review.text
    _decide(admin_client, listing.id, decision="approve")
    assert listing.title == "Audiology placement, new title" and listing.pending_changes is None

    response = post(client, f"/organisations/opportunities/{listing.id}/close", data={"reason": "filled"})
    assert response.status_code == 302 and listing.status == "closed"
    actions = [event.action for event in listing.events]
    assert actions == [
        "created", "submitted", "referred-back", "edited", "submitted", "approved",
        "change-submitted", "change-approved", "closed",
    ]  # fmt: skip
    history = page(client.get(f"/organisations/opportunities/{listing.id}")).text
    assert "Referred back for changes" in history and "All places are filled" in history
    owners_mailed = db.session.scalars(
        db.select(OutboxMessage.subject).where(OutboxMessage.to_address == "owner@example.org")
    ).all()
    assert "Your listing needs changes" in owners_mailed and "Your listing is approved" in owners_mailed


def test_a_draft_is_saved_and_sent_separately(client, editor):
    response = post(client, NEW, data=listing_values(action="draft"))
    listing = _only_listing(editor)
    assert response.status_code == 302 and listing.status == "draft"
    assert "Draft" in page(client.get(f"/organisations/opportunities/{listing.id}")).text
    post(client, f"/organisations/opportunities/{listing.id}/submit")
    assert listing.status == "submitted"
    refused = page(client.get(f"/organisations/opportunities/{listing.id}/edit", follow_redirects=True))
    assert "This listing cannot be changed now." in refused.text


def test_a_trusted_organisation_goes_live_without_review(client):
    user = make_user(make_organisation(trusted=True))
    sign_in_as(client, user)
    post(client, NEW, data=listing_values(action="submit"))
    listing = _only_listing(user)
    assert listing.status == "live"
    post(
        client,
        f"/organisations/opportunities/{listing.id}/edit",
        data=listing_values(title="Changed at once"),
    )
    assert listing.title == "Changed at once" and listing.pending_changes is None


def test_an_unapproved_organisation_can_submit_but_not_go_live(client, admin_client):
    user = make_user(make_organisation(status=PENDING, approved_at=None))
    sign_in_as(client, user)
    assert "nothing goes live until" in page(client.get(NEW)).text
    post(client, NEW, data=listing_values(action="submit"))
    listing = _only_listing(user)
    assert listing.status == "submitted"
    refused = page(_decide(admin_client, listing.id, decision="approve"), 400)
    assert "Approve the organisation first" in refused.text
    assert listing.status == "submitted"
    assert not db.session.scalars(db.select(AuditEntry).where(AuditEntry.target_id == listing.id)).all()


BAD_INPUT = [
    ({"closes_on": day(-1)}, "closes_on", "The closing date must be today or in the future"),
    ({"starts_on": day(10)}, "starts_on", "The start date must be on or after the closing date"),
    ({"title": "", "description": ""}, "title", "Enter a title"),
    ({"service_areas": [], "stages": []}, "service_areas", "Choose at least one service area"),
    ({"title": "t" * 121}, "title", "A title must be 120 characters or fewer"),
    ({"description": "d" * 5001}, "description", "A description must be 5,000 characters or fewer"),
    ({"town": "Leedz"}, "town", "Did you mean"),
    ({"postcode": "NOT A CODE"}, "postcode", "Enter a full UK postcode"),
    ({"apply_url": "http://example.org/apply"}, "apply_url", "starting with https://"),
    ({"type": "job", "pay_kind": "unpaid"}, "pay_kind", "must be paid"),
    ({"type": "job", "pay_kind": "band", "pay_band": "4", "minimum_age": "14"}, "minimum_age", "at least 16"),
    ({"description": "<script>alert(1)</script>"}, "description", "markup is removed"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_says_what_is_wrong_and_saves_nothing(client, editor, changes, field, message):
    sent = listing_values(action="submit", **changes)
    shown = page(post(client, NEW, data=sent), 400)
    summary = shown.select(".nhsuk-error-summary a")
    assert any(message in link.get_text() and link["href"] == f"#{field}" for link in summary), shown.text[
        :800
    ]
    assert message in shown.select(f"#{field}-error")[0].get_text()
    assert shown.select("#title")[0]["value"] == sent.get("title", "")
    assert Opportunity.query.filter_by(organisation_id=editor.membership.organisation_id).count() == 0


def test_markup_is_stored_as_text_and_shown_escaped(client, editor):
    markup = MARKUP[1]
    text_fields = ("title", "site_name", "hours", "apprenticeship_standard")
    sent = listing_values(**{name: markup for name in text_fields}, description=f"Plain words {markup} " * 5)
    post(client, NEW, data=sent)
    listing = _only_listing(editor)
    assert listing.title == markup and listing.site_name == markup
    assert "<img" not in listing.description
    response = client.get(f"/organisations/opportunities/{listing.id}")
    assert markup not in response.get_data(as_text=True) and not problems_in(response, markup)
    assert markup in Page(response).text


def test_another_organisations_listing_is_not_found(client, editor):
    theirs = make_opportunity()
    for path in ("", "/edit"):
        assert client.get(f"/organisations/opportunities/{theirs.id}{path}").status_code == 404
    for path in ("/submit", "/close"):
        assert (
            post(
                client, f"/organisations/opportunities/{theirs.id}{path}", data={"reason": "filled"}
            ).status_code
            == 404
        )
    assert theirs.status == "live"


def test_signing_in_is_needed(app, client):
    listing = make_opportunity()
    with app.test_request_context():
        sign_in = url_for("organisations.sign_in")
    for path in (
        NEW,
        f"/organisations/opportunities/{listing.id}",
        f"/organisations/opportunities/{listing.id}/edit",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith(sign_in)
    response = client.post(f"/organisations/opportunities/{listing.id}/close", data={"reason": "filled"})
    assert response.status_code in (302, 400) and listing.status == "live"


def test_closing_needs_a_reason(client, editor):
    listing = make_opportunity(editor.membership.organisation)
    shown = page(post(client, f"/organisations/opportunities/{listing.id}/close", data={}), 400)
    assert "Choose why you are closing the listing" in shown.text and listing.status == "live"


def test_the_listings_table_links_each_listing(app, editor):
    listing = make_opportunity(editor.membership.organisation, title="Listed <b>here</b>")
    with app.test_request_context():
        from flask import render_template

        html = render_template("organisations/_listings.html", listings=[listing])
    assert f"/organisations/opportunities/{listing.id}" in html and "&lt;b&gt;" in html
    assert "Post an opportunity" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_field_survives_hostile_input(client, editor, payload):
    listing = make_opportunity(editor.membership.organisation, status="draft")
    names = [*FIELDS, "action"]
    for name in names:
        for path in (NEW, f"/organisations/opportunities/{listing.id}/edit"):
            response = post(client, path, data={**listing_values(), name: payload})
            assert not problems_in(response, payload), (name, path, problems_in(response, payload))
    response = post(client, f"/organisations/opportunities/{listing.id}/close", data={"reason": payload})
    assert not problems_in(response, payload)
