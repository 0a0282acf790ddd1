"""Administrators: password, then a TOTP code (set up at first sign-in) or a one-use recovery code."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import RecoveryCode
from portal.services import second_factor
from tests.account_helpers import location_path, submit, totp_now, well_formed
from tests.factories import PASSWORD, make_organisation, make_user

WRONG_DETAILS = "Enter a correct email address and password"


@pytest.fixture
def admin(db_session):
    """An administrator whose authenticator app is set up."""
    return make_user(is_admin=True, totp_secret=pyotp.random_base32())


def _password_step(client, email: str, password: str = PASSWORD, next_page: str = ""):
    return submit(client, "/admin/sign-in", {"email": email, "password": password, "next": next_page})


def _code_step(client, code: str, next_page: str = ""):
    return submit(client, "/admin/sign-in/code", {"code": code, "next": next_page})


def test_password_then_code_opens_the_console(client, admin, get_page):
    page = get_page("/admin/sign-in")
    assert page.soup.select_one("input[name=password]")["autocomplete"] == "current-password"
    first = _password_step(client, admin.email)
    assert location_path(first) == "/admin/sign-in/code"
    assert location_path(client.get("/admin/")) == "/admin/sign-in/code?next=/admin/"

    code_page = get_page("/admin/sign-in/code")
    assert code_page.soup.select_one("#code")["autocomplete"] == "one-time-code"
    second = _code_step(client, totp_now(admin.totp_secret))
    assert location_path(second) == "/admin/"
    home = get_page("/admin/")
    assert home.h1 == "Administration console"
    assert {"/admin/approvals", "/admin/moderation"} <= set(home.links())


def test_a_code_is_accepted_once_and_a_wrong_one_is_explained(app, client, admin):
    code = totp_now(admin.totp_secret)
    _password_step(client, admin.email)
    wrong = well_formed(_code_step(client, "000000" if code != "000000" else "111111"))
    assert wrong.response.status_code == 200 and wrong.title.startswith("Error: ")
    assert "6-digit code" in wrong.soup.select_one("#code-error").get_text()
    assert location_path(_code_step(client, code)) == "/admin/"

    # Someone who saw the code, and knows the password, cannot use it again in the same 30 seconds.
    onlooker = app.test_client()
    _password_step(onlooker, admin.email)
    replay = well_formed(_code_step(onlooker, code))
    assert "6-digit code" in replay.text
    assert location_path(onlooker.get("/admin/approvals")).startswith("/admin/sign-in/code")


def test_a_recovery_code_works_once(app, client, admin):
    codes = second_factor.issue_recovery_codes(admin)
    _password_step(client, admin.email)
    assert location_path(_code_step(client, codes[0].upper().replace("-", " "))) == "/admin/"
    again = app.test_client()
    _password_step(again, admin.email)
    assert well_formed(_code_step(again, codes[0])).title.startswith("Error: ")
    assert location_path(_code_step(again, codes[1])) == "/admin/"
    assert second_factor.unused_recovery_codes(admin) == 8


def test_first_sign_in_sets_up_the_app_and_shows_ten_recovery_codes_once(client, get_page):
    newcomer = make_user(is_admin=True, totp_secret=None)
    _password_step(client, newcomer.email, next_page="/admin/approvals")
    to_setup = client.get("/admin/sign-in/code?next=/admin/approvals")
    assert location_path(to_setup) == "/admin/sign-in/set-up?next=/admin/approvals"
    page = get_page(location_path(to_setup))
    assert page.h1 == "Set up your authenticator app"
    uri = page.soup.select_one(".app-setup-uri").get_text(strip=True)
    assert uri.startswith("otpauth://totp/")
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text, "the key as text"
    assert not page.select("img"), "no QR code from anywhere"
    assert newcomer.totp_secret is None, "nothing stored before a code confirms it"

    wrong = well_formed(
        submit(client, "/admin/sign-in/set-up", {"code": "123456", "next": "/admin/approvals"})
    )
    assert wrong.title.startswith("Error: ")
    assert get_page("/admin/sign-in/set-up").soup.select_one(".app-setup-uri").get_text(strip=True) == uri

    done = well_formed(
        submit(
            client, "/admin/sign-in/set-up", {"code": pyotp.TOTP(secret).now(), "next": "/admin/approvals"}
        )
    )
    assert done.h1 == "Save your recovery codes"
    codes = [c.get_text() for c in done.select(".app-recovery-codes code")]
    assert len(codes) == len(set(codes)) == 10
    assert done.soup.select_one("main a.nhsuk-button")["href"] == "/admin/approvals"
    assert newcomer.totp_secret == secret
    hashes = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == newcomer.id)
    ).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert client.get("/admin/approvals").status_code == 200
    assert location_path(client.get("/admin/sign-in/set-up")) == "/admin/sign-in/code", "set up only once"


def test_a_person_who_is_not_an_administrator_is_refused_at_each_step(client, get_page):
    member = make_user(make_organisation())
    refused = well_formed(_password_step(client, member.email))
    assert WRONG_DETAILS in refused.text
    assert location_path(client.get("/admin/sign-in/code")).startswith("/organisations/sign-in")
    submit(client, "/organisations/sign-in", {"email": member.email, "password": PASSWORD})
    assert client.get("/admin/sign-in/code").status_code == 403
    assert client.get("/admin/sign-in/set-up").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_a_wrong_password_gets_the_message_that_reveals_nothing(client, admin):
    wrong = well_formed(_password_step(client, admin.email, "not it"))
    unknown = well_formed(_password_step(client, "nobody@example.org", "not it"))
    assert wrong.text.replace(admin.email, "X") == unknown.text.replace("nobody@example.org", "X")
    assert WRONG_DETAILS in wrong.text


def test_an_administrator_signed_in_as_an_organisation_member_still_needs_the_code(client, admin):
    response = submit(client, "/organisations/sign-in", {"email": admin.email, "password": PASSWORD})
    assert location_path(response) == "/admin/sign-in/code"
    assert location_path(client.get("/admin/approvals")) == "/admin/sign-in/code?next=/admin/approvals"
    done = _code_step(client, totp_now(admin.totp_secret), next_page="/admin/approvals")
    assert location_path(done) == "/admin/approvals"


@pytest.mark.parametrize("next_page", ["https://evil.example/admin/", "//evil.example", "/\\evil.example"])
def test_the_next_page_is_only_ever_on_this_site(client, admin, next_page):
    first = _password_step(client, admin.email, next_page=next_page)
    assert "evil" not in first.headers["Location"]
    second = _code_step(client, totp_now(admin.totp_secret), next_page=next_page)
    assert location_path(second) == "/admin/"


def test_codes_from_the_next_and_previous_step_allow_for_a_drifting_clock(admin):
    secret = admin.totp_secret
    assert second_factor.check_totp(admin, pyotp.TOTP(secret).at(time.time() - 30))
    assert second_factor.check_totp(admin, pyotp.TOTP(secret).at(time.time() + 30))
    assert not second_factor.check_totp(admin, pyotp.TOTP(secret).at(time.time() + 30)), "used"
    assert not second_factor.check_totp(admin, pyotp.TOTP(secret).at(time.time() + 120)), "too far ahead"
