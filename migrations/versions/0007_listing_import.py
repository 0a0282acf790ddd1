"""Listing CSV uploads waiting to be confirmed

Revision ID: 0007_listing_import
Revises: 0006_invitation_token
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_listing_import"
down_revision = "0006_invitation_token"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "listing_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("csv_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("listing_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listing_import_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_listing_import_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_import_expires_at"), ["expires_at"], unique=False)


def downgrade():
    op.drop_table("listing_import")
