"""Hostile text in the forms that only signed-in people, or holders of an emailed link, can see.

tests/test_hostile_input.py discovers forms on anonymous pages only; this does the same for the
members, approvals, second-factor, new-password and invitation pages, with the same payloads and
the same checks: no server error, nothing reflected unescaped, no script the policy did not plan.
"""

from __future__ import annotations

import pyotp

from portal.models.organisations import EDITOR, PENDING
from portal.services import accounts, organisations
from tests.account_helpers import well_formed
from tests.factories import make_organisation, make_user, sign_in_as
from tests.hostile import MARKUP, PAYLOADS, forms_on, problems_in

SIGNED_IN_POSTS = {
    "/organisations/members/invite",
    "/organisations/members/remove",
    "/organisations/members/revoke-invitation",
    "/organisations/sign-out",
    "/admin/approvals/decide",
    "/admin/sign-in/code",
    "/admin/sign-in/set-up",
}


def _attack(client, path: str, reached: set[str]) -> list[tuple[str, str, str]]:
    """Every payload in every field of every POST form on ``path``; the problems found."""
    failures = []
    page = client.get(path)
    assert page.status_code == 200, f"{path} gave {page.status_code}"
    well_formed(page)
    for form in [f for f in forms_on(path, page.get_data(as_text=True)) if f.method == "post"]:
        reached.add(form.action)
        token = (form.fields.get("csrf_token") or [""])[0]
        for name in form.text_fields:
            for payload in PAYLOADS:
                data = form.values_with(name, payload)
                data["csrf_token"] = token
                response = client.post(form.action, data=data)
                failures += [(form.action, name, p) for p in problems_in(response, payload)]
    return failures


def test_hostile_text_in_signed_in_and_emailed_link_forms(app, db_session):
    organisation = make_organisation()
    owner = make_user(organisation)
    make_user(organisation, role=EDITOR)
    organisations.invite_member(organisation, owner, "waiting@example.org", EDITOR)
    _, invitation_token = organisations.invite_member(organisation, owner, "new.person@example.org", EDITOR)
    waiting = make_organisation(status=PENDING, name="Waiting Trust")
    waiting_owner = make_user(waiting)
    admin = make_user(is_admin=True, totp_secret=pyotp.random_base32())
    reset_user = make_user()
    reset_link = f"/organisations/reset-password/{accounts.reset_token(app.config['SECRET_KEY'], reset_user)}"

    reached: set[str] = set()
    # The emailed-link pages first: with hostile text only in a form's one-time key, the members page's
    # forms act for real (revoking the invitation, say), which would close the invitation's page.
    failures = _attack(app.test_client(), f"/organisations/invitations/{invitation_token}", reached)
    failures += _attack(sign_in_as(app.test_client(), owner), "/organisations/members", reached)
    failures += _attack(sign_in_as(app.test_client(), owner), "/organisations/", reached)
    failures += _attack(sign_in_as(app.test_client(), admin), "/admin/approvals", reached)
    failures += _attack(
        sign_in_as(app.test_client(), admin, second_factor=False), "/admin/sign-in/code", reached
    )
    newcomer = make_user(is_admin=True, totp_secret=None)
    failures += _attack(
        sign_in_as(app.test_client(), newcomer, second_factor=False), "/admin/sign-in/set-up", reached
    )
    failures += _attack(app.test_client(), reset_link, reached)

    assert not failures, sorted(set(failures))[:40]
    assert reached >= SIGNED_IN_POSTS | {reset_link, f"/organisations/invitations/{invitation_token}"}

    # Whatever an administrator typed as a reason reaches the owner's page as text, never as markup.
    dashboard = sign_in_as(app.test_client(), waiting_owner).get("/organisations/")
    assert not [p for p in MARKUP if p in dashboard.get_data(as_text=True)]
    assert not problems_in(dashboard, None)
