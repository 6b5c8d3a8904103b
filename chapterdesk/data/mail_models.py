"""SQLAlchemy models for e-mail: the chapter's SMTP account, its templates and the outbox.

The outbox is the source of truth for what was sent. A message is written here
first (status `queued`), with its whole RFC 5322 text and a Message-ID of its
own, and only then offered to the SMTP server. Its status walks
`queued` → `sending` (written just before SMTP DATA) → `sent` (after the
server's 250), or `failed` (the server refused it, with its reason), or
`uncertain` (the connection was lost after DATA began: the server may or may
not have it; see `services.mail.outbox`).

The password is never here: it is in the OS keyring (`services.mail.account`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from chapterdesk.data.models import Base, utcnow


class MailAccount(Base):
    """The one SMTP account the chapter sends from (id is always 1), without its password."""

    __tablename__ = "mail_account"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("port BETWEEN 1 AND 65535", name="port"),
        CheckConstraint("security IN ('none', 'starttls', 'ssl')", name="security"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10), default="starttls")
    username: Mapped[str] = mapped_column(String(255), default="")
    from_address: Mapped[str] = mapped_column(String(320))
    signature: Mapped[str] = mapped_column(Text, default="")
    reminder_days: Mapped[str] = mapped_column(String(60), default="30,60,90")


class MailTemplate(Base):
    """A message kind's subject, text body and HTML body, as the chapter edited them."""

    __tablename__ = "mail_template"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)


class MailMessage(Base):
    """One message in the outbox: to whom, about what, and how far its sending got."""

    __tablename__ = "mail_message"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')", name="status"
        ),
        CheckConstraint("kind IN ('statement', 'reminder', 'receipt', 'test')", name="kind"),
        Index("ix_mail_message_status", "status", "id"),
        Index("ix_mail_message_hq_id", "hq_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # What makes a message the same one twice: a reminder level for one charge, one
    # receipt, one member's statement for a year on one day. Queuing it again is skipped.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    hq_id: Mapped[str | None] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    dues_year: Mapped[int | None] = mapped_column(Integer)
    charge_id: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    receipt_no: Mapped[int | None] = mapped_column(Integer)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MailContent(Base):
    """A queued message's full text (headers, bodies, the PDF), kept apart from its audit."""

    __tablename__ = "mail_content"

    message: Mapped[int] = mapped_column(
        ForeignKey("mail_message.id", ondelete="CASCADE"), primary_key=True
    )
    raw: Mapped[bytes] = mapped_column(LargeBinary)
