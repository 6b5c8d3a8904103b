"""Balances, aging and "who hasn't paid": what the treasurer reports, read from the ledger.

Everything here is derived from the entries every time (see
`services.dues.ledger.allocate`): a member's balance is the sum of their entries;
assessed, paid, credits and waived count live (unreversed) entries only;
outstanding is what is left of their charges after payments and credits were
applied oldest first; credit is what was paid beyond that.

Aging sorts what is still open by the age of its charge on the as-of date:
current (under 30 days), 30 (30–59), 60 (60–89) and 90+.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.errors import NotFoundError
from chapterdesk.services.dues.ledger import (
    ZERO,
    Allocation,
    ChargeStatus,
    EntryView,
    allocate,
    entries_for,
    names_for,
)
from chapterdesk.services.dues.rates import check_year
from chapterdesk.values import normalise_hq_id

AGING_BUCKETS = ("current", "days_30", "days_60", "days_90_plus")


@dataclass(frozen=True)
class Aging:
    """Open amounts by the age of their charge."""

    current: Decimal = ZERO
    days_30: Decimal = ZERO
    days_60: Decimal = ZERO
    days_90_plus: Decimal = ZERO


def aging_bucket(charged_on: dt.date, as_of: dt.date) -> str:
    """The aging bucket of a charge posted on a date, seen on `as_of`."""
    days = (as_of - charged_on).days
    if days < 30:
        return "current"
    if days < 60:
        return "days_30"
    if days < 90:
        return "days_60"
    return "days_90_plus"


def _aging(charges: Iterable[ChargeStatus], as_of: dt.date) -> Aging:
    sums = dict.fromkeys(AGING_BUCKETS, ZERO)
    for charge in charges:
        if charge.open > 0:
            sums[aging_bucket(charge.posted_on, as_of)] += charge.open
    return Aging(**sums)


@dataclass(frozen=True)
class MemberBalance:
    """One member's dues position on a date, with their live charges (and, asked for, entries)."""

    hq_id: str
    name: str
    assessed: Decimal
    paid: Decimal
    credits: Decimal
    waived: Decimal
    outstanding: Decimal
    credit: Decimal
    balance: Decimal
    aging: Aging
    charges: tuple[ChargeStatus, ...]
    entries: tuple[EntryView, ...] = ()


@dataclass(frozen=True)
class BalanceTotals:
    """The chapter's totals over every member with a ledger entry."""

    members: int
    members_owing: int
    members_in_credit: int
    assessed: Decimal
    paid: Decimal
    credits: Decimal
    waived: Decimal
    outstanding: Decimal
    credit: Decimal
    aging: Aging


@dataclass(frozen=True)
class BalanceReport:
    """Every member's balance and the chapter's totals, as of a date."""

    as_of: dt.date
    members: tuple[MemberBalance, ...]
    totals: BalanceTotals


@dataclass(frozen=True)
class DuesLine:
    """One member's dues for one year: charged, waived, paid, still open, and a status word."""

    hq_id: str
    name: str
    dues_year: int
    charge_id: int
    charged_on: dt.date
    charged: Decimal
    waived: Decimal
    paid: Decimal
    open: Decimal
    status: str  # "paid", "part-paid", "unpaid" or "waived"
    days_outstanding: int


def _member_balance(
    hq_id: str, name: str, state: Allocation, as_of: dt.date, entries: tuple[EntryView, ...]
) -> MemberBalance:
    return MemberBalance(
        hq_id=hq_id,
        name=name,
        assessed=state.assessed,
        paid=state.paid,
        credits=state.credits,
        waived=state.waived,
        outstanding=state.outstanding,
        credit=state.credit,
        balance=state.balance,
        aging=_aging(state.charges, as_of),
        charges=state.charges,
        entries=entries,
    )


def member_balance(db: Database, hq_id: str, as_of: dt.date | None = None) -> MemberBalance:
    """One member's balance, aging, live charges and every ledger entry.

    Raises:
        NotFoundError: the HQ ID is not known to this chapter's HQ data.
    """
    clean = normalise_hq_id(hq_id)
    day = as_of or dt.date.today()
    with db.reading() as session:
        names = names_for(session, [clean])
        if clean not in names:
            raise NotFoundError(f"HQ member ID {clean} is not known to this chapter or HQ data.")
        entries = entries_for(session, [clean]).get(clean, [])
        return _member_balance(clean, names[clean][0], allocate(entries), day, tuple(entries))


def balances(db: Database, as_of: dt.date | None = None) -> BalanceReport:
    """Every member with a ledger entry, by name, and the chapter's totals."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        ledgers = entries_for(session)
        names = names_for(session, ledgers)
    members = sorted(
        (
            _member_balance(hq_id, names[hq_id][0], allocate(entries), day, ())
            for hq_id, entries in ledgers.items()
        ),
        key=lambda m: (names[m.hq_id][1].casefold(), m.hq_id),
    )

    def total(field: str) -> Decimal:
        return sum((getattr(m, field) for m in members), ZERO)

    aging = Aging(**{b: sum((getattr(m.aging, b) for m in members), ZERO) for b in AGING_BUCKETS})
    totals = BalanceTotals(
        members=len(members),
        members_owing=sum(1 for m in members if m.outstanding > ZERO),
        members_in_credit=sum(1 for m in members if m.credit > ZERO),
        assessed=total("assessed"),
        paid=total("paid"),
        credits=total("credits"),
        waived=total("waived"),
        outstanding=total("outstanding"),
        credit=total("credit"),
        aging=aging,
    )
    return BalanceReport(day, tuple(members), totals)


def dues_lines(
    db: Database,
    *,
    year: int | None = None,
    unpaid: bool = False,
    as_of: dt.date | None = None,
) -> list[DuesLine]:
    """Each member's dues per year (live charges), by year and name; `unpaid`: open ones only."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        if year is not None:
            check_year(year)
            charged = select(LedgerEntry.hq_id).where(
                LedgerEntry.kind == "charge", LedgerEntry.dues_year == year
            )
            ledgers = entries_for(session, set(session.scalars(charged)))
        else:
            ledgers = entries_for(session)
        names = names_for(session, ledgers)
    lines = []
    for hq_id, entries in ledgers.items():
        for charge in allocate(entries).charges:
            if year is not None and charge.dues_year != year:
                continue
            if unpaid and charge.open <= 0:
                continue
            if charge.open == 0:
                status = "paid" if charge.waived == 0 else "waived"
            else:
                status = "part-paid" if charge.paid > 0 or charge.waived > 0 else "unpaid"
            lines.append(
                DuesLine(
                    hq_id=hq_id,
                    name=names[hq_id][0],
                    dues_year=charge.dues_year,
                    charge_id=charge.entry_id,
                    charged_on=charge.posted_on,
                    charged=charge.charged,
                    waived=charge.waived,
                    paid=charge.paid,
                    open=charge.open,
                    status=status,
                    days_outstanding=(day - charge.posted_on).days if charge.open > 0 else 0,
                )
            )
    lines.sort(key=lambda line: (line.dues_year, names[line.hq_id][1].casefold(), line.hq_id))
    return lines


def who_has_not_paid(db: Database, year: int, as_of: dt.date | None = None) -> list[DuesLine]:
    """Members whose dues for a year are still open, in whole or in part, by name."""
    return dues_lines(db, year=year, unpaid=True, as_of=as_of)
