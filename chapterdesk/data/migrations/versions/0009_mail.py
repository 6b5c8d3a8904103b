"""E-mail: the SMTP account, the message templates and the outbox.

- `mail_account`: one row, the SMTP server, security, user and From address,
  the signature and the reminder intervals (the password is in the OS keyring);
- `mail_template`: each message kind's subject, text and HTML bodies, as edited;
- `mail_message`: the outbox, one row per message with its status;
- `mail_content`: each message's full RFC 5322 text (kept out of the audit trail,
  which records the `mail_message` row: who, to whom, what, when).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "mail_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(10), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("reminder_days", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_account"),
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("port BETWEEN 1 AND 65535", name="port"),
        sa.CheckConstraint("security IN ('none', 'starttls', 'ssl')", name="security"),
    )
    op.create_table(
        "mail_template",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name="pk_mail_template"),
    )
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("dedupe_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("hq_id", sa.String(20), nullable=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("dues_year", sa.Integer(), nullable=True),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("receipt_no", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_mail_message"),
        sa.UniqueConstraint("message_id", name="uq_mail_message_message_id"),
        sa.UniqueConstraint("dedupe_key", name="uq_mail_message_dedupe_key"),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')",
            name="status",
        ),
        sa.CheckConstraint("kind IN ('statement', 'reminder', 'receipt', 'test')", name="kind"),
    )
    op.create_index("ix_mail_message_status", "mail_message", ["status", "id"])
    op.create_index("ix_mail_message_hq_id", "mail_message", ["hq_id"])
    op.create_table(
        "mail_content",
        sa.Column("message", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("message", name="pk_mail_content"),
        sa.ForeignKeyConstraint(
            ["message"],
            ["mail_message.id"],
            name="fk_mail_content_message_mail_message",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_table("mail_content")
    op.drop_index("ix_mail_message_hq_id", table_name="mail_message")
    op.drop_index("ix_mail_message_status", table_name="mail_message")
    op.drop_table("mail_message")
    op.drop_table("mail_template")
    op.drop_table("mail_account")
