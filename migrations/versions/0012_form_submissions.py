"""Form submissions: the one-time key of every posted form that created something

Revision ID: 0012_form_submissions
Revises: 0011_public_generation
Create Date: 2026-12-02 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_form_submissions"
down_revision = "0011_public_generation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=43), nullable=False),
        sa.Column("form", sa.String(length=80), nullable=False),
        sa.Column("created_table", sa.String(length=80), nullable=True),
        sa.Column("created_id", sa.Integer(), nullable=True),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_form_submission_key"),
    )
    op.create_index("ix_form_submission_created_at", "form_submission", ["created_at"])


def downgrade():
    op.drop_index("ix_form_submission_created_at", table_name="form_submission")
    op.drop_table("form_submission")
