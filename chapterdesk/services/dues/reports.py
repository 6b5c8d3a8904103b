"""What the treasurer's printed dues reports show, read from the ledger in one unit of work.

The dues report for a year, the member statements and a receipt's copy are
built from the same derived figures as the rest of the dues services:
nothing here stores money or applies payments a second way, so the report's
grand totals are the ledger's. A whole year's dues report is read with
`services.dues.year_ledger`, which applies payments with `ledger.allocate`'s
own rule to the whole chapter in a few queries. The statements of everyone who
owes are read in one pass (`owing_statements`: the entries of the members in
debt, each settled once by that rule); a few members' statements or a
receipt, which print every entry, read the member's entries
(`ledger.entries_for`) and allocate them.

A year's figures are those of its charges: per member what was assessed for
the year, waived, paid (payments and credits applied to it, oldest charge
first) and still outstanding, plus any credit the member holds. Payments by
method are the live payments received inside the dues year's dates, because
a payment is not tied to one year: the ledger applies it to the oldest open
charge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.errors import NotFoundError
from chapterdesk.money import from_cents
from chapterdesk.services.chapter import categories_in, settings_row
from chapterdesk.services.chapter_values import CategoryIndex
from chapterdesk.services.dues.balances import AGING_BUCKETS, Aging, aging_bucket
from chapterdesk.services.dues.ledger import (
    METHOD_LABELS,
    ZERO,
    EntryView,
    allocate,
    debtors_ledger,
    entries_for,
    entry_views,
    names_for,
    reading_order,
    settle_entries,
)
from chapterdesk.services.dues.positions import Position, of_members
from chapterdesk.services.dues.rates import DuesYear, dues_year_in
from chapterdesk.services.dues.year_ledger import (
    live_entry,
    people_charged_for,
    sum_cents,
    year_positions,
)
from chapterdesk.services.roster.members import RECORD_FIELDS, HqRecord
from chapterdesk.services.roster.reader import runner
from chapterdesk.services.roster.sql import decoder


@dataclass(frozen=True)
class DuesReportLine:
    """One member's dues for the year: assessed, waived, paid, outstanding, and their credit."""

    hq_id: str
    name: str
    sort_name: str
    category: str
    assessed: Decimal
    waived: Decimal
    paid: Decimal
    outstanding: Decimal
    credit: Decimal


@dataclass(frozen=True)
class DuesTotal:
    """Sums over a group of members (a category, or the whole chapter)."""

    label: str
    members: int
    assessed: Decimal
    waived: Decimal
    paid: Decimal
    outstanding: Decimal
    credit: Decimal


@dataclass(frozen=True)
class MethodTotal:
    """Live payments received in the dues year by one method."""

    method: str
    label: str
    payments: int
    amount: Decimal


@dataclass(frozen=True)
class DuesYearReport:
    """Everything the dues report for one year prints."""

    year: DuesYear
    as_of: dt.date
    currency: str
    lines: tuple[DuesReportLine, ...]
    by_category: tuple[DuesTotal, ...]
    by_method: tuple[MethodTotal, ...]
    aging: Aging
    totals: DuesTotal


_HQ_RECORDS_SQL = f"SELECT {', '.join(RECORD_FIELDS)} FROM hq_member"


def _hq_records(session: Session, hq_ids: Iterable[str]) -> dict[str, HqRecord]:
    """Plain HQ records of some IDs: raw rows looked up by key, a few hundred a statement.

    Looking up a chapter's debtors by key reads less than a scan of every record.
    """
    decode = decoder(RECORD_FIELDS)
    run = runner(session).run
    return {
        row[0]: HqRecord(*decode(row))
        for statement in of_members(_HQ_RECORDS_SQL, "hq_id", hq_ids, "hq_id")
        for row in run(statement)
    }


def _sum(lines: Iterable[DuesReportLine], label: str) -> DuesTotal:
    members = list(lines)
    return DuesTotal(
        label=label,
        members=len(members),
        assessed=sum((m.assessed for m in members), ZERO),
        waived=sum((m.waived for m in members), ZERO),
        paid=sum((m.paid for m in members), ZERO),
        outstanding=sum((m.outstanding for m in members), ZERO),
        credit=sum((m.credit for m in members), ZERO),
    )


def _by_method(session: Session, window: DuesYear) -> tuple[MethodTotal, ...]:
    """Live payments received between the year's first and last day, per method."""
    query = (
        select(LedgerEntry.method, func.count(), sum_cents())
        .where(
            LedgerEntry.kind == "payment",
            LedgerEntry.posted_on >= window.starts_on,
            LedgerEntry.posted_on <= window.ends_on,
            live_entry(),
        )
        .group_by(LedgerEntry.method)
    )
    found = {method: (count, cents) for method, count, cents in session.execute(query)}
    totals = [(code, label, *found.get(code, (0, 0))) for code, label in METHOD_LABELS.items()]
    return tuple(
        MethodTotal(code, label, count, from_cents(cents)) for code, label, count, cents in totals
    )


