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
import functools
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.errors import NotFoundError
from chapterdesk.money import from_cents
from chapterdesk.services.dues.ledger import (
    NAME_COLUMNS,
    ZERO,
    ChargeStatus,
    EntryView,
    entries_for,
    names_for,
    person_names,
    reading_order,
)
from chapterdesk.services.dues.positions import ChargeCents, Position, read_positions, settle
from chapterdesk.services.dues.rates import check_year
from chapterdesk.values import normalise_hq_id

AGING_BUCKETS = ("current", "days_30", "days_60", "days_90_plus")
_BUCKET_INDEX = {bucket: index for index, bucket in enumerate(AGING_BUCKETS)}


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


@functools.lru_cache(maxsize=8192)
def _decimal(cents: int) -> Decimal:
    """Cents as a `Decimal` (a chapter's amounts repeat a lot: each is converted once)."""
    return from_cents(cents)


Made = TypeVar("Made")


def _made(cls: type[Made], names: tuple[str, ...], values: Iterable[object]) -> Made:
    """A frozen dataclass built without its `__init__`, for tens of thousands at once.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`;
    for every member of a 50,000-member chapter with their charges that alone
    takes about a second. The fields are the same, set straight into the
    instance's dict (frozen classes only refuse assignment after creation).
    """
    made = object.__new__(cls)
    made.__dict__.update(zip(names, values, strict=True))
    return made


_CHARGE_FIELDS = tuple(f.name for f in fields(ChargeStatus))
_MEMBER_FIELDS = tuple(f.name for f in fields(MemberBalance))


@functools.lru_cache(maxsize=4096)
def _aging_of(current: int, days_30: int, days_60: int, days_90_plus: int) -> Aging:
    """Aging of cents (a frozen value: members with the same figures share one)."""
    return Aging(_decimal(current), _decimal(days_30), _decimal(days_60), _decimal(days_90_plus))


def _member_balance(
    position: Position, name: str, as_of: dt.date, entries: tuple[EntryView, ...]
) -> MemberBalance:
    aging = [0, 0, 0, 0]
    charges = []
    for c in position.charges:
        if c.open > 0:
            aging[_BUCKET_INDEX[aging_bucket(c.posted_on, as_of)]] += c.open
        charges.append(
            _made(
                ChargeStatus,
                _CHARGE_FIELDS,
                (
                    c.entry_id,
                    c.dues_year,
                    c.posted_on,
                    _decimal(c.charged),
                    _decimal(c.waived),
                    _decimal(c.paid),
                    _decimal(c.open),
                    c.detail,
                ),
            )
        )
    return _made(
        MemberBalance,
        _MEMBER_FIELDS,
        (
            position.hq_id,
            name,
            _decimal(position.assessed),
            _decimal(position.paid),
            _decimal(position.credits),
            _decimal(position.waived),
            _decimal(position.outstanding),
            _decimal(position.credit),
            _decimal(position.balance),
            _aging_of(*aging),
            tuple(charges),
            entries,
        ),
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
        entries = reading_order(entries_for(session, [clean]).get(clean, []))
        (position,) = read_positions(session, [clean]) or [settle(clean, [])]
    return _member_balance(position, names[clean][0], day, entries)


class _Names:
    """Display and sort names of HQ records, read in one scan and worked out when first asked.

    One scan of the name columns is cheaper than looking up most of a chapter
    by ID, and a listing needs the names of only the members it shows.
    """

    def __init__(self, session: Session) -> None:
        query = select(HqMember.hq_id, *NAME_COLUMNS)
        rows = session.connection().execute(query).fetchall()
        self._parts = {row[0]: row[1:] for row in rows}
        self._names: dict[str, tuple[str, str]] = {}

    def __getitem__(self, hq_id: str) -> tuple[str, str]:
        names = self._names.get(hq_id)
        if names is None:
            names = self._names[hq_id] = person_names(*self._parts[hq_id])
        return names


def balances(db: Database, as_of: dt.date | None = None) -> BalanceReport:
    """Every member with a ledger entry, by name, and the chapter's totals."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        positions = read_positions(session)
        names = _Names(session)
    positions.sort(key=lambda p: (names[p.hq_id][1].casefold(), p.hq_id))
    members = tuple(_member_balance(p, names[p.hq_id][0], day, ()) for p in positions)
    aging = dict.fromkeys(AGING_BUCKETS, 0)
    for position in positions:
        for charge in position.charges:
            if charge.open > 0:
                aging[aging_bucket(charge.posted_on, day)] += charge.open

    def total(field: str) -> Decimal:
        return from_cents(sum(getattr(p, field) for p in positions))

    totals = BalanceTotals(
        members=len(positions),
        members_owing=sum(1 for p in positions if p.outstanding > 0),
        members_in_credit=sum(1 for p in positions if p.credit > 0),
        assessed=total("assessed"),
        paid=total("paid"),
        credits=total("credits"),
        waived=total("waived"),
        outstanding=total("outstanding"),
        credit=total("credit"),
        aging=Aging(**{bucket: from_cents(cents) for bucket, cents in aging.items()}),
    )
    return BalanceReport(day, members, totals)


def _status(charge: ChargeCents) -> str:
    if charge.open == 0:
        return "paid" if charge.waived == 0 else "waived"
    return "part-paid" if charge.paid > 0 or charge.waived > 0 else "unpaid"


def dues_lines(
    db: Database,
    *,
    year: int | None = None,
    unpaid: bool = False,
    as_of: dt.date | None = None,
) -> list[DuesLine]:
    """Each member's dues per year (live charges), by year and name; `unpaid`: open ones only."""
    day = as_of or dt.date.today()
    if year is not None:
        check_year(year)
    with db.reading() as session:
        positions = read_positions(session)
        names = _Names(session)
    found = [
        (charge, position.hq_id)
        for position in positions
        for charge in position.charges
        if (year is None or charge.dues_year == year) and (charge.open > 0 or not unpaid)
    ]
    found.sort(key=lambda f: (f[0].dues_year, names[f[1]][1].casefold(), f[1]))
    return [
        DuesLine(
            hq_id=hq_id,
            name=names[hq_id][0],
            dues_year=charge.dues_year,
            charge_id=charge.entry_id,
            charged_on=charge.posted_on,
            charged=_decimal(charge.charged),
            waived=_decimal(charge.waived),
            paid=_decimal(charge.paid),
            open=_decimal(charge.open),
            status=_status(charge),
            days_outstanding=(day - charge.posted_on).days if charge.open > 0 else 0,
        )
        for charge, hq_id in found
    ]


def who_has_not_paid(db: Database, year: int, as_of: dt.date | None = None) -> list[DuesLine]:
    """Members whose dues for a year are still open, in whole or in part, by name."""
    return dues_lines(db, year=year, unpaid=True, as_of=as_of)
