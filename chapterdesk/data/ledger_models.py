"""SQLAlchemy models for chapter dues: rate settings, organisations and the ledger.

The ledger is append-only. A `LedgerEntry` is never updated or deleted (the
migration installs triggers that make the database itself refuse it); a
mistake is corrected by a `reversal` entry naming the entry it reverses. Every
amount is a positive whole number of cents: the entry's kind gives its sign
(a charge raises what the member owes; a payment, credit or waiver lowers it;
a reversal undoes the entry it names).

Rules that are settings (rates, the enterprise schedule, the promotion, the
proration steps, which organisations are non-profit) live in their own
tables and may be edited: they only decide what the next assessment charges.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
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

# The ledger's CHECKs (migration 0003 writes the same ones; a test compares the two).
LEDGER_CHECKS: dict[str, str] = {
    "kind": "kind IN ('charge', 'payment', 'credit', 'waiver', 'reversal')",
    "whole_cents": "amount_cents > 0 AND amount_cents = CAST(amount_cents AS BIGINT)",
    # migration 0008 adds 'transfer' (a bank line) and 'card' (a processor's card of no brand named)
    "method": "method IS NULL OR method IN "
    "('visa', 'mastercard', 'amex', 'check', 'money-order', 'transfer', 'card')",
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


class Organisation(Base):
    """An employer the chapter has marked (for now: as non-profit), keyed by normalised name."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    nonprofit: Mapped[bool] = mapped_column(Boolean, default=False)


class DuesRate(Base):
    """What one category pays in one dues year: full, non-profit and enterprise-tier rates."""

    __tablename__ = "dues_rate"
    __table_args__ = (
        UniqueConstraint("dues_year", "category_id", name="uq_dues_rate_year_category"),
        CheckConstraint("dues_year BETWEEN 1900 AND 2999", name="year"),
        CheckConstraint("amount_cents >= 0", name="amount"),
        CheckConstraint("nonprofit_cents IS NULL OR nonprofit_cents >= 0", name="nonprofit"),
        CheckConstraint("enterprise_cents IS NULL OR enterprise_cents >= 0", name="enterprise"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dues_year: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("membership_category.id", ondelete="RESTRICT")
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    nonprofit_cents: Mapped[int | None] = mapped_column(BigInteger)
    enterprise_cents: Mapped[int | None] = mapped_column(BigInteger)


class DuesYearRule(Base):
    """The enterprise schedule and the promotion for one dues year."""

    __tablename__ = "dues_year_rule"
    __table_args__ = (
        CheckConstraint("dues_year BETWEEN 1900 AND 2999", name="year"),
        CheckConstraint(
            "enterprise_full_count IS NULL OR enterprise_full_count >= 1", name="enterprise"
        ),
        CheckConstraint("promotion_percent BETWEEN 0 AND 100", name="promotion"),
        CheckConstraint("promotion_gap_years >= 1", name="gap"),
    )

    dues_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    enterprise_full_count: Mapped[int | None] = mapped_column(Integer)
    promotion_percent: Mapped[int] = mapped_column(Integer, default=0)
    promotion_gap_years: Mapped[int] = mapped_column(Integer, default=3)


class ProrationStep(Base):
    """From this month-day of a dues year on, a member who joins pays `percent` of the dues."""

    __tablename__ = "dues_proration_step"
    __table_args__ = (
        UniqueConstraint("dues_year", "month", "day", name="uq_dues_proration_step_date"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("day BETWEEN 1 AND 31", name="day"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dues_year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)


class LedgerEntry(Base):
    """One posted, immutable ledger entry.

    `charge_seq` makes one live dues charge per member and year a database
    constraint: the first charge for (hq_id, dues_year) has sequence 1, and a
    charge may be assessed again only after every earlier one was reversed,
    with the next sequence number. Two officers assessing at once compute the
    same sequence, and the UNIQUE constraint lets only one of them through.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        *(CheckConstraint(sql, name=name) for name, sql in LEDGER_CHECKS.items()),
        UniqueConstraint("hq_id", "dues_year", "charge_seq", name="uq_ledger_entry_charge"),
        UniqueConstraint("receipt_no", name="uq_ledger_entry_receipt_no"),
        UniqueConstraint("reverses_id", name="uq_ledger_entry_reverses_id"),
        Index("ix_ledger_entry_hq_id", "hq_id", "id"),
        Index("ix_ledger_entry_year", "dues_year", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    hq_id: Mapped[str] = mapped_column(ForeignKey("hq_member.hq_id", ondelete="RESTRICT"))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapter_membership.id", ondelete="RESTRICT")
    )
    dues_year: Mapped[int | None] = mapped_column(Integer)
    charge_seq: Mapped[int | None] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(60), default="")
    receipt_no: Mapped[int | None] = mapped_column(Integer)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entry.id", ondelete="RESTRICT")
    )
    charge_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entry.id", ondelete="RESTRICT")
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