def dues_year_report(db: Database, year: int, *, as_of: dt.date | None = None) -> DuesYearReport:
    """Per-member dues for a year with totals by category and method, aging and grand totals.

    Members are those with a live charge for the year, sorted by last name.
    Aging sorts the year's open amounts by the age of their charge on `as_of`.

    Raises:
        BadInputError: the year is not plausible.
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        window = dues_year_in(session, year)
        currency = settings_row(session).currency
        category_list = categories_in(session)
        positions = year_positions(session, year)
        people = people_charged_for(session, year)
        by_method = _by_method(session, window)
    categories = CategoryIndex(category_list)
    category_names: dict[str, str] = {}
    decimal = functools.cache(from_cents)  # a chapter's amounts repeat: convert each once
    lines: list[DuesReportLine] = []
    aging = dict.fromkeys(AGING_BUCKETS, 0)
    for position in positions:
        for charge in position.charges:
            if charge.open > 0:
                aging[aging_bucket(charge.posted_on, day)] += charge.open
        person = people[position.hq_id]
        category_name = category_names.get(person.member_type)
        if category_name is None:
            category = categories.resolve(person.member_type)
            category_name = category.name if category else (person.member_type or "No category")
            category_names[person.member_type] = category_name
        if len(position.charges) == 1:  # nearly everyone: one charge for the year
            (charge,) = position.charges
            cents = (charge.charged, charge.waived, charge.paid, charge.open)
        else:
            charges = position.charges
            cents = (
                sum(c.charged for c in charges),
                sum(c.waived for c in charges),
                sum(c.paid for c in charges),
                sum(c.open for c in charges),
            )
        assessed, waived, paid, outstanding = map(decimal, cents)
        lines.append(
            DuesReportLine(
                hq_id=position.hq_id,
                name=person.name,
                sort_name=person.sort_name,
                category=category_name,
                assessed=assessed,
                waived=waived,
                paid=paid,
                outstanding=outstanding,
                credit=decimal(position.credit),
            )
        )
    lines.sort(key=lambda line: (line.sort_name.casefold(), line.hq_id))
    grouped: dict[str, list[DuesReportLine]] = defaultdict(list)
    for line in lines:
        grouped[line.category].append(line)
    order = {c.name: i for i, c in enumerate(category_list)}
    by_category = tuple(
        _sum(members, label)
        for label, members in sorted(grouped.items(), key=lambda g: (order.get(g[0], 99), g[0]))
    )
    return DuesYearReport(
        year=window,
        as_of=day,
        currency=currency,
        lines=tuple(lines),
        by_category=by_category,
        by_method=by_method,
        aging=Aging(**{bucket: from_cents(cents) for bucket, cents in aging.items()}),
        totals=_sum(lines, "All members"),
    )


@dataclass(frozen=True)
class Statement:
    """One member's statement: who, every ledger entry, and what is due."""

    hq: HqRecord
    entries: tuple[EntryView, ...]
    outstanding: Decimal
    credit: Decimal
    year_open: Decimal


def statement_members(db: Database, year: int) -> list[str]:
    """HQ IDs, by last name, of the members whose dues for `year` are still open."""
    with db.reading() as session:
        dues_year_in(session, year)
        owing = [
            position.hq_id
            for position in year_positions(session, year)
            if any(charge.open > 0 for charge in position.charges)
        ]
        names = names_for(session, owing)
    owing.sort(key=lambda hq_id: (names[hq_id][1].casefold(), hq_id))
    return owing


def statements_for(db: Database, year: int, hq_ids: list[str]) -> list[Statement]:
    """The statements of some members (a chunk of `statement_members`), in the order given."""
    with db.reading() as session:
        ledgers = entries_for(session, hq_ids)
        records = _hq_records(session, hq_ids)
    result = []
    for hq_id in hq_ids:
        entries = ledgers.get(hq_id, [])
        state = allocate(entries)
        result.append(
            Statement(
                hq=records[hq_id],
                entries=reading_order(entries),
                outstanding=state.outstanding,
                credit=state.credit,
                year_open=sum((c.open for c in state.charges if c.dues_year == year), ZERO),
            )
        )
    return result


