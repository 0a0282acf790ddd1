"""Trusted organisations: an administrator trusts an approved organisation, or stops, saying why."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.admin.console_forms import TrustForm
from portal.extensions import db
from portal.forms import UNPRINTABLE_CATEGORIES, paragraph_text
from portal.models import AuditEntry
from portal.models.opportunities import DRAFT, LIVE, SUBMITTED
from portal.services.opportunities import submit_listing
from tests.account_helpers import location_path, submit, well_formed
from tests.factories import make_opportunity, make_organisation, make_user, sign_in_as
from tests.hostile import PAYLOADS, problems_in

TRUSTED = "/admin/trusted"


@pytest.fixture
def admin(client):
    """An administrator, signed in with the second factor."""
    user = make_user(is_admin=True, name="Tess Admin")
    sign_in_as(client, user)
    return user


@pytest.fixture
def trust(db_session):
    """An approved organisation that is not trusted."""
    return make_organisation(name="Aireview Hospitals NHS Trust")


def _change(client, organisation, change: str, reason: str, path: str = TRUSTED):
    data = {"organisation_id": organisation.id, "change": change, "reason": reason}
    # The console's home always has a form (signing out), so a token whatever the list holds.
    return submit(client, path, data, "/admin/")


def _entries(organisation) -> list[AuditEntry]:
    statement = select(AuditEntry).where(
        AuditEntry.target_type == "organisation", AuditEntry.target_id == organisation.id
    )
    return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def test_approved_organisations_are_listed_with_whether_each_is_trusted(client, admin, trust, get_page):
    make_organisation(name="Brook University", trusted=True)
    make_organisation(name="Pending College", status="pending", approved_at=None)
    page = get_page(TRUSTED)
    assert page.h1 == "Trusted organisations"
    sections = {
        s.select_one("h2").get_text(strip=True): s.get_text(" ", strip=True)
        for s in page.select(".app-trusted")
    }
    assert set(sections) == {"Aireview Hospitals NHS Trust", "Brook University"}
    assert "Not trusted" in sections["Aireview Hospitals NHS Trust"]
    assert "Trusted" in sections["Brook University"] and "Not trusted" not in sections["Brook University"]
    assert "Stop trusting Brook University" in sections["Brook University"]
    assert "Trust Aireview Hospitals NHS Trust" in sections["Aireview Hospitals NHS Trust"]
    assert "1 of the approved organisations is trusted" in page.text
    assert "go live without a moderator checking them first" in page.text


def test_trusting_needs_a_reason_and_is_audited_and_listings_then_skip_review(client, admin, trust, get_page):
    done = _change(client, trust, "trust", "Five years of accurate listings")
    assert location_path(done) == TRUSTED and trust.trusted is True
    page = get_page(TRUSTED)
    assert "Aireview Hospitals NHS Trust is trusted. Its new listings and changes will go live" in page.text
    [entry] = _entries(trust)
    assert (entry.action, entry.actor_id, entry.reason, entry.before, entry.after) == (
        "organisation.trusted",
        admin.id,
        "Five years of accurate listings",
        {"trusted": False},
        {"trusted": True},
    )
    listing = make_opportunity(trust, status=DRAFT, live_since=None)
    submit_listing(listing, make_user(trust))
    assert listing.status == LIVE

    stopped = _change(client, trust, "stop", "A listing asked for a fee")
    assert location_path(stopped) == TRUSTED and trust.trusted is False
    assert "is no longer trusted" in get_page(TRUSTED).text
    assert [(e.action, e.before, e.after) for e in _entries(trust)][-1] == (
        "organisation.untrusted",
        {"trusted": True},
        {"trusted": False},
    )
    second = make_opportunity(trust, status=DRAFT, live_since=None)
    submit_listing(second, make_user(trust))
    assert second.status == SUBMITTED


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why: the reason goes into the audit log"),
        ("   \r\n  ", "Say why: the reason goes into the audit log"),
        ("x" * 1001, "Keep the reason to 1,000 characters or fewer"),
        ("Looks \u200b fine", "must not contain invisible or control characters"),
    ],
)
def test_a_bad_reason_is_explained_beside_its_organisation_and_nothing_changes(
    client, admin, trust, reason, message
):
    page = well_formed(_change(client, trust, "trust", reason))
    assert page.response.status_code == 400 and page.title.startswith("Error: ")
    summary = page.soup.select_one(".nhsuk-error-summary")
    assert message in summary.get_text()
    assert summary.select_one("a")["href"] == f"#reason-{trust.id}"
    assert message in page.soup.select_one(f"#reason-{trust.id}-error").get_text()
    if len(reason) < 100 and reason.strip():
        assert page.soup.select_one(f"#reason-{trust.id}").get_text().strip() == reason.strip()
    assert trust.trusted is False and _entries(trust) == []


def test_made_up_changes_unknown_organisations_and_second_presses_change_nothing(
    client, admin, trust, get_page
):
    odd = well_formed(_change(client, trust, "delete", "Because"))
    assert odd.response.status_code == 400
    assert "Choose to trust the organisation or stop trusting it" in odd.text
    missing = submit(
        client, TRUSTED, {"organisation_id": 999999, "change": "trust", "reason": "Why"}, TRUSTED
    )
    assert missing.status_code == 404
    tampered = submit(
        client, TRUSTED, {"organisation_id": "9" * 40, "change": "trust", "reason": "Why"}, TRUSTED
    )
    assert tampered.status_code == 404

    _change(client, trust, "trust", "Five years of accurate listings")
    again = _change(client, trust, "trust", "Pressed twice")
    assert location_path(again) == TRUSTED
    assert "is already trusted: nothing has changed" in get_page(TRUSTED).text
    assert len(_entries(trust)) == 1


def test_an_organisation_that_is_not_approved_cannot_be_trusted(client, admin, get_page):
    pending = make_organisation(name="Pending College", status="pending", approved_at=None)
    _change(client, pending, "trust", "Seems fine")
    assert pending.trusted is False
    assert "Pending College is not approved, so it cannot be trusted" in get_page(TRUSTED).text


def test_the_list_is_searched_and_paged_and_a_change_returns_to_the_same_page(client, admin, get_page):
    for number in range(30):
        make_organisation(name=f"Organisation {number:02}")
    first = get_page(TRUSTED)
    assert "30 approved organisations, page 1 of 2" in first.text
    assert len(first.select(".app-trusted")) == 25
    second = get_page(f"{TRUSTED}?page=2")
    assert len(second.select(".app-trusted")) == 5
    form = next(f for f in second.select("form[method=post]") if f.select_one("input[name=organisation_id]"))
    assert form["action"] == f"{TRUSTED}?page=2"
    organisation_id = form.select_one("input[name=organisation_id]")["value"]
    data = {"organisation_id": organisation_id, "change": "trust", "reason": "Reliable"}
    assert location_path(submit(client, form["action"], data, form["action"])) == f"{TRUSTED}?page=2"
    found = get_page(f"{TRUSTED}?q=organisation+07")
    assert [s.select_one("h2").get_text(strip=True) for s in found.select(".app-trusted")] == [
        "Organisation 07"
    ]
    assert "1 approved organisation matching your search" in found.text
    assert "No approved organisation's name contains that" in get_page(f"{TRUSTED}?q=zzz").text
    assert "Enter a page number" in get_page(f"{TRUSTED}?page=-1").text


def test_only_administrators_reach_the_page(app, trust):
    anonymous = app.test_client()
    assert location_path(anonymous.get(TRUSTED)) == f"/admin/sign-in?next={TRUSTED}"
    member = sign_in_as(app.test_client(), make_user(trust))
    assert member.get(TRUSTED).status_code == 403
    halfway = sign_in_as(app.test_client(), make_user(is_admin=True), second_factor=False)
    assert location_path(halfway.get(TRUSTED)).startswith("/admin/sign-in/code")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_trust_form_and_search_survive_hostile_input(client, admin, trust, payload):
    for field in ("organisation_id", "change", "reason"):
        data = {"organisation_id": str(trust.id), "change": "trust", "reason": "Reliable", field: payload}
        response = submit(client, TRUSTED, data, "/admin/")
        assert not problems_in(response, payload), (field, problems_in(response, payload))
        if trust.trusted:
            assert _entries(trust)[-1].reason == (
                paragraph_text(payload) if field == "reason" else "Reliable"
            )
            trust.trusted = False
    for query in ("q", "page"):
        response = client.get(TRUSTED, query_string={query: payload})
        assert not problems_in(response, payload), (query, problems_in(response, payload))


@settings(max_examples=200, deadline=None)
@given(typed=st.text(max_size=1100))
def test_any_reason_is_kept_exactly_or_refused_with_a_message(app, typed):
    cleaned = paragraph_text(typed)
    printable = not any(unicodedata.category(ch) in UNPRINTABLE_CATEGORIES and ch != "\n" for ch in cleaned)
    with app.test_request_context(
        "/admin/trusted", method="POST", data={"organisation_id": "1", "change": "trust", "reason": typed}
    ):
        form = TrustForm(meta={"csrf": False})
        valid = form.validate()
    assert valid == bool(cleaned and len(cleaned) <= 1000 and printable)
    if valid:
        assert form.reason.data == cleaned
    else:
        assert form.reason.errors and all(
            message.endswith(("log", "fewer", "characters")) for message in form.reason.errors
        )
