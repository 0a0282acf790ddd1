"""Every guarded page without URL arguments refuses the wrong person, by the role declared for it.

The roles come from GUARDED in tests/test_route_permissions.py, so an endpoint added there is
checked here too: anonymous people are sent to a sign-in page, people without the role get a 403,
and an administrator who has not given the second factor is sent to give it.
"""

from __future__ import annotations

import pyotp
import pytest

from portal.models.organisations import EDITOR
from tests.account_helpers import csrf_token, location_path
from tests.factories import make_organisation, make_user, sign_in_as
from tests.test_route_permissions import GUARDED

SIGN_IN_PAGES = ("/organisations/sign-in", "/admin/sign-in")


def _targets(app, roles: set[str]) -> list[tuple[str, str]]:
    """(method, path) for each guarded rule with one of ``roles`` and no URL arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if GUARDED.get(rule.endpoint) in roles and not rule.arguments:
            found += [(method, rule.rule) for method in sorted(rule.methods & {"GET", "POST"})]
    return found


def _request(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    # A real token, so the guard, not the CSRF check, is what answers.
    return client.post(path, data={"csrf_token": csrf_token(client, "/organisations/sign-up")})


@pytest.fixture
def admin(db_session):
    """An administrator with an authenticator app."""
    return make_user(is_admin=True, totp_secret=pyotp.random_base32())


def test_the_guards_are_checked_for_each_kind_of_role(app):
    roles = {GUARDED[e] for e in GUARDED}
    assert {"member", "owner", "admin", "signed-in"} <= roles
    assert _targets(app, {"owner"}), "the members pages have no URL arguments"


def test_anonymous_people_are_sent_to_sign_in(app, client):
    for method, path in _targets(app, {"member", "owner", "admin", "signed-in"}):
        response = _request(client, method, path)
        assert response.status_code == 302, f"{method} {path} gave {response.status_code}"
        assert location_path(response).startswith(SIGN_IN_PAGES), f"{method} {path}"


def test_people_outside_any_organisation_are_refused_member_pages(app, client):
    sign_in_as(client, make_user())
    for method, path in _targets(app, {"member", "owner"}):
        assert _request(client, method, path).status_code == 403, f"{method} {path}"


def test_an_editor_is_refused_an_owners_pages(app, client):
    sign_in_as(client, make_user(make_organisation(), role=EDITOR))
    for method, path in _targets(app, {"owner"}):
        assert _request(client, method, path).status_code == 403, f"{method} {path}"


def test_members_and_owners_are_refused_administrators_pages(app, client):
    sign_in_as(client, make_user(make_organisation()))
    for method, path in _targets(app, {"admin", "signed-in"}):
        assert _request(client, method, path).status_code == 403, f"{method} {path}"


def test_an_administrator_without_the_second_factor_is_sent_to_give_it(app, client, admin):
    sign_in_as(client, admin, second_factor=False)
    for method, path in _targets(app, {"admin"}):
        response = _request(client, method, path)
        assert location_path(response).startswith("/admin/sign-in/code"), f"{method} {path}"


def test_an_administrator_with_the_second_factor_gets_in(app, client, admin):
    sign_in_as(client, admin)
    for _, path in [t for t in _targets(app, {"admin"}) if t[0] == "GET"]:
        assert client.get(path).status_code == 200, path
