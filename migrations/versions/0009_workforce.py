"""Workforce figures: demonstration tallies kept apart, and admin grants that a second admin confirms

Revision ID: 0009_workforce
Revises: 0008_candidates
Create Date: 2026-12-01 18:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_workforce"
down_revision = "0008_candidates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("anonymous_tally") as batch:
        batch.add_column(sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.drop_constraint("uq_anonymous_tally", type_="unique")
        batch.create_unique_constraint("uq_anonymous_tally", ["kind", "subject", "week_start", "is_demo"])
        batch.create_index("ix_anonymous_tally_kind_week", ["kind", "week_start"])
    op.create_table(
        "admin_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_grant_user_id", "admin_grant", ["user_id"])


# What these tables hold (requests to make someone an administrator, and their decisions) was made
# by people and cannot be made again, so the downgrade refuses to delete it: export it, or delete it
# on purpose, first.
KEPT_TABLES = ("admin_grant",)


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
    op.drop_index("ix_admin_grant_user_id", table_name="admin_grant")
    op.drop_table("admin_grant")
    # Without the flag, made-up counts would pass for real ones (and could clash with them in the
    # narrower unique key), so they go; `demo seed` makes them again after an upgrade.
    op.execute("DELETE FROM anonymous_tally WHERE is_demo")
    with op.batch_alter_table("anonymous_tally") as batch:
        batch.drop_index("ix_anonymous_tally_kind_week")
        batch.drop_constraint("uq_anonymous_tally", type_="unique")
        batch.create_unique_constraint("uq_anonymous_tally", ["kind", "subject", "week_start"])
        batch.drop_column("is_demo")
