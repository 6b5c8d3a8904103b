"""Corrections of HQ data: the officer's reason, conflicts held for settling, what was left out.

- `hq_local_edit.reason`: why an officer corrected an HQ field (shown and audited);
  `hq_local_edit.settled_hq_value`: HQ's value the officer chose to keep the
  chapter's correction against (an import repeating it is no conflict).
- `hq_conflict`: a difference an import held instead of applying, for an officer
  to settle field by field: HQ's value against the chapter's correction, or
  (field `identity`) an HQ ID that now names another person, with HQ's record.
  `settled` is "keep_local" for an identity conflict settled in the chapter's
  favour (held until HQ's record changes again); "" while it waits.
- `import_batch.held_json`: what a batch left out (field-level review, `--exclude`)
  and the corrections and conflicts of the members it touched as they were before
  and after it, so `imports undo` puts them back exactly.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns and the conflict table (plain ALTER: no table is rebuilt)."""
    op.add_column(
        "hq_local_edit", sa.Column("reason", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("hq_local_edit", sa.Column("settled_hq_value", sa.Text(), nullable=True))
    op.add_column(
        "import_batch", sa.Column("held_json", sa.Text(), nullable=False, server_default="{}")
    )
    op.create_table(
        "hq_conflict",
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("local_value", sa.Text(), nullable=False),
        sa.Column("hq_value", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("settled", sa.String(20), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hq_id", "field", name="pk_hq_conflict"),
        sa.ForeignKeyConstraint(
            ["hq_id"],
            ["hq_member.hq_id"],
            name="fk_hq_conflict_hq_id_hq_member",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name="fk_hq_conflict_batch_id_import_batch",
            ondelete="RESTRICT",
        ),
    )


def downgrade() -> None:
    """Drop the conflict table and the three columns (plain ALTER, as the upgrade).

    Not batch mode: rebuilding `import_batch` on SQLite means dropping a table
    other tables' rows point at, which the enforced foreign keys refuse on any
    chapter that has imported. SQLite drops a column in place since 3.35.
    """
    op.drop_table("hq_conflict")
    for table, column in (
        ("import_batch", "held_json"),
        ("hq_local_edit", "settled_hq_value"),
        ("hq_local_edit", "reason"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
