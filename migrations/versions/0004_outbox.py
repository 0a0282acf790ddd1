"""Outgoing mail kept in the database until it is sent

Revision ID: 0004_outbox
Revises: 0003_index_blobs
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox"
down_revision = "0003_index_blobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # send-pending looks for due pending messages; an admin looks for failed ones.
    op.create_index("ix_outbox_message_status_next_attempt_at", "outbox_message", ["status", "next_attempt_at"])


# What these tables hold (mail waiting to be sent, and the record of mail sent) was made by people
# and cannot be made again, so the downgrade refuses to delete it: export it, or delete it on
# purpose, first.
KEPT_TABLES = ("outbox_message",)


def _refuse_to_delete_kept_rows():
    bind = op.get_bind()
    holding = [name for name in KEPT_TABLES if bind.execute(sa.text(f"SELECT 1 FROM {name} LIMIT 1")).first()]
    if holding:
        raise RuntimeError(
            f"refusing to downgrade {revision}: it would delete every row of {', '.join(holding)}; "
            "export those rows, or delete them on purpose, before downgrading"
        )


def downgrade():
    _refuse_to_delete_kept_rows()
    op.drop_index("ix_outbox_message_status_next_attempt_at", table_name="outbox_message")
    op.drop_table("outbox_message")
