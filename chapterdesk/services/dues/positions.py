"""Every member's dues position, read from the ledger in one pass over one query, in cents.

A member's position is where their dues stand: what was assessed, paid,
credited and waived (live entries only), each live charge with what was
waived, paid and is still open, what they owe over all years and the credit
they hold. `settle` is the one rule that works it out from a member's entries:
live (unreversed) payments and credits form one pool that pays the live
charges oldest first (`ledger.charge_order`), after each charge's waivers
(`ledger.apply_pool`); the pool left over is the member's credit, and the
balance is the plain signed sum of every entry.

`read_positions` reads the whole ledger (or some members') with one query
in table order and settles each member's rows in plain integer cents: no
per-member query, no `Decimal` arithmetic, no ORM objects. It is what
`dues balance`, `dues list`, the window's Dues page, the dues report and the
statements read. `ledger.allocate`, which works on one member's entry views
(a receipt, a waiver), settles by the very same function.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from chapterdesk.services.roster.reader import Runs, runner
from chapterdesk.services.roster.sql import RosterSql

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "SIGN",
    "SIGNED_CENTS_SQL",
    "ChargeCents",
    "LedgerRow",
    "Position",
    "amounts_owed",
    "apply_pool",
    "charge_order",
    "day_of",
    "of_members",
    "read_positions",
    "settle",
]

_CHUNK = 500
# The sign each kind gives its amount in a member's balance (what they owe).
SIGN = {"charge": 1, "payment": -1, "credit": -1, "waiver": -1}


def charge_order(
    dues_year: int | None, posted_on: dt.date, entry_id: int
) -> tuple[int, dt.date, int]:
    """The order a member's payments and credits pay their charges off: oldest first.

    Oldest dues year first, then the date posted, then the entry number. Every
    reader of the ledger sorts charges by this one key, so a member's balance
    comes out the same whichever way the ledger was read.
    """
    return (dues_year or 0, posted_on, entry_id)


Amount = TypeVar("Amount", int, Decimal)


def apply_pool(pool: Amount, owed: Iterable[Amount]) -> tuple[list[Amount], Amount]:
    """What a pool of live payments and credits pays of each amount owed, and what is left.

    The amounts owed are the live charges less their waivers, in `charge_order`;
    what is left is the member's credit.
    """
    applied: list[Amount] = []
    for amount in owed:
        paid = min(pool, amount)
        pool -= paid
        applied.append(paid)
    return applied, pool


class LedgerRow(NamedTuple):
    """One ledger entry as `settle` reads it: the columns of `_COLUMNS`, in that order.

    `posted_on` may be ISO text, as SQLite gives it (`day_of` reads either).
    """

    hq_id: str
    id: int
    kind: str
    dues_year: int | None
    posted_on: dt.date | str
    cents: int
    charge_id: int | None
    reverses_id: int | None
    detail: str


class ChargeCents(NamedTuple):
    """One live dues charge and where it stands, in cents."""

    entry_id: int
    dues_year: int
    posted_on: dt.date
    charged: int
    waived: int
    paid: int
    open: int
    detail: str


class Position(NamedTuple):
    """A member's dues position in cents: live totals, each live charge, outstanding, credit.

    `balance` is the signed sum of every entry (reversals included); it always
    equals `outstanding - credit`.
    """

    hq_id: str
    assessed: int
    paid: int
    credits: int
    waived: int
    outstanding: int
    credit: int
    balance: int
    charges: tuple[ChargeCents, ...]


_new = tuple.__new__  # builds the named tuples below without a Python frame each (hot loop)


def settle(
    hq_id: str, rows: Sequence[Sequence[Any]], reversed_ids: Iterable[int] | None = None
) -> Position:
    """A member's position from their entries (`LedgerRow`s or rows of `_COLUMNS`, posting order).

    Args:
        hq_id: the member the rows belong to.
        rows: every ledger entry of the member, reversals included.
        reversed_ids: the entries counted as reversed; by default those a
            reversal among `rows` reverses (a receipt's copy passes the
            ledger as it stood, with later reversals unseen).
    """
    reversals = [row for row in rows if row[2] == "reversal"]
    if reversed_ids is None:
        gone = {row[7] for row in reversals}
    else:
        gone = set(reversed_ids)
    balance = 0
    if reversals:
        kind_of = {row[1]: row[2] for row in rows}
        for row in reversals:
            balance -= SIGN[kind_of[row[7]]] * row[5]
    paid = credits = 0
    charges: list[tuple[int, dt.date, int, int, str]] = []
    waivers: dict[int, int] = {}
    for _h, entry_id, kind, dues_year, posted_on, cents, charge_id, _r, detail in rows:
        if kind == "charge":
            balance += cents
            if entry_id not in gone:
                charges.append((dues_year or 0, day_of(posted_on), entry_id, cents, detail))
        elif kind == "payment":
            balance -= cents
            if entry_id not in gone:
                paid += cents
        elif kind == "credit":
            balance -= cents
            if entry_id not in gone:
                credits += cents
        elif kind == "waiver":
            balance -= cents
            if entry_id not in gone and charge_id is not None:
                waivers[charge_id] = waivers.get(charge_id, 0) + cents
    if len(charges) > 1:
        # (dues year, date posted, entry number) is `charge_order`: oldest first
        charges.sort(key=lambda c: charge_order(c[0], c[1], c[2]))
    owed = [cents - waivers.get(entry_id, 0) for _y, _d, entry_id, cents, _t in charges]
    applied, credit = apply_pool(paid + credits, owed)
    assessed = waived = outstanding = 0
    states = []
    for (dues_year, posted_on, entry_id, cents, detail), left, charge_paid in zip(
        charges, owed, applied, strict=True
    ):
        assessed += cents
        waived += cents - left
        outstanding += left - charge_paid
        states.append(
            _new(
                ChargeCents,
                (
                    entry_id,
                    dues_year,
                    posted_on,
                    cents,
                    cents - left,
                    charge_paid,
                    left - charge_paid,
                    detail or "",
                ),
            )
        )
    return _new(
        Position,
        (hq_id, assessed, paid, credits, waived, outstanding, credit, balance, tuple(states)),
    )


@functools.lru_cache(maxsize=8192)
def _parse_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def day_of(value: Any) -> dt.date:
    """A date column's value as a `date` (SQLite gives ISO text: each day is parsed once)."""
    if isinstance(value, str):
        return _parse_day(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")


# `LedgerRow`'s columns, as the driver gives them (no per-row result processing).
LEDGER_ROWS_SQL = (
    "SELECT hq_id, id, kind, dues_year, posted_on, amount_cents, charge_id, reverses_id, detail"
    " FROM ledger_entry"
)


def of_members(sql: str, column: str, hq_ids: Iterable[str], order: str) -> list[RosterSql]:
    """`sql` limited to some HQ IDs, in chunks of bound parameters, each chunk in `order`."""
    wanted = sorted(set(hq_ids))
    statements = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        params = {f"h{n}": hq_id for n, hq_id in enumerate(chunk)}
        places = ", ".join(f":{name}" for name in params)
        statements.append(
            RosterSql(f"{sql} WHERE {column} IN ({places}) ORDER BY {order}", params)
        )
    return statements


def _rows_by_member(source: Runs | Session, hq_ids: Iterable[str] | None) -> dict[str, list[Any]]:
    """Every ledger row of some members (or of all), by HQ ID, each member's in posting order."""
    by_member: dict[str, list[Any]] = defaultdict(list)
    if hq_ids is None:
        # table order is posting order: a plain scan, no index walk
        statements = [RosterSql(f"{LEDGER_ROWS_SQL} ORDER BY id")]
    else:
        statements = of_members(LEDGER_ROWS_SQL, "hq_id", hq_ids, "id")
    run = runner(source).run
    for statement in statements:
        for row in run(statement):
            by_member[row[0]].append(row)
    return by_member


def read_positions(
    source: Runs | Session,
    hq_ids: Iterable[str] | None = None,
    posted_by: dt.date | None = None,
) -> list[Position]:
    """The position of every member with a ledger entry (or of some), in no particular order.

    `source` is a session (inside a unit of work, or on a server) or a reader
    of the file (`services.roster.reader`): the same statement either way.
    With `posted_by`, positions as they stood at the end of that day: entries
    posted after it (a reversal among them) are left out.
    """
    by_member = _rows_by_member(source, hq_ids)
    if posted_by is not None:
        by_member = {
            hq_id: kept
            for hq_id, rows in by_member.items()
            if (kept := _posted_by(rows, posted_by))
        }
    return [settle(hq_id, rows) for hq_id, rows in by_member.items()]


def _posted_by(rows: list[Any], day: dt.date) -> list[Any]:
    """A member's rows posted by the end of `day`, less reversals of entries posted after it."""
    kept = [row for row in rows if day_of(row[4]) <= day]
    ids = {row[1] for row in kept}
    return [row for row in kept if row[2] != "reversal" or row[7] in ids]


#: SQL: a `ledger_entry` row's signed cents (`SIGN`; a reversal the opposite of the entry it
#: reverses, nothing for a reversal of a reversal): its effect on what the member owes.
SIGNED_CENTS_SQL = (
    "CASE kind WHEN 'charge' THEN amount_cents"
    " WHEN 'reversal' THEN -amount_cents * COALESCE(("
    "SELECT CASE r.kind WHEN 'charge' THEN 1 WHEN 'reversal' THEN 0 ELSE -1 END"
    " FROM ledger_entry AS r WHERE r.id = ledger_entry.reverses_id), 0)"
    " ELSE -amount_cents END"
)
#: What `amounts_owed` reads: each entry's member and its signed cents. Worked out by the
#: database in the scan, so Python sees two columns and adds them up.
OWED_SQL = RosterSql(f"SELECT hq_id, {SIGNED_CENTS_SQL} FROM ledger_entry")


def amounts_owed(source: Runs | Session) -> dict[str, int]:
    """What each member who owes something owes, in cents: their balance, where positive.

    The balance is the signed sum of every entry (a reversal undoes the sign of
    the entry it reverses); where it is positive it is what `settle` calls
    outstanding (a credit only remains once every charge is paid). One plain
    scan of two columns (the sign is applied by the database) and a pass in
    integers, without settling each member's charges: for matching payments to
    what members owe across a whole chapter. `source` as for `read_positions`.
    """
    balance: dict[str, int] = defaultdict(int)
    for hq_id, cents in runner(source).run(OWED_SQL):
        balance[hq_id] += cents
    return {hq_id: owed for hq_id, owed in balance.items() if owed > 0}
