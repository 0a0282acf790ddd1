"""Signing up by age band, the under-13 page, and confirming the address, through the real pages."""

from __future__ import annotations

import time

import pytest
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
from tests.candidates.accounts import (
    NEW_PASSWORD,
    PRIVACY,
    SAM,
    count_rows,
    secret_key_of,
    sign_up,
    signed_in_as,
)
from tests.factories import make_candidate, make_user

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
    response = sign_up(client, age_band)
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
    weak = well_formed(sign_up(client, AGE_18_PLUS, password="short"))
    assert weak.response.status_code == 400
    assert weak.title.startswith("Error: ")
    assert "at least 10 characters" in weak.soup.select_one(".nhsuk-error-summary").get_text()
    assert weak.soup.select_one("#email")["value"] == "Sam.Example@Example.NET", "what was typed is kept"
    assert not weak.soup.select_one("#password").get("value"), "a password is never sent back"
    assert candidates.candidate_by_email(SAM) is None

    sign_up(client, AGE_18_PLUS, password=NEW_PASSWORD)
    assert candidates.candidate_by_email(SAM).password_hash.startswith("$argon2id$")


def test_sign_up_problems_are_explained(client):
    page = well_formed(submit(client, "/account/sign-up", {"email": "not an address"}))
    assert page.response.status_code == 400
    summary = {a["href"]: a.get_text(strip=True) for a in page.select(".nhsuk-error-summary a")}
    assert summary["#age_band"] == "Choose how old you are"
    assert "correct format" in summary["#email"]
    assert count_rows(Candidate) == 0


@pytest.mark.parametrize("email", ["young.person@example.net", "", "not an address"])
def test_under_13_stores_nothing_at_all_and_explains_why(client, get_page, email):
    candidates_before, mail_before = count_rows(Candidate), count_rows(OutboxMessage)
    response = sign_up(client, UNDER_13, email=email, password="short")
    assert location_path(response) == "/account/under-13"
    assert (count_rows(Candidate), count_rows(OutboxMessage)) == (candidates_before, mail_before)

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
    fresh = sign_up(client, AGE_18_PLUS, email="someone.new@example.net")
    taken = sign_up(client, AGE_18_PLUS, email="SAM.example@example.net ")
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
    sign_up(client, AGE_16_17)
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
    assert signed_in_as(other) is None


def test_a_tampered_expired_or_misused_confirmation_link_is_refused(app, client):
    candidate = make_candidate(email_verified_at=None)
    secret = secret_key_of(app)
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
    assert signed_in_as(client) is None


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
