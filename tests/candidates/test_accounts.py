"""Candidate accounts through the real pages: sign up by age band, confirm, sign in by password or link."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Candidate, OutboxMessage
from portal.models.candidates import AGE_13_15, AGE_16_17, AGE_18_PLUS, UNDER_13
from portal.services import accounts, candidates
from tests.account_helpers import (
    csrf_token,
    last_mail_to,
    link_in,
    location_path,
    mail_to,
    submit,
    well_formed,
)
from tests.factories import PASSWORD, make_candidate, make_user, sign_in_as, sign_in_candidate_as

SAM = "sam.example@example.net"
NEW_PASSWORD = "kidney stones and sodium"
WRONG_DETAILS = "Enter a correct email address and password"
PRIVACY = ("/privacy/young-people", "/privacy/adults")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _sign_up(client: FlaskClient, age_band: str, email: str = "Sam.Example@Example.NET", password: str = ""):
    return submit(client, "/account/sign-up", {"age_band": age_band, "email": email, "password": password})


def _sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_page: str = ""):
    return submit(client, "/account/sign-in", {"email": email, "password": password, "next": next_page})


def _ask_for_link(client: FlaskClient, email: str, next_page: str = ""):
    return submit(
        client, "/account/sign-in-link", {"link_email": email, "next": next_page}, "/account/sign-in"
    )


def _signed_in_as(client: FlaskClient) -> str | None:
    """The address on the dashboard, or None when the dashboard sends the client to sign in."""
    response = client.get("/account/")
    if response.status_code != 200:
        return None
    text = well_formed(response).text
    return text.split("You are signed in as ")[1].split(" ")[0].rstrip(".")


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they are all UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _secret(app: Flask) -> str:
    return app.config["SECRET_KEY"]


# Signing up


def test_the_sign_up_page_asks_for_an_age_band_never_a_date_of_birth(get_page):
    page = get_page("/account/sign-up")
    assert page.h1 == "Make an account"
    bands = {
        i["value"]: i.find_next("label").get_text(strip=True) for i in page.select("input[name=age_band]")
    }
    assert bands == {
        UNDER_13: "Under 13",
        AGE_13_15: "13 to 15",
        AGE_16_17: "16 to 17",
        AGE_18_PLUS: "18 and over",
    }
    assert "never ask for your date of birth" in page.text
    assert page.soup.select_one("input[name=email]")["autocomplete"] == "email"
    assert page.soup.select_one("input[name=password][type=password]")["autocomplete"] == "new-password"
    assert "You do not have to make a password" in page.text
    assert not page.select("input[type=date]")
    assert set(PRIVACY) <= set(page.links())


@pytest.mark.parametrize("age_band", [AGE_13_15, AGE_16_17, AGE_18_PLUS])
def test_each_age_band_that_can_have_an_account_gets_one_with_counting_off(client, get_page, age_band):
    response = _sign_up(client, age_band)
    assert location_path(response) == "/account/check-your-email"
    assert "Open the link in it" in get_page("/account/check-your-email").text

    candidate = candidates.candidate_by_email(SAM)
    assert candidate.email == SAM, "stored lower-cased"
    assert candidate.age_band == age_band
    assert candidate.email_verified_at is None
    assert candidate.password_hash is None, "no password given: signs in with links"
    assert candidate.count_interest_in_figures is False
    [message] = mail_to(SAM)
    assert message.subject == "Confirm your email address"
    assert "/account/confirm/" in message.text_body
    assert message.status == "sent", "sent after the request committed"


def test_a_password_given_at_sign_up_is_hashed_and_checked(client):
    weak = well_formed(_sign_up(client, AGE_18_PLUS, password="short"))
    assert weak.response.status_code == 400
    assert weak.title.startswith("Error: ")
    assert "at least 10 characters" in weak.soup.select_one(".nhsuk-error-summary").get_text()
    assert weak.soup.select_one("#email")["value"] == "Sam.Example@Example.NET", "what was typed is kept"
    assert not weak.soup.select_one("#password").get("value"), "a password is never sent back"
    assert candidates.candidate_by_email(SAM) is None

    _sign_up(client, AGE_18_PLUS, password=NEW_PASSWORD)
    assert candidates.candidate_by_email(SAM).password_hash.startswith("$argon2id$")


def test_sign_up_problems_are_explained(client):
    page = well_formed(submit(client, "/account/sign-up", {"email": "not an address"}))
    assert page.response.status_code == 400
    summary = {a["href"]: a.get_text(strip=True) for a in page.select(".nhsuk-error-summary a")}
    assert summary["#age_band"] == "Choose how old you are"
    assert "correct format" in summary["#email"]
    assert _count(Candidate) == 0


@pytest.mark.parametrize("email", ["young.person@example.net", "", "not an address"])
def test_under_13_stores_nothing_at_all_and_explains_why(client, get_page, email):
    candidates_before, mail_before = _count(Candidate), _count(OutboxMessage)
    response = _sign_up(client, UNDER_13, email=email, password="short")
    assert location_path(response) == "/account/under-13"
    assert (_count(Candidate), _count(OutboxMessage)) == (candidates_before, mail_before)

    page = get_page("/account/under-13")
    assert page.h1 == "You need to be 13 or over to have an account"
    assert "We have not kept anything you typed" in page.text
    assert "The law in the UK says" in page.text
    assert "promised to keep children's information safe" in page.text
    assert "ask a parent, carer or teacher" in page.text
    links = page.links()
    for path in ("/find-your-fit", "/service-areas/", "/opportunities/", "/privacy/young-people"):
        assert path in links, path
    if email:
        assert email not in page.response.get_data(as_text=True)


def test_a_registered_address_gets_the_same_answer_and_its_owner_an_email(client):
    owner = make_candidate(AGE_16_17, email=SAM)
    fresh = _sign_up(client, AGE_18_PLUS, email="someone.new@example.net")
    taken = _sign_up(client, AGE_18_PLUS, email="SAM.example@example.net ")
    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert (
        client.get(taken.headers["Location"]).get_data() == client.get(fresh.headers["Location"]).get_data()
    )

    [message] = mail_to(SAM)
    assert message.subject == "You already have an account"
    assert "http://localhost/account/sign-in" in message.text_body
    assert "/account/confirm/" not in message.text_body
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(Candidate.email == SAM)) == 1
    assert owner.age_band == AGE_16_17, "the account is left as it was"


# Confirming the address


def test_the_confirmation_link_confirms_and_signs_in_once(app, client):
    _sign_up(client, AGE_16_17)
    link = link_in(last_mail_to(SAM), "/account/confirm/")
    opened = client.get(link)
    assert location_path(opened) == "/account/"
    assert candidates.candidate_by_email(SAM).email_verified_at is not None
    dashboard = well_formed(client.get("/account/"))
    assert "Your email address is confirmed and you are signed in" in dashboard.text

    # Left in an inbox, the link opens nothing later: it says to sign in.
    other = app.test_client()
    again = other.get(link)
    assert location_path(again) == "/account/sign-in"
    assert "already confirmed" in well_formed(other.get("/account/sign-in")).text
    assert _signed_in_as(other) is None


def test_a_tampered_expired_or_misused_confirmation_link_is_refused(app, client):
    candidate = make_candidate(email_verified_at=None)
    secret = _secret(app)
    good = candidates.confirmation_token(secret, candidate)
    late = candidates.confirmation_token(secret, candidate, now=time.time() - candidates.CONFIRM_SECONDS - 60)
    sign_in_token = candidates.sign_in_token(secret, candidate)
    # A staff confirmation token for a row with the same id must not confirm a candidate.
    staff_token = accounts.confirmation_token(secret, make_user(id=candidate.id + 1000))
    for token, heading in (
        (good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"), "This link does not work"),
        (late, "This link has expired"),
        (sign_in_token, "This link does not work"),
        (staff_token, "This link does not work"),
        ("not-a-token", "This link does not work"),
    ):
        response = client.get(f"/account/confirm/{token}")
        assert response.status_code == 400, token
        page = well_formed(response)
        assert page.h1 == heading
        assert "/account/sign-in" in page.links()
    assert candidate.email_verified_at is None
    assert _signed_in_as(client) is None


# Signing in with a password


def test_a_password_signs_in_and_the_dashboard_says_what_the_age_band_means(client):
    make_candidate(AGE_13_15, email=SAM)
    response = _sign_in(client, SAM.upper())
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
        well_formed(_sign_in(client, SAM, "not the password")),
        well_formed(_sign_in(client, "nobody@example.net", "not the password")),
        well_formed(_sign_in(client, "links.only@example.net", "not the password")),
    ]
    for page in pages:
        assert page.response.status_code == 200, "a 200 counts against the per-account limit"
        assert page.soup.select_one(".nhsuk-error-summary a").get_text(strip=True) == WRONG_DETAILS
        assert "Email me a sign-in link instead" in page.text
    assert len({page.text for page in pages}) == 1, "nothing tells the three apart"
    assert _signed_in_as(client) is None


def test_an_unconfirmed_address_with_the_right_password_gets_a_new_confirmation_link(client):
    make_candidate(email=SAM, email_verified_at=None)
    response = _sign_in(client, SAM)
    assert location_path(response) == "/account/check-your-email"
    assert (
        "You need to confirm your email address" in well_formed(client.get(response.headers["Location"])).text
    )
    assert last_mail_to(SAM).subject == "Confirm your email address"
    assert _signed_in_as(client) is None


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
    assert location_path(_sign_in(client, SAM, next_page=next_page)) == lands_on


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    make_candidate(email=SAM)
    response = client.get("/account/settings")
    assert location_path(response) == "/account/sign-in?next=/account/settings"
    form = well_formed(client.get(location_path(response)))
    next_value = form.soup.select_one("form[action='/account/sign-in'] input[name=next]")["value"]
    assert next_value == "/account/settings"
    assert location_path(_sign_in(client, SAM, next_page=next_value)) == "/account/settings"


def test_organisation_staff_are_refused_the_account_pages(client):
    sign_in_as(client, make_user())
    for path in ("/account/", "/account/settings"):
        response = client.get(path)
        assert response.status_code == 403, path


def test_staff_who_sign_in_as_a_candidate_start_a_fresh_session(client):
    make_candidate(email=SAM)
    sign_in_as(client, make_user())
    assert location_path(_sign_in(client, SAM)) == "/account/"
    assert _signed_in_as(client) == SAM
    assert client.get("/organisations/").status_code == 302, "no longer signed in as staff"


def test_signing_out_ends_the_session(client):
    sign_in_candidate_as(client, make_candidate(email=SAM))
    assert _signed_in_as(client) == SAM
    response = client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    assert location_path(response) == "/"
    assert "You have signed out" in well_formed(client.get("/")).text
    assert _signed_in_as(client) is None


# One-time sign-in links


def test_a_sign_in_link_is_answered_the_same_whether_or_not_the_address_is_known(client):
    make_candidate(email=SAM)
    known = _ask_for_link(client, SAM.upper())
    unknown = _ask_for_link(client, "nobody@example.net")
    assert location_path(known) == location_path(unknown) == "/account/check-your-email?sent=link"
    page = well_formed(client.get("/account/check-your-email?sent=link"))
    assert "If there is an account with the address you gave us" in page.text
    assert "15 minutes" in page.text
    assert last_mail_to(SAM).subject == "Your link to sign in"
    assert mail_to("nobody@example.net") == []


def test_a_bad_address_for_a_link_is_explained_on_the_sign_in_page(client):
    page = well_formed(_ask_for_link(client, "not an address"))
    assert page.response.status_code == 400
    assert page.soup.select_one(".nhsuk-error-summary a")["href"] == "#link_email"
    assert page.soup.select_one("#link_email")["value"] == "not an address"


def test_opening_a_sign_in_link_does_not_sign_in_and_pressing_the_button_does_once(app, client):
    candidate = make_candidate(email=SAM)
    _ask_for_link(client, SAM)
    link = link_in(last_mail_to(SAM), "/account/sign-in/")

    # A mail scanner fetching the link spends nothing and signs nobody in.
    scanner = app.test_client()
    assert scanner.get(link).status_code == 200
    assert _signed_in_as(scanner) is None

    page = well_formed(client.get(link))
    assert page.h1 == "Sign in to your account"
    assert "Press the button to sign in" in page.text
    assert _signed_in_as(client) is None

    before = candidate.last_active_at
    signed_in = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert location_path(signed_in) == "/account/"
    assert _signed_in_as(client) == SAM
    assert _utc(candidate.last_active_at) > _utc(before)

    # Used once, it works no more: not to press again, nor for anyone else.
    for again in (client.get(link), app.test_client().get(link)):
        assert again.status_code == 400
        assert "This link does not work" in well_formed(again).text
    stranger = app.test_client()
    token = csrf_token(stranger, "/account/sign-in")
    assert stranger.post(link, data={"csrf_token": token}).status_code == 400
    assert _signed_in_as(stranger) is None


def test_a_sign_in_link_expires_after_15_minutes(app, client):
    candidate = make_candidate(email=SAM)
    late = candidates.sign_in_token(_secret(app), candidate, now=time.time() - 16 * 60)
    response = client.get(f"/account/sign-in/{late}")
    assert response.status_code == 400
    assert "Links to sign in work for 15 minutes" in well_formed(response).text
    confirm_token = candidates.confirmation_token(_secret(app), candidate)
    assert client.get(f"/account/sign-in/{confirm_token}").status_code == 400, "wrong purpose"


def test_a_sign_in_link_confirms_an_unconfirmed_address_and_keeps_next(client):
    make_candidate(email=SAM, email_verified_at=None, password_hash=None)
    _ask_for_link(client, SAM, next_page="/account/settings")
    link = link_in(last_mail_to(SAM), "/account/sign-in/")
    assert "next=/account/settings" in link
    page = well_formed(client.get(link))
    assert page.soup.select_one("input[name=next]")["value"] == "/account/settings"
    response = client.post(link, data={"csrf_token": csrf_token(client, link), "next": "/account/settings"})
    assert location_path(response) == "/account/settings"
    assert candidates.candidate_by_email(SAM).email_verified_at is not None


def test_a_link_asked_for_with_an_unsafe_next_leads_to_the_dashboard(client):
    make_candidate(email=SAM)
    _ask_for_link(client, SAM, next_page="//evil.example/")
    link = link_in(last_mail_to(SAM), "/account/sign-in/")
    assert "evil" not in link
    response = client.post(
        link, data={"csrf_token": csrf_token(client, link), "next": "https://evil.example/"}
    )
    assert location_path(response) == "/account/"


# Settings


def _change(client: FlaskClient, data: dict[str, str]):
    return submit(client, "/account/settings", data)


def test_an_adult_can_count_their_interest_and_stop_again(client):
    candidate = make_candidate(AGE_18_PLUS)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    assert "Count my interest, anonymously, in the figures that help the NHS plan" in page.text
    assert page.soup.select_one("input[name=count_interest][value=no]").has_attr("checked"), "off by default"
    assert set(PRIVACY) <= set(page.links())

    before = candidate.last_active_at
    response = _change(client, {"change": "figures", "count_interest": "yes"})
    assert location_path(response) == "/account/settings"
    assert candidate.count_interest_in_figures is True
    assert _utc(candidate.last_active_at) > _utc(before)
    saved = well_formed(client.get("/account/settings"))
    assert "Your choice is saved" in saved.text
    assert saved.soup.select_one("input[name=count_interest][value=yes]").has_attr("checked")

    _change(client, {"change": "figures", "count_interest": "no"})
    assert candidate.count_interest_in_figures is False


def test_13_to_15s_cannot_turn_counting_on(client):
    candidate = make_candidate(AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    assert not page.select("input[name=count_interest]"), "nothing to switch"
    assert "this is always off and you cannot turn it on" in page.text
    assert "extra care with children's information" in page.text

    refused = _change(client, {"change": "figures", "count_interest": "yes"})
    assert refused.status_code == 400
    assert "People aged 13 to 15 cannot have their interest counted" in well_formed(refused).text
    db.session.refresh(candidate)
    assert candidate.count_interest_in_figures is False


def test_after_a_birthday_a_13_to_15_moves_up_a_band_and_can_never_move_down(client):
    candidate = make_candidate(AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    offered = [radio["value"] for radio in page.select("input[name=age_band]")]
    assert offered == [AGE_16_17, AGE_18_PLUS], "only older bands are offered"

    moved = _change(client, {"change": "age-band", "age_band": AGE_16_17})
    assert moved.status_code == 302
    db.session.refresh(candidate)
    assert candidate.age_band == AGE_16_17
    assert "Your age band is now 16 to 17" in client.get("/account/settings").get_data(as_text=True)

    back = _change(client, {"change": "age-band", "age_band": AGE_13_15})
    assert back.status_code == 400
    assert "Your new age band" in well_formed(back).text
    db.session.refresh(candidate)
    assert candidate.age_band == AGE_16_17, "moving down would lift protections"


def test_adults_have_no_older_band_to_move_to(client):
    sign_in_candidate_as(client, make_candidate(AGE_18_PLUS))
    page = well_formed(client.get("/account/settings"))
    assert not page.select("input[name=age_band]")
    assert "You told us you are 18 and over" in page.text


def test_the_settings_refuse_a_choice_that_is_not_offered(client):
    sign_in_candidate_as(client, make_candidate())
    page = well_formed(_change(client, {"change": "figures", "count_interest": "maybe"}))
    assert page.response.status_code == 400
    assert page.soup.select_one(".nhsuk-error-summary a")["href"] == "#count_interest"
    assert _change(client, {"change": "something-else"}).status_code == 400


def test_someone_who_signs_in_with_links_can_add_a_password(app, client):
    candidate = make_candidate(email=SAM, password_hash=None)
    sign_in_candidate_as(client, candidate)
    elsewhere = sign_in_candidate_as(app.test_client(), candidate)
    page = well_formed(client.get("/account/settings"))
    assert "You sign in with a link we email you" in page.text
    assert "Make a password" in page.text

    weak = _change(client, {"change": "password", "password": SAM})
    assert weak.status_code == 400
    assert "must not be your email address" in well_formed(weak).text
    assert candidate.password_hash is None

    before = candidate.last_active_at
    response = _change(client, {"change": "password", "password": NEW_PASSWORD})
    assert location_path(response) == "/account/settings"
    assert "Your password is saved" in well_formed(client.get("/account/settings")).text
    assert _utc(candidate.last_active_at) > _utc(before)
    assert _signed_in_as(client) == SAM, "this session carries on"
    assert _signed_in_as(elsewhere) is None, "every other session ends"
    assert last_mail_to(SAM).subject == "Your password has been changed"

    fresh = app.test_client()
    assert location_path(_sign_in(fresh, SAM, NEW_PASSWORD)) == "/account/"


# Limits


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


def test_sign_ups_from_one_address_are_limited(limited):
    answers = []
    for n in range(6):
        token = csrf_token(limited, "/account/sign-up")
        answers.append(
            limited.post(
                "/account/sign-up",
                data={"age_band": AGE_18_PLUS, "email": f"person{n}@example.net", "csrf_token": token},
                environ_base={"REMOTE_ADDR": "192.0.2.9"},
            )
        )
    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert "tried this too many times" in well_formed(answers[-1]).text
