"""Owners invite and remove people; invited people accept by link; one organisation per person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Invitation, Membership
from portal.models.organisations import EDITOR, OWNER
from portal.services import organisations
from portal.services.tokens import token_digest
from tests.account_helpers import last_mail_to, link_in, location_path, mail_to, submit, well_formed
from tests.factories import make_organisation, make_user, now, sign_in_as

NEW_PERSON = "grace.hopper@example.org"


def _invite(client, email: str = NEW_PERSON, role: str = EDITOR):
    return submit(
        client, "/organisations/members/invite", {"email": email, "role": role}, "/organisations/members"
    )


def _invitation_link(email: str = NEW_PERSON) -> str:
    return link_in(last_mail_to(email), "/organisations/invitations/")


def test_an_owner_invites_an_editor_who_joins_and_cannot_do_an_owners_job(app, client, get_page):
    organisation = make_organisation()
    owner = make_user(organisation, name="Ada Lovelace")
    sign_in_as(client, owner)
    page = get_page("/organisations/members")
    assert page.h1 == "People in your organisation"
    assert "Ada Lovelace (you)" in page.text

    invited = _invite(client)
    assert location_path(invited) == "/organisations/members"
    message = last_mail_to(NEW_PERSON)
    assert message.subject == f"Join {organisation.name} on Healthcare Science Careers"
    assert "Ada Lovelace has invited you" in message.text_body and "as an editor" in message.text_body
    token = _invitation_link().rsplit("/", 1)[1]
    [invitation] = organisations.pending_invitations(organisation)
    assert invitation.token_hash == token_digest(token) and token not in invitation.token_hash
    assert NEW_PERSON in get_page("/organisations/members").text

    newcomer = app.test_client()
    form = newcomer.get(_invitation_link())
    assert well_formed(form).h1 == f"Join {organisation.name}"
    joined = submit(
        newcomer, _invitation_link(), {"name": "Grace Hopper", "password": "cobol compiler nights"}
    )
    assert location_path(joined) == "/organisations/"
    dashboard = well_formed(newcomer.get("/organisations/"))
    assert "You are an editor" in dashboard.text
    assert "/organisations/members" not in dashboard.links()

    assert newcomer.get("/organisations/members").status_code == 403
    refused = submit(
        newcomer,
        "/organisations/members/invite",
        {"email": "x@example.org", "role": OWNER},
        "/organisations/",
    )
    assert refused.status_code == 403
    assert mail_to("x@example.org") == []
    assert well_formed(newcomer.get(_invitation_link())).h1 == "This invitation link does not work", (
        "used once"
    )


def test_invitations_that_are_expired_withdrawn_or_made_up_open_nothing(client, get_page):
    organisation = make_organisation()
    owner = make_user(organisation)
    sign_in_as(client, owner)
    _invite(client)
    link = _invitation_link()
    [invitation] = organisations.pending_invitations(organisation)
    invitation.expires_at = now() - timedelta(minutes=1)
    db.session.flush()
    assert get_page(link, status=400).h1 == "This invitation link does not work"
    assert organisations.pending_invitations(organisation) == []

    _invite(client, "katherine@example.org")
    [second] = organisations.pending_invitations(organisation)
    revoked = submit(
        client,
        "/organisations/members/revoke-invitation",
        {"invitation_id": second.id},
        "/organisations/members",
    )
    assert location_path(revoked) == "/organisations/members"
    assert second.revoked_at is not None
    assert (
        get_page(_invitation_link("katherine@example.org"), status=400).h1
        == "This invitation link does not work"
    )
    assert (
        get_page("/organisations/invitations/made-up-token", status=400).h1
        == "This invitation link does not work"
    )


def test_inviting_the_same_address_again_replaces_the_first_link(client, get_page):
    organisation = make_organisation()
    sign_in_as(client, make_user(organisation))
    _invite(client)
    first = _invitation_link()
    _invite(client, role=OWNER)
    second = _invitation_link()
    assert first != second
    assert get_page(first, status=400).h1 == "This invitation link does not work"
    assert "as an owner" in last_mail_to(NEW_PERSON).text_body
    assert [i.role for i in organisations.pending_invitations(organisation)] == [OWNER]


def test_inviting_someone_already_in_the_organisation_is_explained(client):
    organisation = make_organisation()
    sign_in_as(client, make_user(organisation))
    colleague = make_user(organisation, role=EDITOR)
    page = well_formed(_invite(client, colleague.email.upper()))
    assert page.title.startswith("Error: ")
    assert "already a member" in page.soup.select_one("#email-error").get_text()
    assert mail_to(colleague.email) == []


def test_invite_form_problems_keep_the_page_and_what_was_typed(client):
    sign_in_as(client, make_user(make_organisation()))
    page = well_formed(_invite(client, "not an address", role=""))
    hrefs = {a["href"] for a in page.select(".nhsuk-error-summary a")}
    assert hrefs == {"#email", "#role"}
    assert page.soup.select_one("#email")["value"] == "not an address"


def test_a_signed_in_person_without_an_organisation_joins_with_one_button(app, client, get_page):
    organisation = make_organisation()
    sign_in_as(client, make_user(organisation))
    loner = make_user(email=NEW_PERSON)
    _invite(client)
    visitor = sign_in_as(app.test_client(), loner, second_factor=False)
    page = well_formed(visitor.get(_invitation_link()))
    assert page.h1 == f"Join {organisation.name}"
    assert not page.select("input[name=password]")
    joined = submit(visitor, _invitation_link(), {})
    assert location_path(joined) == "/organisations/"
    assert loner.membership.organisation_id == organisation.id and loner.membership.role == EDITOR


def test_an_existing_account_signs_in_first_and_one_in_another_organisation_cannot_join(app, client):
    sign_in_as(client, make_user(make_organisation()))
    elsewhere = make_user(make_organisation(), email=NEW_PERSON)
    _invite(client)
    anonymous = app.test_client()
    page = well_formed(anonymous.get(_invitation_link()))
    sign_in = page.soup.select_one("main a[href^='/organisations/sign-in']")["href"]
    assert sign_in == f"/organisations/sign-in?next={_invitation_link()}"

    before = elsewhere.membership.organisation_id
    signed_in = sign_in_as(app.test_client(), elsewhere, second_factor=False)
    refused = well_formed(signed_in.get(_invitation_link()))
    assert refused.h1.startswith("You cannot join")
    assert "already belong to an organisation" in refused.text
    assert not refused.select("main form"), "no button to press"
    submit(signed_in, _invitation_link(), {}, form_page="/organisations/sign-up")
    db.session.expire_all()
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == elsewhere.id)).all()
    assert [m.organisation_id for m in memberships] == [before]


def test_an_invitation_cannot_be_taken_by_a_different_signed_in_account(app, client):
    sign_in_as(client, make_user(make_organisation()))
    someone_else = make_user()
    _invite(client)
    intruder = sign_in_as(app.test_client(), someone_else, second_factor=False)
    page = well_formed(intruder.get(_invitation_link()))
    assert "different email address" in page.text
    submit(intruder, _invitation_link(), {}, form_page="/organisations/sign-up")
    assert someone_else.membership is None


def test_the_last_owner_cannot_be_removed_but_an_editor_can(client, get_page):
    organisation = make_organisation()
    owner = make_user(organisation)
    editor = make_user(organisation, role=EDITOR, name="Edith Editor")
    sign_in_as(client, owner)
    last = submit(
        client,
        "/organisations/members/remove",
        {"membership_id": owner.membership.id},
        "/organisations/members",
    )
    assert location_path(last) == "/organisations/members"
    assert "at least one owner" in get_page("/organisations/members").text
    assert owner.membership is not None

    removed = submit(
        client,
        "/organisations/members/remove",
        {"membership_id": editor.membership.id},
        "/organisations/members",
    )
    assert location_path(removed) == "/organisations/members"
    db.session.expire_all()
    assert editor.membership is None
    assert "Edith Editor is no longer a member" in get_page("/organisations/members").text


def test_an_owner_cannot_touch_another_organisations_people(client):
    theirs = make_organisation()
    their_editor = make_user(theirs, role=EDITOR)
    their_owner = make_user(theirs)
    invitation, _ = organisations.invite_member(theirs, their_owner, "someone@example.org", EDITOR)
    sign_in_as(client, make_user(make_organisation()))
    remove = submit(
        client,
        "/organisations/members/remove",
        {"membership_id": their_editor.membership.id},
        "/organisations/members",
    )
    revoke = submit(
        client,
        "/organisations/members/revoke-invitation",
        {"invitation_id": invitation.id},
        "/organisations/members",
    )
    assert remove.status_code == revoke.status_code == 404
    db.session.expire_all()
    assert their_editor.membership is not None
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_a_second_owner_can_leave(client):
    organisation = make_organisation()
    make_user(organisation)
    me = make_user(organisation)
    sign_in_as(client, me)
    left = submit(
        client, "/organisations/members/remove", {"membership_id": me.membership.id}, "/organisations/members"
    )
    assert location_path(left) == "/"
    assert client.get("/organisations/").status_code == 403
