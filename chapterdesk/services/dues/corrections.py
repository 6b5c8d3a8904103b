"""Correcting and adjusting the dues ledger: credits, waivers and reversals.

A posted entry is never edited: a mistake is corrected by a reversal that
names the entry it undoes and why (once per entry; a reversal itself cannot be
reversed). A waiver forgives what is still open of one year's charge; a credit
lowers what a member owes without money changing hands. Each needs a reason,
which stays in the ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.errors import NotFoundError, RuleRefusedError
from chapterdesk.money import to_cents
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.door import change
from chapterdesk.services.dues.ledger import (
    KIND_LABELS,
    EntryView,
    allocate,
    entries_for,
    entry_by_id,
)
from chapterdesk.services.dues.payments import (
    chapter_member,
    exact_amount,
    ledger_posting_date,
    post_entry,
    require_reason,
)
from chapterdesk.values import check_year


def post_credit(
    db: Database,
    hq_id: str,
    amount: Decimal | str,
    reason: str,
    *,
    on: dt.date | None = None,
    today: dt.date | None = None,
    allow_date: bool = False,
) -> EntryView:
    """Credit a member without money changing hands (an opening balance, a board decision)."""
    why = require_reason(reason, "credit")
    with change(db, "post credit") as uow:
        session = uow.session
        currency = settings_row(session).currency
        clean, _name, membership_id = chapter_member(session, hq_id)
        value = exact_amount(amount, currency, "credit")
        entry = LedgerEntry(
            kind="credit",
            hq_id=clean,
            membership_id=membership_id,
            amount_cents=to_cents(value),
            posted_on=ledger_posting_date(
                session, on, today or dt.date.today(), "credit", allow_date
            ),
            reference="",
            reason=why,
            detail="",
        )
        entry_id = post_entry(session, entry, "The credit could not be posted; try again.")
        view = entry_by_id(session, entry_id)
        assert view is not None
        return view


def waive_dues(
    db: Database,
    hq_id: str,
    year: int,
    reason: str,
    *,
    on: dt.date | None = None,
    today: dt.date | None = None,
    allow_date: bool = False,
) -> EntryView:
    """Waive what is still open of a member's dues charge for a year.

    Raises:
        BadInputError: no reason given, or an implausible year.
        NotFoundError: the HQ ID was never a chapter member.
        RuleRefusedError: no live charge for that year, or nothing of it is open.
    """
    why = require_reason(reason, "waiver")
    check_year(year)
    with change(db, "waive dues") as uow:
        session = uow.session
        clean, name, membership_id = chapter_member(session, hq_id)
        state = allocate(entries_for(session, [clean]).get(clean, []))
        charge = next((c for c in state.charges if c.dues_year == year), None)
        if charge is None:
            raise RuleRefusedError(
                f"{name} ({clean}) has no dues charge for {year} to waive; assess the year first."
            )
        if charge.open <= 0:
            raise RuleRefusedError(
                f"Nothing of {name}'s {year} dues is open (paid or waived already); "
                "there is nothing to waive."
            )
        entry = LedgerEntry(
            kind="waiver",
            hq_id=clean,
            membership_id=membership_id,
            dues_year=year,
            charge_id=charge.entry_id,
            amount_cents=to_cents(charge.open),
            posted_on=ledger_posting_date(
                session, on, today or dt.date.today(), "waiver", allow_date
            ),
            reference="",
            reason=why,
            detail="",
        )
        entry_id = post_entry(session, entry, "The waiver could not be posted; try again.")
        view = entry_by_id(session, entry_id)
        assert view is not None
        return view


def reverse_entry(
    db: Database,
    entry_id: int,
    reason: str,
    *,
    on: dt.date | None = None,
    today: dt.date | None = None,
    allow_date: bool = False,
) -> EntryView:
    """Correct a posted entry by posting its reversal; the original stays in the ledger.

    Raises:
        BadInputError: no reason given.
        NotFoundError: there is no such entry.
        RuleRefusedError: the entry is itself a reversal, was reversed already, or
            is a charge with a live waiver (reverse the waiver first).
    """
    why = require_reason(reason, "reversal")
    with change(db, "reverse entry") as uow:
        session = uow.session
        original = entry_by_id(session, entry_id)
        if original is None:
            raise NotFoundError(f"There is no ledger entry {entry_id}; check the entry number.")
        label = f"Entry {entry_id} ({KIND_LABELS[original.kind].lower()})"
        if original.kind == "reversal":
            raise RuleRefusedError(
                f"Entry {entry_id} is itself a reversal (of entry {original.reverses_id}) and "
                "cannot be reversed; post the original entry again if it was right."
            )
        if original.reversed_by is not None:
            raise RuleRefusedError(
                f"{label} was already reversed by entry {original.reversed_by}; "
                "an entry can be reversed only once."
            )
        if original.kind == "charge":
            waiver = next(
                (
                    e
                    for e in entries_for(session, [original.hq_id])[original.hq_id]
                    if e.kind == "waiver" and e.charge_id == entry_id and e.reversed_by is None
                ),
                None,
            )
            if waiver is not None:
                raise RuleRefusedError(
                    f"{label} has a live waiver, entry {waiver.id}; reverse the waiver first."
                )
        entry = LedgerEntry(
            kind="reversal",
            hq_id=original.hq_id,
            dues_year=original.dues_year,
            amount_cents=to_cents(original.amount),
            posted_on=ledger_posting_date(
                session, on, today or dt.date.today(), "reversal", allow_date
            ),
            reference="",
            reverses_id=entry_id,
            membership_id=session.scalar(
                select(LedgerEntry.membership_id).where(LedgerEntry.id == entry_id)
            ),
            reason=why,
            detail="",
        )
        new_id = post_entry(
            session,
            entry,
            f"{label} was reversed by another officer at the same moment; it is reversed once.",
        )
        view = entry_by_id(session, new_id)
        assert view is not None
        return view
