"""The roster: HQ records, affiliations, import batches, chapter memberships, officers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the report/audit settings and the roster tables."""
    with op.batch_alter_table("chapter_settings") as batch:
        batch.add_column(
            sa.Column("page_size", sa.String(10), nullable=False, server_default="letter")
        )
        batch.add_column(sa.Column("officer_name", sa.String(200), nullable=True))

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("data_as_of", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("counts_json", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_batch"),
    )
    op.create_table(
        "hq_member",
        sa.Column("hq_id", sa.String(20), nullable=False),
        *[
            sa.Column(name, sa.String(length), nullable=False)
            for name, length in (
                ("prefix", 40),
                ("first_name", 100),
                ("middle_name", 100),
                ("last_name", 100),
                ("suffix", 40),
                ("company", 200),
                ("title", 200),
                ("email", 254),
                ("phone", 60),
                ("address1", 200),
                ("address2", 200),
                ("city", 100),
                ("state", 100),
                ("postal_code", 20),
                ("country", 100),
                ("member_type", 100),
            )
        ],
        sa.Column("join_date", sa.Date(), nullable=True),
        sa.Column("paid_through", sa.Date(), nullable=True),
        sa.Column("hq_status", sa.String(40), nullable=False),
        sa.Column("chapters", sa.String(500), nullable=False),
        sa.Column("in_latest_export", sa.Boolean(), nullable=False),
        sa.Column("last_batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("hq_id", name="pk_hq_member"),
        sa.ForeignKeyConstraint(
            ["last_batch_id"],
            ["import_batch.id"],
            name="fk_hq_member_last_batch_id_import_batch",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_hq_member_last_name", "hq_member", ["last_name", "first_name"])
    op.create_index("ix_hq_member_email", "hq_member", ["email"])
    op.create_table(
        "hq_affiliation",
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("chapter_key", sa.String(200), nullable=False),
        sa.Column("chapter_name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("hq_id", "chapter_key", name="pk_hq_affiliation"),
        sa.ForeignKeyConstraint(
            ["hq_id"],
            ["hq_member.hq_id"],
            name="fk_hq_affiliation_hq_id_hq_member",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_hq_affiliation_chapter_key", "hq_affiliation", ["chapter_key"])
    op.create_table(
        "chapter_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("chapter_joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("employment_ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chapter_membership"),
        sa.ForeignKeyConstraint(
            ["hq_id"],
            ["hq_member.hq_id"],
            name="fk_chapter_membership_hq_id_hq_member",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= chapter_joined_on",
            name=op.f("ck_chapter_membership_left_after_joined"),
        ),
    )
    op.create_index(
        "uq_chapter_membership_open",
        "chapter_membership",
        ["hq_id"],
        unique=True,
        sqlite_where=sa.text("left_on IS NULL"),
        postgresql_where=sa.text("left_on IS NULL"),
    )
    op.create_index("ix_chapter_membership_hq_id", "chapter_membership", ["hq_id"])
    op.create_table(
        "officer_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("single_holder", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_officer_position"),
        sa.UniqueConstraint("name", name="uq_officer_position_name"),
    )
    op.create_table(
        "officer_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_officer_term"),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["officer_position.id"],
            name="fk_officer_term_position_id_officer_position",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["chapter_membership.id"],
            name="fk_officer_term_membership_id_chapter_membership",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_officer_term_ends_after_starts"),
        ),
    )
    op.create_index("ix_officer_term_position", "officer_term", ["position_id", "starts_on"])


def downgrade() -> None:
    """Drop the roster tables and the added settings columns."""
    for index, table in (
        ("ix_officer_term_position", "officer_term"),
        ("ix_chapter_membership_hq_id", "chapter_membership"),
        ("uq_chapter_membership_open", "chapter_membership"),
        ("ix_hq_affiliation_chapter_key", "hq_affiliation"),
        ("ix_hq_member_email", "hq_member"),
        ("ix_hq_member_last_name", "hq_member"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "officer_term",
        "officer_position",
        "chapter_membership",
        "hq_affiliation",
        "hq_member",
        "import_batch",
    ):
        op.drop_table(table)
    with op.batch_alter_table("chapter_settings") as batch:
        batch.drop_column("officer_name")
        batch.drop_column("page_size")
