"""Reading the dues ledger: plain entry views and how payments apply to charges.

Applications of payments to charges are derived when the ledger is read,
never stored. Every live (unreversed) payment and credit of a member goes
into one pool that pays their live charges oldest first (by dues year, then
date posted, then entry number), after any waiver of each charge. Derived
applications can never disagree with the entries, and a reversed payment
needs no reversed allocation rows: reading the ledger again re-applies what
is left. Whatever the pool holds beyond the open charges is the member's
credit, carried forward to the next charge (dues are not refundable).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chapterdesk.money import from_cents, to_cents
from chapterdesk.names import display_name, sort_name
from chapterdesk.services.dues.positions import (
    SIGN,
    SIGNED_CENTS_SQL,
    ChargeCents,
    LedgerRow,
    Position,
    day_of,
    of_members,
    settle,
)
from chapterdesk.services.roster.reader import Runs, runner
from chapterdesk.services.roster.sql import RosterSql

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ZERO = Decimal("0.00")
KIND_LABELS = {
    "charge": "Dues charge",
    "payment": "Payment",
    "credit": "Credit",
    "waiver": "Waiver",
    "reversal": "Reversal",
}
METHOD_LABELS = {
    "visa": "Visa",
    "mastercard": "MasterCard",
    "amex": "American Express",
    "check": "Check",
    "money-order": "Money order",
    "card": "Card",
    "transfer": "Bank transfer",
}


@dataclass(frozen=True)
class EntryView:
    """One posted ledger entry, with what reversed it (if anything).

    `amount` is always positive; `signed` is its effect on what the member owes
    (a charge is positive; a payment, credit or waiver negative; a reversal the
    opposite of the entry it reverses).
    """

    id: int
    kind: str
    hq_id: str
    dues_year: int | None
    amount: Decimal
    signed: Decimal
    posted_on: dt.date
    method: str | None
    reference: str
    receipt_no: int | None
    reverses_id: int | None
    charge_id: int | None
    reason: str
    detail: str
    reversed_by: int | None

    def describe(self) -> str:
        """One line for a statement: "Payment, Check 1042, receipt 7"."""
        parts = [KIND_LABELS[self.kind]]
        if self.dues_year is not None and self.kind in ("charge", "waiver"):
            parts[0] += f" {self.dues_year}"
        if self.method:
            parts.append(
                METHOD_LABELS[self.method] + (f" {self.reference}" if self.reference else "")
            )
        if self.receipt_no is not None:
            parts.append(f"receipt {self.receipt_no}")
        if self.reverses_id is not None:
            parts.append(f"of entry {self.reverses_id}")
        if self.reason:
            parts.append(self.reason)
        return ", ".join(parts)


@dataclass(frozen=True)
class ChargeStatus:
    """A live dues charge and where it stands: waived, paid (applied) and still open."""

    entry_id: int
    dues_year: int
    posted_on: dt.date
    charged: Decimal
    waived: Decimal
    paid: Decimal
    open: Decimal
    detail: str


@dataclass(frozen=True)
class Allocation:
    """A member's ledger summed up: live totals, each live charge's state, outstanding, credit.

    `balance` is the plain sum of every entry's signed amount; by construction
    it equals `outstanding - credit` (the property tests hold it to that).
    """

    assessed: Decimal
    paid: Decimal
    credits: Decimal
    waived: Decimal
    outstanding: Decimal
    credit: Decimal
    balance: Decimal
    charges: tuple[ChargeStatus, ...]


# `_views` unpacks rows of these columns by position, in this order.
_ENTRIES_SQL = (
    "SELECT id, kind, hq_id, dues_year, amount_cents, posted_on, method, reference, receipt_no,"
    " reverses_id, charge_id, reason, detail FROM ledger_entry"
)


@functools.lru_cache(maxsize=4096)
def _amounts(cents: int, sign: int) -> tuple[Decimal, Decimal]:
    """An entry's amount and signed amount as `Decimal`s (a ledger's amounts repeat a lot)."""
    amount = from_cents(cents)
    return amount, amount * sign


def _views(rows: Sequence[Any]) -> list[EntryView]:
    """Entry views of one member's rows (a reversal always belongs to the same member)."""
    kind_of = {row[0]: row[1] for row in rows}
    reversed_by = {row[9]: row[0] for row in rows if row[9] is not None}
    views = []
    for (
        entry_id,
        kind,
        hq_id,
        dues_year,
        cents,
        posted_on,
        method,
        reference,
        receipt_no,
        reverses_id,
        charge_id,
        reason,
        detail,
    ) in rows:
        sign = SIGN[kind] if kind != "reversal" else -SIGN[kind_of[reverses_id]]
        amount, signed = _amounts(cents, sign)
        views.append(
            EntryView(
                entry_id,
                kind,
                hq_id,
                dues_year,
                amount,
                signed,
                day_of(posted_on),
                method,
                reference,
                receipt_no,
                reverses_id,
                charge_id,
                reason,
                detail,
                reversed_by.get(entry_id),
            )
        )
    return views


def entries_for(
    source: Runs | Session, hq_ids: Iterable[str] | None = None
) -> dict[str, list[EntryView]]:
    """Every ledger entry of some members (or of all), by HQ ID, in posting order.

    `source` is a session or a reader of the file (`services.roster.reader`).
    """
    if hq_ids is None:
        statements = [RosterSql(f"{_ENTRIES_SQL} ORDER BY hq_id, id")]
    else:
        statements = of_members(_ENTRIES_SQL, "hq_id", hq_ids, "hq_id, id")
    run = runner(source).run
    by_member: dict[str, list[EntryView]] = defaultdict(list)
    for statement in statements:
        by_hq: dict[str, list[Any]] = defaultdict(list)
        for row in run(statement):
            by_hq[row[2]].append(row)
        for hq_id, member_rows in by_hq.items():
            by_member[hq_id] = _views(member_rows)
    return by_member


