"""The generation of public pages: cached pages are filed under it, and a change that shows raises it

Revision ID: 0011_public_generation
Revises: 0010_audit_append_only
Create Date: 2026-12-02 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_public_generation"
down_revision = "0010_audit_append_only"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "public_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade():
    # Only a cache key lives here: without it pages are simply cached under no generation.
    op.drop_table("public_generation")
