"""Matching index versions and anonymous feedback

Revision ID: 0002_matching
Revises: 0001_content
Create Date: 2026-11-22 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_matching"
down_revision = "0001_content"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "matching_index_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("corpus_hash", sa.String(length=64), nullable=False),
        sa.Column("directory", sa.String(length=500), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("top_slug", sa.String(length=80), nullable=True),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


# What these tables hold (people's answers to "Was this useful?") was made by people and cannot be
# made again, so the downgrade refuses to delete it: export it, or delete it on purpose, first.
KEPT_TABLES = ("match_feedback",)


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
    op.drop_table("match_feedback")
    op.drop_table("matching_index_version")