def debtors_ledger(source: Runs | Session) -> dict[str, list[Any]]:
    """Every ledger entry's raw row of the members who owe something, by HQ ID, in posting order.

    A member owes something when the signed sum of their entries, their
    balance, is positive: it is what they owe less their credit, and a credit
    remains only once every charge is paid. The database sums each member's
    entries (`positions.SIGNED_CENTS_SQL`) and returns the rows of those in
    debt, in one statement, so a chapter where most members have paid is not
    read whole into Python. The rows are what `entry_views` and `settle_entries` take.
    """
    in_debt = f"SELECT hq_id FROM ledger_entry GROUP BY hq_id HAVING SUM({SIGNED_CENTS_SQL}) > 0"
    statement = RosterSql(f"{_ENTRIES_SQL} WHERE hq_id IN ({in_debt}) ORDER BY id")
    by_member: dict[str, list[Any]] = defaultdict(list)
    for row in runner(source).run(statement):
        by_member[row[2]].append(row)
    return by_member


def entry_views(rows: Sequence[Any]) -> list[EntryView]:
    """The entry views of one member's raw rows (from `debtors_ledger`), in posting order."""
    return _views(rows)


def settle_entries(hq_id: str, rows: Sequence[Any]) -> Position:
    """`positions.settle` over one member's raw rows (from `debtors_ledger`), in cents.

    The figures `allocate` gives for the same entries, without building their views first.
    """
    return settle(
        hq_id,
        [
            (hq_id, r[0], r[1], r[3], r[5], r[4], r[10], r[9], r[12])  # `LedgerRow`'s order
            for r in rows
        ],
    )


def reading_order(entries: Iterable[EntryView]) -> tuple[EntryView, ...]:
    """A member's entries as a statement lists them: by date, then by entry number.

    Entries are posted in entry-number order but may be dated earlier (a charge
    entered late for the start of the year); listed by date, a running balance
    moves only by each line's amount and still ends at the member's balance.
    Allocation keeps to posting order (`allocate`); this order is for reading.
    """
    return tuple(sorted(entries, key=lambda entry: (entry.posted_on, entry.id)))


def entry_by_id(source: Runs | Session, entry_id: int) -> EntryView | None:
    """One entry (with what reversed it), or None."""
    found = runner(source).run(
        RosterSql("SELECT hq_id FROM ledger_entry WHERE id = :entry_id", {"entry_id": entry_id})
    )
    if not found:
        return None
    hq_id = found[0][0]
    return next(e for e in entries_for(source, [hq_id])[hq_id] if e.id == entry_id)


def allocate(entries: Sequence[EntryView]) -> Allocation:
    """Sum a member's entries and apply their live payments and credits to live charges.

    The figures are `positions.settle`'s (the rule every dues reader uses), as
    `Decimal`s; an entry counts as reversed when its view says so.
    """
    rows = [
        LedgerRow(
            e.hq_id,
            e.id,
            e.kind,
            e.dues_year,
            e.posted_on,
            to_cents(e.amount),
            e.charge_id,
            e.reverses_id,
            e.detail,
        )
        for e in entries
    ]
    reversed_ids = [e.id for e in entries if e.reversed_by is not None]
    position = settle(entries[0].hq_id if entries else "", rows, reversed_ids)
    return Allocation(
        assessed=from_cents(position.assessed),
        paid=from_cents(position.paid),
        credits=from_cents(position.credits),
        waived=from_cents(position.waived),
        outstanding=from_cents(position.outstanding),
        credit=from_cents(position.credit),
        balance=from_cents(position.balance),
        charges=tuple(charge_status(c) for c in position.charges),
    )


def charge_status(charge: ChargeCents) -> ChargeStatus:
    """A charge's standing in cents as the services hand it out (`Decimal`s)."""
    return ChargeStatus(
        entry_id=charge.entry_id,
        dues_year=charge.dues_year,
        posted_on=charge.posted_on,
        charged=from_cents(charge.charged),
        waived=from_cents(charge.waived),
        paid=from_cents(charge.paid),
        open=from_cents(charge.open),
        detail=charge.detail,
    )


def person_names(prefix: str, first: str, middle: str, last: str, suffix: str) -> tuple[str, str]:
    """A display name and a sort name, as `HqRecord.display_name` and `sort_name` give them.

    Takes the parts in the order of `NAME_FIELDS`; neither form shows the prefix
    (only the address form on letters and labels does).
    """
    return display_name(first, middle, last, suffix), sort_name(first, middle, last)


#: The name parts of an HQ record, in the order `person_names` takes them.
NAME_FIELDS = ("prefix", "first_name", "middle_name", "last_name", "suffix")
NAMES_SQL = f"SELECT hq_id, {', '.join(NAME_FIELDS)} FROM hq_member"


def names_for(
    source: Runs | Session, hq_ids: Iterable[str] | None = None
) -> dict[str, tuple[str, str]]:
    """Display and sort names of some HQ IDs (or of every record); only the name columns."""
    if hq_ids is None:
        statements = [RosterSql(NAMES_SQL)]
    else:
        statements = of_members(NAMES_SQL, "hq_id", hq_ids, "hq_id")
    run = runner(source).run
    return {
        hq_id: person_names(*parts)
        for statement in statements
        for hq_id, *parts in run(statement)
    }
