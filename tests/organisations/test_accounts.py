"""Organisation accounts through the real pages: sign up, confirm, sign in and out, reset a password."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Organisation, User
from portal.models.organisations import PENDING
from portal.services import accounts
from tests.account_helpers import (
    SIGN_UP,
    last_mail_to,
    link_in,
    location_path,
    mail_to,
    submit,
    well_formed,
)
from tests.factories import PASSWORD, make_organisation, make_user
from tests.test_mail import SmtpServer

ADA = SIGN_UP["email"].lower()
WRONG_DETAILS = "Enter a correct email address and password"


def _sign_in(client, email: str, password: str = PASSWORD, next_page: str = ""):
    return submit(client, "/organisations/sign-in", {"email": email, "password": password, "next": next_page})


def _signed_up_and_confirmed(client) -> User:
    submit(client, "/organisations/sign-up", SIGN_UP)
    client.get(link_in(last_mail_to(ADA), "/organisations/confirm-email/"))
    return accounts.user_by_email(ADA)


def test_the_sign_up_form_asks_for_each_thing_with_the_right_autocomplete(get_page):
    page = get_page("/organisations/sign-up")
    assert page.h1 == "Sign up your organisation"
    autocomplete = {
        i["name"]: i.get("autocomplete") for i in page.select("input[name]") if i.get("type") != "hidden"
    }
    assert autocomplete["email"] == "email"
    assert autocomplete["password"] == "new-password"
    assert autocomplete["name"] == "name"
    assert autocomplete["organisation_name"] == "organization"
    assert {i["value"] for i in page.select("input[name=kind]")} == {
        "nhs-trust",
        "university",
        "college-or-school",
        "other-employer",
    }
    assert page.select("input[name=password][type=password]")


def test_sign_up_confirm_and_sign_in_to_a_dashboard_that_says_it_is_pending(client, get_page):
    response = submit(client, "/organisations/sign-up", SIGN_UP)
    assert response.status_code == 302 and location_path(response) == "/organisations/check-your-email"
    assert "Open the link" in get_page("/organisations/check-your-email").text

    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == SIGN_UP["organisation_name"])
    )
    assert (organisation.status, organisation.town, organisation.region) == (
        PENDING,
        "Leeds",
        "North East and Yorkshire",
    )
    assert organisation.website == "https://www.northdale.example.nhs.uk"
    [owner] = [m.user for m in organisation.memberships if m.role == "owner"]
    assert owner.email == ADA and owner.email_verified_at is None
    assert owner.password_hash.startswith("$argon2id$")

    [message] = mail_to(ADA)
    assert message.subject == "Confirm your email address"
    assert message.status == "sent", "sent after the request committed"
    assert "Hello Ada Lovelace" in message.text_body

    # Signing in before confirming sends a new link rather than a session.
    early = _sign_in(client, ADA, SIGN_UP["password"])
    assert location_path(early) == "/organisations/check-your-email"
    assert len(mail_to(ADA)) == 2
    assert client.get("/organisations/").status_code == 302

    confirmed = client.get(link_in(last_mail_to(ADA), "/organisations/confirm-email/"))
    assert location_path(confirmed) == "/organisations/sign-in"
    assert accounts.user_by_email(ADA).email_verified_at is not None

    signed_in = _sign_in(client, ADA.upper(), SIGN_UP["password"])
    assert location_path(signed_in) == "/organisations/"
    dashboard = get_page("/organisations/")
    assert dashboard.h1 == SIGN_UP["organisation_name"]
    assert "Waiting for approval" in dashboard.text
    assert "nobody else can see them" in dashboard.text
    assert "You are an owner" in dashboard.text
    assert "/organisations/members" in dashboard.links()


def test_a_real_smtp_server_receives_the_confirmation_link(app: Flask, client):
    server = SmtpServer()
    server.start()
    app.config["MAIL_URL"] = server.url
    try:
        submit(client, "/organisations/sign-up", SIGN_UP)
    finally:
        app.config["MAIL_URL"] = None
        server.stop()
    [message] = server.inbox.messages
    assert message["To"] == ADA and message["Subject"] == "Confirm your email address"
    body = message.get_body(("plain",)).get_content()
    assert "http://localhost/organisations/confirm-email/" in body
    assert message.get_body(("html",)) is None, "plain text only"


def test_sign_up_problems_are_explained_and_what_was_typed_is_kept(client):
    data = {
        **SIGN_UP,
        "name": "",
        "email": "not an address",
        "password": "short",
        "town": "Leedz",
        "kind": "",
    }
    response = submit(client, "/organisations/sign-up", data)
    assert response.status_code == 200
    page = well_formed(response)
    assert page.title.startswith("Error: ")
    summary = {a["href"]: a.get_text(strip=True) for a in page.select(".nhsuk-error-summary a")}
    assert summary["#name"] == "Enter your full name"
    assert "correct format" in summary["#email"]
    assert "at least 10 characters" in summary["#password"]
    assert "#kind" in summary
    assert page.soup.select_one("#organisation_name")["value"] == SIGN_UP["organisation_name"]
    assert page.soup.select_one("#email")["value"] == "not an address"
    assert not page.soup.select_one("#password").get("value"), "a password is never sent back"
    assert (
        db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.is_demo.is_(False))
        )
        == 0
    )


def test_an_unknown_town_gets_suggestions_once_the_rest_is_right(client):
    page = well_formed(submit(client, "/organisations/sign-up", {**SIGN_UP, "town": "Leedz"}))
    [message] = page.select("#town-error")
    assert "Leedz" in message.get_text() and "Leeds, England" in message.get_text()
    assert page.soup.select_one("#town")["value"] == "Leedz"
    ambiguous = well_formed(submit(client, "/organisations/sign-up", {**SIGN_UP, "town": "Bangor"}))
    assert "Bangor, Gwynedd, Wales" in ambiguous.soup.select_one("#town-error").get_text()
    assert mail_to(ADA) == []


@pytest.mark.parametrize("website", ["http://example.org", "javascript:alert(1)", "https://nodot"])
def test_a_website_must_be_an_https_address(client, website):
    page = well_formed(submit(client, "/organisations/sign-up", {**SIGN_UP, "website": website}))
    assert "starts https://" in page.soup.select_one("#website-error").get_text()


def test_signing_up_with_a_registered_address_looks_the_same_and_only_its_owner_is_told(client):
    existing = make_user(make_organisation(), email=ADA)
    response = submit(client, "/organisations/sign-up", {**SIGN_UP, "organisation_name": "Another Trust"})
    assert location_path(response) == "/organisations/check-your-email"
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Another Trust")) is None
    message = last_mail_to(ADA)
    assert message.subject == "You already have an account"
    assert link_in(message, "/organisations/reset-password") == "/organisations/reset-password"
    assert existing.membership.organisation.name != "Another Trust"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client):
    user = make_user(make_organisation())
    wrong = well_formed(_sign_in(client, user.email, "not the password"))
    unknown = well_formed(_sign_in(client, "nobody@example.org", "not the password"))
    assert wrong.response.status_code == unknown.response.status_code == 200
    assert wrong.soup.select_one("#email-error").get_text(strip=True).endswith(WRONG_DETAILS)
    assert wrong.text.replace(user.email, "X") == unknown.text.replace("nobody@example.org", "X")
    assert wrong.title.startswith("Error: Sign in to your organisation account")


def test_an_unconfirmed_account_with_a_wrong_password_is_not_told_it_is_waiting(client):
    user = make_user(make_organisation(status=PENDING), email_verified_at=None)
    page = well_formed(_sign_in(client, user.email, "not the password"))
    assert (
        WRONG_DETAILS in page.text
        and "confirm" not in page.soup.select_one(".nhsuk-error-summary").get_text()
    )
    assert mail_to(user.email) == []


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_sign_in_never_sends_a_person_to_another_site(client, next_page):
    user = make_user(make_organisation())
    form = client.get(f"/organisations/sign-in?next={next_page}")
    assert "evil.example" not in form.get_data(as_text=True)
    response = _sign_in(client, user.email, next_page=next_page)
    assert location_path(response) == "/organisations/"
    assert "evil" not in response.headers["Location"]


def test_sign_in_returns_to_the_local_page_asked_for(client, get_page):
    user = make_user(make_organisation())
    refused = client.get("/organisations/members")
    assert location_path(refused) == "/organisations/sign-in?next=/organisations/members"
    form = get_page(location_path(refused))
    assert form.soup.select_one("input[name=next]")["value"] == "/organisations/members"
    response = _sign_in(client, user.email, next_page="/organisations/members")
    assert location_path(response) == "/organisations/members"


def test_signing_in_starts_a_fresh_session(client):
    user = make_user(make_organisation())
    with client.session_transaction() as session:
        session["left_over"] = "from before"
    _sign_in(client, user.email)
    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
    assert user.last_signed_in_at is not None


def test_signing_out_needs_a_post_with_its_csrf_token(client):
    user = make_user(make_organisation())
    _sign_in(client, user.email)
    assert client.get("/organisations/sign-out").status_code == 405
    assert client.post("/organisations/sign-out").status_code == 400, "no CSRF token"
    assert client.get("/organisations/").status_code == 200, "still signed in"
    response = submit(client, "/organisations/sign-out", {}, form_page="/organisations/")
    assert location_path(response) == "/"
    assert location_path(client.get("/organisations/")).startswith("/organisations/sign-in")


def test_a_password_reset_ends_every_other_session_and_works_once(app, client, get_page):
    user = make_user(make_organisation())
    other_device = app.test_client()
    _sign_in(other_device, user.email)
    assert other_device.get("/organisations/").status_code == 200

    known = submit(client, "/organisations/reset-password", {"email": user.email.upper()})
    unknown = submit(client, "/organisations/reset-password", {"email": "nobody@example.org"})
    assert location_path(known) == location_path(unknown) == "/organisations/reset-password-sent"
    assert mail_to("nobody@example.org") == []
    assert "If that email address has an account" in get_page("/organisations/reset-password-sent").text
    link = link_in(last_mail_to(user.email), "/organisations/reset-password/")

    assert get_page(link).h1 == "Choose a new password"
    weak = well_formed(submit(client, link, {"password": "aaaaaaaaaaaa"}))
    assert weak.title.startswith("Error: ") and "too easy to guess" in weak.text
    changed = submit(client, link, {"password": "a brand new passphrase"})
    assert location_path(changed) == "/organisations/sign-in"
    assert last_mail_to(user.email).subject == "Your password has been changed"

    assert location_path(other_device.get("/organisations/")).startswith("/organisations/sign-in")
    assert user.session_version == 2
    assert get_page(link, status=400).h1 == "This link does not work", "a used link opens nothing"
    assert WRONG_DETAILS in well_formed(_sign_in(client, user.email, PASSWORD)).text
    assert location_path(_sign_in(client, user.email, "a brand new passphrase")) == "/organisations/"


def test_expired_and_tampered_reset_links_are_refused(app, get_page):
    user = make_user(make_organisation())
    key = app.config["SECRET_KEY"]
    late = accounts.reset_token(key, user, now=time.time() - 2 * 3600)
    assert get_page(f"/organisations/reset-password/{late}", status=400).h1 == "This link has expired"
    good = accounts.reset_token(key, user)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    assert get_page(f"/organisations/reset-password/{tampered}", status=400).h1 == "This link does not work"
    other_key = accounts.reset_token("another key entirely, not the portal's", user)
    assert get_page(f"/organisations/reset-password/{other_key}", status=400).h1 == "This link does not work"
    confirm = accounts.confirmation_token(key, user)
    assert get_page(f"/organisations/reset-password/{confirm}", status=400).h1 == "This link does not work"


def test_expired_and_tampered_confirmation_links_are_refused(app, get_page):
    user = make_user(make_organisation(status=PENDING), email_verified_at=None)
    key = app.config["SECRET_KEY"]
    late = accounts.confirmation_token(key, user, now=time.time() - 4 * 24 * 3600)
    assert get_page(f"/organisations/confirm-email/{late}", status=400).h1 == "This link has expired"
    reset = accounts.reset_token(key, user)
    assert get_page(f"/organisations/confirm-email/{reset}", status=400).h1 == "This link does not work"
    assert user.email_verified_at is None


def test_a_new_confirmation_link_goes_only_to_an_address_waiting_for_one(client, get_page):
    waiting = make_user(make_organisation(status=PENDING), email_verified_at=None)
    confirmed = make_user(make_organisation())
    assert get_page("/organisations/resend-confirmation").h1 == "Get a new confirmation link"
    answers = [
        submit(client, "/organisations/resend-confirmation", {"email": address})
        for address in (waiting.email, confirmed.email, "nobody@example.org")
    ]
    assert {location_path(a) for a in answers} == {"/organisations/check-your-email"}
    assert last_mail_to(waiting.email).subject == "Confirm your email address"
    assert mail_to(confirmed.email) == [] and mail_to("nobody@example.org") == []
    client.get(link_in(last_mail_to(waiting.email), "/organisations/confirm-email/"))
    assert waiting.email_verified_at is not None


def test_changing_the_address_makes_an_old_confirmation_link_useless(app, get_page):
    user = make_user(make_organisation(status=PENDING), email_verified_at=None)
    token = accounts.confirmation_token(app.config["SECRET_KEY"], user)
    user.email = "someone.else@example.org"
    db.session.flush()
    assert get_page(f"/organisations/confirm-email/{token}", status=400).h1 == "This link does not work"
