"""Users and administrators: the staff list, asking for an administrator, a second one confirming, removal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AdminGrant
from portal.services import admin_roles
from tests.account_helpers import location_path, submit, well_formed
from tests.factories import make_organisation, make_user, now, sign_in_as
from tests.hostile import PAYLOADS, problems_in

USERS = "/admin/users"


@pytest.fixture
def asha(client):
    """An administrator, signed in with the second factor."""
    user = make_user(is_admin=True, name="Asha Admin", email="asha@example.org")
    sign_in_as(client, user)
    return user


@pytest.fixture
def ben(db_session):
    """A second administrator (not signed in)."""
    return make_user(is_admin=True, name="Ben Admin", email="ben@example.org")


@pytest.fixture
def cara(db_session):
    """A verified owner of an organisation, who is not an administrator."""
    organisation = make_organisation(name="Northdale Teaching Hospitals NHS Trust")
    return make_user(organisation, name="Cara Colleague", email="cara@example.org")


def _ask(client, email: str, reason: str):
    return submit(client, f"{USERS}/admin-requests", {"email": email, "reason": reason}, USERS)


def _grants() -> list[AdminGrant]:
    return list(db.session.scalars(select(AdminGrant)))


def test_the_page_lists_staff_with_their_organisation_role_and_rights(client, asha, cara, get_page):
    cara.last_signed_in_at = now()
    page = get_page(USERS)
    assert page.h1 == "Users and administrators"
    rows = {
        row.select("td")[1].get_text(" ", strip=True): row for row in page.select("table.app-staff tbody tr")
    }
    assert set(rows) == {"asha@example.org", "cara@example.org"}
    cells = [td.get_text(" ", strip=True) for td in rows["cara@example.org"].select("td")]
    assert cells[0] == "Cara Colleague"
    assert cells[2] == "Northdale Teaching Hospitals NHS Trust, owner"
    assert cells[3] == "No" and cells[4] != "Never"
    asha_cells = [td.get_text(" ", strip=True) for td in rows["asha@example.org"].select("td")]
    assert asha_cells[2:] == ["None", "Administrator", "Never"]
    assert "2 staff accounts" in page.text and "No requests are waiting" in page.text
    assert "This is the only administrator" in page.text


def test_asking_creates_a_request_that_only_someone_else_can_confirm(app, client, asha, ben, cara, get_page):
    asked = _ask(client, "Cara@Example.org", "Joining the national team in May")
    assert location_path(asked) == USERS
    assert cara.is_admin is False
    [grant] = _grants()
    assert (grant.user_id, grant.requested_by_id) == (cara.id, asha.id)

    mine = get_page(USERS)
    assert "Another administrator must confirm it before cara@example.org becomes one" in mine.text
    [card] = mine.select(".app-admin-request")
    text = card.get_text(" ", strip=True)
    assert "Make Cara Colleague (cara@example.org) an administrator" in text
    assert "Asked by Asha Admin (asha@example.org)" in text and "Joining the national team in May" in text
    assert "You asked for this, so another administrator must confirm it." in text
    assert not card.select(f"form[action='{USERS}/admin-requests/{grant.id}/confirm']")

    # Posting the confirmation anyway is refused, and says why.
    refused = submit(client, f"{USERS}/admin-requests/{grant.id}/confirm", {}, USERS)
    assert location_path(refused) == USERS
    assert "You asked for this, so another administrator must confirm it." in get_page(USERS).text
    assert cara.is_admin is False and grant.outcome is None

    second = sign_in_as(app.test_client(), ben)
    theirs = well_formed(second.get(USERS))
    [button] = theirs.select(f"form[action='{USERS}/admin-requests/{grant.id}/confirm'] button")
    assert button.get_text(strip=True) == "Confirm: make Cara Colleague an administrator"
    confirmed = submit(second, f"{USERS}/admin-requests/{grant.id}/confirm", {}, USERS)
    assert location_path(confirmed) == USERS
    assert cara.is_admin is True and grant.outcome == "confirmed"
    after = well_formed(second.get(USERS))
    assert "They are an administrator now" in after.text and "No requests are waiting" in after.text


def test_the_person_named_cannot_confirm_their_own_request(app, client, asha, ben, cara):
    _ask(client, cara.email, "Joining the national team")
    [grant] = _grants()
    cara.is_admin = True  # made an administrator some other way, meanwhile
    theirs = sign_in_as(app.test_client(), cara)
    page = well_formed(theirs.get(USERS))
    assert "This is about you, so another administrator must confirm it." in page.text
    submit(theirs, f"{USERS}/admin-requests/{grant.id}/confirm", {}, USERS)
    assert grant.outcome is None
    assert "You cannot confirm your own administrator rights" in well_formed(theirs.get(USERS)).text


@pytest.mark.parametrize(
    ("email", "reason", "field", "message"),
    [
        ("", "A reason", "email", "Enter the email address of their staff account"),
        ("not an address", "A reason", "email", "Enter an email address in the correct format"),
        ("a" * 320 + "@example.org", "A reason", "email", "320 characters or fewer"),
        ("cara@example.org", "", "reason", "Say why they need to be an administrator"),
        ("cara@example.org", "x" * 1001, "reason", "1,000 characters or fewer"),
        ("cara@example.org", "Hidden \u202e text", "reason", "invisible or control characters"),
        ("nobody@example.org", "A reason", "email", "There is no staff account for nobody@example.org"),
        ("asha@example.org", "A reason", "email", "asha@example.org is already an administrator"),
        ("late@example.org", "A reason", "email", "has not confirmed their email address yet"),
    ],
)
def test_a_bad_request_is_explained_and_keeps_what_was_typed(
    client, asha, cara, email, reason, field, message
):
    make_user(email="late@example.org", email_verified_at=None)
    page = well_formed(_ask(client, email, reason))
    assert page.response.status_code == 400 and page.title.startswith("Error: ")
    summary = page.soup.select_one(".nhsuk-error-summary")
    assert message in summary.get_text() and summary.select_one("a")["href"] == f"#{field}"
    assert message in page.soup.select_one(f"#{field}-error").get_text()
    if field == "email" and len(email) < 100:
        assert page.soup.select_one("#email")["value"] == email
    if field == "reason" and len(reason) < 100:
        assert page.soup.select_one("#reason").get_text().strip() == reason.strip()
    assert _grants() == [] and cara.is_admin is False


def test_either_administrator_cancels_with_an_optional_reason_and_it_cannot_then_be_confirmed(
    app, client, asha, ben, cara, get_page
):
    _ask(client, cara.email, "Joining the national team")
    [grant] = _grants()
    too_long = well_formed(
        submit(client, f"{USERS}/admin-requests/{grant.id}/cancel", {"reason": "x" * 1001}, USERS)
    )
    assert too_long.response.status_code == 400
    assert (
        "1,000 characters or fewer"
        in too_long.soup.select_one(f"#reason-request-{grant.id}-error").get_text()
    )
    assert too_long.soup.select_one(".nhsuk-error-summary a")["href"] == f"#reason-request-{grant.id}"
    assert grant.outcome is None

    cancelled = submit(client, f"{USERS}/admin-requests/{grant.id}/cancel", {"reason": "Wrong person"}, USERS)
    assert location_path(cancelled) == USERS and grant.outcome == "cancelled"
    assert "The request is cancelled" in get_page(USERS).text

    second = sign_in_as(app.test_client(), ben)
    submit(second, f"{USERS}/admin-requests/{grant.id}/confirm", {}, USERS)
    assert cara.is_admin is False
    assert "This request has already been cancelled" in well_formed(second.get(USERS)).text
    assert submit(second, f"{USERS}/admin-requests/999999/confirm", {}, USERS).status_code == 404


def test_removing_rights_needs_a_reason_and_the_last_administrator_keeps_theirs(client, asha, ben, get_page):
    page = get_page(USERS)
    assert len(page.select(".app-administrator form")) == 2
    missing = well_formed(submit(client, f"{USERS}/{ben.id}/remove-admin", {"reason": " "}, USERS))
    assert missing.response.status_code == 400
    assert (
        "Say why you are removing them" in missing.soup.select_one(f"#reason-admin-{ben.id}-error").get_text()
    )
    assert ben.is_admin is True

    removed = submit(client, f"{USERS}/{ben.id}/remove-admin", {"reason": "Moved to another team"}, USERS)
    assert location_path(removed) == USERS and ben.is_admin is False
    alone = get_page(USERS)
    assert "ben@example.org is no longer an administrator" in alone.text
    assert "This is the only administrator, so their rights cannot be removed" in alone.text
    assert not alone.select(".app-administrator form")

    refused = submit(client, f"{USERS}/{asha.id}/remove-admin", {"reason": "Stepping down"}, USERS)
    assert location_path(refused) == USERS and asha.is_admin is True
    assert "asha@example.org is the last administrator" in get_page(USERS).text
    assert submit(client, f"{USERS}/999999/remove-admin", {"reason": "Who?"}, USERS).status_code == 404


def test_an_administrator_who_steps_down_leaves_the_console(client, asha, ben, get_page):
    page = get_page(USERS)
    assert (
        "Remove my administrator rights" in page.text
        and "You will leave the console straight away" in page.text
    )
    left = submit(client, f"{USERS}/{asha.id}/remove-admin", {"reason": "Stepping down"}, USERS)
    assert location_path(left) == "/"
    assert asha.is_admin is False
    assert "You are no longer an administrator." in well_formed(client.get("/")).text
    assert client.get("/admin/").status_code == 403


def test_the_staff_list_is_paged_and_searched(client, asha, get_page):
    for number in range(55):
        make_user(email=f"staff{number:02}@example.org", name=f"Staff member {number}")
    first = get_page(USERS)
    assert "56 staff accounts, page 1 of 2" in first.text
    assert len(first.select("table.app-staff tbody tr")) == 50
    assert f"{USERS}?page=2" in first.links()
    second = get_page(f"{USERS}?page=2")
    assert len(second.select("table.app-staff tbody tr")) == 6
    assert "page 2 of 2" in get_page(f"{USERS}?page=99").text

    bad = get_page(f"{USERS}?page=abc")
    assert bad.title.startswith("Error: ") and "Enter a page number from 1 to 10,000" in bad.text
    assert "page 1 of 2" in bad.text

    found = get_page(f"{USERS}?q=member+7")
    assert "1 staff account matching your search" in found.text
    assert [r.select("td")[0].get_text(strip=True) for r in found.select("table.app-staff tbody tr")] == [
        "Staff member 7"
    ]
    assert "too long" not in get_page(f"{USERS}?q=" + "x" * 200).text
    assert "200 characters or fewer" in get_page(f"{USERS}?q=" + "x" * 201).text


def test_the_page_is_for_administrators_only(app, asha, cara):
    anonymous = app.test_client()
    assert location_path(anonymous.get(USERS)) == f"/admin/sign-in?next={USERS}"
    member = sign_in_as(app.test_client(), cara)
    assert member.get(USERS).status_code == 403
    assert member.post(f"{USERS}/admin-requests", data={"email": cara.email, "reason": "Me"}).status_code in (
        400,
        403,
    )
    assert cara.is_admin is False and _grants() == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_forms_and_search_survive_hostile_input(client, asha, ben, cara, payload):
    for field in ("email", "reason"):
        data = {"email": cara.email, "reason": "Joining the team", field: payload}
        response = submit(client, f"{USERS}/admin-requests", data, USERS)
        assert not problems_in(response, payload), (field, problems_in(response, payload))
    for grant in _grants():
        grant.outcome = "cancelled"  # so that the next request is not refused as a second one
    grant = admin_roles.request_admin(cara.email, ben, "Joining the team")
    response = submit(client, f"{USERS}/admin-requests/{grant.id}/cancel", {"reason": payload}, USERS)
    assert not problems_in(response, payload), problems_in(response, payload)
    response = submit(client, f"{USERS}/{ben.id}/remove-admin", {"reason": payload}, USERS)
    assert not problems_in(response, payload), problems_in(response, payload)
    for query in ("q", "page"):
        response = client.get(USERS, query_string={query: payload})
        assert not problems_in(response, payload), (query, problems_in(response, payload))
