"""Account services without the web: tokens, passwords, safe redirects, second factors, organisations."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.models.organisations import EDITOR, OWNER, PENDING
from portal.services import accounts, organisations, second_factor
from portal.services.places import PlaceError
from portal.services.tokens import (
    CONFIRM_EMAIL,
    RESET_PASSWORD,
    TokenError,
    make_token,
    random_token,
    read_token,
    token_digest,
)
from tests.factories import PASSWORD, make_organisation, make_user, now

KEY = "a test secret key that is long enough to sign with"


def test_a_token_reads_back_only_for_its_purpose_key_and_lifetime():
    token = make_token(KEY, CONFIRM_EMAIL, {"u": 7})
    assert read_token(KEY, CONFIRM_EMAIL, token, 60) == {"u": 7}
    with pytest.raises(TokenError) as other_purpose:
        read_token(KEY, RESET_PASSWORD, token, 60)
    assert not other_purpose.value.expired
    with pytest.raises(TokenError):
        read_token("another key, equally long and secret", CONFIRM_EMAIL, token, 60)
    late = make_token(KEY, CONFIRM_EMAIL, {"u": 7}, now=time.time() - 61)
    with pytest.raises(TokenError) as expired:
        read_token(KEY, CONFIRM_EMAIL, late, 60)
    assert expired.value.expired


@given(st.text(max_size=300))
def test_any_text_as_a_token_is_a_token_error_and_nothing_else(text):
    with pytest.raises(TokenError):
        read_token(KEY, CONFIRM_EMAIL, text, 60)


def test_random_tokens_are_unique_and_stored_only_as_digests():
    tokens = {random_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 43 for t in tokens)
    token = next(iter(tokens))
    assert token_digest(token) == token_digest(token) and token not in token_digest(token)
    assert len(token_digest(token)) == 64


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/organisations/members", "/organisations/members"),
        ("/admin/?tab=1", "/admin/?tab=1"),
        ("https://evil.example/", None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("/\t/evil.example", None),
        ("javascript:alert(1)", None),
        ("organisations", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(value, expected):
    assert accounts.safe_next(value) == expected


@given(st.text(max_size=200))
def test_safe_next_never_names_another_host(text):
    kept = accounts.safe_next(text)
    assert kept is None or (kept.startswith("/") and not kept.startswith("//") and "\\" not in kept)


def test_authenticate_finds_the_account_however_the_address_is_typed(db_session):
    user = make_user()
    assert accounts.authenticate(f"  {user.email.upper()} ", PASSWORD) is user
    assert accounts.authenticate(user.email, "wrong password") is None
    assert accounts.authenticate("nobody@example.org", PASSWORD) is None


def test_a_new_password_ends_sessions_and_spends_the_reset_token(db_session):
    user = make_user(email_verified_at=None)
    token = accounts.reset_token(KEY, user)
    assert accounts.user_for_reset_token(KEY, token) is user
    accounts.set_new_password(user, "a brand new passphrase")
    assert user.session_version == 2 and user.email_verified_at is not None
    with pytest.raises(TokenError):
        accounts.user_for_reset_token(KEY, token)
    with pytest.raises(accounts.AccountError, match="at least 10"):
        accounts.set_new_password(user, "short")


def test_the_email_limit_key_is_one_per_address_and_holds_no_address():
    key = accounts.email_limit_key(" Ada@Example.org ")
    assert key == accounts.email_limit_key("ada@example.org")
    assert key != accounts.email_limit_key("grace@example.org")
    assert "ada" not in key.lower()


def test_a_totp_code_works_once_per_time_step(db_session):
    admin = make_user(is_admin=True, totp_secret=pyotp.random_base32())
    code = pyotp.TOTP(admin.totp_secret).now()
    assert second_factor.check_totp(admin, code)
    assert not second_factor.check_totp(admin, code)
    assert not second_factor.check_totp(admin, "12345a")
    assert not second_factor.check_totp(make_user(is_admin=True), code), "no secret, no entry"


def test_recovery_codes_are_hashed_and_each_works_once(db_session):
    admin = make_user(is_admin=True, totp_secret=pyotp.random_base32())
    codes = second_factor.issue_recovery_codes(admin)
    assert len(set(codes)) == second_factor.RECOVERY_CODE_COUNT
    assert all(code not in stored.code_hash for code in codes for stored in admin.recovery_codes)
    assert second_factor.check_second_factor(admin, codes[3])
    assert not second_factor.check_second_factor(admin, codes[3])
    assert second_factor.unused_recovery_codes(admin) == 9
    fresh = second_factor.issue_recovery_codes(admin)
    assert not second_factor.use_recovery_code(admin, codes[4]), "old codes go when new ones are issued"
    assert second_factor.use_recovery_code(admin, fresh[0])


@pytest.mark.parametrize(
    ("typed", "town", "region"),
    [
        ("Leeds", "Leeds", "North East and Yorkshire"),
        ("LS1 4AP", "Leeds", "North East and Yorkshire"),
        ("Bangor, Wales", "Bangor", "Wales"),
        ("Glasgow", "Glasgow", "Scotland"),
    ],
)
def test_a_town_is_stored_by_name_with_its_region_or_nation(typed, town, region):
    assert organisations.resolve_town(typed) == (town, region)


def test_a_town_that_is_not_one_is_a_place_error():
    with pytest.raises(PlaceError):
        organisations.resolve_town("Leedz")


def test_registering_makes_a_pending_organisation_owned_by_its_unconfirmed_founder(db_session):
    membership = organisations.register_organisation(
        name=" Northdale College ",
        kind="college-or-school",
        town="Leeds",
        region="North East and Yorkshire",
        website=None,
        owner_name="Ada Lovelace",
        email="ADA@example.org",
        password="analytical engine notes",
    )
    assert membership.role == OWNER and membership.user.email == "ada@example.org"
    assert membership.organisation.status == PENDING and membership.organisation.name == "Northdale College"
    assert membership.user.email_verified_at is None
    with pytest.raises(accounts.EmailInUseError):
        accounts.create_user("Ada@Example.org", "Someone", "another long password")


def test_an_invitation_is_found_by_its_token_only_while_it_is_open(db_session):
    organisation = make_organisation()
    owner = make_user(organisation)
    invitation, token = organisations.invite_member(organisation, owner, "New@Example.org", EDITOR)
    assert invitation.email == "new@example.org"
    assert organisations.invitation_for_token(token) is invitation
    assert organisations.invitation_for_token(token, now() + timedelta(days=8)) is None
    assert organisations.invitation_for_token(token + "x") is None
    organisations.revoke_invitation(organisation, invitation.id)
    assert organisations.invitation_for_token(token) is None
