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
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from chapterdesk.errors import NotFoundError
from chapterdesk.money import from_cents, money_text
from chapterdesk.services.dues.ledger import (
    NAMES_SQL,
    ZERO,
    ChargeStatus,
    EntryView,
    entries_for,
    names_for,
    person_names,
    reading_order,
)
from chapterdesk.services.dues.positions import ChargeCents, Position, read_positions, settle
from chapterdesk.services.roster.reader import Runs, reading
from chapterdesk.services.roster.sql import RosterSql
from chapterdesk.values import check_year, normalise_hq_id

if TYPE_CHECKING:
    from chapterdesk.data.engine import Database

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
    #: the name as a list shows it, "Adams, Andrew J." (`names.sort_name`, the roster's form)
    list_name: str = ""


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
    #: the name as a list shows it, "Adams, Andrew J." (`names.sort_name`, the roster's form)
    list_name: str = ""


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


Cents4 = tuple[int, int, int, int]


def aging_cents(position: Position, as_of: dt.date) -> Cents4:
    """What a member still owes of each charge, by the charge's age on `as_of` (`AGING_BUCKETS`)."""
    aging = [0, 0, 0, 0]
    for c in position.charges:
        if c.open > 0:
            aging[_BUCKET_INDEX[aging_bucket(c.posted_on, as_of)]] += c.open
    return aging[0], aging[1], aging[2], aging[3]


def _member_balance(
    position: Position, names: tuple[str, str], aging: Cents4, entries: tuple[EntryView, ...]
) -> MemberBalance:
    charges = [
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
        for c in position.charges
    ]
    return _made(
        MemberBalance,
        _MEMBER_FIELDS,
        (
            position.hq_id,
            names[0],
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
            names[1],
        ),
    )


def member_balance(db: Database, hq_id: str, as_of: dt.date | None = None) -> MemberBalance:
    """One member's balance, aging, live charges and every ledger entry.

    Raises:
        NotFoundError: the HQ ID is not known to this chapter's HQ data.
    """
    clean = normalise_hq_id(hq_id)
    day = as_of or dt.date.today()
    with reading(db, day) as reader:
        names = names_for(reader, [clean])
        if clean not in names:
            raise NotFoundError(f"HQ member ID {clean} is not known to this chapter or HQ data.")
        entries = reading_order(entries_for(reader, [clean]).get(clean, []))
        (position,) = read_positions(reader, [clean], posted_by=as_of) or [settle(clean, [])]
    if as_of is not None:  # the ledger as it stood that day: later entries not yet posted
        posted = {e.id for e in entries if e.posted_on <= as_of}
        entries = tuple(
            e if e.reversed_by is None or e.reversed_by in posted else replace(e, reversed_by=None)
            for e in entries
            if e.id in posted and (e.reverses_id is None or e.reverses_id in posted)
        )
    return _member_balance(position, names[clean], aging_cents(position, day), entries)


class _Names:
    """Display and sort names of HQ records, read in one scan and worked out when first asked.

    One scan of the name columns is cheaper than looking up most of a chapter
    by ID, and a listing needs the names of only the members it shows.
    """

    def __init__(self, source: Runs) -> None:
        rows = source.run(RosterSql(NAMES_SQL))
        self._parts = {row[0]: row[1:] for row in rows}
        self._names: dict[str, tuple[str, str]] = {}

    def __getitem__(self, hq_id: str) -> tuple[str, str]:
        names = self._names.get(hq_id)
        if names is None:
            names = self._names[hq_id] = person_names(*self._parts[hq_id])
        return names


class MemberCents(NamedTuple):
    """One member's position in cents, their display and list names and their aging."""

    position: Position
    name: str
    list_name: str
    aging: Cents4


class TotalsCents(NamedTuple):
    """The chapter's totals in cents over every member with a ledger entry."""

    members: int
    members_owing: int
    members_in_credit: int
    assessed: int
    paid: int
    credits: int
    waived: int
    outstanding: int
    credit: int
    aging: Cents4


