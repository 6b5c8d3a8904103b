"""The treasurer's year-end figures for a dues year, read from the ledger.

Income by month and by method (payments posted in the year, a reversed one
counted in its month and taken off again as a reversal), the credit members
held on the year's first and last day, reversals, waivers, and what the card
processors kept and deposited. Processor fees and the reconciliation of
deposits to posted payments come from the payments-import tables
(`processor_activity`); a year with no imports says so rather than printing a
zero as if it were a fact.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.payment_models import PaymentImport, PaymentLine
from chapterdesk.money import from_cents
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.dues.balances import credit_held
from chapterdesk.services.dues.ledger import KIND_LABELS, METHOD_LABELS, ZERO
from chapterdesk.services.dues.rates import DuesYear, dues_year_in
from chapterdesk.values import month_year


@dataclass(frozen=True)
class MonthIncome:
    """Payments posted in one calendar month of the year, per method, and their total."""

    month: dt.date  # the first day of the month
    by_method: dict[str, Decimal]
    total: Decimal


@dataclass(frozen=True)
class Deposit:
    """One processor or bank deposit and the posted payments it covers."""

    source: str
    deposited_on: dt.date
    gross: Decimal
    fees: Decimal
    net: Decimal
    posted: Decimal


@dataclass(frozen=True)
class ProcessorActivity:
    """What card processors kept and deposited in the year (from the payments imports)."""

    fees: Decimal
    deposits: tuple[Deposit, ...]
    note: str


@dataclass(frozen=True)
class YearEnd:
    """A dues year's closing figures."""

    year: DuesYear
    currency: str
    months: tuple[MonthIncome, ...]
    by_method: dict[str, Decimal]
    payments_total: Decimal
    reversals: dict[str, tuple[int, Decimal]]  # by the kind reversed: count, amount
    waivers: tuple[int, Decimal]
    opening_credit: Decimal
    closing_credit: Decimal
    processor: ProcessorActivity


def processor_activity(session: Session, window: DuesYear) -> ProcessorActivity:
    """Processor fees and deposits in the year, from the payments imports not undone.

    Each deposit is one source's lines paid on one day (a processor's payout, a
    bank statement's day): the gross the members paid, the fees the processor
    kept, the net that reached the bank, and what was posted to the ledger for
    those lines (the gross, unless a posted payment was reversed since).
    """
    posted = func.sum(
        case((LedgerEntry.id.in_(_reversed_ids()), 0), else_=LedgerEntry.amount_cents)
    )
    rows = session.execute(
        select(
            PaymentImport.source,
            PaymentLine.paid_on,
            func.sum(PaymentLine.gross_cents),
            func.sum(PaymentLine.fee_cents),
            posted,
        )
        .join(PaymentImport, PaymentImport.id == PaymentLine.import_id)
        .join(LedgerEntry, LedgerEntry.id == PaymentLine.entry_id)
        .where(
            PaymentImport.undone_at.is_(None),
            PaymentLine.paid_on >= window.starts_on,
            PaymentLine.paid_on <= window.ends_on,
        )
        .group_by(PaymentImport.source, PaymentLine.paid_on)
        .order_by(PaymentLine.paid_on, PaymentImport.source)
    ).all()
    if not rows:
        return ProcessorActivity(
            ZERO, (), "No processor or bank imports yet: no fees or deposits to reconcile."
        )
    deposits = tuple(
        Deposit(
            source,
            day,
            from_cents(gross),
            from_cents(fees),
            from_cents(gross - fees),
            from_cents(done or 0),
        )
        for source, day, gross, fees, done in rows
    )
    fees = sum((d.fees for d in deposits), ZERO)
    return ProcessorActivity(
        fees,
        deposits,
        "Deposits are the imported lines of each source and day; the gross is what members "
        "paid, the net what reached the bank after the processor's fees.",
    )


def _reversed_ids() -> Select[Any]:
    """The entries a reversal has undone."""
    return select(LedgerEntry.reverses_id).where(LedgerEntry.kind == "reversal")


def year_end(db: Database, year: int) -> YearEnd:
    """The closing figures of dues year `year`.

    Raises:
        BadInputError: the year is not plausible.
    """
    with db.reading() as session:
        window = dues_year_in(session, year)
        currency = settings_row(session).currency
        in_year = (LedgerEntry.posted_on >= window.starts_on) & (
            LedgerEntry.posted_on <= window.ends_on
        )
        payments = session.execute(
            select(LedgerEntry.posted_on, LedgerEntry.method, LedgerEntry.amount_cents).where(
                LedgerEntry.kind == "payment", in_year
            )
        ).all()
        original = aliased(LedgerEntry)
        reversals = session.execute(
            select(original.kind, LedgerEntry.amount_cents)
            .join(original, original.id == LedgerEntry.reverses_id)
            .where(LedgerEntry.kind == "reversal", in_year)
        ).all()
        waivers = session.scalars(
            select(LedgerEntry.amount_cents).where(LedgerEntry.kind == "waiver", in_year)
        ).all()
        processor = processor_activity(session, window)
    months: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    methods: dict[str, int] = defaultdict(int)
    for posted_on, method, cents in payments:
        months[posted_on.replace(day=1)][method or ""] += cents
        methods[method or ""] += cents
    reversed_kinds: dict[str, list[int]] = defaultdict(list)
    for kind, cents in reversals:
        reversed_kinds[kind].append(cents)
    opening = credit_held(db, as_of=window.starts_on - dt.timedelta(days=1))
    closing = credit_held(db, as_of=window.ends_on)
    return YearEnd(
        year=window,
        currency=currency,
        months=tuple(
            MonthIncome(
                month,
                {m: from_cents(c) for m, c in sorted(found.items())},
                from_cents(sum(found.values())),
            )
            for month, found in sorted(months.items())
        ),
        by_method={m: from_cents(methods.get(m, 0)) for m in METHOD_LABELS},
        payments_total=from_cents(sum(methods.values())),
        reversals={
            KIND_LABELS[kind]: (len(found), from_cents(sum(found)))
            for kind, found in sorted(reversed_kinds.items())
        },
        waivers=(len(waivers), from_cents(sum(waivers))),
        opening_credit=opening,
        closing_credit=closing,
        processor=processor,
    )


def year_end_rows(found: YearEnd) -> list[list[object]]:
    """The figures as (item, amount) rows, for a spreadsheet sheet."""
    rows: list[list[object]] = [
        [f"Dues year {found.year.year}: {found.year.starts_on} to {found.year.ends_on}", None]
    ]
    rows += [[f"Income {month_year(m.month)}", m.total] for m in found.months]
    rows += [
        [f"Income by {METHOD_LABELS[code]}", amount] for code, amount in found.by_method.items()
    ]
    rows.append(["Income, total", found.payments_total])
    rows.append(["Members' credit at the start of the year", found.opening_credit])
    rows.append(["Members' credit at the end of the year", found.closing_credit])
    rows += [
        [f"Reversals of a {label.lower()} ({count})", amount]
        for label, (count, amount) in found.reversals.items()
    ]
    rows.append([f"Waivers ({found.waivers[0]})", found.waivers[1]])
    rows.append(["Processor fees", found.processor.fees if found.processor.deposits else None])
    if not found.processor.deposits:
        rows.append([found.processor.note, None])
    return rows
