"""Signing in by password or one-time link, signing out, and who may see the account pages."""

from __future__ import annotations

import time

import pytest

from portal.models.candidates import AGE_13_15, AGE_18_PLUS
from portal.services import candidates
from tests.account_helpers import (
    csrf_token,
    last_mail_to,
    link_in,
    location_path,
    mail_to,
    well_formed,
)
from tests.candidates.accounts import (
    PRIVACY,
    SAM,
    WRONG_DETAILS,
    as_utc,
    ask_for_link,
    secret_key_of,
    sign_in,
    signed_in_as,
)
from tests.factories import make_candidate, make_user, sign_in_as, sign_in_candidate_as

# Signing in with a password


def test_a_password_signs_in_and_the_dashboard_says_what_the_age_band_means(client):
    make_candidate(AGE_13_15, email=SAM)
    response = sign_in(client, SAM.upper())
    assert location_path(response) == "/account/"
    page = well_formed(client.get("/account/"))
    assert page.h1 == "Your account"
    assert f"You are signed in as {SAM}" in page.text
    assert "You told us you are 13 to 15" in page.text
    assert "most protective settings, and you cannot change them" in page.text
    assert "/account/settings" in page.links()
    assert page.select("form[action='/account/sign-out'] button")


def test_the_dashboard_of_an_adult_says_they_choose(client):
    sign_in_candidate_as(client, make_candidate(AGE_18_PLUS))
    page = well_formed(client.get("/account/"))
    assert "You told us you are 18 and over" in page.text
    assert "You choose in your settings" in page.text


def test_a_wrong_password_an_unknown_address_and_a_link_only_account_get_the_same_page(client):
    make_candidate(email=SAM)
    make_candidate(email="links.only@example.net", password_hash=None)
    pages = [
        well_formed(sign_in(client, SAM, "not the password")),
        well_formed(sign_in(client, "nobody@example.net", "not the password")),
        well_formed(sign_in(client, "links.only@example.net", "not the password")),
    ]
    for page in pages:
        assert page.response.status_code == 200, "a 200 counts against the per-account limit"
        assert page.soup.select_one(".nhsuk-error-summary a").get_text(strip=True) == WRONG_DETAILS
        assert "Email me a sign-in link instead" in page.text
    assert len({page.text for page in pages}) == 1, "nothing tells the three apart"
    assert signed_in_as(client) is None


def test_an_unconfirmed_address_with_the_right_password_gets_a_new_confirmation_link(client):
    make_candidate(email=SAM, email_verified_at=None)
    response = sign_in(client, SAM)
    assert location_path(response) == "/account/check-your-email"
    assert (
        "You need to confirm your email address" in well_formed(client.get(response.headers["Location"])).text
    )
    assert last_mail_to(SAM).subject == "Confirm your email address"
    assert signed_in_as(client) is None


def test_the_sign_in_page_offers_a_link_and_the_privacy_notices(get_page):
    page = get_page("/account/sign-in")
    assert page.h1 == "Sign in to your account"
    assert page.select("form[action='/account/sign-in-link'] input[name=link_email]")
    assert "Email me a sign-in link instead" in page.text
    assert set(PRIVACY) <= set(page.links())


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [
        ("/account/settings", "/account/settings"),
        ("//evil.example/account", "/account/"),
        ("https://evil.example/", "/account/"),
        ("/\\evil.example", "/account/"),
    ],
)
def test_next_is_honoured_only_when_it_stays_on_the_site(client, next_page, lands_on):
    make_candidate(email=SAM)
    assert location_path(sign_in(client, SAM, next_page=next_page)) == lands_on


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    make_candidate(email=SAM)
    response = client.get("/account/settings")
    assert location_path(response) == "/account/sign-in?next=/account/settings"
    form = well_formed(client.get(location_path(response)))
    next_value = form.soup.select_one("form[action='/account/sign-in'] input[name=next]")["value"]
    assert next_value == "/account/settings"
    assert location_path(sign_in(client, SAM, next_page=next_value)) == "/account/settings"


def test_organisation_staff_are_refused_the_account_pages(client):
    sign_in_as(client, make_user())
    for path in ("/account/", "/account/settings"):
        response = client.get(path)
        assert response.status_code == 403, path


def test_staff_who_sign_in_as_a_candidate_start_a_fresh_session(client):
    make_candidate(email=SAM)
    sign_in_as(client, make_user())
    assert location_path(sign_in(client, SAM)) == "/account/"
    assert signed_in_as(client) == SAM
    assert client.get("/organisations/").status_code == 302, "no longer signed in as staff"


