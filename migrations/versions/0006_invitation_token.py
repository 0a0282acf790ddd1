"""Invitations carry the hash of their emailed token

Revision ID: 0006_invitation_token
Revises: 0005_opportunities
Create Date: 2026-12-09 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_invitation_token"
down_revision = "0005_opportunities"
branch_labels = None
depends_on = None


def upgrade():
    # No invitation could be sent before this revision, so the table is empty and the column can be required.
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=False))
        batch_op.create_index(batch_op.f("ix_invitation_token_hash"), ["token_hash"], unique=True)


def downgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_token_hash"))
        batch_op.drop_column("token_hash")
