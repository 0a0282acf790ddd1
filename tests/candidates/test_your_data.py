"""Seeing, downloading and deleting everything held about a candidate, through the real pages."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, func, select

from portal.extensions import db
from portal.models import (
    AlertDelivery,
    AlertSubscription,
    AnonymousTally,
    AreaInterest,
    Candidate,
    ExpressionOfInterest,
    OutboxMessage,
    SavedArea,
    SavedListing,
)
from portal.models.outbox import SENT
from portal.services.personal_data import INACTIVE_MONTHS, WITHHELD_COLUMNS, export_candidate, iso
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, add_to_tally, tally_total
from tests.account_helpers import location_path, submit, well_formed
from tests.factories import (
    make_candidate,
    make_opportunity,
    make_organisation,
    make_user,
    now,
    sign_in_as,
    sign_in_candidate_as,
)

MESSAGE = "I have helped at the Saturday hearing clinic since March and would love a placement"
SAVED_AREA, INTEREST_AREA = "audiology", "allergy-diagnostics"


@dataclass
class Everything:
    """A candidate with one of everything the portal can hold about a person."""

    candidate: Candidate
    email: str
    saved_listing_title: str
    interest_listing_title: str
    delivered_listing_title: str
    organisation_name: str
    mail_body: str


def _subscription(**fields: Any) -> AlertSubscription:
    values = {
        "search": {"q": "audiology"},
        "frequency": "weekly",
        "created_at": now(),
        "confirmed_at": now(),
        "unsubscribe_token_hash": secrets.token_hex(32),
    }
    subscription = AlertSubscription(**{**values, **fields})
    db.session.add(subscription)
    db.session.flush()
    return subscription


def _mail(to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(
        created_at=now(), to_address=to, subject=subject, text_body=body, status=SENT, sent_at=now()
    )
    db.session.add(message)
    db.session.flush()
    return message


def _one_of_everything() -> Everything:
    organisation = make_organisation(name="Northdale Teaching Hospitals NHS Trust")
    saved = make_opportunity(organisation, title="Hearing clinic placement")
    wanted = make_opportunity(organisation, title="Newborn hearing screening taster day")
    delivered = make_opportunity(organisation, title="Cochlear implant shadowing week")
    candidate = make_candidate(email="robin.everything@example.net", count_interest_in_figures=True)
    db.session.add_all(
        [
            SavedArea(candidate=candidate, service_area_slug=SAVED_AREA, created_at=now()),
            SavedListing(candidate=candidate, opportunity_id=saved.id, created_at=now()),
            AreaInterest(candidate=candidate, service_area_slug=INTEREST_AREA, created_at=now()),
            ExpressionOfInterest(
                candidate=candidate,
                opportunity_id=wanted.id,
                message=MESSAGE,
                share_email=True,
                status="in-review",
                created_at=now(),
                status_changed_at=now(),
            ),
        ]
    )
    alert = _subscription(candidate=candidate, search={"q": "cochlear"})
    db.session.add(AlertDelivery(subscription_id=alert.id, opportunity_id=delivered.id, sent_at=now()))
    _subscription(email=candidate.email, search={"q": "newborn screening"}, confirmed_at=None)
    body = "Three new listings match your search for cochlear implants."
    _mail(candidate.email, "New listings for your alert", body)
    add_to_tally(AREA_INTEREST, INTEREST_AREA)
    add_to_tally(EXPRESSION_OF_INTEREST, str(wanted.id))
    db.session.flush()
    db.session.expire(candidate)
    return Everything(
        candidate=candidate,
        email=candidate.email,
        saved_listing_title=saved.title,
        interest_listing_title=wanted.title,
        delivered_listing_title=delivered.title,
        organisation_name=organisation.name,
        mail_body=body,
    )


def _section_models() -> dict[str, type]:
    return {
        "saved_areas": SavedArea,
        "saved_listings": SavedListing,
        "area_interests": AreaInterest,
        "expressions_of_interest": ExpressionOfInterest,
        "alerts": AlertSubscription,
        "alerts_without_account": AlertSubscription,
        "emails": OutboxMessage,
    }


def _unaccounted_columns(model: type, exported: dict[str, Any]) -> set[str]:
    """Columns of ``model`` that are neither in ``exported`` nor declared as withheld."""
    table = model.__table__
    withheld = WITHHELD_COLUMNS.get(table.name, {})
    return {column.key for column in table.columns} - set(exported) - set(withheld)


def test_the_export_holds_every_value_and_every_column(db_session):
    everything = _one_of_everything()
    candidate = everything.candidate
    data = export_candidate(candidate)
    text = json.dumps(data, ensure_ascii=False)

    for value in (
        everything.email,
        "Audiology",
        "Allergy diagnostics",
        everything.saved_listing_title,
        everything.interest_listing_title,
        everything.delivered_listing_title,
        everything.organisation_name,
        MESSAGE,
        "cochlear",
        "newborn screening",
        "New listings for your alert",
        everything.mail_body,
    ):
        assert value.lower() in text.lower(), f"{value!r} is missing from the export"

    # Every column of the candidate row, by name, unless it is declared as withheld.
    account = data["account"]
    missing = _unaccounted_columns(Candidate, account)
    assert not missing, f"Candidate columns neither exported nor withheld: {missing}"
    for column in Candidate.__table__.columns:
        if column.key in account:
            value = getattr(candidate, column.key)
            expected = iso(value) if isinstance(value, datetime) else value
            assert account[column.key] == expected, column.key
    assert account["password"] == "set"
    assert candidate.password_hash not in text
    assert datetime.fromisoformat(account["created_at"]).utcoffset() == timedelta(0)

    # Every column of every other row held about the person, too.
    for section, model in _section_models().items():
        assert data[section], f"{section} is empty"
        for row in data[section]:
            assert not _unaccounted_columns(model, row), (section, _unaccounted_columns(model, row))
    [alert] = data["alerts"]
    [delivery] = alert["listings_sent"]
    assert not _unaccounted_columns(AlertDelivery, delivery)
    assert delivery["listing_title"] == everything.delivered_listing_title
    [interest] = data["expressions_of_interest"]
    assert interest["share_email"] is True and interest["status_label"] == "In review"
    assert interest["organisation"] == everything.organisation_name
    assert data["kept_for"]["unused_account_months_before_a_reminder"] == INACTIVE_MONTHS


def test_the_export_says_when_there_is_no_password(db_session):
    candidate = make_candidate(password_hash=None)
    account = export_candidate(candidate)["account"]
    assert account["password"] == "not set"
    assert "password_hash" not in account


def test_the_summary_page_shows_everything_in_sections(client, db_session, get_page):
    everything = _one_of_everything()
    sign_in_candidate_as(client, everything.candidate)
    page = get_page("/account/your-data")
    assert page.h1 == "Everything we keep about you"
    for value in (
        everything.email,
        "18 and over",
        "You have a password",
        "Audiology",
        "Allergy diagnostics",
        everything.saved_listing_title,
        everything.interest_listing_title,
        everything.organisation_name,
        MESSAGE,
        "Yes: the organisation can see your email address",
        "In review",
        "Words: cochlear",
        "Words: newborn screening",
        "New listings for your alert",
        "If you do not use it for 24 months",
    ):
        assert value in page.text, f"{value!r} is not on the summary page"
    assert everything.candidate.password_hash not in page.text
    headings = [h2.get_text(strip=True) for h2 in page.select("h2")]
    assert headings[:4] == [
        "Your account",
        "Service areas you saved",
        "Opportunities you saved",
        "Service areas you are interested in",
    ]
    assert "How long we keep it" in headings
    assert {"/account/your-data.json", "/account/delete"} <= set(page.links())


def test_the_dashboard_links_to_the_summary_the_download_and_deletion(client, db_session, get_page):
    sign_in_candidate_as(client, make_candidate())
    page = get_page("/account/")
    section = page.soup.select_one(".app-your-data-links")
    assert section is not None
    links = [a["href"] for a in section.select("a[href]")]
    assert links == ["/account/your-data", "/account/your-data.json", "/account/delete"]


def test_the_download_is_an_uncached_attachment_of_the_same_data(client, db_session):
    everything = _one_of_everything()
    sign_in_candidate_as(client, everything.candidate)
    response = client.get("/account/your-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert '\n  "account": {\n    "id": ' in body  # indented for people to read
    downloaded = json.loads(body)
    expected = export_candidate(everything.candidate)
    downloaded.pop("exported_at"), expected.pop("exported_at")
    assert downloaded == expected


def test_the_data_pages_are_only_for_the_signed_in_candidate(client, db_session):
    for path in ("/account/your-data", "/account/your-data.json", "/account/delete"):
        response = client.get(path)
        assert response.status_code == 302 and location_path(response).startswith("/account/sign-in")
    sign_in_as(client, make_user(make_organisation()))
    for path in ("/account/your-data", "/account/your-data.json", "/account/delete"):
        assert client.get(path).status_code == 403


def test_deleting_needs_the_box_ticked(client, db_session, get_page):
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    page = get_page("/account/delete")
    assert page.h1 == "Delete your account"
    assert "What we delete" in page.text and "Anonymous counts stay" in page.text
    refused = submit(client, "/account/delete", {})
    assert refused.status_code == 400
    error = well_formed(refused)
    assert "Tick the box to confirm that you want to delete your account" in error.text
    assert error.select(".nhsuk-error-summary a[href='#confirm']")
    assert db.session.get(Candidate, candidate.id) is not None


def _occurrences(needles: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Every table and text column holding any of ``needles``, and the names of the tables checked."""
    found, checked = [], []
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, (String, JSON))]
        checked.append(table.name)
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = json.dumps(value) if isinstance(value, (dict, list)) else str(value or "")
                found.extend(f"{table.name}.{column.name}" for n in needles if n.lower() in text.lower())
    return found, checked