def test_signing_out_ends_the_session(client):
    sign_in_candidate_as(client, make_candidate(email=SAM))
    assert signed_in_as(client) == SAM
    response = client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    assert location_path(response) == "/"
    assert "You have signed out" in well_formed(client.get("/")).text
    assert signed_in_as(client) is None


# One-time sign-in links


def test_a_sign_in_link_is_answered_the_same_whether_or_not_the_address_is_known(client):
    make_candidate(email=SAM)
    known = ask_for_link(client, SAM.upper())
    unknown = ask_for_link(client, "nobody@example.net")
    assert location_path(known) == location_path(unknown) == "/account/check-your-email?sent=link"
    page = well_formed(client.get("/account/check-your-email?sent=link"))
    assert "If there is an account with the address you gave us" in page.text
    assert "15 minutes" in page.text
    assert last_mail_to(SAM).subject == "Your link to sign in"
    assert mail_to("nobody@example.net") == []


def test_a_bad_address_for_a_link_is_explained_on_the_sign_in_page(client):
    page = well_formed(ask_for_link(client, "not an address"))
    assert page.response.status_code == 400
    assert page.soup.select_one(".nhsuk-error-summary a")["href"] == "#link_email"
    assert page.soup.select_one("#link_email")["value"] == "not an address"


def test_opening_a_sign_in_link_does_not_sign_in_and_pressing_the_button_does_once(app, client):
    candidate = make_candidate(email=SAM)
    ask_for_link(client, SAM)
    link = link_in(last_mail_to(SAM), "/account/sign-in/")

    # A mail scanner fetching the link spends nothing and signs nobody in.
    scanner = app.test_client()
    assert scanner.get(link).status_code == 200
    assert signed_in_as(scanner) is None

    page = well_formed(client.get(link))
    assert page.h1 == "Sign in to your account"
    assert "Press the button to sign in" in page.text
    assert signed_in_as(client) is None

    before = candidate.last_active_at
    signed_in = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert location_path(signed_in) == "/account/"
    assert signed_in_as(client) == SAM
    assert as_utc(candidate.last_active_at) > as_utc(before)

    # Used once, it works no more: not to press again, nor for anyone else.
    for again in (client.get(link), app.test_client().get(link)):
        assert again.status_code == 400
        assert "This link does not work" in well_formed(again).text
    stranger = app.test_client()
    token = csrf_token(stranger, "/account/sign-in")
    assert stranger.post(link, data={"csrf_token": token}).status_code == 400
    assert signed_in_as(stranger) is None


def test_a_sign_in_link_expires_after_15_minutes(app, client):
    candidate = make_candidate(email=SAM)
    late = candidates.sign_in_token(secret_key_of(app), candidate, now=time.time() - 16 * 60)
    response = client.get(f"/account/sign-in/{late}")
    assert response.status_code == 400
    assert "Links to sign in work for 15 minutes" in well_formed(response).text
    confirm_token = candidates.confirmation_token(secret_key_of(app), candidate)
    assert client.get(f"/account/sign-in/{confirm_token}").status_code == 400, "wrong purpose"


def test_a_sign_in_link_confirms_an_unconfirmed_address_and_keeps_next(client):
    make_candidate(email=SAM, email_verified_at=None, password_hash=None)
    ask_for_link(client, SAM, next_page="/account/settings")
    link = link_in(last_mail_to(SAM), "/account/sign-in/")
    assert "next=/account/settings" in link
    page = well_formed(client.get(link))
    assert page.soup.select_one("input[name=next]")["value"] == "/account/settings"
    response = client.post(link, data={"csrf_token": csrf_token(client, link), "next": "/account/settings"})
    assert location_path(response) == "/account/settings"
    assert candidates.candidate_by_email(SAM).email_verified_at is not None


def test_a_link_asked_for_with_an_unsafe_next_leads_to_the_dashboard(client):
    make_candidate(email=SAM)
    ask_for_link(client, SAM, next_page="//evil.example/")
    link = link_in(last_mail_to(SAM), "/account/sign-in/")
    assert "evil" not in link
    response = client.post(
        link, data={"csrf_token": csrf_token(client, link), "next": "https://evil.example/"}
    )
    assert location_path(response) == "/account/"


def test_sign_in_links_to_one_address_are_limited(limited):
    make_candidate(email=SAM)
    answers = []
    for n in range(4):
        token = csrf_token(limited, "/account/sign-in")
        answers.append(
            limited.post(
                "/account/sign-in-link",
                data={"link_email": SAM, "csrf_token": token},
                environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"},
            )
        )
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "sent several emails to that address" in well_formed(answers[-1]).text
    assert len(mail_to(SAM)) == 3
