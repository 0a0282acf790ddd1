"""Sign-in attempts are limited per address (IP) and per account, with a clear page when the limit is hit.

The shared test app runs with rate limits off; these tests build a second app on the same database
with them on, and turn Flask-Limiter (one object for every app in the process) off again after.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.account_helpers import csrf_token, location_path, well_formed
from tests.factories import PASSWORD, make_organisation, make_user

PER_ADDRESS, PER_ACCOUNT = 10, 10


def _attempt(client: FlaskClient, email: str, password: str, ip: str):
    token = csrf_token(client, "/organisations/sign-in")
    return client.post(
        "/organisations/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_one_address_gets_a_clear_429_after_too_many_attempts(limited):
    answers = [
        _attempt(limited, f"person{n}@example.org", "wrong password", "192.0.2.1") for n in range(PER_ADDRESS)
    ]
    assert {a.status_code for a in answers} == {200}
    refused = _attempt(limited, "someone@example.org", "wrong password", "192.0.2.1")
    assert refused.status_code == 429
    page = well_formed(refused)
    assert "tried this too many times" in page.text
    assert "Retry-After" in refused.headers
    assert _attempt(limited, "someone@example.org", "wrong password", "192.0.2.2").status_code == 200


def test_one_account_cannot_be_guessed_at_from_many_addresses(limited):
    user = make_user(make_organisation())
    for n in range(PER_ACCOUNT):
        assert _attempt(limited, user.email, f"guess {n}", f"198.51.100.{n}").status_code == 200
    refused = _attempt(limited, user.email.upper(), PASSWORD, "203.0.113.9")
    assert refused.status_code == 429
    assert "too many attempts to sign in to this account" in well_formed(refused).text
    other = make_user(make_organisation())
    assert location_path(_attempt(limited, other.email, PASSWORD, "203.0.113.9")) == "/organisations/"


def test_the_admin_sign_in_counts_against_the_same_account(limited):
    admin = make_user(is_admin=True)
    for n in range(PER_ACCOUNT):
        _attempt(limited, admin.email, f"guess {n}", f"198.51.100.{n}")
    token = csrf_token(limited, "/admin/sign-in")
    refused = limited.post(
        "/admin/sign-in",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert refused.status_code == 429


def test_signing_in_successfully_does_not_use_up_the_accounts_attempts(limited):
    user = make_user(make_organisation())
    for n in range(PER_ACCOUNT + 2):
        response = _attempt(limited, user.email, PASSWORD, f"198.51.100.{n}")
        assert location_path(response) == "/organisations/", f"attempt {n + 1}"
