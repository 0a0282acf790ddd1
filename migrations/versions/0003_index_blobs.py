"""Matching index files in the database, so that any host can load the index

Revision ID: 0003_index_blobs
Revises: 0002_matching
Create Date: 2026-12-01 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_index_blobs"
down_revision = "0002_matching"
branch_labels = None
depends_on = None


def upgrade():
    # Versions recorded before this point have no files here: the next `flask matching build` (or
    # `flask content load`) fits the index again and stores it in the database.
    with op.batch_alter_table("matching_index_version") as batch:
        batch.drop_column("directory")
    op.create_table(
        "matching_index_file",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["matching_index_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", "name"),
    )


def downgrade():
    op.drop_table("matching_index_file")
    # Without their files the versions cannot be loaded; with none recorded, the next build fits again.
    op.execute("DELETE FROM matching_index_version")
    with op.batch_alter_table("matching_index_version") as batch:
        batch.add_column(sa.Column("directory", sa.String(length=500), nullable=False, server_default=""))