class BalanceSheet(NamedTuple):
    """Every member's position in cents by name, the totals, and the chapter's currency.

    What `balances` hands out as `Decimal`s; the command line prints it as it is.
    """

    as_of: dt.date
    currency: str
    members: list[MemberCents]
    totals: TotalsCents


def balance_sheet(db: Database, as_of: dt.date | None = None) -> BalanceSheet:
    """Every member with a ledger entry, by name, and the chapter's totals, in cents."""
    day = as_of or dt.date.today()
    with reading(db, day) as reader:
        positions = read_positions(reader, posted_by=as_of)  # the ledger as it stood that day
        names = _Names(reader)
        currency = reader.chapter.info.currency
    positions.sort(key=lambda p: (names[p.hq_id][1].casefold(), p.hq_id))
    members = [MemberCents(p, *names[p.hq_id], aging_cents(p, day)) for p in positions]
    aging = [0, 0, 0, 0]
    for m in members:
        for bucket, cents in enumerate(m.aging):
            aging[bucket] += cents

    def total(field: str) -> int:
        return sum(getattr(p, field) for p in positions)

    totals = TotalsCents(
        members=len(positions),
        members_owing=sum(1 for p in positions if p.outstanding > 0),
        members_in_credit=sum(1 for p in positions if p.credit > 0),
        assessed=total("assessed"),
        paid=total("paid"),
        credits=total("credits"),
        waived=total("waived"),
        outstanding=total("outstanding"),
        credit=total("credit"),
        aging=(aging[0], aging[1], aging[2], aging[3]),
    )
    return BalanceSheet(day, currency, members, totals)


def credit_held(db: Database, as_of: dt.date | None = None) -> Decimal:
    """What members had paid beyond their charges, in total, at the end of `as_of` (today).

    Only the ledger's entries posted by that day are read and each member's
    charges settled: no names, aging or per-member values (the report to HQ's
    year-end tab asks for it twice: the day before the year and its last day).
    Not the balance's negative part (`positions.amounts_owed`'s short cut): a
    waiver larger than what it waives makes those differ.
    """
    day = as_of or dt.date.today()
    with reading(db, day) as reader:
        positions = read_positions(reader, posted_by=day)
    return from_cents(sum(p.credit for p in positions))


def balances(db: Database, as_of: dt.date | None = None) -> BalanceReport:
    """Every member with a ledger entry, by name, and the chapter's totals."""
    sheet = balance_sheet(db, as_of)
    t = sheet.totals
    totals = BalanceTotals(
        members=t.members,
        members_owing=t.members_owing,
        members_in_credit=t.members_in_credit,
        assessed=from_cents(t.assessed),
        paid=from_cents(t.paid),
        credits=from_cents(t.credits),
        waived=from_cents(t.waived),
        outstanding=from_cents(t.outstanding),
        credit=from_cents(t.credit),
        aging=Aging(*(from_cents(cents) for cents in t.aging)),
    )
    members = tuple(
        _member_balance(m.position, (m.name, m.list_name), m.aging, ()) for m in sheet.members
    )
    return BalanceReport(sheet.as_of, members, totals)


