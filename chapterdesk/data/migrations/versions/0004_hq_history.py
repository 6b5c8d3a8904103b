"""HQ import history (for undo), remembered column mappings and local edits of HQ fields.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three HQ import tables."""
    op.create_table(
        "hq_member_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hq_member_change"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name="fk_hq_member_change_batch_id_import_batch",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_hq_member_change_batch", "hq_member_change", ["batch_id", "kind"])
    op.create_table(
        "hq_mapping",
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name="pk_hq_mapping"),
    )
    op.create_table(
        "hq_local_edit",
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("local_value", sa.Text(), nullable=False),
        sa.Column("hq_value", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hq_id", "field", name="pk_hq_local_edit"),
        sa.ForeignKeyConstraint(
            ["hq_id"],
            ["hq_member.hq_id"],
            name="fk_hq_local_edit_hq_id_hq_member",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("hq_local_edit")
    op.drop_table("hq_mapping")
    op.drop_index("ix_hq_member_change_batch", table_name="hq_member_change")
    op.drop_table("hq_member_change")
