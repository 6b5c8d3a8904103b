"""A whole dues year read from the ledger at once: every charged member's position, in cents.

The dues report and the member statements need, for every member charged for
a year, where each of the year's charges stands (waived, paid, still open),
what the member owes over all years and the credit they hold. Reading each
member's entries and allocating them one by one (`ledger.entries_for` and
`ledger.allocate`) takes seconds at 50,000 members, so this reads the same
facts in three queries, summed in the database where only a sum is needed:
the live charges of the members charged for the year (every year's, since
payments pay the oldest first), the live waivers of each charge, and the live
payments and credits of each member. Payments are then applied to charges
with the very functions `allocate` uses (`ledger.charge_order`,
`ledger.apply_pool`), on integer cents: exact, and much quicker than
`Decimal` for sums of a whole chapter. Amounts become `Decimal` where they
leave the services (the report's dataclasses). A test holds this reader and
the per-member one to the same figures on both engines.

"Live" means as everywhere in the ledger: not a reversal, and not reversed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ColumnElement, Select, cast, exists, func, select
from sqlalchemy.orm import Session, aliased

from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import HQ_NAME_COLUMNS, HqMember
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.services.dues.positions import apply_pool, charge_order

__all__ = [
    "ChargeCents",
    "MemberPosition",
    "Person",
    "charged_for",
    "live_entry",
    "people_charged_for",
    "sum_cents",
    "year_positions",
]


class ChargeCents(NamedTuple):
    """One live charge for the year and where it stands, in cents."""

    entry_id: int
    posted_on: dt.date
    charged: int
    waived: int
    paid: int
    open: int


class MemberPosition(NamedTuple):
    """A member charged for the year: the year's live charges, what they owe, their credit.

    `charges` holds the year's live charges (one, unless an earlier one was
    reversed and the member assessed again); `outstanding` is what is open of
    every live charge of every year, and `credit` what was paid beyond it.
    """

    hq_id: str
    charges: tuple[ChargeCents, ...]
    outstanding: int
    credit: int


class Person(NamedTuple):
    """What the year's reports print of a member besides money: names and HQ member type."""

    name: str
    sort_name: str
    member_type: str


def live_entry() -> ColumnElement[bool]:
    """SQL: the `LedgerEntry` row is not reversed (pair with `kind != 'reversal'`)."""
    reversal = aliased(LedgerEntry)
    return ~exists().where(reversal.reverses_id == LedgerEntry.id)


def sum_cents() -> ColumnElement[int]:
    """SQL: the sum of the rows' cents as a whole number (PostgreSQL would give a NUMERIC)."""
    return cast(func.sum(LedgerEntry.amount_cents), BigInteger)


def charged_for(year: int) -> Select[Any]:
    """SQL: the HQ IDs with a live charge for the dues year."""
    return select(LedgerEntry.hq_id).where(
        LedgerEntry.kind == "charge", LedgerEntry.dues_year == year, live_entry()
    )


def _in_charge_order(row: Any) -> tuple[int, dt.date, int]:
    """`ledger.charge_order` of a row of (HQ ID, entry ID, dues year, posted on, cents)."""
    return charge_order(row[2], row[3], row[1])


def year_positions(session: Session, year: int) -> list[MemberPosition]:
    """Every member with a live charge for `year`, in no particular order, with their position.

    The figures are `ledger.allocate`'s for the same member: the same entries
    count as live, waivers reduce their own charge, and the pool of live
    payments and credits pays the charges in `charge_order`. Every live charge
    and every member's pool are read (a table scan each, far quicker than
    looking up the year's members one by one); only the members charged for
    `year` are returned.
    """
    if session.scalar(select(exists(charged_for(year)))) is not True:
        return []  # nothing assessed for the year: no need to read the ledger
    charges: dict[str, list[Any]] = defaultdict(list)
    charge_query = select(
        LedgerEntry.hq_id,
        LedgerEntry.id,
        LedgerEntry.dues_year,
        LedgerEntry.posted_on,
        LedgerEntry.amount_cents,
    ).where(LedgerEntry.kind == "charge", live_entry())
    for row in session.execute(charge_query):
        charges[row[0]].append(row)
    waived_query = (
        select(LedgerEntry.charge_id, sum_cents())
        .where(LedgerEntry.kind == "waiver", live_entry(), LedgerEntry.charge_id.is_not(None))
        .group_by(LedgerEntry.charge_id)
    )
    waived: dict[int, int] = {
        charge: cents for charge, cents in session.execute(waived_query) if charge is not None
    }
    # Summed here, not by GROUP BY: SQLite would group by walking the hq_id index,
    # reading the table row by row out of order, which takes three times as long.
    pools: dict[str, int] = defaultdict(int)
    pool_query = select(LedgerEntry.hq_id, LedgerEntry.amount_cents).where(
        LedgerEntry.kind.in_(("payment", "credit")), live_entry()
    )
    for hq_id, cents in session.execute(pool_query):
        pools[hq_id] += cents
    positions = []
    for hq_id, rows in charges.items():
        if len(rows) > 1:
            rows.sort(key=_in_charge_order)
        owed = [amount - waived.get(entry_id, 0) for _, entry_id, _, _, amount in rows]
        applied, credit = apply_pool(pools.get(hq_id, 0), owed)
        this_year = tuple(
            ChargeCents(entry_id, posted_on, amount, amount - left, paid, left - paid)
            for (_, entry_id, dues_year, posted_on, amount), left, paid in zip(
                rows, owed, applied, strict=True
            )
            if dues_year == year
        )
        if this_year:
            positions.append(MemberPosition(hq_id, this_year, sum(owed) - sum(applied), credit))
    return positions


def people_charged_for(session: Session, year: int) -> dict[str, Person]:
    """Display name, sort name and HQ member type of every member with a live `year` charge."""
    query = select(HqMember.hq_id, *HQ_NAME_COLUMNS, HqMember.member_type).where(
        HqMember.hq_id.in_(charged_for(year))
    )
    people = {}
    for hq_id, prefix, first, middle, last, suffix, member_type in session.execute(query):
        name, sort_name = person_names(prefix, first, middle, last, suffix)
        people[hq_id] = Person(name, sort_name, member_type)
    return people
