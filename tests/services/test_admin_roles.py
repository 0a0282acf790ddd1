"""The rules for administrator rights: two different administrators to grant, never removing the last."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AdminGrant, AuditEntry
from portal.services import admin_roles
from portal.services.admin_roles import AdminRoleError
from tests.factories import make_organisation, make_user


@pytest.fixture
def admins(db_session):
    """Two administrators, Asha and Ben."""
    return make_user(is_admin=True, name="Asha Admin"), make_user(is_admin=True, name="Ben Admin")


@pytest.fixture
def colleague(db_session):
    """A verified member of an organisation, who is not an administrator."""
    return make_user(make_organisation(), name="Cara Colleague")


def _entries(person) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.target_type == "user", AuditEntry.target_id == person.id)
    return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def test_a_request_changes_nothing_but_records_itself(admins, colleague):
    asha, _ = admins
    grant = admin_roles.request_admin(colleague.email.upper(), asha, "  Joins the national team  ")
    assert (grant.user_id, grant.requested_by_id, grant.reason, grant.outcome) == (
        colleague.id,
        asha.id,
        "Joins the national team",
        None,
    )
    assert colleague.is_admin is False
    [entry] = _entries(colleague)
    assert (entry.action, entry.actor_id, entry.reason) == (
        "admin.requested",
        asha.id,
        "Joins the national team",
    )
    assert entry.before == {"is_admin": False, "admin_request": None}
    assert entry.after == {"is_admin": False, "admin_request": "waiting", "admin_request_id": grant.id}
    [waiting] = admin_roles.waiting_requests()
    assert (waiting.person, waiting.requested_by, waiting.requester_still_admin) == (colleague, asha, True)
    assert admin_roles.waiting_request_count() == 1


def test_a_second_different_administrator_confirms_and_only_then_rights_are_given(admins, colleague):
    asha, ben = admins
    grant = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    admin_roles.confirm_admin(grant.id, ben)
    assert colleague.is_admin is True
    assert (grant.outcome, grant.decided_by_id) == ("confirmed", ben.id) and grant.decided_at is not None
    confirmed = _entries(colleague)[-1]
    assert (confirmed.action, confirmed.actor_id, confirmed.reason) == (
        "admin.confirmed",
        ben.id,
        "Joins the national team",
    )
    assert confirmed.before["is_admin"] is False and confirmed.after["is_admin"] is True
    assert confirmed.after["admin_request"] == "confirmed"
    assert admin_roles.waiting_requests() == []


def test_the_administrator_who_asked_cannot_confirm(admins, colleague):
    asha, _ = admins
    grant = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    with pytest.raises(AdminRoleError, match="another administrator must confirm"):
        admin_roles.confirm_admin(grant.id, asha)
    assert colleague.is_admin is False and grant.outcome is None
    assert [e.action for e in _entries(colleague)] == ["admin.requested"]


def test_the_person_named_cannot_confirm_their_own_rights(admins, colleague):
    asha, _ = admins
    grant = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    with pytest.raises(AdminRoleError, match="Only an administrator"):
        admin_roles.confirm_admin(grant.id, colleague)
    # Even someone made an administrator some other way (the command line) cannot confirm their own.
    colleague.is_admin = True
    with pytest.raises(AdminRoleError, match="your own administrator rights"):
        admin_roles.confirm_admin(grant.id, colleague)
    assert grant.outcome is None


def test_a_cancelled_request_cannot_be_confirmed_and_a_confirmed_one_cannot_be_cancelled(admins, colleague):
    asha, ben = admins
    first = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    admin_roles.cancel_admin(first.id, asha, "Asked for the wrong person")
    with pytest.raises(AdminRoleError, match="already been cancelled"):
        admin_roles.confirm_admin(first.id, ben)
    assert colleague.is_admin is False
    cancelled = _entries(colleague)[-1]
    assert (cancelled.action, cancelled.actor_id, cancelled.reason) == (
        "admin.cancelled",
        asha.id,
        "Asked for the wrong person",
    )
    assert cancelled.after == {"is_admin": False, "admin_request": "cancelled", "admin_request_id": first.id}

    second = admin_roles.request_admin(colleague.email, asha, "Now they really are joining")
    admin_roles.confirm_admin(second.id, ben)
    with pytest.raises(AdminRoleError, match="already been confirmed"):
        admin_roles.cancel_admin(second.id, asha)


def test_either_administrator_may_cancel_and_a_blank_reason_is_none(admins, colleague):
    asha, ben = admins
    grant = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    admin_roles.cancel_admin(grant.id, ben, "   ")
    assert grant.outcome == "cancelled" and grant.decided_by_id == ben.id
    assert _entries(colleague)[-1].reason is None


def test_a_request_lapses_when_the_administrator_who_asked_is_no_longer_one(admins, colleague):
    asha, ben = admins
    third = make_user(is_admin=True)
    grant = admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    admin_roles.remove_admin(asha, third, "Left the team")
    with pytest.raises(AdminRoleError, match="no longer one"):
        admin_roles.confirm_admin(grant.id, ben)
    [waiting] = admin_roles.waiting_requests()
    assert waiting.requester_still_admin is False
    assert colleague.is_admin is False


@pytest.mark.parametrize(
    ("email", "reason", "message"),
    [
        ("nobody@example.org", "A reason", "There is no staff account for nobody@example.org"),
        ("unconfirmed@example.org", "A reason", "has not confirmed their email address"),
        ("asha@example.org", "A reason", "is already an administrator"),
        ("cara@example.org", "   ", "Say why"),
    ],
)
def test_requests_that_make_no_sense_are_refused(db_session, email, reason, message):
    asha = make_user(is_admin=True, email="asha@example.org")
    make_user(email="unconfirmed@example.org", email_verified_at=None)
    make_user(email="cara@example.org")
    with pytest.raises(AdminRoleError, match=message):
        admin_roles.request_admin(email, asha, reason)
    assert db.session.scalars(select(AdminGrant)).all() == []
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_one_waiting_request_per_person_and_only_administrators_ask(admins, colleague):
    asha, ben = admins
    admin_roles.request_admin(colleague.email, asha, "Joins the national team")
    with pytest.raises(AdminRoleError, match="already waiting"):
        admin_roles.request_admin(colleague.email, ben, "Me too")
    other = make_user()
    with pytest.raises(AdminRoleError, match="Only an administrator"):
        admin_roles.request_admin(other.email, colleague, "I say so")
    assert admin_roles.waiting_request_count() == 1


def test_rights_are_removed_with_a_reason_and_never_from_the_last_administrator(admins):
    asha, ben = admins
    with pytest.raises(AdminRoleError, match="Say why"):
        admin_roles.remove_admin(ben, asha, " ")
    admin_roles.remove_admin(ben, asha, "Moved to another team")
    assert ben.is_admin is False
    [entry] = _entries(ben)
    assert (entry.action, entry.actor_id, entry.reason, entry.before, entry.after) == (
        "admin.removed",
        asha.id,
        "Moved to another team",
        {"is_admin": True},
        {"is_admin": False},
    )
    with pytest.raises(AdminRoleError, match="is not an administrator"):
        admin_roles.remove_admin(ben, asha, "Again")
    with pytest.raises(AdminRoleError, match="last administrator"):
        admin_roles.remove_admin(asha, asha, "Stepping down")
    assert asha.is_admin is True
    assert [e.action for e in _entries(asha)] == []


def test_an_administrator_may_step_down_while_another_remains(admins):
    asha, ben = admins
    admin_roles.remove_admin(asha, asha, "Stepping down")
    assert asha.is_admin is False and admin_roles.administrators() == [ben]


def test_staff_are_listed_a_page_at_a_time_and_searched_literally(db_session):
    for number in range(7):
        make_user(email=f"staff{number}@example.org", name=f"Staff {number}")
    make_user(email="per%cent@example.org", name="Percy")
    first = admin_roles.staff_page(1, per_page=3)
    assert (first.total, first.pages, len(first.people)) == (8, 3, 3)
    assert [p.email for p in first.people] == sorted(p.email for p in first.people)
    assert admin_roles.staff_page(99, per_page=3).page == 3
    assert [p.name for p in admin_roles.staff_page(search="%").people] == ["Percy"]
    assert admin_roles.staff_page(search="STAFF 3").total == 1
    assert admin_roles.staff_page(search="nobody at all").pages == 1