def balances_jsonable(db: Database, as_of: dt.date | None = None) -> dict[str, Any]:
    """`to_jsonable(balances(db, as_of))`, built straight from the cents.

    The same keys in the same order, money written by `money_text` ("150.00"),
    dates as ISO text, so `write_json(..., plain=True)` prints exactly what the
    generic walk over `BalanceReport` prints. At 50,000 members that report is
    1.5 million values: making a `Decimal` dataclass of each and walking them
    back into JSON's types took longer than writing the JSON itself.
    """
    sheet = balance_sheet(db, as_of)
    text = functools.lru_cache(maxsize=8192)(lambda cents: money_text(_decimal(cents)))

    @functools.lru_cache(maxsize=4096)
    def aging(cents: Cents4) -> dict[str, str]:
        # shared between members with the same figures: json writes a shared dict each time
        return {bucket: text(c) for bucket, c in zip(AGING_BUCKETS, cents, strict=True)}

    members = [
        {
            "hq_id": (p := m.position).hq_id,
            "name": m.name,
            "assessed": text(p.assessed),
            "paid": text(p.paid),
            "credits": text(p.credits),
            "waived": text(p.waived),
            "outstanding": text(p.outstanding),
            "credit": text(p.credit),
            "balance": text(p.balance),
            "aging": aging(m.aging),
            "charges": [
                {
                    "entry_id": c.entry_id,
                    "dues_year": c.dues_year,
                    "posted_on": c.posted_on.isoformat(),
                    "charged": text(c.charged),
                    "waived": text(c.waived),
                    "paid": text(c.paid),
                    "open": text(c.open),
                    "detail": c.detail,
                }
                for c in p.charges
            ],
            "entries": [],
            "list_name": m.list_name,
        }
        for m in sheet.members
    ]
    t = sheet.totals
    return {
        "as_of": sheet.as_of.isoformat(),
        "members": members,
        "totals": {
            "members": t.members,
            "members_owing": t.members_owing,
            "members_in_credit": t.members_in_credit,
            "assessed": text(t.assessed),
            "paid": text(t.paid),
            "credits": text(t.credits),
            "waived": text(t.waived),
            "outstanding": text(t.outstanding),
            "credit": text(t.credit),
            "aging": dict(aging(t.aging)),
        },
    }


def _status(charge: ChargeCents) -> str:
    if charge.open == 0:
        return "paid" if charge.waived == 0 else "waived"
    return "part-paid" if charge.paid > 0 or charge.waived > 0 else "unpaid"


class DuesLineCents(NamedTuple):
    """One member's dues for one year in cents (`DuesLine`'s figures, as read)."""

    hq_id: str
    name: str
    list_name: str
    charge: ChargeCents
    status: str
    days_outstanding: int


def dues_line_cents(
    db: Database,
    *,
    year: int | None = None,
    unpaid: bool = False,
    as_of: dt.date | None = None,
) -> tuple[str, list[DuesLineCents]]:
    """The chapter's currency and each member's dues per year in cents, by year and name."""
    day = as_of or dt.date.today()
    if year is not None:
        check_year(year)
    with reading(db, day) as reader:
        positions = read_positions(reader)
        names = _Names(reader)
        currency = reader.chapter.info.currency
    found = [
        (charge, position.hq_id)
        for position in positions
        for charge in position.charges
        if (year is None or charge.dues_year == year) and (charge.open > 0 or not unpaid)
    ]
    found.sort(key=lambda f: (f[0].dues_year, names[f[1]][1].casefold(), f[1]))
    return currency, [
        DuesLineCents(
            hq_id,
            *names[hq_id],
            charge,
            _status(charge),
            (day - charge.posted_on).days if charge.open > 0 else 0,
        )
        for charge, hq_id in found
    ]


_LINE_FIELDS = tuple(f.name for f in fields(DuesLine))


def dues_lines(
    db: Database,
    *,
    year: int | None = None,
    unpaid: bool = False,
    as_of: dt.date | None = None,
) -> list[DuesLine]:
    """Each member's dues per year (live charges), by year and name; `unpaid`: open ones only."""
    _currency, lines = dues_line_cents(db, year=year, unpaid=unpaid, as_of=as_of)
    return [
        _made(
            DuesLine,
            _LINE_FIELDS,
            (
                line.hq_id,
                line.name,
                (c := line.charge).dues_year,
                c.entry_id,
                c.posted_on,
                _decimal(c.charged),
                _decimal(c.waived),
                _decimal(c.paid),
                _decimal(c.open),
                line.status,
                line.days_outstanding,
                line.list_name,
            ),
        )
        for line in lines
    ]


def who_has_not_paid(db: Database, year: int, as_of: dt.date | None = None) -> list[DuesLine]:
    """Members whose dues for a year are still open, in whole or in part, by name."""
    return dues_lines(db, year=year, unpaid=True, as_of=as_of)
