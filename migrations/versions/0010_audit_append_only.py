"""The audit log is append-only in the database too: UPDATE and DELETE on audit_entry are refused

Revision ID: 0010_audit_append_only
Revises: 0009_workforce
Create Date: 2026-12-02 09:00:00

A later migration that rebuilds audit_entry (SQLite's batch mode copies the table and drops the old
one) loses these triggers with the old table, and must create them again.
"""

from alembic import op

revision = "0010_audit_append_only"
down_revision = "0009_workforce"
branch_labels = None
depends_on = None

MESSAGE = "audit_entry is append-only"

SQLITE_UP = [
    f"""
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused');
    END
    """,
    f"""
    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused');
    END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
]

# Statement-level, so an UPDATE or DELETE is refused even when it matches no row, and TRUNCATE too.
POSTGRESQL_UP = [
    f"""
    CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE PROCEDURE audit_entry_refuse_change()
    """,
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    if dialect == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    raise NotImplementedError(
        f"the audit log's triggers are written for SQLite and PostgreSQL, not {dialect}"
    )


def upgrade():
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
