"""Candidates, their saved items, alerts and expressions of interest; class codes; anonymous tallies

Revision ID: 0008_candidates
Revises: 0007_listing_import
Create Date: 2026-12-01 15:00:48.270288

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_candidates"
down_revision = "0007_listing_import"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "anonymous_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("week_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "week_start", name="uq_anonymous_tally"),
    )
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("count_interest_in_figures", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_last_active_at"), ["last_active_at"], unique=False)

    op.create_table(
        "alert_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("search", sa.JSON(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribe_token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unsubscribe_token_hash"),
    )
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alert_subscription_email"), ["email"], unique=False)

    op.create_table(
        "area_interest",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("service_area_slug", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_area_slug"],
            ["service_area.slug"],
        ),
        sa.PrimaryKeyConstraint("candidate_id", "service_area_slug"),
    )
    op.create_table(
        "class_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("class_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_code_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "saved_area",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("service_area_slug", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_area_slug"],
            ["service_area.slug"],
        ),
        sa.PrimaryKeyConstraint("candidate_id", "service_area_slug"),
    )
    op.create_table(
        "alert_delivery",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["alert_subscription.id"],
        ),
        sa.PrimaryKeyConstraint("subscription_id", "opportunity_id"),
    )
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_delivery_opportunity_id"), ["opportunity_id"], unique=False
        )

    op.create_table(
        "class_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_code_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("area_slugs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_code_id"],
            ["class_code.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("class_code_id", "participant", name="uq_class_response_participant"),
    )
    op.create_table(
        "expression_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("share_email", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id", "opportunity_id", name="uq_interest_candidate_listing"),
    )
    with op.batch_alter_table("expression_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expression_of_interest_opportunity_id"), ["opportunity_id"], unique=False
        )

    op.create_table(
        "saved_listing",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
        ),
        sa.PrimaryKeyConstraint("candidate_id", "opportunity_id"),
    )
    with op.batch_alter_table("saved_listing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_listing_opportunity_id"), ["opportunity_id"], unique=False)

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))

    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("open_to_school_groups", sa.Boolean(), nullable=False, server_default=sa.false())
        )


# What these tables hold (candidates' accounts and choices, class codes and the anonymous tallies)
# was made by people and cannot be made again, so the downgrade refuses to delete it: export it, or
# delete it on purpose, first.
KEPT_TABLES = (
    "candidate",
    "alert_subscription",
    "area_interest",
    "class_code",
    "saved_area",
    "alert_delivery",
    "class_response",
    "expression_of_interest",
    "saved_listing",
    "anonymous_tally",
)


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
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("headers")

    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("open_to_school_groups")

    with op.batch_alter_table("saved_listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_listing_opportunity_id"))

    op.drop_table("saved_listing")
    with op.batch_alter_table("expression_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expression_of_interest_opportunity_id"))

    op.drop_table("expression_of_interest")
    op.drop_table("class_response")
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_delivery_opportunity_id"))

    op.drop_table("alert_delivery")
    op.drop_table("saved_area")
    with op.batch_alter_table("class_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_code_organisation_id"))

    op.drop_table("class_code")
    op.drop_table("area_interest")
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_subscription_email"))
        batch_op.drop_index(batch_op.f("ix_alert_subscription_candidate_id"))

    op.drop_table("alert_subscription")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_last_active_at"))

    op.drop_table("candidate")
    op.drop_table("anonymous_tally")
