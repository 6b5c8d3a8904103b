"""SQLAlchemy models for payments imported from a bank or card-processor file.

A `PaymentImport` is one posted batch from one file; each `PaymentLine` is one
line of that file that was posted, with the ledger payment it became and the
line's source key (the OFX FITID, the Stripe or PayPal transaction ID, or a
stable hash for a CSV without one). A source line is posted at most once while
its payment is live: the first posting of a key has sequence 1, and a key may
be posted again (sequence 2, …) only after its earlier payment was reversed
(an undone batch). Two officers posting the same line at once compute the same
sequence, and the UNIQUE constraint lets only one of them through, as
`ledger_entry.charge_seq` does for dues charges.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chapterdesk.data.models import Base, utcnow


class PaymentImport(Base):
    """One file's payments, posted together as one batch (undone together)."""

    __tablename__ = "payment_import"
    __table_args__ = (CheckConstraint("line_count >= 0", name="line_count"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(20))  # stripe, paypal, square, ofx, bank-csv
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    line_count: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PaymentLine(Base):
    """One posted line of an imported file: where it came from and the payment it became."""

    __tablename__ = "payment_line"
    __table_args__ = (
        UniqueConstraint("source_key", "seq", name="uq_payment_line_source"),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("gross_cents > 0 AND fee_cents >= 0", name="amounts"),
        Index("ix_payment_line_import", "import_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("payment_import.id", ondelete="RESTRICT"))
    source_key: Mapped[str] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(Integer)
    hq_id: Mapped[str] = mapped_column(ForeignKey("hq_member.hq_id", ondelete="RESTRICT"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="RESTRICT"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    payer: Mapped[str] = mapped_column(String(200))
    memo: Mapped[str] = mapped_column(Text)


class PaymentMapping(Base):
    """A bank CSV layout's confirmed column mapping, found again by its header signature."""

    __tablename__ = "payment_mapping"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    mapping_json: Mapped[str] = mapped_column(Text, default="{}")
