"""Chapter dues: organisations, rates, year rules, proration steps and the immutable ledger.

The ledger's immutability is enforced by the database itself: triggers refuse
any UPDATE or DELETE of `ledger_entry` (SQLite: `RAISE(ABORT)`; PostgreSQL: a
plpgsql function that raises, also refusing TRUNCATE). A later migration that
must rebuild `ledger_entry` has to drop these triggers first and recreate them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

IMMUTABLE_MESSAGE = "ledger entries are immutable: post a reversing entry instead"

# Named without their prefix: the naming convention ("ck_<table>_<name>") adds it.
LEDGER_CHECKS = {
    "kind": "kind IN ('charge', 'payment', 'credit', 'waiver', 'reversal')",
    "whole_cents": "amount_cents > 0 AND amount_cents = CAST(amount_cents AS BIGINT)",
    "method": "method IS NULL OR method IN ('visa', 'mastercard', 'amex', 'check', 'money-order')",
    "charge_fields": "kind <> 'charge' OR (dues_year IS NOT NULL AND charge_seq IS NOT NULL)",
    "charge_seq_only_on_charges": "kind = 'charge' OR charge_seq IS NULL",
    "payment_fields": "kind <> 'payment' OR (method IS NOT NULL AND receipt_no IS NOT NULL)",
    "receipt_only_on_payments": "kind = 'payment' OR (method IS NULL AND receipt_no IS NULL)",
    "check_has_number": "method IS NULL OR method <> 'check' OR reference <> ''",
    "reversal_fields": "kind <> 'reversal' OR (reverses_id IS NOT NULL AND reason <> '')",
    "reverses_only_on_reversals": "kind = 'reversal' OR reverses_id IS NULL",
    "waiver_fields": "kind <> 'waiver' OR (charge_id IS NOT NULL AND reason <> '')",
    "charge_id_only_on_waivers": "kind = 'waiver' OR charge_id IS NULL",
    "credit_has_reason": "kind <> 'credit' OR reason <> ''",
}


def _settings_tables() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("nonprofit", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisation"),
        sa.UniqueConstraint("key", name="uq_organisation_key"),
    )
    op.create_table(
        "dues_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dues_year", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("nonprofit_cents", sa.BigInteger(), nullable=True),
        sa.Column("enterprise_cents", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dues_rate"),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["membership_category.id"],
            name="fk_dues_rate_category_id_membership_category",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("dues_year", "category_id", name="uq_dues_rate_year_category"),
        sa.CheckConstraint("dues_year BETWEEN 1900 AND 2999", name="year"),
        sa.CheckConstraint("amount_cents >= 0", name="amount"),
        sa.CheckConstraint("nonprofit_cents IS NULL OR nonprofit_cents >= 0", name="nonprofit"),
        sa.CheckConstraint("enterprise_cents IS NULL OR enterprise_cents >= 0", name="enterprise"),
    )
    op.create_table(
        "dues_year_rule",
        sa.Column("dues_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("enterprise_full_count", sa.Integer(), nullable=True),
        sa.Column("promotion_percent", sa.Integer(), nullable=False),
        sa.Column("promotion_gap_years", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dues_year", name="pk_dues_year_rule"),
        sa.CheckConstraint("dues_year BETWEEN 1900 AND 2999", name="year"),
        sa.CheckConstraint(
            "enterprise_full_count IS NULL OR enterprise_full_count >= 1",
            name="enterprise",
        ),
        sa.CheckConstraint("promotion_percent BETWEEN 0 AND 100", name="promotion"),
        sa.CheckConstraint("promotion_gap_years >= 1", name="gap"),
    )
    op.create_table(
        "dues_proration_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dues_year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dues_proration_step"),
        sa.UniqueConstraint("dues_year", "month", "day", name="uq_dues_proration_step_date"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("day BETWEEN 1 AND 31", name="day"),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )


def _ledger_table() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("hq_id", sa.String(20), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=True),
        sa.Column("dues_year", sa.Integer(), nullable=True),
        sa.Column("charge_seq", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(20), nullable=True),
        sa.Column("reference", sa.String(60), nullable=False),
        sa.Column("receipt_no", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entry"),
        sa.ForeignKeyConstraint(
            ["hq_id"],
            ["hq_member.hq_id"],
            name="fk_ledger_entry_hq_id_hq_member",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["chapter_membership.id"],
            name="fk_ledger_entry_membership_id_chapter_membership",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_entry.id"],
            name="fk_ledger_entry_reverses_id_ledger_entry",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["charge_id"],
            ["ledger_entry.id"],
            name="fk_ledger_entry_charge_id_ledger_entry",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("hq_id", "dues_year", "charge_seq", name="uq_ledger_entry_charge"),
        sa.UniqueConstraint("receipt_no", name="uq_ledger_entry_receipt_no"),
        sa.UniqueConstraint("reverses_id", name="uq_ledger_entry_reverses_id"),
        *(sa.CheckConstraint(sql, name=name) for name, sql in LEDGER_CHECKS.items()),
    )
    op.create_index("ix_ledger_entry_hq_id", "ledger_entry", ["hq_id", "id"])
    op.create_index("ix_ledger_entry_year", "ledger_entry", ["dues_year", "kind"])


def _immutability_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{event.lower()} BEFORE {event} ON ledger_entry "
                f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}' USING ERRCODE = 'restrict_violation'; "
            "END $$"
        )
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{event.lower()} BEFORE {event} ON ledger_entry "
                "FOR EACH ROW EXECUTE FUNCTION ledger_entry_immutable()"
            )
        op.execute(
            "CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_immutable()"
        )
    else:  # pragma: no cover - ChapterDesk supports SQLite and PostgreSQL only
        raise RuntimeError(f"No ledger immutability triggers for the {dialect} dialect.")


def upgrade() -> None:
    """Create the dues settings tables, the ledger and its immutability triggers."""
    _settings_tables()
    _ledger_table()
    _immutability_triggers()


def downgrade() -> None:
    """Drop the triggers, the ledger and the dues settings tables."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for event in ("update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{event} ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS ledger_entry_immutable()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{event}")
    op.drop_index("ix_ledger_entry_year", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_hq_id", table_name="ledger_entry")
    for table in ("ledger_entry", "dues_proration_step", "dues_year_rule", "dues_rate"):
        op.drop_table(table)
    op.drop_table("organisation")