def _tallies() -> list[tuple[str, str, int]]:
    rows = db.session.execute(select(AnonymousTally.kind, AnonymousTally.subject, AnonymousTally.count))
    return sorted(tuple(row) for row in rows)


def test_deleting_the_account_leaves_nothing_that_holds_the_email_or_the_message(client, db_session):
    everything = _one_of_everything()
    bystander = make_candidate(email="bystander@example.net")
    _mail(bystander.email, "Confirm your email address", "Open this link to confirm.")
    # An organisation's copy of the interest, quoting the message and the shared address.
    _mail("staff@example.org", "Someone is interested", f"From {everything.email}:\n\n{MESSAGE}")
    tallies_before = _tallies()
    assert _occurrences((everything.email, MESSAGE))[0]

    sign_in_candidate_as(client, everything.candidate)
    deleted = submit(client, "/account/delete", {"confirm": "y"})
    assert location_path(deleted) == "/account/deleted"

    found, checked = _occurrences((everything.email, MESSAGE))
    print(f"tables checked ({len(checked)}): {', '.join(checked)}")
    assert "candidate" in checked and "outbox_message" in checked and "alert_subscription" in checked
    assert found == [], f"still held after deletion: {found}"
    assert _tallies() == tallies_before
    assert tally_total(AREA_INTEREST, INTEREST_AREA) == 1
    for model in (SavedArea, SavedListing, AreaInterest, ExpressionOfInterest, AlertDelivery):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__
    # Only that person's data went.
    assert db.session.get(Candidate, bystander.id) is not None
    assert db.session.scalar(select(func.count()).where(OutboxMessage.to_address == bystander.email)) == 1


def test_after_deleting_the_person_is_signed_out_and_told_what_went(client, db_session, get_page):
    sign_in_candidate_as(client, make_candidate())
    submit(client, "/account/delete", {"confirm": "y"}, "/account/delete")
    page = get_page("/account/deleted")
    assert page.h1 == "Your account has been deleted"
    assert "You have been signed out" in page.text
    assert "anonymous counts" in page.text
    signed_out = client.get("/account/your-data")
    assert signed_out.status_code == 302 and location_path(signed_out).startswith("/account/sign-in")
