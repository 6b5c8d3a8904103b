"""Posting payments to the dues ledger, with receipts, and the checks every posting shares.

Every function here appends entries; none changes or removes one (the
database refuses that too). Receipt numbers are sequential per chapter: the
next is the highest so far plus one. On SQLite that is read under the writer's
lock (`BEGIN IMMEDIATE`); on a shared PostgreSQL server two officers' payments
overlap, so a payment first locks the chapter's settings row (`SELECT … FOR
UPDATE`), which makes payments take their numbers one after the other: both
land, each with its own receipt. The UNIQUE constraint on receipt numbers stays
as the last guard.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import (
    HQ_NAME_COLUMNS,
    ChapterMembership,
    ChapterSettings,
    HqMember,
)
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.money import CENT, MAX_AMOUNT, from_cents, parse_amount, to_cents
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.door import change
from chapterdesk.services.dues.dates import check_ledger_date
from chapterdesk.services.dues.ledger import (
    ZERO,
    EntryView,
    allocate,
    entries_for,
    person_names,
)
from chapterdesk.values import normalise_hq_id

METHOD_ALIASES = {
    "visa": "visa",
    "mastercard": "mastercard",
    "mc": "mastercard",
    "amex": "amex",
    "americanexpress": "amex",
    "check": "check",
    "cheque": "check",
    "moneyorder": "money-order",
    "mo": "money-order",
}
PURCHASE_ORDER = {"po", "purchaseorder", "purchaseorders"}
_CARD_NUMBER = re.compile(r"^\d{13,19}$")


@dataclass(frozen=True)
class PaymentRequest:
    """One payment to record (the batch form of `record_payment`'s arguments)."""

    hq_id: str
    amount: Decimal | str
    method: str
    reference: str | None = None
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class Receipt:
    """A recorded payment: its receipt number and what it paid."""

    entry_id: int
    receipt_no: int
    hq_id: str
    name: str
    amount: Decimal
    method: str
    reference: str
    paid_on: dt.date
    applied: tuple[tuple[int, Decimal], ...]  # (dues year, amount) paid off by this payment
    outstanding_after: Decimal
    credit_after: Decimal


def parse_method(text: str) -> str:
    """A payment method as stored (`visa`, `mastercard`, `amex`, `check`, `money-order`).

    Raises:
        RuleRefusedError: a purchase order (the chapter does not accept them).
        BadInputError: any other method it does not know.
    """
    key = re.sub(r"[^a-z]", "", (text or "").casefold())
    if key in PURCHASE_ORDER:
        raise RuleRefusedError(
            "Purchase orders are not accepted; ask for payment by Visa, MasterCard, "
            "American Express, check or money order."
        )
    if key not in METHOD_ALIASES:
        raise BadInputError(
            f"{text!r} is not a payment method; use visa, mastercard, amex, check or money-order."
        )
    return METHOD_ALIASES[key]


def exact_amount(value: Decimal | str, currency: str, what: str) -> Decimal:
    """An amount as typed (parsed exactly) or a `Decimal`, refused unless positive whole cents."""
    if isinstance(value, str):
        return parse_amount(value, currency, what=what)
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT or value != value.quantize(CENT):
        raise BadInputError(f"{value} is not a valid {what}; give a positive amount in cents.")
    return value.quantize(CENT)


def require_reason(text: str, what: str) -> str:
    """The reason a credit, waiver or reversal must carry, tidied; refused when empty."""
    clean = " ".join((text or "").split())
    if not clean:
        raise BadInputError(f"A {what} needs a reason; say why with --reason.")
    return clean[:500]


def posting_date(day: dt.date | None, today: dt.date, what: str) -> dt.date:
    """The date an entry is posted on (default today); refused in the future."""
    chosen = day or today
    if chosen > today:
        raise BadInputError(
            f"The {what} date {chosen.isoformat()} is in the future; give today or an earlier date."
        )
    return chosen


def ledger_posting_date(
    session: Session, day: dt.date | None, today: dt.date, what: str, allow_date: bool
) -> dt.date:
    """`posting_date`, also refused before the chapter existed unless `allow_date`."""
    return check_ledger_date(
        session, posting_date(day, today, what), what, today=today, allow_date=allow_date
    )


def _members(session: Session, hq_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Display name and latest chapter membership of each ID that was ever a chapter member."""
    found: dict[str, tuple[str, int]] = {}
    wanted = sorted(set(hq_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = (
            select(HqMember.hq_id, ChapterMembership.id, *HQ_NAME_COLUMNS)
            .join(ChapterMembership, ChapterMembership.hq_id == HqMember.hq_id)
            .where(HqMember.hq_id.in_(chunk))
            .order_by(ChapterMembership.chapter_joined_on, ChapterMembership.id)
        )
        for hq_id, membership_id, *parts in session.execute(query):
            found[hq_id] = (person_names(*parts)[0], membership_id)
    return found


def chapter_member(session: Session, hq_id: str) -> tuple[str, str, int]:
    """The clean HQ ID, display name and latest chapter membership of someone who can pay."""
    clean = normalise_hq_id(hq_id)
    found = _members(session, [clean]).get(clean)
    if found is None:
        raise NotFoundError(
            f"{clean} has never been a member of this chapter; dues are recorded for chapter "
            "members only. Check the HQ member ID."
        )
    return clean, found[0], found[1]


def take_receipt_counter(session: Session) -> None:
    """Hold the chapter's receipt numbering until this unit of work ends.

    Locks the one chapter-settings row on PostgreSQL (SQLite renders no FOR UPDATE:
    its writers are serial already). A second payment waits here for the first to
    commit; at READ COMMITTED its next statement then sees the first one's receipt
    and check number, so it neither reuses the number nor records the check twice.
    """
    session.execute(
        select(ChapterSettings.id).where(ChapterSettings.id == 1).with_for_update()
    ).first()


def _next_receipt(session: Session) -> int:
    return int(session.execute(select(func.max(LedgerEntry.receipt_no))).scalar() or 0) + 1


def post_entry(session: Session, entry: LedgerEntry, clash: str) -> int:
    """Append one entry; a constraint clash (another officer won a race) refuses with `clash`."""
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        raise RuleRefusedError(clash) from None
    return entry.id


def record_payments(
    db: Database,
    requests: Sequence[PaymentRequest],
    *,
    today: dt.date | None = None,
    allow_date: bool = False,
) -> list[Receipt]:
    """Record several payments in one unit of work: all are recorded, or none.

    Each is validated as `record_payment` does; receipts are numbered in order.
    `allow_date` accepts a date before the chapter's records begin.
    """
    day = today or dt.date.today()
    with change(db, "record payments") as uow:
        session = uow.session
        currency = settings_row(session).currency
        take_receipt_counter(session)
        members = _members(session, [normalise_hq_id(r.hq_id) for r in requests])
        prepared = []
        for request in requests:
            hq_id = normalise_hq_id(request.hq_id)
            if hq_id not in members:
                chapter_member(session, hq_id)  # raises the "never a member" refusal
            name, membership_id = members[hq_id]
            amount = exact_amount(request.amount, currency, "payment")
            method = parse_method(request.method)
            reference = " ".join((request.reference or "").split())
            if method == "check" and not reference:
                raise BadInputError(
                    f"A check payment from {hq_id} needs the check number; give it with "
                    "--reference NUMBER."
                )
            if len(reference) > 60:
                raise BadInputError("The payment reference is longer than 60 characters.")
            if method in ("visa", "mastercard", "amex") and _CARD_NUMBER.match(
                re.sub(r"[\s-]", "", reference)
            ):
                raise BadInputError(
                    "That reference looks like a full card number; never record card numbers, "
                    "give the last four digits or the authorisation code."
                )
            paid_on = ledger_posting_date(session, request.paid_on, day, "payment", allow_date)
            prepared.append((hq_id, name, membership_id, amount, method, reference, paid_on))
        ledgers = entries_for(session, [p[0] for p in prepared])
        seen_checks: set[tuple[str, str]] = set()
        for hq_id, _n, _m, _a, method, reference, _d in prepared:
            if method != "check":
                continue
            if (hq_id, reference) in seen_checks:
                raise RuleRefusedError(
                    f"Check {reference} from {hq_id} appears twice in these payments; "
                    "record it once."
                )
            seen_checks.add((hq_id, reference))
            for earlier in ledgers.get(hq_id, []):
                if (
                    earlier.kind == "payment"
                    and earlier.method == "check"
                    and earlier.reference == reference
                    and earlier.reversed_by is None
                ):
                    raise RuleRefusedError(
                        f"Check {reference} from {hq_id} was already recorded as receipt "
                        f"{earlier.receipt_no} on {earlier.posted_on.isoformat()}; reverse that "
                        "entry first if it was wrong."
                    )
        first_receipt = _next_receipt(session)
        rows: list[dict[str, Any]] = [
            {
                "kind": "payment",
                "hq_id": hq_id,
                "membership_id": membership_id,
                "amount_cents": to_cents(amount),
                "posted_on": paid_on,
                "method": method,
                "reference": reference,
                "receipt_no": first_receipt + index,
                "reason": "",
                "detail": "",
            }
            for index, (hq_id, _n, membership_id, amount, method, reference, paid_on) in enumerate(
                prepared
            )
        ]
        try:
            batch = uow.start_batch(
                "payments",
                f"{len(rows)} payment{'s' if len(rows) != 1 else ''} from "
                f"{', '.join(sorted({str(r['hq_id']) for r in rows})[:5])}",
                len(rows),
            )
            ids = uow.insert_rows(LedgerEntry, rows, batch_id=batch)
        except IntegrityError:
            raise RuleRefusedError(
                f"Receipt {first_receipt} was just taken by another officer; nothing was "
                "recorded. Record the payment again."
            ) from None
        receipts = []
        for entry_id, row, (hq_id, name, _m, amount, method, reference, paid_on) in zip(
            ids, rows, prepared, strict=True
        ):
            ledger = ledgers.setdefault(hq_id, [])
            before = allocate(ledger)
            ledger.append(_payment_view(entry_id, row))
            after = allocate(ledger)
            paid_before = {c.entry_id: c.paid for c in before.charges}
            applied = tuple(
                (c.dues_year, c.paid - paid_before.get(c.entry_id, ZERO))
                for c in after.charges
                if c.paid != paid_before.get(c.entry_id, ZERO)
            )
            receipts.append(
                Receipt(
                    entry_id,
                    row["receipt_no"],
                    hq_id,
                    name,
                    amount,
                    method,
                    reference,
                    paid_on,
                    applied,
                    after.outstanding,
                    after.credit,
                )
            )
        return receipts


def record_payment(
    db: Database,
    hq_id: str,
    amount: Decimal | str,
    method: str,
    reference: str | None = None,
    paid_on: dt.date | None = None,
    *,
    today: dt.date | None = None,
    allow_date: bool = False,
) -> Receipt:
    """Record a member's payment and give it the next receipt number.

    The payment pays the member's oldest open charges first; anything beyond
    what is owed stays as a credit for the next charge (dues are not refundable).

    Args:
        amount: a `Decimal` in whole cents, or text as typed (`"1,150.00"`, `"$150"`).
        method: visa, mastercard, amex, check or money-order (common spellings accepted).
        reference: the check number (required for checks), card authorisation, …
        paid_on: the day the money was received (default today; never in the future,
            nor before the chapter existed unless `allow_date`).
    Raises:
        BadInputError: malformed amount, unknown method, check without number,
            a full card number as reference, a future date.
        NotFoundError: the HQ ID was never a chapter member.
        RuleRefusedError: a purchase order, or a check already recorded.
    """
    request = PaymentRequest(hq_id, amount, method, reference, paid_on)
    return record_payments(db, [request], today=today, allow_date=allow_date)[0]


def _payment_view(entry_id: int, row: dict[str, Any]) -> EntryView:
    amount = from_cents(row["amount_cents"])
    return EntryView(
        id=entry_id,
        kind="payment",
        hq_id=row["hq_id"],
        dues_year=None,
        amount=amount,
        signed=-amount,
        posted_on=row["posted_on"],
        method=row["method"],
        reference=row["reference"],
        receipt_no=row["receipt_no"],
        reverses_id=None,
        charge_id=None,
        reason="",
        detail="",
        reversed_by=None,
    )


__all__ = [
    "PaymentRequest",
    "Receipt",
    "parse_method",
    "record_payment",
    "record_payments",
]