def owing_statements(db: Database, year: int) -> list[Statement]:
    """The statement of every member whose dues for `year` are still open, by last name.

    The members and their statements are those of `statement_members` and
    `statements_for`, read in one pass: the ledger rows of every member in debt
    in one statement (`ledger.debtors_ledger`), each one's position settled once
    from the rows read (`ledger.settle_entries`, the rule `allocate` applies),
    and only those who owe the year get entry views and their HQ record.

    Raises:
        BadInputError: the year is not plausible.
    """
    with db.reading() as session:
        dues_year_in(session, year)
        owing: list[tuple[str, list[Any], Position, int]] = []
        for hq_id, rows in debtors_ledger(session).items():
            position = settle_entries(hq_id, rows)
            year_open = sum(c.open for c in position.charges if c.dues_year == year)
            if year_open > 0:
                owing.append((hq_id, rows, position, year_open))
        records = _hq_records(session, [hq_id for hq_id, *_ in owing])
    statements = [
        Statement(
            hq=records[hq_id],
            entries=reading_order(entry_views(rows)),
            outstanding=from_cents(position.outstanding),
            credit=from_cents(position.credit),
            year_open=from_cents(year_open),
        )
        for hq_id, rows, position, year_open in owing
    ]
    statements.sort(key=lambda s: (s.hq.sort_name.casefold(), s.hq.hq_id))
    return statements


@dataclass(frozen=True)
class ReceiptCopy:
    """A payment as its receipt prints it, with what it paid off when it was posted."""

    receipt_no: int
    entry_id: int
    hq: HqRecord
    amount: Decimal
    method: str
    method_label: str
    reference: str
    paid_on: dt.date
    applied: tuple[tuple[int, Decimal], ...]
    outstanding_after: Decimal
    credit_after: Decimal
    reversal: EntryView | None


def receipt_copy(db: Database, receipt_no: int) -> ReceiptCopy:
    """A copy of the receipt for one payment, as things stood right after it was posted.

    Raises:
        NotFoundError: no payment has this receipt number.
    """
    with db.reading() as session:
        found = session.execute(
            select(LedgerEntry.id, LedgerEntry.hq_id).where(LedgerEntry.receipt_no == receipt_no)
        ).first()
        if found is None:
            raise NotFoundError(
                f"There is no payment with receipt number {receipt_no}; "
                "check the number on the receipt or in `chapterdesk dues balance HQ_ID`."
            )
        entry_id, hq_id = found
        entries = entries_for(session, [hq_id])[hq_id]
        record = _hq_records(session, [hq_id])[hq_id]
    payment = next(e for e in entries if e.id == entry_id)
    # the ledger as it stood when the payment was posted: later entries and reversals unseen
    then = [
        dataclasses.replace(e, reversed_by=None)
        if e.reversed_by is not None and e.reversed_by > entry_id
        else e
        for e in entries
        if e.id <= entry_id
    ]
    before = allocate([e for e in then if e.id != entry_id])
    after = allocate(then)
    paid_before = {c.entry_id: c.paid for c in before.charges}
    applied = tuple(
        (c.dues_year, c.paid - paid_before.get(c.entry_id, ZERO))
        for c in after.charges
        if c.paid != paid_before.get(c.entry_id, ZERO)
    )
    reversal = next((e for e in entries if e.id == payment.reversed_by), None)
    return ReceiptCopy(
        receipt_no=receipt_no,
        entry_id=entry_id,
        hq=record,
        amount=payment.amount,
        method=payment.method or "",
        method_label=METHOD_LABELS.get(payment.method or "", payment.method or ""),
        reference=payment.reference,
        paid_on=payment.posted_on,
        applied=applied,
        outstanding_after=after.outstanding,
        credit_after=after.credit,
        reversal=reversal,
    )


@dataclass(frozen=True)
class PaidReceipt:
    """A payment that stands (not reversed), as a receipt e-mail names it."""

    receipt_no: int
    hq_id: str
    amount: Decimal
    paid_on: dt.date


def receipts_since(db: Database, since: dt.date) -> list[PaidReceipt]:
    """Payments posted on or after `since` and not reversed, by receipt number."""
    reversed_ids = (
        select(LedgerEntry.reverses_id)
        .where(LedgerEntry.kind == "reversal", LedgerEntry.reverses_id.is_not(None))
        .scalar_subquery()
    )
    with db.reading() as session:
        rows = session.execute(
            select(
                LedgerEntry.receipt_no,
                LedgerEntry.hq_id,
                LedgerEntry.amount_cents,
                LedgerEntry.posted_on,
            )
            .where(
                LedgerEntry.kind == "payment",
                LedgerEntry.posted_on >= since,
                LedgerEntry.id.not_in(reversed_ids),
            )
            .order_by(LedgerEntry.receipt_no)
        ).all()
    return [PaidReceipt(int(r[0] or 0), r[1], from_cents(r[2]), r[3]) for r in rows]
