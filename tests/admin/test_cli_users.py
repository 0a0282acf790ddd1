"""`flask --app wsgi users create-admin`: an administrator from the command line, never a duplicate."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from portal.services import accounts
from tests.factories import make_user


def _create(app, *args: str):
    return app.test_cli_runner().invoke(args=["users", "create-admin", *args])


def test_create_admin_makes_a_confirmed_administrator_without_a_second_factor_yet(app, db_session):
    result = _create(app, "--email", "Chief.Scientist@Example.org", "--password", "a long first password")
    assert result.exit_code == 0, result.output
    assert "Administrator created" in result.output
    assert "chief.scientist" not in result.output.lower(), "the address stays out of the output"
    admin = accounts.user_by_email("chief.scientist@example.org")
    assert admin.is_admin and admin.email_verified_at is not None
    assert admin.totp_secret is None and admin.membership is None
    assert accounts.authenticate("chief.scientist@example.org", "a long first password") is admin
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == admin.id)).one()
    assert entry.actor_id is None and entry.target_type == "user"
    assert entry.action == "admin-created-from-command-line"
    assert (entry.before, entry.after) == ({"is_admin": False}, {"is_admin": True})


def test_create_admin_refuses_an_address_that_has_an_account(app, db_session):
    existing = make_user()
    result = _create(app, "--email", existing.email.upper(), "--password", "a long first password")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert not existing.is_admin


def test_create_admin_refuses_a_weak_password_and_says_why(app, db_session):
    result = _create(app, "--email", "new.admin@example.org", "--password", "short")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert accounts.user_by_email("new.admin@example.org") is None
