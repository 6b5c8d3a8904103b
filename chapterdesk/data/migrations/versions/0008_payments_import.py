"""Payments imported from the bank or a card processor: batches, posted lines, bank layouts.

- `payment_import`: one row per posted file (a batch that `payments undo` reverses);
- `payment_line`: each posted line's source key (OFX FITID, Stripe/PayPal ID or a
  stable hash) with a sequence, UNIQUE together, so no source line is posted twice
  while its payment is live;
- `payment_mapping`: a bank CSV layout's confirmed column mapping;
- the ledger's payment methods gain `transfer` (a bank transfer) and `card` (a
  processor's card of no brand the ledger names).

Widening the method CHECK must not rebuild `ledger_entry` (its rows reference
each other with ON DELETE RESTRICT and its triggers refuse deletes). PostgreSQL
drops and adds the constraint. SQLite cannot alter a CHECK, so the table's
stored definition is edited in place, the procedure SQLite documents for
changes that leave the stored rows valid (lang_altertable.html, "otherwise"):
every existing row satisfies the wider CHECK.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_METHODS = "('visa', 'mastercard', 'amex', 'check', 'money-order')"
NEW_METHODS = "('visa', 'mastercard', 'amex', 'check', 'money-order', 'transfer', 'card')"


def _set_methods(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE ledger_entry DROP CONSTRAINT ck_ledger_entry_method")
        op.execute(
            "ALTER TABLE ledger_entry ADD CONSTRAINT ck_ledger_entry_method "
            f"CHECK (method IS NULL OR method IN {new})"
        )
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger_entry'"
    ).scalar_one()
    if old not in sql:  # pragma: no cover - a schema ChapterDesk did not write
        raise RuntimeError("ledger_entry's method CHECK is not the one migration 0003 wrote.")
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'ledger_entry'",
            (sql.replace(old, new),),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    """Create the three tables and widen the ledger's payment methods."""
    op.create_table(
        "payment_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payment_import"),
        sa.CheckConstraint("line_count >= 0", name="line_count"),
    )
    op.create_table(
        "payment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("gross_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payment_line"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["payment_import.id"],
            name="fk_payment_line_import_id_payment_import",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["hq_id"], ["hq_member.hq_id"], name="fk_payment_line_hq_id_hq_member",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
            name="fk_payment_line_entry_id_ledger_entry",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("source_key", "seq", name="uq_payment_line_source"),
        sa.CheckConstraint("seq >= 1", name="seq"),
        sa.CheckConstraint("gross_cents > 0 AND fee_cents >= 0", name="amounts"),
    )
    op.create_index("ix_payment_line_import", "payment_line", ["import_id"])
    op.create_table(
        "payment_mapping",
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name="pk_payment_mapping"),
    )
    _set_methods(OLD_METHODS, NEW_METHODS)


def downgrade() -> None:
    """Drop the three tables and narrow the methods again (refused while a row uses them)."""
    used = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM ledger_entry WHERE method IN ('transfer', 'card')"
    ).scalar_one()
    if used:
        raise RuntimeError(
            f"{used} ledger payments use the transfer or card method; this schema cannot hold them."
        )
    _set_methods(NEW_METHODS, OLD_METHODS)
    op.drop_table("payment_mapping")
    op.drop_index("ix_payment_line_import", table_name="payment_line")
    op.drop_table("payment_line")
    op.drop_table("payment_import")
