"""One door: HQ member types mapped to categories, the quorum setting, and change batches.

- `membership_category.hq_types`: HQ member types an officer mapped to the
  category (one per line), beside its code and name, so a new HQ label is
  matched once it is mapped and refused until then.
- `chapter_settings.quorum_percent`: the share of eligible voters that makes a
  quorum; NULL means a simple majority.
- `change_batch`: one row for each bulk change (an assessment, a payments
  batch, an HQ import, the demo), naming it and its count; every row the batch
  writes is audited with its batch number, so `audit list --member` finds it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns and the batch table (plain ALTER: no table is rebuilt)."""
    op.add_column(
        "membership_category",
        sa.Column("hq_types", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column("chapter_settings", sa.Column("quorum_percent", sa.Integer(), nullable=True))
    op.create_table(
        "change_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_batch"),
    )


def downgrade() -> None:
    """Drop the batch table and the two columns."""
    op.drop_table("change_batch")
    with op.batch_alter_table("chapter_settings") as batch:
        batch.drop_column("quorum_percent")
    with op.batch_alter_table("membership_category") as batch:
        batch.drop_column("hq_types")
