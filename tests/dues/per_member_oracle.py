"""The per-member dues computation ChapterDesk used before the set-based reader, kept as an oracle.

Until issue 14 every balance, aging figure and dues line was worked out one
member at a time: read the member's entry views (`ledger.entries_for`), apply
their live payments and credits to their live charges in `Decimal`s, sum. The
services now settle the whole chapter in one pass over one query, in cents
(`services.dues.positions`). This module keeps the old computation, verbatim
in substance, so a property test can hold the two to the same figures on
random ledgers. It is test code only: nothing in `chapterdesk/` calls it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.services.dues.balances import (
    AGING_BUCKETS,
    Aging,
    BalanceReport,
    BalanceTotals,
    DuesLine,
    MemberBalance,
    aging_bucket,
)
from chapterdesk.services.dues.ledger import ZERO, ChargeStatus, EntryView, entries_for, names_for

__all__ = ["old_balances", "old_credit_held", "old_dues_lines", "old_member_balance"]


@dataclass(frozen=True)
class _Allocation:
    assessed: Decimal
    paid: Decimal
    credits: Decimal
    waived: Decimal
    outstanding: Decimal
    credit: Decimal
    balance: Decimal
    charges: tuple[ChargeStatus, ...]


def _allocate(entries: Sequence[EntryView]) -> _Allocation:
    """The old `ledger.allocate`: `Decimal`s, one member's entry views."""
    live = [e for e in entries if e.kind != "reversal" and e.reversed_by is None]
    waived_by_charge: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for entry in live:
        if entry.kind == "waiver" and entry.charge_id is not None:
            waived_by_charge[entry.charge_id] += entry.amount
    paid = sum((e.amount for e in live if e.kind == "payment"), ZERO)
    credits = sum((e.amount for e in live if e.kind == "credit"), ZERO)
    charges = sorted(
        (e for e in live if e.kind == "charge"),
        key=lambda e: (e.dues_year or 0, e.posted_on, e.id),
    )
    waived = [waived_by_charge[charge.id] for charge in charges]
    pool = paid + credits
    applied = []
    for charge, charge_waived in zip(charges, waived, strict=True):
        part = min(pool, charge.amount - charge_waived)
        pool -= part
        applied.append(part)
    states = [
        ChargeStatus(
            entry_id=charge.id,
            dues_year=charge.dues_year or 0,
            posted_on=charge.posted_on,
            charged=charge.amount,
            waived=charge_waived,
            paid=charge_paid,
            open=charge.amount - charge_waived - charge_paid,
            detail=charge.detail,
        )
        for charge, charge_waived, charge_paid in zip(charges, waived, applied, strict=True)
    ]
    return _Allocation(
        assessed=sum((c.charged for c in states), ZERO),
        paid=paid,
        credits=credits,
        waived=sum((c.waived for c in states), ZERO),
        outstanding=sum((c.open for c in states), ZERO),
        credit=pool,
        balance=sum((e.signed for e in entries), ZERO),
        charges=tuple(states),
    )


def _aging(charges: Sequence[ChargeStatus], as_of: dt.date) -> Aging:
    sums = dict.fromkeys(AGING_BUCKETS, ZERO)
    for charge in charges:
        if charge.open > 0:
            sums[aging_bucket(charge.posted_on, as_of)] += charge.open
    return Aging(**sums)


def _member(
    hq_id: str, names: tuple[str, str], state: _Allocation, as_of: dt.date,
    entries: tuple[EntryView, ...],
) -> MemberBalance:
    return MemberBalance(
        hq_id=hq_id,
        name=names[0],
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
        list_name=names[1],
    )


def old_member_balance(db: Database, hq_id: str, as_of: dt.date) -> MemberBalance:
    """One member's balance the old way (the HQ ID must be known)."""
    with db.reading() as session:
        names = names_for(session, [hq_id])
        entries = _ledgers(session, as_of, [hq_id]).get(hq_id, [])
    # allocated in posting order; listed for reading by date, then entry number (issue 16)
    listed = tuple(sorted(entries, key=lambda e: (e.posted_on, e.id)))
    return _member(hq_id, names[hq_id], _allocate(entries), as_of, listed)


def old_balances(db: Database, as_of: dt.date) -> BalanceReport:
    """Every member's balance and the totals as of a day, the old way."""
    with db.reading() as session:
        ledgers = _ledgers(session, as_of)
        names = names_for(session, ledgers)
    members = sorted(
        (
            _member(hq_id, names[hq_id], _allocate(entries), as_of, ())
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
    return BalanceReport(as_of, tuple(members), totals)


def old_dues_lines(
    db: Database, *, year: int | None, unpaid: bool, as_of: dt.date
) -> list[DuesLine]:
    """Each member's dues per year, the old way (every member's whole ledger allocated)."""
    with db.reading() as session:
        ledgers = entries_for(session)
        names = names_for(session, ledgers)
    lines = []
    for hq_id, entries in ledgers.items():
        for charge in _allocate(entries).charges:
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
                    days_outstanding=(as_of - charge.posted_on).days if charge.open > 0 else 0,
                    list_name=names[hq_id][1],
                )
            )
    lines.sort(key=lambda line: (line.dues_year, names[line.hq_id][1].casefold(), line.hq_id))
    return lines


def _as_it_stood(entries: Sequence[EntryView], day: dt.date) -> list[EntryView]:
    """A member's entries posted by the end of `day`, reversed only by reversals posted by then."""
    posted = {e.id for e in entries if e.posted_on <= day}
    then = [
        e for e in entries if e.id in posted and (e.kind != "reversal" or e.reverses_id in posted)
    ]
    reverser = {e.reverses_id: e.id for e in then if e.kind == "reversal"}
    return [replace(e, reversed_by=reverser.get(e.id)) for e in then]


def _ledgers(session: Session, as_of: dt.date, hq_ids: list[str] | None = None) -> dict[
    str, list[EntryView]
]:
    """Every member's (or some members') entries as they stood at the end of `as_of`."""
    found = entries_for(session) if hq_ids is None else entries_for(session, hq_ids)
    return {hq_id: then for hq_id, es in found.items() if (then := _as_it_stood(es, as_of))}


def old_credit_held(db: Database, as_of: dt.date) -> Decimal:
    """The credit members held at the end of `as_of`: every ledger as it stood that day."""
    with db.reading() as session:
        ledgers = _ledgers(session, as_of)
    return sum((_allocate(entries).credit for entries in ledgers.values()), ZERO)
