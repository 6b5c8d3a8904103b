"""Chapter settings and membership categories: the first tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the settings row table and the category table."""
    op.create_table(
        "chapter_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("year_start_month", sa.Integer(), nullable=False),
        sa.Column("year_start_day", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("stale_after_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chapter_settings"),
        sa.CheckConstraint("id = 1", name=op.f("ck_chapter_settings_single_row")),
        sa.CheckConstraint(
            "year_start_month BETWEEN 1 AND 12", name=op.f("ck_chapter_settings_year_start_month")
        ),
        sa.CheckConstraint(
            "year_start_day BETWEEN 1 AND 31", name=op.f("ck_chapter_settings_year_start_day")
        ),
        sa.CheckConstraint("grace_days >= 0", name=op.f("ck_chapter_settings_grace_days")),
        sa.CheckConstraint(
            "stale_after_days >= 1", name=op.f("ck_chapter_settings_stale_after_days")
        ),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_chapter_settings_currency")),
    )
    op.create_table(
        "membership_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("may_vote", sa.Boolean(), nullable=False),
        sa.Column("may_hold_office", sa.Boolean(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_membership_category"),
        sa.UniqueConstraint("code", name="uq_membership_category_code"),
        sa.UniqueConstraint("name", name="uq_membership_category_name"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("membership_category")
    op.drop_table("chapter_settings")
